"""Does the supervised extractive manager choose better, and does its memory recall more?

    python benchmarks/bench_manager_sft.py --adapter sft=runs/manager-extractive-sft/adapter
    python benchmarks/bench_manager_sft.py --adapter sft=DIR --choices 30 --downstream 41 42 43

Every manager is the default one for the embedded SmolLM2-135M (the extractive mode:
the model picks sentences, the code writes the facts), prompted (no adapter) or with a
trained adapter (``python -m training.sft --config
training/configs/sft_manager_extractive.yaml``), all in one run:

* **choices**: on conversations ``--choices`` (default 30, the validation
  conversation), every manager call the default ingest makes, labelled the way the
  training data is (:mod:`training.manager_demonstrations`: the sentence each of
  LoCoMo's notes cites, or nothing) and shown the related facts a manager keeping
  exactly those would have; each manager answers the same prompt under the runtime's
  schema. Sentence-level precision, recall and F1 against the labels, the share of
  calls answered exactly, the share that keep something; the paired difference in
  exact calls against the prompted manager with a bootstrap 95% interval.
* **downstream**: each manager builds the memory of conversations ``--downstream``
  through the default ingest (``training.eval.qa.run_qa``, system ``agentmem``) and
  every question (categories 1-4) is read through the Agent's read path: recall of the
  gold evidence turns (no answers), facts written per turn, paired recall difference
  against the prompted manager. ``--keep DIR`` keeps each memory (a later run reads it).

Writes benchmarks/out/NAME.{json,md,png} (``--name``, default bench_manager_sft).
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
from bench_runtime import DATA  # noqa: E402

from training.eval.stats import bootstrap_ci, paired_gain  # noqa: E402


def choices(manager: Any, rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Each labelled prompt answered by ``manager``'s model under the runtime schema."""
    from agentmem.progress import track
    from policies.extractive import extractive_schema

    tp = fp = fn = 0
    exact, keeps, start = [], 0, time.perf_counter()
    for row in track(rows, f"{name}: labelled calls"):
        reply = manager.llm.chat(row["prompt"], schema=extractive_schema(row["choices"],
                                                                         manager.max_keep),
                                 max_tokens=manager.max_tokens)
        got = reply.parsed.get("keep") if isinstance(reply.parsed, dict) else None
        got = set(got) if isinstance(got, list) else set()
        gold = set(row["keep"])
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
        exact.append(float(got == gold))
        keeps += bool(got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "exact": sum(exact) / len(exact), "exact_rows": exact,
            "keeps": keeps / len(rows), "calls": len(rows),
            "seconds": time.perf_counter() - start}


