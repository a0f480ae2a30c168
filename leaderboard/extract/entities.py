"""Names in an abstract: systems, models and the paper's own system.

A *name* is a token a reader recognises as a proper name of a system: it has an
inner capital or a digit (``Orca-Math``, ``GPT-4o``, ``SAVEnVideo``), is an acronym
(``PUMA``, ``DNO``), is the paper's declared system name (``Dolphin``, ``Bone``), or a
model of the registry. Sizes and versions that follow a name stay with it
(``Llama 3 8B``, ``Mistral Instruct 7B v0.2``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from leaderboard.extract.text import finditer_at, positions_of

# A single name token: letters/digits joined by - _ . (not ending in . or -), braces
# for LaTeX subscripts (G_{stack}).
_TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:[\-_.+/](?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+))*\+?"
_TAIL = r"(?:\s(?:\d+(?:\.\d+)?[BbMK]?|v\d+(?:\.\d+)*|[A-Z][a-z]+-?\d[\w.\-]*))"
# ``head`` is the token before any size/version tail (``token.split()[0]``).
_NAME_BODY = r"(?P<name>(?P<head>" + _TOKEN + r")(?:" + _TAIL + r"){0,2})(?![\w\-])"
NAME_RE = re.compile(r"(?<![\w\-@])" + _NAME_BODY)
# The same, but only where the head holds a capital or a digit: the look-ahead runs over
# the lower-case letters and joiners a head is made of and needs [A-Z0-9] before they
# end. A head without one ("plain": most words of a sentence) is never name-like, so
# ``find_names`` can let the regex engine skip plain words instead of looping over them.
_NAME_CANDIDATE_RE = re.compile(r"(?<![\w\-@])(?=[a-z\-_.+/{}]*[A-Z0-9])" + _NAME_BODY)
_PLAIN_HEAD = re.compile(r"[^A-Z0-9]*")

_STOP_CAPS = frozenset(
    [
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "Our",
        "We",
        "It",
        "Its",
        "In",
        "On",
        "At",
        "For",
        "From",
        "With",
        "Without",
        "By",
        "To",
        "Of",
        "And",
        "Or",
        "But",
        "However",
        "Moreover",
        "Furthermore",
        "Additionally",
        "Finally",
        "Overall",
        "Specifically",
        "Notably",
        "Compared",
        "Despite",
        "Although",
        "While",
        "When",
        "Using",
        "Based",
        "Unlike",
        "Through",
        "As",
        "Such",
        "Also",
        "Further",
        "Both",
        "Each",
        "All",
        "Most",
        "Many",
        "Several",
        "Other",
        "Experiments",
        "Experimental",
        "Results",
        "Extensive",
        "First",
        "Second",
        "Third",
        "Then",
        "Thus",
        "Hence",
        "Here",
        "Code",
        "Models",
        "Model",
        "Data",
        "Dataset",
        "Datasets",
        "Moreover",
        "Consequently",
        "Importantly",
        "Interestingly",
        "Remarkably",
        "Surprisingly",
        "Besides",
        "Meanwhile",
        "Even",
        "Only",
        "Existing",
        "Recent",
        "Previous",
        "Current",
        "Large",
        "Small",
        "Language",
        "Trained",
        "Training",
        "Evaluation",
        "Evaluations",
        "Across",
        "Among",
        "Within",
        "After",
        "Before",
        "During",
        "Since",
        "Given",
        "Inspired",
        "Motivated",
        "Building",
        "Leveraging",
        "Combining",
        "Applying",
        "Specifically",
        "Empirically",
        "Theoretically",
        "Under",
        "Over",
        "Via",
        "Towards",
        "Toward",
        "Beyond",
        "Against",
        "Between",
        "Into",
        "Upon",
        "Accordingly",
        "Similarly",
        "Instead",
        "Rather",
        "Yet",
        "So",
        "If",
        "Whether",
        "Because",
        "Therefore",
        "Lastly",
        "Together",
        "Altogether",
        "To-date",
        "Table",
        "Figure",
        "Section",
        "Appendix",
        "Abstract",
        "Introduction",
        "Conclusion",
        "Background",
        "Method",
        "Methods",
        "Approach",
        "Framework",
        "Paper",
        "Study",
        "Work",
        "Studies",
        "Works",
        "Task",
        "Tasks",
        "Benchmark",
        "Benchmarks",
        "English",
        "Chinese",
        "Github",
        "GitHub",
        "Transformer",
        "Transformers",
    ]
)
# Acronyms that are generic terms, not systems.
GENERIC_ACRONYMS = frozenset(
    [
        "LLM",
        "LLMs",
        "SLM",
        "SLMs",
        "LM",
        "LMs",
        "MLLM",
        "MLLMs",
        "VLM",
        "VLMs",
        "LLVM",
        "LLVMs",
        "AI",
        "NLP",
        "CV",
        "RL",
        "SFT",
        "DPO",
        "RLHF",
        "QA",
        "VQA",
        "IE",
        "RAG",
        "MoE",
        "CPU",
        "GPU",
        "GPUs",
        "TPU",
        "TPUs",
        "API",
        "APIs",
        "SOTA",
        "SotA",
        "FLOPs",
        "FLOP",
        "GB",
        "MB",
        "KB",
        "TB",
        "CoT",
        "ICL",
        "NLU",
        "NLG",
        "ASR",
        "TTS",
        "MT",
        "OCR",
        "KV",
        "HD",
        "ID",
        "OOD",
        "IID",
        "ML",
        "DL",
        "NN",
        "CNN",
        "RNN",
        "RNNs",
        "CNNs",
        "ViT",
        "MLP",
        "PEFT",
        "LoRA",
        "QLoRA",
        "BPE",
        "SGD",
        "US",
        "UK",
        "EU",
        "USMLE",
        "JGA",
        "TTT",
        "PTQ",
        "QAT",
        "NAS",
        "CIL",
        "FPGA",
        "MPC",
        "ICLR",
        "NeurIPS",
        "ICML",
        "ACL",
        "EMNLP",
        "CVPR",
        "AAAI",
    ]
)
# (the look-ahead lists the verbs' first letters: a cheap early rejection, same matches)
_INTRO_RE = re.compile(
    r"\b(?=[cdinoprt])(?:propos|introduc|present|develop|design|releas|open-sourc(?=ed\b)|call|nam|dub|"
    r"term|coin)"
    r"(?:e|es|ed|ing|s)?"
    r"\s*:?\s+(?:\(\w+\)\s*)?(?:(?:it|them|this|our|a|an|the|two|three|several|new|novel|simple|"
    r"efficient|effective|family\s+of|series\s+of|set\s+of|concept\s+of|method,?|approach,?|"
    r"framework,?|model,?|technique,?|called|named|dubbed|termed)\s+)*"
)
# every match of _INTRO_RE starts with one of these (it is case-sensitive)
_INTRO_STEMS = (
    "propos", "introduc", "present", "develop", "design", "releas", "open-sourc", "call", "nam",
    "dub", "term", "coin",
)
# A name right after an introducing verb: a phrase of capitalised words with its
# acronym ("Direct Nash Optimization (DNO)"), else a name-like token, else a phrase of
# capitalised words ("Visual Perception Token", "Compact Transformers").
# (a LaTeX subscript stays with its word: "G_{stack}")
_CAP_WORD = r"(?:[A-Z][\w\-]*(?:\{\w+\}[\w\-]*)*|\{[\w]+\})"
_INTRO_ACR_RE = re.compile(
    r"(?:" + _CAP_WORD + r"|of|the|and|for|a|with|in|as|to)"
    r"(?:[\s\-]+(?:" + _CAP_WORD + r"|of|the|and|for|a|with|in|as|to)){0,7}"
    r"\s*\((?P<acr>[A-Z][\w\-]*)\)"
)
_INTRO_PHRASE_RE = re.compile(
    _CAP_WORD + r"(?:\s+(?:of\s+|the\s+|and\s+|for\s+)?" + _CAP_WORD + r"){0,4}"
)
_SPACES = re.compile(r"\s+")
_ACRONYM_DEF_RE = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*)\)")


# (A NamedTuple, not a frozen dataclass: as immutable, and several times cheaper to
# build; the extractor builds many per abstract.)
class Name(NamedTuple):
    """A name mention (offsets into the text it was found in)."""

    start: int
    end: int
    text: str


_ACRONYM = re.compile(r"[A-Z]{2,}[a-z]?")


# author, year, first words of the title: how BibTeX keys are written
_CITATION_KEY = re.compile(r"[A-Z][a-z]+(?:19|20)\d\d[A-Z][A-Za-z]*")


def is_name_like(token: str) -> bool:
    """Whether a token looks like a system's proper name without any other evidence."""
    return _is_name_like(token)


