"""``leaderboard``: the command line, a thin shell over the library.

Every command parses its arguments, calls one or two library functions and prints.
Errors in input files are reported by name with a one-line reason; the run goes on
and the exit code is 1 when any file failed (2 for usage errors, as Click does).
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leaderboard import __version__
from leaderboard.claimio import ClaimWriter, claim_format_for
from leaderboard.cliopts import (
    BatchOpt,
    DbOpt,
    DebugOpt,
    FormatOpt,
    JobsOpt,
    MaxCharsOpt,
    MaxClaimsOpt,
    ProgressOpt,
)
from leaderboard.cliprogress import RunProgress
from leaderboard.extract import Limits
from leaderboard.fetch.cli import fetch_app
from leaderboard.pipeline import FileResult

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Turn the numbers claimed in ML paper abstracts into a typed, auditable table, "
    "per-benchmark leaderboards and exports.\n\n"
    "Example: leaderboard ingest data/samples && leaderboard export leaderboards -o out/",
)
app.add_typer(fetch_app, name="fetch")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

def _warn(source: str, warning: str) -> None:
    """Part of a file was left out (the rest was read): named, and the exit code says so."""
    err.print(f"[yellow]warning[/yellow] {escape(source)}: {escape(warning)}", soft_wrap=True)


def _note(source: str, note: str) -> None:
    err.print(f"[yellow]limit[/yellow] {escape(source)}: {escape(note)}", soft_wrap=True)


def _reporter(debug: bool):  # type: ignore[no-untyped-def]
    """Report a failed input by name and reason (and its traceback with --debug)."""

    def report(result: FileResult) -> None:
        err.print(
            f"[red]error[/red] {escape(result.source)}: {escape(result.error or '')}",
            soft_wrap=True,
            highlight=False,
        )
        if debug and result.traceback:
            err.print(result.traceback, markup=False)

    return report


def _show_progress(flag: bool | None, output: Path | None = None) -> bool:
    """--progress / --no-progress, else a live count only when a person is watching
    standard error, and not when claims scroll past on the same terminal (``-o -``)."""
    if flag is not None:
        return flag
    scrolls = output is not None and str(output) == "-" and sys.stdout.isatty()
    return err.is_terminal and not scrolls


def _db_path(db: Path | None) -> Path:
    from leaderboard.store import default_db_path

    return db if db is not None else default_db_path()


@app.command()
def extract(
    paths: Annotated[
        list[str], typer.Argument(help="files, folders (read recursively) or - for standard input")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="OUT.jsonl or OUT.csv (- for standard output, JSON lines)"
        ),
    ],
    fmt: FormatOpt = None,
    debug: DebugOpt = False,
    max_abstract_chars: MaxCharsOpt = 100_000,
    max_claims_per_paper: MaxClaimsOpt = 1_000,
    jobs: JobsOpt = None,
    batch_size: BatchOpt = 1000,
    progress: ProgressOpt = None,
) -> None:
    """Extract claims from abstracts into a JSONL or CSV file, without a store.

    One row per claim, in input order, with the fields of the claim guide and the
    character offsets of its number in the source file.

    Example: leaderboard extract data/samples -o claims.jsonl
    """
    from leaderboard.stream import Batch, LocalMapper, stream_files

    failed = warned = 0
    n_papers = n_claims = 0
    report = _reporter(debug)
    limits = Limits(max_abstract_chars, max_claims_per_paper)
    with ClaimWriter(output, claim_format_for(output)) as writer, \
            LocalMapper(jobs, limits) as mapper, \
            RunProgress(err, _show_progress(progress, output), "extracting") as shown:
        open_files: dict[int, tuple[int, int]] = {}  # job -> (papers, claims) written
        for item in mapper.map(stream_files(paths, fmt, batch_size=batch_size)):
            job = item.job
            if isinstance(item, Batch):
                for note in item.notes:
                    _note(job.source, note)
                if item.error is not None and job.ok:
                    job.error, job.traceback = item.error, item.traceback
                if not job.ok:
                    continue
                if id(job) not in open_files:
                    writer.begin_file()
                    open_files[id(job)] = (0, 0)
                writer.write_all(item.claims)
                shown.batch(job.source, len(item.papers), len(item.claims))
                papers, claims = open_files[id(job)]
                open_files[id(job)] = (papers + len(item.papers), claims + len(item.claims))
                continue
            written = open_files.pop(id(job), None)
            if written is not None:
                writer.end_file(keep=job.ok)
            for warning in job.warnings:
                _warn(job.source, warning)
            if not job.ok:
                failed += 1
                report(FileResult(source=job.source, error=job.error,
                                  traceback=job.traceback))
                continue
            warned += 1 if job.warnings else 0
            if written is not None:
                n_papers += written[0]
                n_claims += written[1]
    err.print(
        f"{n_claims} claims from {n_papers} papers -> {output}"
        + (f"; {failed} input(s) failed" if failed else "")
        + (f"; {warned} input(s) with parts left out" if warned else ""),
        soft_wrap=True,
    )
    raise typer.Exit(1 if failed or warned else 0)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders or - for standard input")],
    db: DbOpt = None,
    fmt: FormatOpt = None,
    debug: DebugOpt = False,
    max_abstract_chars: MaxCharsOpt = 100_000,
    max_claims_per_paper: MaxClaimsOpt = 1_000,
    jobs: JobsOpt = None,
    batch_size: BatchOpt = 1000,
    engine: Annotated[Literal["local", "dask"], typer.Option(
        "--engine", help="local: worker processes on this machine; dask: a Dask cluster "
        "(pip install 'leaderboard\\[dask]'), local unless --scheduler is given")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="with --engine dask: address of a running Dask scheduler, "
        "e.g. tcp://10.0.0.5:8786 (default: $DASK_SCHEDULER_ADDRESS, else a local "
        "cluster of --jobs workers)")] = None,
    memory_limit: Annotated[str, typer.Option(
        "--memory-limit", help="cap on the store's buffer pool during the ingest (DuckDB "
        "size, e.g. 512MB, 2GB); memory stays flat however large the store")] = "512MB",
    progress: ProgressOpt = None,
) -> None:
    """Extract claims and add them to the store, streaming, in batches of papers.

    Each batch is stored in one transaction and a file is marked whole with its last
    batch: an interrupted or killed ingest resumes where it stopped when run again, and
    a file that fails part-way is reported and removed again. Re-ingesting a file
    already stored adds nothing; a paper already seen in another file is recorded as a
    second sighting and its claims are not doubled. Output does not depend on --jobs
    or --engine.

    Example: leaderboard ingest data/samples --db data/leaderboard.duckdb --jobs 2
    """
    from leaderboard.ingest import ingest_paths

    limits = Limits(max_abstract_chars, max_claims_per_paper)
    mapper = None
    if engine == "dask":
        from leaderboard.engines import dask_mapper

        mapper = dask_mapper(scheduler, jobs, limits)
    try:
        with RunProgress(err, _show_progress(progress), "ingesting") as shown:
            report = ingest_paths(_db_path(db), paths, fmt, on_failure=_reporter(debug),
                                  limits=limits, on_note=_note, on_warning=_warn, jobs=jobs,
                                  batch_size=batch_size, mapper=mapper, engine=engine,
                                  memory_limit=memory_limit, on_batch=shown.batch)
    finally:
        if mapper is not None:
            mapper.close()
    err.print(report.summary(), soft_wrap=True, markup=False, highlight=False)
    raise typer.Exit(1 if report.failed or report.warned else 0)


@app.command()
def export(
    what: Annotated[
        Literal["claims", "leaderboards"],
        typer.Argument(
            help="claims: every stored claim; leaderboards: one ranked table per "
            "benchmark, metric and setting"
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="a file for claims, a folder for leaderboards")
    ],
    benchmark: Annotated[
        str | None, typer.Option("--benchmark", "-b", help="only this benchmark (name or id)")
    ] = None,
    fmt: Annotated[Literal["csv", "parquet", "jsonl"], typer.Option("--format")] = "csv",
    manifest: Annotated[bool, typer.Option("--manifest", help="also write OUT.manifest.json: "
                                           "inputs, versions and output hashes, for "
                                           "`leaderboard verify`")] = False,
    db: DbOpt = None,
) -> None:
    """Export stored claims or leaderboards as CSV, Parquet or JSON lines.

    Outputs are deterministic: the same store gives byte-identical files.

    Example: leaderboard export leaderboards --format csv -o out/leaderboards
    """
    from leaderboard.views import export_claims, export_leaderboards

    db_path = _db_path(db)
    if what == "claims":
        n = export_claims(db_path, output, fmt, benchmark)
        err.print(f"{n} claims -> {output}")
    else:
        files = export_leaderboards(db_path, output, fmt, benchmark)
        err.print(f"{len(files) - 1} leaderboards -> {output}/ (index: {output}/index.{fmt})")
    if manifest:
        from leaderboard.manifest import write_manifest

        err.print(f"manifest -> {write_manifest(db_path, what, output, fmt, benchmark)}")


@app.command()
def benchmarks(
    validate: Annotated[
        bool, typer.Option("--validate", help="check the registry and report every problem")
    ] = False,
) -> None:
    """List the benchmark registry (name, id, task, metric, direction, scale).

    Example: leaderboard benchmarks --validate
    """
    from leaderboard.registry import (
        load_benchmarks,
        load_models,
        validate_benchmarks,
        validate_models,
    )

    reg = load_benchmarks()
    if validate:
        problems = validate_benchmarks(reg) + validate_models(load_models())
        for problem in problems:
            err.print(f"[red]problem[/red] {problem}")
        err.print(f"{len(reg.benchmarks)} benchmarks checked: {len(problems)} problem(s)")
        raise typer.Exit(1 if problems else 0)
    table = Table("id", "name", "task", "metric", "direction", "scale", "aliases")
    for b in reg.benchmarks:
        scale = b.scale
        low = "" if scale.min is None else f"{scale.min:g}"
        high = "" if scale.max is None else f"{scale.max:g}"
        span = f"{low}..{high}"
        table.add_row(
            b.id,
            b.name,
            b.task,
            b.metric,
            b.direction,
            f"{span} {scale.unit or ''}".strip(),
            ", ".join(b.aliases),
        )
    out.print(table)


@app.command()
def show(
    paper_id: Annotated[str, typer.Argument(help="a paper id (arXiv:..., h:...) as in exports")],
    db: DbOpt = None,
) -> None:
    """Show a stored paper, where it was seen, and its claims with their evidence.

    Example: leaderboard show h:0123456789abcdef
    """
    from leaderboard.views import paper_report

    text = paper_report(_db_path(db), paper_id)
    if text is None:
        err.print(f"[red]error[/red] no paper {paper_id!r} in the store")
        raise typer.Exit(1)
    out.print(text, markup=False, highlight=False)


@app.command()
def stats(
    db: DbOpt = None,
    leaderboards: Annotated[
        Path | None, typer.Option(help="folder of exported leaderboards to point to")
    ] = None,
) -> None:
    """Summarise the store: papers, claims, benchmarks, top leaderboards.

    Example: leaderboard stats --db data/leaderboard.duckdb
    """
    from leaderboard.views import store_summary

    out.print(store_summary(_db_path(db), leaderboards), markup=False, highlight=False)


@app.command()
def chart(
    benchmark: Annotated[str, typer.Option("--benchmark", "-b", help="benchmark id, name or "
                                           "alias (e.g. gsm8k, \"MT-Bench\")")],
    output: Annotated[Path, typer.Option("--output", "-o", help="frontier.svg, .png or .html")],
    metric: Annotated[str | None, typer.Option(help="metric of the board (default: the "
                                               "benchmark's largest board)")] = None,
    setting: Annotated[str | None, typer.Option(help="setting of the board")] = None,
    color_by: Annotated[str, typer.Option(help="role or organization")] = "role",
    db: DbOpt = None,
) -> None:
    """Draw a benchmark's score-versus-parameters frontier as a static file.

    The same chart as the dashboard's frontier view, for papers and slides: every
    claimed score against model size (log axis) and the Pareto frontier as a step line.

    Example: leaderboard chart --benchmark gsm8k -o frontier.svg
    """
    from leaderboard.frontier import (
        board_choices,
        find_benchmark_key,
        frontier_chart,
        frontier_view,
        render_chart,
    )
    from leaderboard.views import direction_of, scores_table

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "html"):
        err.print(f"[red]error[/red] {escape(str(output))}: use a .svg, .png or .html file")
        raise typer.Exit(2)
    scores = scores_table(_db_path(db))
    key = find_benchmark_key(scores, benchmark)
    if key is None:
        err.print(f"[red]error[/red] no score claims for benchmark {escape(benchmark)!r}")
        raise typer.Exit(1)
    boards = [b for b in board_choices(scores, key)
              if (metric is None or b[0] == metric) and (setting is None or b[1] == setting)]
    if not boards:
        err.print(f"[red]error[/red] {escape(benchmark)}: no board with metric={metric!r} "
                  f"setting={setting!r}")
        raise typer.Exit(1)
    b_metric, b_setting, b_unit, _ = boards[0]
    rows = scores[scores["benchmark_key"] == key]
    label = str(rows["benchmark"].dropna().iloc[0]) if rows["benchmark"].notna().any() else key
    bid = rows["benchmark_id"].dropna()
    view = frontier_view(scores, key, b_metric, b_setting, b_unit,
                         direction=direction_of(bid.iloc[0] if not bid.empty else None,
                                                b_metric))
    title = " · ".join(x for x in (label, b_metric, b_setting) if x)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(render_chart(frontier_chart(view, title, color_by), fmt))
    err.print(f"{len(view.points)} sized claims ({len(view.frontier)} on the frontier, "
              f"{len(view.unsized)} without a size) -> {output}")


@app.command()
def dashboard(
    db: DbOpt = None,
    port: Annotated[int, typer.Option(help="port to serve on")] = 8501,
) -> None:
    """Open the Streamlit dashboard (frontiers, leaderboards, claims, papers).

    It reads the store read-only, so it can stay open while an ingest runs.

    Example: leaderboard dashboard --db data/leaderboard.duckdb --port 8501
    """
    import subprocess

    import leaderboard

    app_path = Path(leaderboard.__file__).resolve().parent.parent / "dashboards" / "app.py"
    if not app_path.exists():
        err.print(f"[red]error[/red] dashboard app not found at {app_path} "
                  "(run from a checkout of the project)")
        raise typer.Exit(1)
    db_path = _db_path(db).resolve()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_path), "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--", "--db", str(db_path)]
    raise typer.Exit(subprocess.call(cmd))


_REVIEWABLE = frozenset({
    "kind", "value", "value_low", "unit", "model", "base_model", "params", "active_params",
    "benchmark", "benchmark_id", "task", "metric", "baseline", "direction", "delta_type",
    "setting", "qualifier", "role", "notes"})


@app.command()
def review(
    claim_id: Annotated[str, typer.Argument(help="the claim's id (claim_id column of exports)")],
    accept: Annotated[bool, typer.Option("--accept", help="mark the claim as checked")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="leave the claim out of exports, "
                                         "leaderboards and the dashboard")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE to correct "
                                                   "(repeatable); VALUE is JSON when it "
                                                   "parses (7e9, null), else text")] = None,
    note: Annotated[str | None, typer.Option("--note", help="why")] = None,
    db: DbOpt = None,
) -> None:
    """Record a human decision on a claim, kept apart from extracted data.

    Decisions are keyed by the paper and the characters of the number, so they survive
    re-ingest and a new extractor version; they apply in exports and the dashboard.

    Example: leaderboard review c:0123456789abcdef --set model=Orca-Math --note "typo"
    """
    import json

    from leaderboard.store import Store

    if sum((accept, reject, bool(set_))) != 1:
        err.print("[red]error[/red] give exactly one of --accept, --reject or --set FIELD=VALUE")
        raise typer.Exit(2)
    changes: list[tuple[str, object]] = []
    for item in set_ or []:
        field, sep, raw = item.partition("=")
        if not sep or field not in _REVIEWABLE:
            err.print(f"[red]error[/red] --set {escape(item)}: use FIELD=VALUE with FIELD one of "
                      f"{', '.join(sorted(_REVIEWABLE))}")
            raise typer.Exit(2)
        try:
            value: object = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        changes.append((field, value))
    with Store.open(_db_path(db)) as store:
        if accept or reject:
            store.add_review(claim_id, "accept" if accept else "reject", note=note)
        for field, value in changes:
            store.add_review(claim_id, "set", field=field, value=value, note=note)
    what = "accepted" if accept else "rejected" if reject else ", ".join(
        f"{f}={v!r}" for f, v in changes)
    err.print(f"{claim_id}: {what}")


@app.command()
def audit(
    db: DbOpt = None,
    fmt: Annotated[Literal["table", "csv", "jsonl"], typer.Option("--format")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write the findings "
                                                "here (csv/jsonl) instead of printing")] = None,
    only: Annotated[list[str] | None, typer.Option("--check", help="run only this check "
                                                   "(repeatable)")] = None,
    list_: Annotated[bool, typer.Option("--list", help="list the checks and exit")] = False,
) -> None:
    """Run every audit check over the store in one pass and store the findings.

    Checks provenance (spans and file hashes), arithmetic inside abstracts, ranges and
    units, conflicts across papers, sizes against the model registry and "state of the
    art" claims against the other claims of a benchmark. Findings are stored, so exports
    and the dashboard show each claim's audit status.

    Example: leaderboard audit --format csv -o findings.csv
    """
    import pandas as pd

    from leaderboard.audit import AuditContext, list_checks, run_checks
    from leaderboard.export import write_table
    from leaderboard.store import Store

    if list_:
        for name, description in list_checks():
            out.print(f"{name}: {description}", markup=False, highlight=False, soft_wrap=True)
        return
    known = {name for name, _ in list_checks()}
    unknown = sorted(set(only or []) - known)
    if unknown:
        err.print(f"[red]error[/red] unknown check(s): {escape(', '.join(unknown))}; "
                  "see `leaderboard audit --list`")
        raise typer.Exit(2)
    with Store.open(_db_path(db)) as store:
        run_id = store.begin_run({"command": "audit", "checks": sorted(only or known)})
        findings = run_checks(AuditContext.from_store(store), set(only) if only else None)
        rows = [f.to_row() for f in findings]
        store.replace_findings(rows, run_id)
        store.finish_run(run_id, {"findings": len(rows)}, "ok")
    frame = pd.DataFrame(rows, columns=["finding_id", "check_name", "severity", "paper_id",
                                        "claim_ids", "message", "evidence", "numbers"])
    frame["numbers"] = [json.dumps(n, sort_keys=True) for n in frame["numbers"]]
    if output is not None or fmt != "table":
        if output is None:
            err.print("[red]error[/red] --format csv/jsonl needs --output PATH")
            raise typer.Exit(2)
        write_table(frame, output, "jsonl" if fmt == "jsonl" else "csv")
        err.print(f"{len(rows)} finding(s) -> {output}")
        return
    table = Table("severity", "check", "paper", "message")
    for row in rows:
        table.add_row(row["severity"], row["check_name"], str(row["paper_id"] or ""),
                      escape(row["message"]))
    out.print(table)
    err.print(f"{len(rows)} finding(s) stored in {_db_path(db)}")


@app.command()
def verify(
    manifest: Annotated[Path, typer.Argument(help="an export's OUT.manifest.json")],
) -> None:
    """Re-derive an export from its manifest's inputs and compare byte for byte.

    Re-ingests the recorded input files (checking their sha256) into a temporary
    store, re-applies the recorded review decisions, re-exports with the same options
    and reports byte-identical, or the files and rows that differ (exit 1).

    Example: leaderboard verify out/leaderboards.manifest.json
    """
    from leaderboard.manifest import verify as verify_manifest

    report = verify_manifest(manifest)
    for line in report.lines():
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if report.identical else 1)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"leaderboard {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="print the version"
        ),
    ] = False,
) -> None:
    """leaderboard: claims, leaderboards and audits from ML paper abstracts."""


def _reflow_help(*apps: typer.Typer) -> None:
    """Give each command its docstring as help with the line breaks inside paragraphs
    removed. Why: typer's rich help keeps a docstring's single line breaks, so on an
    80-column terminal every source line was wrapped again into a ragged pair of lines.
    Paragraphs (blank-line separated) stay apart."""
    for each in apps:
        for info in each.registered_commands:
            doc = inspect.getdoc(info.callback) if info.callback else None
            if info.help is None and doc:
                info.help = "\n\n".join(" ".join(p.split()) for p in doc.split("\n\n"))


_reflow_help(app, fetch_app)


def main() -> None:
    """Console-script entry point: store errors (locked, wrong version, unknown claim)
    are one line naming the store, not a traceback."""
    from leaderboard.storeerror import StoreError

    try:
        app()
    except StoreError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
