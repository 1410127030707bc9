"""Supervised examples for the actor, from demonstrations played through the runtime's
own episode loop.

A demonstration comes from one of three teachers:

- ``explorer``: the environment's scripted actor (:mod:`policies.scripted`), which sees
  only what the LLM actor sees (the observation, the task, the hints memory hands it),
  so its choices can be imitated from the prompt; with memory it goes straight to where
  a thing was seen before, so the demonstrations also show memory being used. Episodes
  it does not win are dropped (counted in ``dropped``). The household's default.
- ``plan``: the environment's ``expert_plan()``. The household's plan reads the true state
  (it walks straight to the hidden object), which no prompt shows: an actor trained on it
  learns to guess. The shop's plan is an oracle too (it clicks the target product and
  the shopper's options, usual ones included, even where no prompt without memory names
  them); it is the shop's default because the shop has no scripted teacher that sees
  only what the actor sees and wins as often (``policies.scripted.ShopperActor`` wins
  22% without memory on held-out shoppers).
- a recorded trajectory (a :class:`envs.TrajectoryRecorder` file).

Each is played by :func:`training.eval.episodes.run_episode`, the loop ``agentmem
eval`` and the demos use, with or without memory, and at every turn the prompt that
:class:`policies.PromptedActor` would send is recorded next to the demonstrated
action written as the constrained reply (:func:`policies.actor.action_reply`). So the
supervised data is the inference prompt, token for token, including the task tree,
the notes and the lessons memory hands the actor.

A plan or a recorded trajectory that is not valid in its environment (an action the
environment rejects, or an episode that does not end in success) raises
:class:`ConfigError` before any training starts.

Held out, never trained on: the household's ``unseen`` homes, and shoppers numbered
from :data:`HELD_OUT_SHOPPERS` up.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Sequence

from agentmem.embeddings import make_embedder
from agentmem.errors import ConfigError
from agentmem.memory import Memory
from envs import make_env
from envs.base import read_trajectories

__all__ = ["actor_examples", "MEMORY_VARIANTS", "HELD_OUT_SHOPPERS", "RecordingActor", "EXPERTS",
           "default_expert", "check_options", "check_held_out"]

EXPERTS = ("explorer", "plan")
"""Who demonstrates when no trajectory file is given (see the module docstring)."""


def default_expert(env_name: str) -> str:
    """The default teacher: the household's explorer (its plan reads hidden state), the
    shop's plan (an oracle: it clicks the target product and the shopper's options)."""
    return "explorer" if env_name == "household" else "plan"


MEMORY_VARIANTS = ("none", "full")
"""What the demonstrations are played with: no memory, or notes + lessons + task tree
(the ``full`` variant of ``agentmem eval household|shop``)."""

MOVES = ("go to ", "open ")
"""Actions that walk or open (most of a household episode's turns)."""

TAKES = ("take ",)
"""Actions that pick an object up: where the task's words decide the turn."""

HELD_OUT_SHOPPERS = 1000
"""Shoppers from this number up are for evaluation only."""


class RecordingActor:
    """Wraps a demonstrating actor; records each turn's runtime prompt and its action."""

    def __init__(self, teacher: Any):
        from policies import PromptedActor

        self.teacher, self.render = teacher, PromptedActor(None)
        self.rows: list[dict[str, Any]] = []

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence = (), *, taken: Sequence[str] = ()) -> Any:
        from policies.actor import action_reply, is_admissible

        action = self.teacher.act(observation, admissible, task_prompt, lessons, taken=taken)
        messages, actions = self.render.prompt(observation, admissible, task_prompt, lessons,
                                               taken=taken)
        self.rows.append({"prompt": messages,
                          "completion": [{"role": "assistant",
                                          "content": action_reply(action.action)}],
                          "action": action.action,
                          "admissible": is_admissible(action.action, actions)})
        return action


def check_options(*, memory: Sequence[str], expert: str | None, moves: float,
                  takes: int) -> None:
    """Refuse demonstration options :func:`actor_examples` cannot use (``SFTConfig``
    checks its flags with this too, before any work starts)."""
    bad = [m for m in memory if m not in MEMORY_VARIANTS]
    if bad or not memory:
        raise ConfigError(f"memory variants {bad or '(none given)'}: choose from "
                          f"{', '.join(MEMORY_VARIANTS)}")
    if expert is not None and expert not in EXPERTS:
        raise ConfigError(f"expert={expert!r}: choose {' or '.join(EXPERTS)}")
    if not 0 < moves <= 1:
        raise ConfigError(f"moves={moves}: the share of plain moves kept must be in (0, 1]")
    if takes < 1:
        raise ConfigError(f"takes={takes}: each take turn appears at least once")


def check_held_out(env_name: str, instances: Sequence[int], split: str = "seen") -> None:
    """Refuse to train on what evaluation holds out: the household's unseen homes, and
    shoppers numbered from :data:`HELD_OUT_SHOPPERS` up."""
    if env_name == "household" and split != "seen":
        raise ConfigError("the household's unseen homes are held out for evaluation; train on "
                          "split 'seen'")
    if env_name == "shop" and any(i >= HELD_OUT_SHOPPERS for i in instances):
        raise ConfigError(f"shoppers {HELD_OUT_SHOPPERS} and up are held out for evaluation; "
                          f"train on lower shopper numbers")