# Every word of every sentence is asked; words repeat across abstracts ("the", "model",
# "GPT-4"), so the answers are memoised. Bounded: the token vocabulary is open-ended.
@lru_cache(maxsize=1 << 16)
def _is_name_like(token: str) -> bool:
    parts = token.split()
    head = parts[0]
    if head in _STOP_CAPS or head in GENERIC_ACRONYMS or head.rstrip("s") in GENERIC_ACRONYMS:
        return False
    if _CITATION_KEY.fullmatch(head):
        return False  # a citation key left in the text ("Wei2022ChainOT"), not a system
    if len(parts) > 1 and head[0].isupper() and any(c.isdigit() for c in parts[-1]):
        return True  # "Llama 3 8B", "TinyLlama 1.1B", "Mistral Instruct 7B v0.2"
    if any(c.isdigit() for c in head) and any(c.isalpha() for c in head):
        return True
    inner_caps = sum(1 for c in head[1:] if c.isupper())
    if inner_caps >= 1 and len(head) >= 3:
        return True
    return bool(_ACRONYM.fullmatch(head))


def find_names(text: str, known: frozenset[str] = frozenset(), offset: int = 0) -> list[Name]:
    """Name mentions in ``text``: name-like tokens and the ``known`` names of the paper.
    Offsets are into ``text``, plus ``offset`` (where ``text`` lies in the abstract)."""
    out = []
    for name in sorted(known, key=len, reverse=True):
        if " " in name and name in text:  # multi-word names of the paper ("Natural GaLore")
            for hit in _known_name_re(name).finditer(text):
                out.append(Name(hit.start() + offset, hit.end() + offset, name))
    taken = [(n.start - offset, n.end - offset) for n in out]
    # Plain words can be skipped unless the paper knows a name written as one, or a
    # known multi-word name was found (a word inside it is skipped with its tail).
    skip_plain = not taken and not any(_plain_head(k) for k in known)
    name_re = _NAME_CANDIDATE_RE if skip_plain else NAME_RE
    # One scan of the text. A token that is not a name gives back its size/version tail
    # ("with 2 models": "with" is no name), so the scan resumes right after its head.
    pos = 0
    resume = True
    while resume:
        resume = False
        for m in name_re.finditer(text, pos):
            start = m.start()
            if taken and any(ts <= start < te for ts, te in taken):
                continue
            token, head = m.group("name", "head")
            if _is_name_like(token) or head in known or token in known:
                # a trailing size/version belongs to the name only when the head is a name
                out.append(Name(start + offset, m.end() + offset, token.rstrip(".")))
            elif len(head) < len(token):
                pos = start + len(head)
                resume = True
                break
    out.sort(key=lambda n: n.start)
    return out


