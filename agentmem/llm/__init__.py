"""Language-model backends behind one small interface, chosen by one string.

``get_llm("local")`` (SmolLM2-135M-Instruct, offline), ``get_llm("local:/path/to/hf-dir")``,
``get_llm("openai:gpt-4o-mini")``, ``get_llm("openai:my-model", base_url="http://...")``,
``get_llm("anthropic:claude-sonnet-4-5")``. Vendor SDKs load only when chosen.
"""

from __future__ import annotations

from typing import Any

from agentmem.errors import ConfigError
from agentmem.llm.base import LLM, BaseLLM, ChatResponse, Usage, parse_structured

__all__ = ["LLM", "BaseLLM", "ChatResponse", "Usage", "get_llm", "provider_of",
           "parse_structured"]

_PROVIDERS = ("local", "openai", "anthropic", "scripted")


def provider_of(spec: str | None) -> str:
    """The provider a backend string names: ``"openai:gpt-4o-mini"`` -> ``openai``; an
    empty or missing spec is the local model."""
    return (spec or "local").partition(":")[0]


def get_llm(spec: "str | LLM | None" = None, **kwargs: Any) -> LLM:
    """Build a backend from a string such as ``"openai:gpt-4o-mini"``; instances pass through.

    Keyword arguments go to the backend (``base_url``, ``adapter``, ``api_key`` ...).
    """
    if spec is not None and not isinstance(spec, str):
        if isinstance(spec, LLM):
            if kwargs.get("adapter") is not None:  # it would be silently ignored
                raise ConfigError("an adapter is loaded with the model, and this LLM is built "
                                  "already; pass the backend string ('local') with adapter=, "
                                  "or build LocalLLM(adapter=...) yourself")
            return spec
        raise ConfigError(f"llm must be a string like 'openai:gpt-4o-mini' or an LLM, got {spec!r}")
    spec = spec or "local"
    provider, model = provider_of(spec), spec.partition(":")[2]
    if kwargs.get("adapter") is not None and provider != "local":
        raise ConfigError(f"a LoRA adapter applies to local models only, not to {spec!r}")
    if provider == "local":
        from agentmem.llm.local import LocalLLM

        return LocalLLM(model or None, **kwargs)
    if provider in ("openai", "anthropic") and not model:
        raise ConfigError(f"'{spec}' names no model; write it as '{provider}:MODEL'")
    if provider == "openai":
        from agentmem.llm.openai import OpenAILLM

        return OpenAILLM(model, **kwargs)
    if provider == "anthropic":
        from agentmem.llm.anthropic import AnthropicLLM

        return AnthropicLLM(model, **kwargs)
    if provider == "scripted":
        from agentmem.testing import ScriptedLLM

        return ScriptedLLM(**kwargs)
    raise ConfigError(f"unknown LLM provider {provider!r} in {spec!r}; use one of {_PROVIDERS}, "
                      "e.g. 'local', 'openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5'")
