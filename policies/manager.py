"""The memory manager: one LLM call turns new turns + related memories into operations.

Related memories are shown to the model as ``[0]``, ``[1]``, ... and mapped back
to real ids afterwards, so the model can never invent an id; an operation naming
a number that was not shown is rejected (and reported), never applied.
"""

from __future__ import annotations

import logging
from typing import Literal, Sequence

from pydantic import BaseModel, Field

from agentmem.llm import LLM, Usage
from agentmem.operations import Operation, OpType
from agentmem.protocols import ManagerDecision, Turn
from agentmem.records import MemoryRecord, Provenance, SourceType
from agentmem.text import content_stems
from policies.base import PromptedPolicy

__all__ = ["PromptedManager", "ManagerOutput", "ManagerOp", "format_memories", "format_turns", "as_records"]

log = logging.getLogger("policies.manager")


class ManagerOp(BaseModel):
    fact: str = Field(default="", max_length=300)
    op: Literal["ADD", "UPDATE", "DELETE", "NOOP"]
    id: int = Field(default=-1, description="memory number for UPDATE/DELETE, -1 otherwise")


class ManagerOutput(BaseModel):
    operations: list[ManagerOp] = Field(max_length=6)


def output_schema(shown: int, max_ops: int) -> dict:
    """The JSON schema of one reply, narrowed to the memories actually shown.

    Under constrained decoding the model cannot name an id that was not shown, nor
    UPDATE/DELETE when nothing was shown; the fact comes first so the operation is
    chosen after the fact is written.
    """
    ops = ["ADD", "NOOP"] + (["UPDATE", "DELETE"] if shown else [])
    item = {"type": "object", "additionalProperties": False, "required": ["fact", "op", "id"],
            "properties": {"fact": {"type": "string", "maxLength": 300},
                           "op": {"enum": ops}, "id": {"enum": [-1, *range(shown)]}}}
    return {"title": "ManagerOutput", "type": "object", "additionalProperties": False,
            "required": ["operations"],
            "properties": {"operations": {"type": "array", "items": item, "minItems": 1,
                                          "maxItems": max_ops}}}


def as_records(items: Sequence) -> list[MemoryRecord]:
    """Accept records or search hits (which carry ``.record``)."""
    return [getattr(m, "record", m) for m in items]


def format_memories(memories: Sequence[MemoryRecord]) -> str:
    if not memories:
        return "(none)"
    return "\n".join(f"[{i}] {m.content}" + (f" ({m.event_time:%Y-%m-%d})" if m.event_time else "")
                     for i, m in enumerate(memories))


def format_turns(turns: Sequence[Turn]) -> str:
    # Dates stay out of the prompt: any date line pulled the 135M model off the text in
    # our trials. The turn's time still becomes each new memory's event_time.
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)


