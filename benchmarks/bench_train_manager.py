"""Does training the memory manager raise its operation accuracy on held-out fact streams?

    python benchmarks/bench_train_manager.py                          # 3 seeds, 12 steps each
    python benchmarks/bench_train_manager.py --seeds 0 --reward op --steps 5   # quick look
    python benchmarks/bench_train_manager.py --sft-adapter runs/manager-facts-sft/adapter \\
        --seeds 0 --reward op --name bench_train_manager_sft     # SFT, then GRPO from it
    python benchmarks/bench_train_manager.py --sft-adapter DIR --seeds   # SFT row only

With ``--sft-adapter`` (a generative manager trained by
``training/configs/sft_manager_facts.yaml``) the SFT manager is a row of its own and
each GRPO seed starts from it (``--init-adapter``); GRPO's gain is then reported against
SFT as well as against the prompted manager.

Train: the memory manager (LoRA on the embedded SmolLM2-135M) with GRPO on turns of
synthetic fact streams (seeds 0-3), reward ``--reward answer`` (Memory-R1: the ops
are applied to a copy of the bank and a frozen answerer answers the question the
turn decides; F1 mixed with the operation check) or ``op`` (the check alone).
Evaluate: the prompted manager (no adapter) against the trained one, each running
over held-out streams (other seeds) on a fresh memory (MiniLM), scored turn by turn
with :func:`envs.facts.score_manager`; paired bootstrap 95% interval of the
difference in accuracy; and downstream on LoCoMo: each manager builds the memory
from the first ``--locomo-turns`` turns of conversation ``--locomo`` and the same
prompted answer policy answers the questions whose evidence lies in them (token F1
and the evidence's recall@k, paired bootstrap against the prompted manager, and the
SFT manager also against ``--modes statements``, the embedded model's default). Writes
benchmarks/out/NAME.{json,md,png} (NAME: ``--name``, default bench_train_manager); the
runs go to benchmarks/out/train-manager/[sft-]REWARD-seedN (a finished run is reused, a
crashed one resumes).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402
from bench_runtime import DATA  # noqa: E402

from training.eval.stats import paired_gain  # noqa: E402


def evaluate(manager: Any, streams: list[int], turns: int) -> dict[str, Any]:
    from agentmem import Memory
    from envs.facts import fact_stream, score_manager

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


def locomo(manager: Any, conv: str, turns: int) -> dict[str, Any]:
    """Downstream: the manager builds the memory from the first ``turns`` turns of ``conv``;
    the prompted answer policy answers the questions those turns decide."""
    from training.eval.qa import run_qa

    start = time.perf_counter()
    result = run_qa([DATA / f"{conv}.json"], systems=["agentmem"], manager=manager, turns=turns,
                    progress=True)["systems"]["agentmem"]
    # Per question, in the conversation's order, so two managers pair question by question
    # (recall is None where a question names no evidence turn).
    return {"f1": result["f1"], "recall_at_k": result["recall_at_k"],
            "rows": [r["f1"] for r in result["rows"]],
            "recall_rows": [r["recall"] for r in result["rows"]],
            "questions": result["questions"], "seconds": time.perf_counter() - start}


def recall_gain(after: dict[str, Any], before: dict[str, Any]) -> tuple[float, tuple[float, float]]:
    """Paired gain in recall@k over the questions both managers' runs could score."""
    pairs = [(a, b) for a, b in zip(after["recall_rows"], before["recall_rows"], strict=True)
             if a is not None and b is not None]
    if not pairs:
        return math.nan, (math.nan, math.nan)
    return paired_gain([a for a, _ in pairs], [b for _, b in pairs])


def train(seed: int, args: argparse.Namespace) -> tuple[str, float | None]:
    """Train (or reuse) one seed; returns the adapter and the training wall time."""
    from training.config import GRPOConfig
    from training.grpo import train_grpo

    warm = "sft-" if args.sft_adapter else ""
    out = OUT / "train-manager" / f"{warm}{args.reward}-seed{seed}"
    wall_file = out / "bench_wall.json"
    config = GRPOConfig(policy="manager", output_dir=str(out), steps=args.steps, seed=seed,
                        learning_rate=args.lr, batch_size=args.batch_size,
                        num_generations=args.num_generations, manager_reward=args.reward,
                        max_completion_tokens=96, save_steps=4, tensorboard=False,
                        init_adapter=args.sft_adapter)
    start = time.perf_counter()
    summary = train_grpo(config)
    wall = time.perf_counter() - start
    if summary.get("reused") and wall_file.is_file():  # a finished run: its own wall time
        wall = json.loads(wall_file.read_text())["train_wall_s"]
    else:
        wall_file.write_text(json.dumps({"steps": args.steps, "train_wall_s": wall}))
    return summary["adapter"], wall


