"""Property tests: on arbitrary text the extractor never raises, every span lies inside
the text and reads its value text, values are finite, and output is deterministic; on
generated numbers in the supported written forms the parsed value is right."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard.extract import extract_claims
from leaderboard.extract.numbers import find_numbers

WORDS = st.sampled_from([
    "Our", "model", "FooNet", "achieves", "outperforms", "GPT-4", "by", "on", "MMLU", "GSM8K",
    "accuracy", "of", "2x", "faster", "than", "7B", "parameters", "(", ")", ",", ".", "%",
    "\\%", "times", "-fold", "twice", "half", "from", "to", "vs.", "pm", "±", "score",
    "Llama-2-70B", "improvement", "reduces", "memory", "GB", "respectively", "and", "12",
    "3.5", "86.81%", "1.6-7.0%", "2,000", "<", ">", "$", "\\times", "\n", "é", "上",
])
ABSTRACTS = st.one_of(
    st.text(max_size=400),
    st.lists(WORDS, max_size=80).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ABSTRACTS, st.one_of(st.none(), st.text(max_size=40)))
def test_extractor_never_raises_and_spans_read_value_text(text: str, title: str | None) -> None:
    claims = extract_claims(text, title)
    for c in claims:
        m = c.mention
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.value_text
        assert math.isfinite(m.value)
        assert m.value_low is None or math.isfinite(m.value_low)
        assert c.kind in ("score", "delta", "ratio")
        assert c.sentence.text in text
    again = extract_claims(text, title)
    assert [(c.mention.start, c.kind, c.model, c.benchmark, c.params) for c in claims] == [
        (c.mention.start, c.kind, c.model, c.benchmark, c.params) for c in again]


NUMBERS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False,
                      allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(NUMBERS, st.sampled_from(["%", "\\%", "x", "×", " times", "-fold", " percentage points",
                                 " points", " GB", ""]))
def test_generated_numbers_parse_to_their_value(number: object, suffix: str) -> None:
    written = f"{number}"
    text = f"It reaches {written}{suffix} here."
    found = find_numbers(text)
    assert found, text
    assert math.isclose(found[0].value, float(written), rel_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1000, max_value=10**9))
def test_thousands_separators(n: int) -> None:
    text = f"a total of {n:,} words"
    (m,) = find_numbers(text)
    assert m.value == n and m.value_text == f"{n:,}"


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0.1, max_value=99, allow_nan=False).map(lambda v: round(v, 1)),
       st.floats(min_value=0.1, max_value=99, allow_nan=False).map(lambda v: round(v, 1)))
def test_ranges(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    (m,) = find_numbers(f"a gain of {low}-{high}% overall")
    assert m.value == high and m.value_low == low and m.unit == "%"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é,.-\n\tÅ1")), max_size=60),
       st.integers(min_value=1, max_value=12))
def test_chunked_content_hash_equals_whole_text(text: str, chunk: int) -> None:
    """Hashing a long abstract in pieces gives the id the whole text would."""
    import hashlib

    import leaderboard.models as models

    whole = hashlib.sha256(("\n" + models.normalise_for_id(text)).encode("utf-8")).hexdigest()
    old = models._CHUNK
    models._CHUNK = chunk
    try:
        assert models.content_hash(None, text) == whole
    finally:
        models._CHUNK = old
