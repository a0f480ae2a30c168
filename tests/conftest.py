"""Fixtures shared by the test modules: stores built through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
CLI = Path(sys.executable).parent / "leaderboard"

#: A daily-papers style paper whose title and abstract try to inject HTML, script and
#: Markdown: every view must show it as literal text.
HOSTILE = (
    "FooNet <script>window.__pwned=1</script> **bold** results\n\n"
    "We present FooNet, a compact convolutional network for small images, and describe "
    "its simple training recipe, which needs no extra data, in full detail here. FooNet "
    "reaches 91.2% accuracy on CIFAR-10 <script>window.__pwned=1</script> with **bold** "
    "and [link](http://x) text and <img src=x onerror=\"window.__pwned=2\"> markup kept "
    "literal & inert. We release code and weights so that others can check every number.\n"
)


def cli(*args: str) -> None:
    """Run the installed ``leaderboard`` command; fail the test if it fails."""
    result = subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the bundled sample corpus (one per test module)."""
    db = tmp_path_factory.mktemp("samples") / "lb.duckdb"
    cli("ingest", str(SAMPLES), "--db", str(db))
    return db


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one paper made of hostile text (see :data:`HOSTILE`)."""
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "papers.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    db = folder / "lb.duckdb"
    cli("ingest", str(source), "--db", str(db))
    return db
