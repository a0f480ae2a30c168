"""Deterministic synthetic corpus: arXiv metadata snapshot lines built from real sentences.

Why: the scale benchmarks need 10k to 1M abstracts that read like the real thing (the
same sentence shapes, LaTeX, numbers, model and benchmark names the extractor has to
cope with) without committing a large corpus or downloading the arXiv snapshot. So the
real abstracts of ``data/samples`` are cut into sentences, every model name, benchmark
name, parameter count and number in them becomes a slot, and each synthetic abstract
is 4-9 of those sentences with the slots filled afresh: names from the registries
(``leaderboard/registry/*.yaml``, read directly) or invented, sizes from the usual
ladder (1.3B, 7B, 70B, ...), scores, deltas and speed-ups jittered around the original
value so the sentence stays plausible. The corpus is thus not a set of repeats, and
the extractor does real work on every abstract.

Deterministic: one ``random.Random(seed)`` drives everything, so the same seed, ``n``,
samples and registries give a byte-identical file (gzip too: no name or time in its
header); the first ``k`` abstracts of a corpus do not depend on ``n``. Streaming: lines
are written as they are made, so a million abstracts take constant memory.

    python benchmarks/synth.py --n 10000 --seed 0 -o /tmp/synth.jsonl[.gz]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import yaml

from leaderboard.extract.text import split_sentences
from leaderboard.sources import iter_input_paths, read_source

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
REGISTRY = ROOT / "leaderboard" / "registry"

# Slot kinds, in the order the combined pattern tries them at one position.
MODEL, BENCH, SIZE, WORDSIZE, PCT, MULT, DEC = (
    "model", "bench", "size", "wordsize", "pct", "mult", "dec")

_SIZES_B = (0.5, 1, 1.1, 1.3, 1.5, 1.8, 2, 2.7, 3, 3.8, 6.7, 7, 8, 9, 13, 14, 22, 27, 30,
            32, 34, 40, 65, 70, 72, 110, 175, 405)
_SIZES_M = (60, 110, 125, 135, 220, 335, 350, 360, 460, 770)
_FAMILIES = ("Nova", "Aurora", "Kestrel", "Orion", "Lumen", "Vega", "Cobalt", "Tessera",
             "Marlin", "Quill", "Zephyr", "Atlas", "Helix", "Sable", "Corvid", "Ember",
             "Fjord", "Granite", "Iris", "Juniper", "Lynx", "Meridian", "Nimbus", "Onyx")
_FAMILY_TAILS = ("LM", "GPT", "Coder", "Math", "VL", "-Chat", "-Instruct", "", "", "")
_CATEGORIES = ("cs.CL", "cs.LG", "cs.AI", "cs.CV", "stat.ML", "cs.IR", "cs.SE", "cs.RO",
               "eess.AS", "cs.NE")
_FIRST = ("Wei", "Anna", "Rahul", "Sofia", "Jun", "Mohamed", "Elena", "Kenji", "Lucas",
          "Priya", "Tomás", "Chen", "Olga", "David", "Yuki", "Amara", "Jonas", "Fatima",
          "Hyun-woo", "Léa", "Mateo", "Ingrid", "Xin", "Samuel")
_LAST = ("Zhang", "Müller", "Smith", "Kumar", "Garcia", "Nakamura", "Okafor", "Rossi",
         "Novák", "Li", "Johansson", "Kim", "Dubois", "Petrov", "Wang", "Silva",
         "O'Brien", "Hernández", "Chen", "Nguyen", "Schmidt", "Ahmed", "Tanaka", "Lee")
_COMMENTS = ("Preprint", "Accepted at ICLR 2025", "Accepted to ACL 2025 (Findings)",
             "Technical report", "Code: https://github.com/example/repo",
             "NeurIPS 2024 camera-ready", "Work in progress")
_LINE_WIDTH = 80
_IDS_PER_MONTH = 99_999  # five-digit arXiv numbers, YYMM.NNNNN
_FIRST_MONTH = 2025 * 12  # January 2025, as months since year 0


@dataclass(frozen=True, slots=True)
class Template:
    """A sentence (or title) cut at its slots: ``literals`` has one more item than
    ``slots``; each slot is ``(kind, original text)``."""

    literals: tuple[str, ...]
    slots: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pool:
    """Everything an abstract is drawn from; built once from the samples and registries."""

    openings: tuple[Template, ...]  # first sentences of real abstracts
    middles: tuple[Template, ...]  # the sentences in between, without a number
    numeric: tuple[Template, ...]  # the sentences in between, with a number slot
    closings: tuple[Template, ...]  # last sentences
    titles: tuple[Template, ...]
    models: tuple[str, ...]
    benchmarks: tuple[str, ...]


def _registry_names(path: Path, key: str) -> list[str]:
    """Names and aliases of a registry file, in file order, without duplicates."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: dict[str, None] = {}
    for entry in data[key]:
        for name in (entry["name"], *(entry.get("aliases") or ())):
            names.setdefault(str(name), None)
    return list(names)


