"""Decide which numbers of an abstract are claims, and fill every field of each.

The rules read a number against its own clause: what is written right before it
("by", "from", "score of", "up to") and right after it ("improvement", "of the
parameters", "faster", "on MMLU"). They are general reading rules for abstracts, in the
terms of ``shared/gold/GUIDE.md``: sizes, counts, years and settings are not claims;
multipliers are ratios; differences are deltas; levels are scores.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from leaderboard.extract.entities import (
    Name,
    find_names,
    is_name_like,
    recurring_proper_names,
    system_name,
)
from leaderboard.extract.lexicon import Lexicon, default_lexicon
from leaderboard.extract.numbers import NumberMention, find_numbers
from leaderboard.extract.sizes import SizeMention, find_active, find_sizes, size_from_name
from leaderboard.extract.text import Gated, Sentence, lacks_all, split_sentences
from leaderboard.folding import folded


@dataclass(slots=True)
class DraftClaim:
    """A claim while it is being read; offsets are into the abstract."""

    mention: NumberMention
    sentence: Sentence
    kind: str
    unit: str | None
    metric: str | None = None
    model: str | None = None
    base_model: str | None = None
    params: float | None = None
    active_params: float | None = None
    benchmark: str | None = None
    benchmark_id: str | None = None
    task: str | None = None
    baseline: str | None = None
    direction: str | None = None
    delta_type: str | None = None
    setting: str | None = None
    qualifier: str | None = None
    role: str | None = None
    restated: bool = False
    notes: list[str] = field(default_factory=list)
    pair: str | None = None  # "before"/"after" in "from A to B", "first"/"second" in "A vs B"
    cue: bool = True  # False when the kind is the default reading (a score) of a bare level


# --- cue patterns read before (``_B``) or after (``_A``) a number --------------------------
# Patterns that start with a choice of words begin with a look-ahead listing the first
# letters of those words, e.g. ``(?=[abd])``. It never changes what matches (every word
# starts with one of them); it lets the regex engine reject a position with one class
# test instead of trying every word there, several times faster on long clauses.
_B_BY = re.compile(
    r"\bby\s+(?:an?\s+)?(?:(?:average|margin|factor|total)\s+of\s+)?"
    r"(?:up\s*to\s+|upto\s+|about\s+|around\s+|over\s+|more\s+than\s+|nearly\s+|almost\s+|"
    r"approximately\s+|roughly\s+|at\s+least\s+|~\s?|only\s+|just\s+)?$",
    re.I,
)
_DELTA_NOUN = (
    r"(?:improvements?|gains?|variations|increases?|boosts?|reductions?|drops?|degradations?|"
    r"decreases?|speed-?ups?|margins?|advantages?|lead|declines?|cuts?|savings?)"
)
_DELTA_NOUN_START = r"(?=[abcdgilmrsv])"
_B_DELTA_OF = re.compile(
    _DELTA_NOUN_START
    + _DELTA_NOUN
    + r"\s+(?:\w+\s+){0,2}?(?:of|by|at)\s+(?:only\s+|just\s+|up\s*to\s+|upto\s+|"
    r"at\s+least\s+|about\s+|around\s+|over\s+|more\s+than\s+|nearly\s+|approximately\s+|~\s?)?$",
    re.I,
)
_A_DELTA = re.compile(
    r"^\)?\s*(?:\(\w+\)\s*)?(?:absolute\s+|relative\s+|average\s+|\w+\s+)?"
    + _DELTA_NOUN
    + r"|^\)?\s*(?:higher|lower|better|worse|more|less|fewer|smaller|larger)\b",
    re.I,
)
# "gains (12-38%)", "improvements across benchmarks: up to 28%", "improvements, 3.8 on average"
_B_DELTA_LEAD = re.compile(
    _DELTA_NOUN_START + _DELTA_NOUN + r"\b[^.;]{0,50}?[:(,]\s*(?:up\s*to\s+|about\s+|~\s?)?$", re.I
)
# "reduce a 93% the memory", "accelerating 50% the training": a change verb right before
_B_CHANGE_VERB = re.compile(
    r"\b(?=[abcdgilrs])(?:reduc\w*|accelerat\w*|improv\w*|increas\w*|decreas\w*|"
    r"cut\w*|boost\w*|lower\w*|rais\w*|shrink\w*|gain(?:s|ed|ing)?)\s+(?:also\s+|a\s+|"
    r"up\s*to\s+|about\s+|nearly\s+|approximately\s+)*$",
    re.I,
)
# the first number of a pair: "(7% to 33%)", "(69.48 vs. 72.41)"
_PAIR_A = re.compile(r"^\s*(?:to|vs\.?|versus)\s+[\d.]", re.I)
# a verb in the passive: "results for A and B are boosted by ..."
_PASSIVE = re.compile(r"\b(?:are|is|were|was|been|be)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b", re.I)
# the second number of a pair: "from 61.0% to 65.5%", "69.48 vs. 72.41"
_PAIR_B = re.compile(r"\d\s*(?:%|\\%)?\s*(?:to|vs\.?|versus)\s*$", re.I)
_A_RATIO_OF = re.compile(
    r"^\)?\s*(?:of\s+(?!the\s+(?:time|cases))|as\s+many|as\s+much|the\s+size)", re.I
)
_B_RATIO_OF = re.compile(
    r"\b(?=[jmoruw])(?:only|merely|just|using|uses|use|requires?|requiring|with)\s+"
    r"(?:about\s+|around\s+|~\s?)?\(?<?$",
    re.I,
)
# (the words that must start at a word boundary share one ``\b``: fewer tries per position)
_SCORE_CONTEXT_B = re.compile(
    r"(?=[abfgiorstvw(,&])(?:\b(?:scores?|of|achiev\w*|reach\w*|obtain\w*|attain\w*|"
    r"scoring|from|to|vs\.?|versus|at|by|gets?|with|is|are|was|were|"
    r"improves?|rais\w+|boost\w*|increas\w*|of\s+only|and)|accuracy|accuracies|\(|,|&)\s*$",
    re.I,
)
_SCORE_CUE_B = re.compile(
    r"(?=[aforsv])(?:\b(?:scores?|of|achiev\w*|reach\w*|obtain\w*|"
    r"attain\w*|scoring|from|vs\.?)|accuracy)\s*(?:only\s+|just\s+)?$",
    re.I,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LIST_MARKER_B = re.compile(r"(?:^|[\s(;:,])\($|(?:^|[;:.]\s*)$")
_SETTING_AFTER_HYPHEN = re.compile(r"^-[A-Za-z]")
_SETUP_PERCENT_A = re.compile(
    r"^\s*(?:compressed|sparse|sparsity|pruned|pruning|masked|masking|quantized|of\s+the\s+time|"
    r"of\s+(?:its|their|the)\s+(?:original\s+)?(?:layers|heads|neurons|weights)\b|"
    r"of\s+model\s+parameters\)|-)",
    re.I,
)
_HYPOTHESIS_B = re.compile(
    r"\b(?=[hinmrt])(?:hypothesi\w+|needed to|required to|threshold|target of|"
    r"is\s+required|must\s+reach)\b",
    re.I,
)
_SETUP_RATIO_A = re.compile(r"^\s*(?:larger|longer|bigger|more)\s+(?:mini-?)?batch", re.I)
_DATA_SUBJECT_B = re.compile(
    r"\b(?=[cdt])(?:training set|dataset|corpus|data set)\b[^.;]*$", re.I
)
_DATA_RATIO_A = re.compile(
    r"^\s*(?:larger|bigger|more)\s+than\s+(?:the\s+)?(?:\w+\s+){0,3}"
    r"(?:dataset|corpus|data)\b",
    re.I,
)
_BUDGET_DURATION_B = re.compile(
    r"\b(?=[efp])(?:for|every|per|each)\s+(?:about\s+|around\s+)?$", re.I
)
_COUNT_A = re.compile(
    r"^\s*(?:(?!(?:on|in|at|of|for|to|by|from|with|across|over|and|or)\b)"
    r"[a-z][\w\-]*\s+){0,2}?(?:tasks?|pixels|benchmarks?|datasets?|languages?|"
    r"GPUs?|TPUs?|nodes|samples|examples|instances|instructions|demonstrations|"
    r"models|checkpoints|layers|heads|epochs|steps|shots?|directions|images|"
    r"videos|hours of|participants|annotators|textbooks|questions|problems|"
    r"documents|pairs|categories|classes|domains|subjects|experts|agents|"
    r"people|users|queries|prompts|families|sizes|variants|ablations|settings|"
    r"evaluations|metrics|criteria|dimensions|types|kinds|levels of)\b"
)
# An integer followed by an ordinary lower-case word is a count ("100 model runs",
# "160 different sub-models"); these words may follow a measured number instead.
_COUNT_WORD_A = re.compile(
    r"^\s+(?!(?:on|in|at|of|for|to|by|from|with|across|over|and|or|vs|versus|than|compared|"
    r"respectively|points?|pts|percent|times|fold|while|when|which|that|after|under|using|"
    r"higher|lower|better|worse|more|less|fewer|improvements?|gains?|absolute|relative|"
    r"average|on|among|against|within|per|as|is|are|was|were)\b)[a-z]"
)
_HYPERPARAM_B = re.compile(
    r"\b(?=[abdklrstw])(?:temperatures?|learning\s+rates?|thresholds?|range\s+of|"
    r"dropout|weight\s+decay|batch\s+sizes?|k\s*=|lambda|alpha|beta|"
    r"budgets?\s+of|seeds?)\b(?:[^.;]|\.\d){0,30}$",
    re.I,
)
_BUDGET_A = re.compile(r"^\s*(?:[a-z]+\s+)?budgets?\b", re.I)
_METRIC_NOUN_A = re.compile(
    r"^\s*(?:\)\s*)?(?:points?|pts|BLEU|COMET|ROUGE\S*|F1|EM|accuracy|"
    r"mAP|mIoU|AUC|on\s+average|improvements?|gains?)\b",
    re.I,
)

# Word gates: every match of these patterns holds one of the words (lower case), so a
# clause without any of them is answered without running the regex (``text.Gated``);
# ``starts``: every match starts with one of them.
_DELTA_NOUN_WORDS = (
    "improvement", "gain", "variation", "increase", "boost", "reduction", "drop",
    "degradation", "decrease", "speed", "margin", "advantage", "lead", "decline", "cut",
    "saving",
)
_BY_GATE = Gated(_B_BY, ("by",), starts=True)
_DELTA_OF_GATE = Gated(_B_DELTA_OF, _DELTA_NOUN_WORDS, starts=True)
_DELTA_LEAD_GATE = Gated(_B_DELTA_LEAD, _DELTA_NOUN_WORDS, starts=True)
_CHANGE_VERB_GATE = Gated(
    _B_CHANGE_VERB,
    ("reduc", "accelerat", "improv", "increas", "decreas", "cut", "boost", "lower", "rais",
     "shrink", "gain"),
    starts=True,
)
_RATIO_OF_GATE = Gated(
    _B_RATIO_OF, ("only", "merely", "just", "us", "requir", "with"), starts=True
)
_HYPOTHESIS_GATE = Gated(
    _HYPOTHESIS_B, ("hypothesi", "needed to", "required", "threshold", "target of", "must")
)
_DATA_SUBJECT_GATE = Gated(
    _DATA_SUBJECT_B, ("training set", "dataset", "corpus", "data set"), starts=True
)
_HYPERPARAM_GATE = Gated(
    _HYPERPARAM_B,
    ("temperature", "learning", "threshold", "range", "dropout", "weight", "batch", "=",
     "lambda", "alpha", "beta", "budget", "seed"),
)

_QUALIFIERS = (
    (re.compile(r"(?=u)(?:\bup\s*to|\bupto)\s*(?:an?\s+)?$", re.I), "up to"),
    (re.compile(r"(?:\bat\s+least)\s*$", re.I), "at least"),
    (
        re.compile(
            r"(?=[abemo>$])(?:\b(?:more\s+than|over|exceed\w*|above|beyond)|>|\$>\$)"
            r"\s*(?:even\s+)?$",
            re.I,
        ),
        "more than",
    ),
    (
        re.compile(
            r"(?=[bfluw<$])(?:\b(?:less\s+than|under|below|fewer\s+than|within(?:\s+mere)?)"
            r"|<|\$<\$)\s*\(?$",
            re.I,
        ),
        "less than",
    ),
    (
        re.compile(
            r"(?=[anrs~\\])(?:\b(?:about|around|approximately|roughly|nearly|almost|sim|"
            r"approx\.?)|~|\\sim)\s*$",
            re.I,
        ),
        "about",
    ),
    (
        re.compile(
            r"\b(?=[ao])(?:average\s+(?:\w+\s+){0,3}?of|on\s+average\s+(?:of\s+)?"
            r"|avg\.?\s+(?:of\s+)?|average|averaging)\s*(?:\w+\s+){0,2}?$",
            re.I,
        ),
        "average",
    ),
)
# (word gates: every match of each holds one of the words)
_QUALIFIER_GATES = tuple(
    (Gated(pattern, needs), name)
    for (pattern, name), needs in zip(
        _QUALIFIERS,
        (
            ("up",),
            ("least",),
            ("more", "over", "exceed", "above", "beyond", ">"),
            ("less", "under", "below", "fewer", "within", "<"),
            ("about", "around", "approx", "roughly", "nearly", "almost", "sim", "~"),
            ("av",),
        ),
        strict=True,
    )
)
_AVERAGE_A = re.compile(
    r"^\s*(?:\S+\s+){0,4}?(?:on\s+average|in\s+average|averaged|avg\.?)\b", re.I
)
_BASELINE_CUE = re.compile(
    r"\b(?=[abceiorstvw])(?:than|over|compar(?:ed|ing)\s+(?:to|with)|"
    r"comparable\s+(?:\w+\s+)?(?:to|with)|"
    r"relative\s+to|against|vs\.?|versus|outperform\w*|"
    r"surpass\w*|beat\w*|beating|exceed\w*|with\s+respect\s+to|in\s+comparison\s+(?:to|with)|"
    # "15% the size of ResNet50", "3x the size of X": a fraction or multiple of a reference
    r"(?:(?<=\d[%x\u00d7]\s)|(?<=\d\\%\s))(?:the\s+(?:size|cost|memory|parameters)\s+of|"
    # "29% as many parameters as ViT", "2x as fast as X"
    r"as\s+(?:(?:many|much|few|little)\s+(?:[\w-]+\s+){0,2}?|[a-z]+\s+)as|"
    # "13% of the parameters found in X": a fraction of what X has
    r"of\s+(?:the\s+)?[\w-]+\s+(?:found\s+in|of|used\s+by|required\s+by)))\s+",
    re.I,
)
_BASELINE_STOP = re.compile(
    r"\s+(?:by|on|in|across|at|with|while|using|for|which|that|when|as|under|through|"
    r"without)\b|\s+and\s+(?:(?:is|are|was|were|has|have)\b|achiev|reach|obtain|attain|requir|"
    r"reduc|deliver|yield|keep|retain|maintain|need|run)|\s+of\s+(?=\d)|[,;:.(]\s|[,;:]|\s\(|\.$",
    re.I,
)
# "outperforming closed models such as RT-2-X (55B) by 16.5%": a class of systems
# (lower-case words, no preposition) followed by named examples of it; the reference
# the number is measured against is the named example, not the class.
_CLASS_WORD = (
    r"(?!(?:by|on|in|across|at|with|while|using|for|which|that|when|under|through|"
    r"without|of|to|and|or)\b)[a-z][\w-]*"
)
_CLASS_THEN_EXAMPLES = re.compile(
    r"(?:" + _CLASS_WORD + r"\s+){0,6}?" + _CLASS_WORD
    + r",?\s+(?:such\s+as|including|e\.g\.,?)\s+(?=[A-Z0-9])"
)
_SUBJECT_VERB = re.compile(
    # ("Minitron models exhibit ...": a head noun may follow the name; "the X model
    # using Y" is a noun phrase, not a subject and its verb)
    r"^\s*(?:\([^)]*\)\s*)?(?:(?:models?|family|variants?|series|agents?)\s+(?!using\b))?"
    r"(?:,[^,]*,\s*|,\s*)?(?:also\s+|further\s+|even\s+|still\s+|consistently\s+|"
    r"significantly\s+|can\s+|could\s+|only\s+|now\s+|then\s+)*(?:achiev|reach|obtain|attain|"
    r"outperform|surpass|improv|exceed|beat|match|deliver|yield|show|exhibit|demonstrat|enjoy|"
    r"requir|reduc|cut|boost|run|is|are|was|were|has|have|provid|gets?|scor|establish|set|"
    r"perform|represent|trains?|converg|uses?|using|needs?|consum|leads?|enabl|ranks?|"
    r"accelerat|compress|process|generat|increas|speed|sav|retain|maintain|preserv|recover|"
    r"surpass|attain|lower|gain|record|push|bring|narrow|close|produc|approach|help|offer|"
    r"rival|excel)",
    re.I,
)
# "outperforms 16-bit LoRA at 80.06%": the number after "at" is the level of the object
_OBJECT_AT = re.compile(
    r"\b(?=[beos])(?:outperform\w*|surpass\w*|beat\w*|exceed\w*)\s+"
    r"(?P<name>(?:[\w\-.]+\s+){0,2}?[\w\-.]*[A-Z0-9][\w\-.]*)\s+"
    r"(?:at|with)\s+(?:only\s+)?$"
)
_OBJECT_AT_GATE = Gated(_OBJECT_AT, ("outperform", "surpass", "beat", "exceed"), starts=True)
# A subject that is a kind of system rather than a name: "existing TTT methods",
# "current long context LLMs", "standard training" (a baseline described in words).
_GENERIC_SUBJECT = re.compile(
    r"^\s*(?:[A-Z]\w+,\s+)?(?:the\s+|even\s+)?(?P<np>(?:existing|current|previous|prior|standard|"
    r"conventional|traditional|vanilla|original|small|larger?|human|untrained)\s+"
    r"(?:[\w\-]+\s+){0,3}?(?:models?|methods?|approaches|LLMs|systems|training|baselines?|"
    r"annotators|humans|experts|studies|works))\b",
    re.I,
)
_BASE_MODEL_CUE = re.compile(
    r"\b(?=[abfiow])(?:on|with|from|based\s+on|built\s+on|fine-?tun\w+\s+(?:from|on)|applied\s+to|"
    r"initiali[sz]ed\s+(?:from|with)|for)\s+(?:the\s+|a\s+)?$",
    re.I,
)
_HUMAN_RE = re.compile(
    r"\b(?=[acehp])(?:human(?:s| annotators| experts| raters| evaluators)?|"
    r"annotators|experts|crowd\s*workers|people)\b",
    re.I,
)
_OUR_RE = re.compile(
    r"\b(?=[iopstw])(?:our|we|proposed|this\s+(?:method|approach|model|framework|work|"
    r"system|technique)|the\s+(?:method|approach|model|framework|resulting)|"
    r"it|its)\b",
    re.I,
)
_SETTING_RES = (
    re.compile(r"\b(?=[\dfotz])(?:\d+|zero|one|few|two|three|five)[- ]shot\b", re.I),
    re.compile(r"\bpass@\d+\b"),
    re.compile(r"\b(?=[\dFI])(?:\d+-bit\b|INT[248]\b|FP(?:8|16)\b)"),
    re.compile(
        r"\b(?=[\dc])(?:\d+[Kk]\s+context(?:\s+length)?\b"
        r"|contexts?\s+as\s+long\s+as\s+\d+[Kk]\s+tokens)"
    ),
)
# a word one of which every match of each _SETTING_RES pattern holds
_SETTING_NEEDS = (("shot",), ("pass@",), ("-bit", "INT", "FP"), ("context",))
_SETTING_GATES = tuple(
    (pattern, needs, bool(pattern.flags & re.IGNORECASE))
    for pattern, needs in zip(_SETTING_RES, _SETTING_NEEDS, strict=True)
)
_TASK_RE = re.compile(
    r"\b(?=[fio])(?:on|in|for)\s+(?:the\s+)?((?:[a-z][\w\-]*\s+){0,3}?"
    r"(?:tasks?|QA|question answering|reasoning|generation|translation|"
    r"summarization|code completion|classification|retrieval))\b",
    re.I,
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# smaller cues, compiled once (a module-level re.search looks its pattern up every call)
_LARGER_A = re.compile(r"^\s*(?:larger|bigger)")
_SCORE_OF_B = re.compile(r"(?=[as])(?:scores?|accuracy)\s+(?:of\s+)?$", re.I)
_FROM_TO_VS_B = re.compile(r"\b(?=[ftv])(?:from|to|vs\.?)\s*$")
_OF_A = re.compile(r"^\)?\s*of\b")
_OF_B = re.compile(r"\bof\s*$")
# a duration of making a model (training it, or obtaining, building, distilling one)
_TRAIN_B = re.compile(
    r"\b(?=[bcdfopqt])(?:train|pre-?train|fine-?tun|distill|quantiz|obtain|produc|creat|buil[dt])",
    re.I,
)
# "GPU throughputs of 38.38%": a cost or resource noun right before a level names it
_OF_LEVEL = re.compile(
    r"\s(?:of|:)\s+(?:only\s+|just\s+|about\s+|around\s+|approximately\s+|nearly\s+|"
    r"up\s+to\s+)?"
    # the levels listed before this one share the noun ("throughputs of 38%, 36%, and ")
    r"(?:\d[\d.]*\s*(?:\\?%|x|\u00d7)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)){0,8}$"
)
# "with 2B activated parameters", "our 7B and 13B parameters": a size, not what is measured
_SIZE_THEN = re.compile(
    r"\d\s*(?:[KMBT]|thousand|million|billion|trillion)\b[\s-]*"
    r"(?:(?:activated|active|trainable|total|learnable)\s+)?$",
    re.I,
)
# the next number after a number, unless the two are a list ("75% and 84.5% accuracy",
# "28.5% (maybe even 18.2%) of computations"); a number hyphenated to a word modifies
# the noun that follows ("56% 5-shot accuracy"), it does not take it
_NEXT_NUMBER = re.compile(r"(?<![\w@.\-'’])\d+(?:[.,]\d+)*(?!-[A-Za-z]|[\d.,])")
_IN_DIMENSION = re.compile(r"\s+in\s+(?:the\s+)?")
_NAME_BEFORE_NUMBER = re.compile(r"[A-Z][\w\-]*\s*$")
_LIST_SEPARATOR = re.compile(
    r"\s*(?:\\?%)?\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|/|\(\s*(?:[a-z]+\s+){0,3})\s*"
)
# "the Natural Language Inference (NLI) metric increasing from 25% to 37%": a metric
# the lexicon does not list, named by its acronym right before the word "metric"
_NAMED_METRIC = re.compile(r"\b(?P<name>[A-Z][A-Z0-9@\-]{1,9})\)?\s+metric\b")
_PHRASE_DETERMINER = re.compile(r"^(?:the|a|an|all|other|existing|several|many|most)\s+", re.I)
_LEADING_DIGIT = re.compile(r"^\d")
_COMPARED_NAME_B = re.compile(
    r"(?=[abeostvw])(?:than|over|to|with|against|vs\.?|versus|outperform\w*|surpass\w*|beat\w*|"
    r"exceed\w*)\s+(?:\S+\s+){0,4}$",
    re.I,
)
_EXAMPLE_NAME_B = re.compile(
    r"\b(?=[eils])(?:such as|like|including|e\.g\.)\s+(?:\S+\s+){0,2}$", re.I
)
_INTRODUCED_B = re.compile(r"\b(?=[ip])(?:propos|introduc|present)\w*\s+(?:\(\w+\)\s*)?$")
_APPOSITIVE_A = re.compile(r"^\s*(?:\([^)]*\)\s*)?,\s*(?:which|that|a|an)\b")
_SIZE_DETERMINER_B = re.compile(r"\b(?=[afiotw])(?:a|an|the|of|our|its|with|to|at|only|from)\s$")
_SIZE_OWNER_B = re.compile(
    r"([A-Z][\w\-]*[A-Z0-9][\w\-]*)\s+(?:with|of|has|having)\s+(?:only\s+|just\s+|about\s+)?$"
)
_COMPARED_OR_EXAMPLE_B = re.compile(
    r"\b(?=[abceilostv])(?:than|over|against|vs\.?|versus|outperform\w*|surpass\w*|beat\w*|"
    r"exceed\w*|such\s+as|like|including|e\.g\.,?|compared\s+(?:to|with)|"
    r"comparable\s+(?:\w+\s+)?(?:to|with))\s+(?:\S+\s+){0,4}$",
    re.I,
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_COMPARISON = re.compile(r"\b(?=[acotv])(?:vs\.?|versus|compared|than|over|against)\b")
_NAME_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|/)\s*")
_PAREN_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|&\s*|and\s+)\s*")
_PAIR_TO_GAP = re.compile(r"\s*(?:%|\\%)?\s*to\s*")
_PAIR_VS_GAP = re.compile(r"\s*(?:%|\\%)?\s*(?:vs\.?|versus)\s*")
_COMPARISON_GATE = Gated(
    _COMPARISON, ("vs", "versus", "compared", "than", "over", "against"), starts=True
)
_TASK_GATE = Gated(
    _TASK_RE,
    ("task", "qa", "question answering", "reasoning", "generation", "translation",
     "summarization", "code completion", "classification", "retrieval"),
)
_HUMAN_GATE = Gated(
    _HUMAN_RE, ("human", "annotators", "experts", "crowd", "people"), starts=True
)


_ON_WORDS = r"\W*(?:\w+\s+){0,3}?(?:on|in)\s+(?:the\s+)?"
# The benchmark is data: it goes into the text, before a NUL, and a back-reference
# matches it, so one compiled pattern serves every name (no regex built per benchmark).
_MEASURED_ON = re.compile(r"(?P<name>[^\x00]*)\x00" + _ON_WORDS + r"(?P=name)")


def _measured_on(benchmark: str, after: str) -> bool:
    """Whether ``after`` says "on <benchmark>" within a few words."""
    if "\x00" in benchmark:  # (never in practice) the name itself holds the separator
        return re.match(_ON_WORDS + re.escape(benchmark), after) is not None
    return _MEASURED_ON.match(benchmark + "\x00" + after) is not None


Mention = tuple[int, int, str, str | None]  # a benchmark: start, end, as written, id

_FRAME_BEFORE = re.compile(r"(?:On|For)\s+(?:the\s+)?$")
_PAREN_OPEN_AFTER = re.compile(r"\s*\([^()]*")


def _frames(name: str, sent: Sentence, m: NumberMention, bms: list[Mention], text: str) -> bool:
    """Whether the benchmark ``name`` frames the number without an "on" after it: the
    sentence opens with it ("On MSC, ... a 4x reduction in computation"), or the number
    stands in a parenthesis right after it ("on ImageNet (82.71% accuracy with 29% as
    many parameters as ViT)")."""
    for start, end, written, _ in bms:
        if written != name or end > m.start:
            continue
        if _FRAME_BEFORE.fullmatch(text, sent.start, start):
            return True
        if _PAREN_OPEN_AFTER.fullmatch(text, end, m.start):
            return True
    return False


