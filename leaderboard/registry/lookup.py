"""Finding registry names in text, and mapping a written name to its registry entry.

This runs on every sentence of millions of abstracts, so each index is compiled once:
all names and aliases go into a character trie that is emitted as a single regular
expression (shared prefixes factored out, longer continuations tried before a name
ends), so a scan costs one pass of the regex engine whatever the registry's size.
Entries marked ``case_sensitive`` get a second, case-sensitive expression; the two
result lists are merged leftmost-longest.

Written forms vary in separators and case: ``MT-Bench``, ``MT Bench``, ``MTBench``,
``mt-bench``; ``GSM8K`` and ``GSM 8K``; ``WMT'22`` and ``WMT22``. The trie makes every
separator of an alias optional (any run of spaces, hyphens or underscores, or none),
lets a letter be followed by a space before a digit, and treats apostrophes as
optional. A match is then mapped back to its entry through :func:`normalise_name`,
which folds exactly those differences away.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from leaderboard.folding import folded
from leaderboard.registry.schema import (
    Benchmark,
    BenchmarkRegistry,
    ModelRegistry,
    ModelSize,
)

# --- normalisation -------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
# Everything but letters, digits and '+' goes (HumanEval+ and MBPP+ are benchmarks of
# their own); a '.' stays only between digits (Qwen2.5-7B is not Qwen2-57B, SQuAD 2.0
# is not SQuAD 20); '×' between digits reads as 'x' (256×256, 8×7B).
_DROP = re.compile(r"(?<!\d)\.|\.(?!\d)|[^\w+.]|_")
_TIMES = re.compile(r"(?<=\d)\s*[×x]\s*(?=\d)", re.I)


def normalise_name(text: str, *, keep_case: bool = False) -> str:
    """The comparison key of a written name: case folded (unless ``keep_case``), and
    spaces, hyphens, apostrophes and other punctuation dropped.

    ``"Llama 2 7B"``, ``"Llama-2-7B"`` and ``"LLaMA2-7B"`` all give ``"llama27b"``;
    ``"HumanEval+"`` gives ``"humaneval+"``, distinct from ``"HumanEval"``.
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _TIMES.sub("x", text)
    if not keep_case:
        text = text.lower()
    return _DROP.sub("", text)


# --- the trie regex ------------------------------------------------------------------

# One optional separator: a run of spaces, or a hyphen/underscore with optional spaces
# round it (line-wrapped "MT-\nBench"), or nothing at all ("MTBench").
_SEP = r"(?:\s*[\-_\u2010-\u2013]\s*|\s+)?"
_APOS = "['\u2018\u2019`\u00b4]?"
_TIMES_ATOM = "[x\u00d7]"
_SEP_CHARS = frozenset(" \t\n-_\u2010\u2011\u2012\u2013\u2014")
_APOS_CHARS = frozenset("'\u2018\u2019`\u00b4")
# Not inside a longer token on the left: no letter/digit, nor a letter/digit and a
# hyphen ("Tiny-ImageNet" is not ImageNet). On the right a hyphen is fine
# ("ImageNet-pretrained") but a letter, digit, '+' or a decimal part is not
# ("AlpacaEval 2" must not match inside "AlpacaEval 2.5").
_LEFT = r"(?<!\w)(?<!\w[\-\u2010\u2011])"
_RIGHT = r"(?![\w+]|[.,]\d)"
_END = ""  # trie key marking that a name ends at this node


def _atoms(name: str, fold: bool) -> tuple[str, ...]:
    """A name as a sequence of regex atoms: one per character, separators and
    apostrophes made optional, and an optional separator between a letter and a
    following digit (``GSM8K`` also matches ``GSM 8K``)."""
    text = unicodedata.normalize("NFKC", name)
    if fold:
        text = text.lower()
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(text):
        if ch in _SEP_CHARS:
            if out and out[-1] != _SEP:
                out.append(_SEP)
        elif ch in _APOS_CHARS:
            out.append(_APOS)
        else:
            if prev.isalpha() and ch.isdigit() and out and out[-1] != _SEP:
                out.append(_SEP)
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch in "x\u00d7X" and prev.isdigit() and nxt.isdigit():
                out.append(_TIMES_ATOM)
            else:
                out.append(re.escape(ch))
        prev = ch if ch not in _SEP_CHARS else ""
    while out and out[-1] in (_SEP, _APOS):
        out.pop()
    return tuple(out)


def _atom_order(atom: str) -> tuple[int, str]:
    # literal characters first, optional atoms (which can match nothing) after them
    return (1 if atom in (_SEP, _APOS) else 0, atom)


def _lowered(atom: str) -> str:
    """An atom of a folded name, as matched against ``folded(text)``.

    Folding has already mapped every case of an ASCII letter to the letter itself (and
    the four characters outside ASCII that IGNORECASE also takes for one), so ASCII
    atoms stay plain literals: the regex engine compares a literal far faster than a
    class per letter (``[aA]``) or a case-insensitive literal, and scans a registry's
    trie about twice as fast. A letter of another script keeps IGNORECASE, which knows
    equivalences that ``lower()`` does not (the micro sign and mu)."""
    if len(atom) == 1 and atom.isalpha() and not atom.isascii():
        return "(?i:" + atom + ")"
    return atom


