"""Extraction: from a paper's abstract to typed claims with exact provenance.

The public surface is two pure functions: :func:`extract_claims` reads one abstract,
:func:`claims_for` turns a reader's :class:`~leaderboard.models.SourcedPaper` into
:class:`~leaderboard.models.Claim` rows with offsets into the source file. Both are
deterministic and hold no state between calls, so they map over processes or Dask.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from leaderboard.extract.benchmarks import RegistryBenchmarkFinder
from leaderboard.extract.claims import DraftClaim, extract_drafts, with_notes
from leaderboard.models import Claim, SourcedPaper, make_claim_id, source_offsets
from leaderboard.registry import default_benchmark_index, default_model_index

EXTRACTOR_VERSION = "0.1.0"


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one pathological paper from exhausting time or memory: only the
    first ``max_abstract_chars`` of an abstract are read for claims, and at most
    ``max_claims_per_paper`` claims are kept. What is cut is reported, never silent."""

    max_abstract_chars: int = 100_000
    max_claims_per_paper: int = 1_000


DEFAULT_LIMITS = Limits()


@lru_cache(maxsize=1)
def _default_finder() -> RegistryBenchmarkFinder:
    models = default_model_index()
    entries = models.registry.models
    names = frozenset(n for entry in entries for n in (entry.name, *entry.aliases))
    families = frozenset(entry.family for entry in entries if entry.family)
    return RegistryBenchmarkFinder(default_benchmark_index(), names, families)


@lru_cache(maxsize=8192)
def registry_params(name: str | None) -> float | None:
    """Published parameters of a named model (the model registry), for plots."""
    if not name:
        return None
    entry = default_model_index().resolve(name)
    return entry.params if entry is not None else None


def extract_claims(abstract: str, title: str | None = None) -> list[DraftClaim]:
    """The claims of one abstract, in text order, with offsets into ``abstract``."""
    return extract_drafts(abstract, title, _default_finder())


def claims_for(item: SourcedPaper | PaperText, limits: Limits = DEFAULT_LIMITS) -> list[Claim]:
    """Claims of one sourced paper, with offsets mapped into its source text."""
    return claims_with_report(item, limits)[0]


class PaperText(NamedTuple):
    """What extraction reads of a sourced paper: the text and where it lies.

    Why: worker processes get their batches pickled. A plain tuple of strings and ints
    pickles and unpickles several times faster than the validated models of a
    :class:`~leaderboard.models.SourcedPaper`, whose other fields extraction never reads.
    """

    paper_id: str
    title: str | None
    abstract: str
    source: str
    paper_index: int
    abstract_start: int
    offset_map: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, item: SourcedPaper) -> PaperText:
        paper, sighting = item.paper, item.sighting
        return cls(paper.paper_id, paper.title, paper.abstract, sighting.source,
                   sighting.paper_index, sighting.abstract_start, sighting.offset_map)


def claims_with_report(item: SourcedPaper | PaperText,
                       limits: Limits = DEFAULT_LIMITS) -> tuple[list[Claim], list[str]]:
    """Claims of one sourced paper and what the limits cut from it (one line each)."""
    paper = item if isinstance(item, PaperText) else PaperText.of(item)
    notes: list[str] = []
    text = paper.abstract
    if len(text) > limits.max_abstract_chars:
        notes.append(f"paper #{paper.paper_index}: abstract of {len(text):,} characters; "
                     f"claims read from the first {limits.max_abstract_chars:,} only")
        text = text[: limits.max_abstract_chars]
    drafts = extract_claims(text, paper.title)
    if len(drafts) > limits.max_claims_per_paper:
        notes.append(f"paper #{paper.paper_index}: {len(drafts):,} claims; the first "
                     f"{limits.max_claims_per_paper:,} kept")
        drafts = drafts[: limits.max_claims_per_paper]
    if not drafts:  # a third to a half of all abstracts: no offsets to map
        return [], notes
    # where each claim's first and last characters lie in the source file
    ends = source_offsets(paper.abstract_start, paper.offset_map,
                          (i for d in drafts for i in (d.mention.start, d.mention.end - 1)))
    out = []
    for k, d in enumerate(drafts):
        m = d.mention
        out.append(
            Claim(
                claim_id=make_claim_id(paper.paper_id, m.start, m.end, m.value_text),
                source=paper.source,
                paper_id=paper.paper_id,
                paper_index=paper.paper_index,
                paper_title=paper.title,
                char_start=ends[2 * k],
                char_end=ends[2 * k + 1] + 1,
                span_start=m.start,
                span_end=m.end,
                value_text=m.value_text,
                kind=d.kind,
                value=m.value,
                value_low=m.value_low,
                spread=m.spread,
                unit=d.unit,
                model=d.model,
                base_model=d.base_model,
                params=d.params,
                active_params=d.active_params,
                params_registry=registry_params(d.model) or registry_params(d.base_model),
                benchmark=d.benchmark,
                benchmark_id=d.benchmark_id,
                task=d.task,
                metric=d.metric,
                baseline=d.baseline,
                direction=d.direction,
                delta_type=d.delta_type,
                setting=d.setting,
                qualifier=d.qualifier,
                role=d.role,
                restated=d.restated,
                sentence=d.sentence.text,
                notes=with_notes(d),
            )
        )
    return out, notes


__all__ = [
    "DEFAULT_LIMITS",
    "EXTRACTOR_VERSION",
    "DraftClaim",
    "Limits",
    "PaperText",
    "claims_for",
    "claims_with_report",
    "extract_claims",
]
