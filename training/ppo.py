"""PPO with a value head, on torch + peft (TRL 1.16 no longer ships a PPO trainer).

    python -m training.ppo --policy answer --env locomo --steps 30 --output-dir runs/answer-ppo
    python -m training.ppo --policy actor --env household --steps 30
    agentmem train ppo ...                                   (the same flags)

The pieces, each small and tested on its own:

* **rollout**: sample completions for a batch of prompts (for the LLM policies under
  the runtime's constrained decoding, through :mod:`training.rollout` as in GRPO),
  keeping the behaviour log-probs;
* **reward**: an outcome reward per sequence, placed on its last token, minus
  ``beta`` x the per-token KL to the reference policy;
* **advantage**: GAE over the completion tokens with the value head's estimates;
* **reference**: the KL term is measured against the warm start (``--init-adapter``,
  merged into a frozen copy of the base model) when there is one, else against the
  base model (the adapter disabled);
* **loss**: the clipped policy loss plus ``value_coef`` x the clipped value loss.

For the actor, each turn of an episode is one sample (prompt: what the actor saw;
completion: its action), rewarded with the episode's outcome discounted from the
end (with ``--actor-reward shaped`` the outcome plus ``progress_weight`` x the share
of sub-goals reached), minus ``invalid_penalty`` for an invalid action (turn-level rewards;
observations are prompt tokens, so they never enter the loss). With ``--credit turn``
each turn gets what it reached from then on instead (:func:`actor_turn_rewards`); with
``--credit group`` the loop runs GRPO (:func:`group_advantages`: ``group_size`` episodes
of one trip from copies of one memory, each turn given its episode's advantage within
the group, the KL to the reference a loss term, the value head unused). The episodes are
played by the runtime's own loop through :func:`training.rollout.play_actor_episode`, with
each turn prompted on its own (:class:`training.rollout.TurnPrompts`), as at
inference. Each step plays consecutive episodes of one home or shopper
(``--instances``, in turn, the first with seed 0); with ``--memory full`` they share a
fresh memory (notes, lessons, task tree), so the actor is trained on the prompts
memory gives it at inference, e.g. from a warm start trained with memory:

    python -m training.ppo --policy actor --env shop --init-adapter shop-actor \
        --memory full --instances 1 2 3 --actor-reward shaped --steps 20

Like GRPO, the reward of the answer and manager policies is called once on a probe
completion before torch and the model load (:func:`training.rewards.preflight_reward`).
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from agentmem.errors import ConfigError
from agentmem.progress import ProgressBar
from envs import ACTOR_ENVS, make_env
from training.config import PPOConfig, parse_args
from training.data import examples_for, reply_schema
from training.logs import JsonlLog, plot_log
from training.rewards import (
    Reward,
    episode_return,
    preflight_progress,
    preflight_reward,
    reward_for,
    turn_returns,
)
from training.rollout import TurnPrompts, complete, play_actor_episode

# ValueHead is resolved lazily (see __getattr__), so that importing this module needs no torch.
__all__ = ["Sample", "ValueHead", "gae", "group_advantages", "ppo_losses",  # noqa: F822
           "token_rewards",
           "PPOLoop", "sample_tokens", "rollout_batches", "actor_turn_rewards", "train_ppo",
           "main"]


@dataclass
class Sample:
    """One sequence: prompt and completion token ids, behaviour log-probs, outcome reward."""

    prompt_ids: list[int]
    completion_ids: list[int]
    logprobs: list[float]
    reward: float = 0.0
    advantage: float | None = None
    """Set by group credit (GRPO): every completion token's advantage, taken as given
    (no value head, no GAE); the KL to the reference becomes a loss term instead."""
    weight: float = 1.0
    """The sample's share of the loss: group credit gives each turn 1 / its episode's
    turns, so an episode counts once however long it ran (as one sequence does in GRPO;
    otherwise long failed episodes would outweigh short wins and push every action down)."""


def _torch():
    import torch

    return torch


def __getattr__(name: str) -> Any:
    # ValueHead subclasses torch.nn.Module, so defining it here would import torch with
    # this module; it lives in training.value_head and is loaded on first use.
    if name == "ValueHead":
        from training.value_head import ValueHead

        return ValueHead
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def token_rewards(outcome: float, kl: Sequence[float], beta: float) -> list[float]:
    """Per-token rewards: ``-beta * kl`` everywhere, plus the outcome on the last token."""
    out = [-beta * k for k in kl]
    if out:
        out[-1] += outcome
    return out


def group_advantages(returns: Sequence[float]) -> list[float]:
    """GRPO's advantages for one group of episodes played from the same state: each
    return against the group's mean, in the group's standard deviations; all zero when
    the returns tie (a group that scores alike says nothing about what was better)."""
    n = len(returns)
    mean = sum(returns) / n
    std = (sum((r - mean) ** 2 for r in returns) / n) ** 0.5
    return [(r - mean) / std if std > 1e-6 else 0.0 for r in returns]


def gae(rewards: Sequence[float], values: Sequence[float], gamma: float, lam: float
        ) -> tuple[list[float], list[float]]:
    """Generalised advantage estimates and returns over one sequence (terminal at the end)."""
    adv = [0.0] * len(rewards)
    last = 0.0
    for t in reversed(range(len(rewards))):
        next_value = values[t + 1] if t + 1 < len(values) else 0.0
        delta = rewards[t] + gamma * next_value - values[t]
        last = delta + gamma * lam * last
        adv[t] = last
    return adv, [a + v for a, v in zip(adv, values, strict=True)]


def ppo_losses(new_logp, old_logp, advantages, values, old_values, returns, clip: float,
               value_clip: float):
    """Clipped policy loss and clipped value loss (means over tokens)."""
    torch = _torch()
    ratio = torch.exp(new_logp - old_logp)
    pg = -torch.min(ratio * advantages, torch.clamp(ratio, 1 - clip, 1 + clip) * advantages)
    v_clipped = old_values + torch.clamp(values - old_values, -value_clip, value_clip)
    vf = 0.5 * torch.max((values - returns) ** 2, (v_clipped - returns) ** 2)
    return pg.mean(), vf.mean(), ((ratio - 1).abs() > clip).float().mean()


class PPOLoop:
    """The optimisation part of PPO for a peft model; rollouts and rewards come from outside.

    Args:
        model: a peft model.
        config: a :class:`PPOConfig` (clip, value_clip, value_coef, gamma, lam, beta,
            ppo_epochs, minibatch_size, learning_rate).
        reference: the frozen policy the KL term is measured against (a warm start's);
            None: the same model with its adapter disabled (the base model).
    """

    def __init__(self, model: Any, config: PPOConfig, reference: Any = None):
        torch = _torch()
        self.model, self.config, self.reference = model, config, reference
        model.eval()  # no dropout anywhere in PPO (see update)
        hidden = model.config.hidden_size if hasattr(model.config, "hidden_size") else \
            model.config.n_embd
        self.device = next(model.parameters()).device
        from training.value_head import ValueHead

        self.value_head = ValueHead(hidden).to(self.device)
        params = [p for p in model.parameters() if p.requires_grad] + list(
            self.value_head.parameters())
        self.optimizer = torch.optim.AdamW(params, lr=config.learning_rate)
        self.step = 0

    def _forward(self, sample: Sample, adapter: bool = True):
        torch = _torch()
        ids = torch.tensor([sample.prompt_ids + sample.completion_ids], device=self.device)
        n = len(sample.prompt_ids)
        if adapter:
            out = self.model(input_ids=ids, output_hidden_states=True)
        elif self.reference is not None:
            out = self.reference(input_ids=ids, output_hidden_states=True)
        else:
            with self.model.disable_adapter():
                out = self.model(input_ids=ids, output_hidden_states=True)
        logits = out.logits[0, n - 1:-1].float()
        logp = torch.log_softmax(logits / self.config.temperature, -1).gather(
            -1, ids[0, n:, None])[:, 0]
        values = self.value_head(out.hidden_states[-1][0, n - 1:-1])
        return logp, values

    def update(self, samples: list[Sample]) -> dict[str, float]:
        """One PPO update on a rollout batch; returns the metrics logged for it."""
        torch = _torch()
        cfg = self.config
        prepared = []
        # Dropout stays off throughout (gradients flow in eval mode too): the ratio
        # new/old and the KL to the reference must measure policy change, not noise.
        self.model.eval()
        if not samples:
            raise ValueError("an empty rollout batch: every episode ended before its first "
                             "action (its prompt filled the model's context)")
        # Group credit (GRPO): the advantages come normalised within their groups and the
        # KL is a loss term (below); otherwise GAE on outcome - beta x KL, normalised here.
        grouped = cfg.credit == "group"
        if grouped and any(s.advantage is None for s in samples):
            raise ValueError("--credit group needs every sample's advantage from its group")
        with torch.no_grad():
            for s in samples:
                logp, values = self._forward(s)
                ref_logp, _ = self._forward(s, adapter=False)
                old = torch.tensor(s.logprobs, device=self.device) if s.logprobs else logp
                kl = (logp - ref_logp).tolist()
                if grouped:
                    adv, ret = [s.advantage] * len(kl), values.tolist()
                else:
                    adv, ret = gae(token_rewards(s.reward, kl, cfg.beta), values.tolist(),
                                   cfg.gamma, cfg.lam)
                prepared.append((s, old, values, torch.tensor(adv, device=self.device),
                                 torch.tensor(ret, device=self.device), sum(kl), ref_logp))
        if grouped:
            mean, std = 0.0, 1.0
        else:
            all_adv = torch.cat([p[3] for p in prepared])
            mean = all_adv.mean()
            std = all_adv.std().clamp_min(1e-6) if len(all_adv) > 1 else 1.0
        aux = "kl_loss" if grouped else "vf_loss"  # the second loss term, logged by name
        metrics = {"pg_loss": 0.0, aux: 0.0, "clipfrac": 0.0}
        updates = 0
        for _ in range(cfg.ppo_epochs):
            order = list(range(len(prepared)))
            random.shuffle(order)
            for start in range(0, len(order), cfg.minibatch_size):
                self.optimizer.zero_grad()
                for i in order[start:start + cfg.minibatch_size]:
                    s, old, old_values, adv, ret, _, ref_logp = prepared[i]
                    logp, values = self._forward(s)
                    pg, vf, cf = ppo_losses(logp, old, (adv - mean) / std, values, old_values,
                                            ret, cfg.clip, cfg.value_clip)
                    if grouped:  # GRPO: the value head unused; the KL (k3) in the loss
                        log_ratio = ref_logp - logp
                        second = (torch.exp(log_ratio) - log_ratio - 1).mean()
                        loss = s.weight * (pg + cfg.beta * second) / cfg.minibatch_size
                    else:
                        second = vf
                        loss = s.weight * (pg + cfg.value_coef * vf) / cfg.minibatch_size
                    loss.backward()
                    metrics["pg_loss"] += float(pg.detach())
                    metrics[aux] += float(second.detach())
                    metrics["clipfrac"] += float(cf)
                    updates += 1
                torch.nn.utils.clip_grad_norm_(
                    [p for g in self.optimizer.param_groups for p in g["params"]], 1.0)
                self.optimizer.step()
        self.step += 1
        n = max(1, updates)
        return {**{k: v / n for k, v in metrics.items()},
                "reward": sum(s.reward for s in samples) / len(samples),
                "kl": sum(p[5] for p in prepared) / len(prepared)}

    def state(self) -> dict[str, Any]:
        return {"value_head": self.value_head.state_dict(), "optimizer": self.optimizer.state_dict(),
                "step": self.step}

    def load_state(self, state: dict[str, Any]) -> None:
        self.value_head.load_state_dict(state["value_head"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.step = state["step"]


def sample_tokens(model: Any, prompt_ids: list[int], max_new: int, temperature: float,
                  eos: int | None = None) -> Sample:
    """Plain ancestral sampling (no grammar): for models without a chat template."""
    torch = _torch()
    device = next(model.parameters()).device
    ids = list(prompt_ids)
    logps = []
    with torch.no_grad():
        for _ in range(max_new):
            logits = model(input_ids=torch.tensor([ids], device=device)).logits[0, -1].float()
            probs = torch.softmax(logits / temperature, -1)
            tok = int(torch.multinomial(probs, 1))
            logps.append(float(torch.log(probs[tok])))
            ids.append(tok)
            if eos is not None and tok == eos:
                break
    return Sample(list(prompt_ids), ids[len(prompt_ids):], logps)


# -- rollouts ---------------------------------------------------------------------------------
def _episode_memory(embedder: Any, copy_of: Any = None) -> tuple[Any, Any]:
    """The actor's memory for one step's episodes (``--memory full``: a fresh store, as
    ``agentmem eval`` gives each home or shopper, or a copy of the store ``copy_of``
    with its records, vectors and history) and its store to close; (None, None) without
    memory (no ``embedder``). Lessons are written without a model, as in the supervised
    data."""
    if embedder is None:
        return None, None
    from agentmem.memory import Memory
    from training.eval.episodes import EnvMemory

    store = Memory(home=":memory:", embedder=embedder)
    try:
        if copy_of is not None:
            copy_of.copy_to(store)
        return EnvMemory(store), store
    except BaseException:
        store.close()
        raise


def rollout_batches(config: PPOConfig, llm: Any, model: Any, tokenizer: Any,
                    rows: list[dict[str, Any]], reward: Reward | None
                    ) -> Callable[[int], list[Sample]]:
    """A function ``step -> samples`` giving the next rollout batch for the configured
    policy. ``rows`` and ``reward``: the answer or manager policy's prompts and reward
    (the actor has none: its turns are rewarded from the episode's outcome)."""
    from training.model import completion_logprobs

    def score(prompt: list[int], completion: list[int]) -> Sample:
        return Sample(prompt, completion,
                      completion_logprobs(model, prompt, completion, config.temperature))

    if config.policy != "actor":
        def batch(step: int) -> list[Sample]:
            out = []
            for j in range(config.batch_size):
                row = rows[(step * config.batch_size + j) % len(rows)]
                model.eval()
                p, c = complete(llm, row["prompt"], reply_schema(config.policy, row),
                                max_new_tokens=config.max_completion_tokens,
                                temperature=config.temperature, eos_id=tokenizer.eos_token_id)
                s = score(p, c)
                text = tokenizer.decode(c, skip_special_tokens=True)
                cols = {k: [v] for k, v in row.items() if k != "prompt"}
                s.reward = reward([row["prompt"]], [text], **cols)[0]
                out.append(s)
            return out

        return batch

    # One embedder for every step's fresh memory (a name would load the model each step).
    embedder = None
    if config.memory == "full":
        from agentmem.embeddings import make_embedder

        embedder = make_embedder("minilm")

    def play(env: Any, step: int, n_ep: int, memory: Any, temperature: float) -> Any:
        # The first trip is seed 0, where a shop's shopper still states their size and
        # colour; later trips ("my usual size") need what memory kept from it.
        seed = 0 if n_ep == 0 else config.seed * 100_000 + step * 100 + n_ep
        model.eval()
        return play_actor_episode(llm, env, seed, TurnPrompts(tokenizer),
                                  max_new_tokens=config.max_completion_tokens,
                                  temperature=temperature, memory=memory, episode=n_ep)

    def episodes(step: int) -> list[Sample]:
        # One home or shopper per step, in turn; its episodes are consecutive, as at
        # inference (with memory, each sees what the earlier ones left).
        instance = config.instances[step % len(config.instances)]
        env = make_env(config.env, instance=instance, max_steps=config.max_episode_steps)()
        memory, store = _episode_memory(embedder)
        out: list[Sample] = []
        try:
            if config.credit == "group":
                return group(step, env, memory, store)
            for n_ep in itertools.count():
                if len(out) >= config.batch_size:
                    break
                ep = play(env, step, n_ep, memory, config.temperature)
                for turn, reward in zip(ep.turns, actor_turn_rewards(config, ep, env.name),
                                        strict=True):
                    s = score(turn.prompt_ids, turn.reply_ids)
                    s.reward = reward
                    out.append(s)
        finally:
            if store is not None:
                store.close()
        return out

    def group(step: int, env: Any, memory: Any, store: Any) -> list[Sample]:
        # GRPO with an anchor state (GiGPO's idea at the episode level): the first trips
        # are played once, greedily as at inference, and fill the memory; then the group
        # plays the next trip group_size times, each from its own copy of that memory, so
        # their returns differ only by what the actor did. The anchor count moves on by
        # one each pass over the instances, so a home or shopper is not always given the
        # same one.
        anchors = config.anchors[(step + step // len(config.instances)) % len(config.anchors)]
        for n_ep in range(anchors if memory is not None else 0):  # they only fill memory
            play(env, step, n_ep, memory, temperature=0.0)
        played = []
        for _ in range(config.group_size):
            copy, copy_store = _episode_memory(embedder, copy_of=store)
            try:
                played.append(play(env, step, anchors, copy, config.temperature))
            finally:
                if copy_store is not None:
                    copy_store.close()
        returns = [episode_return(ep.total_reward, ep.progress, ep.invalid,
                                  shaping=config.shaping, penalty=config.invalid_penalty,
                                  env=env.name) for ep in played]
        out = []
        for ep, ret, advantage in zip(played, returns, group_advantages(returns), strict=True):
            for turn in ep.turns:
                s = score(turn.prompt_ids, turn.reply_ids)
                s.reward, s.advantage, s.weight = ret, advantage, 1.0 / len(ep.turns)
                out.append(s)
        return out

    return episodes


def actor_turn_rewards(config: PPOConfig, ep: Any, env: str) -> list[float]:
    """Each turn's reward. ``credit="episode"``: the episode's outcome discounted from the
    end, minus the penalty on the turns whose action was invalid. ``credit="turn"``: what
    the turn reached from then on (:func:`training.rewards.turn_returns`)."""
    if config.credit == "turn":
        actions = [t.action for t in ep.turns]
        return turn_returns(ep.total_reward, ep.start_progress, [t.progress for t in ep.turns],
                            [t.invalid for t in ep.turns],
                            [i > 0 and a == actions[i - 1] for i, a in enumerate(actions)],
                            shaping=config.shaping, penalty=config.invalid_penalty,
                            repeat_penalty=config.repeat_penalty,
                            discount=config.turn_discount, env=env)
    n = len(ep.turns)
    outcome = episode_return(ep.total_reward, ep.progress, 0, shaping=config.shaping,
                             penalty=0.0, env=env)
    return [outcome * config.gamma ** (n - 1 - t) - (config.invalid_penalty if turn.invalid
                                                      else 0.0)
            for t, turn in enumerate(ep.turns)]


def train_ppo(config: PPOConfig, *, progress: bool = True) -> dict[str, Any]:
    """Train with PPO; checkpoints every ``save_steps`` and resumes from the last one."""
    config.check()
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(config.to_json())
    # The prompts and the reward first, as in GRPO: a broken reward fails here, before
    # torch and the model load. (The actor's turn rewards come from the environment.)
    rows, reward = [], None
    if config.policy != "actor":
        rows = examples_for(config)
        if not rows:
            raise ConfigError("no training examples were built; check --data and --examples")
        reward = reward_for(config)
        preflight_reward(reward, rows)
    elif config.shaping:
        preflight_progress(make_env(config.env, instance=1, max_steps=config.max_episode_steps))

    torch = _torch()
    from agentmem.llm.local import LocalLLM
    from training.model import load_for, load_reference, lora_params, save_adapter, template_of

    template = template_of(config.template_policy)  # what the rollouts prompt with
    random.seed(config.seed)
    ckpt = out / "checkpoint"
    resume = config.resume and (ckpt / "ppo_state.pt").exists()
    model, tokenizer = load_for(config, adapter=ckpt if resume else None)
    before = lora_params(model)
    loop = PPOLoop(model, config, reference=load_reference(config))
    if resume:
        loop.load_state(torch.load(ckpt / "ppo_state.pt", weights_only=False))
    llm = LocalLLM(model_obj=model, tokenizer=tokenizer)
    next_batch = rollout_batches(config, llm, model, tokenizer, rows, reward)
    log = JsonlLog(out / "log.jsonl")
    start = time.perf_counter()
    name = "GRPO" if config.credit == "group" else "PPO"  # group credit is GRPO's objective
    with ProgressBar(f"{name} {config.policy}", config.steps, enabled=progress,
                     completed=loop.step) as bar:
        for step in range(loop.step, config.steps):
            metrics = loop.update(next_batch(step))
            log(metrics, loop.step)
            bar.advance()
            bar.note(f"reward {metrics['reward']:.3f} kl {metrics['kl']:.3f}")
            if loop.step % config.save_steps == 0 or loop.step == config.steps:
                save_adapter(model, tokenizer, ckpt, policy=config.policy, template=template)
                torch.save(loop.state(), ckpt / "ppo_state.pt")
    adapter = save_adapter(model, tokenizer, out / "adapter", policy=config.policy,
                           template=template, extra={"trainer": name.lower(), "steps": loop.step})
    after = lora_params(model)
    plot_log(out / "log.jsonl", out / "training.png", f"{name}, {config.policy} policy")
    summary = {"adapter": str(adapter), "seconds": time.perf_counter() - start,
               "steps": loop.step, "resumed": bool(resume),
               "lora_tensors_changed": sum(not torch.equal(before[k], after[k]) for k in before),
               "lora_tensors": len(before)}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main(argv: list[str] | None = None, prog: str | None = None) -> None:
    config = parse_args(PPOConfig, argv, prog=prog, usage_errors=True)
    if config.policy == "actor" and config.env not in ACTOR_ENVS:
        raise ConfigError(f"the actor trains on --env {' or --env '.join(ACTOR_ENVS)}")
    print(json.dumps(train_ppo(config), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
