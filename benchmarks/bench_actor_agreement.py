"""Which decisions does the LLM actor get wrong? Teacher-forced agreement with the explorer.

    python benchmarks/bench_actor_agreement.py --adapter sft=benchmarks/out/sft/household-seed0/adapter
    python benchmarks/bench_actor_agreement.py --instances 4 5 6 --episodes 2

A whole-episode success rate says little about a policy that wins nothing: one wrong
turn early sends the rest of the episode off course. Here the household's scripted
explorer (the SFT teacher) plays each episode through the runtime's own loop
(:func:`training.eval.episodes.run_episode`), and at every turn the LLM actor is asked
the same prompt and its choice is compared with the explorer's, without being played.
Agreement is reported by the kind of turn (walk, open, take, process, put, other), and
for the turns where the explorer takes the task's object, how often the actor takes
*something* and how often the *right kind* of thing ("take plate 2" counts when the
explorer took plate 1); and how often the actor takes something when the explorer does
not (an actor that takes whatever it sees scores well on the first and badly on this).
Only the episodes the explorer wins are counted.

Homes are the unseen split (never trained on). Writes
benchmarks/out/bench_actor_agreement.{json,md,png}.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, named_adapters, save_figure, write_results  # noqa: E402

from training.eval.stats import error_bars, wilson_ci  # noqa: E402

KINDS = ("go to", "open", "take", "process", "put", "other")
_PROCESS = ("clean ", "heat ", "cool ", "use ", "slice ")


def kind_of(action: str) -> str:
    """The kind of turn an action is (:data:`KINDS`)."""
    for prefix in ("go to", "open", "take", "put"):
        if action.startswith(prefix + " "):
            return prefix
    return "process" if action.startswith(_PROCESS) else "other"


def object_kind(action: str) -> str:
    """``"take plate 1 from cabinet 2"`` -> ``"plate"``."""
    words = action.split()
    return re.sub(r"\d+$", "", words[1]).strip() if len(words) > 1 else ""


class ShadowActor:
    """Plays the teacher's action; asks the student the same prompt and records its choice."""

    def __init__(self, teacher: Any, student: Any):
        self.teacher, self.student = teacher, student
        self.turns: list[dict[str, str]] = []

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence = (), *, taken: Sequence[str] = ()) -> Any:
        action = self.teacher.act(observation, admissible, task_prompt, lessons, taken=taken)
        choice = self.student.act(observation, admissible, task_prompt, lessons,
                                  taken=taken).action
        self.turns.append({"teacher": action.action, "student": choice})
        return action


def run_actor(adapter: str | None, instances: list[int], episodes: int,
              max_steps: int) -> dict[str, Any]:
    from envs import make_env
    from training.eval.envs_eval import make_actor
    from training.eval.episodes import run_episode

    student = make_actor("llm", "household", adapter=adapter)()
    explorer = make_actor("scripted", "household")
    turns: list[dict[str, str]] = []
    lost, start = 0, time.perf_counter()
    for instance in instances:
        env = make_env("household", instance=instance, split="unseen", max_steps=max_steps)()
        for n in range(episodes):
            shadow = ShadowActor(explorer(), student)
            if run_episode(env, shadow, seed=n, episode=n).success:
                turns += shadow.turns
            else:
                lost += 1
    return {"turns": turns, "explorer_lost": lost, "seconds": time.perf_counter() - start,
            "summary": summarise(turns)}


