"""Data-driven extraction cases: a table of sentences and the claims a reader finds.

Each row is an abstract (or a sentence of one), an optional title, and the expected
claims as (value_text, kind, value, unit) plus any other fields worth pinning. A row
with no expected claims is a non-claim case: sizes, counts, years, settings, names.
Adding a case is adding a row.
"""

from __future__ import annotations

from typing import Any

import pytest

from leaderboard.extract import extract_claims

Case = tuple[str, str | None, list[dict[str, Any]]]

CASES: list[Case] = [
    # --- scores ---------------------------------------------------------------------
    ("With iterative preference learning, Orca-Math achieves 86.81% on GSM8K.", None,
     [dict(value_text="86.81%", kind="score", value=86.81, unit="%", model="Orca-Math",
           benchmark="GSM8K", metric="accuracy")]),  # GSM8K's metric (the guide's example)
    ("Curry-DPO achieves a score of 7.43 on MT-bench with the Zephyr-7B model.",
     "Curry-DPO: Enhancing Alignment",
     [dict(value_text="7.43", kind="score", value=7.43, unit=None, model="Curry-DPO",
           benchmark="MT-bench", metric="score", params=7e9)]),
    ("Our best model reaches 98% accuracy when training from scratch on CIFAR-10.", None,
     [dict(value_text="98%", kind="score", value=98.0, metric="accuracy", benchmark="CIFAR-10")]),
    ("EmbBERT-Q has a total memory footprint of just 781 kB.", None,
     [dict(value_text="781", kind="score", value=781.0, unit="kB", metric="memory")]),
    ("The model improves from 19.5 to 31.5 F1 on StreamingQA.", None,
     [dict(value_text="19.5", kind="score", value=19.5),
      dict(value_text="31.5", kind="score", value=31.5)]),
    ("It achieves a TinyNet-E top-1 accuracy of 59.9% with only 24M FLOPs.", None,
     [dict(value_text="59.9%", kind="score", value=59.9, metric="top-1 accuracy"),
      dict(value_text="24", kind="score", value=2.4e7, unit="FLOPs", metric="compute")]),
    ("Experiments show it needs a 24G GPU for training and runs in 41 hours.", None,
     [dict(value_text="24", kind="score", value=24.0, unit="GB", metric="memory"),
      dict(value_text="41", kind="score", value=41.0, unit="hours", metric="training time")]),
    # no metric word: a registered benchmark's own metric, if the number is on its scale
    ("Our 3B model reaches 71.2% on MMLU and 31.4 on WMT14 En-De.", None,
     [dict(value_text="71.2%", kind="score", benchmark="MMLU", metric="accuracy"),
      dict(value_text="31.4", kind="score", benchmark="WMT14 En-De", metric="bleu")]),
    ("Our 3B model reaches 0.62 on MMLU.", None,  # a fraction: not on MMLU's % scale
     [dict(value_text="0.62", kind="score", benchmark="MMLU", metric=None)]),
    ("Zeta-7B achieves 7.9 on MT-Bench.", None,  # "score" would say nothing more
     [dict(value_text="7.9", kind="score", benchmark="MT-Bench", metric=None)]),
    ("It improves MMLU by 3.1%.", None,  # a change: relative or absolute, unsaid
     [dict(value_text="3.1%", kind="delta", benchmark="MMLU", metric=None)]),
    # a metric named by its acronym before "metric"
    ("The Mean Faithfulness (MF) metric rises from 41% to 55% on HaluEval.", None,
     [dict(value_text="41%", kind="score", metric="mf"),
      dict(value_text="55%", kind="score", metric="mf")]),
    # --- deltas ---------------------------------------------------------------------
    ("OpenVLA outperforms RT-2-X (55B) by 16.5% in absolute task success rate across 29 tasks.",
     None,
     [dict(value_text="16.5%", kind="delta", value=16.5, unit="%", model="OpenVLA",
           baseline="RT-2-X", direction="increase", delta_type="absolute",
           metric="success rate")]),
    # a class of systems, then named examples of it: the example is the reference
    ("FastNet outperforms strong recurrent baselines such as LSTM-XL (1.2B) by 4.2% on SQuAD.",
     None,
     [dict(value_text="4.2%", kind="delta", model="FastNet", baseline="LSTM-XL")]),
    ("It beats prior retrieval methods, including ColBERT, by 3.1 points on MS MARCO.", None,
     [dict(value_text="3.1", kind="delta", baseline="ColBERT")]),
    # ... but not past a preposition: "on tasks such as X" names tasks, not a reference
    ("TinyGen outperforms GPT-2 on tasks such as Summarization by 2.5%.", None,
     [dict(value_text="2.5%", kind="delta", baseline="GPT-2")]),
    ("DCLM-Baseline represents a 6.6 percentage point improvement on MMLU.", None,
     [dict(value_text="6.6", kind="delta", value=6.6, unit="pp", benchmark="MMLU",
           delta_type="absolute")]),
    ("Results for GPT-3.5 and GPT-4 are boosted by 4.8% and 14%, respectively.", None,
     [dict(value_text="4.8%", kind="delta", value=4.8),
      dict(value_text="14%", kind="delta", value=14.0)]),
    ("Refiner gives a 1.6-7.0% improvement margin in multi-hop tasks.", None,
     [dict(value_text="1.6-7.0%", kind="delta", value=7.0, value_low=1.6, qualifier="range")]),
    ("TTM shows significant accuracy gains (12-38\\%) over popular benchmarks.", None,
     [dict(value_text="12-38\\%", kind="delta", value=38.0, value_low=12.0, unit="%")]),
    ("SGD-SaI reduces memory usage by 5.93 GB for GPT-2 compared to AdamW.", None,
     [dict(value_text="5.93", kind="delta", value=5.93, unit="GB", direction="decrease",
           metric="memory")]),
    ("This gives 11.0 pm 1.3 points of improvement.", None,
     [dict(value_text="11.0", kind="delta", value=11.0, unit="points", spread=1.3)]),
    ("We obtain an average improvement of more than 12 BLEU and 12 COMET.", None,
     [dict(value_text="12", kind="delta", value=12.0, metric="bleu", qualifier="more than"),
      dict(value_text="12", kind="delta", value=12.0, metric="comet")]),
    # --- ratios ---------------------------------------------------------------------
    ("PUMA is about 2x faster than the state-of-the-art MPC framework MPCFORMER.", None,
     [dict(value_text="2x", kind="ratio", value=2.0, unit="x", metric="speed",
           qualifier="about", direction="increase", baseline="MPCFORMER")]),
    ("Mamba enjoys fast inference (5times higher throughput than Transformers).", None,
     [dict(value_text="5", kind="ratio", value=5.0, unit="x", metric="throughput")]),
    ("Dolphin achieves a 10-fold improvement in energy efficiency and a 5-fold reduction "
     "in latency.", None,
     [dict(value_text="10", kind="ratio", value=10.0, unit="x", metric="energy efficiency"),
      dict(value_text="5", kind="ratio", value=5.0, unit="x", metric="latency",
           direction="decrease")]),
    ("It matches models twice its size on math tasks.", None,
     [dict(value_text="twice", kind="ratio", value=2.0, unit="x")]),
    ("Using only one-fifth of the context length, it matches the baseline.", None,
     [dict(value_text="one-fifth", kind="ratio", value=0.2, unit="x")]),
    ("SLMRec uses only 13% of the parameters found in LLM-based recommendation models.", None,
     [dict(value_text="13%", kind="ratio", value=13.0, unit="%", metric="parameters")]),
    ("It cuts the optimizer's memory usage by half compared to AdamW.", None,
     [dict(value_text="half", kind="ratio", value=0.5, unit="x", metric="memory")]),
    ("The LSTM reaches ten-fold throughput.", None,
     [dict(value_text="ten", kind="ratio", value=10.0, unit="x")]),
    ("TTM achieves a 14X cut in learnable parameters.", None,
     [dict(value_text="14X", kind="ratio", value=14.0, unit="x", metric="parameters")]),
    # --- fields read across the sentence ------------------------------------------------
    ("Curry-DPO achieves the highest win rates on Vicuna, WizardLM, and UltraFeedback test "
     "datasets (90.7%, 87.1%, and 87.9% respectively).", "Curry-DPO: Enhancing Alignment",
     [dict(value_text="90.7%", benchmark="Vicuna", model="Curry-DPO", metric="win rate"),
      dict(value_text="87.1%", benchmark="WizardLM"),
      dict(value_text="87.9%", benchmark="UltraFeedback")]),
    # the subject: a name with a head noun, a verb the rules did not list
    ("Across six benchmarks, ZephyrLM models exhibit up to a 9% improvement over Pythia.",
     None, [dict(value_text="9%", kind="delta", model="ZephyrLM", baseline="Pythia")]),
    ("By pruning heads, KVTrim helps stabilise decoding and cuts latency by 30% compared "
     "to vLLM.", None, [dict(value_text="30%", kind="delta", model="KVTrim", baseline="vLLM")]),
    # "Mistral 7B" in a list of examples is Mistral's size, not the subject's
    ("NovaLM outperforms community models such as Mistral 7B and Gemma 7B by 2.0% on MMLU.",
     None, [dict(value_text="2.0%", kind="delta", model="NovaLM", params=None,
                 baseline="Mistral 7B")]),
    ("Fine-tuned on our corpus, the model gains 4.1 BLEU.", None,  # "gains" as a verb
     [dict(value_text="4.1", kind="delta", direction="increase", unit="points",
           delta_type="absolute")]),  # points of the metric itself
    ("It obtains a 2.3 accuracy gain over the base model.", None,  # accuracy is a %
     [dict(value_text="2.3", kind="delta", unit=None, delta_type="absolute")]),
    # "on Llama-3" is shaped like "on CIFAR-10", but the model registry knows the family
    ("Based on Llama-3 as our backbone, PolyMT gains 3.2 points on average.", None,
     [dict(value_text="3.2", kind="delta", model="PolyMT", benchmark=None,
           base_model="Llama-3")]),
    # the names after the numbers; the last number's unit and reading cover the list
    ("OmniTab brings 2.1, 5.3 and 0.8 point gains on MMLU, GSM8K and HumanEval over "
     "its base model, respectively.", None,
     [dict(value_text="2.1", kind="delta", unit="points", benchmark="MMLU"),
      dict(value_text="5.3", kind="delta", unit="points", benchmark="GSM8K"),
      dict(value_text="0.8", kind="delta", unit="points", benchmark="HumanEval")]),
    ("Our model is comparable to Mistral-7B-v0.3 and Llama 3 8B on MMLU (63% & 66%).", None,
     [dict(value_text="63%", model="Mistral-7B-v0.3", params=7e9, role="baseline"),
      dict(value_text="66%", model="Llama 3 8B", params=8e9, role="baseline")]),
    ("Natural GaLore reaches 83.09% accuracy and significantly outperforms 16-bit LoRA at "
     "80.06%.", "Natural GaLore: Accelerating GaLore",
     [dict(value_text="83.09%", model="Natural GaLore"),
      dict(value_text="80.06%", model="16-bit LoRA")]),
    ("Orthus achieves a GenEval score of 0.58 and an MME-P score of 1265.8.", None,
     [dict(value_text="0.58", benchmark="GenEval", metric="score"),
      dict(value_text="1265.8", benchmark="MME-P")]),
    ("EfficientQAT reaches 69.48 accuracy, compared to the full precision (69.48 vs. 72.41).",
     None,
     [dict(value_text="69.48", kind="score"), dict(value_text="69.48", kind="score"),
      dict(value_text="72.41", kind="score", model="full precision", role="baseline")]),
    ("We introduce Direct Nash Optimization (DNO). A 7B parameter model aligned by DNO gets "
     "a win-rate of 33% on AlpacaEval 2.0, an absolute gain of 26% (7% to 33%) over the "
     "initializing model.", "Direct Nash Optimization: Teaching Language Models",
     [dict(value_text="33%", model="DNO", benchmark="AlpacaEval 2.0", params=7e9),
      dict(value_text="26%", kind="delta", baseline="initializing model"),
      dict(value_text="7%", kind="score", model="initializing model", role="baseline"),
      dict(value_text="33%", kind="score")]),
    # a reference belongs to the change it is stated with, not to levels beside it
    ("Our model reaches 81.2% on ARC-Easy, a gain of 4.1% over the Llama-2 baseline.", None,
     [dict(value_text="81.2%", kind="score", baseline=None),
      dict(value_text="4.1%", kind="delta", baseline="Llama-2 baseline")]),
    ("It reaches a win rate of 33% against GPT-4, a gain of 26% over the initial model.", None,
     [dict(value_text="33%", kind="score", baseline="GPT-4"),  # written right after it
      dict(value_text="26%", kind="delta", baseline="initial model")]),
    ("Accuracy rises from 61.0% to 65.5%, a 4.5% gain over the base model.", None,
     [dict(value_text="61.0%", kind="score", model="base model", role="baseline"),
      dict(value_text="65.5%", kind="score"),
      dict(value_text="4.5%", kind="delta", baseline="base model")]),
    ("UtK is trained on models with 7B and 72B parameters and achieves 75% and 84.5% on RULER.",
     None,
     [dict(value_text="75%", params=7e9, benchmark="RULER"),
      dict(value_text="84.5%", params=72e9, benchmark="RULER")]),
    ("It reduces memory by 5.93 GB for GPT-2 (1.5B parameters) and 25.15 GB for Llama2-7B.",
     None,
     [dict(value_text="5.93", kind="delta", params=1.5e9),
      dict(value_text="25.15", kind="delta", params=7e9)]),
    # --- sizes that are not the system's -----------------------------------------------
    ("We propose FooNet. FooNet beats RT-2-X (55B) by 16.5% and reaches 91% on CIFAR-10.",
     None,
     [dict(value_text="16.5%", model="FooNet", params=None),
      dict(value_text="91%", model="FooNet", params=None)]),
    ("We propose FooNet, tiny (<1M parameters). FooNet reaches 91% accuracy on CIFAR-10.",
     None, [dict(value_text="91%", model="FooNet", params=None)]),
    # --- not claims -------------------------------------------------------------------
    ("We train a 7B parameter model on 2.6T tokens with 128K context on 400 GPUs.", None, []),
    ("We evaluate Llama-2-70B, GPT-4 and Mixtral-8x7B on CIFAR-10 and top-48 results.", None,
     []),
    ("Our method (ICLR 2023) is evaluated on 29 tasks and 10 of the 16 benchmarks.", None, []),
    ("We study (1) data, (2) models and (3) compute across 3 epochs.", None, []),
    ("Images of 1500 x 1500 pixels are processed at 336 x 336 resolution.", None, []),
    ("A study hypothesized that 34B parameters are needed to reach 80% accuracy.", None, []),
    ("We use a 5-shot setting with k=2 and a temperature in the range of 0.5 to 0.8.", None,
     []),
    ("We release 100 model runs and 160 different sub-models.", None, []),
]


