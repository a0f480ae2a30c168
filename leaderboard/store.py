"""The store: papers, sightings, claims, sources and runs in one embedded DuckDB file.

Why a file database: ingest is incremental (one input file at a time, each stored in
one transaction, re-ingesting an unchanged file is a no-op), and every later step --
leaderboards, exports, dashboards, audits -- reads the same typed tables.

Rules the store keeps:

* A paper is one row whatever the number of files it was seen in; each place it was
  read is a *sighting*. Its metadata is merged across sightings (first non-null of
  each field wins), but its title-and-abstract text and its claims come from the first
  sighting only, so the claims' ``span_start``/``span_end`` always index the stored
  abstract. A later sighting adds a sighting row and nothing else.
* A source file is identified by the sha256 of its bytes: the same bytes again (under
  any path) are reported as ``unchanged`` and add nothing.
* Run ids and timestamps live in ``runs``, ``sources`` and the ``run_id`` columns only;
  the read API used for exports (:meth:`Store.claims_frame`, :meth:`Store.papers_frame`)
  never returns them, so exports do not depend on when or in which run data arrived.
* Every value reaches SQL as a bound parameter or through a registered staging frame;
  only the constant table and column names of this module are written into SQL text.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from leaderboard.models import (
    CLAIM_COLUMNS,
    Claim,
    ClaimRow,
    Paper,
    SourcedPaper,
    claim_rows,
)
from leaderboard.storeerror import StoreError

#: Bumped whenever a table changes shape. An older store is migrated when opened for
#: writing (``_MIGRATIONS``); a newer one, or an older one opened read-only, is refused.
SCHEMA_VERSION = 3

#: Environment variable naming the store file when ``--db`` is not given.
DB_ENV_VAR = "LEADERBOARD_DB"

_DEFAULT_DB = Path("data") / "leaderboard.duckdb"

# (column, SQL type, constraint) for each table. Types drive both the DDL and how
# staging frames are built and cast, so adding a column here is the whole change.
Columns = tuple[tuple[str, str, str], ...]

PAPER_TABLE: Columns = (
    ("paper_id", "VARCHAR", "PRIMARY KEY"),
    ("title", "VARCHAR", ""),
    ("abstract", "VARCHAR", "NOT NULL"),
    ("content_hash", "VARCHAR", "NOT NULL"),
    ("arxiv_id", "VARCHAR", ""),
    ("authors", "VARCHAR[]", "NOT NULL"),
    ("authors_count", "INTEGER", ""),
    ("organization", "VARCHAR", ""),
    ("published", "DATE", ""),
    ("upvotes", "INTEGER", ""),
    ("categories", "VARCHAR[]", "NOT NULL"),
    ("run_id", "VARCHAR", ""),
)

SIGHTING_TABLE: Columns = (
    ("sighting_no", "BIGINT", "NOT NULL UNIQUE"),
    ("paper_id", "VARCHAR", "NOT NULL"),
    ("source", "VARCHAR", "NOT NULL"),
    ("source_sha256", "VARCHAR", "NOT NULL"),
    ("source_format", "VARCHAR", "NOT NULL"),
    ("paper_index", "INTEGER", "NOT NULL"),
    # offsets into the source file: BIGINT, as a file may hold more than 2**31
    # characters (the arXiv metadata snapshot is about 4 GB)
    ("abstract_start", "BIGINT", "NOT NULL"),
    ("abstract_end", "BIGINT", "NOT NULL"),
    ("offset_map", "VARCHAR", "NOT NULL"),
    ("run_id", "VARCHAR", ""),
)

_CLAIM_TYPES: dict[str, tuple[str, str]] = {
    "claim_id": ("VARCHAR", "PRIMARY KEY"),
    "source": ("VARCHAR", "NOT NULL"),
    "paper_id": ("VARCHAR", "NOT NULL"),
    "paper_index": ("INTEGER", "NOT NULL"),
    "paper_title": ("VARCHAR", ""),
    "char_start": ("BIGINT", "NOT NULL"),  # offsets into the source file, as above
    "char_end": ("BIGINT", "NOT NULL"),
    "span_start": ("INTEGER", "NOT NULL"),
    "span_end": ("INTEGER", "NOT NULL"),
    "value_text": ("VARCHAR", "NOT NULL"),
    "kind": ("VARCHAR", "NOT NULL CHECK (kind IN ('score', 'delta', 'ratio'))"),
    "value": ("DOUBLE", "NOT NULL"),
    "value_low": ("DOUBLE", ""),
    "spread": ("DOUBLE", ""),
    "unit": ("VARCHAR", ""),
    "model": ("VARCHAR", ""),
    "base_model": ("VARCHAR", ""),
    "params": ("DOUBLE", ""),
    "active_params": ("DOUBLE", ""),
    "params_registry": ("DOUBLE", ""),
    "benchmark": ("VARCHAR", ""),
    "benchmark_id": ("VARCHAR", ""),
    "task": ("VARCHAR", ""),
    "metric": ("VARCHAR", ""),
    "baseline": ("VARCHAR", ""),
    "direction": ("VARCHAR", ""),
    "delta_type": ("VARCHAR", ""),
    "setting": ("VARCHAR", ""),
    "qualifier": ("VARCHAR", ""),
    "role": ("VARCHAR", ""),
    "restated": ("BOOLEAN", "NOT NULL"),
    "sentence": ("VARCHAR", "NOT NULL"),
    "notes": ("VARCHAR", ""),
}

CLAIM_TABLE: Columns = (
    *((name, *_CLAIM_TYPES[name]) for name in CLAIM_COLUMNS),
    ("run_id", "VARCHAR", "NOT NULL"),
)

SOURCE_TABLE: Columns = (
    ("sha256", "VARCHAR", "PRIMARY KEY"),
    ("source", "VARCHAR", "NOT NULL"),
    ("size", "BIGINT", ""),
    ("format", "VARCHAR", ""),
    ("n_papers", "INTEGER", "NOT NULL"),
    ("n_claims", "INTEGER", "NOT NULL"),
    ("papers_new", "INTEGER", "NOT NULL"),
    ("claims_added", "INTEGER", "NOT NULL"),
    ("run_id", "VARCHAR", ""),
    ("ingested_at", "TIMESTAMP", "NOT NULL"),
)

RUN_TABLE: Columns = (
    ("run_id", "VARCHAR", "PRIMARY KEY"),
    ("tool_version", "VARCHAR", "NOT NULL"),
    ("started_at", "TIMESTAMP", "NOT NULL"),
    ("finished_at", "TIMESTAMP", ""),
    ("options", "VARCHAR", "NOT NULL"),
    ("counts", "VARCHAR", ""),
    ("status", "VARCHAR", "NOT NULL"),
)

# Audit findings: replaced whole by each ``leaderboard audit`` run (see leaderboard.audit).
FINDING_TABLE: Columns = (
    ("finding_id", "VARCHAR", "PRIMARY KEY"),
    ("check_name", "VARCHAR", "NOT NULL"),
    ("severity", "VARCHAR", "NOT NULL"),
    ("paper_id", "VARCHAR", ""),
    ("claim_ids", "VARCHAR[]", "NOT NULL"),
    ("message", "VARCHAR", "NOT NULL"),
    ("evidence", "VARCHAR", "NOT NULL"),
    ("numbers", "VARCHAR", "NOT NULL"),
    ("run_id", "VARCHAR", ""),
)

# Human review decisions, kept apart from extracted data and keyed by where the claim
# is in its paper (paper id, span, value text), not by extracted fields, so they
# survive re-ingest and a new extractor version.
REVIEW_TABLE: Columns = (
    ("review_no", "BIGINT", "NOT NULL UNIQUE"),
    ("paper_id", "VARCHAR", "NOT NULL"),
    ("span_start", "INTEGER", "NOT NULL"),
    ("span_end", "INTEGER", "NOT NULL"),
    ("value_text", "VARCHAR", "NOT NULL"),
    ("decision", "VARCHAR", "NOT NULL CHECK (decision IN ('accept', 'reject', 'set'))"),
    ("field", "VARCHAR", ""),
    ("value", "VARCHAR", ""),
    ("note", "VARCHAR", ""),
    ("created_at", "TIMESTAMP", "NOT NULL"),
)

TABLES: dict[str, Columns] = {
    "papers": PAPER_TABLE,
    "sightings": SIGHTING_TABLE,
    "claims": CLAIM_TABLE,
    "sources": SOURCE_TABLE,
    "runs": RUN_TABLE,
    "findings": FINDING_TABLE,
    "reviews": REVIEW_TABLE,
}

#: Tables each schema version added: a migration creates what an older store lacks.
_MIGRATIONS: dict[int, tuple[str, ...]] = {2: ("findings", "reviews")}
#: Columns whose type a schema version widened (to its type in TABLES): version 3 made
#: source-file offsets BIGINT, after offsets past 2**31 in a 4 GB file failed to store.
_WIDENED: dict[int, tuple[tuple[str, str], ...]] = {
    3: (("sightings", "abstract_start"), ("sightings", "abstract_end"),
        ("claims", "char_start"), ("claims", "char_end")),
}

#: Paper columns as returned by :meth:`Store.papers_frame` (before the two counts).
PAPER_COLUMNS: tuple[str, ...] = tuple(Paper.model_fields)

#: Columns of :meth:`Store.claims_frame`: every claim field, then paper metadata.
CLAIM_FRAME_COLUMNS: tuple[str, ...] = (*CLAIM_COLUMNS, "published", "organization", "arxiv_id")

_LOCK_PID = re.compile(r"\(PID (\d+)\)")


@dataclass(frozen=True)
class IngestOutcome:
    """What :meth:`Store.ingest_source` did with one input file."""

    source: str
    sha256: str
    status: Literal["added", "unchanged"]
    papers_new: int = 0
    papers_seen_before: int = 0
    sightings_added: int = 0
    claims_added: int = 0
    claims_skipped: int = 0  # claims of papers whose claims were already stored


@dataclass(frozen=True)
class BatchCounts:
    """What storing one batch of a file's papers did (summed over a file's batches)."""

    papers_new: int = 0
    papers_seen_before: int = 0
    sightings_added: int = 0
    claims_added: int = 0
    claims_skipped: int = 0

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def outcome(self, source: str, sha256: str) -> IngestOutcome:
        return IngestOutcome(source=source, sha256=sha256, status="added",
                             papers_new=self.papers_new,
                             papers_seen_before=self.papers_seen_before,
                             sightings_added=self.sightings_added,
                             claims_added=self.claims_added, claims_skipped=self.claims_skipped)


@dataclass(frozen=True)
class SourceRecord:
    """The ``sources`` row that marks a file as stored whole."""

    source: str
    sha256: str
    fmt: str | None
    size: int | None
    n_papers: int
    n_claims: int
    papers_new: int
    claims_added: int


def default_db_path() -> Path:
    """``$LEADERBOARD_DB`` when set, else ``data/leaderboard.duckdb`` under the cwd."""
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else _DEFAULT_DB


def tool_version() -> str:
    """The installed package version, recorded with each run."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("leaderboard")
    except PackageNotFoundError:
        return "0+unknown"


