"""An agent with memory: a LangGraph graph of retrieve -> guard -> answer -> manage -> reflect.

The guard node runs the guard (:mod:`agentmem.guard`) when one is given; the reflect node
keeps the thread's turns in the checkpointed state, and :meth:`Agent.end_session`
turns them into topic and session summaries (:mod:`agentmem.structures.summaries`), which
later retrievals return next to facts, each hit marked with its granularity.

The answer is returned before memory is written: ``manage`` hands the turn to a
background worker with a bounded queue, and :meth:`Agent.flush` waits for it.
``agentmem`` defines the policy Protocols and imports no implementation: the
default policies are found through the ``agentmem.policies`` entry points.
"""

from __future__ import annotations

import asyncio
import logging
import operator
import queue
import sqlite3
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypedDict

from agentmem.episodic import store_turns, turn_content
from agentmem.errors import InvalidArgumentError, InvalidContentError, missing
from agentmem.ingest import RELATED_FACTS, manage_turns
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.protocols import AnswerPolicy, MemoryManager, Turn
from agentmem.recall import DIRECT_HITS, recall
from agentmem.records import clean_content, new_id, utcnow
from agentmem.store.postgres import is_database_url

__all__ = ["Agent", "TurnResult", "default_checkpoints", "open_checkpointer", "thread_turns"]

log = logging.getLogger("agentmem.agent")


class _State(TypedDict, total=False):
    message: str
    user_id: str
    thread_id: str
    said: dict  # the message's own turn record, stored before anything can fail
    retrieved: list[dict]
    answer: str
    cited: list[str]
    usage: dict
    quarantined: list[str]
    turns: Annotated[list[dict], operator.add]


@dataclass
class TurnResult:
    """The reply to one message, what it rested on, and what the answer cost."""

    answer: str
    cited_ids: list[str]
    retrieved_ids: list[str]
    usage: Usage = field(default_factory=Usage)
    quarantined_ids: list[str] = field(default_factory=list)


_NOTHING = object()


