"""A lesson store (in the spirit of ReasoningBank and A-MemGuard's lesson memory).

After a trajectory ends, :meth:`LessonStore.distil` turns it and its outcome
into a few lessons (title, one-line description, 1-3 sentences of content,
polarity, the task signature it applies to, evidence). Before a new task,
:meth:`LessonStore.retrieve` returns the best lessons for it; after the task,
:meth:`LessonStore.record_outcome` tells the store how things went, and a lesson
that keeps preceding failures is demoted (kept, but no longer retrieved).

Lessons are records of kind ``lesson`` written through :meth:`Memory.apply`; a
near-duplicate of an existing lesson is merged into it (its evidence grows)
instead of being stored twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Sequence

from pydantic import BaseModel, Field

from agentmem.errors import InvalidArgumentError, LLMError, LLMOutputError, MemoryNotFound
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.operations import Operation
from agentmem.records import Kind, MemoryRecord, Provenance, SourceType
from agentmem.structures.base import Structure
from agentmem.structures.notes import keywords_of
from agentmem.text import invented_objects

__all__ = ["LessonStore", "Lesson", "task_signature"]

Polarity = Literal["success", "failure"]

_DISTIL_SYSTEM = (
    "You learn from an agent's attempt at a task. Given the task, the steps taken and the "
    "outcome, write up to {n} short lessons that would help next time: a title, a one-line "
    "description, and 1-3 sentences of advice. {focus} Answer in JSON.")
_FOCUS = {"success": "Say what worked, so it can be repeated.",
          "failure": "Say what went wrong and what to do instead."}


class Lesson(BaseModel):
    """A lesson as stored (``id`` empty before it is stored)."""

    id: str = ""
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=240)
    content: str = Field(max_length=600)
    polarity: Polarity = "success"
    task_signature: str = ""
    evidence: list[str] = Field(default_factory=list)
    retrieved: int = 0
    successes_after_use: int = 0
    failures_after_use: int = 0
    merged: int = 0
    demoted: bool = False

    @classmethod
    def of(cls, record: MemoryRecord) -> "Lesson":
        meta = {k: v for k, v in record.metadata.items() if k in cls.model_fields}
        return cls(id=record.id, content=record.content, **{"title": record.content[:60], **meta})

    def metadata(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"id", "content"})

    def text(self) -> str:
        """How a lesson is shown to a policy."""
        tag = "do" if self.polarity == "success" else "avoid"
        return f"[{tag}] {self.title}: {self.content}"


class _Draft(BaseModel):
    title: str = Field(max_length=80)
    description: str = Field(max_length=160)
    content: str = Field(max_length=300)


def _distil_schema(n: int) -> dict:
    item = {"type": "object", "additionalProperties": False,
            "required": ["title", "description", "content"],
            "properties": {"title": {"type": "string", "maxLength": 80},
                           "description": {"type": "string", "maxLength": 160},
                           "content": {"type": "string", "maxLength": 300}}}
    return {"title": "Lessons", "type": "object", "additionalProperties": False,
            "required": ["lessons"],
            "properties": {"lessons": {"type": "array", "items": item, "minItems": 1,
                                       "maxItems": n}}}


def task_signature(task: str, n: int = 4) -> str:
    """A short, stable key for the kind of task: its first ``n`` keywords, sorted."""
    return " ".join(sorted(keywords_of(re.sub(r"\d+", " ", task), n)))


@dataclass
class _Scored:
    lesson: Lesson
    score: float


class LessonStore(Structure):
    """Lessons for one scope of a :class:`Memory`.

    Args:
        memory: where lessons live (kind ``lesson``).
        llm: writes lessons from trajectories; ``None`` writes one plain lesson per
            trajectory from its last steps (no model needed).
        merge_threshold: cosine similarity above which a new lesson of the same polarity
            is merged into an existing one.
        demote_after: failures after use before a lesson can be demoted.
        demote_rate: share of uses followed by failure at which it is demoted.
    """

    def __init__(self, memory: Memory, llm: Any = None, *, merge_threshold: float = 0.9,
                 demote_after: int = 3, demote_rate: float = 0.6, user_id: str | None = None,
                 agent_id: str | None = None, session_id: str | None = None):
        if not 0 < merge_threshold <= 1 or demote_after < 1 or not 0 < demote_rate <= 1:
            raise InvalidArgumentError(
                "need 0 < merge_threshold <= 1, demote_after >= 1, 0 < demote_rate <= 1; got "
                f"{merge_threshold}, {demote_after}, {demote_rate}")
        super().__init__(memory, llm, user_id=user_id, agent_id=agent_id, session_id=session_id)
        self.merge_threshold, self.demote_after, self.demote_rate = (
            merge_threshold, demote_after, demote_rate)
        self.usage = Usage()

    # -- writing ------------------------------------------------------------------------------
    def distil(self, task: str, trajectory: str | Sequence[Any], *, success: bool | None = None,
               reward: float | None = None, signature: str | None = None,
               ref: str | None = None, max_lessons: int = 2) -> list[Lesson]:
        """Distil lessons from a finished trajectory and store them (merging duplicates).

        Args:
            task: the task's instruction.
            trajectory: the steps (strings, or ``(action, observation)`` pairs), or one text.
            success: the outcome; or give ``reward`` instead (success when ``reward > 0``).
            signature: the kind of task the lessons apply to (default: :func:`task_signature`).
            ref: a reference to the trajectory (a file, an episode id), kept as evidence.
        """
        if success is None and reward is None:
            raise InvalidArgumentError("give the outcome: success=True/False or reward=...")
        if not isinstance(task, str) or not task.strip():
            raise InvalidArgumentError("task is empty; pass the task's instruction")
        if max_lessons < 1:
            raise InvalidArgumentError(f"max_lessons must be >= 1, got {max_lessons}")
        ok = bool(success) if success is not None else float(reward) > 0
        polarity: Polarity = "success" if ok else "failure"
        steps = _steps(trajectory)
        signature = signature or task_signature(task)
        evidence = ref or f"trajectory of {len(steps)} steps, {polarity}"
        drafts = self._drafts(task, steps, polarity, max_lessons)
        return [self.add(d.title, d.content, description=d.description, polarity=polarity,
                         task_signature=signature, evidence=evidence) for d in drafts]

    def _drafts(self, task: str, steps: list[str], polarity: Polarity, n: int) -> list[_Draft]:
        tail = steps[-8:]
        if self.llm is not None:
            listing = "\n".join(f"{i + 1}. {s}" for i, s in enumerate(tail))
            try:
                reply = self.llm.chat(
                    [{"role": "system", "content": _DISTIL_SYSTEM.format(n=n,
                                                                         focus=_FOCUS[polarity])},
                     {"role": "user", "content": f"Task: {task}\nSteps:\n{listing}\n"
                                                 f"Outcome: {polarity}"}],
                    schema=_distil_schema(n), max_tokens=96 * n)
                self.usage = self.usage + reply.usage
                shown = f"{task} {' '.join(tail)}"
                # A lesson may generalise, but not name objects the steps never did
                # ("oven 2" when the apple was heated in microwave 1).
                drafts = [_Draft.model_validate(d) for d in reply.parsed["lessons"]
                          if str(d.get("content", "")).strip() and str(d.get("title")).strip()
                          and not invented_objects(f"{d.get('title')} {d.get('content')} "
                                                   f"{d.get('description', '')}", shown)]
                if drafts:
                    return drafts[:n]
            except (LLMError, LLMOutputError, ValueError, KeyError):
                self.usage = self.usage + Usage(calls=1)  # the plain lesson below stands in
        steps_text = "; ".join(tail[-4:]) or "no steps"
        if polarity == "success":
            content = f"This worked for '{task[:80]}': {steps_text}."
            title = f"What worked: {task[:60]}"
        else:
            content = f"This failed for '{task[:80]}': {steps_text}. Try a different approach."
            title = f"What failed: {task[:60]}"
        return [_Draft(title=title[:80], description=f"{polarity} on a similar task"[:160],
                       content=content[:300])]

    def exemplar(self, task: str, actions: Sequence[str], *, signature: str | None = None,
                 ref: str | None = None) -> Lesson:
        """Store the actions of a successful attempt as a lesson to follow on a similar task
        (Agent Workflow Memory's workflows, kept concrete: in a persistent home or with a
        recurring user the same places and options recur). No model is called."""
        if not isinstance(task, str) or not task.strip():
            raise InvalidArgumentError("task is empty; pass the task's instruction")
        steps = [str(a).strip() for a in actions if str(a).strip()]
        if not steps:
            raise InvalidArgumentError("an exemplar needs at least one action")
        return self.add(f"Steps that worked: {task[:60]}", f"Solved '{task[:120]}' by: "
                        + "; ".join(steps), description="a successful attempt to follow",
                        polarity="success", task_signature=signature or task_signature(task),
                        evidence=ref or f"{len(steps)} steps, success")

    def add(self, title: str, content: str, *, description: str = "",
            polarity: Polarity = "success", task_signature: str = "",
            evidence: str | None = None, actor: str = "lessons") -> Lesson:
        """Store a lesson, or merge it into a near-duplicate of the same polarity."""
        if polarity not in ("success", "failure"):
            raise InvalidArgumentError(f"polarity must be 'success' or 'failure', got {polarity!r}")
        lesson = Lesson(title=title.strip()[:120], description=description.strip()[:240],
                        content=content.strip()[:600], polarity=polarity,
                        task_signature=task_signature, evidence=[evidence] if evidence else [])
        twin = self._twin(lesson)
        if twin is not None:
            merged = twin.model_copy(update={
                "evidence": (twin.evidence + lesson.evidence)[-20:], "merged": twin.merged + 1,
                "demoted": False if polarity == "success" else twin.demoted})
            rec = self.view.apply([Operation.update(twin.id, metadata=merged.metadata(),
                                                    reason="merged a near-duplicate lesson")],
                                  actor=actor)[0].record
            return Lesson.of(rec)
        rec = self.view.apply([Operation.add(
            lesson.content, kind=Kind.LESSON, metadata=lesson.metadata(),
            provenance=Provenance(source=SourceType.POLICY, actor=actor,
                                  ref=evidence), reason=f"{polarity} lesson")],
            actor=actor)[0].record
        return Lesson.of(rec)

    def _twin(self, lesson: Lesson) -> Lesson | None:
        hits = self.view.search(lesson.content, k=3, kinds=[Kind.LESSON], mode="vector")
        for h in hits:
            other = Lesson.of(h.record)
            if (h.distance is not None and 1 - h.distance >= self.merge_threshold
                    and other.polarity == lesson.polarity):
                return other
        return None

    # -- reading ------------------------------------------------------------------------------
    def lessons(self, *, include_demoted: bool = True) -> list[Lesson]:
        """Every lesson of this scope, oldest first."""
        out = [Lesson.of(r) for r in self.view.records(kinds=[Kind.LESSON])]
        return [x for x in out if include_demoted or not x.demoted]

    def retrieve(self, task: str, k: int = 3, *, signature: str | None = None,
                 record: bool = True, include_demoted: bool = False) -> list[Lesson]:
        """The top ``k`` lessons for ``task``, best first.

        Ranked by retrieval score, raised for lessons of the same task signature and for
        lessons whose past uses were followed by success; demoted lessons are left out.
        With ``record`` each returned lesson's ``retrieved`` count goes up by one.
        """
        if k < 1:
            raise InvalidArgumentError(f"k must be >= 1, got {k}")
        signature = signature or task_signature(task)
        hits = self.view.search(task, k=max(3 * k, 10), kinds=[Kind.LESSON])
        scored = []
        for h in hits:
            lesson = Lesson.of(h.record)
            if lesson.demoted and not include_demoted:
                continue
            uses = lesson.successes_after_use + lesson.failures_after_use
            rate = (lesson.successes_after_use + 1) / (uses + 2)  # Laplace-smoothed
            same = 1.5 if signature and lesson.task_signature == signature else 1.0
            scored.append(_Scored(lesson, h.score * same * (0.5 + rate)))
        top = [s.lesson for s in sorted(scored, key=lambda s: -s.score)[:k]]
        if record and top:
            ops = [Operation.update(x.id, metadata={**x.metadata(), "retrieved": x.retrieved + 1},
                                    reason="retrieved") for x in top]
            self.view.apply(ops, actor="lessons")
            top = [x.model_copy(update={"retrieved": x.retrieved + 1}) for x in top]
        return top

    def record_outcome(self, lesson_ids: Sequence[str], success: bool) -> list[Lesson]:
        """Count the outcome of a task the lessons were used for; demote failing ones."""
        ops, out = [], []
        for lid in dict.fromkeys(lesson_ids):
            try:
                rec = self.memory.get(lid)
            except MemoryNotFound:
                raise MemoryNotFound(f"no lesson {lid!r}; pass ids from retrieve()") from None
            if rec.kind != Kind.LESSON or not self.view.owns(rec):
                raise InvalidArgumentError(f"{lid} is not a lesson of this scope ({self.scope})")
            x = Lesson.of(rec)
            field = "successes_after_use" if success else "failures_after_use"
            x = x.model_copy(update={field: getattr(x, field) + 1})
            uses = x.successes_after_use + x.failures_after_use
            demote = (x.failures_after_use >= self.demote_after
                      and x.failures_after_use / uses >= self.demote_rate)
            reason = "outcome after use: " + ("success" if success else "failure")
            if demote and not x.demoted:
                reason += f"; demoted ({x.failures_after_use}/{uses} uses failed)"
            x = x.model_copy(update={"demoted": demote})
            ops.append(Operation.update(lid, metadata=x.metadata(), trust=0.2 if demote else None,
                                        reason=reason))
            out.append(x)
        if ops:
            self.view.apply(ops, actor="lessons")
        return out

    @staticmethod
    def format(lessons: Sequence[Lesson]) -> str:
        """Lessons as prompt lines (``(none)`` when empty)."""
        return "\n".join(x.text() for x in lessons) or "(none)"


def _steps(trajectory: str | Sequence[Any]) -> list[str]:
    if isinstance(trajectory, str):
        return [s.strip() for s in trajectory.splitlines() if s.strip()]
    out = []
    for step in trajectory:
        if isinstance(step, (tuple, list)) and len(step) == 2:
            out.append(f"{step[0]} -> {str(step[1])[:120]}")
        elif isinstance(step, dict):
            out.append(" -> ".join(str(step[k])[:120] for k in ("action", "observation")
                                   if k in step) or str(step)[:160])
        else:
            out.append(str(step)[:160])
    return out
