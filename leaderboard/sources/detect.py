"""Which reader a file needs, from its content (the first :data:`HEAD_BYTES`), with the
file name only as a hint where content is ambiguous.

In order: an HTML page is refused; XML must be an Atom feed; a JSON array of objects
with a ``paper`` object is a Hugging Face daily-papers API response; a first non-blank
line that is a JSON object with an ``abstract`` member is JSON lines; author bullet lines
(``• 7 authors``) or the page chrome are a daily-papers dump; lines starting with
``Abstract:`` (or ``Title:`` and ``Authors:`` lines) are an arXiv listing; the title /
blank / one-line abstract rhythm is a daily-papers dump; anything else is plain text.
"""

from __future__ import annotations

import itertools
import json
import os
import re

from leaderboard.models import SourceFormat
from leaderboard.sources.atom import ATOM_NS
from leaderboard.sources.common import LONG_LINE, iter_lines, looks_like_abstract
from leaderboard.sources.daily import CHROME
from leaderboard.sources.errors import SourceError

_HTML = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_ATOM_ROOT = re.compile(r"<(?:[\w.-]+:)?(?:feed|entry)\b")
_LISTING_ABSTRACT = re.compile(r"^Abstract[ \t]*:", re.MULTILINE | re.IGNORECASE)
_LISTING_TITLE = re.compile(r"^Title[ \t]*:", re.MULTILINE | re.IGNORECASE)
_LISTING_AUTHORS = re.compile(r"^Authors?[ \t]*:", re.MULTILINE | re.IGNORECASE)
_DAILY_AUTHORS = re.compile(r"^[ \t]*•[ \t]*\d+[ \t]+authors?[ \t]*$", re.MULTILINE)
_JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson", ".jsonlines")
_HF_PAPER_MEMBER = re.compile(r'"paper"[ \t\n\r]*:[ \t\n\r]*\{')
_HF_TEXT_MEMBER = re.compile(r'"(?:summary|title)"[ \t\n\r]*:')


def _extension(path: str) -> str:
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def _first_line(head: str) -> tuple[str, bool]:
    """The first non-blank line of ``head`` and whether it is complete (ends in head)."""
    for line in iter_lines(head):
        if not line.blank:
            return line.text, line.end < len(head)
    return "", False


def _json_lines(path: str, head: str) -> bool:
    line, complete = _first_line(head)
    stripped = line.strip()
    if not stripped.startswith("{"):
        if stripped.startswith("[") and _extension(path) in _JSON_EXTENSIONS:
            raise SourceError(path, "JSON document, not JSON lines (one object per line)")
        return False
    try:
        obj = json.loads(stripped)
    except (ValueError, RecursionError):  # too deep to parse is as invalid as bad syntax
        if not complete and '"abstract"' in stripped:
            return True  # a first line longer than the sniffed head
        if _extension(path) in _JSON_EXTENSIONS:
            raise SourceError(path, "invalid JSON on the first line") from None
        return False
    if isinstance(obj, dict):
        if "abstract" in obj:
            return True
        raise SourceError(path, 'JSON lines without an "abstract" field')
    return False


def _hf_daily(head: str) -> bool:
    """A JSON array whose items hold a ``paper`` object (the daily-papers API). A head
    that parses whole is checked exactly; a longer file by its first item's members."""
    if not head.lstrip().startswith("["):
        return False
    try:
        data = json.loads(head)
    except (ValueError, RecursionError):
        first = head[:8192]
        return bool(re.match(r"\s*\[\s*\{", head) and _HF_PAPER_MEMBER.search(first)
                    and _HF_TEXT_MEMBER.search(first))
    return isinstance(data, list) and any(
        isinstance(item, dict) and isinstance(item.get("paper"), dict) for item in data)


def _daily_rhythm(head: str) -> bool:
    """Title line, blank line, abstract on one long line: at least twice, or once in
    a text made only of one-line paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in iter_lines(head):
        if line.blank:
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(line.text.strip())
    paragraphs = [p for p in paragraphs if p]
    pairs = 0
    for first, second in itertools.pairwise(paragraphs):
        if (
            len(first) == 1
            and len(second) == 1
            and not looks_like_abstract(first[0])
            and len(second[0]) >= LONG_LINE
        ):
            pairs += 1
    return pairs >= 2 or (pairs >= 1 and all(len(p) == 1 for p in paragraphs))


def detect_format(path: str, head: str) -> SourceFormat:
    """The format of a file whose decoded beginning is ``head``.

    Raises SourceError for an HTML page, XML that is not Atom, and JSON that is not
    JSON lines of papers.
    """
    if _HTML.match(head) or (
        _extension(path) in (".html", ".htm") and "<" in head[:1024]
    ):
        raise SourceError(path, "HTML page, not a supported source")
    stripped = head.lstrip()
    if stripped.startswith("<"):
        if _ATOM_ROOT.search(head) and ATOM_NS in head:
            return "arxiv-atom"
        if "<html" in head[:4096].lower():
            raise SourceError(path, "HTML page, not a supported source")
        raise SourceError(path, "XML document, not an Atom feed")
    if _hf_daily(head):
        return "hf-daily-json"
    if _json_lines(path, head):
        return "arxiv-jsonl"
    chrome = sum(1 for line in iter_lines(head[:4096]) if line.text.strip().casefold() in CHROME)
    if _DAILY_AUTHORS.search(head) or chrome >= 2:
        return "daily-papers"
    if _LISTING_ABSTRACT.search(head) or (
        _LISTING_TITLE.search(head) and _LISTING_AUTHORS.search(head)
    ):
        return "arxiv-listing"
    if _daily_rhythm(head):
        return "daily-papers"
    return "plain-text"
