"""Memory QA, several systems side by side on the same conversations and the same LLM.

Systems (each answers with the same answer policy and model; only what it is
shown differs):

============  =====================================================================
``none``      no memory at all
``full``      full context: the most recent turns that fit the model's window
``rag``       naive RAG: every raw turn stored, the top ``k`` retrieved per question
``agentmem``  what ``agentmem ingest`` and the Agent build: every turn verbatim, then the
              prompted manager's facts (one call per turn) linked to their turns;
              per question the top ``k`` across layers, facts with their turns,
              within 500 tokens (:func:`agentmem.recall.recall`)
``agentmem-episodic``  the same with the turns alone (no manager): an ablation
``oracle``    the gold evidence turns: the ceiling for this answer model
``mem0``      the peer Mem0 (``mem0ai``), same LLM (served over local HTTP) and embedder
``a-mem``     the peer A-MEM (``a-mem``), same LLM and the same MiniLM weights
============  =====================================================================

Metrics per system: token F1, BLEU-1 and exact match per category and overall;
recall@k of the gold evidence turns in what the system showed the answer policy;
LLM calls and tokens per ingested turn and per question; latency p50/p95.
The peers run only when asked for (``systems=[..., "mem0", "a-mem"]``) and their
packages are installed (see :mod:`training.eval.peers` and docs/environments.md);
otherwise the summary lists them under ``skipped`` with the reason.

The systems share the contract in :mod:`training.eval.systems`; this module looks
the peers up in :mod:`training.eval.peers`, which imports nothing from here.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from agentmem.conversations import Session, first_turns
from agentmem.errors import InvalidArgumentError
from agentmem.llm.base import Usage
from agentmem.memory import Memory
from agentmem.progress import track
from agentmem.recall import DEDUPE, NEIGHBOURS, PER_PERSON, context_tokens, recall
from agentmem.records import Kind, MemoryRecord, Provenance, Scope, SourceType
from envs.memqa import CATEGORIES, load_locomo
from envs.scoring import bleu1, exact_match, token_f1
from training.eval.peers import PEERS, PeerServer, PeerSystem, make_peer, require_peer, skip_reason
from training.eval.stats import bootstrap_ci
from training.eval.systems import IngestStats, System, memory_factory

__all__ = ["SYSTEMS", "BASELINES", "ABLATIONS", "run_qa", "QAResult", "summarize",
           "evidence_recall", "rag_at_budget", "agentmem_contexts",
           "evidence_turns", "source_turns"]

SYSTEMS = ("none", "full", "rag", "agentmem", "oracle")
#: Parts of the agentmem system measured alone (run only when asked for): turns only,
#: turns without their neighbours in the context, without neighbours (the same store),
#: without showing the core profile, a fact given back once its turn is shown (dedupe),
#: without index expansion, the generative (model-written) manager, a question naming
#: several people also searched for each alone (``per_person``), a smaller context budget
#: (``agentmem-250``, ``agentmem-350``: fewer distractors, less evidence).
ABLATIONS = ("agentmem-episodic", "agentmem-episodic-no-neighbours", "agentmem-no-neighbours",
             "agentmem-no-profile", "agentmem-dedupe", "agentmem-no-expansion",
             "agentmem-generative", "agentmem-per-person", "agentmem-extractive",
             "agentmem-250", "agentmem-350")
#: RAG given the agentmem system's context budget: raw turns, best first, up to 500 tokens.
BASELINES = ("rag-500",)
#: The agentmem system's context budget per question (the Agent's default).
CONTEXT_TOKENS = 500


def _turn_record(session: Session, turn: Any) -> MemoryRecord:
    return MemoryRecord(content=f"{turn.speaker}: {turn.text}", kind=Kind.TURN,
                        scope=Scope(user_id="qa"), event_time=turn.time or session.time,
                        provenance=Provenance(source=SourceType.DIALOGUE, ref=turn.turn_id))


def _turns_by_id(sessions: Sequence[Session]) -> dict[str, MemoryRecord]:
    return {t.turn_id: _turn_record(s, t) for s in sessions for t in s.turns}


def evidence_turns(conversation: str | Path) -> dict[str, MemoryRecord]:
    """Every turn of ``conversation`` as the ``oracle`` system shows it, by turn id."""
    sessions, _ = load_locomo(conversation)
    return _turns_by_id(sessions)


def source_turns(record: MemoryRecord) -> set[str]:
    """The turn ids ``record`` came from (its ``provenance.ref``, comma-separated: a fact
    names the turns it was taken from)."""
    return {r for r in (record.provenance.ref or "").split(",") if r}


def evidence_recall(records: Sequence[MemoryRecord], evidence: Sequence[str]) -> float | None:
    """The share of the gold ``evidence`` turn ids among what ``records`` came from (their
    ``provenance.ref``, comma-separated: a fact counts for the turn it names); None when
    a question has no evidence."""
    if not evidence:
        return None
    shown = set().union(*(source_turns(m) for m in records))
    return len(shown & set(evidence)) / len(evidence)


def rag_at_budget(memory: Memory, query: str) -> list[Any]:
    """What ``rag-500`` shows: the best hits of ``memory`` (raw turns) that fit
    :data:`CONTEXT_TOKENS`, nothing around them, no profile."""
    return recall(memory, query, k=40, max_tokens=CONTEXT_TOKENS, neighbours=0,
                  profile=False, per_person=False, user_id="qa")


class _NoMemory(System):
    name = "none"


class _Searched(System):
    """A system whose ``prepare`` fills an agentmem Memory, searched per question."""

    memory: Memory | None = None  # set by prepare

    def context(self, question):
        return [h.record for h in self.memory.search(question.question, k=self.k, user_id="qa")]

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()


class _Full(System):
    name = "full"

    def __init__(self, answerer: Any, k: int, window_chars: int):
        super().__init__(answerer, k)
        self.window_chars = window_chars
        self.records: list[MemoryRecord] = []

    def prepare(self, sessions, memory_factory, progress):
        self.records = [_turn_record(s, t) for s in sessions for t in s.turns]
        return IngestStats(turns=len(self.records))

    def context(self, question):
        out, used = [], 0
        for r in reversed(self.records):  # the most recent turns that fit
            used += len(r.content) + 16
            if used > self.window_chars:
                break
            out.append(r)
        return out[::-1]


class _Rag(_Searched):
    """Every raw turn (of the first ``limit``, like the agentmem system), top k per question."""

    name = "rag"

    def __init__(self, answerer: Any, k: int, limit: int | None = None):
        super().__init__(answerer, k)
        self.limit = limit

    def prepare(self, sessions, memory_factory, progress):
        from agentmem.episodic import store_turns

        self.memory = memory_factory()
        view, turns = self.memory.scoped(user_id="qa"), 0
        start = time.perf_counter()
        for s in first_turns(sessions, self.limit):  # the episodic layer's own write path
            turns += store_turns(view, s.turns, session=str(s.index)).added
        per = (time.perf_counter() - start) / max(1, turns)
        return IngestStats(turns=turns, seconds=[per] * turns)


class _RagAtBudget(_Rag):
    """``rag`` shown as many top turns as fit the agentmem system's 500-token budget."""

    name = "rag-500"

    def context(self, question):
        return [h.record for h in rag_at_budget(self.memory, question.question)]


