"""Keeping text from abstracts inert where it is opened: spreadsheets.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by spreadsheet programs (OWASP "CSV injection"). Text cells that
start so are prefixed with a single quote; numbers are written as numbers and never
touched, so ``-3.5`` stays a number.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """The text as a CSV cell that a spreadsheet shows literally."""
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
