"""Sentences of an abstract, with offsets, and small text helpers shared by the stages.

Sentence boundaries matter because a claim's fields (model, benchmark, metric) are
read from its own sentence first; a boundary inside "e.g. GPT-4" or "vs. 72.41" would
cut the evidence in two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9$\\])")


@dataclass(frozen=True, slots=True)
class Sentence:
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
        dot = m.start() - 1
        while dot > start and text[dot] not in ".!?":
            dot -= 1
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        end = m.start()
        # keep a closing quote or bracket with the sentence it closes
        while end < len(text) and text[end] in "\"')]":
            end += 1
        sentences.append(_trimmed(text, start, end))
        start = m.end()
    if start < len(text):
        sentences.append(_trimmed(text, start, len(text)))
    return [s for s in sentences if s.text]


def _trimmed(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end])