class _Writer:
    """A background thread applying manager decisions; the queue is bounded.

    Turns that queued up while the manager was busy are decided together, up to
    ``batch`` turns of one user per LLM call, so a burst of messages costs fewer calls.
    """

    def __init__(self, memory: Memory, manager: MemoryManager, size: int, k: int, guard: Any,
                 batch: int = 4):
        self.memory, self.manager, self.k, self.guard = memory, manager, k, guard
        self.batch = batch
        self.queue: queue.Queue = queue.Queue(maxsize=size)
        self.errors: list[str] = []
        self.usage = Usage()
        self._thread = threading.Thread(target=self._run, name="agentmem-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        held: Any = _NOTHING  # an item taken while batching that belongs to the next batch
        while True:
            first = self.queue.get() if held is _NOTHING else held
            held = _NOTHING
            if first is None:  # close()
                self.queue.task_done()
                return
            batch = [first]
            while len(batch) < self.batch:
                try:
                    nxt = self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None or nxt[1] != first[1]:  # stop, or another user's turn
                    held = nxt
                    break
                batch.append(nxt)
            try:
                _, _, usage = manage_turns(self.memory, self.manager, [t for t, _, _ in batch],
                                           k=self.k, guard=self.guard,
                                           sources=[s for _, _, s in batch], user_id=first[1])
                self.usage = self.usage + usage
            except Exception as exc:  # noqa: BLE001 - nothing may stop the writer (flush waits)
                self.errors.append(f"{type(exc).__name__}: {exc}")
                log.warning("memory write for %d turn(s) failed: %s", len(batch), exc)
            finally:
                for _ in batch:
                    self.queue.task_done()

    def close(self) -> None:
        self.queue.put(None)
        self._thread.join()


def thread_turns(saver: Any, thread_id: str | None = None) -> Any:
    """The finished turns in a checkpointer, oldest first: for each, its thread, the
    message, the memories retrieved (as records' JSON), the ids cited, the answer, what
    the guard set aside and the turn record stored. Without ``thread_id``: the ids of
    the threads there are, newest first."""
    if thread_id is None:
        seen: dict[str, None] = {}
        for c in saver.list(None):
            seen.setdefault(c.config["configurable"]["thread_id"], None)
        return list(seen)
    out = []
    for c in saver.list({"configurable": {"thread_id": thread_id}}):
        values = c.checkpoint.get("channel_values", {})
        # A finished turn: the graph has nothing left to run (no pending branch, no input).
        if "message" in values and "answer" in values and not any(
                k.startswith("branch:") or k == "__start__" for k in values):
            out.append({"thread_id": thread_id, "message": values["message"],
                        "retrieved": values.get("retrieved", []),
                        "cited": values.get("cited", []), "answer": values.get("answer", ""),
                        "quarantined": values.get("quarantined", []),
                        "said": values.get("said"), "step": c.metadata.get("step")})
    return out[::-1]


def default_checkpoints(memory: Memory) -> str | Path | None:
    """Where an :class:`Agent` on ``memory`` keeps its threads by default: the memory's own
    Postgres database, ``threads.db`` in its home, or nowhere (``:memory:``)."""
    if memory.postgres:
        return memory.config.store
    return (memory.home / "threads.db") if memory.home else None


def open_checkpointer(location: str | Path) -> tuple[Any, Any]:
    """LangGraph's checkpointer on a SQLite file or a ``postgresql://`` URL, and the
    connection it holds (close it when done)."""
    if is_database_url(str(location)):
        return _postgres_saver(str(location))
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(str(location), check_same_thread=False)
    return SqliteSaver(conn), conn


def _postgres_saver(url: str) -> tuple[Any, Any]:
    """LangGraph's Postgres checkpointer on ``url`` (its tables made if missing), and the
    connection it holds, so threads resume from any process or host."""
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
    except ImportError:
        raise missing("langgraph-checkpoint-postgres", "postgres",
                      "Keeping agent threads in Postgres") from None
    try:  # the settings PostgresSaver documents for a connection it does not own
        conn = psycopg.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    except psycopg.Error as exc:
        from agentmem.errors import StoreError

        raise StoreError(f"cannot open the checkpoint database: "
                         f"{str(exc).strip().splitlines()[0]}") from None
    saver = PostgresSaver(conn)
    saver.setup()
    return saver, conn


def _shut_down(writer: _Writer | None, conn: Any) -> None:
    if writer is not None:
        writer.close()
    if conn is not None:
        conn.close()


class Agent:
    """Chat with memory in a few lines.

    Example:
        >>> agent = Agent(user_id="ana")            # doctest: +SKIP
        >>> agent.chat("I adopted a beagle called Biscuit."); agent.flush()
        >>> agent.chat("What is my dog called?").answer

    Args:
        llm: the model for the default policies: ``"local"`` (default),
            ``"openai:gpt-4o-mini"``, ``"anthropic:..."`` or an LLM object.
        memory: the :class:`Memory` to use (default: ``Memory()`` on the embedded store).
        user_id: the default user.
        answerer: an :class:`~agentmem.protocols.AnswerPolicy` replacing the default.
        manager: a :class:`~agentmem.protocols.MemoryManager` replacing the default.
        manage_memory: write memory after each turn (False: read-only agent). Each user
            message is stored verbatim at once (kind ``turn``); the manager's facts, linked
            to it, follow in the background.
        k: the top memories per message that bring their surroundings (a turn its
            neighbours); more hits fill the rest of ``context_tokens`` (see
            :func:`agentmem.recall.recall`).
        checkpoints: where LangGraph's checkpointer keeps threads: a SQLite file or a
            ``postgresql://`` URL (default: ``threads.db`` in the memory home, or the memory's
            own Postgres database; ``None`` keeps threads in memory).
        max_message_chars: longer messages are refused before any work is done.
        rerank: retrieve 3k candidates and order them with a per-user re-ranker that learns
            from the answer policy's citations (see :mod:`agentmem.rerank`).
        guard: ``True`` or a :class:`~agentmem.guard.ConsensusGuard`: retrieved memories the
            guard sets aside (instructions, untrusted contradictions of the user's words,
            contradictions that do not say anything changed) are quarantined before the
            answer, and new facts pass the write check.
    """

    def __init__(self, llm: Any = "local", *, memory: Memory | None = None,
                 user_id: str = "default", answerer: AnswerPolicy | None = None,
                 manager: MemoryManager | None = None, manage_memory: bool = True, k: int = DIRECT_HITS,
                 checkpoints: str | Path | None = "auto", queue_size: int = 64,
                 max_message_chars: int = 16_000, rerank: bool = False, guard: Any = None,
                 context_tokens: int = 500):
        try:
            import langgraph.checkpoint.sqlite  # noqa: F401 - open_checkpointer's default
            from langgraph.checkpoint.memory import InMemorySaver
            from langgraph.graph import END, START, StateGraph
        except ImportError:
            raise missing("langgraph-checkpoint-sqlite", "agent", "The agent runtime") from None
        if k < 1 or context_tokens < 1:
            raise InvalidArgumentError(f"k and context_tokens must be >= 1, got {k}, "
                                       f"{context_tokens}")
        # The model the Agent was built on; summaries are written by it, not by a trained
        # answer adapter (which learnt to answer questions, nothing else).
        self._llm: Any = None if isinstance(llm, str) else llm  # a string loads only if needed
        if answerer is None or (manage_memory and manager is None):
            from agentmem._plugins import default_policy
            from agentmem.llm import get_llm

            shared = self._llm = get_llm(llm)  # one model, loaded once, for both policies
            answerer = answerer or default_policy("answerer", shared)
            if manage_memory and manager is None:
                manager = default_policy("manager", shared)
        self.memory = memory or Memory()
        self.answerer, self.user_id, self.k = answerer, user_id, k
        self.max_message_chars = max_message_chars
        self.manage_memory, self.context_tokens = manage_memory, context_tokens
        self.rerank = rerank
        self._rerankers: dict[str, Any] = {}
        if guard is True:
            from agentmem.guard import ConsensusGuard

            guard = ConsensusGuard(self.memory)
        self.guard = guard or None
        self._writer = (_Writer(self.memory, manager, queue_size, RELATED_FACTS, self.guard)
                        if manage_memory and manager else None)
        if checkpoints == "auto":
            checkpoints = default_checkpoints(self.memory)
        if checkpoints is None:
            saver = InMemorySaver()
            self._conn = None
        else:
            saver, self._conn = open_checkpointer(checkpoints)
        # An agent nobody closed is closed at interpreter exit: the writer finishes what is
        # queued (those turns are acknowledged) before the model's threads are torn down;
        # a thread still inside the model at exit aborts the process.
        self._finalizer = weakref.finalize(self, _shut_down, self._writer, self._conn)
        graph = StateGraph(_State)
        for name in ("retrieve", "guard", "answer", "manage", "reflect"):
            graph.add_node(name, getattr(self, f"_{name}"))
        graph.add_edge(START, "retrieve")
        for a, b in (("retrieve", "guard"), ("guard", "answer"), ("answer", "manage"),
                     ("manage", "reflect")):
            graph.add_edge(a, b)
        graph.add_edge("reflect", END)
        self.graph = graph.compile(checkpointer=saver)

    # -- nodes -------------------------------------------------------------------------------
    def _reranker(self, user_id: str):
        if user_id not in self._rerankers:
            from agentmem.records import Scope
            from agentmem.rerank import Reranker

            self._rerankers[user_id] = Reranker(self.memory, Scope(user_id=user_id))
        return self._rerankers[user_id]

    def _retrieve(self, state: _State) -> _State:
        user = state["user_id"]
        hits = recall(self.memory, state["message"], k=self.k, max_tokens=self.context_tokens,
                      rerank=self._reranker(user).rerank if self.rerank else None, user_id=user)
        # stored after the search (a message does not recall itself), before the answer
        return {"retrieved": [h.model_dump(mode="json") for h in hits],
                "said": self._store_message(state)}

    def _guard(self, state: _State) -> _State:
        if self.guard is None:
            return {}
        from agentmem.operations import SearchHit

        hits = [SearchHit.model_validate(h) for h in state.get("retrieved", [])]
        decision = self.guard.filter(state["message"], hits, scope={"user_id": state["user_id"]},
                                     quarantine=True)
        return {"retrieved": [h.model_dump(mode="json") for h in decision.kept],
                "quarantined": [h.id for h in decision.quarantined]}

    def _answer(self, state: _State) -> _State:
        from agentmem.operations import SearchHit

        hits = [SearchHit.model_validate(h) for h in state.get("retrieved", [])]
        ans = self.answerer.answer(state["message"], [h.record for h in hits], now=utcnow())
        if self.rerank:
            self._reranker(state["user_id"]).update(hits, ans.cited_ids)
        u = ans.usage
        return {"answer": ans.text, "cited": ans.cited_ids,
                "usage": {"calls": u.calls, "prompt_tokens": u.prompt_tokens,
                          "completion_tokens": u.completion_tokens}}

    def _manage(self, state: _State) -> _State:
        if self._writer is not None and state.get("said"):
            from agentmem.records import MemoryRecord

            record = MemoryRecord.model_validate(state["said"])
            turn = Turn(speaker=state["user_id"], text=state["message"],
                        time=record.event_time, turn_id=record.metadata.get("turn_id"))
            self._writer.queue.put((turn, state["user_id"], record))  # blocks only when full
        return {}

    def _store_message(self, state: _State) -> dict | None:
        """Keep the message verbatim now (an embedding and one SQLite transaction, no LLM),
        before the answer is made, so nothing the user said waits on, or is lost by, the
        answer or the manager. The speaker is the user's id: facts name the person."""
        if not self.manage_memory:
            return None
        user, thread = state["user_id"], state.get("thread_id", "default")
        turn = Turn(speaker=user, text=state["message"], time=utcnow(),
                    turn_id=f"{user}/{thread}:{new_id()}")
        record = store_turns(self.memory.scoped(user_id=user), [turn], session=thread,
                             actor="agent").records[0]
        return record.model_dump(mode="json") if record is not None else None

    def _reflect(self, state: _State) -> _State:
        # The thread's transcript, checkpointed with the thread: end_session summarises it.
        now = utcnow().isoformat()
        return {"turns": [{"speaker": state["user_id"], "text": state["message"], "time": now},
                          {"speaker": "assistant", "text": state.get("answer", ""),
                           "time": now}]}

    def end_session(self, thread_id: str = "default", *, user_id: str | None = None,
                    llm: Any = None) -> Any:
        """Summarise the thread's turns into topic and session memories (prospective
        reflection) and return the :class:`~agentmem.structures.summaries.SessionSummary`.

        ``llm`` writes the summaries (default: the model the Agent was built on, without
        any adapter, when it was given as an LLM or loaded for a default policy; else the
        answer policy's model when it has one; else extractive summaries with no model).
        The thread id becomes the session id.
        """
        from agentmem.structures.summaries import SessionSummarizer

        turns = [t for t in self.last_state(thread_id).get("turns", []) if t.get("text")]
        if not turns:
            raise InvalidArgumentError(f"thread {thread_id!r} has no turns to summarise")
        self.flush()
        model = llm if llm is not None else (
            self._llm if self._llm is not None else getattr(self.answerer, "llm", None))
        summarizer = SessionSummarizer(self.memory, model, user_id=user_id or self.user_id)
        return summarizer.summarize(turns, session_id=thread_id)

    # -- public ------------------------------------------------------------------------------
    def chat(self, message: str, *, user_id: str | None = None,
             thread_id: str = "default") -> TurnResult:
        """Answer ``message`` from memory; memory is updated in the background."""
        config, inputs = self._inputs(message, user_id, thread_id)
        state = self.graph.invoke(inputs, config)
        return TurnResult(answer=state.get("answer", ""), cited_ids=state.get("cited", []),
                          retrieved_ids=[h["record"]["id"] for h in state.get("retrieved", [])],
                          usage=Usage(**state.get("usage", {})),
                          quarantined_ids=state.get("quarantined", []))

    def _inputs(self, message: str, user_id: str | None, thread_id: str) -> tuple[dict, dict]:
        if not isinstance(message, str) or not message.strip():
            raise InvalidArgumentError("message is empty; pass some text")
        if len(message) > self.max_message_chars:
            raise InvalidContentError(
                f"message is {len(message):,} characters, over the limit of "
                f"{self.max_message_chars:,}; split it or raise Agent(max_message_chars=...)")
        if self.manage_memory:  # the message is kept verbatim: it must be storable as it is
            clean_content(turn_content(Turn(speaker=user_id or self.user_id, text=message)),
                          self.memory.config.max_content_chars)
        return ({"configurable": {"thread_id": thread_id}},
                {"message": message, "user_id": user_id or self.user_id, "thread_id": thread_id})

    def stream(self, message: str, *, user_id: str | None = None, thread_id: str = "default"):
        """Yield ``(node, update)`` pairs as the graph runs."""
        config, inputs = self._inputs(message, user_id, thread_id)
        for chunk in self.graph.stream(inputs, config, stream_mode="updates"):
            yield from chunk.items()

    async def achat(self, message: str, **kwargs: Any) -> TurnResult:
        """:meth:`chat` as a coroutine (the same code, in a worker thread)."""
        return await asyncio.to_thread(self.chat, message, **kwargs)

    async def astream(self, message: str, *, user_id: str | None = None,
                      thread_id: str = "default"):
        """Async :meth:`stream`: the same graph run in a worker thread, updates as they come.

        (LangGraph's SQLite checkpointer is synchronous, so the graph itself runs sync.)
        """
        self._inputs(message, user_id, thread_id)  # refuse bad input before starting a thread
        loop = asyncio.get_running_loop()
        updates: asyncio.Queue = asyncio.Queue()
        end = object()

        def produce() -> None:
            try:
                for item in self.stream(message, user_id=user_id, thread_id=thread_id):
                    loop.call_soon_threadsafe(updates.put_nowait, item)
            except BaseException as exc:  # handed to the consumer and re-raised there
                loop.call_soon_threadsafe(updates.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(updates.put_nowait, end)

        worker = asyncio.ensure_future(asyncio.to_thread(produce))
        while (item := await updates.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
        await worker

    def last_state(self, thread_id: str = "default") -> dict[str, Any]:
        """The checkpointed state of a thread (survives restarts with a SQLite checkpointer)."""
        return dict(self.graph.get_state({"configurable": {"thread_id": thread_id}}).values)

    def flush(self) -> list[str]:
        """Wait until every queued memory write is done; return the errors seen so far."""
        if self._writer is not None:
            self._writer.queue.join()
            return list(self._writer.errors)
        return []

    @property
    def write_usage(self) -> Usage:
        """LLM usage of the background memory manager."""
        return self._writer.usage if self._writer else Usage()

    def close(self) -> None:
        """Finish the queued memory writes and release the thread store (also run at
        interpreter exit for an agent that was never closed)."""
        self._finalizer()
        self._writer = None
        self._conn = None

    def __enter__(self) -> "Agent":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
