"""arXiv API: ``GET {base}/api/query?search_query=...&start=N&max_results=M&sortBy=...``.

The answer is an Atom feed with OpenSearch totals::

    <feed xmlns="http://www.w3.org/2005/Atom">
      <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
        >1234</opensearch:totalResults>
      <opensearch:startIndex ...>0</opensearch:startIndex>
      <opensearch:itemsPerPage ...>100</opensearch:itemsPerPage>
      <entry>...</entry> ...
    </feed>

and a bad query is HTTP 400 with one entry whose ``<id>`` is under
``http://arxiv.org/api/errors`` and whose ``<summary>`` says what is wrong.

A query is ``--query`` (arXiv search syntax, e.g. ``ti:llama AND abs:reasoning``),
``--category`` (``cat:cs.CL``) and an optional submission-date range, ANDed, sorted by
submission date *ascending*: new submissions then land after what was already paged,
so cached full pages stay valid and a re-run only asks for the tail. Pages are
``start``/``max_results`` slices; paging ends at ``totalResults`` or ``--max``.

arXiv's terms ask for one request every three seconds at most (:data:`MIN_INTERVAL`).
Its API is known to answer an empty page now and then although ``totalResults`` says
more: such a page is asked again (:data:`EMPTY_PAGE_RETRIES`), then the query stops
with an error, and a re-run resumes at that page.

arXiv announces submissions up to several days late (weekends, holidays), so a late
one can still be slotted in among recent submissions. A cached page is *final* when it
was fetched :data:`SETTLE_DAYS` or more after the newest submission on it: nothing can
be inserted before its end any more. A re-run keeps the leading full, final pages and
asks for the rest; a query with a date range that the cache holds whole, fetched
:data:`SETTLE_DAYS` or more after the range ended, is never asked for again
(``--refresh`` overrides).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.parsers import expat

from leaderboard.fetch.cache import Manifest, Page, safe_name
from leaderboard.fetch.client import FetchError, NetworkError
from leaderboard.fetch.common import (
    FetchContext,
    GroupResult,
    endpoint_url,
    fetched_on,
    load_manifest,
    not_in_cache,
    page_record,
    supersede,
    verified_prefix,
)
from leaderboard.sources.atom import ATOM_NS

SOURCE = "arxiv"
DEFAULT_URL = "https://export.arxiv.org"
URL_ENV = "LEADERBOARD_ARXIV_URL"
ENDPOINT = "/api/query"
#: Seconds between two requests, as arXiv's API terms ask.
MIN_INTERVAL = 3.0
PAGE_SIZE = 100
#: The API's limits: at most 2000 results per request, 30000 per query.
MAX_PAGE_SIZE = 2000
MAX_RESULTS = 30000
SETTLE_DAYS = 7
EMPTY_PAGE_RETRIES = 2
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
_ERRORS_ID = "arxiv.org/api/errors"
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")


@dataclass(frozen=True)
class ArxivQuery:
    """What to ask arXiv for. ``date_to`` None with a ``date_from`` means "up to today"."""

    query: str | None = None
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page_size: int = PAGE_SIZE

    def __post_init__(self) -> None:
        if not (self.query and self.query.strip()) and not self.category:
            raise ValueError("give --query, --category or both")
        if self.category is not None and not _CATEGORY.match(self.category):
            raise ValueError(f"--category {self.category!r} is not an arXiv category "
                             "(like cs.CL or hep-th)")
        if self.date_to is not None and self.date_from is None:
            raise ValueError("--to needs --from")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError(f"--to {self.date_to} is before --from {self.date_from}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size must be 1..{MAX_PAGE_SIZE}")

    def search_query(self, today: date) -> str:
        """The ``search_query`` parameter: the parts ANDed, the range to the minute."""
        parts = []
        if self.query and self.query.strip():
            q = self.query.strip()
            parts.append(f"({q})" if self.category or self.date_from else q)
        if self.category:
            parts.append(f"cat:{self.category}")
        if self.date_from is not None:
            last = self.date_to or today
            parts.append(f"submittedDate:[{self.date_from:%Y%m%d}0000 TO {last:%Y%m%d}2359]")
        return " AND ".join(parts)

    def settled_by(self, day: date) -> bool:
        """Whether a fetch made on ``day`` sees the whole range (it ended long enough
        before); an open range never settles."""
        return self.date_to is not None and self.date_to <= day - timedelta(days=SETTLE_DAYS)

    def identity(self) -> dict[str, object]:
        """What makes two runs the same query (and so one cache group): not ``--max``,
        so raising it resumes; not an open range's moving end, so it resumes daily."""
        return {"query": (self.query or "").strip() or None, "category": self.category,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "sortBy": "submittedDate", "sortOrder": "ascending",
                "page_size": self.page_size}

    def label(self) -> str:
        bits = [b for b in (self.query and self.query.strip(),
                            self.category and f"cat:{self.category}") if b]
        if self.date_from:
            bits.append(f"{self.date_from}..{self.date_to or 'today'}")
        return " ".join(bits)

    def folder(self) -> str:
        digest = hashlib.sha256(json.dumps(self.identity(), sort_keys=True).encode()).hexdigest()
        return f"{safe_name(self.label(), 60)}-{digest[:12]}"


