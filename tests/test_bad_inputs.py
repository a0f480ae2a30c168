"""Bad, odd and hostile input files through the real ``leaderboard`` entry point.

Every case of ``tests/data/bad/make_bad_inputs.py`` (built into a temporary folder) is
run with ``extract`` and with ``ingest``, in one command together with a good sample
file and a decodable Latin-1 file. Whatever the bad file does, the run must go on:

* a refused file is named on stderr with a one-line reason (no traceback), the exit
  code is 1, and nothing of it reaches the output or the store;
* a decodable file (Latin-1, UTF-16/UTF-8 with BOM, CRLF, CR) decodes to the text it
  was written from and gives the same claims as its UTF-8 copy, at offsets that read
  ``value_text`` in :func:`leaderboard.sources.read_text`;
* the store holds exactly the accepted files: their sources, sightings and claims;
* the 50 MiB single line finishes within a time bound and is reported (cut by the
  abstract-length limit today).

The command runs are independent processes, started in parallel once per module
(only for the cases selected) and shared by the tests that check them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest

from leaderboard.pipeline import FileResult, process_file, process_paths
from leaderboard.sources import read_source, read_text
from leaderboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "leaderboard"
GOOD = ROOT / "data" / "samples" / "003_5b6b1415f84db99a.txt"
#: The decodable bad file added to every command: its claims must come out too.
COMPANION = "latin1"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: Bounds for the 50 MiB single line (per command; generous: about 8 s and 1.2 GB today).
HUGE_SECONDS = 120
HUGE_MAX_RSS_BYTES = 2 * 1024**3
TIMEOUT = 300


def _load_builder() -> ModuleType:
    path = ROOT / "tests" / "data" / "bad" / "make_bad_inputs.py"
    spec = importlib.util.spec_from_file_location("make_bad_inputs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bad = _load_builder()

Outcome = Literal["rejected", "decoded", "accepted", "partial", "bounded"]


@dataclass(frozen=True)
class Case:
    """One bad input and what must happen to it.

    ``rejected``: an error line whose reason fullmatches ``reason``; ``decoded``: text
    equal to ``DECODED_TEXT[name]`` and claims like its UTF-8 copy; ``accepted``: read
    (possibly partly) without an error; ``bounded``: only a time and memory bound and a
    report naming the file. ``papers`` is what an accepted file gives.
    """

    name: str
    outcome: Outcome
    reason: str = ""
    papers: int = 0
    values: tuple[str, ...] = ()  # value_texts that must be among its claims

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("empty", "rejected", re.escape("empty file")),
    Case("whitespace", "rejected", re.escape("no text (whitespace only)")),
    Case("random_bytes", "rejected", re.escape("binary file (NUL bytes; not text)")),
    Case("pdf", "rejected", re.escape("binary file (PDF)")),
    Case("png", "rejected", re.escape("binary file (PNG image)")),
    Case("latin1", "decoded", papers=2, values=("84.5%", "91.2%")),
    Case("utf16_bom", "decoded", papers=1, values=("72.4", "65.0%", "1.5x")),
    Case("utf8_bom", "decoded", papers=1, values=("72.4", "65.0%", "1.5x")),
    Case("crlf", "decoded", papers=1, values=("72.4", "65.0%", "1.5x")),
    Case("cr", "decoded", papers=1, values=("72.4", "65.0%", "1.5x")),
    Case("huge_line", "bounded"),
    # The cut last line is left out and reported; the whole lines are read.
    Case("jsonl_truncated", "partial",
         r"line \d+: cut mid-object \(an incomplete download\?\); left out",
         papers=2, values=("72.4", "91.2%")),
    Case("jsonl_malformed", "rejected",
         re.escape("line 2: invalid JSON (Unterminated string starting at: column 53)")),
    Case("jsonl_deep", "rejected", re.escape("line 2: invalid JSON (nested too deeply)")),
    Case("html", "rejected", re.escape("HTML page, not a supported source")),
    # The dangling last title gives no paper, and is reported.
    Case("daily_cut", "partial",
         r"ends with the title '.*' and no abstract \(a page cut mid-paper\?\); left out",
         papers=2, values=("81.3%", "45.0%")),
    Case("directory", "rejected", re.escape("folder contains no files")),
    Case("missing", "rejected", re.escape("no such file or directory")),
    # Mode 000 stops everyone but root; root reads the file like any other (see also
    # test_unreadable_file_as_an_unprivileged_user).
    Case("unreadable", "accepted", papers=1, values=("88.8%",)) if IS_ROOT
    else Case("unreadable", "rejected", re.escape("permission denied")),
]
BY_NAME = {case.name: case for case in CASES}
COMMANDS = ("extract", "ingest")


@dataclass
class Run:
    """One finished command: exit code, output, wall time and peak memory."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_bytes: int
    output: Path  # the claims file (extract) or the store (ingest)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error ")]


