"""arXiv listing dumps: records of ``Key: value`` lines, the abstract on an
``Abstract:`` line (possibly continued on indented lines)::

    arXiv:2401.12345 [pdf, other]
    Title: A title that may continue
      on an indented line
    Authors: A. One, B. Two and C. Three
    Comments: 12 pages
    Subjects: Computation and Language (cs.CL); Machine Learning (cs.LG)
    Abstract: The abstract ...

Fields before an abstract belong to it; ``Comments:``/``Subjects:``/... lines after
an abstract belong to it too unless that record already has the field. A field
continues on indented lines; the abstract also on unindented lines up to a blank
line, another ``Key: value`` line, an id line or a ``Submitted ...`` line. An id,
``Title:`` or ``Authors:`` line after an abstract, or any repeated field, starts the
next record. Records without abstract text give no paper. The abstract is the
verbatim slice from after ``Abstract:`` to the end of its last continuation line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import (
    MONTHS,
    collapse,
    iter_lines,
    make_sourced,
    normalise_arxiv_id,
    parse_date,
    split_authors,
    strip_span,
)

_FIELD = re.compile(
    r"(?P<key>Title|Authors?|Abstract|Comments?|Subjects?|Categories|Journal[- ]ref(?:erence)?"
    r"|DOI|Report[- ](?:no|number)|Date|MSC[- ]class|ACM[- ]class|Cite as)[ \t]*:[ \t]*",
    re.IGNORECASE,
)
# Any other "Key: value" line (ends an abstract continued on unindented lines).
_OTHER_FIELD = re.compile(r"[A-Z][\w-]*(?: [\w-]+)?:\s")
_ID_LINE = re.compile(
    r"(?:\[\d+\]\s*)?arXiv:\s*(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})"
    r"(?:v\d+)?\b",
    re.IGNORECASE,
)
_SUBMITTED = re.compile(r"Submitted\s+(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+),?\s+(?P<year>\d{4})")
_SUBJECT_CODE = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
_KEYS = {
    "author": "authors", "comment": "comments", "subject": "subjects",
    "categories": "subjects",
}
_HEADER_KEYS = frozenset({"title", "authors"})


@dataclass
class _Record:
    arxiv_id: str | None = None
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)
    published: date | None = None

    def empty(self) -> bool:
        return self.arxiv_id is None and not self.fields


def _categories(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    codes = _SUBJECT_CODE.findall(value)
    if codes:
        return tuple(dict.fromkeys(codes))
    if ";" in value:
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return tuple(value.split())


def _submitted(text: str) -> date | None:
    """``Submitted 3 January, 2024; originally announced ...`` -> 2024-01-03."""
    m = _SUBMITTED.search(text)
    if not m:
        return None
    month = MONTHS.get(m.group("month")[:3].lower())
    if month is None:
        return None
    try:
        return date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None


def read_listing(text: str, source: str) -> Iterator[SourcedPaper]:
    """Papers of an arXiv listing dump, in order (``text`` is the decoded file)."""
    index = 0
    record = _Record()
    continuing: str | None = None  # the field indented lines continue

    def value(rec: _Record, key: str) -> str | None:
        span = rec.fields.get(key)
        return collapse(text[span[0] : span[1]]) if span else None

    def flush(rec: _Record) -> SourcedPaper | None:
        span = rec.fields.get("abstract")
        if span is None:
            return None
        start, end = strip_span(text, *span)
        if start >= end:
            return None
        date_value = value(rec, "date")
        return make_sourced(
            source=source,
            fmt="arxiv-listing",
            index=index,
            title=value(rec, "title"),
            abstract=text[start:end],
            start=start,
            end=end,
            arxiv_id=rec.arxiv_id,
            authors=split_authors(value(rec, "authors")),
            published=rec.published or parse_date(date_value.split("(")[0] if date_value
                                                   else None),
            categories=_categories(value(rec, "subjects")),
        )

    for line in iter_lines(text):
        if line.blank:
            continuing = None
            continue
        if m := _ID_LINE.match(line.text):
            if record.arxiv_id is not None or "abstract" in record.fields:
                if (paper := flush(record)) is not None:
                    yield paper
                    index += 1
                record = _Record()
            record.arxiv_id = normalise_arxiv_id(m.group("id"))
            continuing = None
            continue
        if m := _FIELD.match(line.text):
            key = m.group("key").lower()
            key = _KEYS.get(key, key)
            if key in record.fields or (
                key in _HEADER_KEYS and "abstract" in record.fields
            ):
                if (paper := flush(record)) is not None:
                    yield paper
                    index += 1
                record = _Record()
            record.fields[key] = (line.start + m.end(), line.end)
            continuing = key
            continue
        submitted = _submitted(line.text)
        if continuing is not None and (
            line.text[:1] in (" ", "\t")
            or (continuing == "abstract" and submitted is None
                and not _OTHER_FIELD.match(line.text))
        ):
            start, _ = record.fields[continuing]
            record.fields[continuing] = (start, line.end)
            continue
        continuing = None
        if record.published is None and submitted is not None:
            record.published = submitted
    if (paper := flush(record)) is not None:
        yield paper
