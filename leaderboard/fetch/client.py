"""The HTTP client of the fetchers: polite, patient and honest about failures.

Both APIs are public services run on goodwill, so every request goes through one
:class:`HttpClient` that

* names itself (:func:`user_agent`: tool, version, and ``$LEADERBOARD_CONTACT`` when
  set), as arXiv's API terms ask of automated clients;
* spaces its requests (:class:`RateLimiter`; arXiv asks for at most one request every
  three seconds), and remembers the time of its last request in a small state file,
  so two runs in a row do not burst either;
* retries what is worth retrying -- HTTP 429 and 5xx, timeouts, refused or reset
  connections, bodies cut short of their ``Content-Length`` -- with exponential backoff,
  honouring ``Retry-After`` (seconds or an HTTP date) up to a cap;
* reads the whole body before anything is written anywhere, so a failed request leaves
  nothing behind, and reports every failure as one :class:`FetchError` whose text names
  the URL and the reason (``https://...: HTTP 503 after 5 attempts``).

The delays are parameters (:class:`RetryPolicy`, the limiter's interval) so tests and
mirrors can run fast; :func:`policy_from_env` reads ``$LEADERBOARD_FETCH_BACKOFF``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

import requests

from leaderboard import __version__

#: Statuses that mean "not now" rather than "never": retried with backoff.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Environment variable: base backoff delay in seconds (doubles per attempt).
BACKOFF_ENV = "LEADERBOARD_FETCH_BACKOFF"
#: Environment variable: contact (e-mail or URL) appended to the User-Agent.
CONTACT_ENV = "LEADERBOARD_CONTACT"
#: Largest response body accepted (a day of daily papers is ~1 MB, an arXiv page less).
MAX_BODY_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A request that gave no usable response: ``str(err)`` is ``"URL: reason"``."""

    def __init__(self, url: str, reason: str, *, status: int | None = None,
                 body: bytes = b"") -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason
        self.status = status
        self.body = body

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


class NetworkError(FetchError):
    """The server could not be reached at all (refused, unresolvable, unroutable).

    Kept apart from other failures because it is about the network, not the request:
    a fetcher stops asking for more pages instead of failing each one in turn.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying one request.

    ``retries`` extra attempts after the first; the n-th retry waits
    ``backoff * 2**n`` seconds (at most ``max_delay``), or what ``Retry-After`` says when
    the server says it -- unless that is longer than ``max_retry_after``, when waiting
    would stall a cron job for hours: then the request fails and says so.
    """

    retries: int = 4
    backoff: float = 1.0
    max_delay: float = 60.0
    max_retry_after: float = 600.0

    def delay(self, attempt: int) -> float:
        """Backoff before retry number ``attempt`` (0-based)."""
        return min(self.max_delay, self.backoff * (2**attempt))


def policy_from_env(retries: int = RetryPolicy.retries) -> RetryPolicy:
    """The default policy with ``retries``, and the base backoff from
    ``$LEADERBOARD_FETCH_BACKOFF`` when set (tests set it to a few milliseconds)."""
    backoff = seconds_from_env(BACKOFF_ENV)
    if backoff is None:
        return RetryPolicy(retries=retries)
    return RetryPolicy(retries=retries, backoff=backoff)


