"""The lesson store: distil, merge near-duplicates, retrieve, count outcomes, demote."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.lessons import LessonStore, task_signature
from agentmem.testing import HashEmbedder, ScriptedLLM

TRAJ = [("go to countertop 1", "You see an apple 1."),
        ("take apple 1 from countertop 1", "You pick up the apple 1."),
        ("heat apple 1 with microwave 1", "You heat the apple 1.")]
DRAFT = {"lessons": [{"title": "Heat with the microwave",
                      "description": "heating tasks",
                      "content": "Take the object first, then heat it with microwave 1."}]}


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder(dim=256)) as m:
        yield m


def test_distil_with_an_llm_stores_full_lessons(mem):
    llm = ScriptedLLM([DRAFT])
    store = LessonStore(mem, llm, agent_id="bot")
    [lesson] = store.distil("heat an apple and put it in the fridge", TRAJ, reward=1.0,
                            ref="episode-7")
    assert lesson.title == "Heat with the microwave" and lesson.polarity == "success"
    assert lesson.evidence == ["episode-7"] and lesson.description == "heating tasks"
    assert lesson.task_signature == task_signature("heat an apple and put it in the fridge")
    rec = mem.get(lesson.id)
    assert rec.kind.value == "lesson" and rec.provenance.ref == "episode-7"
    prompt = llm.calls[0][-1]["content"]
    assert "heat apple 1 with microwave 1 -> You heat the apple 1." in prompt
    assert "Outcome: success" in prompt


def test_failure_polarity_and_a_plain_lesson_when_the_llm_fails(mem):
    store = LessonStore(mem, ScriptedLLM(["garbage"]), agent_id="bot")
    [lesson] = store.distil("cool a mug", ["go to fridge 1", "cool mug 1 with sinkbasin 1"],
                            success=False)
    assert lesson.polarity == "failure" and lesson.title.startswith("What failed")
    assert "cool mug 1 with sinkbasin 1" in lesson.content
    assert store.usage.calls == 1


def test_a_lesson_naming_objects_the_steps_never_did_is_not_stored(mem):
    invented = {"lessons": [{"title": "Use oven 2", "description": "heating tasks",
                             "content": "Heat the apple in oven 2 before cooling it."}]}
    [lesson] = LessonStore(mem, ScriptedLLM([invented]), agent_id="bot").distil(
        "heat an apple and put it in the fridge", TRAJ, success=True)
    assert "oven" not in lesson.content and lesson.title.startswith("What worked")
    assert "microwave 1" in lesson.content  # the plain lesson from the real steps


def test_near_duplicates_merge(mem):
    store = LessonStore(mem, agent_id="bot")
    a = store.add("Open the fridge first", "Open the fridge before putting food in it.",
                  evidence="ep1")
    b = store.add("Open the fridge first", "Open the fridge before putting food in it.",
                  evidence="ep2")
    assert a.id == b.id and b.merged == 1 and b.evidence == ["ep1", "ep2"]
    c = store.add("Open the fridge first", "Open the fridge before putting food in it.",
                  polarity="failure")  # other polarity: a separate lesson
    assert c.id != a.id and len(store.lessons()) == 2
    assert mem.history(a.id)[-1].reason == "merged a near-duplicate lesson"


def test_retrieve_counts_use_and_demotes_lessons_that_precede_failures(mem):
    store = LessonStore(mem, agent_id="bot", demote_after=2, demote_rate=0.6)
    good = store.add("Heat in the microwave", "Heat food with microwave 1.",
                     task_signature=task_signature("heat an egg"))
    bad = store.add("Heat in the sink", "Heat food with sinkbasin 1.")
    top = store.retrieve("heat an egg", k=2)
    assert [x.id for x in top][0] == good.id  # same task signature ranks first
    assert all(x.retrieved == 1 for x in top)
    store.record_outcome([bad.id], success=False)
    assert not store.record_outcome([bad.id], success=True)[0].demoted
    out = store.record_outcome([bad.id], success=False)[0]
    assert out.demoted and out.failures_after_use == 2 and out.successes_after_use == 1
    assert mem.get(bad.id).trust == 0.2
    assert [x.id for x in store.retrieve("heat an egg", k=2)] == [good.id]
    assert bad.id in {x.id for x in store.retrieve("heat an egg", k=2, include_demoted=True)}
    assert any("demoted (2/3 uses failed)" in h.reason for h in mem.history(bad.id))
    assert LessonStore.format(top).startswith("[do] Heat in the microwave:")


def test_bad_input(mem):
    store = LessonStore(mem, agent_id="bot")
    with pytest.raises(InvalidArgumentError, match="give the outcome"):
        store.distil("a task", TRAJ)
    with pytest.raises(InvalidArgumentError, match="task is empty"):
        store.distil(" ", TRAJ, success=True)
    with pytest.raises(InvalidArgumentError, match="polarity"):
        store.add("t", "c", polarity="meh")
    fact = mem.add("Ana likes tea", agent_id="bot")
    with pytest.raises(InvalidArgumentError, match="not a lesson"):
        store.record_outcome([fact.id], success=True)
    with pytest.raises(InvalidArgumentError, match="demote_after"):
        LessonStore(mem, agent_id="bot", demote_after=0)
    assert store.lessons() == []


@pytest.mark.slow
def test_real_model_distils_lessons(tmp_path, local_llm, minilm):
    with Memory(home=tmp_path / "home", embedder=minilm) as m:
        store = LessonStore(m, local_llm, agent_id="bot")
        lessons = store.distil("heat some apple and put it in fridge", TRAJ, success=True)
        assert 1 <= len(lessons) <= 2
        for x in lessons:
            assert x.title and x.content and x.polarity == "success"
        top = store.retrieve("heat some egg and put it in fridge", k=1)
        assert top and top[0].id in {x.id for x in lessons}


def test_an_exemplar_keeps_every_step_of_a_success_and_calls_no_model(mem):
    store = LessonStore(mem, ScriptedLLM([]), agent_id="bot")  # any call would fail
    lesson = store.exemplar("heat an apple", [a for a, _ in TRAJ], ref="episode-3")
    assert lesson.polarity == "success" and lesson.evidence == ["episode-3"]
    assert lesson.content.endswith("go to countertop 1; take apple 1 from countertop 1; "
                                   "heat apple 1 with microwave 1")
    assert store.retrieve("heat an apple", k=1)[0].id == lesson.id
    with pytest.raises(InvalidArgumentError, match="at least one action"):
        store.exemplar("heat an apple", ["  "])


def test_env_memory_keeps_successes_whole_and_distils_failures(mem):
    from training.eval.episodes import EnvMemory

    env_memory = EnvMemory(mem, llm=None)
    env_memory.finish("put a mug on shelf", [("go to shelf 1", "You arrive at shelf 1."),
                                             ("dance", "Nothing happens."),
                                             ("put mug 1 on shelf 1", "You put it.")],
                      success=True, ref="ep 1")
    env_memory.finish("put a cup on desk", [("go to desk 1", "Nothing happens.")],
                      success=False, ref="ep 2")
    lessons = {x.polarity: x for x in env_memory.lessons.lessons()}
    # The invalid step is left out of the exemplar; the failure becomes a lesson.
    assert lessons["success"].content == ("Solved 'put a mug on shelf' by: go to shelf 1; "
                                          "put mug 1 on shelf 1")
    assert lessons["failure"].title.startswith("What failed")
