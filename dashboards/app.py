"""Streamlit dashboard over a leaderboard store: frontiers, leaderboards, claims, papers.

    streamlit run dashboards/app.py -- --db data/leaderboard.duckdb

The store is ``--db`` (after ``--``), else ``$LEADERBOARD_DB``, else the library's
default path. It is opened read-only, briefly, through the library, so an ingest can
run meanwhile; cached data is keyed by the store path and its last run, so a new
ingest shows on the next interaction without a restart.

This page only lays things out: every query and every piece of data shaping lives in
``leaderboard`` (``views``, ``frontier``, ``export``). Text from abstracts is shown
as text (tables, ``st.text``) or as escaped HTML in which only claim numbers are
wrapped in ``<mark>``; never as Markdown or raw HTML.
"""

from __future__ import annotations

import argparse
import html
import os
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from leaderboard.export import render_csv
from leaderboard.frontier import (
    benchmark_choices,
    board_choices,
    frontier_chart,
    frontier_view,
)
from leaderboard.store import DB_ENV_VAR, StoreError, default_db_path
from leaderboard.views import (
    BoardFile,
    board_benchmarks,
    board_sizes,
    claim_benchmarks,
    claim_context,
    claims_with_papers,
    direction_of,
    filter_claims,
    findings_table,
    highlight_html,
    leaderboard_files,
    leaderboards_table,
    paper_record,
    papers_table,
    scores_table,
    search_papers,
    store_state,
)

VIEWS = ("Frontier", "Leaderboard", "Claims", "Paper", "Audit")
CLAIMED = ("Every value here is claimed in the abstract of its paper (extracted "
           "automatically); none is independently measured.")
MAX_OPTIONS = 2000  # longest list a claim or paper picker offers (narrow with the filters)
NO_CHOICE = ""

# Columns shown in tables (everything is in the CSV downloads).
POINT_TABLE = ["model", "value", "unit", "params_label", "params_source", "role",
               "organization", "paper_title", "published", "on_frontier", "claim_id"]
UNSIZED_TABLE = ["model", "value", "unit", "role", "paper_title", "claim_id", "sentence"]
CLAIM_TABLE = ["claim_id", "paper_title", "published", "model", "value_text", "kind", "value",
               "unit", "benchmark", "metric", "setting", "role", "params", "review", "audit",
               "sentence"]
PAPER_CLAIMS = ["value_text", "kind", "value", "unit", "model", "benchmark", "metric",
                "setting", "role", "params", "review", "audit", "span_start", "span_end",
                "claim_id", "sentence"]
SIGHTING_TABLE = ["source", "source_format", "paper_index", "abstract_start", "abstract_end",
                  "source_sha256"]
MARK_STYLE = ("<style>.lb-text mark{background:#ffe08a;padding:0 2px;border-radius:2px}"
              ".lb-text{line-height:1.6;white-space:pre-wrap;font-size:0.95rem}</style>")


# --- where the store is ----------------------------------------------------------------

def db_path(argv: list[str]) -> Path:
    """``--db FILE`` from the script's arguments, else $LEADERBOARD_DB, else the
    library default. Unknown arguments are ignored (under a test runner argv is the
    runner's)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--db", type=Path, default=None)
    known, _ = parser.parse_known_args(argv)
    if known.db is not None:
        return Path(known.db)
    env = os.environ.get(DB_ENV_VAR)
    return Path(env) if env else default_db_path()


# --- cached loaders: keyed by (store path, store version) ------------------------------

def store_version(state: dict[str, Any]) -> str:
    """What changes when data may have changed: the last run (id, status, end), the
    sizes (so an ingest still running, or finished since, is picked up too), and the
    review decisions and audit findings (they change what is shown without a run)."""
    run = state.get("last_run") or {}
    return "|".join(str(x) for x in (run.get("run_id"), run.get("status"),
                                     run.get("finished_at"), state.get("papers"),
                                     state.get("sightings"), state.get("claims"),
                                     state.get("reviews"), state.get("findings_digest")))


@st.cache_resource(show_spinner=False)
def last_states() -> dict[str, dict[str, Any]]:
    """The last state read of each store, shared by all sessions of this server: shown
    (with a warning) while an ingest holds the store's write lock."""
    return {}