def _emit(node: dict[str, dict], render: Callable[[str], str] = str) -> str:
    """The regex of a trie node. Children come before the end of a name, and the
    optional group is greedy, so the engine tries the longest name first and backs
    off to a shorter one only if the longer cannot match. ``render`` writes an atom."""
    alts = [render(atom) + _emit(child, render) for atom, child in sorted(
        ((a, c) for a, c in node.items() if a != _END), key=lambda ac: _atom_order(ac[0]))]
    if not alts:
        return ""
    ends_here = _END in node
    if len(alts) == 1 and not ends_here:
        return alts[0]
    group = "(?:" + "|".join(alts) + ")"
    return group + "?" if ends_here else group


# _LEFT as seen from just after a name's first character.
_LEFT_AFTER_FIRST = r"(?<!\w[\s\S])(?<!\w[\-\u2010\u2011][\s\S])"


def _first_char_first(trie: dict[str, dict]) -> str | None:
    """The trie's regex with each name's first character before the left-boundary test
    (``M(?<!...)ATH`` rather than ``(?<!...)MATH``), when every name starts with one
    literal character; else None.

    Why: a regex whose every branch starts with a literal gets a first-character set
    from the engine, which then skips in C past every character outside it instead of
    trying the lookbehind at each offset. Names kept in their case mostly start with a
    capital, so that skips nearly all of a sentence; the same matches are found."""
    # (the root never ends a name: names without atoms are left out of the trie)
    roots = sorted(trie.items(), key=lambda ac: _atom_order(ac[0]))
    if not all(len(atom) == 1 or (len(atom) == 2 and atom[0] == "\\") for atom, _ in roots):
        return None
    return "(?:" + "|".join(atom + _LEFT_AFTER_FIRST + _emit(child) for atom, child in roots) + ")"


def _trie(names: Iterable[str], *, fold: bool) -> dict[str, dict]:
    """The names as a trie of atoms (``_atoms``); ``_END`` marks where a name ends."""
    trie: dict[str, dict] = {}
    for name in names:
        atoms = _atoms(name, fold)
        if not atoms:
            continue
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = {}
    return trie


def _compile(names: Iterable[str], *, fold: bool) -> re.Pattern[str] | None:
    """One regex for all ``names``; for ``fold``, to be run over ``folded(text)``."""
    trie = _trie(names, fold=fold)
    if not trie:
        return None
    if fold:
        return re.compile(_LEFT + "(?:" + _emit(trie, _lowered) + ")" + _RIGHT)
    body = _first_char_first(trie)
    return re.compile((body or _LEFT + "(?:" + _emit(trie) + ")") + _RIGHT)


