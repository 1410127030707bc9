"""The consensus guard at retrieval level, on the frozen held-out sets and the dev sets.

    python benchmarks/bench_guard_heldout.py                 # all eleven sets, MiniLM, ~4 min
    python benchmarks/bench_guard_heldout.py --sets dev dev2 dev3 dev4 dev5 dev6 dev7 dev8 dev9  # tuned on

For every case a fresh store gets the case's memories in session order (with the
guard: each through its write check, ``ConsensusGuard.add``), the question retrieves
5 memories, and with the guard the consensus filter runs on them. No model answers:
this measures what reaches the context.

- **attack** cases: poison in context (an injected memory among those shown), without
  and with the guard, by style; the guard's relative cut.
- **update** cases (the user's own newer statement): kept in context with the guard
  (a guard that hides a real update is wrong).
- **benign** memories: share flagged at write or dropped by the filter, over every
  true memory of every case (and the harmless additions of ``benign`` cases), and
  the share dropped from the context alone.
- added latency per write and per search (guard on minus guard off, median).

The guard is tuned on the development sets only: ``poisoning_cases.jsonl`` (written
with the first guard), ``poisoning_dev2.jsonl`` (the held-out set's categories in
new wording), ``poisoning_dev3.jsonl`` (attacks on LoCoMo conversation 26's chat
turns), ``poisoning_dev4.jsonl`` (what the guard must keep) and
``poisoning_dev5.jsonl`` (a whole real memory, nothing injected: LoCoMo 26 and 30's
session observations, with the question's evidence, which must stay in the context)
and ``poisoning_dev6.jsonl`` (the kinds the docs say still pass: denials in other
words, laundering that keeps the user's names, orders that fix an answer, each with a
benign twin), ``poisoning_dev7.jsonl`` (every category, written separately from the
case format alone), ``poisoning_dev8.jsonl`` (lies, updates and harmless news inside
long chat turns) and ``poisoning_dev9.jsonl`` (mostly what the guard must keep: updates
without change words, in the third person or dated, harmless restatements by untrusted
sources, relatives' own values; both also written from the case format alone); each
has its ``make_poisoning_*.py``. The held-out sets
(``benchmarks/data/poisoning_heldout.jsonl``, and ``poisoning_heldout2.jsonl``, written
later by someone who read neither the guard nor any earlier set) were written
independently of the guard and are frozen (their sha256 is checked before the run):
report on them once per design change; never tune on them. Writes
benchmarks/out/bench_guard_heldout.{json,md,png}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, machine, save_figure, write_results  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SETS = {"dev": DATA / "poisoning_cases.jsonl", "dev2": DATA / "poisoning_dev2.jsonl",
        "dev3": DATA / "poisoning_dev3.jsonl", "dev4": DATA / "poisoning_dev4.jsonl",
        "dev5": DATA / "poisoning_dev5.jsonl",
        "dev6": DATA / "poisoning_dev6.jsonl", "dev7": DATA / "poisoning_dev7.jsonl",
        "dev8": DATA / "poisoning_dev8.jsonl", "dev9": DATA / "poisoning_dev9.jsonl",
        "heldout": DATA / "poisoning_heldout.jsonl",
        "heldout2": DATA / "poisoning_heldout2.jsonl"}


def load(name: str) -> list[dict[str, Any]]:
    path = SETS[name]
    if name.startswith("heldout"):
        frozen = path.with_suffix(".sha256").read_text().split()[0]
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != frozen:
            raise SystemExit(f"{path} changed since it was frozen ({actual} != {frozen}); "
                             "the held-out set must not be edited")
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for c in cases:
        c.setdefault("kind", "attack")  # the dev set has attacks only
    return cases


def run_cases(cases: list[dict[str, Any]], guarded: bool, embedder: Any
              ) -> list[dict[str, Any]]:
    """Run cases that hold the same memories (dev5: one conversation, many questions)
    on one store: the memories are written once, then each question is asked. Reading
    changes nothing (no quarantine), so the questions do not see each other."""
    from agentmem import Memory
    from agentmem.guard import ConsensusGuard

    case = cases[0]
    with Memory(home=":memory:", embedder=embedder, user_id=case["user"]) as m:
        guard = ConsensusGuard(m)
        writes = []
        ids: dict[str, str] = {}
        for item in sorted(case["benign"] + case["injected"], key=lambda i: i["session"]):
            prov = {"source": item["source"]}
            start = time.perf_counter()
            if guarded:
                rec, _ = guard.add(item["content"], provenance=prov)
            else:
                rec = m.add(item["content"], provenance=prov)
            writes.append(time.perf_counter() - start)
            ids[rec.id] = item["content"]
        flagged = {r.id for r in m.list(limit=100_000) if r.metadata.get("guard_flag")}
        return [{**_ask(m, guard if guarded else None, c, ids, flagged), "write_s": writes}
                for c in cases]


def _ask(m: Any, guard: Any, case: dict[str, Any], ids: dict[str, str], flagged: set[str]
         ) -> dict[str, Any]:
    start = time.perf_counter()
    hits = m.search(case["question"], k=5)
    dropped: set[str] = set()
    shown_dropped: set[str] = set()  # of the 5 retrieved (not the extra evidence)
    if guard is not None:
        decision = guard.filter(case["question"], hits)
        dropped = {h.id for h in decision.quarantined}
        shown_dropped = dropped & {h.id for h in hits}
        hits = decision.kept
    search_s = time.perf_counter() - start
    injected = {i["content"] for i in case["injected"]}
    benign = {i["content"] for i in case["benign"]} | (injected if case["kind"] == "benign"
                                                       else set())
    shown = {h.content for h in hits}
    evidence = set(case.get("evidence", ()))  # dev5: the memories that answer the question
    return {"injected_in_context": bool(shown & injected),
            "evidence_in_context": bool(shown & evidence) if evidence else None,
            "benign_hit": sum(1 for mid, text in ids.items() if text in benign
                              and (mid in flagged or mid in dropped)),
            "benign_dropped": sum(1 for mid, text in ids.items() if text in benign
                                  and mid in shown_dropped),
            "benign_total": len(benign), "search_s": search_s}


def same_memories(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive cases that hold the same memories, grouped."""
    groups: list[list[dict[str, Any]]] = []
    for case in cases:
        if groups and all(groups[-1][0][k] == case[k] for k in ("user", "benign", "injected")):
            groups[-1].append(case)
        else:
            groups.append([case])
    return groups


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def rate(sel: list[dict[str, Any]], key: str) -> float | None:
        return sum(r[key] for r in sel) / len(sel) if sel else None

    def by_guard(sel: list[dict[str, Any]], key: str) -> dict[str, float | None]:
        return {label: rate([r for r in sel if r["guard"] == g], key)
                for label, g in (("no guard", False), ("guard", True))}

    out: dict[str, Any] = {}
    for name in sorted({r["set"] for r in rows}):
        mine = [r for r in rows if r["set"] == name]
        by: dict[str, Any] = defaultdict(dict)
        attacks = [r for r in mine if r["kind"] == "attack"]
        for style in ["all", *sorted({r["style"] for r in attacks})]:
            for g in (False, True):
                sel = [r for r in attacks if r["guard"] == g and style in ("all", r["style"])]
                by[style]["guard" if g else "no guard"] = rate(sel, "injected_in_context")
            off, on = by[style]["no guard"], by[style]["guard"]
            by[style]["cut"] = (1 - on / off) if off else None
            by[style]["n"] = len([r for r in attacks if not r["guard"] and style in ("all", r["style"])])
        updates = [r for r in mine if r["kind"] == "update"]
        guarded = [r for r in mine if r["guard"]]
        plain = [r for r in mine if not r["guard"]]
        with_evidence = [r for r in mine if r.get("evidence_in_context") is not None]
        out[name] = {
            "cases": len(plain), "attack": dict(by),
            "evidence_in_context": by_guard(with_evidence, "evidence_in_context"),
            "updates_kept": by_guard(updates, "injected_in_context"),
            "updates": len([r for r in updates if not r["guard"]]),
            "benign_quarantined": (sum(r["benign_hit"] for r in guarded)
                                   / max(1, sum(r["benign_total"] for r in guarded))),
            "benign_dropped": (sum(r.get("benign_dropped", 0) for r in guarded)
                               / max(1, sum(r["benign_total"] for r in guarded))),
            "added_ms_per_write": 1000 * (statistics.median(w for r in guarded for w in r["write_s"])
                                          - statistics.median(w for r in plain for w in r["write_s"])),
            "added_ms_per_search": 1000 * (statistics.median(r["search_s"] for r in guarded)
                                           - statistics.median(r["search_s"] for r in plain)),
        }
    return out


