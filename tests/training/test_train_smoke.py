"""A few GRPO and PPO steps on the real local model; the adapter loads into the agent."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("trl")
pytestmark = pytest.mark.slow


def _common(data, out):
    return ["--data", str(data), "--examples", "2", "--steps", "2", "--batch-size", "2",
            "--max-completion-tokens", "24", "--k", "2", "--output-dir", str(out),
            "--save-steps", "1", "--no-tensorboard"]


def test_grpo_and_ppo_steps_change_lora_and_the_adapter_loads(tmp_path, locomo_file):
    from training.config import GRPOConfig, PPOConfig, parse_args
    from training.grpo import train_grpo
    from training.ppo import train_ppo

    data = locomo_file()
    # Four sampled answers per question, so the group's rewards differ (GRPO learns
    # nothing from a group whose rewards tie: every advantage is zero).
    grpo = train_grpo(parse_args(GRPOConfig, [*_common(data, tmp_path / "grpo"),
                                              "--num-generations", "4", "--batch-size", "4"]))
    assert grpo["steps"] == 2 and grpo["lora_tensors_changed"] > 0
    logs = [json.loads(x) for x in (tmp_path / "grpo" / "log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in logs if "loss" in r]
    assert losses and all(x == x and abs(x) < 1e6 for x in losses)  # finite
    assert (tmp_path / "grpo" / "training.png").exists()

    ppo = train_ppo(parse_args(PPOConfig, [*_common(data, tmp_path / "ppo"),
                                           "--minibatch-size", "1"]), progress=False)
    assert ppo["steps"] == 2 and ppo["lora_tensors_changed"] > 0
    rows = [json.loads(x) for x in (tmp_path / "ppo" / "log.jsonl").read_text().splitlines()]
    assert all(abs(r["pg_loss"]) < 1e6 and r["vf_loss"] == r["vf_loss"] for r in rows)
    # A finished run resumes as done: no steps repeated, the checkpoint is picked up.
    again = train_ppo(parse_args(PPOConfig, _common(data, tmp_path / "ppo")), progress=False)
    assert again["resumed"] and again["steps"] == 2

    # The trained policy is the same class with an adapter path, inside the agent.
    from agentmem import Agent, Memory
    from agentmem.testing import HashEmbedder
    from policies import PromptedAnswerer

    answerer = PromptedAnswerer("local", adapter=grpo["adapter"])
    assert answerer.llm.name.endswith("+adapter")
    memory = Memory(home=tmp_path / "home", embedder=HashEmbedder(), user_id="ana")
    memory.add("Ana adopted a beagle called Biscuit.", user_id="ana")
    with Agent(answerer=answerer, manage_memory=False, memory=memory, user_id="ana") as agent:
        reply = agent.chat("What is Ana's dog called?")
        assert isinstance(reply.answer, str) and reply.usage.calls == 1
    memory.close()