def _alternation(names: list[str]) -> str:
    """Names as one regex alternation, longest first so "Llama-2-70B" beats "Llama-2"."""
    usable = sorted({n for n in names if len(n) >= 3}, key=lambda n: (-len(n), n))
    return "|".join(re.escape(n) for n in usable)


def _slot_pattern(models: list[str], benchmarks: list[str]) -> re.Pattern[str]:
    """One pattern for every slot kind; at a position the first alternative wins."""
    edge_l, edge_r = r"(?<![\w.-])", r"(?![\w-]|\.\d)"
    return re.compile(
        rf"{edge_l}(?P<{MODEL}>{_alternation(models)}){edge_r}"
        rf"|{edge_l}(?P<{BENCH}>{_alternation(benchmarks)}){edge_r}"
        rf"|(?P<{SIZE}>(?<![\w.])\d+(?:\.\d+)?[BM])(?![\w-])"
        rf"|(?P<{WORDSIZE}>(?<![\w.])\d+(?:\.\d+)?)(?=[- ](?:billion|million)\b)"
        rf"|(?P<{PCT}>(?<![\w.])\d{{1,3}}(?:\.\d+)?)(?=\s?\\?%)"
        rf"|(?P<{MULT}>(?<![\w.])\d+(?:\.\d+)?)(?=\s?(?:x|×|times)\b|×)"
        rf"|(?P<{DEC}>(?<![\w.$^_{{-])\d+\.\d+)(?![\w.])"
    )


def _template(text: str, pattern: re.Pattern[str]) -> Template:
    literals: list[str] = []
    slots: list[tuple[str, str]] = []
    pos = 0
    for m in pattern.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        literals.append(text[pos : m.start()])
        slots.append((kind, m.group()))
        pos = m.end()
    literals.append(text[pos:])
    return Template(tuple(literals), tuple(slots))


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return text.removeprefix("Abstract:").strip()


def build_pool(samples: Path = SAMPLES, registry: Path = REGISTRY) -> Pool:
    """Sentence and title templates from the real abstracts, and the registry names.

    Sentences are deduplicated (first occurrence kept) and kept in reading order, so
    the pool, like the corpus, depends only on the files' contents."""
    models = _registry_names(registry / "models.yaml", "models")
    benchmarks = _registry_names(registry / "benchmarks.yaml", "benchmarks")
    pattern = _slot_pattern(models, benchmarks)
    seen: set[str] = set()
    openings: list[Template] = []
    middles: list[Template] = []
    numeric: list[Template] = []
    closings: list[Template] = []
    titles: list[Template] = []
    for path in iter_input_paths([str(samples)]):
        if not isinstance(path, str):
            continue
        for item in read_source(path):
            paper = item.paper
            if paper.title:
                titles.append(_template(_clean(paper.title), pattern))
            sentences = [_clean(s.text) for s in split_sentences(paper.abstract)]
            sentences = [s for s in sentences if 25 <= len(s) <= 600]
            for i, sentence in enumerate(sentences):
                if sentence in seen:
                    continue
                seen.add(sentence)
                template = _template(sentence, pattern)
                if i == 0:
                    openings.append(template)
                elif i == len(sentences) - 1:
                    closings.append(template)
                elif any(k not in (MODEL, BENCH) for k, _ in template.slots):
                    numeric.append(template)
                else:
                    middles.append(template)
    if not (openings and middles and numeric and closings and titles):
        raise ValueError(f"{samples}: too few abstracts to build a sentence pool")
    return Pool(tuple(openings), tuple(middles), tuple(numeric), tuple(closings),
                tuple(titles), tuple(models), tuple(benchmarks))