class _AgentMem(_Searched):
    """The default path of ``agentmem ingest``: the same :func:`ingest_sessions` (turns
    verbatim, then the default manager's facts, one call per turn: its default batch),
    then :func:`agentmem.recall.recall` per question, as the Agent reads."""

    name = "agentmem"

    def __init__(self, answerer: Any, k: int, manager: Any, limit: int | None,
                 neighbours: int | tuple[int, int] = NEIGHBOURS, profile: bool = True,
                 expand: bool = True, dedupe: bool = DEDUPE, per_person: bool = PER_PERSON,
                 context_tokens: int = CONTEXT_TOKENS):
        super().__init__(answerer, k)
        self.manager, self.limit, self.neighbours = manager, limit, neighbours
        self.profile, self.expand, self.dedupe = profile, expand, dedupe
        self.per_person, self.context_tokens = per_person, context_tokens

    @property
    def ingest_key(self) -> Any:
        return ("agentmem", id(self.manager), self.limit, self.expand)

    @property
    def ingest_label(self) -> str:
        """What this ingest depends on, stable across runs (names a kept memory): the
        manager's kind, model, adapter directory and template, the turn limit, expansion."""
        if self.manager is None:
            return f"turns-only limit={self.limit} expand={self.expand}"
        llm = getattr(self.manager, "llm", None)
        template = getattr(getattr(self.manager, "template", None), "id", None)
        return (f"{type(self.manager).__name__} model={getattr(llm, 'name', '?')} "
                f"adapter={getattr(llm, 'adapter', None)} template={template} "
                f"limit={self.limit} expand={self.expand}")

    def prepare(self, sessions, memory_factory, progress):
        from agentmem.ingest import ingest_sessions

        self.memory = memory_factory()
        report = ingest_sessions(self.memory, first_turns(sessions, self.limit),
                                 manager=self.manager, progress=progress, expand=self.expand,
                                 user_id="qa")
        # The report costs only the calls that succeeded; a failed call still cost one.
        # With one turn per batch, the seconds per batch are the seconds per turn.
        return IngestStats(turns=report.turns,
                           usage=report.usage + Usage(calls=len(report.failures)),
                           seconds=report.seconds_per_batch,
                           store_seconds=report.store_seconds_per_batch)

    def share(self, memory, prepared):
        self.memory = memory
        return prepared

    def context(self, question):
        # The agent's own read path, with the Agent's defaults (top hits, neighbours).
        return [h.record for h in recall(self.memory, question.question,
                                         max_tokens=self.context_tokens,
                                         neighbours=self.neighbours,
                                         profile=self.profile, dedupe=self.dedupe,
                                         per_person=self.per_person, user_id="qa")]


