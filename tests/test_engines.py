"""The Dask engine: the same extraction on a (local) Dask cluster gives byte-identical
exports to the default engine, and its partitions round-trip claims exactly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import CLI, ROOT, SAMPLES
from test_stream import write_corpus

from leaderboard.extract import DEFAULT_LIMITS
from leaderboard.stream import Batch, extract_batch, stream_files

pytest.importorskip("distributed", reason="the dask extra is not installed")

from leaderboard.engines.partitions import (
    claims_from_parquet,
    claims_to_parquet_bytes,
)


def test_partitions_round_trip_claims_exactly(tmp_path: Path) -> None:
    claims = [c for item in stream_files([str(SAMPLES)]) if isinstance(item, Batch)
              for c in extract_batch(item.papers, DEFAULT_LIMITS).claims]
    assert claims and any(c.params is None for c in claims) and any(c.params for c in claims)
    path = tmp_path / "part.parquet"
    path.write_bytes(claims_to_parquet_bytes(claims))
    assert claims_from_parquet(path) == claims
    path.write_bytes(claims_to_parquet_bytes([]))
    assert claims_from_parquet(path) == []


def _run(*args: str) -> None:
    run = subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr


def test_dask_engine_exports_are_byte_identical(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", 1500)
    exports = {}
    for engine in ("local", "dask"):
        db = tmp_path / f"{engine}.duckdb"
        _run("ingest", str(corpus), str(SAMPLES), "--db", str(db), "--engine", engine,
             "--jobs", "2", "--batch-size", "200")
        claims, boards = tmp_path / f"{engine}.csv", tmp_path / f"{engine}-boards"
        _run("export", "claims", "--db", str(db), "-o", str(claims))
        _run("export", "leaderboards", "--db", str(db), "-o", str(boards))
        exports[engine] = (claims.read_bytes(),
                           {p.name: p.read_bytes() for p in sorted(boards.iterdir())})
    assert exports["dask"] == exports["local"]
    assert exports["local"][0].count(b"\n") > 1500 and len(exports["local"][1]) > 5
