"""How one value is written in our files: the value rules of :mod:`leaderboard.export`
for a single cell, without pandas or DuckDB.

Why a module of its own: ``leaderboard extract`` writes claims with these rules but
never builds a DataFrame, and importing pandas and DuckDB for two small functions
cost every ``extract`` run about 0.4 s of start-up.
"""

from __future__ import annotations

import json
import math
from typing import Any

from leaderboard.textsafety import csv_safe


def clean_float(value: float) -> float:
    """The float as written with 15 significant digits (drops binary noise)."""
    if not math.isfinite(value):
        return value
    return float(f"{value:.15g}")


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for null, ``true``/``false``, floats in their shortest form,
    lists as JSON, and text made inert for spreadsheets (:func:`csv_safe`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(clean_float(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return csv_safe(json.dumps(value, ensure_ascii=False))
    return csv_safe(str(value))


__all__ = ["clean_float", "csv_cell"]
