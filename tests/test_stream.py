"""Streaming ingest: batches, worker processes, resuming, and files failing part-way.

The corpus is arXiv-style JSON lines built from the sample abstracts, each paper made
distinct (its own id and a sentence of its own), so that it splits into many batches.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import CLI, ROOT, SAMPLES

from leaderboard.extract import Limits, _default_finder
from leaderboard.ingest import ingest_paths
from leaderboard.models import Claim, SourcedPaper
from leaderboard.sources import iter_input_paths, read_source
from leaderboard.store import Store
from leaderboard.stream import Batch, LocalMapper, StreamItem, stream_files


def write_corpus(path: Path, n: int, *, start: int = 0) -> Path:
    """``n`` distinct papers as arXiv snapshot JSON lines."""
    papers = [item.paper for p in iter_input_paths([str(SAMPLES)]) if isinstance(p, str)
              for item in read_source(p)]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            paper = papers[i % len(papers)]
            fh.write(json.dumps({
                "id": f"2501.{i:05d}", "title": paper.title, "authors": "A. Author and B. Author",
                "categories": "cs.CL", "update_date": "2025-01-07", "versions": [],
                "abstract": f"  {paper.abstract} We repeat each run {i % 7 + 2} times.\n",
            }) + "\n")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "papers.jsonl", 1200)


def table_digest(db: Path) -> dict[str, str]:
    """What a store holds, independent of run ids and times: a digest per table."""
    queries = {
        "papers": "SELECT * EXCLUDE (run_id) FROM papers ORDER BY paper_id",
        "claims": "SELECT * EXCLUDE (run_id) FROM claims ORDER BY claim_id",
        "sightings": "SELECT * EXCLUDE (run_id) FROM sightings ORDER BY sighting_no",
        "sources": "SELECT sha256, source, size, format, n_papers, n_claims, papers_new, "
                   "claims_added FROM sources ORDER BY sha256",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: hashlib.sha256(repr(con.execute(sql).fetchall()).encode()).hexdigest()
                for name, sql in queries.items()}
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for t in ("papers", "claims", "sightings", "sources")}
    finally:
        con.close()


def rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """The rows of one query on a store, opened read-only for it alone."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def sightings_from(db: Path, source: Path) -> int:
    """How many papers of ``source`` the store holds."""
    found = rows(db, "SELECT count(*) FROM sightings WHERE source = ?", [str(source)])
    return int(str(found[0][0]))


