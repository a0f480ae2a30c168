"""arXiv API Atom feeds (``http://export.arxiv.org/api/query?...``)::

    <feed xmlns="http://www.w3.org/2005/Atom">
      <entry>
        <id>http://arxiv.org/abs/2401.12345v1</id>
        <published>2024-01-22T18:59:59Z</published>
        <title>A title</title>
        <summary>  The abstract &amp; more ...</summary>
        <author><name>A. One</name></author>
        <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
        <category term="cs.CL"/>
      </entry>
    </feed>

Parsed with expat (namespace aware, fed in chunks; entries are yielded as they
close). The summary's characters are decoded from the file text between its tags by
:func:`~leaderboard.sources.offsets.map_xml_content` (entities, character references,
CDATA, line-end normalisation), checked against what expat decoded, and only
leading/trailing whitespace is stripped. Documents declaring entities are refused
(no entity-expansion attacks, and every entity is one the mapper knows). The API's
error entries (``.../api/errors#...``) and entries without a summary give no paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from leaderboard.models import SourcedPaper
from leaderboard.sources.common import make_sourced, normalise_arxiv_id, parse_date
from leaderboard.sources.errors import SourceError
from leaderboard.sources.offsets import map_xml_content, strip_mapped

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
_FEED = f"{ATOM_NS} feed"
_ENTRY = f"{ATOM_NS} entry"
_AUTHOR = f"{ATOM_NS} author"
_NAME = f"{ATOM_NS} name"
_CATEGORY = f"{ATOM_NS} category"
_PRIMARY = f"{ARXIV_NS} primary_category"
_TEXT_FIELDS = {f"{ATOM_NS} {name}": name for name in ("id", "title", "summary", "published")}
_START_TAG = re.compile(r"<[^\s>/]+(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_ABS_URL = re.compile(r"arxiv\.org/abs/(?P<id>.+)$", re.IGNORECASE)
_CHUNK = 1 << 16


@dataclass
class _Entry:
    text: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    primary: str | None = None
    summary_span: tuple[int, int] | None = None  # content of <summary>, in characters


class _ByteToChar:
    """Byte offsets of the UTF-8 encoding -> offsets in the text (monotonic queries)."""

    def __init__(self, text: str, data: bytes) -> None:
        self._identity = len(text) == len(data)
        self._data = data
        self._byte = 0
        self._char = 0

    def __call__(self, byte: int) -> int:
        if self._identity:
            return byte
        if byte < self._byte:
            self._byte = self._char = 0
        self._char += len(self._data[self._byte : byte].decode("utf-8"))
        self._byte = byte
        return self._char


def _arxiv_id(entry_id: str | None) -> str | None:
    if not entry_id:
        return None
    m = _ABS_URL.search(entry_id.strip())
    return normalise_arxiv_id(m.group("id")) if m else None


def read_atom(text: str, source: str) -> Iterator[SourcedPaper]:
    """Papers of an Atom feed, in order (``text`` is the decoded file)."""
    data = text.encode("utf-8")
    to_char = _ByteToChar(text, data)
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.buffer_text = True
    ready: list[SourcedPaper] = []
    stack: list[str] = []
    entry: _Entry | None = None
    capture: list[str] | None = None
    capture_name = ""
    capture_depth = 0
    summary_start = 0
    index = 0

    def refuse_entities(*_args: object) -> None:
        raise SourceError(source, "XML entity declarations are not supported")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal entry, capture, capture_name, capture_depth, summary_start
        if not stack and name not in (_FEED, _ENTRY):
            raise SourceError(source, f"XML document is not an Atom feed (root <{name}>)")
        parent = stack[-1] if stack else None
        stack.append(name)
        if name == _ENTRY:
            entry = _Entry()
            return
        if entry is None or capture is not None:
            return
        if parent == _ENTRY and name in _TEXT_FIELDS:
            capture, capture_name, capture_depth = [], _TEXT_FIELDS[name], len(stack)
            if capture_name == "summary":
                at = to_char(parser.CurrentByteIndex)
                tag = _START_TAG.match(text, at)
                summary_start = tag.end() if tag else at
        elif parent == _AUTHOR and name == _NAME:
            capture, capture_name, capture_depth = [], "author", len(stack)
        elif name == _CATEGORY and attrs.get("term"):
            entry.categories.append(attrs["term"])
        elif name == _PRIMARY and attrs.get("term"):
            entry.primary = attrs["term"]

    def end(name: str) -> None:
        nonlocal entry, capture, index
        if capture is not None and len(stack) == capture_depth and entry is not None:
            value = "".join(capture)
            if capture_name == "author":
                if value.strip():
                    entry.authors.append(" ".join(value.split()))
            else:
                entry.text[capture_name] = value
                if capture_name == "summary":
                    end_at = to_char(parser.CurrentByteIndex)
                    entry.summary_span = (summary_start, max(end_at, summary_start))
            capture = None
        stack.pop()
        if name == _ENTRY and entry is not None:
            paper = _paper(entry, index)
            if paper is not None:
                ready.append(paper)
                index += 1
            entry = None

    def chars(data: str) -> None:
        if capture is not None:
            capture.append(data)

    def _paper(item: _Entry, index: int) -> SourcedPaper | None:
        entry_id = item.text.get("id", "")
        if "arxiv.org/api/errors" in entry_id or item.summary_span is None:
            return None
        lo, hi = item.summary_span
        mapped = map_xml_content(text[lo:hi], lo)
        if mapped.text != item.text.get("summary"):
            raise SourceError(source, f"entry {entry_id or index}: summary offsets could "
                                      "not be mapped")
        span = strip_mapped(mapped)
        if span is None:
            return None
        categories = ([item.primary] if item.primary else []) + item.categories
        return make_sourced(
            source=source,
            fmt="arxiv-atom",
            index=index,
            title=item.text.get("title"),
            abstract=span.text,
            start=span.start,
            end=span.end,
            offset_map=span.offset_map,
            arxiv_id=_arxiv_id(entry_id),
            authors=tuple(item.authors),
            published=parse_date(item.text.get("published")),
            categories=tuple(dict.fromkeys(categories)),
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse_entities
    pos = 0
    final = False
    while not final:
        chunk = data[pos : pos + _CHUNK]
        pos += len(chunk)
        final = pos >= len(data)
        try:
            parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise SourceError(source, f"not well-formed XML ({exc})") from exc
        yield from ready
        ready.clear()
