"""The DuckDB store: idempotent, atomic per file, one set of claims per paper."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from leaderboard import store as store_module
from leaderboard.models import CLAIM_COLUMNS, Claim, Paper, Sighting, SourcedPaper, make_claim_id
from leaderboard.store import (
    CLAIM_FRAME_COLUMNS,
    SCHEMA_VERSION,
    Store,
    StoreError,
    default_db_path,
)

ABSTRACT_A = "Orca-Math achieves 86.81% on GSM8K, while GPT-3.5 reaches 57.1% on GSM8K."
ABSTRACT_B = "Our LLaMA-7B variant lowers WikiText-103 perplexity to 10.2."


def sourced(abstract: str, source: str, index: int, *, arxiv_id: str | None = None,
            title: str | None = "A paper", **meta: Any) -> SourcedPaper:
    """A paper as a reader would yield it, at position ``index`` of ``source``."""
    paper = Paper.build(title=title, abstract=abstract, arxiv_id=arxiv_id, **meta)
    start = 100 * index
    sighting = Sighting(paper_id=paper.paper_id, source=source, source_format="plain-text",
                        paper_index=index, abstract_start=start,
                        abstract_end=start + len(abstract))
    return SourcedPaper(paper=paper, sighting=sighting)


def claims_of(item: SourcedPaper, *specs: dict[str, Any]) -> list[Claim]:
    """Claims at the first occurrence of each spec's ``value_text`` in the abstract."""
    out = []
    for spec in specs:
        fields = dict(spec)
        text = fields.pop("value_text")
        start = item.paper.abstract.index(text)
        end = start + len(text)
        out.append(Claim(
            claim_id=make_claim_id(item.paper.paper_id, start, end, text),
            source=item.sighting.source, paper_id=item.paper.paper_id,
            paper_index=item.sighting.paper_index, paper_title=item.paper.title,
            char_start=item.sighting.source_offset(start),
            char_end=item.sighting.source_offset(end), span_start=start, span_end=end,
            value_text=text, sentence=item.paper.abstract,
            **{"kind": "score", **fields}))
    return out


def orca(source: str = "a.txt", index: int = 0, **meta: Any) -> tuple[SourcedPaper, list[Claim]]:
    item = sourced(ABSTRACT_A, source, index, arxiv_id="2402.14830v1", **meta)
    return item, claims_of(
        item,
        dict(value_text="86.81%", value=86.81, unit="%", model="Orca-Math", benchmark="GSM8K",
             benchmark_id="gsm8k"),
        dict(value_text="57.1%", value=57.1, unit="%", model="GPT-3.5", benchmark="GSM8K",
             role="baseline"),
    )


def llama(source: str = "b.txt", index: int = 0) -> tuple[SourcedPaper, list[Claim]]:
    item = sourced(ABSTRACT_B, source, index, title=None)
    return item, claims_of(item, dict(value_text="10.2", value=10.2, model="LLaMA-7B",
                                      benchmark="WikiText-103", metric="perplexity",
                                      params=7e9))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "store.duckdb"


def ingest(st: Store, source: str, sha: str, items: list[tuple[SourcedPaper, list[Claim]]],
           run_id: str = "run-1") -> store_module.IngestOutcome:
    papers = [p for p, _ in items]
    claims = [c for _, cs in items for c in cs]
    return st.ingest_source(source, sha, "plain-text", papers, claims, run_id)


def plain(value: Any) -> Any:
    """NaN/NA/NaT as None, so frames compare equal when their content is equal."""
    return None if not isinstance(value, list) and pd.isna(value) else value


def snapshot(st: Store) -> dict[str, Any]:
    """Everything the store holds that a failed ingest must not change."""
    counts = st.counts()
    return {"counts": {k: v for k, v in counts.items() if k != "last_run"},
            "claims": [{k: plain(v) for k, v in r.items()}
                       for r in st.claims_frame().to_dict("records")],
            "papers": [{k: plain(v) for k, v in r.items()}
                       for r in st.papers_frame().to_dict("records")]}


