"""CSV cells from abstracts cannot run as spreadsheet formulas; numbers stay numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leaderboard.export import csv_cell, write_table
from leaderboard.textsafety import csv_safe


@pytest.mark.parametrize(("text", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1 (555)", "'+1 (555)"),
    ("-A model", "'-A model"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rCR", "'\rCR"),
    ("GPT-4o", "GPT-4o"),
])
def test_text_cells_are_neutralised(text: str, cell: str) -> None:
    assert csv_safe(text) == cell
    assert csv_cell(text) == cell


def test_numbers_are_not_touched() -> None:
    assert csv_cell(-3.5) == "-3.5"
    assert csv_cell(86.81) == "86.81"
    assert csv_cell(7e9) == "7000000000.0"


def test_written_csv_is_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_table(pd.DataFrame({"model": ["=cmd|' /C calc'!A0"], "value": [-1.5]}), path, "csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("\"'=cmd") or lines[1].startswith("'=cmd")
    assert lines[1].endswith(",-1.5")
