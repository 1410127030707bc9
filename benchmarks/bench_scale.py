"""Scaling out: the embedded store vs Postgres + pgvector vs a raw pgvector query, and
Postgres with several writer processes, in one run.

    python benchmarks/bench_scale.py                        # 10k and 100k records
    python benchmarks/bench_scale.py --sizes 2000 --queries 50 --writes 100   # a quick look
    python benchmarks/bench_scale.py --database-url postgresql://...            # your server
    python benchmarks/bench_scale.py --vectors hash     # no model: the stores' speed alone

Search: the same vectors (synthetic facts of 100 users; MiniLM's, or with
``--vectors hash`` the 384-dimensional hash embedder's) go into an embedded
agentmem home (SQLite + chroma on disk) and an agentmem Postgres store; each is searched
with k=10 scoped to one user, hybrid (vector + keyword, fused), the query vector given
so the model is not timed. "raw pgvector" is the bare SQL an application would write
against the same table: ``ORDER BY embedding <=> q LIMIT 10`` with the same user filter
through the HNSW index (which filters after its walk, so it may return fewer than 10:
the mean count is reported), and the exact form that always returns 10 (the scope read
through its btree in a MATERIALIZED CTE, then ranked). Writes: records/s of ``add_many`` (bulk load, batches of
1000) and of single ``add`` calls; then 1, 4 and 8 writer processes (separate
processes, separate connection pools, as separate hosts would be) each doing single
``add`` calls at once into one Postgres database, with the total checked afterwards
(acknowledged writes == records found). Postgres is pgserver's (PostgreSQL 16 +
pgvector 0.6) on this machine unless --database-url is given.
Writes benchmarks/out/bench_scale.{json,md,png}.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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
ROOT = Path(__file__).resolve().parents[1]


def load(mem: Any, facts: list[tuple[str, str]]) -> float:
    """Bulk-load through ``add_many`` (per user, batches of 1000); records per second."""
    from tqdm import tqdm

    by_user: dict[str, list[str]] = defaultdict(list)
    for user, text in facts:
        by_user[user].append(text)
    start = time.perf_counter()
    for user, items in tqdm(by_user.items(), desc=f"load {len(facts)}", leave=False):
        for i in range(0, len(items), 1000):
            mem.add_many(items[i:i + 1000], user_id=user)
    return len(facts) / (time.perf_counter() - start)


def singles(mem: Any, n: int, emb: Any) -> float:
    texts = [t for _, t in synthetic_facts(n, USERS, seed=7)]
    emb.embed(texts)  # into the lookup table: the model is not timed
    start = time.perf_counter()
    for i, text in enumerate(texts):
        mem.add(text, user_id=f"user{i % USERS}")
    return n / (time.perf_counter() - start)


RAW_QUERIES = {
    # What the pgvector README suggests first: the filter beside ORDER BY, through HNSW.
    "raw pgvector HNSW query, user filter": (
        "SELECT id FROM agentmem_records WHERE user_id = %s ORDER BY embedding <=> %s "
        "LIMIT 10"),
    # The query that returns all 10 rows: read the scope through its btree, rank exactly.
    "raw pgvector exact query, user filter": (
        "WITH s AS MATERIALIZED (SELECT id, embedding FROM agentmem_records "
        "WHERE user_id = %s) SELECT id FROM s ORDER BY embedding <=> %s LIMIT 10"),
}


def raw_pgvector(url: str, items: list) -> dict[str, tuple[dict[str, float], float]]:
    """Each raw query's (p50/p95, mean rows returned) over the same queries."""
    import psycopg
    from pgvector.psycopg import register_vector

    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        conn.execute("SET hnsw.ef_search = 100")  # as the agentmem store sets it
        for label, sql in RAW_QUERIES.items():
            counts: list[int] = []

            def query(it, sql=sql, counts=counts):
                counts.append(len(conn.execute(sql, (it[0][0], it[1])).fetchall()))

            out[label] = (percentiles(time_each(query, items)), float(np.mean(counts)))
    return out