# --- ingest ------------------------------------------------------------------------

def test_open_creates_parent_dirs_and_schema(db: Path) -> None:
    with Store.open(db) as st:
        assert st.counts()["papers"] == 0
    assert db.is_file()
    with Store.open(db, read_only=True) as st:
        assert st.counts()["claims"] == 0


def test_reingest_same_file_adds_nothing(db: Path) -> None:
    with Store.open(db) as st:
        first = ingest(st, "a.txt", "sha-a", [orca(), llama("a.txt", 1)])
        assert (first.status, first.papers_new, first.sightings_added, first.claims_added) == (
            "added", 2, 2, 3)
        before = snapshot(st)
        again = ingest(st, "renamed.txt", "sha-a", [orca(), llama("a.txt", 1)], "run-2")
        assert again.status == "unchanged"
        assert (again.papers_new, again.sightings_added, again.claims_added) == (0, 0, 0)
        assert snapshot(st) == before
        assert st.has_source("sha-a") and not st.has_source("sha-b")


def test_paper_seen_in_second_file_gets_a_sighting_not_claims(db: Path) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca()])
        outcome = ingest(st, "b.txt", "sha-b",
                         [orca("b.txt", 4, organization="Microsoft"), llama("b.txt", 5)])
        assert outcome.status == "added"
        assert (outcome.papers_new, outcome.papers_seen_before) == (1, 1)
        assert (outcome.sightings_added, outcome.claims_added, outcome.claims_skipped) == (
            2, 1, 2)
        counts = st.counts()
        assert (counts["papers"], counts["sightings"], counts["claims"], counts["sources"]) == (
            2, 3, 3, 2)
        paper, sightings, claims = st.paper("arXiv:2402.14830")  # type: ignore[misc]
        # metadata the first sighting lacked is filled from the second one
        assert paper["organization"] == "Microsoft"
        assert [(s["source"], s["paper_index"]) for s in sightings] == [
            ("a.txt", 0), ("b.txt", 4)]
        # the claims stay those of the first sighting
        assert set(claims["source"]) == {"a.txt"}


def test_first_non_null_metadata_wins(db: Path) -> None:
    with Store.open(db) as st:
        item, claims = orca(organization="Microsoft", published=date(2024, 2, 22))
        ingest(st, "a.txt", "sha-a", [(item, claims)])
        later, _ = orca("b.txt", organization="Other", upvotes=12, authors=("X Y",))
        ingest(st, "b.txt", "sha-b", [(later, [])])
        paper = st.paper(item.paper.paper_id)
        assert paper is not None
        assert paper[0]["organization"] == "Microsoft"
        assert paper[0]["published"] == date(2024, 2, 22)
        assert paper[0]["upvotes"] == 12
        assert paper[0]["authors"] == ["X Y"]


def test_same_paper_twice_in_one_file(db: Path) -> None:
    with Store.open(db) as st:
        first, claims_first = orca("a.txt", 0)
        second, claims_second = orca("a.txt", 3)
        outcome = ingest(st, "a.txt", "sha-a", [(first, claims_first), (second, claims_second)])
        assert (outcome.papers_new, outcome.sightings_added, outcome.claims_added) == (1, 2, 2)
        claims = st.claims_frame()
        assert claims["paper_index"].tolist() == [0, 0]


def test_claims_round_trip_through_the_store(db: Path) -> None:
    items = [orca(), llama("a.txt", 1)]
    originals = sorted((c for _, cs in items for c in cs),
                       key=lambda c: (c.paper_id, c.span_start))
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", items)
        frame = st.claims_frame()
    assert tuple(frame.columns) == CLAIM_FRAME_COLUMNS
    assert "run_id" not in frame.columns
    rebuilt = []
    for row in frame[list(CLAIM_COLUMNS)].to_dict("records"):
        rebuilt.append(Claim.model_validate({str(k): plain(v) for k, v in row.items()}))
    assert rebuilt == originals