class _Paper:
    """What the rules know about the whole abstract, and what they read in its sentences.

    Several rules, and every claim of a sentence, ask for the same sentence's names,
    benchmarks and sizes, so each is read once per sentence and kept here for the rest
    of the abstract; facts about the whole abstract are read when a rule first needs
    them (most abstracts never need some of them). Lives for one abstract only.
    """

    def __init__(
        self,
        text: str,
        title: str | None,
        system: str | None,
        known: frozenset[str],
        sentences: tuple[Sentence, ...],
        finder: BenchmarkFinder,
        system_is_benchmark: bool = False,
    ) -> None:
        self.text = text
        self.title = title
        self.system = system
        self.known = known
        self.sentences = sentences
        self.finder = finder
        self.system_is_benchmark = system_is_benchmark  # it introduces a benchmark
        self._names: dict[int, list[Name]] = {}
        self._benchmarks: dict[int, list[Mention]] = {}
        self._sizes: dict[int, list[SizeMention]] = {}
        self._cues: dict[int, list[tuple[int, str]]] = {}
        self._roles: dict[int, _NameRoles] = {}

    def names(self, sent: Sentence) -> list[Name]:
        """Name mentions of a sentence (offsets into the abstract)."""
        found = self._names.get(sent.start)
        if found is None:
            found = self._names[sent.start] = _names_in(self, sent)
        return found

    def benchmarks(self, sent: Sentence) -> list[Mention]:
        """Benchmark mentions of a sentence (offsets into the abstract)."""
        found = self._benchmarks.get(sent.start)
        if found is None:
            found = self._benchmarks[sent.start] = _benchmarks_in(sent, self.finder)
        return found

    def sizes(self, sent: Sentence) -> list[SizeMention]:
        """Model sizes written in a sentence (offsets into the sentence). Read-only."""
        found = self._sizes.get(sent.start)
        if found is None:
            found = self._sizes[sent.start] = find_sizes(sent.text)
        return found

    def cues(self, sent: Sentence) -> list[tuple[int, str]]:
        """Baseline cues of a sentence and the references they name (offsets into it)."""
        found = self._cues.get(sent.start)
        if found is None:
            found = self._cues[sent.start] = _baseline_cues(sent.text)
        return found

    def name_roles(self, sent: Sentence) -> _NameRoles:
        """What the text says about each of ``names(sent)``."""
        found = self._roles.get(sent.start)
        if found is None:
            found = self._roles[sent.start] = _NameRoles(self, sent)
        return found

    @cached_property
    def folded(self) -> str:
        """The abstract folded for cheap "can this pattern match?" tests (``text.folded``)."""
        return folded(self.text)

    @cached_property
    def system_size(self) -> tuple[float | None, float | None]:
        """(params, active params) the abstract declares for its own system."""
        return _declared_system_size(self)

    @property
    def system_params(self) -> float | None:
        return self.system_size[0]

    @property
    def system_active(self) -> float | None:
        return self.system_size[1]

    @cached_property
    def keeps_size(self) -> bool:
        """Whether the paper's method leaves a model's parameter count as it was."""
        # (each regex is tried only where one of its words starts: no whole-abstract scan)
        text, low = self.text, self.folded
        return not _FEWER_PARAMETERS_GATE.search(text, low) and (
            not _SIZE_CHANGING_GATE.search(text, low) or bool(_QUANTIZATION_GATE.search(text, low))
        )


