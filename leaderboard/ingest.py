"""Ingest: read, extract and store input files, one file per transaction.

A file is extracted whole and then stored whole (``Store.ingest_source``), so a bad
file, a crash or an interrupt never leaves part of a file in the store. Every run is
recorded with the tool and extractor versions, its inputs and its counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from leaderboard.extract import DEFAULT_LIMITS, EXTRACTOR_VERSION, Limits
from leaderboard.manifest import registry_versions
from leaderboard.pipeline import FileResult, process_paths
from leaderboard.store import IngestOutcome, Store, StoreError


@dataclass
class IngestReport:
    """What an ingest run did, file by file."""

    db_path: Path
    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[FileResult] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)  # files stored with a part left out

    @property
    def failed(self) -> int:
        return len(self.failures)

    def counts(self) -> dict[str, int]:
        added = [o for o in self.outcomes if o.status == "added"]
        return {
            "files_added": len(added),
            "files_unchanged": len(self.outcomes) - len(added),
            "files_failed": self.failed,
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
        if self.failed:
            text += f"; {self.failed} file(s) failed"
        if self.warned:
            text += f"; {len(self.warned)} file(s) stored with parts left out"
        return text


def ingest_paths(
    db_path: Path,
    paths: Iterable[str],
    fmt: str | None = None,
    on_failure: Callable[[FileResult], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_note: Callable[[str, str], None] | None = None,
    on_warning: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Extract and store every input path; report failures and go on. ``on_note``
    hears what the limits cut (source, note)."""
    report = IngestReport(db_path=db_path)
    paths = list(paths)

    def fail(result: FileResult) -> None:
        report.failures.append(result)
        if on_failure is not None:
            on_failure(result)

    with Store.open(db_path) as store:
        run_id = store.begin_run({"inputs": paths, "format": fmt,
                                  "extractor_version": EXTRACTOR_VERSION,
                                  "registries": registry_versions(),
                                  "limits": {"max_abstract_chars": limits.max_abstract_chars,
                                             "max_claims_per_paper":
                                                 limits.max_claims_per_paper}})
        status = "failed"
        try:
            for result in process_paths(paths, fmt, limits):
                for note in result.notes:
                    if on_note is not None:
                        on_note(result.source, note)
                for warning in result.warnings:
                    report.warned.append(f"{result.source}: {warning}")
                    if on_warning is not None:
                        on_warning(result.source, warning)
                if not result.ok or result.sha256 is None:
                    fail(result)
                    continue
                try:
                    report.outcomes.append(
                        store.ingest_source(
                            result.source,
                            result.sha256,
                            result.fmt,
                            result.papers,
                            result.claims,
                            run_id,
                        )
                    )
                except StoreError as exc:
                    result.error = str(exc)
                    fail(result)
            status = "partial" if report.failed or report.warned else "ok"
        finally:
            store.finish_run(run_id, report.counts(), status)
    return report
