"""The :class:`Memory` facade: one apply path, hybrid search, history and recovery."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ValidationError

from agentmem._apply import PlannedChange, Planner, WriteBack
from agentmem.config import EmbedderConfig, MemoryConfig, VectorStoreConfig
from agentmem.embeddings import Embedder, make_embedder
from agentmem.errors import (
    ConflictError,
    InvalidArgumentError,
    InvalidOperationError,
    InvalidScopeError,
    MemoryNotFound,
    StoreError,
    choice_arg,
    first_error,
    integer_arg,
)
from agentmem.operations import HistoryEntry, Operation, OpResult, OpType, SearchHit
from agentmem.records import Kind, MemoryRecord, Provenance, Scope, clean_content, new_id, utcnow
from agentmem.store.base import Filter, RecordReader, kinds_tuple
from agentmem.store.home import open_home
from agentmem.store.scoped import ScopedExactSearch

if TYPE_CHECKING:
    from agentmem.view import ScopedMemory

__all__ = ["Memory", "ResetResult", "HIDDEN_FLAGS"]

log = logging.getLogger("agentmem")
TimeArg = datetime | str | float | int | None


class ResetResult(BaseModel):
    """What :meth:`Memory.reset` removed; ``Memory.undo(batch)`` brings it back."""

    batch: str
    deleted: int


# Epoch seconds of 0001-01-01 and 9999-12-31T23:59:59 (UTC): what a datetime can hold.
_FIRST_EPOCH, _LAST_EPOCH = -62_135_596_800, 253_402_300_799


def _epoch(value: TimeArg, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not _FIRST_EPOCH <= value <= _LAST_EPOCH:  # also refuses NaN and infinities
            raise InvalidArgumentError(f"{name}={value!r} is out of range: epoch seconds must "
                                       "fall within the years 1-9999")
        return float(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidArgumentError(
                f"{name}={value!r} is not an ISO date/time such as '2023-05-08T13:56'") from None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    raise InvalidArgumentError(f"{name} must be a datetime, ISO string or epoch seconds, got {value!r}")


def _datetime(value: TimeArg) -> datetime | None:
    epoch = _epoch(value, "event_time")
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc)


def _config_from(data: Mapping[str, Any]) -> MemoryConfig:
    """A :class:`MemoryConfig` from a dict, with one-line errors."""
    from agentmem.errors import ConfigError

    data = dict(data)
    if isinstance(data.get("embedder"), str):
        data["embedder"] = {"provider": data["embedder"]}
    try:
        return MemoryConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid memory configuration: {first_error(exc)}") from None


def _as_list(value: Any, name: str) -> list:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{name} must be a list, got {type(value).__name__}")
    return list(value)


def _message_turn(message: Any, index: int, user_id: str | None) -> Any:
    """A chat message as a :class:`~agentmem.protocols.Turn` (None: nothing to store)."""
    from agentmem.protocols import Turn

    if not isinstance(message, Mapping):
        raise InvalidArgumentError(f"message {index} must be a dict with role and content, "
                                   f"got {type(message).__name__}")
    role = message.get("role", "user")
    if role == "system":
        return None
    content = message.get("content", message.get("text"))
    if isinstance(content, list):  # multimodal parts: keep the text ones
        content = " ".join(p.get("text", "") for p in content
                           if isinstance(p, Mapping) and p.get("type") == "text")
    if not isinstance(content, str):
        raise InvalidArgumentError(f"message {index} has no text content (got "
                                   f"{type(content).__name__}); pass content as a string")
    if not content.strip():
        return None
    speaker = message.get("name") or message.get("speaker") or (
        (user_id or "user") if role == "user" else str(role))
    try:
        return Turn(speaker=str(speaker), text=content, time=_datetime(message.get("time")),
                    turn_id=message.get("turn_id"))
    except (ValidationError, InvalidArgumentError) as exc:
        raise InvalidArgumentError(f"message {index} is invalid: {exc}") from None


#: Metadata flags that keep a record out of search results unless asked for.
HIDDEN_FLAGS = ("quarantined", "archived")


def _hidden(record: MemoryRecord, flags: tuple[str, ...] = HIDDEN_FLAGS) -> bool:
    """Whether a metadata flag that keeps a record out of search results is set on it."""
    return any(record.metadata.get(flag) for flag in flags)


def _state_key(scope: Scope, name: str) -> str:
    # "name:{scope as JSON}" (the key the re-ranker has always used, so stored weights load).
    return f"{name}:" + json.dumps(scope.model_dump(), sort_keys=True)


class Memory:
    """A memory bank: records in SQLite, vectors in chroma (or numpy), full history.

    Args:
        config: a :class:`MemoryConfig`; keyword arguments override its fields.
        home: directory of the store (default ``$AGENTMEM_HOME`` or ``./.agentmem``),
            or ``":memory:"`` for a store that lives in this process only.
        embedder: an :class:`Embedder`, a provider name ("minilm", "hash",
            "openai") or an :class:`EmbedderConfig`.
        vector_store: a :class:`VectorStoreConfig` or dict; ``{"host": ..., "port": ...}``
            selects a chroma server shared by many processes.
        user_id, agent_id, session_id: the default scope for calls that name none.

    Example:
        >>> m = Memory(home=":memory:", embedder="hash", user_id="alice")
        >>> _ = m.add("Alice moved to Lisbon in 2021.")
        >>> m.search("where does alice live?")[0].content
        'Alice moved to Lisbon in 2021.'
    """

    def __init__(self, config: MemoryConfig | None = None, *, home: str | Path | None = None,
                 embedder: Embedder | EmbedderConfig | str | None = None,
                 vector_store: VectorStoreConfig | Mapping[str, Any] | None = None,
                 user_id: str | None = None, agent_id: str | None = None,
                 session_id: str | None = None, **overrides: Any):
        if isinstance(config, Mapping):
            config = _config_from(config)
        elif config is not None and not isinstance(config, MemoryConfig):
            from agentmem.errors import ConfigError

            raise ConfigError(f"config must be a MemoryConfig or a dict, got "
                              f"{type(config).__name__}")
        try:
            data = (config or MemoryConfig()).model_dump()
            if home is not None:
                data["home"] = str(home)
            if vector_store is not None:
                data["vector_store"] = (vector_store.model_dump() if isinstance(
                    vector_store, BaseModel) else dict(vector_store))
            if isinstance(embedder, (EmbedderConfig, str)):
                data["embedder"] = (embedder.model_dump() if isinstance(embedder, BaseModel)
                                    else {"provider": embedder})
            data.update(overrides)
            self.config = MemoryConfig(**data)
        except ValidationError as exc:
            from agentmem.errors import ConfigError

            raise ConfigError(f"invalid memory configuration: {first_error(exc)}") from None
        self.default_scope = Scope.of(user_id, agent_id, session_id)
        self.embedder: Embedder = make_embedder(
            embedder if embedder is not None and not isinstance(embedder, (str, EmbedderConfig))
            else self.config.embedder)
        self._home = open_home(self.config, self.embedder)
        self._store, self._index = self._home.store, self._home.index
        self._write_lock = threading.RLock()
        self._closed = False
        #: An index write failed, so the outbox holds ids to retry with the next write.
        self._index_behind = False
        # Another process may write a shared (server) index, so only single-writer modes cache.
        self._exact = None if getattr(self._index, "shared", False) else ScopedExactSearch(
            self._store, self.config.exact_search_max_scope, self.config.exact_search_cache)
        self._sync(self._store.pending())

    # -- lifecycle -----------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Memory":
        """A memory from a plain dict (mem0's ``Memory.from_config``): the fields of
        :class:`MemoryConfig` (``"embedder"`` may be a provider name) plus an optional
        default scope (``user_id``, ``agent_id``, ``session_id``).

        Raises:
            ConfigError: not a dict, an unknown key or a bad value (named, one line).
        """
        if not isinstance(config, Mapping):
            from agentmem.errors import ConfigError

            raise ConfigError(f"from_config takes a dict, got {type(config).__name__}")
        scope = {k: config[k] for k in ("user_id", "agent_id", "session_id") if k in config}
        rest = {k: v for k, v in config.items() if k not in scope}
        return cls(_config_from(rest), **scope)

    @property
    def home(self) -> Path | None:
        """The home directory (None for ``":memory:"`` and for a Postgres store)."""
        return self._home.path

    @property
    def postgres(self) -> bool:
        """True when records live in a Postgres database (``store="postgresql://..."``)."""
        return self.config.store is not None and not self.config.in_memory

    def close(self) -> None:
        """Release the store (and its lock). Safe to call twice."""
        if not self._closed:
            self._closed = True
            self._home.close()

    def __enter__(self) -> "Memory":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Memory(home={self.config.home!r}, embedder={self.embedder.spec()})"

    # -- scopes and filters ----------------------------------------------------------------
    def resolve_scope(self, user_id: str | None = None, agent_id: str | None = None,
                      session_id: str | None = None, required: bool = True) -> Scope:
        """The scope a call with these fields works in: the given fields over the default scope.

        Raises:
            InvalidScopeError: ``required`` and no field is set here or in the default scope.
        """
        scope = Scope.of(user_id, agent_id, session_id).merged(self.default_scope)
        return scope.require() if required else scope

    def scoped(self, user_id: str | None = None, agent_id: str | None = None,
               session_id: str | None = None, *, required: bool = True) -> "ScopedMemory":
        """A view of this memory bound to one scope (what structures, tools and stores use).

        Example:
            >>> m = Memory(home=":memory:", embedder="hash")
            >>> alice = m.scoped(user_id="alice")
            >>> _ = alice.add("Alice moved to Lisbon in 2021.")
            >>> [h.content for h in alice.search("where does alice live?", k=1)]
            ['Alice moved to Lisbon in 2021.']
        """
        from agentmem.view import ScopedMemory

        return ScopedMemory(self, self.resolve_scope(user_id, agent_id, session_id, required))

    def _filter(self, scope: Scope, kinds: Any, since: TimeArg, until: TimeArg) -> Filter:
        flt = Filter(scope=scope, kinds=kinds_tuple(kinds), since=_epoch(since, "since"),
                     until=_epoch(until, "until"))
        if flt.since is not None and flt.until is not None and flt.since > flt.until:
            raise InvalidArgumentError(f"since ({since}) is after until ({until}); swap them")
        return flt

    # -- the one write path ------------------------------------------------------------------
    def apply(self, ops: Sequence[Operation | Mapping[str, Any]], *, user_id: str | None = None,
              agent_id: str | None = None, session_id: str | None = None,
              actor: str | None = None, batch: str | None = None) -> list[OpResult]:
        """Validate and apply operations atomically: all of them or none.

        ``batch`` names the history batch (default: a new id); ``undo(batch)`` reverses it.
        A batch id already in the history is refused: two applies would undo as one.

        Raises:
            InvalidOperationError: an operation is malformed or names an unknown id;
                ``.index`` says which one, and nothing of the batch was applied.
        """
        scope = self.resolve_scope(user_id, agent_id, session_id, required=False)
        if batch is not None and (not isinstance(batch, str) or not batch.strip()
                                  or self._store.history_batch(batch)):
            raise InvalidArgumentError(f"batch {batch!r} is not a new batch id; leave batch out "
                                       "to get a fresh one")
        ops = list(ops)
        for i, op in enumerate(ops):
            if not isinstance(op, (Operation, Mapping)):
                raise InvalidOperationError(
                    f"operation {i} must be an Operation or a dict, got {type(op).__name__}; "
                    "nothing was applied", index=i)
        return self._run(ops, scope, actor, batch=batch or new_id(), name_failed_op=True)

    def _run(self, ops: list, scope: Scope, actor: str | None, batch: str,
             name_failed_op: bool) -> list[OpResult]:
        # name_failed_op: a planning error becomes an InvalidOperationError naming the
        # operation's index (batches); single-record calls raise the error as it is.
        self._check_open()
        with self._write_lock:
            planner = Planner(self._store, scope, self.config.max_content_chars)
            for i, raw in enumerate(ops):
                try:
                    planner.plan(raw)
                except (ValueError, KeyError) as exc:
                    if not name_failed_op:
                        raise
                    kind = raw.get("op") if isinstance(raw, Mapping) else getattr(raw, "op", "?")
                    kind = getattr(kind, "value", kind)
                    raise InvalidOperationError(
                        f"operation {i} ({kind}) is invalid, so none of the {len(ops)} operations "
                        f"were applied: {exc}", index=i) from exc
            vectors = self._embed([c.after.content for c in planner.changes if c.needs_embedding])
            self._commit(planner.changes, vectors, batch, actor)
            if self._exact is not None:
                self._exact.invalidate(r.scope for c in planner.changes
                                       for r in (c.before, c.after) if r is not None)
        self._sync([c.memory_id for c in planner.changes if c.op != OpType.NOOP],
                   with_queued=True)
        return [c.result() for c in planner.changes]

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        vectors = np.asarray(self.embedder.embed(texts), np.float32)
        if vectors.shape != (len(texts), self.embedder.dim):
            raise StoreError(f"embedder returned shape {vectors.shape}, expected "
                             f"({len(texts)}, {self.embedder.dim})")
        return vectors

    def _commit(self, changes: list[PlannedChange], vectors: np.ndarray, batch: str,
                actor: str | None) -> None:
        it = iter(vectors)
        now = utcnow()
        with self._store.transaction():
            for c in changes:
                if c.op == OpType.NOOP:
                    continue
                current = self._store.get(c.memory_id)
                if (current.version if current else None) != (c.before.version if c.before else None):
                    raise ConflictError(f"memory {c.memory_id} was changed by another writer "
                                        "while this batch was prepared; nothing was applied. "
                                        "Read it again and retry")
                if c.after is None:
                    self._store.remove(c.memory_id)
                else:
                    emb = next(it) if c.needs_embedding else self._store.embedding(c.memory_id)
                    self._store.put(c.after, emb)
                version = (c.after or c.before).version
                self._store.append_history(batch, c.memory_id, c.history_op, version, c.before,
                                           c.after, actor or c.actor, c.reason, now)

    def _sync(self, ids: Sequence[str], with_queued: bool = False) -> None:
        """Bring the vector index in line with SQLite for ``ids`` (idempotent); with
        ``with_queued``, after an index write of this handle failed, also for the ids left
        queued, so an index that was down or busy (a shared server's write turn) catches
        up on the next write. Only then: other writers' queued ids are theirs to send, and
        sending one alongside them could put back an older vector of it."""
        if not ids or getattr(self._index, "in_store", False):  # committed with the record
            return
        try:
            if with_queued and self._index_behind:
                ids = [*ids, *self._store.pending(limit=1000)]
            ids = list(dict.fromkeys(ids))
            rows = self._store.index_rows(ids)
            live = [(i, *rows[i]) for i in ids if i in rows and rows[i][3] is not None]
            if live:
                self._index.upsert(live)
            gone = [i for i in ids if i not in rows]
            if gone:
                self._index.delete(gone)
            self._store.clear_pending(ids)
            self._index_behind = False
        except Exception as exc:  # the write is committed; the outbox keeps it for a retry
            self._index_behind = True
            log.warning("vector index update failed (%s); %d ids stay queued and are retried "
                        "on the next write or open", exc, len(ids))

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("this Memory is closed; open a new one")

    # -- convenience writes -------------------------------------------------------------------
    def add(self, content: str | bytes | Sequence[Mapping[str, Any]], *,
            user_id: str | None = None, agent_id: str | None = None,
            session_id: str | None = None, kind: Kind | str = Kind.FACT,
            metadata: dict[str, Any] | None = None, event_time: TimeArg = None,
            provenance: Provenance | Mapping[str, Any] | None = None, trust: float | None = None,
            actor: str | None = None, reason: str = "", infer: bool = False,
            llm: Any = "local", manager: Any = None) -> Any:
        """Store ``content`` as it is (no LLM involved) and return the new record.

        As in mem0, ``content`` may also be a list of chat messages: they are stored as
        turns (:meth:`add_messages`) and the list of records comes back. With ``infer``
        (a string is then one user message) the memory manager also derives facts from
        them, as the Agent does in the background: ``manager``, or the default manager
        on ``llm`` (one call).
        """
        if infer or isinstance(content, (list, tuple)):
            if (kind, metadata, event_time, provenance, trust) != (Kind.FACT, None, None, None,
                                                                   None):
                raise InvalidArgumentError(
                    "kind, metadata, event_time, provenance and trust describe one memory; "
                    "messages are stored as turns (pass them without these)")
            messages = ([{"role": "user", "content": content}]
                        if isinstance(content, (str, bytes, bytearray, memoryview)) else content)
            return self.add_messages(messages, user_id=user_id, agent_id=agent_id,
                                     session_id=session_id, actor=actor, infer=infer, llm=llm,
                                     manager=manager)
        return self.add_many([content], user_id=user_id, agent_id=agent_id, session_id=session_id,
                             kind=kind, metadata=metadata, event_time=event_time,
                             provenance=provenance, trust=trust, actor=actor, reason=reason)[0]

    def add_many(self, contents: Iterable[str | bytes], *, user_id: str | None = None,
                 agent_id: str | None = None, session_id: str | None = None,
                 kind: Kind | str = Kind.FACT, metadata: dict[str, Any] | None = None,
                 event_time: TimeArg = None, provenance: Provenance | Mapping[str, Any] | None = None,
                 trust: float | None = None, actor: str | None = None,
                 reason: str = "") -> list[MemoryRecord]:
        """Store several contents in one transaction with one embedding batch."""
        scope = self.resolve_scope(user_id, agent_id, session_id)
        when = _datetime(event_time)
        prov = Provenance.parse(provenance) if provenance is not None else None
        limit = self.config.max_content_chars
        ops = [{"op": "ADD", "content": clean_content(content, limit), "kind": kind, "metadata": metadata,
                "event_time": when, "provenance": prov, "trust": trust, "reason": reason}
               for content in _as_list(contents, "contents")]
        results = self._run(ops, scope, actor, batch=new_id(), name_failed_op=len(ops) > 1)
        return [r.record for r in results]

    def add_messages(self, messages: Sequence[Mapping[str, Any]], *, user_id: str | None = None,
                     agent_id: str | None = None, session_id: str | None = None,
                     session: str | None = None, actor: str | None = None,
                     infer: bool = False, llm: Any = "local",
                     manager: Any = None) -> list[MemoryRecord]:
        """Store chat messages verbatim as turns (kind ``turn``), no LLM involved; with
        ``infer``, the memory manager (``manager``, or the default one on ``llm``) then
        derives facts from the new turns in one call, linked to them, and they are
        returned after the turns.

        ``messages`` are ``{"role": "user"|"assistant"|"system", "content": ...}`` (or
        ``{"speaker": ..., "text": ...}``), optionally with ``"name"`` (the speaker),
        ``"time"`` and ``"turn_id"``. The speaker of a user message is its ``name``, else
        ``user_id``, else "user"; system messages are instructions, not conversation, and
        are skipped, as are messages with no text (an image alone). Every message is
        checked before anything is stored. Facts are derived from turns by a manager:
        :func:`agentmem.ingest.ingest_sessions` or the :class:`~agentmem.Agent`.

        Raises:
            InvalidArgumentError: a message is malformed (its index is named).
        """
        from agentmem.episodic import store_turns

        scope = self.resolve_scope(user_id, agent_id, session_id)
        turns = [t for i, m in enumerate(_as_list(messages, "messages"))
                 if (t := _message_turn(m, i, scope.user_id)) is not None]
        stored = store_turns(self.scoped(**dict(scope.items())), turns,
                             session=session if session is not None else scope.session_id,
                             actor=actor or "messages")
        records = [r for r in stored.records if r is not None]
        said = [(t, r) for t, r, fresh in zip(turns, stored.records, stored.new, strict=True)
                if fresh and r is not None]
        if not infer or not said:
            return records
        from agentmem._plugins import default_policy
        from agentmem.ingest import manage_turns
        from agentmem.llm import get_llm

        if manager is None:
            manager = default_policy("manager", get_llm(llm) if isinstance(llm, str) else llm)
        results, _, _ = manage_turns(self, manager, [t for t, _ in said],
                                     sources=[r for _, r in said], **dict(scope.items()))
        return records + [r.record for r in results
                          if r.op in (OpType.ADD, OpType.UPDATE) and r.record is not None]

    def update(self, memory_id: str, content: str | bytes | None = None, *,
               kind: Kind | str | None = None, metadata: dict[str, Any] | None = None,
               event_time: TimeArg = None, trust: float | None = None, actor: str | None = None,
               reason: str = "") -> MemoryRecord:
        """Change a record (content and/or fields); its version goes up by one."""
        when = _datetime(event_time)
        op = {"op": "UPDATE", "id": memory_id, "content": content, "kind": kind,
              "metadata": metadata, "event_time": when, "trust": trust, "reason": reason}
        return self._run([op], Scope(), actor, batch=new_id(), name_failed_op=False)[0].record

    def delete(self, memory_id: str, *, actor: str | None = None, reason: str = "") -> MemoryRecord:
        """Delete a record and return it as it was; ``restore`` brings it back."""
        op = {"op": "DELETE", "id": memory_id, "reason": reason}
        return self._run([op], Scope(), actor, batch=new_id(), name_failed_op=False)[0].previous

    # -- reads ------------------------------------------------------------------------------
    def get(self, memory_id: str) -> MemoryRecord:
        """Return the record, or raise :class:`MemoryNotFound`."""
        self._check_open()
        record = self._store.get(memory_id)
        if record is None:
            raise MemoryNotFound(f"no memory with id {memory_id!r}"
                                 + ("; it was deleted (see history / restore)"
                                    if self._store.history(memory_id) else ""))
        return record

    def list(self, *, user_id: str | None = None, agent_id: str | None = None,
             session_id: str | None = None, kinds: Any = None, since: TimeArg = None,
             until: TimeArg = None, limit: int = 100, offset: int = 0) -> list[MemoryRecord]:
        """Records of a scope in insertion order (all scopes when none is given)."""
        self._check_open()
        integer_arg("limit", limit, 1)
        integer_arg("offset", offset, 0)
        flt = self._filter(self.resolve_scope(user_id, agent_id, session_id, False), kinds, since, until)
        return self._store.list(flt, limit, offset)

    def quarantined(self, *, user_id: str | None = None, agent_id: str | None = None,
                    session_id: str | None = None, limit: int = 100,
                    offset: int = 0) -> list[MemoryRecord]:
        """Records the consensus guard quarantined or flagged (all scopes when none is
        given), in insertion order; ``metadata['guard_reason']`` / ``['guard_flag']`` say
        why. Release one with :meth:`agentmem.guard.ConsensusGuard.release`."""
        self._check_open()
        integer_arg("limit", limit, 1)
        integer_arg("offset", offset, 0)
        flt = self._filter(self.resolve_scope(user_id, agent_id, session_id, False), None,
                           None, None)
        return self._store.flagged(flt, limit, offset)

    def count(self, *, user_id: str | None = None, agent_id: str | None = None,
              session_id: str | None = None, kinds: Any = None,
              by: Literal["kind", "user_id", "agent_id", "session_id"] | None = None
              ) -> int | dict[str, int]:
        """How many records a scope holds (all scopes when none is given); with ``by``,
        the counts per kind, user, agent or session instead (for pages and reports)."""
        self._check_open()
        flt = self._filter(self.resolve_scope(user_id, agent_id, session_id, False), kinds,
                           None, None)
        if by is None:
            return self._store.count(flt)
        choice_arg("by", by, ("kind", "user_id", "agent_id", "session_id"))
        return self._store.count_by(by, flt)

    def search(self, query: str, *, k: int = 10, user_id: str | None = None,
               agent_id: str | None = None, session_id: str | None = None, kinds: Any = None,
               since: TimeArg = None, until: TimeArg = None,
               query_embedding: np.ndarray | Sequence[float] | None = None,
               mode: Literal["hybrid", "vector", "keyword"] = "hybrid",
               include_quarantined: bool = False, include_archived: bool = False,
               expand_links: bool = False) -> list[SearchHit]:
        """Hybrid search: vector and BM25 rankings fused by reciprocal rank.

        The keyword side of a hybrid search looks only for the query's words that fewer
        than half of the searched records hold (:func:`agentmem.store.base.telling_terms`:
        the user's own name in their memory tells nothing, and ranked by it every record
        naming them would come before one that says "I"); ``mode="keyword"`` looks for
        every word.

        Only records whose scope matches every given scope field are returned; time
        filters apply to ``event_time`` when set, else ``created_at``. Memories the
        consensus guard quarantined are left out unless ``include_quarantined``, and
        memories forgetting archived (:mod:`agentmem.retention`) unless ``include_archived``.
        With ``expand_links``, records linked to the top ``k`` (in either direction, see
        :mod:`agentmem.structures.notes`) follow them, each with ``via`` naming the hit it hangs off;
        links are followed whatever the linked record's kind (a topic summary brings its
        turns), within the scope.
        """
        self._check_open()
        if not isinstance(query, str) or not query.strip():
            raise InvalidArgumentError("query is empty; pass the text to search for")
        integer_arg("k", k, 1, 1000)
        if mode not in ("hybrid", "vector", "keyword"):
            raise InvalidArgumentError(f"mode must be hybrid, vector or keyword, got {mode!r}")
        flt = self._filter(self.resolve_scope(user_id, agent_id, session_id), kinds, since, until)
        n = max(self.config.candidates, k)
        vec_hits: list[tuple[str, float]] = []
        if mode != "keyword":
            if query_embedding is None:
                query_embedding = self._embed([query])[0]
            query_embedding = np.asarray(query_embedding, np.float32)
            if query_embedding.shape != (self.embedder.dim,):
                raise InvalidArgumentError(f"query_embedding has shape {query_embedding.shape}, "
                                           f"expected ({self.embedder.dim},)")
        if mode == "hybrid" and self._exact is None and getattr(self._index, "in_store", False):
            # Vectors live beside the text (Postgres): both rankings in one round trip.
            vec_hits, kw_ids, read = self._store.hybrid_search(query_embedding, query, flt, n)
        else:
            read = self._store.get_many
            if mode != "keyword":
                exact = self._exact.query(query_embedding, n, flt) if self._exact else None
                vec_hits = exact if exact is not None else self._index.query(
                    query_embedding, n, flt)
            kw_ids = (self._store.keyword_search(query, flt, n, telling_only=mode == "hybrid")
                      if mode != "vector" else [])
        hidden = tuple(flag for flag, shown in (("quarantined", include_quarantined),
                                                 ("archived", include_archived)) if not shown)
        hits = self._fuse(vec_hits, kw_ids, flt.scope, k, hidden, read)
        return self._expand(hits, flt, hidden) if expand_links else hits

    def _expand(self, hits: list[SearchHit], flt: Filter,
                hidden: tuple[str, ...]) -> list[SearchHit]:
        seen = {h.id: h for h in hits}
        extra: dict[str, str] = {}
        for a, b, _ in self._store.links(list(seen), flt.scope):
            for hit_id, other in ((a, b), (b, a)):
                if hit_id in seen and other not in seen:
                    extra.setdefault(other, hit_id)
        records = self._store.get_many(list(extra))
        out = list(hits)
        for mid, via in extra.items():
            rec = records.get(mid)
            if rec is None or not flt.scope.matches(rec.scope) or (
                    _hidden(rec, hidden)):
                continue
            out.append(SearchHit(record=rec, score=seen[via].score / 2, via=via))
        return out

    def where(self, field: str, value: str, *, user_id: str | None = None,
              agent_id: str | None = None, session_id: str | None = None,
              kinds: Any = None, prefix: bool = False) -> list[MemoryRecord]:
        """Records whose ``metadata[field]`` equals the string ``value`` (with ``prefix``:
        starts with it), in insertion order (how structures find their parts: the nodes of
        one task, the topics of a session, the items under one store namespace)."""
        self._check_open()
        if not isinstance(value, str):
            raise InvalidArgumentError(f"value must be a string, got {type(value).__name__}")
        flt = self._filter(self.resolve_scope(user_id, agent_id, session_id, False), kinds, None,
                           None)
        if not prefix:
            return self._store.records_where(flt, field, value)
        records = self._store.records_with_metadata_prefix(flt.scope, field, value)
        return [r for r in records if not flt.kinds or r.kind.value in flt.kinds]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored (unit) vectors of ``ids``; ids without one, or gone, are left out.
        Comparing stored memories needs no embedding call."""
        self._check_open()
        rows = self._store.index_rows(list(dict.fromkeys(ids))) if ids else {}
        return {i: row[3] for i, row in rows.items() if row[3] is not None}

    def similarities(self, query: str, ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of ``query`` to each stored record of ``ids`` (ids without a
        vector are left out): for ranking a candidate set the caller chose itself."""
        self._check_open()
        if not ids:
            return {}
        query_vector = self._embed([query])[0]
        rows = self._store.index_rows(list(ids))
        return {i: float(np.dot(rows[i][3], query_vector)) for i in ids
                if i in rows and rows[i][3] is not None}

    def _fuse(self, vec_hits: list[tuple[str, float]], kw_ids: list[str], scope: Scope,
              k: int, hidden: tuple[str, ...] = HIDDEN_FLAGS,
              read: RecordReader | None = None) -> list[SearchHit]:
        rk = self.config.rrf_k
        scores: dict[str, float] = {}
        info: dict[str, dict[str, Any]] = {}
        for rank, (mid, dist) in enumerate(vec_hits, 1):
            scores[mid] = scores.get(mid, 0.0) + 1.0 / (rk + rank)
            info.setdefault(mid, {})["vector_rank"], info[mid]["distance"] = rank, dist
        for rank, mid in enumerate(kw_ids, 1):
            scores[mid] = scores.get(mid, 0.0) + 1.0 / (rk + rank)
            info.setdefault(mid, {})["keyword_rank"] = rank
        ranked = sorted(scores, key=lambda m: -scores[m])[: k * 3]
        hits: list[SearchHit] = []
        # Records are read k at a time: usually the first k are all shown, and reading
        # (and parsing) three times as many would be most of a search's cost.
        for start in range(0, len(ranked), k):
            chunk = ranked[start:start + k]
            records = (read or self._store.get_many)(chunk)
            for mid in chunk:
                rec = records.get(mid)
                if rec is not None and _hidden(rec, hidden):
                    continue
                # Scope is checked again here so isolation never rests on the index alone.
                if rec is not None and scope.matches(rec.scope):
                    hits.append(SearchHit(record=rec, score=scores[mid], **info[mid]))
                if len(hits) == k:
                    return hits
        return hits

    # -- history and recovery ----------------------------------------------------------------
    def history(self, memory_id: str) -> list[HistoryEntry]:
        """Every change to a memory, oldest first (kept after deletion)."""
        self._check_open()
        entries = self._store.history(memory_id)
        if not entries:
            raise MemoryNotFound(f"no memory with id {memory_id!r} has ever existed here")
        return entries

    def history_cursor(self) -> int:
        """A position in the whole history; :meth:`history_since` returns what came after."""
        self._check_open()
        return self._store.history_count()

    def history_since(self, cursor: int) -> tuple[list[HistoryEntry], int]:
        """Every change (all scopes) after ``cursor``, oldest first, and the new cursor."""
        self._check_open()
        if not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < 0:
            raise InvalidArgumentError(f"cursor must be an int >= 0 from history_cursor(), "
                                       f"got {cursor!r}")
        entries = self._store.history_since(cursor)
        return entries, cursor + len(entries)

    def restore(self, memory_id: str, version: int | None = None, *, actor: str | None = None,
                reason: str = "") -> MemoryRecord:
        """Bring back a memory as it was at ``version`` (default: its last version).

        The restored state becomes a new version; history keeps everything.
        """
        entries = self.history(memory_id)
        states = {e.after.version: e.after for e in entries if e.after is not None}
        if version is None:
            version = max(states)
        if version not in states:
            raise MemoryNotFound(f"memory {memory_id!r} has no version {version}; "
                                 f"versions: {sorted(states)}")
        target = states[version]
        op = WriteBack(memory_id, target, "RESTORE", reason or f"restore version {version}")
        return self._run([op], Scope(), actor, batch=new_id(), name_failed_op=False)[0].record

    def undo(self, batch: str, *, actor: str | None = None) -> list[OpResult]:
        """Reverse every change of one batch (an ``apply`` call, a ``reset``), newest first."""
        self._check_open()
        entries = self._store.history_batch(batch)
        if not entries:
            raise InvalidArgumentError(f"no history batch {batch!r}")
        ops = [WriteBack(e.memory_id, e.before, "UNDO", f"undo batch {batch}")
               for e in reversed(entries)]
        return self._run(ops, Scope(), actor, batch=new_id(), name_failed_op=True)

    def reset(self, *, user_id: str | None = None, agent_id: str | None = None,
              session_id: str | None = None, all_scopes: bool = False,
              reason: str = "reset") -> ResetResult:
        """Delete every record of a scope (or of all scopes with ``all_scopes=True``).

        Nothing is asked; everything is logged as one batch that ``undo`` reverses.
        """
        scope = self.resolve_scope(user_id, agent_id, session_id, required=False)
        if scope.is_empty and not all_scopes:
            raise InvalidScopeError("reset needs a scope (user_id=, agent_id=, session_id=) or "
                                    "all_scopes=True")
        ids = self._store.ids(Filter(scope=scope))
        batch = new_id()
        self._run([{"op": "DELETE", "id": i, "reason": reason} for i in ids], Scope(), None,
                  batch=batch, name_failed_op=True)
        return ResetResult(batch=batch, deleted=len(ids))

    # -- export / import ------------------------------------------------------------------------
    def export_jsonl(self, dest: str | Path | IO[str], *, user_id: str | None = None,
                     agent_id: str | None = None, session_id: str | None = None) -> int:
        """Write records as JSON lines (``{"type": "record", "data": {...}}``); return the count."""
        from agentmem._jsonl import export_records

        self._check_open()
        flt = Filter(scope=self.resolve_scope(user_id, agent_id, session_id, required=False))
        return export_records(self._store, flt, dest)

    def import_jsonl(self, src: str | Path | IO[str], *,
                     on_conflict: Literal["error", "skip", "replace"] = "error",
                     actor: str | None = None) -> int:
        """Read an export back, ids and timestamps unchanged. All lines or none.

        Raises:
            InvalidArgumentError: a line is not a valid record (its number is named),
                or an id already exists and ``on_conflict="error"``.
        """
        from agentmem._jsonl import read_records

        self._check_open()
        choice_arg("on_conflict", on_conflict, ("error", "skip", "replace"))
        records = read_records(src, self.config.max_content_chars)
        ops = []
        for line, rec in records:
            exists = self._store.get(rec.id) is not None
            if exists and on_conflict == "error":
                raise InvalidArgumentError(
                    f"line {line}: memory {rec.id} already exists; nothing was imported. Use "
                    "on_conflict='skip' or 'replace' (CLI: --on-conflict)")
            if exists and on_conflict == "skip":
                continue
            ops.append(WriteBack(rec.id, rec, "IMPORT", "import", keep_version=True))
        self._run(ops, Scope(), actor, batch=new_id(), name_failed_op=True)
        return len(ops)

    def copy_to(self, target: "Memory") -> dict[str, int]:
        """Copy this whole store into an empty ``target`` of any backend (SQLite home,
        Postgres, ``:memory:``) with ids, versions, times, vectors, the full history (batch
        ids, actors, reasons, timestamps, in order) and per-scope state unchanged: what
        ``agentmem migrate`` runs. One transaction on the target: all or nothing.

        Raises:
            InvalidArgumentError: ``target`` is this store, is not empty, or uses another
                embedder (vectors of different models cannot be mixed).
        """
        self._check_open()
        target._check_open()
        if target is self:
            raise InvalidArgumentError("copy_to needs another store as target")
        if target.embedder.spec() != self.embedder.spec():
            raise InvalidArgumentError(
                f"the target uses embedder {target.embedder.spec()} but this store was built "
                f"with {self.embedder.spec()}; open the target with the same embedder")
        if target._store.count() or target._store.history_count():
            raise InvalidArgumentError("the target store is not empty; migrate into a new home "
                                       "or an empty database, nothing was copied")
        vectors = {row[0]: row[4] for rows in self._store.iter_index_rows() for row in rows}
        entries = self._store.history_since(0)
        # Per-scope state (re-ranker weights, ...); the store's own keys stay the target's.
        state = [(k, v) for k, v in self._store.meta_items()
                 if k not in ("schema_version", "embedder")]
        scopes: set[Scope] = set()
        with target._write_lock, target._store.transaction():
            for offset in range(0, self._store.count(), 1000):
                for rec in self._store.list(Filter(), limit=1000, offset=offset):
                    target._store.put(rec, vectors.get(rec.id))
                    scopes.add(rec.scope)
            for e in entries:
                target._store.append_history(e.batch, e.memory_id, e.op, e.version, e.before,
                                             e.after, e.actor, e.reason, e.at)
            for key, value in state:
                target._store.set_meta(key, value)
        if target._exact is not None:
            target._exact.invalidate(scopes)
        target._sync(target._store.pending())
        return {"records": target._store.count(), "history_entries": len(entries),
                "vectors": len(vectors), "state": len(state)}

    # -- small per-scope state (e.g. a re-ranker's weights) -------------------------------------
    def scope_state(self, scope: Scope, name: str) -> dict[str, Any] | None:
        """The JSON object stored under ``name`` for ``scope`` (``None`` when there is none).

        State lives beside the records, not in them: it is neither versioned nor exported.
        """
        self._check_open()
        stored = self._store.meta(_state_key(scope, name))
        return json.loads(stored) if stored else None

    def set_scope_state(self, scope: Scope, name: str, value: Mapping[str, Any]) -> None:
        """Store a JSON object under ``name`` for ``scope`` (replacing the old one)."""
        self._check_open()
        try:
            text = json.dumps(dict(value), sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"state {name!r} is not JSON-serialisable: {exc}") from None
        self._store.set_meta(_state_key(scope, name), text)

    # -- health ----------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts by kind and user, history size, index size and pending index work."""
        self._check_open()
        return {
            "home": self._store.path if self.postgres else self.config.home,
            "records": self._store.count(),
            "by_kind": self._store.count_by("kind"),
            "by_user": self._store.count_by("user_id"),
            "history_entries": self._store.history_count(),
            "index_vectors": self._index.count(),
            "index_pending": len(self._store.pending()),
            "embedder": self.embedder.spec(),
            "vector_store": ("postgres" if self.postgres else
                             "chroma-server" if self.config.vector_store.server_mode else
                             "numpy" if self.config.in_memory or
                             self.config.vector_store.provider == "memory" else "chroma"),
        }

    def verify(self, repair: bool = False) -> dict[str, list[str]]:
        """Compare the vector index with SQLite; with ``repair`` fix both directions.

        ``orphan_vectors`` belong to records this store deleted: repair removes them.
        ``unknown_vectors`` belong to ids this store has never held (the index is shared,
        or ``agentmem.db`` was replaced): their records may live elsewhere, so repair
        leaves them alone; remove them deliberately with ``reset`` or a new home."""
        self._check_open()
        self._sync(self._store.pending())
        stored, indexed = set(self._store.ids()), self._index.ids()
        strays = indexed - stored
        known = {i for i in strays if self._store.history(i)}
        report = {"missing_vectors": sorted(stored - indexed), "orphan_vectors": sorted(known),
                  "unknown_vectors": sorted(strays - known)}
        if repair:
            self._sync(report["missing_vectors"] + report["orphan_vectors"])
        return report
