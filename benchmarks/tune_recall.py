"""How recall's knobs trade off, on the training and validation conversations only (LoCoMo 26, 30).

    python benchmarks/tune_recall.py --home DIR          # DIR: conversation 30 ingested
    python benchmarks/tune_recall.py --home DIR --conversation 26
    python benchmarks/tune_recall.py --home DIR --ingest # ingest it there first (~10 min)

For every question of the conversation (categories 1-4) and every setting of
``agentmem.recall.recall`` in the grid (top hits ``k``, ``neighbours`` per side, the
profile's share ``profile_tokens``), the share of the gold evidence turns in what
recall shows within 500 tokens (a fact counts for the turn it names). No model
answers: this is the retrieval side only, cheap enough to scan. The defaults
(``DIRECT_HITS``, ``NEIGHBOURS``, ``PROFILE_TOKENS``) were chosen here; the held-out
conversations 41-43 are measured by ``bench_layered_memory.py``, never here.
Writes benchmarks/out/tune_recall.{json,md,png}.
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
from _common import OUT, machine, write_results  # noqa: E402
from bench_runtime import DATA  # noqa: E402

GRID = [(k, n, p) for k in (2, 3, 5) for n in (0, 1, 2) for p in (0, 60, 120)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", required=True, help="a home holding the conversation")
    parser.add_argument("--conversation", default="30", choices=("26", "30"),
                        help="26 (training split) or 30 (validation); never a held-out one")
    parser.add_argument("--ingest", action="store_true", help="ingest the conversation first")
    parser.add_argument("--name", default="tune_recall")
    args = parser.parse_args()

    from agentmem import Memory
    from agentmem.recall import context_tokens, recall
    from envs.memqa import load_locomo

    sessions, questions = load_locomo(DATA / f"{args.conversation}.json", (1, 2, 3, 4))
    with Memory(home=args.home, embedder="minilm") as m:
        if args.ingest:
            from agentmem.ingest import ingest_sessions
            from agentmem.llm import get_llm
            from policies import memory_manager

            ingest_sessions(m, sessions, manager=memory_manager(get_llm("local")),
                            progress=True, user_id="qa")
        start = time.perf_counter()
        rows: list[dict[str, Any]] = []
        for k, n, p in GRID:
            recalls, tokens = [], []
            for q in questions:
                shown = recall(m, q.question, k=k, neighbours=n, profile=p > 0,
                               profile_tokens=p, user_id="qa")
                refs = {r for h in shown for r in (h.record.provenance.ref or "").split(",") if r}
                if q.evidence:
                    recalls.append(len(refs & set(q.evidence)) / len(q.evidence))
                tokens.append(context_tokens(shown))
            rows.append({"k": k, "neighbours": n, "profile_tokens": p,
                         "recall": statistics.mean(recalls), "tokens": statistics.mean(tokens)})
    meta = {"questions": len(questions), "seconds": time.perf_counter() - start,
            "machine": machine()}
    best = max(rows, key=lambda r: r["recall"])
    lines = [f"Recall of the evidence on LoCoMo {args.conversation} ({len(questions)} questions), "
             "500 tokens.",
             "", "| k | neighbours | profile tokens | recall | context tokens |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['k']} | {r['neighbours']} | {r['profile_tokens']} | "
              f"{'**' if r is best else ''}{r['recall']:.3f}{'**' if r is best else ''} | "
              f"{r['tokens']:.0f} |" for r in rows]
    OUT.mkdir(parents=True, exist_ok=True)
    _plot(rows, OUT / f"{args.name}.png", args.conversation)
    write_results(args.name, {"meta": meta, "rows": rows}, "\n".join(lines))


def _plot(rows: list[dict[str, Any]], path: Path, conversation: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for p in sorted({r["profile_tokens"] for r in rows}):
        sel = [r for r in rows if r["profile_tokens"] == p]
        ax.plot([f"k={r['k']},n={r['neighbours']}" for r in sel], [r["recall"] for r in sel],
                marker="o", label=f"profile {p} tokens")
    ax.set_ylabel("recall of the evidence")
    ax.set_title(f"recall's settings on LoCoMo {conversation} (not held out), 500-token context")
    ax.tick_params(axis="x", rotation=45)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
