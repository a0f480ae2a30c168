"""The store's one error type, apart from the store itself.

Why apart: the command line catches it around every command, and importing
:mod:`leaderboard.store` (DuckDB and pandas) just to name it cost commands that never
open a store, such as ``extract``, about half a second of start-up.
"""

from __future__ import annotations


class StoreError(Exception):
    """A store problem a user can act on: locked, wrong version, a file not stored."""


__all__ = ["StoreError"]
