"""Dashboard server time on a large synthetic store.

Builds a real DuckDB store of ``--claims`` score claims (default 100,000) over
``--benchmarks`` benchmarks (default 200), with sizes spread over 10M..1T parameters,
then measures what the frontier view costs on the server when a user switches
benchmark: the frontier, the sample past the browser limit and the Altair spec. With
``--apptest`` it also times a benchmark switch through Streamlit's AppTest (the whole
page run). Prints a table and writes JSON with ``--json``.

    python benchmarks/bench_dashboard.py [--claims 100000] [--benchmarks 200] [--apptest]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from leaderboard.frontier import (
    MAX_POINTS,
    benchmark_choices,
    board_choices,
    frontier_chart,
    frontier_view,
)
from leaderboard.models import Claim, Paper, Sighting, SourcedPaper, make_claim_id
from leaderboard.store import Store
from leaderboard.views import direction_of, scores_table

ROOT = Path(__file__).resolve().parent.parent


def build_store(path: Path, n_claims: int, n_benchmarks: int, seed: int = 7) -> None:
    """A store of synthetic papers with score claims (ten claims a paper); one bench
    holds a tenth of all claims, so at least one board is past the browser limit."""
    rng = random.Random(seed)
    per_paper = 10
    papers, claims = [], []
    for i in range(n_claims // per_paper):
        abstract = f"Synthetic abstract {i} with {per_paper} claimed scores."
        paper = Paper.build(title=f"Synthetic paper {i}", abstract=abstract)
        papers.append(SourcedPaper(paper=paper, sighting=Sighting(
            paper_id=paper.paper_id, source="synthetic.txt", source_format="plain-text",
            paper_index=i, abstract_start=0, abstract_end=len(abstract))))
        for j in range(per_paper):
            bench = 0 if rng.random() < 0.1 else rng.randrange(1, n_benchmarks)
            size = 10 ** rng.uniform(7, 12)
            value = round(min(99.9, 20 + 12 * (size / 1e7) ** 0.08 + rng.gauss(0, 5)), 2)
            claims.append(Claim(
                claim_id=make_claim_id(paper.paper_id, j, j + 1, str(value)),
                source="synthetic.txt", paper_id=paper.paper_id, paper_index=i,
                paper_title=paper.title, char_start=j, char_end=j + 1, span_start=j,
                span_end=j + 1, value_text=str(value), kind="score", value=value, unit="%",
                model=f"model-{rng.randrange(5000)}", params=size, benchmark=f"Bench-{bench}",
                metric="accuracy", role=rng.choice(["proposed", "baseline", "other"]),
                sentence=f"model gets {value}% on Bench-{bench}."))
    with Store.open(path) as store:
        run = store.begin_run({"synthetic": True})
        store.ingest_source("synthetic.txt", "0" * 64, "plain-text", papers, claims, run)
        store.finish_run(run, {"claims": len(claims)}, "ok")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--benchmarks", type=int, default=200)
    parser.add_argument("--switches", type=int, default=30)
    parser.add_argument("--apptest", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build_store(db, args.claims, args.benchmarks)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        scores = scores_table(db)  # what the page caches per store run
        load = time.perf_counter() - t0
        choices = benchmark_choices(scores)
        rng = random.Random(1)
        picks = [choices[0], *rng.sample(choices, min(args.switches, len(choices)))]
        times, largest = [], 0
        for choice in picks:
            t0 = time.perf_counter()
            metric, setting, unit, _ = board_choices(scores, choice.key)[0]
            view = frontier_view(scores, choice.key, metric, setting, unit,
                                 direction=direction_of(choice.benchmark_id, metric))
            spec = frontier_chart(view, choice.label).to_dict()
            times.append(time.perf_counter() - t0)
            rows = max(len(v) for v in spec["datasets"].values())
            assert rows <= MAX_POINTS, rows
            largest = max(largest, view.n_sized)
        result = {
            "claims": args.claims, "benchmarks": len(choices), "store_build_s": round(built, 2),
            "load_scores_s": round(load, 3), "switches": len(times),
            "switch_median_s": round(statistics.median(times), 4),
            "switch_max_s": round(max(times), 4), "largest_board_claims": largest,
            "max_points_sent": MAX_POINTS,
        }
        if args.apptest:
            result.update(_apptest_switch(db, [c.label for c in picks[:5]]))
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


def _apptest_switch(db: Path, labels: list[str]) -> dict[str, float]:
    """Whole-page server time of a benchmark switch, through Streamlit's AppTest."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ["LEADERBOARD_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=120)
    at.run()
    box = at.selectbox[0]
    times = []
    for label in labels[1:]:
        option = next(o for o in box.options if o.startswith(label))
        t0 = time.perf_counter()
        box.select(option).run()
        times.append(time.perf_counter() - t0)
        box = at.selectbox[0]
    return {"apptest_switch_median_s": round(statistics.median(times), 3),
            "apptest_switch_max_s": round(max(times), 3)}


if __name__ == "__main__":
    main()