class _NameMatcher:
    """Names of keyed entries, found in text and looked up by written form.

    ``entries`` are ``(key, names, case_sensitive)``. Case-insensitive names are
    looked up by their folded key, case-sensitive ones by a key that keeps case.
    """

    def __init__(self, entries: Iterable[tuple[str, Sequence[str], bool]]) -> None:
        self._folded: dict[str, str] = {}
        self._exact: dict[str, str] = {}
        folded_names: list[str] = []
        exact_names: list[str] = []
        for key, names, case_sensitive in entries:
            for name in names:
                if case_sensitive:
                    self._exact.setdefault(normalise_name(name, keep_case=True), key)
                    exact_names.append(name)
                else:
                    self._folded.setdefault(normalise_name(name), key)
                    folded_names.append(name)
        self._patterns: list[tuple[re.Pattern[str], dict[str, str], bool]] = []
        for names, table, sensitive in ((folded_names, self._folded, False),
                                        (exact_names, self._exact, True)):
            pattern = _compile(names, fold=not sensitive)
            if pattern is not None:
                self._patterns.append((pattern, table, sensitive))

    def lookup(self, name: str) -> str | None:
        """The key of the entry written ``name`` (separators and, for entries that are
        not case-sensitive, case ignored), else None."""
        key = self._exact.get(normalise_name(name, keep_case=True))
        return key if key is not None else self._folded.get(normalise_name(name))

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, surface, key)`` of every name in ``text``, leftmost-longest,
        non-overlapping, in text order."""
        if not text:
            return []
        hits: list[tuple[int, int, str, str]] = []
        for pattern, table, sensitive in self._patterns:
            # folded names are matched in the folded text: same offsets, so the
            # surface is read from the text as written
            for m in pattern.finditer(text if sensitive else folded(text)):
                start, end = m.span()
                surface = text[start:end]
                key = table.get(normalise_name(surface, keep_case=sensitive))
                if key is not None:
                    hits.append((start, end, surface, key))
        if len(self._patterns) < 2 or len(hits) < 2:
            return hits
        hits.sort(key=lambda h: (h[0], -h[1]))
        kept: list[tuple[int, int, str, str]] = []
        last_end = -1
        for hit in hits:
            if hit[0] >= last_end:
                kept.append(hit)
                last_end = hit[1]
        return kept


# --- benchmarks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchmarkMention:
    """A benchmark named in a text: ``text[start:end] == surface`` as written."""

    start: int
    end: int
    text: str
    benchmark_id: str


# "the X benchmark", "X dataset", "X test set", "X (5-shot)": words around a name that
# are not part of it. Stripped only when the name as written is unknown.
_GENERIC_PREFIX = re.compile(r"^(?:the|a|an)\s+", re.I)
_GENERIC_SUFFIX = re.compile(
    r"(?:\s*\([^()]*\)|[\s\-]+(?:benchmarks?|datasets?|data\s+set|corpus|leaderboard|"
    r"suite|(?:test|dev|validation|val|eval(?:uation)?)(?:[\s\-]+(?:set|split))?|"
    r"split|set|tasks?))$", re.I)


def _generic_variants(name: str) -> Iterable[str]:
    """``name`` with generic leading/trailing words removed one at a time."""
    current = _GENERIC_PREFIX.sub("", name.strip())
    if current != name:
        yield current
    while True:
        stripped = _GENERIC_SUFFIX.sub("", current).strip()
        if not stripped or stripped == current:
            return
        current = stripped
        yield current


class BenchmarkIndex:
    """The benchmark registry compiled for matching: build once, share everywhere."""

    def __init__(self, registry: BenchmarkRegistry) -> None:
        self.registry = registry
        self._by_id: dict[str, Benchmark] = {b.id: b for b in registry.benchmarks}
        self._matcher = _NameMatcher((b.id, b.names, b.case_sensitive)
                                     for b in registry.benchmarks)

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, benchmark_id: str) -> Benchmark | None:
        """The entry with this canonical id, else None."""
        return self._by_id.get(benchmark_id)

    def find_all(self, text: str) -> list[BenchmarkMention]:
        """Every mention of a registered benchmark in ``text``, in order.

        The longest name wins (``MMLU-Pro`` over ``MMLU``, ``AlpacaEval 2.0`` over
        ``AlpacaEval``); a mention never starts or ends inside a longer word;
        case-sensitive entries (``MATH``) match only as written.
        """
        return [BenchmarkMention(s, e, surface, key)
                for s, e, surface, key in self._matcher.find(text)]

    def resolve(self, name: str) -> Benchmark | None:
        """The entry a written benchmark name refers to, else None.

        Exact match of the normalised name against names and aliases first; then the
        same after dropping generic words ("the", "benchmark", "dataset", "test set",
        a trailing parenthesis).
        """
        key = self._matcher.lookup(name)
        if key is None:
            for variant in _generic_variants(name):
                key = self._matcher.lookup(variant)
                if key is not None:
                    break
        return self._by_id[key] if key is not None else None


# --- models --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelMention:
    """A registered model named in a text: ``text[start:end] == surface`` as written."""

    start: int
    end: int
    text: str
    model_name: str


# Release suffixes that do not change the parameter count: chat/instruction tuning,
# the Hugging Face conversion, version tags, context-length tags ("-4k", "-128k").
_RELEASE_SUFFIX = re.compile(
    r"[\s\-_.]+(?:chat|instruct|hf|base|it|sft|dpo|rlhf|v\d+(?:\.\d+)*|\d+k)$", re.I)
_HUB_PREFIX = re.compile(r"^[\w.\-]+/")


class ModelIndex:
    """The model-size registry compiled for matching: build once, share everywhere."""

    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry
        self._by_name: dict[str, ModelSize] = {m.name: m for m in registry.models}
        self._matcher = _NameMatcher((m.name, m.names, False) for m in registry.models)

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> ModelSize | None:
        """The entry with exactly this canonical name, else None."""
        return self._by_name.get(name)

    def find_all(self, text: str) -> list[ModelMention]:
        """Every mention of a registered model in ``text``, in order, longest first
        (``Llama-2-70B`` over ``Llama-2-7B``); never inside a longer word."""
        return [ModelMention(s, e, surface, key) for s, e, surface, key in self._matcher.find(text)]

    def resolve(self, name: str) -> ModelSize | None:
        """The entry a written model name refers to, else None.

        Case, spaces and hyphens are ignored (``Llama 2 7B`` = ``Llama-2-7B`` =
        ``LLaMA2-7B``). Only when that fails are a Hugging Face owner prefix
        (``meta-llama/``) and release suffixes (``-chat``, ``-Instruct``, ``-hf``,
        ``-base``, ``-it``, ``-v0.2``, ``-4k``) removed, one at a time.
        """
        key = self._matcher.lookup(name)
        if key is None:
            current = _HUB_PREFIX.sub("", name.strip())
            key = self._matcher.lookup(current)
            while key is None:
                stripped = _RELEASE_SUFFIX.sub("", current)
                if stripped == current or not stripped:
                    break
                current = stripped
                key = self._matcher.lookup(current)
        return self._by_name[key] if key is not None else None


__all__ = [
    "BenchmarkIndex",
    "BenchmarkMention",
    "ModelIndex",
    "ModelMention",
    "normalise_name",
]