def seconds_from_env(name: str) -> float | None:
    """A non-negative number of seconds from environment variable ``name``; None when
    unset or blank. A bad value is an error naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"${name} must be a number of seconds, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"${name} must not be negative")
    return value


def user_agent() -> str:
    """``leaderboard/0.1.0 (+claims from ML paper abstracts; python-requests/2.x;
    contact)``: who is asking and how to reach them."""
    parts = ["+claims from ML paper abstracts", f"python-requests/{requests.__version__}",
             f"Python/{platform.python_version()}"]
    contact = os.environ.get(CONTACT_ENV, "").strip()
    if contact:
        parts.append(contact if "@" not in contact or contact.startswith("mailto:")
                     else f"mailto:{contact}")
    return f"leaderboard/{__version__} ({'; '.join(parts)})"


class RateLimiter:
    """At most one request every ``min_interval`` seconds.

    ``wait()`` is called before each attempt (retries included). With a ``state``
    file the time of the last request survives the process, so a script running two
    fetches back to back still keeps the interval; a missing or unreadable state file
    just means "no request recently". ``clock`` and ``sleep`` are injectable so tests can
    check the spacing without waiting.
    """

    def __init__(self, min_interval: float, *, state: Path | None = None,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if min_interval < 0:
            raise ValueError("min_interval must not be negative")
        self.min_interval = min_interval
        self.state = state
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._loaded = False

    def _load(self) -> None:
        self._loaded = True
        if self.state is None:
            return
        try:
            value = float(json.loads(self.state.read_text(encoding="utf-8"))["last_request"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        self._last = value if self._last is None else max(self._last, value)

    def _save(self, when: float) -> None:
        if self.state is None:
            return
        try:
            self.state.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.state.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"last_request": when}, fh)
            os.replace(tmp, self.state)
        except OSError:  # a read-only cache must not stop the fetch; the interval holds in-process
            pass

    def wait(self) -> float:
        """Sleep until the next request may go, mark it as sent; return the seconds slept."""
        if not self._loaded:
            self._load()
        now = self._clock()
        slept = 0.0
        if self._last is not None:
            # A clock that went backwards must not make us wait longer than one interval.
            due = min(self._last + self.min_interval, now + self.min_interval)
            if due > now:
                slept = due - now
                self._sleep(slept)
                now = self._clock()
        self._last = now
        self._save(now)
        return slept


@dataclass(frozen=True)
class Response:
    """A complete, successful (HTTP 200) response."""

    url: str  # the full URL fetched, query string included
    status: int
    body: bytes
    headers: Mapping[str, str]  # case-insensitive (proxies may lower-case names)
    fetched_at: datetime
    attempts: int


@dataclass
class HttpClient:
    """GET with timeouts, retries, backoff and a rate limit (see the module docstring).

    ``timeout`` bounds the connection and each wait for data; ``deadline`` bounds one
    whole attempt, so a server trickling bytes cannot hold a cron job forever.
    ``on_retry(url, reason, delay)`` hears each retry before its wait.
    """

    timeout: float = 30.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | None = None
    deadline: float = 300.0
    max_bytes: int = MAX_BODY_BYTES
    on_retry: Callable[[str, str, float], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = user_agent()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: Mapping[str, str] | None = None,
            accept: str = "*/*") -> Response:
        """The body of ``url?params`` (HTTP 200), after retrying what can be retried.

        Raises :class:`NetworkError` when the host could not be reached on any
        attempt, :class:`FetchError` for everything else (its ``status`` and ``body``
        are those of the last response, if there was one).
        """
        full = f"{url}?{urlencode(params)}" if params else url
        attempts = self.policy.retries + 1
        last: FetchError | None = None
        for attempt in range(attempts):
            if self.limiter is not None:
                self.limiter.wait()
            try:
                response = self._attempt(full, accept)
            except FetchError as exc:
                last = exc
                retry_after: float | None = None
            else:
                if response.status == 200:
                    return Response(full, 200, response.body, response.headers,
                                    response.fetched_at, attempt + 1)
                reason = _status_reason(response.status, response.headers)
                last = FetchError(full, reason, status=response.status, body=response.body)
                if response.status not in RETRY_STATUSES:
                    raise last
                retry_after = _retry_after(response.headers.get("Retry-After"))
            if attempt + 1 >= attempts:
                break
            delay = self.policy.delay(attempt) if retry_after is None else retry_after
            if delay > self.policy.max_retry_after:
                raise FetchError(full, f"{last.reason}; the server asks to wait {delay:.0f} s "
                                 f"(more than {self.policy.max_retry_after:.0f} s): try later",
                                 status=last.status, body=last.body)
            if self.on_retry is not None:
                self.on_retry(full, last.reason, delay)
            self.sleep(delay)
        assert last is not None
        suffix = f" after {attempts} attempts" if attempts > 1 else ""
        cls = NetworkError if isinstance(last, NetworkError) else FetchError
        raise cls(full, last.reason + suffix, status=last.status, body=last.body)

    def _attempt(self, url: str, accept: str) -> Response:
        """One request; any non-HTTP failure as a FetchError with a one-line reason."""
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        try:
            with self.session.get(url, timeout=(self.timeout, self.timeout), stream=True,
                                  headers={"Accept": accept}) as resp:
                body = self._read(resp, url, started)
                return Response(url, resp.status_code, body, resp.headers, fetched_at, 1)
        except requests.ConnectTimeout:
            raise NetworkError(url, f"cannot connect (no answer in {self.timeout:g} s)") \
                from None
        except requests.Timeout:
            raise FetchError(url, f"timed out (no data for {self.timeout:g} s)") from None
        except requests.exceptions.ChunkedEncodingError as exc:
            raise FetchError(url, f"response cut short ({_root_cause(exc)})") from None
        except requests.exceptions.ContentDecodingError as exc:
            raise FetchError(url, f"undecodable response body ({_root_cause(exc)})") from None
        except requests.ConnectionError as exc:
            raise NetworkError(url, f"cannot connect ({_root_cause(exc)})") from None
        except requests.exceptions.InvalidURL as exc:
            raise FetchError(url, f"invalid URL ({exc})") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"{type(exc).__name__}: {_root_cause(exc)}") from None

    def _read(self, resp: requests.Response, url: str, started: float) -> bytes:
        """The whole body, checked against ``Content-Length`` and the size and time caps."""
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, f"response larger than {self.max_bytes} bytes")
            if time.monotonic() - started > self.deadline:
                raise FetchError(url, f"response not complete after {self.deadline:g} s")
            chunks.append(chunk)
        body = b"".join(chunks)
        declared = resp.headers.get("Content-Length")
        encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
        if declared is not None and declared.isdigit() and not encoded and \
                int(declared) != len(body):
            raise FetchError(url, f"response cut short ({len(body)} of {declared} bytes)")
        return body


def _status_reason(status: int, headers: Mapping[str, str]) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status}" + (f" {phrase}" if phrase else "")


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds from now (delta-seconds or an HTTP date); None when
    absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _root_cause(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, in words, without the pool and
    object addresses urllib3 puts in its messages."""
    seen: set[int] = set()
    cause: BaseException = exc
    while id(cause) not in seen:
        seen.add(id(cause))
        nxt = cause.__cause__ or cause.__context__
        if nxt is None and cause.args and isinstance(cause.args[0], BaseException):
            nxt = cause.args[0]
        if nxt is None and len(cause.args) > 1 and isinstance(cause.args[1], BaseException):
            nxt = cause.args[1]
        if nxt is None:
            break
        cause = nxt
    text = str(cause)
    reason = getattr(cause, "reason", None)
    if isinstance(reason, BaseException):
        text = str(reason)
    for marker in ("Failed to establish a new connection: ", "Connection broken: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    text = re.sub(r"IncompleteRead\((.*)\)", r"\1", text)
    return text.strip(" '\"") or type(cause).__name__
