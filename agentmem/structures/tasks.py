"""Task memory trees (in the spirit of the Task Memory Engine).

A task is a graph of steps: each node has a goal, a status (``pending``,
``active``, ``done``, ``failed``, ``skipped``), inputs, outputs, notes and
timestamps, and one or more parents (a DAG: a step can serve two larger steps).
Every node is a memory record of kind ``task_node`` written through
:meth:`Memory.apply`, so the tree is scoped, versioned, exported with the rest,
and resumes after a restart with :meth:`TaskTree.load`.

:meth:`TaskTree.prompt` turns the tree into text for a policy: the path from
the root to the active node, each step with its finished children summarised,
cut to fit a token budget the caller gives.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Literal, Sequence

from pydantic import BaseModel, Field

from agentmem.errors import InvalidArgumentError, MemoryNotFound
from agentmem.memory import Memory
from agentmem.operations import Operation
from agentmem.records import Kind, MemoryRecord, new_id, utcnow
from agentmem.structures.base import Structure
from agentmem.text import approx_tokens

__all__ = ["TaskTree", "TaskNode", "STATUSES", "approx_tokens"]

Status = Literal["pending", "active", "done", "failed", "skipped"]
STATUSES: tuple[str, ...] = ("pending", "active", "done", "failed", "skipped")
_FINISHED = ("done", "failed", "skipped")
_MARK = {"pending": " ", "active": ">", "done": "x", "failed": "!", "skipped": "-"}


class TaskNode(BaseModel):
    """A view of one step; the record's ``metadata`` holds everything but the goal."""

    id: str
    task: str
    goal: str
    status: Status = "pending"
    parents: list[str] = Field(default_factory=list)
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    seq: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    version: int = 1

    @classmethod
    def of(cls, record: MemoryRecord) -> "TaskNode":
        meta = {k: v for k, v in record.metadata.items() if k in cls.model_fields}
        return cls(id=record.id, goal=record.content, created_at=record.created_at,
                   version=record.version, **meta)

    def metadata(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude={"id", "goal", "created_at", "version"})
        return data


