"""The run log both trainers write, and its plot."""

from __future__ import annotations

import pytest

from training.logs import JsonlLog, plot_log, read_log


def test_the_log_appends_one_line_per_step_and_reads_back(tmp_path):
    path = tmp_path / "log.jsonl"
    assert read_log(path) == []
    log = JsonlLog(path)
    log({"reward": 0.5, "kl": 0.0}, 1)
    log({"reward": 0.75, "loss": 1.5}, 2)
    rows = read_log(path)
    assert [(r["step"], r["reward"]) for r in rows] == [(1, 0.5), (2, 0.75)]
    assert all(isinstance(r["time"], float) for r in rows)


def test_plot_draws_the_logged_metrics_or_nothing(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "log.jsonl"
    assert plot_log(path, tmp_path / "none.png", "empty") is None
    JsonlLog(path)({"train_runtime": 3.0}, 2)  # a summary line is not a step
    assert plot_log(path, tmp_path / "none.png", "no steps") is None
    for step in (1, 2):
        JsonlLog(path)({"reward": step / 2, "kl": 0.1}, step)
    out = plot_log(path, tmp_path / "training.png", "GRPO")
    assert out == tmp_path / "training.png" and out.stat().st_size > 0