class PromptedManager(PromptedPolicy):
    """A prompt template + an LLM + a parser. Pass ``adapter=`` for the trained variant.

    Args:
        llm: an LLM or a spec string (``"local"``, ``"openai:gpt-4o-mini"``).
        adapter: a LoRA adapter directory (local models only).
        template: template name/version from ``policies/templates``.
        max_tokens: the reply budget; ops beyond it are not produced.
    """

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "manager", version: int | None = None, max_tokens: int = 160,
                 max_ops: int = 3, min_grounding: float = 0.6):
        super().__init__(llm, adapter=adapter, template=template, version=version,
                         max_tokens=max_tokens)
        self.max_ops, self.min_grounding = max_ops, min_grounding

    def messages(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> list[dict]:
        return self.template.render(memories=format_memories(related), messages=format_turns(turns))

    def decide(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> ManagerDecision:
        """One LLM call for all ``turns``; ``related`` may be records or search hits."""
        related = as_records(related)
        output, usage, raw = self.reply(turns, related)
        ops, rejected = to_operations(output, turns, related, self.min_grounding)
        for why in rejected:
            # Reported in the decision (and `agentmem ingest`'s summary); a warning per
            # op would bury a progress bar under hundreds of lines.
            log.info("manager op rejected: %s", why)
        return ManagerDecision(ops=ops, rejected=rejected, usage=usage, raw=raw)

    def reply(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]
              ) -> tuple[ManagerOutput, Usage, str]:
        """The model's numbered operations under the schema, what the call cost, and its
        raw reply (a subclass that records demonstrations overrides this alone)."""
        reply = self.llm.chat(self.messages(turns, related),
                              schema=output_schema(len(related), self.max_ops),
                              max_tokens=self.max_tokens)
        return ManagerOutput.model_validate(reply.parsed), reply.usage, reply.text


def to_operations(output: ManagerOutput, turns: Sequence[Turn], related: Sequence[MemoryRecord],
                  min_grounding: float = 0.6) -> tuple[list[Operation], list[str]]:
    """Map the model's numbered ops to real operations; reject what cannot be applied.

    ``min_grounding`` is the share of a new fact's content words (names aside) that
    must appear in the new messages.
    """
    ops: list[Operation] = []
    rejected: list[str] = []
    ref = ",".join(t.turn_id for t in turns if t.turn_id) or None
    when = next((t.time for t in reversed(turns) if t.time), None)
    touched: set[int] = set()
    seen: set[str] = set()
    # Names match everything about a person, so they do not count as shared content.
    names = content_stems(" ".join(t.speaker for t in turns))
    source_words = content_stems(" ".join(t.text for t in turns)) - names

    def grounded(fact: str) -> bool:
        words = content_stems(fact) - names
        return bool(words) and len(words & source_words) / len(words) >= min_grounding
    for i, o in enumerate(output.operations):
        fact = " ".join(o.fact.split())
        if o.op in ("ADD", "UPDATE") and fact:
            if fact.lower() in seen:
                rejected.append(f"op {i} ({o.op}) repeats the fact {fact!r}")
                continue
            # A small model pads replies with facts from nowhere: most content words of a
            # stored fact must come from the new messages.
            if not grounded(fact):
                rejected.append(f"op {i} ({o.op}) {fact!r} is not grounded in the new messages")
                continue
            if o.op == "ADD" and any(fact.lower() == r.content.lower() for r in related):
                rejected.append(f"op {i} (ADD) {fact!r} is already stored")
                continue
            if o.op == "UPDATE" and 0 <= o.id < len(related):
                if fact.lower() == related[o.id].content.lower():
                    rejected.append(f"op {i} (UPDATE) leaves memory [{o.id}] unchanged")
                    continue
                if not (content_stems(fact) & content_stems(related[o.id].content)) - names:
                    # Nothing in common with the memory it would overwrite: keep both.
                    rejected.append(f"op {i} (UPDATE of [{o.id}]) is unrelated to that memory; "
                                    "added as a new fact instead")
                    o = ManagerOp(fact=fact, op="ADD")
            seen.add(fact.lower())
        if o.op in ("UPDATE", "DELETE"):
            if not 0 <= o.id < len(related):
                rejected.append(f"op {i} ({o.op}) names memory [{o.id}], which was not shown "
                                f"(shown: 0..{len(related) - 1})")
                continue
            if o.id in touched:
                rejected.append(f"op {i} ({o.op}) touches memory [{o.id}] a second time")
                continue
            touched.add(o.id)
        if o.op == "DELETE" and not (content_stems(related[o.id].content) - names) & source_words:
            # Deleting needs evidence: the new messages must talk about that memory's content.
            rejected.append(f"op {i} (DELETE of [{o.id}]) has nothing in common with the new "
                            "messages")
            continue
        if o.op in ("ADD", "UPDATE") and not fact:
            rejected.append(f"op {i} ({o.op}) has no fact")
            continue
        prov = Provenance(source=SourceType.DIALOGUE, ref=ref, actor="manager")
        if o.op == "ADD":
            ops.append(Operation(op=OpType.ADD, content=fact, event_time=when, provenance=prov,
                                 reason="new information"))
        elif o.op == "UPDATE":
            ops.append(Operation(op=OpType.UPDATE, id=related[o.id].id, content=fact,
                                 reason=f"updated by {ref or 'new turns'}"))
        elif o.op == "DELETE":
            # The fact written with a DELETE says what ended; history keeps it as the why
            # when it comes from the new messages (an invented one would mislead the audit).
            ops.append(Operation(op=OpType.DELETE, id=related[o.id].id,
                                 reason=f"contradicted by {ref or 'new turns'}"
                                 + (f": {fact}" if fact and grounded(fact) else "")))
        else:
            ops.append(Operation(op=OpType.NOOP, reason="nothing new"))
    return ops, rejected
