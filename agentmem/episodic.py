"""The episodic layer: every turn stored verbatim, with no model, so nothing said is lost.

A small model extracts facts badly (the 135M manager kept ~4% of a LoCoMo
conversation's evidence), so facts cannot be the only memory. Every turn the agent
sees and every ingested turn is first stored as it is: a record of kind ``turn``
whose content is ``"Speaker: text"``, with the turn's time as ``event_time``, the
turn id as provenance and ``metadata = {"turn_id", "speaker", "session"}``. That
costs one embedding and one SQLite transaction per batch, no LLM call. Facts the
manager derives later link back to these records (``metadata["links"]``), so a fact
found by search brings its source turn along (``search(expand_links=True)``).

Storing is idempotent: a turn whose id and words are already stored in the scope is
skipped, so ingesting a conversation twice does not double it. Turn ids are not
unique across conversations ("D1:3" is in every LoCoMo file), so a stored turn with
the same id but other words is a different turn, and is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.operations import Operation
from agentmem.protocols import Turn
from agentmem.records import Kind, MemoryRecord, Provenance, SourceType
from agentmem.view import ScopedMemory

__all__ = ["turn_content", "store_turns", "StoredTurns", "check_turn_ids", "source_links",
           "source_turns", "SOURCE_TURN"]


@dataclass
class StoredTurns:
    """What :func:`store_turns` did: one record per turn (``None``: no text, not stored)
    and which of them were written now (the others were stored before)."""

    records: list[MemoryRecord | None]
    new: list[bool]

    @property
    def added(self) -> int:
        return sum(self.new)


def turn_content(turn: Turn) -> str:
    """How a turn reads as a record: ``"Speaker: text"`` (the name is searchable too)."""
    return f"{turn.speaker}: {turn.text.strip()}"


def check_turn_ids(turns: Sequence[Turn], where: str = "the turns") -> None:
    """Refuse turns that share a turn id: provenance and links would be ambiguous."""
    seen: dict[str, int] = {}
    for i, t in enumerate(turns):
        if t.turn_id is None:
            continue
        if t.turn_id in seen:
            raise InvalidArgumentError(
                f"{where}: turn id {t.turn_id!r} appears twice (turns {seen[t.turn_id]} and {i}); "
                "give every turn its own id, or none; nothing was stored")
        seen[t.turn_id] = i


def store_turns(view: ScopedMemory, turns: Sequence[Turn], *, session: str | None = None,
                actor: str = "episodic") -> StoredTurns:
    """Store ``turns`` verbatim in ``view``'s scope as one batch.

    ``records`` is aligned with ``turns``: a turn already stored (same turn id in this
    scope) gives its existing record; a turn with no text gives ``None`` and is not
    stored (there is nothing to remember in it).
    """
    check_turn_ids(turns)
    out: list[MemoryRecord | None] = [None] * len(turns)
    new = [False] * len(turns)
    ops, slots = [], []
    for i, t in enumerate(turns):
        if not t.text or not t.text.strip():
            continue
        if t.turn_id is not None:
            existing = [r for r in view.where("turn_id", t.turn_id, kinds=[Kind.TURN])
                        if r.content == turn_content(t)]
            if existing:
                out[i] = existing[0]
                continue
        meta: dict[str, Any] = {"speaker": t.speaker}
        if t.turn_id is not None:
            meta["turn_id"] = t.turn_id
        if session is not None:
            meta["session"] = session
        ops.append(Operation.add(
            turn_content(t), kind=Kind.TURN, event_time=t.time, metadata=meta,
            provenance=Provenance(source=SourceType.DIALOGUE, actor=t.speaker, ref=t.turn_id),
            reason="turn"))
        slots.append(i)
    if ops:
        for i, result in zip(slots, view.apply(ops, actor=actor), strict=True):
            out[i], new[i] = result.record, True
    return StoredTurns(out, new)


#: The ``reason`` of a link from a derived memory to a turn it came from.
SOURCE_TURN = "source turn"


def source_links(records: Sequence[MemoryRecord | None]) -> list[dict[str, str]]:
    """``metadata["links"]`` entries from a derived memory to the turns it came from."""
    return [{"to": r.id, "reason": SOURCE_TURN} for r in records if r is not None]


def source_turns(record: MemoryRecord) -> list[str]:
    """The ids of the turn records ``record`` was derived from (its source links, in
    their order; links that are not well-formed are skipped)."""
    links = record.metadata.get("links")
    return [x["to"] for x in links if isinstance(x, dict) and x.get("reason") == SOURCE_TURN
            and isinstance(x.get("to"), str) and x["to"]] if isinstance(links, list) else []
