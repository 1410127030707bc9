"""The actor policy: pick the next action in a text environment.

The reply is constrained to the admissible actions (an enum in the JSON schema),
so a local model under constrained decoding can only choose a legal action; a
remote model's choice is checked against the list and, if it is not there, the
closest admissible action is taken and the mismatch reported in ``raw``.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.llm import LLM
from agentmem.protocols import Action
from agentmem.records import MemoryRecord
from policies.base import PromptedPolicy
from policies.manager import as_records

__all__ = ["PromptedActor", "action_schema", "action_reply", "is_admissible", "untried_first",
           "naming_the_task", "moving_the_task_on", "task_steps", "task_line", "PROCESSES"]


_SLOT = re.compile(r"(\w+)\[\.\.\.\]")
"""An admissible action with a free-text slot, e.g. ``search[...]``: the actor writes
its own words between the brackets."""
_SLOT_TEXT = r"[A-Za-z0-9][A-Za-z0-9 ,.'&/-]{0,79}"


def action_schema(admissible: Sequence[str]) -> dict:
    """The JSON schema of a reply that names one of ``admissible`` (duplicates dropped);
    an action written ``verb[...]`` admits ``verb[`` + up to 80 characters of text + ``]``."""
    actions = list(dict.fromkeys(admissible))
    fixed = [a for a in actions if not _SLOT.fullmatch(a)]
    options = ([{"enum": fixed}] if fixed else []) + [
        {"type": "string", "pattern": rf"^{re.escape(m.group(1))}\[{_SLOT_TEXT}\]$"}
        for a in actions if (m := _SLOT.fullmatch(a))]
    return {"title": "Action", "type": "object", "additionalProperties": False,
            "required": ["action"],
            "properties": {"action": options[0] if len(options) == 1 else {"anyOf": options}}}


def is_admissible(action: str, admissible: Sequence[str]) -> bool:
    """Whether ``action`` is one of ``admissible`` or fills one of its ``verb[...]`` slots."""
    if action in admissible:
        return True
    return any((m := _SLOT.fullmatch(a)) and re.fullmatch(
        rf"{re.escape(m.group(1))}\[{_SLOT_TEXT}\]", action) for a in admissible)


def untried_first(admissible: Sequence[str], taken: Sequence[str]) -> list[str]:
    """``admissible`` with the actions already ``taken`` this episode moved to the end,
    each group in its own order: the episode loop's working memory.

    A small actor shown the same list at every step has no way to tell the places it
    has been from those it has not, and walks back and forth between two of them; with
    what it has not tried yet listed first, "the first place listed" is new ground."""
    done = set(taken)
    return ([a for a in admissible if a not in done] + [a for a in admissible if a in done])


_FILLER = frozenset("a an the in on at to of from with under into and or some two task".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _FILLER}


def naming_the_task(admissible: Sequence[str], task: str, limit: int = 6) -> list[str]:
    """The admissible actions that name words of ``task`` (most shared words first, then
    in listed order), at most ``limit``.

    Whether the asked-for object is in view is one comparison of words, but a fine-tuned
    135M actor does not learn it from a few hundred demonstrations: it takes whatever
    it finds as often as the data take anything (``benchmarks/bench_actor_agreement.py``).
    Shown this short list, "take X" is in it exactly when X is what the task names."""
    return _ranked(admissible, _words(task), limit, lambda action: True)


def _ranked(admissible: Sequence[str], wanted: set[str], limit: int, keep,
            always=lambda action: False) -> list[str]:
    # Most shared words first, then in listed order; an action kept that shares no word
    # is listed only when ``always`` says so.
    scored = [(len(_words(a) & wanted), i, a) for i, a in enumerate(admissible) if keep(a)]
    return [a for n, _, a in sorted(scored, key=lambda t: (-t[0], t[1]))
            if n or always(a)][:limit]


_TOWARDS = frozenset("in on into onto to in/on".split())
"""Prepositions before the place an action moves something (or the actor) to."""


def task_line(task_prompt: str) -> str:
    """The task itself: the first line of the task prompt. With memory the runtime adds
    the task's tree of steps below it, and those steps' words ("go to drawer 1", what
    was seen there) are not the task's: counted as task words, they list the places
    already visited as the ones the task names, and the actor walks between them."""
    return task_prompt.strip().split("\n", 1)[0]


def moving_the_task_on(admissible: Sequence[str], task: str, limit: int = 6) -> list[str]:
    """:func:`naming_the_task` without the actions that undo what the task asks for.

    An action names the task's object whether it takes it, puts it back where it was,
    or takes it off the place the task wants it on; word counts cannot tell these apart,
    and an actor shown "put potato 1 in cabinet 2" at the top of the list right after
    taking potato 1 from cabinet 2 puts it back (10 times in 10 on unseen homes,
    ``benchmarks/bench_actor_agreement.py``). So an action that moves something to a
    place (``put X in P``, ``go to P``) counts only when the task names that place, and
    one that takes something from a place the task names (where the task wants things)
    does not count. Actions with a free-text slot (``search[...]``) are word counts."""
    wanted = _words(task)

    def keep(action: str) -> bool:
        if "[" in action:
            return True
        words = action.lower().split()
        for n, word in enumerate(words):
            if word in _TOWARDS and not _words(" ".join(words[n + 1:])) & wanted:
                return False
            if word == "from" and _words(" ".join(words[n + 1:])) & wanted:
                return False
        return True

    return _ranked(admissible, wanted, limit, keep)


PROCESSES = {"clean": ("clean", "sinkbasin"), "hot": ("heat", "microwave"),
             "cool": ("cool", "fridge")}
"""A state the household task asks for -> (the action that gives it, the appliance for
it). A 135M model does not know that "hot" means heating in a microwave."""

_DESTINATION = re.compile(r"\b(?:in|on|under)\b")


def _just_done(action: str, observation: str) -> bool:
    # "heat potato 1 with microwave 1" is reported as "You heat the potato 1 using ...".
    verb, _, rest = action.partition(" ")
    thing = re.split(r" (?:with|from|in|on|to) ", rest, maxsplit=1)[0]
    return bool(thing) and f"you {verb} the {thing}".lower() in observation.lower()


_NOT_OBJECTS = frozenset(("put", "look", *PROCESSES))


def _remembered(hints: Sequence[str], objects: set[str]) -> set[str]:
    # The clauses of the hints that name the task's object: "a potato was in cabinet 3",
    # or an exemplar's "take potato 1 from cabinet 3".
    clauses = (c for h in hints for c in re.split(r"[;:]", h.lower()))
    return {c for c in clauses if _words(c) & objects}


def task_steps(admissible: Sequence[str], task: str, observation: str = "",
               limit: int = 6, hints: Sequence[str] = (), *,
               appliance_first: bool = True, taken: Sequence[str] = ()) -> list[str]:
    """:func:`moving_the_task_on` that also reads where the task stands (templates v6-v8).

    The v5 list named the task's target places while the actor was still looking for
    the object, so a trained actor walked between drawers before finding the potato;
    and it left out the appliance step ("hot" is not a word of "heat potato 1 with
    microwave 1"), so the potato went into the drawer cold. Here:

    - the task's object counts as held when an ``examine X`` names it (the household
      lists that action for the thing held, and only then);
    - while it is not held, nothing is listed that acts on the places the task names
      (going there, opening them, using the lamp): the object is not there;
    - while it is held, ``go to`` those places is listed, and for a task that asks for a
      state (:data:`PROCESSES`) ``go to`` the appliance and the processing action too;
      processing with another verb (heating for a "cool" task) never is. With
      ``appliance_first`` (v7), going to the appliance comes before going to the task's
      places: the v6 adapter took the first of them and put a cup in the fridge unheated
      on fresh homes, while the object is processed right after it is taken;
    - while it is not held, ``go to`` a place that memory's ``hints`` name with the
      object ("a potato was in cabinet 3") is listed: where to look first; with
      ``taken`` (v8: the actions already taken this episode), only until it has been
      gone to. The v7 list kept naming a remembered place after the object had not
      been there this time, and a trained actor walked between two such places until
      the episode ran out (unseen home 17, docs/results.md);
    - ``close``, ``examine``, ``look`` and ``inventory`` never move a task on, and an
      action the observation reports just done ("You heat the potato 1 ...") is not
      listed again.
    """
    wanted = _words(task)
    object_part, place_part = (*_DESTINATION.split(task, maxsplit=1), "")[:2]
    thing, places = _words(object_part), _words(place_part)
    verb, appliance = next((PROCESSES[w] for w in PROCESSES if w in wanted), ("", ""))
    destinations = places | ({appliance} if appliance else set())
    carrying = any(a.startswith("examine ") and _words(a[len("examine "):]) & thing
                   for a in admissible)
    not_undoing = set(moving_the_task_on(admissible, task, limit=len(admissible)))
    clauses = _remembered(hints, thing - _NOT_OBJECTS)
    gone_to = {a for a in taken if a.startswith("go to ")}

    def remembered(place: str) -> bool:
        return (f"go to {place}" not in gone_to
                and any(re.search(rf"\b{re.escape(place)}\b", c) for c in clauses))

    def keep(action: str) -> bool:
        if "[" in action:
            return True
        if (action in ("look", "inventory") or action.startswith(("close ", "examine "))
                or _just_done(action, observation)):
            return False
        words = _words(action)
        if action.startswith("go to "):
            if carrying:
                return bool(words & destinations)
            return not words & places and remembered(action[len("go to "):])
        if " with " in action:
            return carrying and action.split()[0] == verb
        if not carrying and words & places and not words & thing:
            return False
        return action in not_undoing

    listed = _ranked(admissible, wanted | destinations | {verb} - {""}, limit, keep,
                     always=lambda action: not carrying and action.startswith("go to "))
    if appliance_first and appliance:
        going = [a for a in listed if a.startswith("go to ")]
        first = [a for a in going if appliance in _words(a)]
        if first and going[0] not in first:  # just before the first place it goes to
            rest = [a for a in listed if a not in first]
            at = rest.index(going[0])
            listed = rest[:at] + first + rest[at:]
    return listed


def action_reply(action: str) -> str:
    """The reply text that names ``action``, exactly as constrained decoding writes it
    (supervised training targets are this text, so they match inference token for token)."""
    return json.dumps({"action": action}, ensure_ascii=False)


class PromptedActor(PromptedPolicy):
    """A prompt template + an LLM + a parser. Pass ``adapter=`` for the trained variant."""

    def __init__(self, llm: LLM | str = "local", *, adapter: str | None = None,
                 template: str = "actor", version: int | None = None, max_tokens: int = 48):
        super().__init__(llm, adapter=adapter, template=template, version=version,
                         max_tokens=max_tokens)

    def messages(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
                 lessons: Sequence[MemoryRecord] = (), *,
                 taken: Sequence[str] = ()) -> list[dict]:
        lesson_lines = "\n".join(f"- {r.content}" for r in as_records(lessons)) or "(none)"
        # Template v4 was trained with word counts over the whole task prompt; v5 leaves
        # out the undoing moves and reads the task line only; v6 also reads whether the
        # task's object is held and what the observation reports done; v7 lists the
        # appliance before the task's places; v8 stops listing a remembered place once
        # this episode has gone there (``taken``).
        version = self.template.version
        naming = (naming_the_task(admissible, task_prompt) if version <= 4 else
                  moving_the_task_on(admissible, task_line(task_prompt)) if version == 5 else
                  task_steps(admissible, task_line(task_prompt), observation,
                             hints=[r.content for r in as_records(lessons)],
                             appliance_first=version >= 7,
                             taken=taken if version >= 8 else ()))
        return self.template.render(task=task_prompt + "\n" if task_prompt else "",
                                    lessons=lesson_lines, observation=observation,
                                    actions="\n".join(f"- {a}" for a in admissible),
                                    naming="\n".join(f"- {a}" for a in naming) or "(none)")

    def prompt(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
               lessons: Sequence[MemoryRecord] = (), *,
               taken: Sequence[str] = ()) -> tuple[list[dict], list[str]]:
        """The messages the actor is asked with, and the actions it may choose from
        (blank and repeated ones dropped): what :meth:`act` sends, and what supervised
        training data is rendered with."""
        actions = list(dict.fromkeys(a for a in admissible if a.strip()))
        if not actions:
            raise InvalidArgumentError("no admissible actions were given; the actor needs at "
                                       "least one to choose from")
        return self.messages(observation, actions, task_prompt, lessons, taken=taken), actions

    def act(self, observation: str, admissible: Sequence[str], task_prompt: str = "",
            lessons: Sequence[MemoryRecord] = (), *, taken: Sequence[str] = ()) -> Action:
        messages, actions = self.prompt(observation, admissible, task_prompt, lessons,
                                        taken=taken)
        reply = self.llm.chat(messages, schema=action_schema(actions), max_tokens=self.max_tokens)
        chosen = str(reply.parsed.get("action", ""))
        raw = reply.text
        if not is_admissible(chosen, actions):  # only without constrained decoding
            chosen = (difflib.get_close_matches(chosen, actions, n=1, cutoff=0) or actions)[0]
            raw += f"\n(not admissible; took the closest: {chosen!r})"
        return Action(action=chosen, usage=reply.usage, raw=raw)
