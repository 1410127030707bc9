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


def test_actor_memory_table_and_plot(tmp_path):
    import argparse

    import bench_actor_memory

    def variant(wins, steps=9):
        episodes = [{"seed": i, "task": f"t{i}", "episode": i, "success": i < wins,
                     "reward": 1.0 if i < wins else 0.5, "steps": steps} for i in range(6)]
        return {"summary": {"episodes": 6, "success_rate": wins / 6, "score": wins / 6,
                            "subgoals": 0.5, "avg_steps": 9.0, "invalid_rate": 0.0, "seconds": 60.0},
                "curve": [{"episode": i, "success": float(i < wins), "steps": 9.0}
                          for i in range(6)], "episodes": episodes}

    rows = {"scripted": {"variants": {"none": variant(5), "full": variant(6)}},
            "prompted": {"variants": {"none": variant(0), "full": variant(1)}},
            "sft": {"variants": {"none": variant(3, steps=12), "full": variant(5, steps=8)}}}
    args = argparse.Namespace(env="household", instances=[1], episodes=6, max_steps=15)
    text, gains = bench_actor_memory.table(rows, args)
    assert gains["sft vs prompted (full)"]["gain"] == pytest.approx(4 / 6)
    assert "| sft | full | 0.83" in text
    assert "scripted vs prompted (none)" not in gains  # the reference row is not compared
    assert gains["sft: memory, steps saved"]["gain"] == pytest.approx(4.0)
    assert "| sft | +4.00 |" in text
    assert gains["sft: memory, score"]["gain"] == pytest.approx(2 / 6 * 0.5)  # 2 more full
    rows["rl"] = {"variants": {"none": variant(4), "full": variant(6)}}
    _, gains = bench_actor_memory.table(rows, argparse.Namespace(**vars(args), versus="sft"))
    assert gains["rl vs sft (full)"]["gain"] == pytest.approx(1 / 6)  # what RL after SFT adds
    assert "sft vs sft (full)" not in gains and "rl vs prompted (full)" not in gains
    # Seeds of one recipe pooled: memory's gain over both adapters' 12 paired episodes
    # (sft +2 wins, rl +2 wins of 6 each; sft saves 4 steps, rl none), no reference rows.
    text, gains = bench_actor_memory.table(rows, argparse.Namespace(**vars(args), pooled=True))
    assert gains["pooled: memory, success"]["gain"] == pytest.approx(4 / 12)
    assert gains["pooled: memory, steps saved"]["gain"] == pytest.approx(2.0)
    assert "12 paired episodes" in text
    assert "pooled: memory, success" not in bench_actor_memory.table(rows, args)[1]
    bench_actor_memory.plot(rows, tmp_path / "actor_memory.png", "household")
    assert _png(tmp_path / "actor_memory.png")
    bench_actor_memory.plot(rows, tmp_path / "shop.png", "shop")  # the shop plots its score
    assert _png(tmp_path / "shop.png")


def test_actor_agreement_counts_each_kind_of_turn_and_false_takes(tmp_path):
    import argparse

    import bench_actor_agreement as b

    from envs import make_env
    from policies.scripted import HouseholdExplorer
    from training.eval.episodes import run_episode

    # The explorer shadowed by itself through the runtime's loop agrees on every turn.
    shadow = b.ShadowActor(HouseholdExplorer(), HouseholdExplorer())
    env = make_env("household", instance=1, split="unseen", max_steps=30)()
    assert run_episode(env, shadow, seed=0).success
    same = b.summarise(shadow.turns)
    assert same["all"]["agree"] == same["all"]["turns"] == len(shadow.turns) > 0
    assert same["false_take"]["agree"] == 0

    turns = [{"teacher": "take plate 1 from cabinet 2", "student": "take plate 3 from cabinet 2"},
             {"teacher": "take mug 1 from cabinet 2", "student": "go to drawer 1"},
             {"teacher": "go to cabinet 3", "student": "take bowl 1 from cabinet 2"},
             {"teacher": "open cabinet 3", "student": "open cabinet 3"},
             {"teacher": "clean knife 1 with sinkbasin 1", "student": "look"}]
    s = b.summarise(turns)
    assert s["take"] == {"turns": 2, "agree": 0, "took_something": 1, "right_kind": 1}
    assert s["false_take"] == {"turns": 3, "agree": 1}
    assert s["open"] == {"turns": 1, "agree": 1} and s["process"] == {"turns": 1, "agree": 0}
    rows = {"prompted": {"summary": s, "seconds": 60.0}, "sft": {"summary": same, "seconds": 1.0}}
    text = b.table(rows, argparse.Namespace(instances=[1], episodes=1, max_steps=30))
    assert "| prompted | 0.20" in text and "(1/3)" in text
    b.plot(rows, tmp_path / "agreement.png")
    assert _png(tmp_path / "agreement.png")


