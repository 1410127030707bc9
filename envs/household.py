"""A household in the style of ALFWorld: procedurally generated homes and six task types.

A home has rooms (kitchen, living room, bedroom, bathroom) with numbered
receptacles (``cabinet 3``, ``fridge 1``), some of which open and close, objects
in them, and appliances: the sink basin cleans, the microwave heats, the fridge
cools, desk lamps give light. The six ALFWorld task types:

==========================  ===========================================
``pick_and_place``          put a mug in coffeemachine.
``look_at_obj_in_light``    look at book under the desklamp.
``pick_clean_then_place``   put a clean plate in cabinet.
``pick_heat_then_place``    put a hot apple in fridge.
``pick_cool_then_place``    put a cool tomato in diningtable.
``pick_two_obj_and_place``  put two cellphone in sofa.
==========================  ===========================================

Commands follow ALFWorld's grammar: ``go to X``, ``take X from Y``,
``put X in/on Y``, ``open X``, ``close X``, ``clean X with Y``, ``heat X with Y``,
``cool X with Y``, ``use X``, ``examine X``, ``look``, ``inventory``. Anything
else gets ``Nothing happens.`` with reward 0. Reward 1 when the goal holds.

**Persistent household** (``persistent=True``): every episode of one
``home`` is set in the same home, objects go back to the same user's habitual
places, and tasks are drawn from that user's few recurring chores; so what an
agent remembers (where the mug lives, what worked last time) makes later
episodes shorter. Splits: ``seen`` homes are home ids 0-9999, ``unseen`` homes
10000 and up (use the first for training and lessons, the second to test).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from agentmem.errors import InvalidArgumentError
from envs.base import INVALID_ACTION, TextEnv

__all__ = ["HouseholdEnv", "TASK_TYPES", "House"]

TASK_TYPES = ("pick_and_place", "look_at_obj_in_light", "pick_clean_then_place",
              "pick_heat_then_place", "pick_cool_then_place", "pick_two_obj_and_place")
UNSEEN_OFFSET = 10_000

# receptacle type -> (room, openable, how many at most)
RECEPTACLES: dict[str, tuple[str, bool, int]] = {
    "cabinet": ("kitchen", True, 6), "drawer": ("kitchen", True, 3),
    "countertop": ("kitchen", False, 2), "fridge": ("kitchen", True, 1),
    "microwave": ("kitchen", True, 1), "sinkbasin": ("kitchen", False, 1),
    "stoveburner": ("kitchen", False, 2), "coffeemachine": ("kitchen", False, 1),
    "diningtable": ("kitchen", False, 1), "garbagecan": ("kitchen", False, 1),
    "sofa": ("livingroom", False, 1), "armchair": ("livingroom", False, 1),
    "sidetable": ("livingroom", False, 2), "shelf": ("livingroom", False, 3),
    "tvstand": ("livingroom", False, 1), "desk": ("bedroom", False, 1),
    "dresser": ("bedroom", False, 1), "bed": ("bedroom", False, 1),
    "safe": ("bedroom", True, 1), "desklamp": ("bedroom", False, 1),
    "toilet": ("bathroom", False, 1), "bathtubbasin": ("bathroom", False, 1),
    "towelholder": ("bathroom", False, 1),
}
# Receptacles that are appliances or fixtures, never a place to leave things.
_NOT_STORAGE = {"microwave", "sinkbasin", "stoveburner", "desklamp", "garbagecan", "toilet",
                "bathtubbasin", "towelholder"}
# object type -> (where it can be found, can be cleaned, heated, cooled)
OBJECTS: dict[str, tuple[tuple[str, ...], bool, bool, bool]] = {
    "apple": (("countertop", "fridge", "diningtable"), True, True, True),
    "egg": (("fridge", "countertop"), False, True, True),
    "potato": (("countertop", "fridge", "cabinet"), True, True, True),
    "tomato": (("countertop", "fridge", "diningtable"), True, True, True),
    "bread": (("countertop", "diningtable"), False, True, True),
    "mug": (("cabinet", "countertop", "coffeemachine", "diningtable"), True, True, True),
    "cup": (("cabinet", "countertop", "diningtable"), True, True, True),
    "plate": (("cabinet", "countertop", "diningtable"), True, True, True),
    "bowl": (("cabinet", "diningtable", "countertop"), True, True, True),
    "pan": (("stoveburner", "cabinet", "countertop"), True, False, True),
    "knife": (("drawer", "countertop", "diningtable"), True, False, False),
    "spoon": (("drawer", "countertop", "diningtable"), True, False, False),
    "book": (("shelf", "desk", "sidetable", "bed", "sofa"), False, False, False),
    "cellphone": (("desk", "sidetable", "bed", "sofa", "dresser"), False, False, False),
    "remotecontrol": (("sofa", "armchair", "sidetable", "tvstand"), False, False, False),
    "keychain": (("sidetable", "dresser", "drawer", "safe"), False, False, False),
    "creditcard": (("desk", "dresser", "safe", "sidetable"), False, False, False),
    "pillow": (("sofa", "bed", "armchair"), False, False, False),
    "vase": (("shelf", "sidetable", "tvstand"), False, False, False),
    "cloth": (("bathtubbasin", "towelholder", "dresser"), True, False, False),
}
_TARGETS = {  # where finished things may be put, per task type
    "pick_and_place": ("countertop", "diningtable", "shelf", "sidetable", "desk", "dresser",
                       "sofa", "cabinet", "drawer", "safe", "armchair", "bed"),
    "pick_clean_then_place": ("countertop", "diningtable", "cabinet", "shelf", "drawer"),
    "pick_heat_then_place": ("countertop", "diningtable", "fridge", "cabinet"),
    "pick_cool_then_place": ("countertop", "diningtable", "cabinet", "shelf"),
    "pick_two_obj_and_place": ("sofa", "shelf", "sidetable", "desk", "dresser", "cabinet",
                               "diningtable", "countertop"),
}
_ROOM_NAMES = {"kitchen": "the kitchen", "livingroom": "the living room",
               "bedroom": "the bedroom", "bathroom": "the bathroom"}


@dataclass
class Obj:
    name: str  # "mug 2"
    kind: str
    clean: bool = False
    hot: bool = False
    cool: bool = False


@dataclass
class House:
    """A generated home: receptacles by name, their contents, which are open."""

    receptacles: dict[str, str] = field(default_factory=dict)  # name -> room
    contents: dict[str, list[Obj]] = field(default_factory=dict)
    opened: dict[str, bool] = field(default_factory=dict)
    openable: set[str] = field(default_factory=set)

    @staticmethod
    def kind_of(name: str) -> str:
        return name.rsplit(" ", 1)[0]

    @classmethod
    def generate(cls, rng: random.Random) -> "House":
        house = cls()
        for kind, (room, openable, most) in RECEPTACLES.items():
            for i in range(1, rng.randint(1, most) + 1):
                name = f"{kind} {i}"
                house.receptacles[name] = room
                house.contents[name] = []
                house.opened[name] = not openable
                if openable:
                    house.openable.add(name)
        return house

    def where(self, kind: str) -> list[str]:
        return [r for r in self.receptacles if self.kind_of(r) == kind]

    def place_objects(self, rng: random.Random, habits: dict[str, str] | None = None) -> None:
        counts: dict[str, int] = {}
        for kind, (spots, *_rest) in OBJECTS.items():
            for _ in range(rng.randint(1, 3)):
                counts[kind] = counts.get(kind, 0) + 1
                candidates = [r for s in spots for r in self.where(s)]
                home = habits.get(kind) if habits else None
                spot = home if home in self.receptacles and rng.random() < 0.85 else \
                    rng.choice(candidates)
                self.contents[spot].append(Obj(f"{kind} {counts[kind]}", kind))


class HouseholdEnv(TextEnv):
    """ALFWorld-style household episodes.

    Args:
        task_types: the task types to draw from (default: all six).
        persistent: keep one home (``home``) across episodes, with the user's habits.
        home: the home id in persistent mode (see ``split``).
        split: ``seen`` or ``unseen``: which range of homes ``home`` and random homes come from.
        max_steps: the step limit (ALFWorld uses 50).
    """

    name = "household"

    def __init__(self, *, task_types: tuple[str, ...] | list[str] = TASK_TYPES,
                 persistent: bool = False, home: int = 0, split: str = "seen",
                 max_steps: int = 50):
        super().__init__(max_steps)
        bad = [t for t in task_types if t not in TASK_TYPES]
        if bad or not task_types:
            raise InvalidArgumentError(f"unknown task type(s) {bad}; choose from {TASK_TYPES}")
        if split not in ("seen", "unseen"):
            raise InvalidArgumentError(f"split must be 'seen' or 'unseen', got {split!r}")
        if not isinstance(home, int) or home < 0 or home >= UNSEEN_OFFSET:
            raise InvalidArgumentError(f"home must be an int in 0..{UNSEEN_OFFSET - 1}, got "
                                       f"{home!r} (split= picks the range)")
        self.task_types, self.persistent, self.split = tuple(task_types), persistent, split
        self.home_id = home + (UNSEEN_OFFSET if split == "unseen" else 0)
        self.house = House()
        self.at: str | None = None
        self.holding: Obj | None = None
        self.lamp_on = False
        self.goal: dict[str, Any] = {}
        self._reached: set[str] = set()

    def config(self) -> dict[str, Any]:
        return {"task_types": list(self.task_types), "persistent": self.persistent,
                "home": self.home_id % UNSEEN_OFFSET, "split": self.split,
                "max_steps": self.max_steps}

    # -- episode set-up -----------------------------------------------------------------------
    def _reset(self, seed: int) -> str:
        if self.persistent:
            home_rng = random.Random(f"home-{self.home_id}")
            self.house = House.generate(home_rng)
            habits = {k: home_rng.choice([r for s in spots for r in self.house.where(s)])
                      for k, (spots, *_r) in OBJECTS.items()}
            chores = [self._draw_goal(home_rng) for _ in range(3)]
            rng = random.Random(f"home-{self.home_id}-episode-{seed}")
            self.house.place_objects(rng, habits)
            self.goal = dict(rng.choice(chores))
        else:
            rng = random.Random(f"house-{self.home_id}-{self.split}-{seed}")
            self.house = House.generate(rng)
            self.house.place_objects(rng)
            self.goal = self._draw_goal(rng)
        self._ensure_feasible(rng)
        self.at, self.holding, self.lamp_on = None, None, False
        self.task = self._describe_goal()
        rooms: dict[str, list[str]] = {}
        for name, room in self.house.receptacles.items():
            rooms.setdefault(room, []).append(name)
        seen = " ".join(f"In {_ROOM_NAMES[room]} you see {_listing(names)}."
                        for room, names in rooms.items())
        return f"You are in the middle of a house. {seen}\n\nYour task is to: {self.task}"

    def _draw_goal(self, rng: random.Random) -> dict[str, Any]:
        ttype = rng.choice(self.task_types)
        if ttype == "look_at_obj_in_light":
            obj = rng.choice([k for k, v in OBJECTS.items() if not (v[1] or v[2] or v[3])])
            return {"type": ttype, "object": obj, "target": "desklamp"}
        ability = {"pick_clean_then_place": 1, "pick_heat_then_place": 2,
                   "pick_cool_then_place": 3}.get(ttype)
        objs = [k for k, v in OBJECTS.items() if ability is None or v[ability]]
        obj = rng.choice(objs)
        target = rng.choice([t for t in _TARGETS[ttype] if t not in OBJECTS[obj][0]]
                            or list(_TARGETS[ttype]))
        return {"type": ttype, "object": obj, "target": target}

    def _ensure_feasible(self, rng: random.Random) -> None:
        need = 2 if self.goal["type"] == "pick_two_obj_and_place" else 1
        kind = self.goal["object"]
        have = [o for objs in self.house.contents.values() for o in objs if o.kind == kind]
        target = self.goal["target"]
        # Objects already at the target do not count towards the goal.
        movable = [o for r, objs in self.house.contents.items() if House.kind_of(r) != target
                   for o in objs if o.kind == kind]
        spots = [r for s in OBJECTS[kind][0] for r in self.house.where(s)
                 if House.kind_of(r) != target] or [
            r for r in self.house.receptacles if House.kind_of(r) not in _NOT_STORAGE | {target}]
        for i in range(len(movable), need):
            self.house.contents[rng.choice(spots)].append(Obj(f"{kind} {len(have) + i + 1}", kind))

    def _describe_goal(self) -> str:
        g = self.goal
        prep = "in" if g["target"] in ("cabinet", "drawer", "fridge", "microwave", "safe",
                                       "garbagecan") else "on"
        return {
            "pick_and_place": f"put {_a(g['object'])} {prep} {g['target']}.",
            "look_at_obj_in_light": f"look at {g['object']} under the desklamp.",
            "pick_clean_then_place": f"put a clean {g['object']} {prep} {g['target']}.",
            "pick_heat_then_place": f"put a hot {g['object']} {prep} {g['target']}.",
            "pick_cool_then_place": f"put a cool {g['object']} {prep} {g['target']}.",
            "pick_two_obj_and_place": f"put two {g['object']} {prep} {g['target']}.",
        }[g["type"]]

    # -- the world ------------------------------------------------------------------------------
    def _objects_at(self, recep: str) -> list[Obj]:
        return self.house.contents[recep] if self.house.opened[recep] else []

    def _find(self, name: str, objs: list[Obj]) -> Obj | None:
        return next((o for o in objs if o.name == name), None)

    def _view(self, recep: str) -> str:
        if not self.house.opened[recep]:
            return f"The {recep} is closed."
        objs = self.house.contents[recep]
        what = _listing([o.name for o in objs]) if objs else "nothing"
        return (f"In it, you see {what}." if recep in self.house.openable
                else f"On the {recep}, you see {what}.")

    def admissible_actions(self) -> list[str]:
        acts: list[str] = []
        if self.at is not None:
            here = self.at
            kind = House.kind_of(here)
            if here in self.house.openable:
                acts.append(f"close {here}" if self.house.opened[here] else f"open {here}")
            if self.holding is None:
                acts += [f"take {o.name} from {here}" for o in self._objects_at(here)]
            else:
                held = self.holding.name
                if self.house.opened[here] and kind not in ("sinkbasin", "desklamp"):
                    acts.append(f"put {held} {'in' if here in self.house.openable else 'on'} {here}")
                verb = {"sinkbasin": "clean", "microwave": "heat", "stoveburner": "heat",
                        "fridge": "cool"}.get(kind)
                if verb:
                    acts.append(f"{verb} {held} with {here}")
            if kind == "desklamp":
                acts.append(f"use {here}")
            acts.append(f"examine {here}")
        if self.holding is not None:
            acts.append(f"examine {self.holding.name}")
        # What can be done here first, then where one can go.
        return acts + [f"go to {r}" for r in self.house.receptacles if r != self.at] + [
            "look", "inventory"]

    def _step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        obs = self._apply(action.lower())
        invalid = obs is None
        obs = INVALID_ACTION if invalid else obs
        won = not invalid and self._goal_met()
        self._note_progress(won)
        return obs, 1.0 if won else 0.0, won, {"invalid": invalid, "won": won}

    def _note_progress(self, won: bool) -> None:
        g, held = self.goal, self.holding
        visible = self.at is not None and any(o.kind == g["object"]
                                              for o in self._objects_at(self.at))
        holds = held is not None and held.kind == g["object"]
        if visible or holds:
            self._reached.add("found")
        if holds:
            self._reached.add("taken")
            if {"pick_clean_then_place": held.clean, "pick_heat_then_place": held.hot,
                    "pick_cool_then_place": held.cool}.get(g["type"], False):
                self._reached.add("processed")
        if g["type"] == "look_at_obj_in_light" and self.lamp_on:
            self._reached.add("processed")
        if won:
            self._reached.update(self.subgoals())

    def subgoals(self) -> dict[str, bool]:
        """Found (an object of the goal's kind seen or held), taken, processed (cleaned,
        heated, cooled, or the lamp on; only for tasks that need it), placed (the task)."""
        names = ["found", "taken"]
        if self.goal.get("type") not in ("pick_and_place", "pick_two_obj_and_place"):
            names.append("processed")
        if self.goal.get("type") != "look_at_obj_in_light":
            names.append("placed")
        return {n: n in self._reached for n in names}

    def _apply(self, action: str) -> str | None:
        words = action.split()
        if not words:
            return None
        verb, rest = words[0], " ".join(words[1:])
        house = self.house
        if action == "look":
            where = f"You are facing the {self.at}." if self.at else "You are in the middle of a house."
            return where + (f" {self._view(self.at)}" if self.at else "")
        if action == "inventory":
            return (f"You are carrying: {_a(self.holding.name)}." if self.holding
                    else "You are not carrying anything.")
        if verb == "go" and rest.startswith("to "):
            dest = rest[3:]
            if dest not in house.receptacles or dest == self.at:
                return None
            self.at = dest
            return f"You arrive at {dest} in {_ROOM_NAMES[house.receptacles[dest]]}. " + \
                self._view(dest)
        if verb in ("open", "close"):
            if rest != self.at or rest not in house.openable or house.opened[rest] == (verb == "open"):
                return None
            house.opened[rest] = verb == "open"
            return f"You open the {rest}. " + self._view(rest) if verb == "open" \
                else f"You close the {rest}."
        if verb == "take" and " from " in rest:
            name, src = rest.split(" from ", 1)
            obj = self._find(name, self._objects_at(src)) if src == self.at else None
            if obj is None or self.holding is not None:
                return None
            house.contents[src].remove(obj)
            self.holding = obj
            self._moved.append(obj)
            return f"You pick up the {name} from the {src}."
        if verb in ("put", "move"):
            for prep in (" in/on ", " in ", " on ", " to "):
                if prep in rest:
                    name, dest = rest.split(prep, 1)
                    break
            else:
                return None
            if (self.holding is None or self.holding.name != name or dest != self.at
                    or not house.opened[dest] or House.kind_of(dest) in ("sinkbasin", "desklamp")):
                return None
            house.contents[dest].append(self.holding)
            self.holding = None
            return f"You put the {name} {'in' if dest in house.openable else 'on'} the {dest}."
        if verb in ("clean", "heat", "cool") and " with " in rest:
            name, tool = rest.split(" with ", 1)
            allowed = {"clean": ("sinkbasin",), "heat": ("microwave", "stoveburner"),
                       "cool": ("fridge",)}[verb]
            ability = {"clean": 1, "heat": 2, "cool": 3}[verb]
            if (self.holding is None or self.holding.name != name or tool != self.at
                    or House.kind_of(tool) not in allowed
                    or not OBJECTS[self.holding.kind][ability]):
                return None
            obj = self.holding
            if verb == "clean":
                obj.clean = True
            elif verb == "heat":
                obj.hot, obj.cool = True, False
            else:
                obj.cool, obj.hot = True, False
            return f"You {verb} the {name} using the {tool}."
        if verb == "use":
            if rest != self.at or House.kind_of(rest) != "desklamp":
                return None
            self.lamp_on = True
            return f"You turn on the {rest}."
        if verb == "examine":
            if rest == self.at:
                return self._view(rest)
            if self.holding is not None and rest == self.holding.name:
                state = [s for s, on in (("clean", self.holding.clean), ("hot", self.holding.hot),
                                         ("cool", self.holding.cool)) if on]
                return f"This is {_a(' '.join([*state, rest]))}." if state else \
                    f"This is a normal {rest}."
            return None
        return None

    def _goal_met(self) -> bool:
        g = self.goal
        if g["type"] == "look_at_obj_in_light":
            return bool(self.lamp_on and self.holding and self.holding.kind == g["object"]
                        and self.at and House.kind_of(self.at) == "desklamp")
        placed = [o for r, objs in self.house.contents.items()
                  if House.kind_of(r) == g["target"] for o in objs if o.kind == g["object"]]
        need = {"pick_clean_then_place": lambda o: o.clean, "pick_heat_then_place": lambda o: o.hot,
                "pick_cool_then_place": lambda o: o.cool}.get(g["type"], lambda o: True)
        ok = [o for o in placed if need(o)]
        if g["type"] == "pick_two_obj_and_place":
            return len(ok) >= 2 and any(o in self._moved for o in ok)
        return any(o in self._moved for o in ok)

    def reset(self, seed: int | None = None) -> str:
        self._moved: list[Obj] = []  # objects the agent carried (those at the target from
        self._reached: set[str] = set()  # the start do not count towards the goal)
        return super().reset(seed)

    def memory_notes(self, observation: str) -> list[str]:
        """Where objects were seen: "a mug was in cabinet 3" for what is visible here."""
        if self.at is None or not self.house.opened[self.at] or "you see" not in observation:
            return []
        prep = "in" if self.at in self.house.openable else "on"
        kinds = dict.fromkeys(o.kind for o in self.house.contents[self.at])
        return [f"{_a(k)} was {prep} {self.at}" for k in kinds]

    # -- helpers for demos and expert baselines --------------------------------------------------
    def locations_of(self, kind: str) -> list[str]:
        """Where objects of ``kind`` are now (the ground truth, for oracles and tests)."""
        return [r for r, objs in self.house.contents.items() for o in objs if o.kind == kind]

    def expert_plan(self) -> list[str]:
        """A shortest-ish action list that solves the episode from its start (an oracle that
        reads the true state; for tests, baselines and demonstrations)."""
        g, house = self.goal, self.house
        plan: list[str] = []
        at: str | None = None

        def go(dest: str) -> None:
            nonlocal at
            if at != dest:
                plan.append(f"go to {dest}")
                at = dest

        sources = [(r, o) for r, objs in house.contents.items() for o in objs
                   if o.kind == g["object"] and House.kind_of(r) != g["target"]]
        appliance = {"pick_clean_then_place": ("clean", "sinkbasin"),
                     "pick_heat_then_place": ("heat", "microwave"),
                     "pick_cool_then_place": ("cool", "fridge")}.get(g["type"])
        for src, obj in sources[: 2 if g["type"] == "pick_two_obj_and_place" else 1]:
            go(src)
            if src in house.openable and src not in plan_opened(plan):
                plan.append(f"open {src}")
            plan.append(f"take {obj.name} from {src}")
            if g["type"] == "look_at_obj_in_light":
                go(house.where("desklamp")[0])
                plan.append(f"use {at}")
                return plan
            if appliance:
                go(house.where(appliance[1])[0])
                plan.append(f"{appliance[0]} {obj.name} with {at}")
            dest = house.where(g["target"])[0]
            go(dest)
            if dest in house.openable and dest not in plan_opened(plan):
                plan.append(f"open {dest}")
            plan.append(f"put {obj.name} {'in' if dest in house.openable else 'on'} {dest}")
        return plan


def plan_opened(plan: list[str]) -> set[str]:
    return {a[5:] for a in plan if a.startswith("open ")}


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _listing(names: list[str]) -> str:
    items = [_a(n) for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f", and {items[-1]}"
