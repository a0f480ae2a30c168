"""What crosses the process boundary to and from extraction workers.

Workers are sent papers as ``PaperText`` tuples and send claims back as ``ClaimRows``
(plain tuples), not as pydantic models: several times cheaper to pickle. Neither may
change a single claim, offset or output byte; these tests hold them to that.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import SAMPLES

from leaderboard.claimio import ClaimWriter
from leaderboard.extract import PaperText, claims_with_report
from leaderboard.models import CLAIM_COLUMNS, Claim, ClaimRows, SourcedPaper, claim_row, claim_rows
from leaderboard.sources import iter_input_paths, read_source
from leaderboard.stream import extract_batch

SOURCES = Path(__file__).parent / "data" / "sources"


@pytest.fixture(scope="module")
def papers() -> list[SourcedPaper]:
    """The sample corpus and the reader fixtures (JSON lines and Atom abstracts are not
    verbatim slices of their files: their offsets go through a map)."""
    fixtures = [SOURCES / name for name in ("snapshot.jsonl", "feed.atom.xml", "listing.txt")]
    return [item for path in iter_input_paths([str(SAMPLES), *map(str, fixtures)])
            if isinstance(path, str) for item in read_source(path)]


@pytest.fixture(scope="module")
def claims(papers: list[SourcedPaper]) -> list[Claim]:
    return [c for item in papers for c in claims_with_report(item)[0]]


def test_paper_text_gives_the_claims_of_the_sourced_paper(papers: list[SourcedPaper]) -> None:
    mapped = 0
    for item in papers:
        text = pickle.loads(pickle.dumps(PaperText.of(item)))
        assert claims_with_report(text) == claims_with_report(item)
        mapped += bool(item.sighting.offset_map)
    assert mapped  # some sample abstracts are not verbatim slices (escapes, wrapping)


def test_claim_rows_round_trip_through_pickle(claims: list[Claim]) -> None:
    assert len(claims) > 50
    rows = ClaimRows.of(claims)
    back = pickle.loads(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, ClaimRows)
    assert len(back) == len(claims)
    assert back == rows
    assert back == claims  # compared as claims
    assert list(back) == claims  # each rebuilt claim equals the validated one
    assert back[3] == claims[3]
    assert back[-2:] == claims[-2:]
    assert [c.model_dump() for c in back] == [c.model_dump() for c in claims]
    assert list(claim_rows(back)) == list(claim_rows(claims))
    assert len(pickle.dumps(rows)) < len(pickle.dumps(claims))


def test_a_row_holds_the_claim_in_column_order(claims: list[Claim]) -> None:
    claim = claims[0]
    assert claim_row(claim) == tuple(claim.model_dump()[c] for c in CLAIM_COLUMNS)


def test_extract_batch_sends_rows_that_equal_the_claims(papers: list[SourcedPaper],
                                                        claims: list[Claim]) -> None:
    done = extract_batch([PaperText.of(p) for p in papers])
    assert isinstance(done.claims, ClaimRows)
    assert done.error is None
    assert list(done.claims) == claims
    assert extract_batch(papers).claims == done.claims


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_the_writer_writes_rows_and_claims_alike(claims: list[Claim], tmp_path: Path,
                                                 suffix: str) -> None:
    out = []
    for name, batch in (("claims", claims), ("rows", ClaimRows.of(claims))):
        path = tmp_path / (name + suffix)
        with ClaimWriter(path, "csv" if suffix == ".csv" else "jsonl") as writer:
            writer.write_all(batch)
        out.append(path.read_bytes())
    assert out[0] == out[1]
    assert out[0].count(b"\n") >= len(claims)
