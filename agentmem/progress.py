"""One progress style for every long job (ingest, evaluation, training): rich, on stderr.

stdout is for results (``agentmem ingest FILE > report.json``), so bars never go
there. Each bar shows the count, elapsed time and an estimate of the time left, and
may carry a short note (a training step's reward).
"""

from __future__ import annotations

from typing import Iterable, Iterator, TypeVar

__all__ = ["ProgressBar", "track"]

T = TypeVar("T")


class ProgressBar:
    """``with ProgressBar("ingesting", total=40) as bar: ... bar.advance()``.

    ``enabled=False`` makes every call a no-op, so callers need no branch of their own.
    ``transient`` clears the bar when it finishes (an inner loop of a longer job).
    """

    def __init__(self, description: str, total: int | None, *, enabled: bool = True,
                 completed: int = 0, transient: bool = False):
        self._progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            TextColumn("{task.fields[note]}"), console=Console(stderr=True),
            transient=transient, redirect_stdout=False, redirect_stderr=False)
        self._task = self._progress.add_task(description, total=total, completed=completed,
                                             note="")

    def __enter__(self) -> ProgressBar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def note(self, text: str) -> None:
        """Show ``text`` after the bar (replacing the previous note)."""
        if self._progress is not None:
            self._progress.update(self._task, note=text)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def track(items: Iterable[T], description: str, *, total: int | None = None,
          enabled: bool = True, transient: bool = False) -> Iterator[T]:
    """Yield ``items`` while a bar counts them (``total`` defaults to ``len(items)``)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with ProgressBar(description, total, enabled=enabled, transient=transient) as bar:
        for item in items:
            yield item
            bar.advance()