@st.cache_data(show_spinner=False, max_entries=8)
def load_scores(db: str, version: str) -> pd.DataFrame:
    return scores_table(Path(db))


@st.cache_data(show_spinner=False, max_entries=8)
def load_boards(db: str, version: str) -> pd.DataFrame:
    return leaderboards_table(Path(db))


@st.cache_data(show_spinner=False, max_entries=64)
def load_board_files(db: str, version: str, benchmark: str) -> list[BoardFile]:
    return leaderboard_files(Path(db), benchmark)


@st.cache_data(show_spinner=False, max_entries=8)
def load_claims(db: str, version: str) -> pd.DataFrame:
    return claims_with_papers(Path(db))


@st.cache_data(show_spinner=False, max_entries=8)
def load_findings(db: str, version: str) -> pd.DataFrame:
    return findings_table(Path(db))


@st.cache_data(show_spinner=False, max_entries=8)
def load_papers(db: str, version: str) -> pd.DataFrame:
    return papers_table(Path(db))


@st.cache_data(show_spinner=False, max_entries=128)
def load_paper(db: str, version: str, paper_id: str
               ) -> tuple[dict[str, Any], list[dict[str, Any]], pd.DataFrame] | None:
    return paper_record(Path(db), paper_id)


# --- small presentation helpers (no data shaping) --------------------------------------

def human_params(value: float) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:g}"


def text_block(text: str, spans: list[tuple[int, int]] | None = None) -> None:
    """Text from an abstract as escaped HTML, only the spans wrapped in ``<mark>``."""
    st.html(f'{MARK_STYLE}<div class="lb-text">{highlight_html(text, spans or [])}</div>')


def heading(text: str, level: int = 4) -> None:
    """A heading whose text may come from data: escaped, never Markdown."""
    st.html(f"<h{level} style='margin:0.2rem 0'>{html.escape(text)}</h{level}>")


def board_label(board: tuple[str | None, str | None, str | None, int]) -> str:
    metric, setting, unit, n = board
    return (f"{metric or '(no metric)'} · {setting or 'no setting'} · unit {unit or 'none'} "
            f"({n} claim{'s' if n != 1 else ''})")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --- sidebar ---------------------------------------------------------------------------

def sidebar(db: Path, state: dict[str, Any] | None, stale: bool) -> None:
    bar = st.sidebar
    bar.header("Leaderboard store")
    bar.caption("Store file")
    bar.code(str(db), language=None, wrap_lines=True)
    if state is None:
        return
    left, right = bar.columns(2)
    left.metric("Papers", f"{state['papers']:,}")
    right.metric("Claims", f"{state['claims']:,}")
    left.metric("Benchmarks", f"{state['benchmarks']:,}")
    right.metric("Input files", f"{state.get('sources', 0):,}")
    run = state.get("last_run")
    bar.caption("Last ingest run")
    if run:
        when = run.get("finished_at") or run.get("started_at")
        lines = [f"id:     {run['run_id']}", f"status: {run['status']}"]
        if when is not None:
            lines.append(f"time:   {pd.Timestamp(when):%Y-%m-%d %H:%M:%S} UTC")
        bar.text("\n".join(lines))
    else:
        bar.text("none recorded")
    if state.get("reviews"):
        bar.caption(f"{plural(int(state['reviews']), 'review decision')} applied "
                    "(rejected claims are left out).")
    if stale:
        bar.warning("The store is busy (an ingest is writing); showing the last data read.")
    bar.caption(CLAIMED)


# --- views -----------------------------------------------------------------------------

