"""The Protocols through which the runtime talks to policies.

``agentmem`` defines them and imports no policy; the ``policies`` package
implements them (prompted, or the same class with a LoRA adapter).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol, Sequence, get_args, runtime_checkable

from pydantic import BaseModel, Field

from agentmem.llm.base import Usage
from agentmem.operations import Operation
from agentmem.records import MemoryRecord

__all__ = ["Turn", "ManagerDecision", "Answer", "Action", "MemoryManager", "ManagerMode", "MANAGER_MODES",
           "AnswerPolicy", "ActorPolicy"]


class Turn(BaseModel):
    """One piece of new information: a dialogue turn, a tool output, a document line."""

    speaker: str = "user"
    text: str
    time: datetime | None = None
    turn_id: str | None = Field(default=None, description="e.g. 'D3:7'")


class ManagerDecision(BaseModel):
    """What a memory manager decided, with the operations it proposed but may not make."""

    model_config = {"arbitrary_types_allowed": True}

    ops: list[Operation]
    rejected: list[str] = Field(default_factory=list, description="why proposed ops were dropped")
    usage: Usage = Field(default_factory=Usage)
    raw: str = ""


class Answer(BaseModel):
    """An answer and the memories it rests on."""

    model_config = {"arbitrary_types_allowed": True}

    text: str
    cited_ids: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    raw: str = ""


class Action(BaseModel):
    model_config = {"arbitrary_types_allowed": True}

    action: str
    usage: Usage = Field(default_factory=Usage)
    raw: str = ""


#: The ``mode=`` a default manager factory (the ``agentmem.policies`` entry point
#: ``manager``) accepts: how facts are derived (``agentmem ingest --manager``).
ManagerMode = Literal["auto", "statements", "extractive", "generative"]
MANAGER_MODES: tuple[str, ...] = get_args(ManagerMode)


@runtime_checkable
class MemoryManager(Protocol):
    """Turns new information plus related memories into ADD/UPDATE/DELETE/NOOP operations."""

    def decide(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]) -> ManagerDecision: ...


@runtime_checkable
class AnswerPolicy(Protocol):
    """Selects the memories that matter for a question, then answers briefly."""

    def answer(self, question: str, memories: Sequence[MemoryRecord],
               now: datetime | None = None) -> Answer: ...


@runtime_checkable
class ActorPolicy(Protocol):
    """Picks the next action in an environment.

    ``taken`` is the episode so far: the actions already taken, oldest first (the episode
    loop's working memory; an actor that keeps its own may ignore it). The loop hands it
    only to an ``act`` that has the parameter, so actors written without it still work."""

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence[MemoryRecord] = (), *, taken: Sequence[str] = ()) -> Action: ...