def _plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sft = [result["sft"]] if result.get("sft") else []
    modes = result.get("modes", {})
    names = (["prompted"] + list(modes) + ["SFT"] * len(sft)
             + [f"seed {s}" for s in result["seeds"]])
    panels = [("operation accuracy (fact streams)", lambda r: r["accuracy"])]
    if result["args"]["locomo"]:
        conv = result["args"]["locomo"]
        panels += [(f"F1 on LoCoMo {conv}", lambda r: r["locomo"]["f1"]),
                   (f"recall@k on LoCoMo {conv}", lambda r: r["locomo"]["recall_at_k"])]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.4), squeeze=False)
    for ax, (label, get) in zip(axes[0], panels, strict=True):
        values = [get(r) for r in [result["prompted"], *modes.values(), *sft]] + [
            get(result["trained"][str(s)]) for s in result["seeds"]]
        ax.bar(names, values, color=["#999"] + ["#c84"] * len(modes) + ["#37a"] * len(sft)
               + ["#3a7"] * len(result["seeds"]))
        ax.tick_params(axis="x", labelsize=8, rotation=20)
        ax.set_title(label, fontsize=10)
        ax.set_ylim(0, max(values) * 1.3 + 1e-3)
    save_figure(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2],
                    help="GRPO seeds (none: evaluate the prompted and --sft-adapter only)")
    ap.add_argument("--sft-adapter", default=None, help="a generative manager SFT adapter: "
                    "a row of its own, and GRPO starts from it")
    ap.add_argument("--name", default="bench_train_manager", help="output file stem")
    ap.add_argument("--modes", nargs="*", default=[], choices=["statements", "extractive"],
                    help="also evaluate these modes of the untrained manager "
                    "(policies.memory_manager) on the same turns")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--reward", choices=["answer", "op"], default="answer")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--num-generations", type=int, default=4)
    ap.add_argument("--streams", type=int, nargs="+", default=[500, 501, 502, 503],
                    help="held-out fact-stream seeds (GRPO trains on 0-3, SFT on 0-7)")
    ap.add_argument("--turns", type=int, default=30, help="turns per held-out stream")
    ap.add_argument("--locomo", default="30", help="LoCoMo conversation for the downstream F1 "
                    "('' to skip)")
    ap.add_argument("--locomo-turns", type=int, default=80)
    args = ap.parse_args()

    from policies import PromptedManager, memory_manager

    def measure(adapter: str | None, manager: Any = None) -> dict[str, Any]:
        """Both evaluations with one loaded manager (the generative one by default)."""
        manager = manager or PromptedManager("local", adapter=adapter)
        r = evaluate(manager, args.streams, args.turns)
        r["locomo"] = locomo(manager, args.locomo, args.locomo_turns) if args.locomo else None
        return r

    def against(r: dict[str, Any], ref: dict[str, Any], suffix: str = "") -> None:
        """Paired gains of ``r`` over ``ref`` (operation accuracy, LoCoMo F1 and recall)."""
        r["gain" + suffix], r["ci95" + suffix] = paired_gain(r["correct"], ref["correct"])
        if r["locomo"]:
            r["locomo"]["gain" + suffix], r["locomo"]["ci95" + suffix] = paired_gain(
                r["locomo"]["rows"], ref["locomo"]["rows"])
            r["locomo"]["recall_gain" + suffix], r["locomo"]["recall_ci95" + suffix] = (
                recall_gain(r["locomo"], ref["locomo"]))

    base = measure(None)
    sft = measure(args.sft_adapter) if args.sft_adapter else None
    # The other modes of the untrained manager, on the same turns (issue: extractive vs
    # generative operation accuracy).
    modes = {m: measure(None, memory_manager("local", mode=m)) for m in args.modes}
    for r in modes.values():
        against(r, base)
    if sft:
        against(sft, base)
        if "statements" in modes:  # the embedded model's default manager: ship only if beaten
            against(sft, modes["statements"], "_vs_statements")
    trained: dict[str, Any] = {}
    for seed in args.seeds:
        adapter, wall = train(seed, args)
        r = measure(adapter)
        r["train_wall_s"] = wall
        against(r, base)
        if sft:
            against(r, sft, "_vs_sft")
        trained[str(seed)] = r

    def mean_gain(get: Any) -> tuple[float, tuple[float, float]]:
        """The mean over seeds, per item, against the prompted manager."""
        per_item = [sum(col) / len(col)
                    for col in zip(*(get(trained[str(s)]) for s in args.seeds), strict=True)]
        return paired_gain(per_item, get(base))

    result: dict[str, Any] = {"machine": machine(), "args": vars(args), "seeds": args.seeds,
                              "prompted": base, "sft": sft, "modes": modes,
                              "trained": trained}
    if args.seeds:
        result["mean_gain"] = mean_gain(lambda r: r["correct"])
        if args.locomo:
            result["mean_locomo_gain"] = mean_gain(lambda r: r["locomo"]["rows"])
            per_question = [None if None in col else sum(col) / len(col) for col in zip(
                *(trained[str(s)]["locomo"]["recall_rows"] for s in args.seeds), strict=True)]
            result["mean_recall_gain"] = recall_gain({"recall_rows": per_question},
                                                     base["locomo"])

    ops = sorted(base["by_op"])
    loc = bool(args.locomo)
    grpo = (f"{args.steps} GRPO steps x {args.batch_size} completions per seed (reward "
            f"{args.reward}), LoRA lr {args.lr}; " if args.seeds else "")
    title = " then ".join(s for s, on in (("SFT", sft), ("GRPO", args.seeds)) if on)
    lines = [f"## Memory manager: {title or 'prompted'} on fact streams", "",
             (f"SFT adapter {args.sft_adapter}" + ("; GRPO starts from it. " if args.seeds
                                                  else ". ") if sft else "")
             + f"{grpo}{len(base['correct'])} held-out turns (streams {args.streams})"
             + (f"; LoCoMo {args.locomo}, first {args.locomo_turns} turns (or all), "
                f"{base['locomo']['questions']} questions" if loc else "") + ".", "",
             "| manager | op accuracy | " + " | ".join(ops) + " | gain [95% CI] |"
             + (" LoCoMo F1 | F1 gain [95% CI] | recall@k | recall gain [95% CI] |" if loc
                else "") + " train wall time |",
             "|---" * (4 + len(ops) + (4 if loc else 0)) + "|"]

    def row(name: str, r: dict[str, Any], gain: str, lgain: str, wall: str) -> str:
        rgain = (ci(r["locomo"]["recall_gain"], r["locomo"]["recall_ci95"])
                 if loc and "recall_gain" in r["locomo"] else "—")
        return (f"| {name} | {r['accuracy']:.3f} | "
                + " | ".join(f"{r['by_op'].get(o, 0):.2f}" for o in ops) + f" | {gain} |"
                + (f" {r['locomo']['f1']:.3f} | {lgain} | {r['locomo']['recall_at_k']:.3f} |"
                   f" {rgain} |" if loc else "") + f" {wall} |")

    def ci(g: float, c: tuple[float, float]) -> str:
        return f"{g:+.3f} [{c[0]:+.3f}, {c[1]:+.3f}]"

    lines.append(row("prompted (no adapter)", base, "—", "—", "—"))
    for mode, r in modes.items():
        lines.append(row(f"{mode} mode (untrained)", r, ci(r["gain"], r["ci95"]),
                         ci(r["locomo"]["gain"], r["locomo"]["ci95"]) if loc else "", "—"))
    if sft:
        lines.append(row("SFT (fact streams' gold operations)", sft, ci(sft["gain"], sft["ci95"]),
                         ci(sft["locomo"]["gain"], sft["locomo"]["ci95"]) if loc else "", "—"))
    for s in args.seeds:
        r = trained[str(s)]
        lines.append(row(f"{'SFT+' if sft else ''}GRPO seed {s}", r, ci(r["gain"], r["ci95"]),
                         ci(r["locomo"]["gain"], r["locomo"]["ci95"]) if loc else "",
                         f"{r['train_wall_s'] / 60:.1f} min" if r["train_wall_s"] else "?"))
    if sft and "gain_vs_statements" in sft:
        lines += ["", "SFT against the statements mode (the embedded model's default): op "
                  f"accuracy {ci(sft['gain_vs_statements'], sft['ci95_vs_statements'])}"
                  + (f"; LoCoMo F1 {ci(sft['locomo']['gain_vs_statements'], sft['locomo']['ci95_vs_statements'])}"
                     f", recall {ci(sft['locomo']['recall_gain_vs_statements'], sft['locomo']['recall_ci95_vs_statements'])}"
                     if loc else "") + "."]
    if not args.seeds:
        return _finish(args, result, lines)
    mean = {"accuracy": sum(trained[str(s)]["accuracy"] for s in args.seeds) / len(args.seeds),
            "by_op": {o: sum(trained[str(s)]["by_op"].get(o, 0) for s in args.seeds)
                      / len(args.seeds) for o in ops},
            "locomo": {**{key: sum(trained[str(s)]["locomo"][key] for s in args.seeds)
                          / len(args.seeds) for key in ("f1", "recall_at_k")},
                       "recall_gain": result["mean_recall_gain"][0],
                       "recall_ci95": result["mean_recall_gain"][1]} if loc else None}
    lines.append(row("**mean over the seeds**", mean, ci(*result["mean_gain"]),
                     ci(*result["mean_locomo_gain"]) if loc else "", "—"))
    if sft:
        lines += ["", "GRPO against SFT alone (op accuracy): " + "; ".join(
            f"seed {s} {ci(trained[str(s)]['gain_vs_sft'], trained[str(s)]['ci95_vs_sft'])}"
            for s in args.seeds) + "."]
    _finish(args, result, lines)


def _finish(args: argparse.Namespace, result: dict[str, Any], lines: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    _plot(result, OUT / f"{args.name}.png")
    write_results(args.name, json.loads(json.dumps(result, default=str)), "\n".join(lines))


if __name__ == "__main__":
    main()
