"""The actor policy: pick the next action in a text environment.

The reply is constrained to the admissible actions (an enum in the JSON schema),
so a local model under constrained decoding can only choose a legal action; a
remote model's choice is checked against the list and, if it is not there, the
closest admissible action is taken and the mismatch reported in ``raw``.
"""

from __future__ import annotations

import difflib
from typing import Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.llm import LLM
from agentmem.protocols import Action
from agentmem.records import MemoryRecord
from policies.base import PromptedPolicy
from policies.manager import as_records

__all__ = ["PromptedActor", "action_schema"]


def action_schema(admissible: Sequence[str]) -> dict:
    """The JSON schema of a reply that names one of ``admissible`` (duplicates dropped)."""
    return {"title": "Action", "type": "object", "additionalProperties": False,
            "required": ["action"],
            "properties": {"action": {"enum": list(dict.fromkeys(admissible))}}}


class PromptedActor(PromptedPolicy):
    """A prompt template + an LLM + a parser. Pass ``adapter=`` for the trained variant."""

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "actor", version: int | None = None, max_tokens: int = 48):
        super().__init__(llm, adapter=adapter, template=template, version=version,
                         max_tokens=max_tokens)

    def messages(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
                 lessons: Sequence[MemoryRecord] = ()) -> list[dict]:
        lesson_lines = "\n".join(f"- {r.content}" for r in as_records(lessons)) or "(none)"
        return self.template.render(task=task_prompt + "\n" if task_prompt else "",
                                    lessons=lesson_lines, observation=observation,
                                    actions="\n".join(f"- {a}" for a in admissible))

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence[MemoryRecord] = ()) -> Action:
        actions = list(dict.fromkeys(a for a in admissible if a.strip()))
        if not actions:
            raise InvalidArgumentError("no admissible actions were given; the actor needs at "
                                       "least one to choose from")
        reply = self.llm.chat(self.messages(observation, actions, task_prompt, lessons),
                              schema=action_schema(actions), max_tokens=self.max_tokens)
        chosen = str(reply.parsed.get("action", ""))
        raw = reply.text
        if chosen not in actions:  # only a backend without constrained decoding gets here
            chosen = (difflib.get_close_matches(chosen, actions, n=1, cutoff=0) or actions)[0]
            raw += f"\n(not admissible; took the closest: {chosen!r})"
        return Action(action=chosen, usage=reply.usage, raw=raw)