def frontier_page(db: str, version: str) -> None:
    scores = load_scores(db, version)
    choices = benchmark_choices(scores)
    if not choices:
        st.info("No score claims with a benchmark in this store yet, so there is no "
                "frontier to draw.")
        return
    by_key = {c.key: c for c in choices}
    key = st.selectbox(
        "Benchmark (type to search)", [c.key for c in choices], key="frontier_benchmark",
        format_func=lambda k: f"{by_key[k].label} ({plural(by_key[k].n_claims, 'claim')})")
    choice = by_key[key]
    boards = board_choices(scores, key)
    left, right = st.columns([3, 2])
    with left:
        board = st.selectbox("Metric · setting · unit", boards, format_func=board_label,
                             key=f"frontier_board:{key}")
    with right:
        color_by = st.radio("Colour by", ["role", "organization"], horizontal=True,
                            key="frontier_color")
    metric, setting, unit, _ = board
    direction = direction_of(choice.benchmark_id, metric)
    sizes = board_sizes(scores, key, metric, setting, unit)
    params_range: tuple[float, float] | None = None
    if len(sizes) >= 2:
        low, high = st.select_slider(
            "Parameter range (sizes present on this board)", options=sizes,
            value=(sizes[0], sizes[-1]), format_func=human_params,
            key=f"frontier_range:{key}:{board_label(board)}")
        params_range = (float(low), float(high))
    elif sizes:
        st.caption(f"One model size on this board: {human_params(sizes[0])} parameters.")
    view = frontier_view(scores, key, metric, setting, unit, params_range=params_range,
                         direction=direction)
    full = view if view.note is None else frontier_view(
        scores, key, metric, setting, unit, params_range=params_range, direction=direction,
        max_points=max(view.n_sized, 1))
    st.caption(CLAIMED + f" {direction.capitalize()} is better on this board. Sizes are "
               "as stated in the abstract, else the model registry's.")
    if view.note:
        st.info(view.note)
    if view.points.empty:
        st.info("No claim of this board (in this range) has a known parameter count, so "
                "there is nothing to plot; the claims are listed below.")
    else:
        title = f"{choice.label}: {metric or 'score'}" + (f" ({setting})" if setting else "")
        st.altair_chart(frontier_chart(view, title, color_by), width="stretch")
    st.markdown("##### Sized claims (points)")
    st.caption(f"{plural(len(full.points), 'claim')} with a parameter count"
               + (" in the chosen range" if params_range else "") + "; "
               f"{int(full.points['on_frontier'].sum())} on the frontier.")
    if not full.points.empty:
        table = full.points.assign(params_label=full.points["params"].map(human_params))
        st.dataframe(table[POINT_TABLE], hide_index=True, key="frontier_points",
                     column_config={"params_label": "params", "value": "claimed value"})
        st.download_button("Download these points (CSV)", data=render_csv(full.points),
                           file_name=f"frontier-{key}.csv", mime="text/csv",
                           key="frontier_download", on_click="ignore")
    st.markdown("##### Claims without a size")
    n_unsized = len(full.unsized)
    if n_unsized:
        one = n_unsized == 1
        st.caption(f"{plural(n_unsized, 'claim')} of this board {'has' if one else 'have'} "
                   "no parameter count (none stated, none in the model registry), so "
                   f"{'it is' if one else 'they are'} not on the chart:")
        st.dataframe(full.unsized[UNSIZED_TABLE], hide_index=True, key="frontier_unsized",
                     column_config={"value": "claimed value"})
    else:
        st.caption("0 claims without a size: every claim of this board is plotted "
                   "(or outside the chosen range).")


def leaderboard_page(db: str, version: str) -> None:
    benches = board_benchmarks(load_boards(db, version))
    if not benches:
        st.info("No leaderboard yet: no score claim names both a model and a benchmark.")
        return
    labels = {k: f"{label} ({plural(n, 'ranked row')})" for k, label, n in benches}
    bench = st.selectbox("Benchmark (type to search)", list(labels), key="lb_benchmark",
                         format_func=labels.__getitem__)
    st.caption(CLAIMED + " Each board ranks every model by its best claimed score for one "
               "metric, setting and unit. Each download is byte for byte the file this "
               "command writes:")
    st.code(f"leaderboard export leaderboards --benchmark {shlex.quote(bench)} --format csv "
            "-o DIR", language="bash")
    for board in load_board_files(db, version, bench):
        top = board.rows.iloc[0]
        heading(f"{board.benchmark} · {board.metric or '(no metric)'} · "
                f"{board.setting or 'no setting'} · unit {board.unit or 'none'}")
        st.caption(f"{plural(len(board.rows), 'model')}, {top['direction']} is better · "
                   f"file {board.file}")
        st.dataframe(board.rows, hide_index=True, key=f"lb_table:{board.file}",
                     column_config={"value": "claimed value"})
        st.download_button(f"Download {board.file}", data=render_csv(board.rows),
                           file_name=board.file, mime="text/csv",
                           key=f"lb_download:{board.file}", on_click="ignore")


