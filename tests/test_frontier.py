"""Frontiers: the Pareto rule by direction, sampling past the browser limit, charts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from leaderboard.frontier import (
    MAX_POINTS,
    benchmark_choices,
    board_choices,
    frontier_chart,
    frontier_view,
    pareto_frontier,
    prepare_claims,
    render_chart,
)


def _claims(rows: list[tuple[str, str, float, float | None, float | None]]) -> pd.DataFrame:
    """(benchmark id, model, value, params stated, params from registry) -> claims."""
    return pd.DataFrame([{
        "kind": "score", "benchmark": bid.upper(), "benchmark_id": bid, "model": model,
        "value": value, "unit": "%", "metric": "accuracy", "setting": None,
        "params": params, "params_registry": reg, "role": "proposed", "organization": None,
        "paper_id": f"h:{i:04d}", "paper_title": f"paper {i}", "published": None,
        "claim_id": f"c:{i:04d}", "sentence": f"{model} gets {value}%.",
    } for i, (bid, model, value, params, reg) in enumerate(rows)])


POINTS = [("b", "A", 50.0, 1e9, None), ("b", "B", 60.0, 7e9, None), ("b", "C", 55.0, 13e9, None),
          ("b", "D", 70.0, 70e9, None), ("b", "E", 40.0, None, 3e9), ("b", "F", 65.0, None, None)]


def test_frontier_higher_is_better() -> None:
    scores = prepare_claims(_claims(POINTS))
    view = frontier_view(scores, "b", "accuracy", None, "%", direction="higher")
    assert list(view.frontier["model"]) == ["A", "B", "D"]  # C (13B, 55) is beaten by B
    assert set(view.points["model"]) == {"A", "B", "C", "D", "E"}
    assert list(view.unsized["model"]) == ["F"]  # listed beside the chart, not dropped
    sources = dict(zip(view.points["model"], view.points["params_source"], strict=True))
    assert sources["E"] == "registry" and sources["A"] == "text"


def test_frontier_lower_is_better() -> None:
    df = pd.DataFrame({"params": [1.0, 2.0, 3.0, 4.0], "value": [9.0, 7.0, 8.0, 5.0],
                       "claim_id": ["a", "b", "c", "d"], "model": list("wxyz")})
    assert list(pareto_frontier(df, "lower")["value"]) == [9.0, 7.0, 5.0]


def test_parameter_range_filter() -> None:
    scores = prepare_claims(_claims(POINTS))
    view = frontier_view(scores, "b", "accuracy", None, "%", params_range=(5e9, 20e9))
    assert set(view.points["model"]) == {"B", "C"}


def test_large_boards_are_sampled_and_say_so() -> None:
    rows = [("big", f"m{i}", float(i % 97), float(1e6 * (1 + i)), None) for i in range(12_000)]
    view = frontier_view(prepare_claims(_claims(rows)), "big", "accuracy", None, "%")
    assert len(view.points) <= MAX_POINTS
    assert view.n_sized == 12_000
    assert view.note is not None and "12,000" in view.note
    assert view.points["on_frontier"].sum() == len(view.frontier)  # frontier kept whole
    spec = frontier_chart(view, "big").to_dict()
    sizes = [len(v) for v in spec.get("datasets", {}).values()]
    assert max(sizes) <= MAX_POINTS


def test_choices_are_ordered_by_claims() -> None:
    rows = [*POINTS, ("z", "A", 1.0, 1000000000.0, None)]
    scores = prepare_claims(_claims(rows))
    assert [c.key for c in benchmark_choices(scores)] == ["b", "z"]
    assert board_choices(scores, "b") == [("accuracy", None, "%", 6)]


@pytest.mark.parametrize("fmt", ["svg", "html"])
def test_static_chart_files(fmt: str) -> None:
    view = frontier_view(prepare_claims(_claims(POINTS)), "b", "accuracy", None, "%")
    data = render_chart(frontier_chart(view, "B <script>"), fmt)
    assert len(data) > 1000
    text = data.decode("utf-8")
    assert "<script>alert" not in text
    if fmt == "svg":
        assert "<svg" in text


def test_chart_spec_labels_values_as_claimed() -> None:
    view = frontier_view(prepare_claims(_claims(POINTS)), "b", "accuracy", None, "%")
    spec = json.dumps(frontier_chart(view, "b").to_dict())
    assert "claimed in abstracts" in spec and "stated in the abstract" in spec
