"""The dashboard in a real browser: `streamlit run` as a subprocess, Chromium through
Playwright. Checks that the frontier chart and the leaderboard tables render with the
sample data (screenshots go to tests/artifacts/), and that hostile text from an
abstract (script tags, an onerror image, Markdown) is shown as text and never runs.

Skipped, saying why, only when Playwright or a Chromium binary is not available.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
SAMPLES = ROOT / "data" / "samples"
ARTIFACTS = ROOT / "tests" / "artifacts"
BIN = Path(sys.executable).parent
CLI = BIN / "leaderboard"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
CHART = ".vega-embed canvas, .vega-embed svg.marks"


sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium binary (looked for `chromium` on PATH and {CHROMIUM})",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(db: Path, log: Path) -> Iterator[str]:
    """`streamlit run dashboards/app.py -- --db DB` on a free port until the block ends."""
    port = free_port()
    command = [str(BIN / "streamlit"), "run", str(APP), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--", "--db", str(db)]
    env = {**os.environ, "LEADERBOARD_DB": str(db)}
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with {proc.returncode}:\n"
                                + log.read_text(errors="replace"))
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200 and r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("streamlit did not answer /_stcore/health within 60 s:\n"
                                + log.read_text(errors="replace"))
                time.sleep(0.25)
            yield url + "/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@contextmanager
def browser_page() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.errors = errors
            yield page
        finally:
            browser.close()


def choose_view(page: Any, name: str) -> None:
    """Click one of the page's view radio buttons (Frontier, Leaderboard, ...)."""
    page.locator('[data-testid="stRadio"] label').filter(
        has_text=re.compile(rf"^\s*{name}\s*$")).first.click()


def settle(page: Any) -> None:
    """Wait until Streamlit has finished the rerun a click started."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def combo_value(page: Any, label: str) -> str:
    """The option a Streamlit selectbox shows (it lives in an input's value)."""
    return str(page.get_by_role("combobox", name=label).input_value())


def no_error_boxes(page: Any) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.inner_text("body")
    assert not page.errors, page.errors


def test_frontier_and_leaderboard_render(store: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve(store, tmp_path / "streamlit.log") as url, browser_page() as page:
        page.goto(url)
        page.wait_for_selector(CHART, state="visible", timeout=60_000)
        settle(page)
        body = page.inner_text("body")
        assert combo_value(page, "Benchmark (type to search)") == "GSM8k (5 claims)"
        assert "claimed in the abstract" in body
        assert "Sized claims (points)" in body and "Claims without a size" in body
        chart = page.locator(".vega-embed").first.bounding_box()
        assert chart is not None and chart["width"] > 400 and chart["height"] > 250
        assert page.locator('[data-testid="stDataFrame"]').count() >= 1
        assert page.get_by_text("Download these points (CSV)").count() == 1
        no_error_boxes(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard-frontier.png"), full_page=True)

        choose_view(page, "Leaderboard")
        page.get_by_text(re.compile(r"^Download \S+\.csv$")).first.wait_for(timeout=30_000)
        settle(page)
        page.wait_for_selector('[data-testid="stDataFrame"]', state="visible")
        body = page.inner_text("body")
        assert "ranked row" in combo_value(page, "Benchmark (type to search)")
        assert "leaderboard export leaderboards --benchmark" in body
        assert page.locator(CHART).count() == 0  # the frontier is gone
        tables = page.locator('[data-testid="stDataFrame"]')
        downloads = page.locator('[data-testid="stDownloadButton"]')
        assert tables.count() >= 1 and tables.count() == downloads.count()
        box = tables.first.bounding_box()
        assert box is not None and box["height"] > 60
        assert re.search(r"Download \S+\.csv", body)
        no_error_boxes(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard-leaderboard.png"), full_page=True)


def test_hostile_abstract_text_is_shown_as_text(hostile_store: Path, tmp_path: Path) -> None:
    with serve(hostile_store, tmp_path / "streamlit.log") as url, browser_page() as page:
        page.goto(url)
        page.get_by_text("Claims without a size", exact=True).wait_for(timeout=60_000)
        assert combo_value(page, "Benchmark (type to search)") == "CIFAR-10 (1 claim)"
        for view, marker in (("Paper", "Abstract"), ("Claims", "Evidence")):
            choose_view(page, view)
            page.get_by_text(marker, exact=True).first.wait_for(timeout=30_000)
            settle(page)
            assert page.evaluate("typeof window.__pwned") == "undefined", view
            body = page.inner_text("body")
            assert "<script>window.__pwned=1</script>" in body, view
            assert '<img src=x onerror="window.__pwned=2">' in body, view
            assert "**bold** and [link](http://x)" in body, view
            assert page.locator('a[href="http://x"]').count() == 0, view
            assert page.locator("img[src=x]").count() == 0, view
            marks = page.locator(".lb-text mark")
            assert "91.2%" in marks.all_inner_texts(), view
            no_error_boxes(page)
        page.screenshot(path=str(tmp_path / "hostile-claims.png"), full_page=True)
