"""One suite, every backend: in-process (numpy), embedded chroma on disk, chroma server, Postgres."""

from __future__ import annotations

import io
import random
from datetime import datetime, timezone

import pytest

from agentmem import InvalidOperationError, Kind, MemoryNotFound, Operation, OpType


def test_add_get_roundtrip(backend):
    with backend() as m:
        rec = m.add("Caroline went to the LGBTQ support group.", user_id="caroline",
                    session_id="s1", kind="fact", metadata={"turn": "D1:3"},
                    event_time="2023-05-08T13:56:00+00:00",
                    provenance={"source": "dialogue", "ref": "D1:3"})
        got = m.get(rec.id)
        assert got == rec
        assert got.scope.user_id == "caroline" and got.scope.session_id == "s1"
        assert got.provenance.ref == "D1:3" and got.trust == 1.0 and got.version == 1
        assert got.event_time == datetime(2023, 5, 8, 13, 56, tzinfo=timezone.utc)
        assert len(rec.id) == 12


def test_update_versions_history_and_search(backend):
    with backend(user_id="u1") as m:
        rec = m.add("The cat is called Oscar.")
        new = m.update(rec.id, "The cat is called Luna.", reason="user corrected the name")
        assert new.version == 2 and new.content.endswith("Luna.")
        hist = m.history(rec.id)
        assert [(h.op, h.version) for h in hist] == [("ADD", 1), ("UPDATE", 2)]
        assert hist[1].before.content.endswith("Oscar.") and hist[1].reason.startswith("user")
        assert [h.id for h in m.search("Luna", mode="keyword")] == [rec.id]
        assert m.search("Oscar", mode="keyword") == []
        assert m.search("what is the cat called", k=1)[0].id == rec.id


def test_delete_restore_and_undo(backend):
    with backend(user_id="u1") as m:
        rec = m.add("Melanie paints sunsets.")
        m.update(rec.id, "Melanie paints lakes.")
        gone = m.delete(rec.id, reason="test")
        assert gone.content == "Melanie paints lakes."
        with pytest.raises(MemoryNotFound, match="deleted"):
            m.get(rec.id)
        assert m.search("Melanie paints") == []
        back = m.restore(rec.id, version=1)
        assert back.content == "Melanie paints sunsets." and back.version == 3
        assert m.search("Melanie sunsets", k=1)[0].id == rec.id
        assert [h.op for h in m.history(rec.id)] == ["ADD", "UPDATE", "DELETE", "RESTORE"]


def test_apply_is_all_or_nothing(backend):
    with backend(user_id="u1") as m:
        keep = m.add("Jon owns a dance studio.")
        before = m.stats()
        ops = [Operation.add("Gina lost her job."),
               Operation.update("nosuchid0000", "x"),
               Operation.delete(keep.id)]
        with pytest.raises(InvalidOperationError) as info:
            m.apply(ops)
        assert info.value.index == 1 and "operation 1 (UPDATE)" in str(info.value)
        assert m.stats()["records"] == before["records"]
        assert m.stats()["history_entries"] == before["history_entries"]
        assert m.get(keep.id).content == "Jon owns a dance studio."


def test_apply_mixed_batch(backend):
    with backend(user_id="u1") as m:
        a = m.add("Jon likes jazz.")
        b = m.add("Jon lives in Boston.")
        res = m.apply([
            {"op": "ADD", "content": "Jon opened a studio in 2023.", "reason": "new fact"},
            {"op": "UPDATE", "id": a.id, "content": "Jon likes jazz and salsa."},
            {"op": "UPDATE", "id": a.id, "metadata": {"confidence": "high"}},
            {"op": "DELETE", "id": b.id, "reason": "moved away"},
            {"op": "NOOP", "reason": "nothing new"},
        ], actor="manager")
        assert [r.op for r in res] == [OpType.ADD, OpType.UPDATE, OpType.UPDATE, OpType.DELETE,
                                       OpType.NOOP]
        assert m.get(a.id).version == 3 and m.get(a.id).metadata == {"confidence": "high"}
        assert m.get(a.id).content == "Jon likes jazz and salsa."
        assert m.stats()["records"] == 2
        assert {h.actor for h in m.history(a.id)[1:]} == {"manager"}
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}


def test_reset_scope_is_logged_and_undoable(backend):
    with backend() as m:
        for i in range(5):
            m.add(f"alice fact {i}", user_id="alice")
        bob = m.add("bob fact", user_id="bob")
        res = m.reset(user_id="alice")
        assert res.deleted == 5
        assert m.list(user_id="alice") == [] and m.get(bob.id)
        m.undo(res.batch)
        assert len(m.list(user_id="alice")) == 5
        assert len(m.search("alice fact", user_id="alice", k=10)) == 5


def test_export_import_roundtrip_is_exact(backend, tmp_path):
    with backend() as m:
        m.add("Nate plays video games.", user_id="nate", kind="fact", metadata={"a": [1, 2]})
        m.add("Joanna writes screenplays.", user_id="joanna", kind=Kind.NOTE,
              event_time=datetime(2022, 1, 21, tzinfo=timezone.utc))
        r = m.add("Ünïcödé and emoji 🎬 survive.", user_id="nate", session_id="s9")
        m.update(r.id, "Ünïcödé and emoji 🎬 survive export.")
        first = io.StringIO()
        assert m.export_jsonl(first) == 3
    from agentmem import Memory
    from agentmem.testing import HashEmbedder

    with Memory(home=tmp_path / "other", embedder=HashEmbedder(), vector_store={
            "provider": "memory"}) as other:
        assert other.import_jsonl(io.StringIO(first.getvalue())) == 3
        second = io.StringIO()
        other.export_jsonl(second)
        assert second.getvalue() == first.getvalue()
        assert other.get(r.id).version == 2
        assert other.search("screenplays", user_id="joanna")[0].content.startswith("Joanna")


