"""Synthetic fact streams where the right memory operation for every turn is known.

People state facts about themselves over time: where they live, their job, their
pets, their favourite food, their hobbies. Later turns move house (UPDATE the
city), lose a pet (DELETE), repeat themselves or chat (NOOP), or say something
new (ADD). Each :class:`FactTurn` carries the gold operation, the fact a good manager
writes for it and, for UPDATE and DELETE, the value that the changed memory held (the
manager's supervised data, :mod:`training.manager_demonstrations`), so its choices
can be scored turn by turn (:func:`score_manager`) and the final state can be
asked about (:func:`final_questions`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from agentmem.errors import InvalidArgumentError
from agentmem.protocols import Turn

__all__ = ["FactTurn", "fact_stream", "final_questions", "holds_value", "question_for",
           "score_manager"]

_NAMES = ("Ana", "Bruno", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jade")
_CITIES = ("Lisbon", "Porto", "Berlin", "Osaka", "Lima", "Nairobi", "Oslo", "Quito", "Hanoi",
           "Denver", "Krakow", "Tunis")
_JOBS = ("nurse", "teacher", "baker", "architect", "pilot", "chemist", "carpenter", "lawyer",
         "translator", "plumber")
_FOODS = ("ramen", "paella", "tacos", "dumplings", "lasagna", "falafel", "pho", "curry")
_PETS = (("dog", ("Biscuit", "Rex", "Luna")), ("cat", ("Miso", "Tiger", "Olive")),
         ("parrot", ("Kiwi", "Mango")), ("rabbit", ("Clover", "Bun")))
_HOBBIES = ("pottery", "rock climbing", "chess", "salsa dancing", "birdwatching", "knitting",
            "surfing", "photography")
_CHAT = ("Haha, that's so funny!", "How was your weekend?", "Thanks, talk soon!",
         "I totally agree with you.", "Wow, really?", "Good morning!")


@dataclass
class FactTurn:
    """A turn and the operation a good memory manager makes for it."""

    speaker: str
    text: str
    time: datetime
    gold_op: str                      # ADD, UPDATE, DELETE or NOOP
    key: str | None = None            # e.g. "Ana.city"
    value: str | None = None          # the new value (ADD/UPDATE)
    old_value: str | None = None      # what the changed memory said (UPDATE/DELETE)
    turn_id: str = ""
    # The fact a good manager writes (ADD/UPDATE/DELETE; none for NOOP): one sentence
    # naming the person, in the turn's own words (so it passes the grounding check).
    fact: str | None = None

    def turn(self) -> Turn:
        return Turn(speaker=self.speaker, text=self.text, time=self.time, turn_id=self.turn_id)

    def holds_old_value(self, content: str) -> bool:
        """Whether a memory's ``content`` holds the value this UPDATE or DELETE changes,
        i.e. it is the memory to change (see :func:`holds_value`)."""
        return holds_value(self.old_value, content)


def holds_value(old_value: str | None, content: str) -> bool:
    """Whether ``content`` holds ``old_value``, judged by its last word ("Paris", the
    pet's name); no old value is held by nothing."""
    old = (old_value or "").split()[-1:]
    return bool(old) and old[0].lower() in content.lower()


@dataclass
class _Person:
    name: str
    facts: dict[str, str] = field(default_factory=dict)


def fact_stream(seed: int = 0, *, people: int = 2, turns: int = 40) -> list[FactTurn]:
    """A deterministic stream of ``turns`` turns by ``people`` speakers."""
    if not 1 <= people <= len(_NAMES) or turns < 1:
        raise InvalidArgumentError(f"need 1 <= people <= {len(_NAMES)} and turns >= 1, got "
                                   f"people={people}, turns={turns}")
    rng = random.Random(f"facts-{seed}")
    folks = [_Person(n) for n in rng.sample(_NAMES, people)]
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    out: list[FactTurn] = []
    for i in range(turns):
        p = rng.choice(folks)
        when += timedelta(days=rng.randint(1, 9))
        out.append(_next(rng, p, when))
        out[-1].turn_id = f"F{i + 1}"
    return out


def _next(rng: random.Random, p: _Person, when: datetime) -> FactTurn:
    f = p.facts
    choices = ["city", "job", "food", "hobby", "pet", "chat"]
    if f:
        choices += ["repeat"]
    kind = rng.choice(choices)
    n = p.name
    if kind == "city":
        city = rng.choice([c for c in _CITIES if c != f.get("city")])
        if "city" in f:
            old, f["city"] = f["city"], city
            # The fact names the old city too: an UPDATE must share a word with the
            # memory it overwrites (policies.manager.to_operations).
            text, fact = rng.choice([(f"I just moved from {old} to {city}!",
                                      f"{n} moved from {old} to {city}."),
                                     (f"Big news: I relocated to {city}, no more {old}.",
                                      f"{n} relocated to {city}, no more {old}.")])
            return FactTurn(n, text, when, "UPDATE", f"{n}.city", city, old, fact=fact)
        f["city"] = city
        return FactTurn(n, f"I live in {city}.", when, "ADD", f"{n}.city", city,
                        fact=f"{n} lives in {city}.")
    if kind == "job":
        job = rng.choice([j for j in _JOBS if j != f.get("job")])
        if "job" in f:
            old, f["job"] = f["job"], job
            return FactTurn(n, f"I quit being a {old}; I now work as a {job}.", when, "UPDATE",
                            f"{n}.job", job, old, fact=f"{n} now works as a {job}.")
        f["job"] = job
        return FactTurn(n, f"I work as a {job}.", when, "ADD", f"{n}.job", job,
                        fact=f"{n} works as a {job}.")
    if kind == "food":
        food = rng.choice([x for x in _FOODS if x != f.get("food")])
        if "food" in f:
            old, f["food"] = f["food"], food
            return FactTurn(n, f"I'm over {old}; my favourite food is {food} now.", when,
                            "UPDATE", f"{n}.food", food, old,
                            fact=f"{n}'s favourite food is {food} now.")
        f["food"] = food
        return FactTurn(n, f"My favourite food is {food}.", when, "ADD", f"{n}.food", food,
                        fact=f"{n}'s favourite food is {food}.")
    if kind == "hobby":
        hobby = rng.choice([h for h in _HOBBIES if f"hobby.{h}" not in f])
        f[f"hobby.{hobby}"] = hobby
        return FactTurn(n, f"I started {hobby} this month.", when, "ADD", f"{n}.hobby.{hobby}",
                        hobby, fact=f"{n} started {hobby}.")
    if kind == "pet":
        if "pet" in f:
            old = f.pop("pet")
            # A DELETE has a fact too (what ended, in the turn's words): with an empty
            # fact, a trained manager could not tell a DELETE from a NOOP before the op.
            text, fact = rng.choice([(f"Sadly, my {old} passed away last week.",
                                      f"{n}'s {old} passed away."),
                                     (f"I had to give my {old} to my aunt; I have no pet now.",
                                      f"{n} gave the {old} to an aunt and has no pet now.")])
            return FactTurn(n, text, when, "DELETE", f"{n}.pet", None, old, fact=fact)
        species, names = rng.choice(_PETS)
        f["pet"] = f"{species} {rng.choice(names)}"
        pet = f["pet"].split()[1]
        return FactTurn(n, f"I adopted a {species} called {pet}.", when, "ADD", f"{n}.pet",
                        f["pet"], fact=f"{n} adopted a {species} called {pet}.")
    if kind == "repeat":
        key = rng.choice(sorted(k for k in f if not k.startswith("hobby.")) or sorted(f))
        value = f[key]
        attr = key.split(".")[0]
        if attr == "pet":
            species, pet_name = value.split(" ", 1)
            text = f"My {species} {pet_name} says hi."
        else:
            text = {"city": f"As I said, I live in {value}.", "job": f"Like I said, I'm a {value}.",
                    "food": f"You know I love {value}."}.get(attr, f"I still enjoy {value}.")
        return FactTurn(n, text, when, "NOOP", f"{n}.{key}", value)
    return FactTurn(n, rng.choice(_CHAT), when, "NOOP")


def final_questions(stream: list[FactTurn]) -> list[dict[str, str]]:
    """Questions about the final state (the answer a correct memory gives)."""
    state: dict[str, str | None] = {}
    for t in stream:
        if t.key and t.gold_op in ("ADD", "UPDATE"):
            state[t.key] = t.value
        elif t.key and t.gold_op == "DELETE":
            state[t.key] = None
    out = []
    for key, value in state.items():
        q = question_for(key) if not key.split(".")[1] == "hobby" else None
        if q:
            out.append({"question": q, "answer": value or "none", "key": key})
    return out


_QUESTIONS = {"city": "Where does {name} live now?", "job": "What is {name}'s job now?",
              "food": "What is {name}'s favourite food now?",
              "pet": "What pet does {name} have now?",
              "hobby": "Which hobby did {name} start?"}


def question_for(key: str) -> str | None:
    """The question whose answer a fact ``key`` (``"Ana.city"``) decides, if any."""
    name, _, attr = key.partition(".")
    template = _QUESTIONS.get(attr.split(".")[0])
    return template.format(name=name) if template else None


def score_manager(manager: Any, stream: list[FactTurn], memory: Any, *, k: int = 5,
                  user_id: str = "facts") -> dict[str, Any]:
    """Run ``manager`` over the stream on ``memory`` and score its operations per turn.

    A turn counts as right when the manager's operations include the gold operation
    (NOOP: it changed nothing); for UPDATE and DELETE the changed memory must also be
    the one that held the old value. Returns accuracy overall and per gold operation,
    plus the per-turn records.
    """
    from agentmem.errors import AgentMemError
    from agentmem.ingest import manage_turns

    rows = []
    for t in stream:
        try:
            results, _, _ = manage_turns(memory, manager, [t.turn()], k=k, user_id=user_id)
        except AgentMemError as exc:  # a reply that fails counts as wrong, the run goes on
            rows.append({"turn": t.turn_id, "text": t.text, "gold": t.gold_op,
                         "predicted": ["ERROR"], "correct": False, "error": str(exc)[:200]})
            continue
        changed = [r for r in results if r.op.value != "NOOP"]
        ops = {r.op.value for r in changed} or {"NOOP"}
        ok = t.gold_op in ops
        if ok and t.gold_op in ("UPDATE", "DELETE"):
            ok = any(r.op.value == t.gold_op and r.previous is not None
                     and t.holds_old_value(r.previous.content) for r in changed)
        if ok and t.gold_op == "NOOP":
            ok = not changed
        rows.append({"turn": t.turn_id, "text": t.text, "gold": t.gold_op,
                     "predicted": sorted(ops), "correct": ok})
    by_op: dict[str, list[bool]] = {}
    for r in rows:
        by_op.setdefault(r["gold"], []).append(r["correct"])
    return {"accuracy": sum(r["correct"] for r in rows) / max(1, len(rows)),
            "by_op": {op: sum(v) / len(v) for op, v in sorted(by_op.items())},
            "turns": rows}
