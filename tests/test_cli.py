"""The command line through its real entry point (the installed console script)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
CLI = Path(sys.executable).parent / "leaderboard"
COMMANDS = ["extract", "ingest", "export", "benchmarks", "show", "stats", "chart", "dashboard",
            "audit", "review", "verify"]


def run(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin.decode() if stdin is not None else None,
        timeout=300,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "lb.duckdb"
    result = run("ingest", str(SAMPLES), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def test_console_script_installed() -> None:
    assert CLI.exists(), "the package must install the `leaderboard` console script"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_extract_jsonl_offsets_read_value_text(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    result = run("extract", str(SAMPLES), "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 200
    required = {
        "source",
        "paper_id",
        "paper_title",
        "char_start",
        "char_end",
        "value_text",
        "kind",
        "value",
        "value_low",
        "unit",
        "model",
        "base_model",
        "params",
        "active_params",
        "benchmark",
        "benchmark_id",
        "task",
        "metric",
        "baseline",
        "direction",
        "delta_type",
        "setting",
        "qualifier",
        "role",
        "sentence",
    }
    assert required <= set(rows[0])
    texts: dict[str, str] = {}
    for row in rows:
        text = texts.setdefault(row["source"], Path(row["source"]).read_text(encoding="utf-8"))
        assert text[row["char_start"] : row["char_end"]] == row["value_text"]
        assert row["kind"] in ("score", "delta", "ratio")


def test_extract_csv_and_standard_input(tmp_path: Path) -> None:
    abstract = b"We propose FooNet. FooNet reaches 91.2% accuracy on CIFAR-10, 2x faster.\n"
    out = tmp_path / "claims.csv"
    result = run("extract", "-", "-o", str(out), stdin=abstract)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("claim_id,")
    assert len(lines) == 3
    assert "91.2%" in lines[1] and "2x" in lines[2]


def test_bad_input_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    missing = tmp_path / "nope.txt"
    result = run("extract", str(missing), str(SAMPLES / "003_5b6b1415f84db99a.txt"), "-o", str(out))
    assert result.returncode == 1
    assert "nope.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8").count("\n") >= 1


def test_ingest_is_idempotent(store: Path) -> None:
    again = run("ingest", str(SAMPLES), "--db", str(store))
    assert again.returncode == 0, again.stderr
    assert "0 file(s) added, 3 unchanged" in again.stderr
    assert "0 claim(s) added" in again.stderr


def test_paper_seen_twice_is_one_paper(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    assert (
        run("export", "claims", "--format", "jsonl", "-o", str(out), "--db", str(store)).returncode
        == 0
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    orca = [r for r in rows if r["value_text"] == "86.81%"]
    assert len({r["paper_id"] for r in orca}) == 1
    assert len({r["source"] for r in orca}) == 1


def test_leaderboard_export_is_byte_identical(store: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        result = run(
            "export", "leaderboards", "--format", "csv", "-o", str(folder), "--db", str(store)
        )
        assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in a.iterdir())
    assert "index.csv" in files and len(files) > 5
    assert files == sorted(p.name for p in b.iterdir())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    gsm = [n for n in files if n.startswith("gsm8k")]
    assert gsm, files
    header = (a / gsm[0]).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("benchmark,benchmark_id,metric,setting,rank,model,value,unit")


def test_show_and_stats(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    run("export", "claims", "--format", "jsonl", "-o", str(out), "--db", str(store))
    paper_id = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["paper_id"]
    shown = run("show", paper_id, "--db", str(store))
    assert shown.returncode == 0, shown.stderr
    assert paper_id in shown.stdout and "claim(s)" in shown.stdout
    missing = run("show", "h:doesnotexist", "--db", str(store))
    assert missing.returncode == 1
    stats = run("stats", "--db", str(store))
    assert stats.returncode == 0 and "papers" in stats.stdout


def test_benchmarks_list_and_validate() -> None:
    listed = run("benchmarks")
    assert listed.returncode == 0 and "gsm8k" in listed.stdout
    checked = run("benchmarks", "--validate")
    assert checked.returncode == 0, checked.stderr
    assert "0 problem(s)" in checked.stderr


def test_chart_writes_a_static_frontier(store: Path, tmp_path: Path) -> None:
    svg = tmp_path / "frontier.svg"
    result = run("chart", "--benchmark", "MMLU", "-o", str(svg), "--db", str(store))
    assert result.returncode == 0, result.stderr
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "Llama 3 8B" in text
    assert run("chart", "-b", "mmlu", "-o", str(tmp_path / "x.pdf"), "--db",
               str(store)).returncode == 2
    missing = run("chart", "-b", "no-such-bench", "-o", str(svg), "--db", str(store))
    assert missing.returncode == 1 and "no score claims" in missing.stderr


def test_help_texts_keep_their_square_brackets() -> None:
    """Help is rendered as rich markup, where ``[dask]`` is a style tag and vanishes:
    an install hint read "pip install 'leaderboard'". Every ``name[extra]`` written in
    an option's help must reach the screen."""
    import os

    import typer

    from leaderboard.cli import app

    group = typer.main.get_command(app)
    checked = 0
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        wanted = {m.group(0).replace("\\[", "[") for p in command.params
                  for m in re.finditer(r"\w+\\?\[\w+\]", getattr(p, "help", None) or "")}
        if not wanted:
            continue
        shown = subprocess.run([str(CLI), name, "--help"], cwd=ROOT, capture_output=True,
                               text=True, timeout=300,
                               env={**os.environ, "COLUMNS": "400"}).stdout
        for text in wanted:
            assert text in shown, f"{name} --help lost {text!r}"
            checked += 1
    assert checked >= 1  # the --engine hint, at least


