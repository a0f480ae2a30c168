"""Ingest: read, extract and store input files, streaming, in batches.

A file is read lazily and stored in batches of papers, each batch in one transaction
(:meth:`Store.store_batch`); its last batch also writes the file's ``sources`` row,
which marks it as stored whole. So:

* a killed or interrupted run leaves the store as it was before the unfinished batch,
  and a re-run resumes each file after its last stored paper (papers already stored
  are read but not extracted again);
* a file that fails part-way (a corrupt line deep in a snapshot) is reported by name
  and what of it was stored is removed again, so a run that ends normally never
  leaves part of a file in the store;
* extraction runs in worker processes (``jobs``) or on Dask (``mapper``); results
  arrive in input order either way, so the store's contents do not depend on either.

Every run is recorded with the tool and extractor versions, its inputs and its counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from leaderboard.extract import DEFAULT_LIMITS, EXTRACTOR_VERSION, Limits
from leaderboard.manifest import registry_versions
from leaderboard.pipeline import FileResult
from leaderboard.store import BatchCounts, IngestOutcome, SourceRecord, Store, StoreError
from leaderboard.stream import (
    DEFAULT_BATCH_SIZE,
    Batch,
    BatchMapper,
    FileDone,
    FileJob,
    LocalMapper,
    stream_files,
)

#: DuckDB's buffer pool during an ingest: enough for the key indexes of millions of
#: claims, small enough that the whole run (with its workers) stays well under 1.5 GB.
DEFAULT_MEMORY_LIMIT = "512MB"


@dataclass
class IngestReport:
    """What an ingest run did, file by file."""

    db_path: Path
    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[FileResult] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)  # files stored with a part left out
    resumed: list[str] = field(default_factory=list)  # files continued from an earlier run

    @property
    def failed(self) -> int:
        return len(self.failures)

    def counts(self) -> dict[str, int]:
        added = [o for o in self.outcomes if o.status == "added"]
        return {
            "files_added": len(added),
            "files_unchanged": len(self.outcomes) - len(added),
            "files_failed": self.failed,
            "files_resumed": len(self.resumed),
            "papers_new": sum(o.papers_new for o in added),
            "papers_seen_before": sum(o.papers_seen_before for o in added),
            "sightings_added": sum(o.sightings_added for o in added),
            "claims_added": sum(o.claims_added for o in added),
        }

    def summary(self) -> str:
        c = self.counts()
        text = (
            f"{self.db_path}: {c['files_added']} file(s) added, {c['files_unchanged']} "
            f"unchanged; {c['papers_new']} new paper(s), {c['papers_seen_before']} seen "
            f"before; {c['claims_added']} claim(s) added"
        )
        if self.resumed:
            text += f"; {len(self.resumed)} file(s) resumed"
        if self.failed:
            text += f"; {self.failed} file(s) failed"
        if self.warned:
            text += f"; {len(self.warned)} file(s) stored with parts left out"
        return text


@dataclass
class _FileProgress:
    """The consumer's side of one file: what this run stored of it so far."""

    prior: BatchCounts = field(default_factory=BatchCounts)  # stored by earlier runs
    done: BatchCounts = field(default_factory=BatchCounts)
    claims_read: int = 0
    finished: bool = False
    stored_any: bool = False


