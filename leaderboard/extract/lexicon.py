"""The extractor's vocabulary (``lexicon.yaml``), compiled once into regular expressions.

Keeping metric names and cue words in a data file means a new metric is a data
change; this module only validates the file (pydantic) and compiles it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict


class MetricEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    metric: str
    patterns: tuple[str, ...]


class DimensionEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    metric: str
    words: tuple[str, ...]


class LexiconFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: str
    metrics: tuple[MetricEntry, ...]
    dimensions: tuple[DimensionEntry, ...]
    increase: tuple[str, ...]
    decrease: tuple[str, ...]
    lower_is_better: tuple[str, ...] = ()


class Lexicon:
    """Compiled vocabulary: one alternation per concept, longest pattern first."""

    def __init__(self, spec: LexiconFile) -> None:
        self.version = spec.version
        self.metric_re, self._metric_names = _compile_named(
            [(e.metric, p) for e in spec.metrics for p in e.patterns]
        )
        self.dimension_re, self._dimension_names = _compile_named(
            [(e.metric, p) for e in spec.dimensions for p in e.words]
        )
        self.increase_re = _alternation(spec.increase)
        self.decrease_re = _alternation(spec.decrease)
        self.lower_is_better = frozenset(spec.lower_is_better)

    def metric_of(self, m: re.Match[str]) -> str:
        return self._metric_names[m.lastgroup or ""]

    def dimension_of(self, m: re.Match[str]) -> str:
        return self._dimension_names[m.lastgroup or ""]


Part = tuple[str, bool, str | None]  # a pattern, whether it ignores case, its group name


def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive alternation of word patterns, longest first."""
    ordered = sorted(patterns, key=len, reverse=True)
    parts: list[Part] = [(p, True, None) for p in ordered]
    return re.compile(r"\b" + _by_first_letter(parts) + r"(?![\w@])")


def _compile_named(items: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex with a named group per pattern, so a match says which concept it is."""
    ordered = sorted(items, key=lambda kv: len(kv[1]), reverse=True)
    names: dict[str, str] = {}
    parts: list[Part] = []
    for i, (concept, pattern) in enumerate(ordered):
        group = f"g{i}"
        names[group] = concept
        # acronym-like patterns (BLEU, EM, WER, and mixed-case mAP, mIoU: a capital past
        # the first letter) are case-sensitive; words are not ("MAP-Neo" is no mAP)
        caseless = not re.fullmatch(r"[A-Z0-9@\-]+", pattern) and not re.match(
            r"[a-z]+[A-Z]", pattern)
        parts.append((pattern, caseless, group))
    return re.compile(r"(?<![\w@-])" + _by_first_letter(parts) + r"(?![\w@])"), names


def _first_letter(pattern: str) -> str | None:
    """The letter or digit every match of ``pattern`` starts with (case folded), or None
    when the pattern does not plainly start with one required character."""
    first = pattern[:1]
    if not (first.isascii() and first.isalnum()) or pattern[1:2] in ("?", "*", "{"):
        return None
    depth, i = 0, 0
    while i < len(pattern):  # a top-level "|" would start a branch with another letter
        ch = pattern[i]
        if ch == "\\":
            i += 1  # the escaped character
        elif ch == "[":  # skip the class: "]" first (after any "^") is a literal
            i += 2 if pattern[i + 1 : i + 2] == "^" else 1
            i += 1 if pattern[i : i + 1] == "]" else 0
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return None
        i += 1
    return first.lower()


# The characters outside ASCII that re.IGNORECASE matches to an ASCII letter.
_CASE_TWINS = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def _by_first_letter(parts: list[Part]) -> str:
    """An alternation of ``parts``, in the order given, written for speed.

    The regex engine tries the branches of an alternation one by one at every position,
    but skips at once a branch that starts with a character class the text does not
    match there. So the alternatives are grouped by the letter they start with, and
    each group starts with that letter as a class: ``[eE](?:(?P<g3>(?i:nergy))|...)``
    (a case-sensitive alternative checks its exact first letter looking back:
    ``(?<=E)(?P<g7>M)``). At any position at most one group can go on (each character
    folds to one letter), and inside it the alternatives keep their order, so the
    first alternative that matches, the match and its ``lastgroup`` are the same as
    with the plain alternation (only a group's own span lacks the first letter)."""
    letters = [_first_letter(p) for p, _, _ in parts]
    if None in letters:
        return "(?:" + "|".join(_part(p, caseless, group) for p, caseless, group in parts) + ")"
    groups: dict[str, list[str]] = {}
    for letter, (pattern, caseless, group) in zip(letters, parts, strict=True):
        first, rest = pattern[0], pattern[1:]
        exact = "" if caseless else f"(?<={re.escape(first)})"
        groups.setdefault(letter or "", []).append(exact + _part(rest, caseless, group))
    return "(?:" + "|".join(
        _letter_class(letter) + "(?:" + "|".join(alts) + ")" for letter, alts in groups.items()
    ) + ")"


def _part(pattern: str, caseless: bool, group: str | None) -> str:
    pattern = _any_space(pattern)
    body = f"(?i:{pattern})" if caseless else f"(?:{pattern})"
    return f"(?P<{group}>{body})" if group else body


def _any_space(pattern: str) -> str:
    """``pattern`` with each space matching any whitespace: a run of it outside a
    character class, one character inside ("win[- ]rate"). Why: abstracts are wrapped
    (the arXiv metadata keeps its line breaks), so "computational cost" is often
    written "computational\\ncost"."""
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            ch = r"\s" if ch == " " else ch
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":  # "[^" opens it; a "]" right after is literal
                out.append(ch)
                i += 1
                ch = pattern[i]
            if pattern[i + 1 : i + 2] == "]":
                out.append(ch)
                i += 1
                ch = pattern[i]
        elif ch == " ":
            ch = r"(?:\s+)"
        out.append(ch)
        i += 1
    return "".join(out)


def _letter_class(letter: str) -> str:
    """Every character ``(?i:letter)`` matches, as a class (``[eE]``, ``[iIİı]``)."""
    if not letter.isalpha():
        return re.escape(letter)
    return "[" + letter + letter.upper() + _CASE_TWINS.get(letter, "") + "]"


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped vocabulary, loaded with ``yaml.safe_load`` and validated."""
    text = resources.files("leaderboard.extract").joinpath("lexicon.yaml").read_text("utf-8")
    return Lexicon(LexiconFile.model_validate(yaml.safe_load(text)))
