"""Does GRPO training of the answer policy help on held-out LoCoMo conversations?

    python benchmarks/bench_train_answer.py                      # 3 seeds, 20 steps each
    python benchmarks/bench_train_answer.py --seeds 0 --steps 5 --questions 20   # quick look

Train: the answer policy (LoRA on the embedded SmolLM2-135M) with GRPO on the
questions of conversation 26, each shown the top-5 hybrid hits over the stored
turns, reward = token F1 of the answer + 0.1 for a reply that parses.
Evaluate: the prompted policy (no adapter) against each trained adapter on the
same held-out questions (validation: 30; test: 41-43), same retrieval, greedy
decoding. The difference in mean F1 gets a paired bootstrap 95% confidence
interval per seed and for the mean over seeds. Wall time of every run is kept.
Writes benchmarks/out/bench_train_answer.{json,md,png}; the runs themselves go to
benchmarks/out/train-answer/seedN (a finished run is reused, a crashed one resumes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402
from bench_runtime import DATA  # noqa: E402

from training.eval.stats import paired_gain  # noqa: E402

SETS = {"val (30)": ["30"], "test (41-43)": ["41", "42", "43"]}


def eval_rows(questions: int, k: int) -> dict[str, list[dict[str, Any]]]:
    from training.data import answer_examples

    out = {}
    for name, convs in SETS.items():
        rows = answer_examples([DATA / f"{c}.json" for c in convs], k=k, seed=0)
        out[name] = rows[:questions] if questions else rows
    return out


def evaluate(adapter: str | None, rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[float]]:
    """Per-question F1 of the answer policy (greedy, the runtime's settings)."""
    from tqdm import tqdm

    from agentmem import LLMOutputError
    from envs.scoring import token_f1
    from policies import PromptedAnswerer
    from policies.answer import AnswerOutput

    policy = PromptedAnswerer("local", adapter=adapter) if adapter else PromptedAnswerer("local")
    scores = {}
    for name, items in rows.items():
        f1s = []
        for row in tqdm(items, desc=f"eval {'trained' if adapter else 'prompted'} {name}",
                        leave=False):
            try:
                reply = policy.llm.chat(row["prompt"], schema=AnswerOutput,
                                        max_tokens=policy.max_tokens, temperature=0.0)
                f1s.append(token_f1(reply.parsed.answer, row["gold"]))
            except LLMOutputError:
                f1s.append(0.0)
        scores[name] = f1s
    return scores


def train(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    from training.config import GRPOConfig
    from training.grpo import train_grpo

    out = OUT / "train-answer" / f"seed{seed}"
    done = out / "summary.json"
    if done.exists():
        summary = json.loads(done.read_text())
        if summary.get("steps") == args.steps:
            return summary
    config = GRPOConfig(policy="answer", data=[str(DATA / "26.json")], output_dir=str(out),
                        steps=args.steps, seed=seed, learning_rate=args.lr,
                        batch_size=args.batch_size, num_generations=args.num_generations,
                        examples=args.examples, max_completion_tokens=args.max_tokens,
                        save_steps=5, tensorboard=False)
    start = time.perf_counter()
    summary = train_grpo(config)
    summary["wall_s"] = time.perf_counter() - start
    done.write_text(json.dumps(summary, indent=1, default=str))
    return summary


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for seed in result["seeds"]:
        log = OUT / "train-answer" / f"seed{seed}" / "log.jsonl"
        rows = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
        pts = [(r["step"], r["reward"]) for r in rows if "reward" in r and "step" in r]
        if pts:
            ax1.plot(*zip(*pts, strict=True), label=f"seed {seed}", alpha=0.8)
    ax1.set(xlabel="GRPO step", ylabel="mean reward (F1 + format)",
            title="training reward, conversation 26")
    ax1.legend()
    names = list(SETS)
    base = [result["prompted"][n]["mean_f1"] for n in names]
    width = 0.8 / (1 + len(result["seeds"]))
    xs = range(len(names))
    ax2.bar([x - 0.4 + width / 2 for x in xs], base, width, label="prompted")
    for j, seed in enumerate(result["seeds"]):
        r = result["trained"][str(seed)]
        ax2.bar([x - 0.4 + width * (j + 1.5) for x in xs], [r[n]["mean_f1"] for n in names],
                width, label=f"GRPO seed {seed}")
    ax2.set_xticks(list(xs), names)
    ax2.set(ylabel="answer F1", title="held-out questions, greedy")
    ax2.legend()
    save_figure(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--batch-size", type=int, default=8, help="completions per step")
    ap.add_argument("--num-generations", type=int, default=4)
    ap.add_argument("--examples", type=int, default=200, help="training questions (of 26)")
    ap.add_argument("--max-tokens", type=int, default=48, help="tokens per training completion")
    ap.add_argument("--questions", type=int, default=60, help="held-out questions per set "
                    "(0: all)")
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()

    rows = eval_rows(args.questions, args.k)
    t = time.perf_counter()
    base = evaluate(None, rows)
    base_s = time.perf_counter() - t
    result: dict[str, Any] = {
        "machine": machine(), "args": vars(args), "seeds": args.seeds,
        "questions": {n: len(r) for n, r in rows.items()},
        "prompted": {n: {"mean_f1": sum(v) / len(v), "f1": v} for n, v in base.items()},
        "prompted_eval_s": base_s, "trained": {}}
    for seed in args.seeds:
        summary = train(seed, args)
        t = time.perf_counter()
        scores = evaluate(summary["adapter"], rows)
        entry: dict[str, Any] = {"train_wall_s": summary.get("wall_s", summary.get("seconds")),
                                 "eval_s": time.perf_counter() - t, "steps": summary["steps"]}
        for name, f1s in scores.items():
            gain, ci = paired_gain(f1s, base[name])
            entry[name] = {"mean_f1": sum(f1s) / len(f1s), "f1": f1s, "gain": gain, "ci95": ci}
        result["trained"][str(seed)] = entry
    # The mean over seeds, per question, against the prompted policy.
    pooled = {}
    for name in rows:
        per_q = [sum(result["trained"][str(s)][name]["f1"][i] for s in args.seeds)
                 / len(args.seeds) for i in range(len(rows[name]))]
        gain, ci = paired_gain(per_q, base[name])
        pooled[name] = {"mean_f1": sum(per_q) / len(per_q), "gain": gain, "ci95": ci}
    result["mean_over_seeds"] = pooled

    lines = ["## Answer policy: GRPO on conversation 26, held-out F1 (embedded SmolLM2-135M)",
             "", f"{args.steps} GRPO steps x {args.batch_size} completions "
             f"({args.num_generations} per question), LoRA lr {args.lr}; greedy evaluation on "
             + ", ".join(f"{n}: {len(r)} questions" for n, r in rows.items()) + ".", "",
             "| policy | " + " | ".join(f"F1 {n}" for n in rows) + " | "
             + " | ".join(f"gain {n} [95% CI]" for n in rows) + " | train wall time |",
             "|---" * (2 + 2 * len(rows)) + "|",
             "| prompted (no adapter) | " + " | ".join(
                 f"{result['prompted'][n]['mean_f1']:.3f}" for n in rows) + " | "
             + " | ".join("—" for _ in rows) + " | — |"]
    for seed in args.seeds:
        e = result["trained"][str(seed)]
        lines.append(f"| GRPO seed {seed} | " + " | ".join(f"{e[n]['mean_f1']:.3f}" for n in rows)
                     + " | " + " | ".join(
                         f"{e[n]['gain']:+.3f} [{e[n]['ci95'][0]:+.3f}, {e[n]['ci95'][1]:+.3f}]"
                         for n in rows) + f" | {e['train_wall_s'] / 60:.1f} min |")
    lines.append("| GRPO, mean over seeds | " + " | ".join(
        f"{pooled[n]['mean_f1']:.3f}" for n in rows) + " | " + " | ".join(
        f"{pooled[n]['gain']:+.3f} [{pooled[n]['ci95'][0]:+.3f}, {pooled[n]['ci95'][1]:+.3f}]"
        for n in rows) + " | — |")
    plot(result, OUT / "bench_train_answer.png")
    write_results("bench_train_answer", result, "\n".join(lines))


if __name__ == "__main__":
    main()
