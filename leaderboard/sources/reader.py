"""Reading one input path into papers, and expanding input paths."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import get_args

from leaderboard.models import SourcedPaper, SourceFormat
from leaderboard.sources.atom import read_atom
from leaderboard.sources.daily import read_daily_papers
from leaderboard.sources.decode import RawSource, decode_bytes, decode_head
from leaderboard.sources.detect import detect_format
from leaderboard.sources.errors import SourceError
from leaderboard.sources.hfdaily import read_hf_daily
from leaderboard.sources.jsonl import read_json_lines
from leaderboard.sources.listing import read_listing
from leaderboard.sources.plaintext import read_plain_text

#: The supported source formats (the values of :data:`leaderboard.models.SourceFormat`).
FORMATS: tuple[SourceFormat, ...] = get_args(SourceFormat)

_TEXT_READERS = {
    "daily-papers": read_daily_papers,
    "arxiv-listing": read_listing,
    "arxiv-atom": read_atom,
    "plain-text": read_plain_text,
    "hf-daily-json": read_hf_daily,
}


def read_source(path: str, fmt: SourceFormat | None = None) -> Iterator[SourcedPaper]:
    """The papers of one file, lazily, in file order (``paper_index`` 0, 1, ...).

    ``path`` is used verbatim as :attr:`Sighting.source`; ``-`` is standard input.
    ``fmt`` overrides format detection. The file is opened and sniffed at once, so a
    missing, unreadable, binary, empty or unsupported file raises :class:`SourceError`
    here; errors found while reading on (corrupt gzip, invalid JSON, no papers at all)
    are raised by the iterator. Offsets refer to :func:`~leaderboard.sources.read_text`
    of the same path.
    """
    if fmt is not None and fmt not in FORMATS:
        raise SourceError(path, f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    source = RawSource(path)
    try:
        head_text = decode_head(source.head, path)
        if not head_text.strip():
            reason = "empty file" if not source.head else "no text (whitespace only)"
            raise SourceError(path, reason)
        chosen: SourceFormat = fmt if fmt is not None else detect_format(path, head_text)
    except BaseException:
        source.close()
        raise
    return _papers(source, chosen)


def _papers(source: RawSource, fmt: SourceFormat) -> Iterator[SourcedPaper]:
    path = source.path
    count = 0
    with source:
        if fmt == "arxiv-jsonl":
            papers = read_json_lines(source.iter_text_lines(), path)
        else:
            text = decode_bytes(source.read_all(), path)
            source.close()
            papers = _TEXT_READERS[fmt](text, path)
        for paper in papers:
            count += 1
            yield paper
    if not count:
        raise SourceError(path, f"no papers found (read as {fmt})")


def _walk(folder: str) -> Iterator[str | SourceError]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield SourceError(folder, exc.strerror or str(exc))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path)
        else:
            yield entry.path


def iter_input_paths(paths: Iterable[str]) -> Iterator[str | SourceError]:
    """Input paths to read, in order: files and ``-`` as given, folders expanded
    recursively (names sorted; hidden files and folders skipped; symlinked folders not
    followed). A path that does not exist, or a folder without any file, is yielded
    as a :class:`SourceError` (not raised) so the caller can report it and go on."""
    for path in paths:
        if path == "-":
            yield path
        elif os.path.isdir(path):
            found = False
            for item in _walk(path):
                found = found or isinstance(item, str)
                yield item
            if not found:
                yield SourceError(path, "folder contains no files")
        elif os.path.lexists(path) or os.path.exists(path):
            yield path
        else:
            yield SourceError(path, "no such file or directory")