def _ablation(name: str, answerer: Any, k: int, model: Any, manager: Any,
              limit: int | None) -> _AgentMem:
    """The agentmem system with one part changed (see :data:`ABLATIONS`)."""
    from policies import memory_manager

    system = {
        "agentmem-episodic": lambda: _AgentMem(answerer, k, None, limit),
        "agentmem-episodic-no-neighbours": lambda: _AgentMem(answerer, k, None, limit,
                                                             neighbours=0),
        "agentmem-no-neighbours": lambda: _AgentMem(answerer, k, manager, limit, neighbours=0),
        "agentmem-no-profile": lambda: _AgentMem(answerer, k, manager, limit, profile=False),
        "agentmem-dedupe": lambda: _AgentMem(answerer, k, manager, limit, dedupe=True),
        "agentmem-per-person": lambda: _AgentMem(answerer, k, manager, limit,
                                                 per_person=True),
        "agentmem-no-expansion": lambda: _AgentMem(answerer, k, manager, limit, expand=False),
        "agentmem-generative": lambda: _AgentMem(
            answerer, k, memory_manager(model, mode="generative"), limit),
        "agentmem-extractive": lambda: _AgentMem(
            answerer, k, memory_manager(model, mode="extractive"), limit),
        "agentmem-250": lambda: _AgentMem(answerer, k, manager, limit, context_tokens=250),
        "agentmem-350": lambda: _AgentMem(answerer, k, manager, limit, context_tokens=350),
    }[name]()
    system.name = name
    return system


class _Oracle(System):
    name = "oracle"

    def prepare(self, sessions, memory_factory, progress):
        self.by_ref = _turns_by_id(sessions)
        return IngestStats()

    def context(self, question):
        return [self.by_ref[e] for e in question.evidence if e in self.by_ref]


@dataclass
class QAResult:
    system: str
    conversation: str
    rows: list[dict[str, Any]]
    prepared: IngestStats


