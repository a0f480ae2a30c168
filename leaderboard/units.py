"""The application's one pint unit registry, and the conversions built on it.

pint's defaults know bytes, seconds, watts and percent; ``units.txt`` beside this file
adds what ML abstracts count (parameters, tokens, FLOPs, words) and the magnitude
words and suffixes (K, M, B, T, thousand ... trillion). A model size written as
``7B``, ``7-billion-parameter`` or ``1.3 billion parameters`` becomes a number of
parameters by asking pint for ``<number> <magnitude> parameter`` in ``parameter``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import pint

_MAGNITUDE_WORDS = {
    "k": "thousand", "K": "thousand", "thousand": "thousand",
    "m": "million", "M": "million", "million": "million", "mn": "million",
    "b": "billion", "B": "billion", "billion": "billion", "bn": "billion", "G": "billion",
    "t": "trillion", "T": "trillion", "trillion": "trillion",
}


@lru_cache(maxsize=1)
def unit_registry() -> Any:
    """Build the registry once per process: pint defaults plus ``units.txt``."""
    ureg: Any = pint.UnitRegistry(cache_folder=None)
    with resources.as_file(resources.files("leaderboard").joinpath("units.txt")) as path:
        ureg.load_definitions(str(path))
    return ureg


def magnitude_name(suffix: str) -> str | None:
    """The pint name of a magnitude suffix or word (``B`` -> ``billion``), else None.

    Lower-case ``b``/``m`` are accepted because abstracts write ``7b`` for 7 billion;
    ``G`` counts as billion only for parameter counts (``GPT-3 175G`` is rare but
    ``24G`` memory is handled by the caller as gigabytes).
    """
    return _MAGNITUDE_WORDS.get(suffix) or _MAGNITUDE_WORDS.get(suffix.lower().rstrip("s"))


@lru_cache(maxsize=4096)
def scale(number: float, magnitude: str | None, unit: str = "dimensionless") -> float:
    """``scale(7, "B", "parameter")`` -> 7e9: the count a magnitude-suffixed number means,
    through the unit registry (cached: abstracts repeat the same few sizes)."""
    name = magnitude_name(magnitude) if magnitude else None
    return float(number * _factor(name, unit))


@lru_cache(maxsize=256)
def _factor(name: str | None, unit: str) -> float | int:
    """What one ``name`` (a magnitude word, or nothing) of ``unit`` is in ``unit``.

    pint converts a quantity by multiplying its magnitude by exactly this conversion
    factor, so asking pint once per (magnitude, unit) and multiplying gives the very
    number a full parse of ``"<number> * <name> * <unit>"`` gives, at a fraction of the
    cost (parsing an expression takes pint about a tenth of a millisecond). Unknown
    units raise as before.
    """
    ureg = unit_registry()
    base = ureg.Quantity(1, unit).units
    quantity = ureg.Quantity(f"1 * {name} * {unit}") if name else ureg.Quantity(1, unit)
    factor: float | int = quantity.to(base).magnitude
    return factor


def parameters(number: float, magnitude: str | None) -> float:
    """A model size as a number of parameters: ``parameters(3.8, "billion")`` -> 3.8e9."""
    return scale(number, magnitude, "parameter")


def is_known_unit(symbol: str) -> bool:
    """Whether pint (with our definitions) understands a written unit symbol."""
    try:
        unit_registry().Unit(symbol)
    except (pint.errors.UndefinedUnitError, ValueError, TypeError, AttributeError):
        return False
    return True