def _utcnow() -> datetime:
    """Naive UTC: the TIMESTAMP columns hold UTC wall-clock times."""
    return datetime.now(UTC).replace(tzinfo=None)


def _ddl(table: str, columns: Columns, extra: str = "") -> str:
    cols = ",\n  ".join(f"{name} {sqltype} {constraint}".rstrip()
                        for name, sqltype, constraint in columns)
    return f"CREATE TABLE {table} (\n  {cols}{extra}\n)"


def _select_cast(columns: Columns, alias: str = "s") -> str:
    """SELECT list turning a staging frame (strings, nullable numbers) into column types."""
    parts = []
    for name, sqltype, _ in columns:
        if sqltype == "VARCHAR[]":
            parts.append(f"from_json({alias}.{name}, '[\"VARCHAR\"]') AS {name}")
        else:
            parts.append(f"CAST({alias}.{name} AS {sqltype}) AS {name}")
    return ", ".join(parts)


def _arrow_column(sqltype: str, values: Sequence[Any]) -> pa.Array:
    """One staging column, typed by the schema, not inferred from the values, so a
    column that happens to be all-null (or all-empty lists) still stages correctly.
    Lists and dates are staged as text (JSON, ISO) and cast by :func:`_select_cast`."""
    if sqltype == "VARCHAR[]":
        return pa.array([json.dumps(list(v or ()), ensure_ascii=False) for v in values],
                        pa.string())
    if sqltype in ("DATE", "TIMESTAMP"):
        return pa.array([v.isoformat() if v is not None else None for v in values],
                        pa.string())
    # from_pandas: a NaN stages as NULL, as it did when staging went through pandas
    return pa.array(values, _ARROW_TYPE[sqltype], from_pandas=True)


