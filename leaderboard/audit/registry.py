"""The audit machinery: what a check sees (:class:`AuditContext`), how checks are
registered (:func:`check`) and how they are run (:func:`run_checks`).

A check is a small function ``(ctx) -> Iterable[Finding]`` registered under a name.
:func:`run_checks` runs them all over one context in one pass and sorts the findings,
so an audit of the same data always gives the same list. A check that raises does not
end the audit: its exception becomes one ``error`` finding of check ``audit-internal``
(the pandera habit: collect every failure, stop at none).

The context holds whole frames (claims, papers, sightings) as the store returns them,
plus typed row views built once (:attr:`AuditContext.rows`), so checks loop over plain
objects instead of doing pandas work per row.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol, get_args

import pandas as pd

from leaderboard.audit.findings import Finding
from leaderboard.models import CLAIM_COLUMNS, Claim, Paper, Sighting, SourceFormat
from leaderboard.pipeline import file_sha256, process_paths
from leaderboard.registry import (
    BenchmarkIndex,
    ModelIndex,
    default_benchmark_index,
    default_model_index,
)
from leaderboard.sources import SourceError, read_text

_FORMATS: tuple[str, ...] = get_args(SourceFormat)

CheckFn = Callable[["AuditContext"], Iterable[Finding]]

#: Check name of the finding that reports a check which raised.
INTERNAL_CHECK = "audit-internal"

PAPER_FRAME_COLUMNS = ("paper_id", "title", "abstract", "content_hash", "published")
SIGHTING_FRAME_COLUMNS = ("paper_id", "source", "source_sha256", "source_format",
                          "paper_index", "abstract_start", "abstract_end", "offset_map")


# --- reading sources ------------------------------------------------------------------


def read_source_text(path: str) -> str | None:
    """The decoded text of a source file now, or None when it cannot be read (gone,
    unreadable, standard input): audits report that instead of failing."""
    if path == "-":
        return None
    try:
        return read_text(path)
    except (SourceError, OSError, ValueError):
        return None


def source_sha256(path: str) -> str | None:
    """sha256 of a source file's bytes now, or None when it cannot be read."""
    try:
        return file_sha256(path)
    except OSError:
        return None


# --- typed rows -----------------------------------------------------------------------


def _opt(value: Any) -> Any:
    """None for every missing-value spelling pandas uses (None, NaN, NA, NaT)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return value
    return None if missing is True else value


def _opt_str(value: Any) -> str | None:
    value = _opt(value)
    return None if value is None else str(value)


def _opt_float(value: Any) -> float | None:
    value = _opt(value)
    return None if value is None else float(value)


def _opt_date(value: Any) -> date | None:
    value = _opt(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """The fields of one claim that checks read, typed and with None for missing."""

    claim_id: str
    paper_id: str
    source: str
    paper_index: int
    char_start: int
    char_end: int
    span_start: int
    span_end: int
    value_text: str
    kind: str
    value: float
    value_low: float | None
    unit: str | None
    model: str | None
    base_model: str | None
    params: float | None
    active_params: float | None
    params_registry: float | None
    benchmark: str | None
    benchmark_id: str | None
    metric: str | None
    setting: str | None
    baseline: str | None
    direction: str | None
    delta_type: str | None
    qualifier: str | None
    role: str | None
    sentence: str
    paper_title: str | None = None

    @classmethod
    def from_record(cls, rec: Mapping[Any, Any]) -> ClaimRow:
        """A row from one record of a claims frame (store, export or :class:`Claim`)."""

        def text(name: str) -> str | None:
            return _opt_str(rec.get(name))

        def number(name: str) -> float | None:
            return _opt_float(rec.get(name))

        return cls(
            claim_id=str(rec["claim_id"]), paper_id=str(rec["paper_id"]),
            source=str(rec["source"]), paper_index=int(rec["paper_index"]),
            char_start=int(rec["char_start"]), char_end=int(rec["char_end"]),
            span_start=int(rec["span_start"]), span_end=int(rec["span_end"]),
            value_text=str(rec["value_text"]), kind=str(rec["kind"]),
            value=float(rec["value"]), value_low=number("value_low"), unit=text("unit"),
            model=text("model"), base_model=text("base_model"), params=number("params"),
            active_params=number("active_params"),
            params_registry=number("params_registry"), benchmark=text("benchmark"),
            benchmark_id=text("benchmark_id"), metric=text("metric"),
            setting=text("setting"), baseline=text("baseline"),
            direction=text("direction"), delta_type=text("delta_type"),
            qualifier=text("qualifier"), role=text("role"),
            sentence=text("sentence") or "", paper_title=text("paper_title"))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> list[ClaimRow]:
        """Rows of a whole claims frame, converted column by column."""
        return _rows_from_frame(frame)


_ROW_INTS = ("paper_index", "char_start", "char_end", "span_start", "span_end")
_ROW_FLOATS = ("value", "value_low", "params", "active_params", "params_registry")


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """One column as Python values with None for missing, converted column-wise (the
    per-row work of building rows is then only the constructor call)."""
    if name not in frame.columns:
        return [None] * len(frame)
    col = frame[name]
    if name in _ROW_INTS:
        return [int(v) for v in col.tolist()]
    if name in _ROW_FLOATS:
        return pd.to_numeric(col, errors="coerce").astype(object).where(col.notna(),
                                                                        None).tolist()
    empty = "" if name == "sentence" else None
    return [empty if v is None else str(v)
            for v in col.astype(object).where(col.notna(), None).tolist()]


def _rows_from_frame(frame: pd.DataFrame) -> list[ClaimRow]:
    names = list(ClaimRow.__dataclass_fields__)
    columns = [_column(frame, name) for name in names]
    return [ClaimRow(*values) for values in zip(*columns, strict=True)]


@dataclass(frozen=True, slots=True)
class SightingRow:
    """One place a paper was read, with the file's sha256 recorded at ingest."""

    sighting: Sighting
    source_sha256: str | None
    source_format: str | None

    @property
    def paper_id(self) -> str:
        return self.sighting.paper_id

    @property
    def source(self) -> str:
        return self.sighting.source


