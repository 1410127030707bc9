"""Supervised examples for the memory manager: its extractive mode labelled by LoCoMo's
own notes, its generative mode by the synthetic fact streams' gold operations.

LoCoMo's annotators wrote, for each session, observations about each speaker and
named the turn each came from ("Caroline attended an LGBTQ support group recently",
turn D1:3). Those notes say which turns hold something worth remembering, so they
label what :class:`policies.ExtractiveManager` should choose: of a turn some note
cites, the sentence that shares the most content words with that note; of a turn no
note cites, nothing.

The examples are recorded on the runtime's own write path: the conversation is run
through :func:`agentmem.ingest.ingest_sessions` with a manager that chooses the labelled
sentences (:class:`LabelledExtractiveManager`) and writes the facts they make, so each
prompt shows the related facts the runtime would retrieve at that point, rendered by
the runtime's template. The observations are read here only, as labels; the memory
under test never sees them. Conversations 30 and 41-43 are never trained on
(:data:`HELD_OUT_CONVERSATIONS`): 30 is the validation conversation, 41-43 the test.

The generative mode (:class:`policies.PromptedManager`, which writes each fact and its
ADD/UPDATE/DELETE/NOOP) learns from :mod:`envs.facts`, where every turn's right
operation is known. :class:`GoldFactManager` replies with it, on the same write path
(:func:`envs.facts.score_manager` drives :func:`agentmem.ingest.manage_turns`), so each
prompt shows the memories the runtime would retrieve from a bank kept as a correct
manager keeps it; the replay must score 1.0 or the examples are refused. Streams
500-599 are held out (:data:`HELD_OUT_STREAMS`; the results in docs come from 500-503).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

from agentmem.errors import ConfigError, InvalidArgumentError
from agentmem.llm import Usage
from agentmem.protocols import Turn
from agentmem.records import MemoryRecord
from agentmem.text import content_stems
from policies.extractive import ExtractiveManager
from policies.manager import ManagerOp, ManagerOutput, PromptedManager

__all__ = ["locomo_observations", "labelled_keep", "LabelledExtractiveManager",
           "extractive_examples", "check_conversations", "HELD_OUT_CONVERSATIONS",
           "DEFAULT_CONVERSATIONS", "GoldFactManager", "fact_stream_examples",
           "check_streams", "HELD_OUT_STREAMS"]

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo"
#: The validation conversation (30) and the test ones (41-43).
HELD_OUT_CONVERSATIONS = frozenset({"30", "41", "42", "43"})
DEFAULT_CONVERSATIONS = (str(DATA / "26.json"),)
#: Fact-stream seeds never trained on (the results in docs come from 500-503).
HELD_OUT_STREAMS = range(500, 600)


def check_conversations(paths: Sequence[str | Path], *, held_out_ok: bool = False) -> None:
    """Refuse a missing file, or a held-out conversation unless evaluating."""
    for p in paths:
        if not Path(p).is_file():
            raise ConfigError(f"conversation file {p} does not exist; pass LoCoMo .json files")
        if not held_out_ok and Path(p).stem in HELD_OUT_CONVERSATIONS:
            raise ConfigError(f"{p}: conversations {', '.join(sorted(HELD_OUT_CONVERSATIONS))} "
                              "are held out for evaluation; train on another one (26 is the "
                              "training conversation)")


def locomo_observations(path: str | Path) -> dict[str, list[str]]:
    """The annotators' notes by the turn id each cites (``{"D1:3": ["Caroline ..."]}``).

    A file without observations gives ``{}``; a note that cites several turns (``"D1:3,
    D1:5"`` or a list) counts for each."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    notes: dict[str, list[str]] = {}
    for key, value in data.items():
        if not re.fullmatch(r"session_\d+_observation", key) or not isinstance(value, dict):
            continue
        for items in value.values():
            for item in items if isinstance(items, list) else []:
                if not (isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str)):
                    continue
                cited = item[1] if isinstance(item[1], list) else re.split(r"[,;\s]+", str(item[1]))
                for turn_id in cited:
                    if turn_id:
                        notes.setdefault(str(turn_id).strip(), []).append(item[0])
    return notes


