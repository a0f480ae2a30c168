"""Read-side views of the store shared by the CLI and the dashboard: exports,
leaderboards with the registry's directions, a paper report and a store summary.

Nothing here writes to the store; every function opens it read-only.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from leaderboard.export import write_leaderboards, write_table
from leaderboard.extract.lexicon import default_lexicon
from leaderboard.leaderboards import build_leaderboards
from leaderboard.models import CLAIM_COLUMNS
from leaderboard.store import Store


@lru_cache(maxsize=1)
def _directions() -> dict[str, tuple[str, str]]:
    """Benchmark id -> (direction, default metric), from the registry."""
    from leaderboard.registry import load_benchmarks

    return {b.id: (b.direction, b.metric) for b in load_benchmarks().benchmarks}


def direction_of(benchmark_id: str | None, metric: str | None) -> str:
    """ "higher" or "lower" is better for a benchmark and metric.

    A metric that is lower-is-better by nature (perplexity, WER, latency, ...) decides
    on its own; otherwise the registry's direction for the benchmark's default metric;
    otherwise higher is better, the reading of an unknown score.
    """
    if metric and metric.lower() in default_lexicon().lower_is_better:
        return "lower"
    known = _directions().get(benchmark_id or "")
    if known is not None:
        direction, default_metric = known
        if metric is None or metric.lower() == default_metric.lower() or direction == "higher":
            return direction
    return "higher"


def default_metric_of(benchmark_id: str | None) -> str | None:
    """The registry's default metric of a benchmark (None when unknown)."""
    known = _directions().get(benchmark_id or "")
    return known[1] if known else None


def scores_table(db_path: Path) -> pd.DataFrame:
    """Score claims ready for frontiers (:func:`leaderboard.frontier.prepare_claims`)."""
    from leaderboard.frontier import prepare_claims

    with Store.open(db_path, read_only=True) as store:
        claims = store.claims_frame()
    return prepare_claims(claims, default_metric_of)


def store_state(db_path: Path) -> dict[str, object]:
    """Counts and the last run: what the dashboard's sidebar shows and caches on."""
    with Store.open(db_path, read_only=True) as store:
        return store.counts()


def claims_table(db_path: Path, benchmark: str | None = None) -> pd.DataFrame:
    """Stored claims in export column order (claim fields only: no store bookkeeping)."""
    with Store.open(db_path, read_only=True) as store:
        frame = store.claims_frame(benchmark)
    return frame[list(CLAIM_COLUMNS)]


def with_default_metrics(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims whose text names no metric are ranked under their benchmark's default
    metric (registry), so "64% on MMLU" and "64% accuracy on MMLU" share a board. The
    stored claim keeps its null: this is a reading for ranking, not an extraction."""
    defaults = {bid: metric for bid, (_, metric) in _directions().items()}
    out = claims.copy()
    missing = out["metric"].isna() & out["benchmark_id"].notna()
    out.loc[missing, "metric"] = out.loc[missing, "benchmark_id"].map(defaults)
    return out


def leaderboards_table(db_path: Path, benchmark: str | None = None) -> pd.DataFrame:
    with Store.open(db_path, read_only=True) as store:
        claims = store.claims_frame(benchmark)
    return build_leaderboards(with_default_metrics(claims), direction_of)


def export_claims(db_path: Path, output: Path, fmt: str, benchmark: str | None = None) -> int:
    frame = claims_table(db_path, benchmark)
    write_table(frame, output, fmt)  # type: ignore[arg-type]
    return len(frame)


def export_leaderboards(
    db_path: Path, out_dir: Path, fmt: str, benchmark: str | None = None
) -> list[Path]:
    return write_leaderboards(leaderboards_table(db_path, benchmark), out_dir, fmt)  # type: ignore[arg-type]


def paper_report(db_path: Path, paper_id: str) -> str | None:
    """A plain-text report of one paper: metadata, sightings and claims with evidence."""
    with Store.open(db_path, read_only=True) as store:
        found = store.paper(paper_id)
    if found is None:
        return None
    paper, sightings, claims = found
    lines = [f"{paper['paper_id']}  {paper['title'] or '(untitled)'}"]
    meta = [
        f"{k}: {paper[k]}"
        for k in ("arxiv_id", "published", "authors_count", "organization", "upvotes")
        if paper.get(k)
    ]
    if meta:
        lines.append("  " + "; ".join(meta))
    for s in sightings:
        lines.append(
            f"  seen in {s['source']} ({s['source_format']}, paper #{s['paper_index']}, "
            f"abstract at {s['abstract_start']}-{s['abstract_end']})"
        )
    lines.append(f"  {len(claims)} claim(s):")
    for raw in claims.to_dict("records"):
        row = {k: (None if _missing(v) else v) for k, v in raw.items()}
        what = " ".join(str(x) for x in (row["kind"], row["value_text"], row["unit"]) if x)
        fields = ", ".join(
            f"{k}={row[k]}"
            for k in ("model", "benchmark", "metric", "baseline", "params", "setting", "qualifier")
            if row.get(k) is not None
        )
        lines.append(f"  - [{row['char_start']}:{row['char_end']}] {what}: {fields}")
        lines.append(f'      "{row["sentence"]}"')
    return "\n".join(lines)


def _missing(value: object) -> bool:
    """pandas gives NaN/NA for missing cells; treat them as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def store_summary(db_path: Path, leaderboards_dir: Path | None = None, top: int = 10) -> str:
    """What the store holds and the largest leaderboards, for people and ``make demo``."""
    with Store.open(db_path, read_only=True) as store:
        counts = store.counts()
        claims = store.claims_frame()
    boards = build_leaderboards(with_default_metrics(claims), direction_of)
    lines = [
        f"store: {db_path}",
        f"  {counts['papers']} papers ({counts['sightings']} sightings in "
        f"{counts['sources']} files), {counts['claims']} claims, "
        f"{counts['benchmarks']} benchmarks",
    ]
    if not claims.empty:
        kinds = {str(k): int(v) for k, v in claims["kind"].value_counts().items()}
        lines.append("  claims by kind: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds)))
    if not boards.empty:
        sizes = (
            boards.groupby(["benchmark", "benchmark_id", "metric", "setting", "unit"], dropna=False)
            .size()
            .reset_index(name="n")
            .sort_values(["n", "benchmark"], ascending=[False, True])
        )
        n_boards = len(sizes)
        lines.append(f"  {n_boards} leaderboards; largest:")
        for row in sizes.head(top).itertuples(index=False):
            metric = row.metric if isinstance(row.metric, str) else "-"
            lines.append(f"    {row.benchmark} ({metric}): {row.n} model(s)")
    if leaderboards_dir is not None:
        lines.append(f"  leaderboard files: {leaderboards_dir}/ (index.csv lists them)")
    return "\n".join(lines)
