"""Live sources against a fake API on 127.0.0.1: the HTTP client (retries, backoff,
rate limit, timeouts, cut bodies), the cache, both fetchers (paging, resume, offline)
and ``leaderboard fetch`` end to end through the installed console script.

The fake API serves the hand-written fixtures of ``tests/data/fetch`` in the shape of
each real API and can be scripted to fail a given request. Nothing here leaves the
loopback address. ``python tests/test_fetch.py`` serves the fixtures for trying the CLI
by hand.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from leaderboard import __version__
from leaderboard.fetch import arxiv as arxiv_api
from leaderboard.fetch import hfdaily
from leaderboard.fetch.cache import Cache, Manifest, default_cache_dir
from leaderboard.fetch.client import (
    FetchError,
    HttpClient,
    NetworkError,
    RateLimiter,
    RetryPolicy,
)
from leaderboard.fetch.common import FetchContext, endpoint_url

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "data" / "fetch"
CLI = Path(sys.executable).parent / "leaderboard"
#: Fixture days are in 2024: long settled by this "today".
TODAY = date(2024, 3, 1)
#: How long a "slow" response waits before its first byte (clients here time out first).
SLOW = 1.2
CL_DAY = dict(category="cs.CL", date_from=date(2024, 1, 22), date_to=date(2024, 1, 22))


# --- the fake API ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    at: float
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class FakeApi(ThreadingHTTPServer):
    """``/api/daily_papers`` and ``/api/query`` from the fixtures, on 127.0.0.1.

    ``fail(key, *actions)`` queues what the next requests for ``key`` get instead of the
    fixture: ``"429"`` / ``"429:N"`` (Retry-After N; ``429lc:N`` spells the header in
    lower case, as HTTP/2 proxies do), ``"500"``, ``"503"``, ``"slow"``
    (the fixture after :data:`SLOW` seconds), ``"truncate"`` (half the body, a longer
    Content-Length, then the connection closes), ``"html"`` (a proxy's error page with
    status 200), ``"empty-page"`` (an arXiv page with no entries). Keys are
    ``hf:DATE:pN`` and ``arxiv:START``.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[Hit] = []
        self.script: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fail(self, key: str, *actions: str) -> None:
        with self.lock:
            self.script.setdefault(key, []).extend(actions)

    def next_action(self, key: str) -> str | None:
        with self.lock:
            queue = self.script.get(key)
            return queue.pop(0) if queue else None

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]


def _hf_answer(params: dict[str, str]) -> tuple[str, int, bytes]:
    day, page = params.get("date", ""), params.get("p", "0")
    limit = params.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        return "hf:bad", 400, b'{"error":"limit must be between 1 and 100"}'
    paged = FIXTURES / "hf" / f"{day}.p{page}.json"
    whole = FIXTURES / "hf" / f"{day}.json"
    if paged.exists():
        body = paged.read_bytes()
    elif whole.exists() and page == "0":
        body = whole.read_bytes()
    else:
        body = b"[]"
    return f"hf:{day}:p{page}", 200, body


def _arxiv_answer(params: dict[str, str]) -> tuple[str, int, bytes]:
    query = params.get("search_query", "")
    start = params.get("start", "0")
    if "bogus" in query or not start.isdigit():
        return "arxiv:error", 400, (FIXTURES / "arxiv" / "error.xml").read_bytes()
    if (params.get("sortBy"), params.get("sortOrder")) != ("submittedDate", "ascending"):
        return "arxiv:error", 400, (FIXTURES / "arxiv" / "error.xml").read_bytes()
    if "cat:cs.CL" in query and "submittedDate:[202401220000 TO " in query:
        page = FIXTURES / "arxiv" / f"start-{start}.xml"
        body = page.read_bytes() if page.exists() else _empty_page(int(start), 5)
        return f"arxiv:{start}", 200, body
    return f"arxiv:{start}", 200, (FIXTURES / "arxiv" / "empty.xml").read_bytes()


