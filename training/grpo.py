"""GRPO for the answer policy, the memory manager and the actor, with TRL's GRPOTrainer
and LoRA.

    python -m training.grpo --policy answer --env locomo --data ../shared/data/locomo/26.json \\
        --steps 50 --output-dir runs/answer-grpo
    python -m training.grpo --policy manager --env facts --steps 50
    python -m training.grpo --policy actor --env household --steps 30 --max-episode-steps 8
    agentmem train grpo --policy answer ...            (the same flags)

Rollouts go through ``rollout_func`` and use the runtime's own constrained
decoding (the policy's JSON schema), so the trained policy sees at training time
exactly the output space it has at inference. Prompts are rendered by the same
policy classes and template files the agent uses. The result is a LoRA adapter at
``OUTPUT_DIR/adapter``: ``PromptedAnswerer("local", adapter=...)`` loads it.
Logs: ``OUTPUT_DIR/log.jsonl`` (+ TensorBoard when installed) and
``OUTPUT_DIR/training.png`` (reward and KL over steps).

The episode loop, the action parser and the chat-template joining live in
:mod:`training.rollout` (shared with PPO); the log file and its plot in
:mod:`training.logs`; the rewards, their kinds and the preflight in
:mod:`training.rewards`.

For the actor a rollout is a whole episode, returned to TRL as one sequence: the
actor's first prompt, then its replies interleaved with the environment's
observations and the next prompts. ``env_mask`` marks the observation tokens, so
only the actor's own tokens enter the loss; the reward is the episode's outcome
minus ``invalid_penalty`` per invalid action; with ``--actor-reward shaped`` plus
``progress_weight`` x the share of the episode's sub-goals reached (object found,
taken, processed, placed; in the shop the product type found, its page, the price,
the options, bought). Within the sequence the actor sees
the earlier turns as chat history (at inference it sees only the current turn's
prompt, which has the same format).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from agentmem.errors import ConfigError
from envs import make_env
from training.config import GRPOConfig, parse_args
from training.data import examples_for, reply_schema
from training.logs import JsonlLog, log_callback, plot_log, report_to, run_trainer
from training.rewards import (
    episode_return,
    episode_reward,
    preflight_progress,
    preflight_reward,
    reward_for,
)
from training.rollout import ChatSequence, TurnJoiner, complete, play_actor_episode

__all__ = ["train_grpo", "main", "make_rollout", "make_actor_rollout", "play_episode",
           "TurnJoiner", "episode_rows", "episode_reward", "finished_run"]


def _prompt_key(messages: list[dict]) -> tuple[tuple[str, str], ...]:
    return tuple((m["role"], m["content"]) for m in messages)


def make_rollout(policy: str, rows: list[dict[str, Any]], max_tokens: int, temperature: float
                 ) -> Callable:
    """A TRL ``rollout_func``: one constrained completion per prompt, with its log-probs.

    TRL hands the rollout only the prompts, so each row's reply schema
    (:func:`training.data.reply_schema`, e.g. the manager's memory ids) is looked up
    by its prompt, as recorded when the rows were built.
    """
    schemas = {_prompt_key(row["prompt"]): reply_schema(policy, row) for row in rows}
    cache: dict[str, Any] = {}

    def rollout(prompts: list, trainer: Any) -> dict[str, list]:
        from agentmem.llm.local import LocalLLM
        from training.model import completion_logprobs

        model = trainer.model
        if "llm" not in cache:
            cache["llm"] = LocalLLM(model_obj=model, tokenizer=trainer.processing_class)
        llm = cache["llm"]
        was_training = model.training
        model.eval()
        prompt_ids, completion_ids, logprobs = [], [], []
        try:
            for messages in prompts:
                p, c = complete(llm, messages, schemas[_prompt_key(messages)],
                                max_new_tokens=max_tokens, temperature=temperature,
                                eos_id=trainer.processing_class.eos_token_id)
                prompt_ids.append(p)
                completion_ids.append(c)
                logprobs.append(completion_logprobs(model, p, c, temperature))
        finally:
            model.train(was_training)
        return {"prompt_ids": prompt_ids, "completion_ids": completion_ids, "logprobs": logprobs}

    return rollout


# -- the actor: multi-turn episodes, observations masked out of the loss ----------------------
def episode_rows(config: GRPOConfig) -> list[dict[str, Any]]:
    """One row per training episode. The row's prompt only names the environment and
    its seed; the rollout resets the environment with them and returns the real
    prompt tokens (the actor's first turn). The group of ``num_generations``
    rollouts of a row plays the same episode, so their outcomes are comparable."""
    return [{"prompt": [{"role": "user", "content": json.dumps(
        {"env": config.env, "seed": config.seed * 100_000 + i})}]}
        for i in range(config.examples)]


def play_episode(llm: Any, joiner: TurnJoiner, env: Any, seed: int, *, max_tokens: int,
                 temperature: float, invalid_penalty: float, shaping: float = 0.0
                 ) -> dict[str, Any]:
    """One episode as a single token sequence (:class:`training.rollout.ChatSequence`):
    the actor's first prompt, then its replies (mask 1) interleaved with the
    observations and the next prompts (mask 0), in TRL's rollout columns. The actor
    sees each turn's prompt rendered by :class:`policies.PromptedActor`."""
    context = ChatSequence(joiner)
    ep = play_actor_episode(llm, env, seed, context, max_new_tokens=max_tokens,
                            temperature=temperature)
    prompt, completion, mask = context.sequence()
    return {"prompt_ids": prompt, "completion_ids": completion, "env_mask": mask,
            "env_reward": episode_return(ep.total_reward, ep.progress, ep.invalid,
                                         shaping=shaping, penalty=invalid_penalty, env=env.name),
            "progress": ep.progress,
            "success": ep.success, "steps": ep.steps}


def make_actor_rollout(config: GRPOConfig) -> Callable:
    """A TRL ``rollout_func`` that plays whole episodes; observation tokens get
    ``env_mask`` 0, so only the actor's own tokens enter the loss."""
    cache: dict[str, Any] = {}

    def rollout(prompts: list, trainer: Any) -> dict[str, list]:
        from agentmem.llm.local import LocalLLM
        from training.model import completion_logprobs

        model, tok = trainer.model, trainer.processing_class
        if "llm" not in cache:
            cache["llm"] = LocalLLM(model_obj=model, tokenizer=tok)
            cache["joiner"] = TurnJoiner(tok)
        was_training = model.training
        model.eval()
        out: dict[str, list] = {k: [] for k in ("prompt_ids", "completion_ids", "logprobs",
                                                "env_mask", "env_reward")}
        try:
            for messages in prompts:
                spec = json.loads(messages[-1]["content"])
                env = make_env(spec["env"], instance=1, max_steps=config.max_episode_steps)()
                ep = play_episode(cache["llm"], cache["joiner"], env, spec["seed"],
                                  max_tokens=config.max_completion_tokens,
                                  temperature=config.temperature,
                                  invalid_penalty=config.invalid_penalty,
                                  shaping=config.shaping)
                out["logprobs"].append(completion_logprobs(
                    model, ep["prompt_ids"], ep["completion_ids"], config.temperature))
                for key in ("prompt_ids", "completion_ids", "env_mask", "env_reward"):
                    out[key].append(ep[key])
        finally:
            model.train(was_training)
        return out

    return rollout


def finished_run(out: Path, steps: int) -> dict[str, Any] | None:
    """The summary of a run in ``out`` that already reached ``steps`` (with its adapter)."""
    path = out / "summary.json"
    if not path.is_file() or not (out / "adapter").is_dir():
        return None
    summary = json.loads(path.read_text())
    return summary | {"reused": True} if summary.get("steps", 0) >= steps else None


def _rank_zero() -> bool:
    """True in a single process and in rank 0 of a distributed launch (before the
    trainer, and so its accelerator, exists)."""
    return int(os.environ.get("RANK", "0")) == 0


def train_grpo(config: GRPOConfig) -> dict[str, Any]:
    """Train; return a summary (steps, wall time, final adapter path, last metrics)."""
    config.check()
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    out = Path(config.output_dir)
    finished = finished_run(out, config.steps) if config.resume else None
    if finished is not None:  # resuming a finished run would train one step past the end
        return finished
    out.mkdir(parents=True, exist_ok=True)
    if _rank_zero():
        (out / "config.json").write_text(config.to_json())
    rows = episode_rows(config) if config.policy == "actor" else examples_for(config)
    if not rows:
        raise ConfigError("no training examples were built; check --data and --examples")
    reward = reward_for(config)
    preflight_reward(reward, rows)
    if config.policy == "actor" and config.shaping:
        preflight_progress(make_env(config.env, instance=1, max_steps=config.max_episode_steps))

    import torch
    from datasets import Dataset
    from trl import GRPOConfig as TRLConfig
    from trl import GRPOTrainer

    from training.model import load_for, lora_params, save_adapter, template_of

    template = template_of(config.template_policy)  # what the rollouts prompt with
    model, tokenizer = load_for(config)
    before = lora_params(model)
    log = JsonlLog(out / "log.jsonl")
    report = report_to(config.tensorboard)
    args = TRLConfig(
        output_dir=str(out), per_device_train_batch_size=config.batch_size,
        num_generations=config.num_generations, max_completion_length=config.max_completion_tokens,
        learning_rate=config.learning_rate, max_steps=config.steps, logging_steps=1,
        save_steps=config.save_steps, save_strategy="steps", beta=config.beta,
        temperature=config.temperature, seed=config.seed, report_to=report,
        use_cpu=not torch.cuda.is_available(), bf16=False, remove_unused_columns=False,
        gradient_accumulation_steps=1, disable_tqdm=False, save_total_limit=2,
        gradient_checkpointing=False,  # a 135M model fits; checkpointing only costs time
        use_vllm=config.use_vllm, **({"vllm_mode": "colocate"} if config.use_vllm else {}))
    if config.policy == "actor":
        if config.use_vllm:
            raise ConfigError("GRPO for the actor plays episodes through the local model; "
                              "--use-vllm is for the answer and manager policies")
        rollout = make_actor_rollout(config)
    else:
        rollout = None if config.use_vllm else make_rollout(
            config.policy, rows, config.max_completion_tokens, config.temperature)
    trainer = GRPOTrainer(model=model, reward_funcs=[reward.fn], args=args,
                          train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                          rollout_func=rollout, callbacks=[log_callback(log)])
    summary = {"adapter": str(out / "adapter"), **run_trainer(trainer, out, config.resume, before),
               "processes": trainer.accelerator.num_processes,
               "last_log": trainer.state.log_history[-1:]}
    if trainer.is_world_process_zero():  # under accelerate launch, one process writes
        save_adapter(trainer.model, tokenizer, out / "adapter", policy=config.policy,
                     template=template, extra={"trainer": "grpo", "steps": config.steps})
        plot_log(out / "log.jsonl", out / "training.png", f"GRPO, {config.policy} policy")
        (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    trainer.accelerator.wait_for_everyone()
    return summary


def main(argv: list[str] | None = None, prog: str | None = None) -> None:
    config = parse_args(GRPOConfig, argv, prog=prog, usage_errors=True)
    summary = train_grpo(config)
    if _rank_zero():  # one summary, not one per process
        print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
