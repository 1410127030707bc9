"""The extractive memory manager: the model chooses, the code writes.

A 135M model asked to write facts mostly restates old memories or invents details
(the grounding check rejected nearly all of them). Choosing is easier than writing:
here the new turns are split into numbered sentences, and the model only picks the
numbers of those worth keeping, under a JSON schema that admits nothing else (asked
to choose an operation as well, it answered NOOP for every sentence). The code then
turns a chosen sentence into a standalone fact, deterministically:

* first person becomes the speaker ("I'm a nurse" -> "Ana is a nurse", "my" -> "Ana's"),
  second person the other speaker when one is known, and a fact that does not start
  with the speaker's name gets "Ana says: " in front, so every fact names its person first;
* relative dates are resolved against when it was said ("yesterday" -> "on 7 May 2023",
  see :mod:`agentmem.dates`), and the resolved date is the fact's ``event_time``;
* a fact that states the same person's home, job or current training as a shown fact
  (:func:`agentmem.profile.attribute_of`) UPDATEs it; any other fact is ADDed.

Every fact is a rewrite of the speaker's own sentence, so it is grounded by
construction. Questions are not offered (they ask, they do not tell).

Without a model (``ExtractiveManager(None)``, ``memory_manager(mode="statements")``) it
keeps every statement, up to ``max_keep`` per turn, and makes no LLM call. On LoCoMo
the model's choice did not beat that (docs/results.md): a question's evidence is
found through the facts a turn gave (their words index it, a fact hit brings the
turn), and a choosier manager, trained or prompted, leaves more turns without one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Sequence

from agentmem.dates import rewrite_dates
from agentmem.llm import LLM, Usage
from agentmem.operations import Operation, OpType
from agentmem.profile import SUPERSEDING, attribute_of
from agentmem.protocols import ManagerDecision, Turn
from agentmem.records import MemoryRecord, Provenance, SourceType
from policies.base import PromptedPolicy
from policies.manager import as_records, format_memories

__all__ = ["ExtractiveManager", "sentences", "standalone", "extractive_schema"]

log = logging.getLogger("policies.extractive")

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# (pattern, replacement with {s} = speaker); verb forms first so "I am" reads "Ana is".
_FIRST_PERSON = [
    (r"\b[Ii]'m\b|\b[Ii] am\b", "{s} is"), (r"\b[Ii]'ve\b|\b[Ii] have\b", "{s} has"),
    (r"\b[Ii]'ll\b", "{s} will"), (r"\b[Ii]'d\b", "{s} would"), (r"\b[Ii] was\b", "{s} was"),
    (r"\b[Ii]\b(?!-)", "{s}"), (r"\b[Mm]yself\b", "{s}"), (r"\b[Mm]y\b", "{s}'s"),
    (r"\b[Mm]ine\b", "{s}'s"), (r"\b[Mm]e\b", "{s}"),
]
_SECOND_PERSON = [
    (r"\b[Yy]ou're\b|\b[Yy]ou are\b", "{s} is"), (r"\b[Yy]ou've\b|\b[Yy]ou have\b", "{s} has"),
    (r"\b[Yy]ourself\b", "{s}"), (r"\b[Yy]our\b", "{s}'s"), (r"\b[Yy]ou\b", "{s}"),
]
_MIN_WORDS = 3
# Greetings and reactions: they tell nothing about anyone, and a small model likes them.
_SMALL_TALK = re.compile(
    r"^(hey|hi|hello|bye|good to see|nice to (see|meet|hear)|great to (see|hear)|thanks|thank "
    r"you|sorry|wow|congrats|congratulations|that's (so )?(cool|great|awesome|amazing|nice|good)"
    r"|sounds (great|good|awesome|cool|fun)|take care|see you)\b", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The statements of a turn worth offering: its sentences, without questions,
    greetings and reactions, or fragments of fewer than three words."""
    out = []
    for part in _SENTENCE.split(text.strip()):
        part = part.strip()
        if (len(part.split()) >= _MIN_WORDS and not part.endswith("?")
                and not _SMALL_TALK.match(part)):
            out.append(part)
    return out


def _swap(text: str, rules: list[tuple[str, str]], name: str) -> str:
    for pattern, repl in rules:
        text = re.sub(pattern, repl.format(s=name).replace("\\", "\\\\"), text)
    return text


def standalone(sentence: str, turn: Turn, listener: str | None) -> tuple[str, object]:
    """``sentence`` of ``turn`` as a fact that stands on its own, and its event time."""
    text = _swap(sentence.replace("\u2019", "'"), _FIRST_PERSON, turn.speaker)
    if listener:
        text = _swap(text, _SECOND_PERSON, listener)
    text, when = rewrite_dates(text, turn.time)
    text = text[0].upper() + text[1:]
    if not re.match(rf"{re.escape(turn.speaker)}\b", text, re.IGNORECASE):
        # A fact names its person first (the profile and the supersession rules read it).
        text = f"{turn.speaker} says: {text}"
    return text, when or turn.time


def _conversation(turn: Turn) -> str | None:
    return turn.turn_id.rsplit(":", 1)[0] if turn.turn_id and ":" in turn.turn_id else None


