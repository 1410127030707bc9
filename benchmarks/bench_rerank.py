"""Does the citation-trained re-ranker help retrieval on LoCoMo dev conversations?

    python benchmarks/bench_rerank.py                     # 41, 42, 43: first 60 questions each
    python benchmarks/bench_rerank.py --questions 0       # every question
    python benchmarks/bench_rerank.py --conversations 41 --questions 30

Every turn is stored as it is (kind ``turn``, its dialogue id as provenance), then
the questions (categories 1-4) are asked in order. Each arm shows the answer
policy 5 of the top-20 hybrid hits:
- baseline: the top 5 as retrieved;
- rerank (model citations): ordered by a re-ranker that learns online from the
  embedded model's own citations — the deployable setting;
- rerank (oracle citations): learns from the gold evidence instead — a diagnostic
  of what the mechanism can do when citations are right, not a deployable result.
Metric: recall@5 of the gold evidence turns, over all questions and over the
second half (after some learning), and answer F1 for the two model arms.
Writes benchmarks/out/bench_rerank.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402
from bench_runtime import DATA, f1  # noqa: E402


def recall(shown, evidence: list[str]) -> float:
    refs = {h.record.provenance.ref for h in shown}
    return sum(e in refs for e in evidence) / len(evidence) if evidence else 0.0


def ask(answerer, question: str, shown) -> tuple[str, list[str]]:
    from agentmem import LLMOutputError

    try:
        ans = answerer.answer(question, [h.record for h in shown])
    except LLMOutputError:  # counted as an empty answer with no citation
        return "", []
    return ans.text, ans.cited_ids


def run_conversation(path: Path, answerer, limit: int | None) -> dict[str, dict[str, list]]:
    from tqdm import tqdm

    from agentmem import Memory
    from agentmem.conversations import read_conversation
    from agentmem.ingest import ingest_sessions
    from agentmem.records import Scope
    from agentmem.rerank import Reranker

    qa = [q for q in json.loads(path.read_text())["qa"] if q.get("category") in (1, 2, 3, 4)
          and q.get("evidence")][:limit]
    out = {arm: {"recall": [], "f1": []} for arm in ("baseline", "rerank_model", "rerank_oracle")}
    with Memory(home=tempfile.mkdtemp(prefix="agentmem-rerank-"), user_id="c") as m:
        ingest_sessions(m, read_conversation(path), manager=None, user_id="c")
        model_rr = Reranker(m, Scope(user_id="c"), name="model")
        oracle_rr = Reranker(m, Scope(user_id="c"), name="oracle")
        for q in tqdm(qa, desc=path.name):
            hits = m.search(q["question"], k=20)
            gold = str(q["answer"])
            base = hits[:5]
            text, _ = ask(answerer, q["question"], base)
            out["baseline"]["recall"].append(recall(base, q["evidence"]))
            out["baseline"]["f1"].append(f1(text, gold))
            shown = model_rr.rerank(hits, 5)
            text, cited = ask(answerer, q["question"], shown)
            out["rerank_model"]["recall"].append(recall(shown, q["evidence"]))
            out["rerank_model"]["f1"].append(f1(text, gold))
            model_rr.update(shown, cited)
            shown = oracle_rr.rerank(hits, 5)
            out["rerank_oracle"]["recall"].append(recall(shown, q["evidence"]))
            oracle_rr.update(hits, [h.id for h in hits if h.record.provenance.ref in q["evidence"]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", nargs="+", default=["41", "42", "43"])
    parser.add_argument("--questions", type=int, default=60, help="per conversation (0: all)")
    parser.add_argument("--llm", default="local")
    args = parser.parse_args()

    from agentmem import get_llm
    from policies import PromptedAnswerer

    answerer = PromptedAnswerer(get_llm(args.llm))
    per_conv = {c: run_conversation(DATA / f"{c}.json", answerer, args.questions or None)
                for c in args.conversations}

    def mean(xs):
        return sum(xs) / len(xs) if xs else float("nan")

    summary = {}
    for arm in ("baseline", "rerank_model", "rerank_oracle"):
        rec = [x for c in per_conv.values() for x in c[arm]["recall"]]
        late = [x for c in per_conv.values() for x in c[arm]["recall"][len(c[arm]["recall"]) // 2:]]
        f1s = [x for c in per_conv.values() for x in c[arm]["f1"]]
        summary[arm] = {"recall@5": mean(rec), "recall@5 second half": mean(late),
                        "answer_f1": mean(f1s) if f1s else None, "questions": len(rec)}
    names = {"baseline": "hybrid top 5 (no re-ranker)",
             "rerank_model": "re-ranked, learning from the model's citations",
             "rerank_oracle": "re-ranked, learning from gold evidence (diagnostic)"}
    lines = [f"## Re-ranker on LoCoMo {', '.join(args.conversations)} ({answerer.llm.name})", "",
             "| arm | recall@5 | recall@5, 2nd half | answer F1 |", "|---|---|---|---|"]
    for arm, s in summary.items():
        f = "-" if s["answer_f1"] is None else f"{s['answer_f1']:.3f}"
        lines.append(f"| {names[arm]} | {s['recall@5']:.3f} | {s['recall@5 second half']:.3f} "
                     f"| {f} |")
    lines.append(f"\n{summary['baseline']['questions']} questions (categories 1-4).")
    plot(per_conv, names, OUT / "bench_rerank.png")
    write_results("bench_rerank", {"machine": machine(), "summary": summary,
                                   "per_conversation": per_conv}, "\n".join(lines))


def plot(per_conv: dict, names: dict[str, str], path: Path) -> None:
    """Recall@5 per arm, all questions and the second half (after learning), 95% intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from training.eval.stats import bootstrap_ci, error_bars

    fig, ax = plt.subplots(figsize=(9, 4))
    for j, half in enumerate(("all questions", "second half")):
        means, intervals = [], []
        for arm in names:
            xs = [x for c in per_conv.values() for x in (
                c[arm]["recall"] if j == 0 else c[arm]["recall"][len(c[arm]["recall"]) // 2:])]
            means.append(sum(xs) / len(xs) if xs else 0.0)
            intervals.append(bootstrap_ci(xs))  # (nan, nan) when empty: no bar
        ax.bar([i + j * 0.4 for i in range(len(names))], means, 0.4,
               yerr=error_bars(means, intervals), capsize=3, label=half)
    ax.set_xticks([i + 0.2 for i in range(len(names))],
                  [n.replace(", ", ",\n") for n in names.values()], fontsize=8)
    ax.set_ylabel("recall@5 of the evidence (95% bootstrap interval)")
    ax.set_title("Citation-trained re-ranker")
    ax.legend()
    save_figure(fig, path)


if __name__ == "__main__":
    main()
