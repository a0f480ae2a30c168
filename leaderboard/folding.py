"""Case folding that keeps every offset: one character in, one character out.

Two speed-ups rest on it. Word gates in the extractor test ``word in folded(text)``
before running a case-insensitive regex, and the registries scan ``folded(text)`` with
a regex of plain lower-case letters instead of a case-insensitive one; a match's
offsets then hold in the original text, where its surface is read.
"""

from __future__ import annotations

# The only characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter
# (checked over every code point in tests/test_extract_speed.py). U+0130 is also the one
# character whose ``lower()`` is two characters long, so it must go first.
_CASE_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def folded(text: str) -> str:
    """``text`` in lower case, character for character.

    Wherever a case-insensitive pattern matches an ASCII word (``times``, ``activ``),
    that word is a substring of ``folded(text)``. So ``word not in folded(text)`` proves
    a slow case-insensitive scan would find nothing, and the scan can be skipped.
    ``len(folded(text)) == len(text)`` for every text, and folding keeps whether each
    character is a word character, a space or a digit.
    """
    return text.lower() if text.isascii() else text.translate(_CASE_TWINS).lower()