def _empty_page(start: int, total: int) -> bytes:
    ns = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/'
            f'Atom">\n  <opensearch:totalResults {ns}>{total}</opensearch:totalResults>\n'
            f'  <opensearch:startIndex {ns}>{start}</opensearch:startIndex>\n'
            f'  <opensearch:itemsPerPage {ns}>2</opensearch:itemsPerPage>\n</feed>\n').encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeApi

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query))
        api = self.server
        with api.lock:
            api.hits.append(Hit(time.monotonic(), parts.path, params, dict(self.headers)))
        if parts.path.endswith("/api/daily_papers"):
            key, status, body = _hf_answer(params)
            ctype = "application/json; charset=utf-8"
        elif parts.path.endswith("/api/query"):
            key, status, body = _arxiv_answer(params)
            ctype = "application/atom+xml; charset=utf-8"
        else:
            self._send(404, b"not found", "text/plain")
            return
        action = api.next_action(key)
        if action is None:
            self._send(status, body, ctype)
        elif action.startswith("429"):
            wait = action.partition(":")[2] or "0"
            name = "retry-after" if action.startswith("429lc") else "Retry-After"
            self._send(429, b'{"error":"Too Many Requests"}', "application/json",
                       {name: wait})
        elif action in ("500", "503"):
            self._send(int(action), b"<html><body>Server error</body></html>", "text/html")
        elif action == "slow":
            time.sleep(SLOW)
            self._send(status, body, ctype)
        elif action == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif action == "html":
            self._send(200, b"<!DOCTYPE html><html><body>Proxy error</body></html>",
                       "text/html")
        elif action == "empty-page":
            self._send(200, _empty_page(int(params.get("start", "0")), 5), ctype)
        else:  # pragma: no cover - a typo in a test
            raise AssertionError(f"unknown action {action!r}")

    def _send(self, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api() -> Iterator[FakeApi]:
    server = FakeApi()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def client(retries: int = 2, timeout: float = 2.0, interval: float = 0.0,
           retry_log: list[tuple[str, str, float]] | None = None) -> HttpClient:
    def on_retry(url: str, reason: str, delay: float) -> None:
        if retry_log is not None:
            retry_log.append((url, reason, delay))

    return HttpClient(timeout=timeout, policy=RetryPolicy(retries=retries, backoff=0.01),
                      limiter=RateLimiter(interval), on_retry=on_retry)


def context(tmp_path: Path, api: FakeApi, *, offline: bool = False, refresh: bool = False,
            today: date = TODAY, **client_args: float) -> FetchContext:
    http = None if offline else client(**client_args)  # type: ignore[arg-type]
    return FetchContext(Cache(tmp_path / "cache"), api.url, http, refresh, today)


def group_files(result_dir: Path) -> list[str]:
    return sorted(p.name for p in result_dir.iterdir()) if result_dir.exists() else []


# --- rate limit -------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_requests_on_a_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    assert limiter.wait() == 0  # the first request goes at once
    clock.now += 1.0
    assert limiter.wait() == pytest.approx(2.0)  # 1 s later: wait the other 2
    clock.now += 5.0
    assert limiter.wait() == 0  # long enough ago
    assert limiter.wait() == pytest.approx(3.0)  # back to back: a full interval
    assert clock.slept == [pytest.approx(2.0), pytest.approx(3.0)]


def test_rate_limiter_remembers_the_last_request_across_processes(tmp_path: Path) -> None:
    clock = FakeClock()
    state = tmp_path / "state" / "export.arxiv.org.json"
    RateLimiter(3.0, state=state, clock=clock, sleep=clock.sleep).wait()
    clock.now += 0.5
    later_run = RateLimiter(3.0, state=state, clock=clock, sleep=clock.sleep)
    assert later_run.wait() == pytest.approx(2.5)
    state.write_text("not json")  # a damaged state file is "no request recently"
    assert RateLimiter(3.0, state=state, clock=clock, sleep=clock.sleep).wait() == 0


def test_client_really_spaces_requests(api: FakeApi) -> None:
    with client(interval=0.2) as http:
        for _ in range(3):
            http.get(f"{api.url}/api/daily_papers", {"date": "2024-01-23", "limit": "100"})
    times = [h.at for h in api.hits]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.18, gaps


def test_arxiv_default_interval_is_three_seconds(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from leaderboard.fetch.cli import _context

    monkeypatch.delenv("LEADERBOARD_FETCH_INTERVAL", raising=False)
    ctx = _context("https://export.arxiv.org", tmp_path, False, False, 30.0, 4,
                   arxiv_api.MIN_INTERVAL)
    assert ctx.client is not None and ctx.client.limiter is not None
    assert ctx.client.limiter.min_interval == 3.0
    assert ctx.client.limiter.state == tmp_path / "state" / "export.arxiv.org.json"
    monkeypatch.setenv("LEADERBOARD_FETCH_INTERVAL", "0.25")
    ctx = _context("http://127.0.0.1:9", tmp_path, False, False, 30.0, 4, 3.0)
    assert ctx.client is not None and ctx.client.limiter is not None
    assert ctx.client.limiter.min_interval == 0.25


# --- the HTTP client ----------------------------------------------------------------


HF_DAY = {"date": "2024-01-22", "limit": "100", "p": "0"}


def test_user_agent_names_the_tool_and_contact(api: FakeApi,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADERBOARD_CONTACT", "ops@example.org")
    with client() as http:
        http.get(f"{api.url}/api/daily_papers", HF_DAY)
    agent = api.hits[0].headers["User-Agent"]
    assert agent.startswith(f"leaderboard/{__version__} (")
    assert "mailto:ops@example.org" in agent and "python-requests/" in agent


def test_429_waits_as_retry_after_says(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "429:1")
    log: list[tuple[str, str, float]] = []
    started = time.monotonic()
    with client(retry_log=log) as http:
        response = http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert time.monotonic() - started >= 1.0
    assert response.attempts == 2 and json.loads(response.body)[0]["paper"]["id"] == "2401.11001"
    assert [(reason, delay) for _, reason, delay in log] == [("HTTP 429 Too Many Requests", 1.0)]


def test_retry_after_header_name_is_case_insensitive(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "429lc:0")
    log: list[tuple[str, str, float]] = []
    with client(retry_log=log) as http:
        http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert [delay for _, _, delay in log] == [0.0]  # the server's 0, not the 0.01 backoff


def test_500_then_success_backs_off(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "500", "503")
    log: list[tuple[str, str, float]] = []
    with client(retries=3, retry_log=log) as http:
        response = http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert response.attempts == 3
    assert [d for _, _, d in log] == [0.01, 0.02]  # exponential
    assert log[0][1] == "HTTP 500 Internal Server Error"


def test_5xx_every_time_is_one_clear_error(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "503", "503", "503")
    with client(retries=2) as http, pytest.raises(FetchError) as info:
        http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert str(info.value) == (f"{api.url}/api/daily_papers?date=2024-01-22&limit=100&p=0: "
                               "HTTP 503 Service Unavailable after 3 attempts")
    assert info.value.status == 503 and len(api.hits) == 3


def test_client_errors_are_not_retried(api: FakeApi) -> None:
    with client(retries=3) as http, pytest.raises(FetchError) as info:
        http.get(f"{api.url}/api/nothing-here")
    assert info.value.status == 404 and len(api.hits) == 1
    assert "HTTP 404 Not Found" in str(info.value) and "attempts" not in str(info.value)


def test_a_slow_response_times_out_then_is_retried(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "slow")
    log: list[tuple[str, str, float]] = []
    with client(timeout=0.3, retry_log=log) as http:
        response = http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert response.attempts == 2 and log[0][1] == "timed out (no data for 0.3 s)"


def test_always_slow_is_a_timeout_error(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "slow", "slow")
    with client(retries=1, timeout=0.3) as http, pytest.raises(FetchError) as info:
        http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert str(info.value).endswith("timed out (no data for 0.3 s) after 2 attempts")
    assert str(info.value).startswith(f"{api.url}/api/daily_papers?")


def test_a_truncated_body_is_retried(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "truncate")
    log: list[tuple[str, str, float]] = []
    with client(retry_log=log) as http:
        response = http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert response.body == (FIXTURES / "hf" / "2024-01-22.json").read_bytes()
    assert "cut short" in log[0][1] and "more expected" in log[0][1]


def test_retry_after_longer_than_the_cap_fails_at_once(api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "429:3600")
    http = HttpClient(policy=RetryPolicy(retries=3, backoff=0.01, max_retry_after=60))
    with http, pytest.raises(FetchError) as info:
        http.get(f"{api.url}/api/daily_papers", HF_DAY)
    assert "asks to wait 3600 s" in str(info.value) and len(api.hits) == 1


def test_connection_refused_is_a_network_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}/api/daily_papers"
    with client(retries=1) as http, pytest.raises(NetworkError) as info:
        http.get(url, {"date": "2024-01-22"})
    assert str(info.value) == (f"{url}?date=2024-01-22: cannot connect (connection refused) "
                               "after 2 attempts")


def test_parse_day() -> None:
    from leaderboard.fetch.cli import parse_day

    today = date(2024, 3, 1)
    assert parse_day("2024-01-22", "--date", today) == date(2024, 1, 22)
    assert parse_day("today", "--date", today) == today
    assert parse_day("Yesterday", "--date", today) == date(2024, 2, 29)
    assert parse_day("3 days ago", "--date", today) == date(2024, 2, 27)
    assert parse_day("1 day  ago", "--date", today) == date(2024, 2, 29)
    import typer

    for bad in ("22/01/2024", "2024-02-30", "soon", "-3 days ago"):
        with pytest.raises(typer.BadParameter):
            parse_day(bad, "--date", today)


def test_endpoint_url_accepts_a_base_or_the_endpoint() -> None:
    assert endpoint_url("http://m/", "/api/query") == "http://m/api/query"
    assert endpoint_url("http://m/arxiv/api/query", "/api/query") == "http://m/arxiv/api/query"


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEADERBOARD_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("LEADERBOARD_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "leaderboard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "leaderboard"


# --- Hugging Face daily papers ------------------------------------------------------------


def test_hf_day_is_cached_with_its_provenance(tmp_path: Path, api: FakeApi) -> None:
    result = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    assert result.error is None and (result.downloaded, result.items) == (1, 3)
    manifest = result.group.load()
    assert manifest is not None and manifest.complete
    (page,) = manifest.pages
    body = (FIXTURES / "hf" / "2024-01-22.json").read_bytes()
    assert result.group.path(page).read_bytes() == body
    assert page.url == f"{api.url}/api/daily_papers?date=2024-01-22&limit=100&p=0"
    assert page.params == {"date": "2024-01-22", "limit": "100", "p": "0"}
    assert (page.status, page.size, page.items) == (200, len(body), 3)
    import hashlib

    assert page.sha256 == hashlib.sha256(body).hexdigest()
    assert page.file == f"p0-{page.sha256[:12]}.json" and page.fetched_at.endswith("Z")
    assert result.group.dir == tmp_path / "cache" / "hf-daily" / "2024-01-22"
    assert [p for p, _ in result.files()] == [result.group.path(page)]


def test_a_settled_day_is_not_asked_for_again(tmp_path: Path, api: FakeApi) -> None:
    hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    again = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    assert len(api.hits) == 1 and (again.reused, again.downloaded, again.items) == (1, 0, 3)
    refreshed = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, refresh=True))
    assert len(api.hits) == 2 and refreshed.downloaded == 1
    manifest = refreshed.group.load()
    assert manifest is not None and manifest.superseded == []  # the same bytes: one file
    assert len(group_files(refreshed.group.dir)) == 2  # the page and the manifest


def test_the_current_day_is_asked_again_and_keeps_old_files(tmp_path: Path,
                                                           api: FakeApi) -> None:
    day = date(2024, 1, 22)
    first = hfdaily.fetch_day(day, context(tmp_path, api, today=day))
    old_page = first.pages[0]
    api.fail("hf:2024-01-22:p0", "html")  # today's answer differs (here: is broken)
    failed = hfdaily.fetch_day(day, context(tmp_path, api, today=day))
    assert failed.error is not None and "not a daily-papers response" in failed.error
    assert failed.pages == [old_page]  # the cached answer still stands
    assert failed.group.load() == first.group.load()
    again = hfdaily.fetch_day(day, context(tmp_path, api, today=day))
    assert again.error is None and again.downloaded == 1 and len(api.hits) == 3


def test_a_provisional_day_is_fetched_once_more_after_it_settles(tmp_path: Path,
                                                                   api: FakeApi) -> None:
    day = date(2024, 1, 22)
    for today in (day, date(2024, 1, 24), date(2024, 1, 30)):
        result = hfdaily.fetch_day(day, context(tmp_path, api, today=today))
        assert result.error is None and result.items == 3
    assert len(api.hits) == 2  # on the day, then once settled; never again
    assert result.reused == 1 and result.downloaded == 0


def test_hf_pages_until_a_short_page(tmp_path: Path, api: FakeApi) -> None:
    result = hfdaily.fetch_day(date(2024, 1, 25), context(tmp_path, api), page_limit=2)
    assert result.error is None and result.items == 3
    assert [h.params["p"] for h in api.hits] == ["0", "1"]
    assert [h.params["limit"] for h in api.hits] == ["2", "2"]
    assert [p.file.split("-")[0] for p in result.pages] == ["p0", "p1"]


def test_hf_resumes_a_day_at_its_first_missing_page(tmp_path: Path, api: FakeApi) -> None:
    api.fail("hf:2024-01-25:p1", "500", "500")
    cut = hfdaily.fetch_day(date(2024, 1, 25), context(tmp_path, api, retries=1),
                            page_limit=2)
    assert cut.error is not None and "HTTP 500" in cut.error and "p=1" in cut.error
    manifest = cut.group.load()
    assert manifest is not None and not manifest.complete and len(manifest.pages) == 1
    done = hfdaily.fetch_day(date(2024, 1, 25), context(tmp_path, api), page_limit=2)
    assert done.error is None and (done.reused, done.downloaded, done.items) == (1, 1, 3)
    assert [h.params["p"] for h in api.hits] == ["0", "1", "1", "1"]


def test_an_empty_day_is_cached_as_empty(tmp_path: Path, api: FakeApi) -> None:
    result = hfdaily.fetch_day(date(2024, 1, 23), context(tmp_path, api))
    assert result.error is None and len(result.pages) == 1 and result.items == 0
    assert result.files() == [] and result.describe() == "no papers (1 downloaded)"
    offline = hfdaily.fetch_day(date(2024, 1, 23), context(tmp_path, api, offline=True))
    assert offline.error is None and offline.describe() == "no papers (1 from the cache)"


def test_a_truncated_answer_leaves_nothing_in_the_cache(tmp_path: Path, api: FakeApi) -> None:
    api.fail("hf:2024-01-22:p0", "truncate", "truncate")
    result = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, retries=1))
    assert result.error is not None and "cut short" in result.error
    assert result.error.startswith(f"{api.url}/api/daily_papers?date=2024-01-22")
    assert result.pages == []
    assert group_files(result.group.dir) == ["manifest.json"]  # no page, no temporary file
    manifest = result.group.load()
    assert manifest is not None and manifest.pages == [] and not manifest.complete


