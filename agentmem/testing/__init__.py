"""Test doubles shipped with the library so users can test their agents offline.

- :class:`HashEmbedder`: deterministic bag-of-words feature hashing; texts that
  share words get similar vectors. No model, no torch.
- :class:`ScriptedLLM`: replies from a script (strings, dicts, pydantic objects or
  callables), records every call, and parses structured output like a real backend.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from pydantic import BaseModel

from agentmem.embeddings.base import normalize
from agentmem.errors import InvalidArgumentError, LLMError
from agentmem.llm.base import BaseLLM, Usage

__all__ = ["HashEmbedder", "ScriptedLLM"]

_WORD = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """Feature-hashing embedder: fast, deterministic, lexical."""

    def __init__(self, dim: int = 64):
        if dim < 8:
            raise InvalidArgumentError(f"dim must be >= 8, got {dim}")
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return vec

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(np.stack([self._vector(t) for t in texts]))

    def spec(self) -> dict[str, Any]:
        return {"provider": "hash", "dim": self.dim}


Reply = str | dict | BaseModel | Callable[[list[dict[str, str]]], Any] | Exception


class ScriptedLLM(BaseLLM):
    """An LLM that answers from a script.

    Args:
        replies: consumed in order. A str is returned as is; a dict or pydantic
            object is returned as JSON; a callable gets the messages and returns
            one of those; an Exception instance is raised.
        default: used once the script is exhausted; without it, running out
            raises :class:`~agentmem.errors.LLMError`.
    """

    name = "scripted"

    def __init__(self, replies: Iterable[Reply] = (), default: Reply | None = None):
        super().__init__()
        self._replies = list(replies)
        self.default = default
        self.calls: list[list[dict[str, str]]] = []

    def _complete(self, messages, schema, max_tokens, temperature):
        self.calls.append(messages)
        if self._replies:
            reply = self._replies.pop(0)
        elif self.default is not None:
            reply = self.default
        else:
            raise LLMError(f"ScriptedLLM ran out of replies after {len(self.calls) - 1} calls")
        if callable(reply) and not isinstance(reply, (BaseModel, type)):
            reply = reply(messages)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, BaseModel):
            reply = reply.model_dump_json()
        elif isinstance(reply, dict):
            reply = json.dumps(reply)
        prompt = sum(len(m["content"].split()) for m in messages)
        return str(reply), Usage(calls=1, prompt_tokens=prompt, completion_tokens=len(str(reply).split()))
