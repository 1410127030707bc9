"""The memory manager: one LLM call turns new turns + related memories into operations.

Related memories are shown to the model as ``[0]``, ``[1]``, ... and mapped back
to real ids afterwards, so the model can never invent an id; an operation naming
a number that was not shown is rejected (and reported), never applied.
"""

from __future__ import annotations

import logging
from typing import Literal, Sequence

from pydantic import BaseModel, Field

from agentmem.llm import LLM, get_llm
from agentmem.operations import Operation, OpType
from agentmem.protocols import ManagerDecision, Turn
from agentmem.records import MemoryRecord, Provenance, SourceType
from policies._templates import Template, load_template

__all__ = ["PromptedManager", "ManagerOutput", "ManagerOp", "format_memories", "format_turns", "as_records"]

log = logging.getLogger("policies.manager")


class ManagerOp(BaseModel):
    op: Literal["ADD", "UPDATE", "DELETE", "NOOP"]
    id: int = Field(default=-1, description="memory number for UPDATE/DELETE, -1 otherwise")
    fact: str = Field(default="", max_length=300)


class ManagerOutput(BaseModel):
    operations: list[ManagerOp] = Field(max_length=6)


def as_records(items: Sequence) -> list[MemoryRecord]:
    """Accept records or search hits (which carry ``.record``)."""
    return [getattr(m, "record", m) for m in items]


def format_memories(memories: Sequence[MemoryRecord]) -> str:
    if not memories:
        return "(none)"
    return "\n".join(f"[{i}] {m.content}" + (f" ({m.event_time:%Y-%m-%d})" if m.event_time else "")
                     for i, m in enumerate(memories))


def format_turns(turns: Sequence[Turn]) -> str:
    return "\n".join((f"({t.time:%Y-%m-%d}) " if t.time else "") + f"{t.speaker}: {t.text}"
                     for t in turns)


class PromptedManager:
    """A prompt template + an LLM + a parser. Pass ``adapter=`` for the trained variant.

    Args:
        llm: an LLM or a spec string (``"local"``, ``"openai:gpt-4o-mini"``).
        adapter: a LoRA adapter directory (local models only).
        template: template name/version from ``policies/templates``.
        max_tokens: the reply budget; ops beyond it are not produced.
    """

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "manager", version: int | None = None, max_tokens: int = 192):
        self.llm = get_llm(llm, adapter=adapter) if adapter else get_llm(llm)
        self.template: Template = load_template(template, version)
        self.max_tokens = max_tokens

    def messages(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> list[dict]:
        return self.template.render(memories=format_memories(related), messages=format_turns(turns))

    def decide(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> ManagerDecision:
        """One LLM call for all ``turns``; ``related`` may be records or search hits."""
        related = as_records(related)
        reply = self.llm.chat(self.messages(turns, related), schema=ManagerOutput,
                              max_tokens=self.max_tokens)
        ops, rejected = to_operations(reply.parsed, turns, related)
        for why in rejected:
            log.warning("manager op rejected: %s", why)
        return ManagerDecision(ops=ops, rejected=rejected, usage=reply.usage, raw=reply.text)


def to_operations(output: ManagerOutput, turns: Sequence[Turn],
                  related: Sequence[MemoryRecord]) -> tuple[list[Operation], list[str]]:
    """Map the model's numbered ops to real operations; reject what cannot be applied."""
    ops: list[Operation] = []
    rejected: list[str] = []
    ref = ",".join(t.turn_id for t in turns if t.turn_id) or None
    when = next((t.time for t in reversed(turns) if t.time), None)
    touched: set[int] = set()
    for i, o in enumerate(output.operations):
        fact = " ".join(o.fact.split())
        if o.op in ("UPDATE", "DELETE"):
            if not 0 <= o.id < len(related):
                rejected.append(f"op {i} ({o.op}) names memory [{o.id}], which was not shown "
                                f"(shown: 0..{len(related) - 1})")
                continue
            if o.id in touched:
                rejected.append(f"op {i} ({o.op}) touches memory [{o.id}] a second time")
                continue
            touched.add(o.id)
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
            ops.append(Operation(op=OpType.DELETE, id=related[o.id].id,
                                 reason=f"contradicted by {ref or 'new turns'}"))
        else:
            ops.append(Operation(op=OpType.NOOP, reason="nothing new"))
    return ops, rejected
