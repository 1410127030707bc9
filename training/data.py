"""Training prompts, rendered with the same templates the runtime policies use.

* answer policy: LoCoMo questions, each with the top-``k`` memories retrieved from
  the conversation's turns (hybrid search, MiniLM), rendered by
  :class:`policies.PromptedAnswerer`; the gold answer rides along for the reward.
* memory manager: turns of synthetic fact streams (:mod:`envs.facts`), each with
  the related memories a correct manager would have at that point, rendered by
  :class:`policies.PromptedManager`; the gold operation rides along, and so do the
  memories shown (``shown``, in prompt order): they fix the reply's schema
  (:func:`reply_schema`), which names only the ids that were shown.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from agentmem.errors import ConfigError, InvalidArgumentError
from agentmem.memory import Memory
from agentmem.records import Kind
from envs.memqa import load_locomo

__all__ = ["answer_examples", "answer_demonstrations", "answer_reply", "manager_examples",
           "examples_for", "reply_schema", "DEFAULT_TRAIN", "ANSWER_CONTEXTS",
           "DEFAULT_ANSWER_CONTEXTS", "check_answer_contexts", "answer_context"]

DEFAULT_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo" / "26.json"


def answer_examples(paths: Sequence[str | Path] | None, *, k: int = 5, limit: int | None = None,
                    seed: int = 0, embedder: Any = "minilm",
                    categories: Sequence[int] = (1, 2, 3, 4)) -> list[dict[str, Any]]:
    """``{"prompt": messages, "gold": answer, "category": c, "evidence": [...]}`` rows."""
    from policies import PromptedAnswerer

    paths = list(paths or [DEFAULT_TRAIN])
    for p in paths:
        if not Path(p).is_file():
            raise ConfigError(f"training data {p} does not exist; pass LoCoMo .json files")
    render = PromptedAnswerer(None)
    rows: list[dict[str, Any]] = []
    for path in paths:
        sessions, questions = load_locomo(path, categories)
        with Memory(home=":memory:", embedder=embedder) as memory:
            turns = [t for s in sessions for t in s.turns]
            memory.add_many([f"{t.speaker}: {t.text}" for t in turns], user_id="train",
                            kind=Kind.TURN)
            # Event times per turn, so the prompt shows dates as at inference time.
            for rec, turn in zip(memory.list(user_id="train", limit=len(turns)), turns,
                                 strict=True):
                if turn.time is not None:
                    memory.update(rec.id, event_time=turn.time)
            for q in questions:
                hits = memory.search(q.question, k=k, user_id="train")
                rows.append({"prompt": render.messages(q.question, [h.record for h in hits]),
                             "gold": q.answer, "category": q.category,
                             "evidence": list(q.evidence)})
    random.Random(seed).shuffle(rows)
    return rows[:limit] if limit else rows


def answer_reply(answer: Any, selected: Sequence[int]) -> str:
    """The reply as the runtime's constrained decoding writes it (keys sorted, JSON's
    default spacing): training replies in another form teach a form never allowed."""
    import json

    from policies.answer import AnswerOutput

    # Without double quotes: the grammar's strict strings refuse escaped ones, and the
    # score ignores punctuation anyway.
    text = " ".join(str(answer).replace('"', "").split())[:200]
    out = AnswerOutput(selected=list(selected)[:8], answer=text)
    return json.dumps(out.model_dump(), sort_keys=True, ensure_ascii=False)


#: The contexts an answer-policy question can be shown in training. ``read-path``: what
#: the Agent's read path shows; ``evidence``: the gold evidence turns alone; ``shuffled``:
#: the read path's memories in another order, so the evidence is not always near the top;
#: ``planted``: every gold evidence turn placed at random among the read path's other
#: memories (those not drawn from the evidence), the last of them dropped to stay within
#: the budget, so every such example has its answer among distractors, even for the
#: questions whose evidence the read path misses.
ANSWER_CONTEXTS = ("read-path", "evidence", "shuffled", "planted")
#: What the shipped answer adapter was trained on.
DEFAULT_ANSWER_CONTEXTS = ("read-path", "evidence")


def answer_demonstrations(paths: Sequence[str | Path], *, keep: str | Path | None = None,
                          llm: Any = "local", embedder: Any = "minilm",
                          contexts: Sequence[str] = DEFAULT_ANSWER_CONTEXTS,
                          limit: int | None = None, seed: int = 0,
                          progress: bool = True) -> list[dict[str, Any]]:
    """Supervised rows for the answer policy: every question of the training
    conversations, shown what the Agent's read path shows for it over the default
    layered memory (:func:`training.eval.qa.agentmem_contexts`) and in each other
    context of ``contexts`` (:data:`ANSWER_CONTEXTS`; by default once more with the gold
    evidence turns alone, so the policy sees the answer both among distractors and on
    its own).

    The reply is the dataset's answer with the numbers of the shown memories that come
    from the evidence turns. Rows: ``{"prompt", "completion", "gold", "category",
    "context", "conversation"}`` (``context``: its name in :data:`ANSWER_CONTEXTS`).
    Held-out conversations are refused.
    """
    from policies import PromptedAnswerer
    from training.eval.qa import agentmem_contexts, evidence_turns
    from training.manager_demonstrations import check_conversations

    check_answer_contexts(contexts)
    check_conversations(paths)
    render = PromptedAnswerer(None)
    rows: list[dict[str, Any]] = []
    for path in paths:
        pairs = agentmem_contexts(path, llm=llm, embedder=embedder, keep=keep,
                                  progress=progress)
        turns = evidence_turns(path)
        for n, (question, shown) in enumerate(pairs):
            evidence = list(dict.fromkeys(question.evidence))
            # None when the evidence ids are malformed: no evidence to show or plant.
            gold_turns = [turns[e] for e in evidence if e in turns]
            for name in contexts:
                # Its own random order per question and context: a row does not change
                # when other contexts or conversations are added.
                rng = random.Random(f"{seed}:{Path(path).stem}:{n}:{name}")
                records = answer_context(name, shown, gold_turns, evidence, rng)
                if records is None:
                    continue
                rows.append({"prompt": render.messages(question.question, records),
                             "completion": [{"role": "assistant", "content": answer_reply(
                                 question.answer, _from_evidence(records, evidence))}],
                             "gold": question.answer, "category": question.category,
                             "context": name, "conversation": Path(path).stem})
    random.Random(seed).shuffle(rows)
    return rows[:limit] if limit else rows


def check_answer_contexts(contexts: Sequence[str]) -> None:
    """Refuse, before any long work, contexts that are not in :data:`ANSWER_CONTEXTS`
    or are named twice."""
    unknown = sorted(set(contexts) - set(ANSWER_CONTEXTS))
    if unknown or not contexts:
        raise ConfigError(f"answer contexts {unknown or 'none'} are not known; choose among "
                          f"{', '.join(ANSWER_CONTEXTS)}")
    if len(set(contexts)) != len(contexts):
        raise ConfigError(f"answer contexts {list(contexts)} name one twice; each is a set of "
                          "examples of its own")


def _from_evidence(records: Sequence[Any], evidence: Sequence[str]) -> list[int]:
    """The numbers of the shown memories that come from the evidence turns."""
    from training.eval.qa import source_turns

    return [i for i, r in enumerate(records) if set(evidence) & source_turns(r)]


def answer_context(name: str, shown: Sequence[Any], gold_turns: Sequence[Any],
                   evidence: Sequence[str], rng: random.Random,
                   max_tokens: int | None = None) -> list[Any] | None:
    """The memories one training context shows (see :data:`ANSWER_CONTEXTS`): ``shown``
    is what the read path shows, ``gold_turns`` the records of the ``evidence`` turns;
    None when the question cannot be shown that way (no evidence; for ``planted``, no
    room for a distractor within ``max_tokens``, default the read path's budget)."""
    from agentmem.recall import context_tokens
    from agentmem.records import Kind
    from training.eval.qa import CONTEXT_TOKENS

    if name == "read-path":
        return list(shown)
    if name == "evidence":
        return list(gold_turns) or None
    if name == "shuffled":
        return rng.sample(list(shown), len(shown)) if len(shown) > 1 else None
    if not gold_turns:
        return None
    drawn = set(_from_evidence(shown, evidence))
    said = {shown[i].content.strip() for i in drawn}
    others = []
    for i, r in enumerate(shown):
        if i in drawn:
            continue
        if r.kind == Kind.PROFILE:  # its lines copy facts: none drawn from the evidence
            lines = [line for line in r.content.splitlines() if line.strip() not in said]
            if not lines:
                continue
            r = r.model_copy(update={"content": "\n".join(lines)})
        others.append(r)
    budget = (max_tokens or CONTEXT_TOKENS) - context_tokens(gold_turns)
    while others and context_tokens(others) > budget:
        others.pop()
    if not others:
        return None
    planted = list(others)
    for turn in gold_turns:
        planted.insert(rng.randint(0, len(planted)), turn)
    return planted


def manager_examples(*, streams: int = 4, turns: int = 30, k: int = 5, limit: int | None = None,
                     seed: int = 0, embedder: Any = "minilm") -> list[dict[str, Any]]:
    """Manager prompts over synthetic fact streams (seeds ``seed * 1000 + 0..streams-1``),
    recorded on the write path with the bank a correct manager keeps
    (:func:`training.manager_demonstrations.fact_stream_examples`, which SFT learns from).

    Rows: ``{"prompt", "gold_op", "old_value", "shown", "question", "answer",
    "stream"}``; ``shown`` holds the memories the prompt numbers ``[0]``,
    ``[1]``..., in that order.
    """
    from training.manager_demonstrations import fact_stream_examples

    # RL samples its own replies: the gold one stays out of the rows (TRL hands every
    # column to the reward functions).
    rows = [{key: value for key, value in row.items() if key != "completion"}
            for row in fact_stream_examples([seed * 1000 + s for s in range(streams)],
                                            turns=turns, k=k, embedder=embedder)]
    random.Random(seed).shuffle(rows)
    return rows[:limit] if limit else rows


def examples_for(config: Any) -> list[dict[str, Any]]:
    """The rows an answer- or manager-policy training config trains on (its ``data``,
    ``k``, ``examples`` and ``seed``); the same for GRPO and PPO."""
    if config.policy == "answer":
        return answer_examples(config.data, k=config.k, limit=config.examples, seed=config.seed)
    if config.policy == "manager":
        return manager_examples(k=config.k, limit=config.examples, seed=config.seed)
    raise InvalidArgumentError(f"policy {config.policy!r} has no prompt rows: the actor trains "
                               "on episodes its rollout plays")


def reply_schema(policy: str, row: dict[str, Any]) -> Any:
    """The schema the runtime policy constrains its reply to ``row`` with: the answer's
    output model, or the manager's JSON schema narrowed to the ``shown`` memories (so
    a sampled reply can only name ids the prompt showed), with the runtime manager's
    operation limit."""
    if policy == "answer":
        from policies.answer import AnswerOutput

        return AnswerOutput
    if policy == "manager":
        from policies.manager import output_schema

        return output_schema(len(row["shown"]), _manager_max_ops())
    raise InvalidArgumentError(f"policy {policy!r} has no reply schema per row; the actor's "
                               "comes from each turn's admissible actions")


@lru_cache(maxsize=1)
def _manager_max_ops() -> int:
    from policies import PromptedManager

    return PromptedManager(None).max_ops
