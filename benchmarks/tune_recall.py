"""How recall's knobs trade off, on the training and validation conversations only (LoCoMo 26, 30).

    python benchmarks/tune_recall.py --conversation 30 --home DIR    # DIR: 30 ingested
    python benchmarks/tune_recall.py --conversation 26 30 --home DIR26 DIR30
    python benchmarks/tune_recall.py --conversation 30 --home DIR --ingest  # ingest first

For every question of the conversations (categories 1-4) and every setting of
``agentmem.recall.recall`` in the grid (top hits ``k``, ``neighbours`` before and after,
the profile's share ``profile_tokens``, ``dedupe``: a fact given back once its turn is
shown), the share of the gold evidence turns in what recall shows within 500 tokens (a
fact counts for the turn it names), next to raw-turn RAG at the same budget (the turns
alone in a memory of their own, best first: the ``rag-500`` row of the benchmarks).
No model answers: this is the retrieval side only, cheap enough to scan. The defaults
``DIRECT_HITS``, ``NEIGHBOURS`` and ``PROFILE_TOKENS`` were chosen here; ``DEDUPE``
(more evidence here) by the answers on 26 and 30 (``bench_layered_memory.py
--conversations 26 30 --systems rag-500,agentmem,agentmem-dedupe``, where it lowered
F1). The held-out conversations 41-43 are measured by ``bench_layered_memory.py``,
never here.
Writes benchmarks/out/tune_recall.{json,md,png}.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, save_figure, write_results  # noqa: E402
from bench_runtime import DATA  # noqa: E402

SIDES = ((0, 0), (0, 1), (1, 1), (0, 2), (1, 2), (2, 2))
GRID = [(k, n, p, d) for k in (1, 2, 3, 5) for n in SIDES for p in (0, 60)
        for d in (False, True)]


class _SearchOnce:
    """A Memory whose searches are remembered: every setting asks the same questions."""

    def __init__(self, memory: Any):
        self._memory, self._seen = memory, {}

    def search(self, query: str, **options: Any) -> Any:
        key = (query, repr(sorted(options.items())))
        if key not in self._seen:
            self._seen[key] = self._memory.search(query, **options)
        return self._seen[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._memory, name)


def _share(shown: Any, evidence: list[str]) -> float:
    from training.eval.qa import evidence_recall

    return evidence_recall([h.record for h in shown], evidence)


def _settings(memory: Any, turns_only: Any, questions: list[Any]) -> dict[str, Any]:
    """rag-500's recall per question, and every setting's recalls and mean tokens."""
    from agentmem.recall import context_tokens, recall
    from training.eval.qa import rag_at_budget

    rag = [_share(rag_at_budget(turns_only, q.question), q.evidence) for q in questions]
    cached, settings = _SearchOnce(memory), {}
    for k, n, p, d in GRID:
        recalls, tokens = [], []
        for q in questions:
            shown = recall(cached, q.question, k=k, neighbours=n, profile=p > 0,
                           profile_tokens=p, dedupe=d, user_id="qa")
            recalls.append(_share(shown, q.evidence))
            tokens.append(context_tokens(shown))
        settings[(k, n, p, d)] = (recalls, statistics.mean(tokens))
    return {"rag": rag, "settings": settings}


def _together(homes: list[tuple[str, str]], into: Any) -> None:
    """The conversations' memories copied into ``into`` as one user's: turn ids and
    sessions prefixed by the conversation, so that none is taken for another's.
    (Each conversation's core profile is left out: one user has one.)"""
    import io
    import json

    from agentmem import Memory

    for conversation, home in homes:
        out, lines = io.StringIO(), []
        with Memory(home=home, embedder="minilm") as m:
            m.export_jsonl(out)
        for line in out.getvalue().splitlines():
            rec = json.loads(line)
            data = rec["data"]
            if data["kind"] == "profile":
                continue
            prov, meta = data["provenance"], data["metadata"]
            if prov.get("ref"):
                prov["ref"] = ",".join(f"{conversation}/{r}" for r in prov["ref"].split(","))
            for key in ("session", "turn_id"):
                if isinstance(meta.get(key), str):
                    meta[key] = f"{conversation}/{meta[key]}"
            lines.append(json.dumps(rec))
        into.import_jsonl(io.StringIO("\n".join(lines)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversation", nargs="+", default=["30"], choices=("26", "30"),
                        help="26 (training split), 30 (validation); never a held-out one")
    parser.add_argument("--home", nargs="+", required=True,
                        help="a home holding each conversation, in the same order")
    parser.add_argument("--ingest", action="store_true", help="ingest the conversations first")
    parser.add_argument("--together", action="store_true",
                        help="also ask every question of all the conversations' memories in one "
                             "scope, as one user's longer memory (more that is not the answer)")
    parser.add_argument("--name", default="tune_recall")
    args = parser.parse_args()
    if len(args.home) != len(args.conversation):
        parser.error("give one --home per --conversation")
    if args.together and len(args.conversation) < 2:
        parser.error("--together needs two conversations or more")

    from agentmem import Memory
    from agentmem.episodic import store_turns
    from envs.memqa import load_locomo

    start = time.perf_counter()
    per: dict[str, Any] = {}  # conversation -> rag-500's recall and each setting's
    loaded = {c: load_locomo(DATA / f"{c}.json", (1, 2, 3, 4)) for c in args.conversation}
    for conversation, home in zip(args.conversation, args.home, strict=True):
        sessions, questions = loaded[conversation]
        with Memory(home=home, embedder="minilm") as m, \
                Memory(home=":memory:", embedder="minilm") as turns_only:
            if args.ingest:
                from agentmem.ingest import ingest_sessions
                from agentmem.llm import get_llm
                from policies import memory_manager

                ingest_sessions(m, sessions, manager=memory_manager(get_llm("local")),
                                progress=True, user_id="qa")
            view = turns_only.scoped(user_id="qa")
            for s in sessions:
                store_turns(view, s.turns, session=str(s.index))
            per[conversation] = _settings(m, turns_only, [q for q in questions if q.evidence])
    if args.together and len(args.conversation) > 1:
        with Memory(home=":memory:", embedder="minilm") as m, \
                Memory(home=":memory:", embedder="minilm") as turns_only:
            _together(list(zip(args.conversation, args.home, strict=True)), m)
            view, questions = turns_only.scoped(user_id="qa"), []
            for c, (sessions, qs) in loaded.items():
                for s in sessions:
                    store_turns(view, [t.model_copy(update={"turn_id": f"{c}/{t.turn_id}"})
                                       for t in s.turns], session=f"{c}/{s.index}")
                questions += [replace(q, evidence=[f"{c}/{e}" for e in q.evidence])
                              for q in qs if q.evidence]
            per["+".join(args.conversation)] = _settings(m, turns_only, questions)

    rows: list[dict[str, Any]] = []
    for setting in GRID:
        k, n, p, d = setting
        row = {"k": k, "neighbours": list(n), "profile_tokens": p, "dedupe": d}
        for c, got in per.items():
            recalls, tokens = got["settings"][setting]
            row[c] = {"recall": statistics.mean(recalls), "tokens": tokens,
                      "minus_rag": statistics.mean(recalls) - statistics.mean(got["rag"])}
        row["recall"] = statistics.mean(row[c]["recall"] for c in per)
        row["worst_minus_rag"] = min(row[c]["minus_rag"] for c in per)
        rows.append(row)
    rag = {c: statistics.mean(got["rag"]) for c, got in per.items()}
    meta = {"conversations": list(per), "questions": {c: len(got["rag"]) for c, got in
                                                      per.items()},
            "rag_500": rag, "seconds": time.perf_counter() - start, "machine": machine()}
    best = max(rows, key=lambda r: r["recall"])
    convs = list(per)
    lines = [f"Recall of the evidence on LoCoMo {', '.join(convs)} "
             f"({', '.join(str(meta['questions'][c]) for c in convs)} questions), 500 tokens. "
             "rag-500 (raw turns, same budget): "
             + ", ".join(f"{c} {rag[c]:.3f}" for c in convs) + ".",
             "", "| k | neighbours (before, after) | profile tokens | dedupe | "
             + " | ".join(f"recall {c} (- rag-500)" for c in convs) + " | mean |",
             "|---|---|---|---|" + "---|" * len(convs) + "---|"]
    for r in sorted(rows, key=lambda r: -r["recall"]):
        mark = "**" if r is best else ""
        lines.append(f"| {r['k']} | {tuple(r['neighbours'])} | {r['profile_tokens']} | "
                     f"{r['dedupe']} | "
                     + " | ".join(f"{r[c]['recall']:.3f} ({r[c]['minus_rag']:+.3f})"
                                  for c in convs)
                     + f" | {mark}{r['recall']:.3f}{mark} |")
    OUT.mkdir(parents=True, exist_ok=True)
    _plot(rows, OUT / f"{args.name}.png", convs, rag)
    write_results(args.name, {"meta": meta, "rows": rows}, "\n".join(lines))


def _plot(rows: list[dict[str, Any]], path: Path, convs: list[str],
          rag: dict[str, float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(convs), figsize=(7 * len(convs), 4.5), squeeze=False)
    for ax, c in zip(axes[0], convs, strict=True):
        for p in sorted({r["profile_tokens"] for r in rows}):
            for d in (False, True):
                sel = [r for r in rows if r["profile_tokens"] == p and r["dedupe"] == d]
                ax.plot(range(len(sel)), [r[c]["recall"] for r in sel], marker=".",
                        label=f"profile {p}, dedupe {d}")
                ticks = [f"k={r['k']},n={tuple(r['neighbours'])}" for r in sel]
        ax.axhline(rag[c], color="grey", linestyle="--", label="rag-500")
        ax.set_xticks(range(len(ticks)), ticks, rotation=90, fontsize=6)
        ax.set_ylabel("recall of the evidence")
        ax.set_title(f"LoCoMo {c} (not held out), 500-token context")
        ax.legend(fontsize=7)
    save_figure(fig, path)


if __name__ == "__main__":
    main()
