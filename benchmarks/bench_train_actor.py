"""Does GRPO training of the actor raise its success rate in the household (or shop)?

    python benchmarks/bench_train_actor.py                                  # household
    python benchmarks/bench_train_actor.py --env shop --steps 10 --episodes 30
    python benchmarks/bench_train_actor.py --episodes 4 --steps 2           # quick look

Train: the actor (LoRA on the embedded SmolLM2-135M) with GRPO on whole episodes of
the environment (``python -m training.grpo --policy actor``: each rollout is one
episode as a single token sequence, the observations masked out of the loss,
reward = the environment's outcome minus the invalid-action penalty).
Evaluate: the prompted actor (no adapter) against the trained one, greedy, on the
same held-out episodes (seeds the training never sees), played exactly as in
training (:func:`training.grpo.play_episode`: the actor's template, the admissible
actions as an enum, the chat growing turn by turn). Success rate, score and steps;
paired bootstrap 95% interval of the difference in success. Wall times are kept.
Writes benchmarks/out/bench_train_actor.{json,md}; the run goes to
benchmarks/out/train-actor/ENV-seedN (a finished run is reused).
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

from training.eval.stats import paired_gain  # noqa: E402

EVAL_SEED = 900_000  # training episodes use seeds seed * 100_000 + i, i < examples


def evaluate(adapter: str | None, env_name: str, episodes: int, max_steps: int
             ) -> dict[str, Any]:
    from tqdm import tqdm

    from envs import make_env
    from policies import PromptedActor
    from training.grpo import TurnJoiner, play_episode

    llm = PromptedActor("local", adapter=adapter).llm
    joiner = TurnJoiner(llm.tokenizer)
    rows, start = [], time.perf_counter()
    for i in tqdm(range(episodes), desc=f"{env_name} {'trained' if adapter else 'prompted'}"):
        env = make_env(env_name, instance=1, max_steps=max_steps)()
        ep = play_episode(llm, joiner, env, EVAL_SEED + i, max_tokens=48, temperature=0.0,
                          invalid_penalty=0.0)
        rows.append({"success": float(ep["success"]), "score": float(env.total_reward),
                     "steps": ep["steps"]})
    n = len(rows)
    return {"success": sum(r["success"] for r in rows) / n,
            "score": sum(r["score"] for r in rows) / n,
            "steps": sum(r["steps"] for r in rows) / n, "rows": rows,
            "seconds": time.perf_counter() - start}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--env", choices=["household", "shop"], default="household")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--episodes", type=int, default=20, help="held-out evaluation episodes")
    ap.add_argument("--max-episode-steps", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--num-generations", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-4)
    args = ap.parse_args()

    from training.config import GRPOConfig
    from training.grpo import train_grpo

    base = evaluate(None, args.env, args.episodes, args.max_episode_steps)
    out = OUT / "train-actor" / f"{args.env}-seed{args.seed}"
    config = GRPOConfig(policy="actor", env=args.env, output_dir=str(out), steps=args.steps,
                        seed=args.seed, learning_rate=args.lr, batch_size=args.batch_size,
                        num_generations=args.num_generations, max_completion_tokens=48,
                        max_episode_steps=args.max_episode_steps, save_steps=2,
                        tensorboard=False)
    start = time.perf_counter()
    summary = train_grpo(config)
    train_s = time.perf_counter() - start
    log = [json.loads(x) for x in (out / "log.jsonl").read_text().splitlines()]
    rewards = [r["reward"] for r in log if "reward" in r]
    # GRPO learns nothing from a group whose episodes all score the same.
    flat = [r["frac_reward_zero_std"] for r in log if "frac_reward_zero_std" in r]
    trained = evaluate(summary["adapter"], args.env, args.episodes, args.max_episode_steps)
    gain, ci = paired_gain([r["success"] for r in trained["rows"]],
                           [r["success"] for r in base["rows"]])
    result = {"machine": machine(), "args": vars(args), "prompted": base, "trained": trained,
              "gain": gain, "ci95": ci, "train_wall_s": train_s,
              "training_reward_per_step": rewards, "groups_without_signal_per_step": flat,
              "summary": summary}
    lines = [f"## Actor: GRPO in the {args.env} environment", "",
             f"{args.steps} GRPO steps x {args.batch_size} episodes ({args.num_generations} per "
             f"group), seed {args.seed}, LoRA lr {args.lr}, at most {args.max_episode_steps} "
             f"steps per episode; {args.episodes} held-out episodes, greedy; training took "
             f"{train_s / 60:.1f} min.", "",
             "| actor | success | score | avg steps | eval wall time |", "|---|---|---|---|---|"]
    for name, r in (("prompted (no adapter)", base), ("GRPO", trained)):
        lines.append(f"| {name} | {r['success']:.2f} | {r['score']:.2f} | {r['steps']:.1f} | "
                     f"{r['seconds'] / 60:.1f} min |")
    lines += ["", f"Success gain {result['gain']:+.3f}, paired bootstrap 95% CI "
                  f"[{ci[0]:+.3f}, {ci[1]:+.3f}]. Mean training reward per step: "
                  + ", ".join(f"{r:.2f}" for r in rewards) + "; share of groups whose episodes "
                  "all scored the same (no learning signal): "
                  + ", ".join(f"{f:.2f}" for f in flat) + "."]
    plot(base, trained, rewards, OUT / "bench_train_actor.png", args.env)
    write_results("bench_train_actor", json.loads(json.dumps(result, default=str)),
                  "\n".join(lines))


def plot(base: dict, trained: dict, rewards: list[float], path: Path, env: str) -> None:
    """Held-out success before and after training (Wilson intervals), and the training
    reward per step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from training.eval.stats import error_bars, wilson_ci

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    rates, intervals = [], []
    for r in (base, trained):
        wins, n = int(sum(x["success"] for x in r["rows"])), len(r["rows"])
        rates.append(wins / max(1, n))
        intervals.append(wilson_ci(wins, n))
    a.bar(["prompted", "GRPO"], rates, yerr=error_bars(rates, intervals), capsize=4,
          color=["C0", "C1"])
    a.set(ylabel="held-out success (95% Wilson interval)", ylim=(0, 1.05),
          title=f"{env}: success")
    b.plot(range(1, len(rewards) + 1), rewards, marker="o")
    b.set(xlabel="GRPO step", ylabel="mean episode reward", title="training reward")
    save_figure(fig, path)


if __name__ == "__main__":
    main()
