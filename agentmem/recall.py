"""What an answer policy is shown: search across layers, facts with their source turns,
cut to a token budget.

Memory holds turns (said verbatim), facts derived from them (linked to their
turns), summaries and the rest, all in one index, so one :meth:`Memory.search`
ranks them together. :func:`recall` takes its top ``k`` hits, puts each hit's
linked records right after it (a fact brings the turn it came from, so the answer
can use the exact words and date; a turn brings the facts drawn from it, and the
turns just before and after it in its session, since an answer often sits in the
reply to what was asked), drops repeats, and stops when the context would exceed
``max_tokens``. A query that names a period ("last weekend", "in May 2023") puts the
hits whose time falls in it first. The
:class:`~agentmem.Agent` and the evaluation harness both read through here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Sequence

from agentmem.dates import time_range
from agentmem.memory import HIDDEN_FLAGS, Memory
from agentmem.operations import SearchHit
from agentmem.profile import profile_of
from agentmem.records import Kind, utcnow
from agentmem.text import approx_tokens

__all__ = ["recall", "context_tokens"]


def context_tokens(memories: Sequence[Any], count: Callable[[str], int] = approx_tokens) -> int:
    """The length of memories (hits or records) as the answer prompt shows them, a line each."""
    return sum(count(m.content) + 2 for m in memories)


def recall(memory: Memory, query: str, *, k: int = 5, max_tokens: int = 500,
           neighbours: int = 1, profile: bool = True, retention: Any = None,
           now: datetime | None = None,
           count_tokens: Callable[[str], int] = approx_tokens,
           **options: Any) -> list[SearchHit]:
    """The top ``k`` memories for ``query``, each followed by its linked records and (for a
    turn) the ``neighbours`` turns on each side of it in its session, within
    ``max_tokens`` (the first hit is always kept). With ``profile`` the scope's core
    profile (:mod:`agentmem.profile`) comes first, whatever the query. With a
    :class:`~agentmem.retention.Retention`, hits are weighed by how well they are
    retained and what is shown counts as used. A query that names a period ("last
    week", "in May 2023", relative to ``now``) puts the hits whose time falls in it
    first. ``options`` go to :meth:`Memory.search` (the scope, ``kinds``,
    ``since``/``until`` to filter by time instead)."""
    if max_tokens < 1 or neighbours < 0:
        from agentmem.errors import InvalidArgumentError

        raise InvalidArgumentError(f"need max_tokens >= 1 and neighbours >= 0, got "
                                   f"{max_tokens}, {neighbours}")
    hits = memory.search(query, k=k, expand_links=True, **options)
    direct = [h for h in hits if h.via is None]
    if retention is not None:
        direct = retention.weigh(direct)
    period = time_range(query, now or utcnow())
    if period is not None:  # what happened in the period asked about comes first
        direct = sorted(direct, key=lambda h: not period[0] <= h.record.effective_time
                        < period[1])
    linked: dict[str, list[SearchHit]] = {}
    for h in hits:
        if h.via is not None:
            linked.setdefault(h.via, []).append(h)
    scope = {f: options[f] for f in ("user_id", "agent_id", "session_id") if f in options}
    before: dict[str, list[SearchHit]] = {}
    if neighbours:
        for hit, (earlier, later) in _neighbours(memory, direct, neighbours, scope).items():
            before[hit] = earlier
            linked.setdefault(hit, []).extend(later)
    out: list[SearchHit] = []
    seen: set[str] = set()
    used = 0
    if profile:
        core = profile_of(memory.scoped(**scope))
        if core is not None:
            out.append(SearchHit(record=core, score=1.0))
            seen.add(core.id)
            used += context_tokens([core], count_tokens)
    for hit in direct:  # a turn's neighbours around it, in the order they were said
        for h in (*before.get(hit.id, []), hit, *linked.get(hit.id, [])):
            if h.id in seen:
                continue
            cost = context_tokens([h], count_tokens)
            if used + cost > max_tokens and h is not direct[0]:  # the best hit is always shown
                if hit is direct[0]:
                    continue  # its neighbours may not fit; what follows it still might
                return _used(out, retention)
            out.append(h)
            seen.add(h.id)
            used += cost
    return _used(out, retention)


def _used(shown: list[SearchHit], retention: Any) -> list[SearchHit]:
    if retention is not None:
        retention.strengthen([h.id for h in shown])
    return shown


def _neighbours(memory: Memory, hits: list[SearchHit], n: int,
                scope: dict[str, Any]) -> dict[str, tuple[list[SearchHit], list[SearchHit]]]:
    """For each turn hit, the ``n`` turns before it and the ``n`` after it in its session."""
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
                            for part in (turns[max(0, at - n):at], turns[at + 1:at + 1 + n]))
    return out
