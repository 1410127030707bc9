"""LLM interface, the scripted fake, the factory, and the SDK backends over real HTTP."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from agentmem import ConfigError, InvalidContentError, LLMError, LLMOutputError
from agentmem.llm import get_llm, parse_structured
from agentmem.llm.server import LLMServer
from agentmem.testing import ScriptedLLM


class Fact(BaseModel):
    op: str
    content: str


def test_scripted_llm_replies_and_counts():
    llm = ScriptedLLM(["plain text", {"op": "ADD", "content": "x"}, Fact(op="NOOP", content="")])
    assert llm.chat([{"role": "user", "content": "hi there"}]).text == "plain text"
    r = llm.chat("second", schema=Fact)
    assert r.parsed == Fact(op="ADD", content="x") and r.usage.calls == 1
    assert llm.chat("third", schema=Fact).parsed.op == "NOOP"
    assert llm.total_usage.calls == 3 and len(llm.calls) == 3
    with pytest.raises(LLMError, match="ran out"):
        llm.chat("fourth")


def test_garbage_raises_llm_output_error_with_raw_text():
    llm = ScriptedLLM(["Sure! here is {not json", '{"op": "ADD"}'])
    with pytest.raises(LLMOutputError) as info:
        llm.chat("x", schema=Fact)
    assert info.value.raw == "Sure! here is {not json"
    with pytest.raises(LLMOutputError, match="content"):
        llm.chat("x", schema=Fact)


def test_parse_tolerates_fences_and_chatter():
    assert parse_structured('```json\n{"op": "ADD", "content": "a"}\n```', Fact).op == "ADD"
    assert parse_structured('Here: {"op": "DELETE", "content": "b"} done', Fact).op == "DELETE"
    assert parse_structured('{"a": 1}', {"type": "object"}) == {"a": 1}
    with pytest.raises(LLMOutputError):
        parse_structured("[1, 2]", {"type": "object"})


def test_message_and_argument_checks():
    llm = ScriptedLLM(default="ok")
    with pytest.raises(InvalidContentError, match="message 0"):
        llm.chat([{"role": "wizard", "content": "x"}])
    with pytest.raises(InvalidContentError, match="empty"):
        llm.chat([])
    with pytest.raises(ValueError, match="max_tokens"):
        llm.chat("x", max_tokens=0)


def test_factory_strings():
    assert get_llm("scripted").name == "scripted"
    inst = ScriptedLLM()
    assert get_llm(inst) is inst
    with pytest.raises(ConfigError, match="names no model"):
        get_llm("openai")
    with pytest.raises(ConfigError, match="unknown LLM provider"):
        get_llm("cohere:command")
    with pytest.raises(ConfigError):
        get_llm(42)


def _echo_schema(messages):
    return {"op": "ADD", "content": messages[-1]["content"][:20]}


@pytest.fixture
def scripted_server():
    server = LLMServer(ScriptedLLM(default=_echo_schema)).start()
    yield server
    server.shutdown()
    server.server_close()


def test_openai_backend_over_http(scripted_server):
    pytest.importorskip("openai")
    llm = get_llm("openai:served", base_url=scripted_server.base_url)
    r = llm.chat([{"role": "system", "content": "be brief"},
                  {"role": "user", "content": "remember the blue door"}], schema=Fact)
    assert r.parsed == Fact(op="ADD", content="remember the blue do")
    assert r.usage.prompt_tokens > 0 and llm.total_usage.calls == 1


def test_anthropic_backend_over_http(scripted_server):
    pytest.importorskip("anthropic")
    llm = get_llm("anthropic:served", base_url=scripted_server.base_url.removesuffix("/v1"))
    r = llm.chat([{"role": "system", "content": "be brief"},
                  {"role": "user", "content": "remember the red car"}], schema=Fact)
    assert r.parsed == Fact(op="ADD", content="remember the red car")
    plain = llm.chat("just talk")
    assert '"op": "ADD"' in plain.text


def test_unreachable_server_is_an_llm_error():
    pytest.importorskip("openai")
    llm = get_llm("openai:x", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=2)
    with pytest.raises(LLMError, match="request failed"):
        llm.chat("hello")
