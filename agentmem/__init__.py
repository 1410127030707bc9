"""agentmem: pluggable, reflective memory for LLM agents.

Importing this package is cheap: torch, transformers, chromadb and the LLM SDKs
load only when a component that needs them is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Memory": "agentmem.memory",
    "Agent": "agentmem.agent",
    "TurnResult": "agentmem.agent",
    "ResetResult": "agentmem.memory",
    "AsyncMemory": "agentmem.aio",
    "ScopedMemory": "agentmem.view",
    "MemoryConfig": "agentmem.config",
    "EmbedderConfig": "agentmem.config",
    "VectorStoreConfig": "agentmem.config",
    "MemoryRecord": "agentmem.records",
    "Scope": "agentmem.records",
    "Provenance": "agentmem.records",
    "Kind": "agentmem.records",
    "SourceType": "agentmem.records",
    "Operation": "agentmem.operations",
    "OpType": "agentmem.operations",
    "OpResult": "agentmem.operations",
    "HistoryEntry": "agentmem.operations",
    "SearchHit": "agentmem.operations",
    "LinkedNotes": "agentmem.structures.notes",
    "TaskTree": "agentmem.structures.tasks",
    "LessonStore": "agentmem.structures.lessons",
    "SessionSummarizer": "agentmem.structures.summaries",
    "ConsensusGuard": "agentmem.guard",
    "get_llm": "agentmem.llm",
    "LLM": "agentmem.llm",
    "ChatResponse": "agentmem.llm",
    "Embedder": "agentmem.embeddings",
    "AgentMemError": "agentmem.errors",
    "ConfigError": "agentmem.errors",
    "InvalidContentError": "agentmem.errors",
    "InvalidScopeError": "agentmem.errors",
    "InvalidOperationError": "agentmem.errors",
    "InvalidArgumentError": "agentmem.errors",
    "MemoryNotFound": "agentmem.errors",
    "MissingDependencyError": "agentmem.errors",
    "LLMError": "agentmem.errors",
    "LLMOutputError": "agentmem.errors",
    "StoreError": "agentmem.errors",
    "StoreLockedError": "agentmem.errors",
    "ConflictError": "agentmem.errors",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentmem' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from agentmem.agent import Agent, TurnResult
    from agentmem.aio import AsyncMemory
    from agentmem.config import EmbedderConfig, MemoryConfig, VectorStoreConfig
    from agentmem.embeddings import Embedder
    from agentmem.errors import (
        AgentMemError,
        ConfigError,
        ConflictError,
        InvalidArgumentError,
        InvalidContentError,
        InvalidOperationError,
        InvalidScopeError,
        LLMError,
        LLMOutputError,
        MemoryNotFound,
        MissingDependencyError,
        StoreError,
        StoreLockedError,
    )
    from agentmem.guard import ConsensusGuard
    from agentmem.llm import LLM, ChatResponse, get_llm
    from agentmem.memory import Memory, ResetResult
    from agentmem.operations import HistoryEntry, Operation, OpResult, OpType, SearchHit
    from agentmem.records import Kind, MemoryRecord, Provenance, Scope, SourceType
    from agentmem.structures.lessons import LessonStore
    from agentmem.structures.notes import LinkedNotes
    from agentmem.structures.summaries import SessionSummarizer
    from agentmem.structures.tasks import TaskTree
    from agentmem.view import ScopedMemory
