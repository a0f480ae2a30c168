"""Per-benchmark leaderboards from stored claims: pure functions on DataFrames.

A leaderboard ranks models by the best score each was claimed to reach on one
benchmark, under one metric, in one setting, in one unit. Everything that decides
which numbers are compared lives in the group key:

* benchmark: the registry id when the claim has one, else the benchmark as written
  (case and whitespace folded). An id and a written name never merge, even when they
  look alike: an unresolved name is not known to be the registry's benchmark.
* metric and setting, folded the same way; a missing one is its own group.
* unit, exactly: 86.8 (%) and 0.868 (no unit) are not comparable.

Within a group a model (name folded by case and whitespace) keeps its best claim by
the benchmark's direction; ties between claims go to the earlier paper id, then claim
id, so the result never depends on input order.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

#: Output columns of :func:`build_leaderboards`, in order.
LEADERBOARD_COLUMNS: tuple[str, ...] = (
    "benchmark", "benchmark_id", "metric", "setting", "rank", "model", "value", "unit",
    "params", "params_registry", "paper_id", "paper_title", "source", "claim_id",
    "sentence", "direction",
)

#: Claim columns :func:`build_leaderboards` reads.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "kind", "benchmark", "benchmark_id", "metric", "setting", "model", "value", "unit",
    "params", "params_registry", "paper_id", "paper_title", "source", "claim_id", "sentence",
)

DirectionOf = Callable[[str | None, str | None], str]

_SPACE = re.compile(r"\s+")

# A group: (benchmark key, is-id flag, metric key, setting key, unit).
GroupKey = tuple[str, bool, str | None, str | None, str | None]


def fold(text: object) -> str | None:
    """Case- and whitespace-insensitive key of a name; None for a missing/blank one."""
    value = clean(text)
    if value is None:
        return None
    folded = _SPACE.sub(" ", str(value)).strip().casefold()
    return folded or None


def clean(value: object) -> Any:
    """A cell as a plain Python value, with pandas' NaN/NA/NaT as None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):  # arrays and other non-scalars are values
        pass
    return value


def _display(values: Iterable[str | None]) -> str | None:
    """The most common written form (ties: the smallest), so a group has one label."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def _null_first(key: str | None) -> tuple[bool, str]:
    return (key is not None, key or "")


def build_leaderboards(claims: pd.DataFrame, direction_of: DirectionOf) -> pd.DataFrame:
    """Rank models per (benchmark, metric, setting, unit) by their best claimed score.

    ``direction_of(benchmark_id, metric)`` says whether "higher" or "lower" is better;
    it gets None for a benchmark known only by its written name. Only ``score`` claims
    with a benchmark, a model name and a value count. Ranks are competition ranks
    (1, 2, 2, 4). Columns are :data:`LEADERBOARD_COLUMNS`; rows are sorted by group
    (missing metric/setting/unit first), then rank, then model.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in claims.columns]
    if missing:
        raise KeyError(f"claims frame lacks columns: {', '.join(missing)}")

    groups: dict[GroupKey, list[dict[str, Any]]] = {}
    for raw in claims[list(REQUIRED_COLUMNS)].to_dict("records"):
        row = {str(k): clean(v) for k, v in raw.items()}
        if row["kind"] != "score" or row["value"] is None or fold(row["model"]) is None:
            continue
        bench_id = _strip(row["benchmark_id"])
        if bench_id is not None:
            key: tuple[str, bool] = (bench_id, True)
        else:
            name = fold(row["benchmark"])
            if name is None:
                continue
            key = (name, False)
        row["benchmark_id"] = bench_id
        row["value"] = float(row["value"])
        row["unit"] = _strip(row["unit"])
        group = (*key, fold(row["metric"]), fold(row["setting"]), row["unit"])
        groups.setdefault(group, []).append(row)

    out: list[dict[str, Any]] = []
    for group in sorted(groups, key=_group_order):
        out.extend(_board(group, groups[group], direction_of))
    frame = pd.DataFrame.from_records(out, columns=list(LEADERBOARD_COLUMNS))
    return frame.astype({"rank": "int64", "value": "float64", "params": "float64",
                         "params_registry": "float64"})


def _group_order(group: GroupKey) -> tuple[Hashable, ...]:
    bench, is_id, metric, setting, unit = group
    return (bench, not is_id, _null_first(metric), _null_first(setting), _null_first(unit))