def _sentence_of(sentences: tuple[Sentence, ...], pos: int) -> Sentence:
    for s in sentences:
        if s.start <= pos < s.end:
            return s
    return sentences[-1]


def _clause_before(text: str, start: int, sent: Sentence) -> str:
    """Text of the sentence before ``start``, from the last clause break."""
    head = text[sent.start : start]
    cut = max(head.rfind("; "), head.rfind(": "))
    return head[cut + 2 :] if cut >= 0 else head


def _after(text: str, end: int, sent: Sentence, n: int = 80) -> str:
    return text[end : min(sent.end, end + n)]


_DURATIONS = frozenset(
    {
        "ms",
        "milliseconds",
        "seconds",
        "secs",
        "sec",
        "s",
        "minutes",
        "mins",
        "min",
        "hours",
        "hrs",
        "hr",
        "days",
        "weeks",
        "A100 GPU hours",
        "GPU hours",
        "GPU-hours",
        "accelerator hours",
        "accelerator-hours",
    }
)

#: What a number written with a resource unit measures.
_UNIT_METRICS = {
    "GB": "memory",
    "MB": "model size",
    "kB": "memory",
    "KB": "memory",
    "W": "power",
    "tokens/s": "throughput",
    "FLOPs": "compute",
    "flops": "compute",
    "Petaflops": "throughput",
    "PFLOPs": "throughput",
    "TFLOPs": "throughput",
    "words": "output length",
}

