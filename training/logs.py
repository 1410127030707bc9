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

__all__ = ["JsonlLog", "read_log", "plot_log", "PLOTTED"]

PLOTTED = ("reward", "kl", "loss", "success")
"""The metrics :func:`plot_log` draws, one panel each, when the log has them."""


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