def _offset_map(value: Any) -> tuple[tuple[int, int], ...]:
    """An offset map from a frame cell: a JSON string (raw table), a list or None."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple((int(a), int(s)) for a, s in value)


def _sighting_row(rec: Mapping[Any, Any]) -> SightingRow:
    fmt = _opt_str(rec.get("source_format"))
    # The offset arithmetic does not depend on the format; an unknown one is kept as None.
    known: SourceFormat = fmt if fmt in _FORMATS else "plain-text"  # type: ignore[assignment]
    sighting = Sighting(
        paper_id=str(rec["paper_id"]), source=str(rec["source"]), source_format=known,
        paper_index=int(_opt(rec.get("paper_index")) or 0),
        abstract_start=int(_opt(rec.get("abstract_start")) or 0),
        abstract_end=int(_opt(rec.get("abstract_end")) or 0),
        offset_map=_offset_map(rec.get("offset_map")))
    return SightingRow(sighting, _opt_str(rec.get("source_sha256")), fmt)


# --- the context ----------------------------------------------------------------------


def _frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame with at least ``columns`` (missing ones all None), even when empty."""
    frame = pd.DataFrame(list(records))
    for name in columns:
        if name not in frame.columns:
            frame[name] = None
    return frame


class _StoreLike(Protocol):
    def claims_frame(self) -> pd.DataFrame: ...
    def papers_frame(self) -> pd.DataFrame: ...
    def paper(self, paper_id: str) -> Any: ...


