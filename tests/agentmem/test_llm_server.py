"""``agentmem serve-llm`` over real HTTP, in-process on a free port, with scripted models:
the OpenAI SDK for chat, streams and errors; httpx for the Anthropic route and raw cases;
the line in front of the model (FIFO, bounded, a deadline); the API key."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from agentmem import InvalidContentError, LLMError, MissingDependencyError
from agentmem.llm.server import LLMServer, require_server_packages
from agentmem.testing import ScriptedLLM

openai = pytest.importorskip("openai")

USER = [{"role": "user", "content": "hi there"}]


@pytest.fixture
def start():
    """``start(llm, **options)`` -> a running server, closed after the test."""
    servers = []

    def make(llm=None, **options):
        server = LLMServer(llm or ScriptedLLM(default="one two three four"), **options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


class Gate:
    """A model whose replies wait until the test opens the gate; ``started`` is set when
    a reply begins, ``running`` counts replies being generated at once."""

    def __init__(self):
        self.open, self.started = threading.Event(), threading.Event()
        self.running = self.most = 0
        self.llm = ScriptedLLM(default=self._reply)

    def _reply(self, messages):
        self.running += 1
        self.most = max(self.most, self.running)
        self.started.set()
        self.open.wait(10)
        self.running -= 1
        return f"reply to {messages[-1]['content']}"


_clients: list = []


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _clients:
        _clients.pop().close()


def _client(server, **kw):
    client = openai.OpenAI(base_url=server.base_url, api_key=kw.pop("api_key", "x"),
                           max_retries=0, timeout=10, **kw)
    _clients.append(client)
    return client


def _post(server, route, body, **kw):
    return httpx.post(server.base_url + route, json=body, timeout=10, **kw)


def _wait_for(condition, seconds=5.0):
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.01)


# --- OpenAI route ---------------------------------------------------------------------

def test_openai_chat_and_finish_reason(start):
    server = start()
    client = _client(server)
    r = client.chat.completions.create(model="m", messages=USER, max_tokens=50)
    assert r.choices[0].message.content == "one two three four"
    assert r.choices[0].finish_reason == "stop" and r.model == "m"
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (2, 4)
    # The scripted reply is 4 tokens: a budget of 4 was used up, so it was cut there.
    cut = client.chat.completions.create(model="m", messages=USER, max_tokens=4)
    assert cut.choices[0].finish_reason == "length"
    assert [m.id for m in client.models.list().data] == ["scripted"]


def test_openai_stream_sends_chunks_then_done(start):
    server = start()
    chunks = list(_client(server).chat.completions.create(
        model="m", messages=USER, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four" and len(chunks) >= 5
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].usage.completion_tokens == 4
    raw = _post(server, "/chat/completions", {"messages": USER, "stream": True})
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert [line for line in raw.text.splitlines() if line][-1] == "data: [DONE]"


@pytest.mark.parametrize("field, value, named", [
    ("max_tokens", 0, "max_tokens"),
    ("max_tokens", 2.5, "max_tokens"),
    ("temperature", 3, "temperature"),
    ("temperature", "hot", "temperature"),
    ("messages", [], "messages"),
    ("messages", [{"role": "tool", "content": "x"}], "messages[0].role"),
    ("messages", [{"role": "user", "content": [{"type": "image_url"}]}], "messages[0].content"),
    ("n", 2, "n"),
    ("stream", "yes", "stream"),
    ("response_format", {"type": "json_schema"}, "response_format"),
])
def test_openai_bad_parameters_are_a_400_naming_the_field(start, field, value, named):
    server = start()
    body = {"model": "m", "messages": USER, field: value}
    with pytest.raises(openai.BadRequestError) as info:
        _client(server).chat.completions.create(**body)
    err = info.value.body
    assert err["param"] == named and err["type"] == "invalid_request_error"
    assert err["message"].startswith(named)


def test_openai_raw_bodies_nan_and_broken_json(start):
    server = start()
    url = server.base_url + "/chat/completions"
    for content, says in [(b'{"messages": [{"role": "user", "content": "x"}], "temperature": NaN}',
                           "finite"), (b'{"messages": ', "not valid JSON"),
                          (b'[1, 2]', "JSON object"), (b'\xff\xfe', "not valid JSON")]:
        r = httpx.post(url, content=content, headers={"content-type": "application/json"})
        assert r.status_code == 400 and says in r.json()["error"]["message"], r.text
        assert "type" not in r.json()  # OpenAI's shape, not Anthropic's


def test_unknown_route_and_missing_embedder_answer_in_openai_format(start):
    server = start()
    r = httpx.get(server.base_url + "/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = _post(server, "/embeddings", {"input": "x"})
    assert r.status_code == 404 and "--embedder" in r.json()["error"]["message"]


def test_backend_failures(start):
    server = start(ScriptedLLM([LLMError("backend down"), InvalidContentError("too long"),
                                "not json"]))
    client = _client(server)
    with pytest.raises(openai.InternalServerError, match="backend down"):
        client.chat.completions.create(model="m", messages=USER)
    with pytest.raises(openai.BadRequestError, match="too long"):
        client.chat.completions.create(model="m", messages=USER)
    with pytest.raises(openai.InternalServerError, match="does not fit"):
        client.chat.completions.create(model="m", messages=USER,
                                       response_format={"type": "json_object"})


# --- Anthropic route -----------------------------------------------------------------

def test_anthropic_messages_and_stop_reasons(start):
    server = start(ScriptedLLM(["a b c", "a b c", '{"x": 1}']))
    body = {"model": "claude", "max_tokens": 10, "system": "be brief", "messages": USER}
    r = _post(server, "/messages", body).json()
    assert r["content"] == [{"type": "text", "text": "a b c"}]
    assert r["stop_reason"] == "end_turn" and r["usage"]["output_tokens"] == 3
    assert _post(server, "/messages", body | {"max_tokens": 3}).json()["stop_reason"] == "max_tokens"
    tool = {"name": "t", "input_schema": {"type": "object"}}
    r = _post(server, "/messages", body | {"tools": [tool],
                                           "tool_choice": {"type": "tool", "name": "t"}}).json()
    assert r["stop_reason"] == "tool_use" and r["content"][0]["input"] == {"x": 1}


def test_anthropic_stream_events(start):
    server = start()
    r = _post(server, "/messages", {"max_tokens": 10, "messages": USER, "stream": True})
    events = [line.removeprefix("event: ") for line in r.text.splitlines()
              if line.startswith("event: ")]
    assert events[:2] == ["message_start", "content_block_start"]
    assert events[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    data = [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: ")]
    assert "".join(d["delta"].get("text", "") for d in data
                   if d["type"] == "content_block_delta") == "one two three four"
    anthropic = pytest.importorskip("anthropic")
    client = anthropic.Anthropic(base_url=server.base_url.removesuffix("/v1"), api_key="x",
                                 max_retries=0)
    _clients.append(client)
    with client.messages.stream(model="m", max_tokens=10, messages=USER) as stream:
        assert stream.get_final_message().content[0].text == "one two three four"


def test_anthropic_stream_of_a_forced_tool_sends_the_parsed_input(start):
    anthropic = pytest.importorskip("anthropic")
    server = start(ScriptedLLM(default='```json\n{"x": [1, 2]}\n```'))  # chatter around JSON
    client = anthropic.Anthropic(base_url=server.base_url.removesuffix("/v1"), api_key="x",
                                 max_retries=0)
    _clients.append(client)
    with client.messages.stream(model="m", max_tokens=10, messages=USER,
                                tools=[{"name": "t", "input_schema": {"type": "object"}}],
                                tool_choice={"type": "tool", "name": "t"}) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use" and final.content[0].input == {"x": [1, 2]}


@pytest.mark.parametrize("change, named", [
    ({"max_tokens": 0}, "max_tokens"),
    ({"temperature": 1.5}, "temperature"),  # Anthropic's range is [0, 1]
    ({"messages": [{"role": "system", "content": "x"}]}, "messages[0].role"),
    ({"tool_choice": {"type": "tool", "name": "nope"}}, "not in tools"),
])
def test_anthropic_errors_in_anthropic_format(start, change, named):
    server = start()
    r = _post(server, "/messages", {"max_tokens": 5, "messages": USER} | change)
    assert r.status_code == 400
    body = r.json()
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert named in body["error"]["message"]


# --- framing ---------------------------------------------------------------------------

def _raw(server, request: bytes, seconds: float = 3.0) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=seconds) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):  # the server closes after its answer
            data += chunk
            if b"\r\n\r\n" in data and data.rstrip().endswith((b"}", b".")):
                break
    return data


@pytest.mark.parametrize("length", [b"-1", b"abc", b"1, 2"])
def test_bad_content_length_is_a_quick_400(start, length):
    server = start()
    begun = time.monotonic()
    answer = _raw(server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: " + length + b"\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.1 400") and time.monotonic() - begun < 2


def test_a_body_that_never_arrives_times_out_with_408(start):
    server = start(timeout=0.5)
    answer = _raw(server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: 100\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive" in answer


# --- the line in front of the model ---------------------------------------------------

def test_a_slow_reply_blocks_neither_models_nor_the_event_loop(start):
    gate = Gate()
    server = start(gate.llm)
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(_post, server, "/chat/completions", {"messages": USER})
        assert gate.started.wait(5)
        begun = time.monotonic()
        assert httpx.get(server.base_url + "/models", timeout=5).status_code == 200
        assert time.monotonic() - begun < 1
        gate.open.set()
        assert slow.result().status_code == 200


def test_requests_are_served_one_at_a_time_in_order_and_a_full_line_is_a_503(start):
    gate = Gate()
    server = start(gate.llm, max_queue=2)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(_post, server, "/chat/completions",
                            {"messages": [{"role": "user", "content": "first"}]})
        assert gate.started.wait(5)
        second = pool.submit(_post, server, "/chat/completions",
                             {"messages": [{"role": "user", "content": "second"}]})
        _wait_for(lambda: server.waiting == 1)
        third = pool.submit(_post, server, "/messages",
                            {"max_tokens": 5, "messages": [{"role": "user", "content": "third"}]})
        _wait_for(lambda: server.waiting == 2)
        with pytest.raises(openai.InternalServerError) as info:  # 503: the line is full
            _client(server).chat.completions.create(model="m", messages=USER)
        assert info.value.status_code == 503 and info.value.body["code"] == "queue_full"
        assert info.value.response.headers["retry-after"] == "1"
        full = _post(server, "/messages", {"max_tokens": 5, "messages": USER})
        assert full.status_code == 503 and full.json()["error"]["type"] == "overloaded_error"
        gate.open.set()
        replies = [first.result().json(), second.result().json(), third.result().json()]
    assert gate.most == 1  # never two generations at once
    assert replies[0]["choices"][0]["message"]["content"] == "reply to first"
    assert replies[1]["choices"][0]["message"]["content"] == "reply to second"
    assert replies[2]["content"][0]["text"] == "reply to third"
    assert [c[-1]["content"] for c in gate.llm.calls] == ["first", "second", "third"]


def test_timeout_is_a_504_in_each_format_and_a_waiting_request_leaves_the_line(start):
    gate = Gate()
    server = start(gate.llm, timeout=0.5)
    with ThreadPoolExecutor(2) as pool:
        stuck = pool.submit(_post, server, "/chat/completions", {"messages": USER})
        assert gate.started.wait(5)
        queued = pool.submit(_post, server, "/messages", {"max_tokens": 5, "messages": USER})
        r, q = stuck.result(), queued.result()
    assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"
    assert q.status_code == 504 and q.json()["error"]["type"] == "timeout_error"
    assert server.waiting == 0  # the queued one gave its place up and never ran
    gate.open.set()  # the stuck generation finishes; the next request is served
    _wait_for(lambda: gate.running == 0)
    assert _post(server, "/chat/completions", {"messages": USER}).status_code == 200
    assert len(gate.llm.calls) == 2


# --- the API key, the bind address, options ------------------------------------------

def test_api_key(start):
    server = start(api_key="sekret")
    with pytest.raises(openai.AuthenticationError) as info:
        _client(server, api_key="wrong").chat.completions.create(model="m", messages=USER)
    assert info.value.body["code"] == "invalid_api_key"
    assert httpx.get(server.base_url + "/models").status_code == 401
    ok = _client(server, api_key="sekret").chat.completions.create(model="m", messages=USER)
    assert ok.choices[0].message.content == "one two three four"
    body = {"max_tokens": 5, "messages": USER}
    denied = _post(server, "/messages", body, headers={"x-api-key": "nope"})
    assert denied.status_code == 401 and denied.json()["error"]["type"] == "authentication_error"
    assert _post(server, "/messages", body, headers={"x-api-key": "sekret"}).status_code == 200


def test_a_public_bind_without_a_key_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="agentmem.server"):
        LLMServer(ScriptedLLM(), host="0.0.0.0").server_close()
        LLMServer(ScriptedLLM(), host="0.0.0.0", api_key="k").server_close()
        LLMServer(ScriptedLLM()).server_close()
    assert len(caplog.records) == 1 and "without an API key" in caplog.records[0].message


def test_bad_options_and_a_missing_package(monkeypatch):
    from agentmem import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="timeout"):
        LLMServer(ScriptedLLM(), timeout=0)
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(MissingDependencyError, match=r"agentmem\[serve\]"):
        require_server_packages()


def test_cli_passes_its_options_and_reads_the_key_from_the_environment(monkeypatch):
    from typer.testing import CliRunner

    import agentmem.llm
    import agentmem.llm.server
    from agentmem.cli.main import app

    seen = {}
    monkeypatch.setattr(agentmem.llm, "get_llm", lambda spec, **kw: ScriptedLLM())
    monkeypatch.setattr(agentmem.llm.server, "serve",
                        lambda llm, host, port, emb, **kw: seen.update(kw, host=host))
    monkeypatch.setenv("AGENTMEM_API_KEY", "from-env")
    r = CliRunner().invoke(app, ["serve-llm", "--timeout", "30", "--max-queue", "4"])
    assert r.exit_code == 0, r.output
    assert seen == {"api_key": "from-env", "timeout": 30.0, "max_queue": 4, "workers": 1,
                    "host": "127.0.0.1"}
