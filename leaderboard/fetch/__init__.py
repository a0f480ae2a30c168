"""Live sources: new papers from the Hugging Face daily-papers API and the arXiv API.

``client`` is the polite HTTP client (timeouts, retries with backoff, rate limit,
User-Agent); ``cache`` keeps every raw response with its URL, time and sha256, so a
fetch can be replayed with no network; ``hfdaily`` and ``arxiv`` page through each API
and resume from the cache; ``cli`` is the ``leaderboard fetch`` command group, which
hands the cached responses to the ordinary readers and ingest.
"""

from leaderboard.fetch.arxiv import ArxivQuery, fetch_query
from leaderboard.fetch.cache import Cache, CacheError, default_cache_dir
from leaderboard.fetch.client import FetchError, HttpClient, NetworkError, RateLimiter, RetryPolicy
from leaderboard.fetch.common import FetchContext, GroupResult
from leaderboard.fetch.hfdaily import fetch_day

__all__ = [
    "ArxivQuery",
    "Cache",
    "CacheError",
    "FetchContext",
    "FetchError",
    "GroupResult",
    "HttpClient",
    "NetworkError",
    "RateLimiter",
    "RetryPolicy",
    "default_cache_dir",
    "fetch_day",
    "fetch_query",
]
