"""The application unit registry: our units are data, conversions go through pint."""

from __future__ import annotations

import pytest

from leaderboard.units import is_known_unit, parameters, scale, unit_registry


@pytest.mark.parametrize(("number", "magnitude", "unit", "expected"), [
    (7, "B", "parameter", 7e9),
    (3.8, "billion", "parameter", 3.8e9),
    (350, "M", "parameter", 3.5e8),
    (24, "M", "FLOP", 2.4e7),
    (194, "B", "token", 1.94e11),
    (216, "K", "dimensionless", 2.16e5),
])
def test_scale(number: float, magnitude: str, unit: str, expected: float) -> None:
    assert scale(number, magnitude, unit) == pytest.approx(expected)


def test_parameters_shortcut() -> None:
    assert parameters(1.1, "B") == pytest.approx(1.1e9)


@pytest.mark.parametrize("symbol", ["GB", "kB", "ms", "hours", "parameter", "tokens", "FLOPs",
                                    "pp", "points"])
def test_known_units(symbol: str) -> None:
    assert is_known_unit(symbol)


def test_unknown_unit() -> None:
    assert not is_known_unit("bananas_per_fortnight")


def test_one_registry_per_process() -> None:
    assert unit_registry() is unit_registry()


def test_memory_converts_through_pint() -> None:
    ureg = unit_registry()
    assert ureg.Quantity(5.93, "GB").to("MB").magnitude == pytest.approx(5930)
