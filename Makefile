# Two commands matter: `make demo` (install, ingest the sample corpus, write the CSV
# leaderboards, print a summary) and `make test` (install with dev extras, lint, type
# check, run the tests). Both work on a fresh clone with only Python 3.11+ installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
DB ?= data/leaderboard.duckdb
OUT ?= out

.PHONY: demo test lint typecheck unit bench bench-quick schemas clean install install-dev browser dashboard

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/leaderboard ingest data/samples --db $(DB)
	$(BIN)/leaderboard export leaderboards --db $(DB) --format csv -o $(OUT)/leaderboards
	$(BIN)/leaderboard export claims --db $(DB) --format csv -o $(OUT)/claims.csv
	$(BIN)/leaderboard stats --db $(DB) --leaderboards $(OUT)/leaderboards

lint: $(DEV_STAMP)
	$(BIN)/ruff check leaderboard tests benchmarks dashboards

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP) browser
	$(BIN)/pytest -q

# The dashboard's real-browser tests drive Debian's chromium through Playwright (its own
# browser download cannot reach the internet). Installed when missing and apt-get is
# usable (root, as in CI); otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq || echo "apt-get update failed: installing from the lists at hand" >&2; \
	     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	      >/dev/null || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "no chromium and no apt-get as root: browser tests will skip"; fi; }

test: lint typecheck unit

schemas: $(STAMP)
	$(BIN)/python -m leaderboard.schemas schemas

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(DEV_STAMP) $(STAMP)

# Benchmarks, not tests: they measure and report (benchmarks/RESULTS.md), never fail on
# speed. `bench` includes 1M synthetic abstracts (long); `bench-quick` uses 2k and 10k.
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_dashboard.py

bench-quick: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_scale.py --quick

dashboard: $(STAMP)
	$(BIN)/leaderboard dashboard --db $(DB)

clean:
	rm -rf $(OUT) $(DB) $(DB).wal .pytest_cache .mypy_cache .ruff_cache
