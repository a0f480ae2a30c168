"""Score-versus-size frontiers per benchmark, computed in the library (not the browser).

For one benchmark, metric, setting and unit, every claimed score is a point at the
model's size (parameters stated in the text, else the model registry's figure). The
Pareto frontier is the best score reachable at or below each size: walking sizes
upwards, a point is on the frontier when it beats every smaller-or-equal model, by the
benchmark's direction (for lower-is-better metrics the frontier is the minimum).

A chart never sends more than ``max_points`` points to a browser: beyond that the view
keeps every frontier point and a deterministic sample of the rest, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from leaderboard.leaderboards import clean, fold

#: Largest number of points a chart sends to the browser (Altair's own limit is 5,000).
MAX_POINTS = 5000

POINT_COLUMNS = (
    "model", "value", "unit", "params", "params_source", "role", "organization",
    "paper_id", "paper_title", "published", "claim_id", "sentence", "on_frontier",
)


def prepare_claims(claims: pd.DataFrame,
                   default_metric: Callable[[str | None], str | None] | None = None
                   ) -> pd.DataFrame:
    """Score claims with a value and a benchmark, with the columns the views group on:
    ``benchmark_key`` (registry id, else the folded written name), ``size`` and
    ``params_source`` ("text" when the abstract states it, "registry" otherwise), and
    the metric (the benchmark's default when the text names none)."""
    scores = claims[(claims["kind"] == "score") & claims["value"].notna()].copy()
    written = scores["benchmark"].map(lambda b: None if _missing(b) else fold(b))
    scores["benchmark_key"] = scores["benchmark_id"].where(scores["benchmark_id"].notna(),
                                                          written)
    scores = scores[scores["benchmark_key"].notna()]
    text_size = scores["params"].astype("Float64")
    registry_size = scores["params_registry"].astype("Float64")
    scores["size"] = text_size.fillna(registry_size)
    scores["params_source"] = pd.Series(
        ["text" if not _missing(t) else ("registry" if not _missing(r) else None)
         for t, r in zip(text_size, registry_size, strict=True)], index=scores.index,
        dtype="object")
    if default_metric is not None:
        missing = scores["metric"].isna()
        scores.loc[missing, "metric"] = scores.loc[missing, "benchmark_id"].map(
            lambda b: default_metric(None if _missing(b) else b))
    return scores.reset_index(drop=True)


@dataclass(frozen=True)
class BenchmarkChoice:
    """A benchmark that has score claims, for pickers ordered by number of claims."""

    key: str
    label: str
    benchmark_id: str | None
    n_claims: int


def benchmark_choices(scores: pd.DataFrame) -> list[BenchmarkChoice]:
    """Benchmarks with claims, most claimed first (ties by label), from
    :func:`prepare_claims` output."""
    if scores.empty:
        return []
    out = []
    for key, group in scores.groupby("benchmark_key", sort=False):
        labels = group["benchmark"].dropna()
        label = str(labels.mode().sort_values().iloc[0]) if not labels.empty else str(key)
        bid = group["benchmark_id"].dropna()
        out.append(BenchmarkChoice(str(key), label, str(bid.iloc[0]) if not bid.empty else None,
                                   len(group)))
    out.sort(key=lambda c: (-c.n_claims, c.label.lower(), c.key))
    return out


def board_choices(scores: pd.DataFrame, key: str) -> list[tuple[str | None, str | None,
                                                                  str | None, int]]:
    """(metric, setting, unit, n_claims) of one benchmark's boards, largest first."""
    rows = scores[scores["benchmark_key"] == key]
    counts: dict[tuple[str | None, str | None, str | None], int] = {}
    for metric, setting, unit in zip(rows["metric"], rows["setting"], rows["unit"], strict=True):
        k = (_clean(metric), _clean(setting), _clean(unit))
        counts[k] = counts.get(k, 0) + 1
    return sorted(((*k, n) for k, n in counts.items()),
                  key=lambda t: (-t[3], str(t[0]), str(t[1]), str(t[2])))


@dataclass(frozen=True)
class FrontierView:
    """What the frontier chart and the list beside it show for one board."""

    points: pd.DataFrame  # sized claims sent to the chart (POINT_COLUMNS)
    frontier: pd.DataFrame  # the frontier's points, by size (params, value, model)
    unsized: pd.DataFrame  # claims of the board with no known size
    direction: str
    n_sized: int  # sized claims before any sampling
    note: str | None  # said when points were sampled


def pareto_frontier(points: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Points that beat every point of smaller or equal size, in size order."""
    if points.empty:
        return points.iloc[0:0]
    higher = direction != "lower"
    ordered = points.sort_values(["params", "value", "claim_id"],
                                 ascending=[True, not higher, True], kind="mergesort")
    best = -math.inf if higher else math.inf
    keep = []
    for idx, value in zip(ordered.index, ordered["value"], strict=True):
        if (value > best) if higher else (value < best):
            best = value
            keep.append(idx)
    return ordered.loc[keep]


def frontier_view(scores: pd.DataFrame, key: str, metric: str | None = None,
                  setting: str | None = None, unit: str | None = None,
                  params_range: tuple[float, float] | None = None,
                  direction: str = "higher", max_points: int = MAX_POINTS) -> FrontierView:
    """The frontier of one board (benchmark key, metric, setting, unit) from
    :func:`prepare_claims` output, optionally within a parameter range."""
    rows = scores[(scores["benchmark_key"] == key)
                  & _eq(scores["metric"], metric) & _eq(scores["setting"], setting)
                  & _eq(scores["unit"], unit)]
    sized = rows[rows["size"].notna()]
    if params_range is not None:
        low, high = params_range
        sized = sized[(sized["size"] >= low) & (sized["size"] <= high)]
    points = pd.DataFrame({
        "model": sized["model"], "value": sized["value"].astype(float),
        "unit": sized["unit"], "params": sized["size"].astype(float),
        "params_source": sized["params_source"], "role": sized["role"],
        "organization": sized.get("organization"), "paper_id": sized["paper_id"],
        "paper_title": sized["paper_title"], "published": sized.get("published"),
        "claim_id": sized["claim_id"], "sentence": sized["sentence"],
    })
    frontier = pareto_frontier(points, direction)
    points["on_frontier"] = points.index.isin(frontier.index)
    n_sized = len(points)
    note = None
    if n_sized > max_points:
        rest = points[~points["on_frontier"]]
        room = max(0, max_points - int(points["on_frontier"].sum()))
        sample = rest.sort_values("claim_id").iloc[:: max(1, math.ceil(len(rest) / room))] \
            if room else rest.iloc[0:0]
        points = pd.concat([points[points["on_frontier"]], sample]).sort_index()
        note = (f"{n_sized:,} sized claims: showing the {int(frontier.shape[0]):,} frontier "
                f"points and a sample of {len(sample):,} others (at most {max_points:,}).")
    unsized = rows[rows["size"].isna()][["model", "value", "unit", "role", "paper_id",
                                         "paper_title", "claim_id", "sentence"]]
    return FrontierView(points=points[list(POINT_COLUMNS)].reset_index(drop=True),
                        frontier=frontier[["params", "value", "model"]].reset_index(drop=True),
                        unsized=unsized.reset_index(drop=True), direction=direction,
                        n_sized=n_sized, note=note)


# Axis labels as model sizes are written: 350M, 7B, 1.8T.
_PARAMS_LABEL = (
    "datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + 'T' : "
    "datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : "
    "datum.value >= 1e6 ? format(datum.value / 1e6, '~g') + 'M' : "
    "datum.value >= 1e3 ? format(datum.value / 1e3, '~g') + 'K' : format(datum.value, '~g')"
)


def frontier_chart(view: FrontierView, title: str, color_by: str = "role") -> alt.LayerChart:
    """Scatter of score against parameters (log axis) with the frontier as a step line.

    Every value is labelled as claimed in an abstract; tooltips say where the size came
    from. The data never exceeds ``MAX_POINTS`` rows (see :func:`frontier_view`), so
    Altair's row limit is never hit silently.
    """
    data = view.points.assign(
        params_label=view.points["params"].map(_human_params),
        source_label=view.points["params_source"].map(
            {"text": "stated in the abstract", "registry": "model registry"}),
        published=view.points["published"].astype("string"),
    )
    color_field = color_by if color_by in ("role", "organization") else "role"
    base = alt.Chart(data).encode(
        x=alt.X("params:Q", scale=alt.Scale(type="log"), title="parameters (log scale)",
                axis=alt.Axis(labelExpr=_PARAMS_LABEL, tickCount=6)),
        y=alt.Y("value:Q", title="claimed score", scale=alt.Scale(zero=False, padding=14)),
    )
    scatter = base.mark_circle(size=70, opacity=0.8).encode(
        color=alt.Color(f"{color_field}:N", title=color_field),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("value:Q", title="claimed value"),
                 alt.Tooltip("unit:N"), alt.Tooltip("params_label:N", title="params"),
                 alt.Tooltip("source_label:N", title="params from"),
                 alt.Tooltip("paper_title:N", title="paper"),
                 alt.Tooltip("published:N", title="date")],
    )
    step = alt.Chart(view.frontier).mark_line(
        interpolate="step-after", color="#444", strokeDash=[4, 2]).encode(
        x="params:Q", y="value:Q")
    labels = alt.Chart(view.frontier).mark_text(align="left", dx=6, dy=-6, fontSize=11).encode(
        x="params:Q", y="value:Q", text="model:N")
    subtitle = f"claimed in abstracts, not independently measured; {view.direction} is better"
    return (scatter + step + labels).properties(
        title=alt.TitleParams(title, subtitle=[subtitle]), width=640, height=400)


def find_benchmark_key(scores: pd.DataFrame, benchmark: str) -> str | None:
    """The board key for what a user typed: a registry id, a name or alias the registry
    resolves, or a benchmark as written in the claims (case and spaces folded)."""
    keys = set(scores["benchmark_key"].dropna())
    if benchmark in keys:
        return benchmark
    from leaderboard.registry import default_benchmark_index

    entry = default_benchmark_index().resolve(benchmark)
    if entry is not None and entry.id in keys:
        return entry.id
    folded = fold(benchmark)
    return folded if folded in keys else None


def render_chart(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart as a static file: ``svg``, ``png`` or self-contained ``html`` (the
    Vega libraries are inlined, so it opens offline)."""
    import vl_convert as vlc

    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "png":
        return bytes(vlc.vegalite_to_png(spec, scale=2))
    if fmt == "html":
        return vlc.vegalite_to_html(spec, bundle=True).encode("utf-8")
    raise ValueError(f"unknown chart format {fmt!r}: use svg, png or html")


def _human_params(value: float) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:g}"


def _missing(value: object) -> bool:
    return clean(value) is None


def _clean(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _eq(series: pd.Series, value: str | None) -> pd.Series:
    """Equality where a None argument selects the missing values."""
    return series.isna() if value is None else (series == value)
