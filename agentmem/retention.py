"""Forgetting and strengthening, in the spirit of MemoryBank's forgetting curve.

Each record has a retention in 0..1: its importance (its trust) times
``0.5 ** (t / S)``, where ``t`` is the time since it was last used (or written) and the
strength ``S`` is ``half_life_days`` x (1 + the number of times it was recalled).
A memory that keeps being useful stays; one never used again fades.

* :meth:`Retention.strengthen` counts a use (``recall(..., retention=...)`` does this for
  what it shows); uses live in the scope's state, not in the records, so reading
  writes no history.
* :meth:`Retention.weigh` orders hits by search score x (0.5 + 0.5 x retention).
* :meth:`Retention.forget` archives the records below a threshold: an UPDATE through
  :meth:`Memory.apply` (``metadata.archived``, actor ``retention``), in the history and
  reversed by ``undo(batch)`` or :meth:`Retention.revive`. Search leaves archived
  records out unless ``include_archived=True``; nothing is ever deleted.

Turns are not forgotten by default (``kinds`` leaves them out): they are the record of
what was said. Nothing here runs unless it is called: forgetting is off by default.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.operations import Operation, SearchHit
from agentmem.profile import update_profile
from agentmem.records import Kind, MemoryRecord, utcnow
from agentmem.view import ScopedMemory

__all__ = ["Retention", "retention", "FORGETTABLE"]

#: What forgetting may archive by default: derived memories, not the turns themselves.
FORGETTABLE = (Kind.FACT, Kind.PREFERENCE, Kind.NOTE, Kind.SUMMARY)

_STATE = "retention"


def retention(record: MemoryRecord, *, now: datetime, uses: int = 0,
              last_used: datetime | None = None, half_life_days: float = 30.0) -> float:
    """The record's retention in 0..1 (see the module doc)."""
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    since = last_used or record.updated_at or record.created_at
    days = max(0.0, (now - since).total_seconds() / 86400.0)
    # half_life_days is a true half-life: a never-used memory keeps half after it
    return max(0.0, min(1.0, record.trust)) * 0.5 ** (days / (half_life_days * (1 + uses)))


class Retention:
    """Retention for the records of one scope.

    Args:
        view: the scope (``memory.scoped(user_id=...)``).
        half_life_days: the strength of a never-used memory, in days.
        kinds: what :meth:`forget` may archive.
    """

    def __init__(self, view: ScopedMemory, *, half_life_days: float = 30.0,
                 kinds: Sequence[Kind | str] = FORGETTABLE):
        if half_life_days <= 0:
            raise InvalidArgumentError(f"half_life_days must be > 0, got {half_life_days}")
        self.view, self.half_life_days = view, half_life_days
        self.kinds = tuple(Kind(k) for k in kinds)

    def _uses(self) -> dict[str, list]:
        return (self.view.state(_STATE) or {}).get("uses", {})

    def score(self, record: MemoryRecord, now: datetime | None = None) -> float:
        """The record's retention now (or at ``now``)."""
        return self._score(record, now or utcnow(), self._uses())

    def _score(self, record: MemoryRecord, now: datetime, uses: dict[str, list]) -> float:
        # ``uses`` is read once per call of weigh/forget, not once per record.
        count, last = uses.get(record.id, (0, None))
        return retention(record, now=now, uses=count,
                         last_used=datetime.fromisoformat(last) if last else None,
                         half_life_days=self.half_life_days)

    def strengthen(self, ids: Sequence[str], now: datetime | None = None) -> None:
        """Count one use of each record (it was recalled): it now fades more slowly."""
        if not ids:
            return
        uses = self._uses()
        stamp = (now or utcnow()).astimezone(timezone.utc).isoformat()
        for i in dict.fromkeys(ids):
            uses[i] = [uses.get(i, [0, None])[0] + 1, stamp]
        self.view.set_state(_STATE, {"uses": uses})

    def weigh(self, hits: Sequence[SearchHit], now: datetime | None = None) -> list[SearchHit]:
        """``hits`` ordered by search score x (0.5 + 0.5 x retention)."""
        now, uses = now or utcnow(), self._uses()
        weight = {h.id: h.score * (0.5 + 0.5 * self._score(h.record, now, uses)) for h in hits}
        return sorted(hits, key=lambda h: -weight[h.id])

    def forget(self, threshold: float = 0.05, *, now: datetime | None = None,
               actor: str = "retention") -> list[MemoryRecord]:
        """Archive every record of ``kinds`` whose retention is below ``threshold``; one
        batch (``memory.undo(batch)`` brings them all back). Returns what was archived."""
        if not 0 < threshold < 1:
            raise InvalidArgumentError(f"threshold must be within (0, 1), got {threshold}")
        now, uses = now or utcnow(), self._uses()
        faded = [(r, s) for r in self.view.records(kinds=list(self.kinds))
                 if not r.metadata.get("archived") and (s := self._score(r, now, uses)) < threshold]
        if not faded:
            return []
        ops = [Operation.update(r.id, metadata={**r.metadata, "archived": True},
                                reason=f"forgotten: retention {s:.3f} < {threshold}")
               for r, s in faded]
        archived = [res.record for res in self.view.apply(ops, actor=actor)]
        # What is forgotten leaves the core profile too (reviving brings the fact back
        # to search, not its profile line).
        update_profile(self.view, [], removed=[r.id for r in archived if r is not None])
        return archived

    def revive(self, memory_id: str, *, actor: str = "retention") -> MemoryRecord:
        """Bring an archived record back into search, and count it as used now."""
        record = self.view.get(memory_id)
        if not record.metadata.get("archived"):
            return record
        meta = {k: v for k, v in record.metadata.items() if k != "archived"}
        out = self.view.apply([Operation.update(memory_id, metadata=meta, reason="revived")],
                              actor=actor)[0].record
        self.strengthen([memory_id])
        return out
