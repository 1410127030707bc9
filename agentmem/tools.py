"""Memory as tools: plain functions with typed signatures and docstrings.

Any agent framework can call them; ``agentmem.integrations`` wraps the same
functions as LangChain tools and as an MCP server. Each set of tools is bound to
one scope, so a tool call can never read or change another user's memories.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from agentmem.errors import AgentMemError, MemoryNotFound
from agentmem.memory import Memory
from agentmem.operations import Operation

__all__ = ["memory_tools", "reraise_as"]


def reraise_as(fn: Callable[..., Any], error: type[Exception]) -> Callable[..., Any]:
    """Wrap a tool so agentmem errors surface as ``error`` (a framework's tool-error type),
    which frameworks report back to the model instead of treating as a crash."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AgentMemError as exc:
            raise error(f"{type(exc).__name__}: {exc}") from exc

    return call


def _brief(record) -> dict[str, Any]:
    return {"id": record.id, "content": record.content, "kind": record.kind.value,
            "version": record.version,
            "event_time": record.event_time.isoformat() if record.event_time else None}


def memory_tools(memory: Memory, *, user_id: str | None = None, agent_id: str | None = None,
                 session_id: str | None = None) -> list[Callable[..., Any]]:
    """Return search/add/update/delete/history functions bound to ``memory`` and one scope."""
    scope = {"user_id": user_id, "agent_id": agent_id, "session_id": session_id}
    memory._scope(user_id, agent_id, session_id)  # fail now, not at the first tool call

    def search_memory(query: str, k: int = 5) -> list[dict[str, Any]]:
        """Search long-term memory for facts related to the query; best matches first."""
        return [_brief(h.record) | {"score": round(h.score, 4)}
                for h in memory.search(query, k=k, **scope)]

    def add_memory(content: str, kind: str = "fact") -> dict[str, Any]:
        """Store a new fact in long-term memory and return it with its id."""
        return _brief(memory.add(content, kind=kind, actor="tool", **scope))

    def update_memory(memory_id: str, content: str, reason: str = "") -> dict[str, Any]:
        """Replace the content of the memory with this id (use ids from search_memory)."""
        res = memory.apply([Operation.update(memory_id, content, reason=reason)], actor="tool",
                           **scope)
        return _brief(res[0].record)

    def delete_memory(memory_id: str, reason: str = "") -> dict[str, Any]:
        """Delete the memory with this id; it stays recoverable from its history."""
        res = memory.apply([Operation.delete(memory_id, reason=reason)], actor="tool", **scope)
        return {"deleted": memory_id, "content": res[0].previous.content}

    def memory_history(memory_id: str) -> list[dict[str, Any]]:
        """List every change made to the memory with this id, oldest first."""
        entries = memory.history(memory_id)
        record = entries[-1].after or entries[-1].before
        scoped = memory._scope(user_id, agent_id, session_id)
        if record is not None and not scoped.matches(record.scope):
            raise MemoryNotFound(f"no memory with id {memory_id!r} in this scope")
        return [{"op": e.op, "version": e.version, "at": e.at.isoformat(), "reason": e.reason,
                 "content": e.after.content if e.after else None} for e in entries]

    return [search_memory, add_memory, update_memory, delete_memory, memory_history]
