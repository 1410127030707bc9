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

__all__ = ["answer_reward", "manager_reward", "completion_text", "checked_reward"]


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
