"""A persistent household: the same home, the same user's chores, episode after episode.

Run:  python examples/household_demo.py [--episodes 4] [--llm openai:gpt-4o-mini]
                                         [--actor scripted] [--adapter DIR|none] [--home DIR]

Plays the same series of ALFWorld-style episodes twice: without memory, and with
memory (a task tree per episode, a lesson store, and notes of where things were
seen). Prints each episode compactly and ends with the learning curve as a table
and a PNG (DIR/household.png).

The actor is, by default, the trained one shipped with the package
(policies/adapters/household-actor, on the embedded SmolLM2-135M) in unseen home 16,
which it was never trained on; about 3 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too

from policies.base import shipped_adapters  # noqa: E402
from training.eval.envs_eval import run_env_eval  # noqa: E402
from training.eval.report import env_table, write_env  # noqa: E402


def main(env_name: str = "household", instance_help: str = "persistent home id (unseen split: "
         "homes the shipped actor was not trained on)", split: str = "unseen",
         instance: int = 16) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4)
    parser.add_argument("--instance", type=int, default=instance, help=instance_help)
    parser.add_argument("--actor", choices=["llm", "scripted"], default="llm",
                        help="llm: the LLM actor on --llm (with --adapter); "
                        "scripted: rules, no model")
    parser.add_argument("--llm", default="local", help="local, openai:MODEL, anthropic:MODEL")
    parser.add_argument("--adapter", default=None,
                        help="a trained actor's LoRA adapter: a directory (python -m "
                        "training.sft) or a shipped adapter's name; 'none' for the prompted "
                        f"model. Default: {env_name}-actor when it is shipped and --llm is local")
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--home", default=f".agentmem-{env_name}-demo", help="output folder")
    args = parser.parse_args()
    if args.adapter is None and args.actor == "llm" and args.llm == "local" \
            and f"{env_name}-actor" in shipped_adapters():
        args.adapter = f"{env_name}-actor"  # the trained actor that comes with the package
    if args.adapter == "none":
        args.adapter = None

    def show(variant: str, r) -> None:
        path = " > ".join(a for a, _ in r.trajectory[:12]) + (" > ..." if r.steps > 12 else "")
        # The shop grades a purchase that is partly right (WebShop's score); say so.
        graded = f" (score {r.reward:.2f})" if env_name == "shop" else ""
        print(f"[{variant:6}] episode {r.episode + 1}: {'WIN ' if r.success else 'fail'}{graded} "
              f"in {r.steps:2d} steps | {r.task}\n          {path}", flush=True)

    result = run_env_eval(env_name, variants=["none", "full"], actor=args.actor, llm=args.llm,
                          episodes=args.episodes, instances=[args.instance], split=split,
                          max_steps=args.max_steps, adapter=args.adapter,
                          progress=False, on_episode=show)
    result["variants"]["memory"] = result["variants"].pop("full")
    files = write_env(result, args.home, title=f"{env_name}: {args.actor} actor, with vs "
                      f"without memory")
    print("\n" + env_table(result))
    print("\nlearning curve (steps per episode):")
    for name, v in result["variants"].items():
        print(f"  {name:7}", " ".join(f"{c['steps']:4.0f}" for c in v["curve"]))
    print("wrote", ", ".join(str(f) for f in files))


if __name__ == "__main__":
    main()