def ingest_paths(
    db_path: Path,
    paths: Iterable[str],
    fmt: str | None = None,
    on_failure: Callable[[FileResult], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_note: Callable[[str, str], None] | None = None,
    on_warning: Callable[[str, str], None] | None = None,
    *,
    jobs: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    mapper: BatchMapper | None = None,
    engine: str = "local",
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
    on_batch: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Extract and store every input path; report failures and go on. ``on_note``
    hears what the limits cut (source, note); ``jobs`` is the number of extraction
    processes (default: all cores); ``mapper`` replaces the local process pool;
    ``memory_limit`` caps the store's buffer pool, so memory stays flat however large
    the store grows; ``on_batch`` hears each stored batch (source, papers, claims)."""
    report = IngestReport(db_path=db_path)
    paths = list(paths)
    own_mapper = mapper is None
    run_mapper: BatchMapper = mapper if mapper is not None else LocalMapper(jobs, limits)
    progress: dict[int, _FileProgress] = {}
    planned: set[str] = set()  # files (by content) already taken up in this run

    with Store.open(db_path, memory_limit=memory_limit) as store:
        run_id = store.begin_run({"inputs": paths, "format": fmt,
                                  "extractor_version": EXTRACTOR_VERSION,
                                  "registries": registry_versions(),
                                  "engine": engine,
                                  "limits": {"max_abstract_chars": limits.max_abstract_chars,
                                             "max_claims_per_paper":
                                                 limits.max_claims_per_paper}})

        def plan(job: FileJob) -> int | None:
            assert job.sha256 is not None
            # The same bytes twice in one run (two paths, or a path given twice) are
            # read once. Checked here, not in the store: batches of the first copy may
            # still be on their way to the store when the second is planned.
            if job.sha256 in planned or store.has_source(job.sha256):
                return None
            planned.add(job.sha256)
            state = progress.setdefault(id(job), _FileProgress())
            start = store.stored_through(job.sha256)
            if start:
                state.prior = store.partial_counts(job.sha256)
                state.claims_read = state.prior.claims_added
                state.stored_any = True
                report.resumed.append(job.source)
            return start

        def store_batch(batch: Batch) -> None:
            job = batch.job
            state = progress.setdefault(id(job), _FileProgress())
            assert job.sha256 is not None
            finish = None
            if batch.last:
                finish = _source_record(job, state)
            done = store.store_batch(job.sha256, batch.papers, batch.claims, run_id,
                                     finish=finish)
            state.done = state.done + done
            state.claims_read += len(batch.claims)
            state.stored_any = True
            state.finished = batch.last
            if on_batch is not None:
                on_batch(job.source, len(batch.papers), len(batch.claims))

        def end_file(job: FileJob) -> None:
            state = progress.pop(id(job), _FileProgress())
            if job.ok and not job.skip and not state.finished:
                assert job.sha256 is not None  # nothing left to read: mark it whole
                try:
                    store.store_batch(job.sha256, [], [], run_id,
                                      finish=_source_record(job, state))
                except StoreError as exc:
                    job.error = str(exc)
            for warning in job.warnings:
                report.warned.append(f"{job.source}: {warning}")
                if on_warning is not None:
                    on_warning(job.source, warning)
            if not job.ok:
                if state.stored_any and job.sha256 is not None:
                    try:
                        store.discard_partial(job.sha256)
                    except StoreError:
                        # what was stored is whole batches (each one transaction), as
                        # after an interrupted run: consistent, and a re-run resumes it
                        kept = (state.prior + state.done).sightings_added
                        job.error = (f"{job.error}; the {kept:,} paper(s) stored before "
                                     "it could not be taken out again and were kept, as "
                                     "after an interrupted run (a re-run resumes the file)")
                result = FileResult(source=job.source, error=job.error,
                                    traceback=job.traceback, sha256=job.sha256, fmt=job.fmt)
                report.failures.append(result)
                if on_failure is not None:
                    on_failure(result)
            elif job.skip:
                assert job.sha256 is not None
                report.outcomes.append(IngestOutcome(source=job.source, sha256=job.sha256,
                                                     status="unchanged"))
            else:
                assert job.sha256 is not None
                report.outcomes.append((state.prior + state.done).outcome(job.source,
                                                                          job.sha256))

        status = "failed"
        try:
            items = stream_files(paths, fmt, plan=plan, batch_size=batch_size)
            for item in run_mapper.map(items):
                if isinstance(item, FileDone):
                    end_file(item.job)
                    continue
                job = item.job
                if not job.ok:
                    continue  # an earlier batch of this file failed
                for note in item.notes:
                    if on_note is not None:
                        on_note(job.source, note)
                if item.error is not None:
                    job.error, job.traceback = item.error, item.traceback
                    continue
                try:
                    store_batch(item)
                except StoreError as exc:
                    job.error = str(exc)
            status = "partial" if report.failed or report.warned else "ok"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            if own_mapper:
                run_mapper.close()
            store.finish_run(run_id, report.counts(), status)
    return report


def _source_record(job: FileJob, state: _FileProgress) -> SourceRecord:
    """The file's totals before its last batch (the store adds that batch's)."""
    assert job.sha256 is not None
    total = state.prior + state.done
    return SourceRecord(source=job.source, sha256=job.sha256, fmt=job.fmt, size=job.size,
                        n_papers=total.sightings_added, n_claims=state.claims_read,
                        papers_new=total.papers_new, claims_added=total.claims_added)
