"""Counting what language-model calls cost, in one place.

:class:`Usage` counts calls and tokens. :class:`UsageMeter` is a running total that several
threads may add to at once (:class:`~agentmem.llm.server.LLMServer` generates on
worker threads of its own, while the caller's thread goes on). :class:`CountingLLM` puts a meter in front of any
:class:`~agentmem.llm.base.LLM`, so whoever hands a model to someone else (a peer
memory system behind the HTTP server, in the evaluation harness) can read off what
was spent through it, and, with :meth:`UsageMeter.since`, what one step of it cost.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from agentmem.llm.base import LLM, ChatResponse

__all__ = ["Usage", "UsageMeter", "CountingLLM"]


@dataclass
class Usage:
    """Token and call counts; adding two usages sums them."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.calls + other.calls, self.prompt_tokens + other.prompt_tokens,
                     self.completion_tokens + other.completion_tokens)


class UsageMeter:
    """A thread-safe running total of calls and tokens."""

    def __init__(self) -> None:
        self._total = Usage()
        self._lock = threading.Lock()

    def add(self, usage: Usage) -> None:
        with self._lock:
            self._total = self._total + usage

    @property
    def total(self) -> Usage:
        """The total so far (a new object on every add, so a value read is never mutated)."""
        with self._lock:
            return self._total

    def since(self, before: Usage) -> Usage:
        """What was added after ``before``, a :attr:`total` read earlier."""
        now = self.total
        return Usage(now.calls - before.calls, now.prompt_tokens - before.prompt_tokens,
                     now.completion_tokens - before.completion_tokens)


class CountingLLM:
    """``llm`` with every reply's usage added to :attr:`meter`; otherwise the same model."""

    def __init__(self, llm: LLM):
        self.llm = llm
        self.name = getattr(llm, "name", "local")
        self.meter = UsageMeter()

    @property
    def usage(self) -> Usage:
        """Everything spent through this wrapper so far."""
        return self.meter.total

    def chat(self, messages: Sequence[Mapping[str, str]], **kwargs: Any) -> ChatResponse:
        reply = self.llm.chat(messages, **kwargs)
        self.meter.add(reply.usage)
        return reply
