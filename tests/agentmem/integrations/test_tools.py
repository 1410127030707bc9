"""Memory tools: plain functions, LangChain tools inside LangGraph's ReAct agent, MCP over stdio."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from agentmem import Memory, MemoryNotFound
from agentmem.testing import HashEmbedder
from agentmem.tools import memory_tools


@pytest.fixture
def mem():
    m = Memory(home=":memory:", embedder=HashEmbedder())
    yield m
    m.close()


def test_plain_tools_are_scoped(mem):
    search, add, update, delete, history = memory_tools(mem, user_id="ana")
    assert search.__doc__ and "query" in search.__annotations__
    rec = add("Ana's dog is called Biscuit.")
    other = mem.add("Bob's dog is called Rex.", user_id="bob")
    assert [h["id"] for h in search("dog called", k=5)] == [rec["id"]]
    assert update(rec["id"], "Ana's dog is called Biscuit, a beagle.")["version"] == 2
    # Another scope's id reads like one that does not exist: no owner, no scope named.
    for tool in (delete, history, lambda i: update(i, "Rex is mine now.")):
        with pytest.raises(MemoryNotFound) as exc:
            tool(other.id)
        assert str(exc.value) == f"no memory with id {other.id!r}"
    assert [e["op"] for e in history(rec["id"])] == ["ADD", "UPDATE"]
    assert delete(rec["id"], reason="asked")["deleted"] == rec["id"]
    assert mem.get(other.id)


def test_what_a_tool_call_stores_is_labelled_as_taken_from_dialogue_not_the_users_word(mem):
    """The guard lets the user's own statement (the default provenance) update a claim
    without change words; an LLM's tool call must not get that standing."""
    _, add, *_ = memory_tools(mem, user_id="ana")
    stored = mem.get(add("Ana lives in Madrid.")["id"])
    assert stored.provenance.source.value == "dialogue" and stored.provenance.actor == "tool"


def test_langchain_tools_in_the_prebuilt_react_agent(mem):
    pytest.importorskip("langgraph.prebuilt")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage
    from langgraph.prebuilt import create_react_agent

    from agentmem.integrations.langchain import langchain_tools

    class ToolCallingFake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):
            return self

    script = iter([
        AIMessage(content="", tool_calls=[{"name": "add_memory", "id": "c1",
                                           "args": {"content": "Ana is allergic to peanuts."}}]),
        AIMessage(content="", tool_calls=[{"name": "delete_memory", "id": "c2",
                                           "args": {"memory_id": "doesnotexist"}}]),
        AIMessage(content="", tool_calls=[{"name": "search_memory", "id": "c3",
                                           "args": {"query": "allergic", "k": 3}}]),
        AIMessage(content="Noted: peanuts."),
    ])
    tools = langchain_tools(mem, user_id="ana")
    agent = create_react_agent(ToolCallingFake(messages=script), tools)
    out = agent.invoke({"messages": [("user", "Remember I'm allergic to peanuts")]})
    results = [m for m in out["messages"] if m.type == "tool"]
    assert "peanuts" in results[0].content
    assert "no memory with id 'doesnotexist'" in results[1].content  # reported to the model
    assert "allergic to peanuts" in results[2].content
    assert out["messages"][-1].content == "Noted: peanuts."
    assert [r.content for r in mem.list(user_id="ana")] == ["Ana is allergic to peanuts."]


def test_langchain_tools_with_a_namespace_template_filled_per_call(mem):
    pytest.importorskip("langgraph.prebuilt")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage
    from langgraph.prebuilt import create_react_agent

    from agentmem.integrations.langchain import langchain_tools

    class ToolCallingFake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):
            return self

    def turn(text):
        return iter([AIMessage(content="", tool_calls=[
            {"name": "add_memory", "id": "c1", "args": {"content": text}}]),
            AIMessage(content="", tool_calls=[
                {"name": "search_memory", "id": "c2", "args": {"query": "likes", "k": 5}}]),
            AIMessage(content="ok")])

    tools = langchain_tools(mem, user_id="{user_id}")  # one tool set for every user
    assert "config" not in tools[0].args and set(tools[0].args) == {"query", "k"}
    for user, text in (("ana", "Ana likes tea."), ("bo", "Bo likes coffee.")):
        agent = create_react_agent(ToolCallingFake(messages=turn(text)), tools)
        out = agent.invoke({"messages": [("user", text)]},
                           config={"configurable": {"user_id": user}})
        found = [m for m in out["messages"] if m.type == "tool"][1].content
        assert text in found and ("coffee" in found) == (user == "bo")
    assert [r.content for r in mem.list(user_id="ana")] == ["Ana likes tea."]
    assert [r.content for r in mem.list(user_id="bo")] == ["Bo likes coffee."]
    # A call without the value the template needs is reported to the model, and writes nothing.
    agent = create_react_agent(ToolCallingFake(messages=turn("Cy likes milk.")), tools)
    out = agent.invoke({"messages": [("user", "hi")]})
    assert "config['configurable']['user_id']" in [m for m in out["messages"]
                                                   if m.type == "tool"][0].content
    assert mem.stats()["records"] == 2


def test_mcp_server_over_stdio_with_a_real_client(tmp_path):
    pytest.importorskip("mcp")
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    home = tmp_path / "home"
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "agentmem", "mcp", "--home", str(home), "--user", "ana",
              "--embedder", "hash"],
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})

    async def scenario():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                names = {t.name for t in (await session.list_tools()).tools}
                assert {"search_memory", "add_memory", "update_memory", "delete_memory",
                        "memory_history"} <= names
                added = await session.call_tool("add_memory", {"content": "Ana paints lakes."})
                rec = json.loads(added.content[0].text)
                found = await session.call_tool("search_memory", {"query": "paints"})
                assert rec["id"] in found.content[0].text
                bad = await session.call_tool("add_memory", {"content": "   "})
                assert bad.is_error and "empty" in bad.content[0].text
                hist = await session.call_tool("memory_history", {"memory_id": rec["id"]})
                assert "ADD" in hist.content[0].text
                return rec["id"]

    mid = asyncio.run(scenario())
    with Memory(home=home, embedder=HashEmbedder()) as m:
        assert m.get(mid).content == "Ana paints lakes."