@dataclass(eq=False)
class AuditContext:
    """Everything a check may look at: the stored frames, the registries, and access to
    the source files as they are now (so provenance can be re-verified).

    ``claims`` has the columns of :data:`leaderboard.models.CLAIM_COLUMNS`; ``papers``
    at least paper_id, title, abstract, content_hash (and published when known);
    ``sightings`` paper_id, source, source_sha256, source_format, paper_index,
    abstract_start, abstract_end and offset_map (pairs, or their JSON text).
    """

    claims: pd.DataFrame
    papers: pd.DataFrame
    sightings: pd.DataFrame
    read_source: Callable[[str], str | None] = read_source_text
    sha256_of: Callable[[str], str | None] = source_sha256
    benchmarks: BenchmarkIndex = field(default_factory=default_benchmark_index)
    models: ModelIndex = field(default_factory=default_model_index)
    load_errors: list[tuple[str, str]] = field(default_factory=list)
    _texts: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    # --- derived views, built once ---------------------------------------------------
    @cached_property
    def rows(self) -> list[ClaimRow]:
        """Every claim as a typed row, in (paper, span) order."""
        rows = ClaimRow.from_frame(self.claims)
        rows.sort(key=lambda r: (r.paper_id, r.span_start, r.span_end, r.claim_id))
        return rows

    @cached_property
    def abstracts(self) -> dict[str, str]:
        """paper id -> stored abstract (the text the claims' spans index)."""
        return {str(p): str(a) for p, a in zip(self.papers["paper_id"], self.papers["abstract"],
                                               strict=True) if _opt(a) is not None}

    @cached_property
    def titles(self) -> dict[str, str]:
        """paper id -> title, for messages."""
        return {str(p): str(t) for p, t in zip(self.papers["paper_id"], self.papers["title"],
                                               strict=True) if _opt(t) is not None}

    @cached_property
    def published(self) -> dict[str, date]:
        """paper id -> publication date, when known."""
        if "published" not in self.papers.columns:
            return {}
        out = {}
        for pid, value in zip(self.papers["paper_id"], self.papers["published"], strict=True):
            day = _opt_date(value)
            if day is not None:
                out[str(pid)] = day
        return out

    @cached_property
    def sighting_rows(self) -> list[SightingRow]:
        """Every sighting, in frame order (the first sighting of a paper first)."""
        return [_sighting_row(r) for r in self.sightings.to_dict("records")]

    def source_text(self, path: str) -> str | None:
        """The current text of a source file, read at most once while it is the last
        one or two asked for (checks group their work by file, and files can be big)."""
        if path not in self._texts:
            if len(self._texts) >= 2:
                self._texts.pop(next(iter(self._texts)))
            self._texts[path] = self.read_source(path)
        return self._texts[path]

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A value computed once per context and shared by checks (e.g. the pairing of
        deltas with score pairs, used by two checks)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # --- constructors -----------------------------------------------------------------
    @classmethod
    def from_frames(cls, claims: pd.DataFrame, papers: pd.DataFrame | None = None,
                    sightings: pd.DataFrame | None = None, **options: Any) -> AuditContext:
        """A context over frames as the store returns them (missing columns added)."""
        claims = claims.copy()
        for name in CLAIM_COLUMNS:
            if name not in claims.columns:
                claims[name] = None
        papers = _frame([], PAPER_FRAME_COLUMNS) if papers is None else papers.copy()
        for name in PAPER_FRAME_COLUMNS:
            if name not in papers.columns:
                papers[name] = None
        sightings = (_frame([], SIGHTING_FRAME_COLUMNS) if sightings is None
                     else sightings.copy())
        for name in SIGHTING_FRAME_COLUMNS:
            if name not in sightings.columns:
                sightings[name] = None
        return cls(claims=claims, papers=papers, sightings=sightings, **options)

    @classmethod
    def from_claims(cls, claims: Iterable[Claim], papers: Iterable[Paper] | None = None,
                    sightings: Iterable[Sighting] = (), *,
                    recorded_sha256: Mapping[str, str] | None = None,
                    **options: Any) -> AuditContext:
        """A context over model objects (tests, in-memory pipelines).

        ``recorded_sha256`` gives the sha256 recorded for each source path; when None
        it is taken now with ``sha256_of``, as if the files had just been ingested.
        """
        sha_of: Callable[[str], str | None] = options.get("sha256_of", source_sha256)
        sights = list(sightings)
        recorded = dict(recorded_sha256) if recorded_sha256 is not None else {
            s.source: sha_of(s.source) for s in sights}
        claim_frame = _frame([c.model_dump() for c in claims], CLAIM_COLUMNS)
        paper_frame = _frame([p.model_dump() for p in papers or ()], PAPER_FRAME_COLUMNS)
        sighting_frame = _frame(
            [{**s.model_dump(), "offset_map": [list(p) for p in s.offset_map],
              "source_sha256": recorded.get(s.source)} for s in sights],
            SIGHTING_FRAME_COLUMNS)
        return cls.from_frames(claim_frame, paper_frame, sighting_frame, **options)

    @classmethod
    def from_store(cls, store: _StoreLike, **options: Any) -> AuditContext:
        """A context over an open :class:`~leaderboard.store.Store`.

        Uses ``store.sightings_frame()`` when the store has it, else reads each
        paper's sightings with ``store.paper`` (one query a paper).
        """
        papers = store.papers_frame()
        frame_of = getattr(store, "sightings_frame", None)
        if callable(frame_of):
            sightings = frame_of()
        else:
            records = []
            for pid in papers["paper_id"]:
                found = store.paper(str(pid))
                if found is not None:
                    records.extend(found[1])
            sightings = _frame(records, SIGHTING_FRAME_COLUMNS)
        return cls.from_frames(store.claims_frame(), papers, sightings, **options)

    @classmethod
    def from_paths(cls, paths: Iterable[str], fmt: str | None = None,
                   **options: Any) -> AuditContext:
        """Read and extract input files as ``leaderboard ingest`` would store them: one
        paper per id, its claims from its first sighting only, every sighting kept.
        Files that fail to read are listed in :attr:`load_errors`."""
        papers: dict[str, Paper] = {}
        first: dict[str, tuple[str, int]] = {}
        claims: dict[str, Claim] = {}
        sightings: list[dict[str, Any]] = []
        errors: list[tuple[str, str]] = []
        for result in process_paths(paths, fmt):
            if not result.ok:
                errors.append((result.source, result.error or "unreadable"))
                continue
            for item in result.papers:
                s = item.sighting
                papers.setdefault(s.paper_id, item.paper)
                first.setdefault(s.paper_id, (s.source, s.paper_index))
                sightings.append({**s.model_dump(), "source_sha256": result.sha256,
                                  "offset_map": [list(p) for p in s.offset_map]})
            for c in result.claims:
                if first.get(c.paper_id) == (c.source, c.paper_index):
                    claims.setdefault(c.claim_id, c)
        ctx = cls.from_frames(
            _frame([c.model_dump() for c in claims.values()], CLAIM_COLUMNS),
            _frame([p.model_dump() for p in papers.values()], PAPER_FRAME_COLUMNS),
            _frame(sightings, SIGHTING_FRAME_COLUMNS), **options)
        ctx.load_errors.extend(errors)
        return ctx