def _board(group: GroupKey, rows: list[dict[str, Any]],
           direction_of: DirectionOf) -> list[dict[str, Any]]:
    """One leaderboard: each model's best claim, ranked."""
    bench_key, is_id, _, _, unit = group
    bench_id = bench_key if is_id else None
    benchmark = _display(_strip(r["benchmark"]) for r in rows) or bench_key
    metric = _display(_strip(r["metric"]) for r in rows)
    setting = _display(_strip(r["setting"]) for r in rows)
    direction = direction_of(bench_id, metric)
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction_of({bench_id!r}, {metric!r}) gave {direction!r}; "
                         "expected 'higher' or 'lower'")
    sign = -1.0 if direction == "higher" else 1.0

    def order(r: Mapping[str, Any]) -> tuple[float, str, str]:
        return (sign * r["value"], str(r["paper_id"] or ""), str(r["claim_id"] or ""))

    best: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=order):
        best.setdefault(fold(r["model"]) or "", r)
    ranked = sorted(best.items(), key=lambda kv: (order(kv[1])[0], kv[0], str(kv[1]["model"])))

    result = []
    rank = 0
    previous: float | None = None
    for position, (_, r) in enumerate(ranked, start=1):
        if previous is None or r["value"] != previous:
            rank, previous = position, r["value"]
        result.append({
            "benchmark": benchmark, "benchmark_id": bench_id, "metric": metric,
            "setting": setting, "rank": rank, "model": _strip(r["model"]),
            "value": r["value"], "unit": unit, "params": r["params"],
            "params_registry": r["params_registry"], "paper_id": r["paper_id"],
            "paper_title": r["paper_title"], "source": r["source"], "claim_id": r["claim_id"],
            "sentence": r["sentence"], "direction": direction,
        })
    return result


def _strip(value: object) -> str | None:
    """A written name with its whitespace runs collapsed (case kept), None if blank."""
    value = clean(value)
    if value is None:
        return None
    text = _SPACE.sub(" ", str(value)).strip()
    return text or None


_SLUG_BAD = re.compile(r"[^a-z0-9]+")
_UNIT_WORDS = {"%": "pct", "‰": "permille", "$": "usd", "€": "eur", "£": "gbp"}
_MAX_PART = 60


def slug_part(text: str) -> str:
    """A name as lowercase ``a-z0-9-``; accents folded, symbols dropped. Names with
    no such characters at all (e.g. CJK) become ``x`` + a short hash, so they are
    still distinct and stable."""
    for symbol, word in _UNIT_WORDS.items():
        text = text.replace(symbol, f" {word} ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_BAD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > _MAX_PART:
        slug = slug[:_MAX_PART].rstrip("-") + "-" + _short_hash(text)
    return slug or "x" + _short_hash(text)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def leaderboard_slug(benchmark: str, metric: str | None, setting: str | None,
                     unit: str | None = None) -> str:
    """A file-name-safe, deterministic name for a leaderboard: its parts slugged and
    joined by ``__`` (missing parts left out), e.g. ``gsm8k__accuracy__8-shot__pct``.
    Distinct boards can share a slug (the missing-part case, or names differing only
    in punctuation); :func:`unique_slugs` settles that."""
    parts = [benchmark, metric, setting, unit]
    return "__".join(slug_part(p) for p in parts if p is not None and p.strip())


def unique_slugs(keys: list[tuple[str, str | None, str | None, str | None]],
                 reserved: Iterable[str] = ()) -> list[str]:
    """Slugs for many boards, made unique: every board whose slug is shared (or
    reserved, like ``index``) gets ``__`` + 8 hex of a hash of its exact key. The
    suffix depends only on the board itself, never on the order of boards."""
    base = [leaderboard_slug(*k) for k in keys]
    counts = Counter(base)
    taken = set(reserved)
    slugs = []
    for slug, key in zip(base, keys, strict=True):
        if counts[slug] > 1 or slug in taken:
            slug = f"{slug}__{_short_hash(repr(key))}"
        slugs.append(slug)
    if len(set(slugs)) != len(slugs):  # a hash collision: not expected, never silent
        raise ValueError("leaderboard file names collide; report this as a bug")
    return slugs
