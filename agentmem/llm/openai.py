"""OpenAI chat completions, or any server that speaks the same API (vLLM, llama.cpp, ollama)."""

from __future__ import annotations

import json
from typing import Any

from agentmem.errors import LLMError
from agentmem.llm._sdk import sdk_client
from agentmem.llm.base import BaseLLM, Usage, json_schema_of

__all__ = ["OpenAILLM"]


class OpenAILLM(BaseLLM):
    """Chat completions; with a schema it asks for ``response_format=json_schema``.

    Args:
        model: the model name, e.g. ``gpt-4o-mini``.
        base_url: another server's ``/v1`` URL; defaults to ``$OPENAI_BASE_URL`` or OpenAI.
        api_key: defaults to ``$OPENAI_API_KEY`` (a placeholder is used for local servers).
        json_mode: ``"json_schema"`` (default) or ``"json_object"`` for servers without
            schema support; the reply is validated against the schema either way.
    """

    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, max_retries: int = 2, json_mode: str = "json_schema",
                 client: Any = None):
        super().__init__()
        self.name = f"openai:{model}"
        self.model = model
        self.json_mode = json_mode
        self._client = client or sdk_client("openai", "OpenAI", "The OpenAI backend",
                                            base_url=base_url, api_key=api_key, timeout=timeout,
                                            max_retries=max_retries)

    def _complete(self, messages, schema, max_tokens, temperature):
        kwargs: dict[str, Any] = {}
        if schema is not None:
            name, js = json_schema_of(schema)
            if self.json_mode == "json_object":
                kwargs["response_format"] = {"type": "json_object"}
                messages = [{"role": "system", "content": "Reply with JSON only, matching this "
                             f"schema: {json.dumps(js)}"}] + messages
            else:
                kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": name[:64], "schema": js, "strict": False}}
        try:
            resp = self._client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens,
                temperature=temperature, **kwargs)
        except Exception as exc:  # openai raises its own hierarchy; keep its message
            raise LLMError(f"{self.name} request failed: {type(exc).__name__}: {exc}") from exc
        text = resp.choices[0].message.content or ""
        u = resp.usage
        return text, Usage(1, getattr(u, "prompt_tokens", 0) or 0,
                           getattr(u, "completion_tokens", 0) or 0)
