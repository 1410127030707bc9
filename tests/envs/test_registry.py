"""The actor's environments by name (envs.make_env), used by both trainers and the eval."""

from __future__ import annotations

import pytest

from agentmem.errors import InvalidArgumentError
from envs import ACTOR_ENVS, make_env
from envs.household import HouseholdEnv
from envs.shop import ShopEnv


def test_every_actor_env_is_made_by_name_with_its_own_step_limit():
    assert ACTOR_ENVS == ("household", "shop")
    home = make_env("household", instance=2)()
    assert isinstance(home, HouseholdEnv) and home.max_steps == 50
    assert make_env("household", max_steps=7)().max_steps == 7
    shop = make_env("shop", instance=1)()
    assert isinstance(shop, ShopEnv) and shop.max_steps == 15


def test_an_unknown_env_is_a_project_error_naming_the_choices():
    with pytest.raises(InvalidArgumentError, match="household or shop"):
        make_env("kitchen")
    with pytest.raises(ValueError):  # still a ValueError for callers that catch that
        make_env("kitchen")
