"""Reproducible exports: a manifest beside every export, and ``verify`` re-deriving it.

A manifest records what an export was made from and with: the tool, extractor and
registry versions (with the registry files' sha256), the input files of the store (path
as given and sha256), the review decisions applied, the export options, and the sha256
of every file written. ``verify`` re-ingests the recorded inputs into a temporary store,
re-applies the decisions, re-exports with the same options and compares the bytes;
where files differ it reports the differing rows.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from leaderboard import __version__
from leaderboard.extract import EXTRACTOR_VERSION
from leaderboard.store import Store

MANIFEST_VERSION = 1


def manifest_path(output: Path) -> Path:
    """Where the manifest of an export goes: ``OUT.manifest.json`` beside a file or a
    folder of leaderboards."""
    return output.with_name(output.name + ".manifest.json")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def registry_versions() -> dict[str, dict[str, str]]:
    """Version and sha256 of each data file the extractor reads (registries, lexicon):
    recorded with every ingest run and export manifest."""
    from leaderboard.registry import load_benchmarks, load_models

    files = {"benchmarks": ("leaderboard.registry", "benchmarks.yaml", load_benchmarks().version),
             "models": ("leaderboard.registry", "models.yaml", load_models().version),
             "lexicon": ("leaderboard.extract", "lexicon.yaml", "")}
    out = {}
    for name, (package, filename, version) in files.items():
        data = resources.files(package).joinpath(filename).read_bytes()
        out[name] = {"version": version, "sha256": _sha256(data)}
    return out


def _outputs(output: Path) -> dict[str, str]:
    """sha256 of each file of an export (a file, or the files of a folder)."""
    if output.is_dir():
        return {p.name: _sha256(p.read_bytes()) for p in sorted(output.iterdir()) if p.is_file()}
    return {output.name: _sha256(output.read_bytes())}


def build_manifest(db_path: Path, what: str, output: Path, fmt: str,
                   benchmark: str | None) -> dict[str, Any]:
    """The manifest of an export just written to ``output`` from ``db_path``."""
    with Store.open(db_path, read_only=True) as store:
        sources = store.sources_frame()
        reviews = store.reviews_frame()
    inputs = [{"path": str(r.source), "sha256": str(r.sha256), "format": r.format}
              for r in sources.sort_values(["ingested_at", "sha256"]).itertuples()]
    decisions = [{"paper_id": r["paper_id"], "span_start": int(r["span_start"]),
                  "span_end": int(r["span_end"]), "value_text": r["value_text"],
                  "decision": r["decision"],
                  "field": r["field"] if isinstance(r["field"], str) else None,
                  "value": r["value"], "note": r["note"] if isinstance(r["note"], str) else None}
                 for r in reviews.to_dict("records")]
    return {
        "manifest_version": MANIFEST_VERSION, "tool_version": __version__,
        "extractor_version": EXTRACTOR_VERSION, "registries": registry_versions(),
        "export": {"what": what, "format": fmt, "benchmark": benchmark,
                   "output": output.name},
        "inputs": inputs, "reviews": decisions, "outputs": _outputs(output),
    }


def write_manifest(db_path: Path, what: str, output: Path, fmt: str,
                   benchmark: str | None) -> Path:
    path = manifest_path(output)
    manifest = build_manifest(db_path, what, output, fmt, benchmark)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


@dataclass
class VerifyReport:
    """What ``verify`` found: identical, or the files and rows that differ."""

    identical: bool = True
    problems: list[str] = field(default_factory=list)
    differing_rows: dict[str, list[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        if self.identical:
            return ["byte-identical: every output re-derived from the recorded inputs"]
        out = list(self.problems)
        for name, rows in self.differing_rows.items():
            out.append(f"{name}: {len(rows)} differing row(s)")
            out.extend(f"  {row}" for row in rows[:50])
        return out


def verify(manifest_file: Path) -> VerifyReport:
    """Re-run an export from its manifest's inputs and compare with the files on disk."""
    from leaderboard.ingest import ingest_paths
    from leaderboard.views import export_claims, export_leaderboards

    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    report = VerifyReport()
    base = manifest_file.parent
    output = base / manifest["export"]["output"]
    if manifest.get("tool_version") != __version__ or \
            manifest.get("extractor_version") != EXTRACTOR_VERSION:
        report.problems.append(
            f"versions differ: manifest tool {manifest.get('tool_version')} / extractor "
            f"{manifest.get('extractor_version')}, this is {__version__} / {EXTRACTOR_VERSION}")
    if manifest.get("registries") != registry_versions():
        report.problems.append("registry files differ from the ones the export used")
    for item in manifest["inputs"]:
        path = Path(item["path"])
        if not path.exists():
            report.problems.append(f"input {path} is missing")
        elif _sha256(path.read_bytes()) != item["sha256"]:
            report.problems.append(f"input {path} changed since the export (sha256 differs)")
    if report.problems:
        report.identical = False
        return report
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "verify.duckdb"
        ingest_paths(db, [i["path"] for i in manifest["inputs"]])
        _replay_reviews(db, manifest["reviews"])
        redo = Path(tmp) / "out" / output.name
        what, fmt, bench = (manifest["export"][k] for k in ("what", "format", "benchmark"))
        if what == "claims":
            export_claims(db, redo, fmt, bench)
        else:
            export_leaderboards(db, redo, fmt, bench)
        _compare(output, redo, manifest["outputs"], report)
    return report


def _replay_reviews(db: Path, decisions: list[dict[str, Any]]) -> None:
    with Store.open(db) as store:
        claims = store.claims_frame()
        for d in decisions:
            match = claims[(claims["paper_id"] == d["paper_id"])
                           & (claims["span_start"] == d["span_start"])
                           & (claims["span_end"] == d["span_end"])
                           & (claims["value_text"] == d["value_text"])]
            if not match.empty:
                store.add_review(str(match.iloc[0]["claim_id"]), d["decision"],
                                 field=d["field"], value=d["value"], note=d["note"])


def _compare(output: Path, redo: Path, recorded: dict[str, str], report: VerifyReport) -> None:
    current = {p.name: p for p in ([*sorted(output.iterdir())] if output.is_dir() else [output])
               if p.is_file()} if output.exists() else {}
    derived = {p.name: p for p in ([*sorted(redo.iterdir())] if redo.is_dir() else [redo])
               if p.is_file()}
    for name in sorted(set(recorded) | set(derived)):
        have, want = current.get(name), derived.get(name)
        if have is None or want is None:
            report.identical = False
            state = "missing on disk" if have is None else "not re-derived"
            report.problems.append(f"{name}: {state}")
            continue
        a, b = have.read_bytes(), want.read_bytes()
        if a != b or recorded.get(name) != _sha256(b):
            report.identical = False
            old, new = a.decode("utf-8", "replace").splitlines(), \
                b.decode("utf-8", "replace").splitlines()
            only_old = [f"- {row}" for row in old if row not in set(new)]
            only_new = [f"+ {row}" for row in new if row not in set(old)]
            report.differing_rows[name] = only_old + only_new