_ARROW_TYPE = {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "BIGINT": pa.int64(),
               "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_()}


def _columns_table(columns: Columns, values: Mapping[str, Sequence[Any]]) -> pa.Table:
    """A staging table from one list of values per column (missing columns: NULL).
    Arrow, not pandas: DuckDB reads it without a copy, and building it column by column
    costs a fraction of a typed pandas frame (this is on every ingest batch's path)."""
    n = len(next(iter(values.values()))) if values else 0
    return pa.table({name: _arrow_column(sqltype, values.get(name, (None,) * n))
                     for name, sqltype, _ in columns})


def _claim_columns(claims: Sequence[Claim]) -> dict[str, list[Any]]:
    """The claims' values, one list per claim field, read straight from the (flat,
    frozen) models or the rows a worker sent: no per-claim dict as ``model_dump``
    would build."""
    return _row_columns(claim_rows(claims))


def _row_columns(rows: Iterable[ClaimRow]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in CLAIM_COLUMNS}
    for name, values in zip(CLAIM_COLUMNS, zip(*rows, strict=True), strict=False):
        columns[name] = list(values)
    return columns


# where a claim row holds the fields the store checks
_CLAIM_ID, _PAPER_ID, _PAPER_INDEX = (CLAIM_COLUMNS.index(name)
                                      for name in ("claim_id", "paper_id", "paper_index"))


def _staging_table(columns: Columns, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A staging table from rows (mappings by column name; missing keys are NULL)."""
    return _columns_table(columns, {name: [row.get(name) for row in rows]
                                    for name, _, _ in columns})


_FRAME_DTYPE = {"VARCHAR": "str", "INTEGER": "Int64", "BIGINT": "Int64", "DOUBLE": "float64",
                "BOOLEAN": "bool", "DATE": "datetime64[us]", "TIMESTAMP": "datetime64[us]"}


def _typed(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """Give query results dtypes fixed by the schema: duckdb picks ``object`` for an
    all-null text column and ``str`` otherwise, which would make consumers' (and
    exports') behaviour depend on the data."""
    dtypes = {name: _FRAME_DTYPE[sqltype] for name, sqltype, _ in columns
              if name in frame.columns and sqltype in _FRAME_DTYPE}
    return frame.astype(dtypes)


def _paper_row(paper: Paper, run_id: str) -> dict[str, Any]:
    row = paper.model_dump()
    row["run_id"] = run_id
    return row


def _merge_metadata(first: dict[str, Any], later: Paper) -> None:
    """Fill fields the first sighting lacked from a later one (first non-null wins).
    The text (title excepted, when missing) and its hash stay those of the first."""
    for name, value in later.model_dump().items():
        if name in ("paper_id", "abstract", "content_hash"):
            continue
        if first.get(name) in (None, (), []) and value not in (None, (), []):
            first[name] = value


class Store:
    """An open store file. Use as a context manager: ``with Store.open(path) as st:``."""

    def __init__(self, con: Any, path: Path, read_only: bool) -> None:
        self._con = con
        self.path = path
        self.read_only = read_only
        self.memory_limit: str | None = None  # the cap set at opening, for messages

    # --- opening ------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False,
             memory_limit: str | None = None) -> Store:
        """Open (and on first use create) the store at ``path``.

        ``memory_limit`` (e.g. ``"512MB"``) caps DuckDB's buffer pool: by default it
        keeps up to 80% of RAM of pages it has written, so a long ingest's memory would
        grow with the store; written pages are on disk and can be dropped.

        Raises StoreError when the file is locked by another process, is not a
        leaderboard store, or has another schema version -- never a raw duckdb error.
        """
        path = Path(path)
        limit = _size_setting(memory_limit) if memory_limit is not None else None
        if read_only and not path.exists():
            raise StoreError(f"store {path} does not exist (run `leaderboard ingest` first)")
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(path, exc) from exc
        store = cls(con, path, read_only)
        try:
            if not read_only:
                # DuckDB rewrites a table's key indexes at every checkpoint; at its default
                # threshold (16 MB of WAL) a large ingest checkpoints thousands of times,
                # in time and memory growing with the store. 256 MB keeps a 1M-paper ingest
                # near-linear and its memory flat (benchmarks/RESULTS.md); a crash replays
                # at most that much WAL on the next open.
                con.execute("SET checkpoint_threshold = '256MB'")
            if limit is not None:
                con.execute(f"SET memory_limit = '{limit}'")
                store.memory_limit = limit
            store._prepare_schema()
        except BaseException:
            con.close()
            raise
        return store

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _prepare_schema(self) -> None:
        # duckdb opens some non-database files (a CSV, say) as an in-memory database
        # with views over the file: refuse those rather than write a schema nowhere.
        where = self._first("SELECT path FROM duckdb_databases() "
                            "WHERE database_name = current_database()")
        if where is None or where[0] is None:
            raise StoreError(f"cannot open store {self.path}: not a DuckDB database file")
        tables = {r[0] for r in self._con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        views = self._first(
            "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'")
        if not tables and not (views and views[0]):
            if self.read_only:
                raise StoreError(f"store {self.path} is empty (run `leaderboard ingest` first)")
            self._create_schema()
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path} is a DuckDB file but not a leaderboard store "
                             "(no meta table); use another --db path")
        row = self._first(
            "SELECT value FROM meta WHERE key = ?", ["schema_version"])
        found = row[0] if row else None
        if found is not None and found.isdigit() and 0 < int(found) < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"store {self.path} has schema version {found}; open it once for writing "
                    f"(e.g. `leaderboard ingest` or `leaderboard audit`) to migrate it to "
                    f"version {SCHEMA_VERSION}")
            self._migrate(int(found))
            tables = {r[0] for r in self._con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
            found = str(SCHEMA_VERSION)
        if found != str(SCHEMA_VERSION):
            raise StoreError(
                f"store {self.path} has schema version {found if found else 'unknown'}, "
                f"this version of leaderboard reads version {SCHEMA_VERSION}; re-ingest "
                "into a new store file (or use the leaderboard version that wrote it)")
        missing = set(TABLES) - tables
        if missing:
            raise StoreError(f"store {self.path} is damaged: missing tables "
                             f"{', '.join(sorted(missing))}")

    def _migrate(self, version: int) -> None:
        """Bring an older store up to SCHEMA_VERSION in one transaction: new tables
        are created and widened columns retyped; every stored value is kept."""
        with self._transaction(f"migrate store {self.path} from schema version {version}"):
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for table in _MIGRATIONS.get(target, ()):
                    self._con.execute(_ddl(table, TABLES[table]))
                for table, column in _WIDENED.get(target, ()):
                    sql_type = next(t for name, t, _ in TABLES[table] if name == column)
                    self._con.execute(
                        f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type}")
            self._con.execute("UPDATE meta SET value = ? WHERE key = ?",
                              [str(SCHEMA_VERSION), "schema_version"])

    def _create_schema(self) -> None:
        with self._transaction("create the schema"):
            self._con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            self._con.execute("INSERT INTO meta VALUES (?, ?)",
                              ["schema_version", str(SCHEMA_VERSION)])
            for table, columns in TABLES.items():
                extra = ",\n  UNIQUE (source_sha256, paper_index)" if table == "sightings" else ""
                self._con.execute(_ddl(table, columns, extra))

    @contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        """One transaction: commit on success; on any error roll back and raise a
        StoreError saying what could not be done (the store is left as before)."""
        if self.read_only:
            raise StoreError(f"cannot {what}: store {self.path} is open read-only")
        self._con.begin()
        try:
            yield
            self._con.commit()
        except Exception as exc:
            self._rollback()
            if isinstance(exc, StoreError):
                raise StoreError(f"could not {what}: {exc}") from exc.__cause__
            raise StoreError(f"could not {what}: {_duckdb_problem(exc, self.memory_limit)}") \
                from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Roll back the open transaction, if DuckDB has not already ended it.

        Why: a COMMIT that fails (out of memory, say) ends the transaction on DuckDB's
        side, and ROLLBACK then raises "no transaction is active", which would hide the
        error that matters. Nothing of the failed transaction is kept either way."""
        try:
            self._con.rollback()
        except duckdb.TransactionException as exc:
            if "no transaction is active" not in str(exc):
                raise

    def _first(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None. Fetches everything: duckdb refuses new
        work on a connection while a result is still pending."""
        rows = self._con.execute(sql, list(params)).fetchall()
        return tuple(rows[0]) if rows else None

    @contextmanager
    def _staged(self, name: str, table: pa.Table) -> Iterator[str]:
        """Expose a table to SQL under a fixed view name for the duration of a block."""
        self._con.register(name, table)
        try:
            yield name
        except BaseException:
            # after a failed statement duckdb refuses every call but ROLLBACK until the
            # transaction ends: let the statement's own error through, not that refusal
            with contextlib.suppress(duckdb.Error):
                self._con.unregister(name)
            raise
        self._con.unregister(name)

    # --- runs ---------------------------------------------------------------------
    def begin_run(self, options: Mapping[str, Any]) -> str:
        """Record the start of a run and return its id (time-based, not reproducible:
        run ids are bookkeeping and never appear in exports)."""
        now = _utcnow()
        run_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
        with self._transaction("record the run"):
            self._con.execute(
                "INSERT INTO runs (run_id, tool_version, started_at, options, status) "
                "VALUES (?, ?, ?, ?, ?)",
                [run_id, tool_version(), now, _json(options), "running"])
        return run_id

    def finish_run(self, run_id: str, counts: Mapping[str, Any], status: str) -> None:
        """Record how a run ended (``ok``, ``failed``, ``partial`` ... as the caller says)."""
        with self._transaction(f"finish run {run_id}"):
            found = self._first("SELECT count(*) FROM runs WHERE run_id = ?", [run_id])
            if not found or found[0] == 0:
                raise StoreError(f"no run {run_id!r} in the store")
            self._con.execute(
                "UPDATE runs SET finished_at = ?, counts = ?, status = ? WHERE run_id = ?",
                [_utcnow(), _json(counts), status, run_id])

    def last_run_id(self) -> str | None:
        row = self._first(
            "SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1")
        return str(row[0]) if row else None

    # --- ingest -------------------------------------------------------------------
    def has_source(self, sha256: str) -> bool:
        """Whether a file with these bytes is stored (lets callers skip extraction)."""
        row = self._first("SELECT count(*) FROM sources WHERE sha256 = ?", [sha256])
        return bool(row and row[0])

    def ingest_source(self, source: str, sha256: str, fmt: str | None,
                      papers: Sequence[SourcedPaper], claims: Sequence[Claim], run_id: str,
                      *, size: int | None = None) -> IngestOutcome:
        """Store one input file -- all its papers, sightings and claims, or nothing.

        Idempotent by content: a file whose sha256 is already stored adds nothing and
        returns status ``unchanged``. Papers already stored (from another file, or
        earlier in this one) only gain a sighting; their claims here are skipped, so a
        paper has exactly one set of claims, those of its first sighting.
        """
        with self._transaction(f"store {source}"):
            if self.has_source(sha256):
                return IngestOutcome(source=source, sha256=sha256, status="unchanged")
            done = self._store_papers(sha256, papers, claims, run_id)
            self._insert_source(SourceRecord(
                source=source, sha256=sha256, fmt=fmt, size=size, n_papers=len(papers),
                n_claims=len(claims), papers_new=done.papers_new,
                claims_added=done.claims_added), run_id)
            return done.outcome(source, sha256)

    # A large file is stored in batches, each in its own transaction, and marked whole
    # by its ``sources`` row, written with its last batch. A file whose batches are in
    # the store without that row was cut short (killed, interrupted): a re-run resumes
    # it after its last stored paper (:meth:`stored_through`), or a failed read drops
    # it (:meth:`discard_partial`), so a file is never left half-stored by a run that
    # ends normally.
    def stored_through(self, sha256: str) -> int:
        """How many leading papers of a partly stored file are in the store (0: none).
        Batches are stored in file order, so they are papers ``0 .. n-1``."""
        row = self._first("SELECT count(*), coalesce(max(paper_index) + 1, 0) FROM sightings "
                          "WHERE source_sha256 = ?", [sha256])
        count, through = (int(row[0]), int(row[1])) if row else (0, 0)
        if count != through:
            raise StoreError(f"sightings of file {sha256[:12]} are not a run of whole "
                             f"batches ({count} stored, last position {through - 1})")
        return through

    def partial_counts(self, sha256: str) -> BatchCounts:
        """What earlier, unfinished runs stored of a file (for its ``sources`` row)."""
        row = self._first(
            "WITH firsts AS (SELECT paper_id, arg_min(source_sha256, sighting_no) AS sha "
            "FROM sightings GROUP BY paper_id) "
            "SELECT (SELECT count(*) FROM sightings WHERE source_sha256 = $1), "
            "(SELECT count(*) FROM firsts WHERE sha = $1), "
            "(SELECT count(*) FROM claims c JOIN firsts f USING (paper_id) WHERE f.sha = $1)",
            [sha256])
        sightings, papers_new, claims = (int(v) for v in row) if row else (0, 0, 0)
        return BatchCounts(papers_new=papers_new, papers_seen_before=sightings - papers_new,
                           sightings_added=sightings, claims_added=claims)

    def store_batch(self, sha256: str, papers: Sequence[SourcedPaper],
                    claims: Sequence[Claim], run_id: str, *,
                    finish: SourceRecord | None = None) -> BatchCounts:
        """Store one batch of a file's papers (and their claims) in one transaction.

        With ``finish`` -- the file's totals *before* this batch -- the file's
        ``sources`` row is written in the same transaction, with this batch's counts
        added, marking the file as stored whole."""
        first = papers[0].sighting if papers else None
        what = (f"store papers from #{first.paper_index} of {first.source}" if first
                else f"finish {finish.source if finish else sha256}")
        with self._transaction(what):
            if self.has_source(sha256):
                raise StoreError(f"file {sha256[:12]} is already stored whole")
            done = self._store_papers(sha256, papers, claims, run_id)
            if finish is not None:
                self._insert_source(replace(
                    finish, n_papers=finish.n_papers + len(papers),
                    n_claims=finish.n_claims + len(claims),
                    papers_new=finish.papers_new + done.papers_new,
                    claims_added=finish.claims_added + done.claims_added), run_id)
            return done

    def discard_partial(self, sha256: str) -> None:
        """Remove what unfinished runs stored of a file that has now failed: its
        sightings, and the papers (with their claims) seen in no other file."""
        with self._transaction(f"discard the stored part of file {sha256[:12]}"):
            only_here = (
                "SELECT paper_id FROM sightings GROUP BY paper_id "
                "HAVING bool_and(source_sha256 = $1)")
            self._con.execute(f"DELETE FROM claims WHERE paper_id IN ({only_here})", [sha256])
            self._con.execute(f"DELETE FROM papers WHERE paper_id IN ({only_here})", [sha256])
            self._con.execute("DELETE FROM sightings WHERE source_sha256 = $1", [sha256])

    def _insert_source(self, record: SourceRecord, run_id: str) -> None:
        self._con.execute(
            "INSERT INTO sources (sha256, source, size, format, n_papers, n_claims, "
            "papers_new, claims_added, run_id, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record.sha256, record.source, record.size, record.fmt, record.n_papers,
             record.n_claims, record.papers_new, record.claims_added, run_id, _utcnow()])

    def _store_papers(self, sha256: str, papers: Sequence[SourcedPaper],
                      claims: Sequence[Claim], run_id: str) -> BatchCounts:
        # First sighting of each paper in this batch, and its metadata merged in order.
        merged: dict[str, dict[str, Any]] = {}
        first_index: dict[str, int] = {}
        sighted: set[tuple[str, int]] = set()
        for item in papers:
            pid = item.paper.paper_id
            if item.sighting.paper_id != pid:
                raise StoreError(f"sighting of {item.sighting.paper_id} carries paper {pid}")
            sighted.add((pid, item.sighting.paper_index))
            if pid in merged:
                _merge_metadata(merged[pid], item.paper)
            else:
                merged[pid] = _paper_row(item.paper, run_id)
                first_index[pid] = item.sighting.paper_index

        stored_before = self._stored_paper_ids(list(merged))
        new_ids = [pid for pid in merged if pid not in stored_before]

        # Two *different* claims under one id are kept both: the key constraint then
        # refuses the batch midway (after its papers) and the whole batch is rolled back.
        # (read as rows: a worker's claims arrive as rows, and rows compare as claims do)
        kept: list[ClaimRow] = []
        seen: dict[str, ClaimRow] = {}
        skipped = 0
        for row in claim_rows(claims):
            claim_id, pid, index = row[_CLAIM_ID], row[_PAPER_ID], row[_PAPER_INDEX]
            if (pid, index) not in sighted:
                raise StoreError(f"claim {claim_id} is of paper {pid} at position "
                                 f"{index}, which this file does not hold")
            if pid in stored_before or index != first_index[pid]:
                skipped += 1
            elif seen.get(claim_id) == row:
                skipped += 1  # the very same claim twice: keep one
            else:
                seen.setdefault(claim_id, row)
                kept.append(row)

        self._insert_papers([merged[pid] for pid in new_ids])
        self._merge_papers([merged[pid] for pid in merged if pid in stored_before])
        self._insert_sightings(sha256, papers, run_id)
        self._insert_claims(kept, run_id)
        return BatchCounts(papers_new=len(new_ids),
                           papers_seen_before=len(merged) - len(new_ids),
                           sightings_added=len(papers), claims_added=len(kept),
                           claims_skipped=skipped)

    def _stored_paper_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        table = pa.table({"paper_id": pa.array(ids, pa.string())})
        with self._staged("_stage_ids", table) as view:
            rows = self._con.execute(
                f"SELECT p.paper_id FROM papers p JOIN {view} s ON p.paper_id = s.paper_id"
            ).fetchall()
        return {r[0] for r in rows}

    def _insert_papers(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with self._staged("_stage_papers", _staging_table(PAPER_TABLE, rows)) as view:
            self._con.execute(
                f"INSERT INTO papers SELECT {_select_cast(PAPER_TABLE)} FROM {view} s")

    def _merge_papers(self, rows: list[dict[str, Any]]) -> None:
        """Fill metadata a stored paper lacks from a new sighting (first non-null wins)."""
        if not rows:
            return
        frame = _staging_table(PAPER_TABLE, rows)
        with self._staged("_stage_merge", frame) as view:
            sets = []
            for name, sqltype, _ in PAPER_TABLE:
                if name in ("paper_id", "abstract", "content_hash", "run_id"):
                    continue
                if sqltype == "VARCHAR[]":
                    sets.append(f"{name} = CASE WHEN len(papers.{name}) = 0 "
                                f"THEN s.{name} ELSE papers.{name} END")
                else:
                    sets.append(f"{name} = coalesce(papers.{name}, s.{name})")
            self._con.execute(
                f"UPDATE papers SET {', '.join(sets)} "
                f"FROM (SELECT {_select_cast(PAPER_TABLE, 'm')} FROM {view} m) s "
                "WHERE papers.paper_id = s.paper_id")

    def _insert_sightings(self, sha256: str, papers: Sequence[SourcedPaper],
                          run_id: str) -> None:
        if not papers:
            return
        row = self._first("SELECT coalesce(max(sighting_no), 0) FROM sightings")
        start = int(row[0]) if row else 0
        seen = [item.sighting for item in papers]
        n = len(seen)
        table = _columns_table(SIGHTING_TABLE, {
            "sighting_no": list(range(start + 1, start + 1 + n)),
            "paper_id": [s.paper_id for s in seen],
            "source": [s.source for s in seen],
            "source_sha256": [sha256] * n,
            "source_format": [s.source_format for s in seen],
            "paper_index": [s.paper_index for s in seen],
            "abstract_start": [s.abstract_start for s in seen],
            "abstract_end": [s.abstract_end for s in seen],
            "offset_map": [json.dumps([list(p) for p in s.offset_map]) for s in seen],
            "run_id": [run_id] * n,
        })
        with self._staged("_stage_sightings", table) as view:
            self._con.execute(
                f"INSERT INTO sightings SELECT {_select_cast(SIGHTING_TABLE)} FROM {view} s")

    def _insert_claims(self, rows: list[ClaimRow], run_id: str) -> None:
        if not rows:
            return
        values = _row_columns(rows)
        values["run_id"] = [run_id] * len(rows)
        with self._staged("_stage_claims", _columns_table(CLAIM_TABLE, values)) as view:
            self._con.execute(
                f"INSERT INTO claims SELECT {_select_cast(CLAIM_TABLE)} FROM {view} s")

    # --- reading ------------------------------------------------------------------
    def claims_frame(self, benchmark: str | None = None) -> pd.DataFrame:
        """Stored claims with their paper's date, organisation and arXiv id, in a fixed
        order (paper id, span). ``benchmark`` matches a registry id exactly or the
        benchmark as written, ignoring case and surrounding space."""
        where, params = "", []
        if benchmark is not None:
            where = ("WHERE c.benchmark_id = ? "
                     "OR lower(trim(c.benchmark)) = lower(trim(?))")
            params = [benchmark, benchmark]
        return self._claims_query(where, params)

    def _claims_query(self, where: str, params: list[Any]) -> pd.DataFrame:
        cols = ", ".join(
            "coalesce(c.paper_title, p.title) AS paper_title" if name == "paper_title"
            else f"c.{name}" for name in CLAIM_COLUMNS)
        sql = (f"SELECT {cols}, p.published, p.organization, p.arxiv_id "
               f"FROM claims c LEFT JOIN papers p ON p.paper_id = c.paper_id {where} "
               "ORDER BY c.paper_id, c.span_start, c.span_end, c.claim_id")
        frame: pd.DataFrame = self._con.execute(sql, params).df()
        return _typed(frame, (*CLAIM_TABLE, *PAPER_TABLE))

    def papers_frame(self) -> pd.DataFrame:
        """One row per paper (fields of :class:`Paper`) with its numbers of sightings
        and claims, ordered by paper id."""
        cols = ", ".join(f"p.{name}" for name in PAPER_COLUMNS)
        frame: pd.DataFrame = self._con.execute(
            f"SELECT {cols}, "
            "(SELECT count(*) FROM sightings s WHERE s.paper_id = p.paper_id) AS n_sightings, "
            "(SELECT count(*) FROM claims c WHERE c.paper_id = p.paper_id) AS n_claims "
            "FROM papers p ORDER BY p.paper_id").df()
        frame = _typed(frame, (*PAPER_TABLE, ("n_sightings", "BIGINT", ""),
                               ("n_claims", "BIGINT", "")))
        for name in ("authors", "categories"):
            frame[name] = [list(v) for v in frame[name]]
        return frame

    def paper(self, paper_id: str) -> tuple[dict[str, Any], list[dict[str, Any]],
                                            pd.DataFrame] | None:
        """A paper, its sightings (first first) and its claims; None if not stored."""
        cols = ", ".join(PAPER_COLUMNS)
        row = self._first(f"SELECT {cols} FROM papers WHERE paper_id = ?", [paper_id])
        if row is None:
            return None
        record = dict(zip(PAPER_COLUMNS, row, strict=True))
        record["authors"] = list(record["authors"])
        record["categories"] = list(record["categories"])
        cur = self._con.execute(
            "SELECT * FROM sightings WHERE paper_id = ? ORDER BY sighting_no", [paper_id])
        names = [d[0] for d in cur.description]
        sightings = []
        for values in cur.fetchall():
            item = dict(zip(names, values, strict=True))
            item["offset_map"] = [tuple(p) for p in json.loads(item["offset_map"])]
            sightings.append(item)
        return record, sightings, self._claims_query("WHERE c.paper_id = ?", [paper_id])

    def sightings_frame(self) -> pd.DataFrame:
        """Every sighting (paper, source, sha256, abstract offsets and offset map), in
        sighting order: what audits need to re-read claims in their source files."""
        frame: pd.DataFrame = self._con.execute(
            "SELECT paper_id, source, source_sha256, source_format, paper_index, "
            "abstract_start, abstract_end, offset_map FROM sightings ORDER BY sighting_no").df()
        maps: list[Any] = [[tuple(p) for p in json.loads(v)] for v in frame["offset_map"]]
        frame["offset_map"] = pd.Series(maps, index=frame.index, dtype="object")
        return frame

    def sources_frame(self) -> pd.DataFrame:
        """Stored files in ingest order (includes run ids and times: not for exports)."""
        frame: pd.DataFrame = self._con.execute(
            "SELECT * FROM sources ORDER BY ingested_at, sha256").df()
        return frame

    def runs_frame(self) -> pd.DataFrame:
        """Recorded runs, oldest first, with options and counts decoded from JSON."""
        frame: pd.DataFrame = self._con.execute(
            "SELECT * FROM runs ORDER BY started_at, run_id").df()
        for name in ("options", "counts"):
            frame[name] = [json.loads(v) if isinstance(v, str) else None for v in frame[name]]
        return frame

    # --- audits and reviews -----------------------------------------------------------
    def replace_findings(self, findings: Sequence[Mapping[str, Any]], run_id: str | None) -> int:
        """Store the findings of one audit run, replacing the previous run's, atomically."""
        rows = [{**f, "claim_ids": list(f["claim_ids"]),
                 "numbers": json.dumps(f.get("numbers") or {}, sort_keys=True),
                 "run_id": run_id} for f in findings]
        with self._transaction("store audit findings"):
            self._con.execute("DELETE FROM findings")
            if rows:
                frame = _staging_table(FINDING_TABLE, rows)
                with self._staged("staged_findings", frame) as view:
                    self._con.execute(f"INSERT INTO findings SELECT "
                                      f"{_select_cast(FINDING_TABLE)} FROM {view} s")
        return len(rows)

    def findings_frame(self) -> pd.DataFrame:
        """Stored findings in a fixed order (paper, check, message)."""
        frame: pd.DataFrame = self._con.execute(
            "SELECT finding_id, check_name, severity, paper_id, claim_ids, message, evidence, "
            "numbers FROM findings ORDER BY paper_id NULLS FIRST, check_name, message, "
            "finding_id").df()
        frame["claim_ids"] = [list(v) for v in frame["claim_ids"]]
        return frame

    def add_review(self, claim_id: str, decision: str, *, field: str | None = None,
                   value: Any = None, note: str | None = None) -> dict[str, Any]:
        """Record a human decision on a stored claim, keyed by its paper and span."""
        row = self._first("SELECT paper_id, span_start, span_end, value_text FROM claims "
                          "WHERE claim_id = ?", [claim_id])
        if row is None:
            raise StoreError(f"no claim {claim_id!r} in store {self.path}")
        with self._transaction(f"record a review of {claim_id}"):
            number = self._first("SELECT coalesce(max(review_no), 0) + 1 FROM reviews")
            self._con.execute(
                "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [number[0] if number else 1, row[0], row[1], row[2], row[3], decision, field,
                 None if value is None else json.dumps(value), note, _utcnow()])
        return {"paper_id": row[0], "span_start": row[1], "span_end": row[2],
                "value_text": row[3], "decision": decision, "field": field, "value": value}

    def reviews_frame(self) -> pd.DataFrame:
        """Every review decision in the order it was made, with the claim it applies to
        now (``claim_id`` is null when that span no longer holds a claim)."""
        frame: pd.DataFrame = self._con.execute(
            "SELECT r.review_no, r.paper_id, r.span_start, r.span_end, r.value_text, "
            "r.decision, r.field, r.value, r.note, c.claim_id FROM reviews r "
            "LEFT JOIN claims c ON c.paper_id = r.paper_id AND c.span_start = r.span_start "
            "AND c.span_end = r.span_end AND c.value_text = r.value_text "
            "ORDER BY r.review_no").df()
        frame["value"] = [json.loads(v) if isinstance(v, str) else None for v in frame["value"]]
        return frame

    def counts(self) -> dict[str, Any]:
        """Sizes of the store, for ``leaderboard stats``; ``last_run`` is None or a dict."""
        result: dict[str, Any] = {}
        for name, sql in (
            ("papers", "SELECT count(*) FROM papers"),
            ("sightings", "SELECT count(*) FROM sightings"),
            ("claims", "SELECT count(*) FROM claims"),
            ("benchmarks", "SELECT count(DISTINCT coalesce(benchmark_id, "
                           "'name:' || lower(trim(benchmark)))) FROM claims "
                           "WHERE benchmark_id IS NOT NULL OR benchmark IS NOT NULL"),
            ("sources", "SELECT count(*) FROM sources"),
            ("runs", "SELECT count(*) FROM runs"),
        ):
            row = self._first(sql)
            result[name] = int(row[0]) if row else 0
        last = self._first(
            "SELECT run_id, status, started_at, finished_at, counts FROM runs "
            "ORDER BY started_at DESC, run_id DESC LIMIT 1")
        if last is None:
            result["last_run"] = None
        else:
            result["last_run"] = {
                "run_id": last[0], "status": last[1], "started_at": last[2],
                "finished_at": last[3], "counts": json.loads(last[4]) if last[4] else None}
        return result


