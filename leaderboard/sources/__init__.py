"""Readers: input files -> :class:`~leaderboard.models.SourcedPaper` objects.

Formats (:data:`FORMATS`): daily-papers page dumps, arXiv listing dumps, the arXiv
metadata snapshot (JSON lines, plain or gzip), arXiv API Atom feeds, Hugging Face
daily-papers API responses (JSON), plain text.
Every abstract carries its character offsets in the decoded file text
(:func:`read_text`): a verbatim slice, or an offset map for JSON/XML escapes.
"""

from leaderboard.sources.decode import read_text
from leaderboard.sources.detect import detect_format
from leaderboard.sources.errors import SourceError, SourceWarning
from leaderboard.sources.reader import FORMATS, iter_input_paths, read_source

__all__ = [
    "FORMATS",
    "SourceError",
    "SourceWarning",
    "detect_format",
    "iter_input_paths",
    "read_source",
    "read_text",
]
