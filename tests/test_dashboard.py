"""The Streamlit dashboard (dashboards/app.py), driven through Streamlit's AppTest.

A store is built from data/samples/ by the real CLI; the page reads it through
$LEADERBOARD_DB (AppTest cannot pass ``-- --db``). Each view is driven like a user
would, and what it shows is checked against the library and the CLI's own files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import HOSTILE, cli
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from leaderboard.export import render_csv
from leaderboard.frontier import frontier_view
from leaderboard.views import scores_table

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
SAMPLES = ROOT / "data" / "samples"
CLI = Path(sys.executable).parent / "leaderboard"
TIMEOUT = 30
ORCA = "h:7fd7cdb4782849fd"  # Orca-Math: Unlocking the potential of SLMs in Grade School Math



@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Bytes given to st.download_button, by media file id (AppTest drops its media
    store after each run, so the bytes are recorded as they are added)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self: MemoryMediaFileStorage, path_or_data: str | bytes, mimetype: str,
               kind: Any, filename: str | None = None) -> str:
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            seen[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def data_of(button: Any, downloads: dict[str, bytes]) -> bytes:
    """The bytes behind a download button (its URL names the media file id)."""
    url = str(button.proto.url)
    assert url, "the download button has no data"
    return downloads[Path(url).stem]


@pytest.fixture
def app(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], AppTest]]:
    def start(view: str = "Frontier", db: Path = store) -> AppTest:
        monkeypatch.setenv("LEADERBOARD_DB", str(db))
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert not at.exception, at.exception
        if view != "Frontier":
            at.radio(key="view").set_value(view).run()
            assert not at.exception, at.exception
        return at

    yield start


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


# --- sidebar and empty stores ------------------------------------------------------------

def test_sidebar_shows_store_and_counts(app: Callable[..., AppTest], store: Path) -> None:
    at = ok(app())
    assert [c.value for c in at.sidebar.code] == [str(store)]
    metrics = {m.label: m.value for m in at.sidebar.metric}
    assert metrics["Papers"] == "157" and metrics["Claims"] == "234"
    assert int(metrics["Benchmarks"]) > 0
    run_text = at.sidebar.text[0].value
    assert "status: ok" in run_text and "id:" in run_text and "UTC" in run_text


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_missing_or_empty_store_is_a_message_not_a_traceback(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "none.duckdb"
    if kind == "empty":
        import duckdb

        duckdb.connect(str(db)).close()
    monkeypatch.setenv("LEADERBOARD_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.error and "cannot be read" in at.error[0].value
    assert "leaderboard ingest" in at.main.code[0].value
    assert ("does not exist" if kind == "missing" else "empty") in at.main.code[0].value


# --- frontier ------------------------------------------------------------------------------

def test_frontier_gsm8k_points_metric_switch_and_download(
        app: Callable[..., AppTest], store: Path, downloads: dict[str, bytes]) -> None:
    at = ok(app())
    bench = at.selectbox(key="frontier_benchmark")
    assert bench.options[0] == "GSM8k (5 claims)"  # most claims first, with its count
    ok(bench.select("gsm8k").run())
    board = at.selectbox(key="frontier_board:gsm8k")
    assert board.value == ("pass@1", "pass@1", "%", 2)
    points = at.main.dataframe[0].value
    assert sorted(points["value"]) == [81.5, 86.81]
    assert set(points["model"]) == {"Orca-Math"} and set(points["params_label"]) == {"7B"}
    chart = at.main.get("vega_lite_chart")
    assert len(chart) == 1
    spec = json.loads(chart[0].proto.spec)
    assert "claimed in abstracts" in json.dumps(spec["title"])
    assert any("claimed in the abstract" in c for c in captions(at))
    assert any(c.startswith("0 claims without a size") for c in captions(at))
    expected = frontier_view(scores_table(store), "gsm8k", "pass@1", "pass@1", "%",
                             direction="higher").points
    assert data_of(at.download_button(key="frontier_download"), downloads) == \
        render_csv(expected)

    # another metric of the same benchmark
    ok(board.select(("accuracy", None, "%", 1)).run())
    points = at.main.dataframe[0].value
    assert points["value"].tolist() == [86.81]
    expected = frontier_view(scores_table(store), "gsm8k", "accuracy", None, "%").points
    assert data_of(at.download_button(key="frontier_download"), downloads) == \
        render_csv(expected)

    # colour by organisation redraws the chart with that field
    ok(at.radio(key="frontier_color").set_value("organization").run())
    spec = json.loads(at.main.get("vega_lite_chart")[0].proto.spec)
    assert '"organization' in json.dumps(spec)


def test_frontier_lists_claims_without_a_size(app: Callable[..., AppTest]) -> None:
    at = ok(app())
    ok(at.selectbox(key="frontier_benchmark").select("alpacaeval-2").run())
    board = at.selectbox(key="frontier_board:alpacaeval-2").value
    assert board is not None and board[:3] == ("win rate", None, "%")
    points, unsized = at.main.dataframe[0].value, at.main.dataframe[1].value
    assert points["model"].tolist() == ["DNO", "DNO"]
    assert unsized["model"].tolist() == ["initializing model"]
    assert any(c.startswith("1 claim of this board has no parameter count")
               for c in captions(at))


def test_frontier_without_sizes_plots_nothing_and_says_so(
        app: Callable[..., AppTest], hostile_store: Path) -> None:
    at = ok(app(db=hostile_store))
    assert at.selectbox(key="frontier_benchmark").options == ["CIFAR-10 (1 claim)"]
    assert not at.main.get("vega_lite_chart") and not at.main.download_button
    assert any("nothing to plot" in i.value for i in at.main.info)
    assert at.main.dataframe[0].value["model"].tolist() == ["FooNet"]  # listed, unsized
    assert any(c.startswith("1 claim of this board has no parameter count")
               for c in captions(at))


def test_frontier_parameter_range_slider(app: Callable[..., AppTest], store: Path,
                                         downloads: dict[str, bytes]) -> None:
    at = ok(app())
    ok(at.selectbox(key="frontier_benchmark").select("mmlu").run())
    assert at.selectbox(key="frontier_board:mmlu").value == ("accuracy", None, "%", 2)
    slider = at.select_slider[0]
    assert slider.options == ["7B", "8B"] and slider.value == (7e9, 8e9)
    assert sorted(at.main.dataframe[0].value["model"]) == ["Llama 3 8B", "Mistral-7B-v0.3"]
    ok(slider.set_range(8e9, 8e9).run())
    assert at.main.dataframe[0].value["model"].tolist() == ["Llama 3 8B"]
    assert any("in the chosen range" in c for c in captions(at))
    expected = frontier_view(scores_table(store), "mmlu", "accuracy", None, "%",
                             params_range=(8e9, 8e9)).points
    data = data_of(at.download_button(key="frontier_download"), downloads)
    assert data == render_csv(expected)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["model"] for r in rows] == ["Llama 3 8B"]


# --- leaderboard ------------------------------------------------------------------------

def test_leaderboard_tables_and_downloads_match_the_cli_export(
        app: Callable[..., AppTest], store: Path, tmp_path: Path,
        downloads: dict[str, bytes]) -> None:
    at = ok(app("Leaderboard"))
    ok(at.selectbox(key="lb_benchmark").select("gsm8k").run())
    assert "--benchmark gsm8k --format csv" in at.main.code[0].value
    out = tmp_path / "boards"
    cli("export", "leaderboards", "--benchmark", "gsm8k", "--format", "csv", "-o", str(out),
        "--db", str(store))
    files = sorted(p.name for p in out.glob("*.csv") if p.name != "index.csv")
    assert files == ["gsm8k__accuracy__pct.csv", "gsm8k__pass-1__pass-1__pct.csv",
                     "gsm8k__score.csv"]
    buttons = {b.label.removeprefix("Download "): b for b in at.main.download_button}
    assert sorted(buttons) == files
    for name, button in buttons.items():
        assert data_of(button, downloads) == (out / name).read_bytes(), name
    tables = at.main.dataframe
    assert len(tables) == 3
    shown = {(t.value["metric"].iloc[0], t.value["model"].iloc[0], t.value["value"].iloc[0],
              int(t.value["rank"].iloc[0])) for t in tables}
    assert shown == {("accuracy", "Orca-Math", 86.81, 1), ("pass@1", "Orca-Math", 86.81, 1),
                     ("score", "Bone", 49.36, 1)}


# --- claims explorer ----------------------------------------------------------------------

def test_claims_explorer_filters_and_highlights_the_number(
        app: Callable[..., AppTest]) -> None:
    at = ok(app("Claims"))
    total = len(at.main.dataframe[0].value)
    assert total == 234
    ok(at.multiselect(key="claims_kind").set_value(["score"]).run())
    scores = at.main.dataframe[0].value
    assert 0 < len(scores) < total and set(scores["kind"]) == {"score"}
    ok(at.text_input(key="claims_model").input("orca-math").run())
    found = at.main.dataframe[0].value
    assert sorted(found["value"]) == [81.5, 86.81, 86.81]
    assert set(found["model"]) == {"Orca-Math"}
    ok(at.selectbox(key="claims_benchmark").select("gsm8k").run())
    ok(at.selectbox(key="claims_metric").select("pass@1").run())
    found = at.main.dataframe[0].value
    assert sorted(found["value"]) == [81.5, 86.81]
    pick = at.selectbox(key="claims_pick")
    target = found.loc[found["value"] == 86.81, "claim_id"].iloc[0]
    ok(pick.select(target).run())
    body = at.main.html[0].value
    assert body.count("<mark>") == 1 and "<mark>86.81%</mark>" in body
    assert "Orca-Math" in body
    ok(at.text_input(key="claims_title").input("no such title").run())
    assert at.main.dataframe[0].value.empty
    assert any(c.startswith("0 of 234 claims match") for c in captions(at))


def test_claims_explorer_date_range(app: Callable[..., AppTest]) -> None:
    at = ok(app("Claims"))
    first, last = cast("tuple[date, date]", at.date_input(key="claims_dates").value)
    assert first < last
    ok(at.checkbox(key="claims_undated").uncheck().run())
    dated = at.main.dataframe[0].value
    assert 0 < len(dated) < 234 and dated["published"].notna().all()
    ok(at.date_input(key="claims_dates").set_value((first, first)).run())
    same_day = at.main.dataframe[0].value
    assert 0 < len(same_day) <= len(dated)
    assert {d.date() for d in same_day["published"]} == {first}


def test_claims_explorer_escapes_abstract_text(app: Callable[..., AppTest],
                                               hostile_store: Path) -> None:
    at = ok(app("Claims", db=hostile_store))
    body = at.main.html[0].value
    assert "<mark>91.2%</mark>" in body
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in body
    assert "**bold** and [link](http://x)" in body and "&amp; inert" in body
    assert "<script" not in body and "<img" not in body
    assert "<script>" in at.main.dataframe[0].value["sentence"].iloc[0]  # as text


# --- paper view -----------------------------------------------------------------------------

def test_paper_view_shows_the_orca_math_paper(app: Callable[..., AppTest]) -> None:
    at = ok(app("Paper"))
    ok(at.text_input(key="paper_query").input("orca-math").run())
    pick = at.selectbox(key="paper_pick")
    assert len(pick.options) == 1 and ORCA in pick.options[0]
    ok(pick.select(ORCA).run())
    title, abstract = at.main.html[0].value, at.main.html[1].value
    assert "Orca-Math: Unlocking the potential of SLMs in Grade School Math" in title
    meta = at.main.dataframe[0].value
    assert dict(zip(meta["field"], meta["value"], strict=True))["paper id"] == ORCA
    sightings = at.main.dataframe[1].value
    assert len(sightings) >= 1 and sightings["source"].str.endswith(".txt").all()
    claims = at.main.dataframe[2].value
    assert len(claims) == 5
    assert claims["value_text"].tolist() == ["68.2", "81.5", "86.81%", "81.50%", "86.81%"]
    assert abstract.count("<mark>") == len(set(zip(claims["span_start"], claims["span_end"],
                                                     strict=True)))
    assert "<mark>86.81%</mark>" in abstract and "<mark>81.50%</mark>" in abstract


def test_paper_view_escapes_title_and_abstract(app: Callable[..., AppTest],
                                               hostile_store: Path) -> None:
    at = ok(app("Paper", db=hostile_store))
    title, abstract = at.main.html[0].value, at.main.html[1].value
    assert "FooNet &lt;script&gt;window.__pwned=1&lt;/script&gt; **bold** results" in title
    assert "<script" not in title + abstract and "<img" not in title + abstract
    assert "<mark>91.2%</mark>" in abstract


# --- a store that changes or is busy ---------------------------------------------------

def test_new_ingest_shows_without_restart(store: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "growing.duckdb"
    shutil.copyfile(store, db)
    monkeypatch.setenv("LEADERBOARD_DB", str(db))
    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert "CIFAR-10 (1 claim)" in at.selectbox(key="frontier_benchmark").options
    source = tmp_path / "more.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    cli("ingest", str(source), "--db", str(db))
    ok(at.run())  # the same session, the next interaction
    assert {m.label: m.value for m in at.sidebar.metric}["Papers"] == "158"
    assert "CIFAR-10 (2 claims)" in at.selectbox(key="frontier_benchmark").options


def test_busy_store_warns_instead_of_failing(store: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copyfile(store, db)
    monkeypatch.setenv("LEADERBOARD_DB", str(db))
    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    holder = subprocess.Popen(  # another process holding the write lock, as an ingest does
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        at.run()
        assert not at.exception
        assert any("busy" in w.value for w in at.sidebar.warning)
        assert {m.label: m.value for m in at.sidebar.metric}["Claims"] == "234"
        fresh = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert not fresh.exception
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_review_decision_shows_without_restart(store: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "reviewed.duckdb"
    shutil.copyfile(store, db)
    monkeypatch.setenv("LEADERBOARD_DB", str(db))
    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    ok(at.radio(key="view").set_value("Claims").run())
    ok(at.text_input(key="claims_model").input("orca-math").run())
    before = at.main.dataframe[0].value
    rejected = before.loc[before["value_text"] == "81.50%", "claim_id"].iloc[0]
    cli("review", rejected, "--reject", "--note", "test", "--db", str(db))
    ok(at.run())
    after = at.main.dataframe[0].value
    assert len(after) == len(before) - 1 and rejected not in set(after["claim_id"])
    assert any("1 review decision applied" in c.value for c in at.sidebar.caption)


def test_audit_view_lists_stored_findings(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """After `leaderboard audit`, the Audit view lists the findings with a download."""
    import subprocess

    db = tmp_path / "audited.duckdb"
    cli = Path(sys.executable).parent / "leaderboard"
    assert subprocess.run([str(cli), "ingest", str(ROOT / "data" / "samples"), "--db", str(db)],
                          capture_output=True, timeout=300).returncode == 0
    assert subprocess.run([str(cli), "audit", "--db", str(db), "--format", "csv", "-o",
                           str(tmp_path / "f.csv")], capture_output=True,
                          timeout=300).returncode == 0
    monkeypatch.setenv("LEADERBOARD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=60)
    at.run()
    at.radio(key="view").set_value("Audit").run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "message" in d.value.columns]
    assert any("63.5%" in m and "61.5%" in m for m in table["message"])
