"""Limits, concurrent use and crashes: nothing half-written, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from leaderboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "leaderboard"
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_limits_cut_and_report(tmp_path: Path) -> None:
    sentence = "FooNet reaches 91.2% accuracy on CIFAR-10 and is 2x faster than BarNet. "
    source = tmp_path / "long.txt"
    source.write_text(sentence * 40 + "\n", encoding="utf-8")
    out = tmp_path / "c.jsonl"
    result = run("extract", str(source), "-o", str(out), "--max-abstract-chars", "500",
                 "--max-claims-per-paper", "3")
    assert result.returncode == 0, result.stderr
    assert "claims read from the first 500 only" in result.stderr
    assert "the first 3 kept" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    db = tmp_path / "lb.duckdb"
    ingested = run("ingest", str(source), "--db", str(db), "--max-claims-per-paper", "5")
    assert ingested.returncode == 0 and "the first 5 kept" in ingested.stderr
    with Store.open(db, read_only=True) as store:
        assert store.counts()["claims"] == 5
        options = store.runs_frame().iloc[-1]["options"]
    assert options["limits"] == {"max_abstract_chars": 100_000, "max_claims_per_paper": 5}


def test_a_second_writer_fails_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "lb.duckdb"
    assert run("ingest", str(SAMPLES[2]), "--db", str(db)).returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
        "print('ready', flush=True); time.sleep(60)"), str(db)], stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        second = run("ingest", str(SAMPLES[0]), "--db", str(db))
        assert second.returncode == 1
        assert "in use by another process" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        holder.kill()
        holder.wait()
    with Store.open(db, read_only=True) as store:  # untouched by the refused ingest
        assert store.counts()["sources"] == 1


def _variants(folder: Path, n: int) -> list[Path]:
    """Copies of the sample files with distinct bytes (a first line that differs), so
    every file is a new source but the papers are the same."""
    folder.mkdir()
    paths = []
    for i in range(n):
        for sample in SAMPLES:
            path = folder / f"{i:03d}_{sample.name}"
            text = sample.read_text(encoding="utf-8")
            if sample.name.startswith("003"):
                text += f"\nAbstract:Copy {i}: FooNet{i} reaches {i}.5% on MMLU.\n"
            else:
                text = f"copy {i}\n" + text
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


def _killed_ingest(folder: Path, db: Path, delay: float) -> int:
    """Start an ingest, ``kill -9`` it after ``delay`` seconds; the number of files the
    store holds afterwards (every one of them checked whole)."""
    proc = subprocess.Popen([str(CLI), "ingest", str(folder), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not db.exists():
        return 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM sources").fetchone()[0]
        partial = con.execute(
            "SELECT count(*) FROM sources s WHERE s.n_papers <> "
            "(SELECT count(*) FROM sightings g WHERE g.source_sha256 = s.sha256)").fetchone()[0]
    except duckdb.Error:  # killed before the schema was written: nothing stored
        return 0
    finally:
        con.close()
    assert partial == 0  # every stored file is whole
    return int(stored)


def test_kill_9_mid_ingest_leaves_a_consistent_store(tmp_path: Path) -> None:
    files = _variants(tmp_path / "in", 40)
    # the kill must land mid-ingest: try longer delays on a slow machine
    for attempt, delay in enumerate((4.0, 8.0, 16.0)):
        db = tmp_path / f"lb{attempt}.duckdb"
        stored = _killed_ingest(tmp_path / "in", db, delay)
        if 0 < stored < len(files):
            break
    assert 0 < stored < len(files), "the kill never landed mid-ingest"
    rerun = run("ingest", str(tmp_path / "in"), "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    with Store.open(db, read_only=True) as store:
        counts = store.counts()
        claims = store.claims_frame()
    assert counts["sources"] == len(files)
    assert claims["claim_id"].is_unique
    fresh = tmp_path / "fresh.duckdb"
    assert run("ingest", str(tmp_path / "in"), "--db", str(fresh)).returncode == 0
    with Store.open(fresh, read_only=True) as store:
        assert store.counts()["claims"] == counts["claims"]
        assert store.counts()["papers"] == counts["papers"]


def test_debug_is_accepted_and_known_errors_stay_one_line(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o.jsonl"),
                 "--debug")
    assert result.returncode == 1
    assert "missing.txt" in result.stderr and "Traceback" not in result.stderr
