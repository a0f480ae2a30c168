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


def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(ordered) + r")(?![\w@])", re.I)


def _compile_named(items: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex with a named group per pattern, so a match says which concept it is."""
    ordered = sorted(items, key=lambda kv: len(kv[1]), reverse=True)
    names: dict[str, str] = {}
    parts = []
    for i, (concept, pattern) in enumerate(ordered):
        group = f"g{i}"
        names[group] = concept
        # acronym-like patterns (BLEU, EM, WER) are case-sensitive; words are not
        flags = "" if re.fullmatch(r"[A-Z0-9@\-]+", pattern) else "(?i:"
        body = f"{flags}{pattern})" if flags else pattern
        parts.append(f"(?P<{group}>{body})")
    return re.compile(r"(?<![\w@])(?:" + "|".join(parts) + r")(?![\w@])"), names


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped vocabulary, loaded with ``yaml.safe_load`` and validated."""
    text = resources.files("leaderboard.extract").joinpath("lexicon.yaml").read_text("utf-8")
    return Lexicon(LexiconFile.model_validate(yaml.safe_load(text)))
