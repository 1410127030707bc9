"""A fair line in front of a model: blocking calls run on a fixed number of worker threads
(one by default: the local model generates one reply at a time), first come first served,
so the event loop that answers HTTP never waits on a generation.

A caller gives up after its timeout; a call still waiting is then dropped from the line,
but one already running cannot be interrupted (a thread cannot be killed) and keeps its
worker until it finishes, so the model is never asked for two replies at once.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

__all__ = ["WorkQueue"]


class WorkQueue:
    """``await queue.run(fn, timeout)``: ``fn()`` on a worker thread, in arrival order."""

    def __init__(self, workers: int = 1, max_waiting: int = 16, name: str = "model"):
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"agentmem-{name}")
        self._lock = threading.Lock()  # the count changes on the loop and on worker threads
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Calls accepted but not started yet."""
        return self._waiting

    @property
    def full(self) -> bool:
        return self._waiting >= self.max_waiting

    def _started(self, fn: Callable[[], Any]) -> Any:
        with self._lock:
            self._waiting -= 1
        return fn()

    async def run(self, fn: Callable[[], Any], timeout: float | None) -> Any:
        """``fn()``'s result or exception. Raises ``TimeoutError`` after ``timeout`` seconds
        (``None``: no limit), counting the wait in line."""
        with self._lock:
            self._waiting += 1
        job = self._pool.submit(self._started, fn)
        result = asyncio.wrap_future(job)
        # Nobody reads the result of a call given up on; reading it here keeps asyncio from
        # logging "exception was never retrieved" when that late call fails.
        result.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.wait_for(asyncio.shield(result), timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
            if job.cancel():  # still in line: it never runs, and gives its place up
                with self._lock:
                    self._waiting -= 1
            if isinstance(exc, asyncio.TimeoutError):
                raise TimeoutError from None
            raise

    def close(self) -> None:
        """Drop what is waiting; a running call finishes on its own."""
        self._pool.shutdown(wait=False, cancel_futures=True)
