"""Claims as Parquet partition files: how Dask workers hand their results back.

Why Parquet: a worker's output is typed, compact and readable by any tool (the
partitions can be kept with ``--spool`` and inspected or loaded elsewhere), and a
DOUBLE round-trips exactly, so a claim read back equals the claim written.
Written and read with DuckDB, which the project already depends on.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from leaderboard.models import CLAIM_COLUMNS, Claim
from leaderboard.store import CLAIM_TABLE, _claim_columns, _columns_table, _select_cast

# The store's claim columns without its run id: staged and cast as the store does.
_COLUMNS = tuple(c for c in CLAIM_TABLE if c[0] in CLAIM_COLUMNS)


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:", config={"threads": 1})


def claims_to_parquet_bytes(claims: Sequence[Claim]) -> bytes:
    """One partition: the claims, in order, as the bytes of a Parquet file."""
    frame = _columns_table(_COLUMNS, _claim_columns(claims))
    select = _select_cast(_COLUMNS)
    fd, tmp = tempfile.mkstemp(suffix=".parquet")
    os.close(fd)
    con = _connect()
    try:
        con.register("stage", frame)
        # one thread and DuckDB's insertion-order guarantee keep the claims in order
        con.execute(f"COPY (SELECT {select} FROM stage s) TO '{_lit(tmp)}' (FORMAT PARQUET)")
        return Path(tmp).read_bytes()
    finally:
        con.close()
        os.unlink(tmp)


def claims_from_parquet(path: Path) -> list[Claim]:
    """The claims of one partition file, in the order they were written."""
    con = _connect()
    try:
        cursor = con.execute(
            f"SELECT {', '.join(CLAIM_COLUMNS)} FROM read_parquet(?)", [str(path)])
        return [Claim.model_validate(dict(zip(CLAIM_COLUMNS, row, strict=True)))
                for row in cursor.fetchall()]
    finally:
        con.close()


def _lit(path: str) -> str:
    """A file name as a SQL string literal (COPY TO takes no bound parameter)."""
    return path.replace("'", "''")


__all__ = ["claims_from_parquet", "claims_to_parquet_bytes"]
