"""Reproducible claim audits: small registered checks over the stored claims.

Each check is a function ``(ctx) -> Iterable[Finding]`` registered with
:func:`check`; :func:`run_checks` runs them all over an :class:`AuditContext` (built
from a store, frames, model objects or input files) and returns the findings in a
fixed order, so the same data always gives the same audit. ``python -m
leaderboard.audit PATH...`` prints the findings of input files as a table.
"""

from leaderboard.audit import checks as _checks  # noqa: F401 - registers the checks
from leaderboard.audit.findings import SEVERITIES, Finding, Severity, finding_id
from leaderboard.audit.registry import (
    INTERNAL_CHECK,
    AuditContext,
    check,
    list_checks,
    run_checks,
    unregister,
)

__all__ = [
    "INTERNAL_CHECK",
    "SEVERITIES",
    "AuditContext",
    "Finding",
    "Severity",
    "check",
    "finding_id",
    "list_checks",
    "run_checks",
    "unregister",
]
