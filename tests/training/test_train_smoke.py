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


def test_grpo_actor_plays_episodes_with_observations_masked(tmp_path):
    """Multi-turn GRPO: one sequence per episode, the environment's tokens masked out."""
    from agentmem.llm import get_llm
    from envs import make_env
    from policies import PromptedActor
    from training.config import GRPOConfig, parse_args
    from training.grpo import TurnJoiner, play_episode, train_grpo

    llm = get_llm("local")
    tok = llm.tokenizer
    env = make_env("household", instance=1, max_steps=3)()
    ep = play_episode(llm, TurnJoiner(tok), env, 5, max_tokens=48, temperature=1.0,
                      invalid_penalty=0.1)
    ids, mask = ep["completion_ids"], ep["env_mask"]
    assert len(ids) == len(mask) and ep["steps"] == 3
    # Split into runs of the same mask value: replies (1) and what came between (0).
    runs: list[tuple[int, list[int]]] = []
    for token, m in zip(ids, mask, strict=True):
        if runs and runs[-1][0] == m:
            runs[-1][1].append(token)
        else:
            runs.append((m, [token]))
    replies = [tok.decode(r, skip_special_tokens=True) for m, r in runs if m == 1]
    between = [tok.decode(r) for m, r in runs if m == 0]
    assert len(replies) == 3 and len(between) == 2
    for reply in replies:  # every reply is an admissible action, as constrained
        assert json.loads(reply)["action"]
    for text in between:  # the next prompt: observation and actions, then the reply opens
        assert "Admissible actions" in text and text.rstrip().endswith("assistant")

    summary = train_grpo(parse_args(GRPOConfig, [
        "--policy", "actor", "--env", "household", "--examples", "1", "--steps", "1",
        "--batch-size", "2", "--num-generations", "2", "--max-episode-steps", "2",
        "--output-dir", str(tmp_path / "actor"), "--no-tensorboard"]))
    assert summary["steps"] == 1
    logs = [json.loads(x) for x in (tmp_path / "actor" / "log.jsonl").read_text().splitlines()]
    assert any("loss" in r and r["loss"] == r["loss"] for r in logs)
    actor = PromptedActor("local", adapter=summary["adapter"])
    action = actor.act("You are in a kitchen.", ["look", "inventory"])
    assert action.action in ("look", "inventory")


def test_a_bad_config_value_is_one_usage_line(capsys):
    from training.config import GRPOConfig, PPOConfig, parse_args

    for cls, argv, said in ((GRPOConfig, ["--steps", "0"], "steps must be >= 1, got 0"),
                            (PPOConfig, ["--batch-size", "3", "--minibatch-size", "2"],
                             "must be a multiple of minibatch_size")):
        with pytest.raises(SystemExit) as exit_:
            parse_args(cls, argv, prog="agentmem train x", usage_errors=True)
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "agentmem train x: error: " in err and said in err and "Traceback" not in err
