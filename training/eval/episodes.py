"""Run an actor through environment episodes, with or without memory.

Memory here is three structures working together (all in one :class:`Memory`):

* **notes**: facts the environment marks as worth keeping (where an object was
  seen, a shopper's stated preference), stored as ``item`` records;
* **lessons**: after each episode, a :class:`~agentmem.structures.lessons.LessonStore`
  keeps a success's steps whole, as an exemplar to follow, and distils a failure
  into a lesson on what went wrong; before the next, the best lessons and notes
  for the task are handed to the actor;
* **task tree**: each episode is a :class:`~agentmem.structures.tasks.TaskTree` whose steps
  are the actions taken with what they produced; the actor sees its prompt (the
  task and the recent steps) within a token budget.

Without any memory the loop still keeps the episode's own trace in one way: the
admissible actions are listed with those already taken this episode last
(:func:`policies.actor.untried_first`), so the first place listed is one the actor
has not been to. The RL rollouts (:func:`training.rollout.play_actor_episode`) list
them the same way.

``run_series`` plays consecutive episodes (a persistent household, a recurring
shopper) and returns one row per episode, the learning curve.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

from agentmem.errors import AgentMemError
from agentmem.memory import Memory
from agentmem.progress import track
from agentmem.protocols import ActorPolicy
from agentmem.records import Kind
from agentmem.structures.lessons import LessonStore
from agentmem.structures.tasks import TaskTree
from envs.base import INVALID_ACTION, TextEnv
from policies.actor import untried_first

__all__ = ["EpisodeResult", "EnvMemory", "run_episode", "run_series"]


@dataclass
class EpisodeResult:
    """One episode's outcome (a row of the learning curve)."""

    episode: int
    seed: int
    task: str
    success: bool
    reward: float
    steps: int
    invalid: int
    seconds: float
    llm_calls: int = 0
    trajectory: list[tuple[str, str]] = field(default_factory=list)
    subgoal_share: float = 0.0  # env.progress() at the end: how far a lost episode got

    def row(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("trajectory")
        return out


class EnvMemory:
    """Notes, lessons and task trees for an actor, in one scope of a :class:`Memory`.

    Args:
        memory: the store (one per agent; a persistent home keeps it between episodes).
        lessons: distil and retrieve lessons.
        tasks: keep a task tree per episode and show its prompt to the actor.
        notes: store the environment's memory notes and retrieve them per task.
        llm: writes lessons (``None``: plain lessons from the last steps).
        k: lessons and notes handed to the actor.
        budget: token budget of the task-tree prompt.
    """

    def __init__(self, memory: Memory, *, lessons: bool = True, tasks: bool = True,
                 notes: bool = True, llm: Any = None, agent_id: str = "actor", k: int = 4,
                 budget: int = 160):
        self.memory, self.agent_id, self.k, self.budget = memory, agent_id, k, budget
        self.use_tasks, self.use_notes = tasks, notes
        self.lessons = LessonStore(memory, llm, agent_id=agent_id) if lessons else None
        self._seen: set[str] = {r.content for r in memory.list(agent_id=agent_id,
                                                               kinds=[Kind.ITEM], limit=10_000)}

    def hints(self, task: str) -> list[Any]:
        out: list[Any] = []
        if self.lessons is not None:
            out += self.lessons.retrieve(task, k=self.k)
        if self.use_notes and self._seen:
            out += [h.record for h in self.memory.search(task, k=self.k, kinds=[Kind.ITEM],
                                                         agent_id=self.agent_id)]
        return out

    def note(self, texts: Sequence[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if self.use_notes and new:
            self.memory.add_many(new, kind=Kind.ITEM, agent_id=self.agent_id, actor="env")
            self._seen.update(new)

    def finish(self, task: str, trajectory: list[tuple[str, str]], success: bool,
               ref: str) -> None:
        """Trajectory memory: a success is kept whole, as an exemplar of the steps that
        worked (Agent Workflow Memory); a failure is distilled into a lesson on what went
        wrong (ReasoningBank)."""
        if self.lessons is None or not trajectory:
            return
        if success:
            self.lessons.exemplar(task, [a for a, obs in trajectory if obs != INVALID_ACTION],
                                  ref=ref)
        else:
            self.lessons.distil(task, trajectory, success=False, ref=ref, max_lessons=1)


def _hands_taken(actor: ActorPolicy) -> bool:
    # ``taken=`` came to ActorPolicy.act after actors were written against the older
    # signature; those keep working, without the episode so far.
    try:
        params = inspect.signature(actor.act).parameters.values()
    except (TypeError, ValueError):  # a builtin or C callable: no signature to read
        return False
    return any(p.name == "taken" or p.kind is p.VAR_KEYWORD for p in params)


def run_episode(env: TextEnv, actor: ActorPolicy, *, seed: int, episode: int = 0,
                memory: EnvMemory | None = None) -> EpisodeResult:
    """Play one episode; with ``memory``, use and update it."""
    start = time.perf_counter()
    obs = env.reset(seed)
    task, info = env.task, env.info()
    hints = memory.hints(task) if memory is not None else []
    used = [h.id for h in hints if getattr(h, "title", None)]  # lessons, for their statistics
    tree = TaskTree.open(memory.memory, task, agent_id=memory.agent_id) \
        if memory is not None and memory.use_tasks else None
    if memory is not None:
        memory.note(env.memory_notes(obs))
    trajectory: list[tuple[str, str]] = []
    invalid, calls, done, reward = 0, 0, False, 0.0
    hands_taken = _hands_taken(actor)
    while not done:
        # The task on the first line, then (with memory) its tree of steps so far: the
        # actor finds the task's own words on that line (policies.actor.task_line).
        prompt = f"Task: {task}"
        if tree is not None:
            prompt += "\n" + tree.prompt(memory.budget)
        taken = [a for a, _ in trajectory]
        admissible = untried_first(info["admissible"], taken)
        act = (actor.act(obs, admissible, prompt, hints, taken=taken) if hands_taken else
               actor.act(obs, admissible, prompt, hints))
        calls += act.usage.calls
        obs, reward, done, info = env.step(act.action)
        invalid += bool(info.get("invalid"))
        trajectory.append((act.action, obs))
        if memory is not None:
            memory.note(env.memory_notes(obs))
        if tree is not None:
            step = tree.add_subtask(tree.root.id, act.action,
                                    status="failed" if info.get("invalid") else "done")
            tree.record_output(step.id, {"saw": obs[:100]})
    success = bool(info.get("won", reward >= 1.0))
    if tree is not None:
        tree.set_status(tree.root.id, "done" if success else "failed")
    if memory is not None:
        try:
            memory.finish(task, trajectory, success, ref=f"{env.name} seed {seed}")
            if memory.lessons is not None and used:
                memory.lessons.record_outcome(used, success)
        except AgentMemError:  # memory upkeep must never lose the episode's result
            pass
    return EpisodeResult(episode, seed, task, success, float(env.total_reward), env.steps,
                         invalid, time.perf_counter() - start, calls, trajectory,
                         subgoal_share=float(env.progress()))


def run_series(make_env: Callable[[], TextEnv], actor_factory: Callable[[], ActorPolicy], *,
               episodes: int, memory: EnvMemory | None = None, seed0: int = 0,
               progress: bool = True, on_episode: Callable[[EpisodeResult], None] | None = None
               ) -> list[EpisodeResult]:
    """Consecutive episodes with seeds ``seed0, seed0 + 1, ...`` on one environment."""
    env = make_env()
    out = []
    for i in track(range(episodes), f"{env.name} episodes", enabled=progress,
                   transient=True):
        result = run_episode(env, actor_factory(), seed=seed0 + i, episode=i, memory=memory)
        out.append(result)
        if on_episode is not None:
            on_episode(result)
    return out
