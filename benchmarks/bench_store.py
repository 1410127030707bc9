"""Search latency and ingest throughput: agentmem vs raw chromadb vs numpy, in one run.

    python benchmarks/bench_store.py                      # 10k and 100k records
    python benchmarks/bench_store.py --sizes 2000 --queries 50   # a quick look

Search: the same MiniLM vectors go into an agentmem store (SQLite + chroma on disk),
a raw chroma collection and a numpy matrix; 300 queries, k=10, scoped to one of 100
users. agentmem's hybrid search is timed with a precomputed query vector (so the
embedding model is not measured) and again with query embedding included.
Ingest: the same fresh texts, embedded by the same MiniLM, written by agentmem
``add_many``/``add`` and by raw chroma ``add``, in batches and one at a time.
Writes benchmarks/out/bench_store.{json,md,png}.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    OUT,
    PrecomputedEmbedder,
    embed_cached,
    machine,
    percentiles,
    save_figure,
    synthetic_facts,
    synthetic_queries,
    time_each,
    write_results,
)

USERS = 100


def raw_chroma(path: Path):
    import chromadb
    from chromadb.config import Settings

    from agentmem.embeddings.minilm import MiniLMEmbedder
    from agentmem.store.chroma import embedding_function

    client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
    return client.get_or_create_collection(
        "raw", embedding_function=embedding_function(MiniLMEmbedder()),
        configuration={"hnsw": {"space": "cosine"}})


def build(size: int, tmp: Path, all_facts, all_vecs):
    from tqdm import tqdm

    from agentmem import Memory
    from agentmem.embeddings.minilm import MiniLMEmbedder

    facts, vecs = all_facts[:size], all_vecs[:size]
    texts = [t for _, t in facts]
    emb = PrecomputedEmbedder(texts, vecs, MiniLMEmbedder())
    mem = Memory(home=tmp / f"agentmem-{size}", embedder=emb)
    by_user: dict[str, list[str]] = defaultdict(list)
    for user, text in facts:
        by_user[user].append(text)
    for user, items in tqdm(by_user.items(), desc=f"agentmem ingest {size}"):
        for i in range(0, len(items), 1000):
            mem.add_many(items[i:i + 1000], user_id=user)
    col = raw_chroma(tmp / f"raw-{size}")
    for i in tqdm(range(0, size, 4000), desc=f"raw chroma ingest {size}"):
        col.add(ids=[f"r{j}" for j in range(i, min(size, i + 4000))], embeddings=vecs[i:i + 4000],
                metadatas=[{"user_id": u} for u, _ in facts[i:i + 4000]])
    users = np.array([int(u[4:]) for u, _ in facts])
    return mem, col, vecs, users


def bench_search(size: int, mem, col, vecs, users, queries, qvecs) -> dict[str, dict]:
    from agentmem.embeddings.minilm import MiniLMEmbedder

    items = list(zip(queries, qvecs, strict=True))
    res = {}
    # First query of each scope loads that scope's matrix; time the steady state after it.
    for user, _ in queries:
        mem.search("warm", user_id=user, k=1, query_embedding=qvecs[0])
    res["agentmem hybrid (query vector given)"] = percentiles(time_each(
        lambda it: mem.search(it[0][1], user_id=it[0][0], k=10, query_embedding=it[1]), items))
    res["agentmem vector only (query vector given)"] = percentiles(time_each(
        lambda it: mem.search(it[0][1], user_id=it[0][0], k=10, query_embedding=it[1],
                              mode="vector"), items))
    # A fresh MiniLM (no lookup table): the query really is embedded on every call.
    minilm = MiniLMEmbedder()
    res["agentmem hybrid (embeds the query)"] = percentiles(time_each(
        lambda it: mem.search(it[0][1], user_id=it[0][0], k=10,
                              query_embedding=minilm.embed([it[0][1]])[0]), items))
    res["raw chroma query"] = percentiles(time_each(
        lambda it: col.query(query_embeddings=[it[1]], n_results=10), items))
    res["raw chroma query, user filter"] = percentiles(time_each(
        lambda it: col.query(query_embeddings=[it[1]], n_results=10,
                             where={"user_id": it[0][0]}), items))

    def brute(it, masked: bool):
        sims = vecs @ it[1]
        if masked:
            sims = np.where(users == int(it[0][0][4:]), sims, -np.inf)
        top = np.argpartition(-sims, 10)[:10]
        return top[np.argsort(-sims[top])]

    res["numpy brute force"] = percentiles(time_each(lambda it: brute(it, False), items))
    res["numpy brute force, user filter"] = percentiles(time_each(lambda it: brute(it, True), items))
    return res


def bench_ingest(tmp: Path, n: int) -> dict[str, dict]:
    from agentmem import Memory
    from agentmem.embeddings.minilm import MiniLMEmbedder

    emb = MiniLMEmbedder()
    texts = [t for _, t in synthetic_facts(n, USERS, seed=99)]
    emb.embed(texts[:8])  # load the model outside the timings
    out = {}
    for label, batch in (("batches of 100", 100), ("one at a time", 1)):
        count = n if batch > 1 else min(n, 300)
        col = raw_chroma(tmp / f"ingest-raw-{batch}")
        t = time.perf_counter()
        for i in range(0, count, batch):
            chunk = texts[i:i + batch]
            col.add(ids=[f"x{j}" for j in range(i, i + len(chunk))], embeddings=emb.embed(chunk),
                    documents=chunk, metadatas=[{"user_id": "u"}] * len(chunk))
        raw = count / (time.perf_counter() - t)
        mem = Memory(home=tmp / f"ingest-am-{batch}", embedder=emb, user_id="u")
        t = time.perf_counter()
        for i in range(0, count, batch):
            if batch == 1:
                mem.add(texts[i])
            else:
                mem.add_many(texts[i:i + batch])
        ours = count / (time.perf_counter() - t)
        mem.close()
        out[label] = {"records": count, "raw_chroma_per_s": round(raw, 1),
                      "agentmem_per_s": round(ours, 1), "ratio": round(ours / raw, 3)}
    return out


def plot(search: dict[int, dict], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    systems = list(next(iter(search.values())))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(search)
    for j, (size, res) in enumerate(search.items()):
        ax.barh([i + j * width for i in range(len(systems))], [res[s]["p50_ms"] for s in systems],
                height=width, label=f"{size:,} records")
    ax.set_yticks([i + width * (len(search) - 1) / 2 for i in range(len(systems))], systems)
    ax.set_xscale("log")
    ax.set_xlabel("p50 latency, ms (log scale), k=10")
    ax.set_title("Search latency: agentmem vs raw chromadb vs numpy")
    ax.legend()
    save_figure(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ingest", type=int, default=2000, help="records for the ingest test")
    args = parser.parse_args()

    from agentmem.embeddings.minilm import MiniLMEmbedder

    all_facts = synthetic_facts(max(args.sizes), USERS)
    all_vecs = embed_cached([t for _, t in all_facts], "facts")
    queries = synthetic_queries(args.queries, USERS)
    qvecs = MiniLMEmbedder().embed([q for _, q in queries])
    tmp = Path(tempfile.mkdtemp(prefix="agentmem-bench-"))
    search = {}
    try:
        for size in args.sizes:
            mem, col, vecs, users = build(size, tmp, all_facts, all_vecs)
            search[size] = bench_search(size, mem, col, vecs, users, queries, qvecs)
            home, emb = mem.home, mem.embedder
            mem.close()
            from agentmem import Memory

            # The same store with the per-scope exact path off: what the chroma index path costs.
            with Memory(home=home, embedder=emb, exact_search_max_scope=0) as raw_path:
                search[size]["agentmem hybrid via chroma index (exact path off)"] = percentiles(
                    time_each(lambda it: raw_path.search(it[0][1], user_id=it[0][0], k=10,
                                                         query_embedding=it[1]),
                              list(zip(queries, qvecs, strict=True))))
        ingest = bench_ingest(tmp, args.ingest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = ["## Search latency, k=10, scoped to one of 100 users (ms)", "",
             "| system | " + " | ".join(f"{s:,}: p50 / p95" for s in search) + " |",
             "|---|" + "---|" * len(search)]
    for system in next(iter(search.values())):
        lines.append(f"| {system} | " + " | ".join(
            f"{search[s][system]['p50_ms']:.2f} / {search[s][system]['p95_ms']:.2f}"
            for s in search) + " |")
    lines += ["", "Ratio agentmem hybrid (query vector given) p50 / raw chroma p50: " + ", ".join(
        f"{s:,}: {search[s]['agentmem hybrid (query vector given)']['p50_ms'] / search[s]['raw chroma query']['p50_ms']:.2f}x"
        f" (vs filtered raw chroma {search[s]['agentmem hybrid (query vector given)']['p50_ms'] / search[s]['raw chroma query, user filter']['p50_ms']:.2f}x)"
        for s in search)]
    lines += ["", "## Ingest throughput, MiniLM embedding included on both sides (records/s)", "",
              "| mode | records | raw chroma | agentmem | ratio |", "|---|---|---|---|---|"]
    for mode, r in ingest.items():
        lines.append(f"| {mode} | {r['records']} | {r['raw_chroma_per_s']} | "
                     f"{r['agentmem_per_s']} | {r['ratio']} |")
    plot(search, OUT / "bench_store.png")
    write_results("bench_store", {"machine": machine(), "search": search, "ingest": ingest},
                  "\n".join(lines))


if __name__ == "__main__":
    main()
