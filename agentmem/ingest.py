"""Feeding new information into memory: turns verbatim first, then the manager's facts.

Every turn is stored as it is (:mod:`agentmem.episodic`, no LLM), then a memory
manager, when one is given, turns each batch of turns into fact operations against
the related facts; each new or updated fact links to the turn records it came from.
``agentmem ingest``, the :class:`~agentmem.Agent` and the evaluation harness all run
this one path.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from agentmem.episodic import check_turn_ids, source_links, store_turns
from agentmem.errors import AgentMemError, InvalidArgumentError
from agentmem.expansion import expand_turns
from agentmem.llm.base import Usage
from agentmem.operations import Operation, OpResult, OpType
from agentmem.profile import update_profile
from agentmem.progress import ProgressBar
from agentmem.protocols import MemoryManager, Turn
from agentmem.records import Kind, MemoryRecord

if TYPE_CHECKING:  # Memory.add_messages(infer=True) calls manage_turns: no cycle
    from agentmem.memory import Memory

__all__ = ["manage_turns", "ingest_sessions", "IngestReport", "FACT_KINDS", "RELATED_FACTS"]

#: What the manager reads and writes: the semantic layer (turns are the episodic one).
FACT_KINDS = (Kind.FACT, Kind.PREFERENCE)
#: Facts shown to the manager with new turns (what they may update or delete).
RELATED_FACTS = 5


def manage_turns(memory: Memory, manager: MemoryManager, turns: Sequence[Turn], *,
                 k: int = RELATED_FACTS, guard: Any = None, sources: Sequence[MemoryRecord | None] = (),
                 expand: bool = True, **scope: Any) -> tuple[list[OpResult], list[str], Usage]:
    """One manager call for ``turns``: retrieve related facts, decide, apply atomically,
    then fold the new facts into the scope's core profile (:mod:`agentmem.profile`) and
    index their source turns by the facts' words (:mod:`agentmem.expansion`).

    ``sources``: the turns' own records (from :func:`~agentmem.episodic.store_turns`);
    every fact the manager adds or updates links to them (``expand``: and they are
    indexed by its words, see :mod:`agentmem.expansion`). With a
    :class:`~agentmem.guard.ConsensusGuard`, each new fact passes its write check
    first; flagged ones are stored with trust 0.1 and the reasons in metadata.
    """
    query = " ".join(t.text for t in turns)
    related = [h.record for h in memory.search(query, k=k, kinds=FACT_KINDS, **scope)]
    decision = manager.decide(turns, related)
    ops = [_linked(op, _sources_of(op, sources), related) for op in decision.ops]
    if guard is not None:
        ops = [guard.screen(op, **scope) for op in ops]
    results = memory.apply(ops, actor="manager", **scope)
    written = [r.record for r in results if r.op in (OpType.ADD, OpType.UPDATE) and r.record]
    removed = [r.id for r in results if r.op == OpType.DELETE and r.id]
    if written or removed:
        view = memory.scoped(**scope)
        update_profile(view, written, removed=removed)
        if expand:
            expand_turns(view, written)
    return results, decision.rejected, decision.usage


def _sources_of(op: Operation, sources: Sequence[MemoryRecord | None]) -> list[dict[str, str]]:
    """Links to the turns a fact came from: the one its provenance names (the extractive
    manager knows it), else every turn of the batch."""
    ref = op.provenance.ref if op.provenance is not None else None
    named = [r for r in sources if r is not None and ref and r.metadata.get("turn_id") == ref]
    return source_links(named or sources)


def _linked(op: Operation, links: list[dict[str, str]], related: Sequence[MemoryRecord]
            ) -> Operation:
    """``op`` with links to its source turns added to the fact's metadata."""
    if not links:
        return op
    if op.op == OpType.ADD:
        base = dict(op.metadata or {})
    elif op.op == OpType.UPDATE:
        current = next((r for r in related if r.id == op.id), None)
        base = dict(op.metadata if op.metadata is not None else
                    current.metadata if current is not None else {})
    else:
        return op
    known = {x.get("to") for x in base.get("links", [])}
    base["links"] = [*base.get("links", []), *(x for x in links if x["to"] not in known)]
    return op.model_copy(update={"metadata": base})


