"""Extraction speed on the bundled sample corpus: abstracts per second on one core.

Reads every paper of ``data/samples`` once, then times ``extract_claims`` over them
for a few rounds (the first round warms the registries' compiled patterns) and
prints abstracts/s and claims/s. Speed is measured here, never asserted in tests.

    python benchmarks/bench_extract.py [--rounds N] [--json OUT] [--profile [TOP]]

``--profile`` runs one more round under cProfile after the timing (so the timing is
unaffected) and prints its TOP functions by own time, then by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import time
from pathlib import Path

from leaderboard.extract import extract_claims
from leaderboard.sources import iter_input_paths, read_source

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--profile", type=int, nargs="?", const=25, default=0, metavar="TOP",
                        help="then profile one round and print the TOP functions (25)")
    args = parser.parse_args()

    papers = [item.paper for path in iter_input_paths([str(ROOT / "data" / "samples")])
              if isinstance(path, str) for item in read_source(path)]
    for paper in papers:  # warm-up: compile registries and the lexicon
        extract_claims(paper.abstract, paper.title)
    timings = []
    n_claims = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        n_claims = sum(len(extract_claims(p.abstract, p.title)) for p in papers)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    result = {
        "abstracts": len(papers),
        "claims": n_claims,
        "rounds": args.rounds,
        "best_seconds": round(best, 4),
        "abstracts_per_second_per_core": round(len(papers) / best, 1),
        "claims_per_second_per_core": round(n_claims / best, 1),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(f"extract: {result['abstracts_per_second_per_core']:.0f} abstracts/s per core "
          f"({len(papers)} abstracts, {n_claims} claims, best of {args.rounds} rounds: "
          f"{best * 1000:.1f} ms)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for p in papers:
            extract_claims(p.abstract, p.title)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
