"""How training/ and envs/ hang together (the private-name and cycle rules for every
package are in tests/test_house.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["training.ppo", "training.grpo"])
def test_the_trainers_import_without_torch(module):
    # torch (and the model) load only when training starts: the CLI, --help and the
    # config checks stay fast, and PPO's value head no longer pulls torch in at import.
    code = f"import sys, {module}; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)


def test_make_env_lives_with_the_environments():
    import envs
    from training.eval.envs_eval import make_env

    assert make_env is envs.make_env  # the evaluation's old import path still works
