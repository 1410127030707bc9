"""The actor's shaped reward: sub-goal progress in both environments, and its checks."""

from __future__ import annotations

import math

import pytest

from agentmem.errors import ConfigError
from envs import make_env
from training.rewards import episode_return, preflight_progress


@pytest.mark.parametrize("name", ["household", "shop"])
def test_progress_climbs_along_the_expert_plan_and_is_whole_when_won(name):
    env = make_env(name, instance=2)()
    for seed in range(5):
        env.reset(seed)
        assert env.progress() == 0.0
        trace = []
        for action in env.expert_plan():
            env.step(action)
            trace.append(env.progress())
        assert trace == sorted(trace) and trace[-1] == 1.0 and env.total_reward == 1.0
        assert 0 < trace[len(trace) // 2] < 1  # partway is partly done
        assert all(env.subgoals().values())


def test_household_subgoals_follow_the_task_type():
    env = make_env("household", instance=1)()
    kinds = {}
    for seed in range(40):
        env.reset(seed)
        kinds[env.goal["type"]] = tuple(env.subgoals())
    assert kinds.get("pick_heat_then_place", ("found", "taken", "processed", "placed")) == (
        "found", "taken", "processed", "placed")
    for ttype, goals in kinds.items():
        assert ("processed" in goals) == (ttype not in ("pick_and_place", "pick_two_obj_and_place"))


def test_invalid_actions_do_not_count_as_progress():
    env = make_env("household", instance=1)()
    env.reset(0)
    for _ in range(3):
        env.step("dance")
    assert env.progress() == 0.0


def test_episode_return_adds_progress_only_when_shaped_and_refuses_nan():
    assert episode_return(0.0, 0.5, 2, shaping=0.0, penalty=0.1) == pytest.approx(-0.2)
    assert episode_return(0.0, 0.5, 0, shaping=0.5, penalty=0.1) == pytest.approx(0.25)
    assert episode_return(1.0, 1.0, 0, shaping=0.5, penalty=0.1) == pytest.approx(1.5)
    with pytest.raises(ConfigError, match="progress"):
        episode_return(0.0, math.nan, 0, shaping=0.5, penalty=0.1, env="household")
    # The outcome alone does not depend on progress, broken or not.
    assert episode_return(1.0, math.nan, 0, shaping=0.0, penalty=0.1) == 1.0


class _BrokenProgress:
    name = "broken"

    def reset(self, seed):
        return ""

    def progress(self):
        return math.nan


def test_a_nan_progress_fails_before_any_model_loads():
    with pytest.raises(ConfigError, match="broken.progress"):
        preflight_progress(_BrokenProgress)
    preflight_progress(make_env("shop", instance=1))  # a real one passes


def test_the_actor_reward_is_a_documented_choice():
    from training.config import GRPOConfig, PPOConfig, parse_args

    assert parse_args(GRPOConfig, ["--policy", "actor"]).shaping == 0.0
    shaped = parse_args(PPOConfig, ["--policy", "actor", "--actor-reward", "shaped",
                                    "--progress-weight", "0.3"])
    assert shaped.shaping == 0.3
    with pytest.raises(ConfigError, match="progress_weight"):
        parse_args(GRPOConfig, ["--policy", "actor", "--progress-weight", "nan"])