def sightings_by_place(db: Path) -> list[tuple[object, ...]]:
    """Every sighting but its number (which follows the order files went in)."""
    return rows(db, "SELECT * EXCLUDE (run_id, sighting_no) FROM sightings "
                    "ORDER BY source_sha256, paper_index")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus and the samples ingested in one batch per file, in this process."""
    db = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    report = ingest_paths(db, [str(corpus), str(SAMPLES)], jobs=1, batch_size=100_000)
    assert report.failed == 0
    return db


def test_batches_follow_the_file_and_flag_its_end(corpus: Path) -> None:
    items = list(stream_files([str(corpus)], batch_size=500))
    batches = [i for i in items if isinstance(i, Batch)]
    assert [len(b.papers) for b in batches] == [500, 500, 200]
    assert [b.last for b in batches] == [False, False, True]
    assert [p.sighting.paper_index for b in batches for p in b.papers] == list(range(1200))
    assert not isinstance(items[-1], Batch) and items[-1].job.ok


def test_worker_processes_give_the_same_store(corpus: Path, reference: Path,
                                              tmp_path: Path) -> None:
    db = tmp_path / "pool.duckdb"
    with LocalMapper(jobs=2, pool_after=0) as mapper:
        report = ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=150,
                              mapper=mapper)
        assert mapper.started_pool  # the work really went to worker processes
    assert report.failed == 0
    assert report.counts()["papers_new"] == counts(reference)["papers"]
    assert table_digest(db) == table_digest(reference)


def registry_cache() -> tuple[int, int]:
    """(hits, misses) of the registry cache in the process that runs this."""
    info = _default_finder.cache_info()
    return info.hits, info.misses


def test_workers_start_with_the_registries_the_fork_server_built() -> None:
    with LocalMapper(jobs=2, pool_after=0) as mapper:
        hits, misses = mapper._executor().submit(registry_cache).result(timeout=120)
    # built once, before the fork (the miss); the worker's own warm-up found them (a hit)
    assert (misses, hits >= 1) == (1, True)


def test_extract_output_does_not_depend_on_jobs_or_batches(corpus: Path, tmp_path: Path) -> None:
    outs = []
    for n, args in enumerate((["--jobs", "1"], ["--jobs", "2", "--batch-size", "100"])):
        out = tmp_path / f"claims{n}.jsonl"
        run = subprocess.run([str(CLI), "extract", str(corpus), "-o", str(out), *args],
                             capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 1000


class Interrupted(LocalMapper):
    """Extracts in this process and raises KeyboardInterrupt after ``after`` batches,
    as Ctrl-C would between two batches."""

    def __init__(self, after: int) -> None:
        super().__init__(jobs=1)
        self.after = after

    def map(self, items: Iterable[StreamItem]) -> Iterator[StreamItem]:
        done = 0
        for item in super().map(items):
            if isinstance(item, Batch):
                if done == self.after:
                    raise KeyboardInterrupt
                done += 1
            yield item


def test_an_interrupted_ingest_resumes_where_it_stopped(corpus: Path, reference: Path,
                                                        tmp_path: Path) -> None:
    db = tmp_path / "resumed.duckdb"
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=250, mapper=Interrupted(3))
    stored = counts(db)
    assert stored["sightings"] == 750 and stored["sources"] == 0  # three whole batches
    with Store.open(db, read_only=True) as st:
        runs = st.runs_frame()
    assert list(runs["status"]) == ["interrupted"]

    report = ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=250, jobs=1)
    assert report.resumed == [str(corpus)]
    assert report.failed == 0
    assert table_digest(db) == table_digest(reference)  # complete, nothing twice
    # and once whole, a third run adds nothing
    again = ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=250, jobs=1)
    assert again.counts()["files_unchanged"] == 4 and again.counts()["claims_added"] == 0


def test_a_file_failing_part_way_is_removed_and_the_run_goes_on(corpus: Path,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = write_corpus(tmp_path / "x.jsonl", 900, start=5000).read_text().splitlines()
    lines[700] = '{"id": "2501.9", "abstract": "cut'  # invalid JSON deep in the file
    bad.write_text("\n".join(lines) + "\n")
    db = tmp_path / "store.duckdb"
    failures: list[str] = []
    report = ingest_paths(db, [str(bad), str(SAMPLES)], batch_size=200, jobs=1,
                          on_failure=lambda r: failures.append(f"{r.source}: {r.error}"))
    assert len(failures) == 1 and failures[0].startswith(f"{bad}: line 701: invalid JSON")
    assert report.counts()["files_added"] == 3
    con = duckdb.connect(str(db), read_only=True)
    try:  # three batches were stored before the bad line was read: all gone again
        left = con.execute("SELECT count(*) FROM sightings WHERE source = ?",
                           [str(bad)]).fetchone()
        papers = con.execute("SELECT count(*) FROM papers WHERE paper_id LIKE "
                             "'arXiv:2501.5%'").fetchone()
    finally:
        con.close()
    assert left == (0,) and papers == (0,)


def test_extract_keeps_only_whole_files(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = write_corpus(tmp_path / "x.jsonl", 600, start=7000).read_text().splitlines()
    lines[550] = "{not json"
    bad.write_text("\n".join(lines) + "\n")
    good = sorted(SAMPLES.iterdir())[0]
    expected = subprocess.run([str(CLI), "extract", str(good), "-o", "-"], cwd=ROOT,
                              capture_output=True, timeout=300).stdout
    for target in ("file", "stdout"):
        out = tmp_path / f"out-{target}.jsonl"
        run = subprocess.run(
            [str(CLI), "extract", str(bad), str(good), "--batch-size", "100",
             "-o", str(out) if target == "file" else "-"],
            cwd=ROOT, capture_output=True, timeout=300)
        assert run.returncode == 1
        assert f"error {bad}: line 551: invalid JSON".encode() in run.stderr
        written = out.read_bytes() if target == "file" else run.stdout
        assert written == expected and written  # the bad file's 500 papers taken back


def test_the_same_file_twice_in_one_run_is_read_once(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(corpus.read_bytes())
    db = tmp_path / "twice.duckdb"
    with LocalMapper(jobs=2, pool_after=0) as mapper:
        report = ingest_paths(db, [str(corpus), str(copy)], batch_size=300, mapper=mapper)
    assert report.failed == 0
    assert [o.status for o in report.outcomes] == ["added", "unchanged"]
    assert counts(db)["sightings"] == 1200


def test_kill_9_mid_file_then_rerun_gives_a_complete_store(tmp_path: Path) -> None:
    """``kill -9`` while one large file is being stored in batches by worker processes:
    whole batches only survive, and a re-run completes the file with no duplicates."""
    big = write_corpus(tmp_path / "big.jsonl", 4000, start=20_000)
    fresh = tmp_path / "fresh.duckdb"
    assert ingest_paths(fresh, [str(big)], jobs=1, batch_size=100_000).failed == 0
    args = [str(CLI), "ingest", str(big), "--jobs", "2", "--batch-size", "100"]
    for attempt, delay in enumerate((3.0, 5.0, 8.0, 12.0, 18.0)):
        db = tmp_path / f"killed{attempt}.duckdb"
        proc = subprocess.Popen([*args, "--db", str(db)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL: no clean-up of any kind
            proc.wait()
        if not db.exists():
            continue
        try:
            stored = counts(db)
        except duckdb.Error:  # killed before the schema was committed
            continue
        if stored["sources"] == 0 and stored["sightings"] > 0:
            break  # the kill landed mid-file
    else:
        pytest.fail("the kill never landed while the file was part-stored")
    assert stored["sightings"] % 100 == 0  # whole batches only
    run = subprocess.run([*args, "--db", str(db)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert "1 file(s) resumed" in run.stderr
    assert table_digest(db) == table_digest(fresh)
    con = duckdb.connect(str(db), read_only=True)
    try:
        dupes = con.execute("SELECT count(*) - count(DISTINCT claim_id) FROM claims").fetchone()
    finally:
        con.close()
    assert dupes == (0,)


def test_a_store_out_of_memory_is_reported_and_a_rerun_completes(corpus: Path, reference: Path,
                                                                  tmp_path: Path) -> None:
    """A buffer pool too small for a batch: each file is reported with the option to
    raise (no raw DuckDB error, no "no transaction is active"), what was stored is
    whole batches, and the same command with room enough completes the store."""
    db = tmp_path / "tight.duckdb"
    failures: list[str] = []
    ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=200, jobs=1,
                 memory_limit="10MB", on_failure=lambda r: failures.append(str(r.error)))
    assert failures, "10MB no longer too small for a batch: lower the limit in this test"
    for error in failures:
        assert "the store ran out of memory (its buffer pool is capped at 10MB by " \
               "--memory-limit); raise the cap" in error
        assert "no transaction" not in error
    assert sightings_from(db, corpus) % 200 == 0  # whole batches of the big file only
    report = ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=200, jobs=1)
    assert report.failed == 0
    done, whole = table_digest(db), table_digest(reference)
    # files went in in another order, so sightings are numbered in another order
    done.pop("sightings"), whole.pop("sightings")
    assert done == whole
    assert sightings_by_place(db) == sightings_by_place(reference)


def test_a_bad_memory_limit_is_refused_before_the_store_is_touched(tmp_path: Path) -> None:
    db = tmp_path / "never.duckdb"
    run = subprocess.run([str(CLI), "ingest", str(SAMPLES), "--db", str(db),
                          "--memory-limit", "lots"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert run.returncode == 1 and "not a memory size: 'lots'" in run.stderr
    assert not db.exists()


def test_a_failed_batch_stops_the_reading_of_its_file(corpus: Path) -> None:
    """A consumer that fails a batch (``job.error``) gets no more batches of that file:
    it is dropped whole, so reading and extracting the rest would be wasted work. The
    next file is read as usual."""
    seen: list[tuple[str, int]] = []
    for item in stream_files([str(corpus), str(SAMPLES)], batch_size=100):
        if isinstance(item, Batch):
            seen.append((item.job.source, len(item.papers)))
            if item.job.source == str(corpus) and len(seen) == 2:
                item.job.error = "the store refused this batch"
        elif item.job.source == str(corpus):
            assert item.job.error == "the store refused this batch"
    from_corpus = [n for source, n in seen if source == str(corpus)]
    assert from_corpus == [100, 100]  # 1,200 papers: without the stop, 12 batches
    assert sum(n for source, n in seen if source != str(corpus)) > 0


def test_ingest_reads_no_further_than_a_failed_batch(corpus: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The extractor fails on the third batch of a 1,200-paper file: the file is
    reported and left out of the store, the run goes on with the next file, and the
    reader yields at most one batch past the failed one (the batch read ahead)."""
    import leaderboard.stream as stream

    yielded: list[int] = []
    closed: list[str] = []
    real_read, real_claims = stream.read_source, stream.claims_with_report

    def counting_read(path: str, fmt: str | None = None) -> Iterator[SourcedPaper]:
        try:
            for item in real_read(path, fmt):  # type: ignore[arg-type]
                if path == str(corpus):
                    yielded.append(item.sighting.paper_index)
                yield item
        finally:
            closed.append(path)

    def failing_claims(item: SourcedPaper, limits: Limits) -> tuple[list[Claim], list[str]]:
        if item.sighting.source == str(corpus) and item.sighting.paper_index == 250:
            raise RuntimeError("boom in the extractor")
        return real_claims(item, limits)

    monkeypatch.setattr(stream, "read_source", counting_read)
    monkeypatch.setattr(stream, "claims_with_report", failing_claims)
    failures: list[str] = []
    db = tmp_path / "store.duckdb"
    report = ingest_paths(db, [str(corpus), str(SAMPLES)], batch_size=100, jobs=1,
                          on_failure=lambda r: failures.append(f"{r.source}: {r.error}"))
    assert failures == [f"{corpus}: unexpected RuntimeError while extracting: "
                        "boom in the extractor"]
    assert yielded == list(range(400))  # batches 1-3 and the 4th read ahead; not 1,200
    assert str(corpus) in closed  # the reader was closed, not left holding the file
    assert report.counts()["files_added"] > 0
    assert sightings_from(db, corpus) == 0
