"""The invariants the extractor's speed-ups rest on.

Extraction is fast because of a few shortcuts that must never change a result: word
gates that skip a regex when none of the words its matches need is in the text,
candidate offsets where a regex is tried instead of every character, letters written
as character classes instead of case-insensitive matching, and a pint conversion factor
asked once instead of an expression parsed per number. Each is checked here against
the slow, obvious way on the bundled sample abstracts and the extraction test cases.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Iterator

import pytest
from conftest import SAMPLES
from test_extract_cases import CASES

import leaderboard.extract.claims as claims
from leaderboard.extract.entities import _INTRO_RE, _INTRO_STEMS, NAME_RE, find_names, is_name_like
from leaderboard.extract.lexicon import _letter_class
from leaderboard.extract.numbers import _WORD_RE, _WORD_RE_STARTS, find_numbers
from leaderboard.extract.text import Gated, finditer_at, positions_of, split_sentences
from leaderboard.folding import folded
from leaderboard.registry import default_benchmark_index, default_model_index
from leaderboard.registry.lookup import _LEFT, _RIGHT, _compile, _emit, _trie
from leaderboard.sources import iter_input_paths, read_source
from leaderboard.units import magnitude_name, scale, unit_registry


def _texts() -> list[str]:
    abstracts = [item.paper.abstract for path in iter_input_paths([str(SAMPLES)])
                 if isinstance(path, str) for item in read_source(path)]
    abstracts += [case[0] for case in CASES]
    out = []
    for abstract in abstracts:
        out.append(abstract)
        for sent in split_sentences(abstract):
            out.append(sent.text)
            for m in re.finditer(r"\d+", sent.text):  # the clause before a number
                out.append(sent.text[: m.start()])
    # case twins, odd spacing and case, the words the gates look for
    out += ["ſix times faster", "fİve-fold", "TWICE the size", "One-Third", "by HALF",
            "An improvement of  ", "IMPROVES BY ", "outperforms GPT-4 at ", "vs. \n",
            "reduced  the memory by up to ", "with only ", "ınference tıme", "KELVIN",
            "Pruning and DISTILLED models", "execute cuts in model size", "a Low-Rank  "
            "approximation of compressed weights", "Quantized and quantisation",
            "we reduce the number of trainable parameters", "Tensor networks, fewer parameters"]
    return out


TEXTS = _texts()
ALL_CHARS = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def test_case_folding_is_char_for_char_and_keeps_every_caseless_ascii_match() -> None:
    """``folded`` keeps offsets, and whatever IGNORECASE matches to an ASCII letter
    folds to that letter: so word gates on folded text never miss a match."""
    twins = set(re.findall(r"[a-z]", ALL_CHARS, re.IGNORECASE)) - set(string.ascii_letters)
    assert twins == {"\u0130", "\u0131", "\u017f", "\u212a"}
    for ch in twins | set(string.ascii_letters):
        (letter,) = (x for x in string.ascii_lowercase if re.fullmatch(x, ch, re.IGNORECASE))
        assert folded(ch) == letter
    assert all(len(folded(text)) == len(text) for text in TEXTS)
    assert len(folded(ALL_CHARS)) == len(ALL_CHARS)


def test_letter_classes_match_what_ignorecase_matches() -> None:
    candidates = set(re.findall(r"[a-z0-9]", ALL_CHARS, re.IGNORECASE))
    for letter in string.ascii_lowercase + string.digits:
        want = {c for c in candidates if re.fullmatch(letter, c, re.IGNORECASE)}
        got = {c for c in candidates if re.fullmatch(_letter_class(letter), c)}
        assert got == want, letter


def _registry_names() -> Iterator[tuple[list[str], bool]]:
    benchmarks = default_benchmark_index().registry.benchmarks
    for sensitive in (False, True):
        yield [n for b in benchmarks if b.case_sensitive == sensitive for n in b.names], sensitive
    yield [n for m in default_model_index().registry.models for n in m.names], False


@pytest.mark.parametrize(("names", "sensitive"), list(_registry_names()))
def test_registry_scans_find_what_the_plain_trie_regex_finds(
    names: list[str], sensitive: bool
) -> None:
    """The registry scans take two shortcuts: names that ignore case are matched as
    plain lower-case letters in ``folded(text)``, and names kept in their case put the
    left-boundary test after their first letter. Both must find exactly what the trie
    written plainly finds (IGNORECASE for the first) in the text as written."""
    trie = _trie(names, fold=not sensitive)
    plain = re.compile(_LEFT + "(?:" + _emit(trie) + ")" + _RIGHT, 0 if sensitive else re.I)
    fast = _compile(names, fold=not sensitive)
    assert fast is not None
    assert fast.pattern != plain.pattern
    texts = [*TEXTS, " ".join(names), " ".join(n.upper() for n in names),
             "-".join(names), "x".join(names), "\u0130MAGENET \u0131magenet \u212aBench"]
    for text in texts:
        probe = text if sensitive else folded(text)
        assert [m.span() for m in fast.finditer(probe)] == [
            m.span() for m in plain.finditer(text)], text


def _gates() -> Iterator[tuple[str, Gated]]:
    for name, value in vars(claims).items():
        if isinstance(value, Gated):
            yield name, value
    for i, (gate, _) in enumerate(claims._QUALIFIER_GATES):
        yield f"_QUALIFIER_GATES[{i}]", gate


@pytest.mark.parametrize(("name", "gate"), list(_gates()))
def test_word_gates_answer_as_the_regex_does(name: str, gate: Gated) -> None:
    for text in TEXTS:
        for m in gate.pattern.finditer(text):
            seen = folded(m.group()) if gate.caseless else m.group()
            assert any(w in seen for w in gate.needs), (name, m.group())
            if gate.starts:
                assert seen.startswith(gate.needs), (name, m.group())
        plain, gated = gate.pattern.search(text), gate.search(text)
        assert (plain and plain.span()) == (gated and gated.span()), (name, text)


@pytest.mark.parametrize(("pattern", "stems", "fold"), [
    (_INTRO_RE, _INTRO_STEMS, False),
    (_WORD_RE, _WORD_RE_STARTS, True),
])
def test_candidate_offsets_find_every_match(
    pattern: re.Pattern[str], stems: tuple[str, ...], fold: bool
) -> None:
    for text in TEXTS:
        starts = positions_of(folded(text) if fold else text, stems)
        assert [m.span() for m in finditer_at(pattern, text, starts)] == [
            m.span() for m in pattern.finditer(text)]


def _find_names_reference(text: str, known: frozenset[str]) -> list[tuple[int, int, str]]:
    """The name scan as first written: every token tried, one regex search at a time."""
    out = []
    for name in sorted(known, key=len, reverse=True):
        if " " in name:
            for hit in re.finditer(r"(?<![\w\-])" + re.escape(name) + r"s?(?![\w\-])", text):
                out.append((hit.start(), hit.end(), name))
    taken = [(s, e) for s, e, _ in out]
    pos = 0
    while (m := NAME_RE.search(text, pos)) is not None:
        if any(ts <= m.start() < te for ts, te in taken):
            pos = m.end()
            continue
        token = m.group("name")
        head = token.split()[0]
        if is_name_like(token) or head in known or token in known:
            out.append((m.start(), m.end(), token.rstrip(".")))
            pos = m.end()
        else:
            pos = m.start() + len(head)
    return sorted(out, key=lambda n: n[0])


@pytest.mark.parametrize("known", [
    frozenset(), frozenset({"PUMA"}), frozenset({"Natural GaLore", "Minitron"}),
    frozenset({"foo bar", "bailong"}), frozenset({"with 2"}),
])
def test_name_scan_skipping_plain_words_finds_the_same_names(known: frozenset[str]) -> None:
    for text in [*TEXTS, "with 2 models and v2", "x.ab.-Cd e.g. G_{stack}", "foo bar v2"]:
        got = [(n.start, n.end, n.text) for n in find_names(text, known)]
        assert got == _find_names_reference(text, known), text


def test_scaling_by_a_factor_is_pints_own_arithmetic() -> None:
    ureg = unit_registry()

    def parsed(number: float, magnitude: str, unit: str) -> float:
        expr = f"{number!r} * {magnitude_name(magnitude)} * {unit}"
        return float(ureg.Quantity(expr).to(ureg.Quantity(1, unit).units).magnitude)

    for i in range(0, 4000, 7):
        number = i / 100 if i % 2 else float(i)
        for magnitude in ("K", "M", "B", "T", "billion"):
            for unit in ("parameter", "token"):
                assert scale(number, magnitude, unit) == parsed(number, magnitude, unit)


def test_number_words_with_case_twins_do_not_crash() -> None:
    """"ſix times" and "one-fıfth" are matched case-insensitively; their values are
    looked up by the folded word (a KeyError before)."""
    found = {m.value_text: m.value for m in find_numbers("ſix times and one-fıfth of it")}
    assert found == {"ſix": 6.0, "one-fıfth": 0.2}
