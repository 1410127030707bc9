"""Supervised fine-tuning of the actor (the warm start before RL), of the memory
manager and of the answer policy, with TRL's SFTTrainer and LoRA.

    python -m training.sft --env household --instances 1 2 3 4 5 6 --episodes 6
    python -m training.sft --env shop --output-dir runs/shop-sft
    python -m training.sft --trajectories episodes.jsonl      (recorded demonstrations)
    python -m training.sft --policy manager                   (LoCoMo 26, labelled by its notes)
    python -m training.sft --policy manager --env facts       (fact streams' gold operations)
    python -m training.sft --policy answer                    (LoCoMo 26, the read path's contexts)
    agentmem train sft ...                                    (the same flags)

The answer policy's examples are LoCoMo questions shown what the Agent's read path
shows for them (:func:`training.data.answer_demonstrations`), answered with the
dataset's answers. The manager's examples are its calls on the write path
(:mod:`training.manager_demonstrations`): the extractive mode's labelled by LoCoMo's
notes, the generative mode's by the fact streams' gold operations; the actor's: the
turns of demonstrations (the scripted explorer, which sees only
what the actor sees; the environment's expert plan; or a recorded trajectory) played
through the runtime's episode loop with and without memory
(:mod:`training.demonstrations`): each is the prompt the runtime actor is sent and the
reply ``{"action": ...}`` as constrained decoding writes it; the loss is on the reply's
tokens only. Every plan and recording is checked (valid actions, a won episode) before
the model is loaded; the explorer's lost episodes are dropped and counted.

The result is a LoRA adapter at ``OUTPUT_DIR/adapter`` that records the template it
was trained with: ``PromptedActor("local", adapter=...)`` loads it, and
``python -m training.grpo --policy actor --init-adapter OUTPUT_DIR/adapter``
continues from it with RL. Logs: ``OUTPUT_DIR/log.jsonl`` and
``OUTPUT_DIR/training.png`` (loss over steps), as for GRPO and PPO.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from agentmem.errors import ConfigError
from training.config import SFTConfig, parse_args
from training.demonstrations import actor_examples, default_expert
from training.logs import JsonlLog, log_callback, plot_log, report_to, run_trainer

__all__ = ["train_sft", "examples_for_sft", "main"]


def examples_for_sft(config: SFTConfig, dropped: list | None = None) -> list[dict[str, Any]]:
    """The prompt/completion rows a config trains on (checked demonstrations); the
    explorer's lost episodes are appended to ``dropped``."""
    if config.policy == "manager" and config.env == "facts":
        from training.manager_demonstrations import fact_stream_examples

        rows = fact_stream_examples(range(config.streams), turns=config.stream_turns)
        return rows[:config.examples] if config.examples else rows
    if config.policy == "answer":
        from training.data import DEFAULT_ANSWER_CONTEXTS, answer_demonstrations

        # The contexts come from the memory the default Agent builds (the local model's
        # manager), whatever model is being trained to answer from them.
        return answer_demonstrations(config.conversations, keep=config.keep,
                                     llm="local",
                                     contexts=config.contexts or DEFAULT_ANSWER_CONTEXTS,
                                     limit=config.examples or None, seed=config.seed)
    if config.policy == "manager":
        from training.manager_demonstrations import extractive_examples

        return extractive_examples(config.conversations, limit=config.examples or None)
    rows = actor_examples(config.env, instances=config.instances, episodes=config.episodes,
                          memory=config.memory, trajectories=config.trajectories,
                          max_steps=config.max_episode_steps, seed=config.seed,
                          limit=config.examples or None, expert=config.expert,
                          dropped=dropped, moves=config.moves, takes=config.takes)
    if not rows:
        raise ConfigError("no training examples were built; check --instances and --episodes")
    return rows