#: Metrics of cost and size: measured on a system, not on a benchmark.
EFFICIENCY_METRICS = frozenset(
    {
        "speed",
        "latency",
        "throughput",
        "memory",
        "compute",
        "energy efficiency",
        "parameters",
        "model size",
        "training data",
        "tokens",
        "cost",
        "power",
        "training time",
    }
)

#: A bare number with no reading of its own: a claim only as part of a list of claims.
WEAK = "weak"


def _classify(
    m: NumberMention, before: str, after: str, lex: Lexicon, sentence_head: str
) -> str | None:
    """The kind of a number (score/delta/ratio), or None when it is not a claim."""
    unit = m.unit
    # (the two cheap tests first: all three only ever say "not a claim")
    if m.magnitude and unit not in ("FLOPs", "flops", "GB"):
        return None  # sizes, token counts, dataset sizes: settings, not claims
    if unit in ("parameter", "parameters", "params", "tokens"):
        return None
    low = folded(before)  # for the word gates of the patterns read before the number
    if _HYPOTHESIS_GATE.search(before[-60:], low[-60:]) or _BUDGET_A.match(after):
        return None
    if unit in ("x", "orders of magnitude"):
        if _SETUP_RATIO_A.match(after) or (
            _DATA_SUBJECT_GATE.search(before, low) and _DATA_RATIO_A.match(after)
        ):
            return None
        if _DATA_SUBJECT_GATE.search(before[-40:], low[-40:]) and _LARGER_A.match(after):
            return None
        return "ratio"
    if unit == "%" and _SETUP_PERCENT_A.match(after):
        return None
    if m.attached_letters or (unit is None and _SETTING_AFTER_HYPHEN.match(after)):
        return None
    if unit is None and not m.is_word:
        is_int = "." not in m.value_text
        if is_int and _YEAR.match(m.value_text):
            return None
        if is_int and after.startswith(")") and _LIST_MARKER_B.search(before[-3:] or "("):
            return None
        if _COUNT_A.match(after) or (is_int and _COUNT_WORD_A.match(after)):
            return None
        if _HYPERPARAM_GATE.search(before, low):
            return None
        if not (
            _METRIC_NOUN_A.match(after)
            or lex.metric_re.match(after.lstrip())
            or _SCORE_CONTEXT_B.search(before)
        ):
            return WEAK
        if is_int and not (
            _METRIC_NOUN_A.match(after)
            or _BY_GATE.search(before, low)
            or _SCORE_OF_B.search(before)
            or _FROM_TO_VS_B.search(before)
        ):
            return WEAK
    if unit in (
        "hours",
        "days",
        "weeks",
        "months",
        "minutes",
        "mins",
        "seconds",
    ) and _BUDGET_DURATION_B.search(before):
        return None
    if unit == "%" and (
        _A_RATIO_OF.match(after) or (_RATIO_OF_GATE.search(before, low) and _OF_A.match(after))
    ):
        return "ratio"
    if (  # (cheapest first; the sentence head is the longest text)
        _A_DELTA.match(after)
        or _BY_GATE.search(before, low)
        or _DELTA_OF_GATE.search(before, low)
        or _CHANGE_VERB_GATE.search(before, low)
        or (_DELTA_LEAD_GATE.search(sentence_head) and not _PAIR_A.match(after))
    ):
        if unit in ("GB", "MB", "kB") and not _B_BY.search(before) and not _A_DELTA.match(after):
            return "score"
        return "delta"
    return "score"


def _qualifier(m: NumberMention, before: str, after: str) -> str | None:
    if m.is_range:
        return "range"
    tail = before[-40:]
    low = folded(tail)
    for gate, name in _QUALIFIER_GATES:
        if gate.search(tail, low):
            return name
    if _AVERAGE_A.match(after):
        return "average"
    return None


