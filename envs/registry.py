"""The actor's environments by name: one factory for the trainers and the evaluation.

Both trainers and ``agentmem eval household`` / ``eval shop`` build their
environments here, so a new environment is registered in one place. The environment modules are imported only
when their factory is asked for (the shop's catalogue is generated on first use).
"""

from __future__ import annotations

from typing import Callable

from agentmem.errors import InvalidArgumentError
from envs.base import TextEnv

__all__ = ["ACTOR_ENVS", "make_env"]

def _household(instance: int, split: str, max_steps: int | None) -> TextEnv:
    from envs.household import HouseholdEnv

    return HouseholdEnv(persistent=True, home=instance, split=split, max_steps=max_steps or 50)


def _shop(instance: int, split: str, max_steps: int | None) -> TextEnv:
    from envs.shop import ShopEnv

    return ShopEnv(shopper=instance, max_steps=max_steps or 15)


# name -> (instance, split, max_steps) -> a fresh environment. A new environment is one line.
_FACTORIES: dict[str, Callable[[int, str, int | None], TextEnv]] = {
    "household": _household, "shop": _shop}

ACTOR_ENVS = tuple(_FACTORIES)
"""The environments an actor plays (and trains in), in the order they are documented."""


def make_env(name: str, *, instance: int = 1, split: str = "seen", max_steps: int | None = None
             ) -> Callable[[], TextEnv]:
    """A factory for ``household`` or ``shop``; ``instance`` picks which persistent home
    (household) or which recurring shopper (shop) every episode of it is played with.

    ``max_steps`` defaults to each environment's own episode limit (50 household
    steps, 15 shop steps). An unknown ``name`` raises :class:`InvalidArgumentError`.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InvalidArgumentError(f"unknown environment {name!r}: {' or '.join(ACTOR_ENVS)}")
    return lambda: factory(instance, split, max_steps)
