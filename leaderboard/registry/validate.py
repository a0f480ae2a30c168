"""Checks across registry entries, reporting every problem at once (not the first).

Per-entry rules (slug ids, ordered scales, active <= total) are in the schema; these
are the rules that need the whole file: unique ids, no name or alias claimed by two
entries, parents that exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from leaderboard.registry.lookup import normalise_name
from leaderboard.registry.schema import BenchmarkRegistry, ModelRegistry


def validate_benchmarks(reg: BenchmarkRegistry) -> list[str]:
    """Every cross-entry problem of the benchmark registry, as readable sentences."""
    problems: list[str] = []
    ids: dict[str, int] = defaultdict(int)
    for b in reg.benchmarks:
        ids[b.id] += 1
    problems += [f"benchmark id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    problems += _shared_names(
        "benchmarks", ((b.id, b.names, b.case_sensitive) for b in reg.benchmarks))
    known = set(ids)
    problems += [
        f"benchmark {b.id!r} has parent {b.parent!r}, which is not in the registry"
        for b in reg.benchmarks
        if b.parent is not None and b.parent not in known
    ]
    problems += [
        f"benchmark {b.id!r} is its own parent" for b in reg.benchmarks if b.parent == b.id
    ]
    return problems


def validate_models(reg: ModelRegistry) -> list[str]:
    """Every cross-entry problem of the model registry."""
    problems: list[str] = []
    names: dict[str, int] = defaultdict(int)
    for m in reg.models:
        names[m.name] += 1
    problems += [f"model {n!r} is listed {k} times" for n, k in names.items() if k > 1]
    problems += _shared_names("models", ((m.name, m.names, False) for m in reg.models))
    return problems


def _shared_names(what: str, entries: Iterable[tuple[str, tuple[str, ...], bool]]) -> list[str]:
    """Names or aliases that normalise to the same key in several entries: the matcher
    could not tell those entries apart."""
    owners: dict[str, set[str]] = defaultdict(set)
    for key, names, case_sensitive in entries:
        for name in names:
            owners[normalise_name(name, keep_case=case_sensitive)].add(key)
    return [f"name {norm!r} belongs to several {what}: {', '.join(sorted(who))}"
            for norm, who in sorted(owners.items()) if len(who) > 1]
