"""Write evaluation results: JSON, a markdown table, PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training.eval.stats import error_bars, wilson_ci

__all__ = ["write_qa", "write_env", "qa_table", "env_table"]


def _json(obj: Any, path: Path) -> None:
    path.write_text(json.dumps(obj, indent=1, default=str), encoding="utf-8")


def qa_table(result: dict[str, Any]) -> str:
    systems = result["systems"]
    cats = sorted({c for s in systems.values() for c in s["by_category"]})
    head = ["system", "F1", "BLEU-1", "EM", *[f"F1 {c}" for c in cats], "recall@k",
            "context tokens", "calls/turn", "calls/question", "tokens/question",
            "answer p50/p95 s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in systems.items():
        cells = [name, f"{s['f1']:.3f}", f"{s['bleu1']:.3f}", f"{s['em']:.3f}",
                 *[f"{s['by_category'].get(c, {}).get('f1', float('nan')):.3f}" for c in cats],
                 f"{s['recall_at_k']:.2f}", f"{s.get('context_tokens', 0):.0f}",
                 f"{s['calls_per_turn']:.2f}",
                 f"{s['calls_per_question']:.2f}", f"{s['tokens_per_question']:.0f}",
                 f"{s['answer_p50_s']:.2f} / {s['answer_p95_s']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    for peer, why in result.get("skipped", {}).items():
        lines.append(f"\n{peer}: skipped ({why})")
    return "\n".join(lines)


def env_table(result: dict[str, Any]) -> str:
    head = ["variant", "success rate", "score", "avg steps", "invalid-action rate",
            "steps, first half", "steps, second half"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, v in result["variants"].items():
        s, curve = v["summary"], v["curve"]
        half = max(1, len(curve) // 2)
        first = sum(c["steps"] for c in curve[:half]) / half
        second = sum(c["steps"] for c in curve[half:]) / max(1, len(curve) - half)
        lines.append(f"| {name} | {s['success_rate']:.2f} | {s['score']:.2f} | "
                     f"{s['avg_steps']:.1f} | {s['invalid_rate']:.3f} | {first:.1f} | "
                     f"{second:.1f} |")
    return "\n".join(lines)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_qa(result: dict[str, Any], out: str | Path, title: str = "memory QA") -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _json(result, out / "qa.json")
    (out / "qa.md").write_text(f"## {title}\n\n{qa_table(result)}\n", encoding="utf-8")
    plt = _plt()
    systems = result["systems"]
    cats = sorted({c for s in systems.values() for c in s["by_category"]})
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(systems))
    for i, (name, s) in enumerate(systems.items()):
        xs = [j + i * width for j in range(len(cats) + 1)]
        nan = (float("nan"), float("nan"))  # a result written before intervals were kept
        cis = [tuple(s["by_category"].get(c, {}).get("f1_ci", nan)) for c in cats]
        ys = [s["by_category"].get(c, {}).get("f1", 0.0) for c in cats] + [s["f1"]]
        ax.bar(xs, ys, width, label=name, yerr=error_bars(ys, [*cis, tuple(s.get("f1_ci", nan))]),
               capsize=2, error_kw={"elinewidth": 0.8})
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(cats) + 1)], [*cats, "overall"])
    ax.set_ylabel("token F1 (bars: 95% bootstrap interval)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "qa.png", dpi=110)
    plt.close(fig)
    return [out / "qa.json", out / "qa.md", out / "qa.png"]


def write_env(result: dict[str, Any], out: str | Path, title: str | None = None) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    name = result["env"]
    _json(result, out / f"{name}.json")
    title = title or f"{name}: {result['actor']} actor, {result['episodes']} episodes"
    (out / f"{name}.md").write_text(f"## {title}\n\n{env_table(result)}\n", encoding="utf-8")
    plt = _plt()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6), width_ratios=(1, 2))
    styles = [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":")]
    # Success as one rate per variant with its interval: a per-episode 0/1 line says
    # little (flat at 1.0 for an actor that always wins), the interval says how sure.
    names = list(result["variants"])
    rates, intervals = [], []
    for v in result["variants"].values():
        wins = sum(bool(c["success"]) for c in v["curve"])
        rates.append(wins / max(1, len(v["curve"])))
        intervals.append(wilson_ci(wins, len(v["curve"])))
    a.bar(names, rates, yerr=error_bars(rates, intervals), capsize=4,
          color=[f"C{i}" for i in range(len(names))])
    a.set(ylabel="success rate", title="success (95% Wilson interval)", ylim=(0, 1.05))
    a.tick_params(axis="x", labelrotation=15)
    for i, (variant, v) in enumerate(result["variants"].items()):
        xs = [c["episode"] + 1 for c in v["curve"]]
        marker, line = styles[i % len(styles)]
        b.plot(xs, [c["steps"] for c in v["curve"]], marker=marker, linestyle=line,
               label=variant, alpha=0.85, color=f"C{i}")
    b.set(xlabel="episode", ylabel="steps", title="steps per episode")
    b.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out / f"{name}.png", dpi=110)
    plt.close(fig)
    return [out / f"{name}.json", out / f"{name}.md", out / f"{name}.png"]
