"""Human review decisions: stored apart from extracted data, applied in exports,
surviving re-ingest and a re-extraction, reported when their span is gone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from leaderboard.store import Store
from leaderboard.views import claims_table, leaderboards_table, orphan_reviews

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "leaderboard"
SAMPLE = ROOT / "data" / "samples" / "001_a9bd78264e3986ca.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "lb.duckdb"
    assert run("ingest", str(SAMPLE), "--db", str(path)).returncode == 0
    return path


def _claim(db: Path, value_text: str) -> dict[str, object]:
    rows = claims_table(db).to_dict("records")
    return next(r for r in rows if r["value_text"] == value_text)


def test_reject_removes_and_set_corrects(db: Path) -> None:
    orca = _claim(db, "86.81%")
    cid = str(orca["claim_id"])
    assert run("review", cid, "--set", "model=Orca-Math-7B", "--note", "name as released",
               "--db", str(db)).returncode == 0
    edited = _claim(db, "86.81%")
    assert edited["model"] == "Orca-Math-7B" and edited["review"] == "edited"
    assert run("review", cid, "--reject", "--db", str(db)).returncode == 0
    assert cid not in set(claims_table(db)["claim_id"])
    assert cid not in set(leaderboards_table(db)["claim_id"])
    assert run("review", cid, "--accept", "--db", str(db)).returncode == 0
    assert _claim(db, "86.81%")["review"] == "edited"  # accepted back, edit kept


def test_bad_review_arguments(db: Path) -> None:
    cid = str(_claim(db, "86.81%")["claim_id"])
    assert run("review", cid, "--db", str(db)).returncode == 2
    assert run("review", cid, "--set", "claim_id=x", "--db", str(db)).returncode == 2
    missing = run("review", "c:doesnotexist", "--reject", "--db", str(db))
    assert missing.returncode == 1 and "no claim" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_reviews_survive_reingest_and_reextraction(db: Path) -> None:
    cid = str(_claim(db, "7.43")["claim_id"])
    assert run("review", cid, "--set", "benchmark=MT-Bench", "--db", str(db)).returncode == 0
    assert run("ingest", str(SAMPLE), "--db", str(db)).returncode == 0  # re-ingest: no-op
    assert _claim(db, "7.43")["benchmark"] == "MT-Bench"
    # a new extractor version fills the fields differently: the decision still applies,
    # because it is keyed by paper and span, not by extracted fields
    con = duckdb.connect(str(db))
    con.execute("UPDATE claims SET benchmark = 'something else', model = 'X' "
                "WHERE claim_id = ?", [cid])
    con.close()
    after = _claim(db, "7.43")
    assert after["benchmark"] == "MT-Bench" and after["review"] == "edited"
    # ... and when that span no longer holds a claim, the decision is reported
    con = duckdb.connect(str(db))
    con.execute("UPDATE claims SET span_start = span_start + 1 WHERE claim_id = ?", [cid])
    con.close()
    with Store.open(db, read_only=True) as store:
        orphans = orphan_reviews(store.reviews_frame())
    assert len(orphans) == 1 and orphans.iloc[0]["value_text"] == "7.43"
    stats = run("stats", "--db", str(db))
    assert "1 review decision(s) no longer match a claim" in stats.stdout


def test_claims_export_has_review_column(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    assert run("export", "claims", "--format", "jsonl", "-o", str(out), "--db",
               str(db)).returncode == 0
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "review" in row and "audit" in row


def test_older_store_is_migrated_or_refused_clearly(db: Path) -> None:
    from leaderboard.store import SCHEMA_VERSION, StoreError

    con = duckdb.connect(str(db))
    con.execute("DROP TABLE findings")
    con.execute("DROP TABLE reviews")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="migrate"):
        Store.open(db, read_only=True)
    with Store.open(db) as store:  # opened for writing: migrated, data kept
        assert store.counts()["claims"] > 0
        assert store.reviews_frame().empty
    con = duckdb.connect(str(db))
    assert con.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()
