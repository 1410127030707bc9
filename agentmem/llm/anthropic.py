"""Anthropic's Messages API; structured output through a forced tool call."""

from __future__ import annotations

import inspect
import json
from typing import Any

from agentmem.errors import LLMError
from agentmem.llm._sdk import sdk_client
from agentmem.llm.base import BaseLLM, Usage, json_schema_of

__all__ = ["AnthropicLLM"]


class AnthropicLLM(BaseLLM):
    """Claude models. ``base_url`` points the SDK at another server speaking the same API.

    ``temperature`` is passed on only when the installed SDK still accepts it.
    """

    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, max_retries: int = 2, client: Any = None):
        super().__init__()
        self.name = f"anthropic:{model}"
        self.model = model
        client = client or sdk_client("anthropic", "Anthropic", "The Anthropic backend",
                                      base_url=base_url, api_key=api_key, timeout=timeout,
                                      max_retries=max_retries)
        self._client = client
        # Recent SDKs dropped sampling parameters from messages.create; send it only when known.
        try:
            params = inspect.signature(client.messages.create).parameters
            self._sends_temperature = "temperature" in params
        except (TypeError, ValueError):
            self._sends_temperature = False

    def _complete(self, messages, schema, max_tokens, temperature):
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        turns = [m for m in messages if m["role"] != "system"]
        kwargs: dict[str, Any] = {"system": system} if system else {}
        if self._sends_temperature:
            kwargs["temperature"] = temperature
        if schema is not None:
            name, js = json_schema_of(schema)
            kwargs["tools"] = [{"name": "respond", "description": f"Give the {name} answer.",
                                "input_schema": js}]
            kwargs["tool_choice"] = {"type": "tool", "name": "respond"}
        try:
            resp = self._client.messages.create(model=self.model, messages=turns,
                                                max_tokens=max_tokens, **kwargs)
        except Exception as exc:
            raise LLMError(f"{self.name} request failed: {type(exc).__name__}: {exc}") from exc
        text = ""
        for block in resp.content:
            if getattr(block, "type", "") == "tool_use":
                text = json.dumps(block.input)
                break
            if getattr(block, "type", "") == "text":
                text += block.text
        u = resp.usage
        return text, Usage(1, getattr(u, "input_tokens", 0) or 0, getattr(u, "output_tokens", 0) or 0)
