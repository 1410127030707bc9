"""``AsyncMemory``: the async face of :class:`~agentmem.Memory`.

It is a thin shim: each coroutine runs the same synchronous method in a worker
thread, so there is one implementation to test and keep right.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from agentmem.memory import Memory

__all__ = ["AsyncMemory"]

_METHODS = ("add", "add_many", "apply", "update", "delete", "get", "list", "search", "history",
            "restore", "undo", "reset", "export_jsonl", "import_jsonl", "stats", "verify", "close")


def _shim(name: str):
    method = getattr(Memory, name)

    @functools.wraps(method)
    async def call(self: "AsyncMemory", *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(getattr(self.sync, name), *args, **kwargs)

    return call


class AsyncMemory:
    """Same arguments as :class:`Memory`; every method is a coroutine.

    ``AsyncMemory.wrap(memory)`` puts an async face on an existing ``Memory``.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        self.sync = Memory(*args, **kwargs)

    @classmethod
    def wrap(cls, memory: Memory) -> "AsyncMemory":
        obj = cls.__new__(cls)
        obj.sync = memory
        return obj

    async def __aenter__(self) -> "AsyncMemory":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    for _name in _METHODS:
        locals()[_name] = _shim(_name)
    del _name
