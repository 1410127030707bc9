"""Memory as tools: plain functions with typed signatures and docstrings.

Any agent framework can call them; ``agentmem.integrations`` wraps the same
functions as LangChain tools and as an MCP server. Each set of tools is bound to
one scope, so a tool call can never read or change another user's memories. An id
from outside that scope is answered exactly like an id that does not exist: the
caller learns neither that the memory exists nor whose it is (docs/security.md).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from agentmem.errors import AgentMemError, MemoryNotFound
from agentmem.memory import Memory
from agentmem.operations import Operation
from agentmem.records import Provenance, SourceType

#: Provenance of what an LLM stores through a memory tool call.
_FROM_A_TOOL_CALL = Provenance(source=SourceType.DIALOGUE, actor="tool")

__all__ = ["memory_tools", "structure_tools", "core_memory_tools", "reraise_as"]


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
    view = memory.scoped(user_id=user_id, agent_id=agent_id, session_id=session_id)  # fails now

    def unknown(memory_id: str) -> MemoryNotFound:
        # One message for "never existed", "deleted" and "someone else's": any difference
        # would tell the caller that another scope holds this id.
        return MemoryNotFound(f"no memory with id {memory_id!r}")

    def own(memory_id: str) -> None:
        try:
            view.get(memory_id)
        except MemoryNotFound:
            raise unknown(memory_id) from None

    def search_memory(query: str, k: int = 5) -> list[dict[str, Any]]:
        """Search long-term memory for facts related to the query; best matches first."""
        return [_brief(h.record) | {"score": round(h.score, 4)}
                for h in view.search(query, k=k)]

    def add_memory(content: str, kind: str = "fact") -> dict[str, Any]:
        """Store a new fact in long-term memory and return it with its id."""
        # Labelled as what a model took from the conversation (as the manager's facts are),
        # not as the user's own statement, which the guard lets update without change words.
        return _brief(view.add(content, kind=kind, actor="tool", provenance=_FROM_A_TOOL_CALL))

    def update_memory(memory_id: str, content: str, reason: str = "") -> dict[str, Any]:
        """Replace the content of the memory with this id (use ids from search_memory)."""
        own(memory_id)  # before apply, whose refusal would name the record's scope
        res = view.apply([Operation.update(memory_id, content, reason=reason)], actor="tool")
        return _brief(res[0].record)

    def delete_memory(memory_id: str, reason: str = "") -> dict[str, Any]:
        """Delete the memory with this id; it stays recoverable from its history."""
        own(memory_id)
        res = view.apply([Operation.delete(memory_id, reason=reason)], actor="tool")
        return {"deleted": memory_id, "content": res[0].previous.content}

    def memory_history(memory_id: str) -> list[dict[str, Any]]:
        """List every change made to the memory with this id, oldest first."""
        try:
            entries = view.history(memory_id)  # a deleted memory of this scope keeps its history
        except MemoryNotFound:
            raise unknown(memory_id) from None
        return [{"op": e.op, "version": e.version, "at": e.at.isoformat(), "reason": e.reason,
                 "content": e.after.content if e.after else None} for e in entries]

    return [search_memory, add_memory, update_memory, delete_memory, memory_history]


def core_memory_tools(memory: Memory, *, user_id: str | None = None,
                      agent_id: str | None = None) -> list[Callable[..., Any]]:
    """Tools for the agent to read and edit the scope's core profile directly, like
    Letta's core memory block: the profile is shown first in every context (see
    :mod:`agentmem.profile`); lines the agent writes are pinned (newer facts do not
    replace them). Every edit goes through the apply path (actor ``tool``) and can be
    undone from the profile's history."""
    from agentmem.profile import pin_line, profile_of, replace_line

    view = memory.scoped(user_id=user_id, agent_id=agent_id)

    def core_memory_view() -> str:
        """The core memory (always in context): one line per stable fact about the user."""
        current = profile_of(view)
        return current.content if current else ""

    def core_memory_append(content: str) -> str:
        """Add a line to core memory, e.g. a standing preference; returns the new block."""
        return pin_line(view, content).content

    def core_memory_replace(old_content: str, new_content: str) -> str:
        """Rewrite the core memory line that reads old_content (an empty new_content
        removes it); returns the new block."""
        record = replace_line(view, old_content, new_content)
        return record.content if record else ""

    return [core_memory_view, core_memory_append, core_memory_replace]