def _make(name: str, answerer: Any, manager: Any, k: int, window_chars: int,
          limit: int | None, server: Any = None, model: Any = None) -> System:
    # ``model``: the base model the ablations' managers run on (not the answerer's, which
    # may carry an answer adapter).
    if name in PEERS:
        return make_peer(name, answerer, k, server, limit)
    return {"none": lambda: _NoMemory(answerer, k), "full": lambda: _Full(answerer, k, window_chars),
            "rag": lambda: _Rag(answerer, k, limit),
            "rag-500": lambda: _RagAtBudget(answerer, k, limit),
            "agentmem": lambda: _AgentMem(answerer, k, manager, limit),
            **{a: (lambda a=a: _ablation(a, answerer, k, model if model is not None
                                         else answerer.llm, manager, limit))
               for a in ABLATIONS},
            "oracle": lambda: _Oracle(answerer, k)}[name]()


def run_qa(conversations: Sequence[str | Path], *, systems: Sequence[str] = SYSTEMS,
           llm: Any = "local", embedder: Any = "minilm", k: int = 5,
           categories: Sequence[int] = (1, 2, 3, 4), questions: int | None = None,
           turns: int | None = None, window_chars: int = 20_000, seed: int = 0,
           home: str | Path | None = None, progress: bool = True,
           manager: Any = None, keep: str | Path | None = None,
           answer: bool = True, answerer: Any = None) -> dict[str, Any]:
    """Run ``systems`` on each conversation; return the per-system summary and rows.

    Args:
        manager: the agentmem system's memory manager (default: what the Agent uses,
            :func:`policies.memory_manager` on ``llm``: extractive for the small local
            model); pass e.g. ``PromptedManager("local", adapter=DIR)`` to evaluate a
            trained one with everything else unchanged.
        questions: at most this many questions per conversation (a seeded sample).
        turns: the agentmem systems, rag and the peers ingest only the first N turns (a
            quick run); the questions are then those whose evidence lies within them.
        window_chars: the full-context system's budget (about 5k tokens by default).
        keep: a folder where each conversation's agentmem memory is kept once ingested;
            a later run with the same folder, conversation, turns and manager reads it
            instead of ingesting again (to compare ways of reading one memory without
            re-enriching it; the ingest costs reported are those of the first run). The
            peers keep their memories there too, and a peer's ingest that stopped part-way
            (interrupted, killed) resumes after the last turn it stored
            (:class:`training.eval.peers.PeerSystem`). The folder does not know the code
            that built it: empty it after changing how memories are built.
        answer: ``False`` measures retrieval only: what each system shows (recall,
            context tokens), no answer, so F1, BLEU-1 and EM are ``None`` (much faster).
        answerer: the answer policy every system answers with (default: the one
            ``Agent()`` builds on ``llm``, :func:`policies.answer.default_answerer`); pass
            e.g. ``PromptedAnswerer("local")`` for the plain prompted model or
            ``PromptedAnswerer("local", adapter=DIR)`` for another trained one.
    """
    import random

    from agentmem.errors import AgentMemError
    from agentmem.llm import get_llm
    from policies import PromptedAnswerer, default_answerer, memory_manager

    known = SYSTEMS + BASELINES + ABLATIONS + tuple(PEERS)
    unknown = [s for s in systems if s not in known]
    if unknown:
        raise InvalidArgumentError(f"unknown systems {unknown}; choose from {known}")
    for name in systems:
        if name in PEERS:
            require_peer(name)  # before any model loads
    model = get_llm(llm) if isinstance(llm, str) else llm
    if answerer is None:  # what Agent() answers with; retrieval alone needs no trained copy
        answerer = default_answerer(model) if answer else PromptedAnswerer(model)
    if manager is None and any(s.startswith("agentmem") for s in systems):
        manager = memory_manager(model)  # the Agent's and `agentmem ingest`'s default
    server = PeerServer(model, embedder) if any(s in PEERS for s in systems) else None
    results: list[QAResult] = []
    fresh_memory = memory_factory(home, embedder)

    for conv in conversations:
        sessions, qs = load_locomo(conv, categories)
        if turns is not None:
            kept = {t.turn_id for s in first_turns(sessions, turns) for t in s.turns}
            qs = [q for q in qs if q.evidence and set(q.evidence) <= kept]
        if questions is not None and len(qs) > questions:
            qs = [qs[i] for i in sorted(random.Random(seed).sample(range(len(qs)), questions))]
        shared: dict[Any, tuple[Any, IngestStats]] = {}  # ingested once per conversation
        for name in systems:
            system = _make(name, answerer, manager, k, window_chars, turns, server, model)
            key = system.ingest_key
            if key is not None and key in shared:
                prepared = system.share(*shared[key])
            elif key is not None and keep is not None:
                prepared = _prepare_kept(system, sessions, Path(keep), Path(conv),
                                         embedder, progress)
                shared[key] = (system.memory, prepared)
            else:
                if isinstance(system, PeerSystem) and keep is not None:  # resumable ingest
                    system.folder = kept_folder(Path(keep), Path(conv), system.ingest_label,
                                                embedder)[0]
                prepared = system.prepare(sessions, fresh_memory, progress)
                if key is not None:
                    shared[key] = (system.memory, prepared)
            rows = []
            for q in track(qs, f"{Path(conv).stem} {name}", enabled=progress,
                           transient=True):
                start = time.perf_counter()
                context = system.context(q)
                text, usage, error = None, Usage(), None
                if answer:
                    try:
                        ans = answerer.answer(q.question, context)
                        text, usage = ans.text, ans.usage
                    except AgentMemError as exc:  # scored as a wrong answer; the run goes on
                        text, usage, error = "", Usage(calls=1), str(exc)[:200]
                seconds = time.perf_counter() - start
                scored = text is not None
                rows.append({
                    "conversation": Path(conv).stem, "question": q.question, "gold": q.answer,
                    "answer": text, "category": q.category,
                    "f1": token_f1(text, q.answer) if scored else None,
                    "bleu1": bleu1(text, q.answer) if scored else None,
                    "em": exact_match(text, q.answer) if scored else None,
                    "recall": evidence_recall(context, q.evidence),
                    "context_tokens": context_tokens(context),
                    "calls": usage.calls, "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens, "seconds": seconds,
                    "error": error})
            results.append(QAResult(name, Path(conv).stem, rows, prepared))
            if key is None:
                system.close()
        for memory, _ in shared.values():
            memory.close()
    if server is not None:
        server.close()
    return summarize(results, systems)


