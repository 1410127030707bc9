"""The ALFWorld-style household: grammar, the six task types, determinism, persistence."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError
from envs import INVALID_ACTION, EpisodeDoneError, TrajectoryRecorder, replay
from envs.base import read_trajectories
from envs.household import TASK_TYPES, HouseholdEnv


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_every_task_type_is_solvable_by_the_oracle_and_rewards_1(task_type):
    env = HouseholdEnv(task_types=[task_type])
    for seed in range(25):
        env.reset(seed)
        reward = 0.0
        for action in env.expert_plan():
            assert action in env.admissible_actions(), (seed, action)
            _, reward, done, info = env.step(action)
            assert not info["invalid"]
        assert reward == 1.0 and done and info["won"], (seed, env.task)


def test_observations_and_the_command_grammar():
    env = HouseholdEnv(task_types=["pick_heat_then_place"])
    obs = env.reset(4)
    assert obs.startswith("You are in the middle of a house. In the kitchen you see")
    assert obs.endswith(f"Your task is to: {env.task}") and "hot" in env.task
    assert env.step("inventory")[0] == "You are not carrying anything."
    obs, reward, done, info = env.step("go to fridge 1")
    assert obs == "You arrive at fridge 1 in the kitchen. The fridge 1 is closed."
    assert "open fridge 1" in info["admissible"] and info["admissible"][0] == "open fridge 1"
    assert env.step("open fridge 1")[0].startswith("You open the fridge 1. ")
    for bad in ("fly to the moon", "take unicorn 1 from fridge 1", "go to fridge 1",
                "open fridge 1", "put mug 1 in fridge 1", "heat apple 1 with fridge 1", ""):
        obs, reward, done, info = env.step(bad)
        assert (obs, reward, done, info["invalid"]) == (INVALID_ACTION, 0.0, False, True), bad


def test_heat_clean_cool_and_light_change_the_object():
    env = HouseholdEnv(task_types=["pick_clean_then_place"])
    env.reset(0)
    plan = env.expert_plan()
    for action in plan[: next(i for i, a in enumerate(plan) if a.startswith("clean")) + 1]:
        obs, *_ = env.step(action)
    assert obs.startswith("You clean the ")
    held = env.holding.name
    assert env.step(f"examine {held}")[0] == f"This is a clean {held}."


def test_determinism_step_limit_and_done_guard():
    a, b = HouseholdEnv(max_steps=3), HouseholdEnv(max_steps=3)
    assert a.reset(11) == b.reset(11) and a.reset(12) != a.reset(13)
    a.reset(11)
    for _ in range(2):
        assert not a.step("look")[2]
    _, reward, done, info = a.step("look")
    assert done and info["truncated"] and reward == 0.0 and info["admissible"] == []
    with pytest.raises(EpisodeDoneError, match="call reset"):
        a.step("look")
    with pytest.raises(InvalidArgumentError, match="seed must be an int"):
        a.reset("7")
    with pytest.raises(InvalidArgumentError, match="unknown task type"):
        HouseholdEnv(task_types=["make_coffee"])
    with pytest.raises(InvalidArgumentError, match="split"):
        HouseholdEnv(split="test")


def test_persistent_household_keeps_the_home_and_habits():
    env = HouseholdEnv(persistent=True, home=2)
    layouts, tasks, spots = set(), set(), []
    for episode in range(8):
        env.reset(episode)
        layouts.add(tuple(env.house.receptacles))
        tasks.add(env.task)
        spots.append(tuple(sorted(env.locations_of("mug"))))
    assert len(layouts) == 1  # the same home every episode
    assert len(tasks) <= 3  # the user's few recurring chores
    def home(e):
        return {r: sorted(o.name for o in objs) for r, objs in e.house.contents.items()}

    env.reset(0)
    unseen = HouseholdEnv(persistent=True, home=2, split="unseen")
    unseen.reset(0)
    assert unseen.home_id == 10_002 and env.home_id == 2
    assert home(unseen) != home(env)  # an unseen home is another generated home


def test_record_and_replay(tmp_path):
    env = HouseholdEnv()
    env.recorder = TrajectoryRecorder(tmp_path / "eps.jsonl")
    for seed in (1, 2):
        env.reset(seed)
        for action in [*env.expert_plan()[:2], "dance"]:
            env.step(action)
        env.reset(seed)  # an unfinished episode is written when the next starts
    episodes = list(read_trajectories(tmp_path / "eps.jsonl"))
    assert [e["seed"] for e in episodes] == [1, 2]
    assert episodes[0]["steps"][-1]["info"]["invalid"] is True
    assert replay(episodes[1], HouseholdEnv) == []
    episodes[1]["steps"][0]["observation"] = "tampered"
    assert replay(episodes[1], HouseholdEnv)[0].startswith("step 0")