def labelled_keep(choices: Sequence[tuple[Turn, str]], notes: dict[str, list[str]],
                  max_keep: int) -> list[int]:
    """The choices a note names: per note citing a shown turn, that turn's sentence with
    the most content words in common with the note (none if it shares none)."""
    keep: list[int] = []
    for turn_id in dict.fromkeys(t.turn_id for t, _ in choices):
        mine = [(i, content_stems(s)) for i, (t, s) in enumerate(choices) if t.turn_id == turn_id]
        for note in notes.get(turn_id or "", []):
            said = content_stems(note)
            best = max(mine, key=lambda c: (len(c[1] & said), -c[0]), default=None)
            if best is not None and best[1] & said and best[0] not in keep:
                keep.append(best[0])
    return sorted(keep)[:max_keep]


class LabelledExtractiveManager(ExtractiveManager):
    """The extractive manager with the notes' choice instead of a model's, recording each
    prompt it would have sent and the reply it should get."""

    def __init__(self, notes: dict[str, list[str]], **kwargs: Any):
        super().__init__(None, **kwargs)
        self.notes = notes
        self.rows: list[dict[str, Any]] = []

    def choose(self, turns: Sequence[Turn], related: Sequence[MemoryRecord],
               choices: list[tuple[Turn, str]]) -> tuple[list[int], Usage, str]:
        keep = labelled_keep(choices, self.notes, self.max_keep)
        self.rows.append({"prompt": self.messages(turns, related),
                          "completion": [{"role": "assistant", "content": keep_reply(keep)}],
                          "keep": keep, "choices": len(choices),
                          "turns": [t.turn_id for t in turns]})
        return keep, Usage(), ""


def keep_reply(keep: Sequence[int]) -> str:
    """The reply choosing ``keep``, exactly as constrained decoding writes it."""
    return json.dumps({"keep": list(keep)})


def extractive_examples(paths: Sequence[str | Path] = DEFAULT_CONVERSATIONS, *,
                        held_out_ok: bool = False, embedder: Any = "minilm",
                        limit: int | None = None) -> list[dict[str, Any]]:
    """Rows ``{"prompt", "completion", "keep", "choices", "turns", "conversation"}``, one
    per manager call the default ingest makes on each conversation, in order.

    Raises:
        ConfigError: a file is missing, has no observations, or is held out (unless
            ``held_out_ok``: evaluation builds its references this way).
    """
    from agentmem.ingest import ingest_sessions
    from agentmem.memory import Memory
    from envs.memqa import load_locomo

    paths = [str(p) for p in paths]
    check_conversations(paths, held_out_ok=held_out_ok)
    rows: list[dict[str, Any]] = []
    for path in paths:
        notes = locomo_observations(path)
        if not notes:
            raise ConfigError(f"{path} has no session observations to label turns with")
        sessions, _ = load_locomo(path)
        manager = LabelledExtractiveManager(notes)
        with Memory(home=":memory:", embedder=embedder) as memory:
            report = ingest_sessions(memory, sessions, manager=manager, user_id="train",
                                     conversation=Path(path).stem)
        if report.failures:
            raise InvalidArgumentError(f"{path}: labelling failed on {report.failures[:3]}")
        rows += [{**r, "conversation": Path(path).stem} for r in manager.rows]
    return rows[:limit] if limit else rows


def check_streams(streams: Sequence[int]) -> None:
    """Refuse a held-out fact stream (or none at all) as training data."""
    if not streams:
        raise ConfigError("no fact streams to learn from; pass --streams N (N >= 1)")
    bad = sorted(set(streams) & set(HELD_OUT_STREAMS))
    if bad:
        raise ConfigError(f"fact streams {bad[:5]} are held out for evaluation (seeds "
                          f"{HELD_OUT_STREAMS.start}-{HELD_OUT_STREAMS.stop - 1}); train on "
                          "others")


