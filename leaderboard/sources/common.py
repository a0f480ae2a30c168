"""Helpers shared by the readers: lines with offsets, metadata clean-up, paper building."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime

from leaderboard.models import Paper, Sighting, SourcedPaper, SourceFormat

_EOL = re.compile(r"\r\n|\r|\n")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b)\s*")
_ARXIV_ID = re.compile(
    r"(?:arXiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?$",
    re.IGNORECASE,
)
# A sentence boundary: end punctuation, space, capital or digit (titles rarely have one).
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]%][.!?]\s+[A-Z0-9(]")

#: Month number by the first three letters of its English name.
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}

#: A line at least this long is abstract text, never a title.
LONG_LINE = 300


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a text: its characters (without the line end) and their offsets."""

    number: int  # 0-based
    start: int
    end: int  # exclusive, before the line end
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def iter_lines(text: str) -> Iterator[Line]:
    """The lines of ``text`` with offsets; ``\\r\\n``, ``\\r`` and ``\\n`` end a line
    (other Unicode line separators do not: they are characters of the line)."""
    pos = 0
    number = 0
    for m in _EOL.finditer(text):
        yield Line(number, pos, m.start(), text[pos : m.start()])
        pos = m.end()
        number += 1
    if pos < len(text):
        yield Line(number, pos, len(text), text[pos:])


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``[start, end)`` of ``text`` to exclude leading/trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def collapse(text: str | None) -> str | None:
    """Internal whitespace (line breaks included) collapsed to one space; None if empty."""
    if text is None:
        return None
    # str.split() and re's \s agree on what whitespace is (both use str.isspace)
    out = " ".join(text.split())
    return out or None


def split_authors(text: str | None) -> tuple[str, ...]:
    """``"A. One, B. Two and C. Three"`` -> the three names."""
    cleaned = collapse(text)
    if not cleaned:
        return ()
    return tuple(name for name in _AUTHOR_SPLIT.split(cleaned) if name)


def normalise_arxiv_id(raw: object) -> str | None:
    """``2401.12345v2``, ``arXiv:2401.12345``, ``hep-th/9901001v1`` -> the id without
    ``arXiv:`` and version; None for anything that is not an arXiv id."""
    if not isinstance(raw, str):
        return None
    m = _ARXIV_ID.match(raw.strip())
    return m.group("id") if m else None


def parse_date(text: str | None) -> date | None:
    """ISO dates/timestamps (``2024-01-22``, ``2024-01-22T18:59:59Z``) and RFC 2822
    dates (``Mon, 2 Apr 2007 19:18:42 GMT``); None when unparseable."""
    if not text:
        return None
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def looks_like_abstract(text: str) -> bool:
    """A line/paragraph of prose: long, or of several sentences."""
    n = len(text)
    if n >= LONG_LINE:
        return True
    return n >= 120 and len(_SENTENCE_BREAK.findall(text)) >= 2


def make_sourced(
    *,
    source: str,
    fmt: SourceFormat,
    index: int,
    title: str | None,
    abstract: str,
    start: int,
    end: int,
    offset_map: tuple[tuple[int, int], ...] = (),
    arxiv_id: str | None = None,
    authors: tuple[str, ...] = (),
    authors_count: int | None = None,
    organization: str | None = None,
    published: date | None = None,
    upvotes: int | None = None,
    categories: tuple[str, ...] = (),
) -> SourcedPaper:
    """A paper and its sighting. ``authors_count`` defaults to ``len(authors)``."""
    if authors and authors_count is None:
        authors_count = len(authors)
    paper = Paper.build(
        title=collapse(title),
        abstract=abstract,
        arxiv_id=arxiv_id,
        authors=authors,
        authors_count=authors_count,
        organization=organization,
        published=published,
        upvotes=upvotes,
        categories=categories,
    )
    sighting = Sighting(
        paper_id=paper.paper_id,
        source=source,
        source_format=fmt,
        paper_index=index,
        abstract_start=start,
        abstract_end=end,
        offset_map=offset_map,
    )
    return SourcedPaper(paper=paper, sighting=sighting)
