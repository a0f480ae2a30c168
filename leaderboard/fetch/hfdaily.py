"""Hugging Face daily papers: ``GET {base}/api/daily_papers?date=YYYY-MM-DD&limit=100&p=N``.

The API answers a JSON array of the day's papers (``[]`` for a day without any), at
most ``limit`` (1..100) per page; page ``p`` (0-based) gives the next ones, so paging
stops at the first page shorter than ``limit``.

One cache group per day. Papers are still added to a day for a while after it (time
zones, late submissions), so a page fetched less than :data:`SETTLE_DAYS` after its day
is *provisional*: the next run fetches the day again (and a re-run adds what is new),
until a fetch made once the day has settled is *final*. A day whose pages are all final
and in the cache is never asked for again; a day cut short (an error on page 2)
resumes at its first missing page. ``--refresh`` fetches again whatever the cache says.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from leaderboard.fetch.cache import Manifest, Page
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

SOURCE = "hf-daily"
DEFAULT_URL = "https://huggingface.co"
URL_ENV = "LEADERBOARD_HF_URL"
ENDPOINT = "/api/daily_papers"
#: The API's largest page.
PAGE_LIMIT = 100
#: Days after which a day's list no longer changes (see the module docstring).
SETTLE_DAYS = 2
#: Default seconds between two requests (the API publishes no limit; be gentle).
MIN_INTERVAL = 1.0
#: A day never has this many pages; more means the API ignores ``p``: stop.
MAX_PAGES = 50


def count_items(body: bytes) -> int:
    """How many papers a response holds; ValueError when it is not a JSON array (an
    HTML error page from a proxy, a JSON error object)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"invalid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        raise ValueError(f"the API says: {data['error']}")
    if not isinstance(data, list):
        raise ValueError(f"a JSON {type(data).__name__}, not an array of papers")
    return len(data)


def fetch_day(day: date, ctx: FetchContext, page_limit: int = PAGE_LIMIT) -> GroupResult:
    """One day's papers into the cache (or from it); the pages to ingest.

    Errors end the day, not the run: they are in ``result.error``. A network that
    cannot be reached sets ``result.network_down`` too.
    """
    key = day.isoformat()
    group = ctx.cache.group(SOURCE, key)
    result = GroupResult(f"{SOURCE} {key}", group)
    url = endpoint_url(ctx.base_url, ENDPOINT)
    manifest = load_manifest(group, result, ctx.offline)
    if result.error is not None:
        return result
    cached = manifest.pages if manifest else []
    usable = verified_prefix(group, cached, result)
    intact = len(usable) == len(cached)
    final = [p for p in usable if fetched_on(p) >= day + timedelta(days=SETTLE_DAYS)]
    if manifest is not None and manifest.complete and intact and (
            ctx.offline or (len(final) == len(usable) and not ctx.refresh)):
        result.pages = usable
        result.reused = len(usable)
        return result
    if ctx.client is None:
        not_in_cache(result, manifest, usable, f"daily papers of {key}")
        return result

    # Resume at the first missing page, keeping the full final pages before it; a day
    # with provisional pages is fetched whole.
    keep: list[Page] = []
    if manifest is not None and not ctx.refresh:
        for page in usable:
            if page not in final or page.items != int(page.params.get("limit", page_limit)) \
                    or page.params.get("p") != str(len(keep)):
                break
            keep.append(page)
    # A complete earlier fetch stays the manifest's answer until a new one completes:
    # a failed re-fetch of the current day must not hide the papers already cached.
    fallback = list(usable) if manifest is not None and manifest.complete and intact else None
    if manifest is None:
        manifest = Manifest(SOURCE, key, {"url": url, "params": {"date": key,
                                                                "limit": str(page_limit)}})
    supersede(manifest, keep)
    manifest.complete = False
    manifest.request["url"] = url
    result.reused = len(keep)
    previous_sha = keep[-1].sha256 if keep else None
    p = len(keep)
    while True:
        if p >= MAX_PAGES:
            result.error = f"{url}: more than {MAX_PAGES} pages for {key}; stopped"
            break
        params = {"date": key, "limit": str(page_limit), "p": str(p)}
        try:
            response = ctx.client.get(url, params, accept="application/json")
        except FetchError as exc:
            result.error = str(exc)
            result.network_down = isinstance(exc, NetworkError)
            break
        try:
            items = count_items(response.body)
        except ValueError as exc:
            result.error = f"{response.url}: not a daily-papers response: {exc}"
            break
        name, sha = group.write_page(f"p{p}", ".json", response.body)
        if sha == previous_sha and items:
            result.notes.append(f"{response.url}: same papers as page {p - 1}; the API "
                                "seems to ignore paging, stopped")
            manifest.complete = True
            break
        manifest.pages.append(page_record(name, sha, response.url, params,
                                          response.fetched_at, len(response.body), items,
                                          {"fetched_on": ctx.today.isoformat()}))
        result.downloaded += 1
        previous_sha = sha
        if items < page_limit:
            manifest.complete = True
            break
        if fallback is None:
            group.save(manifest)  # progress survives an interrupt: a re-run resumes here
        p += 1
    if manifest.complete or fallback is None:
        group.save(manifest)
        result.pages = list(manifest.pages)
    else:
        # The manifest on disk is still the complete earlier fetch: leave it.
        result.pages = fallback
        result.reused = len(fallback)
        result.downloaded = 0
    return result


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
