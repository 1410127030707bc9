"""The core profile: a short, always-shown summary of the stable facts about a person.

Search finds what a question mentions; a profile holds what every answer may need
(who the user is, where they live, what they do, who their family and pets are)
whatever the question's words. One record of kind ``profile`` per scope, at most
``budget`` tokens, kept up to date from the facts the manager writes:

* a fact enters when it states a stable attribute (home, job, family, pets, what one
  trains for, likes...), recognised by its words, no model needed;
* a newer fact about the same person and attribute replaces the older line ("Ana
  moved to Porto" replaces "Ana lives in Lisbon"), so the profile says what is true now;
* over budget, the oldest lines go first.

Every change is an ADD or UPDATE of the profile record through :meth:`Memory.apply`
(actor ``profile``), so its history shows each version and ``restore`` brings one
back. :func:`agentmem.recall.recall` shows the profile first in every context.

The agent (or the user) may also edit the profile directly, like Letta's core memory
blocks: :func:`pin_line` adds a line and :func:`replace_line` rewrites or removes one
(:func:`agentmem.tools.core_memory_tools` offers both as tools). A line written this
way is *pinned*: newer facts do not replace it and the budget never drops it; a
pinned line that would not fit is refused instead.
"""

from __future__ import annotations

from typing import Sequence

from agentmem.errors import InvalidContentError
from agentmem.operations import Operation
from agentmem.records import Kind, MemoryRecord
from agentmem.text import approx_tokens, words
from agentmem.view import ScopedMemory

__all__ = ["PROFILE_BUDGET", "SUPERSEDING", "profile_of", "update_profile", "attribute_of",
           "pin_line", "replace_line"]

#: Tokens the profile may take in a context by default.
PROFILE_BUDGET = 120
# Ids of the facts already folded in, kept so that a fact is never folded in twice.
_FOLDED_KEPT = 1000
# The source of a line written directly (not derived from a fact).
PINNED = "pinned"

#: Attributes a person has one of at a time: a newer statement replaces the older one.
SUPERSEDING = ("home", "job", "training")

# A stable attribute and the words that state it (first match wins).
_ATTRIBUTES: list[tuple[str, tuple[str, ...]]] = [
    ("home", ("lives", "live", "living", "moved", "moving", "relocated", "resides")),
    # Not "work" alone: "make it work" says nothing about a job ("works" needs as/at/for).
    ("job", ("job", "employed", "career", "nurse", "teacher", "engineer", "counselor",
             "doctor", "student", "studies")),
    ("partner", ("married", "wife", "husband", "partner", "girlfriend", "boyfriend")),
    ("children", ("kids", "children", "son", "daughter")),
    ("pet", ("dog", "cat", "pet", "puppy", "beagle", "kitten")),
    ("training", ("training", "marathon", "race")),
    ("likes", ("likes", "loves", "enjoys", "favorite", "favourite", "hobby")),
]


def attribute_of(fact: str) -> tuple[str, str] | None:
    """(person, attribute) a fact states, or None when it states no stable attribute.
    The person is the fact's first word (facts name the person first)."""
    said = words(fact)
    if len(said) < 3:
        return None
    for attribute, markers in _ATTRIBUTES:
        if any(w in markers for w in said[1:]):
            return said[0], attribute
        if attribute == "job" and any(w == "works" and nxt in ("as", "at", "for")
                                      for w, nxt in zip(said[1:], said[2:], strict=False)):
            return said[0], attribute
    return None


def profile_of(view: ScopedMemory) -> MemoryRecord | None:
    """The scope's profile record, if it has one yet."""
    # A user's view also matches (user, agent) records: only this very scope's profile counts.
    return next((r for r in view.records(kinds=[Kind.PROFILE]) if r.scope == view.scope), None)


def update_profile(view: ScopedMemory, facts: Sequence[MemoryRecord], *,
                   removed: Sequence[str] = (),
                   budget: int = PROFILE_BUDGET) -> MemoryRecord | None:
    """Fold ``facts`` (new or updated) into the scope's profile and drop the lines of the
    facts in ``removed`` (deleted or archived); return the profile (None: nothing to keep
    yet). Each line remembers the fact it came from, so an updated fact rewrites its
    line and a deleted one takes its line along."""
    current = profile_of(view)
    lines = _lines_of(current)
    folded = list(current.metadata.get("folded", [])) if current else []
    seen = set(folded)
    gone = set(removed)
    kept = [line for line in lines if line[2] not in gone]
    changed = len(kept) != len(lines)
    lines = kept
    for fact in facts:
        key = attribute_of(fact.content)
        mine = next((i for i, line in enumerate(lines) if line[2] == fact.id), None)
        if mine is not None:  # an update of a fact already shown: its line follows it
            if key is None:
                del lines[mine]
                changed = True
            elif lines[mine][1] != fact.content:
                lines[mine] = (key, fact.content, fact.id)
                changed = True
            continue
        if fact.id in seen or key is None or any(text == fact.content for _, text, _ in lines):
            continue
        folded.append(fact.id)  # a fact is folded in once, even if it later falls out
        seen.add(fact.id)
        # One line per person and attribute for home and job: the newer statement wins.
        if key[1] in SUPERSEDING:
            lines = [line for line in lines if line[0] != key]
        lines.append((key, fact.content, fact.id))
        changed = True
    if not changed:
        return current
    while approx_tokens("\n".join(t for _, t, _ in lines)) > budget:
        derived = [i for i, line in enumerate(lines) if line[2] != PINNED]
        if len(derived) <= (1 if len(derived) == len(lines) else 0):
            break
        lines.pop(derived[0])  # the oldest derived line goes first; pinned ones stay
    return _write(view, current, lines, folded, "profile from new facts")


