"""Scale benchmark: extract and ingest synthetic corpora of growing size, and compare
the extractor with quantulum3 on the same 1,000 abstracts.

Why: the targets (>= 2,000 abstracts/s per core, >= 100x quantulum3, 1M abstracts
ingested in under 15 minutes with peak RSS under 1.5 GB and flat memory) are about the
real command line on a real machine, so every measurement runs ``leaderboard extract``
and ``leaderboard ingest`` as subprocesses on a corpus written by ``synth.py`` into a
temporary folder (never committed), and records wall time, CPU time (user + sys of the
whole process tree, from ``wait4``), peak memory (VmRSS and PSS summed over the process
tree, sampled every 0.2 s, so worker pools count) and the store's size on disk. Each
size is compared with the previous one, so growth (time per abstract, peak memory,
bytes per abstract) shows directly.

Results go to ``benchmarks/results.json`` and ``benchmarks/RESULTS.md`` (rewritten
whole after every size, so an interrupted run still leaves what it measured).

    python benchmarks/bench_scale.py                      # 10k, 100k, 1M (make bench)
    python benchmarks/bench_scale.py --quick              # 2k, 10k (make bench-quick)
    python benchmarks/bench_scale.py --sizes 10000,100000 [--jobs 2] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib.util
import itertools
import json
import logging
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synth import build_pool, write_corpus

from leaderboard import __version__
from leaderboard.extract import extract_claims
from leaderboard.extract.numbers import find_numbers
from leaderboard.models import Paper
from leaderboard.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 10_000)
COMPARE_N = 1_000
SAMPLE_SECONDS = 0.2
MB = 1024 * 1024

# The targets; the results say whether each was met, never assume it.
TARGET_EXTRACT_PER_CORE = 2_000.0
TARGET_QUANTULUM_RATIO = 100.0
TARGET_1M_INGEST_SECONDS = 15 * 60
TARGET_PEAK_RSS_MB = 1.5 * 1024
TARGET_RSS_GROWTH = 1.25  # "flat": peak RSS grows < 25% between the two largest sizes
# "flat" within one run: the store grows from nothing to the whole corpus as the run goes,
# so memory that grew with the store would peak far higher in the run's second half
TARGET_RSS_HALVES = 1.10


# --- process measurement --------------------------------------------------------------


@dataclass
class Measured:
    """One subprocess run: times in seconds, memory in MiB."""

    command: list[str]
    returncode: int | None
    wall_s: float
    user_s: float
    sys_s: float
    ru_maxrss_mb: float  # largest single process of the tree (kernel's max RSS)
    peak_tree_rss_mb: float  # largest sum of VmRSS over the tree (shared pages counted twice)
    peak_tree_pss_mb: float  # largest sum of PSS over the tree (shared pages split)
    peak_processes: int
    rss_timeline: list[tuple[float, float]] = field(default_factory=list)  # (s, MiB)
    timed_out: bool = False
    stderr_tail: str = ""
    subreaper: bool = False  # orphaned workers' CPU counted (see _become_subreaper)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


def _children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, from every /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(roots: list[int], children: dict[int, list[int]]) -> list[int]:
    pids, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def _status_kb(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_memory(pids: list[int]) -> tuple[float, float]:
    """(sum of VmRSS, sum of PSS) of ``pids``, in MiB."""
    rss = pss = 0
    for pid in pids:
        rss += _status_kb(f"/proc/{pid}/status", b"VmRSS:")
        pss += _status_kb(f"/proc/{pid}/smaps_rollup", b"Pss:")
    return rss / 1024, pss / 1024


def _become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``prctl``).

    Why: with a ``forkserver`` pool the workers are children of the fork server, which
    is left to exit on its own when the command ends; without this, their CPU time
    would go to init instead of to the command's ``wait4`` figures."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


_PR_SET_CHILD_SUBREAPER = 36
_SUBREAPER = False


def _reap_orphans() -> None:
    """Collect zombies left from earlier commands so they are not counted in the next."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def run_measured(command: list[str], timeout: float | None = None,
                 stdout: int | None = subprocess.DEVNULL,
                 orphan_grace: float = 60.0) -> Measured:
    """Run ``command`` to its end, sampling the memory of its process tree.

    CPU time and ``ru_maxrss`` come from ``wait4``: for the command and every
    descendant it waited for, and (this process being a subreaper) for descendants
    orphaned on the way, which are reaped here too, waiting up to ``orphan_grace``
    seconds after the command ends. The command gets its own session so a timeout or
    an interrupt ends its whole tree."""
    global _SUBREAPER
    if not _SUBREAPER:
        _SUBREAPER = _become_subreaper()
    _reap_orphans()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=stdout, stderr=err, start_new_session=True)
        peak_rss = peak_pss = 0.0
        peak_procs = 0
        timeline: list[tuple[float, float]] = []
        timed_out = False
        user = system = maxrss = 0.0
        status: int | None = None
        ended = 0.0
        try:
            while True:
                # the command and any orphan reparented here: reap all, add their usage
                with contextlib.suppress(ChildProcessError):
                    while True:
                        pid, st, usage = os.wait4(-1, os.WNOHANG)
                        if not pid:
                            break
                        user += usage.ru_utime
                        system += usage.ru_stime
                        maxrss = max(maxrss, usage.ru_maxrss)
                        if pid == proc.pid:
                            status, ended = st, time.perf_counter()
                elapsed = time.perf_counter() - start
                # the tree: our children (the command, and orphans reparented here)
                children = _children_map()
                roots = children.get(os.getpid(), [])
                if status is None and proc.pid not in roots:
                    roots.append(proc.pid)
                if status is not None and (not roots or time.perf_counter() - ended
                                           > orphan_grace):
                    for pid in roots:  # orphans that outlived the grace period
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    break
                pids = _tree(roots, children)
                rss, pss = _tree_memory(pids)
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                peak_procs = max(peak_procs, len(pids))
                timeline.append((round(elapsed, 2), round(rss, 1)))
                if timeout is not None and elapsed > timeout and not timed_out:
                    timed_out = True
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                time.sleep(SAMPLE_SECONDS)
        except BaseException:  # interrupted: do not leave the tree running
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            raise
        wall = (ended or time.perf_counter()) - start
        assert status is not None
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    _reap_orphans()
    return Measured(
        command=command,
        returncode=proc.returncode,
        wall_s=round(wall, 3),
        user_s=round(user, 3),
        sys_s=round(system, 3),
        ru_maxrss_mb=round(maxrss / 1024, 1),
        peak_tree_rss_mb=round(peak_rss, 1),
        peak_tree_pss_mb=round(peak_pss, 1),
        peak_processes=peak_procs,
        rss_timeline=_thin(timeline, 40),
        timed_out=timed_out,
        stderr_tail=tail,
        subreaper=_SUBREAPER,
    )


