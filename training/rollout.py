"""Rollouts shared by GRPO and PPO: one constrained reply, and one actor episode.

Both trainers sample through the runtime's own constrained decoding
(:meth:`agentmem.llm.local.LocalLLM.generate_ids`), so a trained policy sees at
training time exactly the output space it has at inference.

The actor's episodes are played by the runtime's own loop
(:func:`training.eval.episodes.run_episode`, which ``agentmem eval`` and the demos
use) with a :class:`SamplingActor` that records each reply's tokens
(:func:`play_actor_episode`), so a training episode is an inference episode, with
memory when one is given. What differs between the trainers is only what the actor
is conditioned on at each turn, which a *context* decides:

* :class:`TurnPrompts` (PPO, and inference): each turn's own prompt, rendered by
  :class:`policies.PromptedActor`; every turn is a separate sample.
* :class:`ChatSequence` (GRPO): the whole episode as one growing token sequence,
  the replies interleaved with the next prompts; the environment's tokens are
  masked out of the loss.

Log-probabilities are not computed here: each trainer scores its own unit (a turn
for PPO, the whole sequence for GRPO) with :func:`training.model.completion_logprobs`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from agentmem.errors import ConfigError, InvalidContentError
from agentmem.llm.base import Usage
from agentmem.protocols import Action
from envs.base import INVALID_ACTION

__all__ = ["parse_action", "complete", "TurnJoiner", "ActorTurn", "ActorEpisode",
           "EpisodeContext", "TurnPrompts", "ChatSequence", "SamplingActor", "play_actor_episode"]


def parse_action(text: str) -> str:
    """The action in an actor's reply ``{"action": ...}``; the raw text when it does not
    parse (the environment then counts it as an invalid action)."""
    try:
        return json.loads(text)["action"]
    except (ValueError, KeyError, TypeError):
        return text


def complete(llm: Any, messages: list[dict], schema: Any, *, max_new_tokens: int,
             temperature: float, eos_id: int) -> tuple[list[int], list[int]]:
    """One constrained reply to ``messages``: its prompt ids and reply ids. An empty
    reply becomes ``[eos_id]``, so every sample has a token to score."""
    prompt, reply = llm.generate_ids(messages, schema, max_new_tokens, temperature)
    return prompt, reply or [eos_id]


class TurnJoiner:
    """The tokens between one reply and the next generation of a multi-turn chat (the end
    of the assistant turn, the next user turn, the generation prompt), rendered by the
    tokenizer's own chat template, so the sequence is what the template would produce
    while every generated token stays exactly as sampled."""

    def __init__(self, tokenizer: Any):
        self.tokenizer = tokenizer

    def _render(self, chat: list[dict], generation: bool) -> str:
        return self.tokenizer.apply_chat_template(chat, add_generation_prompt=generation,
                                                  tokenize=False)

    def prompt_ids(self, chat: list[dict]) -> list[int]:
        return self.tokenizer(self._render(chat, True), add_special_tokens=False)["input_ids"]

    def between(self, chat: list[dict], reply_ids: list[int], next_user: str) -> list[int]:
        tok = self.tokenizer
        text = tok.decode(reply_ids, skip_special_tokens=True)
        replied = chat + [{"role": "assistant", "content": text}]
        opened, closed = self._render(chat, True), self._render(replied, False)
        full = self._render(replied + [{"role": "user", "content": next_user}], True)
        at = closed.find(text, len(opened)) if closed.startswith(opened) else -1
        if at < 0 or not full.startswith(closed):
            raise ConfigError("the model's chat template does not extend earlier turns unchanged; "
                              "multi-turn GRPO needs one that does (ChatML templates do)")
        tail = closed[at + len(text):]
        eos = tok.eos_token or ""
        if reply_ids and reply_ids[-1] == tok.eos_token_id and eos and tail.startswith(eos):
            tail = tail[len(eos):]  # the model already closed its turn
        return tok(tail + full[len(closed):], add_special_tokens=False)["input_ids"]


@dataclass
class ActorTurn:
    """One decision of the actor.

    ``prompt_ids`` are the tokens the reply was generated after (for
    :class:`ChatSequence`, the whole episode so far); ``reply_ids`` the reply as
    sampled (``[eos]`` when the model produced nothing).
    """

    prompt_ids: list[int]
    reply_ids: list[int]
    action: str
    invalid: bool
    #: The share of the episode's sub-goals reached after this action (``env.progress()``),
    #: for rewards that credit each turn with what it achieved.
    progress: float = 0.0


@dataclass
class ActorEpisode:
    """A played episode: its turns and the environment's verdict."""

    turns: list[ActorTurn] = field(default_factory=list)
    total_reward: float = 0.0
    success: bool = False
    steps: int = 0
    progress: float = 0.0
    """The share of the episode's sub-goals reached (``env.progress()``), for shaped rewards."""
    start_progress: float = 0.0
    """The share reached before the first action (0 unless the start already counts)."""

    @property
    def invalid(self) -> int:
        """How many of the actor's actions the environment rejected."""
        return sum(t.invalid for t in self.turns)


