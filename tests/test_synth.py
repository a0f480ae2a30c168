"""The benchmark corpus generator (benchmarks/synth.py): deterministic, well-formed
arXiv snapshot lines that our readers accept and our extractor finds claims in.

The scale benchmarks are only comparable between runs and machines if the corpus is
the same bytes for the same seed, and only meaningful if it looks like real input."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from leaderboard.extract import extract_claims
from leaderboard.sources import detect_format, read_source

ROOT = Path(__file__).resolve().parent.parent
N = 200
SNAPSHOT_KEYS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi",
                 "report-no", "categories", "license", "abstract", "versions", "update_date",
                 "authors_parsed"]


def _load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


@pytest.fixture(scope="module")
def pool() -> object:
    return synth.build_pool()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, pool: object) -> Path:
    path = tmp_path_factory.mktemp("synth") / "corpus.jsonl"
    synth.write_corpus(path, N, seed=0, pool=pool)
    return path


def test_same_seed_gives_the_same_bytes(tmp_path: Path, corpus: Path, pool: object) -> None:
    again = tmp_path / "again.jsonl"
    synth.write_corpus(again, N, seed=0, pool=synth.build_pool())  # a fresh pool too
    assert again.read_bytes() == corpus.read_bytes()


def test_gzip_is_deterministic_and_holds_the_same_lines(tmp_path: Path, corpus: Path,
                                                        pool: object) -> None:
    a, b = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    synth.write_corpus(a, N, seed=0, pool=pool)
    synth.write_corpus(b, N, seed=0, pool=pool)
    assert a.read_bytes() == b.read_bytes()
    assert gzip.decompress(a.read_bytes()) == corpus.read_bytes()


def test_other_seed_differs_and_prefix_does_not_depend_on_n(pool: object) -> None:
    first = list(synth.iter_lines(20, seed=0, pool=pool))
    assert first != list(synth.iter_lines(20, seed=1, pool=pool))
    assert list(synth.iter_lines(5, seed=0, pool=pool)) == first[:5]


def test_lines_are_arxiv_snapshot_records(corpus: Path) -> None:
    lines = corpus.read_text(encoding="utf-8").splitlines()
    assert len(lines) == N
    ids = []
    for line in lines:
        record = json.loads(line)
        assert list(record) == SNAPSHOT_KEYS
        assert record["abstract"].startswith("  ") and record["abstract"].endswith("\n")
        assert record["versions"][0]["version"] == "v1"
        assert record["authors_parsed"] and all(len(a) == 3 for a in record["authors_parsed"])
        ids.append(record["id"])
    assert len(set(ids)) == N
    assert all(len(i) == 10 and i[4] == "." for i in ids)  # YYMM.NNNNN
    assert corpus.read_bytes().isascii()  # json.dumps escapes non-ASCII, as the snapshot does


def test_read_back_by_our_reader(corpus: Path) -> None:
    assert detect_format(str(corpus), corpus.read_text(encoding="utf-8")[:4096]) == \
        "arxiv-jsonl"
    papers = [item.paper for item in read_source(str(corpus))]
    assert len(papers) == N
    assert len({p.paper_id for p in papers}) == N
    assert len({p.abstract for p in papers}) == N  # not repeats


def test_extractor_finds_claims_in_most_abstracts(corpus: Path) -> None:
    papers = [item.paper for item in read_source(str(corpus))]
    counts = [len(extract_claims(p.abstract, p.title)) for p in papers]
    assert sum(1 for c in counts if c) > N // 2
    assert 1.0 <= sum(counts) / N <= 4.0  # real abstracts give about 1.5