def _thin(points: list[tuple[float, float]], keep: int) -> list[tuple[float, float]]:
    """At most ``keep`` points, evenly spaced, always with the last (and the peak)."""
    if len(points) <= keep:
        return points
    step = len(points) / keep
    chosen = {int(i * step) for i in range(keep)} | {len(points) - 1}
    chosen.add(max(range(len(points)), key=lambda i: points[i][1]))
    return [points[i] for i in sorted(chosen)]


# --- the leaderboard command line -----------------------------------------------------


def leaderboard_command() -> list[str]:
    """The installed ``leaderboard`` script next to this interpreter (the venv's)."""
    script = Path(sys.executable).parent / "leaderboard"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from leaderboard.cli import main; main()"]


def supports_option(command: list[str], subcommand: str, option: str) -> bool:
    """Whether ``leaderboard SUBCOMMAND --help`` lists ``option`` (e.g. ``--jobs``,
    which is being added: the benchmark passes it only where it exists)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run([*command, subcommand, "--help"], capture_output=True, text=True,
                          env=env, check=False)
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", done.stdout) is not None


def store_counts(db: Path) -> dict[str, int | None]:
    """Papers and claims in the store (None when it cannot be read)."""
    counts: dict[str, int | None] = {"papers": None, "claims": None}
    try:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        try:
            for table in counts:
                row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
                counts[table] = int(row[0]) if row else None
        finally:
            con.close()
    except Exception as exc:  # a changed schema must not lose the timings
        print(f"  (store counts unavailable: {exc})", file=sys.stderr)
    return counts


def _file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


# --- one corpus size ------------------------------------------------------------------


def _rates(n: int, m: Measured, jobs: int) -> dict[str, float | None]:
    return {
        "abstracts_per_s": round(n / m.wall_s, 1) if m.wall_s else None,
        "abstracts_per_s_per_core_cpu": round(n / m.cpu_s, 1) if m.cpu_s else None,
        "abstracts_per_s_per_core_wall": round(n / (m.wall_s * jobs), 1) if m.wall_s else None,
    }


def _measured_dict(m: Measured) -> dict[str, Any]:
    d = asdict(m)
    d["cpu_s"] = round(m.cpu_s, 3)
    return d


def bench_size(n: int, args: argparse.Namespace, workdir: Path, lb: list[str],
               jobs_extract: int | None, jobs_ingest: int | None) -> dict[str, Any]:
    """Generate a corpus of ``n`` abstracts, extract it, ingest it; the figures."""
    corpus = workdir / f"synth-{n}.jsonl"
    db = workdir / f"store-{n}.duckdb"
    print(f"[{n:,}] generating corpus ...", file=sys.stderr)
    t0 = time.perf_counter()
    corpus_bytes = write_corpus(corpus, n, args.seed, args.pool)
    generate_s = time.perf_counter() - t0
    result: dict[str, Any] = {"abstracts": n, "corpus_bytes": corpus_bytes,
                              "generate_s": round(generate_s, 2)}

    cmd = [*lb, "extract", str(corpus), "-o", "-"]
    if jobs_extract is not None:
        cmd += ["--jobs", str(jobs_extract)]
    print(f"[{n:,}] extract: {' '.join(cmd[-4:])}", file=sys.stderr)
    m = run_measured(cmd, args.timeout)
    found = re.search(r"(\d+) claims from (\d+) papers", m.stderr_tail)
    result["extract"] = {
        **_measured_dict(m), **_rates(n, m, jobs_extract or 1),
        "jobs": jobs_extract or 1,
        "claims": int(found.group(1)) if found else None,
        "papers": int(found.group(2)) if found else None,
    }
    _say(n, "extract", result["extract"])

    cmd = [*lb, "ingest", str(corpus), "--db", str(db)]
    if jobs_ingest is not None:
        cmd += ["--jobs", str(jobs_ingest)]
    print(f"[{n:,}] ingest: {' '.join(cmd[-4:])}", file=sys.stderr)
    m = run_measured(cmd, args.timeout)
    store_bytes = _file_size(db) + _file_size(db.with_name(db.name + ".wal"))
    result["ingest"] = {
        **_measured_dict(m), **_rates(n, m, jobs_ingest or 1),
        "jobs": jobs_ingest or 1,
        "store_bytes": store_bytes,
        "store_bytes_per_abstract": round(store_bytes / n, 1) if n else None,
        **store_counts(db),
    }
    _say(n, "ingest", result["ingest"])
    if n in args.dask_at and m.returncode == 0:
        result["dask"] = check_dask(corpus, db, workdir, lb, jobs_ingest, args.timeout)
    if n in args.kill_at and m.returncode == 0:
        result["kill"] = check_kill(corpus, db, workdir, lb, jobs_ingest, m.wall_s,
                                    args.timeout)
    if not args.keep:
        corpus.unlink(missing_ok=True)
        for path in workdir.glob(f"store-{n}.duckdb*"):
            path.unlink()
    return result


def _exports(lb: list[str], db: Path, out: Path) -> dict[str, bytes]:
    """The claims export and every leaderboard CSV of a store, by name."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([*lb, "export", "claims", "--db", str(db), "-o", str(out / "claims.csv")],
                   check=True, capture_output=True)
    subprocess.run([*lb, "export", "leaderboards", "--db", str(db), "-o", str(out / "boards")],
                   check=True, capture_output=True)
    files = {"claims.csv": (out / "claims.csv").read_bytes()}
    files.update({f"boards/{p.name}": p.read_bytes()
                  for p in sorted((out / "boards").iterdir())})
    shutil.rmtree(out)
    return files


