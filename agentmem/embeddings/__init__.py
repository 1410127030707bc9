"""Embedders: the MiniLM default, OpenAI, and a factory."""

from __future__ import annotations

from typing import Any

from agentmem.config import EmbedderConfig
from agentmem.embeddings.base import Embedder, normalize

__all__ = ["Embedder", "normalize", "make_embedder", "embedder_from_spec"]


def make_embedder(config: EmbedderConfig | str | Embedder | None = None) -> Embedder:
    """Build an embedder from a config, a provider name, or return an instance as is."""
    if config is None:
        config = EmbedderConfig()
    elif isinstance(config, str):
        config = EmbedderConfig(provider=config)
    elif not isinstance(config, EmbedderConfig):
        if not isinstance(config, Embedder):
            raise TypeError(f"embedder must be a config, a name or an Embedder, got {config!r}")
        return config
    if config.provider == "minilm":
        from agentmem.embeddings.minilm import MiniLMEmbedder

        return MiniLMEmbedder(batch_size=config.batch_size)
    if config.provider == "hash":
        from agentmem.testing import HashEmbedder

        return HashEmbedder(dim=config.dim or 64)
    from agentmem.embeddings.openai import OpenAIEmbedder

    return OpenAIEmbedder(model=config.model or "text-embedding-3-small", dim=config.dim,
                          base_url=config.base_url)


def embedder_from_spec(spec: dict[str, Any]) -> Embedder:
    """Rebuild an embedder from what ``Embedder.spec()`` returned."""
    return make_embedder(EmbedderConfig(**{k: v for k, v in spec.items() if k in
                                           ("provider", "model", "dim")}))