def downstream(manager: Any, conversations: list[str], keep: str | None) -> dict[str, Any]:
    from training.eval.qa import run_qa

    start = time.perf_counter()
    result = run_qa([DATA / f"{c}.json" for c in conversations], systems=["agentmem"],
                    manager=manager, answer=False, keep=keep, progress=True)
    s = result["systems"]["agentmem"]
    # Every question has evidence in categories 1-4; a None (none to find) counts as found.
    rows = [1.0 if r["recall"] is None else r["recall"] for r in s["rows"]]
    return {"recall": sum(rows) / len(rows), "ci95": bootstrap_ci(rows), "rows": rows,
            "by_conversation": {c: _mean([v for v, r in zip(rows, s["rows"], strict=True)
                                          if r["conversation"] == c]) for c in conversations},
            "ingest": {k: s.get(k) for k in ("calls_per_turn", "tokens_per_turn",
                                             "ingest_p50_s", "ops") if k in s},
            "seconds": time.perf_counter() - start}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result["managers"])
    panels = []
    if result["args"]["choices"]:
        panels.append(("choices: sentence F1 vs the notes", "choices", "f1"))
    if result["args"]["downstream"]:
        panels.append(("downstream: evidence recall", "downstream", "recall"))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.4), squeeze=False)
    for ax, (title, part, key) in zip(axes[0], panels, strict=True):
        values = [result["managers"][n][part][key] for n in names]
        ax.bar(names, values, color=["#999"] + ["#3a7"] * (len(names) - 1))
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 1)
    save_figure(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--adapter", action="append", default=[], metavar="NAME=DIR",
                    help="a trained extractive manager (repeatable)")
    ap.add_argument("--choices", nargs="*", default=["30"],
                    help="conversations whose labelled calls each manager answers")
    ap.add_argument("--downstream", nargs="*", default=["30"],
                    help="conversations each manager builds a memory of (recall, all questions)")
    ap.add_argument("--keep", default=None, help="keep each built memory in this folder")
    ap.add_argument("--no-prompted", action="store_true", help="leave the prompted manager out")
    ap.add_argument("--name", default="bench_manager_sft")
    args = ap.parse_args()

    from policies import ExtractiveManager
    from training.manager_demonstrations import extractive_examples

    adapters = {**({} if args.no_prompted else {"prompted": None}),
                **named_adapters(args.adapter)}
    labelled = (extractive_examples([DATA / f"{c}.json" for c in args.choices], held_out_ok=True)
                if args.choices else [])
    managers: dict[str, Any] = {}
    for name, adapter in adapters.items():
        manager = ExtractiveManager("local", adapter=adapter)
        managers[name] = {"adapter": adapter}
        if labelled:
            managers[name]["choices"] = choices(manager, labelled, name)
        if args.downstream:
            managers[name]["downstream"] = downstream(manager, args.downstream, args.keep)
    base = managers.get("prompted")
    for name, m in managers.items():
        if base is None or name == "prompted":
            continue
        if labelled:
            m["choices"]["exact_gain"] = paired_gain(m["choices"]["exact_rows"],
                                                     base["choices"]["exact_rows"])
        if args.downstream:
            m["downstream"]["recall_gain"] = paired_gain(m["downstream"]["rows"],
                                                         base["downstream"]["rows"])
    result = {"machine": machine(), "args": vars(args), "labelled_calls": len(labelled),
              "labelled_keeping": sum(bool(r["keep"]) for r in labelled), "managers": managers}

    def ci(g: tuple[float, tuple[float, float]] | None) -> str:
        return "—" if g is None else f"{g[0]:+.3f} [{g[1][0]:+.3f}, {g[1][1]:+.3f}]"

    lines = [f"## Extractive manager: prompted vs trained ({time.strftime('%Y-%m-%d')})", ""]
    if labelled:
        lines += [f"Choices on conversation(s) {', '.join(args.choices)}: {len(labelled)} "
                  f"labelled calls, {result['labelled_keeping']} keeping something.", "",
                  "| manager | precision | recall | F1 | calls exact | exact gain [95% CI] "
                  "| calls keeping | s / call |", "|---" * 8 + "|"]
        for name, m in managers.items():
            c = m["choices"]
            lines.append(f"| {name} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} "
                         f"| {c['exact']:.3f} | {ci(c.get('exact_gain'))} | {c['keeps']:.2f} "
                         f"| {c['seconds'] / c['calls']:.2f} |")
        lines.append("")
    if args.downstream:
        convs = args.downstream
        lines += [f"Downstream on conversation(s) {', '.join(convs)} (every question, "
                  "categories 1-4, retrieval only):", "",
                  "| manager | recall [95% CI] | " + " | ".join(convs)
                  + " | recall gain [95% CI] | LLM calls / turn |", "|---" * (4 + len(convs)) + "|"]
        for name, m in managers.items():
            d = m["downstream"]
            lines.append(f"| {name} | {d['recall']:.3f} [{d['ci95'][0]:.3f}, {d['ci95'][1]:.3f}] | "
                         + " | ".join(f"{d['by_conversation'][c]:.3f}" for c in convs)
                         + f" | {ci(d.get('recall_gain'))} | "
                         f"{d['ingest'].get('calls_per_turn', float('nan')):.2f} |")
    _plot(result, OUT / f"{args.name}.png")
    write_results(args.name, json.loads(json.dumps(result, default=str)), "\n".join(lines))


if __name__ == "__main__":
    main()