def extractive_schema(spans: int, max_keep: int) -> dict:
    """The reply: the numbers of the sentences to keep (possibly none)."""
    return {"title": "KeptSentences", "type": "object", "additionalProperties": False,
            "required": ["keep"],
            "properties": {"keep": {"type": "array", "items": {"enum": list(range(spans))},
                                    "maxItems": max_keep}}}



class ExtractiveManager(PromptedPolicy):
    """A :class:`~agentmem.protocols.MemoryManager` for small models (see the module doc).

    Args:
        llm: an LLM or a spec string; ``None`` keeps every statement (up to
            ``max_keep`` per turn) with no LLM call.
        adapter: a LoRA adapter directory (local models only).
        max_keep: the most sentences kept per call (per turn without a model).
    """

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "manager_extractive", version: int | None = None,
                 max_tokens: int = 96, max_keep: int = 3):
        super().__init__(llm, adapter=adapter, template=template, version=version,
                         max_tokens=max_tokens)
        self.max_keep = max_keep
        self._speakers: list[tuple[str | None, str]] = []  # (conversation, speaker), recent

    def _listener(self, turn: Turn) -> str | None:
        """Who "you" is: the last other speaker of the same conversation (turn ids share
        their prefix before ':'), never someone from another user's conversation."""
        talk = _conversation(turn)
        return next((s for c, s in reversed(self._speakers) if c == talk and s != turn.speaker),
                    None)

    def candidates(self, turns: Sequence[Turn]) -> list[tuple[Turn, str]]:
        """The numbered choices: (turn, sentence) for every statement of ``turns``."""
        return [(t, s) for t in turns for s in sentences(t.text)]

    def messages(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> list[dict]:
        listing = "\n".join(f"[{i}] {t.speaker}: {s}"
                            for i, (t, s) in enumerate(self.candidates(turns))) or "(none)"
        return self.template.render(memories=format_memories(related), sentences=listing)

    def decide(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> ManagerDecision:
        related = as_records(related)
        choices = self.candidates(turns)
        self._speakers = (self._speakers + [(_conversation(t), t.speaker) for t in turns])[-64:]
        if not choices:
            return ManagerDecision(ops=[Operation(op=OpType.NOOP, reason="no statement")])
        keep, usage, raw = self.choose(turns, related, choices)
        ops, rejected = self.to_operations(keep, choices, related)
        for why in rejected:
            log.info("extractive op dropped: %s", why)
        return ManagerDecision(ops=ops, rejected=rejected, usage=usage, raw=raw)

    def choose(self, turns: Sequence[Turn], related: Sequence[MemoryRecord],
               choices: list[tuple[Turn, str]]) -> tuple[list[int], Usage, str]:
        """The numbers of ``choices`` to keep, what choosing cost, and the model's reply:
        the model's choice under the schema, or with no model each turn's first
        ``max_keep`` statements."""
        if self.llm is None:
            keep, per_turn = [], Counter()
            for n, (turn, _) in enumerate(choices):
                per_turn[id(turn)] += 1
                if per_turn[id(turn)] <= self.max_keep:
                    keep.append(n)
            return keep, Usage(), ""
        reply = self.llm.chat(self.messages(turns, related),
                              schema=extractive_schema(len(choices), self.max_keep),
                              max_tokens=self.max_tokens)
        keep = reply.parsed.get("keep") if isinstance(reply.parsed, dict) else None
        return (keep if isinstance(keep, list) else []), reply.usage, reply.text

    def to_operations(self, keep: list[int], choices: list[tuple[Turn, str]],
                      related: Sequence[MemoryRecord]) -> tuple[list[Operation], list[str]]:
        """The chosen sentences as operations (numbers were constrained to those shown)."""
        ops: list[Operation] = []
        rejected: list[str] = []
        written: set[str] = set()
        updated: set[str] = set()
        stored = {r.content.lower() for r in related}
        for n in keep:
            if not isinstance(n, int) or not 0 <= n < len(choices):
                rejected.append(f"sentence {n!r} was not offered")
                continue
            turn, sentence = choices[n]
            fact, when = standalone(sentence, turn, self._listener(turn))
            if fact.lower() in written or fact.lower() in stored:
                rejected.append(f"sentence {n} is already stored or chosen twice")
                continue
            written.add(fact.lower())
            old = self._superseded(fact, related, updated)
            # The fact now says what this turn said: its provenance names this turn.
            prov = Provenance(source=SourceType.DIALOGUE, ref=turn.turn_id, actor="manager")
            if old is not None:
                updated.add(old.id)
                ops.append(Operation(op=OpType.UPDATE, id=old.id, content=fact, event_time=when,
                                     provenance=prov,
                                     reason=f"updated by {turn.turn_id or 'a turn'}"))
            else:
                ops.append(Operation(op=OpType.ADD, content=fact, event_time=when, provenance=prov,
                                     reason="kept from " + (turn.turn_id or "a turn")))
        return ops or [Operation(op=OpType.NOOP, reason="nothing kept")], rejected

    @staticmethod
    def _superseded(fact: str, related: Sequence[MemoryRecord], taken: set[str]
                    ) -> MemoryRecord | None:
        """The shown fact this one replaces: same person, same one-at-a-time attribute."""
        key = attribute_of(fact)
        if key is None or key[1] not in SUPERSEDING:
            return None
        return next((r for r in related if r.id not in taken and attribute_of(r.content) == key),
                    None)
