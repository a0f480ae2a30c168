"""Plain text: one abstract per paragraph (paragraphs are separated by blank lines).

The whole paragraph is the abstract (a short first line is *not* taken as a title),
except in a file that clearly alternates title and abstract paragraphs: an even
number of paragraphs where every odd one (1st, 3rd, ...) is a single short line
without a sentence end and every even one is prose at least twice as long. The
abstract is the verbatim slice of the paragraph, line breaks included.
Paragraphs without any letter (rules such as ``----``) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import LONG_LINE, iter_lines, make_sourced, strip_span


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    lines: int


def iter_paragraphs(text: str) -> Iterator[Paragraph]:
    """Runs of non-blank lines, as stripped spans of ``text``."""
    start = end = -1
    count = 0
    for line in iter_lines(text):
        if line.blank:
            if count:
                yield Paragraph(*strip_span(text, start, end), count)
            count = 0
            continue
        if not count:
            start = line.start
        end = line.end
        count += 1
    if count:
        yield Paragraph(*strip_span(text, start, end), count)


def _is_title(text: str, para: Paragraph) -> bool:
    return (
        para.lines == 1
        and len(text) < LONG_LINE
        and not text.endswith(".")
        and any(c.isalpha() for c in text)
    )


def alternates(text: str, paragraphs: list[Paragraph]) -> bool:
    """Whether paragraphs clearly alternate title, abstract, title, abstract, ..."""
    if not paragraphs or len(paragraphs) % 2:
        return False
    for title, abstract in zip(paragraphs[::2], paragraphs[1::2], strict=True):
        title_text = text[title.start : title.end]
        if not _is_title(title_text, title):
            return False
        length = abstract.end - abstract.start
        if length < 2 * len(title_text) or length < 100:
            return False
    return True


def read_plain_text(text: str, source: str) -> Iterator[SourcedPaper]:
    """Papers of a plain-text file, in order (``text`` is the decoded file)."""
    paragraphs = [p for p in iter_paragraphs(text)
                  if any(c.isalpha() for c in text[p.start : p.end])]
    pairs: list[tuple[Paragraph | None, Paragraph]]
    if alternates(text, paragraphs):
        pairs = list(zip(paragraphs[::2], paragraphs[1::2], strict=True))
    else:
        pairs = [(None, p) for p in paragraphs]
    for index, (title, para) in enumerate(pairs):
        yield make_sourced(
            source=source,
            fmt="plain-text",
            index=index,
            title=text[title.start : title.end] if title else None,
            abstract=text[para.start : para.end],
            start=para.start,
            end=para.end,
        )
