"""``python -m leaderboard.audit PATH... [--check NAME]``: audit input files, print a table.

The files are read and extracted as ``leaderboard ingest`` would store them (one
paper per id, claims from its first sighting), every check is run, and each finding is
printed with its severity, check, paper and message, then the evidence; a count per
check closes the report. For reading findings on a corpus without building a store.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence

from leaderboard.audit import AuditContext, Finding, list_checks, run_checks


def _row(finding: Finding, width: int) -> str:
    head = f"[{finding.severity}] {finding.check}  {finding.paper_id or '(several papers)'}"
    body = textwrap.fill(finding.message, width, initial_indent="    ",
                         subsequent_indent="    ")
    evidence = textwrap.shorten(finding.evidence, width * 2, placeholder=" …")
    return f"{head}\n{body}\n    > {evidence}"


def render(findings: Sequence[Finding], width: int = 100) -> str:
    """Findings as a plain-text table, then the number of findings per check."""
    lines = [_row(f, width) for f in findings]
    counts = Counter(f.check for f in findings)
    names = [name for name, _ in list_checks()]
    extra = sorted(set(counts) - set(names))
    lines.append("")
    lines.append(f"{'check':<26} findings")
    lines.extend(f"{name:<26} {counts.get(name, 0)}" for name in (*names, *extra))
    lines.append(f"{'total':<26} {len(findings)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Audit the given files or folders; exit 1 when a file could not be read."""
    parser = argparse.ArgumentParser(prog="python -m leaderboard.audit",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="input files or folders")
    parser.add_argument("--check", action="append", dest="checks",
                        help="run only this check (repeatable)")
    args = parser.parse_args(argv)
    ctx = AuditContext.from_paths(args.paths)
    for source, reason in ctx.load_errors:
        print(f"error: {source}: {reason}", file=sys.stderr)
    findings = run_checks(ctx, set(args.checks) if args.checks else None)
    print(render(findings))
    return 1 if ctx.load_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
