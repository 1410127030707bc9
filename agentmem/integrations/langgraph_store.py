"""agentmem as LangGraph's long-term store (``BaseStore``).

Any LangGraph app can pass ``AgentMemStore(memory)`` as its ``store=``. Items are
records of kind ``item`` in one scope (default ``agent_id="langgraph"``; with
``user_at``, in the scope of the user the namespace names); their
namespace and key live in metadata, their value is stored whole, and the text
that is embedded is the value's indexed fields (all of it by default). Every put
and delete goes through the memory's apply path, so items are versioned, in the
history and recoverable like any other memory.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Iterable

from agentmem.errors import InvalidArgumentError, missing
from agentmem.memory import Memory
from agentmem.operations import Operation
from agentmem.records import MemoryRecord

try:
    from langgraph.store.base import (
        BaseStore,
        GetOp,
        Item,
        ListNamespacesOp,
        PutOp,
        SearchItem,
        SearchOp,
        get_text_at_path,
    )
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise missing("langgraph", "agent", "The LangGraph store adapter") from exc

__all__ = ["AgentMemStore"]

_SEP = "\x1f"  # joins namespace labels and the key; cannot appear in a label


def _path(namespace: tuple[str, ...], key: str = "") -> str:
    return _SEP.join(namespace) + _SEP + key


def _ops_match(value: Any, cond: Any) -> bool:
    if not isinstance(cond, dict):
        return value == cond
    checks = {"$eq": lambda a, b: a == b, "$ne": lambda a, b: a != b,
              "$gt": lambda a, b: a is not None and a > b, "$gte": lambda a, b: a is not None and a >= b,
              "$lt": lambda a, b: a is not None and a < b, "$lte": lambda a, b: a is not None and a <= b}
    return all(checks[op](value, arg) for op, arg in cond.items())


class AgentMemStore(BaseStore):
    """A LangGraph ``BaseStore`` on an agentmem :class:`Memory` (semantic search included).

    Args:
        memory: the memory bank to keep items in.
        scope: the scope items live in (default ``{"agent_id": "langgraph"}``).
        index_fields: value paths to embed by default (``None``: the whole value as JSON).
        user_at: which namespace label names the user (LangMem's ``("memories",
            "{user_id}")`` is ``user_at=1``): each item is then stored in that user's scope
            (narrowed by ``scope``), so ``memory.search(..., user_id="u1")`` and every
            agentmem tool bound to u1 find what the graph put under ``("memories", "u1")``.
            The label must be a valid scope id. ``None``: every item in ``scope``.
    """

    supports_ttl = False

    def __init__(self, memory: Memory, *, scope: dict[str, str] | None = None,
                 index_fields: list[str] | None = None, user_at: int | None = None):
        self.memory = memory
        self.scope = scope or {"agent_id": "langgraph"}
        if user_at is not None and (isinstance(user_at, bool) or not isinstance(user_at, int)
                                    or user_at < 0 or "user_id" in self.scope):
            raise InvalidArgumentError(
                f"user_at must be a namespace position (0, 1, ...) and scope must not fix "
                f"user_id as well, got user_at={user_at!r}, scope={self.scope}")
        self.user_at = user_at
        self.view = memory.scoped(**{k: self.scope.get(k) for k in
                                     ("user_id", "agent_id", "session_id")})
        self.index_fields = index_fields

    def _writer(self, namespace: tuple[str, ...]):
        """Where an item of ``namespace`` is written: its user's scope with ``user_at``."""
        if self.user_at is None:
            return self.view
        if len(namespace) <= self.user_at:
            raise InvalidArgumentError(
                f"namespace {namespace} has no label at position {self.user_at} (user_at): "
                "put items under a namespace that names the user, e.g. ('memories', user_id)")
        return self.memory.scoped(**{**self.scope, "user_id": namespace[self.user_at]})

    # -- helpers ----------------------------------------------------------------------------
    def _records(self, prefix: str) -> list[MemoryRecord]:
        return self.view.where("store_path", prefix, prefix=True)

    def _find(self, namespace: tuple[str, ...], key: str) -> MemoryRecord | None:
        exact = _path(namespace, key)
        return next((r for r in self._records(exact) if r.metadata["store_path"] == exact), None)

    def _text(self, value: dict, index: Any) -> str:
        # index=False still stores a text (records need content); it is the value as JSON.
        fields = self.index_fields if index is None else index
        whole = json.dumps(value, sort_keys=True, ensure_ascii=False)
        if not fields or fields == ["$"]:
            return whole
        return " ".join(t for f in fields for t in get_text_at_path(value, f)) or whole

    @staticmethod
    def _item(rec: MemoryRecord, score: float | None = None, search: bool = False) -> Item:
        meta = rec.metadata
        kwargs = dict(namespace=tuple(meta["store_namespace"]), key=meta["store_key"],
                      value=meta["store_value"], created_at=rec.created_at,
                      updated_at=rec.updated_at or rec.created_at)
        return SearchItem(**kwargs, score=score) if search else Item(**kwargs)

    # -- the two required methods -------------------------------------------------------------
    def batch(self, ops: Iterable[Any]) -> list[Any]:
        return [self._one(op) for op in ops]

    async def abatch(self, ops: Iterable[Any]) -> list[Any]:
        return await asyncio.to_thread(self.batch, list(ops))

    def _one(self, op: Any) -> Any:
        if isinstance(op, GetOp):
            rec = self._find(op.namespace, op.key)
            return self._item(rec) if rec else None
        if isinstance(op, PutOp):
            return self._put(op)
        if isinstance(op, SearchOp):
            return self._search(op)
        if isinstance(op, ListNamespacesOp):
            return self._list_namespaces(op)
        raise InvalidArgumentError(f"unknown store operation {op!r}")

    def _put(self, op: PutOp) -> None:
        current = self._find(op.namespace, op.key)
        writer = self._writer(op.namespace)
        if op.value is None:
            if current is not None:
                writer.apply([Operation.delete(current.id, reason="store delete")],
                             actor="langgraph-store")
            return None
        meta = {"store_path": _path(op.namespace, op.key), "store_namespace": list(op.namespace),
                "store_key": op.key, "store_value": op.value}
        text = self._text(op.value, op.index)
        if current is None:
            writer.apply([Operation.add(text, kind="item", metadata=meta)],
                         actor="langgraph-store")
        else:
            writer.apply([Operation.update(current.id, text, metadata=meta)],
                         actor="langgraph-store")
        return None

    def _search(self, op: SearchOp) -> list[SearchItem]:
        prefix = _SEP.join(op.namespace_prefix) + (_SEP if op.namespace_prefix else "")
        records = [r for r in self._records(prefix)
                   if all(_ops_match(r.metadata["store_value"].get(k), c)
                          for k, c in (op.filter or {}).items())]
        if op.query:
            scores = self.view.similarities(op.query, records)
            records.sort(key=lambda r: -scores.get(r.id, -1.0))
            page = records[op.offset:op.offset + op.limit]
            return [self._item(r, scores.get(r.id), search=True) for r in page]
        records.sort(key=lambda r: r.updated_at or r.created_at, reverse=True)
        return [self._item(r, None, search=True) for r in records[op.offset:op.offset + op.limit]]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        spaces = {tuple(r.metadata["store_namespace"]) for r in self._records("")}

        def matches(ns: tuple[str, ...], cond: Any) -> bool:
            path = tuple(cond.path)
            part = ns[:len(path)] if cond.match_type == "prefix" else ns[-len(path):]
            return len(ns) >= len(path) and all(p == "*" or p == n for p, n in zip(path, part,
                                                                                     strict=True))

        spaces = {ns for ns in spaces if all(matches(ns, c) for c in op.match_conditions or ())}
        if op.max_depth is not None:
            spaces = {ns[:op.max_depth] for ns in spaces}
        return sorted(spaces)[op.offset:op.offset + op.limit]