class EpisodeContext(Protocol):
    """What the actor is conditioned on, turn after turn, within one episode."""

    tokenizer: Any

    def open(self, messages: list[dict]) -> None:
        """Start an episode with the actor's first prompt."""

    def generate(self, llm: Any, schema: Any, max_new_tokens: int, temperature: float
                 ) -> tuple[list[int], list[int]] | None:
        """The next reply's prompt ids and reply ids; None when there is no room for it."""

    def reply(self, reply_ids: list[int], text: str, next_messages: list[dict] | None) -> None:
        """Take the reply in, and the next turn's prompt (None: the episode is over)."""


class TurnPrompts:
    """Each turn prompted on its own, as at inference: the actor sees the current
    observation and admissible actions only. A prompt too long for the model raises."""

    def __init__(self, tokenizer: Any):
        self.tokenizer = tokenizer
        self.messages: list[dict] = []

    def open(self, messages: list[dict]) -> None:
        self.messages = messages

    def generate(self, llm: Any, schema: Any, max_new_tokens: int, temperature: float
                 ) -> tuple[list[int], list[int]]:
        return complete(llm, self.messages, schema, max_new_tokens=max_new_tokens,
                        temperature=temperature, eos_id=self.tokenizer.eos_token_id)

    def reply(self, reply_ids: list[int], text: str, next_messages: list[dict] | None) -> None:
        if next_messages is not None:
            self.messages = next_messages


class ChatSequence:
    """The whole episode as one token sequence: the first prompt, then the replies
    (mask 1) interleaved with the observations and the next prompts (mask 0). The
    actor sees earlier turns as chat history. When the sequence fills the model's
    context window the episode ends there."""

    def __init__(self, joiner: TurnJoiner):
        self.joiner = joiner
        self.tokenizer = joiner.tokenizer
        self.chat: list[dict] = []
        self.prompt_ids: list[int] = []
        self.completion_ids: list[int] = []
        self.mask: list[int] = []

    def open(self, messages: list[dict]) -> None:
        self.chat = messages
        self.prompt_ids = self.joiner.prompt_ids(messages)
        self.completion_ids, self.mask = [], []

    def generate(self, llm: Any, schema: Any, max_new_tokens: int, temperature: float
                 ) -> tuple[list[int], list[int]] | None:
        context = self.prompt_ids + self.completion_ids
        try:
            _, reply = llm.generate_ids(None, schema, max_new_tokens, temperature,
                                        prompt_ids=context)
        except InvalidContentError:  # the context window is full: the episode ends here
            return None
        return context, reply or [self.tokenizer.eos_token_id]

    def reply(self, reply_ids: list[int], text: str, next_messages: list[dict] | None) -> None:
        self.completion_ids += reply_ids
        self.mask += [1] * len(reply_ids)
        if next_messages is not None:
            user = next_messages[-1]["content"]
            between = self.joiner.between(self.chat, reply_ids, user)
            self.chat = self.chat + [{"role": "assistant", "content": text},
                                     {"role": "user", "content": user}]
            self.completion_ids += between
            self.mask += [0] * len(between)

    def sequence(self) -> tuple[list[int], list[int], list[int]]:
        """Prompt ids, completion ids and the completion's mask (1: the actor's own
        tokens). An episode without a reply is one end-of-sequence token."""
        if not self.completion_ids:
            return self.prompt_ids, [self.tokenizer.eos_token_id], [1]
        return self.prompt_ids, self.completion_ids, self.mask


