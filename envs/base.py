"""The environment API every text environment here implements.

``reset(seed) -> observation``; ``step(action) -> (observation, reward, done, info)``
with the admissible actions in ``info["admissible"]``, a step limit, and the same
episode for the same seed. An action outside the environment's grammar is not an
error: it returns the documented invalid-action observation, reward 0 and
``info["invalid"] = True``. Stepping a finished episode raises
:class:`EpisodeDoneError` (call ``reset``).

:class:`TrajectoryRecorder` writes episodes as JSONL; :func:`replay` steps a fresh
environment through a recorded episode and checks it unfolds the same way.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from agentmem.errors import AgentMemError, InvalidArgumentError

__all__ = ["TextEnv", "EpisodeDoneError", "INVALID_ACTION", "TrajectoryRecorder", "replay",
           "Step", "read_trajectories"]

#: What an environment answers to an action it cannot parse or carry out.
INVALID_ACTION = "Nothing happens."


class EpisodeDoneError(AgentMemError, RuntimeError):
    """``step`` was called after the episode ended."""


@dataclass
class Step:
    """One transition, as recorded."""

    action: str
    observation: str
    reward: float
    done: bool
    info: dict[str, Any] = field(default_factory=dict)


class TextEnv(ABC):
    """Base class: step counting, the step limit, the done guard and recording.

    Subclasses implement ``_reset(seed) -> str``, ``_step(action) -> (obs, reward, done,
    info)`` and ``admissible_actions()``; ``task`` is the episode's instruction.
    """

    name = "text"

    def __init__(self, max_steps: int = 50):
        if max_steps < 1:
            raise InvalidArgumentError(f"max_steps must be >= 1, got {max_steps}")
        self.max_steps = max_steps
        self.steps = 0
        self.done = True
        self.seed: int | None = None
        self.task = ""
        self.total_reward = 0.0
        self.recorder: TrajectoryRecorder | None = None

    @abstractmethod
    def _reset(self, seed: int) -> str: ...

    @abstractmethod
    def _step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]: ...

    @abstractmethod
    def admissible_actions(self) -> list[str]: ...

    def reset(self, seed: int | None = None) -> str:
        """Start an episode; the same seed gives the same episode."""
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise InvalidArgumentError(f"seed must be an int, got {type(seed).__name__}")
        self.seed = 0 if seed is None else seed
        self.steps, self.done, self.total_reward = 0, False, 0.0
        obs = self._reset(self.seed)
        if self.recorder is not None:
            self.recorder.start(self, obs)
        return obs

    def step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        """Take ``action``; returns ``(observation, reward, done, info)``."""
        if self.done:
            raise EpisodeDoneError("the episode is over (or was never started); call reset() "
                                   "before stepping again")
        if not isinstance(action, str):
            raise InvalidArgumentError(f"action must be a string, got {type(action).__name__}")
        self.steps += 1
        obs, reward, done, info = self._step(" ".join(action.strip().split()))
        info.setdefault("invalid", False)
        if not done and self.steps >= self.max_steps:
            done, info["truncated"] = True, True
        self.done = done
        self.total_reward += reward
        info["admissible"] = [] if done else self.admissible_actions()
        info["steps"] = self.steps
        if self.recorder is not None:
            self.recorder.record(Step(action, obs, reward, done, _plain(info)))
        return obs, reward, done, info

    def subgoals(self) -> dict[str, bool]:
        """The episode's sub-goals and whether each was reached so far (a shaped reward
        reads these); the base class knows one, the task itself."""
        return {"done": self.total_reward >= 1.0}

    def progress(self) -> float:
        """The share of the episode's sub-goals reached so far, in 0..1."""
        goals = self.subgoals()
        return sum(goals.values()) / len(goals) if goals else 0.0

    def memory_notes(self, observation: str) -> list[str]:
        """Facts in ``observation`` worth remembering across episodes (where things are, a
        user's stated preferences); the runner stores them when memory is on. None here."""
        return []

    def info(self) -> dict[str, Any]:
        """What ``reset`` would put in info: the task and the admissible actions."""
        return {"task": self.task, "admissible": self.admissible_actions(), "steps": self.steps}


def _plain(info: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(info, default=str))


class TrajectoryRecorder:
    """Append every episode of an environment to a JSONL file, one line per episode.

    Example:
        >>> env.recorder = TrajectoryRecorder("episodes.jsonl")   # doctest: +SKIP
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._episode: dict[str, Any] | None = None

    def start(self, env: TextEnv, observation: str) -> None:
        self.flush()
        self._episode = {"env": env.name, "config": getattr(env, "config", lambda: {})(),
                         "seed": env.seed, "task": env.task, "observation": observation,
                         "steps": []}

    def record(self, step: Step) -> None:
        if self._episode is None:
            return
        self._episode["steps"].append(step.__dict__)
        if step.done:
            self.flush()

    def flush(self) -> None:
        if self._episode is not None and self._episode["steps"]:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(self._episode, ensure_ascii=False) + "\n")
        self._episode = None


def read_trajectories(path: str | Path) -> Iterator[dict[str, Any]]:
    """The episodes of a recorder file."""
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidArgumentError(f"{path}:{n} is not a JSON line: {exc}") from None


def replay(episode: dict[str, Any], make_env: Callable[[], TextEnv]) -> list[str]:
    """Step a fresh environment through a recorded episode.

    Returns the differences (empty when the episode unfolds exactly as recorded).
    """
    env = make_env()
    diffs = []
    if (obs := env.reset(episode["seed"])) != episode["observation"]:
        diffs.append(f"reset: {obs[:80]!r} != {episode['observation'][:80]!r}")
    for i, s in enumerate(episode["steps"]):
        obs, reward, done, _ = env.step(s["action"])
        if (obs, reward, done) != (s["observation"], s["reward"], s["done"]):
            diffs.append(f"step {i} ({s['action']!r}): got {(obs[:60], reward, done)}, "
                         f"recorded {(s['observation'][:60], s['reward'], s['done'])}")
    return diffs