_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agentmem import Memory
    from agentmem.testing import HashEmbedder
    url, me, n, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    with Memory(store=url, embedder=HashEmbedder(384)) as m:
        m.search("warm up", user_id="w", k=1)
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.01)
        done = 0
        for i in range(n):
            m.add(f"writer {me} wrote note {i} about the harbour", user_id=f"user{(me + i) % 100}")
            done += 1
        print("acked", done, flush=True)
""")


def concurrent_writers(new_db, writers: int, per_writer: int, tmp: Path) -> dict[str, Any]:
    url = new_db()
    from agentmem import Memory
    from agentmem.testing import HashEmbedder

    Memory(store=url, embedder=HashEmbedder(384)).close()  # the schema, made once
    script, go = tmp / "writer.py", tmp / f"go-{writers}"
    script.write_text(_WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), url, str(w), str(per_writer),
                               str(go)], env=env, stdout=subprocess.PIPE, text=True)
             for w in range(writers)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    go.touch()
    acked = 0
    for p in procs:
        line = p.stdout.readline().split()
        p.wait()
        acked += int(line[1]) if line and line[0] == "acked" else 0
    seconds = time.perf_counter() - start
    with Memory(store=url, embedder=HashEmbedder(384)) as m:
        found = m.stats()["records"]
    return {"writers": writers, "acknowledged": acked, "found": found, "lost": acked - found,
            "seconds": round(seconds, 2), "per_s": round(acked / seconds, 1)}


def plot(search: dict[int, dict], writes: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.5))
    systems = list(next(iter(search.values())))
    width = 0.8 / len(search)
    for j, (size, res) in enumerate(search.items()):
        ax.barh([i + j * width for i in range(len(systems))],
                [res[s]["p50_ms"] for s in systems], height=width, label=f"{size:,} records")
    ax.set_yticks([i + width * (len(search) - 1) / 2 for i in range(len(systems))], systems)
    ax.set_xlabel("search p50, ms (k=10, one user's scope)")
    ax.set_title("Search latency by store")
    ax.legend()
    bx.plot([w["writers"] for w in writes], [w["per_s"] for w in writes], marker="o")
    bx.set_xlabel("writer processes")
    bx.set_ylabel("acknowledged adds per second, all writers")
    bx.set_title("Postgres: concurrent writers")
    bx.set_xticks([w["writers"] for w in writes])
    save_figure(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--singles", type=int, default=300, help="single adds timed per store")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--writes", type=int, default=300, help="adds per writer process")
    parser.add_argument("--database-url", help="a Postgres server with pgvector (default: "
                        "pgserver on this machine); its user must be allowed to create databases")
    parser.add_argument("--vectors", choices=("minilm", "hash"), default="minilm",
                        help="minilm: the real model's vectors (embedding 100k texts takes "
                        "~30 min on 2 cores, cached after); hash: the 384-dimensional hash "
                        "embedder, for the stores' speed alone")
    parser.add_argument("--name", default="bench_scale")
    args = parser.parse_args()

    from agentmem import Memory
    from agentmem.embeddings.minilm import MiniLMEmbedder

    started = time.perf_counter()
    all_facts = synthetic_facts(max(args.sizes), USERS)
    queries = synthetic_queries(args.queries, USERS)
    if args.vectors == "minilm":
        model: Any = MiniLMEmbedder()
        all_vecs = embed_cached([t for _, t in all_facts], "facts")
    else:
        from agentmem.testing import HashEmbedder

        model = HashEmbedder(384)
        all_vecs = model.embed([t for _, t in all_facts])
    qvecs = model.embed([q for _, q in queries])
    items = list(zip(queries, qvecs, strict=True))
    tmp = Path(tempfile.mkdtemp(prefix="agentmem-scale-"))
    from agentmem.testing.postgres import PostgresServer

    server = PostgresServer(tmp / "pg", args.database_url, prefix="agentmem_bench")
    new_db = server.new_database
    search: dict[int, dict] = {}
    write_rates: dict[int, dict] = {}
    raw_counts: dict[str, dict[int, float]] = {}
    try:
        for size in args.sizes:
            facts = all_facts[:size]
            emb = (PrecomputedEmbedder([t for _, t in facts], all_vecs[:size], model)
                   if args.vectors == "minilm" else model)
            res, rates = {}, {}
            for label, where in (("embedded (SQLite + chroma)", {"home": tmp / f"home-{size}"}),
                                 ("Postgres + pgvector", {"store": new_db()})):
                with Memory(embedder=emb, **where) as mem:
                    rates[label] = {"bulk_per_s": round(load(mem, facts), 1)}
                    for user, _ in queries:  # first query per scope loads caches
                        mem.search("warm", user_id=user, k=1, query_embedding=qvecs[0])
                    res[f"{label}, hybrid"] = percentiles(time_each(
                        lambda it, m=mem: m.search(it[0][1], user_id=it[0][0], k=10,
                                                   query_embedding=it[1]), items))
                    res[f"{label}, vector only"] = percentiles(time_each(
                        lambda it, m=mem: m.search(it[0][1], user_id=it[0][0], k=10,
                                                   query_embedding=it[1], mode="vector"), items))
                    rates[label]["single_add_per_s"] = round(singles(mem, args.singles, emb), 1)
                    if "store" in where:
                        for label, (times, count) in raw_pgvector(where["store"],
                                                                  items).items():
                            res[label] = times
                            raw_counts.setdefault(label, {})[size] = count
            search[size], write_rates[size] = res, rates
        writes = [concurrent_writers(new_db, w, args.writes, tmp) for w in args.writers]
    finally:
        server.stop()
    one = next((w["per_s"] for w in writes if w["writers"] == 1), None)
    hybrid = "Postgres + pgvector, hybrid"
    checks = {size: {f"postgres_hybrid_p50_over_{label.split(',')[0].replace(' ', '_')}_p50":
                     round(res[hybrid]["p50_ms"] / res[label]["p50_ms"], 2)
                     for label in RAW_QUERIES} for size, res in search.items()}
    data = {"meta": {"sizes": args.sizes, "queries": args.queries, "users": USERS,
                     "vectors": args.vectors,
                     "minutes": round((time.perf_counter() - started) / 60, 1),
                     "machine": machine()},
            "search": search, "raw_pgvector_mean_results": raw_counts, "writes": write_rates,
            "concurrent_writers": writes, "checks": checks}
    lines = [f"Search, k=10 in one of {USERS} users' scope ({args.queries} queries, "
             f"{args.vectors} vectors), p50 / p95 ms:",
             "", "| system | " + " | ".join(f"{s:,} records" for s in search) + " |",
             "|---|" + "---|" * len(search)]
    for system in next(iter(search.values())):
        lines.append(f"| {system} | " + " | ".join(
            f"{res[system]['p50_ms']:.1f} / {res[system]['p95_ms']:.1f}"
            for res in search.values()) + " |")
    lines += [""] + [f"{label} returned on average " + ", ".join(
        f"{c:.1f} of 10 ({s:,} records)" for s, c in counts.items()) + " rows."
        for label, counts in raw_counts.items()]
    lines += ["", "Postgres hybrid p50 / raw query p50: " + "; ".join(
        f"{k.removeprefix('postgres_hybrid_p50_over_').removesuffix('_p50')} {v}x ({s:,})"
        for s, c in checks.items() for k, v in c.items()),
        "", "| store | size | bulk add_many /s | single add /s |", "|---|---|---|---|"]
    for size, rates in write_rates.items():
        for label, r in rates.items():
            lines.append(f"| {label} | {size:,} | {r['bulk_per_s']:.0f} | "
                         f"{r['single_add_per_s']:.0f} |")
    lines += ["", "| writer processes | acknowledged | found | lost | adds/s (all) | vs one |",
              "|---|---|---|---|---|---|"]
    for w in writes:
        lines.append(f"| {w['writers']} | {w['acknowledged']} | {w['found']} | {w['lost']} | "
                     f"{w['per_s']:.0f} | {w['per_s'] / one:.2f}x |" if one else "")
    OUT.mkdir(parents=True, exist_ok=True)
    plot(search, writes, OUT / f"{args.name}.png")
    write_results(args.name, data, "\n".join(lines))


if __name__ == "__main__":
    main()
