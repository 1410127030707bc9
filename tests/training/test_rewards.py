"""Rewards for the answer policy and the memory manager."""

from __future__ import annotations

import pytest

from training.rewards import answer_reward, completion_text, manager_reward


def test_answer_reward_is_f1_plus_format():
    r = answer_reward(format_reward=0.1)
    got = r(["p"] * 3, ['{"selected": [0], "answer": "Biscuit"}',
                        [{"role": "assistant", "content": '{"selected": [], "answer": "a dog"}'}],
                        "not json"], gold=["Biscuit", "Biscuit the dog", "Biscuit"])
    assert got[0] == pytest.approx(1.1) and got[2] == 0.0 and 0.1 < got[1] < 1.1
    assert completion_text([{"role": "assistant", "content": "x"}]) == "x"


def test_manager_reward_checks_the_operation_and_its_target():
    r = manager_reward(format_reward=0.0)
    shown = [["Ana: I live in Lisbon.", "Ana: I work as a nurse."]] * 4
    replies = ['{"operations": [{"fact": "Ana moved to Porto", "op": "UPDATE", "id": 0}]}',
               '{"operations": [{"fact": "Ana moved to Porto", "op": "UPDATE", "id": 1}]}',
               '{"operations": [{"fact": "", "op": "NOOP", "id": -1}]}',
               '{"operations": [{"fact": "x", "op": "ADD", "id": -1}]}']
    got = r(["p"] * 4, replies, gold_op=["UPDATE", "UPDATE", "NOOP", "NOOP"],
            old_value=["Lisbon", "Lisbon", "", ""], shown=shown)
    assert got == [1.0, 0.0, 1.0, 0.0]


def test_apply_to_bank_follows_the_operations():
    from training.rewards import apply_to_bank

    bank = ["Ana: I live in Lisbon.", "Ana: I have a dog called Rex."]
    reply = ('{"operations": [{"fact": "Ana lives in Porto", "op": "UPDATE", "id": 0}, '
             '{"fact": "", "op": "DELETE", "id": 1}, {"fact": "Ana is a nurse", "op": "ADD", '
             '"id": -1}, {"fact": "bad id", "op": "UPDATE", "id": 7}]}')
    assert apply_to_bank(bank, reply) == ["Ana lives in Porto", "Ana is a nurse"]
    assert apply_to_bank(bank, "not json") is None
    assert bank == ["Ana: I live in Lisbon.", "Ana: I have a dog called Rex."]  # a copy


def test_manager_answer_reward_asks_a_frozen_answerer_about_the_edited_bank():
    """Memory-R1's reward: the answer from the bank after the ops decides the reward."""
    from agentmem.testing import ScriptedLLM
    from policies import PromptedAnswerer
    from training.rewards import manager_answer_reward

    def answer_from_bank(messages):  # a frozen answerer that reads the city off the bank
        text = messages[-1]["content"]
        city = "Porto" if "Porto" in text else "Lisbon" if "Lisbon" in text else "unknown"
        return {"selected": [0], "answer": city}

    llm = ScriptedLLM(default=answer_from_bank)
    r = manager_answer_reward(PromptedAnswerer(llm), format_reward=0.1, op_weight=0.5)
    shown = [["Ana: I live in Lisbon."]] * 3 + [[]]
    update = '{"operations": [{"fact": "Ana moved to Porto", "op": "UPDATE", "id": 0}]}'
    add = '{"operations": [{"fact": "Ana moved to Porto", "op": "ADD", "id": -1}]}'
    noop = '{"operations": [{"fact": "", "op": "NOOP", "id": -1}]}'
    got = r(["p"] * 4, [update, add, noop, noop], gold_op=["UPDATE"] * 3 + ["NOOP"],
            old_value=["Lisbon"] * 3 + [""], shown=shown,
            question=["Where does Ana live now?"] * 3 + [""], answer=["Porto"] * 3 + [""])
    # UPDATE: right op and right answer. ADD: the bank holds both cities; this answerer
    # reads Porto, so the answer scores but the op check does not. NOOP: neither.
    # Small talk (no question): the op check alone.
    assert got == pytest.approx([1.1, 0.6, 0.1, 1.1])
    assert len(llm.calls) == 3  # one frozen answer per completion with a question


def test_the_reward_and_its_kind_come_from_the_registry_by_name():
    from training.config import GRPOConfig, PPOConfig
    from training.rewards import REWARDS, RewardKind, reward_for, reward_name

    for config, name in [(GRPOConfig(policy="answer"), "answer_f1"),
                         (PPOConfig(policy="manager", manager_reward="op"), "manager_op"),
                         (GRPOConfig(policy="actor"), "episode_outcome")]:
        reward = reward_for(config)
        assert (reward.name, reward.kind) == (name, REWARDS[name].kind)
        assert reward.fn.__name__ == name  # TRL logs the reward under this name
    assert reward_name(GRPOConfig(policy="manager")) == "manager_answer"
    assert REWARDS["episode_outcome"].kind is RewardKind.ROLLOUT
    assert {REWARDS[n].kind for n in ("answer_f1", "manager_op", "manager_answer")} == {
        RewardKind.COMPLETION}


def test_preflight_gives_a_rollout_reward_its_outcome_column():
    from training.config import GRPOConfig
    from training.grpo import episode_rows
    from training.rewards import Reward, RewardKind, preflight_reward, reward_for

    config = GRPOConfig(policy="actor", examples=2)
    preflight_reward(reward_for(config), episode_rows(config))  # no env_reward in the rows

    def two_values(prompts, completions, **kw):
        return [1.0, 2.0]

    with pytest.raises(ValueError, match="one float per completion"):
        preflight_reward(Reward("two", RewardKind.COMPLETION, two_values),
                         [{"prompt": [{"role": "user", "content": "q"}]}])


def test_reply_schema_narrows_the_manager_to_the_memories_shown():
    from policies.answer import AnswerOutput
    from training.data import reply_schema

    def ids(shown):
        schema = reply_schema("manager", {"shown": shown})
        item = schema["properties"]["operations"]["items"]["properties"]
        return item["id"]["enum"], item["op"]["enum"], schema["properties"]["operations"]

    assert ids(["Ana: I live in Lisbon.", "[x] starts with a bracket"])[0] == [-1, 0, 1]
    got, ops, operations = ids([])
    assert got == [-1] and ops == ["ADD", "NOOP"] and operations["maxItems"] == 3
    assert reply_schema("answer", {}) is AnswerOutput
    with pytest.raises(ValueError, match="actor"):
        reply_schema("actor", {})
