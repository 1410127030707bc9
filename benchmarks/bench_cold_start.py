"""Cold start: opening a 100k-record store and searching it, and the local LLM's first load.

    python benchmarks/bench_cold_start.py              # 100k records
    python benchmarks/bench_cold_start.py --size 5000

Each measurement runs in a fresh Python process, as a user's script would:
- ``Memory(home)`` on an existing store, then the first search (which loads MiniLM)
  and a second search, once with each MiniLM runtime (ONNX Runtime, the default, with
  its export already cached; torch through sentence-transformers);
- ``agentmem search`` on the command line, end to end, with each runtime (what a user
  waits for on every command that embeds a query);
- ``get_llm("local")`` with an empty cache (converts the packaged GGUF) and again
  with the cache in place.
Writes benchmarks/out/bench_cold_start.{json,md,png}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
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
    machine,
    save_figure,
    synthetic_facts,
    write_results,
)

OPEN_AND_SEARCH = """
import json, sys, time
t0 = time.perf_counter()
from agentmem import Memory
t1 = time.perf_counter()
m = Memory(home=sys.argv[1])
t2 = time.perf_counter()
hits = m.search("Where did Ana move?", user_id="user7", k=10)
t3 = time.perf_counter()
m.search("What did Ben buy?", user_id="user8", k=10)
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_search_s": t3 - t2,
                  "second_search_s": t4 - t3, "records": m.stats()["records"], "hits": len(hits)}))
"""

LOAD_LLM = """
import json, time
t0 = time.perf_counter()
from agentmem import get_llm
llm = get_llm("local")
t1 = time.perf_counter()
r = llm.chat("Say hello.", max_tokens=8)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "first_chat_s": t2 - t1}))
"""


EXPORT = """
from agentmem.embeddings.minilm import MiniLMEmbedder
MiniLMEmbedder().embed(["warm up"])
"""


def timed(cmd: list[str], env: dict | None = None) -> float:
    """Wall seconds of a command in a fresh process (it must succeed)."""
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})},
                         timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return time.perf_counter() - start


def run_json(code: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_store(home: Path, size: int) -> None:
    from tqdm import tqdm

    from agentmem import Memory
    from agentmem.embeddings.minilm import MiniLMEmbedder

    facts = synthetic_facts(size, 100)
    # Random unit vectors under MiniLM's name: only time is measured here, and embedding
    # 100k texts first would take most of an hour on 2 cores. Queries use the real model.
    vecs = np.random.default_rng(0).standard_normal((size, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    emb = PrecomputedEmbedder([t for _, t in facts], vecs, MiniLMEmbedder())
    by_user = defaultdict(list)
    for user, text in facts:
        by_user[user].append(text)
    with Memory(home=home, embedder=emb) as m:
        for user, items in tqdm(by_user.items(), desc=f"building a {size:,}-record store"):
            for i in range(0, len(items), 1000):
                m.add_many(items[i:i + 1000], user_id=user)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="agentmem-cold-"))
    try:
        build_store(tmp / "store", args.size)
        cache = {"AGENTMEM_CACHE": str(tmp / "llm-cache")}
        export_s = timed([sys.executable, "-c", EXPORT], env=cache)  # the one-off export
        runtimes = {rt: run_json(OPEN_AND_SEARCH, str(tmp / "store"),
                                 env={**cache, "AGENTMEM_MINILM_RUNTIME": rt})
                    for rt in ("onnx", "torch")}
        cli = {rt: timed(["agentmem", "search", "Where did Ana move?", "--home",
                          str(tmp / "store"), "--user", "user7", "--json"],
                         env={**cache, "AGENTMEM_MINILM_RUNTIME": rt})
               for rt in ("onnx", "torch")}
        store = runtimes["onnx"]
        no_cache = run_json(LOAD_LLM, env={"AGENTMEM_CACHE": str(tmp / "llm-cache")})
        cached = run_json(LOAD_LLM, env={"AGENTMEM_CACHE": str(tmp / "llm-cache")})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [
        ("`import agentmem` (+ Memory class)", store["import_s"]),
        (f"`Memory(home)` on {store['records']:,} records", store["open_s"]),
        ("first search, MiniLM on ONNX Runtime (loads it, embeds the query)",
         store["first_search_s"]),
        ("first search, MiniLM on torch", runtimes["torch"]["first_search_s"]),
        ("second search", store["second_search_s"]),
        ("`agentmem search` end to end, ONNX Runtime", cli["onnx"]),
        ("`agentmem search` end to end, torch", cli["torch"]),
        ("exporting MiniLM to ONNX (once per machine)", export_s),
        ("`get_llm('local')`, no cache (GGUF conversion)", no_cache["load_s"]),
        ("`get_llm('local')`, cached safetensors", cached["load_s"]),
        ("first chat after load (8 tokens)", cached["first_chat_s"]),
    ]
    table = "\n".join(["## Cold start (fresh process each)", "", "| step | seconds |", "|---|---|",
                       *(f"| {name} | {sec:.2f} |" for name, sec in rows)])
    plot(rows, OUT / "bench_cold_start.png")
    write_results("bench_cold_start", {"machine": machine(), "store": store,
                                       "runtimes": runtimes, "cli_search_s": cli,
                                       "onnx_export_s": export_s,
                                       "llm_no_cache": no_cache, "llm_cached": cached}, table)


def plot(rows: list[tuple[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5))
    names = [name.replace("`", "") for name, _ in rows][::-1]
    ax.barh(names, [sec for _, sec in rows][::-1], color="C0")
    ax.set_xscale("log")
    ax.set_xlabel("seconds (log scale), each step in a fresh process")
    ax.set_title("Cold start")
    save_figure(fig, path)


if __name__ == "__main__":
    main()
