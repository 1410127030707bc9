"""Reflective summaries (prospective reflection, in the spirit of RMM).

When a session ends, :meth:`SessionSummarizer.summarize` stores it at three
granularities:

* ``turn``: each dialogue turn as a record of kind ``turn``;
* ``topic``: a few topic-level memories (kind ``summary``), each linked to the
  turns it came from (``metadata["links"]``, so ``search(expand_links=True)``
  brings the turns along);
* ``session``: one summary of the whole session.

Every search hit carries ``hit.granularity`` (``turn``/``topic``/``session``, or
``memory`` for ordinary facts); :meth:`SessionSummarizer.search` can restrict
retrieval to some granularities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from agentmem.episodic import turn_content
from agentmem.errors import InvalidArgumentError, LLMError, LLMOutputError
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.operations import Operation, SearchHit
from agentmem.protocols import Turn
from agentmem.records import Kind, MemoryRecord, Provenance, SourceType
from agentmem.structures.base import Structure
from agentmem.structures.notes import keywords_of
from agentmem.text import grounded_share
from agentmem.view import ScopedMemory

__all__ = ["SessionSummarizer", "SessionSummary", "GRANULARITIES"]

GRANULARITIES = ("turn", "topic", "session")

# The share of a model-written summary's words that must occur in its turns.
MIN_GROUNDING = 0.5
_SYSTEM = ("You summarise a conversation. Split it into at most {n} topics. For each topic give "
           "a short name, one or two sentences saying what was said (with names, places and "
           "dates), and the numbers of the turns it comes from. Then summarise the whole "
           "conversation in one or two sentences. Answer in JSON.")


def _schema(turns: int, topics: int) -> dict:
    topic = {"type": "object", "additionalProperties": False,
             "required": ["topic", "summary", "turns"],
             "properties": {"topic": {"type": "string", "maxLength": 40},
                            "summary": {"type": "string", "maxLength": 240},
                            "turns": {"type": "array", "items": {"enum": list(range(turns))},
                                      "minItems": 1, "maxItems": 8}}}
    return {"title": "SessionTopics", "type": "object", "additionalProperties": False,
            "required": ["topics", "session"],
            "properties": {"topics": {"type": "array", "items": topic, "minItems": 1,
                                      "maxItems": topics},
                           "session": {"type": "string", "maxLength": 300}}}


def _from(summary: str, turns: Sequence[Turn]) -> bool:
    """Whether most of ``summary``'s words were said in ``turns`` (speakers included)."""
    said = " ".join(f"{t.speaker} {t.text}" for t in turns)
    return grounded_share(summary, said) >= MIN_GROUNDING


@dataclass
class SessionSummary:
    """What :meth:`SessionSummarizer.summarize` stored."""

    session_id: str
    turns: list[MemoryRecord]
    topics: list[MemoryRecord]
    session: MemoryRecord
    usage: Usage = field(default_factory=Usage)


