"""The memory manager and answer policy on a LoCoMo conversation, with the embedded model.

    python benchmarks/bench_runtime.py                        # conversation 30, every turn
    python benchmarks/bench_runtime.py --limit 40 --questions 10

Measures what the runtime issue targets: LLM calls per ingested turn (one manager
call per turn), how often the manager's reply parses (constrained decoding), how
many proposed operations the safety checks reject, ingest latency per turn and
answer latency per question (p50/p95), plus answer F1 for orientation.
Reads ../shared/data/locomo (never copied into the repository).
Writes benchmarks/out/bench_runtime.{json,md,png}.
"""

from __future__ import annotations

import argparse
import json
import string
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, machine, percentiles, save_figure, write_results  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo"


def f1(pred: str, gold: str) -> float:
    def norm(s: str) -> list[str]:
        s = "".join(c for c in str(s).lower() if c not in string.punctuation)
        return [w for w in s.split() if w not in ("a", "an", "the")]

    p, g = norm(pred), norm(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversation", default=str(DATA / "30.json"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N turns")
    parser.add_argument("--questions", type=int, default=None, help="only the first N questions")
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()

    from tqdm import tqdm

    from agentmem import LLMOutputError, Memory, get_llm
    from agentmem.conversations import read_conversation
    from agentmem.ingest import manage_turns
    from policies import PromptedAnswerer, memory_manager

    sessions = read_conversation(args.conversation)
    turns = [t for s in sessions for t in s.turns][: args.limit]
    qa = [q for q in json.loads(Path(args.conversation).read_text())["qa"]
          if q.get("category") in (1, 2, 3, 4)][: args.questions]
    llm = get_llm(args.llm)
    manager, answerer = memory_manager(llm), PromptedAnswerer(llm)
    home = tempfile.mkdtemp(prefix="agentmem-runtime-")
    ops, rejected, parse_fail, ingest_s = Counter(), 0, 0, []
    calls_before = llm.total_usage.calls
    with Memory(home=home, user_id="conv") as m:
        for turn in tqdm(turns, desc="ingest (1 manager call per turn)"):
            t = time.perf_counter()
            try:
                results, rej, _ = manage_turns(m, manager, [turn], user_id="conv")
                ops.update(r.op.value for r in results)
                rejected += len(rej)
            except LLMOutputError:
                parse_fail += 1
            ingest_s.append(time.perf_counter() - t)
        ingest_calls = llm.total_usage.calls - calls_before
        answer_s, scores = [], []
        for q in tqdm(qa, desc="answer"):
            t = time.perf_counter()
            hits = m.search(q["question"], k=5)
            ans = answerer.answer(q["question"], [h.record for h in hits])
            answer_s.append(time.perf_counter() - t)
            scores.append(f1(ans.text, q["answer"]))
        stored = m.stats()["records"]
    result = {
        "machine": machine(), "conversation": Path(args.conversation).name, "llm": llm.name,
        "turns": len(turns), "llm_calls_ingest": ingest_calls,
        "calls_per_turn": ingest_calls / max(1, len(turns)),
        "manager_parse_rate": 1 - parse_fail / max(1, len(turns)), "parse_failures": parse_fail,
        "ops": dict(ops), "rejected_ops": rejected, "memories_stored": stored,
        "ingest_latency": percentiles(ingest_s), "answer_latency": percentiles(answer_s),
        "questions": len(qa), "answer_f1": sum(scores) / max(1, len(scores)),
        "ingest_seconds": ingest_s, "answer_seconds": answer_s,
    }
    rows = [("LLM calls per ingested turn", f"{result['calls_per_turn']:.2f} "
             f"({ingest_calls} calls / {len(turns)} turns)"),
            ("manager replies that parse", f"{result['manager_parse_rate']:.1%} "
             f"({len(turns) - parse_fail}/{len(turns)})"),
            ("operations applied", ", ".join(f"{k} {v}" for k, v in sorted(ops.items()))),
            ("operations rejected by the checks", str(rejected)),
            ("memories stored at the end", str(stored)),
            ("ingest latency per turn p50 / p95", f"{result['ingest_latency']['p50_ms'] / 1000:.2f} s"
             f" / {result['ingest_latency']['p95_ms'] / 1000:.2f} s"),
            ("answer latency per question p50 / p95", f"{result['answer_latency']['p50_ms'] / 1000:.2f}"
             f" s / {result['answer_latency']['p95_ms'] / 1000:.2f} s"),
            (f"answer F1 over {len(qa)} questions (categories 1-4)", f"{result['answer_f1']:.3f}")]
    table = "\n".join([f"## Runtime on LoCoMo {result['conversation']} with {llm.name}", "",
                       "| measure | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])
    plot(ingest_s, answer_s, OUT / "bench_runtime.png", f"LoCoMo {result['conversation']}, "
         f"{llm.name}")
    write_results("bench_runtime", result, table)


def plot(ingest_s: list[float], answer_s: list[float], path: Path, title: str) -> None:
    """Latency distributions: per ingested turn and per answered question, p50/p95 marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, xs, what in ((axes[0], ingest_s, "ingest, s per turn (one manager call)"),
                         (axes[1], answer_s, "answer, s per question")):
        ax.hist(xs, bins=30, color="C0")
        for q, style in ((50, "-"), (95, "--")):
            if xs:
                ax.axvline(float(np.percentile(xs, q)), color="C3", linestyle=style,
                           label=f"p{q}")
        ax.set(xlabel=what, ylabel="count")
        ax.legend()
    fig.suptitle(f"Runtime latency: {title}")
    save_figure(fig, path)


if __name__ == "__main__":
    main()