def test_offline_reads_only_the_cache(tmp_path: Path, api: FakeApi) -> None:
    missing = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, offline=True))
    assert missing.error is not None and "not in the cache" in missing.error
    hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    cached = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, offline=True))
    assert cached.error is None and cached.items == 3 and len(api.hits) == 1
    # offline, even the current day comes from the cache
    today = hfdaily.fetch_day(date(2024, 1, 22),
                              context(tmp_path, api, offline=True, today=date(2024, 1, 22)))
    assert today.error is None and len(api.hits) == 1


def test_a_changed_cache_file_is_caught(tmp_path: Path, api: FakeApi) -> None:
    first = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    path = first.group.path(first.pages[0])
    path.write_bytes(path.read_bytes().replace(b"86.8%", b"96.8%"))
    offline = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, offline=True))
    assert offline.error is not None and "only partly in the cache" in offline.error
    assert any("does not match the manifest" in n for n in offline.notes)
    online = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    assert online.error is None and online.downloaded == 1


def test_an_unreadable_manifest(tmp_path: Path, api: FakeApi) -> None:
    first = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    first.group.manifest_path.write_text("{", encoding="utf-8")
    offline = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api, offline=True))
    assert offline.error is not None and "unreadable manifest" in offline.error
    online = hfdaily.fetch_day(date(2024, 1, 22), context(tmp_path, api))
    assert online.error is None and any("fetching again" in n for n in online.notes)
    assert isinstance(online.group.load(), Manifest)


