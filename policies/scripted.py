"""Scripted actors: rule-based baselines for the household and the shop.

They need no model, so episode runs, demos and CI smoke tests are fast; they use
memory the same way an LLM actor does, through the hints passed as ``lessons``
("a mug was in cabinet 3", "the shopper's usual size is m ..."), so the
difference memory makes is measurable without any model in the loop. They keep
a little state per episode (places visited) and reset it when the task changes.
"""

from __future__ import annotations

import re
from typing import Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.protocols import Action
from policies.actor import PROCESSES
from policies.manager import as_records

__all__ = ["HouseholdExplorer", "ShopperActor", "PlanFollower"]

_TASK = re.compile(r"(?:Your task is to: |Task: )?(put|look at) (?:a |an |two )?(clean |hot |cool )?"
                   r"(\w+) (?:in|on|under) (?:the )?(\w+)")


def _hints(lessons: Sequence) -> list[str]:
    return [getattr(r, "content", str(r)) for r in as_records(lessons)]


class HouseholdExplorer:
    """Look in likely places, take the object, process it, put it at the target.

    With memory hints it goes first to where the object was seen before.
    """

    def __init__(self) -> None:
        self._task = ""
        self._visited: list[str] = []
        self._processed: set[str] = set()
        self._placed = 0
        self._seen: dict[str, bool] = {}

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence = (), *, taken: Sequence[str] = ()) -> Action:
        m = _TASK.search(task_prompt) or _TASK.search(observation)
        if m is None:
            return Action(action=admissible[0], raw="no task recognised")
        verb, state, obj, target = m.groups()
        if m.group(0) != self._task:  # a new task: forget the last episode's state
            self._task, self._visited, self._processed, self._placed = m.group(0), [], set(), 0
            self._seen: dict[str, bool] = {}
        acts = list(admissible)
        here = next((a[len("examine "):] for a in acts if a.startswith("examine ")
                     and a[len("examine "):].rsplit(" ", 1)[0] not in (obj,)), None)
        holding = next((a.split()[1] + " " + a.split()[2] for a in acts
                        if a.startswith(("put ", "clean ", "heat ", "cool "))), None)
        if holding is None:
            holding = next((a[len("examine "):] for a in acts if a.startswith(f"examine {obj} ")),
                           None)
        if here and here not in self._visited:
            self._visited.append(here)
        if here and "you see" in observation:  # what is where, within this episode
            if re.search(rf"\b{obj} \d", observation) and here.split()[0] != target:
                self._seen[here] = True
            else:
                self._seen.pop(here, None)

        def pick(action: str) -> Action:
            return Action(action=action)

        def go(kind: str) -> Action | None:
            return next((pick(a) for a in acts if a.startswith(f"go to {kind} ")), None)

        if holding and holding.startswith(obj + " "):
            if verb == "look at":
                use = next((a for a in acts if a.startswith("use desklamp")), None)
                return pick(use) if use else (go("desklamp") or pick(acts[0]))
            if state and holding not in self._processed:
                verb_, place = PROCESSES[state.strip()]
                doing = next((a for a in acts if a.startswith(f"{verb_} {holding} with")), None)
                if doing:
                    self._processed.add(holding)
                    return pick(doing)
                return go(place) or pick(acts[0])
            put = next((a for a in acts if a.startswith(f"put {holding} ")
                        and a.split()[-2] == target), None)
            if put:
                self._placed += 1
                self._processed.discard(holding)
                return pick(put)
            opening = next((a for a in acts if a.startswith(f"open {target} ")), None)
            if opening:
                return pick(opening)
            return go(target) or pick(acts[0])
        if here and here.split()[0] != target:
            take = next((a for a in acts if a.startswith(f"take {obj} ")), None)
            if take:
                return pick(take)
        opening = next((a for a in acts if a.startswith("open ")), None)
        if opening and here and here.split()[0] != target:
            return pick(opening)
        # Where to look next: remembered places first, then everything not yet visited.
        remembered = [h.split(" was ")[-1].split(" ", 1)[-1] for h in _hints(lessons)
                      if re.match(rf"an? {obj} was (in|on) ", h)]
        places = [a[len("go to "):] for a in acts if a.startswith("go to ")]
        for place in self._seen:  # seen there earlier in this episode
            if place in places:
                return pick(f"go to {place}")
        for place in [*remembered, *places]:
            if place in places and place not in self._visited and place.split()[0] != target:
                return pick(f"go to {place}")
        return pick(next((a for a in acts if a.startswith("go to ")), acts[0]))


