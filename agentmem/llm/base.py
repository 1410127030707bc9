"""The one small interface every language-model backend implements."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from agentmem.errors import InvalidArgumentError, InvalidContentError, LLMOutputError, first_error
from agentmem.llm.usage import Usage, UsageMeter

__all__ = ["LLM", "BaseLLM", "ChatResponse", "Usage", "check_messages", "parse_structured",
           "json_schema_of"]

T = TypeVar("T", bound=BaseModel)
_ROLES = {"system", "user", "assistant"}


@dataclass
class ChatResponse:
    """A reply: its text, the parsed object when a schema was given, and its usage."""

    text: str
    parsed: Any = None
    usage: Usage = field(default_factory=Usage)
    model: str = ""


@runtime_checkable
class LLM(Protocol):
    """``chat`` is all a backend needs; see :class:`BaseLLM` for the shared parts."""

    name: str

    def chat(self, messages: Sequence[Mapping[str, str]], *, schema: type[BaseModel] | dict | None = None,
             max_tokens: int = 256, temperature: float = 0.0) -> ChatResponse: ...


def check_messages(messages: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Validate a chat message list and return it as plain dicts."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, Mapping) or m.get("role") not in _ROLES or not isinstance(
                m.get("content"), str):
            raise InvalidContentError(
                f"message {i} must be a dict with role in {sorted(_ROLES)} and string content, "
                f"got {m!r}")
        out.append({"role": m["role"], "content": m["content"]})
    if not out:
        raise InvalidContentError("messages is empty; pass at least one user message")
    return out


def json_schema_of(schema: type[BaseModel] | dict) -> tuple[str, dict]:
    """The (name, JSON schema) of a pydantic model or a schema dict (its ``title``), as the
    hosted APIs' structured-output options want them."""
    if isinstance(schema, dict):
        return str(schema.get("title", "response")), schema
    return schema.__name__, schema.model_json_schema()


def parse_structured(text: str, schema: type[T] | dict) -> T | dict:
    """Parse a reply into ``schema`` (a pydantic model, or a JSON schema dict giving a dict).

    A fenced code block or chatter around the JSON object is tolerated.

    Raises:
        LLMOutputError: with the raw text, when it is not valid JSON for the schema.
    """
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`")
        body = body[body.find("{"):] if "{" in body else body
    start, end = body.find("{"), body.rfind("}")
    if start > 0 or end != len(body) - 1:
        body = body[start:end + 1] if 0 <= start < end else body
    name = schema.get("title", "the schema") if isinstance(schema, dict) else schema.__name__
    try:
        value = json.loads(body)
        if isinstance(schema, dict):
            if not isinstance(value, dict):
                raise ValueError(f"expected a JSON object, got {type(value).__name__}")
            return value
        return schema.model_validate(value)
    except ValidationError as exc:
        raise LLMOutputError(f"reply does not fit {name}: {first_error(exc)}", raw=text) from None
    except ValueError as exc:
        raise LLMOutputError(f"reply is not valid JSON for {name}: {exc}", raw=text) from None


class BaseLLM:
    """Shared behaviour: message checks, parsing, usage totals, an async shim.

    Subclasses implement ``_complete(messages, schema, max_tokens, temperature)``
    returning ``(text, Usage)``; with a schema they should constrain the output.
    """

    name = "base"

    def __init__(self) -> None:
        self.meter = UsageMeter()

    @property
    def total_usage(self) -> Usage:
        """Everything this model has spent so far (all threads)."""
        return self.meter.total

    def _complete(self, messages: list[dict[str, str]], schema: type[BaseModel] | None,
                  max_tokens: int, temperature: float) -> tuple[str, Usage]:
        raise NotImplementedError

    def chat(self, messages: Sequence[Mapping[str, str]], *, schema: type[BaseModel] | dict | None = None,
             max_tokens: int = 256, temperature: float = 0.0) -> ChatResponse:
        if max_tokens < 1:
            raise InvalidArgumentError(f"max_tokens must be >= 1, got {max_tokens}")
        if temperature < 0:
            raise InvalidArgumentError(f"temperature must be >= 0, got {temperature}")
        msgs = check_messages(messages)
        text, usage = self._complete(msgs, schema, max_tokens, temperature)
        self.meter.add(usage)
        parsed = parse_structured(text, schema) if schema is not None else None
        return ChatResponse(text=text, parsed=parsed, usage=usage, model=self.name)

    async def achat(self, messages: Sequence[Mapping[str, str]], **kwargs: Any) -> ChatResponse:
        return await asyncio.to_thread(self.chat, messages, **kwargs)
