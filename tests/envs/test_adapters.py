"""The Gymnasium wrapper and the TRL environment interface."""

from __future__ import annotations

import inspect

import pytest

from envs.adapters import TRLEnvironment, trl_factory
from envs.household import HouseholdEnv


def test_gymnasium_wrapper():
    pytest.importorskip("gymnasium")
    from envs.adapters import GymTextEnv

    env = GymTextEnv(HouseholdEnv(max_steps=2))
    obs, info = env.reset(seed=5)
    assert obs.endswith(info["task"]) and info["admissible"]
    assert env.observation_space.contains(obs)
    _, reward, terminated, truncated, info = env.step("look")
    assert (terminated, truncated) == (False, False)
    _, reward, terminated, truncated, info = env.step("look")
    assert (terminated, truncated) == (False, True) and env.render()


def test_trl_environment_interface():
    env = trl_factory(lambda: HouseholdEnv(task_types=["pick_and_place"]))()
    # What TRL's GRPOTrainer looks for: reset, get_reward, and public methods as tools.
    tools = [n for n, _ in inspect.getmembers(type(env), predicate=inspect.isfunction)
             if not n.startswith("_") and n not in ("reset", "get_reward")]
    assert tools == ["act"] and "Args:" in TRLEnvironment.act.__doc__
    first = env.reset(seed=3)
    assert "Your task is to:" in first and "Admissible actions:" in first
    for action in env.env.expert_plan():
        out = env.act(action)
    assert out.endswith("The episode is over.") and env.get_reward() == 1.0
    env.reset(seed=3)
    env.act("jump")
    assert env.get_reward() == pytest.approx(-0.1)
