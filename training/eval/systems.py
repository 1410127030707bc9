"""The contract of a memory system in the QA harness, shared by the built-in systems
(:mod:`training.eval.qa`) and the peers (:mod:`training.eval.peers`).

A system ingests a conversation once (:meth:`System.prepare`, returning what that
cost as :class:`IngestStats`), then, per question, returns the memories it would
show the answer policy (:meth:`System.context`). Keeping the base class, the stats
and the helpers both sides need here is what lets ``qa`` use ``peers`` without
``peers`` importing anything back from ``qa``.

A new system: subclass :class:`System`, set ``name``, and fill ``prepare`` and
``context`` (a peer: subclass :class:`training.eval.peers.PeerSystem` instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from agentmem.llm.base import Usage
from agentmem.memory import Memory

if TYPE_CHECKING:
    from agentmem.conversations import Session
    from agentmem.records import MemoryRecord
    from envs.memqa import Question

__all__ = ["IngestStats", "System", "MemoryFactory", "memory_factory"]

#: Builds a fresh, empty Memory; a system that needs one calls it in ``prepare``.
MemoryFactory = Callable[[], Memory]


@dataclass
class IngestStats:
    """What a system's ingest of one conversation did and cost.

    The summary's ``ingest_*``, ``calls_per_turn`` and ``tokens_per_turn`` columns
    are computed from these, summed over conversations.
    """

    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    seconds: list[float] = field(default_factory=list)  # one entry per ingested turn
    # Of those, what storing the turn cost on its own (the reply path; empty: unknown).
    store_seconds: list[float] = field(default_factory=list)
    failures: int = 0  # turns whose ingestion raised inside a peer system and were skipped


class System:
    """A memory system under test; this base is also the ``none`` system (no memory)."""

    name: ClassVar[str] = ""

    def __init__(self, answerer: Any, k: int):
        self.answerer, self.k = answerer, k

    def prepare(self, sessions: list[Session], memory_factory: MemoryFactory,
                progress: bool) -> IngestStats:
        """Ingest the conversation; ``memory_factory`` gives a fresh Memory if one is needed."""
        return IngestStats()

    @property
    def ingest_key(self) -> Any:
        """Systems with the same key (not None) build the same memory from a conversation
        and differ only in how they read it: the run ingests once and shares it."""
        return None

    def share(self, memory: Any, prepared: IngestStats) -> IngestStats:
        """Read ``memory``, which a system with the same ``ingest_key`` prepared."""
        raise NotImplementedError(f"{self.name} shares no ingest")

    def context(self, question: Question) -> list[MemoryRecord]:
        """The memories shown to the answer policy for ``question`` (their
        ``provenance.ref`` holds the turn ids they came from, for recall@k)."""
        return []

    def close(self) -> None:
        """Release what ``prepare`` opened."""


def memory_factory(home: str | Path | None, embedder: Any) -> MemoryFactory:
    """Fresh memories for a run: in RAM, or each in its own folder ``home/qa-N``."""
    numbers = count()

    def make() -> Memory:
        path = ":memory:" if home is None else Path(home) / f"qa-{next(numbers)}"
        return Memory(home=str(path), embedder=embedder)

    return make
