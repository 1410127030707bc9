"""chromadb as the vector index: on disk (embedded) or a ``chroma run`` server (HTTP).

agentmem always computes embeddings itself and hands chroma the vectors; the
collection is created with a registered embedding function that wraps the same
embedder, so chroma never falls back to its own default (which would download a
model at run time).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from agentmem.errors import StoreError, missing
from agentmem.store.base import Filter, IndexRow

__all__ = ["ChromaIndex", "embedding_function", "WRITE_TURN_TIMEOUT_S"]

_EF_CACHE: dict[str, Any] = {}
_EF_LOCK = threading.Lock()
_EF_CLASS = None


def _cached_embedder(spec: dict[str, Any]):
    # chroma calls build_from_config several times per collection: build each embedder once.
    key = json.dumps(spec, sort_keys=True)
    with _EF_LOCK:
        if key not in _EF_CACHE:
            from agentmem.embeddings import embedder_from_spec

            _EF_CACHE[key] = embedder_from_spec(spec)
        return _EF_CACHE[key]


def embedding_function(embedder) -> Any:
    """A chroma embedding function (registered under the name 'agentmem') for ``embedder``."""
    global _EF_CLASS
    if _EF_CLASS is None:
        _EF_CLASS = _define_ef_class()
    key = json.dumps(embedder.spec(), sort_keys=True)
    with _EF_LOCK:
        _EF_CACHE.setdefault(key, embedder)
    return _EF_CLASS(embedder.spec())


def _define_ef_class():
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class AgentMemEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, spec: dict[str, Any]):
            self._spec = dict(spec)

        def __call__(self, input: Documents) -> list[np.ndarray]:
            return list(_cached_embedder(self._spec).embed(list(input)))

        @staticmethod
        def name() -> str:
            return "agentmem"

        def get_config(self) -> dict[str, Any]:
            return dict(self._spec)

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "AgentMemEmbeddingFunction":
            return AgentMemEmbeddingFunction(config)

        def default_space(self) -> str:
            return "cosine"

        def supported_spaces(self) -> list[str]:
            return ["cosine"]

    return AgentMemEmbeddingFunction


def _import_chromadb():
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        import chromadb
        from chromadb.config import Settings
    except ImportError:
        raise missing("chromadb", "chroma", "The chroma vector store") from None
    logging.getLogger("chromadb.telemetry").setLevel(logging.CRITICAL)
    return chromadb, Settings(anonymized_telemetry=False, allow_reset=False)


def _where(flt: Filter) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = [{name: value} for name, value in flt.scope.items()]
    if flt.kinds:
        clauses.append({"kind": {"$in": list(flt.kinds)}})
    if flt.since is not None:
        clauses.append({"time": {"$gte": flt.since}})
    if flt.until is not None:
        clauses.append({"time": {"$lte": flt.until}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


#: Longest wait, in seconds, for another process's turn to write to a shared chroma server.
#: Past it the write fails like any index write: the records are committed in SQLite, stay
#: queued and are retried on the next write or open, so a stuck process delays the index
#: but never blocks its neighbours' writes for good.
WRITE_TURN_TIMEOUT_S = 60.0


class ChromaIndex:
    """A chroma collection holding one vector per record, with scope/kind/time metadata."""

    persistent = True

    def __init__(self, embedder, *, path: str | Path | None = None, host: str | None = None,
                 port: int = 8000, collection: str = "agentmem",
                 write_lock: str | Path | None = None):
        chromadb, settings = _import_chromadb()
        self.shared = host is not None
        # A chroma 1.5 server sent upserts by several processes at the same moment was seen
        # to keep every vector (get() returns it) yet leave some out of its search index: 3
        # processes writing 40 records each lost 1-12 from search in about 1 run of 10, and
        # 0 of 60 runs when their writes took turns. So the processes sharing one home take
        # turns through a lock file in it; reads do not wait.
        self._write_lock = None
        if host is not None and write_lock is not None:
            from filelock import FileLock

            self._write_lock = FileLock(str(write_lock), timeout=WRITE_TURN_TIMEOUT_S)
        try:
            if host is not None:
                self._client = chromadb.HttpClient(host=host, port=port, settings=settings)
                self._client.heartbeat()
            else:
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
            self._col = self._client.get_or_create_collection(
                name=collection, embedding_function=embedding_function(embedder),
                configuration={"hnsw": {"space": "cosine"}})
        except Exception as exc:  # chroma raises many types; name the target in one error
            where = f"the chroma server at {host}:{port}" if host else f"chroma data under {path}"
            hint = ("start it with `chroma run --path DIR --port PORT`" if host else
                    "the directory may be corrupt or written by an incompatible chroma version")
            raise StoreError(f"cannot open {where}: {exc}; {hint}") from exc

    def _writing(self):
        return self._write_lock if self._write_lock is not None else contextlib.nullcontext()

    def upsert(self, rows: Sequence[IndexRow]) -> None:
        for start in range(0, len(rows), 4000):
            chunk = rows[start:start + 4000]
            with self._writing():
                self._col.upsert(
                    ids=[r[0] for r in chunk],
                    embeddings=np.stack([r[4] for r in chunk]),
                    metadatas=[{"user_id": s.user_id or "", "agent_id": s.agent_id or "",
                                "session_id": s.session_id or "", "kind": k, "time": t}
                               for _, s, k, t, _ in chunk])

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._writing():
                self._col.delete(ids=list(ids))

    def query(self, embedding: np.ndarray, n: int, flt: Filter) -> list[tuple[str, float]]:
        res = self._col.query(query_embeddings=[np.asarray(embedding, np.float32)], n_results=n,
                              where=_where(flt), include=["distances"])
        return list(zip(res["ids"][0], map(float, res["distances"][0]), strict=True))

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset, page = 0, 10_000
        while True:
            got = self._col.get(include=[], limit=page, offset=offset)["ids"]
            out.update(got)
            if len(got) < page:
                return out
            offset += page

    def count(self) -> int:
        return self._col.count()

    def close(self) -> None:
        # PersistentClient has no close in every version; drop references so files are released.
        self._col = None
        self._client = None
