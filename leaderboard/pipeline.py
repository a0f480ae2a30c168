"""The main job, file by file: read papers, extract claims, and write or store them.

A bad file is one :class:`FileResult` with an error, never the end of the run: the
caller reports it by name and reason, goes on with the other files, and says at the
end (exit code) that something failed. A file is extracted whole before it is stored,
so the store holds each file completely or not at all.
"""

from __future__ import annotations

import hashlib
import traceback
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from leaderboard.extract import DEFAULT_LIMITS, Limits, claims_with_report
from leaderboard.models import Claim, SourcedPaper
from leaderboard.sources import SourceError, SourceWarning, iter_input_paths, read_source


@dataclass
class FileResult:
    """What one input path gave: its papers and claims, or the reason it gave none."""

    source: str
    papers: list[SourcedPaper] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    error: str | None = None
    traceback: str | None = None  # for --debug: an unexpected error's traceback
    notes: list[str] = field(default_factory=list)  # what the limits cut, per paper
    warnings: list[str] = field(default_factory=list)  # parts of the file left out
    sha256: str | None = None
    fmt: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def file_sha256(path: str) -> str | None:
    """sha256 of a file's bytes (None for standard input, which cannot be re-read)."""
    if path == "-":
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_paths(paths: Iterable[str], fmt: str | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> Iterator[FileResult]:
    """Read and extract every input path in order (folders expanded recursively)."""
    for item in iter_input_paths(paths):
        if isinstance(item, SourceError):
            yield FileResult(source=item.path, error=item.reason)
            continue
        yield process_file(item, fmt, limits)


def process_file(path: str, fmt: str | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """One file: all its papers and their claims, or an error naming why not."""
    result = FileResult(source=path)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SourceWarning)
            result.papers = list(read_source(path, fmt))  # type: ignore[arg-type]
        result.warnings = [w.message.reason for w in caught
                           if isinstance(w.message, SourceWarning)]
        result.sha256 = _sighting_sha(path, result.papers)
    except SourceError as exc:
        result.error = exc.reason
        return result
    except OSError as exc:
        result.error = exc.strerror or str(exc)
        return result
    except Exception as exc:  # a bug must not end the run: report it with the file
        result.error = f"unexpected {type(exc).__name__} while reading: {exc}"
        result.traceback = traceback.format_exc()
        return result
    if result.papers:
        result.fmt = result.papers[0].sighting.source_format
    try:
        for item in result.papers:
            claims, notes = claims_with_report(item, limits)
            result.claims.extend(claims)
            result.notes.extend(notes)
    except Exception as exc:
        result.error = f"unexpected {type(exc).__name__} while extracting: {exc}"
        result.traceback = traceback.format_exc()
        result.claims = []
    return result


def _sighting_sha(path: str, papers: list[SourcedPaper]) -> str:
    """The file's sha256; for standard input, a hash of what was read from it."""
    sha = file_sha256(path)
    return sha if sha is not None else paper_set_sha256(papers)


def paper_set_sha256(papers: list[SourcedPaper]) -> str:
    """Identity of input that cannot be re-read (standard input): a hash of its papers."""
    digest = hashlib.sha256()
    for item in papers:
        digest.update(item.paper.content_hash.encode())
    return digest.hexdigest()