def test_progress_line_counts_the_run_and_changes_no_output(tmp_path: Path) -> None:
    """--progress shows papers and claims as batches finish (on standard error only);
    without a terminal, and without the flag, there is no such line. The claims file
    and the store are the same either way."""
    counts = re.compile(r"(\d[\d,]*) papers, (\d[\d,]*) claims")
    outs = {}
    for flag in ("--progress", "--no-progress", None):
        out = tmp_path / f"claims{flag}.jsonl"
        args = ["extract", str(SAMPLES), "-o", str(out), "--batch-size", "40"]
        result = run(*args, *([flag] if flag else []))
        assert result.returncode == 0, result.stderr
        outs[flag] = out.read_bytes()
        shown = counts.findall(result.stderr)
        if flag == "--progress":
            papers, claims = (int(x.replace(",", "")) for x in shown[-1])
            assert f"{claims} claims from {papers} papers" in result.stderr
            assert claims == len(outs[flag].splitlines()) > 0
        else:
            assert shown == []
    assert outs["--progress"] == outs["--no-progress"] == outs[None]
    digests = []
    for flag in ("--progress", "--no-progress"):
        db = tmp_path / f"lb{flag}.duckdb"
        result = run("ingest", str(SAMPLES), "--db", str(db), "--batch-size", "40", flag)
        assert result.returncode == 0, result.stderr
        assert bool(counts.search(result.stderr)) == (flag == "--progress")
        exported = tmp_path / f"claims{flag}.csv"
        assert run("export", "claims", "-o", str(exported), "--db", str(db)).returncode == 0
        digests.append(exported.read_bytes())
    assert digests[0] == digests[1]


_MODULES_AFTER_EXTRACT = """
import sys
from leaderboard.cli import main
sys.argv = ["leaderboard", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(code, sorted(m for m in ("pandas", "duckdb", "pyarrow") if m in sys.modules))
"""


def test_extract_starts_without_the_store_stack(tmp_path: Path) -> None:
    """``extract`` writes files, never a store: DuckDB, pandas and pyarrow stay unloaded,
    which saves every run about half a second of start-up."""
    out = tmp_path / "claims.csv"
    result = subprocess.run([sys.executable, "-c", _MODULES_AFTER_EXTRACT, "extract",
                             str(SAMPLES), "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "0 []", result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) > 200


def _on_terminal(args: list[str], *, stdout_too: bool) -> tuple[int, bytes, bytes]:
    """Run the CLI with standard error on a pseudo-terminal (and standard output too,
    or a pipe): (exit code, standard output if piped, what the terminal showed)."""
    import os
    import pty
    import threading

    leader, follower = pty.openpty()
    shown = bytearray()

    def drain() -> None:  # read the terminal as the run goes, so it never fills up
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything is read
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        result = subprocess.run([str(CLI), *args], cwd=ROOT, stderr=follower, timeout=300,
                                stdout=follower if stdout_too else subprocess.PIPE)
    finally:
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    return result.returncode, result.stdout or b"", bytes(shown)


def test_progress_on_a_terminal_leaves_claims_on_stdout_intact() -> None:
    """The usual pipe, ``extract -o - | jq`` from a terminal: standard error is the
    terminal, so the live line is on by default, and standard output is a pipe that
    must carry exactly the claims a run without the line writes (it crashed: the
    line took over sys.stdout). With both on the terminal, claims scroll past there
    and the line stays off."""
    expected = run("extract", str(SAMPLES), "-o", "-", "--no-progress").stdout
    args = ["extract", str(SAMPLES), "-o", "-", "--batch-size", "20"]
    code, piped, shown = _on_terminal(args, stdout_too=False)
    assert code == 0, shown.decode(errors="replace")[-2000:]
    assert piped.decode() == expected and expected
    assert b"papers, " in shown and b"Traceback" not in shown  # the line was on
    code, _, shown = _on_terminal(args, stdout_too=True)
    assert code == 0, shown.decode(errors="replace")[-2000:]
    assert b"papers, " not in shown and shown.count(b'"claim_id"') == expected.count(
        '"claim_id"')


def test_help_paragraphs_are_reflowed_not_broken_at_source_lines() -> None:
    """A docstring's paragraphs reach the help screen as paragraphs: typer kept each
    source line break, so an 80-column terminal showed every line wrapped in two. On a
    wide screen each short paragraph must now be one line."""
    import inspect
    import os

    from leaderboard.cli import app
    from leaderboard.fetch.cli import fetch_app

    checked = 0
    for prefix, each in (([], app), (["fetch"], fetch_app)):
        for info in each.registered_commands:
            assert info.callback is not None
            name = info.name or info.callback.__name__.replace("_", "-")
            shown = subprocess.run([str(CLI), *prefix, name, "--help"], cwd=ROOT,
                                   capture_output=True, text=True, timeout=300,
                                   env={**os.environ, "COLUMNS": "250"}).stdout
            lines = {line.strip() for line in shown.splitlines()}
            for paragraph in (inspect.getdoc(info.callback) or "").split("\n\n")[1:]:
                flat = " ".join(paragraph.split())
                if "\n" in paragraph and len(flat) < 240:
                    assert flat in lines, f"{name}: {flat[:60]!r} broken across lines"
                    checked += 1
    assert checked >= 5