def claims_page(db: str, version: str) -> None:
    claims = load_claims(db, version)
    if claims.empty:
        st.info("No claims in this store yet.")
        return
    benches = {k: f"{label} ({plural(n, 'claim')})" for k, label, n in claim_benchmarks(claims)}
    metrics = sorted({str(m) for m in claims["metric"].dropna()}, key=str.lower)
    kinds = sorted({str(k) for k in claims["kind"].dropna()})
    one, two, three = st.columns(3)
    bench = one.selectbox("Benchmark", [NO_CHOICE, *benches], key="claims_benchmark",
                          format_func=lambda k: benches.get(k, "(all benchmarks)"))
    metric = two.selectbox("Metric", [NO_CHOICE, *metrics], key="claims_metric",
                           format_func=lambda m: m or "(all metrics)")
    chosen_kinds = three.multiselect("Kind", kinds, default=kinds, key="claims_kind")
    four, five, eight = st.columns(3)
    model = four.text_input("Model contains", key="claims_model")
    title = five.text_input("Paper title contains", key="claims_title")
    statuses = sorted({str(a) for a in claims["audit"].dropna()}) if "audit" in claims else []
    audit = eight.multiselect("Audit status", statuses, default=statuses, key="claims_audit",
                              help="worst finding of `leaderboard audit` (empty until run)")
    dates = claims["published"].dropna()
    published: tuple[date, date] | None = None
    include_undated = True
    if not dates.empty:
        first, last = dates.min().date(), dates.max().date()
        six, seven = st.columns([2, 1])
        picked = six.date_input("Published between", value=(first, last), min_value=first,
                                max_value=last, key="claims_dates")
        include_undated = seven.checkbox("Include undated papers", value=True,
                                         key="claims_undated")
        if isinstance(picked, tuple | list) and len(picked) == 2:
            published = (picked[0], picked[1])
    found = filter_claims(claims, benchmark=bench or None, model=model, kinds=chosen_kinds,
                          metric=metric or None, title=title, published=published,
                          include_undated=include_undated,
                          audit=audit if statuses else None)
    st.caption(f"{len(found):,} of {len(claims):,} claims match. " + CLAIMED)
    st.dataframe(found[CLAIM_TABLE], hide_index=True, key="claims_table",
                 column_config={"value": "claimed value"})
    if found.empty:
        return
    st.markdown("##### Evidence")
    pick = found.head(MAX_OPTIONS)
    if len(found) > MAX_OPTIONS:
        st.caption(f"The picker lists the first {MAX_OPTIONS:,} matches; narrow the filters "
                   "to reach the others.")
    labels = {row.claim_id: f"{row.value_text} · {row.model if isinstance(row.model, str) else '?'}"
              f" · {row.benchmark if isinstance(row.benchmark, str) else '?'} · {row.claim_id}"
              for row in pick.itertuples()}
    claim_id = st.selectbox("Claim (type to search)", list(labels), key="claims_pick",
                            format_func=labels.__getitem__)
    claim = found[found["claim_id"] == claim_id].iloc[0]
    papers = load_papers(db, version)
    abstract = papers.loc[papers["paper_id"] == claim["paper_id"], "abstract"]
    sentence, start, end = claim_context(
        str(abstract.iloc[0]) if not abstract.empty else None, str(claim["sentence"]),
        int(claim["span_start"]), int(claim["span_end"]))
    st.caption("The sentence in the abstract, the claimed number marked:")
    text_block(sentence, [(start, end)] if start >= 0 else [])
    fields = claim.drop(labels=["sentence"]).dropna()
    st.dataframe(pd.DataFrame({"field": fields.index, "value": [str(v) for v in fields]}),
                 hide_index=True, key="claims_fields")


