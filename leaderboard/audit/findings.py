"""What an audit reports: one :class:`Finding` per problem, with its evidence.

A finding names the claims it is about, the check that raised it, how bad it is, a
message a reader understands without the code (it names the numbers involved), the
sentence(s) the numbers were read from, and those numbers as data. Findings are frozen
and carry a stable id (:func:`finding_id`), so two audits of the same store give the
same rows and a reviewer's note on a finding survives a re-run.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]

#: Severities from worst to mildest (for sorting and summaries).
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


def finding_id(check: str, claim_ids: tuple[str, ...], message: str) -> str:
    """``f:`` and 16 hex digits of the check, claim ids and message: the same problem
    found again gets the same id, whatever the order or time of the run."""
    raw = "\x1f".join((check, "\x1e".join(claim_ids), message))
    return "f:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


class Finding(BaseModel):
    """One problem an audit check found in the stored claims or their sources."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claim_ids: tuple[str, ...] = Field(default=(), description="the claims involved")
    paper_id: str | None = Field(default=None, description="None when several papers")
    check: str = Field(min_length=1, description="name of the check that raised it")
    severity: Severity
    message: str = Field(min_length=1, description="plain words, naming the numbers")
    evidence: str = Field(default="", description="the sentence(s) the numbers come from")
    numbers: dict[str, float] = Field(default_factory=dict, description="numbers involved")

    @property
    def finding_id(self) -> str:
        """Stable id of this finding (see :func:`finding_id`)."""
        return finding_id(self.check, self.claim_ids, self.message)

    def sort_key(self) -> tuple[str, str, tuple[str, ...], str]:
        """Paper, check, claims, message: the order of every audit report."""
        return (self.paper_id or "", self.check, self.claim_ids, self.message)

    def to_row(self) -> dict[str, Any]:
        """The finding as a flat row with its id (the store's ``findings`` columns)."""
        return {
            "finding_id": self.finding_id,
            "check_name": self.check,
            "severity": self.severity,
            "paper_id": self.paper_id,
            "claim_ids": list(self.claim_ids),
            "message": self.message,
            "evidence": self.evidence,
            "numbers": dict(sorted(self.numbers.items())),
        }


__all__ = ["SEVERITIES", "Finding", "Severity", "finding_id"]
