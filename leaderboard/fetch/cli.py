"""``leaderboard fetch``: download new papers into the cache, then ingest them.

Two commands, one per API (``hf-daily``, ``arxiv``), sharing their options: where the
store, the cache and the API are, ``--offline`` (the cache only), ``--refresh`` (ignore
what the cache holds as final), ``--no-ingest``, timeouts and retries. Each group (a
day, a query) is reported on one line; a failed group is one error line naming the URL
and the reason, the other groups go on, and the exit code is 1 at the end.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape

from leaderboard.cliopts import DbOpt, DebugOpt, MaxCharsOpt, MaxClaimsOpt
from leaderboard.fetch import arxiv as arxiv_api
from leaderboard.fetch import hfdaily
from leaderboard.fetch.cache import CACHE_ENV, Cache
from leaderboard.fetch.client import HttpClient, RateLimiter, policy_from_env
from leaderboard.fetch.common import FetchContext, GroupResult, interval_from_env, utc_today

fetch_app = typer.Typer(
    no_args_is_help=True,
    help="Fetch new papers from the Hugging Face daily papers or the arXiv API, keep the "
    "raw responses in a cache, and ingest them into the store.\n\n"
    "Example: leaderboard fetch hf-daily --date yesterday --db data/leaderboard.duckdb",
)
err = Console(stderr=True, highlight=False)

CacheOpt = Annotated[Path | None, typer.Option(
    "--cache", help=f"cache folder for raw responses (default: ${CACHE_ENV}, else "
    "$XDG_CACHE_HOME/leaderboard or ~/.cache/leaderboard)")]
OfflineOpt = Annotated[bool, typer.Option(
    "--offline", help="use only the cache: no network; what it lacks is an error")]
RefreshOpt = Annotated[bool, typer.Option(
    "--refresh", help="download again even what the cache holds as final")]
NoIngestOpt = Annotated[bool, typer.Option(
    "--no-ingest", help="only fill the cache; do not touch the store")]
TimeoutOpt = Annotated[float, typer.Option(
    "--timeout", min=0.1, help="seconds to wait for a connection or for data")]
RetriesOpt = Annotated[int, typer.Option(
    "--retries", min=0, max=20, help="retries of a request after a 429, a 5xx, a timeout "
    "or a broken connection (exponential backoff; Retry-After honoured)")]


_DAYS_AGO = re.compile(r"(\d{1,4})\s+days?\s+ago")


def parse_day(text: str, option: str, today: date | None = None) -> date:
    """``YYYY-MM-DD``, ``today``, ``yesterday`` or ``N days ago`` (UTC days), so a
    crontab line needs no date arithmetic (and no ``%``, which cron mangles)."""
    today = today or utc_today()
    word = " ".join(text.strip().lower().split())
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    ago = _DAYS_AGO.fullmatch(word)
    if ago:
        return today - timedelta(days=int(ago.group(1)))
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD, today, yesterday or "
                                 "N days ago)", param_hint=option) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def _context(base_url: str, cache_dir: Path | None, offline: bool, refresh: bool,
             timeout: float, retries: int, interval: float) -> FetchContext:
    """The run's settings; the client (None offline) is rate-limited per host, with the
    limiter's state in the cache so successive runs keep the interval too."""
    cache = Cache(cache_dir)
    if offline:
        return FetchContext(cache, base_url, None, refresh)
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--base-url {base_url!r} is not an http(s) URL")

    def on_retry(url: str, reason: str, delay: float) -> None:
        err.print(f"[yellow]retry[/yellow] {escape(url)}: {escape(reason)}; again in "
                  f"{delay:.3g} s", soft_wrap=True)

    limiter = RateLimiter(interval_from_env(interval),
                          state=cache.state_file(parts.netloc.replace(":", "_")))
    client = HttpClient(timeout=timeout, policy=policy_from_env(retries), limiter=limiter,
                        on_retry=on_retry)
    return FetchContext(cache, base_url, client, refresh)


