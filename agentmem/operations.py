"""Memory operations and the history entries they leave behind."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agentmem.records import (
    Kind,
    MemoryRecord,
    Provenance,
    Scope,
    check_metadata,
    check_record_id,
    utcnow,
)

__all__ = ["OpType", "Operation", "OpResult", "HistoryEntry", "SearchHit", "granularity_of"]


class OpType(str, Enum):
    ADD = "ADD"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    NOOP = "NOOP"


class Operation(BaseModel):
    """One change to the memory bank, with the reason it was made.

    ``ADD`` needs ``content``; ``UPDATE`` needs ``id`` and at least one of
    ``content``/``kind``/``trust``/``event_time``/``metadata``; ``DELETE`` needs ``id``;
    ``NOOP`` needs nothing and is recorded only in the returned results.
    """

    model_config = ConfigDict(extra="forbid")

    op: OpType
    id: str | None = None
    content: str | None = None
    kind: Kind | None = None
    scope: Scope | None = Field(default=None, description="ADD only; defaults to the call's scope")
    provenance: Provenance | None = None
    trust: float | None = Field(default=None, ge=0.0, le=1.0)
    event_time: datetime | None = None
    metadata: dict[str, Any] | None = None
    reason: str = ""

    @field_validator("metadata")
    @classmethod
    def _plain_json(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return check_metadata(value)

    @model_validator(mode="after")
    def _new_id(self) -> "Operation":
        # An id chosen from outside must be one every store and terminal can hold; ids of
        # existing records are only looked up (a bad one is simply not found).
        if self.op == OpType.ADD and self.id is not None:
            check_record_id(self.id)
        return self

    @classmethod
    def add(cls, content: str, **kw: Any) -> "Operation":
        return cls(op=OpType.ADD, content=content, **kw)

    @classmethod
    def update(cls, id: str, content: str | None = None, **kw: Any) -> "Operation":
        return cls(op=OpType.UPDATE, id=id, content=content, **kw)

    @classmethod
    def delete(cls, id: str, **kw: Any) -> "Operation":
        return cls(op=OpType.DELETE, id=id, **kw)

    @classmethod
    def noop(cls, **kw: Any) -> "Operation":
        return cls(op=OpType.NOOP, **kw)


class OpResult(BaseModel):
    """What applying one operation did."""

    op: OpType
    id: str | None
    record: MemoryRecord | None = Field(default=None, description="the record after the op")
    previous: MemoryRecord | None = Field(default=None, description="the record before the op")
    reason: str = ""


class HistoryEntry(BaseModel):
    """One line of the append-only history."""

    seq: int
    batch: str
    memory_id: str
    op: str
    version: int
    before: MemoryRecord | None
    after: MemoryRecord | None
    actor: str | None
    reason: str
    at: datetime = Field(default_factory=utcnow)


class SearchHit(BaseModel):
    """A search result: the record and how it ranked."""

    record: MemoryRecord
    score: float = Field(description="fused reciprocal-rank score; higher is better")
    vector_rank: int | None = None
    keyword_rank: int | None = None
    distance: float | None = Field(default=None, description="cosine distance, when vector-ranked")
    via: str | None = Field(default=None, description="reached over a link from this record "
                            "(one-hop expansion) rather than matched directly")

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def content(self) -> str:
        return self.record.content

    @property
    def granularity(self) -> str:
        """What the record stands for: ``turn``, ``topic`` or ``session`` (reflective
        summaries and the turns they came from), else ``memory``."""
        return granularity_of(self.record)


def granularity_of(record: MemoryRecord) -> str:
    """``turn`` for stored dialogue turns, ``topic``/``session`` for summaries, else ``memory``."""
    if record.kind == Kind.TURN:
        return "turn"
    if record.kind == Kind.SUMMARY:
        return str(record.metadata.get("granularity", "topic"))
    return "memory"
