"""ScopedMemory: a view of one scope through Memory's public calls only."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError, InvalidScopeError, Memory, MemoryNotFound, Operation
from agentmem.testing import HashEmbedder


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        yield m


def test_a_view_writes_and_reads_only_its_own_scope(mem):
    ana, bo = mem.scoped(user_id="ana"), mem.scoped(user_id="bo")
    a = ana.add("Ana keeps bees in Porto.")
    bo.add_many(["Bo keeps bees in Oslo.", "Bo sails."])
    assert a.scope.user_id == "ana"
    assert [h.id for h in ana.search("bees", k=5)] == [a.id]
    assert [r.content for r in bo.records()] == ["Bo keeps bees in Oslo.", "Bo sails."]
    res = ana.apply([Operation.update(a.id, "Ana keeps bees in Braga.")], actor="t", batch="b1")
    assert res[0].record.version == 2 and mem.history(a.id)[-1].batch == "b1"
    with pytest.raises(InvalidArgumentError, match="not a new batch id"):
        ana.apply([Operation.update(a.id, "again")], batch="b1")  # would undo as one
    with pytest.raises(MemoryNotFound):
        bo.get(a.id)
    with pytest.raises(MemoryNotFound):
        bo.history(a.id)
    assert ana.get(a.id).content == "Ana keeps bees in Braga."


def test_paging_prefix_lookup_similarities_and_state(mem):
    view = mem.scoped(agent_id="store")
    view.add_many([f"item {i}" for i in range(7)], kind="item",
                  metadata={"path": "ns/a"})
    view.add("other", kind="item", metadata={"path": "ns/b"})
    assert len(list(view.records(kinds=["item"], page=3))) == 8  # read three at a time
    assert len(view.where("path", "ns/", prefix=True)) == 8
    assert len(view.where("path", "ns/a")) == 7
    records = view.list(limit=2)
    scores = view.similarities("item 1", records)
    assert set(scores) == {r.id for r in records} and all(-1 <= s <= 1.0001 for s in scores.values())
    assert view.state("weights") is None
    view.set_state("weights", {"w": [1, 2]})
    assert view.state("weights") == {"w": [1, 2]}
    assert mem.scoped(agent_id="other").state("weights") is None  # state is per scope


def test_history_since_sees_this_scope_only(mem):
    ana, bo = mem.scoped(user_id="ana"), mem.scoped(user_id="bo")
    cursor = mem.history_cursor()
    a = ana.add("Ana fact")
    bo.add("Bo fact")
    mine, cursor2 = ana.history_since(cursor)
    assert [e.memory_id for e in mine] == [a.id] and cursor2 == cursor + 2
    everything, _ = mem.history_since(cursor)
    assert len(everything) == 2
    assert ana.history_since(cursor2) == ([], cursor2)
    with pytest.raises(InvalidArgumentError):
        mem.history_since(-1)


def test_scope_rules_and_clear_errors(mem):
    with pytest.raises(InvalidScopeError):
        mem.scoped()  # a view needs a scope (or a default one)
    ana = mem.scoped(user_id="ana")
    with pytest.raises(InvalidArgumentError, match="fixes the scope"):
        ana.search("x", user_id="bo")
    session = ana.narrowed(session_id="s1")
    assert session.kwargs == {"user_id": "ana", "session_id": "s1"}
    rec = session.add("in a session")
    assert ana.owns(rec) and not mem.scoped(user_id="ana", session_id="s2").owns(rec)
    with pytest.raises(InvalidArgumentError, match="not in scope"):
        mem.scoped(user_id="bo").similarities("x", [rec])
    with Memory(home=":memory:", embedder=HashEmbedder(), agent_id="bot") as m:
        assert m.scoped(user_id="ana").kwargs == {"user_id": "ana", "agent_id": "bot"}
