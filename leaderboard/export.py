"""Deterministic table exports: CSV, JSON lines and Parquet, written atomically.

The same DataFrame gives the same bytes on every run: values are rendered by rules
of this module, never by locale or by pandas' display options, and nothing about
the run (time, run id, absolute paths) is added. Each file is written next to its
target under a temporary name and moved into place with ``os.replace``, so readers
never see half a file and a crash leaves the previous export intact.

Value rules, shared by all three formats:

* missing (None, NaN, NA, NaT) is an empty CSV cell, JSON ``null``, Parquet NULL;
* floats keep at most 15 significant digits and are written as Python's shortest
  round-trip form: ``86.81`` (not ``86.81000000000001``), ``7000000000.0``,
  ``1e+16`` from 10**16 up (Python's ``repr`` switch point). 15 digits is what a
  double holds exactly, so arithmetic noise in the last bits is dropped and any
  number written with up to 15 digits reads back identical;
* booleans are ``true``/``false``; dates whose times are all midnight are
  ``YYYY-MM-DD``, other timestamps ISO 8601;
* lists (authors, categories) are JSON arrays (inside one CSV cell as JSON text).

Parquet is written by DuckDB (a required dependency) in one thread, rather than by
pyarrow when present, so the bytes do not depend on which optional packages are
installed; column types are chosen from the column's dtype and values, not guessed
per file by a library.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from leaderboard.cells import clean_float, csv_cell
from leaderboard.leaderboards import clean, unique_slugs

Format = Literal["csv", "parquet", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "parquet", "jsonl")

#: Columns of the leaderboard index written by :func:`write_leaderboards`.
INDEX_COLUMNS: tuple[str, ...] = (
    "benchmark", "benchmark_id", "metric", "setting", "unit", "direction", "n_models",
    "best_model", "best_value", "file",
)

# Column kinds: how a column's values are rendered and typed in Parquet.
Kind = Literal["bool", "int", "float", "date", "timestamp", "string", "list"]
_SQL_TYPE: dict[str, str] = {"bool": "BOOLEAN", "int": "BIGINT", "float": "DOUBLE",
                             "date": "DATE", "timestamp": "TIMESTAMP", "string": "VARCHAR",
                             "list": "VARCHAR[]"}


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def column_kind(series: pd.Series) -> Kind:
    """Decide a column's kind from its dtype, or for object columns from its values,
    so equal frames always get the same rendering and Parquet types."""
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        return "bool"
    if ptypes.is_integer_dtype(dtype):
        return "int"
    if ptypes.is_float_dtype(dtype):
        return "float"
    if ptypes.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            return "string"
        stamps = series.dropna()
        return "date" if bool((stamps == stamps.dt.normalize()).all()) else "timestamp"
    values = [v for v in (clean(x) for x in series.tolist()) if v is not None]
    if not values:
        return "string"
    if all(isinstance(v, bool | np.bool_) for v in values):
        return "bool"
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
           for v in values):
        return "int"
    if all(isinstance(v, int | float | np.integer | np.floating)
           and not isinstance(v, bool | np.bool_) for v in values):
        return "float"
    if all(isinstance(v, date) and not isinstance(v, datetime) for v in values):
        return "date"
    if all(_is_list(v) for v in values):
        return "list"
    return "string"


def _value(value: object, kind: Kind) -> Any:
    """A cell as the JSON-able value every format renders from."""
    value = clean(value)
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)  # type: ignore[call-overload]
    if kind == "float":
        return clean_float(float(value))  # type: ignore[arg-type]
    if kind == "date":
        return value.date().isoformat() if isinstance(value, datetime) else (
            value.isoformat() if isinstance(value, date) else str(value))
    if kind == "timestamp":
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if kind == "list":
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _plain(value: object) -> Any:
    """An element of a list cell as a JSON value."""
    value = clean(value)
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return clean_float(float(value))
    if _is_list(value):
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    return str(value)


def _columns(df: pd.DataFrame) -> list[tuple[str, Kind, list[Any]]]:
    """Each column's name, kind and rendered values, in column order."""
    names = [str(c) for c in df.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate column names: {names}")
    result = []
    for position, name in enumerate(names):
        series = df.iloc[:, position]
        kind = column_kind(series)
        result.append((name, kind, [_value(v, kind) for v in series.tolist()]))
    return result


def render_csv(df: pd.DataFrame) -> bytes:
    """CSV bytes: UTF-8, header row, ``\\n`` line ends, minimal quoting."""
    cols = _columns(df)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([name for name, _, _ in cols])
    for i in range(len(df)):
        writer.writerow([csv_cell(values[i]) for _, _, values in cols])
    return buf.getvalue().encode("utf-8")


def render_jsonl(df: pd.DataFrame) -> bytes:
    """JSON lines: one object per row, keys in column order, non-ASCII kept."""
    cols = _columns(df)
    lines = []
    for i in range(len(df)):
        row = {name: values[i] for name, _, values in cols}
        try:
            lines.append(json.dumps(row, ensure_ascii=False, allow_nan=False))
        except ValueError as exc:
            raise ValueError(f"row {i}: infinite or NaN float cannot be written as JSON "
                             f"({exc})") from exc
    return "".join(line + "\n" for line in lines).encode("utf-8")


_STAGE_DTYPE = {"bool": "boolean", "int": "Int64", "float": "Float64", "date": "string",
                "timestamp": "string", "string": "string", "list": "string"}


def _write_parquet(df: pd.DataFrame, target: str) -> None:
    """Parquet via DuckDB from a staging frame whose dtypes are fixed per kind."""
    cols = _columns(df)
    stage: dict[str, Any] = {}
    select = []
    for n, (name, kind, values) in enumerate(cols):
        staged = f"c{n}"
        if kind == "list":
            values = [json.dumps(v, ensure_ascii=False) if v is not None else None
                      for v in values]
            expr = f"from_json({staged}, '[\"VARCHAR\"]')"
        else:
            expr = f"CAST({staged} AS {_SQL_TYPE[kind]})"
        stage[staged] = pd.array(values, dtype=_STAGE_DTYPE[kind])  # type: ignore[call-overload]
        select.append(f"{expr} AS {_quote_ident(name)}")
    frame = pd.DataFrame(stage, index=pd.RangeIndex(len(df)))
    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        con.register("export_stage", frame)
        sql = (f"COPY (SELECT {', '.join(select) or '1 AS empty'} FROM export_stage) "
               "TO ? (FORMAT PARQUET)")
        con.execute(sql, [target])
    finally:
        con.close()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a temporary sibling of ``path`` and move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_bytes(data: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        # O_EXCL: never write through a file someone else created under our name;
        # 0o666 lets the umask give the usual permissions (tempfile would give 0600).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return write


def write_table(df: pd.DataFrame, path: Path, fmt: Format) -> None:
    """Write ``df`` to ``path`` as CSV, Parquet or JSON lines, deterministically and
    atomically (index ignored; column order kept)."""
    path = Path(path)
    if fmt == "csv":
        _atomic(path, _write_bytes(render_csv(df)))
    elif fmt == "jsonl":
        _atomic(path, _write_bytes(render_jsonl(df)))
    elif fmt == "parquet":
        _atomic(path, lambda tmp: _write_parquet(df, str(tmp)))
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def read_table(path: Path, fmt: Format) -> pd.DataFrame:
    """Read an export back (for tests, audits and ``stats``); missing values are NaN/None."""
    path = Path(path)
    if fmt == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return pd.DataFrame.from_records(rows)
    if fmt == "parquet":
        con = duckdb.connect(":memory:")
        try:
            frame: pd.DataFrame = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
        finally:
            con.close()
        return frame
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


BoardKey = tuple[str, str | None, str | None, str | None]


def _board_groups(boards: pd.DataFrame) -> list[tuple[tuple[Any, ...], list[int]]]:
    """Row positions of each leaderboard, in order of first appearance. A board is
    identified by its labels (benchmark, benchmark_id, metric, setting, unit), which
    :func:`~leaderboard.leaderboards.build_leaderboards` makes distinct per group."""
    keys = ["benchmark", "benchmark_id", "metric", "setting", "unit"]
    missing = [k for k in (*keys, "model", "value", "rank", "direction")
               if k not in boards.columns]
    if missing:
        raise KeyError(f"leaderboards frame lacks columns: {', '.join(missing)}")
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, values in enumerate(boards[keys].itertuples(index=False, name=None)):
        groups.setdefault(tuple(clean(v) for v in values), []).append(position)
    return list(groups.items())


def write_leaderboards(boards: pd.DataFrame, out_dir: Path, fmt: Format) -> list[Path]:
    """One file per leaderboard (``<slug>.<fmt>``) and an index (``index.<fmt>``) of
    them all; returns the board files in index order, then the index.

    Files of an earlier export into the same folder that this one no longer writes are
    removed -- only those named by that export's own index, so nothing else in the
    folder is touched.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = fmt
    previous = _previous_files(out_dir)
    groups = _board_groups(boards)
    slug_keys: list[BoardKey] = [
        (str(key[1] or key[0]), key[2], key[3], key[4]) for key, _ in groups]
    # The slug is built from the benchmark id when there is one (stable under a new
    # most-common spelling); the display name otherwise.
    slugs = unique_slugs(slug_keys, reserved=["index"])
    written: list[Path] = []
    index_rows = []
    for (key, positions), slug in zip(groups, slugs, strict=True):
        board = boards.iloc[positions]
        name = f"{slug}.{ext}"
        write_table(board, out_dir / name, fmt)
        written.append(out_dir / name)
        top = board.iloc[0]
        index_rows.append({
            "benchmark": key[0], "benchmark_id": key[1], "metric": key[2], "setting": key[3],
            "unit": key[4], "direction": clean(top["direction"]), "n_models": len(board),
            "best_model": clean(top["model"]), "best_value": clean(top["value"]), "file": name,
        })
    index = pd.DataFrame.from_records(index_rows, columns=list(INDEX_COLUMNS)).astype(
        {"n_models": "int64", "best_value": "float64"})
    index_path = out_dir / f"index.{ext}"
    write_table(index, index_path, fmt)
    written.append(index_path)
    _remove_stale(out_dir, previous, {p.name for p in written})
    return written


def _previous_files(out_dir: Path) -> set[str]:
    """Names listed by indexes of earlier exports in ``out_dir`` (and those indexes)."""
    names: set[str] = set()
    for fmt in FORMATS:
        index_path = out_dir / f"index.{fmt}"
        if not index_path.is_file():
            continue
        names.add(index_path.name)
        try:
            listed = read_table(index_path, fmt)
        except Exception:  # an unreadable old index: leave its files alone
            continue
        if "file" in listed.columns:
            names.update(str(v) for v in listed["file"].tolist() if clean(v) is not None)
    return names


def _remove_stale(out_dir: Path, previous: Iterable[str], current: set[str]) -> None:
    suffixes = tuple(f".{f}" for f in FORMATS)
    for name in sorted(set(previous) - current):
        # Only plain file names of our formats, inside out_dir: an index is data.
        if Path(name).name != name or name.startswith(".") or not name.endswith(suffixes):
            continue
        (out_dir / name).unlink(missing_ok=True)


__all__: Sequence[str] = (
    "FORMATS",
    "INDEX_COLUMNS",
    "Format",
    "clean_float",
    "column_kind",
    "read_table",
    "render_csv",
    "render_jsonl",
    "write_leaderboards",
    "write_table",
)
