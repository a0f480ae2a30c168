"""A live one-line count for long runs of ``extract`` and ``ingest`` on a terminal.

Why: the arXiv snapshot takes many minutes, and a silent terminal cannot be told from
a hung one. The line shows the file being read, papers and claims so far, the recent
rate and the time elapsed. It goes to standard error and only while the run lasts:
the outputs are the same with or without it.
"""

from __future__ import annotations

from pathlib import PurePath
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Papers per second over the last few batches (rich keeps the samples)."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f} papers/s" if speed else "", style="progress.data.speed")


class RunProgress:
    """Counts papers and claims batch by batch; shows them when ``enabled``.

    Use as a context manager around the run. Other output printed on the same console
    (errors, warnings) appears above the line, which stays at the bottom."""

    def __init__(self, console: Console, enabled: bool, verb: str) -> None:
        self.papers = 0
        self.claims = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn(verb + " [bold]{task.description}"),
                TextColumn("{task.completed:,.0f} papers, {task.fields[claims]:,} claims"),
                _RateColumn(),
                TimeElapsedColumn(),
                console=console,
                refresh_per_second=4,
                # never take over sys.stdout: ``extract -o -`` writes claims there
                # while the line is shown on a terminal's stderr
                redirect_stdout=False,
                redirect_stderr=False,
            )

    def __enter__(self) -> RunProgress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("", total=None, claims=0)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def batch(self, source: str, papers: int, claims: int) -> None:
        """A batch of ``source`` was done: ``papers`` papers with ``claims`` claims."""
        self.papers += papers
        self.claims += claims
        if self._progress is not None and self._task is not None:
            name = escape(PurePath(source).name or source)
            self._progress.update(self._task, description=name, advance=papers,
                                  claims=self.claims)


__all__ = ["RunProgress"]
