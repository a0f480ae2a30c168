"""Offset mapping for abstracts that are not verbatim slices of their file.

A JSON string or an XML text node decodes to a string that differs from its source
characters (``\\n``, ``\\u00e9``, ``&amp;``, ``&#233;``, CDATA, line-end
normalisation). The scanners here decode such a token *and* record where each decoded
character came from, as the breakpoints of :attr:`leaderboard.models.Sighting.offset_map`:
character ``i`` lies at ``s + (i - a)`` for the last breakpoint ``(a, s)`` with
``a <= i``. A character produced by an escape maps to the first character of its
escape, except a ``\\r\\n`` normalised to ``\\n`` in XML, which maps to the ``\\n``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_JSON_ESCAPE = re.compile(
    r"\\(?:"
    r"u(?P<hi>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<lo>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u(?P<u>[0-9a-fA-F]{4})"
    r"|(?P<c>[\"\\/bfnrt])"
    r")"
)
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                "t": "\t"}

_XML_SPECIAL = re.compile(
    r"&(?:#x(?P<hex>[0-9a-fA-F]+)|#(?P<dec>[0-9]+)|(?P<name>amp|lt|gt|quot|apos));"
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<!--.*?-->"
    r"|<\?.*?\?>"
    r"|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|(?P<crlf>\r\n)"
    r"|(?P<cr>\r)",
    re.DOTALL,
)
_XML_CR = re.compile(r"\r\n?")
_XML_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _first(point: tuple[int, int]) -> int:
    return point[0]


@dataclass
class MappedText:
    """A decoded string being built with the source position of every character.

    ``points`` are the breakpoints; ``produced`` maps the index of each character
    that an escape produced to the end of that escape in the source.
    """

    parts: list[str] = field(default_factory=list)
    length: int = 0
    points: list[tuple[int, int]] = field(default_factory=list)
    produced: dict[int, int] = field(default_factory=dict)

    def _point(self, source: int, force: bool = False) -> None:
        if force or not self.points or (
            self.points[-1][1] - self.points[-1][0] != source - self.length
        ):
            self.points.append((self.length, source))

    def verbatim(self, chunk: str, source: int) -> None:
        """Characters copied unchanged from ``source`` on."""
        if chunk:
            self._point(source)
            self.parts.append(chunk)
            self.length += len(chunk)

    def escape(self, char: str, source: int, source_end: int) -> None:
        """One character produced by the escape at ``source`` .. ``source_end``."""
        self._point(source, force=True)
        self.produced[self.length] = source_end
        self.parts.append(char)
        self.length += 1

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def source_at(self, index: int) -> int:
        """Source offset of character ``index`` (``index == length`` is allowed only
        when something was added; it extrapolates the last segment)."""
        k = bisect_right(self.points, index, key=_first) - 1
        a, s = self.points[max(k, 0)]
        return s + (index - a)


@dataclass(frozen=True)
class MappedSpan:
    """A stripped abstract with its source span and offset map (empty = verbatim)."""

    text: str
    start: int
    end: int
    offset_map: tuple[tuple[int, int], ...]


def strip_mapped(mapped: MappedText) -> MappedSpan | None:
    """Strip leading/trailing whitespace of a mapped string, keeping its offsets exact.

    ``start`` is the source offset of the first kept character, ``end`` the source
    offset just after the source of the last one. The offset map is empty when the
    result is a verbatim slice ``[start, end)`` of the source. None when nothing is left.
    """
    full = mapped.text
    lead = len(full) - len(full.lstrip())
    trail = len(full.rstrip())
    if trail <= lead:
        return None
    text = full[lead:trail]
    start = mapped.source_at(lead)
    last = trail - 1
    end = mapped.produced.get(last, mapped.source_at(last) + 1)
    points = [(0, start)]
    lo = bisect_right(mapped.points, lead, key=_first)
    hi = bisect_right(mapped.points, trail - 1, key=_first)
    points.extend([(a - lead, s) for a, s in mapped.points[lo:hi]])
    if len(points) == 1 and not any(lead <= i < trail for i in mapped.produced):
        return MappedSpan(text, start, end, ())
    return MappedSpan(text, start, end, tuple(points))


def map_json_string(raw: str, source: int, decoded: str | None = None) -> MappedText:
    """Decode the inside of a JSON string token (without its quotes) that starts at
    offset ``source`` of the file text. The token must be valid JSON (it is decoded
    as ``json`` does, lone surrogate escapes included).

    ``decoded`` is the token's text as the caller's JSON parser already decoded it:
    then only the offsets are worked out here, and the decoded length must agree with
    them (``ValueError`` otherwise). Each escape gives one character (a surrogate pair
    too), so the offsets need no decoding at all."""
    out = MappedText()
    if "\\" not in raw:
        if decoded is not None and decoded != raw:
            raise ValueError("a JSON string without escapes decoded to other text")
        out.verbatim(raw, source)
        return out
    # Every escape is at least two characters, so each verbatim run and each escape
    # starts a segment; an abstract has an escape on every line, so this loop is lean.
    points, produced = out.points, out.produced
    length = pos = 0
    for m in _JSON_ESCAPE.finditer(raw):
        start, end = m.span()
        if start > pos:
            points.append((length, source + pos))
            length += start - pos
        points.append((length, source + start))
        produced[length] = source + end
        length += 1
        pos = end
    if pos < len(raw):
        points.append((length, source + pos))
        length += len(raw) - pos
    text = _JSON_ESCAPE.sub(_json_char, raw) if decoded is None else decoded
    if len(text) != length:
        raise ValueError(f"a JSON string of {length} characters decoded to {len(text)}")
    out.parts.append(text)
    out.length = length
    return out


def _json_char(m: re.Match[str]) -> str:
    """The character one JSON escape stands for."""
    kind = m.lastgroup
    if kind == "c":
        return _JSON_SIMPLE[m.group("c")]
    if kind == "u":
        return chr(int(m.group("u"), 16))
    hi = int(m.group("hi"), 16) - 0xD800
    lo = int(m.group("lo"), 16) - 0xDC00
    return chr(0x10000 + (hi << 10) + lo)


def _xml_verbatim(out: MappedText, chunk: str, source: int) -> None:
    """Character data copied as is, except XML line-end normalisation."""
    pos = 0
    for m in _XML_CR.finditer(chunk):
        out.verbatim(chunk[pos : m.start()], source + pos)
        if m.end() - m.start() == 2:  # \r\n -> the \n
            out.escape("\n", source + m.start() + 1, source + m.end())
        else:  # lone \r -> \n
            out.escape("\n", source + m.start(), source + m.end())
        pos = m.end()
    out.verbatim(chunk[pos:], source + pos)


def map_xml_content(raw: str, source: int) -> MappedText:
    """Decode the content of an XML element (the characters between its start and end
    tags) that starts at offset ``source`` of the file text: entities and character
    references, CDATA sections, line ends; comments, processing instructions and the
    tags of child elements give no characters (the text is that of ``itertext()``)."""
    out = MappedText()
    pos = 0
    for m in _XML_SPECIAL.finditer(raw):
        out.verbatim(raw[pos : m.start()], source + pos)
        kind = m.lastgroup
        if kind in ("hex", "dec", "name"):
            if kind == "name":
                char = _XML_NAMED[m.group("name")]
            else:
                char = chr(int(m.group(kind), 16 if kind == "hex" else 10))
            out.escape(char, source + m.start(), source + m.end())
        elif kind == "cdata":
            _xml_verbatim(out, m.group("cdata"), source + m.start("cdata"))
        elif kind == "crlf":
            out.escape("\n", source + m.start() + 1, source + m.end())
        elif kind == "cr":
            out.escape("\n", source + m.start(), source + m.end())
        pos = m.end()
    out.verbatim(raw[pos:], source + pos)
    return out
