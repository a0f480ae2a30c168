"""Streaming writers for claim rows (``leaderboard extract``): JSON lines or CSV.

Rows are written as they are produced, in input order, with the columns of
:data:`~leaderboard.models.CLAIM_COLUMNS`; numbers keep Python's shortest round-trip
form, so the same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from leaderboard.export import clean_float, csv_cell
from leaderboard.models import CLAIM_COLUMNS, Claim

ClaimFormat = Literal["jsonl", "csv"]


def claim_format_for(path: Path) -> ClaimFormat:
    """``.csv`` gives CSV; anything else (``.jsonl``, ``.json``, ``-``) JSON lines."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


class ClaimWriter:
    """Context manager writing claims to a file atomically (temp file, then rename),
    or to standard output for ``-``."""

    def __init__(self, path: Path, fmt: ClaimFormat) -> None:
        self.path = path
        self.fmt = fmt
        self._fh: IO[str] | None = None
        self._tmp: str | None = None
        self._csv: csv.writer | None = None  # type: ignore[valid-type]

    def __enter__(self) -> ClaimWriter:
        if str(self.path) == "-":
            self._fh = sys.stdout
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        if self.fmt == "csv":
            self._csv = csv.writer(self._fh, lineterminator="\n")
            self._csv.writerow(CLAIM_COLUMNS)
        return self

    def write(self, claim: Claim) -> None:
        assert self._fh is not None
        row = claim.model_dump()
        if self._csv is not None:
            self._csv.writerow([csv_cell(row[c]) for c in CLAIM_COLUMNS])
        else:
            record = {c: clean_float(v) if isinstance(v, float) else v
                      for c in CLAIM_COLUMNS for v in (row[c],)}
            self._fh.write(json.dumps(record, ensure_ascii=False))
            self._fh.write("\n")

    def write_all(self, claims: Iterable[Claim]) -> None:
        for claim in claims:
            self.write(claim)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fh is None or self._fh is sys.stdout:
            if self._fh is not None:
                self._fh.flush()
            return
        self._fh.close()
        assert self._tmp is not None
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)
