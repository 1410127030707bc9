"""``ScopedMemory``: one scope of a :class:`~agentmem.Memory`, as the structures see it.

Structures (notes, task trees, lessons, summaries), the tool functions, the
re-ranker and the LangGraph store each work inside one scope. Rather than pass
``user_id=..., agent_id=..., session_id=...`` to every call (or reach into the
memory's internals), they hold a view from :meth:`Memory.scoped`. A view adds no
storage of its own: every write still goes through :meth:`Memory.apply`, every
read through :meth:`Memory.search` / :meth:`Memory.list` / :meth:`Memory.where`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from agentmem.errors import InvalidArgumentError, MemoryNotFound
from agentmem.operations import HistoryEntry, Operation, OpResult, SearchHit
from agentmem.records import MemoryRecord, Scope

if TYPE_CHECKING:
    from agentmem.memory import Memory

__all__ = ["ScopedMemory"]


class ScopedMemory:
    """The part of a memory that belongs to one scope.

    Get one with ``memory.scoped(user_id=..., agent_id=..., session_id=...)``; the
    scope is the given fields over the memory's default scope.
    """

    def __init__(self, memory: "Memory", scope: Scope):
        self.memory, self.scope = memory, scope

    def __repr__(self) -> str:
        return f"ScopedMemory({self.kwargs}, home={self.memory.config.home!r})"

    @property
    def kwargs(self) -> dict[str, str]:
        """The scope as keyword arguments (``user_id=...`` etc., the set fields only)."""
        return dict(self.scope.items())

    def narrowed(self, *, session_id: str | None = None, agent_id: str | None = None,
                 user_id: str | None = None) -> "ScopedMemory":
        """A view of a narrower scope: these fields over this view's ones."""
        return ScopedMemory(self.memory, Scope.of(user_id, agent_id, session_id).merged(self.scope))

    def owns(self, record: MemoryRecord) -> bool:
        """Whether ``record`` lies inside this scope."""
        return self.scope.matches(record.scope)

    # -- writes (all through Memory.apply) -----------------------------------------------------
    def apply(self, ops: Sequence[Operation | Mapping[str, Any]], *, actor: str | None = None,
              batch: str | None = None) -> list[OpResult]:
        """:meth:`Memory.apply` in this scope: all operations or none, as one history batch."""
        return self.memory.apply(ops, actor=actor, batch=batch, **self.kwargs)

    def add(self, content: str | bytes, **fields: Any) -> MemoryRecord:
        """:meth:`Memory.add` in this scope."""
        return self.memory.add(content, **self._no_scope(fields), **self.kwargs)

    def add_many(self, contents: Sequence[str | bytes], **fields: Any) -> list[MemoryRecord]:
        """:meth:`Memory.add_many` in this scope."""
        return self.memory.add_many(contents, **self._no_scope(fields), **self.kwargs)

    # -- reads ----------------------------------------------------------------------------------
    def get(self, memory_id: str) -> MemoryRecord:
        """The record, if it lies in this scope (else :class:`MemoryNotFound`)."""
        record = self.memory.get(memory_id)
        if not self.owns(record):
            raise MemoryNotFound(f"no memory with id {memory_id!r} in scope {self.kwargs}")
        return record

    def search(self, query: str, **options: Any) -> list[SearchHit]:
        """:meth:`Memory.search` in this scope (same options: ``k``, ``kinds``, ``mode``...)."""
        return self.memory.search(query, **self._no_scope(options), **self.kwargs)

    def list(self, **options: Any) -> list[MemoryRecord]:
        """One page of :meth:`Memory.list` in this scope."""
        return self.memory.list(**self._no_scope(options), **self.kwargs)

    def records(self, *, kinds: Any = None, page: int = 1000) -> Iterator[MemoryRecord]:
        """Every record of this scope (of ``kinds``), oldest first, read a page at a time."""
        offset = 0
        while batch := self.memory.list(kinds=kinds, limit=page, offset=offset, **self.kwargs):
            yield from batch
            offset += len(batch)

    def where(self, field: str, value: str, *, kinds: Any = None,
              prefix: bool = False) -> list[MemoryRecord]:
        """:meth:`Memory.where` in this scope."""
        return self.memory.where(field, value, kinds=kinds, prefix=prefix, **self.kwargs)

    def similarities(self, query: str, records: Sequence[MemoryRecord]) -> dict[str, float]:
        """Cosine similarity of ``query`` to each of ``records`` (all of this scope)."""
        outside = [r.id for r in records if not self.owns(r)]
        if outside:
            raise InvalidArgumentError(f"records {outside[:3]} are not in scope {self.kwargs}")
        return self.memory.similarities(query, [r.id for r in records])

    def history(self, memory_id: str) -> list[HistoryEntry]:
        """Every change to a memory of this scope, oldest first."""
        entries = self.memory.history(memory_id)
        record = entries[-1].after or entries[-1].before
        if record is not None and not self.owns(record):
            raise MemoryNotFound(f"no memory with id {memory_id!r} in scope {self.kwargs}")
        return entries

    def history_since(self, cursor: int) -> tuple[list[HistoryEntry], int]:
        """Changes to this scope's records after ``cursor`` (from
        :meth:`Memory.history_cursor`), and the new cursor."""
        entries, cursor = self.memory.history_since(cursor)
        mine = [e for e in entries if (rec := e.after or e.before) is not None and self.owns(rec)]
        return mine, cursor

    # -- per-scope state -----------------------------------------------------------------------
    def state(self, name: str) -> dict[str, Any] | None:
        """The small JSON object kept under ``name`` for this scope, if any."""
        return self.memory.scope_state(self.scope, name)

    def set_state(self, name: str, value: Mapping[str, Any]) -> None:
        """Keep a small JSON object under ``name`` for this scope (not versioned)."""
        self.memory.set_scope_state(self.scope, name, value)

    @staticmethod
    def _no_scope(options: dict[str, Any]) -> dict[str, Any]:
        clash = {"user_id", "agent_id", "session_id"} & set(options)
        if clash:
            raise InvalidArgumentError(f"a scoped view fixes the scope; drop {sorted(clash)} or "
                                       "use memory.scoped(...) with those fields")
        return options
