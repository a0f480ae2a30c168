"""The audit checks: each a small registered function ``(ctx) -> Iterable[Finding]``.

Provenance: every claim's characters are still where the store says they are (in the
abstract and in the source file), and the files are those that were ingested.
Arithmetic: the numbers one abstract states agree with each other -- an improvement
"from A to B", an "X outperforms Y by d" with both scores given, a ratio with both
quantities given. Ranges: a percentage of a bounded metric lies in 0-100, a score on
its benchmark's scale. Conflicts: the same measurement reported with other values by
other papers, or the same paper read from two files with different text. Sizes:
stated parameter counts agree with the model registry and the model's name. Frontier:
a "state-of-the-art" score that another stored claim beats.

Numbers are compared as written: ``19.5`` stands for anything in [19.45, 19.55], and
that rounding is carried through every difference, relative change and ratio
(interval arithmetic), so a finding means no reading of the written digits agrees.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from leaderboard.audit.findings import Finding
from leaderboard.audit.registry import AuditContext, ClaimRow, SightingRow, check
from leaderboard.extract.sizes import size_from_name
from leaderboard.models import normalise_for_id
from leaderboard.sources.offsets import map_json_string, map_xml_content

# --- numbers as written -----------------------------------------------------------------

_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")
#: Relative slack on every comparison, for floating point and nothing else.
_SLACK = 1e-6
_INF = float("inf")


def decimals(value_text: str) -> int:
    """Decimal places of the (last) number written in ``value_text``; 0 for words."""
    found = _DIGITS.findall(value_text)
    return len(found[-1]) if found else 0


def half_unit(value_text: str) -> float:
    """Half a unit of the last written decimal place: ``19.5`` -> 0.05, ``33%`` -> 0.5.
    A number written as a word ("twice") is exact."""
    if not _DIGITS.search(value_text):
        return 0.0
    return 0.5 * 10.0 ** -decimals(value_text)


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a written number may stand for, ``[lo, hi]``."""

    lo: float
    hi: float

    def overlaps(self, other: Interval) -> bool:
        """Whether some value lies in both (up to floating-point slack)."""
        scale = max(1.0, *(abs(v) for v in (self.lo, self.hi, other.lo, other.hi)
                           if v not in (_INF, -_INF)))
        eps = _SLACK * scale
        return self.lo <= other.hi + eps and other.lo <= self.hi + eps

    def magnitude(self) -> Interval:
        """``|x|`` for every x in the interval."""
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return Interval(-self.hi, -self.lo)
        return Interval(0.0, max(-self.lo, self.hi))

    @property
    def excludes_zero(self) -> bool:
        return self.lo > 0 or self.hi < 0


def _magnitude(row: ClaimRow) -> float:
    """What the written digits were multiplied by: 1e3 for "216K" read as 216000."""
    numbers = list(_DIGITS.finditer(row.value_text))
    if not numbers:
        return 1.0
    digits = float(numbers[-1].group().replace(",", ""))
    return abs(row.value / digits) if digits and row.value else 1.0


def written(row: ClaimRow) -> Interval:
    """The claim's value with the rounding of its written digits (a range: both ends);
    digits read with a magnitude ("216K") round in that magnitude."""
    h = half_unit(row.value_text) * _magnitude(row)
    low = row.value_low if row.value_low is not None else row.value
    return Interval(min(low, row.value) - h, max(low, row.value) + h)


_UPPER = ("up to", "less than", "at most", "under", "below")
_LOWER = ("more than", "at least", "over", "above")
_ROUGH = ("about", "approximately", "around", "nearly", "almost", "roughly")


def stated(row: ClaimRow) -> Interval:
    """What a stated number allows, given its qualifier: "up to 7.5%" is at most 7.5,
    "more than 2x" at least 2, "about 40%" within 5% of 40."""
    iv = written(row)
    q = (row.qualifier or "").lower()
    if q in _UPPER:
        return Interval(-_INF, iv.hi)
    if q in _LOWER:
        return Interval(iv.lo, _INF)
    if q in _ROUGH:
        pad = 0.05 * abs(row.value)
        return Interval(iv.lo - pad, iv.hi + pad)
    return iv