def test_filters_kind_and_time(backend):
    with backend(user_id="u") as m:
        old = m.add("trip to Paris", event_time="2020-06-01T00:00:00+00:00")
        new = m.add("trip to Rome", event_time="2023-06-01T00:00:00+00:00")
        note = m.add("trip planning note", kind="note")
        ids = {h.id for h in m.search("trip", since="2022-01-01T00:00:00+00:00",
                                      until="2024-01-01T00:00:00+00:00")}
        assert ids == {new.id}
        assert {h.id for h in m.search("trip", kinds=["note"])} == {note.id}
        assert {h.id for h in m.search("trip", until="2021-01-01T00:00:00+00:00")} == {old.id}


def test_scope_isolation_randomized(backend):
    rng = random.Random(7)
    users, agents = [f"user{i}" for i in range(6)], ["a1", "a2"]
    words = "apple banana cherry dog eagle forest guitar harbor island jungle".split()
    with backend() as m:
        for _ in range(120):
            m.add(" ".join(rng.sample(words, 4)), user_id=rng.choice(users),
                  agent_id=rng.choice(agents))
        for _ in range(40):
            user, agent = rng.choice(users), rng.choice([None, *agents])
            hits = m.search(" ".join(rng.sample(words, 2)), user_id=user, agent_id=agent, k=20)
            assert hits, "every scope has records"
            for h in hits:
                assert h.record.scope.user_id == user
                assert agent is None or h.record.scope.agent_id == agent


def test_reopen_keeps_everything(backend):
    if backend.kind == "inprocess":
        pytest.skip("an in-process store lives only as long as its process")
    with backend(user_id="u") as m:
        ids = [r.id for r in m.add_many([f"fact number {i} about rivers" for i in range(20)])]
        m.delete(ids[0])
    with backend(user_id="u") as m:
        assert m.stats()["records"] == 19
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}
        assert len(m.search("rivers", k=50)) == 19


def test_search_sees_every_write_immediately(backend):
    """The per-scope exact-search cache is dropped by writes to its scope."""
    with backend(user_id="u") as m:
        first = m.add("the lighthouse keeper feeds the gulls")
        assert [h.id for h in m.search("lighthouse gulls", mode="vector")] == [first.id]
        second = m.add("the lighthouse lamp was repaired", agent_id="a1")
        assert {h.id for h in m.search("lighthouse", mode="vector")} == {first.id, second.id}
        assert [h.id for h in m.search("lighthouse", agent_id="a1", mode="vector")] == [second.id]
        m.delete(first.id)
        assert [h.id for h in m.search("lighthouse", mode="vector")] == [second.id]
        m.update(second.id, "the harbour crane was repaired")
        assert m.search("harbour crane", mode="vector", k=1)[0].id == second.id
        m.undo(m.history(first.id)[-1].batch)
        assert {h.id for h in m.search("lighthouse", mode="vector")} == {first.id, second.id}


def test_exact_scope_path_matches_the_index(tmp_path):
    from agentmem import Memory
    from agentmem.testing import HashEmbedder

    rng = random.Random(3)
    words = "amber basil cedar delta ember fjord grove heath iris jade kelp lotus".split()
    texts = [(f"u{rng.randrange(4)}", " ".join(rng.sample(words, 3))) for _ in range(150)]
    results = []
    for max_scope in (20_000, 0):
        with Memory(home=tmp_path / "h", embedder=HashEmbedder(),
                    exact_search_max_scope=max_scope) as m:
            if max_scope:
                for user, text in texts:
                    m.add(text, user_id=user)
            results.append([[round(h.distance, 4) for h in m.search(q, user_id=u, k=5,
                                                                    mode="vector")]
                            for u, q in texts[:30]])
    # Equal distances may come in another order, so compare the distances of the top 5.
    assert results[0] == results[1]


def test_quarantined_lists_what_the_guard_set_aside(backend):
    with backend(user_id="u") as m:
        a = m.add("set aside", metadata={"quarantined": True, "guard_reason": "rival claim"})
        b = m.add("flagged", metadata={"guard_flag": ["reads as an instruction"]})
        m.add("released", metadata={"quarantined": False, "guard_flag": []})
        m.add("plain")
        m.add("someone else's", user_id="v", metadata={"quarantined": True})
        assert [r.id for r in m.quarantined(user_id="u")] == [a.id, b.id]
        assert len(m.quarantined(user_id="v")) == 1
        assert [r.id for r in m.quarantined(limit=1, offset=1)] == [b.id]  # the default scope


def test_hybrid_search_ranks_by_no_word_most_records_hold(backend):
    """A word in half or more of the searched records (the user's name in their own
    memory) ranks no record above another: the hybrid search's keyword side does not
    look for it, so a record that says "we" is not put below every record naming the
    user; an explicit keyword search still looks for every word."""
    with backend(user_id="teodor") as m:
        named = [m.add(text).id for text in (
            "Teodor lives in Nantes.", "Teodor follows the local handball club.",
            "Teodor hates the smell of coriander.", "Teodor is training for a half marathon.")]
        moved = m.add("We gave the keys back; our new flat is in Genoa.").id
        m.add("Someone else lives in Lyon.", user_id="other")  # another scope: not counted
        hits = m.search("Where does Teodor call home?", k=5)
        assert {h.id for h in hits} == {*named, moved}
        assert all(h.keyword_rank is None for h in hits)  # ranked by the vectors alone
        assert {h.id for h in m.search("Where does Teodor call home?", mode="keyword")} == set(named)
        handball = m.search("Teodor handball", k=5)
        assert [h.id for h in handball if h.keyword_rank is not None] == [named[1]]