def agentmem_contexts(conversation: str | Path, *, llm: Any = "local", embedder: Any = "minilm",
                      keep: str | Path | None = None, categories: Sequence[int] = (1, 2, 3, 4),
                      progress: bool = True) -> list[tuple[Any, list[MemoryRecord]]]:
    """Each question of ``conversation`` with what the ``agentmem`` system shows the answer
    policy for it (the default ingest, then :func:`agentmem.recall.recall` within
    :data:`CONTEXT_TOKENS`): the answer policy's supervised data is rendered from these,
    so it learns on the contexts it is given at run time. ``keep`` as for :func:`run_qa`
    (the memory is read from there when it was built before)."""
    from agentmem.llm import get_llm
    from policies import memory_manager

    model = get_llm(llm) if isinstance(llm, str) else llm
    sessions, questions = load_locomo(conversation, categories)
    system = _AgentMem(None, 5, memory_manager(model), None)
    if keep is not None:
        _prepare_kept(system, sessions, Path(keep), Path(conversation), embedder, progress)
    else:
        system.prepare(sessions, memory_factory(None, embedder), progress)
    try:
        return [(q, system.context(q)) for q in questions]
    finally:
        system.memory.close()


def kept_folder(keep: Path, path: Path, ingest_label: str, embedder: Any) -> tuple[Path, str]:
    """The folder under ``keep`` for one system's memory of the conversation at ``path``,
    named by everything that memory depends on, and that description (its label)."""
    import hashlib

    data = hashlib.sha1(path.read_bytes()).hexdigest()[:12]  # the conversation as read
    label = f"{path.stem} data={data} {ingest_label} embedder={embedder}"
    return keep / f"{path.stem}-{hashlib.sha1(label.encode()).hexdigest()[:12]}", label


