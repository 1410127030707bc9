"""One progress style for every long job (ingest, evaluation, training): rich, on stderr.

stdout is for results (``agentmem ingest FILE > report.json``), so bars never go
there. Each bar shows the count, elapsed time and an estimate of the time left, and
may carry a short note (a training step's reward). When stderr is not a terminal (a
log file, CI, ``nohup``), a live bar would only be drawn when it ends, so the bar
writes a plain line instead every :data:`LOG_EVERY_S` seconds (``AGENTMEM_PROGRESS_EVERY``
overrides it) and one when it ends.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Iterable, Iterator, TypeVar

__all__ = ["ProgressBar", "track", "LOG_EVERY_S"]

T = TypeVar("T")

#: Seconds between the plain progress lines written when stderr is not a terminal.
LOG_EVERY_S = 30.0


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


def _every() -> float:
    raw = os.environ.get("AGENTMEM_PROGRESS_EVERY")
    if raw is None:
        return LOG_EVERY_S
    try:
        return max(0.0, float(raw))
    except ValueError:  # a bad setting must not stop a long job: say so, use the default
        warnings.warn(f"AGENTMEM_PROGRESS_EVERY={raw!r} is not a number of seconds; "
                      f"writing progress every {LOG_EVERY_S:g} s", stacklevel=3)
        return LOG_EVERY_S


class _LogLines:
    """The bar for a log: "ingesting 37/369 (10%) 2:13, eta 19:50 NOTE" now and then."""

    def __init__(self, console, description: str, total: int | None, completed: int,
                 transient: bool):
        self.console, self.description, self.total = console, description, total
        self.done, self.transient, self.text = completed, transient, ""
        self.start = self.last = time.monotonic()
        self.first = completed  # a resumed job's rate counts only this run's items
        self.every = _every()

    def advance(self, n: int) -> None:
        self.done += n
        if time.monotonic() - self.last >= self.every:
            self.write()

    def write(self, last: bool = False) -> None:
        self.last = now = time.monotonic()
        elapsed = now - self.start
        line = f"{self.description} {self.done}"
        if self.total:
            line += f"/{self.total} ({100 * self.done // self.total}%)"
        line += f" {_clock(elapsed)}"
        if self.total and self.first < self.done < self.total and not last:
            rate = elapsed / (self.done - self.first)
            line += f", eta {_clock(rate * (self.total - self.done))}"
        self.console.print(line + (f" {self.text}" if self.text else ""), highlight=False,
                           soft_wrap=True)

    def close(self) -> None:
        if not self.transient:  # an inner loop's last line would only repeat the outer's
            self.write(last=True)


class ProgressBar:
    """``with ProgressBar("ingesting", total=40) as bar: ... bar.advance()``.

    ``enabled=False`` makes every call a no-op, so callers need no branch of their own.
    ``transient`` clears the bar when it finishes (an inner loop of a longer job).
    """

    def __init__(self, description: str, total: int | None, *, enabled: bool = True,
                 completed: int = 0, transient: bool = False):
        self._progress = None
        self._log: _LogLines | None = None
        if not enabled:
            return
        from rich.console import Console

        console = Console(stderr=True)
        if not console.is_terminal:  # a log: plain lines, no live display to build
            self._log = _LogLines(console, description, total, completed, transient)
            return
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
            TextColumn("{task.fields[note]}"), console=console,
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
        elif self._log is not None:
            self._log.advance(n)

    def note(self, text: str) -> None:
        """Show ``text`` after the bar (replacing the previous note)."""
        if self._progress is not None:
            self._progress.update(self._task, note=text)
        elif self._log is not None:
            self._log.text = text

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
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
