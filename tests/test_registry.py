"""The registries: shipped data loads and validates; names resolve; problems are all
reported; broken files are refused with the file named."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderboard.registry import (
    BenchmarkIndex,
    BenchmarkRegistry,
    RegistryError,
    default_benchmark_index,
    default_model_index,
    load_benchmarks,
    load_models,
    validate_benchmarks,
    validate_models,
)


def test_shipped_registries_are_valid_and_large() -> None:
    benchmarks, models = load_benchmarks(), load_models()
    assert validate_benchmarks(benchmarks) == []
    assert validate_models(models) == []
    assert len(benchmarks.benchmarks) >= 150
    assert len(models.models) >= 150


@pytest.mark.parametrize(
    ("bid", "direction"),
    [
        ("gsm8k", "higher"),
        ("mmlu", "higher"),
        ("wikitext-103", "lower"),
        ("librispeech", "lower"),
        ("imagenet", "higher"),
    ],
)
def test_directions(bid: str, direction: str) -> None:
    entry = default_benchmark_index().get(bid)
    assert entry is not None and entry.direction == direction


@pytest.mark.parametrize(
    ("written", "bid"),
    [
        ("GSM8K", "gsm8k"),
        ("GSM8k", "gsm8k"),
        ("gsm-8k", "gsm8k"),
        ("MT-bench", "mt-bench"),
        ("MT Bench", "mt-bench"),
        ("MMLU", "mmlu"),
        ("MMLU-Pro", "mmlu-pro"),
        ("MMLU Pro", "mmlu-pro"),
        ("AlpacaEval 2.0", "alpacaeval-2"),
        ("the GSM8K benchmark", "gsm8k"),
        ("ImageNet-1k", "imagenet"),
        ("CIFAR-10", "cifar-10"),
        ("ARC-Challenge", "arc-challenge"),
    ],
)
def test_resolve(written: str, bid: str) -> None:
    entry = default_benchmark_index().resolve(written)
    assert entry is not None, written
    assert entry.id == bid


@pytest.mark.parametrize(
    "text",
    [
        "we solve math word problems",
        "an accuracy drop on imagenette",
        "Tiny-ImageNet results",
    ],
)
def test_no_false_mentions(text: str) -> None:
    ids = [m.benchmark_id for m in default_benchmark_index().find_all(text)]
    assert "math" not in ids and "imagenet" not in ids


def test_find_all_spans_read_the_surface() -> None:
    text = "It scores 86.8 on GSM8k, 70.1 on MMLU-Pro and 7.4 on MT-Bench."
    found = default_benchmark_index().find_all(text)
    assert [m.benchmark_id for m in found] == ["gsm8k", "mmlu-pro", "mt-bench"]
    for m in found:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("written", "params"),
    [
        ("Llama-2-7B", 7e9),
        ("Llama 2 7B", 7e9),
        ("LLaMA2-7B", 7e9),
        ("Mistral-7B", 7e9),
        ("Llama-2-7b-chat", 7e9),
    ],
)
def test_model_sizes(written: str, params: float) -> None:
    entry = default_model_index().resolve(written)
    assert entry is not None, written
    assert entry.params == pytest.approx(params)


def test_mixture_has_active_parameters() -> None:
    entry = default_model_index().resolve("Mixtral-8x7B")
    assert entry is not None and entry.active_params is not None
    assert entry.active_params < entry.params


BROKEN = """
version: "1"
benchmarks:
  - {id: dup, name: Alpha, task: t, metric: accuracy, direction: higher,
     scale: {min: 0, max: 100, unit: "%"}}
  - {id: dup, name: Beta, task: t, metric: accuracy, direction: higher,
     scale: {min: 0, max: 100, unit: "%"}}
  - {id: gamma, name: Gamma, aliases: [ALPHA], task: t, metric: accuracy, direction: higher,
     parent: nowhere, scale: {min: 0, max: 100, unit: "%"}}
"""


def test_validator_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(BROKEN)
    problems = validate_benchmarks(load_benchmarks(path))
    text = "\n".join(problems)
    assert "'dup' is used 2 times" in text
    assert "alpha" in text and "several benchmarks" in text
    assert "parent 'nowhere'" in text
    assert len(problems) == 3


def test_schema_errors_name_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        'version: "1"\nbenchmarks:\n  - {id: Bad Id, name: X, task: t, '
        "metric: accuracy, direction: up, scale: {min: 5, max: 1}}\n"
    )
    with pytest.raises(RegistryError) as info:
        load_benchmarks(path)
    message = str(info.value)
    assert str(path) in message and "Bad Id" in message and "direction" in message


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: [1\nbenchmarks: {")
    with pytest.raises(RegistryError, match=r"broken\.yaml"):
        load_benchmarks(path)


def test_index_is_built_from_any_registry() -> None:
    reg = BenchmarkRegistry.model_validate(
        {
            "version": "t",
            "benchmarks": [
                {
                    "id": "foo-qa",
                    "name": "FooQA",
                    "aliases": ["Foo QA set"],
                    "task": "qa",
                    "metric": "accuracy",
                    "direction": "higher",
                    "scale": {"min": 0, "max": 100, "unit": "%"},
                }
            ],
        }
    )
    index = BenchmarkIndex(reg)
    assert [m.benchmark_id for m in index.find_all("results on FooQA and the Foo-QA set")] == [
        "foo-qa",
        "foo-qa",
    ]
