"""The typed records that flow through the pipeline: Paper, Sighting and Claim.

A *paper* is the work itself (title, abstract, metadata), identified by a stable id.
A *sighting* is one place a paper was read from (a file, its format, its position and
the abstract's character offsets in that file's decoded text). A paper seen in two
files is one Paper with two Sightings, so its claims are stored once.
A *claim* is one number of an abstract with every field of ``shared/gold/GUIDE.md``
and the provenance needed to find its characters again.

These models are the contract between readers, extractor, store and exports; the JSON
Schemas in ``schemas/`` are generated from them (``leaderboard.schemas``).
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, Literal, overload

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["score", "delta", "ratio"]
Direction = Literal["increase", "decrease"]
DeltaType = Literal["absolute", "relative", "unspecified"]
Role = Literal["proposed", "baseline", "other"]
SourceFormat = Literal["daily-papers", "arxiv-listing", "arxiv-jsonl", "arxiv-atom", "plain-text",
                       "hf-daily-json"]


def normalise_for_id(text: str | None) -> str:
    """Fold case, accents, punctuation and whitespace so trivial re-formatting of a
    title or abstract (a re-wrapped line, a curly quote) keeps the same paper id."""
    if not text:
        return ""
    # All in bytes, at C speed (every paper read is hashed): NFKD is the identity on
    # ASCII text; then every byte but [0-9a-z] becomes a space and runs of spaces one.
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
    folded = text.encode("ascii", "ignore").lower().translate(_WORD_BYTES)
    return b" ".join(folded.split()).decode("ascii")


# Bytes 0-9 and a-z kept, every other byte a space (``bytes.split`` then drops them).
_WORD_BYTES = bytes(b if chr(b) in "0123456789abcdefghijklmnopqrstuvwxyz" else 32
                    for b in range(256))


_CHUNK = 1 << 20


def _normalised_pieces(text: str) -> Iterator[str]:
    """``normalise_for_id(text)`` in pieces of about a million characters, cut at
    whitespace, so a pathological 50 MB abstract is hashed in bounded memory. Joined
    with single spaces the pieces are exactly ``normalise_for_id(text)``."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):  # cut at a space, never inside a word
            cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
            else:
                ahead = text.find(" ", end)
                end = len(text) if ahead == -1 else ahead + 1
        piece = normalise_for_id(text[start:end])
        if piece:
            yield piece
        start = end


def content_hash(title: str | None, abstract: str) -> str:
    """sha256 of the normalised title and abstract: the identity of a paper's text."""
    digest = hashlib.sha256((normalise_for_id(title) + "\n").encode("utf-8"))
    for i, piece in enumerate(_normalised_pieces(abstract)):
        digest.update(((" " if i else "") + piece).encode("utf-8"))
    return digest.hexdigest()


def make_paper_id(arxiv_id: str | None, title: str | None, abstract: str,
                  text_hash: str | None = None) -> str:
    """The arXiv id when known (version suffix dropped), else ``h:`` and 16 hex digits
    of the content hash, so ids are stable across runs and machines."""
    if arxiv_id:
        return "arXiv:" + re.sub(r"v\d+$", "", arxiv_id.strip())
    return "h:" + (text_hash or content_hash(title, abstract))[:16]


class Paper(BaseModel):
    """A paper: its text and whatever metadata its source had."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paper_id: str = Field(description="arXiv:<id> when known, else h:<16 hex of content hash>")
    title: str | None = None
    abstract: str
    content_hash: str = Field(description="sha256 of normalised title + abstract")
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    authors_count: int | None = Field(default=None, ge=0)
    organization: str | None = None
    published: date | None = None
    upvotes: int | None = Field(default=None, ge=0)
    categories: tuple[str, ...] = ()

    @classmethod
    def build(cls, *, title: str | None, abstract: str, arxiv_id: str | None = None,
              **metadata: object) -> Paper:
        """Create a paper, deriving its id and content hash from its text."""
        text_hash = content_hash(title, abstract)
        return cls(
            paper_id=make_paper_id(arxiv_id, title, abstract, text_hash),
            title=title,
            abstract=abstract,
            content_hash=text_hash,
            arxiv_id=arxiv_id,
            **metadata,
        )


class Sighting(BaseModel):
    """One place a paper was read: the file, its format, and where the abstract lies.

    ``offset_map`` lists breakpoints ``(abstract_offset, source_offset)`` for sources
    whose abstract is not a verbatim slice of the file (JSON escapes, XML entities):
    a character at abstract offset ``i`` lies at ``s + (i - a)`` in the source, where
    ``(a, s)`` is the last breakpoint with ``a <= i``. Empty means the abstract is the
    verbatim slice ``[abstract_start, abstract_end)`` of the source text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    paper_id: str
    source: str = Field(description="the path as given by the user, or '-' for stdin")
    source_format: SourceFormat
    paper_index: int = Field(ge=0, description="0-based position of the paper in the source")
    abstract_start: int = Field(ge=0)
    abstract_end: int = Field(ge=0)
    offset_map: tuple[tuple[int, int], ...] = ()

    def source_offset(self, abstract_offset: int) -> int:
        """Map an offset in the abstract string to an offset in the source text."""
        return source_offsets(self.abstract_start, self.offset_map, (abstract_offset,))[0]