@pytest.mark.parametrize("benchmark, expected", [
    ("gsm8k", {"86.81%", "57.1%"}),    # the registry id of one, the written name of both
    (" GSM8k ", {"86.81%", "57.1%"}),  # written name, case and space folded
    ("WikiText-103", {"10.2"}),
    ("nothing", set()),
])
def test_claims_frame_benchmark_filter(db: Path, benchmark: str, expected: set[str]) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca(), llama("a.txt", 1)])
        assert set(st.claims_frame(benchmark)["value_text"]) == expected


def test_paper_lookup(db: Path) -> None:
    with Store.open(db) as st:
        assert st.paper("arXiv:nope") is None
        item, claims = llama()
        mapped = item.model_copy(update={"sighting": item.sighting.model_copy(
            update={"offset_map": ((0, 5), (10, 17))})})
        ingest(st, "b.txt", "sha-b", [(mapped, claims)])
        found = st.paper(item.paper.paper_id)
        assert found is not None
        paper, sightings, frame = found
        assert paper["abstract"] == ABSTRACT_B and paper["title"] is None
        assert sightings[0]["offset_map"] == [(0, 5), (10, 17)]
        assert sightings[0]["source_sha256"] == "sha-b"
        assert frame["value"].tolist() == [10.2]


# --- atomicity ---------------------------------------------------------------------

def test_conflicting_claim_ids_roll_back_the_whole_file(db: Path) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca()])
        before = snapshot(st)
        item, claims = llama("b.txt", 0)
        clash = claims[0].model_copy(update={"model": "Another-Model"})  # same claim_id
        with pytest.raises(StoreError, match=r"could not store b\.txt") as raised:
            ingest(st, "b.txt", "sha-b", [(item, [*claims, clash])])
        # the failed statement's own error, not duckdb's refusal of the calls after it
        assert "key" in str(raised.value).lower()
        assert "transaction is aborted" not in str(raised.value)
        assert snapshot(st) == before
        assert st.paper(item.paper.paper_id) is None
        assert not st.has_source("sha-b")
        # the corrected file then goes in normally
        assert ingest(st, "b.txt", "sha-b", [(item, claims)]).status == "added"


def test_failure_after_papers_are_written_leaves_nothing(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca()])
        before = snapshot(st)

        def boom(self: Store, claims: list[Claim], run_id: str) -> None:
            assert self.counts()["papers"] == 2  # the new paper is in, uncommitted
            raise RuntimeError("disk full")

        monkeypatch.setattr(Store, "_insert_claims", boom)
        with pytest.raises(StoreError, match=r"could not store b\.txt: disk full"):
            ingest(st, "b.txt", "sha-b", [llama(), orca("b.txt", 1)])
        assert snapshot(st) == before
        assert st.counts()["sightings"] == 1


def test_interrupt_rolls_back_and_propagates(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db) as st:
        def interrupted(self: Store, claims: list[Claim], run_id: str) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(Store, "_insert_claims", interrupted)
        with pytest.raises(KeyboardInterrupt):
            ingest(st, "b.txt", "sha-b", [llama()])
        assert st.counts()["papers"] == 0


