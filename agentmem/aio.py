"""``AsyncMemory``: the async face of :class:`~agentmem.Memory`.

It is a thin shim: each coroutine runs the same synchronous method in a worker
thread, so there is one implementation to test and keep right. Every method is a
class attribute built from the :class:`Memory` method it runs, typed with that
method's parameters, so type checkers and IDEs see the same signatures
(``tests/agentmem/test_async.py`` checks that no public method is missing).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Concatenate, Coroutine, ParamSpec, TypeVar

from agentmem.memory import Memory

__all__ = ["AsyncMemory"]

P = ParamSpec("P")
R = TypeVar("R")


def _in_thread(method: Callable[Concatenate[Memory, P], R]
               ) -> Callable[Concatenate["AsyncMemory", P], Coroutine[Any, Any, R]]:
    """A coroutine method that runs ``method`` of the wrapped memory in a worker thread."""
    name = method.__name__

    @functools.wraps(method)
    async def call(self: "AsyncMemory", *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(getattr(self.sync, name), *args, **kwargs)

    return call


def _direct(method: Callable[Concatenate[Memory, P], R]
            ) -> Callable[Concatenate["AsyncMemory", P], R]:
    """A plain method for calls that do no I/O (scope resolution, making a view)."""
    name = method.__name__

    @functools.wraps(method)
    def call(self: "AsyncMemory", *args: P.args, **kwargs: P.kwargs) -> R:
        return getattr(self.sync, name)(*args, **kwargs)

    return call


class AsyncMemory:
    """Same arguments as :class:`Memory`; every method that touches storage is a coroutine.

    ``AsyncMemory.wrap(memory)`` puts an async face on an existing ``Memory``.
    ``resolve_scope`` and ``scoped`` stay synchronous (they do no I/O); the view that
    ``scoped`` returns is the synchronous :class:`~agentmem.view.ScopedMemory`.
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

    @property
    def home(self):
        return self.sync.home

    @property
    def postgres(self) -> bool:
        return self.sync.postgres

    # writes
    apply = _in_thread(Memory.apply)
    add = _in_thread(Memory.add)
    add_many = _in_thread(Memory.add_many)
    add_messages = _in_thread(Memory.add_messages)
    update = _in_thread(Memory.update)
    delete = _in_thread(Memory.delete)
    # reads
    get = _in_thread(Memory.get)
    list = _in_thread(Memory.list)
    search = _in_thread(Memory.search)
    where = _in_thread(Memory.where)
    count = _in_thread(Memory.count)
    quarantined = _in_thread(Memory.quarantined)
    similarities = _in_thread(Memory.similarities)
    vectors = _in_thread(Memory.vectors)
    # history and recovery
    history = _in_thread(Memory.history)
    history_cursor = _in_thread(Memory.history_cursor)
    history_since = _in_thread(Memory.history_since)
    restore = _in_thread(Memory.restore)
    undo = _in_thread(Memory.undo)
    reset = _in_thread(Memory.reset)
    # export / import, state, health
    export_jsonl = _in_thread(Memory.export_jsonl)
    import_jsonl = _in_thread(Memory.import_jsonl)
    copy_to = _in_thread(Memory.copy_to)
    scope_state = _in_thread(Memory.scope_state)
    set_scope_state = _in_thread(Memory.set_scope_state)
    stats = _in_thread(Memory.stats)
    verify = _in_thread(Memory.verify)
    close = _in_thread(Memory.close)
    # no I/O
    resolve_scope = _direct(Memory.resolve_scope)
    scoped = _direct(Memory.scoped)