class SessionSummarizer(Structure):
    """Summarise finished sessions into topic and session memories linked to their turns.

    Args:
        memory: where the summaries go.
        llm: writes topics and the session summary; ``None`` groups consecutive turns
            and summarises each group extractively (no model needed).
        max_topics: the most topics per session.
        user_id, agent_id: the scope (the session id is given per call).
    """

    def __init__(self, memory: Memory, llm: Any = None, *, max_topics: int = 4,
                 user_id: str | None = None, agent_id: str | None = None):
        if max_topics < 1:
            raise InvalidArgumentError(f"max_topics must be >= 1, got {max_topics}")
        super().__init__(memory, llm, user_id=user_id, agent_id=agent_id)
        self.max_topics = max_topics

    def summarize(self, turns: Sequence[Turn | dict], *, session_id: str,
                  session_time: datetime | None = None, actor: str = "summarizer"
                  ) -> SessionSummary:
        """Store the session's turns (once), its topics and its summary.

        Summarising a session again replaces its earlier topics and summary (the old
        ones are deleted in the same batch, so history keeps them).
        """
        turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in turns]
        if not turns:
            raise InvalidArgumentError(f"session {session_id!r} has no turns; nothing to summarise")
        session = self.view.narrowed(session_id=session_id)
        stored = self._store_turns(turns, session, actor)
        topics, session_text, usage = self._topics(turns)
        when = session_time or turns[-1].time
        old = session.where("session", session_id, kinds=[Kind.SUMMARY])
        ops = [Operation.delete(r.id, reason="re-summarised") for r in old]
        for name, summary, idx in topics:
            refs = [stored[i].id for i in idx]
            ops.append(Operation.add(
                f"{name}: {summary}", kind=Kind.SUMMARY, event_time=when,
                provenance=Provenance(source=SourceType.POLICY, actor=actor, ref=session_id),
                metadata={"granularity": "topic", "session": session_id, "topic": name,
                          "turns": refs,
                          "links": [{"to": r, "reason": "summarised turn"} for r in refs]},
                reason="topic summary"))
        ops.append(Operation.add(
            session_text, kind=Kind.SUMMARY, event_time=when,
            provenance=Provenance(source=SourceType.POLICY, actor=actor, ref=session_id),
            metadata={"granularity": "session", "session": session_id,
                      "turns": [r.id for r in stored]}, reason="session summary"))
        results = session.apply(ops, actor=actor)
        added = [r.record for r in results if r.op.value == "ADD"]
        return SessionSummary(session_id, stored, added[:-1], added[-1], usage)

    def _store_turns(self, turns: list[Turn], session: ScopedMemory,
                     actor: str) -> list[MemoryRecord]:
        """The records of ``turns``, reusing the ones already stored for this session (by an
        earlier summary, or by the agent's episodic layer) and adding only the others."""
        session_id = session.scope.session_id
        unused = {}
        for r in self.view.where("session", session_id, kinds=[Kind.TURN]):
            unused.setdefault(r.content, []).append(r)
        out: list[MemoryRecord | None] = []
        ops, slots = [], []
        for i, t in enumerate(turns):
            text = turn_content(t)  # the episodic layer's own wording, so its turns are reused
            if unused.get(text):
                out.append(unused[text].pop(0))
                continue
            out.append(None)
            slots.append(i)
            ops.append(Operation.add(
                text, kind=Kind.TURN, event_time=t.time,
                provenance=Provenance(source=SourceType.DIALOGUE, actor=t.speaker,
                                      ref=t.turn_id or f"{session_id}:{i}"),
                metadata={"granularity": "turn", "session": session_id, "index": i},
                reason="session turn"))
        if ops:
            for i, result in zip(slots, session.apply(ops, actor=actor), strict=True):
                out[i] = result.record
        return out

    def _topics(self, turns: list[Turn]) -> tuple[list[tuple[str, str, list[int]]], str, Usage]:
        if self.llm is not None:
            listing = "\n".join(f"[{i}] {t.speaker}: {t.text}" for i, t in enumerate(turns))
            try:
                reply = self.llm.chat(
                    [{"role": "system", "content": _SYSTEM.format(n=self.max_topics)},
                     {"role": "user", "content": listing}],
                    schema=_schema(len(turns), self.max_topics), max_tokens=110 * self.max_topics)
                got = reply.parsed
                topics = []
                for item in got.get("topics", []):
                    idx = sorted({i for i in item.get("turns", [])
                                  if isinstance(i, int) and 0 <= i < len(turns)})
                    name = str(item.get("topic", "")).strip()
                    summary = str(item.get("summary", "")).strip()
                    # A summary must come from the turns it cites: a small model also
                    # writes timestamps and stock phrases that no turn said.
                    if idx and name and _from(summary, [turns[i] for i in idx]):
                        topics.append((name[:40], summary[:240], idx))
                session = str(got.get("session", "")).strip()
                if not _from(session, turns):
                    session = ""
                if topics:
                    return topics, session or "; ".join(n for n, _, _ in topics), reply.usage
            except (LLMError, LLMOutputError):
                pass  # the extractive summary below still stores the session
        return self._extractive(turns) + (Usage(),)

    def _extractive(self, turns: list[Turn]) -> tuple[list[tuple[str, str, list[int]]], str]:
        size = max(2, -(-len(turns) // self.max_topics))
        topics = []
        for start in range(0, len(turns), size):
            idx = list(range(start, min(start + size, len(turns))))
            text = " ".join(turns[i].text for i in idx)
            name = ", ".join(keywords_of(text, 3)) or "conversation"
            summary = " / ".join(f"{turns[i].speaker}: {turns[i].text}" for i in idx)
            topics.append((name[:40], summary[:237] + ("..." if len(summary) > 237 else ""), idx))
        speakers = ", ".join(dict.fromkeys(t.speaker for t in turns))
        session = f"{speakers} talked about " + "; ".join(n for n, _, _ in topics)
        return topics, session[:300]

    def search(self, query: str, k: int = 5, *, levels: Sequence[str] = GRANULARITIES,
               session_id: str | None = None, expand_links: bool = False) -> list[SearchHit]:
        """Search turns and summaries; every hit says its ``granularity``.

        Args:
            levels: the granularities to return (``turn``, ``topic``, ``session``).
            expand_links: follow a topic's links to the turns it came from.
        """
        bad = [x for x in levels if x not in GRANULARITIES]
        if bad or not levels:
            raise InvalidArgumentError(f"levels must be among {GRANULARITIES}, got {list(levels)}")
        kinds = ([Kind.TURN] if "turn" in levels else []) + (
            [Kind.SUMMARY] if {"topic", "session"} & set(levels) else [])
        view = self.view.narrowed(session_id=session_id) if session_id else self.view
        hits = view.search(query, k=min(1000, 3 * k), kinds=kinds, expand_links=expand_links)
        direct = [h for h in hits if h.via is None and h.granularity in levels][:k]
        ids = {h.id for h in direct}
        return direct + [h for h in hits if h.via in ids]
