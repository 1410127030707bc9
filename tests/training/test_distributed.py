"""GRPO with two data-parallel CPU processes, plain and under DeepSpeed ZeRO-2 (gloo).

The multi-GPU configuration needs GPUs; the first test runs the same distributed
code path (two ranks, gradient all-reduce, one writer) on CPU. ``accelerate
launch`` starts several plain CPU processes only through mpirun, so those ranks are
started with ``torch.distributed.run`` and accelerate picks them up from the
environment. For DeepSpeed, ``accelerate launch`` starts the ranks itself.
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


def _grpo_args(data: Path, out: Path, steps: int) -> list[str]:
    """A tiny GRPO run of the answer policy, the same for both launchers."""
    return ["-m", "training.grpo", "--policy", "answer", "--data", str(data),
            "--examples", "4", "--steps", str(steps), "--batch-size", "2",
            "--num-generations", "2", "--max-completion-tokens", "16", "--k", "2",
            "--save-steps", "1", "--no-tensorboard", "--output-dir", str(out)]


def test_grpo_runs_on_two_processes_and_one_writes(tmp_path, locomo_file):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
           "--master_port", "29517", *_grpo_args(locomo_file(), out, 2)]
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


def test_grpo_runs_under_the_shipped_zero2_config_on_two_cpu_ranks(tmp_path, locomo_file):
    # The shipped DeepSpeed ZeRO-2 file, with only what a GPU needs changed (two processes,
    # no bf16, CPU): DeepSpeed then runs its CPU accelerator over gloo. The run writes a
    # ZeRO checkpoint, and a second call resumes from it.
    pytest.importorskip("deepspeed")
    shipped = (ROOT / "training" / "configs" / "accelerate_zero2.yaml").read_text()
    cpu = (shipped.replace("num_processes: 4", "num_processes: 2")
           .replace("mixed_precision: bf16", 'mixed_precision: "no"')
           .replace("use_cpu: false", "use_cpu: true"))
    assert cpu.count("num_processes: 2") == 1 and "use_cpu: true" in cpu
    config = tmp_path / "zero2-cpu.yaml"
    config.write_text(cpu)
    out, data = tmp_path / "run", locomo_file()
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")

    def launch(steps: int) -> dict:
        cmd = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config),
               "--main_process_port", "29519", *_grpo_args(data, out, steps)]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert proc.stdout.count('"adapter"') == 1  # one summary printed, by rank 0
        return json.loads((out / "summary.json").read_text())

    summary = launch(2)
    assert summary["processes"] == 2 and summary["steps"] == 2
    assert summary["lora_tensors_changed"] == summary["lora_tensors"] > 0
    assert (out / "checkpoint-2" / "global_step2").is_dir()  # DeepSpeed's own checkpoint
    resumed = launch(3)
    assert resumed["resumed"] and resumed["steps"] == 3

    from policies import PromptedAnswerer

    assert PromptedAnswerer("local", adapter=str(out / "adapter")).llm.name.endswith("+adapter")
