"""Loading the registries: YAML files read with ``yaml.safe_load`` and validated.

The shipped files live inside the package (``benchmarks.yaml``, ``models.yaml``) and
are found through :mod:`importlib.resources`, so an installed copy works the same as
a checkout. A broken file raises :class:`RegistryError` naming the file and entry.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from leaderboard.registry.schema import BenchmarkRegistry, ModelRegistry

T = TypeVar("T", bound=BaseModel)


class RegistryError(Exception):
    """A registry file that cannot be read or does not match its schema."""


#: libyaml's safe loader when PyYAML was built with it (same rules, ~10x faster: the
#: registries are loaded by every process of a parallel run), else the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path | None, default_name: str, model: type[T]) -> T:
    if path is None:
        ref = resources.files("leaderboard.registry").joinpath(default_name)
        label, text = f"leaderboard/registry/{default_name}", ref.read_text("utf-8")
    else:
        label = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RegistryError(f"{label}: cannot read ({exc.strerror or exc})") from exc
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise RegistryError(f"{label}: not valid YAML ({exc})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            entry = _entry_name(data, err["loc"])
            problems.append(f"{where}{f' ({entry})' if entry else ''}: {err['msg']}")
        raise RegistryError(f"{label}: " + "; ".join(problems)) from exc


def _entry_name(data: object, loc: tuple[int | str, ...]) -> str | None:
    """The id or name of the entry an error points into, to say which one failed."""
    if len(loc) >= 2 and isinstance(data, dict) and isinstance(loc[1], int):
        items = data.get(str(loc[0]))
        if isinstance(items, list) and 0 <= loc[1] < len(items) and isinstance(items[loc[1]], dict):
            entry = items[loc[1]]
            return str(entry.get("id") or entry.get("name") or "") or None
    return None


def load_benchmarks(path: Path | None = None) -> BenchmarkRegistry:
    """The benchmark registry (the shipped one when ``path`` is None, cached)."""
    if path is None:
        return _default_benchmarks()
    return _read(path, "benchmarks.yaml", BenchmarkRegistry)


def load_models(path: Path | None = None) -> ModelRegistry:
    """The model-size registry (the shipped one when ``path`` is None, cached)."""
    if path is None:
        return _default_models()
    return _read(path, "models.yaml", ModelRegistry)


@lru_cache(maxsize=1)
def _default_benchmarks() -> BenchmarkRegistry:
    return _read(None, "benchmarks.yaml", BenchmarkRegistry)


@lru_cache(maxsize=1)
def _default_models() -> ModelRegistry:
    return _read(None, "models.yaml", ModelRegistry)
