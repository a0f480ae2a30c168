"""The one error type of the readers: a file that cannot be read as papers."""

from __future__ import annotations


class SourceError(Exception):
    """A path that gave no papers, and why: ``str(err)`` is ``"PATH: reason"``.

    Raised by :func:`~leaderboard.sources.read_source` (unreadable, undecodable,
    unsupported or empty files) and yielded, not raised, by
    :func:`~leaderboard.sources.iter_input_paths` for paths that do not exist.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class SourceWarning(UserWarning):
    """Part of a file was left out and the rest read: a cut last JSON line, a page
    dump that ends with a title and no abstract. Issued with :func:`warnings.warn`, so
    readers stay plain iterators; the pipeline collects and reports them by file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
