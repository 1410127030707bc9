"""Multi-turn text environments and their rewards.

Every environment implements :class:`envs.base.TextEnv`: ``reset(seed)`` gives a
text observation, ``step(action)`` gives ``(observation, reward, done, info)`` with
the admissible actions in ``info["admissible"]``.

- :class:`envs.household.HouseholdEnv`: ALFWorld-style homes and the six task types.
- :class:`envs.shop.ShopEnv`: a WebShop-style shop over a generated catalogue.
- :class:`envs.memqa.MemoryQAEnv`: stream a LoCoMo conversation, then answer questions.
- :mod:`envs.facts`: synthetic fact streams with the gold memory operation per turn.
- :class:`envs.textworld_env.TextWorldEnv`: TextWorld games (optional extra).
- :mod:`envs.adapters`: a Gymnasium wrapper and TRL's ``environment_factory`` interface.
- :func:`envs.registry.make_env`: the actor's environments (household, shop) by name.
"""

from envs.base import INVALID_ACTION, EpisodeDoneError, TextEnv, TrajectoryRecorder, replay
from envs.registry import ACTOR_ENVS, make_env

__all__ = ["TextEnv", "EpisodeDoneError", "INVALID_ACTION", "TrajectoryRecorder", "replay",
           "ACTOR_ENVS", "make_env"]