# --- the check registry ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its name, what it looks for, and the function."""

    name: str
    description: str
    fn: CheckFn


_CHECKS: dict[str, CheckSpec] = {}


def check(name: str, *, description: str) -> Callable[[CheckFn], CheckFn]:
    """Register a function as the audit check ``name``.

    Names are unique: registering a second function under a taken name is an error
    (it would silently replace a check), except re-registering the same function.
    """

    def register(fn: CheckFn) -> CheckFn:
        known = _CHECKS.get(name)
        if known is not None and known.fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"an audit check named {name!r} is already registered")
        _CHECKS[name] = CheckSpec(name, description, fn)
        return fn

    return register


def unregister(name: str) -> None:
    """Remove a registered check (tests and plugins that register temporary checks)."""
    _CHECKS.pop(name, None)


def list_checks() -> list[tuple[str, str]]:
    """(name, description) of every registered check, in registration order."""
    return [(spec.name, spec.description) for spec in _CHECKS.values()]


def _internal_finding(name: str, exc: BaseException) -> Finding:
    """The finding that stands for a check that raised, so the audit goes on."""
    where = traceback.extract_tb(exc.__traceback__)
    place = f" at {where[-1].name}:{where[-1].lineno}" if where else ""
    return Finding(check=INTERNAL_CHECK, severity="error",
                   message=f"check {name} failed with {type(exc).__name__}: {exc}{place}",
                   evidence="".join(traceback.format_exception_only(exc)).strip(),
                   numbers={})


def run_checks(ctx: AuditContext, only: set[str] | None = None) -> list[Finding]:
    """Run every registered check (or those named in ``only``) over ``ctx``.

    Returns the findings sorted by paper, check, claim ids and message, without
    duplicates, so the same input always gives the same list. An exception inside a
    check becomes one ``audit-internal`` error finding; the other checks still run.
    """
    if only is not None:
        unknown = sorted(set(only) - set(_CHECKS))
        if unknown:
            raise ValueError(f"unknown audit check(s) {', '.join(unknown)}; "
                             f"known: {', '.join(_CHECKS)}")
    found: dict[str, Finding] = {}
    for spec in list(_CHECKS.values()):
        if only is not None and spec.name not in only:
            continue
        try:
            results = list(spec.fn(ctx))
        except Exception as exc:  # a bug in one check must not end the audit
            results = [_internal_finding(spec.name, exc)]
        for finding in results:
            found.setdefault(finding.finding_id, finding)
    return sorted(found.values(), key=Finding.sort_key)


__all__ = [
    "INTERNAL_CHECK",
    "AuditContext",
    "CheckFn",
    "CheckSpec",
    "ClaimRow",
    "SightingRow",
    "check",
    "list_checks",
    "read_source_text",
    "run_checks",
    "source_sha256",
    "unregister",
]
