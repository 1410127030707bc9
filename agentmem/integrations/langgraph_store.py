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
import time
from typing import Any, Callable, Iterable

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


def _expired(record: MemoryRecord, now: float) -> bool:
    expires = record.metadata.get("store_expires")
    return isinstance(expires, (int, float)) and expires <= now


def _scope_of(record: MemoryRecord) -> dict[str, str]:
    return {f: v for f, v in record.scope.items()}


def _index_fields(index: Any, memory: Memory, fields: list[str] | None) -> list[str] | None:
    """The fields of a LangGraph ``IndexConfig``, checked against the memory's embedder."""
    if not isinstance(index, dict) or set(index) - {"dims", "embed", "fields"}:
        raise InvalidArgumentError(f"index must be a dict with dims, embed and/or fields (like "
                                   f"LangGraph's IndexConfig), got {index!r}")
    if index.get("embed") is not None:
        raise InvalidArgumentError(
            f"AgentMemStore embeds with its Memory's embedder ({memory.embedder.spec()}); drop "
            "index['embed'] and choose the model with Memory(embedder=...)")
    dims = index.get("dims")
    if dims is not None and dims != memory.embedder.dim:
        raise InvalidArgumentError(f"index['dims'] is {dims} but the memory's embedder makes "
                                   f"{memory.embedder.dim}-dimensional vectors")
    if fields is not None and index.get("fields") is not None:
        raise InvalidArgumentError("give the fields to embed once: index_fields or "
                                   "index['fields']")
    return index.get("fields", fields)


def _ttl_config(ttl: Any) -> dict[str, Any]:
    if ttl is None:
        return {}
    known = {"default_ttl", "refresh_on_read", "sweep_interval_minutes", "omit_expired"}
    if not isinstance(ttl, dict) or set(ttl) - known:
        raise InvalidArgumentError(f"ttl must be a dict with {sorted(known)} (LangGraph's "
                                   f"TTLConfig), got {ttl!r}")
    return dict(ttl)


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
        index: LangGraph's ``IndexConfig``: ``fields`` are the value paths to embed (like
            ``index_fields``); ``dims``, when given, must be the memory's embedder's size.
            Vectors always come from the memory's embedder, so ``embed`` is refused: choose
            the model with ``Memory(embedder=...)``.
        ttl: LangGraph's ``TTLConfig``: ``default_ttl`` (minutes) for items put without
            ``ttl=``, ``refresh_on_read`` (a read restarts an item's clock; default True).
            An expired item is never returned; :meth:`sweep_ttl` deletes expired items
            through the apply path (recoverable from history like any delete).
        clock: seconds since the epoch (tests pass a fake one).
    """

    supports_ttl = True

    def __init__(self, memory: Memory, *, scope: dict[str, str] | None = None,
                 index_fields: list[str] | None = None, user_at: int | None = None,
                 index: dict[str, Any] | None = None, ttl: dict[str, Any] | None = None,
                 clock: Callable[[], float] = time.time):
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
        if index is not None:
            self.index_fields = _index_fields(index, memory, index_fields)
        self.ttl_config = _ttl_config(ttl)
        self.clock = clock

    def sweep_ttl(self) -> int:
        """Delete every expired item (one batch through the apply path); return how many."""
        now = self.clock()
        expired = [r for r in self._records("", live=False) if _expired(r, now)]
        by_scope: dict[Any, list[MemoryRecord]] = {}
        for r in expired:  # items of several users (user_at): one batch per scope
            by_scope.setdefault(r.scope, []).append(r)
        for records in by_scope.values():
            self.memory.apply([Operation.delete(r.id, reason="ttl expired") for r in records],
                              actor="langgraph-store", **_scope_of(records[0]))
        return len(expired)

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
    def _records(self, prefix: str, *, live: bool = True) -> list[MemoryRecord]:
        records = self.view.where("store_path", prefix, prefix=True)
        if not live:
            return records
        now = self.clock()
        return [r for r in records if not _expired(r, now)]

    def _find(self, namespace: tuple[str, ...], key: str, *, live: bool = True
              ) -> MemoryRecord | None:
        exact = _path(namespace, key)
        return next((r for r in self._records(exact, live=live)
                     if r.metadata["store_path"] == exact), None)

    def _refresh(self, records: list[MemoryRecord], wanted: bool | None) -> None:
        """Restart the clock of items read, when the store (or the read) asks for it."""
        if not (self.ttl_config.get("refresh_on_read", True) if wanted is None else wanted):
            return
        now = self.clock()
        for rec in records:
            minutes = rec.metadata.get("store_ttl")
            if minutes:
                meta = {**rec.metadata, "store_expires": now + minutes * 60}
                self.memory.apply([Operation.update(rec.id, metadata=meta,
                                                    reason="ttl refreshed on read")],
                                  actor="langgraph-store", **_scope_of(rec))

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
            if rec is None:
                return None
            self._refresh([rec], op.refresh_ttl)
            return self._item(rec)
        if isinstance(op, PutOp):
            return self._put(op)
        if isinstance(op, SearchOp):
            return self._search(op)
        if isinstance(op, ListNamespacesOp):
            return self._list_namespaces(op)
        raise InvalidArgumentError(f"unknown store operation {op!r}")

    def _put(self, op: PutOp) -> None:
        current = self._find(op.namespace, op.key, live=False)  # an expired one is replaced
        writer = self._writer(op.namespace)
        if op.value is None:
            if current is not None:
                writer.apply([Operation.delete(current.id, reason="store delete")],
                             actor="langgraph-store")
            return None
        meta = {"store_path": _path(op.namespace, op.key), "store_namespace": list(op.namespace),
                "store_key": op.key, "store_value": op.value}
        minutes = op.ttl  # BaseStore.put has already applied the config's default_ttl
        if minutes is not None:
            if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0:
                raise InvalidArgumentError(f"ttl must be a positive number of minutes, got "
                                           f"{minutes!r}")
            meta |= {"store_ttl": float(minutes), "store_expires": self.clock() + minutes * 60}
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
            self._refresh(page, op.refresh_ttl)
            return [self._item(r, scores.get(r.id), search=True) for r in page]
        records.sort(key=lambda r: r.updated_at or r.created_at, reverse=True)
        page = records[op.offset:op.offset + op.limit]
        self._refresh(page, op.refresh_ttl)
        return [self._item(r, None, search=True) for r in page]

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
