"""Index expansion: a turn is also found by the words of the facts drawn from it.

A question rarely repeats the words of the turn that answers it. The fact the
manager draws from a turn says the same thing in other words: the speaker's name
instead of "I", the other speaker's instead of "you", "7 May 2023" instead of "last
Sunday". Those words are added to the turn's ``metadata["index_terms"]``, which
keyword search matches along with the content (:attr:`MemoryRecord.index_text`), so a
question phrased like the fact finds the verbatim turn (LongMemEval's key expansion).
The turn's content and vector stay exactly as said.

Each expansion is an UPDATE of the turn's metadata through :meth:`Memory.apply`
(actor ``expansion``), visible in its history; no model is called.
"""

from __future__ import annotations

from typing import Sequence

from agentmem.episodic import source_turns
from agentmem.errors import MemoryNotFound
from agentmem.operations import Operation, OpResult
from agentmem.records import INDEX_TERMS, Kind, MemoryRecord
from agentmem.text import content_words, words
from agentmem.view import ScopedMemory

__all__ = ["MAX_TERMS", "expansion_terms", "expand_turns"]

#: Most extra words a turn is indexed by (the oldest go first beyond it): enough for
#: several facts, too few to let one turn match everything.
MAX_TERMS = 40


def expansion_terms(turn: MemoryRecord, fact: MemoryRecord,
                    known: Sequence[str] = ()) -> list[str]:
    """The words ``fact`` adds to ``turn``: its content words the turn does not have,
    and the day, month and year the fact happened when that is not the turn's day.
    ``known``: terms the turn is already indexed by (default: its stored ones)."""
    indexed = known or turn.metadata.get(INDEX_TERMS, [])
    said = set(words(turn.content)) | {str(t).lower() for t in indexed}
    extra = [w for w in content_words(fact.content) if len(w) > 1]
    when = fact.event_time
    if when is not None and (turn.event_time is None or when.date() != turn.event_time.date()):
        extra += [str(when.day), when.strftime("%B").lower(), str(when.year)]
    out: list[str] = []
    for w in extra:
        if w not in said and w not in out:
            out.append(w)
    return out


def expand_turns(view: ScopedMemory, facts: Sequence[MemoryRecord]) -> list[OpResult]:
    """Index each source turn of ``facts`` (their ``"source turn"`` links) by the
    words the facts add to it; one batch, turns with nothing new are left alone."""
    sources: dict[str, list[MemoryRecord]] = {}
    turns: dict[str, MemoryRecord] = {}
    for fact in facts:
        linked = []
        for to in source_turns(fact):
            if to not in turns:
                try:
                    turns[to] = view.get(to)
                except MemoryNotFound:  # deleted since, or another scope's: not expanded
                    continue
            if turns[to].kind == Kind.TURN:
                linked.append(turns[to])
        # An updated fact links to every turn it came from; its words are those of the
        # turn its provenance names (the newest), not of the older ones.
        named = [t for t in linked if fact.provenance.ref
                 and t.metadata.get("turn_id") == fact.provenance.ref]
        for turn in named or linked:
            sources.setdefault(turn.id, []).append(fact)
    ops = []
    for turn_id, drawn in sources.items():
        turn = turns[turn_id]
        terms = list(turn.metadata.get(INDEX_TERMS, []))
        for fact in drawn:
            terms += expansion_terms(turn, fact, terms)
        if len(terms) == len(turn.metadata.get(INDEX_TERMS, [])):
            continue
        ops.append(Operation.update(turn.id, metadata={**turn.metadata,
                                                       INDEX_TERMS: terms[-MAX_TERMS:]},
                                    reason="index expansion"))
    return view.apply(ops, actor="expansion") if ops else []