def pin_line(view: ScopedMemory, text: str, *, budget: int = PROFILE_BUDGET,
             actor: str = "tool") -> MemoryRecord:
    """Add a line to the scope's profile that newer facts never replace (Letta's
    ``core_memory_append``). Older derived lines make room for it; a line that cannot
    fit even then is refused."""
    text = " ".join(str(text).split())
    if not text:
        raise InvalidContentError("a profile line needs some text")
    current = profile_of(view)
    lines = _lines_of(current)
    if any(t == text for _, t, _ in lines):
        return current  # already there
    lines.append(((PINNED, str(len(lines))), text, PINNED))
    while approx_tokens("\n".join(t for _, t, _ in lines)) > budget:
        derived = [i for i, line in enumerate(lines) if line[2] != PINNED]
        if not derived:
            raise InvalidContentError(
                f"the profile is full ({budget} tokens of pinned lines); replace or remove a "
                "line first (core_memory_replace)")
        lines.pop(derived[0])
    folded = list(current.metadata.get("folded", [])) if current else []
    return _write(view, current, lines, folded, "line pinned", actor=actor)


def replace_line(view: ScopedMemory, old: str, new: str, *, budget: int = PROFILE_BUDGET,
                 actor: str = "tool") -> MemoryRecord | None:
    """Rewrite the profile line that reads ``old`` as ``new`` (pinned from then on), or
    remove it when ``new`` is empty (Letta's ``core_memory_replace``)."""
    current = profile_of(view)
    lines = _lines_of(current)
    old = " ".join(str(old).split()).removeprefix("- ")
    at = next((i for i, (_, t, _) in enumerate(lines) if t == old), None)
    if at is None:
        shown = "; ".join(t for _, t, _ in lines) or "(empty)"
        raise InvalidContentError(f"the profile has no line reading {old!r}; its lines: {shown}")
    new = " ".join(str(new).split())
    if new:
        lines[at] = ((PINNED, str(at)), new, PINNED)
        if approx_tokens("\n".join(t for _, t, _ in lines)) > budget:
            raise InvalidContentError(f"the new line would take the profile over {budget} "
                                      "tokens; shorten it or remove another line")
    else:
        del lines[at]
    folded = list(current.metadata.get("folded", [])) if current else []
    return _write(view, current, lines, folded, "line replaced" if new else "line removed",
                  actor=actor)


def _write(view: ScopedMemory, current: MemoryRecord | None, lines: list, folded: list[str],
           reason: str, actor: str = "profile") -> MemoryRecord | None:
    content = "\n".join(f"- {t}" for _, t, _ in lines)
    meta = {"folded": folded[-_FOLDED_KEPT:], "sources": [source for _, _, source in lines]}
    if current is None:
        if not lines:
            return None
        op = Operation.add(content, kind=Kind.PROFILE, metadata=meta, reason=reason)
    elif not lines:  # every line's fact is gone: so is the profile (restorable)
        op = Operation.delete(current.id, reason="profile lines removed")
    else:
        op = Operation.update(current.id, content, metadata=meta, reason=reason)
    return view.apply([op], actor=actor)[0].record


def _lines_of(profile: MemoryRecord | None) -> list[tuple[tuple[str, str], str, str | None]]:
    """(person and attribute, text, source fact id) per line of a profile."""
    if profile is None:
        return []
    texts = [line.removeprefix("- ").strip() for line in profile.content.splitlines()]
    sources = profile.metadata.get("sources")
    if not isinstance(sources, list) or len(sources) != len(texts):
        sources = [None] * len(texts)  # written before lines named their facts
    return [((PINNED, str(i)) if source == PINNED else key, text, source)
            for i, (text, source) in enumerate(zip(texts, sources, strict=True))
            if source == PINNED or (key := attribute_of(text)) is not None]