def run_cli(args: list[str], output: Path, timeout: float = TIMEOUT,
            executable: list[str] | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the console script (or ``executable``) and measure this child alone."""
    cmd = [*(executable or [str(CLI)]), *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=None if env is None else {**os.environ, **env})
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    assert seconds < timeout, f"{cmd} killed after {timeout} s"
    return Run(cmd, proc.returncode, stdout, stderr, seconds, usage.ru_maxrss * 1024, output)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths: dict[str, Path] = bad.build(tmp_path_factory.mktemp("bad"))
    return paths


def _inputs(corpus: dict[str, Path], case: Case) -> list[Path]:
    """The bad file first (the run must go on after it), then the good ones."""
    names = [case.name] + ([COMPANION] if case.name != COMPANION else [])
    return [corpus[names[0]], GOOD, *(corpus[n] for n in names[1:])]


def _selected(request: pytest.FixtureRequest) -> list[Case]:
    """The cases whose tests in this module were collected (so ``-k`` stays fast)."""
    names: set[str] = set()
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        if spec is not None and getattr(item, "module", None) is request.module:
            case = spec.params.get("case")
            if isinstance(case, Case):
                names.add(case.name)
    return [case for case in CASES if case.name in names]


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, corpus: dict[str, Path],
         tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    """Every (case, command) run, in parallel, the huge line first."""
    jobs: list[tuple[tuple[str, str], list[str], Path, float]] = []
    for case in sorted(_selected(request), key=lambda c: c.outcome != "bounded"):
        inputs = [str(p) for p in _inputs(corpus, case)]
        folder = tmp_path_factory.mktemp(f"run_{case.name}")
        timeout = HUGE_SECONDS if case.outcome == "bounded" else TIMEOUT
        out = folder / "claims.jsonl"
        jobs.append(((case.name, "extract"), ["extract", *inputs, "-o", str(out)], out, timeout))
        db = folder / "lb.duckdb"
        jobs.append(((case.name, "ingest"), ["ingest", *inputs, "--db", str(db)], db, timeout))
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(run_cli, args, output, timeout)
                   for key, args, output, timeout in jobs}
        return {key: future.result() for key, future in futures.items()}


@pytest.fixture(scope="module")
def good_claim_ids() -> list[str]:
    return [c.claim_id for c in process_file(str(GOOD)).claims]


def _in_process(path: Path) -> FileResult:
    (result,) = process_paths([str(path)])
    return result


def _reference(case: Case, folder: Path) -> FileResult:
    """The claims of a decodable case's text written as plain UTF-8."""
    ref = folder / f"ref_{case.name}.txt"
    ref.write_bytes(bad.DECODED_TEXT[case.name].encode("utf-8"))
    return process_file(str(ref))


def _accepted(corpus: dict[str, Path], case: Case) -> list[Path]:
    inputs = _inputs(corpus, case)
    return inputs[1:] if case.outcome == "rejected" else inputs


def _papers_of(path: Path, case: Case | None) -> int:
    if path == GOOD:
        return len(list(read_source(str(GOOD))))
    assert case is not None
    return case.papers


def _case_of(corpus: dict[str, Path], path: Path) -> Case | None:
    return next((BY_NAME[n] for n, p in corpus.items() if p == path), None)


def _check_report(run: Run, case: Case, path: Path) -> None:
    """The bad file's line on stderr, the exit code, and no traceback."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1), run.stderr
    mine = [line for line in run.error_lines if line.startswith(f"error {path}: ")]
    others = [line for line in run.error_lines if line not in mine]
    assert not others, f"only the bad file may fail: {others}"
    if case.outcome == "rejected":
        (line,) = mine
        reason = line[len(f"error {path}: "):]
        assert re.fullmatch(case.reason, reason), line
        known = _in_process(path)  # the whole reason, as the library gives it: one line
        assert known.error is not None and "\n" not in known.error
        assert line == f"error {path}: {known.error}"
        assert run.returncode == 1
    elif case.outcome == "partial":  # read, with the left-out part named: exit 1
        assert not mine, run.stderr
        warned = [line for line in run.stderr.splitlines()
                  if line.startswith(f"warning {path}: ")]
        assert len(warned) == 1, run.stderr
        assert re.fullmatch(case.reason, warned[0][len(f"warning {path}: "):]), warned[0]
        assert run.returncode == 1
    elif case.outcome == "bounded":
        limit = [line for line in run.stderr.splitlines()
                 if line.startswith(f"limit {path}: ")]
        assert mine or limit, f"{path} must be reported (error or limit):\n{run.stderr}"
        assert run.returncode == (1 if mine else 0)
        assert run.seconds < HUGE_SECONDS
        assert run.max_rss_bytes < HUGE_MAX_RSS_BYTES, f"{run.max_rss_bytes:,} bytes"
    else:
        assert not mine, run.stderr
        assert run.returncode == 0, run.stderr


def test_corpus_is_complete_and_deterministic(corpus: dict[str, Path], tmp_path: Path) -> None:
    again: dict[str, Path] = bad.build(tmp_path / "again")
    assert set(corpus) == set(again) == set(BY_NAME)
    assert not corpus["missing"].exists() and corpus["directory"].is_dir()
    assert corpus["huge_line"].stat().st_size == bad.HUGE_LINE_BYTES
    assert corpus["unreadable"].stat().st_mode & 0o777 == 0
    for name, path in corpus.items():
        if path.is_file() and os.access(path, os.R_OK):  # root can read mode 000
            assert path.read_bytes() == again[name].read_bytes(), name


@pytest.mark.parametrize("case", CASES, ids=str)
def test_extract_reports_the_bad_file_and_goes_on(
    case: Case, corpus: dict[str, Path], runs: dict[tuple[str, str], Run],
    good_claim_ids: list[str], tmp_path: Path,
) -> None:
    run = runs[(case.name, "extract")]
    path = corpus[case.name]
    _check_report(run, case, path)
    rows = [json.loads(line) for line in run.output.read_text(encoding="utf-8").splitlines()]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    accepted = _accepted(corpus, case)
    assert set(by_source) <= {str(p) for p in accepted}
    # the good file's claims, exactly; the Latin-1 companion's too
    assert [r["claim_id"] for r in by_source[str(GOOD)]] == good_claim_ids
    latin1 = {r["value_text"] for r in by_source[str(corpus[COMPANION])]}
    assert set(BY_NAME[COMPANION].values) <= latin1
    # every offset reads its number in the decoded file
    texts = {source: read_text(source) for source in by_source}
    for row in rows:
        assert texts[row["source"]][row["char_start"]:row["char_end"]] == row["value_text"]
    if case.outcome in ("decoded", "accepted", "partial"):
        mine = by_source.get(str(path), [])
        assert set(case.values) <= {r["value_text"] for r in mine}
        assert [r["claim_id"] for r in mine] == [c.claim_id for c in process_file(str(path)).claims]
    if case.outcome == "decoded":
        assert texts[str(path)] == bad.DECODED_TEXT[case.name]  # decoded, not mojibake
        ref = _reference(case, tmp_path)
        assert ([(r["value_text"], r["kind"], r["value"]) for r in by_source[str(path)]]
                == [(c.value_text, c.kind, c.value) for c in ref.claims])
        assert {r["paper_title"] for r in by_source[str(path)]} <= {
            p.paper.title for p in ref.papers}
    summary = re.search(r"(\d+)\s+claims\s+from\s+(\d+)\s+papers", run.stderr)
    assert summary is not None, run.stderr
    assert int(summary.group(1)) == len(rows)
    if case.outcome != "bounded":
        expected = sum(_papers_of(p, _case_of(corpus, p)) for p in accepted)
        assert int(summary.group(2)) == expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_ingest_reports_the_bad_file_and_stores_only_good_data(
    case: Case, corpus: dict[str, Path], runs: dict[tuple[str, str], Run],
) -> None:
    run = runs[(case.name, "ingest")]
    path = corpus[case.name]
    _check_report(run, case, path)
    accepted = [str(p) for p in _accepted(corpus, case)]
    extracted = [json.loads(line) for line in
                 runs[(case.name, "extract")].output.read_text(encoding="utf-8").splitlines()]
    with Store.open(run.output, read_only=True) as store:
        counts = store.counts()
        sources = store.sources_frame()
        sightings = store.sightings_frame()
        claims = store.claims_frame()
    assert sorted(sources["source"]) == sorted(accepted)
    assert counts["sources"] == len(accepted)
    assert set(sightings["source"]) == set(accepted)
    per_file = sightings.groupby("source").size().to_dict()
    for source in accepted:
        if case.outcome == "bounded" and source == str(path):
            assert per_file[source] >= 1
            continue
        assert per_file[source] == _papers_of(Path(source), _case_of(corpus, Path(source)))
    assert counts["papers"] == counts["sightings"] == len(sightings)
    # the same claims as `extract` of the same files, and none of a refused file
    assert sorted(claims["claim_id"]) == sorted(r["claim_id"] for r in extracted)
    assert counts["claims"] == len(extracted)
    if case.outcome == "rejected":
        assert str(path) not in set(claims["source"])
    left_out = run.error_lines or case.outcome == "partial"
    assert counts["last_run"]["status"] == ("partial" if left_out else "ok")
    added = re.search(r"(\d+)\s+file\(s\)\s+added", run.stderr)
    assert added is not None and int(added.group(1)) == len(accepted), run.stderr


KNOWN_ERRORS = ("missing", "pdf", "empty", "jsonl_malformed", "directory")


@pytest.mark.parametrize("command", COMMANDS)
def test_debug_keeps_known_errors_to_one_line(
    command: str, corpus: dict[str, Path], tmp_path: Path, good_claim_ids: list[str],
) -> None:
    inputs = [str(corpus[name]) for name in KNOWN_ERRORS] + [str(GOOD)]
    target = tmp_path / ("claims.jsonl" if command == "extract" else "lb.duckdb")
    flag = "-o" if command == "extract" else "--db"
    run = run_cli([command, "--debug", *inputs, flag, str(target)], target)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert len(run.error_lines) == len(KNOWN_ERRORS)
    for name in KNOWN_ERRORS:
        (line,) = [x for x in run.error_lines if x.startswith(f"error {corpus[name]}: ")]
        assert re.fullmatch(BY_NAME[name].reason, line.split(": ", 1)[1]), line
    if command == "extract":
        rows = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
        assert [r["claim_id"] for r in rows] == good_claim_ids
    else:
        with Store.open(target, read_only=True) as store:
            assert list(store.sources_frame()["source"]) == [str(GOOD)]


# The console script's main(), with the extractor made to fail on one file: an error no
# reader anticipates. (A monkeypatch cannot cross into the real console script.)
_BROKEN_EXTRACTOR = """
import os
import sys
import leaderboard.stream as stream
from leaderboard.cli import main

real = stream.claims_with_report

def broken(item, limits):
    if item.sighting.source == os.environ["FAIL_ON_SOURCE"]:
        raise RuntimeError("boom in the extractor")
    return real(item, limits)

stream.claims_with_report = broken
sys.argv = ["leaderboard", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_unexpected_error_is_one_line_and_debug_adds_the_traceback(
    debug: bool, corpus: dict[str, Path], tmp_path: Path, good_claim_ids: list[str],
) -> None:
    victim = corpus["utf8_bom"]
    out = tmp_path / "claims.jsonl"
    args = ["extract", *(["--debug"] if debug else []), str(victim), "-o", str(out), str(GOOD)]
    run = run_cli(args, out, executable=[sys.executable, "-c", _BROKEN_EXTRACTOR],
                  env={"FAIL_ON_SOURCE": str(victim)})
    assert run.returncode == 1
    assert run.error_lines == [
        f"error {victim}: unexpected RuntimeError while extracting: boom in the extractor"]
    if debug:
        assert "Traceback (most recent call last)" in run.stderr
        assert "RuntimeError: boom in the extractor" in run.stderr
    else:
        assert "Traceback" not in run.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["claim_id"] for r in rows] == good_claim_ids


@pytest.mark.skipif(not IS_ROOT, reason="not root: the 'unreadable' case already covers it")
def test_unreadable_file_as_an_unprivileged_user(corpus: dict[str, Path]) -> None:
    """As root, mode 000 does not stop reading; drop to ``nobody`` to see the refusal."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and no setpriv to drop privileges")
    folder = Path(tempfile.mkdtemp(prefix="lb-unreadable-"))
    try:
        folder.chmod(0o755)  # traversable by nobody; the file itself is not readable
        victim = folder / "unreadable.txt"
        shutil.copyfile(corpus["unreadable"], victim)  # root reads the mode-000 original
        victim.chmod(0)
        run = run_cli(["extract", str(victim), str(GOOD), "-o", "-"], victim, executable=[
            setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(CLI)])
        if run.returncode not in (0, 1) or run.stderr.startswith("setpriv"):
            pytest.skip(f"could not run as nobody: {run.stderr.strip()[:200]}")
        assert run.returncode == 1
        assert run.error_lines == [f"error {victim}: permission denied"]
        assert "Traceback" not in run.stderr
        assert len(run.stdout.splitlines()) == len(process_file(str(GOOD)).claims)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(("depth", "reason"), [
    (10_000, "invalid JSON on the first line"),  # the whole line is in the sniffed head
    (100_000, "line 1: invalid JSON (nested too deeply)"),  # longer than the head
])
def test_json_nested_too_deeply_on_the_first_line(tmp_path: Path, depth: int,
                                                  reason: str) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"abstract": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8")
    result = process_file(str(path))
    assert result.error == reason and result.traceback is None
