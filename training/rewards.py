"""Outcome rewards for the answer policy, the memory manager and the actor.

Each reward function has the signature TRL's GRPOTrainer calls
(``prompts, completions, **dataset_columns``) and returns one float per
completion. A reply that parses earns ``format_reward`` on top of its outcome.

The trainers pick a reward by name from :data:`REWARDS`, which also records its
:class:`RewardKind` (what the function reads), so nothing downstream has to guess
it from the function's ``__name__``. :func:`preflight_reward` calls a reward once
on a probe completion before any model loads, in both trainers.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Sequence

from agentmem.errors import ConfigError, LLMOutputError
from agentmem.llm.base import parse_structured
from envs.facts import holds_value
from envs.scoring import exact_match, token_f1

__all__ = ["answer_reward", "manager_reward", "manager_answer_reward", "episode_reward",
           "apply_to_bank", "completion_text", "checked_reward", "episode_return",
           "turn_returns", "preflight_progress", "RewardKind", "Reward",
           "RewardSpec", "REWARDS", "reward_name", "reward_for", "preflight_reward"]

RewardFn = Callable[..., list[float]]


class RewardKind(str, Enum):
    """What a reward function reads, and so which columns a call to it needs."""

    COMPLETION = "completion"
    """Scores the sampled completion against the row's columns (gold answer, gold op...)."""
    ROLLOUT = "rollout"
    """Passes on an outcome the rollout measured (the ``env_reward`` column): the actor's
    episode, whose reward exists only once the episode has been played."""


@dataclass(frozen=True)
class Reward:
    """A ready reward: its registry name, its kind and the checked function.

    Calling it calls ``fn``. Trainers hand ``fn`` itself to TRL, which logs each
    reward under its function's ``__name__`` (the registry name).
    """

    name: str
    kind: RewardKind
    fn: RewardFn

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
                 ) -> list[float]:
        return self.fn(prompts, completions, **columns)


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
                right = any(o.get("op") == op and isinstance(o.get("id"), int)
                            and 0 <= o["id"] < len(mems) and holds_value(old, mems[o["id"]])
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


def episode_reward(prompts: Sequence[Any], completions: Sequence[Any],
                   env_reward: Sequence[float], **_: Any) -> list[float]:
    """The actor's episode outcome, computed by the rollout (reward minus the
    invalid-action penalty) and handed over in the ``env_reward`` column."""
    return [float(r) for r in env_reward]


episode_reward.__name__ = "episode_outcome"


def episode_return(outcome: float, progress: float, invalid: int, *, shaping: float,
                   penalty: float, env: str = "the environment") -> float:
    """An actor episode's reward: its outcome, plus ``shaping`` x the share of sub-goals
    reached (``progress``, 0..1: the shaped reward; ``shaping=0`` is the outcome alone),
    minus ``penalty`` per invalid action. A non-finite value raises, naming ``env``."""
    # The outcome-only reward does not read progress, so an environment whose progress()
    # is broken can still be trained on its outcome.
    value = outcome + (shaping * progress if shaping else 0.0) - penalty * invalid
    if not math.isfinite(value):
        raise ConfigError(f"the episode reward is {value} (outcome {outcome}, progress "
                          f"{progress}) in {env}; its progress() must be a number in 0..1")
    return value


def turn_returns(outcome: float, start: float, progress: Sequence[float],
                 invalid: Sequence[bool], repeated: Sequence[bool], *, shaping: float,
                 penalty: float, repeat_penalty: float, discount: float,
                 env: str = "the environment") -> list[float]:
    """Each turn's return when every turn is credited with what it did (not the whole
    episode's outcome alike): the sub-goals its action reached (``shaping`` x the rise in
    ``progress``, the share reached after each turn, from ``start``), minus ``penalty``
    if it was invalid and ``repeat_penalty`` if it repeated the previous action, with the
    episode's ``outcome`` paid on the last turn; then summed from each turn to the end,
    ``discount`` per turn. A turn after which nothing more is reached gets little, however
    much the episode reached before it."""
    if not (len(progress) == len(invalid) == len(repeated)):
        raise ConfigError("turn_returns needs one progress, invalid and repeated value a turn")
    rewards, before = [], start
    for share, bad, again in zip(progress, invalid, repeated, strict=True):
        rewards.append(shaping * (share - before) - penalty * bad - repeat_penalty * again)
        before = share
    if rewards:
        rewards[-1] += outcome
    returns, ahead = [], 0.0
    for r in reversed(rewards):
        ahead = r + discount * ahead
        returns.append(ahead)
    returns.reverse()
    if not all(math.isfinite(r) for r in returns):
        raise ConfigError(f"a turn's return is not a number (outcome {outcome}, progress "
                          f"{list(progress)}) in {env}; its progress() must be a number in 0..1")
    return returns


def preflight_progress(make_env: Callable[[], Any]) -> None:
    """Check an environment's sub-goal progress once, on a fresh episode, before a model
    loads: a shaped reward built on a NaN or out-of-range progress fails here."""
    env = make_env()
    env.reset(0)
    value = env.progress()
    if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"{env.name}.progress() returned {value!r} on a fresh episode; a "
                          "shaped reward needs a number in 0..1 (use --actor-reward outcome "
                          "to train on the outcome alone)")