class _CommitRunsOutOfMemory:
    """A connection whose COMMIT fails the way DuckDB's does when the buffer pool is
    full: the transaction is ended on DuckDB's side (rolled back), then it raises."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def commit(self) -> None:
        self._con.rollback()
        raise duckdb.TransactionException(
            "TransactionContext Error: Failed to commit: could not allocate block of size "
            "256.0 KiB (7.5 MiB/7.6 MiB used)\n\nPossible solutions:\n* SET threads=X")


def test_a_commit_that_fails_is_reported_by_its_cause(db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB ends a transaction whose COMMIT fails; the ROLLBACK after it then raised
    "no transaction is active", which hid the real cause (out of memory)."""
    with Store.open(db, memory_limit="64MB") as st:
        ingest(st, "a.txt", "sha-a", [orca()])
        before = snapshot(st)
        monkeypatch.setattr(st, "_con", _CommitRunsOutOfMemory(st._con))
        with pytest.raises(StoreError) as raised:
            ingest(st, "b.txt", "sha-b", [llama()])
        message = str(raised.value)
        assert message.startswith("could not store b.txt: the store ran out of memory")
        assert "capped at 64MB by --memory-limit); raise the cap" in message
        assert "no transaction is active" not in message and "SET threads" not in message
        monkeypatch.undo()
        assert snapshot(st) == before


@pytest.mark.parametrize("bad_claim, message", [
    ({"paper_id": "arXiv:0000.00000"}, "which this file does not hold"),
    ({"paper_index": 7}, "which this file does not hold"),
])
def test_claims_must_belong_to_the_file(db: Path, bad_claim: dict[str, Any],
                                        message: str) -> None:
    with Store.open(db) as st:
        item, claims = llama()
        with pytest.raises(StoreError, match=message):
            ingest(st, "b.txt", "sha-b", [(item, [claims[0].model_copy(update=bad_claim)])])
        assert st.counts()["papers"] == 0


# --- schema and opening ------------------------------------------------------------

@pytest.mark.parametrize("sql, message", [
    ("UPDATE meta SET value = '99' WHERE key = 'schema_version'", "schema version 99"),
    ("UPDATE meta SET value = 'x' WHERE key = 'schema_version'", "schema version x"),
    ("DELETE FROM meta", "schema version unknown"),
    ("DROP TABLE meta", "not a leaderboard store"),
    ("DROP TABLE runs", "missing tables runs"),
])
def test_unreadable_store_is_refused(db: Path, sql: str, message: str) -> None:
    with Store.open(db):
        pass
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match=message):
            Store.open(db, read_only=read_only)


def test_schema_version_is_recorded(db: Path) -> None:
    with Store.open(db):
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]
    con.close()


def test_read_only_store(db: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    with Store.open(db):
        pass
    with Store.open(db, read_only=True) as st, pytest.raises(StoreError, match="read-only"):
        ingest(st, "a.txt", "sha-a", [orca()])


@pytest.mark.parametrize("name, content", [
    ("claims.csv", "a,b\n1,2\n"),      # duckdb would open this as views over the CSV
    ("empty.duckdb", ""),
    ("junk.duckdb", "not a database\n" * 500),
])
def test_not_a_database_file(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="cannot open store"):
            Store.open(path, read_only=read_only)
    assert path.read_text() == content


_HOLD = textwrap.dedent("""
    import sys
    from leaderboard.store import Store
    with Store.open(sys.argv[1]):
        print("holding", flush=True)
        sys.stdin.readline()
""")


@pytest.mark.parametrize("read_only", [False, True])
def test_second_process_gets_a_clean_error(db: Path, read_only: bool) -> None:
    with Store.open(db):
        pass
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError, match=r"is in use by another process \(PID \d+\)"):
            Store.open(db, read_only=read_only)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    with Store.open(db) as st:  # released: usable again
        assert st.counts()["papers"] == 0


@pytest.mark.parametrize("env, expected", [
    (None, Path("data/leaderboard.duckdb")),
    ("", Path("data/leaderboard.duckdb")),
    ("/tmp/x/lb.duckdb", Path("/tmp/x/lb.duckdb")),
])
def test_default_db_path(monkeypatch: pytest.MonkeyPatch, env: str | None,
                         expected: Path) -> None:
    if env is None:
        monkeypatch.delenv("LEADERBOARD_DB", raising=False)
    else:
        monkeypatch.setenv("LEADERBOARD_DB", env)
    assert default_db_path() == expected


# --- runs and counts ---------------------------------------------------------------

