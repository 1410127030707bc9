"""TextWorld: a game generated during the test, played through the same API."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError
from envs import INVALID_ACTION

textworld = pytest.importorskip("textworld")


@pytest.mark.slow
def test_generated_game_is_played_to_a_win(tmp_path):
    from envs.textworld_env import TextWorldEnv, make_game

    game = make_game(tmp_path / "game.z8", seed=3, quest_length=3)
    env = TextWorldEnv(game, max_steps=20)
    obs = env.reset(0)
    assert obs.startswith(env.task) and "$$" not in obs  # the banner is gone
    walkthrough = textworld.start(str(game), request_infos=textworld.EnvInfos(
        policy_commands=True)).reset().policy_commands
    assert env.step("dance with the wind")[0] == INVALID_ACTION
    for action in walkthrough:
        assert action in env.admissible_actions()
        obs, reward, done, info = env.step(action)
    assert done and info["won"] and env.total_reward == info["max_score"] >= 1
    env.close()
    with pytest.raises(InvalidArgumentError, match=".z8 or .ulx"):
        make_game(tmp_path / "game.txt")
    with pytest.raises(InvalidArgumentError, match="is not a file"):
        TextWorldEnv(tmp_path / "missing.z8")
