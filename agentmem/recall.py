"""What an answer policy is shown: search across layers, cut to a token budget.

Memory holds turns (said verbatim), facts derived from them (each naming its turn),
summaries and the rest, all in one index, so one :meth:`Memory.search` ranks them
together. :func:`recall` fills ``max_tokens`` in three passes, chosen on the
training and validation conversations of LoCoMo (``benchmarks/tune_recall.py``,
docs/results.md):

1. the core profile (:mod:`agentmem.profile`), its newest lines within
   ``profile_tokens``, whatever the query;
2. the top ``k`` hits, each with what belongs around it: for a turn, the
   ``neighbours`` turns before and after it in its session (an answer often sits in
   the reply to what was asked); for a summary or note, the records it links to;
3. further hits, best first, while they fit.

A fact does not bring its turn, nor a turn its facts: the fact says what the turn
said (and names it), so the space goes to more distinct hits instead, which found
more of the evidence. With ``dedupe`` a fact whose turns are shown anyway is not
shown beside them: it is given back, its tokens going to the next hit, unless it
dated what they say (a resolved "yesterday"); more evidence fits, but the embedded
answer model answered worse without the facts (off by default). A query that
names a period ("last weekend", "in May 2023") puts the hits whose time falls in it
first. With ``per_person``, a query that names two or more of the people speaking ("How
do Jon and Gina both destress?") is also searched for each of them alone, and the hits
are taken from the searches in turn (the joint one first), since each person's answer
often sits in a turn of their own; it found more evidence on the training and
validation conversations but not on the held-out ones, so it is off by default. The
:class:`~agentmem.Agent` and the evaluation harness both read through here.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import zip_longest
from typing import Any, Callable, Sequence

from agentmem.dates import time_range
from agentmem.episodic import source_turns
from agentmem.errors import InvalidArgumentError, integer_arg
from agentmem.memory import HIDDEN_FLAGS, Memory
from agentmem.operations import SearchHit
from agentmem.profile import profile_of
from agentmem.records import Kind, MemoryRecord, utcnow
from agentmem.text import approx_tokens

__all__ = ["recall", "context_tokens", "DIRECT_HITS", "NEIGHBOURS", "PROFILE_TOKENS", "DEDUPE",
           "PER_PERSON"]

#: Hits that bring their surroundings (the best of LoCoMo 30 with the budget below).
DIRECT_HITS = 3
#: Turns shown on each side of a turn hit.
NEIGHBOURS = 2
#: Most of the budget the core profile may take (its newest lines).
PROFILE_TOKENS = 60
#: Off: a fact is shown beside the turn it came from. On LoCoMo 26 and 30, giving it back
#: once the turn is shown found more evidence (recall +0.011) but the small answer model
#: answered worse (F1 -0.014 [-0.027, -0.001]): the fact says it in the third person,
#: with names and dates (docs/results.md).
DEDUPE = False
#: Off: a query naming several speakers is searched once. Searching it for each speaker
#: alone as well found more evidence on LoCoMo 26 and 30 (231 questions: +0.011
#: [-0.005, +0.031]; the 22 naming both speakers 0.40 -> 0.52) but not on the held-out
#: 41-43 (529 questions: -0.002 [-0.009, +0.005]; the 45 naming both 0.41 -> 0.39), so
#: it is an option, not the default (docs/results.md).
PER_PERSON = False
# Hits searched for, of which those that fit fill the rest of the budget.
_CANDIDATES = 30
# A hit of these kinds stands on its own (see the module's notes).
_UNEXPANDED = {Kind.TURN, Kind.FACT, Kind.PREFERENCE}
# Kinds written from turns, which link to them (``agentmem.episodic.source_turns``).
_DERIVED = {Kind.FACT, Kind.PREFERENCE}


def context_tokens(memories: Sequence[Any], count: Callable[[str], int] = approx_tokens) -> int:
    """The length of memories (hits or records) as the answer prompt shows them, a line each."""
    return sum(count(m.content) + 2 for m in memories)


def recall(memory: Memory, query: str, *, k: int = DIRECT_HITS, max_tokens: int = 500,
           neighbours: int | Sequence[int] = NEIGHBOURS, profile: bool = True,
           profile_tokens: int = PROFILE_TOKENS, retention: Any = None,
           rerank: Callable[[list[SearchHit], int], list[SearchHit]] | None = None,
           now: datetime | None = None,
           count_tokens: Callable[[str], int] = approx_tokens, dedupe: bool = DEDUPE,
           per_person: bool = PER_PERSON, **options: Any) -> list[SearchHit]:
    """What to show for ``query`` within ``max_tokens`` (the best hit is always shown):
    the core profile (with ``profile``), the top ``k`` hits with their neighbours
    (``neighbours`` turns on each side, or ``(before, after)``) and linked records,
    then more hits while they fit; each hit's surroundings next to it, in the order
    they were said. With ``dedupe``, a fact is not shown once the turns it came from
    are (even the best hit, when its turns come with the hits after it). With
    ``per_person``, a query naming several of the hits' speakers is also searched for
    each of them alone (the joint search's hits first in each round).

    With a :class:`~agentmem.retention.Retention`, hits are weighed by how well they are
    retained and what is shown counts as used. ``rerank(hits, k)`` (e.g.
    :meth:`agentmem.rerank.Reranker.rerank`) picks the top ``k``. A query that names a
    period ("last week", "in May 2023", relative to ``now``) puts the hits whose time
    falls in it first. ``options`` go to :meth:`Memory.search` (the scope, ``kinds``,
    ``since``/``until`` to filter by time instead)."""
    if isinstance(neighbours, (tuple, list)):
        if len(neighbours) != 2:
            raise InvalidArgumentError(f"neighbours must be a count or (before, after), got "
                                       f"{neighbours!r}")
        before, after = neighbours
    else:
        before = after = neighbours
    for name, value, low in (("k", k, 1), ("max_tokens", max_tokens, 1),
                             ("neighbours", before, 0), ("neighbours", after, 0),
                             ("profile_tokens", profile_tokens, 0)):
        integer_arg(name, value, low)
    n = max(k, _CANDIDATES)
    hits = memory.search(query, k=n, expand_links=True, **options)
    if per_person:
        hits = _per_person(memory, query, hits, n, options)
    direct = [h for h in hits if h.via is None and h.record.kind != Kind.PROFILE]  # pass 1's
    if retention is not None:
        direct = retention.weigh(direct)
    period = time_range(query, now or utcnow())
    if period is not None:  # what happened in the period asked about comes first
        direct = sorted(direct, key=lambda h: not period[0] <= h.record.effective_time
                        < period[1])
    if rerank is not None:
        best = rerank(direct, k)
        chosen = {h.id for h in best}
        direct = best + [h for h in direct if h.id not in chosen]
    top, rest = direct[:k], direct[k:]
    around: dict[str, tuple[list[SearchHit], list[SearchHit]]] = {
        h.id: ([], [x for x in hits if x.via == h.id]) for h in top
        if h.record.kind not in _UNEXPANDED}
    scope = {f: options[f] for f in ("user_id", "agent_id", "session_id") if f in options}
    if before or after:
        around |= _neighbours(memory, top, before, after, scope)

    budget = _Budget(max_tokens, count_tokens, dedupe)
    core = profile_of(memory.scoped(**scope)) if profile else None
    first: list[SearchHit] = []
    if core is not None and (cut := _cut(core, min(profile_tokens, max_tokens), count_tokens)):
        first = [SearchHit(record=cut, score=1.0)]
        budget.take(first[0])
    for i, hit in enumerate(top):  # the top hits first, then what is around them
        budget.take(hit, always=i == 0)
    for hit in top:
        earlier, later = around.get(hit.id, ([], []))
        for h in (*earlier, *later):
            budget.take(h)
    for hit in rest:
        budget.take(hit)

    out, ids = [h for h in first if budget.shows(h)], {h.id for h in first}
    for hit in direct:  # each hit with its surroundings, in the order they were said
        earlier, later = around.get(hit.id, ([], []))
        for h in (*earlier, hit, *later):
            if budget.shows(h) and h.id not in ids:
                out.append(h)
                ids.add(h.id)
    return _used(out, retention)


class _Budget:
    """Which hits fit in ``max_tokens``, taken in order of importance. With ``dedupe``,
    a fact stands in for the turns it came from only until they are shown themselves:
    it is not taken after them, and is given back (its tokens with it) when they come;
    unless it dates what they tell ("yesterday" said on 8 May: the fact says 7 May)."""

    def __init__(self, max_tokens: int, count: Callable[[str], int], dedupe: bool = False):
        self.left, self.count, self.dedupe = max_tokens, count, dedupe
        self.ids: set[str] = set()
        self.turns: dict[str, Any] = {}  # the turns shown: the day each was said
        self.facts: dict[str, tuple[MemoryRecord, set[str], int]] = {}  # its turns, its cost

    def _said(self, fact: MemoryRecord, turns: set[str]) -> bool:
        """Whether the shown turns say all ``fact`` says: all of them are shown, and the
        fact's time is theirs (a fact that resolved a relative date adds that date)."""
        if not turns <= self.turns.keys():
            return False
        return fact.event_time is None or any(  # an undated turn leaves the fact's date
            self.turns[t] is not None and self.turns[t] == fact.event_time.date()
            for t in turns)

    def take(self, hit: SearchHit, *, always: bool = False) -> None:
        if hit.id in self.ids:
            return
        record = hit.record
        turns = {hit.id} if record.kind == Kind.TURN else set(source_turns(record))
        derived = self.dedupe and record.kind in _DERIVED and bool(turns)
        if derived and self._said(record, turns) and not always:
            return  # its turns say it already
        cost = context_tokens([hit], self.count)
        if cost > self.left and not always:
            return  # a shorter one further down may still fit
        self.left -= cost
        self.ids.add(hit.id)
        if derived:
            self.facts[hit.id] = (record, turns, cost)
        elif record.kind == Kind.TURN and self.dedupe:
            self.turns[hit.id] = record.event_time.date() if record.event_time else None
            for fact, (its, their_turns, back) in list(self.facts.items()):
                if self._said(its, their_turns):
                    self.ids.discard(fact)
                    self.left += back
                    del self.facts[fact]

    def shows(self, hit: SearchHit) -> bool:
        return hit.id in self.ids


def _cut(profile: MemoryRecord, max_tokens: int, count: Callable[[str], int]
         ) -> MemoryRecord | None:
    """The profile with its newest lines that fit in ``max_tokens`` (None: none fit)."""
    lines = profile.content.splitlines()
    while lines and count("\n".join(lines)) + 2 > max_tokens:
        lines.pop(0)
    if not lines:
        return None
    return profile if len(lines) == len(profile.content.splitlines()) else profile.model_copy(
        update={"content": "\n".join(lines)})


def _per_person(memory: Memory, query: str, hits: list[SearchHit], n: int,
                options: dict[str, Any]) -> list[SearchHit]:
    """``hits`` (the best ``n`` for ``query``, with what they link to) as they are,
    unless the query names several of their speakers: then the best ``n`` taken in turn
    from them and from a search per speaker (the others' names, "and" and "both" left
    out), with what those link to."""
    named = _named(query, {h.record.metadata.get("speaker") for h in hits
                           if h.record.kind == Kind.TURN})
    if len(named) < 2:
        return hits
    alone = {k: v for k, v in options.items() if k != "query_embedding"}  # the joint one's
    searches = [hits] + [memory.search(q, k=n, expand_links=True, **alone)
                         for q in (_about_only(query, person, named) for person in named)
                         if re.search(r"\w", q)]
    direct: dict[str, SearchHit] = {}
    for tier in zip_longest(*([h for h in found if h.via is None] for found in searches)):
        for hit in tier:
            if hit is not None:
                direct.setdefault(hit.id, hit)
    chosen = list(direct.values())[:n]
    rank = {h.id: i for i, h in enumerate(chosen)}
    linked: dict[str, SearchHit] = {}  # each under the best-ranked chosen hit it hangs off
    for found in searches:
        for h in found:
            if (h.via in rank and h.id not in rank
                    and (h.id not in linked or rank[h.via] < rank[linked[h.id].via])):
                linked[h.id] = h
    return chosen + list(linked.values())


def _name(name: str) -> str:
    """A pattern for ``name`` as a whole word, with a possessive ("Jon's")."""
    return rf"(?<!\w){re.escape(name)}(?:['\u2019]s?)?(?!\w)"


def _named(query: str, speakers: set[Any]) -> list[str]:
    """The speakers ``query`` names, longest names first so that one inside another
    ("Ann" in "Jo Ann") is not counted twice."""
    found = []
    for speaker in sorted((s for s in speakers if isinstance(s, str) and s.strip()),
                          key=len, reverse=True):
        query, times = re.subn(_name(speaker), " ", query)
        if times:
            found.append(speaker)
    return sorted(found)


def _about_only(query: str, person: str, named: Sequence[str]) -> str:
    """``query`` about ``person`` alone: the other names, with the "and" that joins
    them, and "both" taken out ("How do Jon and Gina both destress?" -> "How do Jon
    destress?")."""
    for other in sorted(named, key=len, reverse=True):
        if other != person:
            name = _name(other)
            query = re.sub(rf"\s*(?:\band|&|,)\s+{name}|{name}\s*(?:\band\b|&|,)\s*|{name}",
                           " ", query)
    return " ".join(re.sub(r"\bboth\b", " ", query, flags=re.IGNORECASE).split())


def _used(shown: list[SearchHit], retention: Any) -> list[SearchHit]:
    if retention is not None:
        retention.strengthen([h.id for h in shown])
    return shown


def _neighbours(memory: Memory, hits: list[SearchHit], before: int, after: int,
                scope: dict[str, Any]) -> dict[str, tuple[list[SearchHit], list[SearchHit]]]:
    """For each turn hit, the ``before`` turns before it and the ``after`` turns after it
    in its session."""
    sessions: dict[str, list] = {}
    out: dict[str, tuple[list[SearchHit], list[SearchHit]]] = {}
    for hit in hits:
        session = hit.record.metadata.get("session")
        if hit.record.kind != Kind.TURN or not isinstance(session, str):
            continue
        if session not in sessions:  # stored order is the order they were said in; what
            # search hides stays hidden here too
            sessions[session] = [r for r in memory.where("session", session,
                                                         kinds=[Kind.TURN], **scope)
                                 if not any(r.metadata.get(f) for f in HIDDEN_FLAGS)]
        turns = sessions[session]
        at = next((i for i, r in enumerate(turns) if r.id == hit.id), None)
        if at is None:
            continue
        out[hit.id] = tuple([SearchHit(record=r, score=hit.score / 2, via=hit.id) for r in part]
                            for part in (turns[max(0, at - before):at],
                                         turns[at + 1:at + 1 + after]))
    return out
