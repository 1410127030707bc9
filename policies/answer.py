"""The answer policy: select the memories that matter (memory distillation), then answer.

Selection and answer come from one structured call; the selected numbers are
mapped back to memory ids and returned as citations. With ``reread`` the policy then
answers a second time from the memories it selected alone, for a model that picks the
right memories among many but copies a wrong span from the others (measured with the
embedded model in docs/results.md, "Answering again from what it selected").
"""

from __future__ import annotations

import importlib.util
import warnings
from datetime import datetime
from typing import Sequence

from pydantic import BaseModel, Field

from agentmem.dates import asks_about_time, day_in_words
from agentmem.llm import LLM
from agentmem.protocols import Answer
from agentmem.records import MemoryRecord
from policies.base import PromptedPolicy
from policies.manager import as_records

__all__ = ["PromptedAnswerer", "AnswerOutput", "default_answerer", "answerer_for",
           "DEFAULT_LOCAL_ANSWER_ADAPTER"]

#: The shipped adapter the embedded model answers with unless told otherwise: trained on
#: LoCoMo conversation 26's questions shown what the read path shows (its model card has
#: the data and the measured gains), it lifts held-out answer F1 from 0.111 to 0.255.
DEFAULT_LOCAL_ANSWER_ADAPTER = "locomo-answer"


class AnswerOutput(BaseModel):
    selected: list[int] = Field(default_factory=list, max_length=8)
    answer: str = Field(max_length=200)


class PromptedAnswerer(PromptedPolicy):
    """A prompt template + an LLM + a parser. Pass ``adapter=`` for the trained variant."""

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "answer", version: int | None = None, max_tokens: int = 96,
                 reread: bool = False):
        super().__init__(llm, adapter=adapter, template=template, version=version,
                         max_tokens=max_tokens)
        #: Answer again from the selected memories alone (two calls where it selected
        #: some but not all of them). Off by default: with the trained adapter it raised
        #: F1 on development conversation 30 (+0.059) but not on held-out 41 (-0.004),
        #: and the prompted 135M model's selections carried no signal for the re-ranker.
        self.reread = reread

    def messages(self, question: str, memories: Sequence[MemoryRecord],
                 now: datetime | None = None) -> list[dict]:
        memories = as_records(memories)
        # Dates only for questions about time: shown always, a small model answers
        # "What is my job?" with today's date. In words ("8 May 2023"): the model copies
        # the form it is shown, and an ISO date shares no word with a person's answer.
        dated = asks_about_time(question)
        lines = [f"[{i}] " + (f"({day_in_words(m.effective_time)}) " if dated and m.event_time
                              else "") + m.content for i, m in enumerate(memories)] or ["(none)"]
        today = f"Today is {day_in_words(now)}.\n" if dated and now is not None else ""
        return self.template.render(memories="\n".join(lines), question=question, today=today)

    def answer(self, question: str, memories: Sequence[MemoryRecord],
               now: datetime | None = None) -> Answer:
        """One LLM call (two with ``reread``); ``memories`` may be records or search hits."""
        memories = as_records(memories)
        first, picked = self._answer_once(question, memories, now)
        if not self.reread or not picked or len(picked) == len(memories):
            return first
        again, _ = self._answer_once(question, [memories[i] for i in sorted(picked)], now)
        return Answer(text=again.text, cited_ids=again.cited_ids or first.cited_ids,
                      usage=first.usage + again.usage, raw=again.raw)

    def _answer_once(self, question: str, memories: list[MemoryRecord],
                     now: datetime | None) -> tuple[Answer, list[int]]:
        """The answer and the positions of the memories it selected (in range, once each)."""
        reply = self.llm.chat(self.messages(question, memories, now), schema=AnswerOutput,
                              max_tokens=self.max_tokens)
        out: AnswerOutput = reply.parsed
        picked = [i for i in dict.fromkeys(out.selected) if 0 <= i < len(memories)]
        return Answer(text=" ".join(out.answer.split()), cited_ids=[memories[i].id for i in picked],
                      usage=reply.usage, raw=reply.text), picked


def default_answerer(llm: LLM | str = "local") -> PromptedAnswerer:
    """The answer policy ``Agent()`` and ``agentmem eval qa`` use when given none.

    On the embedded base model (``"local"``, ``"local:smollm2"``, no adapter) that is the
    shipped trained adapter :data:`DEFAULT_LOCAL_ANSWER_ADAPTER`, loaded on its own copy
    of the weights (on the default device); any other model, a local one named by its
    folder included, is prompted as it is. To answer with the plain embedded model, pass
    ``answerer=PromptedAnswerer("local")``. One call per question: ``reread`` raised F1
    on development conversation 30 but not on held-out 41, at twice the answer time.
    """
    from agentmem.llm import get_llm
    from agentmem.llm.local import LocalLLM

    model = get_llm(llm)
    if isinstance(model, LocalLLM) and model.embedded and model.adapter is None:
        if importlib.util.find_spec("peft") is not None:
            return PromptedAnswerer("local", adapter=DEFAULT_LOCAL_ANSWER_ADAPTER)
        warnings.warn("peft is not installed, so the embedded model answers without its "
                      f"trained adapter {DEFAULT_LOCAL_ANSWER_ADAPTER!r} (about half the "
                      "answer F1); pip install 'agentmem[local]'", stacklevel=2)
    return PromptedAnswerer(model)


def answerer_for(llm: LLM | str = "local", adapter: str | None = None) -> PromptedAnswerer:
    """The answerer a command line names: no adapter -> :func:`default_answerer`;
    ``"none"`` -> the model prompted as it is; else that adapter (a directory or a shipped
    name) on the local model."""
    if adapter is None:
        return default_answerer(llm)
    if adapter.lower() == "none":
        return PromptedAnswerer(llm)
    return PromptedAnswerer(llm, adapter=adapter)
