"""How the scale benchmark (benchmarks/bench_scale.py) judges "memory flat".

A run's memory timeline is judged by its own two halves: the store grows from nothing
to the whole corpus during the run, so memory that followed the store would peak far
higher late in the run than early. The judgement must tell the two shapes apart."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load_bench() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))  # bench_scale imports synth beside it
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_scale", ROOT / "benchmarks" / "bench_scale.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_scale"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


bench = _load_bench()


def _run(timeline: list[tuple[float, float]]) -> dict[str, Any]:
    return {"wall_s": timeline[-1][0], "rss_timeline": timeline}


def test_bounded_sawtooth_is_flat() -> None:
    # start-up, then a saw-tooth between 950 and 1,250 MiB for the rest of the run
    timeline = [(0.0, 50.0), (10.0, 700.0)] + [
        (float(t), 950.0 + 300.0 * ((t // 10) % 2)) for t in range(20, 600, 10)]
    timeline.append((600.0, 56.0))  # the exit: not counted
    ratio = bench.rss_halves(_run(timeline))
    assert ratio is not None and 0.95 <= ratio < bench.TARGET_RSS_HALVES


def test_memory_growing_with_the_store_is_not_flat() -> None:
    timeline = [(float(t), 100.0 + 2.0 * t) for t in range(0, 601, 10)]
    ratio = bench.rss_halves(_run(timeline))
    assert ratio is not None and ratio > 1.5 > bench.TARGET_RSS_HALVES


def test_too_few_samples_give_no_verdict() -> None:
    assert bench.rss_halves(_run([(0.0, 10.0), (1.0, 20.0)])) is None
    assert bench.rss_halves({"wall_s": 0, "rss_timeline": []}) is None


def test_targets_report_the_halves_of_the_largest_size() -> None:
    flat = [(float(t), 1000.0 + (t % 20)) for t in range(0, 601, 10)]
    size = {"abstracts": 1_000_000,
            "extract": {"abstracts_per_s_per_core_cpu": 1500.0},
            "ingest": {"wall_s": 600.0, "returncode": 0, "peak_tree_rss_mb": 1019.0,
                       "rss_timeline": flat}}
    rows = bench.targets({"sizes": [size], "growth": [], "compare": None})
    by_target = {row["target"].split(":")[0]: row for row in rows}
    halves = by_target["memory flat within the largest ingest"]
    assert halves["met"] is True and halves["measured"] < bench.TARGET_RSS_HALVES
    million = next(row for row in rows if row["target"].startswith("1M abstracts"))
    assert million["met"] is True and million["measured"] == 600.0
