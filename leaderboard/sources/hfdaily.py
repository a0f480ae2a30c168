"""Hugging Face daily-papers API responses (``GET /api/daily_papers?date=YYYY-MM-DD``)::

    [{"paper": {"id": "2401.12345", "authors": [{"_id": "...", "name": "A. One",
                "hidden": false}, ...], "publishedAt": "2024-01-22T18:59:59.000Z",
                "title": "A title", "summary": "The abstract\\nwrapped ...",
                "upvotes": 12, ...},
      "publishedAt": "2024-01-23T02:11:04.123Z", "title": "A title",
      "summary": "...", "numComments": 2, "submittedBy": {...},
      "organization": {"name": "acme", "fullname": "ACME Research"}},
     ...]

One JSON array (not JSON lines). It is walked with the standard library scanner while
recording where every string lies, so the abstract keeps exact offsets into the file:
``paper.summary`` (the arXiv abstract; the item's own ``summary`` when there is none)
is decoded from its raw token by :func:`~leaderboard.sources.offsets.map_json_string`,
and only leading/trailing whitespace is stripped. ``paper.id`` is the arXiv id.

Items without a non-empty abstract, and array members that are not objects, give no
paper. Invalid JSON is an error, except an array cut short (an incomplete download):
the complete items before the cut are read and the rest is reported as left out.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import collapse, make_sourced, normalise_arxiv_id, parse_date
from leaderboard.sources.errors import SourceError, SourceWarning
from leaderboard.sources.offsets import map_json_string, strip_mapped

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
#: Members whose object value is walked too (for the spans of its strings).
_NESTED = frozenset({"paper"})

Span = tuple[int, int]


class _Object:
    """A parsed JSON object with the ``[start, end)`` of each string member's raw token
    (quotes included) and the same for the walked nested objects."""

    __slots__ = ("nested", "spans", "value")

    def __init__(self) -> None:
        self.value: dict[str, Any] = {}
        self.spans: dict[str, Span] = {}
        self.nested: dict[str, _Object] = {}


def _skip_ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def _parse_object(text: str, i: int, walk: frozenset[str]) -> tuple[_Object, int]:
    """The object starting at ``text[i] == "{"`` and the offset after it. Members named
    in ``walk`` whose value is an object are parsed the same way (one level). Raises
    ``ValueError`` (``json.JSONDecodeError``) for invalid JSON."""
    out = _Object()
    i = _skip_ws(text, i + 1)
    if text.startswith("}", i):
        return out, i + 1
    while True:
        if not text.startswith('"', i):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes",
                                       text, i)
        key, i = _scanstring(text, i + 1)
        i = _skip_ws(text, i)
        if not text.startswith(":", i):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
        start = _skip_ws(text, i + 1)
        out.spans.pop(key, None)
        out.nested.pop(key, None)
        if key in walk and text.startswith("{", start):
            sub, i = _parse_object(text, start, frozenset())
            out.value[key] = sub.value
            out.nested[key] = sub
        elif text.startswith('"', start):
            out.value[key], i = _scanstring(text, start + 1)
            out.spans[key] = (start, i)
        else:
            out.value[key], i = _DECODER.raw_decode(text, start)
        i = _skip_ws(text, i)
        if text.startswith(",", i):
            i = _skip_ws(text, i + 1)
            continue
        if text.startswith("}", i):
            return out, i + 1
        raise json.JSONDecodeError("Expecting ',' delimiter", text, i)


def _text(obj: _Object | None, key: str) -> str | None:
    value = obj.value.get(key) if obj is not None else None
    return value if isinstance(value, str) and value.strip() else None


def _authors(paper: dict[str, Any]) -> tuple[str, ...]:
    names = []
    for author in paper.get("authors") or ():
        name = author.get("name") if isinstance(author, dict) else author
        cleaned = collapse(name) if isinstance(name, str) else None
        if cleaned:
            names.append(cleaned)
    return tuple(names)


def _organization(*holders: dict[str, Any]) -> str | None:
    for holder in holders:
        org = holder.get("organization")
        if isinstance(org, dict):
            for key in ("fullname", "name"):
                if isinstance(org.get(key), str) and org[key].strip():
                    return collapse(org[key])
        elif isinstance(org, str) and org.strip():
            return collapse(org)
    return None


def _upvotes(paper: dict[str, Any]) -> int | None:
    value = paper.get("upvotes")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None


def _paper(item: _Object, text: str, source: str, index: int) -> SourcedPaper | None:
    paper = item.nested.get("paper")
    holder = paper if paper is not None and _text(paper, "summary") else item
    if _text(holder, "summary") is None:
        return None
    token_start, token_end = holder.spans["summary"]
    mapped = map_json_string(text[token_start + 1 : token_end - 1], token_start + 1)
    if mapped.text != holder.value["summary"]:  # pragma: no cover - a scanner bug
        raise SourceError(source, f"item {index + 1}: abstract offsets could not be mapped")
    span = strip_mapped(mapped)
    if span is None:  # pragma: no cover - _text() checked it is not blank
        return None
    meta = paper.value if paper is not None else {}
    published = meta.get("publishedAt") or item.value.get("publishedAt")
    return make_sourced(
        source=source,
        fmt="hf-daily-json",
        index=index,
        title=_text(paper, "title") or _text(item, "title"),
        abstract=span.text,
        start=span.start,
        end=span.end,
        offset_map=span.offset_map,
        arxiv_id=normalise_arxiv_id(meta.get("id")),
        authors=_authors(meta),
        organization=_organization(item.value, meta),
        published=parse_date(published) if isinstance(published, str) else None,
        upvotes=_upvotes(meta),
    )


def _problem(exc: Exception) -> str:
    """Invalid JSON in words, with its line and column in the file."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}: line {exc.lineno} column {exc.colno}"
    return str(exc)


def read_hf_daily(text: str, source: str) -> Iterator[SourcedPaper]:
    """Papers of one daily-papers API response, in array order (``text`` is the
    decoded file)."""
    i = _skip_ws(text, 0)
    if not text.startswith("[", i):
        raise SourceError(source, "not a JSON array (expected a Hugging Face daily-papers "
                                  "API response)")
    i = _skip_ws(text, i + 1)
    index = 0
    number = 0
    if text.startswith("]", i):
        i += 1
    else:
        while True:
            number += 1
            try:
                if text.startswith("{", i):
                    item: _Object | None
                    item, i = _parse_object(text, i, _NESTED)
                else:
                    item = None
                    _, i = _DECODER.raw_decode(text, i)
                i = _skip_ws(text, i)
                if not text.startswith((",", "]"), i):
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
            except (ValueError, RecursionError) as exc:
                if not text.rstrip().endswith("]"):
                    warnings.warn(SourceWarning(source, f"cut in item {number} (an incomplete "
                                                "download?); the rest left out"), stacklevel=2)
                    return
                raise SourceError(source, f"item {number}: invalid JSON "
                                          f"({_problem(exc)})") from exc
            if item is not None:
                found = _paper(item, text, source, index)
                if found is not None:
                    yield found
                    index += 1
            if text.startswith("]", i):
                i += 1
                break
            i = _skip_ws(text, i + 1)
    if _skip_ws(text, i) != len(text):
        raise SourceError(source, f"extra data after the JSON array at offset {i}")