def _frozen_answer_reward(config: Any) -> RewardFn:
    from agentmem.llm import get_llm
    from policies import PromptedAnswerer

    # A separate copy of the base model: the answerer stays frozen while the manager trains.
    frozen = PromptedAnswerer(get_llm("local" if config.model == "smollm2"
                                      else f"local:{config.model}"))
    return manager_answer_reward(frozen, config.format_reward, config.op_weight)


@dataclass(frozen=True)
class RewardSpec:
    """A registry entry: the reward's kind and how to build it from a training config."""

    kind: RewardKind
    build: Callable[[Any], RewardFn]


REWARDS: dict[str, RewardSpec] = {
    "answer_f1": RewardSpec(RewardKind.COMPLETION, lambda c: answer_reward(c.format_reward)),
    "manager_op": RewardSpec(RewardKind.COMPLETION, lambda c: manager_reward(c.format_reward)),
    "manager_answer": RewardSpec(RewardKind.COMPLETION, _frozen_answer_reward),
    "episode_outcome": RewardSpec(RewardKind.ROLLOUT, lambda c: episode_reward),
}
"""The rewards the trainers use, by name (the name TRL logs them under)."""


def reward_name(config: Any) -> str:
    """The :data:`REWARDS` entry a training config asks for (its policy, and for the
    manager ``config.manager_reward``)."""
    if config.policy == "answer":
        return "answer_f1"
    if config.policy == "actor":
        return "episode_outcome"
    return "manager_op" if config.manager_reward == "op" else "manager_answer"


def reward_for(config: Any) -> Reward:
    """The checked reward a training config asks for (answer, manager or actor policy)."""
    name = reward_name(config)
    spec = REWARDS[name]
    return Reward(name, spec.kind, checked_reward(spec.build(config), name=name))


def preflight_reward(reward: Reward, rows: Sequence[dict[str, Any]]) -> None:
    """Call ``reward`` once on a made-up completion for the first row, so a broken reward
    fails in a second, before a model is loaded, with a message naming it."""
    row = rows[0]
    columns = {k: [v] for k, v in row.items() if k != "prompt"}
    if reward.kind is RewardKind.ROLLOUT:  # the outcome exists only after a rollout
        columns["env_reward"] = [0.0]
    value = reward([row["prompt"]], [[{"role": "assistant", "content": "{}"}]], **columns)
    if not isinstance(value, list) or len(value) != 1:
        raise ConfigError(f"the reward returned {value!r} for one completion; it must return "
                          "one float per completion")


def _json_part(text: str) -> str:
    m = re.search(r"\{.*\}", text, re.DOTALL)
    return m.group(0) if m else text


def checked_reward(fn: RewardFn, name: str | None = None) -> RewardFn:
    """Wrap a user reward so a crash names the function (``name``, by default its
    ``__name__``) and the completion it failed on."""
    label = name or getattr(fn, "__name__", fn)

    def call(prompts, completions, **kw):
        try:
            values = fn(prompts, completions, **kw)
        except Exception as exc:  # noqa: BLE001 - re-raised with context
            raise RuntimeError(f"reward function {label!r} raised "
                               f"{type(exc).__name__}: {exc} (first completion: "
                               f"{completion_text(completions[0])[:120]!r})") from exc
        if len(values) != len(completions):
            raise RuntimeError(f"reward function {label!r} returned "
                               f"{len(values)} values for {len(completions)} completions")
        return [float(v) for v in values]

    call.__name__ = name or getattr(fn, "__name__", "reward")
    return call