def paper_page(db: str, version: str) -> None:
    papers = load_papers(db, version)
    if papers.empty:
        st.info("No papers in this store yet.")
        return
    query = st.text_input("Search papers (title or id contains)", key="paper_query")
    found = search_papers(papers, query)
    if found.empty:
        st.info("No paper matches this search.")
        return
    if len(found) > MAX_OPTIONS:
        st.caption(f"{len(found):,} papers match; the picker lists the first "
                   f"{MAX_OPTIONS:,} (most claims first). Narrow the search to reach others.")
    pick = found.head(MAX_OPTIONS)
    labels = {pid: f"{t if isinstance(t, str) else '(untitled)'} · {pid} "
                   f"({plural(int(n), 'claim')})"
              for pid, t, n in zip(pick["paper_id"], pick["title"], pick["n_claims"],
                                   strict=True)}
    paper_id = st.selectbox("Paper (type to search)", list(labels), key="paper_pick",
                            format_func=labels.__getitem__)
    found_paper = load_paper(db, version, paper_id)
    if found_paper is None:
        st.warning("This paper is no longer in the store.")
        return
    paper, sightings, claims = found_paper
    heading(paper["title"] or "(untitled)", level=3)
    meta = {
        "paper id": paper["paper_id"], "arXiv id": paper.get("arxiv_id"),
        "published": paper.get("published"), "organization": paper.get("organization"),
        "authors": ", ".join(paper.get("authors") or []) or None,
        "authors count": paper.get("authors_count"), "upvotes": paper.get("upvotes"),
        "categories": ", ".join(paper.get("categories") or []) or None,
    }
    st.dataframe(pd.DataFrame({"field": list(meta), "value": [
        "" if v is None else str(v) for v in meta.values()]}), hide_index=True,
        key="paper_meta")
    st.markdown("##### Sightings")
    st.dataframe(pd.DataFrame(sightings, columns=SIGHTING_TABLE), hide_index=True,
                 key="paper_sightings")
    st.markdown("##### Abstract")
    st.caption(f"{plural(len(claims), 'claim')}; each claimed number is marked. " + CLAIMED)
    spans = [(int(s), int(e)) for s, e in zip(claims["span_start"], claims["span_end"],
                                              strict=True)]
    text_block(str(paper["abstract"]), spans)
    st.markdown("##### Claims")
    st.dataframe(claims[PAPER_CLAIMS], hide_index=True, key="paper_claims",
                 column_config={"value": "claimed value"})


def audit_page(db: str, version: str) -> None:
    findings = load_findings(db, version)
    if findings.empty:
        st.info("No audit findings stored: run `leaderboard audit` on this store (a store "
                "audited without findings shows none here either).")
        return
    severities = sorted(set(findings["severity"]))
    checks = sorted(set(findings["check"]))
    one, two = st.columns(2)
    chosen = one.multiselect("Severity", severities, default=severities, key="audit_severity")
    picked = two.multiselect("Check", checks, default=checks, key="audit_check")
    shown = findings[findings["severity"].isin(chosen) & findings["check"].isin(picked)]
    st.caption(f"{len(shown):,} of {len(findings):,} findings. Findings are about claims "
               "as written in abstracts; a finding is a place to look, not a verdict.")
    st.dataframe(shown, hide_index=True, key="audit_table")
    st.download_button("Download these findings (CSV)", data=render_csv(shown),
                       file_name="findings.csv", mime="text/csv", key="audit_download")


PAGES = {"Frontier": frontier_page, "Leaderboard": leaderboard_page, "Claims": claims_page,
         "Paper": paper_page, "Audit": audit_page}


def main() -> None:
    st.set_page_config(page_title="Leaderboard: claims from abstracts", layout="wide")
    db = db_path(sys.argv[1:])
    remembered = last_states()
    stale = False
    try:
        state: dict[str, Any] | None = store_state(db)
    except StoreError as exc:
        busy = "in use by another process" in str(exc)
        if busy and str(db) in remembered:
            state, stale = remembered[str(db)], True
        else:
            sidebar(db, None, False)
            st.title("Leaderboard dashboard")
            st.error("The store cannot be read.")
            st.code(str(exc), language=None)
            st.markdown("Build one with `leaderboard ingest data/samples --db FILE`, then "
                        "start the page with `streamlit run dashboards/app.py -- --db FILE` "
                        "(or set `LEADERBOARD_DB`).")
            st.stop()
            return
    assert state is not None
    remembered[str(db)] = state
    sidebar(db, state, stale)
    st.title("Leaderboard dashboard")
    if not state["claims"]:
        st.info("The store holds no claims yet. Ingest some abstracts with "
                "`leaderboard ingest PATH --db FILE`.")
        return
    page = st.radio("View", VIEWS, horizontal=True, key="view", label_visibility="collapsed")
    try:
        PAGES[page](str(db), store_version(state))
    except StoreError as exc:
        st.error("The store could not be read (it may be busy with an ingest); try again "
                 "in a moment.")
        st.code(str(exc), language=None)


main()
