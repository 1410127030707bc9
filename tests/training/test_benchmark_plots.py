"""The benchmarks that run for hours draw their plots from small synthetic results here,
so a plotting error shows up in CI, not at the end of a long run."""

from __future__ import annotations

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(autouse=True)
def _benchmarks_importable(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def _png(path: Path) -> bool:
    return path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000


def test_runtime_rerank_actor_guard_and_cold_start_plots(tmp_path):
    import bench_cold_start
    import bench_guard
    import bench_rerank
    import bench_runtime
    import bench_train_actor

    bench_runtime.plot([1.0, 1.5, 2.0, 3.0], [2.0, 2.5], tmp_path / "runtime.png", "test")
    arms = {"baseline": "hybrid top 5", "rerank_model": "re-ranked, model citations",
            "rerank_oracle": "re-ranked, gold evidence"}
    per_conv = {"41": {a: {"recall": [0, 1, 0.5, 1], "f1": [0.1]} for a in arms}}
    bench_rerank.plot(per_conv, arms, tmp_path / "rerank.png")
    runs = [{"rows": [{"success": float(i < wins)} for i in range(10)]} for wins in (0, 3)]
    bench_train_actor.plot(*runs, [0.0, 0.1, 0.2], tmp_path / "actor.png", "household")
    rows = [{"attacked": True, "guard": g, "style": s, "attack": a}
            for g in (False, True) for s in ("numeric", "paraphrase") for a in (True, False)]
    bench_guard.plot(rows, tmp_path / "guard.png", "test")
    bench_cold_start.plot([("import", 0.2), ("first search", 1.1)], tmp_path / "cold.png")
    for name in ("runtime", "rerank", "actor", "guard", "cold"):
        assert _png(tmp_path / f"{name}.png"), name
