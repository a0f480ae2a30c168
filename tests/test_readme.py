"""README promises: the two commands first, every CLI command documented, and the
Makefile targets it names exist."""

from __future__ import annotations

import re
from pathlib import Path

from leaderboard.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_commands_are_demo_then_test() -> None:
    first_block = re.search(r"```\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands[:2] == ["make demo", "make test"]


def test_every_command_is_documented() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in
             app.registered_commands]
    assert names
    for name in names:
        assert f"leaderboard {name}" in README, f"`leaderboard {name}` missing from README"


def test_makefile_has_the_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test", "lint", "bench", "schemas"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_demo_runs_and_is_byte_identical(tmp_path: Path) -> None:
    """README's first command, into a temporary store and output folder, twice."""
    import shutil
    import subprocess

    if shutil.which("make") is None:  # pragma: no cover - make is part of the set-up
        raise AssertionError("make is required")
    outputs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        result = subprocess.run(
            ["make", "--no-print-directory", "demo", f"DB={tmp_path / f'db{i}.duckdb'}",
             f"OUT={out}"], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "papers" in result.stdout and "leaderboards" in result.stdout
        outputs.append(out)
    files = sorted(p.relative_to(outputs[0]) for p in outputs[0].rglob("*.csv"))
    assert len(files) > 5
    for rel in files:
        assert (outputs[0] / rel).read_bytes() == (outputs[1] / rel).read_bytes(), rel