def test_hf_network_down(tmp_path: Path) -> None:
    ctx = FetchContext(Cache(tmp_path), f"http://127.0.0.1:{closed_port()}",
                       client(retries=0), today=TODAY)
    result = hfdaily.fetch_day(date(2024, 1, 22), ctx)
    assert result.network_down and result.error is not None
    assert "cannot connect (connection refused)" in result.error


# --- arXiv -------------------------------------------------------------------------------


def test_arxiv_search_query() -> None:
    q = arxiv_api.ArxivQuery(query="ti:llama OR abs:llama", **CL_DAY)  # type: ignore[arg-type]
    assert q.search_query(TODAY) == ("(ti:llama OR abs:llama) AND cat:cs.CL AND "
                                     "submittedDate:[202401220000 TO 202401222359]")
    assert arxiv_api.ArxivQuery(query="all:electron").search_query(TODAY) == "all:electron"
    open_range = arxiv_api.ArxivQuery(category="cs.LG", date_from=date(2024, 2, 28))
    assert open_range.search_query(TODAY).endswith("[202402280000 TO 202403012359]")
    assert not open_range.settled_by(date(2099, 1, 1))
    closed = arxiv_api.ArxivQuery(category="cs.LG", date_from=date(2024, 2, 1),
                                  date_to=date(2024, 2, 20))
    assert not closed.settled_by(date(2024, 2, 26)) and closed.settled_by(date(2024, 2, 27))
    for bad in (dict(), dict(category="CS CL"), dict(category="cs.CL", date_to=TODAY),
                dict(category="cs.CL", date_from=TODAY, date_to=date(2024, 1, 1))):
        with pytest.raises(ValueError):
            arxiv_api.ArxivQuery(**bad)  # type: ignore[arg-type]


