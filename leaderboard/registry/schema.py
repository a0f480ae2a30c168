"""The shape of the two registries: benchmarks (what a number was measured on) and
model sizes (how many parameters a named model has).

The registries are data (``benchmarks.yaml``, ``models.yaml``); these models are the
contract the data is checked against. Every model is frozen so a loaded registry can
be cached and shared between threads, and ``extra="forbid"`` so a misspelt key in the
YAML is an error rather than a silently ignored field.

Checks that need one entry only (a slug id, ``min < max``, ``active <= total``) live
here. Checks across entries (duplicate ids, two benchmarks sharing an alias, a parent
that does not exist) live in :mod:`leaderboard.registry.validate`, which reports all
of them at once instead of stopping at the first.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

#: Which way a benchmark's default metric improves.
BetterDirection = Literal["higher", "lower"]
#: How a score is written: a percentage, points on a fixed scale (BLEU, 0-100 F1
#: written without "%"), decibels (PSNR), or ``None`` for a bare score (FID, Elo, 1-10).
ScaleUnit = Literal["%", "points", "dB"]

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _clean_names(values: tuple[str, ...]) -> tuple[str, ...]:
    """Aliases are matched against text, so stray whitespace would never match and an
    empty alias would match everywhere: both are refused."""
    for v in values:
        if not v.strip():
            raise ValueError("names and aliases must not be empty")
        if v != v.strip() or "  " in v:
            raise ValueError(f"{v!r} has leading, trailing or doubled whitespace")
    return values


#: A name or the aliases of an entry, checked once here for both registries.
CleanName = Annotated[str, AfterValidator(lambda v: _clean_names((v,))[0])]
CleanNames = Annotated[tuple[str, ...], AfterValidator(_clean_names)]


class Scale(BaseModel):
    """The range a benchmark's default metric is reported on.

    Either bound may be ``None`` (FID has no maximum, Elo has neither). Downstream code
    uses the range to reject impossible values (``112%`` accuracy) and to tell a 0-1
    fraction from a percentage.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: float | None = None
    max: float | None = None
    unit: ScaleUnit | None = Field(default=None, description="'%', 'points', 'dB' or null")

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min is not None and self.max is not None and not self.min < self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self


class Benchmark(BaseModel):
    """One benchmark, dataset or leaderboard that results are reported on.

    ``id`` is the canonical key stored in claims (``Claim.benchmark_id``); ``name`` and
    ``aliases`` are every way papers write it. Entries whose names are ordinary English
    words in lower case (``MATH``, ``DROP``, ``RACE``) set ``case_sensitive`` so that
    "math problems" in prose is not read as the MATH benchmark.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="canonical lower-case slug, e.g. 'gsm8k'")
    name: CleanName = Field(min_length=1, description="canonical display name, e.g. 'GSM8K'")
    aliases: CleanNames = Field(default=(), description="other written forms")
    task: str = Field(min_length=1, description="what is measured, e.g. 'math word problems'")
    metric: str = Field(min_length=1, description="default metric, lower case")
    direction: BetterDirection = Field(description="'higher' or 'lower' is better")
    scale: Scale
    case_sensitive: bool = Field(
        default=False, description="match name and aliases only as written (case kept)"
    )
    parent: str | None = Field(default=None, description="id of the benchmark this is part of")
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.fullmatch(v):
            raise ValueError(f"id {v!r} is not a lower-case slug (a-z, 0-9, single hyphens)")
        return v

    @field_validator("parent")
    @classmethod
    def _parent_slug(cls, v: str | None) -> str | None:
        if v is not None and not _SLUG.fullmatch(v):
            raise ValueError(f"parent {v!r} is not a lower-case slug")
        return v

    @field_validator("metric")
    @classmethod
    def _lower_metric(cls, v: str) -> str:
        if v != v.lower():
            raise ValueError(f"metric {v!r} must be lower case")
        return v

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias: all the forms matched in text."""
        return (self.name, *self.aliases)


class BenchmarkRegistry(BaseModel):
    """The benchmark registry file: a version and its entries, in file order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    benchmarks: tuple[Benchmark, ...]


class ModelSize(BaseModel):
    """A released model and its published parameter count.

    ``params`` is the total count as published by the authors (for mixtures of experts,
    all experts); ``active_params`` the count used per token, when the model is sparse.
    Only published figures belong here: models whose size was never disclosed are left
    out rather than estimated.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: CleanName = Field(min_length=1,
                            description="canonical display name, e.g. 'Llama-2-7B'")
    aliases: CleanNames = ()
    params: float = Field(gt=0, description="total parameters, e.g. 7.0e9")
    active_params: float | None = Field(default=None, gt=0, description="per-token (MoE)")
    family: str | None = None
    organization: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _active_within_total(self) -> ModelSize:
        if self.active_params is not None and self.active_params > self.params:
            raise ValueError(
                f"active_params ({self.active_params:.4g}) exceed params ({self.params:.4g})"
            )
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias: all the forms matched in text."""
        return (self.name, *self.aliases)


class ModelRegistry(BaseModel):
    """The model-size registry file: a version and its entries, in file order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    models: tuple[ModelSize, ...]


__all__ = [
    "Benchmark",
    "BenchmarkRegistry",
    "BetterDirection",
    "ModelRegistry",
    "ModelSize",
    "Scale",
    "ScaleUnit",
]
