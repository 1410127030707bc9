"""``agentmem train sft|grpo|ppo ...``: the training scripts, reachable from the agentmem CLI.

The flags are the ones ``python -m training.grpo --help`` lists (generated from the
config dataclasses); they are passed through as they are.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="Train the answer policy, the memory manager or the actor (SFT, GRPO, "
                  "PPO).",
                  no_args_is_help=True, pretty_exceptions_enable=False)
_PASS = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


@app.command(context_settings=_PASS)
def sft(ctx: typer.Context) -> None:
    """Supervised warm start of the actor from demonstrations, TRL's SFTTrainer + LoRA
    (flags: see --help)."""
    from training.sft import main

    main(list(ctx.args), prog="agentmem train sft")


@app.command(context_settings=_PASS)
def grpo(ctx: typer.Context) -> None:
    """GRPO with TRL's GRPOTrainer and LoRA (flags: see --help)."""
    from training.grpo import main

    main(list(ctx.args), prog="agentmem train grpo")


@app.command(context_settings=_PASS)
def ppo(ctx: typer.Context) -> None:
    """PPO with a value head, on torch + peft (flags: see --help)."""
    from training.ppo import main

    main(list(ctx.args), prog="agentmem train ppo")
