"""PPO pieces on their own, and the whole loop on a tiny problem whose optimum is known."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from agentmem.errors import ConfigError  # noqa: E402
from training.config import PPOConfig  # noqa: E402
from training.ppo import (  # noqa: E402
    PPOLoop,
    Sample,
    gae,
    group_advantages,
    ppo_losses,
    sample_tokens,
    token_rewards,
)


def test_token_rewards_put_the_outcome_on_the_last_token():
    assert token_rewards(1.0, [0.5, 0.0, 0.25], beta=0.1) == [-0.05, 0.0, 1.0 - 0.025]
    assert token_rewards(1.0, [], beta=0.1) == []


def test_gae_matches_a_hand_computation():
    adv, ret = gae([0.0, 0.0, 1.0], [0.1, 0.2, 0.3], gamma=1.0, lam=1.0)
    # lam = gamma = 1: advantage = return-to-go - value; returns = rewards to go.
    assert adv == pytest.approx([0.9, 0.8, 0.7]) and ret == pytest.approx([1.0, 1.0, 1.0])
    adv0, _ = gae([0.0, 1.0], [0.0, 0.0], gamma=0.5, lam=0.0)
    assert adv0 == pytest.approx([0.0, 1.0])  # lam = 0: one-step TD errors


def test_clipped_losses():
    new = torch.tensor([0.0, 0.0])
    old = torch.log(torch.tensor([0.5, 2.0]))  # ratios exp(new - old): 2.0 and 0.5
    adv = torch.tensor([1.0, -1.0])
    v = torch.tensor([1.0, 0.0])
    pg, vf, clipfrac = ppo_losses(new, old, adv, v, torch.zeros(2), torch.ones(2), 0.2, 0.2)
    # ratio 2 with A=1 is clipped to 1.2; ratio 0.5 with A=-1 is clipped to 0.8 -> -(-0.8)
    assert float(pg) == pytest.approx(-(1.2 - 0.8) / 2) and float(clipfrac) == 1.0
    assert float(vf) == pytest.approx(0.5 * (0.64 + 1.0) / 2)  # v clipped to 0.2 for sample 0


def tiny_model(seed: int):
    """A one-layer GPT-2 over 8 tokens with LoRA on every linear layer.

    The output embedding is tied to the input one and frozen, so it is initialised
    large enough (``initializer_range``) for the logits to reach a confident choice.
    """
    from peft import LoraConfig, get_peft_model
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    base = GPT2LMHeadModel(GPT2Config(vocab_size=8, n_embd=16, n_layer=1, n_head=2,
                                      n_positions=8, initializer_range=0.5))
    return get_peft_model(base, LoraConfig(r=4, lora_alpha=16, fan_in_fan_out=True,
                                           target_modules=["c_attn", "c_proj", "c_fc"]))


def p5(model) -> float:
    """The policy's probability of the bandit's best token (5) after the prompt [1, 2]."""
    with torch.no_grad():
        return float(torch.softmax(model(input_ids=torch.tensor([[1, 2]])).logits[0, -1],
                                   -1)[5])


def test_ppo_learns_a_bandit_with_a_known_optimum():
    """Reward 1 for emitting token 5 after the prompt, else 0: the policy must learn it."""
    model = tiny_model(0)
    config = PPOConfig(learning_rate=2e-2, batch_size=16, minibatch_size=16, ppo_epochs=4,
                       beta=0.0, temperature=1.0, gamma=1.0, lam=1.0)
    loop = PPOLoop(model, config)

    start = p5(model)
    for _ in range(40):
        samples = [sample_tokens(model, [1, 2], 1, 1.0) for _ in range(16)]
        for s in samples:
            s.reward = 1.0 if s.completion_ids == [5] else 0.0
        metrics = loop.update(samples)
        assert all(v == v for v in metrics.values())  # finite, no NaN
    assert start < 0.3 and p5(model) > 0.9
    # The reference policy (adapter off) did not move.
    with torch.no_grad(), model.disable_adapter():
        ref = float(torch.softmax(model(input_ids=torch.tensor([[1, 2]])).logits[0, -1], -1)[5])
    assert ref == pytest.approx(start, abs=1e-6)


def test_kl_starts_at_zero_with_a_fresh_adapter():
    model = tiny_model(1)
    loop = PPOLoop(model, PPOConfig(learning_rate=1e-2, batch_size=8, minibatch_size=8,
                                    beta=0.5, ppo_epochs=1))
    samples = [Sample([1, 2], [3], [-2.0], reward=0.0) for _ in range(8)]
    metrics = loop.update(samples)
    assert metrics["kl"] == pytest.approx(0.0, abs=1e-5)  # adapter starts as the identity


def test_group_advantages_compare_each_return_with_its_group():
    adv = group_advantages([1.0, 0.0, 0.0, 1.0])
    assert adv == pytest.approx([1.0, -1.0, -1.0, 1.0])  # mean 0.5, std 0.5
    assert group_advantages([0.68, 0.68, 0.68]) == [0.0, 0.0, 0.0]  # a tie teaches nothing


def test_group_credit_learns_the_bandit_and_logs_the_kl_term_not_a_value_loss():
    """GRPO in the same loop: advantages given per sample (normalised within each group
    of 8 draws), no value head; the policy must still find token 5."""
    model = tiny_model(0)
    config = PPOConfig(policy="actor", env="household", credit="group", instances=[1],
                       learning_rate=2e-2, batch_size=16, minibatch_size=16, ppo_epochs=4,
                       beta=0.01, temperature=1.0)
    loop = PPOLoop(model, config)

    start = p5(model)
    for _ in range(40):
        samples = []
        for _group in range(2):
            group = [sample_tokens(model, [1, 2], 1, 1.0) for _ in range(8)]
            returns = [1.0 if s.completion_ids == [5] else 0.0 for s in group]
            for s, r, a in zip(group, returns, group_advantages(returns), strict=True):
                s.reward, s.advantage = r, a
            samples += group
        metrics = loop.update(samples)
        assert "kl_loss" in metrics and "vf_loss" not in metrics
        assert all(v == v for v in metrics.values())
    assert start < 0.3 and p5(model) > 0.9


def test_group_credit_needs_a_group_and_the_actor():
    with pytest.raises(ConfigError, match="group_size=1"):
        PPOConfig(policy="actor", env="shop", credit="group", group_size=1).check()
    with pytest.raises(ConfigError, match="for the actor"):
        PPOConfig(policy="answer", credit="group").check()
    with pytest.raises(ConfigError, match="anchors"):
        PPOConfig(policy="actor", env="shop", credit="group", anchors=[-1]).check()
    assert PPOConfig(policy="actor", env="shop", credit="group").anchors == [0, 1]


def test_group_credit_takes_the_advantages_as_given_and_holds_to_the_reference():
    """Advantages are not normalised again across the batch (a batch of one group's
    winners, all +1, must still raise their action), and with no advantage the KL term
    alone pulls a moved policy back to the reference."""
    model = tiny_model(2)
    config = PPOConfig(policy="actor", env="shop", credit="group", learning_rate=2e-2,
                       batch_size=8, minibatch_size=8, ppo_epochs=2, beta=0.0)
    loop = PPOLoop(model, config)

    start = p5(model)
    loop.update([Sample([1, 2], [5], [], reward=1.0, advantage=1.0) for _ in range(8)])
    moved = p5(model)
    assert moved > start + 0.05
    config.beta = 5.0
    kls = [loop.update([Sample([1, 2], [t], [], advantage=0.0) for t in range(8)])["kl"]
           for _ in range(15)]
    assert abs(kls[-1]) < abs(kls[0]) and abs(p5(model) - start) < abs(moved - start)
    with pytest.raises(ValueError, match="advantage"):
        loop.update([Sample([1, 2], [5], [], reward=1.0)])