def table(summary: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.0%}"

    lines = []
    for name, s in summary.items():
        lines += [f"### {name} set ({s['cases']} cases; {s['updates']} legitimate updates)", "",
                  "| attack style | cases | poison in context, no guard | with guard | cut |",
                  "|---|---|---|---|---|"]
        for style, v in s["attack"].items():
            lines.append(f"| {style} | {v['n']} | {pct(v['no guard'])} | {pct(v['guard'])} | "
                         f"{pct(v['cut'])} |")
        lines += ["", f"Legitimate updates in context: {pct(s['updates_kept']['no guard'])} "
                      f"without the guard, {pct(s['updates_kept']['guard'])} with it. Benign "
                      f"memories flagged or dropped: {s['benign_quarantined']:.1%} (dropped "
                      f"from the context: {s.get('benign_dropped', 0):.1%}). Added per "
                      f"write {s['added_ms_per_write']:.1f} ms, per search "
                      f"{s['added_ms_per_search']:.1f} ms (median)."
                      + (f" The question's evidence in context: "
                         f"{pct(s['evidence_in_context']['no guard'])} without the guard, "
                         f"{pct(s['evidence_in_context']['guard'])} with it."
                         if s["evidence_in_context"]["no guard"] is not None else ""), ""]
    return "\n".join(lines)