def _check(claim: Any, expected: dict[str, Any]) -> None:
    for field, want in expected.items():
        if field == "value_text":
            got = claim.mention.value_text
        elif field in ("value", "value_low", "spread"):
            got = getattr(claim.mention, field)
        else:
            got = getattr(claim, field)
        if isinstance(want, float) and got is not None:
            assert got == pytest.approx(want), f"{field}: {got!r} != {want!r}"
        elif field in ("model", "baseline", "benchmark") and want is not None and got:
            assert want.lower() in got.lower(), f"{field}: {got!r} does not name {want!r}"
        else:
            assert got == want, f"{field}: {got!r} != {want!r}"


@pytest.mark.parametrize(("text", "title", "expected"), CASES,
                         ids=[c[0][:50] for c in CASES])
def test_extraction_case(text: str, title: str | None, expected: list[dict[str, Any]]) -> None:
    claims = extract_claims(text, title)
    got = [c.mention.value_text for c in claims]
    assert got == [e["value_text"] for e in expected], f"claims found: {got}"
    for claim, exp in zip(claims, expected, strict=True):
        _check(claim, exp)


@pytest.mark.parametrize(("text", "title", "expected"), CASES[:10])
def test_spans_read_value_text(text: str, title: str | None, expected: object) -> None:
    for claim in extract_claims(text, title):
        assert text[claim.mention.start:claim.mention.end] == claim.mention.value_text
        assert claim.sentence.text in text