def source_offsets(abstract_start: int, offset_map: tuple[tuple[int, int], ...],
                   abstract_offsets: Iterable[int]) -> list[int]:
    """``Sighting.source_offset`` of several offsets of one abstract, the breakpoints
    sorted out once for all of them (a paper's claims need two offsets each)."""
    if not offset_map:
        return [abstract_start + i for i in abstract_offsets]
    keys = [a for a, _ in offset_map]
    out = []
    for i in abstract_offsets:
        k = bisect_right(keys, i) - 1
        if k < 0:
            out.append(abstract_start + i)
        else:
            a, s = offset_map[k]
            out.append(s + (i - a))
    return out


class SourcedPaper(BaseModel):
    """What a reader yields: a paper and the sighting it was read from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paper: Paper
    sighting: Sighting


class Claim(BaseModel):
    """One numeric result claimed in an abstract, with its provenance.

    Field meanings follow ``shared/gold/GUIDE.md``. ``char_start``/``char_end`` are
    offsets in the decoded source text; ``span_start``/``span_end`` the same characters
    in the paper's abstract string, so a claim can be re-checked against either.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    claim_id: str = Field(description="stable id: hash of paper id, span and value text")
    source: str
    paper_id: str
    paper_index: int = Field(ge=0)
    paper_title: str | None = None
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    span_start: int = Field(ge=0)
    span_end: int = Field(ge=0)
    value_text: str
    kind: Kind
    value: float
    value_low: float | None = None
    spread: float | None = Field(default=None, description="the ± part, when written")
    unit: str | None = None
    model: str | None = None
    base_model: str | None = None
    params: float | None = Field(default=None, description="total parameters, as stated")
    active_params: float | None = None
    params_registry: float | None = Field(
        default=None, description="total parameters from the model registry (for plots)"
    )
    benchmark: str | None = Field(default=None, description="the benchmark as written")
    benchmark_id: str | None = Field(default=None, description="canonical registry id")
    task: str | None = None
    metric: str | None = None
    baseline: str | None = None
    direction: Direction | None = None
    delta_type: DeltaType | None = None
    setting: str | None = None
    qualifier: str | None = None
    role: Role | None = None
    restated: bool = False
    sentence: str
    notes: str | None = None


def make_claim_id(paper_id: str, span_start: int, span_end: int, value_text: str) -> str:
    """Claims are keyed by where they are in the abstract, not by extracted fields, so a
    review decision survives a new extractor version that fills fields differently."""
    raw = f"{paper_id}\x1f{span_start}\x1f{span_end}\x1f{value_text}"
    return "c:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


#: Column order of claim rows in every export (CLI ``extract``, store exports).
CLAIM_COLUMNS: tuple[str, ...] = tuple(Claim.model_fields)

#: A claim's values in :data:`CLAIM_COLUMNS` order.
ClaimRow = tuple[Any, ...]

# (one C call for all fields: several times faster than a getattr per field)
_claim_values = operator.attrgetter(*CLAIM_COLUMNS)


def claim_row(claim: Claim) -> ClaimRow:
    """A claim's values in :data:`CLAIM_COLUMNS` order."""
    row: ClaimRow = _claim_values(claim)
    return row


class ClaimRows(Sequence[Claim]):
    """Validated claims kept as plain rows: what a worker process sends back.

    Why: a batch's claims cross a process boundary pickled. Tuples of strings and
    numbers pickle and unpickle several times faster than pydantic models, and the
    consumers that matter (the claim writer, the store) want the values anyway. Each
    row was a validated :class:`Claim`; indexing rebuilds it without validating again.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: list[ClaimRow]) -> None:
        self.rows = rows

    @classmethod
    def of(cls, claims: Iterable[Claim]) -> ClaimRows:
        return cls([claim_row(c) for c in claims])

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Claim: ...

    @overload
    def __getitem__(self, index: slice) -> list[Claim]: ...

    def __getitem__(self, index: int | slice) -> Claim | list[Claim]:
        if isinstance(index, slice):
            return [_rebuilt(row) for row in self.rows[index]]
        return _rebuilt(self.rows[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClaimRows):
            return self.rows == other.rows
        return isinstance(other, Sequence) and list(self) == list(other)


def _rebuilt(row: ClaimRow) -> Claim:
    return Claim.model_construct(**dict(zip(CLAIM_COLUMNS, row, strict=True)))


def claim_rows(claims: Sequence[Claim]) -> list[ClaimRow] | Iterator[ClaimRow]:
    """The values of each claim, in order: the rows themselves for :class:`ClaimRows`."""
    return claims.rows if isinstance(claims, ClaimRows) else map(claim_row, claims)
