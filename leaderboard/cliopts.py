"""Command-line options shared by ``leaderboard`` and its ``fetch`` sub-commands, so an
option means and says the same thing everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="input format (default: detected from content): "
        "daily-papers, arxiv-listing, arxiv-jsonl, arxiv-atom, hf-daily-json, plain-text",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", help="DuckDB store file (default: $LEADERBOARD_DB or data/leaderboard.duckdb)"
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="show tracebacks of unexpected errors")]
MaxCharsOpt = Annotated[int, typer.Option(
    "--max-abstract-chars", min=1, help="read claims from at most this many characters of "
    "an abstract (what is cut is reported)")]
MaxClaimsOpt = Annotated[int, typer.Option(
    "--max-claims-per-paper", min=1, help="keep at most this many claims of one paper "
    "(what is cut is reported)")]

JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="extraction processes (default: all cores); small "
    "inputs are extracted in this process")]
BatchOpt = Annotated[int, typer.Option(
    "--batch-size", min=1, help="papers per batch (one store transaction each)")]
ProgressOpt = Annotated[bool | None, typer.Option(
    "--progress/--no-progress", help="a live count of papers and claims on standard "
    "error (default: when it is a terminal)")]
