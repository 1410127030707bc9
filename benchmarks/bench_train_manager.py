"""Does GRPO training of the memory manager raise its operation accuracy on held-out fact streams?

    python benchmarks/bench_train_manager.py                          # 1 seed, 12 steps
    python benchmarks/bench_train_manager.py --reward op --steps 5    # the operation check only

Train: the memory manager (LoRA on the embedded SmolLM2-135M) with GRPO on turns of
synthetic fact streams (seeds 0-3), reward ``--reward answer`` (Memory-R1: the ops
are applied to a copy of the bank and a frozen answerer answers the question the
turn decides; F1 mixed with the operation check) or ``op`` (the check alone).
Evaluate: the prompted manager (no adapter) against the trained one, each running
over held-out streams (other seeds) on a fresh memory (MiniLM), scored turn by turn
with :func:`envs.facts.score_manager`; paired bootstrap 95% interval of the
difference in accuracy. Writes benchmarks/out/bench_train_manager.{json,md}.
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
from _common import OUT, machine, write_results  # noqa: E402
from bench_train_answer import bootstrap_ci  # noqa: E402


def evaluate(adapter: str | None, streams: list[int], turns: int) -> dict[str, Any]:
    from agentmem import Memory
    from envs.facts import fact_stream, score_manager
    from policies import PromptedManager

    manager = PromptedManager("local", adapter=adapter) if adapter else PromptedManager("local")
    rows, start = [], time.perf_counter()
    for seed in streams:
        with Memory(home=":memory:", embedder="minilm") as memory:
            rows += score_manager(manager, fact_stream(seed, turns=turns), memory,
                                  user_id="facts")["turns"]
    by_op: dict[str, list[bool]] = {}
    for r in rows:
        by_op.setdefault(r["gold"], []).append(r["correct"])
    return {"accuracy": sum(r["correct"] for r in rows) / len(rows),
            "by_op": {op: sum(v) / len(v) for op, v in sorted(by_op.items())},
            "correct": [float(r["correct"]) for r in rows], "seconds": time.perf_counter() - start}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--reward", choices=["answer", "op"], default="answer")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--num-generations", type=int, default=4)
    ap.add_argument("--streams", type=int, nargs="+", default=[500, 501],
                    help="held-out fact-stream seeds (training uses 0-3)")
    ap.add_argument("--turns", type=int, default=30, help="turns per held-out stream")
    args = ap.parse_args()

    from training.config import GRPOConfig
    from training.grpo import train_grpo

    base = evaluate(None, args.streams, args.turns)
    out = OUT / "train-manager" / f"{args.reward}-seed{args.seed}"
    config = GRPOConfig(policy="manager", output_dir=str(out), steps=args.steps, seed=args.seed,
                        learning_rate=args.lr, batch_size=args.batch_size,
                        num_generations=args.num_generations, manager_reward=args.reward,
                        max_completion_tokens=96, save_steps=4, tensorboard=False)
    start = time.perf_counter()
    summary = train_grpo(config)
    train_s = time.perf_counter() - start
    trained = evaluate(summary["adapter"], args.streams, args.turns)
    diffs = [a - b for a, b in zip(trained["correct"], base["correct"], strict=True)]
    ci = bootstrap_ci(diffs)
    result = {"machine": machine(), "args": vars(args), "prompted": base, "trained": trained,
              "gain": sum(diffs) / len(diffs), "ci95": ci, "train_wall_s": train_s,
              "summary": summary}
    ops = sorted(set(base["by_op"]) | set(trained["by_op"]))
    lines = [f"## Memory manager: GRPO on fact streams (reward {args.reward}), held-out "
             f"operation accuracy", "",
             f"{args.steps} GRPO steps x {args.batch_size} completions, seed {args.seed}, LoRA lr "
             f"{args.lr}; {len(diffs)} held-out turns (streams {args.streams}); training took "
             f"{train_s / 60:.1f} min.", "",
             "| manager | accuracy | " + " | ".join(ops) + " |", "|---" * (2 + len(ops)) + "|"]
    for name, r in (("prompted (no adapter)", base), ("GRPO", trained)):
        lines.append(f"| {name} | {r['accuracy']:.3f} | "
                     + " | ".join(f"{r['by_op'].get(o, 0):.2f}" for o in ops) + " |")
    lines += ["", f"Gain {result['gain']:+.3f}, paired bootstrap 95% CI "
                  f"[{ci[0]:+.3f}, {ci[1]:+.3f}]."]
    (OUT / "train-manager").mkdir(parents=True, exist_ok=True)
    write_results("bench_train_manager", json.loads(json.dumps(result, default=str)),
                  "\n".join(lines))


if __name__ == "__main__":
    main()