def structure_tools(memory: Memory, llm: Any = None, *, user_id: str | None = None,
                    agent_id: str | None = None) -> list[Callable[..., Any]]:
    """Tools over the memory structures, bound to one scope: linked notes, task trees,
    lessons and session summaries. ``llm`` (optional) fills note attributes and links,
    distils lessons and writes summaries; without it the structures use no model."""
    from agentmem.structures.lessons import LessonStore
    from agentmem.structures.notes import LinkedNotes
    from agentmem.structures.summaries import SessionSummarizer
    from agentmem.structures.tasks import TaskTree

    scope = {"user_id": user_id, "agent_id": agent_id}
    notes = LinkedNotes(memory, llm, **scope)
    lessons = LessonStore(memory, llm, **scope)
    summarizer = SessionSummarizer(memory, llm, **scope)

    def add_note(content: str) -> dict[str, Any]:
        """Add a note; it is linked to related notes and may update their context."""
        res = notes.add(content)
        return _brief(res.note) | {"links": res.links, "evolved": [r.id for r in res.evolved]}

    def search_notes(query: str, k: int = 5) -> list[dict[str, Any]]:
        """Search notes; notes linked to the matches follow them (with 'via')."""
        return [_brief(h.record) | {"via": h.via} for h in notes.search(query, k)]

    def open_task(goal: str) -> dict[str, Any]:
        """Start a task tree for a goal; returns the task id and the root step id."""
        tree = TaskTree.open(memory, goal, **scope)
        return {"task_id": tree.task_id, "root": tree.root.id}

    def add_subtask(task_id: str, parent_id: str, goal: str, start: bool = False) -> dict:
        """Add a step under parent_id in task task_id; start=True makes it the active step."""
        tree = TaskTree.load(memory, task_id, **scope)
        node = tree.add_subtask(parent_id, goal, status="active" if start else "pending")
        return node.model_dump(mode="json")

    def set_task_status(task_id: str, node_id: str, status: str, note: str = "") -> dict:
        """Set a step's status: pending, active, done, failed or skipped."""
        tree = TaskTree.load(memory, task_id, **scope)
        return tree.set_status(node_id, status, note=note or None).model_dump(mode="json")

    def record_task_output(task_id: str, node_id: str, outputs: dict[str, Any]) -> dict:
        """Record what a step produced (merged into its outputs)."""
        tree = TaskTree.load(memory, task_id, **scope)
        return tree.record_output(node_id, outputs).model_dump(mode="json")

    def rollback_task(task_id: str) -> dict[str, Any]:
        """Abandon the steps after the last good one; returns that step."""
        return TaskTree.load(memory, task_id, **scope).rollback().model_dump(mode="json")

    def task_prompt(task_id: str, budget: int = 256) -> str:
        """The task's active path and finished steps as text within a token budget."""
        return TaskTree.load(memory, task_id, **scope).prompt(budget)

    def retrieve_lessons(task: str, k: int = 3) -> list[dict[str, Any]]:
        """Lessons learnt on similar tasks, best first."""
        return [x.model_dump(mode="json") for x in lessons.retrieve(task, k)]

    def learn_lessons(task: str, steps: list[str], success: bool) -> list[dict[str, Any]]:
        """Distil lessons from a finished attempt at a task and store them."""
        return [x.model_dump(mode="json") for x in lessons.distil(task, steps, success=success)]

    def summarize_session(session_id: str, turns: list[dict[str, str]]) -> dict[str, Any]:
        """Summarise a finished session (turns: {speaker, text}) into topic memories."""
        res = summarizer.summarize(turns, session_id=session_id)
        return {"session": res.session.content, "topics": [t.content for t in res.topics]}

    return [add_note, search_notes, open_task, add_subtask, set_task_status, record_task_output,
            rollback_task, task_prompt, retrieve_lessons, learn_lessons, summarize_session]
