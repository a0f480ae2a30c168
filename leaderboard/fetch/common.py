"""What the two fetchers share: the run's settings, one group's outcome, and the hand-off
of cached pages to the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from leaderboard.fetch.cache import Cache, CacheError, Group, Manifest, Page
from leaderboard.fetch.client import HttpClient, seconds_from_env

#: Environment variable: minimum seconds between two requests to one API (overrides
#: each source's default; for mirrors and tests).
INTERVAL_ENV = "LEADERBOARD_FETCH_INTERVAL"


def utc_today() -> date:
    """The fetchers think in UTC days: both APIs date their records in UTC."""
    return datetime.now(UTC).date()


def interval_from_env(default: float) -> float:
    """``$LEADERBOARD_FETCH_INTERVAL`` when set, else ``default``."""
    value = seconds_from_env(INTERVAL_ENV)
    return default if value is None else value


def endpoint_url(base_url: str, endpoint: str) -> str:
    """``base_url`` + ``endpoint``, unless the base already ends with it (so both
    ``http://mirror`` and ``http://mirror/api/query`` work as a base URL)."""
    base = base_url.strip().rstrip("/")
    return base if base.endswith(endpoint) else base + endpoint


@dataclass
class FetchContext:
    """One run's settings. ``client`` is None when offline (nothing may be asked of the
    network); ``refresh`` re-downloads even what the cache holds as final."""

    cache: Cache
    base_url: str
    client: HttpClient | None = None
    refresh: bool = False
    today: date = field(default_factory=utc_today)

    @property
    def offline(self) -> bool:
        return self.client is None


@dataclass
class GroupResult:
    """What one group (a day, a query) gave: its pages, how they were obtained, and
    the error that stopped it, if any. ``network_down`` asks the caller to stop
    fetching further groups."""

    label: str
    group: Group
    pages: list[Page] = field(default_factory=list)
    downloaded: int = 0
    reused: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    network_down: bool = False

    @property
    def items(self) -> int:
        return sum(p.items for p in self.pages)

    def files(self) -> list[tuple[Path, str]]:
        """(path, sha256) of each page with something to ingest (empty pages have none)."""
        return [(self.group.path(p), p.sha256) for p in self.pages if p.items > 0]

    def describe(self) -> str:
        """One line for the terminal: ``3 listed in 1 page(s) (1 downloaded)`` (what the
        API listed; entries without an abstract give no paper when ingested)."""
        n = len(self.pages)
        how = []
        if self.downloaded:
            how.append(f"{self.downloaded} downloaded")
        if self.reused:
            how.append(f"{self.reused} from the cache")
        what = f"{self.items} listed in {n} page(s)" if self.items else \
            ("no papers" if n else "nothing")
        return what + (f" ({', '.join(how)})" if how else "")


def fetched_on(page: Page) -> date:
    """The UTC day a page was fetched, as the fetching run saw it (``info.fetched_on``;
    tests run with another "today"), else the date of ``fetched_at``."""
    raw = page.info.get("fetched_on")
    try:
        return date.fromisoformat(raw if isinstance(raw, str) else page.fetched_at[:10])
    except ValueError:
        return date.min  # unknown: provisional


def load_manifest(group: Group, result: GroupResult, offline: bool) -> Manifest | None:
    """The group's manifest; an unreadable one is an error offline and a note online
    (the group is fetched again and the manifest rewritten)."""
    try:
        return group.load()
    except CacheError as exc:
        if offline:
            result.error = str(exc)
        else:
            result.notes.append(f"{exc}; fetching again")
        return None


def verified_prefix(group: Group, pages: list[Page], result: GroupResult) -> list[Page]:
    """The leading pages whose files are intact; the first bad one is noted and ends it."""
    good: list[Page] = []
    for page in pages:
        problem = group.verify(page)
        if problem is not None:
            result.notes.append(problem)
            break
        good.append(page)
    return good


def supersede(manifest: Manifest, kept: list[Page]) -> None:
    """Move the pages not kept to ``superseded`` (their files stay: the store may point
    at them) and keep ``kept`` as the current pages."""
    kept_files = {p.file for p in kept}
    manifest.superseded.extend(p for p in manifest.pages if p.file not in kept_files)
    manifest.pages = list(kept)


def page_record(file: str, sha: str, url: str, params: dict[str, str], fetched_at: datetime,
                size: int, items: int, info: dict[str, object] | None = None) -> Page:
    return Page(file=file, url=url, params=dict(params),
                fetched_at=fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), status=200, sha256=sha,
                size=size, items=items, info=dict(info or {}))


def not_in_cache(result: GroupResult, manifest: Manifest | None, usable: list[Page],
                 what: str) -> None:
    """Offline and the cache cannot answer the whole request: use what it has, say what
    is missing."""
    if manifest is None or not manifest.pages:
        if result.error is None:
            result.error = (f"{what} is not in the cache {result.group.dir} "
                            "(fetch it once without --offline)")
        return
    result.pages = usable
    result.reused = len(usable)
    result.error = (f"{what} is only partly in the cache ({sum(p.items for p in usable)} "
                    "item(s)); fetch it again without --offline to complete it")