class _Abstract:
    """Slot filling for one abstract: one proposed model and one main benchmark recur,
    as they do in a real abstract, among other names."""

    def __init__(self, rng: random.Random, pool: Pool) -> None:
        self.rng = rng
        self.pool = pool
        self.model = self._new_model_name()
        self.benchmark = rng.choice(pool.benchmarks)

    def _new_model_name(self) -> str:
        rng = self.rng
        name = rng.choice(_FAMILIES) + rng.choice(_FAMILY_TAILS)
        roll = rng.random()
        if roll < 0.5:
            name += f"-{_fmt_num(rng.choice(_SIZES_B))}B"
        elif roll < 0.6:
            name += f"-{rng.choice(_SIZES_M)}M"
        return name

    def fill(self, template: Template) -> str:
        parts = [template.literals[0]]
        for (kind, original), literal in zip(template.slots, template.literals[1:],
                                             strict=True):
            parts.append(self._value(kind, original))
            parts.append(literal)
        return "".join(parts)

    def _value(self, kind: str, original: str) -> str:
        rng = self.rng
        if kind == MODEL:
            roll = rng.random()
            if roll < 0.4:
                return self.model
            return rng.choice(self.pool.models) if roll < 0.85 else self._new_model_name()
        if kind == BENCH:
            return self.benchmark if rng.random() < 0.5 else rng.choice(self.pool.benchmarks)
        if kind == SIZE:
            if original.endswith("M"):
                return f"{rng.choice(_SIZES_M)}M"
            return f"{_fmt_num(rng.choice(_SIZES_B))}B"
        if kind == WORDSIZE:
            return _fmt_num(rng.choice(_SIZES_B))
        return _jitter(rng, original, kind)


def _fmt_num(x: float) -> str:
    return f"{x:g}"


def _jitter(rng: random.Random, original: str, kind: str) -> str:
    """A number near ``original`` written the same way (sign, decimals): a score stays
    a plausible score, a speed-up stays above 1."""
    sign = "+" if original.startswith("+") else ""
    digits = original.lstrip("+")
    decimals = len(digits.partition(".")[2])
    value = float(digits) * rng.uniform(0.6, 1.4)
    if kind == PCT and float(digits) <= 100:
        value = min(value, 99.9 if decimals else 99)
    if kind == MULT and float(digits) > 1:
        value = max(value, 1.1)
    floor = 10.0 ** -decimals
    value = max(value, floor)
    return f"{sign}{value:.{decimals}f}"


def _wrap(text: str, width: int = _LINE_WIDTH) -> list[str]:
    """Greedy line wrap at spaces, as the snapshot's abstracts are wrapped."""
    lines: list[str] = []
    line: list[str] = []
    length = 0
    for word in text.split(" "):
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], 0
        length += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _arxiv_id(index: int) -> tuple[str, int]:
    """The ``index``-th id (``YYMM.NNNNN``, unique) and its month since year 0."""
    month = _FIRST_MONTH + index // _IDS_PER_MONTH
    year, month_of_year = divmod(month, 12)
    return f"{year % 100:02d}{month_of_year + 1:02d}.{index % _IDS_PER_MONTH + 1:05d}", month


