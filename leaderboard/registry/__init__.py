"""Registries as data: benchmarks (aliases, task, metric, direction, scale) and model
sizes, validated by pydantic and compiled once into fast name matchers."""

from __future__ import annotations

from functools import lru_cache

from leaderboard.registry.loader import RegistryError, load_benchmarks, load_models
from leaderboard.registry.lookup import (
    BenchmarkIndex,
    BenchmarkMention,
    ModelIndex,
    ModelMention,
    normalise_name,
)
from leaderboard.registry.schema import (
    Benchmark,
    BenchmarkRegistry,
    ModelRegistry,
    ModelSize,
    Scale,
)
from leaderboard.registry.validate import validate_benchmarks, validate_models


@lru_cache(maxsize=1)
def default_benchmark_index() -> BenchmarkIndex:
    """The shipped benchmark registry, compiled once per process."""
    return BenchmarkIndex(load_benchmarks())


@lru_cache(maxsize=1)
def default_model_index() -> ModelIndex:
    """The shipped model registry, compiled once per process."""
    return ModelIndex(load_models())


__all__ = [
    "Benchmark",
    "BenchmarkIndex",
    "BenchmarkMention",
    "BenchmarkRegistry",
    "ModelIndex",
    "ModelMention",
    "ModelRegistry",
    "ModelSize",
    "RegistryError",
    "Scale",
    "default_benchmark_index",
    "default_model_index",
    "load_benchmarks",
    "load_models",
    "normalise_name",
    "validate_benchmarks",
    "validate_models",
]
