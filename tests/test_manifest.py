"""Reproducibility: an export's manifest, and `verify` re-deriving it byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "leaderboard"
SAMPLES = ROOT / "data" / "samples"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_verify_passes_then_reports_edited_rows(tmp_path: Path) -> None:
    assert run("ingest", str(SAMPLES), "--db", "lb.duckdb", cwd=tmp_path).returncode == 0
    claim = run("export", "claims", "--format", "jsonl", "-o", "c.jsonl", "--db", "lb.duckdb",
                cwd=tmp_path)
    assert claim.returncode == 0
    cid = json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()[0])[
        "claim_id"]
    assert run("review", cid, "--set", "model=Reviewed", "--db", "lb.duckdb",
               cwd=tmp_path).returncode == 0
    exported = run("export", "leaderboards", "-o", "boards", "--db", "lb.duckdb", "--manifest",
                   cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    manifest = json.loads((tmp_path / "boards.manifest.json").read_text(encoding="utf-8"))
    assert {"tool_version", "extractor_version", "registries", "inputs", "outputs",
            "reviews"} <= set(manifest)
    assert len(manifest["inputs"]) == 3 and all(len(i["sha256"]) == 64
                                                for i in manifest["inputs"])
    assert len(manifest["reviews"]) == 1
    ok = run("verify", "boards.manifest.json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "byte-identical" in ok.stdout

    con = duckdb.connect(str(tmp_path / "lb.duckdb"))
    con.execute("UPDATE claims SET value = 99.9 WHERE value_text = '86.81%'")
    con.close()
    assert run("export", "leaderboards", "-o", "boards", "--db", "lb.duckdb", "--manifest",
               cwd=tmp_path).returncode == 0
    bad = run("verify", "boards.manifest.json", cwd=tmp_path)
    assert bad.returncode == 1
    assert "differing row(s)" in bad.stdout
    assert "99.9" in bad.stdout and "86.81" in bad.stdout


def test_verify_notices_a_changed_input(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("FooNet reaches 91.2% accuracy on CIFAR-10, and it is 2x faster than "
                   "BarNet.\n", encoding="utf-8")
    assert run("ingest", str(src), "--db", "lb.duckdb", cwd=tmp_path).returncode == 0
    assert run("export", "claims", "-o", "c.csv", "--db", "lb.duckdb", "--manifest",
               cwd=tmp_path).returncode == 0
    src.write_text("changed\n", encoding="utf-8")
    result = run("verify", "c.csv.manifest.json", cwd=tmp_path)
    assert result.returncode == 1 and "changed since the export" in result.stdout


def test_every_ingest_records_its_run(tmp_path: Path) -> None:
    from leaderboard.store import Store

    assert run("ingest", str(SAMPLES), "--db", "lb.duckdb", cwd=tmp_path).returncode == 0
    with Store.open(tmp_path / "lb.duckdb", read_only=True) as store:
        runs = store.runs_frame()
        sources = store.sources_frame()
    last = runs.iloc[-1]
    assert last["status"] == "ok" and last["tool_version"]
    assert {"inputs", "format", "extractor_version", "registries"} <= set(last["options"])
    assert set(last["options"]["registries"]) == {"benchmarks", "models", "lexicon"}
    assert last["counts"]["files_added"] == 3 and last["counts"]["claims_added"] > 200
    assert sources["sha256"].str.len().eq(64).all() and len(sources) == 3
