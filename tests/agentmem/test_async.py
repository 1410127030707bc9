"""AsyncMemory is the same code as Memory behind coroutines."""

from __future__ import annotations

import asyncio

from agentmem import AsyncMemory, Memory
from agentmem.testing import HashEmbedder


def test_async_memory_round_trip():
    async def scenario():
        async with AsyncMemory(home=":memory:", embedder=HashEmbedder(), user_id="u") as m:
            recs = await asyncio.gather(*(m.add(f"async fact {i} about owls") for i in range(8)))
            assert len({r.id for r in recs}) == 8
            hits = await m.search("owls", k=3)
            assert len(hits) == 3
            await m.update(recs[0].id, "async fact about hawks")
            assert [h.op for h in await m.history(recs[0].id)] == ["ADD", "UPDATE"]
            assert (await m.stats())["records"] == 8
            return m.sync

    inner = asyncio.run(scenario())
    assert isinstance(inner, Memory) and inner._closed


def test_wrap_existing_memory():
    sync = Memory(home=":memory:", embedder=HashEmbedder(), user_id="u")
    sync.add("wrapped")
    m = AsyncMemory.wrap(sync)
    assert asyncio.run(m.list())[0].content == "wrapped"
    assert AsyncMemory.search.__doc__ == Memory.search.__doc__


def test_async_memory_has_every_public_method_of_memory():
    import inspect

    public = {n for n, v in vars(Memory).items() if not n.startswith("_")
              and (callable(v) or isinstance(v, property))}
    missing = sorted(n for n in public if not hasattr(AsyncMemory, n))
    assert not missing, f"AsyncMemory lacks {missing}"
    for name in public - {"home", "postgres", "resolve_scope", "scoped"}:  # no I/O
        method = getattr(AsyncMemory, name)
        assert inspect.iscoroutinefunction(method), name
        # built from the sync method itself, so help() and IDEs show its signature and docs
        assert method.__wrapped__ is getattr(Memory, name), name


def test_async_where_and_scoped_view():
    async def scenario():
        async with AsyncMemory(home=":memory:", embedder=HashEmbedder(), user_id="u") as m:
            await m.add("tagged", metadata={"topic": "birds"})
            found = await m.where("topic", "birds")
            assert [r.content for r in found] == ["tagged"]
            assert m.scoped(user_id="u").kwargs == {"user_id": "u"}

    asyncio.run(scenario())
