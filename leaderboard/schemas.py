"""JSON Schemas of the public records, generated from the pydantic models.

``python -m leaderboard.schemas schemas`` writes ``schemas/<name>.schema.json``; a test
regenerates them in memory and fails when the committed files have drifted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from leaderboard.models import Claim, Paper, Sighting


def schema_models() -> dict[str, type[BaseModel]]:
    """Every model whose schema is published, by file stem."""
    models: dict[str, type[BaseModel]] = {"paper": Paper, "sighting": Sighting, "claim": Claim}
    from leaderboard.registry import BenchmarkRegistry, ModelRegistry

    models["benchmark-registry"] = BenchmarkRegistry
    models["model-registry"] = ModelRegistry
    return models


def render(model: type[BaseModel]) -> str:
    """The schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, model in schema_models().items():
        path = folder / f"{stem}.schema.json"
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(p)
