"""Streaming: input files as ordered batches of papers, extracted in worker processes.

Why: a user points ``ingest`` at the arXiv metadata snapshot (millions of papers in one
file) or at years of daily dumps. Holding a file's papers in memory, or extracting on
one core, does not scale. Here a file is read lazily, cut into batches of
``batch_size`` papers, and each batch goes through :func:`extract_batch` -- the same
pure per-paper function everywhere -- in this process or in a pool of worker
processes. Results come back in input order whatever the number of workers, so the
output of a run does not depend on ``--jobs`` (or on the engine: see
:mod:`leaderboard.engines`).

Memory stays flat: at most ``window`` batches are in flight, and the reader is pulled
only as batches complete. Small inputs never start a pool (its start-up would cost more
than it saves): work stays in this process until ``pool_after`` papers have been seen.

The stream yields :class:`Batch` items (a file's papers in order; the last one flagged)
and one :class:`FileDone` per input path, which carries the file's error or warnings.
A consumer stores or writes each batch as it arrives (see :mod:`leaderboard.ingest`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from leaderboard.extract import DEFAULT_LIMITS, Limits, PaperText, claims_with_report
from leaderboard.models import Claim, ClaimRows, SourcedPaper
from leaderboard.pipeline import file_sha256, paper_set_sha256
from leaderboard.sources import SourceError, SourceWarning, iter_input_paths, read_source

#: Papers per batch: large enough that per-batch costs (a store transaction, a trip to a
#: worker) are small against extraction, small enough to keep memory flat.
DEFAULT_BATCH_SIZE = 1000


@dataclass
class FileJob:
    """One input path as it goes through a run: what is known about it so far."""

    source: str
    sha256: str | None = None
    fmt: str | None = None
    size: int | None = None
    start: int = 0  # papers before this position were stored by an earlier run
    skip: bool = False  # stored whole already: nothing to read
    error: str | None = None
    traceback: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_papers: int = 0  # read in this run (after ``start``)
    n_claims: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Batch:
    """Consecutive papers of one file and, once extracted, their claims."""

    job: FileJob
    papers: list[SourcedPaper]
    last: bool = False  # no paper of the file follows (the file was read to its end)
    claims: Sequence[Claim] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    traceback: str | None = None


@dataclass
class FileDone:
    """The end of one input path: read whole, skipped, or failed (``job.error``)."""

    job: FileJob


StreamItem = Batch | FileDone

#: Decides, once a file's sha256 is known, where to start reading it: ``None`` skips
#: the file (already stored), ``n`` skips its first ``n`` papers (stored by a run that
#: was cut short). Extraction alone always starts at 0.
Planner = Callable[[FileJob], int | None]


@dataclass(frozen=True)
class ExtractedBatch:
    """What a worker sends back for one batch (claims in paper order)."""

    claims: Sequence[Claim]  # ClaimRows: pickled as plain tuples
    notes: list[str]
    error: str | None = None
    traceback: str | None = None


def extract_batch(papers: Sequence[SourcedPaper | PaperText],
                  limits: Limits = DEFAULT_LIMITS) -> ExtractedBatch:
    """The claims of a batch of papers: the pure per-paper function, over a batch.
    An unexpected error is returned, not raised, so the consumer can name the file.
    (Worker processes are sent the papers as :class:`PaperText`: cheap to pickle.)"""
    claims: list[Claim] = []
    notes: list[str] = []
    try:
        for item in papers:
            found, cut = claims_with_report(item, limits)
            claims.extend(found)
            notes.extend(cut)
    except Exception as exc:
        return ExtractedBatch([], [], f"unexpected {type(exc).__name__} while extracting: "
                              f"{exc}", traceback.format_exc())
    return ExtractedBatch(ClaimRows.of(claims), notes)


def _start_all(job: FileJob) -> int | None:
    return 0


def stream_files(paths: Iterable[str], fmt: str | None = None, *,
                 plan: Planner = _start_all,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[StreamItem]:
    """Every input path (folders expanded) as batches of papers, then a FileDone.

    A file is hashed before it is read, so ``plan`` can skip a stored one. Reading one
    batch ahead lets the last batch of a file be flagged as such. A read error ends
    the file's batches and is carried by its FileDone; batches already yielded stand
    (the consumer decides whether to keep them). A consumer that fails a batch sets
    ``job.error``: the file's reading stops there, since the file is dropped whole.
    """
    for item in iter_input_paths(paths):
        if isinstance(item, SourceError):
            yield FileDone(FileJob(source=item.path, error=item.reason))
            continue
        job = FileJob(source=item)
        yield from _file_items(job, fmt, plan, batch_size)
        yield FileDone(job)


def _file_items(job: FileJob, fmt: str | None, plan: Planner,
                batch_size: int) -> Iterator[Batch]:
    path = job.source
    try:
        if path == "-":  # standard input cannot be re-read: hashed from what was read
            whole = _with_warnings(job, lambda: list(read_source("-", fmt)))  # type: ignore[arg-type]
            job.sha256 = paper_set_sha256(whole)
            papers: Iterator[SourcedPaper] = iter(whole)
        else:
            # opened (and sniffed) first: it names what is wrong with a bad file
            papers = read_source(path, fmt)  # type: ignore[arg-type]
            job.sha256 = file_sha256(path)
            job.size = os.path.getsize(path)
        start = plan(job)
        if start is None:
            job.skip = True
            _close(papers)
            return
        job.start = start
        ahead = _read_batch(job, papers, batch_size)
        while ahead:
            batch, ahead = ahead, _read_batch(job, papers, batch_size)
            yield Batch(job, batch, last=not ahead)
            if not job.ok:  # the consumer failed a batch: the file is dropped whole,
                _close(papers)  # so the rest of it is neither read nor extracted
                return
    except SourceError as exc:
        job.error = exc.reason
    except OSError as exc:
        job.error = exc.strerror or str(exc)
    except Exception as exc:  # a bug must not end the run: report it with the file
        job.error = f"unexpected {type(exc).__name__} while reading: {exc}"
        job.traceback = traceback.format_exc()


def _close(papers: Iterator[SourcedPaper]) -> None:
    """Close a reader left before its end (a generator holds its file open)."""
    close = getattr(papers, "close", None)
    if close is not None:
        close()


def _with_warnings(job: FileJob, read: Callable[[], list[SourcedPaper]]) -> list[SourcedPaper]:
    """Run ``read``, keeping the reader's SourceWarnings (parts of the file left out)
    on the job. Warnings are caught around each batch, never across a ``yield``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SourceWarning)
        papers = read()
    job.warnings.extend(w.message.reason for w in caught
                        if isinstance(w.message, SourceWarning))
    return papers