@dataclass
class FeedInfo:
    """The paging facts and the entries of one API response."""

    total: int | None = None
    start: int | None = None
    per_page: int | None = None
    entries: int = 0
    errors: list[str] = field(default_factory=list)
    last_published: str | None = None  # the newest entry's <published>, YYYY-MM-DD


def feed_info(body: bytes) -> FeedInfo:
    """Totals and entry count of an API response; ValueError when it is not a
    well-formed Atom feed. Entity declarations are refused, as in the Atom reader."""
    info = FeedInfo()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    stack: list[str] = []
    text: list[str] = []
    entry: dict[str, str] = {}

    def refuse(*_args: object) -> None:
        raise ValueError("XML entity declarations are not supported")

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal entry
        if not stack and name != f"{ATOM_NS} feed":
            raise ValueError(f"not an Atom feed (root <{name.split(' ')[-1]}>)")
        stack.append(name)
        text.clear()
        if name == f"{ATOM_NS} entry":
            entry = {}

    def end(name: str) -> None:
        value = "".join(text).strip()
        text.clear()
        stack.pop()
        parent = stack[-1] if stack else ""
        if parent == f"{ATOM_NS} feed":
            target = {f"{OPENSEARCH_NS} totalResults": "total",
                      f"{OPENSEARCH_NS} startIndex": "start",
                      f"{OPENSEARCH_NS} itemsPerPage": "per_page"}.get(name)
            if target is not None:
                setattr(info, target, int(value) if value.isdigit() else None)
            if name == f"{ATOM_NS} entry":
                if _ERRORS_ID in entry.get("id", ""):
                    info.errors.append(" ".join(entry.get("summary", "").split())
                                       or entry.get("id", ""))
                else:
                    info.entries += 1
                    published = entry.get("published", "")[:10]
                    if published and (info.last_published is None
                                      or published > info.last_published):
                        info.last_published = published
        elif parent == f"{ATOM_NS} entry" and name in (f"{ATOM_NS} id", f"{ATOM_NS} summary",
                                                       f"{ATOM_NS} published"):
            entry[name.split(" ")[1]] = value

    def chars(data: str) -> None:
        text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from None
    if not stack and info.total is None and not info.entries and not info.errors:
        raise ValueError("an Atom feed without OpenSearch totals (not an arXiv API response?)")
    return info


def _api_error(exc: FetchError) -> str:
    """A 400 answer's own words (its error entry), else the HTTP reason."""
    if exc.body:
        try:
            errors = feed_info(exc.body).errors
        except ValueError:
            errors = []
        if errors:
            return f"{exc}: arXiv says: {'; '.join(errors)}"
    return str(exc)