class GoldFactManager(PromptedManager):
    """The generative manager replying with a fact stream's gold operations instead of a
    model's, recording each prompt it would have sent and the reply it should get.

    An UPDATE or DELETE names the shown memory of the same person that holds the old
    value; a turn whose old memory was not retrieved cannot be answered right and is
    counted in ``unreachable`` (its row is still recorded, as an ADD or a NOOP)."""

    def __init__(self, stream: Sequence[Any], **kwargs: Any):
        super().__init__(None, **kwargs)
        self.gold = {t.turn_id: t for t in stream}
        self.rows: list[dict[str, Any]] = []
        self.unreachable: list[str] = []

    def reply(self, turns: Sequence[Turn], related: Sequence[MemoryRecord]
              ) -> tuple[ManagerOutput, Usage, str]:
        from envs.facts import question_for

        ops = []
        for turn in turns:
            gold = self.gold[turn.turn_id]
            op = ManagerOp(fact=gold.fact or "", op=gold.gold_op)
            if gold.gold_op in ("UPDATE", "DELETE"):
                op.id = self._holding(gold, related)
                if op.id < 0:
                    self.unreachable.append(turn.turn_id)
                    op = ManagerOp(fact=gold.fact or "", op="ADD" if gold.fact else "NOOP")
            ops.append(op)
        output = ManagerOutput(operations=ops)
        gold = self.gold[turns[-1].turn_id]  # score_manager sends one turn per call
        question = question_for(gold.key) if gold.key else None
        self.rows.append({
            "prompt": self.messages(turns, related),
            "completion": [{"role": "assistant", "content": gold_reply(output)}],
            "gold_op": gold.gold_op, "old_value": gold.old_value or "",
            "shown": [r.content for r in related],
            # The question this turn decides, answered as a correct memory would after
            # it (Memory-R1's downstream reward for GRPO); small talk has none.
            "question": question or "", "answer": (gold.value or "none") if question else ""})
        return output, Usage(), ""

    @staticmethod
    def _holding(gold: Any, related: Sequence[MemoryRecord]) -> int:
        """The number of the shown memory of ``gold``'s speaker holding its old value."""
        for i, r in enumerate(related):
            speaker, _, rest = r.content.partition(" ")
            if speaker.lower().startswith(gold.speaker.lower()) and gold.holds_old_value(rest):
                return i
        return -1


def gold_reply(output: ManagerOutput) -> str:
    """The reply ``output``, exactly as constrained decoding writes it: the local model's
    grammar is built from the schema with its keys sorted, so it writes ``fact``, ``id``,
    then ``op`` (an adapter trained on another order picks the id before the operation
    it never learned to follow: every DELETE named no memory)."""
    return json.dumps(output.model_dump(), sort_keys=True)


def fact_stream_examples(streams: Sequence[int], *, turns: int = 30, k: int = 5,
                         embedder: Any = "minilm") -> list[dict[str, Any]]:
    """Rows ``{"prompt", "completion", "gold_op", "old_value", "shown", "question",
    "answer", "stream"}``, one per turn of each fact stream, in order: the generative
    manager's calls on the write path with the gold operations applied.

    Raises:
        ConfigError: a stream is held out.
        InvalidArgumentError: the gold operations do not replay on the write path (a
            turn scored wrong that was reachable), which would teach wrong replies.
    """
    from agentmem.memory import Memory
    from envs.facts import fact_stream, score_manager

    check_streams(streams)
    rows: list[dict[str, Any]] = []
    for seed in streams:
        stream = fact_stream(seed, turns=turns)
        manager = GoldFactManager(stream)
        with Memory(home=":memory:", embedder=embedder) as memory:
            scored = score_manager(manager, stream, memory, k=k, user_id="train")
        wrong = [r for r in scored["turns"]
                 if not r["correct"] and r["turn"] not in manager.unreachable]
        if wrong:
            raise InvalidArgumentError(f"fact stream {seed}: the gold operations scored wrong "
                                       f"on the write path at {wrong[:2]}")
        rows += [{**r, "stream": seed} for r in manager.rows]
    return rows