def _read_batch(job: FileJob, papers: Iterator[SourcedPaper], size: int) -> list[SourcedPaper]:
    """The next ``size`` papers at or after the job's start position ([] at the end)."""
    batch: list[SourcedPaper] = []

    def fill() -> list[SourcedPaper]:
        for item in papers:
            if item.sighting.paper_index < job.start:
                continue
            batch.append(item)
            if len(batch) >= size:
                break
        return batch

    _with_warnings(job, fill)
    if batch and job.fmt is None:
        job.fmt = batch[0].sighting.source_format
    job.n_papers += len(batch)
    return batch


class BatchMapper(Protocol):
    """Runs :func:`extract_batch` over a stream's batches, yielding items in order."""

    def map(self, items: Iterable[StreamItem]) -> Iterator[StreamItem]: ...

    def close(self) -> None: ...


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops the run and rolls back cleanly;
    end themselves when the parent is gone (``kill -9`` gives the pool no chance to
    stop them); and have the registries loaded before their first batch (inherited
    from the fork server, which built them: this warm-up then costs nothing)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    from leaderboard.extract import extract_claims

    extract_claims("warm-up: 1.0% on MMLU.")


def _exit_with(parent: int, every: float = 1.0) -> None:
    """Poll for the parent process; exit at once when it has ended."""
    while True:
        time.sleep(every)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # exists, owned by someone else: not our parent
            os._exit(1)


def default_jobs() -> int:
    """All cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class LocalMapper:
    """Extraction in this process, or in ``jobs`` worker processes once the input is
    large enough to pay for them. Use as a context manager (the pool is shut down)."""

    def __init__(self, jobs: int | None = None, limits: Limits = DEFAULT_LIMITS, *,
                 pool_after: int = 2 * DEFAULT_BATCH_SIZE, window: int | None = None) -> None:
        self.jobs = max(1, jobs if jobs is not None else default_jobs())
        self.limits = limits
        self.pool_after = pool_after
        self.window = window if window is not None else 2 * self.jobs
        self._pool: ProcessPoolExecutor | None = None
        self.started_pool = False

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers are forked from a clean server process, never from
            # this one, which holds the store's database threads and open files. The
            # server builds the registries once (``extract.preload``) for all workers.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["leaderboard.extract.preload", "leaderboard.stream"])
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context,
                                             initializer=_worker_init,
                                             initargs=(os.getpid(),))
            self.started_pool = True
        return self._pool

    def map(self, items: Iterable[StreamItem]) -> Iterator[StreamItem]:
        pending: deque[tuple[StreamItem, Future[ExtractedBatch] | None]] = deque()
        seen = 0
        for item in items:
            if isinstance(item, Batch):
                seen += len(item.papers)
                if self.jobs > 1 and seen > self.pool_after:
                    texts = [PaperText.of(paper) for paper in item.papers]
                    future = self._executor().submit(extract_batch, texts, self.limits)
                    pending.append((item, future))
                else:
                    yield from _drain(pending)
                    fill_batch(item, extract_batch(item.papers, self.limits))
                    yield item
                    continue
            else:
                pending.append((item, None))
            while len(pending) > self.window or (pending and pending[0][1] is None):
                yield _finish(*pending.popleft())
        yield from _drain(pending)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalMapper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fill_batch(batch: Batch, done: ExtractedBatch) -> None:
    """Put a worker's result for a batch on the batch."""
    batch.claims, batch.notes = done.claims, done.notes
    batch.error, batch.traceback = done.error, done.traceback


def _finish(item: StreamItem, future: Future[ExtractedBatch] | None) -> StreamItem:
    if future is not None and isinstance(item, Batch):
        fill_batch(item, future.result())
    return item


def _drain(pending: deque[tuple[StreamItem, Future[ExtractedBatch] | None]]
           ) -> Iterator[StreamItem]:
    while pending:
        yield _finish(*pending.popleft())


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Batch",
    "BatchMapper",
    "ExtractedBatch",
    "FileDone",
    "FileJob",
    "LocalMapper",
    "StreamItem",
    "default_jobs",
    "extract_batch",
    "fill_batch",
    "stream_files",
]
