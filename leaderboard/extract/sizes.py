"""Model sizes in every written form, as numbers of parameters (through pint).

``7B``, ``7b``, ``7-billion-parameter``, ``1.3 billion parameters``, ``350M``,
``21B-A3B`` (total and active), ``8x7B`` (experts: total left unknown, per the guide).
Sizes are not claims; they fill ``params``/``active_params`` of the claims about the
model they describe.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from leaderboard.folding import folded
from leaderboard.units import parameters

_NUM = r"\d+(?:\.\d+)?"
_MAG = r"(?:[BbMT]|(?i:billion|million|trillion))"
# A size written in prose: "7B parameters", "a 7-billion-parameter", "1.3 billion params",
# "7B-parameter", "(7B)", "with only 2B", "0.5B parameter decoder".
# (the number's first digit comes before the look-behind, so the regex engine can jump
# from digit to digit instead of testing the look-behind at every character)
SIZE_RE = re.compile(
    r"(?P<num>\d(?<![\w.\-]\d)\d*(?:\.\d+)?)[\s-]?(?P<mag>" + _MAG + r")(?![A-Za-z])"
    r"(?:-A(?P<act>" + _NUM + r")(?P<actmag>[BM]))?"
    r"(?P<unit>[\s-](?:parameters?|params)\b)?"
)
# What a magnitude counts when it is not parameters: "2.6T tokens", "40k instructions".
_NOT_PARAMS_AFTER = re.compile(
    r"\s*(?:training\s+|pre-?training\s+|high-quality\s+|\w+-\w+\s+)?(?:tokens|FLOPs|words|"
    r"instructions|samples|examples|images|videos|pairs|documents|hours|steps|tasks|"
    r"demonstrations|prompts|queries|questions|sentences|trajectories|frames|pixels|"
    r"context|tok|bytes|rows)\b",
    re.I,
)
# A size at the end of a model name: Mistral-7B, Llama 3 8B, TinyLlama 1.1B, Qwen2.5-72B,
# SmallThinker-21B-A3B, LLaMA2-7B, Llama-2-7b-chat.
NAME_SIZE_RE = re.compile(
    r"(?:^|[\s\-_])(?P<experts>\d+x)?(?P<num>" + _NUM + r")(?P<mag>[BbMT])"
    r"(?:-A(?P<act>" + _NUM + r")(?P<actmag>[BbM]))?(?=$|[\s\-_.,)])"
)
_ACTIVATED_AFTER = re.compile(r"\s*(?:average\s+)?(?:sparsely\s+)?(?:activated|active)\b", re.I)
_ACTIVE_RE = re.compile(
    r"(?P<num>" + _NUM + r")[\s-]?(?P<mag>" + _MAG + r")\s+(?:average\s+)?(?:sparsely\s+)?"
    r"(?:activated|active)(?:\s+parameters)?|(?:activat\w+|active)\s+(?:only\s+)?(?P<num2>"
    + _NUM
    + r")[\s-]?(?P<mag2>"
    + _MAG
    + r")",
    re.I,
)


# (A NamedTuple, not a frozen dataclass: as immutable, and several times cheaper to
# build; the extractor builds many per abstract.)
class SizeMention(NamedTuple):
    """A model size written in an abstract (offsets into the abstract)."""

    start: int
    end: int
    params: float | None
    active_params: float | None = None
    explicit_unit: bool = False  # "parameters" written


def _params(num: str, mag: str) -> float:
    return round(parameters(float(num), mag), 0)


# Asked many times per abstract for the same few names (and across abstracts for the
# same popular models), so memoised; bounded because names are open-ended.
@lru_cache(maxsize=1 << 14)
def size_from_name(name: str) -> tuple[float | None, float | None]:
    """(params, active_params) from a model name ending in a size, else (None, None).

    ``Mixtral-8x7B`` gives (None, None): the guide leaves mixture totals unknown.
    """
    found = None
    for m in NAME_SIZE_RE.finditer(name):
        found = m
    if found is None or found.group("experts"):
        return None, None
    active = None
    if found.group("act"):
        active = _params(found.group("act"), found.group("actmag"))
    return _params(found.group("num"), found.group("mag")), active


def find_sizes(text: str) -> list[SizeMention]:
    """Every size written in prose (not inside a model name)."""
    out = []
    for m in SIZE_RE.finditer(text):
        prev = text[m.start() - 1] if m.start() else " "
        if prev.isalpha():
            continue
        if not m.group("unit") and (
            _NOT_PARAMS_AFTER.match(text, m.end()) or m.group("mag").lower() in ("t", "trillion")
        ):
            continue
        active = _params(m.group("act"), m.group("actmag")) if m.group("act") else None
        total: float | None = _params(m.group("num"), m.group("mag"))
        if _ACTIVATED_AFTER.match(text, m.end()):
            total, active = None, total  # "2B activated parameters": active, not total
        out.append(SizeMention(m.start(), m.end(), total, active, bool(m.group("unit"))))
    return out


def find_active(text: str) -> list[SizeMention]:
    """Active-parameter statements: "31 billion average active parameters"."""
    out: list[SizeMention] = []
    if "activ" not in folded(text):
        return out  # every statement says "active" or "activated": most abstracts skip
    for m in _ACTIVE_RE.finditer(text):
        num, mag = (
            (m.group("num"), m.group("mag"))
            if m.group("num")
            else (m.group("num2"), m.group("mag2"))
        )
        out.append(SizeMention(m.start(), m.end(), None, _params(num, mag), True))
    return out
