"""Find every number an abstract writes, in every form abstracts write them.

One left-to-right pass yields :class:`NumberMention` objects: the characters of the
number as the gold guide wants them in ``value_text`` (digits plus a directly attached
``%``, ``\\%``, ``x`` or ``×``), its value, a range's lower bound, a ``±`` spread, the
written unit, and a magnitude suffix (``7B``, ``24M``, ``216K``). Numbers that are
parts of names (``GPT-4``, ``Llama-2-70B``, ``CIFAR-10``, ``A100``, ``v0.2``) are not
mentions at all. Whether a mention is a *claim* is decided later (``claims``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from leaderboard.extract.text import finditer_at, lacks_all, positions_of
from leaderboard.folding import folded
from leaderboard.units import magnitude_name

_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# The same numeral with its first digit factored out, so the regex engine can skip
# ahead to the next digit instead of trying both alternatives at every character.
NUMERAL_RE = re.compile(r"\d(?:\d{0,2}(?:,\d{3})+(?!\d)|\d*)(?:\.\d+)?")

# After a numeral: a percent sign (plain, LaTeX-escaped or spelled), possibly spaced.
_PERCENT = re.compile(r"(?P<sym>\s?\\?%)|(?P<word>\s?(?:percent|per cent)\b)")
_PP = re.compile(
    r"\s*(?:-\s*)?(?:percentage[- ]points?|percent(?:age)?[- ]points?|pp\b|p\.p\.)", re.I
)
_POINTS = re.compile(r"\s*(?:points?|pts?\.?)(?![A-Za-z])", re.I)
_TIMES_ATTACHED = re.compile(r"(?P<sym>\s?[x×X])(?![A-Za-z0-9])")
_TIMES_WORD = re.compile(r"\s?(?:\$?\\times\$?|times\b)|\s?-?\s?fold\b", re.I)
_MAGNITUDE = re.compile(
    r"(?P<sp>\s?)(?P<mag>[KkMmBbTG](?![A-Za-z])|(?:thousand|million|billion|trillion)\b)"
)
# Units written after a number (longest first). The claim keeps the unit as written.
_UNIT = re.compile(
    r"\s?(?P<unit>"
    r"A100 GPU hours|GPU[- ]hours|accelerator[- ]hours|tokens?/s(?:ec)?|tok/s|"
    r"[PTG]FLOPs|[Pp]eta[Ff][Ll][Oo][Pp][Ss]|[Tt]era[Ff][Ll][Oo][Pp][Ss]|FLOPs|flops|"
    r"[KMGTP]iB|[KMGTP]B|kB|KB|bytes|"
    r"milliseconds|ms|seconds|secs?|minutes|mins?|hours|hrs?|days|weeks|months|"
    r"kW|mW|W|watts|"
    r"words|tokens|parameters?|params|levels"
    r")(?![A-Za-z])"
)
_SPREAD = re.compile(r"\s*(?:±|\$?\\pm\$?|\bpm\b|\+/-)\s*(?P<num>" + _NUMERAL + r")")
_MOE = re.compile(r"[x×](?=\d+(?:\.\d+)?[BMK]\b)")
# ``1500 x 1500``, ``336x336``: a resolution or shape, not a ratio
_DIMENSIONS = re.compile(r"\s?[x×]\s?(?=\d)")
_RANGE_SEP = re.compile(r"\s?[-–—]\s?")
_RANGE_SEP_SPACED = re.compile(r"\s[-–—]\s|[-–—]")

_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
    "thousand": 1000,
}
_FRACTIONS = {
    "half": 0.5,
    "third": 1 / 3,
    "quarter": 0.25,
    "fourth": 0.25,
    "fifth": 0.2,
    "tenth": 0.1,
}
# (the look-ahead lists the first letters of all the words: a cheap early rejection)
_WORD_RE = re.compile(
    r"\b(?=[tohfsen])(?:(?P<twice>twice|thrice)"
    r"|(?P<fraction>one[- ](?:half|third|quarter|fourth|fifth|tenth))"
    r"|(?P<half>half)(?=\s+(?:the\s+)?(?:memory|size|compute|cost|time|parameters|latency))"
    r"|(?<=\bby )(?P<byhalf>half)\b"
    r"|(?P<mult>" + "|".join(_WORD_NUMBERS) + r")(?P<mult_unit>[- ]fold\b|\s+times\b"
    r"|\s+(?:orders?\s+of\s+)?magn\w*tudes?\b))",
    re.I,
)


# Every match of ``_WORD_RE`` contains one of these words: an abstract without any of
# them (most abstracts) skips the scan ...
_WORD_RE_NEEDS = (
    "twice", "thrice", "half", "third", "quarter", "fourth", "fifth", "tenth",
    "fold", "times", "magn",
)
# ... and starts with one of these: elsewhere the regex is tried only where one starts.
_WORD_RE_STARTS = ("twice", "thrice", "one", "half", *_WORD_NUMBERS)


# (A NamedTuple, not a frozen dataclass: as immutable, and several times cheaper to
# build; the extractor builds many per abstract.)
class NumberMention(NamedTuple):
    """A number as written in an abstract, with its span in that abstract."""

    start: int
    end: int
    value_text: str
    value: float
    value_low: float | None = None
    spread: float | None = None
    unit: str | None = None  # %, x, pp, points, or a written unit (GB, hours, ...)
    magnitude: str | None = None  # K/M/B/T or the word, when a suffix scaled the value
    number: float = 0.0  # the numeral before any magnitude scaling
    tail_end: int = 0  # end of everything consumed (suffix, unit, range, spread)
    is_word: bool = False
    attached_letters: bool = False  # numeral glued to letters we did not understand

    @property
    def is_range(self) -> bool:
        return self.value_low is not None


def _to_float(numeral: str) -> float:
    return float(numeral.replace(",", ""))


def _is_name_part(text: str, start: int) -> bool:
    """Digits glued to a name (``GPT-4``, ``Llama-2-70B``, ``A100``, ``WMT'21``, ``v0.2``)
    belong to the name, not to a measurement."""
    if start == 0:
        return False
    prev = text[start - 1]
    if prev.isalpha() or prev == "_":
        # ``sim5%`` is a LaTeX ``\sim`` remnant: "about 5%"; still not glued to a name
        return not text[max(0, start - 4) : start].endswith(("sim", "approx"))
    if prev in "-'’/." and start >= 2:
        before = text[start - 2]
        if before.isalpha():
            return True
        if before.isdigit() and prev in "-/.":
            # ``Llama-2-70B``: the number before the hyphen is itself a name part;
            # ``1.6-7.0%`` ranges are consumed from their first number instead.
            j = start - 2
            while j > 0 and (text[j - 1].isdigit() or text[j - 1] == "."):
                j -= 1
            return _is_name_part(text, j) or prev == "."
    return False


def _scan_suffix(text: str, pos: int) -> tuple[str | None, str | None, int, bool, str | None]:
    """Read what follows a numeral: (unit, magnitude, end, suffix_in_value_text, mag_text)."""
    if not _may_start(text, pos, _SUFFIX_STARTS):
        return None, None, pos, False, None  # ")", ",", ".": no suffix reading can match
    m = _PP.match(text, pos)
    if m:
        return "pp", None, m.end(), False, None
    m = _PERCENT.match(text, pos)
    if m:
        attached = m.group("sym") is not None and not m.group(0).startswith(" ")
        return "%", None, m.end(), attached, None
    m = _TIMES_ATTACHED.match(text, pos)
    if m:
        attached = not m.group(0).startswith(" ")
        return "x", None, m.end(), attached, None
    m = _TIMES_WORD.match(text, pos)
    if m:
        return "x", None, m.end(), False, None
    magnitude = None
    end = pos
    m = _MAGNITUDE.match(text, pos)
    if m and not (m.group("sp") and len(m.group("mag")) == 1):
        magnitude = m.group("mag")
        end = m.end()
        # ``7B-parameter`` / ``7-billion-parameter``: the hyphen joins a unit word
        if text.startswith("-", end):
            u = _UNIT.match(text, end + 1)
            if u:
                return u.group("unit"), magnitude, u.end(), False, magnitude
    elif text.startswith("-", pos):
        m = _MAGNITUDE.match(text, pos + 1)
        if m and len(m.group("mag")) > 1:
            magnitude = m.group("mag")
            end = m.end()
            if text.startswith("-", end):
                u = _UNIT.match(text, end + 1)
                if u:
                    return u.group("unit"), magnitude, u.end(), False, magnitude
    u = _UNIT.match(text, end)
    if u:
        return u.group("unit"), magnitude, u.end(), False, magnitude
    m = _POINTS.match(text, end)
    if m and magnitude is None:
        return "points", None, m.end(), False, None
    return None, magnitude, end, False, magnitude


def _value_with_magnitude(number: float, magnitude: str | None, unit: str | None) -> float:
    """Multiply a magnitude suffix in, except where it is part of a memory unit."""
    if not magnitude:
        return number
    if magnitude == "G" or (unit and unit.endswith("B") and len(magnitude) == 1):
        return number  # ``24G GPU``: gigabytes of memory, value stays 24
    name = magnitude_name(magnitude)
    factor = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}.get(
        name or "", 1.0
    )
    return float(f"{number * factor:.12g}")


# The characters a match can start with (after its optional leading spaces): what the
# suffix patterns of _scan_suffix read (_PP, _PERCENT, _TIMES_ATTACHED, _TIMES_WORD,
# _MAGNITUDE, "-", _UNIT, _POINTS), a range separator, a spread, an ``8x7B`` shape. A
# numeral followed by anything else skips those regexes: same result, less work.
_SUFFIX_STARTS = frozenset("-pP\\%xX×$tTfFKkMmBbGAaslhdwW")
_RANGE_STARTS = frozenset("-–—")
_SPREAD_STARTS = frozenset("±$\\p+")
_SHAPE_STARTS = frozenset("x×")


def _may_start(text: str, pos: int, starts: frozenset[str]) -> bool:
    """Whether a pattern whose matches begin with optional spaces and then one of
    ``starts`` can match at ``pos``: the character there is one of them or a space."""
    c = text[pos : pos + 1]
    return c in starts or c.isspace()


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention of ``text`` in order, name parts excluded."""
    mentions: list[NumberMention] = []
    consumed_until = 0
    for m in NUMERAL_RE.finditer(text):
        start, end = m.span()
        if start < consumed_until or _is_name_part(text, start):
            continue
        if end < len(text) and text[end] == "." and end + 1 < len(text) and text[end + 1].isdigit():
            continue  # version-like 1.2.3
        shape = _may_start(text, end, _SHAPE_STARTS) and (
            _MOE.match(text, end) or _DIMENSIONS.match(text, end)
        )
        if shape:  # ``8x7B`` experts or a ``1500 x 1500`` shape: not a measurement
            tail = NUMERAL_RE.match(text, shape.end())
            consumed_until = tail.end() if tail else shape.end()
            continue
        mention = _read_mention(text, start, end)
        if mention is None:
            continue
        mentions.append(mention)
        consumed_until = mention.tail_end
    mentions.extend(_find_word_numbers(text, mentions))
    mentions.sort(key=lambda x: x.start)
    return mentions


def _read_mention(text: str, start: int, end: int) -> NumberMention | None:
    numeral = text[start:end]
    number = _to_float(numeral)
    unit, magnitude, tail, in_text, _ = _scan_suffix(text, end)
    value_end = tail if in_text else end
    attached_letters = tail == end and end < len(text) and text[end].isalpha()
    value_low: float | None = None
    # A range: ``1.6-7.0%``, ``12-38\%``, ``2% - 3%``, ``2-3x``, ``89-93%``.
    sep = _may_start(text, tail, _RANGE_STARTS) and (
        _RANGE_SEP.match(text, tail) or _RANGE_SEP_SPACED.match(text, tail)
    )
    if sep and not attached_letters:
        m2 = NUMERAL_RE.match(text, sep.end())
        if m2:
            unit2, mag2, tail2, in_text2, _ = _scan_suffix(text, m2.end())
            same_kind = unit2 is not None and (unit in (None, unit2)) and mag2 == magnitude
            if same_kind and not (
                m2.end() < len(text) and text[m2.end()].isalpha() and unit2 not in ("x", "%")
            ):
                value_low = _value_with_magnitude(number, magnitude, unit2)
                number = _to_float(m2.group())
                unit = unit2
                tail = tail2
                value_end = tail2 if in_text2 else m2.end()
    spread = None
    s = _may_start(text, tail, _SPREAD_STARTS) and _SPREAD.match(text, tail)
    if s:
        spread = _to_float(s.group("num"))
        tail = s.end()
        u, _, t2, _, _ = _scan_suffix(text, tail)
        if u and unit is None:
            unit, tail = u, t2
    if magnitude == "G" and unit is None:
        unit = "GB"  # ``a 24G GPU``, ``8G devices``: gigabytes of memory
    value = _value_with_magnitude(number, magnitude, unit)
    return NumberMention(
        start=start,
        end=value_end,
        value_text=text[start:value_end],
        value=value,
        value_low=value_low,
        spread=spread,
        unit=unit,
        magnitude=magnitude,
        number=number,
        tail_end=max(tail, value_end),
        attached_letters=attached_letters,
    )


def _find_word_numbers(text: str, numeric: list[NumberMention]) -> list[NumberMention]:
    """``twice``, ``half``, ``one-fifth``, ``ten-fold``, ``nine times``, ``two orders of
    magnitude``: multipliers and fractions written as words."""
    out: list[NumberMention] = []
    low = folded(text)
    if lacks_all(low, _WORD_RE_NEEDS):
        return out
    for m in finditer_at(_WORD_RE, text, positions_of(low, _WORD_RE_STARTS)):
        if m.group("twice"):
            word, value, unit = (
                m.group("twice"),
                2.0 if m.group("twice").lower() == "twice" else 3.0,
                "x",
            )
            start = m.start("twice")
        elif m.group("fraction"):
            word = m.group("fraction")
            # folded, not lower(): the pattern also matches "thırd", "fİfth" (KeyError before)
            value, unit, start = _FRACTIONS[re.split(r"[- ]", folded(word))[1]], "x", m.start()
        elif m.group("half") or m.group("byhalf"):
            word = m.group("half") or m.group("byhalf")
            value, unit, start = 0.5, "x", m.start("half") if m.group("half") else m.start("byhalf")
        else:
            word = m.group("mult")
            value = float(_WORD_NUMBERS[folded(word)])  # "ſix" too (KeyError before)
            start = m.start("mult")
            unit = "orders of magnitude" if "magn" in m.group("mult_unit").lower() else "x"
        end = start + len(word)
        out.append(
            NumberMention(
                start=start,
                end=end,
                value_text=word,
                value=value,
                unit=unit,
                number=value,
                tail_end=m.end(),
                is_word=True,
            )
        )
    return out