def _metric(m: NumberMention, kind: str, before: str, after: str, lex: Lexicon) -> str | None:
    """Nearest metric word after the number (its own noun), else before it.

    (Each scan of the lexicon runs only once a rule needs its result.)"""
    if m.unit in _DURATIONS:
        return "training time" if _TRAIN_B.search(before) else "latency"
    unit_metric = _UNIT_METRICS.get(m.unit or "")
    if unit_metric:
        return unit_metric
    # After the number the nearest word wins: the first match of a scan is its
    # leftmost, so one search does (matches of one scan never overlap). Before it, the
    # last match is the nearest (ends grow from match to match).
    a = after[:50].partition(";")[0]  # (past a ";" is another clause)
    # what follows the next number is that number's ("by 2x and even beats training with
    # 4x larger batches": "larger" is the 4x's)
    nxt = _NEXT_NUMBER.search(a)
    if (
        nxt
        and not _LIST_SEPARATOR.fullmatch(a, 0, nxt.start())
        and not _NAME_BEFORE_NUMBER.search(a, 0, nxt.start())  # "in WMT 2016 En-Ro scores"
    ):
        # ... and so is what follows "and" before it: "by 95.91% and the memory by 94.01%",
        # "up to 9.1x and reduce the latency up to 9.4x" (parallel items, one number each)
        a = a[: nxt.start()].partition(" and ")[0]
    dim = lex.dimension_re.search(a)
    if dim:  # "1.3x speedup in throughput": the dimension the change is in
        inner = _IN_DIMENSION.match(a, dim.end())
        if inner:
            dim = lex.dimension_re.match(a, inner.end()) or dim
    if kind == "ratio" and dim:
        return lex.dimension_of(dim)
    met = lex.metric_re.search(a)
    if met and (not dim or met.start() <= dim.start()):
        return lex.metric_of(met)
    if dim and kind != "score":
        return lex.dimension_of(dim)
    b = before if kind != "ratio" else before[-80:]
    met_b = _last(lex.metric_re, b)
    if kind == "score":  # a score's metric is a metric word, or a dimension that names it
        # (a longer look back only where a list of levels may end: ", " or "and ")
        tail = b[-90:] if b[-2:-1] in (",", "d", "r") and b[-1:].isspace() else b[-30:]
        of_level = _OF_LEVEL.search(tail) if " of " in tail or ":" in tail else None
        if of_level:
            noun_end = len(b) - len(of_level.group())  # the noun must end right there
            noun = b[max(0, noun_end - 40) : noun_end]
            dim_b = _last(lex.dimension_re, noun)
            if dim_b and dim_b.end() == len(noun) and (not met_b or met_b.end() < noun_end):
                return lex.dimension_of(dim_b)
        if met_b:
            return lex.metric_of(met_b)
        named = _last(_NAMED_METRIC, b) if "metric" in b else None
        return named.group("name").lower() if named else None
    dim_b = _last(lex.dimension_re, b)
    if dim_b and _SIZE_THEN.search(b, max(0, dim_b.start() - 30), dim_b.start()):
        dim_b = None  # "with only 2B activated parameters, surpasses X by 8.8%"
    if dim_b and (not met_b or dim_b.end() > met_b.end()):
        return lex.dimension_of(dim_b)
    if met_b:
        return lex.metric_of(met_b)
    return None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of ``pattern.finditer(text)``, else None."""
    last = None
    for last in pattern.finditer(text):  # noqa: B007 (only the last one is wanted)
        pass
    return last


def _direction(kind: str, before: str, after: str, lex: Lexicon) -> str | None:
    if kind == "score":
        return None
    a = after[:40]
    inc, dec = lex.increase_re.search(a), lex.decrease_re.search(a)
    if inc or dec:
        if inc and dec:
            return "increase" if inc.start() < dec.start() else "decrease"
        return "increase" if inc else "decrease"
    b = before[-80:]
    inc_b, dec_b = _last(lex.increase_re, b), _last(lex.decrease_re, b)
    if inc_b or dec_b:  # the nearer word wins
        inc_end = inc_b.end() if inc_b else -1
        dec_end = dec_b.end() if dec_b else -1
        return "increase" if inc_end > dec_end else "decrease"
    return "increase" if kind == "delta" else None


def _delta_type(unit: str | None, before: str, after: str, of_metric: bool) -> str | None:
    """Absolute when written so, in points, or as a number of the metric itself
    (``of_metric``: "a 1.67 accuracy gain", "12 BLEU"); relative when written so; else
    unspecified."""
    window = (before[-40:] + " " + after[:40]).lower()
    if (
        unit in ("pp", "points")
        or of_metric
        or "absolute" in window
        or "percentage point" in window
    ):
        return "absolute"
    if "relative" in window:
        return "relative"
    return "unspecified"


def _clean_phrase(phrase: str) -> str | None:
    phrase = _PHRASE_DETERMINER.sub("", phrase.strip())
    phrase = phrase.strip(" ,;:.()")
    if phrase.count("(") > phrase.count(")"):  # "MPCFORMER(ICLR 2023": a gloss cut off
        phrase = phrase[: phrase.rfind("(")].rstrip(" ,;:.(")
    if not phrase or len(phrase) > 80 or _LEADING_DIGIT.match(phrase):
        return None
    return phrase


_NUMBER_PHRASE = re.compile(r"^(?:the\s+)?(?:\d|ten|two|three|twice|half)")
# what may stand between a number and the reference it is measured against: "33%) over",
# "26% (7% to 33%) over" (the before and after of the change, in parentheses), "9x
# smaller than", "3x fewer tokens than" (a comparative and what it compares)
_CUE_RIGHT_AFTER = re.compile(
    r"[\s%\\\w.]{0,4}(?:\s*to\s*[\d.]+%?)?\)?\s*"
    r"(?:(?:more|less|fewer|[a-z]+er)(?:\s+[a-z]+)?\s+)?"
    r"(?:\(\s*[\d.]+\s*\\?%?\s*(?:to|vs\.?|->|→)\s*[\d.]+\s*\\?%?\s*\)\s*)?"
)


def _baseline_cues(window: str) -> list[tuple[int, str]]:
    """(offset, reference) of every baseline cue of a sentence ("than X", "over X",
    "compared to X"), the same for every number of the sentence (``_Paper.cues``)."""
    cues = []
    for cue in _BASELINE_CUE.finditer(window):
        start = cue.end()
        examples = _CLASS_THEN_EXAMPLES.match(window, start)
        if examples:
            start = examples.end()
        stop = _BASELINE_STOP.search(window, start)
        phrase = window[start : stop.start() if stop else len(window)]
        cleaned = _clean_phrase(phrase)
        if not cleaned or _NUMBER_PHRASE.match(phrase):
            continue
        cues.append((cue.start(), cleaned))
    return cues


_WHICH_CLAUSE = re.compile(r",\s*which\b")


def _cue_right_after(sent: Sentence, m: NumberMention, cue_start: int) -> bool:
    """Whether the baseline cue at ``cue_start`` (an offset into the sentence) is written
    right after the number ("33% over X", "26% (7% to 33%) over X")."""
    rel, tail_rel = m.start - sent.start, m.tail_end - sent.start
    return cue_start >= rel and bool(_CUE_RIGHT_AFTER.fullmatch(sent.text[tail_rel:cue_start]))


def _baseline(p: _Paper, sent: Sentence, m: NumberMention, level: bool) -> str | None:
    """The reference named after "than/over/compared to/outperforms ... by". A level
    (``level``) is not measured against a reference named after it in a relative clause
    ("reaches 98% ..., which is an improvement over X": X is the improvement's)."""
    clause_start = sent.start
    window = sent.text
    rel = m.start - clause_start
    best: tuple[int, str] | None = None
    tail_rel = m.tail_end - clause_start
    for cue_start, cleaned in p.cues(sent):
        # prefer a cue right after the number ("(7% to 33%) over the initial model"),
        # then the nearest before it, then the first after it
        if _cue_right_after(sent, m, cue_start):
            distance = -1
        elif cue_start < rel:
            distance = rel - cue_start
        elif ";" in window[tail_rel:cue_start] or (
            level and _WHICH_CLAUSE.search(window, tail_rel, cue_start)
        ):
            continue  # after the number, past a ";" (or for a level, in a ", which"
            # clause), a reference is another clause's
        else:
            distance = 10_000 + cue_start - rel
        if best is None or distance < best[0]:
            best = (distance, cleaned)
    return best[1] if best else None


def _names_in(p: _Paper, sent: Sentence) -> list[Name]:
    """Names of a sentence, offsets into the abstract (read once: ``_Paper.names``)."""
    return find_names(sent.text, p.known, offset=sent.start)


class _NameRoles:
    """What the words before each name of a sentence say about it: the same for every
    number of the sentence, so each fact is read the first time a rule asks for it
    and kept for the sentence's other numbers (``_Paper.name_roles``)."""

    def __init__(self, p: _Paper, sent: Sentence) -> None:
        self._text = p.text
        self._sent = sent
        self.names = p.names(sent)
        self._benchmarks = p.benchmarks(sent)
        self._base: list[bool] | None = None
        self._subject: dict[int, tuple[bool, bool]] = {}

    def _before(self, i: int, width: int) -> str:
        start = self.names[i].start
        return self._text[max(self._sent.start, start - width) : start]

    def base_cues(self) -> list[bool]:
        """Per name: written as a base model ("fine-tuned from X", "built on X")."""
        if self._base is None:
            self._base = []
            for i, n in enumerate(self.names):
                near = self._before(i, 40)
                self._base.append(
                    bool(_BASE_MODEL_CUE.search(near))
                    and not _SIZE_OF_BASELINE.search(near)
                    and not _is_benchmark_name(n.text, self._benchmarks)
                )
        return self._base

    def subject(self, i: int) -> tuple[bool, bool]:
        """(may be a subject, introduced): not a benchmark, a metric, a reference, a base
        model or an example; and written after "we propose/introduce/present"."""
        found = self._subject.get(i)
        if found is None:
            name = self.names[i].text
            pre = self._before(i, 60)
            eligible = not (
                _is_benchmark_name(name, self._benchmarks)
                or default_lexicon().metric_re.fullmatch(name)
                or (_BASELINE_CUE.search(pre[-35:] + " ") and _COMPARED_NAME_B.search(pre))
                or _BASE_MODEL_CUE.search(pre)
                or _EXAMPLE_NAME_B.search(pre)
            )
            found = self._subject[i] = (eligible, bool(_INTRODUCED_B.search(pre)))
        return found


def _is_benchmark_name(name: str, benchmarks: list[tuple[int, int, str, str | None]]) -> bool:
    return any(name == b[2] or name in b[2] for b in benchmarks)


def _subject(
    p: _Paper,
    sent: Sentence,
    m: NumberMention,
    names: list[Name],
    benchmarks: list[tuple[int, int, str, str | None]],
) -> tuple[str | None, str | None]:
    """(model, base_model): the named subject of the clause holding the number."""
    text = p.text
    clause = _clause_before(text, m.start, sent)
    clause_start = m.start - len(clause)
    object_at = _OBJECT_AT_GATE.search(clause)
    if object_at:
        return object_at.group("name").strip(), None
    roles = p.name_roles(sent)  # (``names`` and ``benchmarks`` are the sentence's own)
    base = None
    for n, base_cue in zip(names, roles.base_cues(), strict=True):
        if base_cue and (size_from_name(n.text)[0] or n.start < m.start):
            base = base or n.text
    for i, n in enumerate(names):
        if not clause_start <= n.start < m.start:
            continue
        eligible, introduced = roles.subject(i)
        if not eligible:
            continue
        after_name = text[n.end : m.start]
        if (
            _SUBJECT_VERB.match(after_name)
            or n.text == p.system
            or introduced
            or _APPOSITIVE_A.match(after_name)
        ):
            if p.system and _glosses_system(after_name, p.system):
                return p.system, base  # "LRCs (WeLore) can outperform": the system, glossed
            return n.text, (base if base != n.text else None)
    generic = _GENERIC_SUBJECT.match(clause)
    if generic:
        return generic.group("np").strip(), base
    # an unnamed subject ("our model", "we", "it") is the paper's own system
    if p.system and not p.system_is_benchmark:
        return p.system, base
    return None, base


def _glosses_system(after_name: str, system: str) -> bool:
    """Whether the text right after a name is the paper's system in parentheses."""
    rest = after_name.lstrip()
    return rest.startswith("(") and rest[1:].partition(")")[0].strip() == system


# Methods that change a model's parameter count: pruning, distillation into a smaller
# model, or any abstract that says it reduces the parameters. Quantization, fine-tuning
# and prompting keep the base model's count.
# Compression changes a model's parameter count, unless it is quantization; pruning,
# distillation and text saying the parameters are reduced change it whatever else.
_SIZE_CHANGING = re.compile(
    r"\b(?=[cl])(?:compress\w*|low-rank\s+(?:decomposition|factori[sz]ation|approximation))\b", re.I
)
_QUANTIZATION = re.compile(r"\bquanti[sz]\w*", re.I)
_FEWER_PARAMETERS = re.compile(
    r"\b(?=[cdfprst])(?:prun\w+|distill\w*|sparsif\w+|tensor\s+networks?|fewer\s+parameters|"
    r"(?:reduc\w*|cut\w*|decreas\w*)\s+(?:[\w%]+\s+){0,5}?(?:parameters|model\s+size))\b",
    re.I,
)
# every match of each starts with one of these words
_SIZE_CHANGING_GATE = Gated(_SIZE_CHANGING, ("compress", "low-rank"), starts=True)
_QUANTIZATION_GATE = Gated(_QUANTIZATION, ("quanti",), starts=True)
_FEWER_PARAMETERS_GATE = Gated(
    _FEWER_PARAMETERS,
    ("prun", "distill", "sparsif", "tensor", "fewer", "reduc", "cut", "decreas"),
    starts=True,
)
_NAME_PAREN_SIZE = re.compile(r"[\w\-]\s*\($")
_PAREN_GLOSS = re.compile(r"\([^()]*[A-Z][\w\-]*[^()]*,\s*$")


_SIZE_NAME_TAIL = re.compile(
    r"(?:[A-Za-z][\w\-.]*[A-Z0-9][\w\-.]*|[A-Z][\w\-.]*\s\d+(?:\.\d+)?)\s$"
)
# a plain capitalised name in a list or a comparison: "such as Mistral 7B, Gemma 7B"
# (tried only on the last words, and only after a lower-case letter and a space)
_SIZE_LISTED_NAME = re.compile(
    r"(?:[,(;]\s*|\b(?:and|or|as|like|than|vs\.?|versus|including|to|with)\s)[A-Z][a-z]+\s$"
)
_SIZE_BOUND_BEFORE = re.compile(
    r"(?=[<>≤≥abeflmou])(?:<|>|≤|≥|\bup\s+to|\bat\s+least|\bat\s+most|\bover|\bmore\s+than|"
    r"\bless\s+than|\bunder|\bbelow|\babove|\bfrom|\bbeyond|\bexceeding)\s*(?:at\s+least\s+)?$",
    re.I,
)
_SIZE_BOUND_AFTER = re.compile(
    r"\s*(?:parameters?\s+)?(?:or\s+(?:less|more|fewer|smaller|larger)|"
    r"and\s+(?:above|below|beyond)|to\s+\d)",
    re.I,
)
_SIZE_OF_BASELINE = re.compile(
    r"\b(?=[bcelostv])(?:than|over|outperform\w*|surpass\w*|beat\w*|exceed\w*|"
    r"compared\s+(?:to|with)|"
    r"comparable\s+(?:\w+\s+)?(?:to|with)|versus|vs\.?|such\s+as|like)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:\S+\s+){0,2}$",
    re.I,
)


def _sentence_sizes(
    p: _Paper,
    sent: Sentence,
    subject: str | None = None,
    not_owners: frozenset[str] = frozenset(),
) -> set[float]:
    """Distinct parameter sizes stated in prose in a sentence, except sizes that belong
    to another name: a name's own tail ("LLaMA2 7B"), a gloss ("RT-2-X (55B)") or a
    description ("PairRM with only 0.4B parameters")."""
    out = set()
    text = sent.text
    for z in p.sizes(sent):
        if not z.params:
            continue
        before = text[max(0, z.start - 40) : z.start]
        after = text[z.end : z.end + 20]
        if _NAME_PAREN_SIZE.search(text[max(0, z.start - 3) : z.start]) or _PAREN_GLOSS.search(
            before
        ):
            continue  # "RT-2-X (55B)", "(Turing-NLG, 17B parameters)": another model's size
        if (
            _SIZE_NAME_TAIL.search(before)
            or (before[-2:-1].islower() and _SIZE_LISTED_NAME.search(before[-30:]))
        ) and not _SIZE_DETERMINER_B.search(before):
            continue  # "LLaMA2 7B", "Llama 3 8B", "Mistral 7B": the size ends a model name
        if _SIZE_BOUND_BEFORE.search(before) or _SIZE_BOUND_AFTER.match(after):
            continue  # "<1M parameters", "up to 2.7B", "7B or less": a bound, not a size
        if _SIZE_OF_BASELINE.search(before):
            continue  # "outperforms a 7B parameter model": the size of the reference
        owner = _SIZE_OWNER_B.search(before)
        if owner and subject and owner.group(1) != subject and owner.group(1) not in not_owners:
            continue
        out.add(z.params)
    return out


def _evaluated_name_sizes(
    text: str, sent: Sentence, names: list[Name], m: NumberMention
) -> set[float]:
    """Sizes in the names of models the sentence evaluates ("on Llama2-70B", "with
    Zephy-7B model", "fine-tuning LLaMA2-7B"), not of models it compares against."""
    out = set()
    for n in names:
        total, _ = size_from_name(n.text)
        if not total:
            continue
        pre = text[max(sent.start, n.start - 60) : n.start]
        if _COMPARED_OR_EXAMPLE_B.search(pre):
            continue
        out.add(total)
    return out


def _same_system(model: str | None, system: str | None) -> bool:
    """Whether a name is the paper's system or a variant of it ("DCLM-Baseline" of
    "DCLM", "SAVEnVideo" of "SAVEn-Vid")."""
    if not model or not system:
        return False
    a, b = _norm_name(model), _norm_name(system)
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _norm_name(s: str) -> str:
    return _NOT_ALNUM.sub("", s.lower())


_BENCHMARK_TITLE = re.compile(
    r"\b(?:benchmark\w*|dataset|leaderboard|evaluation suite|test suite)\b", re.I
)


def _params_for(
    model: str | None,
    base: str | None,
    p: _Paper,
    sent: Sentence,
    m: NumberMention,
    names: list[Name],
    benchmarks: frozenset[str] = frozenset(),
) -> tuple[float | None, float | None]:
    """Parameters of the system a claim is about: the size in its own name, the one
    size its sentence states for it, the one evaluated model its sentence names, the
    size the abstract declares for the paper's system, or its base model's size
    (unless the method changes the size)."""
    if model:
        total, active = size_from_name(model)
        if total:
            return total, active
    if model is None:
        return None, None
    is_system = _same_system(model, p.system)
    active = p.system_active if is_system else None
    sizes = _sentence_sizes(p, sent, model, benchmarks)
    if len(sizes) == 1 and (is_system or model in sent.text):
        return next(iter(sizes)), active
    keeps_size = p.keeps_size
    if keeps_size and not sizes and (is_system or is_name_like(model)):
        named = _evaluated_name_sizes(p.text, sent, names, m)
        if len(named) == 1:
            return next(iter(named)), active
    if is_system and (p.system_params or p.system_active):
        return p.system_params, p.system_active
    if base and keeps_size:
        total, b_active = size_from_name(base)
        if total:
            return total, b_active
    return None, None


def _mentions_system(text: str, system: str) -> bool:
    """The sentence names the system or a variant of it ("SAVEnVideo" for "SAVEn-Vid")."""
    if system in text:
        return True
    return any(_same_system(n.text, system) for n in find_names(text, frozenset({system})))


_MODEL_WORD = re.compile(r"\b(?:parameters?|params|model|LLM|SLM|LM|VLA|VLM)\b")


def _declared_system_size(p: _Paper) -> tuple[float | None, float | None]:
    """The size the abstract states for its own system: "X is a 7B-parameter model",
    "we introduce X, a 3.8-billion-parameter ...", or one size stated for "our model"."""
    candidates: list[float] = []
    system = p.system
    for s in p.sentences:
        # cheapest test first: most sentences state no size at all
        if not system or len({z.params for z in p.sizes(s) if z.params}) != 1:
            continue  # no size, or several: none of them is "the" size
        if not _mentions_system(s.text, system):
            continue
        sizes = _sentence_sizes(p, s, system)
        if len(sizes) == 1 and _MODEL_WORD.search(s.text):
            candidates.append(next(iter(sizes)))
    actives = find_active(p.text)
    active = actives[0].active_params if len({a.active_params for a in actives}) == 1 else None
    if candidates and len(set(candidates)) == 1:
        return candidates[0], active
    return None, active


def _benchmarks_in(
    sent: Sentence, finder: BenchmarkFinder
) -> list[tuple[int, int, str, str | None]]:
    return [
        (s + sent.start, e + sent.start, surface, bid) for s, e, surface, bid in finder(sent.text)
    ]


# between a benchmark and its number: "GenEval score of", "MMLU accuracy:", "on X is"
_NAMED_BEFORE = re.compile(
    r"\s*(?:(?!(?:and|or|but|while|with|whereas)\b)[a-z][\w\-]*\s+){0,3}"
    r"(?:of|is|was|reaches|=|:)\s*(?:only\s+)?",
    re.I,
)
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|while|but|which|whereas)\b|\bwhile\b|\bwhereas\b")


