"""Benchmark mentions in a sentence: the registry's names, and names a sentence
presents as a benchmark ("on the Foo benchmark", "Foo, Bar and Baz datasets",
"on FooQA", "the long video task (Video-MME)").

The registry gives canonical ids; the written-form rules catch benchmarks the
registry has never heard of, which keep ``benchmark_id`` null.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from leaderboard.extract.claims import BenchmarkFinder
from leaderboard.extract.entities import GENERIC_ACRONYMS, is_name_like
from leaderboard.extract.lexicon import default_lexicon
from leaderboard.extract.sizes import size_from_name
from leaderboard.extract.text import lacks_all
from leaderboard.registry.lookup import normalise_name

_NAME = r"[A-Z][A-Za-z0-9]*(?:[\-_'’.][A-Za-z0-9]+)*(?:\s(?:\d+(?:\.\d+)?|v\d+|Pro|Hard|Lite))?"
# "X benchmark/dataset/leaderboard/test set", and the lists before it: "A, B and C datasets"
# (the name's capital comes before the look-behind, so the regex engine can jump from
# capital to capital instead of testing the look-behind at every character)
_SUFFIXED = re.compile(
    r"(?P<name>[A-Z](?<![\w\-][A-Z])" + _NAME.removeprefix("[A-Z]") + r")\s+"
    r"(?:test\s+|evaluation\s+)?(?:benchmarks?|datasets?|leaderboards?|test\s+sets?|suites?)\b"
)
# every match of _SUFFIXED holds one of these (the pattern is case-sensitive)
_SUFFIXED_NEEDS = ("benchmark", "dataset", "leaderboard", "test", "suite")
_LIST_BEFORE = re.compile(r"(?P<name>" + _NAME + r")\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)$")
# "on X" where X is written like a benchmark name (FooQA, Foo-Bench, BarEval, Baz-100)
_ON = re.compile(r"\b(?:on|in|of)\s+(?:the\s+)?(?P<name>" + _NAME + r")(?![\w\-])")
_BENCHMARK_SHAPE = re.compile(
    r"(?:QA|VQA|Bench|bench|BENCH|Eval|EVAL|eval|Arena|-Hard|Set|Test|GLUE|MME\S*|"
    r"-\d+)$|^(?:MM|Super|Long|Human|Math|Code)"
)
# "(X)" right after a task description: "the zero-shot long video task (Video-MME)"
_PAREN = re.compile(r"\btasks?\s+\((?P<name>" + _NAME + r")\)")

# A registry match written in lower-case letters only is an ordinary word, not a name.
_LOWER_WORD = re.compile(r"[a-z]+")

_NOT_BENCHMARKS = frozenset(
    [
        "GPU",
        "GPUs",
        "CPU",
        "CPUs",
        "TPU",
        "TPUs",
        "FPGA",
        "Transformer",
        "Transformers",
        "Python",
        "Github",
        "GitHub",
        "English",
        "Chinese",
        "Hugging",
        "Face",
        "HuggingFace",
        "Arxiv",
        "ArXiv",
        "PyTorch",
        "JAX",
        "TensorFlow",
        "Processing",
    ]
)


class RegistryIndex(Protocol):
    """What the finder needs of ``leaderboard.registry.BenchmarkIndex``."""

    def find_all(self, text: str) -> list[Any]: ...

    def get(self, benchmark_id: str) -> Any: ...

    @property
    def registry(self) -> Any: ...


# How a number must be written to be on a benchmark's scale (``Scale.unit``): a
# percentage scale takes "63%", a fixed-point or bare scale a plain number.
_SCALE_UNITS: dict[str | None, tuple[str | None, ...]] = {
    "%": ("%",),
    "points": (None, "points"),
    None: (None,),
}


class RegistryBenchmarkFinder(BenchmarkFinder):
    """Registry mentions first; written-form mentions where the registry has none."""

    def __init__(
        self,
        index: RegistryIndex | None,
        model_names: frozenset[str] = frozenset(),
        model_families: frozenset[str] = frozenset(),
    ) -> None:
        self._index = index
        self._models = model_names
        # Only shape says "on LLaMA-2" is a benchmark (like "on CIFAR-10"): a model or a
        # family the model registry knows, compared as the registry compares names,
        # is not one there. ("Vicuna ... test datasets" says so, and stays a benchmark.)
        self._model_keys = frozenset(normalise_name(n) for n in model_names | model_families)
        self._metric_re = default_lexicon().metric_re
        # metrics every registered benchmark reports in % (accuracy, pass@1, win rate):
        # a difference of them written bare is not in "points" of a point scale
        scales: dict[str, set[str | None]] = {}
        for entry in index.registry.benchmarks if index is not None else ():
            scales.setdefault(entry.metric, set()).add(entry.scale.unit)
        self._percent_metrics = frozenset(m for m, units in scales.items() if units == {"%"})

    def _plausible(self, name: str) -> bool:
        head = name.split()[0]
        return not (
            name in _NOT_BENCHMARKS
            or name in self._models
            or head in GENERIC_ACRONYMS
            or head.rstrip("s") in GENERIC_ACRONYMS
            or size_from_name(name)[0]
            or self._metric_re.fullmatch(name)
            or name.lower().endswith("-based")
        )

    def default_metric(self, benchmark_id: str, unit: str | None, value: float) -> str | None:
        """The registry's default metric of a benchmark, when a number written with
        ``unit`` and ``value`` is on that benchmark's scale (unit and range); None for
        an unknown benchmark, a number off its scale, or the bare metric "score" (it
        says no more than the number does)."""
        entry = self._index.get(benchmark_id) if self._index is not None else None
        if entry is None or entry.metric == "score":
            return None
        scale = entry.scale
        if unit not in _SCALE_UNITS.get(scale.unit, ()):
            return None
        if (scale.min is not None and value < scale.min) or (
            scale.max is not None and value > scale.max
        ):
            return None
        return str(entry.metric)

    def reported_in_percent(self, metric: str | None) -> bool:
        """Whether every registered benchmark reporting ``metric`` reports it in %."""
        return metric in self._percent_metrics

    def __call__(self, text: str) -> list[tuple[int, int, str, str | None]]:
        found: list[tuple[int, int, str, str | None]] = []
        if self._index is not None:
            for mention in self._index.find_all(text):
                if _LOWER_WORD.fullmatch(mention.text):
                    continue  # "multiple" is prose even if "MultiPL-E" folds to it
                found.append((mention.start, mention.end, mention.text, mention.benchmark_id))
        taken = [(s, e) for s, e, _, _ in found]

        def add(s: int, e: int, name: str) -> None:
            if any(s < te and ts < e for ts, te in taken) or not self._plausible(name):
                return
            found.append((s, e, name, None))
            taken.append((s, e))

        for m in _SUFFIXED.finditer(text) if not lacks_all(text, _SUFFIXED_NEEDS) else ():
            add(m.start("name"), m.end("name"), m.group("name"))
            end = m.start("name")
            while (prev := _LIST_BEFORE.search(text, 0, end)) is not None:
                add(prev.start("name"), prev.end("name"), prev.group("name"))
                end = prev.start("name")
        for m in _PAREN.finditer(text) if "task" in text else ():
            add(m.start("name"), m.end("name"), m.group("name"))
        for m in _ON.finditer(text):
            name = m.group("name")
            if (
                is_name_like(name)
                and _BENCHMARK_SHAPE.search(name.split()[0])
                and normalise_name(name) not in self._model_keys
            ):
                add(m.start("name"), m.end("name"), name)
        found.sort()
        return found
