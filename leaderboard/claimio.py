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
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from leaderboard.cells import clean_float, csv_cell
from leaderboard.models import CLAIM_COLUMNS, Claim, ClaimRow, claim_row, claim_rows

ClaimFormat = Literal["jsonl", "csv"]


def claim_format_for(path: Path) -> ClaimFormat:
    """``.csv`` gives CSV; anything else (``.jsonl``, ``.json``, ``-``) JSON lines."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


class ClaimWriter:
    """Context manager writing claims to a file atomically (temp file, then rename),
    or to standard output for ``-``.

    Input files are framed by :meth:`begin_file` and :meth:`end_file`: the rows of a
    file that fails part-way are taken back (the output is truncated to where the
    file began; on standard output a file's rows are held in a spool until it ends),
    so the output holds whole input files only, in constant memory.
    """

    def __init__(self, path: Path, fmt: ClaimFormat) -> None:
        self.path = path
        self.fmt = fmt
        self._fh: IO[str] | None = None
        self._tmp: str | None = None
        self._csv: csv.writer | None = None  # type: ignore[valid-type]
        self._out: IO[str] | None = None  # where whole files go (the temp file or stdout)
        self._mark: int | None = None

    def __enter__(self) -> ClaimWriter:
        if str(self.path) == "-":
            self._fh = sys.stdout
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._out = self._fh
        if self.fmt == "csv":
            csv.writer(self._out, lineterminator="\n").writerow(CLAIM_COLUMNS)
        self._bind(self._out)
        return self

    def _bind(self, fh: IO[str]) -> None:
        self._fh = fh
        self._csv = csv.writer(fh, lineterminator="\n") if self.fmt == "csv" else None

    def begin_file(self) -> None:
        """Start the rows of one input file (see :meth:`end_file`)."""
        assert self._out is not None
        if self._out is sys.stdout:
            spool = tempfile.SpooledTemporaryFile(8 << 20, mode="w+", encoding="utf-8",  # noqa: SIM115
                                                  newline="")  # closed by end_file
            self._bind(spool)
        else:
            self._out.flush()
            self._mark = self._out.tell()

    def end_file(self, keep: bool) -> None:
        """End one input file's rows: keep them, or take them all back."""
        assert self._out is not None and self._fh is not None
        if self._out is sys.stdout:
            spool = self._fh
            if keep:
                spool.seek(0)
                for block in iter(lambda: spool.read(1 << 16), ""):
                    self._out.write(block)
            spool.close()
            self._bind(self._out)
        elif not keep and self._mark is not None:
            self._out.flush()
            self._out.seek(self._mark)
            self._out.truncate()
        self._mark = None

    def write(self, claim: Claim) -> None:
        self.write_row(claim_row(claim))

    def write_row(self, values: ClaimRow) -> None:
        """One claim given as its values in ``CLAIM_COLUMNS`` order."""
        assert self._fh is not None
        if self._csv is not None:
            self._csv.writerow([csv_cell(v) for v in values])
        else:
            record = {c: clean_float(v) if isinstance(v, float) else v
                      for c, v in zip(CLAIM_COLUMNS, values, strict=True)}
            self._fh.write(json.dumps(record, ensure_ascii=False))
            self._fh.write("\n")

    def write_all(self, claims: Sequence[Claim]) -> None:
        for values in claim_rows(claims):
            self.write_row(values)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._out is None or self._out is sys.stdout:
            if self._fh is not None and self._fh is not self._out:
                self._fh.close()  # a spool left open by an error
            if self._out is not None:
                self._out.flush()
            return
        self._out.close()
        assert self._tmp is not None
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)
