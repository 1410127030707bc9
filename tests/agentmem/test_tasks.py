"""Task memory trees: steps with status, DAG parents, rollback, budgeted prompts, resume."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError, Memory, MemoryNotFound
from agentmem.tasks import TaskTree, approx_tokens
from agentmem.testing import HashEmbedder


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        yield m


def _mug_task(mem) -> tuple[TaskTree, dict]:
    tree = TaskTree.open(mem, "put a clean mug in the coffee machine", user_id="ana",
                         inputs={"room": "kitchen"})
    root = tree.root
    find = tree.add_subtask(root.id, "find the mug", status="active")
    tree.record_output(find.id, {"mug": "cabinet 2"}, note="it was behind the plates")
    tree.set_status(find.id, "done")
    clean = tree.add_subtask(root.id, "clean the mug", status="active")
    sink = tree.add_subtask(clean.id, "go to sinkbasin 1", status="active")
    tree.set_status(sink.id, "failed", note="the sink is blocked")
    return tree, {"root": root, "find": find, "clean": clean, "sink": sink}


def test_steps_status_outputs_and_the_active_step(mem):
    tree, n = _mug_task(mem)
    nodes = tree.nodes()
    assert nodes[n["find"].id].outputs == {"mug": "cabinet 2"}
    assert nodes[n["find"].id].notes == ["it was behind the plates"]
    assert nodes[n["find"].id].finished_at >= nodes[n["find"].id].started_at
    assert nodes[n["sink"].id].status == "failed"
    assert tree.active.id == n["clean"].id  # the deepest step still active
    assert [p.goal for p in tree.path()] == ["put a clean mug in the coffee machine",
                                             "clean the mug"]
    assert [c.goal for c in tree.children(n["root"].id)] == ["find the mug", "clean the mug"]
    # Every change went through the apply path: versioned, with reasons, in history.
    hist = mem.history(n["find"].id)
    assert [h.op for h in hist] == ["ADD", "UPDATE", "UPDATE"]
    assert hist[-1].reason == "status active -> done"


def test_a_step_can_have_several_parents_and_starting_it_starts_them(mem):
    tree = TaskTree.open(mem, "cook dinner", user_id="ana")
    pasta = tree.add_subtask(tree.root.id, "make pasta")
    sauce = tree.add_subtask(tree.root.id, "make sauce")
    boil = tree.add_subtask([pasta.id, sauce.id], "boil water", status="active")
    nodes = tree.nodes()
    assert nodes[boil.id].parents == [pasta.id, sauce.id]
    assert nodes[pasta.id].status == nodes[sauce.id].status == "active"
    assert boil.id in {c.id for c in tree.children(sauce.id)}


def test_rollback_skips_the_branch_after_the_last_good_step_and_can_be_undone(mem):
    tree, n = _mug_task(mem)
    good = tree.rollback()
    assert good.id == n["find"].id
    nodes = tree.nodes()
    assert nodes[n["clean"].id].status == nodes[n["sink"].id].status == "skipped"
    assert nodes[n["sink"].id].notes[-1] == f"rolled back to {good.id}"
    assert nodes[n["root"].id].status == "active" and tree.active.id == n["root"].id
    mem.undo(mem.history(n["sink"].id)[-1].batch)
    assert tree.nodes()[n["clean"].id].status == "active"


def test_rollback_to_a_named_step(mem):
    tree, n = _mug_task(mem)
    retry = tree.add_subtask(n["clean"].id, "go to sinkbasin 2", status="active")
    tree.set_status(retry.id, "done")
    later = tree.add_subtask(n["clean"].id, "take the mug to the machine", status="active")
    assert tree.rollback(to=retry.id).id == retry.id
    assert tree.nodes()[later.id].status == "skipped"
    assert tree.nodes()[n["clean"].id].status == "active"  # an ancestor of the good step


def test_prompt_shows_the_path_and_finished_siblings(mem):
    tree, n = _mug_task(mem)
    assert tree.prompt(400).splitlines()[1:] == [
        "[>] put a clean mug in the coffee machine (active)",
        "    inputs: room=kitchen",
        "  [x] find the mug -> mug=cabinet 2",
        "  [>] clean the mug (active)",
        "    [!] go to sinkbasin 1 (the sink is blocked)"]


@pytest.mark.parametrize("budget", [8, 12, 20, 30, 45, 60, 100, 400])
def test_prompt_always_fits_the_budget(mem, budget):
    tree, n = _mug_task(mem)
    for i in range(12):  # many finished siblings to cut
        s = tree.add_subtask(n["root"].id, f"check drawer {i} for a spoon")
        tree.set_status(s.id, "done")
    text = tree.prompt(budget)
    assert approx_tokens(text) <= budget
    words = lambda t: len(t.split())  # noqa: E731
    assert words(tree.prompt(budget, count_tokens=words)) <= budget
    if budget >= 45:  # the root and the active step survive any cut that leaves room
        assert "coffee machine" in text and "clean the mug" in text
        if budget < 100:
            assert "drawer 0" not in text  # the oldest finished siblings go first


def test_resume_after_restart(tmp_path):
    home = tmp_path / "home"
    with Memory(home=home, embedder=HashEmbedder()) as m:
        tree, n = _mug_task(m)
        before = tree.prompt(300)
    with Memory(home=home, embedder=HashEmbedder()) as m:
        again = TaskTree.load(m, tree.task_id, user_id="ana")
        assert again.prompt(300) == before and again.active.id == n["clean"].id
        assert [t.task for t in TaskTree.tasks(m, user_id="ana")] == [tree.task_id]
        with pytest.raises(MemoryNotFound, match="no task 'nope'"):
            TaskTree.load(m, "nope", user_id="ana")
        with pytest.raises(MemoryNotFound):
            TaskTree.load(m, tree.task_id, user_id="bo")  # another user's task is invisible


def test_bad_input_is_refused_and_nothing_is_written(mem):
    tree = TaskTree.open(mem, "water the plants", user_id="ana")
    count = mem.stats()["records"]
    with pytest.raises(InvalidArgumentError, match="not one of"):
        tree.set_status(tree.root.id, "finished")
    with pytest.raises(InvalidArgumentError, match="not in task"):
        tree.add_subtask("nope", "fill the can")
    with pytest.raises(MemoryNotFound, match="no step"):
        tree.set_status("nope", "done")
    with pytest.raises(InvalidArgumentError, match="inputs must be a dict"):
        tree.add_subtask(tree.root.id, "fill the can", inputs=["can"])
    with pytest.raises(InvalidArgumentError, match="budget"):
        tree.prompt(3)
    assert mem.stats()["records"] == count
