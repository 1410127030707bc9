"""Prompted manager and answer policies on the scripted fake and on the real local model."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from agentmem import ConfigError, Memory, OpType
from agentmem.protocols import AnswerPolicy, MemoryManager, Turn
from agentmem.testing import HashEmbedder, ScriptedLLM
from policies import PromptedAnswerer, PromptedManager, load_template

T = datetime(2023, 6, 19, tzinfo=timezone.utc)


@pytest.fixture
def bank():
    m = Memory(home=":memory:", embedder=HashEmbedder(), user_id="ben")
    m.add("Ben is training for the Berlin marathon.")
    m.add("Ben lives in Leeds.")
    yield m
    m.close()


def test_templates_are_versioned_files():
    t = load_template("manager")
    assert t.id == "manager.v1" and "ADD" in t.system and "{memories}" in t.user
    with pytest.raises(ConfigError, match="no version 9"):
        load_template("manager", 9)
    with pytest.raises(ConfigError, match="no template"):
        load_template("nonexistent")


def test_manager_maps_short_ids_and_rejects_unknown(bank):
    related = bank.list()
    llm = ScriptedLLM([{"operations": [
        {"op": "UPDATE", "id": 0, "fact": "Ben switched to a half marathon after a knee injury."},
        {"op": "DELETE", "id": 7},
        {"op": "ADD", "id": -1, "fact": "Ben hurt his knee."},
        {"op": "ADD", "id": -1, "fact": "Ben's sister Clara is moving to Lisbon."},
        {"op": "UPDATE", "id": 0, "fact": "again"},
        {"op": "NOOP"}]}])
    manager = PromptedManager(llm)
    assert isinstance(manager, MemoryManager)
    turns = [Turn(speaker="Ben", text="I hurt my knee, so I switched to a half marathon.",
                  time=T, turn_id="D2:1")]
    decision = manager.decide(turns, related)
    assert [o.op for o in decision.ops] == [OpType.UPDATE, OpType.ADD, OpType.NOOP]
    assert decision.ops[0].id == related[0].id
    assert decision.ops[1].provenance.ref == "D2:1" and decision.ops[1].event_time == T
    assert len(decision.rejected) == 3 and "[7], which was not shown" in decision.rejected[0]
    assert "not grounded" in decision.rejected[1]
    assert decision.usage.calls == 1 and len(llm.calls) == 1
    prompt = llm.calls[0][1]["content"]
    assert "[0] Ben is training" in prompt and related[0].id not in prompt
    bank.apply(decision.ops, actor="manager")
    assert bank.get(related[0].id).content.startswith("Ben switched")
    assert bank.stats()["records"] == 3


def test_manager_garbage_is_an_llm_output_error(bank):
    from agentmem import LLMOutputError

    with pytest.raises(LLMOutputError):
        PromptedManager(ScriptedLLM(["not json at all"])).decide([Turn(text="hi")], [])
    assert bank.stats()["records"] == 2


def test_answerer_selects_and_cites(bank):
    mems = bank.list()
    llm = ScriptedLLM([{"selected": [1, 1, 9], "answer": "  Leeds "}])
    policy = PromptedAnswerer(llm)
    assert isinstance(policy, AnswerPolicy)
    ans = policy.answer("Where does Ben live?", mems)
    assert ans.text == "Leeds" and ans.cited_ids == [mems[1].id]


def test_reread_answers_again_from_the_selected_memories_alone(bank):
    """With ``reread`` the second call is shown only what the first selected, and its
    answer (and citations, mapped back to ids) is the one returned; both calls count."""
    bank.add("Ben's dog is called Rex.")
    mems = bank.list()
    llm = ScriptedLLM([{"selected": [2, 0], "answer": "Berlin"},
                       {"selected": [1], "answer": "Rex"}])
    ans = PromptedAnswerer(llm, reread=True).answer("What is Ben's dog called?", mems)
    second = llm.calls[1][-1]["content"]
    assert ans.text == "Rex" and ans.cited_ids == [mems[2].id]
    assert mems[2].content in second and mems[0].content in second
    assert mems[1].content not in second and ans.usage.calls == 2


@pytest.mark.parametrize("selected", [[], [0, 1, 2]])
def test_reread_is_one_call_when_the_selection_is_empty_or_everything(bank, selected):
    bank.add("Ben's dog is called Rex.")
    llm = ScriptedLLM([{"selected": selected, "answer": "Rex"}])
    ans = PromptedAnswerer(llm, reread=True).answer("What is Ben's dog called?", bank.list())
    assert ans.text == "Rex" and len(llm.calls) == 1 and ans.usage.calls == 1


def test_answer_prompt_shows_dates_only_for_questions_about_time(bank):
    """A small model copies a date it is shown into answers about anything else ("What
    is my job?" -> today's date), so dates appear only when the question asks about time."""
    bank.add("Ben got a new bike.", event_time=T)
    mems = bank.list()
    policy = PromptedAnswerer(ScriptedLLM([]))
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    plain = policy.messages("Where does Ben live?", mems, now=now)[-1]["content"]
    timed = policy.messages("When did Ben get a new bike?", mems, now=now)[-1]["content"]
    assert "2023" not in plain and "2026" not in plain and "Ben got a new bike." in plain
    assert "(19 June 2023) Ben got a new bike." in timed and "Today is 1 December 2026." in timed


def test_adapter_needs_a_local_model():
    with pytest.raises(ConfigError, match="local models only"):
        PromptedManager("openai:gpt-4o-mini", adapter="/tmp/adapter")


def test_an_adapter_with_a_built_llm_is_refused_not_ignored(tmp_path):
    with pytest.raises(ConfigError, match="built already"):
        PromptedManager(ScriptedLLM([]), adapter=str(tmp_path))


@pytest.mark.slow
def test_real_local_model_ops_always_parse(local_llm):
    manager = PromptedManager(local_llm)
    answerer = PromptedAnswerer(local_llm)
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        m.add("Ana adopted a beagle called Biscuit.")
        for text in ("I work night shifts as a nurse.", "Biscuit ran away but came back!",
                     "Actually I quit nursing and now teach yoga.", "ok"):
            decision = manager.decide([Turn(speaker="Ana", text=text, time=T)],
                                      m.search(text, k=3))
            m.apply(decision.ops, actor="manager")
            assert decision.usage.calls == 1
        ans = answerer.answer("What is the name of Ana's dog?", m.search("Ana's dog name", k=3))
        assert isinstance(ans.text, str) and ans.usage.calls == 1


def test_actor_picks_an_admissible_action():
    from agentmem import InvalidArgumentError
    from agentmem.protocols import ActorPolicy
    from policies import PromptedActor

    llm = ScriptedLLM([{"action": "open fridge 1"}, {"action": "opne the fridge"}])
    actor = PromptedActor(llm)
    assert isinstance(actor, ActorPolicy)
    lesson = Memory(home=":memory:", embedder=HashEmbedder(), user_id="a")
    tip = lesson.add("Cool things in the fridge, not the freezer.", kind="lesson")
    acts = ["go to fridge 1", "open fridge 1", "look"]
    a = actor.act("You are in the kitchen. The fridge 1 is closed.", acts,
                  task_prompt="Task: cool an apple.", lessons=[tip])
    assert a.action == "open fridge 1" and a.usage.calls == 1
    prompt = llm.calls[0][1]["content"]
    assert "Cool things in the fridge" in prompt and "- look" in prompt and "cool an apple" in prompt
    assert actor.act("...", acts).action == "open fridge 1"  # off-list reply: closest taken
    with pytest.raises(InvalidArgumentError, match="no admissible actions"):
        actor.act("...", [])
    lesson.close()


def test_the_actor_is_shown_which_actions_name_the_tasks_words():
    from policies import PromptedActor
    from policies.actor import naming_the_task

    acts = ["close cabinet 2", "take spoon 1 from cabinet 2", "take potato 1 from cabinet 2",
            "go to sinkbasin 1", "go to drawer 1", "put potato 1 in drawer 1"]
    task = "Task: put a clean potato in drawer."
    # Most shared words first (put + potato + drawer), then in listed order; only the
    # object the task names is among the takes, and "in"/"a"/"task" count for nothing.
    assert naming_the_task(acts, task) == ["put potato 1 in drawer 1",
                                           "take potato 1 from cabinet 2", "go to drawer 1"]
    assert naming_the_task(acts, task, limit=1) == ["put potato 1 in drawer 1"]
    assert naming_the_task(acts, "") == []
    messages, _ = PromptedActor(None).prompt("You open the cabinet 2.", acts, task)
    section = messages[-1]["content"].split("name words of the task:\n", 1)[1]
    assert section.startswith("- put potato 1 in drawer 1\n- take potato 1 from cabinet 2\n")
    empty, _ = PromptedActor(None).prompt("...", ["look"], "Task: cool an apple.")
    assert "name words of the task:\n(none)" in empty[-1]["content"]


def test_the_list_of_task_actions_leaves_out_the_moves_that_undo_the_task():
    from policies import PromptedActor
    from policies.actor import moving_the_task_on, naming_the_task

    task = "Task: put a clean potato in drawer."
    # Just after "take potato 1 from cabinet 2": putting it back names potato and put.
    carrying = ["close cabinet 2", "put potato 1 in cabinet 2", "examine potato 1",
                "go to sinkbasin 1", "go to drawer 1", "look"]
    assert naming_the_task(carrying, task)[0] == "put potato 1 in cabinet 2"
    assert moving_the_task_on(carrying, task) == ["examine potato 1", "go to drawer 1"]
    # At the place the task names: putting it there counts, taking from there does not.
    there = ["put potato 1 in drawer 1", "take potato 2 from drawer 1", "take spoon 1 from sofa 1",
             "take potato 3 from sofa 1", "search[potato in drawer]"]
    assert moving_the_task_on(there, task) == ["put potato 1 in drawer 1",
                                               "search[potato in drawer]",
                                               "take potato 3 from sofa 1"]
    # Each template version keeps the list its adapters were trained on; v6
    # sends the held potato to be cleaned, as does v7 (the default).
    for version, first in ((None, "- go to sinkbasin 1"), (6, "- go to sinkbasin 1"),
                           (5, "- examine potato 1"),
                           (4, "- put potato 1 in cabinet 2")):
        messages, _ = PromptedActor(None, version=version).prompt("You pick up the potato 1 "
                                                                  "from the cabinet 2.",
                                                                  carrying, task)
        assert messages[-1]["content"].split("name words of the task:\n", 1)[1].startswith(first)


def test_the_task_steps_follow_where_the_task_stands():
    from policies.actor import task_steps

    task = "Task: put a hot potato in drawer."
    # Looking for the potato: the drawers, and the microwave, are not where it is.
    assert task_steps(["open drawer 1", "examine drawer 1", "go to drawer 2",
                       "go to microwave 1", "go to countertop 1", "look"], task) == []
    assert task_steps(["take potato 1 from countertop 1", "take apple 1 from countertop 1",
                       "go to drawer 1"], task) == ["take potato 1 from countertop 1"]
    # Holding it ("examine potato 1" is listed): the drawers and the microwave.
    held = ["put potato 1 on countertop 1", "examine countertop 1", "examine potato 1",
            "go to drawer 1", "go to microwave 1", "go to fridge 1"]
    assert task_steps(held, task) == ["go to microwave 1", "go to drawer 1"]  # v7: heat first
    assert task_steps(held, task, appliance_first=False) == ["go to drawer 1",
                                                             "go to microwave 1"]  # v6
    # At the microwave: heat it, once; cooling it in the fridge is never listed.
    at_microwave = ["put potato 1 in microwave 1", "heat potato 1 with microwave 1",
                    "close microwave 1", "examine potato 1", "go to drawer 1"]
    assert task_steps(at_microwave, task, "You arrive at microwave 1.") == [
        "heat potato 1 with microwave 1", "go to drawer 1"]
    assert task_steps(at_microwave, task, "You heat the potato 1 using the microwave 1.") == [
        "go to drawer 1"]
    assert task_steps(["cool potato 1 with fridge 1", "examine potato 1"], task) == []
    # At a drawer with it: open, then put.
    assert task_steps(["open drawer 1", "examine potato 1", "go to drawer 2"], task)[0] == \
        "open drawer 1"
    assert task_steps(["put potato 1 in drawer 1", "close drawer 1", "examine potato 1"], task,
                      "You open the drawer 1.") == ["put potato 1 in drawer 1"]
    # Memory's notes and exemplars say where to look first (never the target drawers).
    search = ["go to cabinet 1", "go to cabinet 3", "go to drawer 2", "go to countertop 1"]
    assert task_steps(search, task, hints=["a potato was in cabinet 3", "a potato was in drawer 2",
                                           "an apple was on countertop 1"]) == ["go to cabinet 3"]
    assert task_steps(search, task, hints=["Solved 'put a hot potato in drawer' by: go to "
                                           "cabinet 1; take potato 1 from cabinet 3"]) == [
        "go to cabinet 3"]
    assert task_steps(["go to cabinet 10"], task, hints=["a potato was in cabinet 1"]) == []
    # v8: once this episode has gone to a remembered place, it is no longer listed (the
    # potato was not there this time); v7 (taken not read) kept listing it.
    both = ["a potato was in cabinet 3", "Solved it by: take potato 1 from cabinet 1"]
    assert task_steps(search, task, hints=both) == ["go to cabinet 1", "go to cabinet 3"]
    assert task_steps(search, task, hints=both, taken=["go to cabinet 3", "open cabinet 3"]) \
        == ["go to cabinet 1"]
    assert task_steps(search, task, hints=both,
                      taken=["go to cabinet 3", "go to cabinet 1"]) == []
    # The lamp is used only with the thing to look at in hand.
    lamp = "Task: look at bowl under the desklamp."
    assert task_steps(["use desklamp 1", "examine desklamp 1", "go to shelf 1"], lamp) == []
    assert task_steps(["use desklamp 1", "examine bowl 1"], lamp) == ["use desklamp 1"]


@pytest.mark.slow
def test_actor_on_the_local_model_only_chooses_admissible(local_llm):
    from policies import PromptedActor

    actor = PromptedActor(local_llm)
    acts = ["go to countertop 1", "go to fridge 1", "take apple 1 from countertop 1", "look"]
    for obs in ("You see an apple 1 on the countertop 1.", "Nothing happens.", "🍎"):
        assert actor.act(obs, acts, task_prompt="Task: put a cool apple in the fridge.").action in acts


def test_manager_delete_needs_evidence(bank):
    related = bank.list()  # [0] marathon, [1] Leeds
    llm = ScriptedLLM([{"operations": [{"op": "DELETE", "id": 1, "fact": ""},
                                       {"op": "DELETE", "id": 0, "fact": ""}]}])
    decision = PromptedManager(llm).decide(
        [Turn(speaker="Ben", text="I quit the marathon training.")], related)
    assert [o.id for o in decision.ops] == [related[0].id]  # Leeds was never mentioned
    assert "nothing in common" in decision.rejected[0]
    assert decision.ops[0].reason == "contradicted by new turns"  # no fact: no why


def test_a_deletes_fact_is_its_reason_only_when_the_new_messages_say_it(bank):
    related = bank.list()  # [0] marathon, [1] Leeds
    turn = Turn(speaker="Ben", text="I quit the marathon training.", turn_id="t9")
    for fact, reason in (("Ben quit the marathon training.",
                          "contradicted by t9: Ben quit the marathon training."),
                         ("Ben won the lottery in Monaco.", "contradicted by t9")):
        llm = ScriptedLLM([{"operations": [{"op": "DELETE", "id": 0, "fact": fact}]}])
        (op,) = PromptedManager(llm).decide([turn], related).ops
        assert op.id == related[0].id and op.reason == reason


def test_with_memory_the_task_line_comes_first_and_only_it_names_the_task():
    from agentmem.memory import Memory
    from envs import make_env
    from policies import PromptedActor
    from policies.actor import task_steps
    from policies.scripted import HouseholdExplorer
    from training.eval.episodes import EnvMemory, run_episode

    asked: list[tuple[str, list[str]]] = []

    class Asking(HouseholdExplorer):
        def act(self, observation, admissible, task_prompt="", lessons=(), *, taken=()):
            asked.append((task_prompt, list(admissible)))
            return super().act(observation, admissible, task_prompt, lessons)

    env = make_env("household", instance=1)()
    with Memory(home=":memory:", embedder="hash") as mem:
        assert run_episode(env, Asking(), seed=0, memory=EnvMemory(mem)).success
    task_prompt, admissible = asked[-1]
    first, tree = task_prompt.split("\n", 1)
    assert first == f"Task: {env.task}" and "[x] go to " in tree
    # The steps' words ("go to cabinet 1", what was seen there) are in the tree, not the
    # task: counted as task words they would list the places already visited.
    def listed(task_prompt, admissible):
        messages, _ = PromptedActor(None).prompt("...", admissible, task_prompt)
        section = messages[-1]["content"].split("name words of the task:\n", 1)[1]
        return [line[2:] for line in section.split("\n\n")[0].splitlines() if line != "(none)"]

    assert all(listed(p, a) == task_steps(a, first) for p, a in asked)
    assert any(task_steps(a, p) != task_steps(a, first) for p, a in asked)


def test_the_actor_is_handed_the_episode_so_far_and_v8_lists_a_remembered_place_once():
    from types import SimpleNamespace

    from envs import make_env
    from policies import PromptedActor
    from policies.scripted import HouseholdExplorer
    from training.eval.episodes import run_episode

    handed: list[list[str]] = []

    class Recording(HouseholdExplorer):
        def act(self, observation, admissible, task_prompt="", lessons=(), *, taken=()):
            handed.append(list(taken))
            return super().act(observation, admissible, task_prompt, lessons)

    result = run_episode(make_env("household", instance=1)(), Recording(), seed=0)
    assert handed[0] == [] and handed[-1] == [a for a, _ in result.trajectory[:-1]]

    class WrittenBeforeTaken(HouseholdExplorer):  # the older ActorPolicy signature
        def act(self, observation, admissible, task_prompt="", lessons=()):
            return super().act(observation, admissible, task_prompt, lessons)

    assert run_episode(make_env("household", instance=1)(), WrittenBeforeTaken(), seed=0).success

    def listed(actor, taken):
        hint = SimpleNamespace(content="a potato was in cabinet 3")  # a note memory hands it
        messages, _ = actor.prompt("...", ["go to cabinet 3", "go to drawer 1"],
                                   "Task: put a hot potato in drawer.", [hint], taken=taken)
        return messages[-1]["content"].split("name words of the task:\n", 1)[1].split("\n\n")[0]

    v8, v7 = PromptedActor(None), PromptedActor(None, version=7)
    assert v8.template.id == "actor.v8"
    assert listed(v8, []) == listed(v7, []) == "- go to cabinet 3"
    assert listed(v8, ["go to cabinet 3"]) == "(none)"  # gone there: not listed again
    assert listed(v7, ["go to cabinet 3"]) == "- go to cabinet 3"  # v7 as trained
