"""The WebShop-style shop: catalogue, BM25 search, pages, reward, recurring shopper."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError
from envs import INVALID_ACTION
from envs.shop import ShopEnv, catalogue, webshop_reward


@pytest.fixture(scope="module")
def env():
    return ShopEnv()


def test_catalogue_is_large_varied_and_deterministic():
    products = catalogue(5000, 0)
    assert len(products) == 5000 and len({p.id for p in products}) == 5000
    assert len({p.category for p in products}) == 6 and len({p.ptype for p in products}) >= 30
    assert catalogue(5000, 0)[17] == products[17] and catalogue(200, 1)[0] != products[0]
    with pytest.raises(InvalidArgumentError, match="at least 100"):
        catalogue(10)


def test_the_oracle_buys_the_target_for_reward_1(env):
    for seed in range(20):
        env.reset(seed)
        for action in env.expert_plan():
            assert not env.step(action)[3]["invalid"], (seed, action)
        assert env.done and env.total_reward == 1.0


def test_search_results_product_page_and_navigation(env):
    env.reset(3)
    assert env.admissible_actions() == ["search[...]"]
    obs, _, _, info = env.step(f"search[{env.goal['ptype']}]")
    assert "Page 1 (Total results:" in obs and "click[next >]" in info["admissible"]
    shown = [a for a in info["admissible"] if a.startswith("click[b0")]
    assert len(shown) == 10
    page2 = env.step("click[next >]")[0]
    assert "Page 2" in page2 and env.step("click[< prev]")[0].startswith("Instruction:")
    obs, _, _, info = env.step(shown[0])
    assert "Price: $" in obs and "click[buy now]" in info["admissible"]
    assert env.step("click[features]")[0].endswith("< Prev")
    option = next(a for a in info["admissible"] if a not in (
        "click[back to search]", "click[< prev]", "click[description]", "click[features]",
        "click[buy now]"))
    assert "chosen:" in env.step(option)[0]
    obs, reward, done, info = env.step("click[buy now]")
    assert done and 0 <= reward <= 1 and obs.startswith("Thank you for shopping")


def test_an_option_already_chosen_is_not_offered_again(env):
    # Clicking it changes nothing; offered, a trained actor clicked it until the step limit.
    env.reset(3)
    env.step(f"search[{env.goal['ptype']}]")
    product = next(a for a in env.admissible_actions() if a.startswith("click[b0"))
    info = env.step(product)[3]
    kind, values = next((k, v) for k, v in env.product.options.items() if len(v) > 1)
    first, other = f"click[{values[0]}]", f"click[{values[1]}]"
    assert first in info["admissible"] and other in info["admissible"]
    obs, _, _, info = env.step(first)
    assert f"chosen: {kind}={values[0]}" in obs
    assert first not in info["admissible"] and other in info["admissible"]
    # Clicked anyway (a scripted actor, a replayed trajectory) it is still a harmless no-op.
    again, _, _, info = env.step(first)
    assert again == obs and not info["invalid"]
    obs, _, _, info = env.step(other)  # another value of the same kind replaces it
    assert f"chosen: {kind}={values[1]}" in obs
    assert first in info["admissible"] and other not in info["admissible"]


def test_the_scripted_shopper_buys_the_product_whose_options_it_chose(env):
    # It keeps a product once it has chosen the wanted options there, although the shop no
    # longer lists them (it used to leave for the next result after each option).
    from policies.scripted import ShopperActor

    for seed in range(4):
        obs, actor = env.reset(seed), ShopperActor()
        admissible, done, taken = env.admissible_actions(), False, []
        while not done:
            action = actor.act(obs, admissible, f"Task: {env.task}").action
            obs, _, done, info = env.step(action)
            admissible, taken = info["admissible"], taken + [action]
        options = [f"click[{v}]" for v in env.goal["options"].values()]
        after_first_option = taken[min(taken.index(o) for o in options):]
        assert "click[< prev]" not in after_first_option, (seed, taken)
        assert env.total_reward == 1.0, (seed, taken)


def test_invalid_actions_get_the_invalid_observation(env):
    env.reset(5)
    for bad in ("buy everything", "click[buy now]", "search[]", "click[b0000]"):
        obs, reward, done, info = env.step(bad)
        assert (obs, reward, done, info["invalid"]) == (INVALID_ACTION, 0.0, False, True), bad
    env.step("search[towel]")
    assert env.step("click[bzzzzzzzzz]")[3]["invalid"]  # an unknown product id


def test_reward_follows_webshop():
    p = catalogue(5000, 0)[0]
    opts = {k: v[0] for k, v in p.options.items()}
    goal = {"ptype": p.ptype, "category": p.category, "attributes": list(p.attributes[:2]),
            "options": opts, "price": p.price + 1}
    assert webshop_reward(p, opts, goal) == 1.0
    assert webshop_reward(p, {}, goal) == pytest.approx(3 / 5)
    assert webshop_reward(p, opts, {**goal, "price": p.price - 1}) == pytest.approx(4 / 5)
    assert webshop_reward(p, opts, {**goal, "ptype": "other"}) == pytest.approx(0.5)
    assert webshop_reward(p, opts, {**goal, "ptype": "x", "category": "y"}) == pytest.approx(0.1)


def test_recurring_shopper_states_preferences_once():
    env = ShopEnv(shopper=4)
    first = env.reset(0)
    assert "I always take size" in first
    later = env.reset(1)
    assert "in my usual size and color" in later and "size:" not in later
    assert env.goal["options"]["size"] in first and env.goal["options"]["color"] in first
