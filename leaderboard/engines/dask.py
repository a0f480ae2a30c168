"""The Dask engine: the same pure per-paper extraction, on a Dask cluster.

Why: past one machine, extraction (the costly step) spreads over a cluster while the
store stays one DuckDB file. The client (``leaderboard ingest --engine dask``) reads the
inputs and cuts them into batches exactly as the local engine does; each batch is one
Dask task running :func:`leaderboard.stream.extract_batch` on a worker, which returns
its claims as a Parquet partition. The client writes each partition under the spool
folder and loads them into the store in input order, through the same batch loader as
the local engine -- so the store, and every export, is byte-identical whichever engine
ran. Workers need no access to the input files or the store: papers travel with the
task, claims come back as Parquet bytes.

Use an existing cluster with ``--scheduler tcp://HOST:8786`` (or set
``DASK_SCHEDULER_ADDRESS``); its workers need ``leaderboard[dask]`` of the same version
installed. Without one, a local cluster of ``--jobs`` single-threaded worker processes
is started for the run and closed after it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster

from leaderboard.engines.partitions import claims_from_parquet, claims_to_parquet_bytes
from leaderboard.extract import DEFAULT_LIMITS, Limits
from leaderboard.models import SourcedPaper
from leaderboard.stream import (
    Batch,
    ExtractedBatch,
    StreamItem,
    default_jobs,
    extract_batch,
    fill_batch,
)


def extract_partition(papers: list[SourcedPaper], limits: Limits
                      ) -> tuple[bytes, list[str], str | None, str | None]:
    """A Dask task: one batch's claims as Parquet bytes, its notes, and its error."""
    done = extract_batch(papers, limits)
    return claims_to_parquet_bytes(done.claims), done.notes, done.error, done.traceback


class DaskMapper:
    """Maps extraction over a stream's batches on a Dask cluster, in input order, with
    at most ``window`` partitions in flight (memory stays flat on the client)."""

    def __init__(self, scheduler: str | None = None, jobs: int | None = None,
                 limits: Limits = DEFAULT_LIMITS, *, spool: Path | None = None,
                 window: int | None = None) -> None:
        self.limits = limits
        address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
        self._cluster: LocalCluster | None = None
        if address is None:
            workers = max(1, jobs if jobs is not None else default_jobs())
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self.client = Client(self._cluster)
        else:
            self.client = Client(address, timeout="30s")
        n_workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.window = window if window is not None else 2 * n_workers
        self._keep_spool = spool is not None
        self.spool = spool if spool is not None else Path(tempfile.mkdtemp(prefix="lb-dask-"))
        self.spool.mkdir(parents=True, exist_ok=True)
        self._partition = 0

    def map(self, items: Iterable[StreamItem]) -> Iterator[StreamItem]:
        pending: deque[tuple[StreamItem, Any]] = deque()
        for item in items:
            future = None
            if isinstance(item, Batch):
                future = self.client.submit(extract_partition, item.papers, self.limits,
                                            pure=False)
            pending.append((item, future))
            while len(pending) > self.window or (pending and pending[0][1] is None):
                yield self._finish(*pending.popleft())
        while pending:
            yield self._finish(*pending.popleft())

    def _finish(self, item: StreamItem, future: Future | None) -> StreamItem:
        if future is None or not isinstance(item, Batch):
            return item
        data, notes, error, tb = future.result()
        path = self.spool / f"part-{self._partition:08d}.parquet"
        self._partition += 1
        path.write_bytes(data)
        claims = claims_from_parquet(path)
        if not self._keep_spool:
            path.unlink()
        fill_batch(item, ExtractedBatch(claims, notes, error, tb))
        return item

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        if not self._keep_spool:
            shutil.rmtree(self.spool, ignore_errors=True)


__all__ = ["DaskMapper", "extract_partition"]