def _plain_head(name: str) -> bool:
    """Whether the first word of ``name`` has no capital and no digit."""
    words = name.split()
    return not words or _PLAIN_HEAD.fullmatch(words[0]) is not None


@lru_cache(maxsize=1024)
def _known_name_re(name: str) -> re.Pattern[str]:
    """A multi-word name of the paper as a whole word, plural allowed."""
    return re.compile(r"(?<![\w\-])" + re.escape(name) + r"s?(?![\w\-])")


# The capital comes first and the look-behind after it, so the regex engine can jump
# from capital to capital instead of testing the look-behind at every character.
_CAPITALISED = re.compile(r"([A-Z](?<![\w\-.][A-Z])[a-z]{2,}[\w\-]*)(?![\w\-])")


def recurring_proper_names(abstract: str) -> frozenset[str]:
    """Capitalised words used as names: written capitalised mid-sentence and at least
    twice ("Minitron models ... open-sourced Minitron weights"), not common words."""
    counts: dict[str, int] = {}
    mid: set[str] = set()
    for m in _CAPITALISED.finditer(abstract):
        word = m.group(1)
        if word in _STOP_CAPS:
            continue
        counts[word] = counts.get(word, 0) + 1
        # mid-sentence: not at the start, nor after ".", "!", "?" or ":" and spaces
        # (the two characters before, spaces stripped)
        before = abstract[max(0, m.start() - 2) : m.start()].rstrip()
        if m.start() > 0 and before and before[-1] not in ".!?:":
            mid.add(word)
    return frozenset(w for w, c in counts.items() if c >= 2 and w in mid)