def train_sft(config: SFTConfig) -> dict[str, Any]:
    """Train; return a summary (examples, steps, wall time, adapter path, last loss)."""
    config.check()
    from training.grpo import finished_run

    out = Path(config.output_dir)
    # A finished run of this very config is reused; any other config trains afresh.
    same = (out / "config.json").is_file() and (out / "config.json").read_text() == config.to_json()
    if config.resume and same and (done := finished_run(out, config.steps or 1)) is not None:
        return done
    if config.resume and not same and any(out.glob("checkpoint-*")):
        raise ConfigError(f"{out} holds checkpoints of a run with another config; pass a new "
                          "--output-dir, or --no-resume to start over there")
    from training.model import template_of

    template = template_of(config.template_policy)  # what the rows below are rendered with
    dropped: list = []
    rows = examples_for_sft(config, dropped)  # fails here, before the model loads, on bad data
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(config.to_json())

    import torch
    from datasets import Dataset
    from trl import SFTConfig as TRLConfig
    from trl import SFTTrainer

    from training.model import load_for, lora_params, save_adapter

    model, tokenizer = load_for(config)
    before = lora_params(model)
    log = JsonlLog(out / "log.jsonl")
    report = report_to(config.tensorboard)
    args = TRLConfig(
        # One sequence at a time, accumulated: on a CPU, padding a batch to its longest
        # prompt costs more than the batching saves.
        output_dir=str(out), per_device_train_batch_size=1,
        gradient_accumulation_steps=config.batch_size,
        learning_rate=config.learning_rate, num_train_epochs=config.epochs,
        max_steps=config.steps or -1, logging_steps=1, save_steps=config.save_steps,
        save_strategy="steps", save_total_limit=2, seed=config.seed, report_to=report,
        use_cpu=not torch.cuda.is_available(), bf16=False, max_length=config.max_length,
        truncation_mode="keep_end",  # the reply is at the end; never cut it
        completion_only_loss=True, remove_unused_columns=True, gradient_checkpointing=False,
        lr_scheduler_type="cosine", warmup_steps=0.05, disable_tqdm=False,
        dataset_num_proc=None)
    columns = [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(columns),
                         processing_class=tokenizer, callbacks=[log_callback(log)])
    run = run_trainer(trainer, out, config.resume, before)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    summary = {"adapter": str(out / "adapter"), **run, "examples": len(rows),
               **_data_summary(config, rows, dropped),
               "first_loss": losses[0] if losses else math.nan,
               "last_loss": losses[-1] if losses else math.nan}
    data = {k: summary[k] for k in ("expert", "conversations", "examples_keeping", "streams",
                                    "examples_by_op", "examples_by_context") if k in summary}
    save_adapter(trainer.model, tokenizer, out / "adapter", policy=config.policy,
                 template=template, extra={"trainer": "sft", "env": config.env, **data,
                        "steps": trainer.state.global_step, "examples": len(rows),
                        **({"instances": config.instances, "memory": config.memory}
                           if config.policy == "actor" else {})})
    plot_log(out / "log.jsonl", out / "training.png", f"SFT, {config.policy} policy ({config.env})")
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    return summary


def _data_summary(config: SFTConfig, rows: list[dict[str, Any]], dropped: list
                  ) -> dict[str, Any]:
    """What the examples were: per memory variant and teacher (actor), or per
    conversation and how many choose something (manager)."""
    if config.policy == "manager" and config.env == "facts":
        return {"streams": sorted({r["stream"] for r in rows}),
                "examples_by_op": {op: sum(r["gold_op"] == op for r in rows)
                                   for op in ("ADD", "UPDATE", "DELETE", "NOOP")}}
    if config.policy == "manager":
        return {"conversations": sorted({r["conversation"] for r in rows}),
                "examples_keeping": sum(bool(r["keep"]) for r in rows)}
    if config.policy == "answer":
        return {"conversations": sorted({r["conversation"] for r in rows}),
                "examples_by_context": dict(Counter(r["context"] for r in rows))}
    return {"examples_by_memory": {m: sum(r["memory"] == m for r in rows)
                                   for m in config.memory},
            "expert": config.expert or default_expert(config.env),
            "episodes_dropped": len(dropped)}


def main(argv: list[str] | None = None, prog: str | None = None) -> None:
    config = parse_args(SFTConfig, argv, prog=prog, usage_errors=True)
    print(json.dumps(train_sft(config), indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
