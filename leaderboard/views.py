"""Read-side views of the store shared by the CLI and the dashboard: exports,
leaderboards with the registry's directions, a paper report and a store summary.

Nothing here writes to the store; every function opens it read-only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from leaderboard.export import _board_groups, write_leaderboards, write_table
from leaderboard.extract.lexicon import default_lexicon
from leaderboard.leaderboards import build_leaderboards, clean, fold, unique_slugs
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

    return prepare_claims(reviewed_claims(db_path), default_metric_of)


def store_state(db_path: Path) -> dict[str, object]:
    """Counts and the last run: what the dashboard's sidebar shows and caches on. Also
    the number of review decisions and a digest of the audit findings, which change
    what views show without a new run."""
    import hashlib

    with Store.open(db_path, read_only=True) as store:
        state = store.counts()
        reviews = store.reviews_frame()
        findings = store.findings_frame()
    state["reviews"] = len(reviews)
    state["findings"] = len(findings)
    state["findings_digest"] = hashlib.sha256(
        "\n".join(sorted(str(f) for f in findings["finding_id"])).encode()).hexdigest()[:16]
    return state


#: Columns the claims export adds after the claim fields: the human review decision
#: (accepted / edited; rejected claims are left out) and the worst audit finding.
REVIEW_COLUMNS = ("review", "audit")
_SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


def apply_reviews(claims: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Claims as reviewed: rejected ones dropped, ``set FIELD=VALUE`` applied, and a
    ``review`` column saying accepted/edited. Decisions apply in the order made, the
    last one winning; decisions whose span no longer holds a claim are skipped (and
    reported by :func:`orphan_reviews`)."""
    out = claims.copy()
    out["review"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if reviews.empty or out.empty:
        return out
    position = {cid: i for i, cid in zip(out.index, out["claim_id"], strict=True)}
    rejected: set[object] = set()
    for r in reviews.itertuples(index=False):
        idx = position.get(r.claim_id) if isinstance(r.claim_id, str) else None
        if idx is None:
            continue
        if r.decision == "reject":
            rejected.add(idx)
        elif r.decision == "accept":
            rejected.discard(idx)
            if out.loc[idx, "review"] != "edited":
                out.loc[idx, "review"] = "accepted"
        elif r.decision == "set" and isinstance(r.field, str) and r.field in out.columns:
            rejected.discard(idx)
            if out[r.field].dtype.kind in "fiu" and r.value is not None:
                out[r.field] = out[r.field].astype("float64")
            elif out[r.field].dtype.kind not in "fiu":
                out[r.field] = out[r.field].astype("object")
            new_value: Any = r.value
            out.loc[idx, r.field] = new_value
            out.loc[idx, "review"] = "edited"
    return out.drop(index=sorted(rejected, key=str))


def orphan_reviews(reviews: pd.DataFrame) -> pd.DataFrame:
    """Review decisions whose paper and span no longer hold a claim (a new extractor
    version read that number differently, or not at all)."""
    return reviews[reviews["claim_id"].isna()] if not reviews.empty else reviews


def with_audit_status(claims: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """An ``audit`` column: the worst severity of the findings about each claim ("ok"
    when audited without findings, null when the store was never audited)."""
    audited = not findings.empty
    worst: dict[str, str] = {}
    for ids, severity in zip(findings["claim_ids"], findings["severity"], strict=True):
        for cid in ids:
            if _SEVERITY_ORDER.get(severity, 0) >= _SEVERITY_ORDER.get(worst.get(cid, ""), -1):
                worst[cid] = severity
    out = claims.copy()
    out["audit"] = [worst.get(cid, "ok") if audited else None for cid in out["claim_id"]]
    return out


def findings_table(db_path: Path) -> pd.DataFrame:
    """Stored audit findings for people: severity, check, paper, claims, message,
    evidence and the numbers involved (as JSON text)."""
    with Store.open(db_path, read_only=True) as store:
        frame = store.findings_frame()
    return pd.DataFrame({
        "severity": frame["severity"], "check": frame["check_name"],
        "paper_id": frame["paper_id"],
        "claim_ids": [", ".join(ids) for ids in frame["claim_ids"]],
        "message": frame["message"], "evidence": frame["evidence"],
        "numbers": frame["numbers"]})


def reviewed_claims(db_path: Path, benchmark: str | None = None) -> pd.DataFrame:
    """Stored claims with reviews applied and their audit status: what every export
    and view shows."""
    with Store.open(db_path, read_only=True) as store:
        claims = store.claims_frame(benchmark)
        reviews = store.reviews_frame()
        findings = store.findings_frame()
    return with_audit_status(apply_reviews(claims, reviews), findings)


def claims_table(db_path: Path, benchmark: str | None = None) -> pd.DataFrame:
    """Claims in export column order: the claim fields, then review and audit status."""
    frame = reviewed_claims(db_path, benchmark)
    return frame[[*CLAIM_COLUMNS, *REVIEW_COLUMNS]].reset_index(drop=True)


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
    claims = reviewed_claims(db_path, benchmark)
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
    """pandas gives NaN/NA/NaT for missing cells; treat them as None."""
    return clean(value) is None


def store_summary(db_path: Path, leaderboards_dir: Path | None = None, top: int = 10) -> str:
    """What the store holds and the largest leaderboards, for people and ``make demo``."""
    with Store.open(db_path, read_only=True) as store:
        counts = store.counts()
    claims = reviewed_claims(db_path)
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
    with Store.open(db_path, read_only=True) as store:
        orphans = orphan_reviews(store.reviews_frame())
    if len(orphans):
        lines.append(f"  {len(orphans)} review decision(s) no longer match a claim (the "
                     "number at that span was read differently or not at all):")
        for r in orphans.itertuples(index=False):
            lines.append(f"    {r.paper_id} [{r.span_start}:{r.span_end}] {r.value_text!r} "
                         f"{r.decision}")
    if leaderboards_dir is not None:
        lines.append(f"  leaderboard files: {leaderboards_dir}/ (index.csv lists them)")
    return "\n".join(lines)


# --- read-only shaping for the dashboard (dashboards/app.py) -------------------------


def claims_with_papers(db_path: Path) -> pd.DataFrame:
    """Every claim as reviewed (:func:`reviewed_claims`: rejected ones left out, edits
    applied, review and audit status) with its paper's date, organisation and arXiv id."""
    return reviewed_claims(db_path).reset_index(drop=True)


def papers_table(db_path: Path) -> pd.DataFrame:
    """Every stored paper (with its abstract) and its numbers of sightings and claims."""
    with Store.open(db_path, read_only=True) as store:
        return store.papers_frame()


def paper_record(db_path: Path, paper_id: str
                 ) -> tuple[dict[str, Any], list[dict[str, Any]], pd.DataFrame] | None:
    """A paper, its sightings and its claims as reviewed (:meth:`Store.paper`, then
    :func:`apply_reviews` and :func:`with_audit_status`); None if not stored."""
    with Store.open(db_path, read_only=True) as store:
        found = store.paper(paper_id)
        if found is None:
            return None
        reviews = store.reviews_frame()
        findings = store.findings_frame()
    paper, sightings, claims = found
    claims = with_audit_status(apply_reviews(claims, reviews), findings)
    return paper, sightings, claims.reset_index(drop=True)


@dataclass(frozen=True)
class BoardFile:
    """One leaderboard as ``leaderboard export leaderboards`` writes it: the file name
    and exactly the rows written to that file."""

    file: str
    benchmark: str | None
    metric: str | None
    setting: str | None
    unit: str | None
    rows: pd.DataFrame


def board_benchmarks(boards: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(what to pass as ``--benchmark``, label, number of ranked rows) of each benchmark
    in a :func:`leaderboards_table` frame, most rows first: the registry id when the
    benchmark has one, else its name as written."""
    if boards.empty:
        return []
    seen: dict[str, tuple[str, int]] = {}
    for bid, name in zip(boards["benchmark_id"], boards["benchmark"], strict=True):
        key = str(name) if _missing(bid) else str(bid)
        label, n = seen.get(key, (str(name), 0))
        seen[key] = (label, n + 1)
    out = [(key, label, n) for key, (label, n) in seen.items()]
    out.sort(key=lambda t: (-t[2], t[1].lower(), t[0]))
    return out


def leaderboard_files(db_path: Path, benchmark: str, fmt: str = "csv") -> list[BoardFile]:
    """The boards ``leaderboard export leaderboards --benchmark B --format F`` writes,
    with the same file names and rows (render them with
    :func:`leaderboard.export.render_csv` for the file's exact bytes)."""
    boards = leaderboards_table(db_path, benchmark)
    groups = _board_groups(boards)
    slugs = unique_slugs([(str(key[1] or key[0]), key[2], key[3], key[4]) for key, _ in groups],
                         reserved=["index"])
    return [BoardFile(file=f"{slug}.{fmt}", benchmark=key[0], metric=key[2], setting=key[3],
                      unit=key[4], rows=boards.iloc[positions])
            for (key, positions), slug in zip(groups, slugs, strict=True)]


def board_sizes(scores: pd.DataFrame, key: str, metric: str | None, setting: str | None,
                unit: str | None) -> list[float]:
    """The distinct parameter counts of one frontier board's sized claims, ascending
    (:func:`leaderboard.frontier.prepare_claims` output), for a size-range picker."""
    rows = scores[(scores["benchmark_key"] == key) & _same(scores["metric"], metric)
                  & _same(scores["setting"], setting) & _same(scores["unit"], unit)]
    return sorted(float(v) for v in rows["size"].dropna().unique())


def _same(series: pd.Series, value: str | None) -> pd.Series:
    return series.isna() if value is None else (series == value)


def claim_benchmarks(claims: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(key, label, number of claims) of the benchmarks claims name, most claims first;
    the key is the registry id, else the folded written name (as frontiers group)."""
    counts: dict[str, tuple[str, int]] = {}
    for bid, name in zip(claims["benchmark_id"], claims["benchmark"], strict=True):
        key = fold(name) if _missing(bid) else str(bid)
        if key is None:
            continue
        label, n = counts.get(key, (str(name) if not _missing(name) else key, 0))
        counts[key] = (label, n + 1)
    out = [(key, label, n) for key, (label, n) in counts.items()]
    out.sort(key=lambda t: (-t[2], t[1].lower(), t[0]))
    return out


def filter_claims(claims: pd.DataFrame, *, benchmark: str | None = None,
                  model: str | None = None, kinds: list[str] | None = None,
                  metric: str | None = None, title: str | None = None,
                  published: tuple[date, date] | None = None,
                  include_undated: bool = True,
                  audit: list[str] | None = None) -> pd.DataFrame:
    """Claims matching every given filter: benchmark key (:func:`claim_benchmarks`),
    model and paper title containing the text (case-insensitive, literal), kinds,
    metric (exact), audit statuses, and a published date range (inclusive; undated
    claims kept when ``include_undated``)."""
    keep = pd.Series(True, index=claims.index)
    if benchmark:
        keys = [fold(name) if _missing(bid) else str(bid)
                for bid, name in zip(claims["benchmark_id"], claims["benchmark"], strict=True)]
        keep &= pd.Series([k == benchmark for k in keys], index=claims.index)
    for column, text in (("model", model), ("paper_title", title)):
        if text and text.strip():
            keep &= claims[column].astype("string").str.contains(
                text.strip(), case=False, regex=False).fillna(False).astype(bool)
    if kinds is not None:
        keep &= claims["kind"].isin(kinds)
    if metric:
        keep &= claims["metric"] == metric
    if audit is not None and "audit" in claims:
        keep &= claims["audit"].isin(audit)
    if published is not None:
        day = pd.to_datetime(claims["published"]).dt.date
        inside = (day >= published[0]) & (day <= published[1])
        keep &= inside.fillna(False).astype(bool) | (
            claims["published"].isna() & include_undated)
    return claims[keep]


def claim_context(abstract: str | None, sentence: str, span_start: int, span_end: int
                  ) -> tuple[str, int, int]:
    """The claim's sentence and where its number lies in it, found through the claim's
    span on the stored abstract; the sentence alone (number unlocated: -1, -1) when the
    abstract does not hold it around the span."""
    if abstract:
        at = abstract.find(sentence)
        while at != -1:
            if at <= span_start and span_end <= at + len(sentence):
                return sentence, span_start - at, span_end - at
            at = abstract.find(sentence, at + 1)
    return sentence, -1, -1


def highlight_html(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as HTML with each span wrapped in ``<mark>``: every piece is escaped
    first, so nothing in the text is ever read as markup. Overlapping or out-of-range
    spans are skipped (a character is marked at most once)."""
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if start < done or end <= start or end > len(text):
            continue
        parts.append(html.escape(text[done:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        done = end
    parts.append(html.escape(text[done:]))
    return "".join(parts)


def search_papers(papers: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Papers whose title or id contains the query (case-insensitive, literal), those
    with most claims first, then by title."""
    found = papers
    if query and query.strip():
        text = query.strip()
        hit = (papers["title"].astype("string").str.contains(text, case=False, regex=False)
               .fillna(False).astype(bool)
               | papers["paper_id"].astype("string").str.contains(text, case=False,
                                                                  regex=False)
               .fillna(False).astype(bool))
        found = papers[hit]
    order = found.assign(_title=found["title"].astype("string").str.lower())
    return found.loc[order.sort_values(["n_claims", "_title", "paper_id"],
                                       ascending=[False, True, True],
                                       na_position="last").index]
