"""What every memory structure shares: a memory view of one scope and an optional LLM.

A structure (linked notes, task trees, lessons, summaries) is a way of writing and
reading records of some kinds inside one scope. It owns no storage: it holds a
:class:`~agentmem.view.ScopedMemory` and writes through its ``apply``.
"""

from __future__ import annotations

from typing import Any

from agentmem.memory import Memory

__all__ = ["Structure", "resolve_llm"]


def resolve_llm(llm: Any) -> Any:
    """An LLM object from a spec string (``"local"``, ``"openai:gpt-4o-mini"``...), or as given."""
    if isinstance(llm, str):
        from agentmem.llm import get_llm

        return get_llm(llm)
    return llm


class Structure:
    """Base of the structures: ``memory``, ``llm``, ``view`` (the scope) and ``scope``.

    Args:
        memory: where the records live.
        llm: a model, a spec string, or ``None`` (each structure has a model-free fallback).
        user_id, agent_id, session_id: the scope (over the memory's default scope); at
            least one field must be set here or there.
    """

    def __init__(self, memory: Memory, llm: Any = None, *, user_id: str | None = None,
                 agent_id: str | None = None, session_id: str | None = None):
        self.memory, self.llm = memory, resolve_llm(llm)
        self.view = memory.scoped(user_id=user_id, agent_id=agent_id, session_id=session_id)
        self.scope = self.view.scope
