"""Engines: where extraction runs. The default is :class:`leaderboard.stream.LocalMapper`
(worker processes on this machine); :mod:`leaderboard.engines.dask` runs the same pure
per-paper function on a Dask cluster. Every engine yields the stream's items in input
order, so the store -- and every export -- is the same whichever engine ran.
"""

from __future__ import annotations

from pathlib import Path

from leaderboard.extract import DEFAULT_LIMITS, Limits
from leaderboard.stream import BatchMapper

#: The optional extra that brings Dask (``pip install 'leaderboard[dask]'``).
DASK_EXTRA_HINT = "the dask engine needs the optional extra: pip install 'leaderboard[dask]'"


class EngineError(Exception):
    """An engine cannot start (not installed, scheduler unreachable)."""


def dask_mapper(scheduler: str | None = None, jobs: int | None = None,
                limits: Limits = DEFAULT_LIMITS, spool: Path | None = None) -> BatchMapper:
    """A :class:`~leaderboard.engines.dask.DaskMapper` connected to ``scheduler`` (or
    ``$DASK_SCHEDULER_ADDRESS``), else to a new local cluster of ``jobs`` workers."""
    try:
        from leaderboard.engines.dask import DaskMapper
    except ImportError as exc:
        raise EngineError(f"{DASK_EXTRA_HINT} ({exc})") from exc
    return DaskMapper(scheduler, jobs, limits, spool=spool)


__all__ = ["DASK_EXTRA_HINT", "EngineError", "dask_mapper"]
