"""Helpers shared by the benchmark scripts: synthetic data, timing, JSON + markdown output."""

from __future__ import annotations

import json
import platform
import random
import statistics
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

OUT = Path(__file__).resolve().parent / "out"

NAMES = ["Ana", "Ben", "Clara", "Dev", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jia", "Kofi", "Lena",
         "Mo", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tara"]
PLACES = ["Lisbon", "Osaka", "Nairobi", "Lima", "Oslo", "Hanoi", "Quito", "Tunis", "Perth",
          "Cork", "Accra", "Riga"]
THINGS = ["a beagle", "a vintage bike", "watercolours", "a sourdough starter", "a telescope",
          "a kayak", "jazz records", "a chess set", "hiking boots", "a ukulele", "a 3D printer",
          "bonsai trees"]
VERBS = ["bought", "sold", "repaired", "painted", "borrowed", "lost", "found", "photographed"]
TEMPLATES = [
    "{n} moved to {p} in {y} for a new job.",
    "{n} {v} {t} last {m}.",
    "{n} is learning to cook {f} food with a friend from {p}.",
    "{n}'s favourite weekend plan is visiting {p} with {t}.",
    "In {y}, {n} ran a charity race in {p}.",
    "{n} keeps {t} in the garage and uses it every {m}.",
]
FOODS = ["Thai", "Peruvian", "Ethiopian", "Georgian", "Korean", "Sicilian"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def synthetic_facts(n: int, users: int, seed: int = 0) -> list[tuple[str, str]]:
    """(user_id, text) pairs, deterministic by seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = rng.choice(TEMPLATES).format(
            n=rng.choice(NAMES), p=rng.choice(PLACES), t=rng.choice(THINGS), v=rng.choice(VERBS),
            y=rng.randint(2001, 2024), m=rng.choice(MONTHS), f=rng.choice(FOODS))
        out.append((f"user{i % users}", f"{text} (note {i})"))
    return out


def synthetic_queries(n: int, users: int, seed: int = 1) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    forms = ["Where did {n} move?", "What did {n} buy?", "Who ran a race in {p}?",
             "What does {n} keep in the garage?", "Which food is {n} learning to cook?",
             "What did {n} do with {t}?"]
    return [(f"user{rng.randrange(users)}", rng.choice(forms).format(
        n=rng.choice(NAMES), p=rng.choice(PLACES), t=rng.choice(THINGS))) for _ in range(n)]


def percentiles(samples_s: Sequence[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {"p50_ms": round(statistics.median(ms), 3),
            "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 3),
            "mean_ms": round(statistics.fmean(ms), 3), "n": len(ms)}


def time_each(fn: Callable[[Any], Any], items: Sequence[Any], warmup: int = 5) -> list[float]:
    for it in items[:warmup]:
        fn(it)
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append(time.perf_counter() - t)
    return out


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "cpu_count": os.cpu_count(),
            "machine": platform.machine(), "date": time.strftime("%Y-%m-%d")}


def named_adapters(specs: Sequence[str]) -> dict[str, str]:
    """``--adapter NAME=PATH`` values as ``{name: path}``; a bare PATH is named after the
    folder that holds it (``runs/sft/adapter`` -> ``sft``)."""
    named = {}
    for spec in specs:
        name, _, path = spec.rpartition("=")
        named[name or Path(path).parent.name] = path
    return named


def save_figure(fig: Any, path: Path) -> None:
    """Lay out, write as a PNG (creating its folder) and close a matplotlib figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_results(name: str, data: dict[str, Any], table: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))
    (OUT / f"{name}.md").write_text(table + "\n")
    print(table)
    print(f"\nwrote {OUT / (name + '.json')} and {OUT / (name + '.md')}")


class PrecomputedEmbedder:
    """MiniLM with a lookup table, so building large stores does not re-embed.

    It reports the MiniLM spec: vectors are exactly MiniLM's.
    """

    dim = 384

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, fallback: Any):
        self._table = {t: v for t, v in zip(texts, vectors, strict=True)}
        self._fallback = fallback

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._table]
        if missing:
            for t, v in zip(missing, self._fallback.embed(missing), strict=True):
                self._table[t] = v
        return np.stack([self._table[t] for t in texts]) if texts else np.zeros((0, self.dim))

    def spec(self) -> dict[str, Any]:
        return {"provider": "minilm", "dim": 384}


def embed_cached(texts: Sequence[str], name: str) -> np.ndarray:
    """MiniLM vectors for ``texts``, cached under benchmarks/out."""
    from tqdm import tqdm

    from agentmem.embeddings.minilm import MiniLMEmbedder

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"emb-{name}-{len(texts)}.npy"
    if path.exists():
        return np.load(path)
    emb = MiniLMEmbedder()
    chunks = [emb.embed(texts[i:i + 1024]) for i in tqdm(range(0, len(texts), 1024),
                                                         desc=f"embedding {len(texts)} texts")]
    vectors = np.concatenate(chunks).astype(np.float32)
    np.save(path, vectors)
    return vectors
