"""Audit checks: for each check, abstracts that must trigger it and abstracts that must
not; the registry's ordering, determinism and error handling; the sample corpus."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from leaderboard.audit import (
    INTERNAL_CHECK,
    AuditContext,
    Finding,
    check,
    finding_id,
    list_checks,
    run_checks,
    unregister,
)
from leaderboard.audit.__main__ import main as audit_main
from leaderboard.audit.checks import claims_best, half_unit, stated, written
from leaderboard.audit.registry import ClaimRow
from leaderboard.extract import claims_for
from leaderboard.models import Claim, Paper, Sighting, SourcedPaper, make_claim_id
from leaderboard.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "data" / "sources"

CHECKS = ("provenance-span", "provenance-sha256", "arithmetic-improvement",
          "arithmetic-outperforms", "arithmetic-ratio", "range-percent", "conflict-values",
          "conflict-sightings", "size-consistency", "frontier-claims")

STREAMING_QA = (
    "We introduce GenerativeAdapter, an adaptation method. In StreamingQA, our approach is "
    "effective in injecting knowledge into the LM's parameters, achieving a 63.5% "
    "improvement in F1 score over the model with supervised fine-tuning (from 19.5 to "
    "31.5) for contexts as long as 32K tokens.")


# --- building contexts ----------------------------------------------------------------


class Corpus:
    """Papers held in memory as if each were a one-paper plain-text file."""

    def __init__(self) -> None:
        self.papers: list[Paper] = []
        self.claims: list[Claim] = []
        self.sightings: list[Sighting] = []
        self.files: dict[str, str] = {}

    def add(self, abstract: str, title: str = "A paper", *, extract: bool = True,
            **metadata: Any) -> Paper:
        """A paper (its claims extracted unless ``extract`` is False)."""
        paper = Paper.build(title=title, abstract=abstract, **metadata)
        source = f"mem/{len(self.papers):03d}.txt"
        sighting = Sighting(paper_id=paper.paper_id, source=source, source_format="plain-text",
                            paper_index=0, abstract_start=0, abstract_end=len(abstract))
        self.papers.append(paper)
        self.sightings.append(sighting)
        self.files[source] = abstract
        if extract:
            self.claims.extend(claims_for(SourcedPaper(paper=paper, sighting=sighting)))
        return paper

    def claim(self, paper: Paper, value_text: str, kind: str = "score",
              occurrence: int = 0, **fields: Any) -> Claim:
        """A hand-made claim on the ``occurrence``-th ``value_text`` of ``paper``."""
        starts = [m.start() for m in re.finditer(re.escape(value_text), paper.abstract)]
        start = starts[occurrence]
        end = start + len(value_text)
        sentence = next(s for s in _sentences(paper.abstract)
                        if s[0] <= start < s[1])
        number = float(re.sub(r"[^\d.]", "", value_text.split("-")[-1]))
        source = next(s.source for s in self.sightings if s.paper_id == paper.paper_id)
        made = Claim(
            claim_id=make_claim_id(paper.paper_id, start, end, value_text), source=source,
            paper_id=paper.paper_id, paper_index=0, paper_title=paper.title,
            char_start=start, char_end=end, span_start=start, span_end=end,
            value_text=value_text, kind=kind,
            value=fields.pop("value", number),
            sentence=paper.abstract[sentence[0]:sentence[1]], **fields)
        self.claims.append(made)
        return made

    def context(self, **options: Any) -> AuditContext:
        options.setdefault("read_source", self.files.get)
        options.setdefault("sha256_of", lambda p: f"sha:{p}" if p in self.files else None)
        return AuditContext.from_claims(self.claims, self.papers, self.sightings, **options)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z])", text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def found(ctx: AuditContext, name: str) -> list[Finding]:
    return run_checks(ctx, {name})


def one(abstract: str, name: str, title: str = "A paper") -> list[Finding]:
    corpus = Corpus()
    corpus.add(abstract, title)
    return found(corpus.context(), name)


# --- findings and the registry ----------------------------------------------------------


def test_every_check_is_registered_with_a_description() -> None:
    listed = dict(list_checks())
    assert set(CHECKS) <= set(listed)
    assert all(listed[name].strip() for name in CHECKS)


def test_finding_id_is_stable_and_depends_on_check_claims_and_message() -> None:
    f = Finding(claim_ids=("c:1", "c:2"), paper_id="p", check="x", severity="info",
                message="m", evidence="e", numbers={"a": 1.0})
    assert f.finding_id == finding_id("x", ("c:1", "c:2"), "m")
    assert f.finding_id.startswith("f:") and len(f.finding_id) == 18
    assert finding_id("x", ("c:1",), "m") != finding_id("x", ("c:1", "c:2"), "m")
    assert f.to_row()["check_name"] == "x" and f.to_row()["finding_id"] == f.finding_id


def test_run_checks_is_deterministic_and_sorted() -> None:
    corpus = Corpus()
    corpus.add(STREAMING_QA)
    corpus.add("We present BarNet. BarNet reaches 112% accuracy on GSM8K.")
    first = run_checks(corpus.context())
    second = run_checks(corpus.context())
    assert first == second and first
    assert first == sorted(first, key=Finding.sort_key)


def test_an_exception_in_a_check_becomes_an_internal_finding() -> None:
    @check("test-explodes", description="raises, for the test")
    def explodes(ctx: AuditContext) -> Iterable[Finding]:
        raise RuntimeError("boom")

    try:
        corpus = Corpus()
        corpus.add(STREAMING_QA)
        findings = run_checks(corpus.context())
    finally:
        unregister("test-explodes")
    internal = [f for f in findings if f.check == INTERNAL_CHECK]
    assert len(internal) == 1
    assert internal[0].severity == "error"
    assert "test-explodes" in internal[0].message and "boom" in internal[0].message
    assert any(f.check == "arithmetic-improvement" for f in findings)  # the rest still ran


def test_only_runs_the_named_checks_and_refuses_unknown_names() -> None:
    corpus = Corpus()
    corpus.add(STREAMING_QA)
    ctx = corpus.context()
    assert {f.check for f in run_checks(ctx, {"range-percent"})} <= {"range-percent"}
    with pytest.raises(ValueError, match="no-such-check"):
        run_checks(ctx, {"no-such-check"})


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        check("range-percent", description="again")(lambda ctx: [])


def test_written_precision_and_qualifiers() -> None:
    assert half_unit("19.5") == pytest.approx(0.05)
    assert half_unit("33%") == 0.5
    assert half_unit("1.67") == pytest.approx(0.005)
    assert half_unit("twice") == 0.0
    corpus = Corpus()
    paper = corpus.add("We present X. X is up to 7.5% better and a 2% - 3% drop.", extract=False)
    row = ClaimRow.from_record(
        corpus.claim(paper, "7.5%", "delta", qualifier="up to").model_dump())
    assert stated(row).hi == pytest.approx(7.55) and stated(row).lo == float("-inf")
    ranged = ClaimRow.from_record(
        corpus.claim(paper, "2% - 3%", "delta", value=3.0, value_low=2.0).model_dump())
    assert written(ranged).lo == pytest.approx(1.5) and written(ranged).hi == pytest.approx(3.5)


# --- provenance ---------------------------------------------------------------------------


def test_provenance_span_flags_a_claim_whose_span_holds_other_text() -> None:
    corpus = Corpus()
    paper = corpus.add("We present X. X reaches 71.2% accuracy on MMLU.", extract=False)
    good = corpus.claim(paper, "71.2%")
    corpus.claims.append(good.model_copy(update={
        "claim_id": "c:moved", "span_start": good.span_start + 1,
        "span_end": good.span_end + 1, "char_start": good.char_start + 1,
        "char_end": good.char_end + 1}))
    findings = found(corpus.context(), "provenance-span")
    assert [f.claim_ids for f in findings] == [("c:moved",)] * 2  # abstract and source
    assert all(f.severity == "error" and "71.2%" in f.message for f in findings)


def test_provenance_span_passes_on_correct_claims() -> None:
    corpus = Corpus()
    corpus.add(STREAMING_QA)
    assert found(corpus.context(), "provenance-span") == []


@pytest.fixture
def copied_sources(tmp_path: Path) -> Path:
    for name in ("snapshot.jsonl", "plain_crlf.txt", "feed.atom.xml", "listing.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def test_provenance_checks_pass_on_unchanged_files(copied_sources: Path) -> None:
    ctx = AuditContext.from_paths([str(copied_sources)])
    assert ctx.rows, "the fixtures hold claims"
    assert found(ctx, "provenance-span") == []
    assert found(ctx, "provenance-sha256") == []


def test_provenance_flags_edited_files_in_verbatim_and_json_sources(
        copied_sources: Path) -> None:
    ctx = AuditContext.from_paths([str(copied_sources)])
    for name, old, new in (("snapshot.jsonl", "71.2%", "79.2%"),
                           ("snapshot.jsonl", "2\\u00d7", "3\\u00d7"),
                           ("plain_crlf.txt", "93.4%", "98.4%")):
        path = copied_sources / name
        data = path.read_bytes()
        assert old.encode() in data
        path.write_bytes(data.replace(old.encode(), new.encode()))
    spans = found(ctx, "provenance-span")
    assert sorted(re.findall(r"not the claimed value '([^']+)'", " ".join(
        f.message for f in spans))) == ["2×", "71.2%", "93.4%"]
    changed = found(ctx, "provenance-sha256")
    assert len(changed) == 2
    assert all(f.severity == "warning" and "file changed since ingest" in f.message
               for f in changed)


def test_provenance_sha256_reports_a_missing_file_as_info(copied_sources: Path) -> None:
    ctx = AuditContext.from_paths([str(copied_sources)])
    (copied_sources / "plain_crlf.txt").unlink()
    findings = found(ctx, "provenance-sha256")
    assert [f.severity for f in findings] == ["info"]
    assert "plain_crlf.txt" in findings[0].message
    assert found(ctx, "provenance-span") == []  # unreadable: nothing to compare


# --- arithmetic ---------------------------------------------------------------------------


def test_improvement_flags_the_streamingqa_arithmetic() -> None:
    findings = one(STREAMING_QA, "arithmetic-improvement")
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "warning"
    assert "63.5" in f.message and "61.5" in f.message and "12.0" in f.message
    assert f.message == ("stated improvement 63.5% does not match 19.5 → 31.5: relative "
                         "gain is 61.5%, absolute gain is 12.0 points")
    assert f.numbers["relative"] == pytest.approx(61.538, abs=1e-3)
    assert len(f.claim_ids) == 3 and "19.5 to 31.5" in f.evidence


@pytest.mark.parametrize("abstract", [
    "We present FooNet. On GSM8K, FooNet achieves an absolute gain of 26% (7% to 33%) "
    "over the initializing model.",
    # relative 23.78% with 0.572 and 0.708 as written: 23.6% is within their rounding
    "We present FooNet. On average, FooNet improves the performance of a 2B model by "
    "23.6%, increasing its score from 0.572 to 0.708.",
    "We present FooNet. FooNet improves F1 by 61.5% (from 19.5 to 31.5) on StreamingQA.",
    "We present FooNet. FooNet improves F1 by 12.0 points (from 19.5 to 31.5) on StreamingQA.",
    "We present FooNet. With less than 3% accuracy degradation compared to the full "
    "precision model (69.48 vs. 72.41), FooNet is fast.",
])
def test_improvement_accepts_consistent_arithmetic(abstract: str) -> None:
    assert one(abstract, "arithmetic-improvement") == []


def test_improvement_flags_absolute_vs_relative_confusion() -> None:
    findings = one("We present FooNet. On GSM8K, FooNet yields a 6.6 percentage point "
                   "improvement in accuracy (from 50.0 to 53.3) over the baseline.",
                   "arithmetic-improvement")
    assert len(findings) == 1
    assert "absolute vs relative confusion" in findings[0].message
    assert "6.6" in findings[0].message and "3.3" in findings[0].message


def test_improvement_pairs_each_delta_with_its_own_pair() -> None:
    # 1.67 goes with (69.48 vs. 67.81), not with the memory pair that follows.
    abstract = ("We present FooNet. This INT2 quantized 70B model obtains a 1.67 accuracy "
                "gain over the Llama-2-13B model (69.48 vs. 67.81) while requiring less "
                "memory (19.2GB vs. 24.2GB).")
    assert one(abstract, "arithmetic-improvement") == []


@pytest.mark.parametrize(("margin", "flagged"), [("7.1%", False), ("6.7%", False),
                                                 ("9.5%", True)])
def test_improvement_reads_vs_with_either_number_as_reference(margin: str,
                                                              flagged: bool) -> None:
    # "(70% vs. 75%)" does not say which is the reference: 5/70 = 7.1%, 5/75 = 6.7%.
    findings = one(f"We present FooNet. FooNet improves accuracy by {margin} (70% vs. 75%) "
                   "on GSM8K.", "arithmetic-improvement")
    assert bool(findings) is flagged


def _cheaper(text: str, between: str | None, direction: str | None) -> list[Finding]:
    corpus = Corpus()
    paper = corpus.add(text, extract=False)
    corpus.claim(paper, "25%", "delta", unit="%", model="FooNet", direction=direction)
    if between:
        corpus.claim(paper, between, "ratio", unit="x", model="FooNet", metric="speed")
    for value in ("60%", "70%"):
        corpus.claim(paper, value, unit="%", model="FooNet", metric="accuracy")
    return found(corpus.context(), "arithmetic-improvement")


def test_improvement_reads_an_adjacent_delta_as_describing_the_pair() -> None:
    # Nothing tells this 25% apart from a gain of the pair: it is checked (and fails).
    assert _cheaper("We present FooNet. FooNet is 25% better and goes from 60% to 70% "
                    "accuracy.", None, None)


def test_improvement_does_not_pair_across_another_number_or_direction() -> None:
    assert _cheaper("We present FooNet. FooNet is 25% cheaper, 2x faster and goes from "
                    "60% to 70% accuracy.", "2x", None) == []
    assert _cheaper("We present FooNet. FooNet is 25% cheaper and goes from 60% to 70% "
                    "accuracy.", None, "decrease") == []


def _outperforms_corpus(margin: str) -> Corpus:
    corpus = Corpus()
    paper = corpus.add(
        "We present FooNet. FooNet achieves 80.5% accuracy on GSM8K, while Llama-2-7B "
        f"achieves 70.1%. FooNet outperforms Llama-2-7B by {margin} on GSM8K.", extract=False)
    common: dict[str, Any] = {"benchmark": "GSM8K", "benchmark_id": "gsm8k", "metric": "accuracy"}
    corpus.claim(paper, "80.5%", unit="%", model="FooNet", role="proposed", **common)
    corpus.claim(paper, "70.1%", unit="%", model="Llama-2-7B", role="baseline", **common)
    corpus.claim(paper, margin, "delta", unit="%", model="FooNet", baseline="Llama-2-7B",
                 direction="increase", delta_type="unspecified", **common)
    return corpus


def test_outperforms_flags_a_margin_neither_scores_support() -> None:
    findings = found(_outperforms_corpus("5.0%").context(), "arithmetic-outperforms")
    assert len(findings) == 1
    message = findings[0].message
    assert "5.0%" in message and "80.5%" in message and "70.1%" in message
    assert "10.4" in message and "14.8" in message


@pytest.mark.parametrize("margin", ["10.4%", "14.8%", "15%"])
def test_outperforms_accepts_the_difference_or_the_relative_gain(margin: str) -> None:
    assert found(_outperforms_corpus(margin).context(), "arithmetic-outperforms") == []


def test_outperforms_needs_the_baseline_score() -> None:
    corpus = Corpus()
    paper = corpus.add("We present FooNet. FooNet achieves 80.5% accuracy on GSM8K and "
                       "outperforms PISSA by 5.0%.", extract=False)
    corpus.claim(paper, "80.5%", unit="%", model="FooNet", benchmark_id="gsm8k",
                 metric="accuracy")
    corpus.claim(paper, "5.0%", "delta", unit="%", model="FooNet", baseline="PISSA",
                 benchmark_id="gsm8k", metric="accuracy")
    assert found(corpus.context(), "arithmetic-outperforms") == []


def test_ratio_flags_a_multiplier_the_quantities_do_not_give() -> None:
    findings = one("We present FooNet. FooNet obtains similar accuracy while requiring 2x "
                   "less memory (19.2GB vs. 24.2GB).", "arithmetic-ratio")
    assert len(findings) == 1
    assert "2x" in findings[0].message and "1.26x" in findings[0].message
    assert findings[0].numbers["b_over_a"] == pytest.approx(24.2 / 19.2, abs=1e-6)


@pytest.mark.parametrize("ratio", ["1.26x", "about 1.3x"])
def test_ratio_accepts_either_quotient(ratio: str) -> None:
    abstract = (f"We present FooNet. FooNet obtains similar accuracy while requiring {ratio} "
                "less memory (19.2GB vs. 24.2GB).")
    assert one(abstract, "arithmetic-ratio") == []


# --- ranges -------------------------------------------------------------------------------


def test_range_flags_impossible_percentages_of_bounded_metrics_only() -> None:
    findings = one("We present FooNet. FooNet reaches 112% accuracy on GSM8K and a 150% "
                   "speedup.", "range-percent")
    assert [(f.severity, f.numbers["value"]) for f in findings] == [("error", 112.0)]
    assert "112%" in findings[0].message


def test_range_flags_a_score_off_its_benchmark_scale() -> None:
    findings = one("We present FooNet. FooNet achieves a score of 12.5 on MT-Bench.",
                   "range-percent")
    assert [f.severity for f in findings] == ["warning"]
    assert "12.5" in findings[0].message and "MT-Bench" in findings[0].message


def test_range_accepts_plausible_scores() -> None:
    assert one("We present FooNet. FooNet achieves a score of 7.43 on MT-Bench and 86.81% "
               "on GSM8K, and 100% coverage.", "range-percent") == []


def test_range_flags_negative_parameter_counts() -> None:
    corpus = Corpus()
    paper = corpus.add("We present FooNet. FooNet reaches 71.2% on MMLU.", extract=False)
    corpus.claim(paper, "71.2%", unit="%", model="FooNet", params=-7e9)
    findings = found(corpus.context(), "range-percent")
    assert [f.severity for f in findings] == ["error"]
    assert "negative parameter count" in findings[0].message


def test_range_flags_fractions_mixed_with_percentages() -> None:
    corpus = Corpus()
    corpus.add("We present FooNet. FooNet achieves an accuracy of 0.64 on MMLU.")
    corpus.add("We present BarNet. BarNet achieves 66.0% accuracy on MMLU.", "Other paper")
    findings = found(corpus.context(), "range-percent")
    assert len(findings) == 1
    assert "0.64" in findings[0].message and "66.0%" in findings[0].message
    assert findings[0].paper_id is None  # two papers


def test_range_accepts_one_scale_per_benchmark() -> None:
    corpus = Corpus()
    corpus.add("We present FooNet. FooNet achieves 64.0% accuracy on MMLU.")
    corpus.add("We present BarNet. BarNet achieves 66.0% accuracy on MMLU.", "Other paper")
    assert found(corpus.context(), "range-percent") == []


# --- conflicts ----------------------------------------------------------------------------


def _cited(values: tuple[str, str], settings: tuple[str | None, str | None] = (None, None)
           ) -> AuditContext:
    corpus = Corpus()
    for n, (value, setting) in enumerate(zip(values, settings, strict=True)):
        paper = corpus.add(f"We present Net{n}. Llama-2-7B scores {value} on MMLU here.",
                           f"Paper {n}", extract=False)
        corpus.claim(paper, value, unit="%", model="Llama-2-7B", benchmark="MMLU",
                     benchmark_id="mmlu", metric="accuracy", setting=setting, role="baseline")
    return corpus.context()


def test_conflict_values_flags_a_baseline_cited_with_two_values() -> None:
    findings = found(_cited(("45.3%", "46.8%")), "conflict-values")
    assert len(findings) == 1
    assert "45.3%" in findings[0].message and "46.8%" in findings[0].message
    assert "Paper 0" in findings[0].message and "Paper 1" in findings[0].message


@pytest.mark.parametrize(("values", "settings"), [
    (("45.3%", "45.3%"), (None, None)),
    (("45.3%", "45%"), (None, None)),  # the same number, rounded
    (("45.3%", "46.8%"), ("5-shot", "0-shot")),  # different settings
])
def test_conflict_values_accepts_agreeing_or_different_measurements(
        values: tuple[str, str], settings: tuple[str | None, str | None]) -> None:
    assert found(_cited(values, settings), "conflict-values") == []


def _two_sightings(first: str, second: str) -> AuditContext:
    paper = Paper.build(title="T", abstract=first, arxiv_id="2401.00001")
    files = {"a.txt": first, "b.txt": second}
    sightings = [Sighting(paper_id=paper.paper_id, source=name, source_format="plain-text",
                          paper_index=0, abstract_start=0, abstract_end=len(text))
                 for name, text in files.items()]
    return AuditContext.from_claims([], [paper], sightings, read_source=files.get,
                                    sha256_of=lambda p: "sha")


def test_conflict_sightings_flags_different_wording() -> None:
    findings = found(_two_sightings("We reach 71.2% on MMLU.", "We reach 74.9% on MMLU."),
                     "conflict-sightings")
    assert [f.severity for f in findings] == ["warning"]
    assert "a.txt" in findings[0].message and "b.txt" in findings[0].message


def test_conflict_sightings_reports_formatting_only_differences_as_info() -> None:
    findings = found(_two_sightings("We reach 71.2% on MMLU.", "We  reach 71.2% on MMLU"),
                     "conflict-sightings")
    assert [f.severity for f in findings] == ["info"]


def test_conflict_sightings_accepts_identical_text() -> None:
    same = "We reach 71.2% on MMLU."
    assert found(_two_sightings(same, same), "conflict-sightings") == []


# --- sizes --------------------------------------------------------------------------------


def test_size_flags_a_stated_size_the_registry_and_name_contradict() -> None:
    corpus = Corpus()
    paper = corpus.add("We present X. Llama-2-7B reaches 45.3% on MMLU.", extract=False)
    corpus.claim(paper, "45.3%", unit="%", model="Llama-2-7B", params=13e9,
                 params_registry=7e9)
    findings = found(corpus.context(), "size-consistency")
    assert len(findings) == 2
    assert any("registry" in f.message and "7B" in f.message for f in findings)
    assert any("in its name" in f.message for f in findings)
    assert all("13B" in f.message for f in findings)


def test_size_accepts_sizes_within_ten_percent() -> None:
    corpus = Corpus()
    paper = corpus.add("We present X. Llama-2-7B reaches 45.3% on MMLU.", extract=False)
    corpus.claim(paper, "45.3%", unit="%", model="Llama-2-7B", params=6.74e9,
                 params_registry=7e9)
    assert found(corpus.context(), "size-consistency") == []


def test_size_accepts_extracted_sizes() -> None:
    assert one("We present Orca-Math, a 7-billion-parameter SLM based on the Mistral-7B, "
               "which achieves 86.81% on GSM8k.", "size-consistency") == []


# --- frontier -----------------------------------------------------------------------------


def _frontier(later: bool = False, value: str = "90.1%") -> AuditContext:
    corpus = Corpus()
    corpus.add("We present FooNet, which achieves state-of-the-art accuracy of 85.0% on "
               "GSM8K.", "Foo", published=date(2024, 5, 1))
    corpus.add(f"We present BarNet. BarNet achieves {value} accuracy on GSM8K.", "Bar",
               published=date(2024, 6, 1) if later else date(2024, 1, 1))
    return corpus.context()


def test_frontier_flags_a_sota_claim_an_earlier_paper_beats() -> None:
    findings = found(_frontier(), "frontier-claims")
    assert [f.severity for f in findings] == ["info"]
    assert "85.0%" in findings[0].message and "90.1%" in findings[0].message
    assert "BarNet" in findings[0].message and "Bar" in findings[0].message


@pytest.mark.parametrize(("later", "value"), [(True, "90.1%"), (False, "80.2%"),
                                              (False, "85%")])
def test_frontier_accepts_later_or_worse_results(later: bool, value: str) -> None:
    assert found(_frontier(later, value), "frontier-claims") == []


@pytest.mark.parametrize(("sentence", "best"), [
    ("FooNet achieves state-of-the-art accuracy of 85.0%.", True),
    ("FooNet sets a new SOTA of 85.0%.", True),
    ("FooNet is the best open model with 85.0%.", True),
    ("FooNet is comparable to state-of-the-art models with 85.0%.", False),
    ("FooNet beats the next best model by 3%.", False),
])
def test_claims_best_reads_sota_wording(sentence: str, best: bool) -> None:
    assert claims_best(sentence) is best


# --- the sample corpus --------------------------------------------------------------------


def _samples_context() -> AuditContext:
    """The samples as the store holds them: claims of each paper's first sighting."""
    papers: dict[str, Paper] = {}
    claims: dict[str, Claim] = {}
    sightings = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for item in read_source(str(path)):
            sightings.append(item.sighting)
            if item.paper.paper_id not in papers:
                papers[item.paper.paper_id] = item.paper
                claims.update((c.claim_id, c) for c in claims_for(item))
    return AuditContext.from_claims(claims.values(), papers.values(), sightings)