def combine(f: Callable[[float, float], float], a: Interval, b: Interval) -> Interval:
    """``f`` over two intervals, for ``f`` monotonic in each argument on them
    (differences, and quotients whose denominator interval excludes zero)."""
    values = [f(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Interval(min(values), max(values))


def _fmt(x: float, places: int) -> str:
    return f"{x:.{places}f}"


def _text(row: ClaimRow) -> str:
    """A value as written, with LaTeX's ``\\%`` shown as ``%``."""
    return row.value_text.replace("\\%", "%")


def _shown(row: ClaimRow) -> str:
    """A value as written with its unit when the unit is not part of the text."""
    text = _text(row)
    if row.unit and row.unit not in ("%", "x") and not text.endswith(row.unit):
        return f"{text} {row.unit}"
    return text


# --- sentences and "A to B" pairs -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    """A claim and its offsets in its sentence."""

    row: ClaimRow
    start: int
    end: int


def _sentence_start(rows: Sequence[ClaimRow], sentence: str, abstract: str | None) -> int | None:
    """Offset of ``sentence`` in the abstract at the place that holds these claims."""
    if not abstract or not sentence:
        return None
    at = abstract.find(sentence)
    while at >= 0:
        if at <= rows[0].span_start and rows[-1].span_end <= at + len(sentence):
            return at
        at = abstract.find(sentence, at + 1)
    return None


def place(rows: Sequence[ClaimRow], sentence: str, abstract: str | None) -> list[Placed]:
    """The claims of one sentence with their offsets in it, in text order: from their
    abstract spans when those are consistent, else by finding each value in turn."""
    rows = sorted(rows, key=lambda r: (r.span_start, r.span_end))
    start = _sentence_start(rows, sentence, abstract)
    if start is not None:
        placed = [Placed(r, r.span_start - start, r.span_end - start) for r in rows]
        if all(sentence[p.start:p.end] == p.row.value_text for p in placed):
            return placed
    out, cursor = [], 0
    for r in rows:
        at = sentence.find(r.value_text, cursor)
        if at >= 0:
            out.append(Placed(r, at, at + len(r.value_text)))
            cursor = at + len(r.value_text)
    return out


def sentences(ctx: AuditContext) -> dict[tuple[str, str], list[Placed]]:
    """Claims grouped by (paper, sentence), placed in the sentence; built once."""

    def build() -> dict[tuple[str, str], list[Placed]]:
        groups: dict[tuple[str, str], list[ClaimRow]] = defaultdict(list)
        for row in ctx.rows:
            if row.sentence:
                groups[(row.paper_id, row.sentence)].append(row)
        return {key: place(rows, key[1], ctx.abstracts.get(key[0]))
                for key, rows in groups.items()}

    result: dict[tuple[str, str], list[Placed]] = ctx.memo("sentences", build)
    return result


# "19.5 to 31.5", "19.2GB vs. 24.2GB", "7% → 33%", "0.572 F1 to 0.708 F1": the text
# between two numbers of a pair (a unit word may follow the first number).
_GAP = re.compile(r"\s*(?:(?!(?:to|vs|versus)\b)[^\s\d(),;:]\S{0,11}\s*)?"
                  r"(?P<op>to|→|->|vs\.?|versus)\s*", re.I)
_PERCENTISH = (None, "%", "points")


@dataclass(frozen=True, slots=True)
class Pair:
    """Two scores written as a change ("from A to B") or a comparison ("A vs. B").

    ``old`` is the reference: the first number of "A to B", the second of "A vs. B"
    (the subject is named first). ``new`` is the other one.
    """

    first: Placed
    second: Placed
    op: str

    @property
    def old(self) -> ClaimRow:
        return self.first.row if self.op == "to" else self.second.row

    @property
    def new(self) -> ClaimRow:
        return self.second.row if self.op == "to" else self.first.row

    @property
    def unit(self) -> str | None:
        return self.first.row.unit or self.second.row.unit

    @property
    def label(self) -> str:
        joint = " → " if self.op == "to" else " vs. "
        return _shown(self.first.row) + joint + _shown(self.second.row)

    def distance(self, item: Placed) -> int:
        """Characters between a claim and this pair in their sentence."""
        if item.end <= self.first.start:
            return self.first.start - item.end
        return max(0, item.start - self.second.end)


def _units_agree(a: ClaimRow, b: ClaimRow) -> bool:
    """Two numbers of one pair share a unit (a "%" may be written on one only)."""
    return a.unit == b.unit or {a.unit, b.unit} == {None, "%"}


def find_pairs(sentence: str, placed: Sequence[Placed]) -> list[Pair]:
    """Pairs of adjacent score claims joined by "to", "→" or "vs." in a sentence."""
    scores = [p for p in placed if p.row.kind == "score"]
    pairs = []
    for a, b in itertools.pairwise(scores):
        gap = _GAP.fullmatch(sentence[a.end:b.start])
        if gap is None or not _units_agree(a.row, b.row):
            continue
        if a.row.metric and b.row.metric and a.row.metric != b.row.metric:
            continue
        op = gap.group("op").lower()
        pairs.append(Pair(a, b, "to" if op in ("to", "→", "->") else "vs"))
    return pairs


#: A claim further than this from a pair (in characters) is not read as describing it.
_MAX_GAP = 150


def _adjacent(item: Placed, pair: Pair, placed: Sequence[Placed]) -> bool:
    """A claim describes a pair only when close to it with no other number between
    ("a 63.5% improvement ... (from 19.5 to 31.5)"), so a saving stated next to an
    accuracy pair is not read as its difference."""
    if pair.distance(item) > _MAX_GAP:
        return False
    if item.end <= pair.first.start:
        lo, hi = item.end, pair.first.start
    else:
        lo, hi = pair.second.end, item.start
    return not any(lo <= p.start and p.end <= hi for p in placed if p is not item)


def _assign(items: Sequence[Placed], pairs: Sequence[Pair], placed: Sequence[Placed],
            fits: Callable[[ClaimRow, Pair], bool]) -> list[tuple[Placed, Pair]]:
    """Match claims to pairs one to one, nearest first (a sentence may hold two pairs
    and two deltas: each delta takes the closest adjacent pair it can describe)."""
    options = sorted((pair.distance(item), i, j) for i, item in enumerate(items)
                     for j, pair in enumerate(pairs)
                     if fits(item.row, pair) and _adjacent(item, pair, placed))
    used_items: set[int] = set()
    used_pairs: set[int] = set()
    out = []
    for _, i, j in options:
        if i not in used_items and j not in used_pairs:
            used_items.add(i)
            used_pairs.add(j)
            out.append((items[i], pairs[j]))
    return out


def _same(a: str | None, b: str | None) -> bool:
    """Fields that must agree when both are known."""
    return a is None or b is None or a == b


# --- comparing a stated change with two numbers ------------------------------------------


def _declared(delta: ClaimRow) -> str | None:
    """"absolute" / "relative" when the abstract says which, else None."""
    if delta.delta_type == "absolute" or delta.unit in ("pp", "points"):
        return "absolute"
    if delta.delta_type == "relative":
        return "relative"
    return None


def _absolute_applies(delta: ClaimRow, pair_unit: str | None) -> bool:
    """Whether the delta can be a difference of the two numbers, given the units:
    points or % of a percentage, or the same physical unit."""
    if delta.unit is None:
        return True
    if delta.unit in ("%", "pp", "points"):
        return pair_unit in _PERCENTISH
    return delta.unit == pair_unit


@dataclass(frozen=True)
class Change:
    """The change between two numbers, with the rounding of their digits."""

    old: ClaimRow
    new: ClaimRow
    unit: str | None
    #: "A vs. B" does not say which is the reference: a relative change may be of either.
    either_reference: bool = False

    @property
    def absolute(self) -> Interval:
        return combine(lambda o, n: n - o, written(self.old), written(self.new)).magnitude()

    @property
    def relatives(self) -> list[Interval]:
        """|relative change| against the reference (or either number, see above)."""
        refs = [(self.old, self.new)]
        if self.either_reference:
            refs.append((self.new, self.old))
        out = []
        for ref, other in refs:
            base = written(ref)
            if base.excludes_zero:
                out.append(combine(lambda o, n: (n - o) / o * 100, base,
                                   written(other)).magnitude())
        return out

    def numbers(self, stated_value: float) -> dict[str, float]:
        old, new = self.old.value, self.new.value
        out = {"stated": stated_value, "from": old, "to": new,
               "absolute": round(abs(new - old), 6)}
        if old:
            out["relative"] = round(abs(new - old) / abs(old) * 100, 6)
        return out

    def words(self, delta: ClaimRow) -> tuple[str, str]:
        """(relative, absolute) change as a reader would write them."""
        old, new = self.old.value, self.new.value
        gain = "gain" if new >= old else "drop"
        rel_places = max(1, decimals(delta.value_text))
        abs_places = max(1, decimals(self.old.value_text), decimals(self.new.value_text))
        unit = "points" if self.unit in _PERCENTISH else self.unit
        rel = (f"relative {gain} is {_fmt(abs(new - old) / abs(old) * 100, rel_places)}%"
               if old else "")
        return rel, f"absolute {gain} is {_fmt(abs(new - old), abs_places)} {unit}"


def _noun(delta: ClaimRow) -> str:
    return {"increase": "improvement", "decrease": "reduction"}.get(delta.direction or "",
                                                                     "difference")


def judge_change(delta: ClaimRow, change: Change, label: str) -> str | None:
    """None when the stated delta agrees with the change between the two numbers (as
    the difference or the relative change the abstract says it is, or either when it
    does not say); else a message naming the numbers."""
    s = stated(delta)
    relatives = change.relatives
    abs_ok = s.overlaps(change.absolute)
    rel_ok = any(s.overlaps(iv) for iv in relatives)
    declared = _declared(delta)
    abs_applies = _absolute_applies(delta, change.unit)
    rel_applies = delta.unit == "%"
    if (declared == "absolute" and abs_ok) or (declared == "relative" and rel_ok):
        return None
    if declared is None and ((abs_ok and abs_applies) or (rel_ok and rel_applies)):
        return None
    rel_words, abs_words = change.words(delta)
    noun = f"{declared} {_noun(delta)}" if declared else _noun(delta)
    head = f"stated {noun} {_shown(delta)}"
    if declared == "absolute" and rel_ok:
        return (f"{head} matches the relative change of {label} ({rel_words}), not the "
                f"absolute one ({abs_words}): absolute vs relative confusion")
    if declared == "relative" and abs_ok and abs_applies:
        return (f"{head} matches the absolute change of {label} ({abs_words}), not the "
                f"relative one ({rel_words}): absolute vs relative confusion")
    parts = [w for w in (rel_words if relatives else "", abs_words) if w]
    return f"{head} does not match {label}: {', '.join(parts)}"


def _delta_fits(delta: ClaimRow, pair: Pair) -> bool:
    """A delta can describe a pair: same metric and benchmark when known, units that
    allow a difference or a relative change, and for "from A to B" the same direction
    (a stated reduction does not describe a rise)."""
    if not (_same(delta.metric, pair.new.metric)
            and _same(delta.benchmark_id, pair.new.benchmark_id)):
        return False
    if pair.op == "to" and delta.direction and pair.new.value != pair.old.value:
        rises = pair.new.value > pair.old.value
        if rises != (delta.direction == "increase"):
            return False
    return _absolute_applies(delta, pair.unit) or delta.unit == "%"


def delta_pairs(ctx: AuditContext) -> list[tuple[tuple[str, str], Placed, Pair]]:
    """Every delta of a sentence matched to the "A to B" / "A vs. B" pair it states;
    shared by the improvement and outperforms checks (a delta is checked once)."""

    def build() -> list[tuple[tuple[str, str], Placed, Pair]]:
        out: list[tuple[tuple[str, str], Placed, Pair]] = []
        for key, placed in sentences(ctx).items():
            pairs = find_pairs(key[1], placed)
            deltas = [p for p in placed if p.row.kind == "delta"]
            if pairs and deltas:
                matched = _assign(deltas, pairs, placed, _delta_fits)
                out.extend((key, d, pair) for d, pair in matched)
        return out

    result: list[tuple[tuple[str, str], Placed, Pair]] = ctx.memo("delta-pairs", build)
    return result


# --- provenance -------------------------------------------------------------------------


def _decoded_slice(text: str, start: int, end: int, fmt: str | None) -> list[str]:
    """The ways to read ``text[start:end]``: as is, and decoded as the JSON string or
    XML text it is part of (an unknown format tries both)."""
    raw = text[start:end]
    readings = [raw]
    if fmt in (None, "arxiv-jsonl", "hf-daily-json") and "\\" in raw:
        with contextlib.suppress(KeyError, ValueError):  # a slice cut inside an escape
            readings.append(map_json_string(raw, start).text)
    if fmt in (None, "arxiv-atom") and ("&" in raw or "<" in raw or "\r" in raw):
        readings.append(map_xml_content(raw, start).text)
        readings.append(html.unescape(raw))
    return readings


def _claim_sightings(ctx: AuditContext) -> dict[tuple[str, str, int], SightingRow]:
    """The sighting each claim was read from, by (paper, source, position)."""
    return {(s.paper_id, s.source, s.sighting.paper_index): s for s in ctx.sighting_rows}


def _source_mismatch(row: ClaimRow, text: str, sighting: SightingRow,
                     abstract_length: int | None) -> str | None:
    """What the source holds at the claim's offsets, when that is not its value. In
    a JSON or XML source the slice runs to where the next character starts (so a last
    escaped character is whole) and is decoded before comparing."""
    sight = sighting.sighting
    if sight.offset_map:
        at_end = abstract_length is not None and row.span_end >= abstract_length
        end = sight.abstract_end if at_end else sight.source_offset(row.span_end)
        readings = _decoded_slice(text, row.char_start, max(end, row.char_end),
                                  sighting.source_format)
        if row.value_text in readings or any(r.strip() == row.value_text for r in readings):
            return None
        return readings[-1]
    held = text[row.char_start:row.char_end]
    return None if held == row.value_text else held


@check("provenance-span", description="each claim's value text is at its span in the "
       "stored abstract and at its character offsets in the source file")
def provenance_span(ctx: AuditContext) -> Iterator[Finding]:
    """Offsets are the claim's provenance: if they no longer point at the value, nobody
    can check the claim against the paper. Work goes file by file (one read each)."""
    for row in ctx.rows:
        abstract = ctx.abstracts.get(row.paper_id)
        if abstract is not None and abstract[row.span_start:row.span_end] != row.value_text:
            held = abstract[row.span_start:row.span_end]
            yield Finding(
                claim_ids=(row.claim_id,), paper_id=row.paper_id, check="provenance-span",
                severity="error", evidence=row.sentence, numbers={"value": row.value},
                message=f"the abstract holds {held!r} at span {row.span_start}-"
                        f"{row.span_end}, not the claimed value {row.value_text!r}")
    yield from _source_spans(ctx)


def _source_spans(ctx: AuditContext) -> Iterator[Finding]:
    """The source-file half of ``provenance-span``."""
    sightings = _claim_sightings(ctx)
    by_source: dict[str, list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        by_source[row.source].append(row)
    for source in sorted(by_source):
        text = ctx.source_text(source)
        if text is None:
            continue  # reported once by provenance-sha256
        for row in by_source[source]:
            sighting = sightings.get((row.paper_id, row.source, row.paper_index))
            if sighting is None:
                continue
            abstract = ctx.abstracts.get(row.paper_id)
            held = _source_mismatch(row, text, sighting,
                                    None if abstract is None else len(abstract))
            if held is not None:
                yield Finding(
                    claim_ids=(row.claim_id,), paper_id=row.paper_id,
                    check="provenance-span", severity="error", evidence=row.sentence,
                    numbers={"value": row.value},
                    message=f"{source} holds {held!r} at characters {row.char_start}-"
                            f"{row.char_end}, not the claimed value {row.value_text!r}")


@check("provenance-sha256", description="each source file still has the sha256 "
       "recorded when it was ingested")
def provenance_sha256(ctx: AuditContext) -> Iterator[Finding]:
    """A changed file means stored offsets may point at other text; a missing one
    means the claims can no longer be verified against their source."""
    recorded: dict[str, set[str]] = defaultdict(set)
    for s in ctx.sighting_rows:
        if s.source_sha256:
            recorded[s.source].add(s.source_sha256)
    for source in sorted(recorded):
        now = ctx.sha256_of(source) if source != "-" else None
        shas = sorted(recorded[source])
        if now is None:
            yield Finding(check="provenance-sha256", severity="info",
                          message=f"source {source} cannot be read now: its claims' "
                                  "offsets cannot be re-verified", evidence=source)
        elif now not in shas:
            yield Finding(check="provenance-sha256", severity="warning",
                          message=f"file changed since ingest: {source} has sha256 "
                                  f"{now[:12]}…, ingested as {shas[0][:12]}…",
                          evidence=source)


# --- arithmetic -----------------------------------------------------------------------


@check("arithmetic-improvement", description="a stated improvement matches the 'from A "
       "to B' or 'A vs. B' scores of its sentence, as a difference or relative change")
def arithmetic_improvement(ctx: AuditContext) -> Iterator[Finding]:
    """Abstracts often state both the gain and the scores it comes from; when the two
    disagree (a relative gain miscomputed, points called percent) one of them is wrong."""
    for key, delta, pair in delta_pairs(ctx):
        change = Change(pair.old, pair.new, pair.unit, either_reference=pair.op == "vs")
        message = judge_change(delta.row, change, pair.label)
        if message is not None:
            yield Finding(
                claim_ids=tuple(sorted((delta.row.claim_id, pair.old.claim_id,
                                        pair.new.claim_id))),
                paper_id=key[0], check="arithmetic-improvement", severity="warning",
                message=message, evidence=key[1], numbers=change.numbers(delta.row.value))


_GENERIC_WORDS = re.compile(r"^(?:the|our|a|an)\s+|\s+(?:model|models|method|approach)$")


def fold_model(name: str | None, ctx: AuditContext) -> str | None:
    """One key for the ways a model is written: its registry entry when it has one
    ("LLaMA2-7B" = "Llama-2-7B"), else the name folded (case, punctuation, a leading
    "the"/"our" and a trailing "model" dropped)."""
    if not name:
        return None
    cache: dict[str, str | None] = ctx.memo("folded-models", dict)
    if name not in cache:
        entry = ctx.models.resolve(name)
        if entry is not None:
            cache[name] = "registry:" + entry.name
        else:
            folded = _GENERIC_WORDS.sub("", normalise_for_id(name))
            cache[name] = _GENERIC_WORDS.sub("", folded) or None
    return cache[name]


def benchmark_key(row: ClaimRow) -> str | None:
    """The registry id of a claim's benchmark, else its folded written name."""
    if row.benchmark_id:
        return row.benchmark_id
    return normalise_for_id(row.benchmark) or None


def _same_measure(score: ClaimRow, delta: ClaimRow) -> bool:
    """A score measures what a delta compares: same benchmark (or, with none named, the
    same sentence and metric), metric and setting when known."""
    if not (_same(score.metric, delta.metric) and _same(score.setting, delta.setting)):
        return False
    bench, other = benchmark_key(score), benchmark_key(delta)
    if bench or other:
        return bench == other
    return score.sentence == delta.sentence and bool(score.metric and delta.metric)


def _nearest(rows: list[ClaimRow], to: ClaimRow) -> ClaimRow:
    return min(rows, key=lambda r: (abs(r.span_start - to.span_start), r.span_start))


def _outperforms_scores(ctx: AuditContext, delta: ClaimRow,
                        scores: list[ClaimRow]) -> tuple[ClaimRow, ClaimRow] | None:
    """The subject's and the baseline's scores a delta compares, when both are stated."""
    subject, baseline = fold_model(delta.model, ctx), fold_model(delta.baseline, ctx)
    if subject is None or baseline is None or subject == baseline:
        return None
    measured = [s for s in scores if _same_measure(s, delta)]
    ours = [s for s in measured if fold_model(s.model, ctx) == subject]
    theirs = [s for s in measured if fold_model(s.model, ctx) == baseline]
    if not ours or not theirs:
        return None
    against = [s for s in ours if fold_model(s.baseline, ctx) == baseline]
    mine, other = _nearest(against or ours, delta), _nearest(theirs, delta)
    if delta.qualifier == "average" and not mine.qualifier == other.qualifier == "average":
        return None  # a margin averaged over tasks is not the gap of one pair of scores
    return mine, other


@check("arithmetic-outperforms", description="'X outperforms Y by d' agrees with X's and "
       "Y's scores when the abstract states both")
def arithmetic_outperforms(ctx: AuditContext) -> Iterator[Finding]:
    """The margin over a baseline is the headline number; when both scores are in the
    abstract, the margin can be recomputed (a delta already paired with an explicit
    "A vs. B" is left to ``arithmetic-improvement``)."""
    paired = {d.row.claim_id for _, d, _ in delta_pairs(ctx)}
    scores: dict[str, list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        if row.kind == "score":
            scores[row.paper_id].append(row)
    for delta in ctx.rows:
        if delta.kind != "delta" or delta.claim_id in paired or not delta.baseline:
            continue
        found = _outperforms_scores(ctx, delta, scores.get(delta.paper_id, []))
        if found is None:
            continue
        ours, theirs = found
        change = Change(theirs, ours, ours.unit or theirs.unit)
        label = f"{ours.model} {_shown(ours)} vs. {delta.baseline} {_shown(theirs)}"
        message = judge_change(delta, change, label)
        if message is not None:
            evidence = " … ".join(dict.fromkeys((delta.sentence, ours.sentence,
                                                 theirs.sentence)))
            yield Finding(
                claim_ids=tuple(sorted({delta.claim_id, ours.claim_id, theirs.claim_id})),
                paper_id=delta.paper_id, check="arithmetic-outperforms", severity="warning",
                message=message, evidence=evidence, numbers=change.numbers(delta.value))


def _ratio_fits(ratio: ClaimRow, pair: Pair) -> bool:
    return _same(ratio.metric, pair.new.metric) and _same(ratio.benchmark_id,
                                                          pair.new.benchmark_id)


def judge_ratio(ratio: ClaimRow, pair: Pair) -> tuple[str, dict[str, float]] | None:
    """None when the stated ratio is one of the two quotients of the pair's numbers;
    else the message and the numbers."""
    a, b = written(pair.first.row), written(pair.second.row)
    if not (a.excludes_zero and b.excludes_zero):
        return None
    scale = 100.0 if ratio.unit == "%" else 1.0
    forward = combine(lambda x, y: y / x * scale, a, b)
    backward = combine(lambda x, y: x / y * scale, a, b)
    s = stated(ratio)
    if s.overlaps(forward) or s.overlaps(backward):
        return None
    x, y = pair.first.row.value, pair.second.row.value
    places = max(2, decimals(ratio.value_text))
    sign = "%" if ratio.unit == "%" else "x"
    message = (f"stated ratio {_shown(ratio)} does not match {pair.label}: "
               f"{_text(pair.second.row)} / {_text(pair.first.row)} = "
               f"{_fmt(y / x * scale, places)}{sign} and {_text(pair.first.row)} / "
               f"{_text(pair.second.row)} = {_fmt(x / y * scale, places)}{sign}")
    numbers = {"stated": ratio.value, "a": x, "b": y, "b_over_a": round(y / x * scale, 6),
               "a_over_b": round(x / y * scale, 6)}
    return message, numbers


@check("arithmetic-ratio", description="a ratio ('1.26x less memory') matches the two "
       "quantities its sentence states ('19.2GB vs. 24.2GB')")
def arithmetic_ratio(ctx: AuditContext) -> Iterator[Finding]:
    """A multiplier is a quotient: when both quantities are written next to it, the
    quotient can be recomputed in either direction ("1.26x less" = 24.2 / 19.2)."""
    for key, placed in sentences(ctx).items():
        ratios = [p for p in placed if p.row.kind == "ratio" and p.row.unit in ("x", "%")]
        pairs = find_pairs(key[1], placed) if ratios else []
        for ratio, pair in _assign(ratios, pairs, placed, _ratio_fits):
            verdict = judge_ratio(ratio.row, pair)
            if verdict is not None:
                ids = (ratio.row.claim_id, pair.first.row.claim_id, pair.second.row.claim_id)
                yield Finding(claim_ids=tuple(sorted(ids)), paper_id=key[0],
                              check="arithmetic-ratio", severity="warning",
                              message=verdict[0], evidence=key[1], numbers=verdict[1])


# --- ranges -----------------------------------------------------------------------------

#: Metrics whose percentages cannot leave 0-100 (unlike growth, speed-ups or savings).
_BOUNDED = re.compile(r"accuracy|\bf1\b|win[- ]rate|pass@\d+|success rate|coverage|"
                      r"agreement|exact match|\bem\b|precision|recall|top-\d", re.I)


def bounded_metric(metric: str | None) -> bool:
    """Whether a metric is a proportion (accuracy, F1, win rate, pass@k, ...)."""
    return bool(metric and _BOUNDED.search(metric))


def _percent_out_of_range(row: ClaimRow) -> Finding | None:
    iv = written(row)
    if row.kind != "score" or row.unit != "%" or not bounded_metric(row.metric):
        return None
    if iv.lo <= 100 and iv.hi >= 0 and row.value <= 100 and (row.value_low or 0) >= 0:
        return None
    return Finding(claim_ids=(row.claim_id,), paper_id=row.paper_id, check="range-percent",
                   severity="error", evidence=row.sentence, numbers={"value": row.value},
                   message=f"{row.metric} of {_text(row)} is outside 0-100%")


def _scale_applies(row: ClaimRow, metric: str, scale_unit: str | None) -> bool:
    """A benchmark's scale bounds its default metric, written in its unit."""
    if row.unit not in (None, "%", "points") and row.unit != scale_unit:
        return False
    return (row.metric is None or row.metric == metric
            or (bounded_metric(row.metric) and bounded_metric(metric)))


def _outside_scale(ctx: AuditContext, row: ClaimRow) -> Finding | None:
    bench = ctx.benchmarks.get(row.benchmark_id) if row.benchmark_id else None
    if row.kind != "score" or bench is None:
        return None
    scale = bench.scale
    if not _scale_applies(row, bench.metric, scale.unit):
        return None
    iv = written(row)
    below = scale.min is not None and iv.hi < scale.min
    above = scale.max is not None and iv.lo > scale.max
    if not (below or above):
        return None
    lo = "−∞" if scale.min is None else f"{scale.min:g}"
    hi = "∞" if scale.max is None else f"{scale.max:g}"
    return Finding(
        claim_ids=(row.claim_id,), paper_id=row.paper_id, check="range-percent",
        severity="warning", evidence=row.sentence, numbers={"value": row.value},
        message=f"score {_shown(row)} on {bench.name} is outside its scale "
                f"{lo} to {hi}{' ' + scale.unit if scale.unit else ''}")


def _negative_params(row: ClaimRow) -> Finding | None:
    bad = {k: v for k, v in (("params", row.params), ("active_params", row.active_params),
                             ("params_registry", row.params_registry))
           if v is not None and v < 0}
    if not bad:
        return None
    return Finding(claim_ids=(row.claim_id,), paper_id=row.paper_id, check="range-percent",
                   severity="error", evidence=row.sentence, numbers=bad,
                   message=f"negative parameter count for {row.model or 'the model'}: "
                           + ", ".join(f"{k} = {v:g}" for k, v in bad.items()))


def _fraction_percent_mix(ctx: AuditContext) -> Iterator[Finding]:
    """One benchmark and metric written both as 0-1 fractions and as percentages."""
    groups: dict[tuple[str, str], list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        key = benchmark_key(row)
        if row.kind == "score" and key:
            groups[(key, row.metric or "")].append(row)
    for (_, metric), rows in sorted(groups.items()):
        fractions = [r for r in rows if r.unit is None and 0 < r.value <= 1]
        percents = [r for r in rows if r.unit == "%" and r.value > 1]
        if not fractions or not percents:
            continue
        f, p = fractions[0], percents[0]
        papers = {r.paper_id for r in (*fractions, *percents)}
        what = f"{p.benchmark or f.benchmark}{' ' + metric if metric else ''}"
        yield Finding(
            claim_ids=tuple(sorted(r.claim_id for r in (*fractions, *percents))),
            paper_id=papers.pop() if len(papers) == 1 else None, check="range-percent",
            severity="warning", evidence=" … ".join(dict.fromkeys((f.sentence, p.sentence))),
            numbers={"fraction": f.value, "percent": p.value},
            message=f"{what} is written both as a fraction ({_text(f)}, "
                    f"{len(fractions)} claim(s)) and as a percentage ({_text(p)}, "
                    f"{len(percents)} claim(s)): one of them is on the wrong scale")


@check("range-percent", description="percentages of bounded metrics within 0-100, "
       "scores within their benchmark's scale, no negative sizes, no fraction/percent mix")
def range_percent(ctx: AuditContext) -> Iterator[Finding]:
    """Impossible values are the cheapest errors to catch: 112% accuracy, a score off
    its benchmark's scale, 0.85 next to 85% for the same benchmark."""
    for row in ctx.rows:
        impossible = _percent_out_of_range(row)
        # A percentage already impossible is not reported again as off its scale.
        for found in (impossible, None if impossible else _outside_scale(ctx, row),
                      _negative_params(row)):
            if found is not None:
                yield found
    yield from _fraction_percent_mix(ctx)


# --- conflicts ----------------------------------------------------------------------------

_NOT_A_NAME = {"ours", "baseline", "baselines", "model", "teacher", "student"}


def _named(model: str | None) -> bool:
    """A model named as a proper name (a capital or a digit), not "the base model"."""
    if not model or normalise_for_id(model) in _NOT_A_NAME:
        return False
    return any(ch.isupper() or ch.isdigit() for ch in model)


def _paper_label(ctx: AuditContext, paper_id: str) -> str:
    title = ctx.titles.get(paper_id)
    if not title:
        return paper_id
    return f"{paper_id} ({title[:60]}{'…' if len(title) > 60 else ''})"


def _unit_class(unit: str | None) -> str:
    return "%" if unit in _PERCENTISH else str(unit)


def _disagree(rows: list[ClaimRow]) -> bool:
    """Two papers give values that no rounding of their digits (or qualifier, "more
    than 80%") reconciles. Linear: only the lowest and highest values of each side, and
    the runners-up of another paper, can form such a pair."""
    spans = [(stated(r), r.paper_id) for r in rows]
    low = _extremes(sorted(spans, key=lambda t: t[0].hi))
    high = _extremes(sorted(spans, key=lambda t: -t[0].lo))
    return any(a[1] != b[1] and not a[0].overlaps(b[0]) for a in low for b in high)


def _extremes(ranked: list[tuple[Interval, str]]) -> list[tuple[Interval, str]]:
    """The first entry and the first one of another paper."""
    head = ranked[:1]
    other = next((t for t in ranked if t[1] != ranked[0][1]), None)
    return head + ([other] if other is not None else [])


@check("conflict-values", description="the same model, benchmark, metric and setting "
       "reported with different values by different papers")
def conflict_values(ctx: AuditContext) -> Iterator[Finding]:
    """A baseline's score cited by two papers should be one number; when they differ,
    at least one citation (or its extraction) is wrong or the setting differs unsaid."""
    groups: dict[tuple[str, str, str, str, str], list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        model, bench = fold_model(row.model, ctx), benchmark_key(row)
        if row.kind == "score" and row.value_low is None and _named(row.model) and model \
                and bench:
            key = (model, bench, row.metric or "", row.setting or "", _unit_class(row.unit))
            groups[key].append(row)
    for key, rows in sorted(groups.items()):
        if len({r.paper_id for r in rows}) < 2 or not _disagree(rows):
            continue
        first = rows[0]
        what = (f"{first.model} on {first.benchmark or key[1]}"
                f"{' (' + key[2] + ')' if key[2] else ''}{', ' + key[3] if key[3] else ''}")
        cited = "; ".join(f"{_text(r)} in {_paper_label(ctx, r.paper_id)}" for r in rows)
        yield Finding(
            claim_ids=tuple(sorted(r.claim_id for r in rows)), paper_id=None,
            check="conflict-values", severity="warning",
            evidence=" … ".join(dict.fromkeys(r.sentence for r in rows)),
            numbers={f"value_{i}": r.value for i, r in enumerate(rows)},
            message=f"{what} is reported with different values: {cited}")


def sighting_text(ctx: AuditContext, s: SightingRow) -> str | None:
    """The abstract a sighting's file holds now at its recorded offsets (decoded for
    JSON and XML sources), or None when the file cannot be read."""
    text = ctx.source_text(s.source)
    if text is None:
        return None
    sight = s.sighting
    if not sight.offset_map:
        return text[sight.abstract_start:sight.abstract_end]
    readings = _decoded_slice(text, sight.abstract_start, sight.abstract_end,
                              s.source_format)
    return readings[-1].strip()


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


SightingKey = tuple[str, str, int]


def _key(s: SightingRow) -> SightingKey:
    return (s.paper_id, s.source, s.sighting.paper_index)


def _held_abstracts(ctx: AuditContext, sightings: list[SightingRow]) -> dict[SightingKey,
                                                                             str | None]:
    """The abstract text each sighting's file holds now, reading each file once."""
    by_source: dict[str, list[SightingRow]] = defaultdict(list)
    for s in sightings:
        by_source[s.source].append(s)
    return {_key(s): sighting_text(ctx, s)
            for source in sorted(by_source) for s in by_source[source]}


def _sighting_conflict(paper_id: str, texts: list[tuple[SightingRow, str]],
                       claims_from: str | None) -> Finding | None:
    """The first sighting whose text differs from the first one's, as a finding."""
    (s0, t0), rest = texts[0], texts[1:]
    for s1, t1 in rest:
        if t1 == t0:
            continue
        at = _first_difference(t0, t1)
        formatting = normalise_for_id(t0) == normalise_for_id(t1)
        kind = "only in formatting (spaces, case, punctuation)" if formatting else "in wording"
        origin = f"; its claims come from {claims_from}" if claims_from else ""
        return Finding(
            paper_id=paper_id, check="conflict-sightings",
            severity="info" if formatting else "warning",
            evidence=f"{s0.source}: …{t0[max(0, at - 40):at + 40]}… | "
                     f"{s1.source}: …{t1[max(0, at - 40):at + 40]}…",
            numbers={"first_difference": float(at)},
            message=f"{s0.source} and {s1.source} hold this paper's abstract with "
                    f"different text ({kind}, from character {at}){origin}")
    return None


@check("conflict-sightings", description="a paper seen in several files holds the same "
       "abstract text in each")
def conflict_sightings(ctx: AuditContext) -> Iterator[Finding]:
    """A paper is stored once, with the claims of its first sighting; if another file
    holds a different abstract (a new version, an edit), those claims may not be its."""
    groups: dict[str, list[SightingRow]] = defaultdict(list)
    for s in ctx.sighting_rows:
        groups[s.paper_id].append(s)
    multiple = {pid: g for pid, g in groups.items() if len({_key(s) for s in g}) > 1}
    held = _held_abstracts(ctx, [s for g in multiple.values() for s in g])
    claims_from = {(r.paper_id, r.source, r.paper_index) for r in ctx.rows}
    for paper_id in sorted(multiple):
        # The sighting the claims were read from first, then the others in frame order.
        group = sorted(multiple[paper_id], key=lambda s: _key(s) not in claims_from)
        texts = [(s, t) for s in group if (t := held[_key(s)]) is not None]
        origin = next((s.source for s in group if _key(s) in claims_from), None)
        found = _sighting_conflict(paper_id, texts, origin) if len(texts) > 1 else None
        if found is not None:
            yield found


# --- sizes ------------------------------------------------------------------------------

_SIZE_TOLERANCE = 0.10


def _size(n: float) -> str:
    """A parameter count as papers write it: 7B, 1.5B, 350M."""
    for div, mag in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.4g}{mag}"
    return f"{n:g}"


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > _SIZE_TOLERANCE * max(abs(a), abs(b))


def _registry_source(ctx: AuditContext, row: ClaimRow) -> str:
    """Which registry entry the reference size is that of (the model, else its base)."""
    for name, role in ((row.model, ""), (row.base_model, ", named as its base model")):
        entry = ctx.models.resolve(name) if name else None
        if entry is not None and (row.params_registry is None
                                  or entry.params == row.params_registry):
            return entry.name + role
    return row.model or row.base_model or "the model"


def _size_problems(ctx: AuditContext, row: ClaimRow) -> list[tuple[str, float]]:
    """(reason, reference size) for each source a stated size disagrees with: the
    registry size stored with the claim (or found for its model), and its name."""
    assert row.params is not None
    out = []
    registry = row.params_registry
    if registry is None and row.model:
        entry = ctx.models.resolve(row.model)
        registry = entry.params if entry is not None else None
    if registry is not None and _differs(row.params, registry):
        out.append((f"the model registry's {_size(registry)} for "
                    f"{_registry_source(ctx, row)}", registry))
    named, _ = size_from_name(row.model) if row.model else (None, None)
    if named is not None and _differs(row.params, named):
        out.append((f"the {_size(named)} in its name", named))
    return out


@check("size-consistency", description="a stated parameter count agrees (within 10%) "
       "with the model registry and with the size in the model's name")
def size_consistency(ctx: AuditContext) -> Iterator[Finding]:
    """Sizes place a claim on the size/score frontier; a size taken from the wrong
    model (a baseline, the base of a distilled model) moves it there silently."""
    groups: dict[tuple[str, str, str, float, float], list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        if row.params is not None:
            key = (row.paper_id, row.model or "", row.base_model or "", row.params,
                   row.params_registry or 0.0)
            groups[key].append(row)
    for key, rows in sorted(groups.items()):
        first = rows[0]
        for reason, reference in _size_problems(ctx, first):
            yield Finding(
                claim_ids=tuple(sorted(r.claim_id for r in rows)), paper_id=key[0],
                check="size-consistency", severity="warning",
                evidence=" … ".join(dict.fromkeys(r.sentence for r in rows)),
                numbers={"stated": first.params or 0.0, "reference": reference},
                message=f"stated size {_size(key[3])} of {first.model or 'the model'} "
                        f"differs from {reason}")


# --- frontier ---------------------------------------------------------------------------

_SOTA = re.compile(r"\bstate[- ]of[- ]the[- ]art\b|\bSOTA\b|\boutperform\w*\s+all\b|"
                   r"\bbest\b|\bnew record\b", re.I)
_NOT_SOTA_BEFORE = re.compile(
    r"(?:previous|prior|former|next|second|comparable\s+(?:to|with)|competitive\s+with|"
    r"on\s+par\s+with|close\s+to|approach\w*|rival\w*|match\w*)\W+(?:the\s+)?$", re.I)
_LOWER_BETTER = re.compile(r"perplexity|latency|error|\bloss\b|\bwer\b|\bcer\b|\bfid\b|"
                           r"memory|cost|time|bits per|\bmse\b|\bmae\b|rmse|toxicity", re.I)


def claims_best(sentence: str) -> bool:
    """Whether a sentence says its result is the best ("state-of-the-art", "SOTA",
    "outperforms all", "best"), not merely near it ("comparable to state-of-the-art")."""
    for m in _SOTA.finditer(sentence):
        if not _NOT_SOTA_BEFORE.search(sentence[max(0, m.start() - 40):m.start()]):
            return True
    return False


def lower_is_better(ctx: AuditContext, row: ClaimRow) -> bool:
    """The benchmark's direction (registry) for its default metric; otherwise lower
    only for error-like metrics (perplexity, latency, error rate...)."""
    bench = ctx.benchmarks.get(row.benchmark_id) if row.benchmark_id else None
    if bench is not None and (row.metric is None or row.metric == bench.metric):
        return bench.direction == "lower"
    return bool(row.metric and _LOWER_BETTER.search(row.metric))


def _better_claim(ctx: AuditContext, row: ClaimRow,
                  rivals: list[tuple[ClaimRow, Interval]], lower: bool) -> ClaimRow | None:
    """The best claim of another, not later, paper that beats ``row`` beyond the
    rounding of both."""
    day = ctx.published.get(row.paper_id)
    mine = written(row)
    better = [r for r, iv in rivals
              if r.paper_id != row.paper_id and (iv.hi < mine.lo if lower else iv.lo > mine.hi)
              and not (day and ctx.published.get(r.paper_id, day) > day)]
    if not better:
        return None
    return min(better, key=lambda r: (r.value if lower else -r.value, r.paper_id, r.claim_id))


@check("frontier-claims", description="a 'state-of-the-art' / 'best' score that another "
       "stored claim on the same benchmark, metric, setting and unit beats")
def frontier_claims(ctx: AuditContext) -> Iterator[Finding]:
    """"State of the art" is a claim about other papers; the store holds some of them,
    so a better earlier result on the same measurement is worth a look (info: the
    store is not the whole literature, and settings may differ unsaid)."""
    groups: dict[tuple[str, str, str, str], list[ClaimRow]] = defaultdict(list)
    for row in ctx.rows:
        if row.kind == "score" and row.benchmark_id and row.role != "other" \
                and row.value_low is None:
            groups[(row.benchmark_id, row.metric or "", row.setting or "",
                    row.unit or "")].append(row)
    for rows in groups.values():
        rivals = [(r, written(r)) for r in rows]
        for row in rows:
            if row.role == "baseline" or not claims_best(row.sentence):
                continue
            lower = lower_is_better(ctx, row)
            rival = _better_claim(ctx, row, rivals, lower)
            if rival is None:
                continue
            yield Finding(
                claim_ids=(row.claim_id, rival.claim_id), paper_id=row.paper_id,
                check="frontier-claims", severity="info",
                evidence=" … ".join((row.sentence, rival.sentence)),
                numbers={"claimed": row.value, "better": rival.value},
                message=f"{row.model or 'the model'} is called the best with {_shown(row)} "
                        f"on {row.benchmark or row.benchmark_id}, but "
                        f"{rival.model or 'another model'} has {_shown(rival)} in "
                        f"{_paper_label(ctx, rival.paper_id)} "
                        f"({'lower' if lower else 'higher'} is better)")


__all__ = [
    "Change",
    "Interval",
    "Pair",
    "Placed",
    "bounded_metric",
    "claims_best",
    "decimals",
    "find_pairs",
    "fold_model",
    "half_unit",
    "judge_change",
    "judge_ratio",
    "place",
    "stated",
    "written",
]