def _pick_benchmark(
    m: NumberMention, sent: Sentence, bms: list[tuple[int, int, str, str | None]], text: str
) -> tuple[str, str | None] | None:
    """The benchmark a number is measured on: after it in its clause ("86.81% on GSM8k"),
    else the nearest before it in the sentence."""
    if not bms:
        return None
    before = [b for b in bms if b[1] <= m.start]
    if before and _NAMED_BEFORE.fullmatch(text[before[-1][1] : m.start]):
        return before[-1][2], before[-1][3]  # "a GenEval score of 0.58"
    after = [b for b in bms if b[0] >= m.end]
    after = [b for b in after if not _CLAUSE_BREAK.search(text[m.end : b[0]])]
    if after and after[0][0] - m.end <= 60:
        b = after[0]
        return b[2], b[3]
    if before:
        b = before[-1]
        return b[2], b[3]
    if after:
        return after[0][2], after[0][3]
    return None


def _setting(before: str, after: str, sent_text: str) -> str | None:
    window = before[-60:] + " " + after[:60]
    low = folded(window)
    for pattern, needs, caseless in _SETTING_GATES:
        if lacks_all(low if caseless else window, needs):
            continue  # none of the words the pattern needs: it cannot match
        x = pattern.search(window)
        if x:
            return x.group(0)
    return None


class BenchmarkFinder(Protocol):
    """Callable finding benchmark mentions in a text: (start, end, as written, id)."""

    def __call__(self, text: str) -> list[tuple[int, int, str, str | None]]: ...

    def default_metric(self, benchmark_id: str, unit: str | None, value: float) -> str | None:
        """The metric a registered benchmark reports, for a level written on its scale."""
        ...

    def reported_in_percent(self, metric: str | None) -> bool:
        """Whether every registered benchmark that reports ``metric`` does so in %."""
        ...