def _episodes(env_name: str, instances: Sequence[int], episodes: int, seed0: int,
              trajectories: str | Path | None) -> list[tuple[int, int, list[str] | None]]:
    """(instance, seed, recorded actions or None for the expert plan) per episode."""
    if trajectories is None:
        return [(i, seed0 + e, None) for i in instances for e in range(episodes)]
    path = Path(trajectories)
    if not path.is_file():
        raise ConfigError(f"trajectory file {path} does not exist; record one with "
                          "envs.TrajectoryRecorder or leave --trajectories out to use the "
                          "expert plans")
    out = []
    for n, ep in enumerate(read_trajectories(path), 1):
        if ep.get("env") != env_name:
            raise ConfigError(f"{path} episode {n} is from environment {ep.get('env')!r}, not "
                              f"{env_name!r}; pass --env {ep.get('env')}")
        config = ep.get("config") or {}
        if config.get("split", "seen") != "seen":
            raise ConfigError(f"{path} episode {n} was played in a {config['split']} home; "
                              "those are held out for evaluation")
        instance = config.get("home", config.get("shopper"))
        if instance is None:
            raise ConfigError(f"{path} episode {n} does not say which home or shopper it was "
                              "played in (its config has no 'home' or 'shopper')")
        out.append((int(instance), int(ep["seed"]), [s["action"] for s in ep["steps"]]))
    if not out:
        raise ConfigError(f"{path} holds no episodes")
    return out


def actor_examples(env_name: str = "household", *, instances: Sequence[int] = (1, 2, 3, 4),
                   episodes: int = 6, memory: Sequence[str] = MEMORY_VARIANTS,
                   trajectories: str | Path | None = None, split: str = "seen",
                   max_steps: int | None = None, seed: int = 0, limit: int | None = None,
                   embedder: Any = "minilm", expert: str | None = None,
                   dropped: list[tuple[int, int]] | None = None,
                   moves: float = 1.0, takes: int = 1) -> list[dict[str, Any]]:
    """Rows ``{"prompt": messages, "completion": [reply], "env", "instance", "seed",
    "memory", "action"}``: every turn of every demonstration, under each memory variant.

    Each (memory variant, instance) plays its episodes in order with one memory, so
    later episodes see the notes, exemplars and lessons earlier ones left, as in a
    persistent home or with a recurring shopper at inference. ``expert`` picks the
    teacher (:data:`EXPERTS`; default :func:`default_expert`); the explorer's lost
    episodes are left out and, when ``dropped`` is a list, appended to it as
    ``(instance, seed)``. ``moves`` is the share of plain moves (:data:`MOVES`) kept:
    below 1 more of the training goes to the turns that need the task's words (which
    object to take, where to put it). ``takes`` repeats each turn that picks an object up:
    about one turn in ten, and the one a fine-tuned actor forgets first (see
    ``benchmarks/bench_actor_agreement.py``).
    """
    check_options(memory=memory, expert=expert, moves=moves, takes=takes)
    from policies.scripted import PlanFollower
    from training.eval.envs_eval import make_actor
    from training.eval.episodes import EnvMemory, run_episode

    expert = expert or default_expert(env_name)
    explorer = make_actor("scripted", env_name)
    plan = _episodes(env_name, instances, episodes, seed, trajectories)
    check_held_out(env_name, sorted({i for i, _, _ in plan}), split)
    by_instance: dict[int, list[tuple[int, list[str] | None]]] = {}
    for instance, ep_seed, actions in plan:
        by_instance.setdefault(instance, []).append((ep_seed, actions))
    rows: list[dict[str, Any]] = []
    # One embedder for every fresh memory below (a name would load the model each time).
    embedder = make_embedder(embedder) if "full" in memory else None
    for variant in memory:
        for instance, eps in by_instance.items():
            env = make_env(env_name, instance=instance, split=split, max_steps=max_steps)()
            store = Memory(home=":memory:", embedder=embedder) if variant == "full" else None
            env_memory = EnvMemory(store) if store is not None else None
            try:
                for n, (ep_seed, actions) in enumerate(eps):
                    exploring = actions is None and expert == "explorer"
                    teacher = (PlanFollower(plan=actions) if actions is not None else
                               explorer() if exploring else PlanFollower(env=env))
                    recorder = RecordingActor(teacher)
                    result = run_episode(env, recorder, seed=ep_seed, episode=n,
                                         memory=env_memory)
                    where = (f"{env_name} {'home' if env_name == 'household' else 'shopper'} "
                             f"{instance}, seed {ep_seed}")
                    if result.invalid or not all(r["admissible"] for r in recorder.rows):
                        raise ConfigError(f"the demonstration for {where} takes an action the "
                                          f"environment rejects; fix or drop that episode")
                    if not result.success and exploring:
                        if dropped is not None:
                            dropped.append((instance, ep_seed))
                        continue
                    if not result.success:
                        raise ConfigError(f"the demonstration for {where} does not solve the "
                                          f"task ({result.steps} steps); supervised data must "
                                          "be successful episodes")
                    rows += [{"prompt": r["prompt"], "completion": r["completion"],
                              "env": env_name, "instance": instance, "seed": ep_seed,
                              "memory": variant, "action": r["action"]} for r in recorder.rows]
            finally:
                if store is not None:
                    store.close()
    rng = random.Random(seed)
    rows = [r for r in rows if moves >= 1 or not r["action"].startswith(MOVES)
            or rng.random() < moves]
    rows += [r for r in rows if r["action"].startswith(TAKES) for _ in range(takes - 1)]
    rng.shuffle(rows)
    return rows[:limit] if limit else rows