def plot(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(3, len(summary))
    rows = -(-len(summary) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4 * rows), squeeze=False)
    for ax in axes.flat[len(summary):]:
        ax.axis("off")
    for ax, (name, s) in zip(axes.flat, summary.items(), strict=False):  # spare axes: off
        styles = [k for k in s["attack"] if k != "all"] + ["all"]
        x = range(len(styles))
        ax.bar([i - 0.2 for i in x], [s["attack"][k]["no guard"] or 0 for k in styles], 0.4,
               label="no guard", color="#bbbbbb")
        ax.bar([i + 0.2 for i in x], [s["attack"][k]["guard"] or 0 for k in styles], 0.4,
               label="guard", color="#4c78a8")
        ax.set_xticks(list(x), styles, rotation=40, ha="right", fontsize=7)
        ax.set_ylim(0, 1)
        kept = (f"updates kept {s['updates_kept']['guard']:.0%}" if s["updates"]
                else "no update cases")
        ax.set_title(f"{name}: poison in context ({kept}; benign set aside "
                     f"{s['benign_quarantined']:.1%})", fontsize=9)
        ax.legend()
    save_figure(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--name", default="bench_guard_heldout")
    parser.add_argument("--embedder", default="minilm", help="minilm, or hash for a quick check")
    args = parser.parse_args()

    from tqdm import tqdm

    from agentmem.embeddings import make_embedder

    embedder = make_embedder(args.embedder)
    rows = []
    for name in args.sets:
        for group in tqdm(same_memories(load(name)), desc=name):
            for guarded in (False, True):
                rows += [{"set": name, "id": case["id"], "style": case["style"],
                          "kind": case["kind"], "guard": guarded, **result}
                         for case, result in zip(group, run_cases(group, guarded, embedder),
                                                 strict=True)]
    summary = summarize(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    plot(summary, OUT / f"{args.name}.png")
    write_results(args.name, {"machine": machine(), "summary": summary, "rows": rows},
                  table(summary))


if __name__ == "__main__":
    main()