def test_extraction_is_deterministic() -> None:
    text = " ".join(c[0] for c in CASES)
    first = [(c.mention.start, c.kind, c.model, c.metric) for c in extract_claims(text)]
    second = [(c.mention.start, c.kind, c.model, c.metric) for c in extract_claims(text)]
    assert first == second


# Fields compared exactly (the table above accepts a reference that contains the name).
EXACT_CASES: list[Case] = [
    # the reference ends before "of <number>"; "(29% to 41%)" between a change and its
    # reference does not move the reference away from it
    ("ZetaLM reaches a win rate against Claude-2 of 41% on Arena-Hard, a gain of 12% "
     "(29% to 41%) over the SFT model.", None,
     [dict(value_text="41%", kind="score", baseline="Claude-2"),
      dict(value_text="12%", kind="delta", baseline="SFT model"),
      dict(value_text="29%", kind="score", model="SFT model", role="baseline"),
      dict(value_text="41%", kind="score")]),
    # listed names followed by their verb are what the numbers are about (here the
    # paper's method applied to them); the reference is the one after "than"
    ("With PruneKit, pruned BERT and RoBERTa are 3.2x and 2.9x faster than the dense "
     "models, respectively.", "PruneKit: Structured Pruning for Encoders",
     [dict(value_text="3.2x", model="PruneKit", base_model="BERT", baseline="dense models"),
      dict(value_text="2.9x", model="PruneKit", base_model="RoBERTa",
           baseline="dense models")]),
    # what is measured: a resource noun introducing a level; not a noun past the next
    # number (unless the numbers are a list); not a size; not past a ";"
    ("Our accelerator reaches an energy efficiency of 71.3% on ResNet-50.", None,
     [dict(value_text="71.3%", kind="score", metric="energy efficiency")]),
    ("QuickTune cuts the latency of decoding by 3x and matches models with 2x larger "
     "vocabularies.", None,
     [dict(value_text="3x", kind="ratio", metric="latency"),
      dict(value_text="2x", kind="ratio", metric="model size")]),
    ("It matches the dense model using only 30.5% (or even 21.0%) of the computations.", None,
     [dict(value_text="30.5%", metric="compute"), dict(value_text="21.0%", metric="compute")]),
    # (benchmarks not in the registry: its default metric would hide the reading)
    ("Training it from scratch reaches 61% 5-shot accuracy on an in-house suite.", None,
     [dict(value_text="61%", metric="accuracy")]),
    ("Distillation gives up to a 9% improvement in WMT 2014 En-De BLEU.", None,
     [dict(value_text="9%", kind="delta", metric="bleu")]),
    ("Our model reaches 75% and 84.5% accuracy on two in-house suites.", None,
     [dict(value_text="75%", metric="accuracy"), dict(value_text="84.5%", metric="accuracy")]),
    ("With only 3B active parameters, SparseLM surpasses Llama-2-13B by 4.2% on average.", None,
     [dict(value_text="4.2%", kind="delta", metric=None, baseline="Llama-2-13B")]),
    ("The method improves robustness by 4.1%; larger models, rather than small ones, gain "
     "most.", None,
     [dict(value_text="4.1%", kind="delta", metric=None, baseline=None)]),
    # the time it takes to make a model is its training time, not a latency
    ("DistilKit distills a 1B student from the teacher in 19 hours on one GPU.", None,
     [dict(value_text="19", kind="score", unit="hours", metric="training time")]),
    # a name the authors open-source is their system, the subject of "our approach"
    ("Pruning with our approach needs 30x fewer training tokens than training from scratch. "
     "We have open-sourced Quokka model weights.", "Compact Models via Pruning",
     [dict(value_text="30x", kind="ratio", model="Quokka")]),
    # ... but written in the passive, the names are what the method improves on
    ("Applied to them, PruneKit helps: scores of Llama-2-7B and Qwen-7B are raised by 3.1% "
     "and 2.4%, respectively.", "PruneKit: Structured Pruning for Encoders",
     [dict(value_text="3.1%", model="PruneKit", base_model="Llama-2-7B", baseline="Llama-2-7B"),
      dict(value_text="2.4%", model="PruneKit", base_model="Qwen-7B", baseline="Qwen-7B")]),
    # a reference ends where the sentence goes on with a verb ("and is", "and achieve");
    # "12% the size of X" is measured against X; "Nx smaller than X": X
    ("NanoViT is over 6x smaller than standard vision transformers and is 12% the size of "
     "ResNet-101 while matching their accuracy.", None,
     [dict(value_text="6x", kind="ratio", baseline="standard vision transformers"),
      dict(value_text="12%", kind="ratio", baseline="ResNet-101")]),
    ("We find wide-shallow models consistently outperform deep-narrow models and achieve up "
     "to 8x reduction in memory.", None,
     [dict(value_text="8x", kind="ratio", baseline="deep-narrow models")]),
    # the comparative right after the number names its reference, not the list before it
    ("Our compact model is comparable to Falcon-40B and Mixtral-8x7B on MMLU (61% & 70%), "
     "while using 3.1x less compute than Falcon-40B.", None,
     [dict(value_text="61%", model="Falcon-40B"), dict(value_text="70%", model="Mixtral-8x7B"),
      dict(value_text="3.1x", kind="ratio", baseline="Falcon-40B")]),
    # levels of the listed systems are not measured against the list itself
    ("Our compact model is comparable to Falcon-40B and Mixtral-8x7B on MMLU (61% & 70%) and "
     "trains faster than both.", None,
     [dict(value_text="61%", model="Falcon-40B", baseline=None),
      dict(value_text="70%", model="Mixtral-8x7B", baseline=None)]),
    # a reference in a relative clause after a level is the clause's, not the level's
    ("Our encoder reaches 91% accuracy on an in-house suite, which is a clear gain in sample "
     "efficiency over earlier encoders.", None,
     [dict(value_text="91%", kind="score", baseline=None)]),
    # levels listed after "<noun> of" share the noun
    ("Across the three cluster sizes, our trainer sustains GPU throughputs of 71.2%, 66.8%, "
     "and 52.5%, respectively.", None,
     [dict(value_text=v, metric="throughput") for v in ("71.2%", "66.8%", "52.5%")]),
    # a metric word inside a hyphenated compound or name is not the metric ("open-data",
    # "MAP-Neo"); mixed-case acronyms keep their case ("mAP", not "MAP")
    ("Compared to MAP-Net, the best open-data model, our model represents a 5.2 percentage "
     "point improvement on an in-house suite.", None,
     [dict(value_text="5.2", kind="delta", metric=None)]),
    ("Our detector reaches 41.2 mAP on an in-house set.", None,
     [dict(value_text="41.2", kind="score", metric="map")]),
    # a cost takes the benchmark that frames it: the sentence opens with it, or the cost
    # stands in a parenthesis right after it; "N% as many X as Y" is measured against Y
    ("On MMLU, our pruned model keeps its accuracy with a 3x reduction in compute.", None,
     [dict(value_text="3x", kind="ratio", metric="compute", benchmark="MMLU")]),
    ("Our encoder also improves on ImageNet (81.0% accuracy with 35% as many parameters as "
     "DeiT-B).", None,
     [dict(value_text="81.0%", benchmark="ImageNet"),
      dict(value_text="35%", kind="ratio", metric="parameters", benchmark="ImageNet",
           baseline="DeiT-B")]),
    ("PolyNet is 2x as fast as the dense baseline at equal quality.", None,
     [dict(value_text="2x", kind="ratio", baseline="dense baseline")]),
    # a name with a LaTeX subscript is introduced whole
    ("We find that a depthwise operator, called G_{grow}, converges with 41.3% fewer "
     "tokens.", None,
     [dict(value_text="41.3%", model="G_{grow}")]),
    # "comparing with X" names the reference like "compared with X"; "N% of the
    # parameters found in X" is a fraction of what X has
    ("Comparing with dense retrievers, our sparse index shows gains of 4.1% in recall.", None,
     [dict(value_text="4.1%", kind="delta", baseline="dense retrievers")]),
    ("The distilled tagger matches the teacher using only 12% of the parameters found in "
     "cross-encoder rerankers.", None,
     [dict(value_text="12%", kind="ratio", metric="parameters",
           baseline="cross-encoder rerankers")]),
    # "A vs B for X": B is X's, and A is stated against X
    ("With adapters we close the gap: 71.2% vs 71.9% for full fine-tuning.", None,
     [dict(value_text="71.2%", baseline="full fine-tuning"),
      dict(value_text="71.9%", model="full fine-tuning", role="baseline", baseline=None)]),
    # a metric of several words is read across a line break (wrapped abstracts)
    ("Our tagger lowers the word error\nrate by 12% and the computational\ncost by 3x on "
     "an in-house set.", None,
     [dict(value_text="12%", metric="word error rate"),
      dict(value_text="3x", kind="ratio", metric="compute")]),
    # rules are read the same across a line break ("needed\nto": a hypothesis, no claim),
    # and what is quoted of the text keeps it as written
    ("A recent study hypothesized that the smallest model size, needed\nto achieve over 78% "
     "accuracy on an in-house suite, is 1B.", None, []),
    ("The pruned model cuts the latency by 2% -\n3% compared to the dense\nbaseline.", None,
     [dict(value_text="2% -\n3%", kind="delta", metric="latency", baseline="dense baseline")]),
    # parallel items: what follows "and" before the next number is that number's
    ("The method cuts the latency by 41% and the memory footprint by 17% on a phone.", None,
     [dict(value_text="41%", metric="latency"), dict(value_text="17%", metric="memory")]),
    # "speedup in throughput": the dimension the change is in
    ("We demonstrate a 1.4x speedup in throughput on long prompts.", None,
     [dict(value_text="1.4x", kind="ratio", metric="throughput")]),
    # a name glossed with the paper's system in parentheses is the system
    ("Training only the adapters in DRCs (TinyTune) can outperform full "
     "finetuning with 2.5x better throughput.", "TinyTune: Sparse Adapters for Finetuning",
     [dict(value_text="2.5x", kind="ratio", model="TinyTune")]),
    # a citation key left in the text is no system
    ("The prompting method Brown2020Language can improve the accuracy of fine-tuned models "
     "by 3.1%.", None,
     [dict(value_text="3.1%", kind="delta", model=None)]),
    # a gloss cut off by the end of the reference is dropped, not left unclosed
    ("FastMPC is about 3x faster than the prior framework CryptoNet(NDSS 2021) and has "
     "similar accuracy.", None,
     [dict(value_text="3x", kind="ratio", baseline="prior framework CryptoNet")]),
]


@pytest.mark.parametrize(("text", "title", "expected"), EXACT_CASES,
                         ids=[c[0][:50] for c in EXACT_CASES])
def test_extraction_case_exact(text: str, title: str | None,
                               expected: list[dict[str, Any]]) -> None:
    claims = extract_claims(text, title)
    assert [c.mention.value_text for c in claims] == [e["value_text"] for e in expected]
    for claim, exp in zip(claims, expected, strict=True):
        for name, want in exp.items():
            if name != "value_text":
                assert getattr(claim, name) == want, f"{exp['value_text']} {name}"