def test_samples_audit_finds_the_streamingqa_arithmetic() -> None:
    findings = run_checks(_samples_context())
    improvement = [f for f in findings if f.check == "arithmetic-improvement"]
    assert any("63.5" in f.message and "61.5" in f.message for f in improvement)
    assert not [f for f in findings if f.check == INTERNAL_CHECK]
    assert not [f for f in findings if f.severity == "error"]


def test_samples_audit_matches_from_paths_and_is_repeatable() -> None:
    direct = run_checks(_samples_context())
    assert run_checks(AuditContext.from_paths([str(SAMPLES)])) == direct


def test_main_prints_a_table_of_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit_main([str(SAMPLES), "--check", "arithmetic-improvement"]) == 0
    out = capsys.readouterr().out
    assert "63.5%" in out and "61.5%" in out
    assert re.search(r"arithmetic-improvement\s+1\b", out)


def test_from_store_gives_the_findings_of_the_files(tmp_path: Path) -> None:
    from leaderboard.ingest import ingest_paths
    from leaderboard.store import Store

    db = tmp_path / "audit.duckdb"
    ingest_paths(db, [str(SAMPLES)])
    with Store.open(db, read_only=True) as store:
        stored = run_checks(AuditContext.from_store(store))
    assert stored == run_checks(AuditContext.from_paths([str(SAMPLES)]))


def test_from_frames_reads_store_style_frames() -> None:
    corpus = Corpus()
    corpus.add(STREAMING_QA)
    ctx = corpus.context()
    # Frames with NaN for missing values and offset maps as JSON text (raw table rows).
    sightings = ctx.sightings.assign(offset_map="[]")
    again = AuditContext.from_frames(ctx.claims.astype(object).fillna(float("nan")),
                                     ctx.papers, sightings, read_source=corpus.files.get,
                                     sha256_of=_sha_of(corpus.files))
    assert run_checks(again) == run_checks(ctx)


def _sha_of(files: dict[str, str]) -> Callable[[str], str | None]:
    return lambda p: f"sha:{p}" if p in files else None