class ShopperActor:
    """Search for the attributes and type, open the best-matching result, pick the
    options the instruction names (or the remembered usual ones), buy."""

    def __init__(self) -> None:
        self._task = ""
        self._tried: list[str] = []

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence = (), *, taken: Sequence[str] = ()) -> Action:
        pattern = r"i need (?:a|an) (.*?), and price lower than ([\d.]+)"
        m = re.search(pattern, observation) or re.search(pattern, task_prompt)
        text = m.group(0) if m else task_prompt or observation
        if text != self._task:  # a new instruction: a new episode
            self._task, self._tried = text, []
        want, cap = (m.group(1), float(m.group(2))) if m else (text, float("inf"))
        options = dict(re.findall(r"(\w+): ([^,()]+?)\s*(?=[,(]|$)", want))
        for hint in _hints(lessons):
            usual = re.search(r"usual size is (\S+) and usual color is (\w+)", hint)
            if usual and "usual size" in want:
                options.setdefault("size", usual.group(1))
                options.setdefault("color", usual.group(2))
        words = re.split(r", with |, in my usual", want)[0]
        acts = list(admissible)
        if acts == ["search[...]"]:
            return Action(action=f"search[{words.replace(' and ', ' ')}]")
        product_ids = [a for a in acts if re.fullmatch(r"click\[b[0-9a-f]{9}\]", a)]
        if product_ids:
            listed = {pid: (title, float(price)) for pid, title, price in re.findall(
                r"\[SEP\] (b[0-9a-f]{9}) \[SEP\] ([^\[]+?) \[SEP\] \$([\d.]+)", observation)}
            wanted = set(re.findall(r"[\w-]+", words.lower()))

            def score(a: str) -> tuple[bool, int]:
                title, price = listed.get(a[6:-1], ("", float("inf")))
                return price <= cap, len(wanted & set(re.findall(r"[\w-]+", title.lower())))

            fresh = [a for a in product_ids if a not in self._tried]
            if not fresh and "click[next >]" in acts:
                return Action(action="click[next >]")
            best = max(fresh or product_ids, key=score)
            self._tried.append(best)
            return Action(action=best)
        if "click[buy now]" in acts:
            chosen = re.search(r"chosen: ([^\[]+)", observation)
            have = dict(kv.split("=") for kv in chosen.group(1).strip().split(", ")) if chosen \
                else {}
            price = re.search(r"Price: \$([\d.]+)", observation)
            # A wanted option is missing when this product does not offer it; one already
            # chosen is not listed again (the shop leaves it out), but it is there.
            missing = [v for k, v in options.items()
                       if have.get(k) != v.strip() and f"click[{v.strip()}]" not in acts]
            if (missing or (price and float(price.group(1)) > cap)) and len(self._tried) < 4:
                return Action(action="click[< prev]")  # not this one: try the next result
            for kind, value in options.items():
                value = value.strip()
                if have.get(kind) != value and f"click[{value}]" in acts:
                    return Action(action=f"click[{value}]")
            return Action(action="click[buy now]")
        return Action(action=acts[0])


class PlanFollower:
    """Takes the actions of a plan in order, one per call: a demonstration.

    With ``env`` the plan is the environment's own ``expert_plan()``, read when an
    episode starts (``env.steps == 0``); with ``plan`` it is a fixed list (a recorded
    trajectory, replayed). Past the end of its plan it answers ``look`` (the episode
    should be over by then; the caller sees it as not won).
    """

    def __init__(self, env=None, plan: Sequence[str] | None = None) -> None:
        if (env is None) == (plan is None):
            raise InvalidArgumentError("give PlanFollower either env= (its expert plan) or "
                                       "plan= (a list of actions)")
        if env is not None and not hasattr(env, "expert_plan"):
            raise InvalidArgumentError(f"environment {getattr(env, 'name', env)!r} has no "
                                       "expert_plan(); pass plan= instead")
        self.env, self.plan, self.taken = env, list(plan or []), 0

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence = (), *, taken: Sequence[str] = ()) -> Action:
        if self.env is not None and self.env.steps == 0:
            self.plan, self.taken = list(self.env.expert_plan()), 0
        action = self.plan[self.taken] if self.taken < len(self.plan) else "look"
        self.taken += 1
        return Action(action=action, raw="demonstration")
