"""An in-process vector index on numpy: exact cosine search, rebuilt from SQLite on open."""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from agentmem.store.base import Filter, IndexRow

__all__ = ["NumpyIndex"]

_FIELDS = ("user_id", "agent_id", "session_id", "kind")


class NumpyIndex:
    """Exact search over a growable matrix; fine to ~100k vectors.

    Scope fields and kinds are kept as integer codes so filters are vectorised.
    """

    persistent = False
    shared = False

    def __init__(self, dim: int):
        self.dim = dim
        self._lock = threading.Lock()
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        self._time = np.zeros(0, dtype=np.float64)
        self._alive = np.zeros(0, dtype=bool)
        self._cols = {f: np.zeros(0, dtype=np.int32) for f in _FIELDS}
        self._codes: dict[str, dict[str | None, int]] = {f: {None: -1} for f in _FIELDS}
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}

    def _grow(self, extra: int) -> None:
        need = len(self._ids) + extra
        if need <= len(self._vecs):
            return
        cap = max(need, 2 * len(self._vecs), 1024)
        vecs = np.zeros((cap, self.dim), dtype=np.float32)
        vecs[: len(self._vecs)] = self._vecs
        self._vecs = vecs
        self._time = np.resize(self._time, cap)
        self._alive = np.concatenate([self._alive, np.zeros(cap - len(self._alive), bool)])
        for f in _FIELDS:
            self._cols[f] = np.resize(self._cols[f], cap)

    def _code(self, field: str, value: str | None) -> int:
        codes = self._codes[field]
        return codes.setdefault(value, len(codes))

    def upsert(self, rows: Sequence[IndexRow]) -> None:
        with self._lock:
            self._grow(len(rows))
            for mid, scope, kind, time, emb in rows:
                pos = self._pos.get(mid)
                if pos is None:
                    pos = self._pos[mid] = len(self._ids)
                    self._ids.append(mid)
                self._vecs[pos] = emb
                self._time[pos] = time
                self._alive[pos] = True
                values = (scope.user_id, scope.agent_id, scope.session_id, kind)
                for f, v in zip(_FIELDS, values, strict=True):
                    self._cols[f][pos] = self._code(f, v)

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            for mid in ids:
                pos = self._pos.pop(mid, None)
                if pos is not None:
                    self._alive[pos] = False

    def _mask(self, flt: Filter, n: int) -> np.ndarray:
        mask = self._alive[:n].copy()
        for name, value in flt.scope.items():
            code = self._codes[name].get(value)
            if code is None:
                return np.zeros(n, bool)
            mask &= self._cols[name][:n] == code
        if flt.kinds:
            codes = [self._codes["kind"][k] for k in flt.kinds if k in self._codes["kind"]]
            mask &= np.isin(self._cols["kind"][:n], codes)
        if flt.since is not None:
            mask &= self._time[:n] >= flt.since
        if flt.until is not None:
            mask &= self._time[:n] <= flt.until
        return mask

    def query(self, embedding: np.ndarray, n: int, flt: Filter) -> list[tuple[str, float]]:
        with self._lock:
            total = len(self._ids)
            if total == 0 or n < 1:
                return []
            sims = self._vecs[:total] @ np.asarray(embedding, np.float32)
            sims[~self._mask(flt, total)] = -np.inf
            n = min(n, total)
            top = np.argpartition(-sims, n - 1)[:n]
            top = top[np.argsort(-sims[top])]
            return [(self._ids[i], float(1.0 - sims[i])) for i in top if np.isfinite(sims[i])]

    def ids(self) -> set[str]:
        with self._lock:
            return set(self._pos)

    def count(self) -> int:
        return len(self._pos)

    def close(self) -> None:
        pass
