"""Outcome rewards for the answer policy, the memory manager and the actor.

Each reward function has the signature TRL's GRPOTrainer calls
(``prompts, completions, **dataset_columns``) and returns one float per
completion. A reply that parses earns ``format_reward`` on top of its outcome.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Sequence

from agentmem.errors import LLMOutputError
from agentmem.llm.base import parse_structured
from envs.scoring import exact_match, token_f1

__all__ = ["answer_reward", "manager_reward", "manager_answer_reward", "apply_to_bank",
           "completion_text", "checked_reward", "reward_for"]


def completion_text(completion: Any) -> str:
    """TRL passes conversational completions as message lists; plain ones as strings."""
    if isinstance(completion, list):
        return "".join(m.get("content", "") for m in completion if isinstance(m, dict))
    return str(completion)


def answer_reward(format_reward: float = 0.1, em_weight: float = 0.0) -> Callable[..., list[float]]:
    """F1 of the parsed answer against ``gold`` (+ ``em_weight`` x exact match)."""
    from policies.answer import AnswerOutput

    def reward(prompts: Sequence[Any], completions: Sequence[Any], gold: Sequence[str],
               **_: Any) -> list[float]:
        out = []
        for completion, g in zip(completions, gold, strict=True):
            try:
                parsed = parse_structured(completion_text(completion), AnswerOutput)
            except LLMOutputError:
                out.append(0.0)
                continue
            out.append(format_reward + token_f1(parsed.answer, g)
                       + em_weight * exact_match(parsed.answer, g))
        return out

    reward.__name__ = "answer_f1"
    return reward


def manager_reward(format_reward: float = 0.1) -> Callable[..., list[float]]:
    """1 when the reply makes the gold operation (on the right memory for UPDATE/DELETE)."""

    def reward(prompts: Sequence[Any], completions: Sequence[Any], gold_op: Sequence[str],
               old_value: Sequence[str], shown: Sequence[list[str]], **_: Any) -> list[float]:
        out = []
        for completion, op, old, mems in zip(completions, gold_op, old_value, shown, strict=True):
            try:
                data = json.loads(_json_part(completion_text(completion)))
                ops = [o for o in data["operations"] if isinstance(o, dict)]
            except (ValueError, KeyError, TypeError):
                out.append(0.0)
                continue
            kinds = {o.get("op") for o in ops} - {"NOOP"} or {"NOOP"}
            right = op in kinds and (op != "NOOP" or kinds == {"NOOP"})
            if right and op in ("UPDATE", "DELETE"):
                key = old.split()[-1].lower() if old else ""
                right = any(o.get("op") == op and isinstance(o.get("id"), int)
                            and 0 <= o["id"] < len(mems) and key in mems[o["id"]].lower()
                            for o in ops)
            out.append(format_reward + float(right))
        return out

    reward.__name__ = "manager_op"
    return reward


def apply_to_bank(bank: Sequence[str], text: str) -> list[str] | None:
    """The bank after the manager reply ``text`` (ids index ``bank``), or None when the
    reply does not parse. ADD appends, UPDATE replaces, DELETE removes, NOOP keeps."""
    try:
        data = json.loads(_json_part(text))
        ops = [o for o in data["operations"] if isinstance(o, dict)]
    except (ValueError, KeyError, TypeError):
        return None
    items: list[str | None] = list(bank)
    added = []
    for o in ops:
        op, i, fact = o.get("op"), o.get("id"), str(o.get("fact") or "").strip()
        valid_id = isinstance(i, int) and 0 <= i < len(bank)
        if op == "ADD" and fact:
            added.append(fact)
        elif op == "UPDATE" and valid_id and fact:
            items[i] = fact
        elif op == "DELETE" and valid_id:
            items[i] = None
    return [x for x in items if x is not None] + added


def manager_answer_reward(answerer: Any, format_reward: float = 0.1, op_weight: float = 0.5
                          ) -> Callable[..., list[float]]:
    """Memory-R1's outcome reward for the manager: its operations are applied to a copy
    of the bank it was shown, and a frozen answer policy (``answerer``, a
    :class:`policies.PromptedAnswerer` on the base model) answers the question that
    depends on the turn from that bank; reward = ``format_reward`` + ``(1 - op_weight)``
    x the answer's F1 + ``op_weight`` x the operation check of :func:`manager_reward`.
    Turns with no question (small talk) get the operation check alone, at full weight.
    """
    from agentmem.records import MemoryRecord, Scope

    op_check = manager_reward(0.0)

    def reward(prompts: Sequence[Any], completions: Sequence[Any], gold_op: Sequence[str],
               old_value: Sequence[str], shown: Sequence[list[str]], question: Sequence[str],
               answer: Sequence[str], **_: Any) -> list[float]:
        ops = op_check(prompts, completions, gold_op=gold_op, old_value=old_value, shown=shown)
        out = []
        for i, completion in enumerate(completions):
            bank = apply_to_bank(shown[i], completion_text(completion))
            if bank is None:
                out.append(0.0)
                continue
            if not question[i]:
                out.append(format_reward + ops[i])
                continue
            records = [MemoryRecord(content=c, scope=Scope(user_id="train")) for c in bank]
            try:
                got = answerer.answer(question[i], records).text
            except LLMOutputError:
                got = ""
            out.append(format_reward + (1 - op_weight) * token_f1(got, answer[i])
                       + op_weight * ops[i])
        return out

    reward.__name__ = "manager_answer"
    return reward


def reward_for(config: Any) -> Callable[..., list[float]]:
    """The (checked) reward a training config asks for, answer or manager policy."""
    if config.policy == "answer":
        return checked_reward(answer_reward(config.format_reward))
    if config.manager_reward == "op":
        return checked_reward(manager_reward(config.format_reward))
    from agentmem.llm import get_llm
    from policies import PromptedAnswerer

    # A separate copy of the base model: the answerer stays frozen while the manager trains.
    frozen = PromptedAnswerer(get_llm("local" if config.model == "smollm2"
                                      else f"local:{config.model}"))
    return checked_reward(manager_answer_reward(frozen, config.format_reward, config.op_weight))


def _json_part(text: str) -> str:
    m = re.search(r"\{.*\}", text, re.DOTALL)
    return m.group(0) if m else text


def checked_reward(fn: Callable[..., list[float]]) -> Callable[..., list[float]]:
    """Wrap a user reward so a crash names the function and the completion it failed on."""

    def call(prompts, completions, **kw):
        try:
            values = fn(prompts, completions, **kw)
        except Exception as exc:  # noqa: BLE001 - re-raised with context
            raise RuntimeError(f"reward function {getattr(fn, '__name__', fn)!r} raised "
                               f"{type(exc).__name__}: {exc} (first completion: "
                               f"{completion_text(completions[0])[:120]!r})") from exc
        if len(values) != len(completions):
            raise RuntimeError(f"reward function {getattr(fn, '__name__', fn)!r} returned "
                               f"{len(values)} values for {len(completions)} completions")
        return [float(v) for v in values]

    call.__name__ = getattr(fn, "__name__", "reward")
    return call
