"""Does the layered memory keep what it was told? agentmem vs RAG (and A-MEM) on LoCoMo.

    python benchmarks/bench_layered_memory.py                          # 30, 41, 42, 43
    python benchmarks/bench_layered_memory.py --conversations 30 --turns 80 --questions 25
    python benchmarks/bench_layered_memory.py --ablations              # + each part alone

One run, every system side by side on the same conversations, the same embedded
SmolLM2-135M answering and the same MiniLM embeddings (`training.eval.qa.run_qa`):
``none``, ``rag`` (every raw turn, top k), ``rag-500`` (raw turns, as many of the best
as fit agentmem's 500-token budget), ``agentmem`` (exactly what ``Agent()`` and
``agentmem ingest`` build: turns verbatim, the default manager's facts naming their
turns, the core profile, turns indexed by their facts' words; read through
``agentmem.recall.recall`` with the Agent's defaults), ``oracle`` (the gold evidence
turns) and, with ``--ablations``, the agentmem variants of
``training.eval.qa.ABLATIONS`` (those that only read differently share agentmem's
ingest). The peer A-MEM needs its own venv (``make peers``): add ``--systems ...,a-mem``.

Per system: recall of the gold evidence turns in what the answer policy was shown
(a fact counts for the turn it names), token F1, context tokens, LLM calls and tokens
per ingested turn, ingest seconds per turn (p50; for agentmem also the reply path's
share, storing the turn); per category and per conversation with bootstrap 95%
intervals; agentmem minus rag (and minus A-MEM) as paired differences with bootstrap
intervals; agentmem F1 as a share of oracle F1.
Writes benchmarks/out/bench_layered_memory.{json,md,png}.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402
from bench_runtime import DATA  # noqa: E402

from training.eval.stats import bootstrap_ci, paired_gain  # noqa: E402

DEFAULT_SYSTEMS = ("none", "rag", "rag-500", "agentmem", "oracle")


def _mean_ci(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"mean": None, "ci": None, "n": 0}
    low, high = bootstrap_ci(values) if len(values) > 1 else (values[0], values[0])
    return {"mean": statistics.mean(values), "ci": [low, high], "n": len(values)}


def analyse(result: dict[str, Any]) -> dict[str, Any]:
    """Means with intervals per system and category, and the paired differences."""
    from envs.memqa import CATEGORIES

    systems = result["systems"]
    out: dict[str, Any] = {"systems": {}, "paired": {}}
    for name, s in systems.items():
        rows = s["rows"]
        recall = [r["recall"] for r in rows if r["recall"] is not None]
        cats = {}
        for cat in sorted({r["category"] for r in rows}):
            sel = [r for r in rows if r["category"] == cat]
            cats[CATEGORIES[cat]] = {
                "f1": _mean_ci([r["f1"] for r in sel if r["f1"] is not None]),
                "recall": _mean_ci([r["recall"] for r in sel if r["recall"] is not None])}
        out["systems"][name] = {
            "questions": len(rows), "f1": _mean_ci([r["f1"] for r in rows if r["f1"] is not None]),
            "recall": _mean_ci(recall), "context_tokens": s.get("context_tokens", 0.0),
            "calls_per_turn": s["calls_per_turn"], "tokens_per_turn": s["tokens_per_turn"],
            "ingest_p50_s": s["ingest_p50_s"], "ingest_turns": s["ingest_turns"],
            "store_p50_s": s.get("store_p50_s"),
            "by_category": cats,
            "by_conversation": {c: _mean_ci([r["recall"] for r in rows if r.get("conversation") == c
                                             and r["recall"] is not None])
                                for c in sorted({r.get("conversation") for r in rows} - {None})}}
    if "agentmem" in systems:
        mine = systems["agentmem"]["rows"]
        for other in systems:  # every other system with something to compare
            if other in ("agentmem", "none", "oracle"):
                continue
            theirs = systems[other]["rows"]
            pairs = [(a, b) for a, b in zip(mine, theirs, strict=True)
                     if a["recall"] is not None and b["recall"] is not None]
            scored = [(a, b) for a, b in zip(mine, theirs, strict=True)
                      if a["f1"] is not None and b["f1"] is not None]
            out["paired"][f"agentmem - {other}"] = {
                "recall": paired_gain([a["recall"] for a, _ in pairs],
                                      [b["recall"] for _, b in pairs]),
                "f1": paired_gain([a["f1"] for a, _ in scored], [b["f1"] for _, b in scored])
                if scored else None}
        if "oracle" in systems and systems["oracle"]["f1"] and systems["agentmem"]["f1"]:
            out["f1_share_of_oracle"] = systems["agentmem"]["f1"] / systems["oracle"]["f1"]
    return out


def table(analysis: dict[str, Any], meta: dict[str, Any]) -> str:
    def fmt(x: dict[str, Any]) -> str:
        if x["mean"] is None:
            return "—"
        return f"{x['mean']:.3f} [{x['ci'][0]:.3f}, {x['ci'][1]:.3f}]"

    lines = [f"Conversations {', '.join(meta['conversations'])}; "
             f"{meta['turns'] or 'all'} turns; {meta['questions'] or 'all'} questions each; "
             f"k={meta['k']}; answered by {meta.get('answerer') or 'nobody (retrieval only)'}; "
             f"{meta['wall_min']:.1f} min.", "",
             "| system | questions | recall (95% CI) | F1 (95% CI) | context tokens | "
             "calls/turn | tokens/turn | ingest p50 s/turn | store p50 s/turn |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, s in analysis["systems"].items():
        store = "—" if s.get("store_p50_s") is None else f"{s['store_p50_s']:.3f}"
        lines.append(f"| {name} | {s['questions']} | {fmt(s['recall'])} | {fmt(s['f1'])} | "
                     f"{s['context_tokens']:.0f} | {s['calls_per_turn']:.2f} | "
                     f"{s['tokens_per_turn']:.0f} | {s['ingest_p50_s']:.3f} | {store} |")
    convs = sorted({c for s in analysis["systems"].values() for c in s.get("by_conversation", {})})
    if len(convs) > 1:
        lines += ["", "Recall by conversation:", "",
                  "| system | " + " | ".join(convs) + " |", "|---|" + "---|" * len(convs)]
        for name, s in analysis["systems"].items():
            lines.append(f"| {name} | " + " | ".join(
                fmt(s["by_conversation"][c]) if c in s["by_conversation"] else "—"
                for c in convs) + " |")
    cats = sorted({c for s in analysis["systems"].values() for c in s["by_category"]})
    lines += ["", "Recall by category:", "",
              "| system | " + " | ".join(cats) + " |", "|---|" + "---|" * len(cats)]
    for name, s in analysis["systems"].items():
        lines.append(f"| {name} | " + " | ".join(
            fmt(s["by_category"][c]["recall"]) if c in s["by_category"] else "—"
            for c in cats) + " |")
    lines += ["", "F1 by category:", "",
              "| system | " + " | ".join(cats) + " |", "|---|" + "---|" * len(cats)]
    for name, s in analysis["systems"].items():
        lines.append(f"| {name} | " + " | ".join(
            fmt(s["by_category"][c]["f1"]) if c in s["by_category"] else "—" for c in cats) + " |")
    if analysis["paired"]:
        lines += ["", "| paired difference | recall (95% CI) | F1 (95% CI) |", "|---|---|---|"]
        for name, d in analysis["paired"].items():
            (r, (rl, rh)) = d["recall"]
            f1 = "—" if d["f1"] is None else "{:+.3f} [{:+.3f}, {:+.3f}]".format(
                d["f1"][0], *d["f1"][1])
            lines.append(f"| {name} | {r:+.3f} [{rl:+.3f}, {rh:+.3f}] | {f1} |")
    if "f1_share_of_oracle" in analysis:
        lines.append(f"\nagentmem F1 / oracle F1 = {analysis['f1_share_of_oracle']:.2f}")
    return "\n".join(lines)


def plot(analysis: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(analysis["systems"])
    answered = any(s["f1"]["mean"] is not None for s in analysis["systems"].values())
    metrics = ("recall", "f1") if answered else ("recall",)  # retrieval only: no F1 panel
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics) + 0.5, 4),
                             squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        means = [analysis["systems"][n][metric]["mean"] or 0.0 for n in names]
        errs = [[m - (analysis["systems"][n][metric]["ci"] or [m, m])[0] for n, m in
                 zip(names, means, strict=True)],
                [(analysis["systems"][n][metric]["ci"] or [m, m])[1] - m for n, m in
                 zip(names, means, strict=True)]]
        ax.bar(names, means, yerr=errs, capsize=3,
               color=["#4c78a8" if n.startswith("agentmem") else "#bbbbbb" for n in names])
        ax.set_title("recall of the evidence turns" if metric == "recall" else "answer F1")
        ax.tick_params(axis="x", rotation=30)
    fig.suptitle("LoCoMo, embedded SmolLM2-135M + MiniLM (95% bootstrap intervals)")
    save_figure(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", nargs="+", default=["30", "41", "42", "43"])
    parser.add_argument("--systems", default=",".join(DEFAULT_SYSTEMS))
    parser.add_argument("--ablations", action="store_true",
                        help="add the agentmem variants of training.eval.qa.ABLATIONS")
    parser.add_argument("--turns", type=int, default=None,
                        help="ingest only the first N turns (questions then come from them)")
    parser.add_argument("--questions", type=int, default=None, help="a sample per conversation")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--keep", default=None,
                        help="keep each conversation's agentmem and peer memories in this folder "
                             "and read them from there in later runs (no second "
                             "enrichment); a peer's unfinished ingest resumes")
    parser.add_argument("--retrieval-only", action="store_true",
                        help="measure what each system shows (recall, tokens), no answers")
    parser.add_argument("--answer-adapter", default=None,
                        help="the answer policy every system answers with: a LoRA adapter "
                             "(python -m training.sft --policy answer) or a shipped name; "
                             "'none' prompts the model as it is. Default: Agent()'s")
    parser.add_argument("--reread", action="store_true",
                        help="the answerer answers again from the memories it selected "
                             "alone (PromptedAnswerer(reread=True); two calls per question)")
    parser.add_argument("--name", default="bench_layered_memory")
    args = parser.parse_args()

    from training.eval.qa import ABLATIONS, run_qa

    systems = [s for s in args.systems.split(",") if s]
    if args.ablations:
        systems[-1:-1] = [a for a in ABLATIONS if a not in systems]
    from policies import answerer_for

    # Built here (not left to run_qa) so the output names the answerer that ran.
    answerer = None if args.retrieval_only else answerer_for("local", args.answer_adapter)
    if answerer is not None:
        answerer.reread = args.reread
    start = time.perf_counter()
    result = run_qa([DATA / f"{c}.json" for c in args.conversations], systems=systems,
                    k=args.k, questions=args.questions, turns=args.turns, keep=args.keep,
                    answer=not args.retrieval_only, answerer=answerer)
    meta = {"conversations": args.conversations, "turns": args.turns,
            "answer_adapter": args.answer_adapter,
            "answerer": None if answerer is None else answerer.llm.name + (
                ", reread" if answerer.reread else ""),
            "answered": not args.retrieval_only,
            "questions": args.questions, "k": args.k,
            "wall_min": (time.perf_counter() - start) / 60, "machine": machine()}
    analysis = analyse(result)
    OUT.mkdir(parents=True, exist_ok=True)
    plot(analysis, OUT / f"{args.name}.png")
    write_results(args.name, {"meta": meta, "analysis": analysis, "result": result},
                  table(analysis, meta))


if __name__ == "__main__":
    main()