@dataclass
class IngestReport:
    """What an ingest did and cost."""

    turns: int = 0
    stored_turns: int = 0  # turn records written (turns already stored are skipped)
    empty_turns: list[str] = field(default_factory=list)  # turns with no text: not stored
    batches: int = 0
    ops: Counter = field(default_factory=Counter)
    rejected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)  # of the batches that succeeded
    seconds_per_batch: list[float] = field(default_factory=list)
    # Of those, storing the turns verbatim: what the reply path pays (no LLM).
    store_seconds_per_batch: list[float] = field(default_factory=list)

    @property
    def calls_per_turn(self) -> float:
        return self.usage.calls / self.turns if self.turns else 0.0


def ingest_sessions(memory: Memory, sessions: Iterable[Any], *, manager: MemoryManager | None,
                    batch_size: int = 1, k: int = RELATED_FACTS, progress: bool = False,
                    expand: bool = True, conversation: str | None = None,
                    **scope: Any) -> IngestReport:
    """Ingest every turn of ``sessions`` (see :mod:`agentmem.conversations`).

    ``conversation`` names the conversation (``agentmem ingest`` gives the file's name):
    its sessions are stored as ``"<conversation>:<n>"``, so two conversations of one
    user never share a session (recall shows a turn with its session's neighbours).

    Each batch of turns is first stored verbatim (kind ``turn``, with its time, turn
    id and session; no LLM; turns already stored are skipped). With a manager, the
    batch then costs one LLM call and its fact operations are applied atomically; a
    batch whose call fails is reported in ``failures``, its turns stay stored, and the
    rest go on. Turns with no text are reported in ``empty_turns`` and not stored.

    Raises:
        InvalidArgumentError: two turns share a turn id (nothing is stored).
    """
    if batch_size < 1:
        raise InvalidArgumentError(f"batch_size must be >= 1, got {batch_size}")
    sessions = list(sessions)
    check_turn_ids([t for s in sessions for t in s.turns], "the conversation")
    view = memory.scoped(**scope)
    batches = [(s, s.turns[i:i + batch_size]) for s in sessions
               for i in range(0, len(s.turns), batch_size)]
    report = IngestReport()
    with ProgressBar("ingesting", len(batches), enabled=progress) as bar:
        for session, batch in batches:
            start = time.perf_counter()
            report.turns += len(batch)
            report.batches += 1
            stored = store_turns(view, batch, session=(
                f"{conversation}:{session.index}" if conversation else str(session.index)))
            report.store_seconds_per_batch.append(time.perf_counter() - start)
            report.stored_turns += stored.added
            # Only what was stored now goes to the manager: a re-ingest costs no LLM call.
            said = [(t, r) for t, r, fresh in zip(batch, stored.records, stored.new, strict=True)
                    if fresh]
            report.empty_turns += [t.turn_id or "?" for t, r in zip(batch, stored.records,
                                                                    strict=True) if r is None]
            if manager is None:
                report.ops["ADD"] += stored.added
            elif said:
                try:
                    results, rejected, usage = manage_turns(
                        memory, manager, [t for t, _ in said], k=k,
                        sources=[r for _, r in said], expand=expand, **scope)
                except AgentMemError as exc:
                    report.failures.append(f"{batch[0].turn_id}: {type(exc).__name__}: {exc}")
                else:
                    report.usage = report.usage + usage
                    report.rejected += rejected
                    report.ops.update(r.op.value for r in results)
            report.seconds_per_batch.append(time.perf_counter() - start)
            bar.advance()
    return report
