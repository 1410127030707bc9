"""The storage interface: the value types every backend shares and the vector index protocol.

SQLite holds records; an index holds only vectors. Backends import their value types
(:class:`Filter`, :data:`IndexRow`, :func:`kinds_tuple`) from here, never from each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from agentmem.errors import InvalidArgumentError
from agentmem.operations import HistoryEntry
from agentmem.records import Kind, MemoryRecord, Scope
from agentmem.text import STOPWORDS, words

__all__ = ["VectorIndex", "IndexRow", "Filter", "kinds_tuple", "where_sql", "record_json",
           "record_from_json", "history_entries", "keyword_terms"]

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


# -- what the record stores (SQLite, Postgres) share -----------------------------------------
#: What :func:`where_sql` returns for a filter with no conditions (every row).
NO_CONDITIONS = "1 = 1"


def where_sql(flt: Filter, mark: str, alias: str = "r") -> tuple[str, list]:
    """The SQL conditions of a filter and their arguments; ``mark`` is the driver's
    placeholder (``?`` for sqlite3, ``%s`` for psycopg)."""
    clauses, args = [], []
    for name, value in flt.scope.items():
        clauses.append(f"{alias}.{name} = {mark}")
        args.append(value)
    if flt.kinds:
        clauses.append(f"{alias}.kind IN ({', '.join([mark] * len(flt.kinds))})")
        args.extend(flt.kinds)
    if flt.since is not None:
        clauses.append(f"{alias}.time >= {mark}")
        args.append(flt.since)
    if flt.until is not None:
        clauses.append(f"{alias}.time <= {mark}")
        args.append(flt.until)
    return (" AND ".join(clauses) or NO_CONDITIONS), args


def record_json(record: MemoryRecord | None) -> str | None:
    """A record as stored: its exact JSON text (an export gives back what was written)."""
    return None if record is None else record.model_dump_json()


def record_from_json(text: str | None) -> MemoryRecord | None:
    return None if text is None else MemoryRecord.model_validate_json(text)


def history_entries(rows: Sequence[Sequence[Any]]) -> list[HistoryEntry]:
    """History rows (seq, batch, memory_id, op, version, before, after, actor, reason, at)."""
    return [HistoryEntry(seq=r[0], batch=r[1], memory_id=r[2], op=r[3], version=r[4],
                         before=record_from_json(r[5]), after=record_from_json(r[6]),
                         actor=r[7], reason=r[8], at=datetime.fromisoformat(r[9]))
            for r in rows]


def keyword_terms(query: str, most: int = 32) -> list[str]:
    """The words a keyword search looks for: function words carry no signal for ranking
    but have the longest posting lists, so they go (unless nothing else is left)."""
    every = list(dict.fromkeys(words(query)))
    return ([w for w in every if w not in STOPWORDS] or every)[:most]


def telling_terms(terms: Sequence[str], searched: int, holding: Sequence[int]) -> list[str]:
    """The ``terms`` that tell the ``searched`` records apart, where ``holding[i]`` of them
    hold ``terms[i]``: those held by fewer than half, whose Robertson-Sparck Jones weight
    log((N - n + 0.5) / (n + 0.5)) is above zero (BM25's IDF before it is floored).

    Why a hybrid search drops the rest: a word in most of the searched records (the
    user's own name in a memory about them, "What town does Teodor call home?") ranks no
    record above another, yet once the keyword and vector rankings are fused by rank,
    every record naming it would come before one that answers in other words ("we
    signed the lease on a flat in Genoa"), however close that one's vector is."""
    return [t for t, n in zip(terms, holding, strict=True) if 2 * n < searched]


# Reads records by id (a store's get_many, or one over records a search already fetched).
RecordReader = Callable[[Sequence[str]], dict[str, MemoryRecord]]


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
