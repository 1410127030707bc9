"""Planning a batch of operations: validation and the before/after of every change.

The planner reads the store but never writes; ``Memory`` commits the plan in one
transaction. Several operations on the same id in one batch see each other's
planned state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import ValidationError

from agentmem.errors import InvalidOperationError, MemoryNotFound, first_error
from agentmem.operations import Operation, OpResult, OpType
from agentmem.records import MemoryRecord, Scope, clean_content, utcnow
from agentmem.store.sqlite import RecordStore

__all__ = ["Planner", "PlannedChange", "WriteBack"]

_UPDATABLE = ("content", "kind", "trust", "event_time", "metadata", "provenance")


@dataclass
class WriteBack:
    """Internal: write a stored state back (restore, undo, import). ``record=None`` deletes."""

    memory_id: str
    record: MemoryRecord | None
    history_op: str
    reason: str
    keep_version: bool = False


@dataclass
class PlannedChange:
    op: OpType
    history_op: str
    memory_id: str | None
    before: MemoryRecord | None
    after: MemoryRecord | None
    needs_embedding: bool
    reason: str
    actor: str | None = None

    def result(self) -> OpResult:
        return OpResult(op=self.op, id=self.memory_id, record=self.after, previous=self.before,
                        reason=self.reason)


class Planner:
    def __init__(self, store: RecordStore, scope: Scope, max_chars: int):
        self.store, self.scope, self.max_chars = store, scope, max_chars
        self.changes: list[PlannedChange] = []
        self._state: dict[str, MemoryRecord | None] = {}

    def _current(self, memory_id: str) -> MemoryRecord | None:
        if memory_id in self._state:
            return self._state[memory_id]
        return self.store.get(memory_id)

    def _existing(self, memory_id: str | None, op: str) -> MemoryRecord:
        if not memory_id:
            raise InvalidOperationError(f"{op} needs the id of the memory to change")
        current = self._current(memory_id)
        if current is None:
            raise MemoryNotFound(f"no memory with id {memory_id!r}")
        if not self.scope.is_empty and not self.scope.matches(current.scope):
            raise InvalidOperationError(
                f"memory {memory_id} belongs to {current.scope.items()}, outside this call's "
                f"scope {self.scope.items()}")
        return current

    def _next_version(self, memory_id: str) -> int:
        current = self._current(memory_id)
        seen = [e.version for e in self.store.history(memory_id)]
        seen += [c.after.version for c in self.changes if c.memory_id == memory_id and c.after]
        return max([current.version if current else 0, *seen]) + 1

    def _add(self, change: PlannedChange) -> None:
        self.changes.append(change)
        if change.memory_id is not None:
            self._state[change.memory_id] = change.after

    def plan(self, raw: Operation | Mapping[str, Any] | WriteBack) -> None:
        if isinstance(raw, WriteBack):
            return self._write_back(raw)
        if isinstance(raw, Mapping):
            raw = dict(raw)
            if raw.get("content") is not None:
                raw["content"] = clean_content(raw["content"], self.max_chars)
            try:
                raw = Operation.model_validate(raw)
            except ValidationError as exc:
                raise InvalidOperationError(first_error(exc)) from None
        elif not isinstance(raw, Operation):
            raise InvalidOperationError(f"expected an Operation or a dict, got {type(raw).__name__}")
        getattr(self, f"_plan_{raw.op.value.lower()}")(raw)

    def _plan_noop(self, op: Operation) -> None:
        self.changes.append(PlannedChange(OpType.NOOP, "NOOP", op.id, None, None, False, op.reason))

    def _plan_add(self, op: Operation) -> None:
        if op.id:
            raise InvalidOperationError(f"ADD takes no id (got {op.id!r}); ids are assigned")
        if op.content is None:
            raise InvalidOperationError("ADD needs content")
        scope = (op.scope or Scope()).merged(self.scope).require()
        fields = {f: getattr(op, f) for f in _UPDATABLE if getattr(op, f) is not None}
        fields["content"] = clean_content(op.content, self.max_chars)
        record = MemoryRecord(scope=scope, **fields)
        self._add(PlannedChange(OpType.ADD, "ADD", record.id, None, record, True, op.reason))

    def _plan_update(self, op: Operation) -> None:
        current = self._existing(op.id, "UPDATE")
        fields = {f: getattr(op, f) for f in _UPDATABLE if getattr(op, f) is not None}
        if not fields:
            raise InvalidOperationError(f"UPDATE of {op.id} changes nothing; pass content or a field")
        if "content" in fields:
            fields["content"] = clean_content(fields["content"], self.max_chars)
        after = current.model_copy(update={**fields, "version": current.version + 1,
                                           "updated_at": utcnow()})
        after = MemoryRecord.model_validate(after.model_dump())
        changed = after.content != current.content
        self._add(PlannedChange(OpType.UPDATE, "UPDATE", current.id, current, after, changed,
                                op.reason))

    def _plan_delete(self, op: Operation) -> None:
        current = self._existing(op.id, "DELETE")
        self._add(PlannedChange(OpType.DELETE, "DELETE", current.id, current, None, False,
                                op.reason))

    def _write_back(self, wb: WriteBack) -> None:
        current = self._current(wb.memory_id)
        if wb.record is None:
            if current is not None:
                self._add(PlannedChange(OpType.DELETE, wb.history_op, wb.memory_id, current, None,
                                        False, wb.reason))
            return
        after = wb.record
        if not wb.keep_version:
            after = after.model_copy(update={"version": self._next_version(wb.memory_id),
                                             "updated_at": utcnow()})
        op = OpType.UPDATE if current is not None else OpType.ADD
        self._add(PlannedChange(op, wb.history_op, wb.memory_id, current, after, True, wb.reason))