def test_layered_memory_table_and_plot_with_and_without_answers(tmp_path):
    import bench_layered_memory as bench

    def rows(recall, f1):
        return [{"conversation": "41", "category": c, "recall": r, "f1": f}
                for c, r, f in zip((1, 4, 4), recall, f1, strict=True)]

    def result(answered):
        def f1(*v):
            return v if answered else (None,) * 3
        sys = {name: {"rows": rows(r, f1(*f)), "calls_per_turn": 0.5, "tokens_per_turn": 90,
                      "ingest_p50_s": 0.1, "ingest_turns": 3, "context_tokens": 480,
                      "f1": sum(f) / 3 if answered else None}
               for name, r, f in (("rag-500", (0.5, 1, 0), (0.1, 0.2, 0)),
                                  ("agentmem", (1, 1, 0.5), (0.2, 0.2, 0.1)),
                                  ("oracle", (1, 1, 1), (0.3, 0.3, 0.3)))}
        return {"systems": sys}

    meta = {"conversations": ["41"], "turns": None, "questions": 3, "k": 5, "wall_min": 1.0}
    answered = bench.analyse(result(True))
    gain, _ = answered["paired"]["agentmem - rag-500"]["recall"]
    assert gain == pytest.approx(1 / 3) and answered["f1_share_of_oracle"] == pytest.approx(5 / 9)
    retrieval = bench.analyse(result(False))
    assert retrieval["paired"]["agentmem - rag-500"]["f1"] is None
    assert retrieval["systems"]["agentmem"]["f1"]["mean"] is None
    assert "f1_share_of_oracle" not in retrieval
    assert "| agentmem - rag-500 | +0.333" in bench.table(retrieval, meta)
    for name, analysis in (("answered", answered), ("retrieval", retrieval)):
        bench.plot(analysis, tmp_path / f"{name}.png")
        assert _png(tmp_path / f"{name}.png")


def test_manager_training_plot_with_an_sft_row(tmp_path):
    import bench_train_manager

    def run(acc, f1):
        return {"accuracy": acc, "locomo": {"f1": f1, "recall_at_k": f1 * 10}}

    result = {"args": {"locomo": "30"}, "seeds": [0], "prompted": run(0.4, 0.05),
              "modes": {"statements": run(0.6, 0.07)},
              "sft": run(0.8, 0.06), "trained": {"0": run(0.85, 0.07)}}
    bench_train_manager._plot(result, tmp_path / "manager.png")
    # Recall pairs question by question, leaving out those either run could not score.
    gain, _ = bench_train_manager.recall_gain({"recall_rows": [1.0, None, 0.5, 1.0]},
                                              {"recall_rows": [0.5, 1.0, None, 0.0]})
    assert gain == 0.75
    gain, _ = bench_train_manager.recall_gain({"recall_rows": [None]}, {"recall_rows": [1.0]})
    assert gain != gain  # nothing to pair: NaN, not a ZeroDivisionError
    result.update(sft=None, seeds=[], modes={})  # neither SFT nor GRPO: the prompted bar alone
    bench_train_manager._plot(result, tmp_path / "prompted.png")
    assert _png(tmp_path / "manager.png") and _png(tmp_path / "prompted.png")