def test_runs_are_recorded(db: Path) -> None:
    with Store.open(db) as st:
        assert st.last_run_id() is None and st.counts()["last_run"] is None
        run_id = st.begin_run({"paths": ["data/samples"], "fmt": None})
        ingest(st, "a.txt", "sha-a", [orca(), llama("a.txt", 1)], run_id)
        st.finish_run(run_id, {"files": 1, "claims": 3}, "ok")
        assert st.last_run_id() == run_id
        counts = st.counts()
        assert {k: counts[k] for k in ("papers", "sightings", "claims", "benchmarks",
                                        "sources", "runs")} == {
            # GSM8K by registry id and GSM8K only as written are two, as on leaderboards
            "papers": 2, "sightings": 2, "claims": 3, "benchmarks": 3, "sources": 1, "runs": 1}
        assert counts["last_run"]["status"] == "ok"
        assert counts["last_run"]["counts"] == {"files": 1, "claims": 3}
        runs = st.runs_frame()
        assert runs["options"].tolist() == [{"fmt": None, "paths": ["data/samples"]}]
        assert st.sources_frame()["run_id"].tolist() == [run_id]
        with pytest.raises(StoreError, match="no run"):
            st.finish_run("no-such-run", {}, "ok")


def test_papers_frame(db: Path) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca(authors=("A B", "C D")), llama("a.txt", 1)])
        ingest(st, "b.txt", "sha-b", [orca("b.txt", 0)])
        frame = st.papers_frame()
    assert frame["paper_id"].tolist() == sorted(frame["paper_id"])
    by_id = frame.set_index("paper_id")
    assert by_id.loc["arXiv:2402.14830", "authors"] == ["A B", "C D"]
    assert by_id.loc["arXiv:2402.14830", "n_sightings"] == 2
    assert by_id.loc["arXiv:2402.14830", "n_claims"] == 2
    assert "run_id" not in frame.columns


def test_offsets_past_two_to_the_31_are_stored(db: Path) -> None:
    """A 4 GB file (the arXiv metadata snapshot) has character offsets past 2**31: its
    sightings and claims store them (an INTEGER column refused them, failing the file
    after 1.2 million papers)."""
    item, claims = orca()
    far = 3_000_000_000 + 7
    moved = item.model_copy(update={"sighting": item.sighting.model_copy(update={
        "abstract_start": far, "abstract_end": far + len(ABSTRACT_A)})})
    claims = claims_of(moved, dict(value_text="86.81%", value=86.81, unit="%"))
    assert claims[0].char_start > 2**31
    with Store.open(db) as st:
        assert ingest(st, "big.jsonl", "sha-big", [(moved, claims)]).status == "added"
        stored = st.claims_frame()
        sightings = st.sightings_frame()
    assert stored["char_start"].tolist() == [claims[0].char_start]
    assert stored["char_end"].tolist() == [claims[0].char_end]
    assert sightings["abstract_start"].tolist() == [far]


def test_a_version_2_store_gets_wide_offsets_and_keeps_its_rows(db: Path) -> None:
    with Store.open(db) as st:
        ingest(st, "a.txt", "sha-a", [orca(), llama("a.txt", 1)])
        before = snapshot(st)
    con = duckdb.connect(str(db))
    for table, column in (("sightings", "abstract_start"), ("claims", "char_end")):
        con.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE INTEGER")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with Store.open(db) as st:  # opened for writing: migrated
        assert snapshot(st) == before
    con = duckdb.connect(str(db), read_only=True)
    types = dict(con.execute(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE column_name IN ('abstract_start', 'abstract_end', 'char_start', 'char_end')"
    ).fetchall())
    version = con.execute("SELECT value FROM meta").fetchone()
    con.close()
    assert types == {"sightings.abstract_start": "BIGINT", "sightings.abstract_end": "BIGINT",
                     "claims.char_start": "BIGINT", "claims.char_end": "BIGINT"}
    assert version == (str(SCHEMA_VERSION),)
