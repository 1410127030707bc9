"""GRPO with two data-parallel CPU processes (torchrun + accelerate on gloo).

The multi-GPU and ZeRO-2 configurations need GPUs; this runs the same distributed
code path (two ranks, gradient all-reduce, one writer) on CPU. ``accelerate
launch`` itself starts several CPU processes only through mpirun, so the ranks are
started with ``torch.distributed.run`` and accelerate picks them up from the
environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("accelerate")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_grpo_runs_on_two_processes_and_one_writes(tmp_path, locomo_file):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
           "--master_port", "29517", "-m", "training.grpo",
           "--policy", "answer", "--data", str(locomo_file()), "--examples", "4",
           "--steps", "2", "--batch-size", "2", "--num-generations", "2",
           "--max-completion-tokens", "16", "--k", "2", "--save-steps", "1",
           "--no-tensorboard", "--output-dir", str(out)]
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", ACCELERATE_USE_CPU="1")
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["processes"] == 2 and summary["steps"] == 2
    steps = [json.loads(x)["step"] for x in (out / "log.jsonl").read_text().splitlines()
             if "loss" in json.loads(x)]
    assert steps == [1, 2]  # one line per step: only rank 0 logs
    assert (out / "adapter" / "adapter_config.json").is_file()

    from policies import PromptedAnswerer

    assert PromptedAnswerer("local", adapter=str(out / "adapter")).llm.name.endswith("+adapter")
