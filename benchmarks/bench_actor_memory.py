"""Does the LLM actor get better with supervised warm-starting and with memory?

    python benchmarks/bench_actor_memory.py --adapter sft=benchmarks/out/sft/household-seed0/adapter
    python benchmarks/bench_actor_memory.py --env shop --adapter sft=runs/shop-sft/adapter
    python benchmarks/bench_actor_memory.py --instances 1 --episodes 2 --max-steps 6   # quick look

Every row is the actor on the embedded SmolLM2-135M, played by the runtime's own
episode loop (``agentmem eval household|shop``'s :func:`training.eval.envs_eval.run_env_eval`),
on held-out tasks: the household's unseen homes, or shoppers numbered 1000 and up
(:data:`training.demonstrations.HELD_OUT_SHOPPERS`), which supervised training never
sees. Rows: the scripted actor (rule-based, no model: the household's SFT teacher, a
reference for what the task allows in this many steps), the prompted actor (no
adapter) and each ``--adapter``, each without memory (``none``) and with memory
(``full``: notes of where things were, exemplars of the steps that solved earlier
tasks and lessons from failures, and the task tree).
All rows play the same episodes (the same homes or shoppers, the same seeds), in
order, so a memory row's later episodes can use what its earlier ones left.

Reported: success rate (Wilson 95% interval), score, the share of the episode's
sub-goals reached (``env.progress()``: how far a lost episode got), steps,
invalid-action rate, wall time, and every episode's actions; paired bootstrap 95%
intervals for memory's gain per actor, for each adapter's gain over the prompted
actor (or the ``--versus`` row) with the same memory, and for the steps memory saves
per episode; the success curve over episodes. Writes benchmarks/out/NAME.{json,md,png} (``--name``, default
bench_actor_memory); ``--report NAME.json`` writes the tables and the plot again from
a saved run without playing.
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
from _common import OUT, machine, named_adapters, save_figure, write_results  # noqa: E402

from training.eval.stats import error_bars, paired_gain, wilson_ci  # noqa: E402

VARIANTS = ("none", "full")


def run_actor(env: str, adapter: str | None, instances: list[int], episodes: int,
              max_steps: int, kind: str = "llm") -> dict[str, Any]:
    from training.demonstrations import HELD_OUT_SHOPPERS
    from training.eval.envs_eval import run_env_eval

    held_out = dict(split="unseen", instances=instances) if env == "household" else dict(
        split="seen", instances=[HELD_OUT_SHOPPERS + i for i in instances])
    actions: dict[str, list[list[str]]] = {v: [] for v in VARIANTS}  # to see what it did
    start = time.perf_counter()
    result = run_env_eval(env, variants=VARIANTS, actor=kind, llm="local", adapter=adapter,
                          episodes=episodes, max_steps=max_steps, progress=False,
                          on_episode=lambda v, r: actions[v].append([a for a, _ in r.trajectory]),
                          **held_out)
    result["seconds"] = time.perf_counter() - start
    result["actions"] = actions
    return result


def _outcomes(variant: dict[str, Any], key: str) -> list[float]:
    rows = sorted(variant["episodes"], key=lambda r: (r["seed"], r["task"]))
    return [float(r[key]) for r in rows]


def table(rows: dict[str, dict[str, Any]], args: argparse.Namespace) -> tuple[str, dict]:
    where = "unseen homes" if args.env == "household" else "held-out shoppers (1000+)"
    lines = [f"## LLM actor in the {args.env}: supervised warm start and memory", "",
             f"Embedded SmolLM2-135M, greedy, constrained to the admissible actions; {where} "
             f"{args.instances}, {args.episodes} episodes each, at most {args.max_steps} steps "
             "per episode. The scripted row is the rule-based actor (no model); in the "
             "household it taught the supervised ones, in the shop an oracle plan did.", "",
             "| actor | memory | success (95% CI) | score | sub-goals reached | avg steps | "
             "invalid actions | wall time |", "|---|---|---|---|---|---|---|---|"]
    for name, result in rows.items():
        for v in VARIANTS:
            s = result["variants"][v]["summary"]
            wins = round(s["success_rate"] * s["episodes"])
            lo, hi = wilson_ci(wins, s["episodes"])
            lines.append(f"| {name} | {v} | {s['success_rate']:.2f} [{lo:.2f}, {hi:.2f}] | "
                         f"{s['score']:.2f} | {s['subgoals']:.2f} | "
                         f"{s['avg_steps']:.1f} | {s['invalid_rate']:.2f} | "
                         f"{s['seconds'] / 60:.1f} min |")
    gains: dict[str, Any] = {}
    pairs = [(f"{name}: memory", result["variants"]["full"], result["variants"]["none"])
             for name, result in rows.items()]
    versus = getattr(args, "versus", None) or "prompted"
    base = rows.get(versus)
    pairs += [(f"{name} vs {versus} ({v})", result["variants"][v], base["variants"][v])
              for name, result in rows.items() if base is not None
              and name not in (versus, "prompted", "scripted") for v in VARIANTS]
    # The shop's WebShop score grades a purchase that is partly right; success is 1 only
    # when everything matches, so the two can tell different stories.
    lines += ["", "| comparison | success gain | paired bootstrap 95% CI | score gain | "
              "paired bootstrap 95% CI |", "|---|---|---|---|---|"]
    for label, after, before in pairs:
        gain, ci = paired_gain(_outcomes(after, "success"), _outcomes(before, "success"))
        score, score_ci = paired_gain(_outcomes(after, "reward"), _outcomes(before, "reward"))
        gains[label] = {"gain": gain, "ci95": ci}
        gains[f"{label}, score"] = {"gain": score, "ci95": score_ci}
        lines.append(f"| {label} | {gain:+.3f} | [{ci[0]:+.3f}, {ci[1]:+.3f}] | {score:+.3f} | "
                     f"[{score_ci[0]:+.3f}, {score_ci[1]:+.3f}] |")
    # Memory can pay off in steps before it does in wins: a second trip that goes
    # straight to where the object was seen wins either way, in fewer steps.
    lines += ["", "| actor | steps saved per episode by memory | paired bootstrap 95% CI |",
              "|---|---|---|"]
    for name, result in rows.items():
        saved, ci = paired_gain(_outcomes(result["variants"]["none"], "steps"),
                                _outcomes(result["variants"]["full"], "steps"))
        gains[f"{name}: memory, steps saved"] = {"gain": saved, "ci95": ci}
        lines.append(f"| {name} | {saved:+.2f} | [{ci[0]:+.2f}, {ci[1]:+.2f}] |")
    seeds = [result for name, result in rows.items() if name not in ("prompted", "scripted")]
    if getattr(args, "pooled", False) and len(seeds) > 1:
        lines += _pooled(seeds, gains)
    return "\n".join(lines), gains


def _pooled(seeds: list[dict[str, Any]], gains: dict[str, Any]) -> list[str]:
    """Memory's gain over the episodes of several adapters trained by one recipe with
    different seeds, each episode paired with the same adapter's episode without memory:
    whether the gain is the recipe's, not one seed's."""
    def outcomes(variant: str, key: str) -> list[float]:
        return [x for result in seeds for x in _outcomes(result["variants"][variant], key)]

    lines = ["", f"Over the {len(seeds)} adapters (seeds of one recipe), "
             f"{len(outcomes('full', 'success'))} paired episodes:", "",
             "| memory's gain, pooled | gain | paired bootstrap 95% CI |", "|---|---|---|"]
    for label, key, after, before in (("success", "success", "full", "none"),
                                      ("score", "reward", "full", "none"),
                                      ("steps saved", "steps", "none", "full")):
        gain, ci = paired_gain(outcomes(after, key), outcomes(before, key))
        gains[f"pooled: memory, {label}"] = {"gain": gain, "ci95": ci}
        lines.append(f"| {label} | {gain:+.3f} | [{ci[0]:+.3f}, {ci[1]:+.3f}] |")
    return lines


def plot(rows: dict[str, dict[str, Any]], path: Path, env: str) -> None:
    """Success (household; Wilson intervals) or WebShop score (shop; bootstrap intervals:
    a purchase can be partly right) per actor and memory, and the same over episodes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from training.eval.stats import bootstrap_ci

    key, what = ("reward", "score") if env == "shop" else ("success", "success")
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    labels, rates, intervals = [], [], []
    for name, result in rows.items():
        for v in VARIANTS:
            values = _outcomes(result["variants"][v], key)
            labels.append(f"{name}\n{v}")
            rates.append(sum(values) / len(values))
            intervals.append(wilson_ci(round(sum(values)), len(values)) if key == "success"
                             else bootstrap_ci(values))
            by_episode: dict[int, list[float]] = {}
            for r in result["variants"][v]["episodes"]:
                by_episode.setdefault(r["episode"], []).append(float(r[key]))
            b.plot([e + 1 for e in sorted(by_episode)],
                   [sum(by_episode[e]) / len(by_episode[e]) for e in sorted(by_episode)],
                   marker="o", label=f"{name}, {v}")
    a.bar(labels, rates, yerr=error_bars(rates, intervals), capsize=4,
          color=[f"C{i // 2}" for i in range(len(rates))])
    interval = "Wilson" if key == "success" else "bootstrap"
    a.set(ylabel=f"{what} (95% {interval} interval)", ylim=(0, 1.05),
          title=f"{env}: held-out {what}")
    b.set(xlabel="episode (same home / shopper)", ylabel=what, ylim=(-0.05, 1.05),
          title=f"{what} over episodes")
    b.legend(fontsize=7)
    save_figure(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--env", choices=["household", "shop"], default="household")
    ap.add_argument("--adapter", action="append", default=[], metavar="NAME=PATH",
                    help="a trained actor adapter to compare (repeatable)")
    ap.add_argument("--no-prompted", action="store_true", help="leave the prompted rows out")
    ap.add_argument("--versus", metavar="NAME", default="prompted",
                    help="the row each adapter's gain is measured against, with the same "
                    "memory (e.g. an SFT adapter's NAME, to see what RL after it adds)")
    ap.add_argument("--no-scripted", action="store_true",
                    help="leave the scripted (rule-based) reference rows out")
    ap.add_argument("--instances", type=int, nargs="+", default=[1, 2, 3],
                    help="held-out homes (unseen split) or shoppers (offset by 1000)")
    ap.add_argument("--episodes", type=int, default=4, help="episodes per home or shopper")
    ap.add_argument("--max-steps", type=int, default=20)
    ap.add_argument("--name", default=None,
                    help="the output files' name under benchmarks/out (NAME.json, .md, .png; "
                    "default bench_actor_memory, or the --report file's name)")
    ap.add_argument("--report", metavar="JSON", type=Path,
                    help="play nothing: write the tables and the plot again from a saved run")
    ap.add_argument("--pooled", action="store_true",
                    help="the adapters are seeds of one recipe: also report memory's gain over "
                    "all their episodes together (paired by seed and episode)")
    args = ap.parse_args()
    if args.report is not None:
        saved = json.loads(args.report.read_text())
        name = args.name or args.report.stem  # never over another run's files by default
        saved["args"] = {**saved["args"], "name": name, "report": None, "pooled": args.pooled}
        rows, args = saved["rows"], argparse.Namespace(**saved["args"])
        text, saved["gains"] = table(rows, args)
        plot(rows, OUT / f"{args.name}.png", args.env)
        write_results(args.name, saved, text)
        return

    args.name = args.name or "bench_actor_memory"
    actors: dict[str, Any] = {} if args.no_scripted else {"scripted": None}
    if not args.no_prompted:
        actors["prompted"] = "local"
    actors.update(named_adapters(args.adapter))
    if not actors:
        ap.error("nothing to run: give --adapter or leave out --no-prompted")
    rows: dict[str, dict[str, Any]] = {}
    for name, path in actors.items():
        adapter = None if path in (None, "local") else path
        rows[name] = run_actor(args.env, adapter, args.instances, args.episodes, args.max_steps,
                               kind="scripted" if path is None else "llm")
        print(f"{name}: " + ", ".join(f"{v} {r['summary']['success_rate']:.2f}"
                                      for v, r in rows[name]["variants"].items()), flush=True)
    text, gains = table(rows, args)
    plot(rows, OUT / f"{args.name}.png", args.env)
    result = {"machine": machine(), "args": vars(args), "rows": rows, "gains": gains}
    write_results(args.name, json.loads(json.dumps(result, default=str)), text)


if __name__ == "__main__":
    main()
