"""Household and shop: the same actor with and without memory, episode after episode.

Variants: ``none`` (no memory), ``tasks`` (a task tree per episode only),
``lessons`` (lessons and remembered notes, no task tree), ``full`` (both).
Each variant plays the same series of episodes (the same persistent home or
recurring shopper, the same seeds) with a fresh memory, and its learning curve is
one row per episode.
"""

from __future__ import annotations

import statistics
from typing import Any, Callable, Sequence

from agentmem.embeddings import make_embedder
from agentmem.errors import InvalidArgumentError
from agentmem.memory import Memory
from envs import make_env  # re-exported: the factory lives with the environments
from training.eval.episodes import EnvMemory, EpisodeResult, run_series

__all__ = ["VARIANTS", "run_env_eval", "make_env", "make_actor"]

VARIANTS = ("none", "tasks", "lessons", "full")


def make_actor(kind: str, env_name: str, llm: Any = "local", adapter: str | None = None
               ) -> Callable[[], Any]:
    """``scripted`` (rule-based, no model) or ``llm`` (the prompted actor on ``llm``, with a
    trained LoRA ``adapter`` on the local model when given)."""
    if kind == "scripted":
        if adapter is not None:
            raise InvalidArgumentError("an adapter is for the llm actor; the scripted one has "
                                       "no model")
        from policies.scripted import HouseholdExplorer, ShopperActor

        return HouseholdExplorer if env_name == "household" else ShopperActor
    if kind == "llm":
        from policies import PromptedActor

        # PromptedActor builds a backend string itself, and refuses a built LLM with an
        # adapter (it cannot load one into it).
        actor = PromptedActor(llm, adapter=adapter)
        return lambda: actor
    raise InvalidArgumentError(f"unknown actor {kind!r}: scripted or llm")


def _summary(rows: list[EpisodeResult]) -> dict[str, float]:
    steps = [r.steps for r in rows]
    return {"episodes": len(rows), "success_rate": statistics.mean(r.success for r in rows),
            "score": statistics.mean(r.reward for r in rows),
            "subgoals": statistics.mean(r.subgoal_share for r in rows),
            "avg_steps": statistics.mean(steps),
            "invalid_rate": sum(r.invalid for r in rows) / max(1, sum(steps)),
            "llm_calls": sum(r.llm_calls for r in rows),
            "seconds": sum(r.seconds for r in rows)}


def run_env_eval(env_name: str, *, variants: Sequence[str] = VARIANTS, actor: str = "scripted",
                 llm: Any = "local", episodes: int = 10, instances: Sequence[int] = (1,),
                 embedder: Any = "minilm", seed0: int = 0, max_steps: int | None = None,
                 split: str = "seen", progress: bool = True,
                 on_episode: Callable[[str, EpisodeResult], None] | None = None,
                 adapter: str | None = None) -> dict[str, Any]:
    """Play ``episodes`` episodes per instance (a home or a shopper) for every variant;
    ``adapter`` is a trained actor's LoRA adapter (the llm actor on the local model)."""
    bad = [v for v in variants if v not in VARIANTS]
    if bad:
        raise InvalidArgumentError(f"unknown variants {bad}; choose from {VARIANTS}")
    actor_factory = make_actor(actor, env_name, llm, adapter)
    # One embedder for every fresh memory below (a name would load the model each time).
    embedder = make_embedder(embedder) if any(v != "none" for v in variants) else None
    out: dict[str, Any] = {"env": env_name, "actor": actor, "adapter": adapter,
                           "episodes": episodes,
                           "instances": list(instances), "variants": {}}
    for variant in variants:
        rows: list[EpisodeResult] = []
        for instance in instances:
            memory = None
            store = None
            if variant != "none":
                store = Memory(home=":memory:", embedder=embedder)
                memory = EnvMemory(store, lessons=variant in ("lessons", "full"),
                                   notes=variant in ("lessons", "full"),
                                   tasks=variant in ("tasks", "full"),
                                   llm=llm if actor == "llm" else None)
            callback = (lambda r, v=variant: on_episode(v, r)) if on_episode else None
            env = make_env(env_name, instance=instance, split=split, max_steps=max_steps)
            rows += run_series(env, actor_factory, episodes=episodes, memory=memory, seed0=seed0,
                               progress=progress, on_episode=callback)
            if store is not None:
                store.close()
        curve = [{"episode": i,
                  "success": statistics.mean(r.success for r in rows if r.episode == i),
                  "steps": statistics.mean(r.steps for r in rows if r.episode == i)}
                 for i in range(episodes)]
        out["variants"][variant] = {"summary": _summary(rows), "curve": curve,
                                    "episodes": [r.row() for r in rows]}
    return out
