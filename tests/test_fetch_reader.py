"""The reader of Hugging Face daily-papers API responses (``hf-daily-json``): exact
offsets through JSON escapes, metadata, detection, and broken input."""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path

import pytest

from leaderboard.models import SourcedPaper
from leaderboard.pipeline import process_file
from leaderboard.sources import SourceError, SourceWarning, detect_format, read_source, read_text

FIXTURES = Path(__file__).resolve().parent / "data" / "fetch" / "hf"
DAY = str(FIXTURES / "2024-01-22.json")
PRETTY = str(FIXTURES / "2024-01-24.json")


def papers(path: str, fmt: str | None = None) -> list[SourcedPaper]:
    return list(read_source(path, fmt))  # type: ignore[arg-type]


def assert_offsets_map(text: str, item: SourcedPaper) -> int:
    """Every abstract character maps into the file: verbatim ones to themselves, escaped
    ones to a JSON escape that decodes to them. Returns the number of escaped ones."""
    abstract, s = item.paper.abstract, item.sighting
    offsets = [s.source_offset(i) for i in range(len(abstract))]
    assert offsets[0] == s.abstract_start
    assert all(a < b for a, b in itertools.pairwise(offsets))
    assert offsets[-1] < s.abstract_end <= len(text)
    escaped = 0
    for i, char in enumerate(abstract):
        if text[offsets[i]] == char:
            continue
        escaped += 1
        following = offsets[i + 1] if i + 1 < len(abstract) else s.abstract_end
        assert json.loads('"' + text[offsets[i] : following] + '"') == char, (i, char)
    return escaped


def test_abstracts_keep_exact_offsets_through_escapes() -> None:
    text = read_text(DAY)
    found = papers(DAY)
    data = json.loads(text)
    assert [p.sighting.source_format for p in found] == ["hf-daily-json"] * 3
    assert [p.sighting.paper_index for p in found] == [0, 1, 2]
    escaped = [assert_offsets_map(text, item) for item in found]
    assert escaped == [4, 4, 0]
    for item, entry in zip(found, data, strict=True):
        assert item.paper.abstract == entry["paper"]["summary"].strip()
    assert "\u2014" in found[0].paper.abstract and "\u00b10.2" in found[1].paper.abstract
    assert not found[1].paper.abstract.startswith(" ")  # stripped, offsets moved with it
    last = found[2].sighting
    assert last.offset_map == ()  # no escapes: a verbatim slice
    assert text[last.abstract_start : last.abstract_end] == found[2].paper.abstract


def test_metadata() -> None:
    first, second, _ = papers(DAY)
    assert first.paper.paper_id == "arXiv:2401.11001" and first.paper.arxiv_id == "2401.11001"
    assert first.paper.title == "OrcaMath-7B: Grade-School Math at Small Scale"
    assert first.paper.authors == ("Ada Lovelace", "Alan Turing")
    assert first.paper.authors_count == 2
    assert first.paper.organization == "ACME AI Research"
    assert first.paper.upvotes == 42 and str(first.paper.published) == "2024-01-19"
    assert second.paper.title == 'Caf\u00e9Bench: Measuring "Helpfulness" in Chat Assistants'
    assert second.paper.authors == ("Grace Hopper", "Kurt G\u00f6del")
    assert second.paper.organization is None


def test_item_summary_when_the_paper_has_none_and_items_without_abstract() -> None:
    found = papers(PRETTY)
    assert [p.paper.arxiv_id for p in found] == ["2401.11001", "2401.13004"]
    speech = found[1]
    assert speech.paper.abstract.startswith("SpeechLM-1B lowers word error rate")
    text = read_text(PRETTY)
    s = speech.sighting
    assert text[s.abstract_start : s.abstract_end] == speech.paper.abstract
    assert speech.paper.authors == () and speech.paper.upvotes == 3


def test_claims_point_at_their_characters_in_the_file() -> None:
    result = process_file(DAY)
    assert result.ok and result.fmt == "hf-daily-json" and len(result.claims) >= 8
    text = read_text(DAY)
    for claim in result.claims:
        held = text[claim.char_start : claim.char_end]
        assert held == claim.value_text or json.loads(f'"{held}"') == claim.value_text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('[{"paper": {"id": "1", "summary": "x"}, "title": "t"}]', "hf-daily-json"),
        ('[\n  {\n    "paper": {\n      "id": "2401.1", "title": "T", "summary": "a very long',
         "hf-daily-json"),
        ('[{"title": "t", "paper": {"id": "1"}}, {"paper": {"summary": "s"}}]',
         "hf-daily-json"),
    ],
)
def test_detection(head: str, expected: str) -> None:
    assert detect_format("day.json", head) == expected


def test_detection_leaves_other_json_alone(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text('[{"abstract": "x"}]', encoding="utf-8")
    with pytest.raises(SourceError, match="not JSON lines"):
        papers(str(path))
    assert detect_format("x.jsonl", '{"id": "1", "abstract": "x"}\n') == "arxiv-jsonl"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "no papers found (read as hf-daily-json)"),
        ('[{"paper": {"summary": "   "}}, 3, "x"]', "no papers found"),
        ('{"error": "Invalid date"}', "not a JSON array"),
        ('[{"paper": {"summary": "ok"}} {"paper": {}}]', "item 1: invalid JSON"),
        ('[{"paper": {"summary": "ok"}},\n {"paper": {"summary": "x",}}]',
         "item 2: invalid JSON (Expecting property name enclosed in double quotes: line 2"),
        ('[{"paper": {"summary": "ok"}}] trailing', "extra data after the JSON array"),
        ('[' * 100_000 + ']' * 100_000, "invalid JSON (nested too deeply)"),
    ],
)
def test_broken_responses(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "day.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        papers(str(path), "hf-daily-json")
    assert reason in info.value.reason and info.value.path == str(path)


def test_a_cut_download_keeps_the_whole_items(tmp_path: Path) -> None:
    text = Path(DAY).read_text(encoding="utf-8")
    cut = text[: text.index('"2401.11003"')]
    path = tmp_path / "cut.json"
    path.write_text(cut, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SourceWarning)
        found = papers(str(path))
    assert [p.paper.arxiv_id for p in found] == ["2401.11001", "2401.11002"]
    (warning,) = [w.message for w in caught]
    assert isinstance(warning, SourceWarning) and "cut in item 3" in warning.reason


def test_duplicate_members_last_wins_as_in_json(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('[{"paper": {"summary": "first 1.0", "summary": "second 2.0"}}]',
                    encoding="utf-8")
    (item,) = papers(str(path), "hf-daily-json")
    text = read_text(str(path))
    s = item.sighting
    assert item.paper.abstract == "second 2.0" == text[s.abstract_start : s.abstract_end]


def test_audit_reads_json_escapes_in_hf_daily_sources(tmp_path: Path) -> None:
    import subprocess
    import sys

    cli = Path(sys.executable).parent / "leaderboard"
    day = tmp_path / "day.json"
    day.write_text('[{"paper": {"id": "2401.19999", "title": "X", "summary": "Our model runs '
                   '2.5\\u00d7 faster and reaches 81.2% on MMLU."}}]', encoding="utf-8")
    db = str(tmp_path / "lb.duckdb")
    subprocess.run([str(cli), "ingest", str(day), "--db", db], check=True, capture_output=True)
    findings = tmp_path / "findings.jsonl"
    subprocess.run([str(cli), "audit", "--db", db, "--check", "provenance-span", "--format",
                    "jsonl", "-o", str(findings)], check=True, capture_output=True)
    assert findings.read_text(encoding="utf-8").strip() == ""
