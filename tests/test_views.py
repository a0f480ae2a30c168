"""Read-side views: directions and default metrics from the registry."""

from __future__ import annotations

import pandas as pd
import pytest

from leaderboard.views import direction_of, with_default_metrics


@pytest.mark.parametrize(("bid", "metric", "expected"), [
    ("gsm8k", None, "higher"),
    ("gsm8k", "accuracy", "higher"),
    ("wikitext-103", None, "lower"),
    ("mmlu", "latency", "lower"),  # a lower-is-better metric decides on its own
    (None, None, "higher"),  # unknown benchmark: a score reads higher-is-better
])
def test_direction_of(bid: str | None, metric: str | None, expected: str) -> None:
    assert direction_of(bid, metric) == expected


def test_missing_metric_takes_the_benchmark_default() -> None:
    claims = pd.DataFrame({"benchmark_id": ["mmlu", None, "mmlu"],
                           "metric": [None, None, "f1"]})
    out = with_default_metrics(claims)
    assert out["metric"].tolist()[0::2] == ["accuracy", "f1"]
    assert pd.isna(out["metric"].iloc[1])
    assert claims["metric"].isna().sum() == 2  # the input is not modified
