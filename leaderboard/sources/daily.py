"""Daily-papers page dumps: page chrome, then per paper a title line, a blank line, the
abstract on one long line and optional metadata lines::

    Title of the paper

    The abstract, on one line ...

      • 7 authors          (or an organisation line: "openbmb OpenBMB")
    ·
    Mar 4, 2024 12       (date, optional year, optional upvote count)

A paper is anchored on its abstract line (a long line, or one of several sentences);
its title is the short line just before it. Metadata lines are those between an
abstract and the next paper's title. A dump cut after a title yields no paper for it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import MONTHS, Line, iter_lines, looks_like_abstract, make_sourced
from leaderboard.sources.errors import SourceWarning

_AUTHORS = re.compile(r"\s*[•·*-]\s*(\d+)\s+authors?\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*·\s*")
_DATE = re.compile(
    r"\s*(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?\s*",
    re.IGNORECASE,
)
CHROME = frozenset({
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
})


def is_chrome(text: str) -> bool:
    """A line of the page around the papers (not a title)."""
    return text.strip().casefold() in CHROME


def is_metadata(text: str) -> bool:
    return bool(
        _AUTHORS.fullmatch(text) or _SEPARATOR.fullmatch(text) or _DATE.fullmatch(text)
    )


@dataclass
class _Pending:
    title: Line | None
    abstract: Line
    meta: list[Line] = field(default_factory=list)


@dataclass
class _Meta:
    authors_count: int | None = None
    organization: str | None = None
    published: date | None = None
    upvotes: int | None = None


def _parse_meta(lines: list[Line]) -> _Meta:
    meta = _Meta()
    for k, line in enumerate(lines):
        text = line.text
        if m := _AUTHORS.fullmatch(text):
            meta.authors_count = int(m.group(1))
        elif m := _DATE.fullmatch(text):
            if m.group("upvotes"):
                meta.upvotes = int(m.group("upvotes"))
            if m.group("year"):
                try:
                    meta.published = date(
                        int(m.group("year")), MONTHS[m.group("mon").lower()[:3]],
                        int(m.group("day")),
                    )
                except ValueError:
                    meta.published = None
        elif (
            not _SEPARATOR.fullmatch(text)
            and k + 1 < len(lines)
            and _SEPARATOR.fullmatch(lines[k + 1].text)
        ):
            # "handle Display Name" in place of the authors line: keep the display name.
            words = text.split(None, 1)
            meta.organization = words[-1].strip() if words else None
    return meta


def _title_candidate(line: Line | None) -> Line | None:
    if line is None:
        return None
    text = line.text
    if looks_like_abstract(text.strip()) or is_metadata(text) or is_chrome(text):
        return None
    return line


def read_daily_papers(text: str, source: str) -> Iterator[SourcedPaper]:
    """Papers of a daily-papers dump, in order (``text`` is the decoded file)."""
    index = 0
    pending: _Pending | None = None
    previous: Line | None = None  # the last non-blank line that is not an abstract

    def emit(item: _Pending) -> SourcedPaper:
        meta = _parse_meta(item.meta)
        start, end = item.abstract.start, item.abstract.end
        raw = item.abstract.text
        start += len(raw) - len(raw.lstrip())
        end -= len(raw) - len(raw.rstrip())
        return make_sourced(
            source=source,
            fmt="daily-papers",
            index=index,
            title=item.title.text if item.title else None,
            abstract=text[start:end],
            start=start,
            end=end,
            authors_count=meta.authors_count,
            organization=meta.organization,
            published=meta.published,
            upvotes=meta.upvotes,
        )

    for line in iter_lines(text):
        if line.blank:
            continue
        if looks_like_abstract(line.text.strip()):
            title = _title_candidate(previous)
            if pending is not None:
                if title is not None and pending.meta and pending.meta[-1] is title:
                    pending.meta.pop()
                yield emit(pending)
                index += 1
            pending = _Pending(title, line)
            previous = None
        else:
            if pending is not None:
                pending.meta.append(line)
            previous = line
    if pending is not None:
        yield emit(pending)
    dangling = _title_candidate(previous)
    if dangling is not None and (pending is None or not pending.meta
                                 or pending.meta[-1] is dangling):
        warnings.warn(SourceWarning(source, f"ends with the title {dangling.text.strip()[:60]!r} "
                                    "and no abstract (a page cut mid-paper?); left out"),
                      stacklevel=2)