def _brief(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else ", ".join(f"{k}={v}" for k, v in value.items()) \
        if isinstance(value, dict) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TaskTree(Structure):
    """One task's tree of steps, stored in a :class:`Memory`.

    Create with :meth:`open`, resume with :meth:`load`; list a scope's tasks with
    :meth:`tasks`. Every change is one batch through the memory's apply path.
    """

    def __init__(self, memory: Memory, task_id: str, *, user_id: str | None = None,
                 agent_id: str | None = None, session_id: str | None = None):
        super().__init__(memory, user_id=user_id, agent_id=agent_id, session_id=session_id)
        self.task_id = task_id

    # -- creating and finding -----------------------------------------------------------------
    @classmethod
    def open(cls, memory: Memory, goal: str, *, inputs: dict[str, Any] | None = None,
             user_id: str | None = None, agent_id: str | None = None,
             session_id: str | None = None, actor: str = "tasks") -> "TaskTree":
        """Start a new task whose root step is ``goal`` (status ``active``)."""
        tree = cls(memory, "t" + new_id(), user_id=user_id, agent_id=agent_id,
                   session_id=session_id)
        now = utcnow()
        root = TaskNode(id="", task=tree.task_id, goal=goal, status="active",
                        inputs=_dict(inputs, "inputs"), started_at=now)
        tree._write([Operation.add(goal, kind=Kind.TASK_NODE, metadata=root.metadata(),
                                   reason="open task")], actor)
        return tree

    @classmethod
    def load(cls, memory: Memory, task_id: str, *, user_id: str | None = None,
             agent_id: str | None = None, session_id: str | None = None) -> "TaskTree":
        """Resume a stored task (after a restart, in another process)."""
        tree = cls(memory, task_id, user_id=user_id, agent_id=agent_id, session_id=session_id)
        if not tree._records():
            raise MemoryNotFound(f"no task {task_id!r} in scope {tree.view.kwargs}; "
                                 "TaskTree.tasks(memory, ...) lists the stored ones")
        return tree

    @staticmethod
    def tasks(memory: Memory, *, user_id: str | None = None, agent_id: str | None = None,
              session_id: str | None = None) -> list[TaskNode]:
        """The root node of every task stored in the scope, oldest first."""
        view = memory.scoped(user_id=user_id, agent_id=agent_id, session_id=session_id)
        return [TaskNode.of(r) for r in view.records(kinds=[Kind.TASK_NODE])
                if not r.metadata.get("parents")]

    # -- reading ------------------------------------------------------------------------------
    def _records(self) -> list[MemoryRecord]:
        return self.view.where("task", self.task_id, kinds=[Kind.TASK_NODE])

    def nodes(self) -> dict[str, TaskNode]:
        """Every step of the task by id, in creation order."""
        return {r.id: TaskNode.of(r) for r in self._records()}

    def node(self, node_id: str) -> TaskNode:
        nodes = self.nodes()
        if node_id not in nodes:
            raise MemoryNotFound(f"task {self.task_id} has no step {node_id!r}; "
                                 f"its steps are {list(nodes)}")
        return nodes[node_id]

    @property
    def root(self) -> TaskNode:
        return next(n for n in self.nodes().values() if not n.parents)

    def children(self, node_id: str, nodes: dict[str, TaskNode] | None = None) -> list[TaskNode]:
        nodes = nodes or self.nodes()
        return [n for n in nodes.values() if node_id in n.parents]

    @property
    def active(self) -> TaskNode:
        """The step being worked on: the deepest active step (the latest started one if
        several); the root when nothing is active."""
        nodes = self.nodes()
        active = [n for n in nodes.values() if n.status == "active"]
        leaves = [n for n in active if not any(c.status == "active"
                                               for c in self.children(n.id, nodes))]
        if not leaves:
            return next(n for n in nodes.values() if not n.parents)
        return max(leaves, key=lambda n: (n.started_at or n.created_at, n.seq))

    def path(self, node_id: str | None = None) -> list[TaskNode]:
        """Root ... node, following each step's first parent."""
        nodes = self.nodes()
        node = self._get(node_id, nodes) if node_id else self.active
        out = [node]
        while out[-1].parents and len(out) <= len(nodes):
            out.append(nodes[out[-1].parents[0]])
        return out[::-1]

    # -- changing -----------------------------------------------------------------------------
    def _write(self, ops: list[Operation], actor: str) -> list[MemoryRecord]:
        results = self.view.apply(ops, actor=actor)
        return [r.record for r in results]

    def _update(self, node: TaskNode, reason: str) -> Operation:
        return Operation.update(node.id, metadata=node.metadata(), reason=reason)

    def add_subtask(self, parent: str | Sequence[str], goal: str, *,
                    inputs: dict[str, Any] | None = None, status: Status = "pending",
                    actor: str = "tasks") -> TaskNode:
        """Add a step under ``parent`` (an id, or several ids for a shared step)."""
        parents = [parent] if isinstance(parent, str) else list(parent)
        nodes = self.nodes()
        unknown = [p for p in parents if p not in nodes]
        if not parents or unknown:
            raise InvalidArgumentError(f"parent step(s) {unknown or parents} not in task "
                                       f"{self.task_id}; its steps are {list(nodes)}")
        _check_status(status)
        now = utcnow()
        node = TaskNode(id="", task=self.task_id, goal=goal, status=status, parents=parents,
                        inputs=_dict(inputs, "inputs"), seq=len(nodes),
                        started_at=now if status == "active" else None,
                        finished_at=now if status in _FINISHED else None)
        ops = [Operation.add(goal, kind=Kind.TASK_NODE, metadata=node.metadata(),
                             reason=f"subtask of {', '.join(parents)}")]
        if status == "active":
            ops += self._activate_ancestors(parents, nodes, now)
        return TaskNode.of(self._write(ops, actor)[0])

    def _activate_ancestors(self, ids: Sequence[str], nodes: dict[str, TaskNode],
                            now: datetime) -> list[Operation]:
        ops, todo, seen = [], list(ids), set()
        while todo:
            n = nodes[todo.pop()]
            if n.id in seen:
                continue
            seen.add(n.id)
            if n.status == "pending":
                ops.append(self._update(n.model_copy(update={"status": "active",
                                                             "started_at": now}),
                                        "a substep started"))
            todo.extend(n.parents)
        return ops

    def set_status(self, node_id: str, status: Status, *, note: str | None = None,
                   actor: str = "tasks") -> TaskNode:
        """Move a step to ``status``; starting a step also starts its pending ancestors."""
        _check_status(status)
        nodes = self.nodes()
        node = self._get(node_id, nodes)
        now = utcnow()
        update: dict[str, Any] = {"status": status}
        if status == "active":
            update |= {"started_at": node.started_at or now, "finished_at": None}
        elif status in _FINISHED:
            update["finished_at"] = now
        if note:
            update["notes"] = [*node.notes, note]
        ops = [self._update(node.model_copy(update=update), f"status {node.status} -> {status}")]
        if status == "active":
            ops += self._activate_ancestors(node.parents, nodes, now)
        return TaskNode.of(self._write(ops, actor)[0])

    def record_output(self, node_id: str, outputs: dict[str, Any], *, note: str | None = None,
                      actor: str = "tasks") -> TaskNode:
        """Merge ``outputs`` into a step's outputs (and add a note)."""
        node = self._get(node_id)
        update: dict[str, Any] = {"outputs": {**node.outputs, **_dict(outputs, "outputs")}}
        if note:
            update["notes"] = [*node.notes, note]
        return TaskNode.of(self._write([self._update(node.model_copy(update=update),
                                                     "outputs recorded")], actor)[0])

    def add_note(self, node_id: str, note: str, *, actor: str = "tasks") -> TaskNode:
        node = self._get(node_id)
        if not isinstance(note, str) or not note.strip():
            raise InvalidArgumentError("note is empty; pass some text")
        return TaskNode.of(self._write([self._update(
            node.model_copy(update={"notes": [*node.notes, note.strip()]}), "note")], actor)[0])

    def rollback(self, to: str | None = None, *, actor: str = "tasks") -> TaskNode:
        """Go back to the last good step.

        The good step is ``to``, or the step finished ``done`` most recently. Every step
        started (or created) after it finished that is still pending, active or failed, and
        is not one of its ancestors, becomes ``skipped`` with a note; the ancestors stay
        active, so work goes on from the good step's parent. One batch: ``memory.undo``
        of it restores the abandoned branch.
        """
        nodes = self.nodes()
        done = [n for n in nodes.values() if n.status == "done" and n.parents]
        if to is not None:
            good = self._get(to, nodes)
        elif done:
            good = max(done, key=lambda n: (n.finished_at, n.seq))
        else:
            good = next(n for n in nodes.values() if not n.parents)
        since = good.finished_at or good.started_at or good.created_at
        keep = {n.id for n in self.path(good.id)}
        ops = []
        for n in nodes.values():
            when = n.started_at or n.created_at
            if (n.id not in keep and n.status in ("pending", "active", "failed")
                    and when is not None and since is not None and when > since):
                ops.append(self._update(n.model_copy(update={
                    "status": "skipped", "finished_at": utcnow(),
                    "notes": [*n.notes, f"rolled back to {good.id}"]}), f"rollback to {good.id}"))
        if ops:
            self._write(ops, actor)
        return good

    def _get(self, node_id: str, nodes: dict[str, TaskNode] | None = None) -> TaskNode:
        nodes = nodes if nodes is not None else self.nodes()
        if node_id not in nodes:
            raise MemoryNotFound(f"task {self.task_id} has no step {node_id!r}; "
                                 f"its steps are {list(nodes)}")
        return nodes[node_id]

    # -- prompt synthesis ---------------------------------------------------------------------
    def prompt(self, budget: int = 256, *, count_tokens: Callable[[str], int] = approx_tokens,
               node_id: str | None = None) -> str:
        """The task as text for a policy, within ``budget`` tokens.

        Lists the path from the root to the active step (or ``node_id``), each step with
        its inputs, outputs and notes, and under each a one-line summary per finished
        child not on the path. When it does not fit, the oldest finished-child lines go
        first, then details of the middle steps, then middle steps themselves; the root
        and the active step stay (cut to the budget as a last resort).

        Args:
            budget: the most tokens the text may take (by ``count_tokens``).
            count_tokens: a tokenizer's counter; the default estimates 4 characters a token.
        """
        if budget < 8:
            raise InvalidArgumentError(f"budget must be >= 8 tokens, got {budget}")
        nodes = self.nodes()
        path = self.path(node_id)
        on_path = {n.id for n in path}
        # (priority, order, text): lower priority is dropped first.
        blocks: list[list[Any]] = []
        for depth, node in enumerate(path):
            essential = depth in (0, len(path) - 1)
            pad = "  " * depth
            blocks.append([3 if essential else 1, depth, 0,
                           f"{pad}[{_MARK[node.status]}] {node.goal} ({node.status})"])
            details = [f"inputs: {_brief(node.inputs)}" if node.inputs else "",
                       f"outputs: {_brief(node.outputs)}" if node.outputs else "",
                       f"notes: {_brief('; '.join(node.notes[-3:]))}" if node.notes else ""]
            for j, d in enumerate(x for x in details if x):
                blocks.append([2 if essential else 0.5, depth, 1 + j, f"{pad}    {d}"])
            finished = sorted((c for c in self.children(node.id, nodes)
                               if c.id not in on_path and c.status in _FINISHED),
                              key=lambda c: (c.finished_at, c.seq))
            for j, c in enumerate(finished):
                out = (f" -> {_brief(c.outputs, 40)}" if c.outputs else
                       f" ({_brief(c.notes[-1], 40)})" if c.notes and c.status == "failed" else "")
                # Older lines get lower priority, so the latest stay longest.
                blocks.append([0.1 * (j + 1) / (len(finished) + 1), depth, 10 + j,
                               f"{pad}  [{_MARK[c.status]}] {c.goal}{out}"])
        header = "Task ([>] active [x] done [!] failed [-] skipped [ ] pending):"

        def render(bs: list[list[Any]]) -> str:
            lines = [b[3] for b in sorted(bs, key=lambda b: (b[1], b[2]))]
            return "\n".join([header, *lines])

        text = render(blocks)
        for victim in sorted(blocks, key=lambda b: b[0]):
            if count_tokens(text) <= budget:
                break
            if victim[0] >= 3:
                break
            blocks.remove(victim)
            text = render(blocks)
        while count_tokens(text) > budget and len(text) > 1:
            text = text[: max(1, int(len(text) * budget / max(count_tokens(text), 1)) - 1)]
        return text

    def to_dict(self) -> dict[str, Any]:
        """The whole tree as plain data (for logs and trajectories)."""
        return {"task": self.task_id,
                "nodes": [n.model_dump(mode="json") for n in self.nodes().values()]}


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise InvalidArgumentError(f"status {status!r} is not one of {', '.join(STATUSES)}")


def _dict(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidArgumentError(f"{name} must be a dict, got {type(value).__name__}")
    return dict(value)
