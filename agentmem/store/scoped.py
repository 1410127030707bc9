"""Exact vector search within one scope, from cached per-scope matrices.

Nearly every search names a scope (a user, an agent, a session), and a scope is
usually small next to the whole store. A vector index filtered by metadata pays
for the filter on every query (chroma: ~30 ms at 100k records); a dot product
over the scope's own vectors costs microseconds. The scope's vectors come from
SQLite, which stores every embedding, and are cached until a write touches that
scope. This is used only where this process is the store's single writer (the
embedded modes hold a file lock), so the cache can never miss another writer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from agentmem.records import Scope
from agentmem.store.base import Filter
from agentmem.store.sqlite import RecordStore

__all__ = ["ScopedExactSearch"]


@dataclass
class _Entry:
    ids: list[str]
    vectors: np.ndarray
    kinds: np.ndarray
    times: np.ndarray


class ScopedExactSearch:
    """Per-scope matrices, LRU-bounded by the total number of cached vectors.

    Args:
        store: where records and their embeddings live.
        max_scope: scopes with more records than this are left to the vector index.
        max_cached: total vectors kept across scopes.
    """

    def __init__(self, store: RecordStore, max_scope: int, max_cached: int):
        self.store, self.max_scope, self.max_cached = store, max_scope, max_cached
        self._entries: OrderedDict[Scope, _Entry | None] = OrderedDict()
        self._size = 0
        self._generation = 0
        self._lock = threading.Lock()

    def _load(self, scope: Scope) -> _Entry | None:
        with self._lock:
            if scope in self._entries:
                self._entries.move_to_end(scope)
                return self._entries[scope]
            generation = self._generation
        entry = None
        if self.store.count(Filter(scope=scope)) <= self.max_scope:
            rows = self.store.scope_rows(scope)
            dim = len(rows[0][3]) if rows else 0
            entry = _Entry(ids=[r[0] for r in rows],
                           vectors=np.stack([r[3] for r in rows]) if rows
                           else np.zeros((0, dim), np.float32),
                           kinds=np.array([r[1] for r in rows], dtype=object),
                           times=np.array([r[2] for r in rows], dtype=np.float64))
        with self._lock:
            if generation == self._generation:  # no write landed while loading
                self._entries[scope] = entry
                self._size += len(entry.ids) if entry else 0
                while self._size > self.max_cached and len(self._entries) > 1:
                    _, old = self._entries.popitem(last=False)
                    self._size -= len(old.ids) if old else 0
        return entry

    def query(self, embedding: np.ndarray, n: int, flt: Filter) -> list[tuple[str, float]] | None:
        """Nearest ``n`` within the filter, or None when the scope is too large for this path."""
        if self.max_scope <= 0 or flt.scope.is_empty:
            return None
        entry = self._load(flt.scope)
        if entry is None:
            return None
        if not entry.ids:
            return []
        sims = entry.vectors @ np.asarray(embedding, np.float32)
        mask = np.ones(len(entry.ids), bool)
        if flt.kinds:
            mask &= np.isin(entry.kinds, flt.kinds)
        if flt.since is not None:
            mask &= entry.times >= flt.since
        if flt.until is not None:
            mask &= entry.times <= flt.until
        sims = np.where(mask, sims, -np.inf)
        n = min(n, len(entry.ids))
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top])]
        return [(entry.ids[i], float(1.0 - sims[i])) for i in top if np.isfinite(sims[i])]

    def invalidate(self, scopes: Iterable[Scope]) -> None:
        """Drop every cached scope that contains a record of one of ``scopes``."""
        scopes = list(scopes)
        with self._lock:
            self._generation += 1
            for key in [k for k in self._entries if any(k.matches(s) for s in scopes)]:
                old = self._entries.pop(key)
                self._size -= len(old.ids) if old else 0