def summarise(turns: list[dict[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in KINDS:
        rows = [t for t in turns if kind_of(t["teacher"]) == kind]
        out[kind] = {"turns": len(rows),
                     "agree": sum(t["student"] == t["teacher"] for t in rows)}
    takes = [t for t in turns if kind_of(t["teacher"]) == "take"]
    out["take"]["took_something"] = sum(kind_of(t["student"]) == "take" for t in takes)
    out["take"]["right_kind"] = sum(kind_of(t["student"]) == "take" and
                                    object_kind(t["student"]) == object_kind(t["teacher"])
                                    for t in takes)
    others = [t for t in turns if kind_of(t["teacher"]) != "take"]
    out["false_take"] = {"turns": len(others),
                         "agree": sum(kind_of(t["student"]) == "take" for t in others)}
    out["all"] = {"turns": len(turns), "agree": sum(t["student"] == t["teacher"] for t in turns)}
    return out


def _rate(n: int, d: int) -> str:
    if not d:
        return "—"
    lo, hi = wilson_ci(n, d)
    return f"{n / d:.2f} [{lo:.2f}, {hi:.2f}] ({n}/{d})"


def table(rows: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    lines = ["## LLM actor vs the explorer, turn by turn (teacher-forced agreement)", "",
             f"Unseen homes {args.instances}, {args.episodes} episodes each, at most "
             f"{args.max_steps} steps; the explorer plays, the actor is asked the same prompt "
             "at every turn. Agreement with 95% Wilson intervals.", "",
             "| actor | all turns | go to | open | take | take: took something | "
             "take: right kind | takes when the explorer does not | process | put | wall time |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        s = r["summary"]
        cells = [_rate(s["all"]["agree"], s["all"]["turns"])]
        cells += [_rate(s[k]["agree"], s[k]["turns"]) for k in ("go to", "open", "take")]
        cells += [_rate(s["take"]["took_something"], s["take"]["turns"]),
                  _rate(s["take"]["right_kind"], s["take"]["turns"]),
                  _rate(s["false_take"]["agree"], s["false_take"]["turns"])]
        cells += [_rate(s[k]["agree"], s[k]["turns"]) for k in ("process", "put")]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {r['seconds'] / 60:.1f} min |")
    return "\n".join(lines)


def plot(rows: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = ["all", "go to", "open", "take", "process", "put"]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(1, len(rows))
    for i, (name, r) in enumerate(rows.items()):
        s = r["summary"]
        rates = [s[k]["agree"] / s[k]["turns"] if s[k]["turns"] else 0.0 for k in kinds]
        cis = [wilson_ci(s[k]["agree"], s[k]["turns"]) if s[k]["turns"] else (0.0, 0.0)
               for k in kinds]
        ax.bar([x + i * width for x in range(len(kinds))], rates, width,
               yerr=error_bars(rates, cis), capsize=3, label=name)
    ax.set_xticks([x + width * (len(rows) - 1) / 2 for x in range(len(kinds))], kinds)
    ax.set(ylabel="agreement with the explorer", ylim=(0, 1.05),
           title="household, unseen homes: teacher-forced agreement by kind of turn")
    ax.legend(fontsize=8)
    save_figure(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--adapter", action="append", default=[], metavar="NAME=PATH",
                    help="a trained actor adapter (repeatable)")
    ap.add_argument("--no-prompted", action="store_true", help="leave the prompted actor out")
    ap.add_argument("--instances", type=int, nargs="+", default=[1, 2, 3], help="unseen homes")
    ap.add_argument("--episodes", type=int, default=3, help="episodes per home")
    ap.add_argument("--max-steps", type=int, default=30)
    ap.add_argument("--name", default="bench_actor_agreement", help="output file stem")
    args = ap.parse_args()

    actors: dict[str, str | None] = {} if args.no_prompted else {"prompted": None}
    actors.update(named_adapters(args.adapter))
    if not actors:
        ap.error("nothing to run: give --adapter or leave out --no-prompted")
    rows = {}
    for name, adapter in actors.items():
        rows[name] = run_actor(adapter, args.instances, args.episodes, args.max_steps)
        print(f"{name}: {rows[name]['summary']['all']}", flush=True)
    text = table(rows, args)
    plot(rows, OUT / f"{args.name}.png")
    write_results(args.name, json.loads(json.dumps(
        {"machine": machine(), "args": vars(args), "rows": rows}, default=str)), text)


if __name__ == "__main__":
    main()