_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)", re.IGNORECASE)


def _size_setting(text: str) -> str:
    """A memory size for a DuckDB setting, checked (it is written into SQL text)."""
    if not _SIZE.fullmatch(text.strip()):
        raise StoreError(f"not a memory size: {text!r} (e.g. 512MB or 2GB)")
    return text.strip()


def _json(value: Mapping[str, Any]) -> str:
    """Options and counts as stable JSON text (sorted keys; odd values as strings)."""
    return json.dumps(dict(value), sort_keys=True, default=str, ensure_ascii=False)


def _duckdb_problem(exc: Exception, memory_limit: str | None) -> str:
    """What went wrong inside the database, in the words of this tool's options.

    DuckDB's out-of-memory message ends in SQL advice ("SET memory_limit=...") that a
    user of the command line cannot follow; they can raise ``--memory-limit``."""
    text = str(exc)
    if isinstance(exc, duckdb.OutOfMemoryException) or "could not allocate" in text:
        first = text.splitlines()[0] if text else type(exc).__name__
        if memory_limit is None:  # DuckDB's own default cap: most of the machine's memory
            return f"the store ran out of memory ({first})"
        return (f"the store ran out of memory (its buffer pool is capped at {memory_limit}"
                f" by --memory-limit); raise the cap ({first})")
    return text


def _open_error(path: Path, exc: Exception) -> StoreError:
    """Turn duckdb's connection errors into messages naming the file and the fix."""
    text = str(exc)
    if "lock" in text.lower():
        pid = _LOCK_PID.search(text)
        holder = f" (PID {pid.group(1)})" if pid else ""
        return StoreError(f"store {path} is in use by another process{holder}; wait for "
                          "it to finish or use another --db file")
    if "different configuration" in text:
        return StoreError(f"store {path} is already open in this process in another "
                          "mode (read-only vs read-write)")
    return StoreError(f"cannot open store {path}: {text}")


__all__ = [
    "CLAIM_FRAME_COLUMNS",
    "DB_ENV_VAR",
    "PAPER_COLUMNS",
    "SCHEMA_VERSION",
    "BatchCounts",
    "IngestOutcome",
    "SourceRecord",
    "Store",
    "StoreError",
    "default_db_path",
]