def extract_drafts(
    abstract: str, title: str | None, finder: BenchmarkFinder, lex: Lexicon | None = None
) -> list[DraftClaim]:
    """All claims of one abstract, in text order (pure: same input, same output).

    Which numbers are claims is read from their own clauses alone; only then is the
    rest of the abstract read (its system, names, benchmarks), and only if some number
    is a claim: a third to a half of all abstracts have none."""
    original = abstract
    abstract = abstract.translate(_ONE_SPACE)
    title = title.translate(_ONE_SPACE) if title else title
    lex = lex or default_lexicon()
    mentions = find_numbers(abstract)
    if not mentions:
        return []
    sentences = tuple(split_sentences(abstract))
    if not sentences:
        return []
    drafts: list[DraftClaim | None] = []
    rejected_bare: list[int] = []
    for i, m in enumerate(mentions):
        sent = _sentence_of(sentences, m.start)
        before = _clause_before(abstract, m.start, sent)
        after = _after(abstract, m.tail_end, sent)
        kind = _classify(m, before, after, lex, abstract[sent.start : m.start])
        if kind is None or kind == WEAK:
            drafts.append(None)
            if kind == WEAK:
                rejected_bare.append(i)
            continue
        drafts.append(
            DraftClaim(
                mention=m,
                sentence=sent,
                kind=kind,
                unit=m.unit,
                cue=kind != "score" or bool(_SCORE_CUE_B.search(before)),
            )
        )
    _propagate_lists(abstract, mentions, drafts, rejected_bare)
    if all(d is None for d in drafts):
        return []
    system = system_name(title, abstract)
    known = frozenset(x for x in (system,) if x) | recurring_proper_names(abstract)
    is_benchmark = bool(system) and (
        bool(finder(system or "")) or bool(title and _BENCHMARK_TITLE.search(title))
    )
    p = _Paper(abstract, title, system, known, sentences, finder, is_benchmark)
    out: list[DraftClaim] = []
    for d in drafts:
        if d is None:
            continue
        _fill(d, p, p.names(d.sentence), p.benchmarks(d.sentence), lex)
        out.append(d)
    _apply_respectively(p, out)
    _apply_pairs(p, out)
    _leave_references_to_changes(p, out)
    _drop_own_references(out)
    _apply_parallel_sizes(p, out)
    _carry_benchmarks(p, out)
    _default_metrics(p, out)
    _mark_restated(out)
    if abstract != original:  # what is quoted of the text is quoted as written
        for d in out:
            m, sent = d.mention, d.sentence
            written = original[m.start : m.end]
            if written != m.value_text:
                d.mention = m._replace(value_text=written)
            written = original[sent.start : sent.end]
            if written != sent.text:
                d.sentence = Sentence(sent.start, sent.end, written)
    return out


# Every whitespace character but the space, to a space: the rules are read on the text
# with its line breaks made spaces (one character for one, so every offset holds), and
# a pattern's " " (or a name, a reference) is the same on one line or across two.
_ONE_SPACE = {i: " " for i in range(0x3001) if chr(i).isspace() and i != 0x20}


_GAP_WORD = re.compile(r"[^\s,;&]+")
_GAP_JOINERS = frozenset({"and", "or", "%", "\\%"})


def _list_gap(gap: str) -> bool:
    """Whether the text between two numbers only continues a list: separators and at
    most six words of context ("% in QA, ", " BLEU and ", " of the training data and ")."""
    if len(gap) > 70:
        return False
    words = [w for w in _GAP_WORD.findall(gap) if w.lower() not in _GAP_JOINERS]
    return len(words) <= 6


_LIST_GAP_STOP = re.compile(
    r"\b(?=[abcforstuvw])(?:while|but|whereas|which|with|achiev\w*|outperform\w*|surpass\w*|"
    r"reduc\w*|using|uses|requir\w*|compared|than|over|vs\.?|versus|to|"
    r"from)\b",
    re.I,
)


def _claimed_neighbours(drafts: list[DraftClaim | None], i: int) -> list[int]:
    """The nearest claims before and after position ``i`` (sizes in between skipped)."""
    out = []
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(drafts) and drafts[j] is None:
            j += step
        if 0 <= j < len(drafts):
            out.append(j)
    return out


def _propagate_lists(
    text: str, mentions: list[NumberMention], drafts: list[DraftClaim | None], rejected: list[int]
) -> None:
    """Numbers coordinated in a list ("by 4.8% and 14%", "4.2, 11.0, and 4.0 improvements",
    "0.3% of the data and 23% trainable parameters") share the reading of the neighbour
    whose kind a cue decided: a bare number joins the list, a default score takes the
    neighbour's delta or ratio reading."""

    def joined(i: int, j: int) -> bool:
        a, b = (mentions[i], mentions[j]) if i < j else (mentions[j], mentions[i])
        gap = text[a.tail_end : b.start]
        return _list_gap(gap) and not _LIST_GAP_STOP.search(gap)

    changed = True
    while changed:
        changed = False
        for i, m in enumerate(mentions):
            current = drafts[i]
            for j in _claimed_neighbours(drafts, i):
                neighbour = drafts[j]
                assert neighbour is not None
                n = mentions[j]
                joins_list = (
                    current is None
                    and i in rejected
                    and (n.unit == m.unit or n.unit in ("points", None))
                )
                takes_reading = (
                    current is not None
                    and current.kind == "score"
                    and neighbour.kind != "score"
                    and (m.unit == n.unit or (m.unit is None and n.unit == "points"))
                    and not current.cue
                    and not _PAIR_A.match(text[m.tail_end : m.tail_end + 12])
                    and not _PAIR_B.search(text[max(0, m.start - 16) : m.start])
                )
                # the gap test (the costly part) only where either reading would apply
                if not (joins_list or takes_reading) or not joined(i, j):
                    continue
                if joins_list:
                    drafts[i] = DraftClaim(
                        mention=m,
                        sentence=neighbour.sentence,
                        kind=neighbour.kind,
                        unit=n.unit if n.unit == "points" else m.unit,
                        cue=neighbour.cue,  # a bare number has no cue of its own
                    )
                    changed = True
                    break
                if takes_reading:  # ("2.1, 5.3 and 0.8 point gains": points, all three)
                    assert current is not None
                    current.kind = neighbour.kind
                    if neighbour.unit == "points":
                        current.unit = "points"
                    current.cue = True
                    changed = True
                    break


def _fill(
    d: DraftClaim,
    p: _Paper,
    names: list[Name],
    bms: list[tuple[int, int, str, str | None]],
    lex: Lexicon,
) -> None:
    m, sent, text = d.mention, d.sentence, p.text
    before = _clause_before(text, m.start, sent)
    after = _after(text, m.tail_end, sent)
    d.metric = _metric(m, d.kind, before, after, lex)
    # a difference written as a number of its metric ("12 BLEU"): read once, for the
    # unit (points, unless the metric is a percentage) and for the delta type
    of_metric = (
        lex.metric_re.match(after, 1)
        if d.kind == "delta" and d.unit is None and after[:1].isspace()
        else None
    )
    if of_metric and not p.finder.reported_in_percent(lex.metric_of(of_metric)):
        d.unit = "points"
    d.qualifier = _qualifier(m, before, after)
    d.direction = _direction(d.kind, before, after, lex)
    d.delta_type = (
        _delta_type(d.unit, before, after, of_metric is not None) if d.kind == "delta" else None
    )
    d.setting = _setting(before, after, sent.text)
    task = _TASK_GATE.search(after[:60])
    d.task = task.group(1) if task else None
    bench = _pick_benchmark(m, sent, bms, text)
    if (
        bench
        and d.metric in EFFICIENCY_METRICS
        and not _measured_on(bench[0], after)
        and not _frames(bench[0], sent, m, bms, text)
    ):
        bench = None  # a cost is not measured "on" a benchmark unless the text says so
    if bench:
        d.benchmark, d.benchmark_id = bench
    if d.kind != "score" or _COMPARISON_GATE.search(sent.text):
        d.baseline = _baseline(p, sent, m, d.kind == "score")
    model, base = _subject(p, sent, m, names, bms)
    if model and _HUMAN_RE.fullmatch(model or ""):
        d.role = "other"
    d.model, d.base_model = model, base
    if model is None and _HUMAN_GATE.search(before[-60:]):
        human = _HUMAN_RE.search(before[-60:])
        d.model = (
            before[-60:][
                max(0, human.start() - 20 if human else 0) : human.end() if human else 0
            ].strip()
            or None
        )
        d.role = "other"
    d.params, d.active_params = _params_for(
        d.model, d.base_model, p, sent, m, names, frozenset(b[2] for b in bms)
    )
    if d.role is None:
        d.role = (
            "proposed"
            if d.model and d.model == p.system
            else (
                "baseline"
                if d.model
                and d.baseline is None
                and d.kind == "score"
                and _OUR_RE.search(before) is None
                and p.system
                else "proposed"
            )
        )
        if d.model is None:
            d.role = "proposed" if _OUR_RE.search(sent.text) else "other"
    if m.spread is not None:
        d.notes.append(f"± {m.spread:g}")


def _apply_respectively(p: _Paper, drafts: list[DraftClaim]) -> None:
    """ "A, B and C (x, y, z respectively)": pair the i-th number with the i-th name;
    "x, y and z gains on A, B and C, respectively": the names may follow the numbers."""
    by_sentence: dict[int, list[DraftClaim]] = {}
    for d in drafts:
        by_sentence.setdefault(d.sentence.start, []).append(d)
    for group in by_sentence.values():
        sent = group[0].sentence
        if len(group) < 2:
            continue
        resp = _RESPECTIVELY.search(sent.text)
        if resp:
            group = _run_before(p.text, group, sent.start + resp.start())
        else:
            group = _parenthesised_list(p.text, group)
        if len(group) < 2:
            continue
        names, bms = p.names(sent), p.benchmarks(sent)
        first = group[0].mention.start
        bm_before = [b for b in bms if b[1] <= first]
        nm_before = [n for n in names if n.end <= first and not _is_benchmark_name(n.text, bms)]
        # (after the numbers: only up to the "respectively" that pairs them)
        until = sent.start + resp.start() if resp else -1
        bm_after = [b for b in bms if group[-1].mention.tail_end <= b[0] and b[1] <= until]
        if len(bm_before) >= len(group) and _is_listed(p.text, bm_before[-len(group) :]):
            for d, b in zip(group, bm_before[-len(group) :], strict=True):
                d.benchmark, d.benchmark_id = b[2], b[3]
        elif len(bm_after) >= len(group) and _is_listed(p.text, bm_after[: len(group)]):
            for d, b in zip(group, bm_after[: len(group)], strict=True):
                d.benchmark, d.benchmark_id = b[2], b[3]
        elif len(nm_before) >= len(group) and _is_listed(
            p.text, [(n.start, n.end) for n in nm_before[-len(group) :]]
        ):
            listed = nm_before[-len(group) :]
            # "(compressed) A and B are 4.3x and 4.1x faster than C": the names are the
            # subjects (their verb follows them), not the references of the numbers
            # ("results for A and B are boosted by x and y": passive, A and B improved on)
            verb = p.text[listed[-1].end : first]
            subjects = bool(_SUBJECT_VERB.match(verb)) and not _PASSIVE.search(verb)
            for d, n in zip(group, listed, strict=True):
                if subjects and d.kind != "score":
                    if p.system and n.text != p.system:  # the paper's method, applied to n
                        d.model, d.base_model = p.system, n.text
                    else:
                        d.model = n.text
                        d.params, d.active_params = size_from_name(n.text)
                elif d.kind == "score":
                    d.model = n.text
                    d.params, d.active_params = size_from_name(n.text)
                    d.role = "proposed" if n.text == p.system else "baseline"
                else:
                    if p.system and n.text != p.system:
                        d.model = p.system
                    d.base_model = d.baseline = n.text