def _store_facts(db: Path) -> dict[str, Any]:
    """Counts, duplicate claim ids and files not stored whole, read from a store."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "papers": one("SELECT count(*) FROM papers"),
            "claims": one("SELECT count(*) FROM claims"),
            "duplicate_claim_ids": one("SELECT count(*) - count(DISTINCT claim_id) FROM claims"),
            "duplicate_sightings": one(
                "SELECT count(*) - count(DISTINCT (source_sha256, paper_index)) FROM sightings"),
            "sources_not_whole": one(
                "SELECT count(*) FROM sources s WHERE s.n_papers <> (SELECT count(*) FROM "
                "sightings g WHERE g.source_sha256 = s.sha256)"),
        }
    finally:
        con.close()


def check_dask(corpus: Path, reference_db: Path, workdir: Path, lb: list[str],
               jobs: int | None, timeout: float | None) -> dict[str, Any]:
    """Ingest the same corpus with ``--engine dask`` (a local cluster) and compare every
    export byte for byte with the default engine's."""
    if importlib.util.find_spec("distributed") is None:
        return {"skipped": "dask[distributed] is not installed (pip install '.[dask]')"}
    db = workdir / "store-dask.duckdb"
    cmd = [*lb, "ingest", str(corpus), "--db", str(db), "--engine", "dask"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    print(f"dask engine: {' '.join(cmd[-6:])}", file=sys.stderr)
    m = run_measured(cmd, timeout)
    result: dict[str, Any] = {**_measured_dict(m)}
    result.pop("rss_timeline", None)
    if m.returncode == 0:
        ours, theirs = _exports(lb, reference_db, workdir / "x-local"), \
            _exports(lb, db, workdir / "x-dask")
        result["exports_compared"] = len(ours)
        result["identical"] = ours == theirs
        result["differing"] = sorted(k for k in ours.keys() | theirs.keys()
                                     if ours.get(k) != theirs.get(k))[:20]
    for path in workdir.glob("store-dask.duckdb*"):
        path.unlink()
    print(f"dask engine: wall {m.wall_s:.1f} s, exports identical: "
          f"{result.get('identical')}", file=sys.stderr)
    return result


def check_kill(corpus: Path, reference_db: Path, workdir: Path, lb: list[str],
               jobs: int | None, reference_wall: float, timeout: float | None
               ) -> dict[str, Any]:
    """``kill -9`` an ingest of the corpus half-way, run it again, and compare the
    store with the uninterrupted one: consistent, complete, no duplicates."""
    db = workdir / "store-killed.duckdb"
    cmd = [*lb, "ingest", str(corpus), "--db", str(db)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    delay = max(1.0, reference_wall / 2)
    print(f"kill -9 after {delay:.0f} s, then re-run", file=sys.stderr)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    _reap_orphans()
    after_kill = _store_facts(db) if db.exists() else None
    m = run_measured(cmd, timeout)
    result: dict[str, Any] = {"killed_after_s": round(delay, 1), "killed": killed,
                              "after_kill": after_kill, "rerun_wall_s": m.wall_s,
                              "rerun_returncode": m.returncode,
                              "rerun_summary": m.stderr_tail.strip()[-300:]}
    if m.returncode == 0:
        result["after_rerun"] = _store_facts(db)
        result["reference"] = _store_facts(reference_db)
        same = _exports(lb, db, workdir / "x-killed") == _exports(lb, reference_db,
                                                                   workdir / "x-ref")
        facts = result["after_rerun"]
        result["exports_identical"] = same
        result["ok"] = (same and facts == result["reference"]
                        and facts["duplicate_claim_ids"] == 0
                        and facts["sources_not_whole"] == 0)
    for path in workdir.glob("store-killed.duckdb*"):
        path.unlink()
    print(f"kill -9 and re-run: ok {result.get('ok')} (after the kill: {after_kill})",
          file=sys.stderr)
    return result


def _say(n: int, what: str, r: dict[str, Any]) -> None:
    status = "ok" if r["returncode"] == 0 else f"EXIT {r['returncode']}"
    if r["timed_out"]:
        status = "TIMED OUT"
    extra = f", store {r['store_bytes'] / MB:.1f} MiB" if "store_bytes" in r else ""
    print(f"[{n:,}] {what}: {status}, wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s, "
          f"{r['abstracts_per_s_per_core_cpu']} abstracts/s per core (CPU), "
          f"peak tree RSS {r['peak_tree_rss_mb']:.0f} MiB{extra}", file=sys.stderr)
    if r["returncode"] != 0:
        print(r["stderr_tail"][-1500:], file=sys.stderr)


def growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ratios between consecutive sizes: 1.0 means no growth per abstract (time,
    bytes) or in absolute peak memory."""

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(b / a, 3) if a and b is not None else None

    out = []
    for small, big in itertools.pairwise(sizes):
        na, nb = small["abstracts"], big["abstracts"]
        e1, e2, i1, i2 = small["extract"], big["extract"], small["ingest"], big["ingest"]
        out.append({
            "from": na,
            "to": nb,
            "corpus_ratio": round(nb / na, 3),
            "extract_wall_per_abstract": ratio(e1["wall_s"] / na, e2["wall_s"] / nb),
            "extract_cpu_per_abstract": ratio(e1["cpu_s"] / na, e2["cpu_s"] / nb),
            "ingest_wall_per_abstract": ratio(i1["wall_s"] / na, i2["wall_s"] / nb),
            "ingest_cpu_per_abstract": ratio(i1["cpu_s"] / na, i2["cpu_s"] / nb),
            "extract_peak_rss": ratio(e1["peak_tree_rss_mb"], e2["peak_tree_rss_mb"]),
            "ingest_peak_rss": ratio(i1["peak_tree_rss_mb"], i2["peak_tree_rss_mb"]),
            "store_bytes_per_abstract": ratio(i1["store_bytes_per_abstract"],
                                              i2["store_bytes_per_abstract"]),
        })
    return out


# --- quantulum3 on the same abstracts -------------------------------------------------


def _best_of(rounds: int, fn: Callable[[], None]) -> tuple[float, float]:
    """The best wall and the best CPU seconds (this process) of ``rounds`` calls. CPU
    time is what the per-core rates use: other work on the machine inflates wall time
    but hardly this process's CPU time."""
    walls, cpus = [], []
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def compare_quantulum(papers: Sequence[Paper], rounds_ours: int,
                      rounds_theirs: int) -> dict[str, Any]:
    """abstracts/s of ``extract_claims`` and of quantulum3's ``parser.parse`` on the
    same abstracts, one core, in this process, each after a warm-up.

    Our rounds are spread through quantulum3's: one before it, then one after each
    fifth of its abstracts. A round of ours takes about a second and one of theirs half
    a minute; on a shared machine whose speed drifts, rounds of ours taken all at one
    moment could land in a slow (or a fast) spell that theirs mostly missed. Best of
    the rounds for ours, as for ``timeit``; quantulum3's CPU time is summed over its
    chunks (each chunk once per round)."""
    abstracts = [(p.abstract, p.title) for p in papers]

    def ours() -> None:
        for abstract, title in abstracts:
            extract_claims(abstract, title)

    ours()  # warm-up: registries, lexicon, regexes
    walls: list[float] = []
    cpus: list[float] = []

    def ours_round() -> None:
        wall, cpu = _best_of(1, ours)
        walls.append(wall)
        cpus.append(cpu)

    def ours_result() -> dict[str, Any]:
        n_claims = sum(len(extract_claims(a, t)) for a, t in abstracts)
        return {"best_wall_s": round(min(walls), 4), "best_cpu_s": round(min(cpus), 4),
                "rounds": len(cpus), "claims": n_claims,
                "cpu_s_rounds": [round(c, 4) for c in cpus],
                "abstracts_per_s": round(len(abstracts) / min(cpus), 1),
                "abstracts_per_s_wall": round(len(abstracts) / min(walls), 1)}

    for _ in range(max(1, rounds_ours)):
        ours_round()
    result: dict[str, Any] = {"abstracts": len(abstracts)}
    try:
        from importlib.metadata import version

        q_version = version("quantulum3")
        with warnings.catch_warnings():  # "classifier dependencies not installed"
            warnings.simplefilter("ignore")
            from quantulum3 import parser as qparser  # type: ignore[import-untyped]
    except Exception as exc:
        result["ours"] = ours_result()
        result["quantulum3"] = {"skipped": f"quantulum3 not usable: {exc} "
                                           "(pip install -e '.[bench]')"}
        return result
    logging.getLogger("pint").setLevel(logging.ERROR)
    classifier = importlib.util.find_spec("sklearn") is not None
    chunks = [abstracts[i::5] for i in range(5)]
    theirs_walls: list[float] = []
    theirs_cpus: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for abstract, _ in abstracts[:20]:  # warm-up: its unit tables load lazily
            qparser.parse(abstract)
        for _ in range(max(1, rounds_theirs)):
            wall = cpu = 0.0
            for chunk in chunks:
                w, c = _best_of(1, lambda chunk=chunk: [qparser.parse(a) for a, _ in chunk])
                wall, cpu = wall + w, cpu + c
                ours_round()
            theirs_walls.append(wall)
            theirs_cpus.append(cpu)
        n_quantities = sum(len(qparser.parse(a)) for a, _ in abstracts[:100])
    theirs_wall, theirs_cpu = min(theirs_walls), min(theirs_cpus)
    theirs_rate = len(abstracts) / theirs_cpu
    result["ours"] = ours_result()
    result["quantulum3"] = {
        "version": q_version,
        "classifier": classifier,
        "best_wall_s": round(theirs_wall, 4),
        "best_cpu_s": round(theirs_cpu, 4),
        "abstracts_per_s_wall": round(len(abstracts) / theirs_wall, 1),
        "rounds": rounds_theirs,
        "abstracts_per_s": round(theirs_rate, 1),
        "quantities_counted_in": min(100, len(abstracts)),
        "quantities": n_quantities,
    }
    result["ratio_ours_to_quantulum3"] = round(result["ours"]["abstracts_per_s"] / theirs_rate, 2)
    result["quantity_stage"] = _quantity_stage(abstracts, max(1, rounds_ours), theirs_rate)
    return result


def _quantity_stage(abstracts: Sequence[tuple[str, str | None]], rounds: int,
                    theirs_rate: float) -> dict[str, Any]:
    """Our quantity stage alone (``find_numbers``: numbers with their units, ranges and
    magnitudes), the job quantulum3 does, on the same abstracts.

    Why: the target ratio sets our whole extractor (quantities, then which are claims,
    and their models, benchmarks, metrics and references) against a quantity parser.
    This row is the like-for-like comparison, reported beside it, not instead of it."""
    texts = [a for a, _ in abstracts]

    def run() -> None:
        for text in texts:
            find_numbers(text)

    run()  # warm-up
    _, cpu = _best_of(rounds, run)
    rate = len(texts) / cpu
    return {"best_cpu_s": round(cpu, 4), "rounds": rounds,
            "quantities": sum(len(find_numbers(t)) for t in texts),
            "abstracts_per_s": round(rate, 1),
            "ratio_to_quantulum3": round(rate / theirs_rate, 2)}


# --- machine, targets, report ---------------------------------------------------------


def machine() -> dict[str, Any]:
    """The facts a reader needs to compare runs: cores, memory, load, versions."""
    mem_kb = _status_kb("/proc/meminfo", b"MemTotal:")
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                     "--untracked-files=no"], capture_output=True,
                                    text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_total_mb": round(mem_kb / 1024) if mem_kb else None,
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "leaderboard_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str | None:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue, what was measured for it, and whether it is met
    (None: not measured in this run)."""
    sizes = results["sizes"]
    largest = sizes[-1] if sizes else None
    compare = results.get("compare") or {}
    rows: list[dict[str, Any]] = []

    per_core = largest["extract"]["abstracts_per_s_per_core_cpu"] if largest else None
    rows.append({"target": f"extract >= {TARGET_EXTRACT_PER_CORE:,.0f} abstracts/s per core "
                           "(CLI, CPU time, largest size)",
                 "measured": per_core,
                 "met": None if per_core is None else per_core >= TARGET_EXTRACT_PER_CORE})
    in_proc = (compare.get("ours") or {}).get("abstracts_per_s")
    rows.append({"target": f"extract >= {TARGET_EXTRACT_PER_CORE:,.0f} abstracts/s per core "
                           f"(in-process, {compare.get('abstracts', 0):,} abstracts)",
                 "measured": in_proc,
                 "met": None if in_proc is None else in_proc >= TARGET_EXTRACT_PER_CORE})
    ratio = compare.get("ratio_ours_to_quantulum3")
    rows.append({"target": f">= {TARGET_QUANTULUM_RATIO:.0f}x quantulum3's rate",
                 "measured": ratio,
                 "met": None if ratio is None else ratio >= TARGET_QUANTULUM_RATIO})
    million = next((s for s in sizes if s["abstracts"] >= 1_000_000), None)
    wall = million["ingest"]["wall_s"] if million else None
    ok = million is not None and million["ingest"]["returncode"] == 0
    rows.append({"target": f"1M abstracts ingested in < {TARGET_1M_INGEST_SECONDS // 60} min",
                 "measured": wall,
                 "met": None if million is None else (
                     ok and wall is not None and wall < TARGET_1M_INGEST_SECONDS)})
    peak = largest["ingest"]["peak_tree_rss_mb"] if largest else None
    rows.append({"target": f"ingest peak RSS < {TARGET_PEAK_RSS_MB:,.0f} MiB (largest size "
                           f"{largest['abstracts']:,})" if largest else "ingest peak RSS",
                 "measured": peak,
                 "met": None if peak is None else peak < TARGET_PEAK_RSS_MB})
    grown = results["growth"][-1]["ingest_peak_rss"] if results["growth"] else None
    rows.append({"target": f"memory flat: ingest peak RSS grows < "
                           f"{(TARGET_RSS_GROWTH - 1) * 100:.0f}% between the two largest sizes",
                 "measured": grown,
                 "met": None if grown is None else grown < TARGET_RSS_GROWTH})
    halves = rss_halves(largest["ingest"]) if largest else None
    rows.append({"target": "memory flat within the largest ingest: peak RSS of its second "
                           f"half < {(TARGET_RSS_HALVES - 1) * 100:.0f}% above its first half's",
                 "measured": halves,
                 "met": None if halves is None else halves < TARGET_RSS_HALVES})
    dask = next(((s["abstracts"], s["dask"]) for s in sizes if "dask" in s), None)
    if dask is not None:
        rows.append({"target": f"Dask engine exports byte-identical to the default engine "
                               f"({dask[0]:,} abstracts)",
                     "measured": dask[1].get("identical"), "met": dask[1].get("identical")})
    kill = next(((s["abstracts"], s["kill"]) for s in sizes if "kill" in s), None)
    if kill is not None:
        rows.append({"target": f"kill -9 mid-ingest ({kill[0]:,} abstracts), re-run: "
                               "consistent, complete, no duplicates",
                     "measured": kill[1].get("ok"), "met": kill[1].get("ok")})
    return rows


def rss_halves(run: dict[str, Any]) -> float | None:
    """Peak tree RSS in the second half of a run's wall time over the peak in its first
    half (the sampled timeline): about 1 when memory is bounded however far the store
    has grown, about 2 when it grows in step with what has been stored."""
    points = [(t, rss) for t, rss in run.get("rss_timeline") or () if rss > 0]
    wall = run.get("wall_s")
    if not wall or len(points) < 4:
        return None
    first = [rss for t, rss in points if t <= wall / 2]
    second = [rss for t, rss in points if wall / 2 < t <= wall * 0.98]  # not the exit
    if not first or not second:
        return None
    return round(max(second) / max(first), 3)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def markdown(results: dict[str, Any]) -> str:
    """RESULTS.md, whole, from the results."""
    mach = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/bench_scale.py` (do not edit by hand): "
        f"`{results['command']}` on {results['date']}"
        + ("" if results["complete"] else " — **run incomplete**") + ".",
        "`make bench` runs it with the default sizes (10k, 100k, 1M); `make bench-quick` "
        "with 2k and 10k. Corpora are synthetic (`benchmarks/synth.py`, seed "
        f"{results['seed']}): real sentences of `data/samples` with new model names, "
        "sizes, benchmarks and numbers, generated into a temporary folder for the run.",
        "",
        f"Machine: {mach['cpu_count']} cores ({mach['cpus_usable']} usable), "
        f"{_fmt(mach['memory_total_mb'], 0)} MiB memory, {mach['cpu_model'] or '?'}; "
        f"{mach['platform']}; Python {mach['python']}; leaderboard {mach['leaderboard_version']}"
        f" (commit {mach['git_commit']}{', with local changes' if mach['git_dirty'] else ''}). "
        f"Load average at start {mach['load_average_at_start']}, at end "
        f"{results.get('load_average_at_end', '–')} (other work on the machine slows the "
        "figures).",
        "",
        "## Targets",
        "",
    ]
    lines += _table(["target", "measured", "met"],
                    [[t["target"], _fmt(t["measured"]),
                      {True: "yes", False: "**no**", None: "not measured"}[t["met"]]]
                     for t in results["targets"]])

    def run_rows(key: str) -> list[list[str]]:
        rows = []
        for s in results["sizes"]:
            r = s[key]
            row = [_fmt(s["abstracts"]), _fmt(r["jobs"]), _fmt(r["wall_s"]), _fmt(r["cpu_s"]),
                   _fmt(r["abstracts_per_s"], 0), _fmt(r["abstracts_per_s_per_core_cpu"], 0),
                   _fmt(r["abstracts_per_s_per_core_wall"], 0),
                   _fmt(r["peak_tree_rss_mb"], 0), _fmt(r["peak_tree_pss_mb"], 0),
                   _fmt(r["ru_maxrss_mb"], 0)]
            if key == "extract":
                row += [_fmt(r["claims"])]
            else:
                row += [_fmt(r["store_bytes"] / MB), _fmt(r["store_bytes_per_abstract"], 0),
                        _fmt(r["papers"]), _fmt(r["claims"])]
            status = "ok" if r["returncode"] == 0 else f"exit {r['returncode']}"
            row.append("timed out" if r["timed_out"] else status)
            rows.append(row)
        return rows

    common = ["abstracts", "jobs", "wall s", "CPU s", "abstracts/s",
              "per core (CPU)", "per core (wall×jobs)", "peak RSS MiB (tree)",
              "peak PSS MiB (tree)", "max RSS MiB (one process)"]
    lines += ["", "## Extract alone", "",
              "`leaderboard extract CORPUS.jsonl -o -` with standard output to /dev/null "
              "(reading, extracting and writing claims as JSON lines). Per core (CPU) = "
              "abstracts / (user + sys seconds of the process tree).", ""]
    lines += _table([*common, "claims", "status"], run_rows("extract"))
    lines += ["", "## Full ingest", "",
              "`leaderboard ingest CORPUS.jsonl --db STORE.duckdb` into a new store. Store = "
              "the database file plus its `.wal`.", ""]
    lines += _table([*common, "store MiB", "store bytes/abstract", "papers", "claims",
                     "status"], run_rows("ingest"))
    if results["growth"]:
        lines += ["", "## Growth between sizes", "",
                  "Ratios, larger size over smaller: 1.00 = constant time per abstract, "
                  "constant peak memory, constant bytes per abstract.", ""]
        lines += _table(
            ["sizes", "extract time/abstract (wall, CPU)", "ingest time/abstract (wall, CPU)",
             "extract peak RSS", "ingest peak RSS", "store bytes/abstract"],
            [[f"{g['from']:,} → {g['to']:,}",
              f"{_fmt(g['extract_wall_per_abstract'], 2)}, "
              f"{_fmt(g['extract_cpu_per_abstract'], 2)}",
              f"{_fmt(g['ingest_wall_per_abstract'], 2)}, "
              f"{_fmt(g['ingest_cpu_per_abstract'], 2)}", _fmt(g["extract_peak_rss"], 2),
              _fmt(g["ingest_peak_rss"], 2), _fmt(g["store_bytes_per_abstract"], 2)]
             for g in results["growth"]])
    for s_ in results["sizes"]:
        if "dask" in s_:
            d = s_["dask"]
            lines += ["", "## Dask engine", ""]
            if "skipped" in d:
                lines += [f"Skipped: {d['skipped']}."]
            else:
                lines += [f"`leaderboard ingest CORPUS --engine dask` on the {s_['abstracts']:,}"
                          f" corpus (a local cluster): wall {_fmt(d['wall_s'])} s, CPU "
                          f"{_fmt(d['cpu_s'])} s, peak RSS (tree) {_fmt(d['peak_tree_rss_mb'], 0)}"
                          f" MiB. Claims export and {d.get('exports_compared', 1) - 1} "
                          "leaderboard CSVs compared byte for byte with the default engine's: "
                          f"**{'identical' if d.get('identical') else 'DIFFERENT'}**"
                          + (f" ({', '.join(d['differing'])})" if d.get("differing") else "")
                          + "."]
        if "kill" in s_:
            k = s_["kill"]
            lines += ["", "## kill -9 and re-run", "",
                      f"An ingest of the {s_['abstracts']:,} corpus killed with SIGKILL after "
                      f"{k['killed_after_s']} s (half the clean run's wall time; killed: "
                      f"{_fmt(k['killed'])}). After the kill: {k['after_kill']}. The same "
                      f"command again: exit {k['rerun_returncode']}, {_fmt(k['rerun_wall_s'])} "
                      f"s (`{k['rerun_summary'].splitlines()[-1] if k['rerun_summary'] else ''}`"
                      f"). Then: {k.get('after_rerun')}; the uninterrupted store: "
                      f"{k.get('reference')}; exports identical: "
                      f"{_fmt(k.get('exports_identical'))}. **"
                      f"{'consistent, complete, no duplicates' if k.get('ok') else 'NOT OK'}**."]
    compare = results.get("compare")
    if compare:
        ours, theirs = compare["ours"], compare["quantulum3"]
        lines += ["", "## Against quantulum3", "",
                  f"The first {compare['abstracts']:,} abstracts of the corpus, in this "
                  "process, one core: `leaderboard.extract.extract_claims(abstract, title)` "
                  f"(best of {ours['rounds']} rounds after a warm-up"
                  + (", spread through quantulum3's run: one round after each fifth of "
                     "its abstracts" if "version" in theirs else "")
                  + ") against quantulum3's `parser.parse(abstract)`"
                  + (f" (best of {theirs['rounds']} after a warm-up)." if "version" in theirs
                     else "."), ""]
        if ours.get("cpu_s_rounds"):
            lines += [f"Our rounds, CPU seconds in order: "
                      f"{', '.join(f'{c:.3f}' for c in ours['cpu_s_rounds'])} (the spread "
                      "is the machine's, not the code's: the same code and input each "
                      "time).", ""]
        if "version" in theirs:
            lines += _table(
                ["extractor", "CPU s", "wall s", "abstracts/s (CPU)", "output"],
                [["leaderboard " + mach["leaderboard_version"], _fmt(ours["best_cpu_s"], 3),
                  _fmt(ours["best_wall_s"], 3), _fmt(ours["abstracts_per_s"], 0),
                  f"{ours['claims']:,} claims in all"],
                 [f"quantulum3 {theirs['version']} (classifier "
                  f"{'on' if theirs['classifier'] else 'off: not installed'})",
                  _fmt(theirs["best_cpu_s"], 3), _fmt(theirs["best_wall_s"], 3),
                  _fmt(theirs["abstracts_per_s"], 0),
                  f"{theirs['quantities']:,} quantities in the first "
                  f"{theirs['quantities_counted_in']:,}"]])
            lines += ["", f"Ratio of the CPU-time rates, ours / quantulum3: "
                          f"**{compare['ratio_ours_to_quantulum3']}x**."]
            stage = compare.get("quantity_stage")
            if stage:
                lines += ["", "Like for like, our quantity stage alone "
                          "(`leaderboard.extract.numbers.find_numbers`: numbers with units, "
                          "ranges and magnitudes, what quantulum3 does; best of "
                          f"{stage['rounds']} rounds): {_fmt(stage['abstracts_per_s'], 0)} "
                          f"abstracts/s, {stage['quantities']:,} quantities in all, "
                          f"{stage['ratio_to_quantulum3']}x quantulum3. The target is set on "
                          "the whole extractor (the ratio above)."]
        else:
            lines += [f"quantulum3 skipped: {theirs['skipped']}"]
    lines += ["", "Peak RSS (tree) sums VmRSS over the command and all its descendants, "
              f"sampled every {SAMPLE_SECONDS} s: pages shared by forked workers count once "
              "per process, so it overstates; PSS splits shared pages. Full figures, "
              "including memory over time, are in `benchmarks/results.json`.", ""]
    return "\n".join(lines)


def write_results(results: dict[str, Any], json_path: Path, md_path: Path) -> None:
    results["targets"] = targets(results)
    json_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    md_path.write_text(markdown(results))


# --- main -----------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sorted(set(sizes))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated corpus sizes (default 10000,100000,1000000)")
    parser.add_argument("--quick", action="store_true", help="sizes 2000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="--jobs for extract/ingest, where the command has it "
                             "(default: all cores)")
    parser.add_argument("--compare-n", type=int, default=COMPARE_N,
                        help="abstracts for the quantulum3 comparison (0: skip it)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of our extractor")
    parser.add_argument("--quantulum-rounds", type=int, default=3,
                        help="rounds of quantulum3, best kept (default 3: one round of "
                             "~30 s moved the ratio by a fifth between runs)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="end a command after this many seconds (recorded)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora and stores go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and stores")
    parser.add_argument("--dask-at", type=_sizes, default=[10_000],
                        help="sizes at which the Dask engine's exports are compared with "
                             "the default engine's (default 10000)")
    parser.add_argument("--kill-at", type=_sizes, default=[100_000],
                        help="sizes at which an ingest is killed half-way and re-run "
                             "(default 100000)")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = args.sizes or (list(QUICK_SIZES) if args.quick else list(DEFAULT_SIZES))

    lb = leaderboard_command()
    jobs_extract = args.jobs if supports_option(lb, "extract", "--jobs") else None
    jobs_ingest = args.jobs if supports_option(lb, "ingest", "--jobs") else None
    for name, jobs in (("extract", jobs_extract), ("ingest", jobs_ingest)):
        print(f"{name}: " + (f"--jobs {jobs}" if jobs else "no --jobs option (one process)"),
              file=sys.stderr)
    made_workdir = args.workdir is None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="leaderboard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.pool = build_pool()

    results: dict[str, Any] = {
        "command": "python benchmarks/bench_scale.py " + " ".join(
            sys.argv[1:] if argv is None else argv),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seed": args.seed,
        "machine": machine(),
        "jobs": {"extract": jobs_extract, "ingest": jobs_ingest},
        "sizes": [],
        "growth": [],
        "compare": None,
        "complete": False,
    }
    try:
        if args.compare_n > 0:
            sample = workdir / f"first-{args.compare_n}.jsonl"
            write_corpus(sample, args.compare_n, args.seed, args.pool)
            papers = [item.paper for item in read_source(str(sample))]
            print(f"comparing with quantulum3 on {len(papers):,} abstracts ...",
                  file=sys.stderr)
            results["compare"] = compare_quantulum(papers, args.rounds, args.quantulum_rounds)
            c = results["compare"]
            q = c["quantulum3"]
            print(f"ours: {c['ours']['abstracts_per_s']:.0f} abstracts/s; quantulum3 "
                  + (f"{q['version']}: {q['abstracts_per_s']:.1f} abstracts/s; ratio "
                     f"{c['ratio_ours_to_quantulum3']}x" if "version" in q else q["skipped"]),
                  file=sys.stderr)
            if "quantity_stage" in c:
                print(f"our quantity stage alone: {c['quantity_stage']['abstracts_per_s']:.0f} "
                      f"abstracts/s; ratio {c['quantity_stage']['ratio_to_quantulum3']}x",
                      file=sys.stderr)
            sample.unlink()
            write_results(results, args.json, args.markdown)
        for n in sizes:
            results["sizes"].append(bench_size(n, args, workdir, lb, jobs_extract, jobs_ingest))
            results["growth"] = growth(results["sizes"])
            results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
            write_results(results, args.json, args.markdown)
        results["complete"] = True
    finally:
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        write_results(results, args.json, args.markdown)
        if made_workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"results -> {args.json}, {args.markdown}", file=sys.stderr)
    for t in results["targets"]:
        met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        print(f"  {t['target']}: {_fmt(t['measured'])} ({met})", file=sys.stderr)


if __name__ == "__main__":
    main()