class _ContextFull(Exception):
    """Raised out of the episode loop when the actor's context has no room for a reply."""


class SamplingActor:
    """An actor for the runtime's episode loop (:func:`training.eval.episodes.run_episode`)
    that samples each reply through an :class:`EpisodeContext` and records its tokens.

    The prompt is what :class:`policies.PromptedActor` sends at inference (the task,
    with memory its task tree, lessons and notes, the observation, the admissible
    actions); the reply is constrained to the admissible actions. The action is passed
    to the environment as parsed, not mended into the closest admissible one, so an
    invalid reply stays invalid and can be penalised.
    """

    def __init__(self, llm: Any, context: EpisodeContext, *, max_new_tokens: int,
                 temperature: float, progress: Callable[[], float] | None = None):
        from policies import PromptedActor

        self.llm, self.context, self.progress = llm, context, progress
        self.start_progress = 0.0
        self.max_new_tokens, self.temperature = max_new_tokens, temperature
        self.render = PromptedActor(None)  # renders prompts; the model is ``llm``
        self.turns: list[ActorTurn] = []
        self._unsent: tuple[list[int], str] | None = None  # the last reply, not yet in context

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence[Any] = (), *, taken: Sequence[str] = ()) -> Action:
        from policies.actor import action_schema

        messages, actions = self.render.prompt(observation, admissible, task_prompt, lessons,
                                               taken=taken)
        if self._unsent is None:
            self.context.open(messages)
            if self.progress is not None:
                self.start_progress = float(self.progress())
        else:
            # ``observation`` is what the previous action produced.
            self.turns[-1].invalid = observation == INVALID_ACTION
            if self.progress is not None:
                self.turns[-1].progress = float(self.progress())
            self.context.reply(*self._unsent, messages)
            self._unsent = None
        generated = self.context.generate(self.llm, action_schema(actions),
                                          self.max_new_tokens, self.temperature)
        if generated is None:
            raise _ContextFull
        prompt_ids, reply_ids = generated
        text = self.context.tokenizer.decode(reply_ids, skip_special_tokens=True)
        action = parse_action(text)
        self.turns.append(ActorTurn(prompt_ids, reply_ids, action, False))
        self._unsent = (reply_ids, text)
        return Action(action=action, usage=Usage(calls=1), raw=text)

    def close(self, last_observation: str) -> None:
        """The episode is over: the last reply joins the context."""
        if self._unsent is not None:
            self.turns[-1].invalid = last_observation == INVALID_ACTION
            self.context.reply(*self._unsent, None)
            self._unsent = None


def play_actor_episode(llm: Any, env: Any, seed: int, context: EpisodeContext, *,
                       max_new_tokens: int, temperature: float, memory: Any = None,
                       episode: int = 0) -> ActorEpisode:
    """Play one episode of ``env`` (reset with ``seed``) with the actor on ``llm``,
    through the runtime's own episode loop (:func:`training.eval.episodes.run_episode`),
    so a training episode is an inference episode with sampled replies.

    Every prompt is rendered by :class:`policies.PromptedActor` and every reply is
    constrained to the admissible actions; ``context`` decides what each turn is
    conditioned on. With ``memory`` (a :class:`training.eval.episodes.EnvMemory`) the
    actor gets what memory hands it at inference, and the episode is written to it
    (``episode`` numbers it in a series). When the context fills, the episode ends
    there (and is not written to memory).
    """
    from training.eval.episodes import run_episode

    actor = SamplingActor(llm, context, max_new_tokens=max_new_tokens, temperature=temperature,
                          progress=env.progress)
    try:
        result = run_episode(env, actor, seed=seed, episode=episode, memory=memory)
        actor.close(result.trajectory[-1][1] if result.trajectory else "")
    except _ContextFull:
        pass
    out = ActorEpisode(turns=actor.turns, start_progress=actor.start_progress)
    out.total_reward = float(env.total_reward)
    out.success = bool(getattr(env, "won", env.total_reward >= 1.0))
    out.steps = env.steps
    out.progress = float(env.progress())
    if out.turns:
        out.turns[-1].progress = out.progress
    return out
