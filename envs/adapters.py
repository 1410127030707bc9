"""Adapters: a Gymnasium environment, and TRL's ``environment_factory`` interface.

``GymTextEnv(env)`` is a ``gymnasium.Env`` with text observations and text
actions (``reset`` returns ``(observation, info)``, ``step`` the five-tuple with
``terminated`` and ``truncated``).

``TRLEnvironment`` fits TRL's ``GRPOTrainer(environment_factory=...)``: ``reset``
returns the first observation as text (TRL appends it to the prompt), the
environment's one public method ``act(action)`` is the tool the model calls each
turn, and ``get_reward()`` scores the finished rollout. Invalid actions cost
``invalid_penalty`` each.
"""

from __future__ import annotations

from typing import Any, Callable

from agentmem.errors import missing
from envs.base import EpisodeDoneError, TextEnv

__all__ = ["GymTextEnv", "TRLEnvironment", "trl_factory"]  # noqa: F822 (GymTextEnv: lazy)


def _gym():
    try:
        import gymnasium
    except ImportError:
        raise missing("gymnasium", "envs", "The Gymnasium wrapper") from None
    return gymnasium


def _make_gym_class():
    gym = _gym()
    from gymnasium import spaces

    class _GymTextEnv(gym.Env):
        """A :class:`TextEnv` as a ``gymnasium.Env`` (text in, text out)."""

        metadata = {"render_modes": ["ansi"]}

        def __init__(self, env: TextEnv, max_length: int = 100_000):
            super().__init__()
            self.env = env
            charset = "".join(chr(i) for i in range(32, 127)) + "\n\t"
            self.observation_space = spaces.Text(max_length=max_length, charset=charset)
            self.action_space = spaces.Text(max_length=512, charset=charset)
            self._last = ""

        def reset(self, *, seed: int | None = None, options: dict | None = None):
            super().reset(seed=seed)
            self._last = self.env.reset(seed)
            return self._last, self.env.info()

        def step(self, action: str):
            obs, reward, done, info = self.env.step(action)
            self._last = obs
            truncated = bool(info.get("truncated"))
            return obs, reward, done and not truncated, truncated, info

        def render(self) -> str:
            return self._last

    return _GymTextEnv


def __getattr__(name: str) -> Any:  # GymTextEnv is built on first use (gymnasium is optional)
    if name == "GymTextEnv":
        cls = _make_gym_class()
        cls.__name__ = cls.__qualname__ = "GymTextEnv"
        globals()["GymTextEnv"] = cls
        return cls
    raise AttributeError(name)


class TRLEnvironment:
    """One rollout's environment for TRL's ``GRPOTrainer(environment_factory=...)``.

    Args:
        make_env: builds the :class:`TextEnv` (called once per instance).
        invalid_penalty: subtracted from the reward for each invalid action.
    """

    def __init__(self, make_env: Callable[[], TextEnv], invalid_penalty: float = 0.1):
        self.env = make_env()
        self.invalid_penalty = invalid_penalty
        self.invalid = 0

    def reset(self, seed: int | None = None, **_: Any) -> str:
        """Start an episode (TRL passes the dataset row's fields; ``seed`` picks the episode)."""
        self.invalid = 0
        obs = self.env.reset(int(seed) if seed is not None else None)
        actions = ", ".join(self.env.admissible_actions())
        return f"\n{obs}\nAdmissible actions: {actions}"

    def act(self, action: str) -> str:
        """Take one action in the environment and return what happens next.

        Args:
            action: one of the admissible actions listed in the last observation.
        """
        try:
            obs, _, done, info = self.env.step(action)
        except EpisodeDoneError:
            return "The episode is over."
        self.invalid += bool(info.get("invalid"))
        if done:
            return f"{obs}\nThe episode is over."
        return f"{obs}\nAdmissible actions: {', '.join(info['admissible'])}"

    def get_reward(self) -> float:
        """The episode's outcome minus the invalid-action penalty."""
        return float(self.env.total_reward) - self.invalid_penalty * self.invalid


def trl_factory(make_env: Callable[[], TextEnv], invalid_penalty: float = 0.1
                ) -> Callable[[], TRLEnvironment]:
    """A zero-argument factory for ``GRPOTrainer(environment_factory=...)``."""
    return lambda: TRLEnvironment(make_env, invalid_penalty)
