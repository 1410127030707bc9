"""PPO's value head. This module imports torch at load, so it is imported only where
torch is needed (:class:`training.ppo.PPOLoop`); ``training.ppo`` itself stays
importable without torch and resolves ``ValueHead`` from here on first use."""

from __future__ import annotations

import torch

__all__ = ["ValueHead"]


class ValueHead(torch.nn.Module):
    """A scalar value per position from the policy's last hidden state (zero at start,
    so the first advantages are the rewards themselves)."""

    def __init__(self, hidden: int):
        super().__init__()
        self.linear = torch.nn.Linear(hidden, 1)
        torch.nn.init.zeros_(self.linear.weight)
        torch.nn.init.zeros_(self.linear.bias)

    def forward(self, hidden_states):
        return self.linear(hidden_states.float()).squeeze(-1)