def test_arxiv_pages_through_the_opensearch_totals(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(page_size=2, **CL_DAY)  # type: ignore[arg-type]
    result = arxiv_api.fetch_query(q, context(tmp_path, api))
    assert result.error is None and (result.items, result.downloaded) == (5, 3)
    assert [(h.params["start"], h.params["max_results"]) for h in api.hits] == [
        ("0", "2"), ("2", "2"), ("4", "2")]
    assert {h.params["sortBy"] + "/" + h.params["sortOrder"] for h in api.hits} == {
        "submittedDate/ascending"}
    manifest = result.group.load()
    assert manifest is not None and manifest.complete and manifest.info["total_results"] == 5
    assert [p.info["start"] for p in manifest.pages] == [0, 2, 4]
    assert result.group.dir.parent == tmp_path / "cache" / "arxiv"
    assert result.group.dir.name.startswith("cat-cs.CL-2024-01-22..2024-01-22-")


def test_arxiv_resumes_from_cached_pages(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(page_size=2, **CL_DAY)  # type: ignore[arg-type]
    api.fail("arxiv:2", "500", "500")
    cut = arxiv_api.fetch_query(q, context(tmp_path, api, retries=1))
    assert cut.error is not None and "start=2" in cut.error and "HTTP 500" in cut.error
    assert cut.items == 2
    done = arxiv_api.fetch_query(q, context(tmp_path, api))
    assert done.error is None and (done.reused, done.downloaded, done.items) == (1, 2, 5)
    assert [h.params["start"] for h in api.hits] == ["0", "2", "2", "2", "4"]
    again = arxiv_api.fetch_query(q, context(tmp_path, api))  # settled and whole: no request
    assert len(api.hits) == 5 and again.reused == 3


def test_arxiv_max_then_more_resumes(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(page_size=2, **CL_DAY)  # type: ignore[arg-type]
    first = arxiv_api.fetch_query(q, context(tmp_path, api), max_results=2)
    assert first.items == 2 and any("5 results; fetched the first 2" in n for n in first.notes)
    more = arxiv_api.fetch_query(q, context(tmp_path, api), max_results=4)
    assert (more.reused, more.downloaded, more.items) == (1, 1, 4)
    assert [h.params["start"] for h in api.hits] == ["0", "2"]


def test_recent_pages_are_asked_for_again_until_final(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(page_size=2, **CL_DAY)  # type: ignore[arg-type]
    for today in (date(2024, 1, 23), date(2024, 1, 24), date(2024, 2, 1), date(2024, 2, 5)):
        result = arxiv_api.fetch_query(q, context(tmp_path, api, today=today))
        assert result.error is None and result.items == 5
    # late announcements can still be slotted in for a week: asked again on the 24th;
    # on Feb 1 the range has settled: a last, final fetch; then never again
    assert [h.params["start"] for h in api.hits] == ["0", "2", "4"] * 3


def test_an_open_query_keeps_final_pages_and_asks_for_its_tail(tmp_path: Path,
                                                               api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(category="cs.CL", date_from=date(2024, 1, 22), page_size=2)
    today = date(2024, 2, 15)
    first = arxiv_api.fetch_query(q, context(tmp_path, api, today=today))
    assert first.items == 5
    assert "submittedDate:[202401220000 TO 202402152359]" in api.hits[0].params["search_query"]
    again = arxiv_api.fetch_query(q, context(tmp_path, api, today=date(2024, 2, 16)))
    assert again.error is None and (again.reused, again.downloaded, again.items) == (2, 1, 5)
    assert [h.params["start"] for h in api.hits] == ["0", "2", "4", "4"]
    assert "TO 202402162359]" in api.hits[-1].params["search_query"]  # the range moved on
    assert again.group.dir == first.group.dir  # one cache group for the open query


def test_arxiv_empty_page_is_asked_again(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(page_size=2, **CL_DAY)  # type: ignore[arg-type]
    api.fail("arxiv:2", "empty-page")
    result = arxiv_api.fetch_query(q, context(tmp_path, api))
    assert result.error is None and result.items == 5
    api.fail("arxiv:0", "empty-page", "empty-page", "empty-page")
    stuck = arxiv_api.fetch_query(q, context(tmp_path / "other", api))
    assert stuck.error is not None and "empty page at start=0" in stuck.error


def test_arxiv_error_feed_is_reported_in_its_words(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(query="bogus:(")
    result = arxiv_api.fetch_query(q, context(tmp_path, api))
    assert result.error is not None and "HTTP 400 Bad Request" in result.error
    assert "arXiv says: malformed search_query: unbalanced parentheses" in result.error
    assert len(api.hits) == 1  # a 400 is not retried


def test_arxiv_no_results(tmp_path: Path, api: FakeApi) -> None:
    q = arxiv_api.ArxivQuery(category="cs.CL", date_from=date(2030, 1, 1),
                             date_to=date(2030, 1, 1))
    result = arxiv_api.fetch_query(q, context(tmp_path, api, today=date(2030, 3, 1)))
    assert result.error is None and result.items == 0 and result.files() == []
    manifest = result.group.load()
    assert manifest is not None and manifest.complete and manifest.info["total_results"] == 0


def test_feed_info_refuses_what_is_not_an_api_feed() -> None:
    for body in (b"<html><body>x</body></html>", b"<feed", b"{}",
                 b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>'):
        with pytest.raises(ValueError):
            arxiv_api.feed_info(body)
    info = arxiv_api.feed_info((FIXTURES / "arxiv" / "start-0.xml").read_bytes())
    assert (info.total, info.start, info.per_page, info.entries) == (5, 0, 2, 2)


# --- leaderboard fetch, end to end -------------------------------------------------------------


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERBOARD_")}
    env.update(LEADERBOARD_CACHE=str(tmp_path / "cache"), LEADERBOARD_FETCH_INTERVAL="0",
               LEADERBOARD_FETCH_BACKOFF="0.01", LEADERBOARD_DB=str(tmp_path / "unused.duckdb"))
    return env


def store_counts(db: Path) -> dict[str, int]:
    from leaderboard.store import Store

    with Store.open(db, read_only=True) as store:
        return {"papers": len(store.papers_frame()), "claims": len(store.claims_frame()),
                "sightings": len(store.sightings_frame()),
                "sources": len(store.sources_frame())}


def test_fetch_hf_daily_end_to_end(tmp_path: Path, api: FakeApi,
                                   cli_env: dict[str, str]) -> None:
    db = tmp_path / "lb.duckdb"
    args = ("fetch", "hf-daily", "--date", "2024-01-22", "--to", "2024-01-24", "--db", str(db))
    first = run(*args, "--base-url", api.url, env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "hf-daily 2024-01-22: 3 listed in 1 page(s) (1 downloaded)" in first.stderr
    assert "hf-daily 2024-01-23: no papers (1 downloaded)" in first.stderr
    counts = store_counts(db)
    # 2401.11001 is on two days: one paper, two sightings, its claims once
    assert counts == {"papers": 4, "claims": counts["claims"], "sightings": 5, "sources": 2}
    assert counts["claims"] >= 10
    assert "2 file(s) added" in first.stderr and "4 new paper(s), 1 seen before" in first.stderr

    # again: settled days come from the cache, nothing new is stored, no request is made
    hits = len(api.hits)
    second = run(*args, "--base-url", api.url, env=cli_env)
    assert second.returncode == 0, second.stderr
    assert len(api.hits) == hits == 3
    assert "nothing new to ingest (2 page(s) already stored)" in second.stderr
    assert store_counts(db) == counts

    # offline into a new store: the same content, byte for byte in the export
    replay = tmp_path / "replay.duckdb"
    offline = run("fetch", "hf-daily", "--date", "2024-01-22", "--to", "2024-01-24",
                  "--db", str(replay), "--offline", env=cli_env)
    assert offline.returncode == 0, offline.stderr
    assert "(1 from the cache)" in offline.stderr and len(api.hits) == hits
    exports = []
    for store in (db, replay):
        out = tmp_path / f"{store.stem}.csv"
        done = run("export", "claims", "--db", str(store), "-o", str(out), env=cli_env)
        assert done.returncode == 0, done.stderr
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]

    # every claim's characters are where the store says, in the cached files
    audit = run("audit", "--db", str(db), "--check", "provenance-span",
                "--check", "provenance-sha256", "--format", "jsonl", "-o",
                str(tmp_path / "findings.jsonl"), env=cli_env)
    assert audit.returncode == 0, audit.stderr
    assert (tmp_path / "findings.jsonl").read_text(encoding="utf-8").strip() == ""


def test_fetch_base_url_from_the_environment_and_a_failing_day(
        tmp_path: Path, api: FakeApi, cli_env: dict[str, str]) -> None:
    api.fail("hf:2024-01-22:p0", "500", "500", "500")
    env = dict(cli_env, LEADERBOARD_HF_URL=api.url)
    db = tmp_path / "lb.duckdb"
    result = run("fetch", "hf-daily", "--date", "2024-01-22", "--to", "2024-01-24",
                 "--db", str(db), "--retries", "2", env=env)
    assert result.returncode == 1
    assert (f"error hf-daily 2024-01-22: {api.url}/api/daily_papers?date=2024-01-22&limit=100"
            "&p=0: HTTP 500 Internal Server Error after 3 attempts") in result.stderr
    assert result.stderr.count("retry ") == 2
    assert "hf-daily 2024-01-24: 3 listed in 1 page(s)" in result.stderr  # the run went on
    assert store_counts(db)["papers"] == 2
    assert "Traceback" not in result.stderr


def test_fetch_offline_without_cache_fails_cleanly(tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    result = run("fetch", "hf-daily", "--date", "2024-01-22", "--offline",
                 "--db", str(tmp_path / "lb.duckdb"), env=cli_env)
    assert result.returncode == 1
    assert "error hf-daily 2024-01-22: daily papers of 2024-01-22 is not in the cache" \
        in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr


def test_fetch_network_down_fails_cleanly(tmp_path: Path, cli_env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = run("fetch", "hf-daily", "--date", "2024-01-22", "--to", "2024-01-26",
                 "--base-url", url, "--retries", "1", "--db", str(tmp_path / "lb.duckdb"),
                 env=cli_env)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert lines[0] == (f"error hf-daily 2024-01-22: {url}/api/daily_papers?date=2024-01-22&"
                        "limit=100&p=0: cannot connect (connection refused) after 2 attempts")
    assert lines[1] == ("error network unreachable: 4 more not fetched (hf-daily 2024-01-23 .. "
                        "hf-daily 2024-01-26)")
    assert "Traceback" not in result.stderr


def test_fetch_arxiv_end_to_end(tmp_path: Path, api: FakeApi,
                                cli_env: dict[str, str]) -> None:
    db = tmp_path / "lb.duckdb"
    args = ("fetch", "arxiv", "--category", "cs.CL", "--from", "2024-01-22", "--to",
            "2024-01-22", "--page-size", "2", "--db", str(db), "--base-url", api.url)
    first = run(*args, env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "5 listed in 3 page(s) (3 downloaded)" in first.stderr
    counts = store_counts(db)
    assert counts["papers"] == 5 and counts["sources"] == 3 and counts["claims"] >= 12
    second = run(*args, env=cli_env)
    assert second.returncode == 0 and "nothing new to ingest" in second.stderr
    assert store_counts(db) == counts and len(api.hits) == 3
    bad = run("fetch", "arxiv", "--query", "bogus:(", "--db", str(db), "--base-url", api.url,
              env=cli_env)
    assert bad.returncode == 1 and "arXiv says: malformed search_query" in bad.stderr


def test_fetch_usage_errors(tmp_path: Path, cli_env: dict[str, str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from leaderboard.cli import app

    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    db = str(tmp_path / "lb.duckdb")
    for args in (("hf-daily", "--date", "22/01/2024"),
                 ("hf-daily", "--date", "2024-01-22", "--to", "2024-01-21"),
                 ("arxiv", "--from", "2024-01-22"),
                 ("arxiv", "--category", "cs.CL", "--base-url", "ftp://mirror")):
        result = CliRunner().invoke(app, ["fetch", *args, "--db", db])
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not Path(db).exists()


@pytest.mark.parametrize("command", ["hf-daily", "arxiv"])
def test_fetch_help_has_an_example(command: str) -> None:
    from typer.testing import CliRunner

    from leaderboard.cli import app

    result = CliRunner().invoke(app, ["fetch", command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


if __name__ == "__main__":  # pragma: no cover - serve the fixtures to try the CLI by hand
    server = FakeApi()
    if len(sys.argv) > 1:
        for spec in sys.argv[1:]:  # KEY=ACTION,ACTION e.g. hf:2024-01-22:p0=429:1,500
            key, _, actions = spec.partition("=")
            server.fail(key, *actions.split(","))
    print(f"serving {FIXTURES} at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
