"""JSON lines, as in the arXiv metadata snapshot (``arxiv-metadata-oai-snapshot.json``)::

    {"id": "0704.0001", "submitter": ..., "authors": "C. Bal\\'azs, E. L. Berger and ...",
     "title": "...", "categories": "hep-ph", "abstract": "  A fully differential ...\\n",
     "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, ...],
     "update_date": "2008-11-13", "authors_parsed": [["Bal\\'azs", "C.", ""], ...]}

Read line by line (plain or gzip), never the whole file. Each line is parsed with
the standard library scanner while recording where every string value lies, so the
abstract keeps exact offsets: its characters are decoded from the raw JSON string
token by :func:`~leaderboard.sources.offsets.map_json_string` (escapes give the
sighting an offset map); only leading/trailing whitespace is stripped.

Blank lines and objects without a non-empty string ``abstract`` are skipped. A line
that is not valid JSON is an error, except a final line without a line end (a cut
download), which is ignored. Stream decoding is strict UTF-8 (RFC 8259; a BOM may
select UTF-16/32) -- see :meth:`~leaderboard.sources.decode.RawSource.iter_text_lines`.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import (
    collapse,
    make_sourced,
    normalise_arxiv_id,
    parse_date,
    split_authors,
)
from leaderboard.sources.errors import SourceError, SourceWarning
from leaderboard.sources.offsets import map_json_string, strip_mapped

_WS = re.compile(r"[ \t\n\r]*")
# Where an "abstract" member's string value starts (its opening quote ends the match).
# Inside a JSON string every '"' is escaped, so this only matches real members.
_ABSTRACT_MEMBER = re.compile(r'[{,][ \t\n\r]*"abstract"[ \t\n\r]*:[ \t\n\r]*"')
_AFTER_NAME = re.compile(r'[ \t\n\r]*:[ \t\n\r]*"')
_JSON_WS = " \t\n\r"
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def _skip_ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def parse_object(line: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """Parse one JSON value; for an object, also the ``[start, end)`` of the raw token
    of each string member (quotes included). None when the line is not an object.
    Raises ``ValueError`` for invalid JSON."""
    i = _skip_ws(line, 0)
    if not line.startswith("{", i):
        _DECODER.raw_decode(line, i)  # raises for invalid JSON
        return None
    obj: dict[str, Any] = {}
    spans: dict[str, tuple[int, int]] = {}
    i = _skip_ws(line, i + 1)
    if line.startswith("}", i):
        i += 1
    else:
        while True:
            if not line.startswith('"', i):
                raise ValueError(f"expected a member name at column {i + 1}")
            key, i = _scanstring(line, i + 1)
            i = _skip_ws(line, i)
            if not line.startswith(":", i):
                raise ValueError(f"expected ':' at column {i + 1}")
            start = _skip_ws(line, i + 1)
            value, i = _DECODER.raw_decode(line, start)
            obj[key] = value
            if isinstance(value, str):
                spans[key] = (start, i)
            else:
                spans.pop(key, None)
            i = _skip_ws(line, i)
            if line.startswith(",", i):
                i = _skip_ws(line, i + 1)
                continue
            if line.startswith("}", i):
                i += 1
                break
            raise ValueError(f"expected ',' or '}}' at column {i + 1}")
    if _skip_ws(line, i) != len(line):
        raise ValueError(f"extra data at column {i + 1}")
    return obj, spans


def locate_abstract(line: str) -> tuple[dict[str, Any], int, int] | None:
    """A JSON object line and the ``[start, end)`` of its abstract's raw string token
    (quotes included); None when the line is not an object with a string abstract.
    Raises ``ValueError`` for invalid JSON."""
    obj = json.loads(line)
    if not isinstance(obj, dict) or not isinstance(obj.get("abstract"), str):
        return None
    value: str = obj["abstract"]
    found: tuple[int, int] | None = None
    for value_start in _abstract_values(line):  # fast path: the usual spelling
        decoded, end = _scanstring(line, value_start)
        if decoded == value:
            found = (value_start - 1, end)  # the last one wins, as in json.loads
    if found is None:  # a member name written with escapes: walk the object
        parsed = parse_object(line)
        span = parsed[1].get("abstract") if parsed else None
        if span is None:
            return None
        found = span
    return obj, found[0], found[1]


def _abstract_values(line: str) -> Iterator[int]:
    """Where each match of ``_ABSTRACT_MEMBER`` in ``line`` ends (just after the
    value's opening quote), in order. The same matches as its ``finditer``, several
    times faster: ``str.find`` skips to each ``"abstract"``, where the regex tried a
    match at every comma of the text. (Matches cannot overlap: one holds no comma or
    brace after its first character.)"""
    at = line.find('"abstract"')
    while at >= 0:
        before = at - 1
        while before >= 0 and line[before] in _JSON_WS:
            before -= 1
        if before >= 0 and line[before] in "{,":
            after = _AFTER_NAME.match(line, at + 10)
            if after:
                yield after.end()
        at = line.find('"abstract"', at + 10)


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for item in parsed:
            if isinstance(item, list) and all(isinstance(p, str) for p in item):
                last, first, *rest = [*item, "", ""][:3]
                name = collapse(" ".join(p for p in (first, last, *rest) if p))
                if name:
                    names.append(name)
        if names:
            return tuple(names)
    authors = obj.get("authors")
    return split_authors(authors) if isinstance(authors, str) else ()


def _published(obj: dict[str, Any]) -> date | None:
    versions = obj.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        if isinstance(created, str):
            return parse_date(created)
    published = obj.get("published")
    return parse_date(published) if isinstance(published, str) else None


def _categories(obj: dict[str, Any]) -> tuple[str, ...]:
    categories = obj.get("categories")
    if isinstance(categories, str):
        return tuple(categories.split())
    if isinstance(categories, list):
        return tuple(c for c in categories if isinstance(c, str))
    return ()


def json_problem(exc: Exception) -> str:
    """What is wrong with one line of JSON, in words, for an error message.

    Each line is parsed on its own, so the decoder's own "line 1 column N (char M)"
    would contradict the file line number the caller gives: only the column is kept.
    Nesting deeper than the interpreter's recursion limit (``[[[[...``) makes the
    decoder raise RecursionError; it is invalid input like any other, not a crash.
    """
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}: column {exc.colno}"
    return str(exc)


def read_json_lines(lines: Iterable[str], source: str) -> Iterator[SourcedPaper]:
    """Papers of a JSON lines stream. ``lines`` are the decoded lines of the file in
    order, line ends included (their lengths give the offsets)."""
    index = 0
    offset = 0
    for number, line in enumerate(lines, 1):
        line_start = offset
        offset += len(line)
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        try:
            located = locate_abstract(body)
        except (ValueError, RecursionError) as exc:
            if not line.endswith(("\n", "\r")):  # the last line, cut: a partial download
                warnings.warn(SourceWarning(source, f"line {number}: cut mid-object (an "
                                            "incomplete download?); left out"), stacklevel=2)
                continue
            raise SourceError(source, f"line {number}: invalid JSON ({json_problem(exc)})") from exc
        if located is None:
            continue
        obj, token_start, token_end = located
        try:  # json.loads decoded the text; the scanner works out where it came from
            mapped = map_json_string(body[token_start + 1 : token_end - 1],
                                     line_start + token_start + 1, obj["abstract"])
        except ValueError as exc:  # pragma: no cover - a scanner bug
            raise SourceError(source, f"line {number}: abstract offsets could not be "
                              f"mapped ({exc})") from exc
        span = strip_mapped(mapped)
        if span is None:
            continue
        title = obj.get("title")
        yield make_sourced(
            source=source,
            fmt="arxiv-jsonl",
            index=index,
            title=title if isinstance(title, str) else None,
            abstract=span.text,
            start=span.start,
            end=span.end,
            offset_map=span.offset_map,
            arxiv_id=normalise_arxiv_id(obj.get("id")),
            authors=_authors(obj),
            published=_published(obj),
            categories=_categories(obj),
        )
        index += 1
