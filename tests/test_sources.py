"""Readers: paper counts, metadata, offsets, format detection and errors."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import sys
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, get_args
from xml.parsers import expat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaderboard.models import SourcedPaper, SourceFormat
from leaderboard.sources import (
    FORMATS,
    SourceError,
    SourceWarning,
    detect_format,
    iter_input_paths,
    read_source,
    read_text,
)
from leaderboard.sources import jsonl as jsonl_reader
from leaderboard.sources.decode import decode_bytes
from leaderboard.sources.offsets import map_json_string, map_xml_content, strip_mapped

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "data" / "sources"

SAMPLE_001 = str(SAMPLES / "001_a9bd78264e3986ca.txt")
SAMPLE_002 = str(SAMPLES / "002_612b79de60c6a0e8.txt")
SAMPLE_003 = str(SAMPLES / "003_5b6b1415f84db99a.txt")
JSONL = str(FIXTURES / "snapshot.jsonl")
ATOM = str(FIXTURES / "feed.atom.xml")
LISTING = str(FIXTURES / "listing.txt")
PLAIN_CRLF = str(FIXTURES / "plain_crlf.txt")
DAILY_CUT = str(FIXTURES / "daily_truncated.txt")

VERBATIM_FILES = [SAMPLE_001, SAMPLE_002, SAMPLE_003, LISTING, PLAIN_CRLF, DAILY_CUT]
MAPPED_FILES = [JSONL, ATOM]


def papers(path: str, fmt: SourceFormat | None = None) -> list[SourcedPaper]:
    return list(read_source(path, fmt))


# --- counts and formats ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt", "count"),
    [
        (SAMPLE_001, "daily-papers", 81),
        (SAMPLE_002, "daily-papers", 69),
        (SAMPLE_003, "arxiv-listing", 9),
        (JSONL, "arxiv-jsonl", 3),
        (ATOM, "arxiv-atom", 2),
        (LISTING, "arxiv-listing", 3),
        (PLAIN_CRLF, "plain-text", 3),
        (DAILY_CUT, "daily-papers", 1),
    ],
)
def test_counts_formats_and_indexes(path: str, fmt: str, count: int) -> None:
    found = papers(path)
    assert len(found) == count
    assert {p.sighting.source_format for p in found} == {fmt}
    assert [p.sighting.paper_index for p in found] == list(range(count))
    assert all(p.sighting.source == path for p in found)
    assert all(p.paper.abstract.strip() == p.paper.abstract != "" for p in found)
    assert all(p.sighting.paper_id == p.paper.paper_id for p in found)


def test_daily_papers_titles_are_all_found() -> None:
    for path in (SAMPLE_001, SAMPLE_002):
        found = papers(path)
        assert all(p.paper.title for p in found)
    first = papers(SAMPLE_001)
    assert first[0].paper.title == "PUMA: Secure Inference of LLaMA-7B in Five Minutes"
    assert first[-1].paper.title == 'Can Mamba Always Enjoy the "Free Lunch"?'
    assert first[0].paper.authors_count is None  # 001 has no metadata lines


@pytest.mark.parametrize(
    ("index", "title_start", "authors_count", "organization", "published", "upvotes"),
    [
        (0, "PRefLexOR: Preference-based", 1, None, date(2024, 10, 16), None),
        (1, "Transformer-Based Models Are Not Yet Perfect", 6, None, date(2024, 1, 23), 2),
        (4, "Mixture-of-Recursions", 11, None, None, 1),  # "Jul 14 1": no year
        (5, "Rethinking Optimization and Architecture", 10, None, date(2024, 2, 5), 1),
        (7, "EmbBERT-Q: Breaking Memory Barriers", 5, None, None, None),  # "Feb 14"
        (9, "Pretraining with hierarchical memories", None, "Apple", None, 2),
        (37, "MiniCPM4: Ultra-Efficient LLMs", None, "OpenBMB", None, 5),
        (41, "Efficient Parallel Samplers", None, None, None, None),  # no metadata lines
        (64, "Orca-Math: Unlocking", 4, None, date(2024, 2, 16), 3),
        (68, "Frustratingly Simple Retrieval", 5, None, None, None),  # last: "Jul 1"
    ],
)
def test_daily_papers_metadata(
    index: int, title_start: str, authors_count: int | None, organization: str | None,
    published: date | None, upvotes: int | None,
) -> None:
    paper = papers(SAMPLE_002)[index].paper
    assert paper.title is not None and paper.title.startswith(title_start)
    assert paper.authors_count == authors_count
    assert paper.organization == organization
    assert paper.published == published
    assert paper.upvotes == upvotes
    assert paper.authors == ()


def test_orca_math_has_the_same_id_in_both_dumps() -> None:
    def orca(path: str) -> SourcedPaper:
        (hit,) = [p for p in papers(path) if (p.paper.title or "").startswith("Orca-Math")]
        return hit

    one, two = orca(SAMPLE_001), orca(SAMPLE_002)
    assert one.paper.paper_id == two.paper.paper_id
    assert one.paper.paper_id.startswith("h:")
    assert one.sighting.paper_index == 34 and two.sighting.paper_index == 64


# --- offsets -----------------------------------------------------------------------


@pytest.mark.parametrize("path", VERBATIM_FILES)
def test_verbatim_offsets(path: str) -> None:
    text = read_text(path)
    for item in papers(path):
        s = item.sighting
        assert s.offset_map == ()
        assert text[s.abstract_start : s.abstract_end] == item.paper.abstract
        assert s.source_offset(5) == s.abstract_start + 5


def _json_unescape(raw: str) -> str:
    return str(json.loads('"' + raw + '"'))


def _xml_unescape(raw: str) -> str:
    parser = expat.ParserCreate()
    out: list[str] = []
    parser.CharacterDataHandler = out.append
    parser.Parse("<r>" + raw + "</r>", True)
    return "".join(out)


def assert_offsets_map(text: str, item: SourcedPaper, unescape: Callable[[str], str]) -> int:
    """Every character maps into the file: verbatim ones to themselves, escaped ones to
    an escape that decodes to them. Returns the number of escaped characters."""
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
        assert unescape(text[offsets[i] : following]) == char, (i, char)
    return escaped


def test_json_lines_offsets_and_text() -> None:
    text = read_text(JSONL)
    lines = text.splitlines()
    found = papers(JSONL)
    escaped = [assert_offsets_map(text, item, _json_unescape) for item in found]
    assert escaped[0] > 5 and escaped[1] > 2 and escaped[2] == 0
    for item, line in zip(found, lines, strict=True):
        obj = json.loads(line)
        assert item.paper.abstract == obj["abstract"].strip()  # not re-normalised
        assert "\n" in obj["abstract"].strip() or item is found[2]
    assert found[2].sighting.offset_map == ()  # no escapes: a verbatim slice
    s = found[2].sighting
    assert text[s.abstract_start : s.abstract_end] == found[2].paper.abstract


def test_atom_offsets_and_text() -> None:
    text = read_text(ATOM)
    found = papers(ATOM)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = [e.findtext("a:summary", namespaces=ns) or ""
                 for e in ET.parse(ATOM).getroot().findall("a:entry", ns)]
    for item, summary in zip(found, summaries, strict=True):
        assert item.paper.abstract == summary.strip()
        assert assert_offsets_map(text, item, _xml_unescape) > 0
    assert "&" in found[0].paper.abstract and "<=" in found[0].paper.abstract
    assert "Café" in found[0].paper.abstract and "≈" in found[0].paper.abstract
    assert "\n" in found[0].paper.abstract  # whitespace kept as decoded


@pytest.mark.parametrize(
    "raw",
    [
        r"plain",
        r"  lead and trail \n",
        r"quote \" backslash \\ slash \/ tab \t cr \r",
        r"\u00e9t\u00E9 caf\u00e9",
        r"emoji \ud83d\ude00 end",
        r"\n\n\u0041",
        r"mixed é raw and \u00e9 escaped",
    ],
)
def test_json_string_mapper(raw: str) -> None:
    text = '{"abstract": "' + raw + '"}'
    base = text.index('"' + raw) + 1
    mapped = map_json_string(raw, base)
    assert mapped.text == json.loads(text)["abstract"]
    span = strip_mapped(mapped)
    assert span is not None and span.text == mapped.text.strip()
    # the reader's path: json.loads decodes, the scanner only works out the offsets
    given = map_json_string(raw, base, json.loads(text)["abstract"])
    assert (given.text, given.points, given.produced, given.length) == (
        mapped.text, mapped.points, mapped.produced, mapped.length)
    for i, char in enumerate(mapped.text):  # every character maps to its own source
        at = mapped.source_at(i)
        assert text[at] == char or text[at] == "\\"


@pytest.mark.parametrize(("raw", "decoded"), [
    ("plain", "plane"),
    (r"one \n two", "one two"),  # an escape is one character: 8 decoded, 7 given
])
def test_json_string_mapper_refuses_text_of_another_length(raw: str, decoded: str) -> None:
    with pytest.raises(ValueError):
        map_json_string(raw, 0, decoded)


@pytest.mark.parametrize(
    "raw",
    [
        "plain text",
        "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;",
        "&#233;&#x2248;&#65; refs",
        "<![CDATA[x < y & z]]> after",
        "crlf\r\nline and lone\rcr",
        "comment<!-- skip -->ed and <b>bold</b> child",
    ],
)
def test_xml_content_mapper(raw: str) -> None:
    mapped = map_xml_content(raw, 0)
    assert mapped.text == _xml_unescape(raw)
    for i, char in enumerate(mapped.text):
        offset = mapped.source_at(i)
        assert raw[offset] == char or raw[offset] in "&\r"


# --- metadata ----------------------------------------------------------------------


def test_json_lines_metadata() -> None:
    first, old, plain = (p.paper for p in papers(JSONL))
    assert first.paper_id == "arXiv:2401.12345" and first.arxiv_id == "2401.12345"
    assert first.title == "Scaling Laws for Tiny Models"  # whitespace collapsed
    assert first.authors == ("Alice Smith", "Bob Jones", "Chloé Martin")
    assert first.authors_count == 3
    assert first.published == date(2024, 1, 22)  # v1 creation date
    assert first.categories == ("cs.CL", "cs.LG")
    assert old.arxiv_id == "hep-th/9901001" and old.paper_id == "arXiv:hep-th/9901001"
    assert old.abstract.startswith("Résumé") and "3.2±0.1" in old.abstract
    assert plain.published is None and plain.authors == ("Zoë Ünal",)


def test_atom_metadata() -> None:
    first, second = (p.paper for p in papers(ATOM))
    assert first.arxiv_id == "2401.54321"  # version suffix dropped
    assert first.title == "Retrieval & Reasoning: A Study of <Small> Models"
    assert first.authors == ("Alice Smith", "Bob Jones")
    assert first.published == date(2024, 1, 22)
    assert first.categories == ("cs.CL", "cs.IR")
    assert second.arxiv_id == "cond-mat/0102536"
    assert second.categories == ("cond-mat.mes-hall",)
    assert second.abstract.startswith("Raw <b>CDATA</b> text & more")


def test_listing_metadata() -> None:
    first, second, third = (p.paper for p in papers(LISTING))
    assert first.arxiv_id == "2402.00001"
    assert first.title == "A Listing Title That Wraps Onto a Second Line"
    assert first.authors == ("Alice Smith", "Bob Jones", "Carol White")
    assert first.categories == ("cs.CL", "cs.LG")
    assert first.abstract.endswith("fewer parameters than the baseline.")  # continuation
    assert "\n  and reaches" in first.abstract  # verbatim slice
    assert second.arxiv_id == "2402.00002"
    assert second.authors == ("Dan Brown", "Eve Black")
    assert second.published == date(2024, 2, 5)
    assert second.categories == ("cs.CV",)  # a Subjects line after its abstract
    assert third.arxiv_id is None and third.title == "Third Paper Without An Id"
    assert third.paper_id.startswith("h:")


def test_listing_continuation_lines(tmp_path: Path) -> None:
    path = tmp_path / "listing.txt"
    path.write_text(
        "arXiv:2401.00001\nTitle: T\nAbstract:\n  indented start of the abstract\n"
        "  continues.\nSubmitted 3 January, 2024; originally announced January 2024.\n\n"
        "Title: Second\nAuthors: X Y\nAbstract: first line\nsecond unindented line, 5% gain.\n"
        "Comments: 3 pages\nJournal ref: Something 2024\n"
    )
    first, second = papers(str(path))
    assert first.paper.abstract == "indented start of the abstract\n  continues."
    assert first.paper.published == date(2024, 1, 3)
    assert second.paper.abstract == "first line\nsecond unindented line, 5% gain."
    assert second.paper.arxiv_id is None and second.paper.authors == ("X Y",)


def test_plain_text_crlf_paragraphs() -> None:
    assert b"\r\n" in Path(PLAIN_CRLF).read_bytes()
    found = papers(PLAIN_CRLF)
    assert all(p.paper.title is None for p in found)  # a short first line is no title
    assert found[1].paper.abstract.startswith("Short line\r\nfollowed")
    assert found[2].paper.abstract.startswith("Third paragraph")


def test_plain_text_alternating_titles(tmp_path: Path) -> None:
    abstract = "We study things and find that the method reaches 81.5% on the test set. " * 3
    path = tmp_path / "alt.txt"
    path.write_text(f"First Title\n\n{abstract}\nwrapped.\n\nSecond Title\n\n{abstract}\nmore.\n")
    found = papers(str(path))
    assert detect_format(str(path), path.read_text()) == "plain-text"
    assert [p.paper.title for p in found] == ["First Title", "Second Title"]


# --- truncation --------------------------------------------------------------------


def test_truncated_daily_dump_fixture() -> None:
    (only,) = papers(DAILY_CUT)
    assert only.paper.title == "First Complete Paper"
    assert only.paper.authors_count == 3 and only.paper.upvotes == 12


@pytest.mark.parametrize("marker", ["\n\nMoM: Linear Sequence", "MoM: Linear Sequence Modeling"])
def test_daily_dump_cut_after_a_title(tmp_path: Path, marker: str) -> None:
    text = read_text(SAMPLE_002)
    cut = text[: text.index(marker) + len(marker)]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8", newline="")
    with pytest.warns(SourceWarning, match="no abstract"):  # the cut is reported
        found = papers(str(path))
    assert len(found) == 67
    assert all(p.paper.abstract for p in found)
    assert found[-1].paper.title is not None and found[-1].paper.title.startswith("The Imitation")


def test_daily_dump_cut_mid_abstract(tmp_path: Path) -> None:
    text = read_text(SAMPLE_001)
    path = tmp_path / "cut.txt"
    path.write_text(text[: len(text) - 500], encoding="utf-8", newline="")
    found = papers(str(path))
    full = papers(SAMPLE_001)[-1].paper.abstract
    assert len(found) == 81
    assert full.startswith(found[-1].paper.abstract) and len(found[-1].paper.abstract) < len(full)


def test_json_lines_cut_last_line_is_skipped_but_bad_middle_line_fails(tmp_path: Path) -> None:
    content = Path(JSONL).read_text(encoding="utf-8")
    cut = tmp_path / "cut.jsonl"
    cut.write_text(content + content.splitlines()[0][:200], encoding="utf-8")
    with pytest.warns(SourceWarning, match="line 4: cut mid-object"):
        assert len(papers(str(cut))) == 3
    bad = tmp_path / "bad.jsonl"
    lines = content.splitlines()
    bad.write_text("\n".join([lines[0], '{"abstract": "x",', lines[1]]) + "\n")
    with pytest.raises(SourceError, match="line 2: invalid JSON"):
        papers(str(bad))


def test_json_lines_unusual_spellings(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"\\u0061bstract" : "  Escaped member name: 1.5\\u00d7 faster.\\n",'
        ' "id": "2401.00001v2"}\n'
        '{ "title": "nested", "meta": {"abstract": "inner"}, "abstract": "Outer one." }\n'
        '["not", "an", "object"]\n{"id": "no abstract"}\n',
        encoding="utf-8",
    )
    first, second = papers(str(path))
    text = read_text(str(path))
    assert first.paper.abstract == "Escaped member name: 1.5\u00d7 faster."
    assert first.paper.arxiv_id == "2401.00001"
    assert assert_offsets_map(text, first, _json_unescape) == 1
    assert second.paper.abstract == "Outer one."
    s = second.sighting
    assert text[s.abstract_start : s.abstract_end] == "Outer one."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_json_lines_with_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(Path(JSONL).read_text(encoding="utf-8").encode(encoding))
    text = read_text(str(path))
    found = papers(str(path))
    assert [p.paper for p in found] == [p.paper for p in papers(JSONL)]
    for item in found:
        assert_offsets_map(text, item, _json_unescape)


def test_json_lines_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"abstract": "ok"}\n{"abstract": "caf\xe9"}\n')
    with pytest.raises(SourceError, match="line 2: not valid UTF-8"):
        papers(str(path))


# --- gzip, stdin, decoding ---------------------------------------------------------


def test_gzipped_json_lines_read_like_plain(tmp_path: Path) -> None:
    gz = tmp_path / "arxiv-metadata-oai-snapshot.json.gz"
    gz.write_bytes(gzip.compress(Path(JSONL).read_bytes()))
    plain, zipped = papers(JSONL), papers(str(gz))
    assert [p.paper for p in zipped] == [p.paper for p in plain]
    assert [p.sighting.offset_map for p in zipped] == [p.sighting.offset_map for p in plain]
    assert read_text(str(gz)) == read_text(JSONL)
    # detected by magic bytes, whatever the name
    odd = tmp_path / "snapshot.data"
    odd.write_bytes(gz.read_bytes())
    assert len(papers(str(odd))) == 3


def test_corrupt_gzip_is_a_source_error(tmp_path: Path) -> None:
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress(Path(JSONL).read_bytes() * 50)[:300])
    with pytest.raises(SourceError, match="gzip"):
        papers(str(gz))


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = Path(LISTING).read_bytes()
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    found = papers("-")
    assert len(found) == 3 and all(p.sighting.source == "-" for p in found)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfabc", "abc"),  # UTF-8 BOM stripped
        ("h\u00e9llo".encode("utf-16"), "h\u00e9llo"),  # UTF-16 with BOM
        ("h\u00e9llo".encode(), "h\u00e9llo"),
        (b"caf\xe9 \x93quoted\x94 \x81", "caf\u00e9 \u201cquoted\u201d \x81"),  # cp1252
        (b"a\r\nb", "a\r\nb"),  # no newline translation
    ],
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


def test_bom_offsets_are_after_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + Path(LISTING).read_bytes())
    text = read_text(str(path))
    assert not text.startswith("\ufeff")
    for item in papers(str(path)):
        s = item.sighting
        assert text[s.abstract_start : s.abstract_end] == item.paper.abstract


def test_utf16_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Caf\u00e9 results reach 90.1% on the task.\n\nSecond one.\n".encode("utf-16"))
    found = papers(str(path))
    text = read_text(str(path))
    assert found[0].paper.abstract.startswith("Caf\u00e9")
    s = found[1].sighting
    assert text[s.abstract_start : s.abstract_end] == "Second one."


# --- detection and errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "arxiv-atom"),
        ('{"id": "1", "abstract": "x"}\n', "arxiv-jsonl"),
        ('{"id": "1", "abstract": "a very long first line cut by the sniffer', "arxiv-jsonl"),
        ("Abstract:Some text.\nAbstract:More.\n", "arxiv-listing"),
        ("Title: T\nAuthors: A, B\n", "arxiv-listing"),
        ("A title\n\nabstract\n\n  • 3 authors\n·\nMar 4, 2024 12\n", "daily-papers"),
        ("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n", "daily-papers"),
        ("Title one\n\n" + "x " * 200 + "\n\nTitle two\n\n" + "y " * 200 + "\n", "daily-papers"),
        ("One abstract.\nWrapped line.\n\nAnother abstract.\n", "plain-text"),
    ],
)
def test_detect_format(head: str, expected: str) -> None:
    assert detect_format("input.txt", head) == expected


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("page.html", b"<!DOCTYPE html>\n<html><body>hi</body></html>", "HTML page"),
        ("page.txt", b"  <html lang='en'><head></head></html>", "HTML page"),
        ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "binary file (PDF)"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG"),
        ("data.bin", b"abc\x00def", "binary file"),
        ("feed.xml", b"<?xml version='1.0'?><rss><channel/></rss>", "not an Atom feed"),
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\r\n\t\n", "whitespace only"),
        ("meta.jsonl", b'{"id": "1", "title": "no abstract"}\n', "abstract"),
        ("array.json", b'[{"abstract": "x"}]', "not JSON lines"),
        ("empty_feed.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "no papers"),
        ("rules.txt", b"----\n\n====\n", "no papers"),
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><summary>&a;</summary>'
            b"</entry></feed>",
            "entity declarations",
        ),
    ],
)
def test_unsupported_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        papers(str(path))
    assert info.value.path == str(path)
    assert reason in info.value.reason
    assert str(info.value) == f"{path}: {info.value.reason}"


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(SourceError, match="no such file"):
        read_source(missing)
    with pytest.raises(SourceError, match="unknown format"):
        read_source(LISTING, "pdf")  # type: ignore[arg-type]
    with pytest.raises(SourceError, match="is a directory"):
        read_source(str(tmp_path))


def test_format_override() -> None:
    found = papers(LISTING, "plain-text")
    assert {p.sighting.source_format for p in found} == {"plain-text"}


def test_read_source_is_lazy() -> None:
    it: Any = read_source(SAMPLE_001)
    assert iter(it) is it
    first = next(it)
    assert first.sighting.paper_index == 0
    it.close()


def test_iter_input_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "b" / "a.txt").write_text("a")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("c")
    (tmp_path / "empty").mkdir()
    missing = str(tmp_path / "missing.txt")
    out = list(iter_input_paths([str(tmp_path), "-", missing, LISTING]))
    assert out[:5] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "a.txt"),
        str(tmp_path / "b" / "z.txt"),
        "-",
        out[4],
    ]
    error = out[4]
    assert isinstance(error, SourceError) and error.path == missing
    assert "no such file" in error.reason
    assert out[5:] == [LISTING]


def test_iter_input_paths_reports_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (item,) = iter_input_paths([str(tmp_path / "empty")])
    assert isinstance(item, SourceError) and "no files" in item.reason


def test_formats_and_error() -> None:
    assert get_args(SourceFormat) == FORMATS
    err = SourceError("x.txt", "broken")
    assert (err.path, err.reason, str(err)) == ("x.txt", "broken", "x.txt: broken")


_MEMBER_PIECES = ['"abstract"', '"abstract', 'abstract"', "{", ",", ":", '"', " ", "\t", "\n",
                  "\r", "\\", "x", '\\"', "é", '"abstract" :', ', "abstract": "']


@given(st.lists(st.sampled_from(_MEMBER_PIECES), max_size=30))
@settings(max_examples=3000, deadline=None)
def test_abstract_members_found_as_the_member_regex_finds_them(pieces: list[str]) -> None:
    """The ``str.find`` scan for "abstract" members gives exactly the regex's matches,
    in any arrangement of the characters that regex reads (valid JSON or not)."""
    line = "".join(pieces)
    expected = [m.end() for m in jsonl_reader._ABSTRACT_MEMBER.finditer(line)]
    assert list(jsonl_reader._abstract_values(line)) == expected


def test_abstract_members_in_real_shapes() -> None:
    nested = '{"meta": {"abstract": "inner"}, "title": "t,", "abstract" :\t"outer"}'
    assert [nested[i:i + 5] for i in jsonl_reader._abstract_values(nested)] == [
        "inner", "outer"]
    quoted = json.dumps({"title": 'says ,"abstract": "no"', "abstract": "yes"})
    assert [quoted[i:i + 3] for i in jsonl_reader._abstract_values(quoted)] == ["yes"]