def _record(index: int, rng: random.Random, pool: Pool) -> dict[str, Any]:
    """One snapshot line for the ``index``-th abstract (keys in the snapshot's order)."""
    paper_id, month = _arxiv_id(index)
    fill = _Abstract(rng, pool)
    n_sentences = rng.randint(4, 9)
    n_middle = n_sentences - 2
    n_numeric = sum(1 for _ in range(n_middle) if rng.random() < 0.45)
    body = [rng.choice(pool.middles) for _ in range(n_middle - n_numeric)]
    body += [rng.choice(pool.numeric) for _ in range(n_numeric)]
    rng.shuffle(body)
    sentences = [rng.choice(pool.openings), *body, rng.choice(pool.closings)]
    text = " ".join(fill.fill(t) for t in sentences)
    abstract = "  " + "\n".join(_wrap(text)) + "\n"
    title = fill.fill(rng.choice(pool.titles))
    if rng.random() < 0.25:
        title = f"{fill.model}: {title}"
    title = "\n  ".join(_wrap(title, 70))

    authors = [(rng.choice(_FIRST), rng.choice(_LAST)) for _ in range(rng.randint(1, 8))]
    initials = [f"{first[0]}. {last}" for first, last in authors]
    author_text = initials[0] if len(initials) == 1 else (
        ", ".join(initials[:-1]) + " and " + initials[-1])
    year, month_of_year = divmod(month, 12)
    created = datetime(year, month_of_year + 1, rng.randint(1, 28), rng.randint(0, 23),
                       rng.randint(0, 59), rng.randint(0, 59), tzinfo=UTC)
    versions = [{"version": "v1", "created": created.strftime("%a, %-d %b %Y %H:%M:%S GMT")}]
    updated = created
    if rng.random() < 0.3:
        updated = created + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
        versions.append({"version": "v2",
                         "created": updated.strftime("%a, %-d %b %Y %H:%M:%S GMT")})
    categories = rng.sample(_CATEGORIES, rng.randint(1, 3))
    comments = (f"{rng.randint(6, 40)} pages, {rng.randint(1, 12)} figures"
                if rng.random() < 0.6 else rng.choice(_COMMENTS))
    return {
        "id": paper_id,
        "submitter": f"{authors[0][0]} {authors[0][1]}",
        "authors": author_text,
        "title": title,
        "comments": comments if rng.random() < 0.85 else None,
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": " ".join(categories),
        "license": rng.choice((None, "http://creativecommons.org/licenses/by/4.0/",
                               "http://arxiv.org/licenses/nonexclusive-distrib/1.0/")),
        "abstract": abstract,
        "versions": versions,
        "update_date": (updated + timedelta(days=rng.randint(0, 3))).strftime("%Y-%m-%d"),
        "authors_parsed": [[last, f"{first[0]}.", ""] for first, last in authors],
    }


def iter_records(n: int, seed: int = 0, pool: Pool | None = None) -> Iterator[dict[str, Any]]:
    """The corpus's ``n`` records, lazily, in order."""
    pool = pool if pool is not None else build_pool()
    rng = random.Random(seed)
    for index in range(n):
        yield _record(index, rng, pool)


def iter_lines(n: int, seed: int = 0, pool: Pool | None = None) -> Iterator[str]:
    """The corpus's ``n`` JSON lines (each ending in a newline), lazily."""
    for record in iter_records(n, seed, pool):
        yield json.dumps(record) + "\n"


def _open_out(path: Path) -> IO[str]:
    """A text stream to ``path``, gzip-compressed when it ends in ``.gz``; the gzip
    header carries no file name or time, so the bytes depend only on the content."""
    raw = open(path, "wb")  # noqa: SIM115 - closed by the wrapper below
    if path.suffix != ".gz":
        return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    compressed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
    stream = io.TextIOWrapper(compressed, encoding="utf-8", newline="\n")
    original_close = stream.close

    def close() -> None:  # GzipFile does not close a fileobj it was given
        original_close()
        raw.close()

    stream.close = close  # type: ignore[method-assign]
    return stream


def write_corpus(path: Path, n: int, seed: int = 0, pool: Pool | None = None) -> int:
    """Write ``n`` synthetic abstracts to ``path`` (``.gz``: gzip), streaming; return
    the file's size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open_out(path) as out:
        batch: list[str] = []
        for line in iter_lines(n, seed, pool):
            batch.append(line)
            if len(batch) >= 1000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    return path.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="number of abstracts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="OUT.jsonl, or OUT.jsonl.gz for gzip")
    parser.add_argument("--samples", type=Path, default=SAMPLES,
                        help="folder of real abstracts to draw sentences from")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    start = time.perf_counter()
    size = write_corpus(args.output, args.n, args.seed, build_pool(args.samples))
    seconds = time.perf_counter() - start
    print(f"{args.n} abstracts (seed {args.seed}) -> {args.output} "
          f"({size / 1e6:.1f} MB, {seconds:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
