"""Leaderboards: who compares with whom, who is best, how ranks and ties go.

Each case is a small table of claims and the boards expected from it, as
(benchmark, metric, setting, unit) -> [(rank, model, value, paper_id), ...].
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leaderboard.leaderboards import (
    LEADERBOARD_COLUMNS,
    build_leaderboards,
    leaderboard_slug,
    unique_slugs,
)
from leaderboard.models import CLAIM_COLUMNS, Claim, make_claim_id

LOWER_IS_BETTER = {"perplexity", "error rate", "wer"}


def direction_of(benchmark_id: str | None, metric: str | None) -> str:
    return "lower" if (metric or "").lower() in LOWER_IS_BETTER else "higher"


def claim(model: str | None, value: float, benchmark: str | None = "GSM8K", *,
          paper: str = "arXiv:2401.00001", at: int = 0, **fields: Any) -> dict[str, Any]:
    """One stored-claim row; ``at`` only makes claim ids distinct within a paper."""
    text = f"{value:g}"
    return Claim(
        claim_id=make_claim_id(paper, at, at + len(text), text), source="s.txt",
        paper_id=paper, paper_index=0, char_start=at, char_end=at + len(text),
        span_start=at, span_end=at + len(text), value_text=text,
        kind=fields.pop("kind", "score"), value=value, model=model, benchmark=benchmark,
        sentence=f"{model} gets {text} on {benchmark}.", **fields,
    ).model_dump()


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=list(CLAIM_COLUMNS))


Board = list[tuple[int, str, float, str]]
P1, P2, P3 = "arXiv:2401.00001", "arXiv:2401.00002", "arXiv:2401.00003"
G = ("GSM8K", None, None, None, None)  # GSM8K as written, no id, metric, setting or unit

CASES: list[tuple[str, list[dict[str, Any]], dict[tuple[Any, ...], Board]]] = [
    ("higher is better: each model keeps its best claim",
     [claim("A", 80.0), claim("B", 90.0, at=5), claim("A", 85.0, paper=P2)],
     {G: [(1, "B", 90.0, P1), (2, "A", 85.0, P2)]}),
    ("lower is better: the smallest value wins",
     [claim("A", 10.5, "WikiText-103", metric="perplexity"),
      claim("B", 8.2, "WikiText-103", metric="perplexity", at=5),
      claim("A", 9.1, "WikiText-103", metric="perplexity", paper=P2)],
     {("WikiText-103", None, "perplexity", None, None): [(1, "B", 8.2, P1),
                                                          (2, "A", 9.1, P2)]}),
    ("ties share a competition rank; tied rows are ordered by model",
     [claim("D", 70.0), claim("C", 90.0, at=1), claim("B", 80.0, at=2), claim("A", 90.0, at=3)],
     {G: [(1, "A", 90.0, P1), (1, "C", 90.0, P1), (3, "B", 80.0, P1), (4, "D", 70.0, P1)]}),
    ("a model's equal claims: the earlier paper is cited, whatever the input order",
     [claim("A", 90.0, paper=P3), claim("A", 90.0, paper=P2), claim("A", 90.0, paper=P1)],
     {G: [(1, "A", 90.0, P1)]}),
    ("model names fold case and whitespace; the best claim's spelling is shown",
     [claim("GPT-4", 92.0), claim(" gpt-4 ", 95.0, paper=P2), claim("GPT  -4", 1.0, at=9)],
     {G: [(1, "gpt-4", 95.0, P2), (2, "GPT -4", 1.0, P1)]}),
    ("a registry id groups different spellings; its label is the commonest spelling",
     [claim("A", 80.0, "GSM8K", benchmark_id="gsm8k"),
      claim("B", 82.0, "GSM-8K", benchmark_id="gsm8k", at=3),
      claim("C", 84.0, "GSM8K", benchmark_id="gsm8k", at=6)],
     {("GSM8K", "gsm8k", None, None, None): [(1, "C", 84.0, P1), (2, "B", 82.0, P1),
                                             (3, "A", 80.0, P1)]}),
    ("without an id, written names group by case and whitespace, never with an id",
     [claim("A", 80.0, "GSM8K", benchmark_id="gsm8k"), claim("B", 70.0, "gsm8k", at=3),
      claim("C", 75.0, " GSM8K", at=6), claim("D", 60.0, "GSM8K", at=9)],
     {("GSM8K", "gsm8k", None, None, None): [(1, "A", 80.0, P1)],
      G: [(1, "C", 75.0, P1), (2, "B", 70.0, P1), (3, "D", 60.0, P1)]}),
    ("metric, setting and unit each split boards; missing ones come first",
     [claim("A", 80.0, metric="accuracy", unit="%"),
      claim("B", 0.7, at=1),
      claim("C", 81.0, metric="Accuracy", unit="%", at=2),
      claim("D", 75.0, metric="accuracy", setting="8-shot", unit="%", at=3),
      claim("E", 78.0, metric="accuracy", setting="0-shot", unit="%", at=4),
      claim("F", 0.9, metric="accuracy", at=5)],
     {G: [(1, "B", 0.7, P1)],
      ("GSM8K", None, "accuracy", None, None): [(1, "F", 0.9, P1)],
      # "accuracy" once, "Accuracy" once: a tie goes to the smaller string
      ("GSM8K", None, "Accuracy", None, "%"): [(1, "C", 81.0, P1), (2, "A", 80.0, P1)],
      ("GSM8K", None, "accuracy", "0-shot", "%"): [(1, "E", 78.0, P1)],
      ("GSM8K", None, "accuracy", "8-shot", "%"): [(1, "D", 75.0, P1)]}),
    ("only scores with a benchmark, a model name and a value count",
     [claim("A", 80.0), claim("B", 5.0, kind="delta", at=1),
      claim("C", 2.0, kind="ratio", at=2), claim(None, 99.0, at=3), claim("  ", 98.0, at=4),
      claim("E", 97.0, None, at=5), claim("F", 96.0, "  ", at=6)],
     {G: [(1, "A", 80.0, P1)]}),
    ("nothing to rank", [claim("A", 3.0, kind="delta")], {}),
]

KEY = ("benchmark", "benchmark_id", "metric", "setting", "unit")


def boards_of(result: pd.DataFrame) -> dict[tuple[Any, ...], Board]:
    """The result as {(benchmark, id, metric, setting, unit): [(rank, model, value,
    paper), ...]}, boards and rows in the order of the table."""
    out: dict[tuple[Any, ...], Board] = {}
    for row in result.to_dict("records"):
        key = tuple(None if pd.isna(row[k]) else row[k] for k in KEY)
        out.setdefault(key, []).append(
            (row["rank"], row["model"], row["value"], row["paper_id"]))
    return out


@pytest.mark.parametrize("name, rows, expected", CASES, ids=[c[0] for c in CASES])
def test_leaderboards(name: str, rows: list[dict[str, Any]],
                      expected: dict[tuple[Any, ...], Board]) -> None:
    result = build_leaderboards(frame(*rows), direction_of)
    assert tuple(result.columns) == LEADERBOARD_COLUMNS
    got = boards_of(result)
    assert got == expected
    assert list(got) == list(expected)  # board order too
    # the same claims in reverse order give the same table
    again = build_leaderboards(frame(*reversed(rows)), direction_of)
    pd.testing.assert_frame_equal(result, again)


def test_group_order_and_columns() -> None:
    rows = [claim("A", 1.0, "zeta"), claim("A", 2.0, "Alpha", metric="f1", at=1),
            claim("A", 3.0, "alpha", at=2), claim("B", 4.0, "alpha", setting="x", at=3)]
    result = build_leaderboards(frame(*rows), direction_of)
    labels = [(r["benchmark"], r["metric"], r["setting"]) for r in
              result.astype(object).where(result.notna(), None).to_dict("records")]
    assert labels == [("alpha", None, None), ("alpha", None, "x"), ("Alpha", "f1", None),
                      ("zeta", None, None)]
    assert result["rank"].dtype == "int64" and result["value"].dtype == "float64"
    assert set(result["direction"]) == {"higher"}


def test_direction_of_gets_the_id_or_none_and_the_metric() -> None:
    calls: list[tuple[str | None, str | None]] = []

    def spy(benchmark_id: str | None, metric: str | None) -> str:
        calls.append((benchmark_id, metric))
        return "lower"

    rows = [claim("A", 1.0, "MMLU", benchmark_id="mmlu", metric="Accuracy"),
            claim("B", 2.0, "MMLU", benchmark_id="mmlu", metric="accuracy", at=1),
            claim("C", 3.0, "MMLU", benchmark_id="mmlu", metric="accuracy", at=2),
            claim("A", 4.0, "Obscure Bench", at=3)]
    result = build_leaderboards(frame(*rows), spy)
    assert sorted(calls, key=str) == [("mmlu", "accuracy"), (None, None)]
    assert set(result["direction"]) == {"lower"}
    mmlu = result[result["benchmark_id"] == "mmlu"]
    assert mmlu["model"].tolist() == ["A", "B", "C"]


def test_bad_direction_is_an_error() -> None:
    with pytest.raises(ValueError, match="expected 'higher' or 'lower'"):
        build_leaderboards(frame(claim("A", 1.0)), lambda b, m: "up")


def test_missing_columns_are_named() -> None:
    with pytest.raises(KeyError, match="model"):
        build_leaderboards(frame(claim("A", 1.0)).drop(columns=["model"]), direction_of)


def test_empty_input_gives_an_empty_table() -> None:
    result = build_leaderboards(frame(), direction_of)
    assert result.empty and tuple(result.columns) == LEADERBOARD_COLUMNS


def test_best_claim_provenance_is_kept() -> None:
    rows = [claim("A", 80.0, params=7e9, params_registry=7.2e9, paper_title="T")]
    row = build_leaderboards(frame(*rows), direction_of).iloc[0]
    assert (row["params"], row["params_registry"], row["paper_title"]) == (7e9, 7.2e9, "T")
    assert row["claim_id"] == rows[0]["claim_id"] and row["sentence"] == rows[0]["sentence"]


@pytest.mark.parametrize("args, slug", [
    (("GSM8K", None, None), "gsm8k"),
    (("GSM8K", "accuracy", "8-shot"), "gsm8k__accuracy__8-shot"),
    (("MMLU (5-shot)", "Top-1 Acc.", None), "mmlu-5-shot__top-1-acc"),
    (("ImageNet", "top-1 accuracy", None, "%"), "imagenet__top-1-accuracy__pct"),
    (("Café/../../etc", None, "  "), "cafe-etc"),
    (("Big Bench Hard", None, "zero shot"), "big-bench-hard__zero-shot"),
])
def test_leaderboard_slug(args: tuple[Any, ...], slug: str) -> None:
    assert leaderboard_slug(*args) == slug


def test_slug_of_a_name_without_ascii_is_stable_and_distinct() -> None:
    a, b = leaderboard_slug("中文理解", None, None), leaderboard_slug("阅读", None, None)
    assert a != b and a == leaderboard_slug("中文理解", None, None)
    assert a.startswith("x") and a.isascii()


def test_long_names_are_cut_with_a_hash() -> None:
    slug = leaderboard_slug("word " * 50, None, None)
    assert len(slug) < 80 and slug != leaderboard_slug("word " * 51, None, None)


def test_unique_slugs() -> None:
    keys: list[tuple[str, str | None, str | None, str | None]] = [
        ("GSM8K", None, "x", None), ("GSM8K", "x", None, None), ("MMLU", None, None, None),
        ("index", None, None, None)]
    slugs = unique_slugs(keys, reserved=["index"])
    assert slugs[2] == "mmlu"
    assert slugs[0].startswith("gsm8k__x__") and slugs[1].startswith("gsm8k__x__")
    assert slugs[0] != slugs[1]
    assert slugs[3].startswith("index__")
    # a board's name does not depend on the other boards' order
    assert unique_slugs(list(reversed(keys)), reserved=["index"]) == list(reversed(slugs))
