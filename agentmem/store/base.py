"""The vector index interface. SQLite holds records; an index holds only vectors."""

from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from agentmem.records import Scope
from agentmem.store.sqlite import Filter

__all__ = ["VectorIndex", "IndexRow"]

#: (id, scope, kind, time, embedding)
IndexRow = tuple[str, Scope, str, float, np.ndarray]


class VectorIndex(Protocol):
    """Nearest-neighbour search over unit vectors with scope/kind/time filters.

    Class flags say what a backend can do: ``persistent`` (survives a restart on its
    own) and ``shared`` (several processes may write at once).
    """

    persistent: bool
    shared: bool

    def upsert(self, rows: Sequence[IndexRow]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(self, embedding: np.ndarray, n: int, flt: Filter) -> list[tuple[str, float]]:
        """Return up to ``n`` (id, cosine distance) pairs, nearest first."""
        ...

    def ids(self) -> set[str]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...