def fetch_query(query: ArxivQuery, ctx: FetchContext, max_results: int = 1000) -> GroupResult:
    """Page through one query into the cache (or from it); the pages to ingest."""
    if not 1 <= max_results <= MAX_RESULTS:
        raise ValueError(f"--max must be 1..{MAX_RESULTS} (the API's limit)")
    group = ctx.cache.group(SOURCE, query.label(), query.folder())
    result = GroupResult(f"{SOURCE} {query.label()}", group)
    url = endpoint_url(ctx.base_url, ENDPOINT)
    manifest = load_manifest(group, result, ctx.offline)
    if result.error is not None:
        return result
    cached = _contiguous(manifest.pages) if manifest else []
    usable = verified_prefix(group, cached, result)
    intact = len(usable) == len(manifest.pages if manifest else [])
    covered = sum(p.items for p in usable)
    wanted = [p for p in usable if int(p.info.get("start", 0)) < max_results]
    # The leading pages that are full and final: kept as they are by any online run.
    keep: list[Page] = []
    for page in usable:
        if page.items != int(page.params.get("max_results", -1)) or not _final(page):
            break
        keep.append(page)
    kept = sum(p.items for p in keep)
    whole = manifest is not None and intact and (manifest.complete or covered >= max_results)
    if ctx.offline and whole:
        result.pages, result.reused = wanted, len(wanted)
        return result
    settled = manifest is not None and manifest.complete and whole and all(
        query.settled_by(fetched_on(p)) for p in usable)
    if not ctx.offline and not ctx.refresh and (settled or kept >= max_results):
        result.pages, result.reused = wanted, len(wanted)  # nothing left to ask for
        return result
    if ctx.client is None:
        not_in_cache(result, manifest, wanted, f"arXiv query {query.label()!r}")
        return result
    if ctx.refresh:
        keep = []

    # A whole earlier answer stays the manifest's until a new one is whole: a failed
    # re-run must not hide what is cached.
    fallback = wanted if manifest is not None and intact and manifest.complete else None
    if manifest is None:
        manifest = Manifest(SOURCE, query.label(), {"url": url, "identity": query.identity()})
    supersede(manifest, keep)
    manifest.complete = False
    manifest.request["url"] = url
    result.reused = len(keep)
    start = sum(p.items for p in keep)
    total: int | None = None
    empty_tries = 0
    search = query.search_query(ctx.today)
    while start < max_results and (total is None or start < total):
        n = min(query.page_size, max_results - start)
        params = {"search_query": search, "start": str(start), "max_results": str(n),
                  "sortBy": "submittedDate", "sortOrder": "ascending"}
        try:
            response = ctx.client.get(url, params, accept="application/atom+xml")
        except FetchError as exc:
            result.error = _api_error(exc)
            result.network_down = isinstance(exc, NetworkError)
            break
        try:
            info = feed_info(response.body)
        except ValueError as exc:
            result.error = f"{response.url}: not an arXiv API response: {exc}"
            break
        if info.errors:
            result.error = f"{response.url}: arXiv says: {'; '.join(info.errors)}"
            break
        if info.total is None:
            result.error = f"{response.url}: no opensearch:totalResults in the response"
            break
        total = info.total
        if info.entries == 0 and start < total:
            if empty_tries < EMPTY_PAGE_RETRIES:
                empty_tries += 1
                ctx.client.sleep(ctx.client.policy.delay(empty_tries - 1))
                continue
            result.error = (f"{response.url}: an empty page at start={start} although "
                            f"totalResults is {total}; re-run to resume from here")
            break
        empty_tries = 0
        if info.entries == 0 and start > 0:
            break  # the end, exactly at a page boundary: nothing to keep
        name, sha = group.write_page(f"start-{start:06d}", ".atom.xml", response.body)
        manifest.pages.append(page_record(
            name, sha, response.url, params, response.fetched_at, len(response.body),
            info.entries, {"start": start, "total_results": total,
                           "last_published": info.last_published,
                           "fetched_on": ctx.today.isoformat()}))
        manifest.info["total_results"] = total
        manifest.info["search_query"] = search
        result.downloaded += 1
        if fallback is None:
            group.save(manifest)  # progress survives an interrupt: a re-run resumes here
        if info.entries == 0:
            break  # no results at all
        start += info.entries
    if result.error is not None and fallback is not None:
        result.pages = fallback  # the manifest on disk is still the whole earlier answer
        result.reused = len(fallback)
        result.downloaded = 0
        return result
    manifest.complete = result.error is None and total is not None and start >= total
    group.save(manifest)
    result.pages = [p for p in manifest.pages if int(p.info.get("start", 0)) < max_results]
    if total is not None and total > max_results and result.error is None:
        result.notes.append(f"{total} results; fetched the first {max_results} (raise --max "
                            "for more)")
    return result


def _final(page: Page) -> bool:
    """Fetched long enough after its newest submission that nothing can be slotted in
    before its end (see the module docstring)."""
    last = page.info.get("last_published")
    try:
        newest = date.fromisoformat(last) if isinstance(last, str) else None
    except ValueError:
        newest = None
    return newest is not None and fetched_on(page) >= newest + timedelta(days=SETTLE_DAYS)


def _contiguous(pages: list[Page]) -> list[Page]:
    """The pages that follow on from start 0 without a gap."""
    out: list[Page] = []
    start = 0
    for page in pages:
        if int(page.info.get("start", -1)) != start:
            break
        out.append(page)
        start += page.items
    return out
