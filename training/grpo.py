"""GRPO for the answer policy and the memory manager, with TRL's GRPOTrainer and LoRA.

    python -m training.grpo --policy answer --env locomo --data ../shared/data/locomo/26.json \\
        --steps 50 --output-dir runs/answer-grpo
    python -m training.grpo --policy manager --env facts --steps 50
    agentmem train grpo --policy answer ...            (the same flags)

Rollouts go through ``rollout_func`` and use the runtime's own constrained
decoding (the policy's JSON schema), so the trained policy sees at training time
exactly the output space it has at inference. Prompts are rendered by the same
policy classes and template files the agent uses. The result is a LoRA adapter at
``OUTPUT_DIR/adapter``: ``PromptedAnswerer("local", adapter=...)`` loads it.
Logs: ``OUTPUT_DIR/log.jsonl`` (+ TensorBoard when installed) and
``OUTPUT_DIR/training.png`` (reward and KL over steps).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from agentmem.errors import ConfigError
from training.config import GRPOConfig, parse_args
from training.rewards import answer_reward, checked_reward, manager_reward

__all__ = ["train_grpo", "main", "make_rollout"]


def _schema_for(policy: str) -> Callable[[list[dict]], Any]:
    if policy == "answer":
        from policies.answer import AnswerOutput

        return lambda messages: AnswerOutput
    from policies.manager import output_schema

    def manager_schema(messages: list[dict]) -> dict:
        shown = sum(1 for line in messages[-1]["content"].splitlines() if line[:1] == "[")
        return output_schema(shown, 3)

    return manager_schema


def make_rollout(policy: str, max_tokens: int, temperature: float) -> Callable:
    """A TRL ``rollout_func``: one constrained completion per prompt, with its log-probs."""
    schema_for = _schema_for(policy)
    cache: dict[str, Any] = {}

    def rollout(prompts: list, trainer: Any) -> dict[str, list]:
        import torch

        from agentmem.llm.local import LocalLLM

        model = trainer.model
        if "llm" not in cache:
            cache["llm"] = LocalLLM(model_obj=model, tokenizer=trainer.processing_class)
        llm = cache["llm"]
        was_training = model.training
        model.eval()
        prompt_ids, completion_ids, logprobs = [], [], []
        try:
            for messages in prompts:
                p, c = llm.generate_ids(messages, schema_for(messages), max_tokens, temperature)
                if not c:
                    c = [trainer.processing_class.eos_token_id]
                with torch.no_grad():
                    ids = torch.tensor([p + c], device=next(model.parameters()).device)
                    logits = model(input_ids=ids).logits[0, len(p) - 1:-1].float()
                    lp = torch.log_softmax(logits / temperature, -1)
                    chosen = lp.gather(-1, ids[0, len(p):, None])[:, 0]
                prompt_ids.append(p)
                completion_ids.append(c)
                logprobs.append(chosen.tolist())
        finally:
            model.train(was_training)
        return {"prompt_ids": prompt_ids, "completion_ids": completion_ids, "logprobs": logprobs}

    return rollout


def _dataset(config: GRPOConfig) -> list[dict[str, Any]]:
    from training.data import answer_examples, manager_examples

    if config.policy == "answer":
        return answer_examples(config.data, k=config.k, limit=config.examples, seed=config.seed)
    if config.policy == "manager":
        return manager_examples(k=config.k, limit=config.examples, seed=config.seed)
    raise ConfigError("GRPO for the actor runs multi-turn episodes: use python -m training.ppo "
                      "--policy actor (GRPO for the actor is not wired yet)")


def _reward(config: GRPOConfig) -> Callable:
    fn = answer_reward(config.format_reward) if config.policy == "answer" else \
        manager_reward(config.format_reward)
    return checked_reward(fn)


def _preflight(reward: Callable, rows: list[dict[str, Any]]) -> None:
    """Call the reward once on a made-up completion, so a broken reward fails now."""
    row = rows[0]
    columns = {k: [v] for k, v in row.items() if k != "prompt"}
    value = reward([row["prompt"]], [[{"role": "assistant", "content": "{}"}]], **columns)
    if not isinstance(value, list) or len(value) != 1:
        raise ConfigError(f"the reward returned {value!r} for one completion; it must return "
                          "one float per completion")


class _JsonlLog:
    def __init__(self, path: Path):
        self.path = path

    def __call__(self, logs: dict[str, Any], step: int) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"step": step, "time": time.time(), **logs}) + "\n")


def plot_log(log: Path, out: Path, title: str) -> Path | None:
    """Reward, KL and loss over steps from a ``log.jsonl``."""
    rows = [json.loads(x) for x in log.read_text().splitlines() if x.strip()] if log.exists() else []
    rows = [r for r in rows if "reward" in r or "loss" in r]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in ("reward", "kl", "loss", "success") if any(k in r for r in rows)]
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3.2))
    for ax, key in zip(axes if len(keys) > 1 else [axes], keys, strict=True):
        pts = [(r["step"], r[key]) for r in rows if key in r]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=".")
        ax.set(title=key, xlabel="step")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def train_grpo(config: GRPOConfig) -> dict[str, Any]:
    """Train; return a summary (steps, wall time, final adapter path, last metrics)."""
    config.check()
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(config.to_json())
    rows = _dataset(config)
    if not rows:
        raise ConfigError("no training examples were built; check --data and --examples")
    reward = _reward(config)
    _preflight(reward, rows)

    import torch
    from datasets import Dataset
    from transformers import TrainerCallback
    from trl import GRPOConfig as TRLConfig
    from trl import GRPOTrainer

    from training.model import load_policy_model, lora_params, save_adapter

    model, tokenizer = load_policy_model(config.model, r=config.lora_r, alpha=config.lora_alpha,
                                         dropout=config.lora_dropout, targets=config.lora_targets,
                                         seed=config.seed)
    before = lora_params(model)
    log = _JsonlLog(out / "log.jsonl")

    class _Log(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kw):
            if logs:
                log(dict(logs), state.global_step)

    report = ["tensorboard"] if config.tensorboard and _has("tensorboard") else ["none"]
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
    rollout = None if config.use_vllm else make_rollout(
        config.policy, config.max_completion_tokens, config.temperature)
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=args,
                          train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                          rollout_func=rollout, callbacks=[_Log()])
    resume = config.resume and any(out.glob("checkpoint-*"))
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=True if resume else None)
    seconds = time.perf_counter() - start
    adapter = save_adapter(trainer.model, tokenizer, out / "adapter", policy=config.policy,
                           extra={"trainer": "grpo", "steps": config.steps})
    after = lora_params(trainer.model)
    changed = sum(not torch.equal(before[k], after[k]) for k in before if k in after)
    plot_log(out / "log.jsonl", out / "training.png", f"GRPO, {config.policy} policy")
    summary = {"adapter": str(adapter), "seconds": seconds, "steps": trainer.state.global_step,
               "lora_tensors_changed": changed, "lora_tensors": len(before),
               "resumed": bool(resume), "last_log": trainer.state.log_history[-1:]}
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    return summary


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main(argv: list[str] | None = None) -> None:
    config = parse_args(GRPOConfig, argv)
    summary = train_grpo(config)
    print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
