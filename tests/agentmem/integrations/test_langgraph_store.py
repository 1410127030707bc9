"""AgentMemStore behaves like LangGraph's own InMemoryStore, and adds semantic search."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("langgraph.store.memory")

from langgraph.store.memory import InMemoryStore  # noqa: E402

from agentmem import Memory  # noqa: E402
from agentmem.integrations.langgraph_store import AgentMemStore  # noqa: E402
from agentmem.testing import HashEmbedder  # noqa: E402


@pytest.fixture
def stores():
    mem = Memory(home=":memory:", embedder=HashEmbedder())
    yield AgentMemStore(mem), InMemoryStore()
    mem.close()


def _fill(store):
    store.put(("users", "ana", "prefs"), "food", {"likes": "thai curry", "level": 3})
    store.put(("users", "ana", "prefs"), "music", {"likes": "jazz", "level": 5})
    store.put(("users", "ana", "facts"), "pet", {"likes": "beagles", "level": 1})
    store.put(("users", "bob", "prefs"), "food", {"likes": "pizza", "level": 3})
    store.put(("docs",), "readme", {"text": "hello"})


def _view(items):
    return sorted((tuple(i.namespace), i.key, tuple(sorted(i.value.items()))) for i in items)


def test_same_behaviour_as_langgraph_in_memory_store(stores):
    ours, ref = stores
    for s in stores:
        _fill(s)
    for kwargs in [{}, {"prefix": ("users",)}, {"suffix": ("prefs",)}, {"max_depth": 2},
                   {"prefix": ("users", "*", "facts")}, {"limit": 1, "offset": 1}]:
        assert ours.list_namespaces(**kwargs) == ref.list_namespaces(**kwargs)
    for s in stores:
        s.put(("users", "ana", "prefs"), "food", {"likes": "ramen", "level": 4})
        s.delete(("users", "bob", "prefs"), "food")
        s.delete(("nothing",), "here")
    assert ours.get(("users", "ana", "prefs"), "food").value == {"likes": "ramen", "level": 4}
    assert ours.get(("users", "bob", "prefs"), "food") is None
    for prefix in [(), ("users",), ("users", "ana"), ("users", "ana", "prefs"), ("nope",)]:
        assert _view(ours.search(prefix, limit=50)) == _view(ref.search(prefix, limit=50))
    for flt in [{"level": 5}, {"level": {"$gte": 4}}, {"likes": {"$ne": "jazz"}}]:
        assert _view(ours.search(("users",), filter=flt)) == _view(ref.search(("users",), filter=flt))
    # InMemoryStore keeps listing a namespace whose last item was deleted; we list only
    # namespaces that hold items, as the SQL-backed LangGraph stores do.
    assert ("nothing",) not in ours.list_namespaces()
    assert ("users", "bob", "prefs") not in ours.list_namespaces()
    item = ours.get(("users", "ana", "prefs"), "food")
    assert item.updated_at >= item.created_at


def test_semantic_search_history_and_async(stores):
    ours, _ = stores
    _fill(ours)
    hits = ours.search(("users",), query="jazz music", limit=2)
    assert hits[0].key == "music" and hits[0].score >= hits[1].score
    rec = ours.memory.list(agent_id="langgraph", kinds=["item"])
    assert len(rec) == 5
    ours.put(("docs",), "readme", {"text": "hello again"})
    readme = next(r for r in ours.memory.list(agent_id="langgraph") if
                  r.metadata["store_key"] == "readme")
    assert [h.op for h in ours.memory.history(readme.id)] == ["ADD", "UPDATE"]

    async def run():
        await ours.aput(("async",), "k", {"v": 1})
        return await ours.aget(("async",), "k")

    assert asyncio.run(run()).value == {"v": 1}


def test_store_in_a_langgraph_graph(stores):
    from typing import TypedDict

    from langgraph.graph import END, START, StateGraph
    from langgraph.store.base import BaseStore

    ours, _ = stores

    class S(TypedDict):
        text: str

    def remember(state: S, *, store: BaseStore) -> S:
        store.put(("notes",), "last", {"text": state["text"]})
        return {"text": store.get(("notes",), "last").value["text"].upper()}

    g = StateGraph(S)
    g.add_node("remember", remember)
    g.add_edge(START, "remember")
    g.add_edge("remember", END)
    out = g.compile(store=ours).invoke({"text": "kept in agentmem"})
    assert out["text"] == "KEPT IN AGENTMEM"
    assert ours.memory.list(agent_id="langgraph")[0].content == '{"text": "kept in agentmem"}'


def test_a_namespace_can_name_the_user_the_items_belong_to():
    from agentmem import InvalidArgumentError
    from agentmem.tools import memory_tools

    with Memory(home=":memory:", embedder=HashEmbedder()) as mem:
        store = AgentMemStore(mem, user_at=1)  # LangMem's ("memories", "{user_id}")
        store.put(("memories", "u1"), "pet", {"text": "u1 has a beagle called Biscuit"})
        store.put(("memories", "u2"), "pet", {"text": "u2 has a cat called Tom"})
        # agentmem's own reads, bound to one user, see that user's items and no other's
        hits = mem.search("beagle", user_id="u1", k=5)
        assert [h.record.metadata["store_key"] for h in hits] == ["pet"]
        assert all(h.record.scope.user_id == "u1" for h in hits)
        found = memory_tools(mem, user_id="u2")[0]("pet", k=5)  # search_memory
        assert [f["content"] for f in found] == ['{"text": "u2 has a cat called Tom"}']
        # the store itself still reads and deletes across users as LangGraph expects
        assert store.get(("memories", "u1"), "pet").value["text"].startswith("u1")
        store.delete(("memories", "u1"), "pet")
        assert store.get(("memories", "u1"), "pet") is None
        with pytest.raises(InvalidArgumentError, match="no label at position 1"):
            store.put(("memories",), "x", {"text": "whose?"})
        with pytest.raises(InvalidArgumentError, match="user_at"):
            AgentMemStore(mem, user_at=1, scope={"user_id": "u1"})


def test_index_config_like_langgraph_stores():
    from agentmem import InvalidArgumentError

    with Memory(home=":memory:", embedder=HashEmbedder()) as mem:
        store = AgentMemStore(mem, index={"dims": 64, "fields": ["text"]})
        store.put(("docs",), "a", {"text": "the harbour crane", "owner": "port authority"})
        # only the indexed field is embedded (and searched), the whole value is kept
        assert mem.list(agent_id="langgraph")[0].content == "the harbour crane"
        assert store.get(("docs",), "a").value["owner"] == "port authority"
        assert store.search(("docs",), query="crane")[0].key == "a"
        with pytest.raises(InvalidArgumentError, match="embedder makes 64"):
            AgentMemStore(mem, index={"dims": 1536})
        with pytest.raises(InvalidArgumentError, match="Memory\\(embedder=...\\)"):
            AgentMemStore(mem, index={"dims": 64, "embed": "openai:text-embedding-3-small"})
        with pytest.raises(InvalidArgumentError, match="IndexConfig"):
            AgentMemStore(mem, index={"fields": ["text"], "size": 3})


def test_ttl_expires_refreshes_and_sweeps_items():
    from agentmem import InvalidArgumentError

    now = [1_000_000.0]
    with Memory(home=":memory:", embedder=HashEmbedder()) as mem:
        store = AgentMemStore(mem, ttl={"default_ttl": 10, "refresh_on_read": True},
                              clock=lambda: now[0])
        store.put(("s",), "short", {"text": "gone soon"}, ttl=1)
        store.put(("s",), "default", {"text": "ten minutes"})
        store.put(("s",), "kept", {"text": "forever"}, ttl=None)
        assert store.supports_ttl
        now[0] += 50
        assert store.get(("s",), "short").value == {"text": "gone soon"}  # refreshed: +60 s
        now[0] += 90
        assert store.get(("s",), "short") is None  # 90 s after its last read
        assert {i.key for i in store.search(("s",))} == {"default", "kept"}
        now[0] += 9 * 60
        assert store.get(("s",), "default", refresh_ttl=False) is not None
        now[0] += 60
        assert {i.key for i in store.search(("s",), query="minutes")} == {"kept"}
        assert store.sweep_ttl() == 2  # both expired items, deleted through the apply path
        assert [r.metadata["store_key"] for r in mem.list(agent_id="langgraph")] == ["kept"]
        deleted = [h for h in mem.history_since(0)[0] if h.op == "DELETE"]
        assert {h.reason for h in deleted} == {"ttl expired"}
        store.put(("s",), "short", {"text": "back again"}, ttl=1)  # an expired key is reused
        assert store.get(("s",), "short").value == {"text": "back again"}
        with pytest.raises(InvalidArgumentError, match="positive number of minutes"):
            store.put(("s",), "bad", {"text": "x"}, ttl=-1)
        with pytest.raises(InvalidArgumentError, match="TTLConfig"):
            AgentMemStore(mem, ttl={"default": 5})