def _prepare_kept(system: Any, sessions: list[Session], keep: Path, path: Path,
                  embedder: Any, progress: bool) -> IngestStats:
    """``system.prepare`` into a folder under ``keep`` named by what the ingest depends
    on, or, when a finished ingest is already there, open it and share it."""
    import json
    import shutil
    from dataclasses import asdict

    folder, label = kept_folder(keep, path, system.ingest_label, embedder)
    done = folder / "ingest.json"  # written last: its absence means an unfinished ingest
    if done.exists():
        saved = json.loads(done.read_text())
        if saved.get("label") != label or not saved.get("stats", {}).get("turns"):
            raise InvalidArgumentError(
                f"{folder} holds another ingest ({saved.get('label')!r}, not {label!r}) or "
                "none; delete it, or keep this run in another folder")
        stats = IngestStats(**{**saved["stats"], "usage": Usage(**saved["stats"]["usage"])})
        return system.share(Memory(home=str(folder / "home"), embedder=embedder), stats)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    stats = system.prepare(sessions, lambda: Memory(home=str(folder / "home"),
                                                    embedder=embedder), progress)
    done.write_text(json.dumps({"label": label, "stats": asdict(stats)}))
    return stats


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summarize(results: list[QAResult], systems: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"systems": {}, "skipped": {}}
    for name in systems:
        mine = [r for r in results if r.system == name]
        rows = [row for r in mine for row in r.rows]
        turns = sum(r.prepared.turns for r in mine)
        usage = Usage()
        for r in mine:
            usage = usage + r.prepared.usage
        ingest = [s for r in mine for s in r.prepared.seconds]
        stored = [s for r in mine for s in r.prepared.store_seconds]
        per_cat = {}
        scored = [row for row in rows if row["f1"] is not None]  # all, unless answer=False
        unscored = None if rows else 0.0
        for cat in sorted({row["category"] for row in scored}):
            sel = [row for row in scored if row["category"] == cat]
            per_cat[CATEGORIES[cat]] = {m: statistics.mean(row[m] for row in sel)
                                        for m in ("f1", "bleu1", "em")} | {
                "n": len(sel), "f1_ci": bootstrap_ci([row["f1"] for row in sel])}
        recalls = [row["recall"] for row in rows if row["recall"] is not None]
        out["systems"][name] = {
            "questions": len(rows),
            # None: shown but not answered (answer=False); no questions at all scores 0.0
            "f1": statistics.mean(r["f1"] for r in scored) if scored else unscored,
            "f1_ci": bootstrap_ci([r["f1"] for r in scored]) if scored or not rows else None,
            "bleu1": statistics.mean(r["bleu1"] for r in scored) if scored else unscored,
            "em": statistics.mean(r["em"] for r in scored) if scored else unscored,
            "recall_at_k": statistics.mean(recalls) if recalls else 0.0,
            "context_tokens": statistics.mean(r.get("context_tokens", 0) for r in rows)
            if rows else 0.0,
            "by_category": per_cat,
            "ingest_turns": turns,
            "ingest_failures": sum(r.prepared.failures for r in mine),
            "calls_per_turn": usage.calls / turns if turns else 0.0,
            "tokens_per_turn": (usage.prompt_tokens + usage.completion_tokens) / turns
            if turns else 0.0,
            "calls_per_question": statistics.mean(r["calls"] for r in rows) if rows else 0.0,
            "tokens_per_question": statistics.mean(r["prompt_tokens"] + r["completion_tokens"]
                                                   for r in rows) if rows else 0.0,
            "ingest_p50_s": _pct(ingest, 0.5), "ingest_p95_s": _pct(ingest, 0.95),
            "store_p50_s": _pct(stored, 0.5) if stored else None,
            "answer_p50_s": _pct([r["seconds"] for r in rows], 0.5),
            "answer_p95_s": _pct([r["seconds"] for r in rows], 0.95),
            "rows": rows,
        }
    for peer in PEERS:
        if peer not in systems:
            out["skipped"][peer] = skip_reason(peer)
    return out