def _is_listed(text: str, spans: Sequence[tuple[Any, ...]]) -> bool:
    """Whether names are written as one list: "A, B, and C" / "A and B"."""
    for a, b in itertools.pairwise(spans):
        gap = text[a[1] : b[0]]
        if not _NAME_LIST_GAP.fullmatch(gap):
            return False
    return True


_RUN_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\s*")


def _runs(text: str, group: list[DraftClaim]) -> list[list[DraftClaim]]:
    """Numbers written as one list ("90.7%, 87.1%, and 87.9%"), in text order."""
    runs: list[list[DraftClaim]] = []
    for d in group:
        if runs and _RUN_GAP.fullmatch(text[runs[-1][-1].mention.tail_end : d.mention.start]):
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _run_before(text: str, group: list[DraftClaim], pos: int) -> list[DraftClaim]:
    """The list of numbers that "respectively" (at ``pos``) refers to: the last one
    before it, when it has at least two numbers."""
    before = [r for r in _runs(text, group) if r[-1].mention.end <= pos and len(r) >= 2]
    return before[-1] if before else []


def _parenthesised_list(text: str, group: list[DraftClaim]) -> list[DraftClaim]:
    """Numbers listed together inside one parenthesis, "(63% & 66%)": the list, else []."""
    for i in range(len(group) - 1):
        run = [group[i]]
        for d in group[i + 1 :]:
            gap = text[run[-1].mention.tail_end : d.mention.start]
            if _PAREN_LIST_GAP.fullmatch(gap):
                run.append(d)
            else:
                break
        opens = text[max(0, run[0].mention.start - 2) : run[0].mention.start]
        closes = text[run[-1].mention.tail_end : run[-1].mention.tail_end + 2]
        if len(run) >= 2 and "(" in opens and ")" in closes:
            return run
    return []


# "86.05% vs 86.28% for full-finetuning": whose the second number is
_FOR_OWNER = re.compile(
    r"\s+(?:for|of|by)\s+(?:the\s+)?(?P<name>[\w\-]+(?:\.\d+)*"
    r"(?:\s+(?!(?:and|or|on|in|at|with|while)\b)[a-z][\w\-]*)?)(?=[\s,.;)]|$)"
)
_FROM_TO = re.compile(r"\bfrom\s*$", re.I)


def _apply_pairs(p: _Paper, drafts: list[DraftClaim]) -> None:
    """ "from A to B" and "A vs. B": the first number is the before state / the subject,
    the second the after state / the reference."""
    text = p.text
    for a, b in itertools.pairwise(drafts):
        if a.sentence is not b.sentence or a.kind != "score" or b.kind != "score":
            continue
        gap = text[a.mention.tail_end : b.mention.start]
        pre = text[max(a.sentence.start, a.mention.start - 12) : a.mention.start]
        if _PAIR_TO_GAP.fullmatch(gap) and (
            _FROM_TO.search(pre) or "(" in pre[-2:]
        ):
            # before state: the reference of the sentence when one is named
            a.pair, b.pair = "before", "after"
            ref = a.baseline or b.baseline
            if ref and not _OF_B.search(pre):
                a.model = ref
                a.params, a.active_params = size_from_name(ref)
            a.role = "baseline"
            a.baseline = None
        elif _PAIR_VS_GAP.fullmatch(gap):
            a.pair, b.pair = "first", "second"
            owner = _FOR_OWNER.match(text, b.mention.tail_end)
            ref = owner.group("name") if owner else a.baseline
            if owner and not a.baseline:  # "86.05% vs 86.28% for X": the first is stated vs X
                a.baseline = ref
            if ref:
                b.model = ref
                b.params, b.active_params = size_from_name(ref)
                b.role = "baseline"
                b.baseline = None
            if b.unit is None and a.unit:
                b.unit = a.unit


def _leave_references_to_changes(p: _Paper, drafts: list[DraftClaim]) -> None:
    """A level reached is not measured against the reference of a change stated in the
    same sentence: in "achieves 90.7% ..., with gains of up to 7.5% compared to DPO" the
    reference belongs to the 7.5%, not to the 90.7%. A level keeps it when the reference
    is written right after it ("33% over X") or when it is one side of a pair ("from
    19.5 to 31.5", "69.48 vs. 67.81"), whose reading the pair already settled."""
    owned = {(d.sentence.start, d.baseline) for d in drafts if d.kind != "score" and d.baseline}
    if not owned:
        return
    for d in drafts:
        if d.kind != "score" or d.pair or (d.sentence.start, d.baseline) not in owned:
            continue
        right_after = any(
            ref == d.baseline and _cue_right_after(d.sentence, d.mention, cue_start)
            for cue_start, ref in p.cues(d.sentence)
        )
        if not right_after:
            d.baseline = None


def _drop_own_references(drafts: list[DraftClaim]) -> None:
    """A system is not its own reference: in "comparable to A and B on MMLU (63% & 66%)"
    the levels are A's and B's (read "respectively"), not measured against "A and B".
    (Only a list is read so: a single reference that names the model, "the X model" for
    X, says one of the two is misread, and which is not known there.)"""
    for d in drafts:
        if d.baseline and d.model and d.baseline != d.model and (
            d.model in _LIST_ITEM_SPLIT.split(d.baseline)
        ):
            d.baseline = None


_LIST_ITEM_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")


_SIZE_LIST_GAP = re.compile(r"\s*(?:parameters?|params\.?)?\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\s*")
_SIZE_RIGHT_AFTER = re.compile(
    r"^\s*(?:\)\s*)?(?:[\w\-]+\s+){0,4}?(?:at|with|for|using)\s+"
    r"(?:only\s+|just\s+)?$"
)


_OWNER_AFTER = re.compile(
    r"\s*(?:for|on|with|in)\s+(?:the\s+)?(?P<name>[A-Z][\w\-.]*[\w])"
    r"(?:\s*\((?P<gloss>[^()]{1,30})\))?"
)


def _apply_parallel_sizes(p: _Paper, drafts: list[DraftClaim]) -> None:
    """Sizes that go with numbers one to one: a list of k sizes and a list of k numbers in
    one sentence ("models with 7B and 72B parameters ... achieves 75% and 84.5%"), or a
    size written right after its number ("99% ... at 360M params")."""
    text = p.text
    by_sentence: dict[int, list[DraftClaim]] = {}
    for d in drafts:
        by_sentence.setdefault(d.sentence.start, []).append(d)
    for group in by_sentence.values():
        sent = group[0].sentence
        sizes = [z for z in p.sizes(sent) if z.params]
        for d in group:
            after_size = [
                z
                for z in sizes
                if z.start + sent.start >= d.mention.tail_end
                and _SIZE_RIGHT_AFTER.match(text[d.mention.tail_end : sent.start + z.start])
            ]
            if after_size:
                d.params = after_size[0].params
                continue
            owner = _OWNER_AFTER.match(text, d.mention.tail_end)
            if owner:  # "by 5.93 GB for GPT-2 (1.5B parameters) and 25.15 GB for Llama2-7B"
                named, _ = size_from_name(owner.group("name"))
                glossed = find_sizes(owner.group("gloss") or "")
                if named or (glossed and glossed[0].params):
                    d.params = named or glossed[0].params
                    if d.model != owner.group("name"):
                        d.base_model = owner.group("name")
        listed = len(sizes) >= 2 and all(
            _SIZE_LIST_GAP.fullmatch(sent.text[a.end : b.start])
            for a, b in itertools.pairwise(sizes)
        )
        if not listed:
            continue
        for run in _runs(text, group):
            if len(run) == len(sizes):
                for d, z in zip(run, sizes, strict=True):
                    d.params = z.params


def _carry_benchmarks(p: _Paper, drafts: list[DraftClaim]) -> None:
    """A score with no benchmark in its sentence is read on the benchmark of the
    sentence before when that sentence named exactly one ("... on the GSM8K benchmark.
    Phi-GSM boosts the performance from 68.2 to 81.5")."""
    sentences = p.sentences
    for d in drafts:
        if d.benchmark or d.kind != "score" or d.metric in EFFICIENCY_METRICS:
            continue
        if d.unit not in (None, "%", "points"):
            continue
        idx = sentences.index(d.sentence)
        if idx == 0 or p.benchmarks(d.sentence):
            continue
        for back in (1, 2):
            if idx - back < 0:
                break
            bms = p.benchmarks(sentences[idx - back])
            if bms:
                if len({b[3] or b[2] for b in bms}) == 1:
                    d.benchmark, d.benchmark_id = bms[0][2], bms[0][3]
                break


def _default_metrics(p: _Paper, drafts: list[DraftClaim]) -> None:
    """A score with no metric word, on a registered benchmark and written on that
    benchmark's own scale, is in the metric the benchmark reports: "86.81% on GSM8k"
    is an accuracy, "63% on MMLU" too. (Deltas are left alone: a change can be in any
    metric, relative or absolute, and the text does not say which.)"""
    for d in drafts:
        if d.metric is None and d.kind == "score" and d.benchmark_id:
            d.metric = p.finder.default_metric(d.benchmark_id, d.unit, d.mention.value)


def _mark_restated(drafts: list[DraftClaim]) -> None:
    seen: set[tuple[str | None, float, str | None, str]] = set()
    for d in drafts:
        key = (d.model, d.mention.value, d.unit, d.kind)
        if key in seen:
            d.restated = True
        seen.add(key)


def with_notes(d: DraftClaim) -> str | None:
    return "; ".join(d.notes) if d.notes else None


__all__ = [
    "BenchmarkFinder",
    "DraftClaim",
    "extract_drafts",
    "is_name_like",
    "with_notes",
]
