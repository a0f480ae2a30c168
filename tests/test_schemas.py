"""The committed JSON Schemas match the pydantic models they are generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderboard.schemas import render, schema_models

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("stem", sorted(schema_models()))
def test_schema_in_sync(stem: str) -> None:
    path = SCHEMAS / f"{stem}.schema.json"
    assert path.exists(), f"{path} missing: run `make schemas`"
    assert path.read_text(encoding="utf-8") == render(schema_models()[stem]), (
        f"{path.name} differs from the model: run `make schemas` and commit the result")


def test_no_stale_schema_files() -> None:
    expected = {f"{stem}.schema.json" for stem in schema_models()}
    assert {p.name for p in SCHEMAS.glob("*.schema.json")} == expected
