"""Numbers in every written form abstracts use: value, range, unit and span."""

from __future__ import annotations

import pytest

from leaderboard.extract.numbers import find_numbers
from leaderboard.extract.sizes import find_sizes, size_from_name

# (text, [(value_text, value, value_low, unit), ...])
NUMBER_CASES = [
    ("achieves 86.81% on GSM8k", [("86.81%", 86.81, None, "%")]),
    ("a 1.6-7.0% improvement", [("1.6-7.0%", 7.0, 1.6, "%")]),
    ("gains (12-38\\%) over", [("12-38\\%", 38.0, 12.0, "%")]),
    ("a drop of 2% - 3%", [("2% - 3%", 3.0, 2.0, "%")]),
    ("by 1%-7% in accuracy", [("1%-7%", 7.0, 1.0, "%")]),
    ("(2-3x) gains", [("2-3x", 3.0, 2.0, "x")]),
    ("fast (5times higher", [("5", 5.0, None, "x")]),
    ("about 2x faster", [("2x", 2.0, None, "x")]),
    ("a speedup of 2.12× here", [("2.12×", 2.12, None, "x")]),
    ("a 14X cut", [("14X", 14.0, None, "x")]),
    ("a 10-fold improvement", [("10", 10.0, None, "x")]),
    ("11.0 pm 1.3 points", [("11.0", 11.0, None, "points")]),
    ("11.0 ± 1.3 points", [("11.0", 11.0, None, "points")]),
    ("a 6.6 percentage point gain", [("6.6", 6.6, None, "pp")]),
    ("cuts memory by half compared", [("half", 0.5, None, "x")]),
    ("one-fifth of the context", [("one-fifth", 0.2, None, "x")]),
    ("ten-fold throughput", [("ten", 10.0, None, "x")]),
    ("three times better", [("three", 3.0, None, "x")]),
    ("twice its size", [("twice", 2.0, None, "x")]),
    ("two orders of magnitude smaller", [("two", 2.0, None, "orders of magnitude")]),
    ("25,005 instructions", [("25,005", 25005.0, None, None)]),
    ("24M FLOPs", [("24", 2.4e7, None, "FLOPs")]),
    ("194B tokens", [("194", 1.94e11, None, "tokens")]),
    ("at least 216K", [("216", 216000.0, None, None)]),
    ("a 24G GPU", [("24", 24.0, None, "GB")]),
    ("19.2GB vs. 24.2GB", [("19.2", 19.2, None, "GB"), ("24.2", 24.2, None, "GB")]),
    ("781 kB", [("781", 781.0, None, "kB")]),
    ("20 tokens/s", [("20", 20.0, None, "tokens/s")]),
    ("in 41 hours", [("41", 41.0, None, "hours")]),
    ("over 10,000 words", [("10,000", 10000.0, None, "words")]),
    # names are not numbers
    ("Llama-2-70B and GPT-4 on CIFAR-10 with A100 and v0.2", []),
    ("Mixtral-8x7B and a 8x7B model", []),
    ("1500 x 1500 pixels", []),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_number_forms(
    text: str, expected: list[tuple[str, float, float | None, str | None]]
) -> None:
    found = find_numbers(text)
    got = [(m.value_text, m.value, m.value_low, m.unit) for m in found]
    assert [g[0] for g in got] == [e[0] for e in expected]
    for (vt, value, low, unit), m in zip(expected, found, strict=True):
        assert m.value == pytest.approx(value)
        assert (m.value_low is None) == (low is None)
        if low is not None:
            assert m.value_low == pytest.approx(low)
        assert m.unit == unit
        assert text[m.start : m.end] == vt


@pytest.mark.parametrize(
    ("name", "params", "active"),
    [
        ("Mistral-7B", 7e9, None),
        ("Llama-2-70B", 70e9, None),
        ("Llama 3 8B", 8e9, None),
        ("TinyLlama 1.1B", 1.1e9, None),
        ("Qwen2.5-0.5B-Instruct", 0.5e9, None),
        ("SmallThinker-21B-A3B", 21e9, 3e9),
        ("Mixtral-8x7B", None, None),
        ("GPT-4", None, None),
    ],
)
def test_size_from_name(name: str, params: float | None, active: float | None) -> None:
    assert size_from_name(name) == (params, active)


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("a 7-billion-parameter SLM", 7e9),
        ("a 3.8-billion-parameter language model", 3.8e9),
        ("1.3 billion parameters", 1.3e9),
        ("a 350M model", 350e6),
        ("a 7B-parameter open-source VLA", 7e9),
        ("For 22 Billion parameters", 22e9),
    ],
)
def test_prose_sizes(text: str, params: float) -> None:
    sizes = find_sizes(text)
    assert [s.params for s in sizes] == [pytest.approx(params)]


def test_tokens_are_not_sizes() -> None:
    assert find_sizes("trained on 2.6T tokens and 40k instructions") == []


def test_activated_parameters_are_active() -> None:
    (size,) = find_sizes("with only 2B activated parameters")
    assert size.params is None and size.active_params == pytest.approx(2e9)