def _run(units: Iterable[Any], fetch_one: Callable[[Any], GroupResult], ctx: FetchContext,
         describe: Callable[[Any], str], debug: bool) -> tuple[list[GroupResult], int]:
    """Fetch every unit in order; report each on one line. After a network failure the
    remaining units are not attempted (one line says which). Returns the results and
    the number of failed units."""
    results: list[GroupResult] = []
    failed = 0
    pending = list(units)
    for position, unit in enumerate(pending):
        try:
            result = fetch_one(unit)
        except OSError as exc:  # the cache folder cannot be written
            name = getattr(exc, "filename", None)
            raise _fail(f"{name or ctx.cache.root}: cannot use the cache "
                        f"({exc.strerror or exc})") from None
        except Exception as exc:
            if debug:
                err.print(traceback.format_exc(), markup=False)
            raise _fail(f"{describe(unit)}: unexpected {type(exc).__name__}: {exc}") from None
        results.append(result)
        for note in result.notes:
            err.print(f"[yellow]note[/yellow] {escape(result.label)}: {escape(note)}",
                      soft_wrap=True)
        if result.error is not None:
            failed += 1
            err.print(f"[red]error[/red] {escape(result.label)}: {escape(result.error)}",
                      soft_wrap=True)
            if result.pages:
                err.print(f"{escape(result.label)}: {result.describe()} kept", soft_wrap=True)
        else:
            err.print(f"{escape(result.label)}: {result.describe()}", soft_wrap=True)
        if result.network_down and position + 1 < len(pending):
            rest = pending[position + 1 :]
            failed += len(rest)
            span = describe(rest[0]) + (f" .. {describe(rest[-1])}" if len(rest) > 1 else "")
            err.print(f"[red]error[/red] network unreachable: {len(rest)} more not fetched "
                      f"({escape(span)})", soft_wrap=True)
            break
    if ctx.client is not None:
        ctx.client.close()
    return results, failed


