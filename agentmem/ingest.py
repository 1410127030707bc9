"""Feeding new information through a memory manager, turn by turn or in batches."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from agentmem.errors import AgentMemError, InvalidArgumentError
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.operations import OpResult
from agentmem.protocols import MemoryManager, Turn

__all__ = ["manage_turns", "ingest_sessions", "IngestReport"]


def manage_turns(memory: Memory, manager: MemoryManager, turns: Sequence[Turn], *, k: int = 5,
                 guard: Any = None, **scope: Any) -> tuple[list[OpResult], list[str], Usage]:
    """One manager call for ``turns``: retrieve related memories, decide, apply atomically.

    With a :class:`~agentmem.guard.ConsensusGuard`, each new fact passes its write
    check first; flagged ones are stored with trust 0.1 and the reasons in metadata.
    """
    query = " ".join(t.text for t in turns)
    related = [h.record for h in memory.search(query, k=k, **scope)]
    decision = manager.decide(turns, related)
    ops = decision.ops
    if guard is not None:
        ops = [guard.screen(op, **scope) for op in ops]
    results = memory.apply(ops, actor="manager", **scope)
    return results, decision.rejected, decision.usage


@dataclass
class IngestReport:
    """What an ingest did and cost."""

    turns: int = 0
    batches: int = 0
    ops: Counter = field(default_factory=Counter)
    rejected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)  # of the batches that succeeded
    seconds_per_batch: list[float] = field(default_factory=list)

    @property
    def calls_per_turn(self) -> float:
        return self.usage.calls / self.turns if self.turns else 0.0


def ingest_sessions(memory: Memory, sessions: Iterable[Any], *, manager: MemoryManager | None,
                    batch_size: int = 1, k: int = 5, progress: bool = False,
                    **scope: Any) -> IngestReport:
    """Ingest every turn of ``sessions`` (see :mod:`agentmem.conversations`).

    With a manager, each batch of turns costs one LLM call and its operations are
    applied atomically; a batch whose call fails is reported in ``failures`` and
    the rest go on. Without a manager the turns are stored as they are (kind
    ``turn``, with their time and turn id), without any LLM.
    """
    if batch_size < 1:
        raise InvalidArgumentError(f"batch_size must be >= 1, got {batch_size}")
    sessions = list(sessions)
    batches = [s.turns[i:i + batch_size] for s in sessions
               for i in range(0, len(s.turns), batch_size)]
    report = IngestReport()
    bar = _progress(len(batches), progress)
    try:
        for batch in batches:
            start = time.perf_counter()
            report.turns += len(batch)
            report.batches += 1
            if manager is None:
                for t in batch:
                    memory.add(f"{t.speaker}: {t.text}", kind="turn", event_time=t.time,
                               provenance={"source": "dialogue", "ref": t.turn_id}, **scope)
                report.ops["ADD"] += len(batch)
            else:
                try:
                    results, rejected, usage = manage_turns(memory, manager, batch, k=k, **scope)
                except AgentMemError as exc:
                    report.failures.append(f"{batch[0].turn_id}: {type(exc).__name__}: {exc}")
                else:
                    report.usage = report.usage + usage
                    report.rejected += rejected
                    report.ops.update(r.op.value for r in results)
            report.seconds_per_batch.append(time.perf_counter() - start)
            bar(1)
    finally:
        bar(0, done=True)
    return report


def _progress(total: int, enabled: bool):
    if not enabled:
        return lambda n, done=False: None
    from rich.progress import Progress

    prog = Progress(transient=False)
    task = prog.add_task("ingesting", total=total)
    prog.start()

    def advance(n: int, done: bool = False) -> None:
        prog.advance(task, n)
        if done:
            prog.stop()

    return advance
