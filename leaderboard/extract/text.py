"""Sentences of an abstract, with offsets, and small text helpers shared by the stages.

Sentence boundaries matter because a claim's fields (model, benchmark, metric) are
read from its own sentence first; a boundary inside "e.g. GPT-4" or "vs. 72.41" would
cut the evidence in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from leaderboard.folding import folded

_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "al",
        "vs",
        "cf",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "approx",
        "resp",
        "avg",
        "no",
        "nos",
        "dr",
        "mr",
        "ms",
        "prof",
        "st",
        "incl",
        "esp",
        "viz",
        "ca",
        "params",
        "param",
    ]
)
# A boundary is the ``gap`` after a sentence's final punctuation. The punctuation is
# matched (not looked behind at) so the regex engine can jump from one ".", "!" or "?"
# to the next instead of trying every character.
_BOUNDARY = re.compile(r"[.!?](?P<gap>[\"')\]]?\s+)(?=[\"'(\[]?[A-Z0-9$\\])")


# (A NamedTuple, not a frozen dataclass: as immutable, and several times cheaper to
# build; the extractor builds many per abstract.)
class Sentence(NamedTuple):
    """A sentence of the abstract: ``text == abstract[start:end]``."""

    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` ends an abbreviation or an initial, not a sentence."""
    j = dot
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha() and text[j].isupper()


def split_sentences(text: str) -> list[Sentence]:
    """Split an abstract into sentences, keeping exact offsets (no normalisation)."""
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        gap = m.start("gap")
        dot = gap - 1
        while dot > start and text[dot] not in ".!?":
            dot -= 1
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        end = gap
        # keep a closing quote or bracket with the sentence it closes
        while end < len(text) and text[end] in "\"')]":
            end += 1
        sentences.append(_trimmed(text, start, end))
        start = m.end()
    if start < len(text):
        sentences.append(_trimmed(text, start, len(text)))
    return [s for s in sentences if s.text]


def _trimmed(text: str, start: int, end: int) -> Sentence:
    """``text[start:end]`` without surrounding whitespace (``str.strip``: the same
    characters as ``str.isspace``), as a sentence with its offsets."""
    piece = text[start:end]
    stripped = piece.strip()
    start += len(piece) - len(piece.lstrip())
    return Sentence(start, start + len(stripped), stripped)


class Gated:
    """A pattern and words one of which every match of it holds (lower case if the
    pattern ignores case). A text without any of them is answered at once, without
    running the regex: a few substring tests are far cheaper than a regex that tries
    every position. With ``starts``, every match even starts with one of the words,
    and the regex is tried only where one does."""

    __slots__ = ("caseless", "needs", "pattern", "starts")

    def __init__(
        self, pattern: re.Pattern[str], needs: tuple[str, ...], *, starts: bool = False
    ) -> None:
        self.pattern = pattern
        self.needs = needs
        self.starts = starts
        self.caseless = bool(pattern.flags & re.IGNORECASE)

    def search(self, text: str, folded_text: str | None = None) -> re.Match[str] | None:
        """``pattern.search(text)``; pass ``folded(text)`` if already at hand."""
        probe = text
        if self.caseless:
            probe = folded(text) if folded_text is None else folded_text
        if self.starts:  # the leftmost match is the first that matches at a candidate
            for start in positions_of(probe, self.needs):
                m = self.pattern.match(text, start)
                if m:
                    return m
            return None
        if lacks_all(probe, self.needs):
            return None
        return self.pattern.search(text)


def positions_of(text: str, words: tuple[str, ...]) -> list[int]:
    """Every offset where one of ``words`` starts in ``text``, in order."""
    out = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            out.append(at)
            at = text.find(word, at + 1)
    out.sort()
    return out


def finditer_at(
    pattern: re.Pattern[str], text: str, starts: list[int]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose (non-empty) matches can only start
    at one of ``starts`` (sorted): the regex is tried at those offsets only, instead of
    at every character. Same matches, in the same order."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(text, start)
        if m:
            yield m
            end = m.end()


def lacks_all(text: str, words: tuple[str, ...]) -> bool:
    """Whether none of ``words`` occurs in ``text``: when every match of a pattern holds
    one of them, the pattern cannot match and its scan can be skipped. (For a
    case-insensitive pattern, pass lower-case words and ``folded(text)``.)"""
    for word in words:  # noqa: SIM110 (a plain loop: any() over a generator is 2x slower)
        if word in text:
            return False
    return True

