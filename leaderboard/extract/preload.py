"""Imported by the worker pool's fork server (``stream.LocalMapper``), never by hand.

Why: building the benchmark and model registries (validating the YAML, compiling
their name patterns) takes about half a second of CPU per process. The fork server
builds them once, on this import; every worker is forked from it and starts with them
built, sharing the pages, instead of each building its own.
"""

from __future__ import annotations

import contextlib

from leaderboard.extract import extract_claims

# A registry that fails to build is left for the worker that needs it: the worker's
# own warm-up raises the error there, where the run reports it.
with contextlib.suppress(Exception):
    extract_claims("warm-up: 1.0% on MMLU.")
