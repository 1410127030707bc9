"""A run's ``log.jsonl`` (one JSON line per step) and its plot, for both trainers.

GRPO and PPO write the same format, so one reader and one plot serve both: each
line is ``{"step": N, "time": unix seconds, **metrics}``. matplotlib is imported
only when a plot is drawn.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

__all__ = ["JsonlLog", "read_log", "plot_log", "report_to", "log_callback", "run_trainer",
           "PLOTTED"]

PLOTTED = ("reward", "kl", "loss", "success")
"""The metrics :func:`plot_log` draws, one panel each, when the log has them."""


def report_to(tensorboard: bool) -> list[str]:
    """The ``report_to`` of a TRL trainer: TensorBoard too when asked and installed."""
    import importlib.util

    return ["tensorboard"] if tensorboard and importlib.util.find_spec("tensorboard") else ["none"]


def log_callback(log: "JsonlLog") -> Any:
    """A transformers ``TrainerCallback`` writing each of a TRL trainer's logs to ``log``,
    once per step (in rank 0 only under a distributed launch)."""
    from transformers import TrainerCallback

    class _Log(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kw):
            if logs and state.is_world_process_zero:
                log(dict(logs), state.global_step)

    return _Log()


def run_trainer(trainer: Any, out: Path, resume: bool, before: dict[str, Any]) -> dict[str, Any]:
    """Train a TRL trainer, from the last checkpoint in ``out`` when ``resume`` and there is
    one; the part of a run's summary every trainer shares: wall time, steps, how many of
    the LoRA tensors (``before``: a copy from ``training.model.lora_params``) changed."""
    import torch

    from training.model import lora_params

    resumed = resume and any(out.glob("checkpoint-*"))
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=True if resumed else None)
    after = lora_params(trainer.model)
    return {"seconds": time.perf_counter() - start, "steps": trainer.state.global_step,
            "lora_tensors_changed": sum(not torch.equal(before[k], after[k])
                                        for k in before if k in after),
            "lora_tensors": len(before), "resumed": bool(resumed)}


class JsonlLog:
    """Appends one line per call to ``path``; the file is opened per line, so a crashed
    run keeps every step it logged and a resumed one continues the same file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __call__(self, metrics: dict[str, Any], step: int) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"step": step, "time": time.time(), **metrics}) + "\n")


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a ``log.jsonl`` (none when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def plot_log(log: str | Path, out: str | Path, title: str) -> Path | None:
    """Reward, KL and loss over steps from a ``log.jsonl``; None when nothing was logged."""
    # Lines with neither (a trainer's end-of-training summary) are not steps.
    rows = [r for r in read_log(log) if "reward" in r or "loss" in r]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in PLOTTED if any(k in r for r in rows)]
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3.2))
    for ax, key in zip(axes if len(keys) > 1 else [axes], keys, strict=True):
        pts = [(r["step"], r[key]) for r in rows if key in r]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=".")
        ax.set(title=key, xlabel="step")
    fig.suptitle(title)
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
