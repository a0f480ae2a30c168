"""`leaderboard audit` over a store: findings printed, exported, stored, and shown as
each claim's audit status in exports."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "leaderboard"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=300)


def test_audit_finds_the_inconsistent_improvement(tmp_path: Path) -> None:
    db = str(tmp_path / "lb.duckdb")
    assert run("ingest", str(ROOT / "data" / "samples"), "--db", db).returncode == 0
    listed = run("audit", "--list")
    assert listed.returncode == 0 and "arithmetic-improvement" in listed.stdout
    out = tmp_path / "findings.csv"
    result = run("audit", "--db", db, "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    messages = [r["message"] for r in rows]
    assert any("63.5%" in m and "61.5%" in m for m in messages), messages
    claims = tmp_path / "claims.jsonl"
    assert run("export", "claims", "--format", "jsonl", "-o", str(claims), "--db",
               db).returncode == 0
    status = {json.loads(line)["value_text"]: json.loads(line)["audit"]
              for line in claims.read_text(encoding="utf-8").splitlines()}
    assert status["63.5%"] == "warning"
    assert status["86.81%"] == "ok"
    again = tmp_path / "again.csv"
    assert run("audit", "--db", db, "--format", "csv", "-o", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()  # deterministic findings


def test_unknown_check_is_a_usage_error(tmp_path: Path) -> None:
    db = str(tmp_path / "lb.duckdb")
    assert run("ingest", str(ROOT / "data" / "samples" / "003_5b6b1415f84db99a.txt"),
               "--db", db).returncode == 0
    result = run("audit", "--db", db, "--check", "no-such-check")
    assert result.returncode == 2 and "unknown check" in result.stderr