_LATEX_TEXT = re.compile(r"^\$?\\text\w*\{(.*)\}\$?$")
_REPORT_SUFFIX = re.compile(r"\s+(?:Technical\s+Report|Report)$")


def title_system_name(title: str | None) -> str | None:
    """``Orca-Math: Unlocking ...`` -> ``Orca-Math``: a short name before the colon
    (a trailing "Technical Report" is not part of the name)."""
    if not title or ":" not in title:
        return None
    head = title.split(":", 1)[0].strip()
    if "\\text" in head:  # (the only heads _LATEX_TEXT can match)
        head = _LATEX_TEXT.sub(r"\1", head)
    head = _REPORT_SUFFIX.sub("", head)
    if not head or len(head.split()) > 4 or len(head) > 40:
        return None
    return head


def introduced_names(abstract: str) -> list[str]:
    """Names the abstract introduces: "we propose X", "called X (XY)", "X (XY)"."""
    names = []
    # the verb stems are rare in a text: try the pattern only where one starts
    starts = positions_of(abstract, _INTRO_STEMS)
    for m in finditer_at(_INTRO_RE, abstract, starts):
        acr = _INTRO_ACR_RE.match(abstract, m.end())
        if acr and acr.group("acr") not in GENERIC_ACRONYMS:
            names.append(acr.group("acr"))
            continue
        nm = NAME_RE.match(abstract, m.end())
        if not nm:
            continue
        head = nm.group("name").split()[0].rstrip(".")
        if head in _STOP_CAPS or head in GENERIC_ACRONYMS or not head[0].isupper():
            continue
        if is_name_like(head):
            names.append(head)
            continue
        phrase = _INTRO_PHRASE_RE.match(abstract, m.end())
        names.append(phrase.group(0).strip() if phrase else head)
    return names


def _initials(phrase: str) -> str:
    """Capital letters of a name: "Direct Nash Optimization" -> "dno",
    "DataComp-LM" -> "dclm"."""
    return "".join(c for c in phrase if c.isupper()).lower()


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _acronym_for(phrase: str, abstract: str) -> str | None:
    """An acronym the abstract defines for a multi-word title name: "Direct Nash
    Optimization" -> "DNO", "Untie the Knots" -> "UtK"."""
    want = _initials(phrase)
    if len(want) < 2:
        return None
    for m in _ACRONYM_DEF_RE.finditer(abstract):
        acr = m.group("acr")
        letters = "".join(c for c in acr if c.isalpha()).lower()
        if letters == want or (
            letters[0] == want[0]
            and _is_subsequence(want, letters)
            and len(letters) <= len(want) + 2
        ):
            return acr
    joined = _SPACES.sub("", phrase)
    if len(phrase.split()) > 1 and joined in abstract:
        return joined
    return None


def system_name(title: str | None, abstract: str) -> str | None:
    """The paper's own system, as the abstract names it (the guide: "use the paper's
    system name if the abstract has one"). Preference: an introduced name that matches
    the title's name, the title's name or its acronym as used in the abstract, then the
    first introduced name."""
    from_title = title_system_name(title)
    intro = introduced_names(abstract)
    if from_title:
        for name in intro:
            if _norm(name) == _norm(from_title):
                return name
        acronym = _acronym_for(from_title, abstract)
        if acronym:
            return acronym
        if from_title in abstract:
            return _abbreviation_used(from_title, abstract) or from_title
    for name in intro:
        if name in GENERIC_ACRONYMS:
            continue
        return _abbreviation_used(name, abstract) or name
    return None


# (capital first, look-behind after it: the regex engine jumps from capital to capital)
_ALLCAPS = re.compile(r"([A-Z](?<![\w\-][A-Z])[A-Z]{1,5})(?![\w\-])")


def _abbreviation_used(phrase: str, abstract: str) -> str | None:
    """An all-capitals abbreviation the abstract uses for a multi-word name without
    defining it ("Compact Transformers" ... "CCT also outperforms")."""
    if " " not in phrase:
        return None
    want = _initials(phrase)
    for m in _ALLCAPS.finditer(abstract):
        acr = m.group(1)
        if acr in GENERIC_ACRONYMS or acr.lower()[0] != want[:1]:
            continue
        if _is_subsequence(want, acr.lower()) and len(acr) <= len(want) + 1:
            return acr
    return None


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _norm(s: str) -> str:
    return _NOT_ALNUM.sub("", s.lower())