def _unstored(db_path: Path, files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The files whose bytes the store does not hold yet: ingesting the others would
    extract them again only to add nothing (a long range re-read every morning)."""
    if not db_path.exists():
        return files
    from leaderboard.store import Store, StoreError

    try:
        with Store.open(db_path, read_only=True) as store:
            return [(path, sha) for path, sha in files if not store.has_source(sha)]
    except StoreError:
        return files  # locked, or not a store: the ingest says so, by name


def _ingest(results: list[GroupResult], fmt: str, db: Path | None, no_ingest: bool,
            debug: bool, max_abstract_chars: int, max_claims_per_paper: int) -> bool:
    """Ingest the fetched pages not stored yet; True when everything went in."""
    files = [f for r in results for f in r.files()]
    if no_ingest:
        err.print(f"{len(files)} page(s) with papers in the cache; not ingested (--no-ingest)")
        return True
    from leaderboard import cli as main_cli
    from leaderboard.extract import Limits
    from leaderboard.ingest import ingest_paths

    db_path = main_cli._db_path(db)
    new = _unstored(db_path, files)
    stored = len(files) - len(new)
    if not new:
        err.print(f"{db_path}: nothing new to ingest"
                  + (f" ({stored} page(s) already stored)" if stored else ""),
                  soft_wrap=True, markup=False, highlight=False)
        return True
    report = ingest_paths(db_path, [str(path) for path, _ in new], fmt,
                          on_failure=main_cli._reporter(debug),
                          limits=Limits(max_abstract_chars, max_claims_per_paper),
                          on_note=main_cli._note, on_warning=main_cli._warn)
    err.print(report.summary() + (f"; {stored} page(s) already stored" if stored else ""),
              soft_wrap=True, markup=False, highlight=False)
    return not (report.failed or report.warned)


@fetch_app.command("hf-daily")
def hf_daily(
    date_: Annotated[str, typer.Option("--date", help="the day (YYYY-MM-DD, today, "
                                       "yesterday or 'N days ago'; UTC), or the first day "
                                       "with --to")],
    to: Annotated[str | None, typer.Option("--to", help="last day of a range (included)")]
    = None,
    base_url: Annotated[str, typer.Option(
        "--base-url", envvar=hfdaily.URL_ENV, help="the API's address, or a mirror's or "
        "proxy's")] = hfdaily.DEFAULT_URL,
    db: DbOpt = None,
    cache: CacheOpt = None,
    offline: OfflineOpt = False,
    refresh: RefreshOpt = False,
    no_ingest: NoIngestOpt = False,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
    debug: DebugOpt = False,
    max_abstract_chars: MaxCharsOpt = 100_000,
    max_claims_per_paper: MaxClaimsOpt = 1_000,
) -> None:
    """Fetch the Hugging Face daily papers of a day (or a range of days) and ingest them.

    Each day's API responses are kept in the cache with their URL, time and sha256. A
    day two or more days old that the cache holds whole is not asked for again, so a
    range resumes at its first missing day; younger days are asked again each run
    (papers are still being added to them). Re-fetching adds nothing already stored.

    Example: leaderboard fetch hf-daily --date 2024-01-22 --to 2024-01-26 --db lb.duckdb
    """
    today = utc_today()
    first = parse_day(date_, "--date", today)
    last = parse_day(to, "--to", today) if to is not None else first
    if last < first:
        raise _fail(f"--to {last} is before --date {first}", 2)
    if (last - first).days > 3660:
        raise _fail("a range of more than ten years: split it", 2)
    try:
        ctx = _context(base_url, cache, offline, refresh, timeout, retries,
                       hfdaily.MIN_INTERVAL)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    ctx.today = today
    results, failed = _run(hfdaily.days(first, last), lambda d: hfdaily.fetch_day(d, ctx), ctx,
                           lambda d: f"{hfdaily.SOURCE} {d}", debug)
    ok = _ingest(results, "hf-daily-json", db, no_ingest, debug, max_abstract_chars,
                 max_claims_per_paper)
    raise typer.Exit(0 if ok and not failed else 1)


@fetch_app.command("arxiv")
def arxiv(
    query: Annotated[str | None, typer.Option(
        "--query", "-q", help="arXiv search query, e.g. 'ti:llama AND abs:reasoning' "
        "(https://info.arxiv.org/help/api/user-manual.html, query construction)")] = None,
    category: Annotated[str | None, typer.Option(
        "--category", "-c", help="an arXiv category such as cs.CL (ANDed with --query)")]
    = None,
    from_: Annotated[str | None, typer.Option(
        "--from", help="first submission day (YYYY-MM-DD, today, yesterday or 'N "
        "days ago'; UTC)")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="last submission day, included (default with --from: today)")] = None,
    max_results: Annotated[int, typer.Option(
        "--max", min=1, max=arxiv_api.MAX_RESULTS, help="at most this many results")] = 1000,
    page_size: Annotated[int, typer.Option(
        "--page-size", min=1, max=arxiv_api.MAX_PAGE_SIZE, help="results per request")]
    = arxiv_api.PAGE_SIZE,
    base_url: Annotated[str, typer.Option(
        "--base-url", envvar=arxiv_api.URL_ENV, help="the API's address, or a mirror's or "
        "proxy's")] = arxiv_api.DEFAULT_URL,
    db: DbOpt = None,
    cache: CacheOpt = None,
    offline: OfflineOpt = False,
    refresh: RefreshOpt = False,
    no_ingest: NoIngestOpt = False,
    timeout: TimeoutOpt = 30.0,
    retries: RetriesOpt = 4,
    debug: DebugOpt = False,
    max_abstract_chars: MaxCharsOpt = 100_000,
    max_claims_per_paper: MaxClaimsOpt = 1_000,
) -> None:
    """Fetch papers from the arXiv API by query, category and dates, and ingest them.

    Results are paged in submission order (oldest first), one request every 3 seconds
    as arXiv asks. Pages are kept in the cache, so an interrupted or extended query
    (a larger --max) resumes where it stopped, and --offline replays it.

    Example: leaderboard fetch arxiv --category cs.CL --from 2024-01-22 --to 2024-01-22
    """
    today = utc_today()
    try:
        q = arxiv_api.ArxivQuery(
            query=query, category=category,
            date_from=parse_day(from_, "--from", today) if from_ is not None else None,
            date_to=parse_day(to, "--to", today) if to is not None else None,
            page_size=page_size)
        ctx = _context(base_url, cache, offline, refresh, timeout, retries,
                       arxiv_api.MIN_INTERVAL)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    ctx.today = today
    results, failed = _run([q], lambda unit: arxiv_api.fetch_query(unit, ctx, max_results),
                           ctx, lambda unit: f"{arxiv_api.SOURCE} {unit.label()}", debug)
    ok = _ingest(results, "arxiv-atom", db, no_ingest, debug, max_abstract_chars,
                 max_claims_per_paper)
    raise typer.Exit(0 if ok and not failed else 1)
