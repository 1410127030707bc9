"""The storage interface: the value types every backend shares and the vector index protocol.

SQLite holds records; an index holds only vectors. Backends import their value types
(:class:`Filter`, :data:`IndexRow`, :func:`kinds_tuple`) from here, never from each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

import numpy as np

from agentmem.errors import InvalidArgumentError
from agentmem.records import Kind, Scope

__all__ = ["VectorIndex", "IndexRow", "Filter", "kinds_tuple"]

#: (id, scope, kind, time, embedding)
IndexRow = tuple[str, Scope, str, float, np.ndarray]


@dataclass
class Filter:
    """Restricts a search or listing: scope fields (wildcards when unset), kinds, time range."""

    scope: Scope = field(default_factory=Scope)
    kinds: tuple[str, ...] = ()
    since: float | None = None
    until: float | None = None


def kinds_tuple(kinds: Sequence[str | Kind] | str | Kind | None) -> tuple[str, ...]:
    """Normalise a kinds argument to a tuple of kind values, validating each."""
    if kinds is None:
        return ()
    if isinstance(kinds, (str, Kind)):
        kinds = [kinds]
    out = []
    for k in kinds:
        try:
            out.append(Kind(k).value)
        except ValueError:
            raise InvalidArgumentError(
                f"unknown kind {k!r}; choose from {[x.value for x in Kind]}") from None
    return tuple(out)


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
