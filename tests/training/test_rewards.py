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
