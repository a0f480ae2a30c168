"""Exports: values survive a round trip, bytes never change, files appear whole."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from leaderboard import export as export_module
from leaderboard.export import (
    FORMATS,
    INDEX_COLUMNS,
    Format,
    read_table,
    render_csv,
    render_jsonl,
    write_leaderboards,
    write_table,
)
from leaderboard.leaderboards import LEADERBOARD_COLUMNS, build_leaderboards
from leaderboard.models import CLAIM_COLUMNS, Claim, make_claim_id


def table() -> pd.DataFrame:
    """A frame with every kind of column an export meets, nulls in each."""
    return pd.DataFrame({
        "name": ["Orca-Math", None, "Modèle «é», \"quoted\"\nnext line"],
        "value": [86.81000000000001, None, 7e9],
        "count": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],
        "published": pd.to_datetime(pd.Series(["2024-02-22", None, "2023-05-06"])),
        "authors": [["A B", "C D"], [], None],
        "empty": [None, None, None],
    })


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(tmp_path: Path, fmt: Format) -> None:
    path = tmp_path / f"t.{fmt}"
    write_table(table(), path, fmt)
    back = read_table(path, fmt)
    assert list(back.columns) == list(table().columns)

    def cells(column: str) -> list[Any]:
        return [None if not isinstance(v, list | tuple | np.ndarray) and pd.isna(v) else v
                for v in back[column].tolist()]

    assert cells("name") == ["Orca-Math", None, "Modèle «é», \"quoted\"\nnext line"]
    assert cells("value") == [86.81, None, 7e9]
    assert cells("count") == [1, None, 3]
    assert cells("flag") == [True, False, True]
    assert cells("empty") == [None, None, None]
    published = [str(v)[:10] if v is not None else None for v in cells("published")]
    assert published == ["2024-02-22", None, "2023-05-06"]
    authors = cells("authors")
    if fmt == "csv":  # a list is one cell of JSON text
        authors = [json.loads(v) if v is not None else None for v in authors]
    assert [list(v) if v is not None else None for v in authors] == [["A B", "C D"], [], None]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_frame_same_bytes(tmp_path: Path, fmt: Format) -> None:
    first, second = tmp_path / f"a.{fmt}", tmp_path / "other" / f"b.{fmt}"
    write_table(table(), first, fmt)
    write_table(table().copy(), second, fmt)
    write_table(table(), first, fmt)  # overwrite in place
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a.{fmt}", "other"]  # no temp


@pytest.mark.parametrize("fmt", FORMATS)
def test_dtype_does_not_change_bytes(tmp_path: Path, fmt: Format) -> None:
    """Text as object or str dtype, numbers with NaN or NA: same data, same file."""
    a = pd.DataFrame({"s": pd.Series(["x", None], dtype=object), "f": [1.5, float("nan")]})
    b = pd.DataFrame({"s": pd.Series(["x", None], dtype="str"),
                      "f": pd.array([1.5, None], dtype="Float64")})
    write_table(a, tmp_path / f"a.{fmt}", fmt)
    write_table(b, tmp_path / f"b.{fmt}", fmt)
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


@pytest.mark.parametrize("value, text", [
    (86.81000000000001, "86.81"),
    (0.1 + 0.2, "0.3"),
    (7e9, "7000000000.0"),
    (1.3 * 1e9, "1300000000.0"),
    (100.0, "100.0"),
    (-0.5, "-0.5"),
    (2.5e-05, "2.5e-05"),
    (1e16, "1e+16"),
    (175e9, "175000000000.0"),
    (float("nan"), ""),
])
def test_float_text(value: float, text: str) -> None:
    df = pd.DataFrame({"v": [value], "k": [1]})
    assert render_csv(df).decode() == f"v,k\n{text},1\n"
    expected_json = text if text else "null"
    assert render_jsonl(df).decode() == f'{{"v": {expected_json}, "k": 1}}\n'


def test_csv_and_jsonl_layout() -> None:
    df = pd.DataFrame({"b": ["é", None], "a": [1.0, 2.5], "ok": [True, None]})
    assert render_csv(df) == "b,a,ok\né,1.0,true\n,2.5,\n".encode()
    lines = render_jsonl(df).decode("utf-8").splitlines()
    assert lines == ['{"b": "é", "a": 1.0, "ok": true}', '{"b": null, "a": 2.5, "ok": null}']
    assert b"\r" not in render_csv(pd.DataFrame({"x": ["a\r\nb"]})).replace(b"a\r\nb", b"")


def test_infinite_float_is_refused_in_jsonl() -> None:
    with pytest.raises(ValueError, match="row 0"):
        render_jsonl(pd.DataFrame({"v": [float("inf")]}))


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_table(table(), tmp_path / "t.xlsx", "xlsx")  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_write_keeps_the_previous_file(tmp_path: Path, fmt: Format,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"t.{fmt}"
    write_table(table(), path, fmt)
    before = path.read_bytes()

    def half_written(data: bytes) -> Any:
        def write(tmp: Path) -> None:
            tmp.write_bytes(data[: len(data) // 2])
            raise OSError("disk full")
        return write

    def half_parquet(df: pd.DataFrame, target: str) -> None:
        Path(target).write_bytes(b"PAR1")
        raise OSError("disk full")

    monkeypatch.setattr(export_module, "_write_bytes", half_written)
    monkeypatch.setattr(export_module, "_write_parquet", half_parquet)
    with pytest.raises(OSError, match="disk full"):
        write_table(table().head(1), path, fmt)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


# --- leaderboards --------------------------------------------------------------------

def claim(model: str, value: float, benchmark: str, at: int = 0, **fields: Any) -> dict[str, Any]:
    text = f"{value:g}"
    paper = "arXiv:2402.00001"
    return Claim(
        claim_id=make_claim_id(paper, at, at + len(text), text), source="data/a.txt",
        paper_id=paper, paper_index=0, char_start=at, char_end=at + len(text), span_start=at,
        span_end=at + len(text), value_text=text, kind="score", value=value, model=model,
        benchmark=benchmark, sentence=f"{model}: {text} on {benchmark}.", **fields,
    ).model_dump()


def boards(*rows: dict[str, Any]) -> pd.DataFrame:
    claims = pd.DataFrame.from_records(list(rows), columns=list(CLAIM_COLUMNS))
    return build_leaderboards(claims, lambda b, m: "lower" if m == "perplexity" else "higher")


BOARDS = [
    claim("Orca-Math", 86.81, "GSM8K", unit="%", benchmark_id="gsm8k"),
    claim("GPT-3.5", 57.1, "GSM8K", at=3, unit="%", benchmark_id="gsm8k"),
    claim("LLaMA-7B", 10.2, "WikiText-103", at=6, metric="perplexity"),
    claim("GPT-2", 17.5, "WikiText-103", at=9, metric="perplexity"),
    claim("Zephyr", 7.43, "MT-bench", at=12, metric="score", params=7e9),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_leaderboards(tmp_path: Path, fmt: Format) -> None:
    out = tmp_path / "out" / "leaderboards"
    files = write_leaderboards(boards(*BOARDS), out, fmt)
    assert [p.name for p in files] == [
        f"gsm8k__pct.{fmt}", f"mt-bench__score.{fmt}", f"wikitext-103__perplexity.{fmt}",
        f"index.{fmt}"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files)
    index = read_table(out / f"index.{fmt}", fmt)
    assert tuple(index.columns) == INDEX_COLUMNS
    assert index["best_model"].tolist() == ["Orca-Math", "Zephyr", "LLaMA-7B"]
    assert index["n_models"].tolist() == [2, 1, 2]
    assert index["file"].tolist() == [p.name for p in files[:-1]]
    wikitext = read_table(out / f"wikitext-103__perplexity.{fmt}", fmt)
    assert tuple(wikitext.columns) == LEADERBOARD_COLUMNS
    assert wikitext["model"].tolist() == ["LLaMA-7B", "GPT-2"]
    assert wikitext["rank"].tolist() == [1, 2]
    # no absolute paths, run ids or times in what was written
    for path in files:
        data = path.read_bytes()
        assert str(tmp_path).encode() not in data


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_leaderboards_is_byte_identical(tmp_path: Path, fmt: Format) -> None:
    first = write_leaderboards(boards(*BOARDS), tmp_path / "a", fmt)
    second = write_leaderboards(boards(*reversed(BOARDS)), tmp_path / "b", fmt)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_stale_boards_are_removed_but_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "boards"
    write_leaderboards(boards(*BOARDS), out, "csv")
    (out / "notes.txt").write_text("mine")
    (out / "mine.csv").write_text("x\n1\n")
    write_leaderboards(boards(*BOARDS[:2]), out, "jsonl")
    assert sorted(p.name for p in out.iterdir()) == [
        "gsm8k__pct.jsonl", "index.jsonl", "mine.csv", "notes.txt"]


def test_colliding_board_names_get_distinct_files(tmp_path: Path) -> None:
    rows = [claim("A", 1.0, "Bench", setting="x"), claim("B", 2.0, "Bench", at=3, metric="x"),
            claim("C", 3.0, "index", at=6)]
    files = write_leaderboards(boards(*rows), tmp_path, "csv")
    names = [p.name for p in files]
    assert len(set(names)) == 4 and names[-1] == "index.csv"
    assert all(n.startswith(("bench__x__", "index__")) for n in names[:-1])


def test_empty_leaderboards_write_an_empty_index(tmp_path: Path) -> None:
    files = write_leaderboards(boards(), tmp_path, "csv")
    assert files == [tmp_path / "index.csv"]
    assert (tmp_path / "index.csv").read_text() == ",".join(INDEX_COLUMNS) + "\n"


def test_store_to_export_end_to_end(tmp_path: Path) -> None:
    """Claims through the store give the same boards as the claims themselves."""
    from leaderboard.models import Paper, Sighting, SourcedPaper
    from leaderboard.store import Store

    abstract = "Orca-Math achieves 86.81% on GSM8K; GPT-3.5 gets 57.1%."
    paper = Paper.build(title="Orca", abstract=abstract, arxiv_id="2402.00001",
                        published=date(2024, 2, 1))
    sighting = Sighting(paper_id=paper.paper_id, source="data/a.txt",
                        source_format="plain-text", paper_index=0, abstract_start=0,
                        abstract_end=len(abstract))
    claims = [Claim.model_validate(c) for c in BOARDS[:2]]
    outputs = []
    for name in ("one", "two"):
        with Store.open(tmp_path / f"{name}.duckdb") as st:
            run = st.begin_run({"name": name})
            st.ingest_source("data/a.txt", "sha", "plain-text",
                             [SourcedPaper(paper=paper, sighting=sighting)], claims, run)
            st.finish_run(run, {}, "ok")
            frame = st.claims_frame()
        write_table(frame, tmp_path / f"{name}-claims.csv", "csv")
        board_files = write_leaderboards(
            build_leaderboards(frame, lambda b, m: "higher"), tmp_path / name, "csv")
        outputs.append([(tmp_path / f"{name}-claims.csv").read_bytes(),
                        *(p.read_bytes() for p in board_files)])
    assert outputs[0] == outputs[1]  # different runs, same bytes
    claims_csv = outputs[0][0].decode()
    assert claims_csv.splitlines()[0].split(",")[:3] == ["claim_id", "source", "paper_id"]
    assert "2024-02-01" in claims_csv and "86.81" in claims_csv
