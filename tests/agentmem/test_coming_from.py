"""docs/coming-from.md: each mapping from mem0's calls to agentmem's, as it is written there."""

from __future__ import annotations

import pytest

from agentmem import ConfigError, InvalidArgumentError, Memory
from agentmem.operations import Operation
from agentmem.protocols import ManagerDecision


class _KeepsWhatUsersSay:
    """A manager (no model) that keeps each user turn as a fact."""

    def decide(self, turns, related):
        return ManagerDecision(ops=[Operation.add(f"{t.speaker} said: {t.text}") for t in turns
                                    if t.speaker != "assistant"])


@pytest.fixture
def m():
    mem = Memory.from_config({"home": ":memory:", "embedder": "hash"})
    yield mem
    mem.close()


def test_mem0_calls_and_their_agentmem_names(m):
    messages = [{"role": "user", "content": "I'm vegetarian and I love hiking."},
                {"role": "assistant", "content": "Noted!"}]
    turns = m.add(messages, user_id="alice")  # mem0: m.add(messages, user_id=..., infer=False)
    assert [r.content for r in turns] == ["alice: I'm vegetarian and I love hiking.",
                                          "assistant: Noted!"]
    out = m.add([{"role": "user", "content": "I moved to Porto."}], user_id="alice",
                infer=True, manager=_KeepsWhatUsersSay())  # mem0: infer=True
    assert [r.kind.value for r in out] == ["turn", "fact"]
    assert out[1].content == "alice said: I moved to Porto."
    assert out[1].metadata["links"][0]["to"] == out[0].id  # the fact names its turn
    one = m.add("Alice's sister is Clara.", user_id="alice")  # a string: one memory, as it is
    hits = m.search("sister", user_id="alice", k=3)  # mem0: m.search(q, user_id=, limit=3)
    assert hits[0].id == one.id
    everything = m.list(user_id="alice")  # mem0: m.get_all(user_id=...)
    kinds = sorted(r.kind.value for r in everything)  # + the core profile ("moved": home)
    assert kinds == ["fact", "fact", "profile", "turn", "turn", "turn"]
    assert m.update(one.id, "Alice's sister is Clara, a nurse.").version == 2  # m.update(id, data)
    assert [e.op for e in m.history(one.id)] == ["ADD", "UPDATE"]  # m.history(id)
    m.delete(one.id)  # m.delete(id), restorable: m.restore(id)
    assert m.restore(one.id).content == "Alice's sister is Clara, a nurse."
    gone = m.reset(user_id="alice")  # mem0: m.delete_all(user_id=...); undo brings it back
    assert m.list(user_id="alice") == [] and gone.deleted == 6
    m.undo(gone.batch)
    assert len(m.list(user_id="alice")) == 6


def test_from_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="vector_stor: Extra inputs"):
        Memory.from_config({"home": ":memory:", "vector_stor": {}})
    with pytest.raises(ConfigError, match="takes a dict"):
        Memory.from_config("home=:memory:")


def test_messages_with_one_memorys_fields_are_refused(m):
    with pytest.raises(InvalidArgumentError, match="stored as turns"):
        m.add([{"role": "user", "content": "hi"}], user_id="alice", metadata={"a": 1})
    assert m.list(user_id="alice") == []
