"""Embeddings from the OpenAI API (or any server speaking its embeddings route)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from agentmem.embeddings.base import normalize
from agentmem.errors import ConfigError, LLMError
from agentmem.llm._sdk import sdk_client

__all__ = ["OpenAIEmbedder"]

_KNOWN_DIMS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072,
               "text-embedding-ada-002": 1536}


class OpenAIEmbedder:
    """OpenAI embeddings; ``dim`` must be given for models not in the known list."""

    def __init__(self, model: str = "text-embedding-3-small", dim: int | None = None,
                 base_url: str | None = None, api_key: str | None = None, batch_size: int = 256,
                 client: Any = None):
        self.model = model
        self.dim = dim or _KNOWN_DIMS.get(model) or 0
        if not self.dim:
            raise ConfigError(f"unknown vector size for embedding model {model!r}; pass dim=")
        self.batch_size = batch_size
        self._client = client or sdk_client("openai", "OpenAI", "OpenAI embeddings",
                                            base_url=base_url, api_key=api_key)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            kwargs = {"dimensions": self.dim} if self.model.startswith("text-embedding-3") else {}
            try:
                resp = self._client.embeddings.create(model=self.model, input=batch, **kwargs)
            except Exception as exc:  # the SDK's own hierarchy; keep its message
                raise LLMError(f"embedding request to {self.model} failed: {exc}") from exc
            rows.extend(item.embedding for item in resp.data)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(np.asarray(rows, dtype=np.float32))

    def spec(self) -> dict[str, Any]:
        return {"provider": "openai", "model": self.model, "dim": self.dim}
