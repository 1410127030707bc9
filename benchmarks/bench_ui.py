"""How fast the inspector's pages render on a large store (target: p95 < 300 ms at 100k).

    python benchmarks/bench_ui.py                    # 100k records, embedded home
    python benchmarks/bench_ui.py --records 5000     # a quick look

Builds an embedded home (SQLite + chroma, the default) with ``--records`` synthetic
facts of 100 users through ``add_many`` (the 384-dimensional hash embedder: the pages,
not the model, are measured), plus for one user 200 linked notes, a task tree and 50
quarantined memories. Then requests every page in-process (Starlette's test client,
so no network is timed) ``--requests`` times each and reports p50/p95 per page.
Writes benchmarks/out/bench_ui.{json,md,png}.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import OUT, machine, percentiles, save_figure, synthetic_facts, write_results  # noqa: E402

USERS = 100
TARGET_MS = 300


def build(home: Path, records: int) -> dict[str, Any]:
    from tqdm import tqdm

    from agentmem import Memory
    from agentmem.structures.notes import LinkedNotes
    from agentmem.structures.tasks import TaskTree
    from agentmem.testing import HashEmbedder

    start = time.perf_counter()
    with Memory(home=home, embedder=HashEmbedder(384)) as m:
        facts = synthetic_facts(records, USERS)
        by_user: dict[str, list[str]] = {}
        for user, text in facts:
            by_user.setdefault(user, []).append(text)
        for user, texts in tqdm(by_user.items(), desc=f"build {records}", leave=False):
            for i in range(0, len(texts), 1000):
                m.add_many(texts[i:i + 1000], user_id=user)
        notes = LinkedNotes(m, user_id="user7")
        ids = [notes.add(f"user7 note {i} about {random.Random(i).choice(['jazz', 'boats', 'maps'])}"
                         ).note.id for i in range(200)]
        rng = random.Random(0)
        for i in range(300):
            a, b = rng.sample(ids, 2)
            notes.link(a, b, f"link {i}")
        tree = TaskTree.open(m, "Plan the harbour festival", user_id="user7")
        for i in range(20):
            tree.add_subtask(tree.root.id, f"step {i}")
        some = m.list(user_id="user7", limit=50)
        m.apply([{"op": "UPDATE", "id": r.id, "metadata": {"quarantined": True,
                                                           "guard_reason": "a rival claim"}}
                 for r in some], user_id="user7")
        sample = m.list(user_id="user7", limit=1)[0].id
    return {"seconds": time.perf_counter() - start, "task": tree.task_id, "record": sample}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="per page")
    parser.add_argument("--name", default="bench_ui")
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from agentmem import Memory
    from agentmem.testing import HashEmbedder
    from agentmem.ui import PAGE_SIZE, create_app

    home = Path(tempfile.mkdtemp(prefix="agentmem-ui-")) / "home"
    built = build(home, args.records)
    last = (args.records // PAGE_SIZE) - 1
    pages = {
        "scopes /": "/",
        "memories, first page": "/memories",
        "memories, last page": f"/memories?page={last}",
        "memories of one user, facts": "/memories?user=user7&kind=fact",
        "search (hybrid, one user)": "/search?q=where+did+ana+move&user=user7",
        "a record with its history": f"/memory/{built['record']}",
        "quarantine": "/quarantine",
        "notes graph (200 notes, 300 links)": "/graph?user=user7",
        "task tree": f"/tasks?user=user7&task={built['task']}",
    }
    with Memory(home=home, embedder=HashEmbedder(384)) as m:
        client = TestClient(create_app(m))
        results: dict[str, dict] = {}
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path  # warm, and it works
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t)
                assert response.status_code == 200
            results[name] = percentiles(times)
    worst = max(r["p95_ms"] for r in results.values())
    data = {"meta": {"records": args.records, "requests": args.requests,
                     "build_minutes": round(built["seconds"] / 60, 1), "machine": machine()},
            "pages": results, "worst_p95_ms": worst, "target_p95_ms": TARGET_MS,
            "met": worst < TARGET_MS}
    lines = [f"Inspector pages on a {args.records:,}-record embedded store, {args.requests} "
             f"requests each (target p95 < {TARGET_MS} ms):", "",
             "| page | p50 ms | p95 ms |", "|---|---|---|"]
    lines += [f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |" for name, r in results.items()]
    lines += ["", f"worst p95 {worst:.1f} ms: target {'met' if worst < TARGET_MS else 'missed'}"]
    _plot(results, OUT / f"{args.name}.png", args.records)
    write_results(args.name, data, "\n".join(lines))


def _plot(results: dict[str, dict], path: Path, records: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    OUT.mkdir(parents=True, exist_ok=True)
    names = list(results)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.barh(names, [results[n]["p95_ms"] for n in names], label="p95")
    ax.barh(names, [results[n]["p50_ms"] for n in names], label="p50")
    ax.axvline(TARGET_MS, color="red", linestyle="--", label=f"target {TARGET_MS} ms")
    ax.set_xlabel("ms per page")
    ax.set_title(f"agentmem ui on {records:,} records (2 cores)")
    ax.legend()
    save_figure(fig, path)


if __name__ == "__main__":
    main()
