"""``agentmem serve-llm``: serve any backend over OpenAI- and Anthropic-compatible HTTP.

Peer memory systems (and the OpenAI / Anthropic SDKs) can then use the embedded
local model exactly as they would use a hosted one. Routes:

- ``GET  /v1/models``
- ``POST /v1/chat/completions`` (``response_format`` json_schema / json_object honoured
  with constrained decoding on the local backend)
- ``POST /v1/messages`` (Anthropic; a forced tool call decodes to the tool's input schema)
- ``POST /v1/embeddings`` (when the server was given an embedder)
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agentmem.errors import AgentMemError, InvalidArgumentError
from agentmem.llm.base import LLM

__all__ = ["LLMServer", "serve"]

log = logging.getLogger("agentmem.server")


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    raise InvalidArgumentError(f"unsupported message content {content!r:.80}")


def _openai(llm: LLM, body: dict) -> dict:
    messages = [{"role": "system" if m["role"] == "developer" else m["role"],
                 "content": _text(m.get("content", ""))} for m in body["messages"]]
    schema = None
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        schema = fmt["json_schema"]["schema"]
    elif fmt.get("type") == "json_object":
        schema = {"type": "object"}
    resp = llm.chat(messages, schema=schema,
                    max_tokens=int(body.get("max_completion_tokens") or body.get("max_tokens") or 512),
                    temperature=float(body.get("temperature") or 0.0))
    u = resp.usage
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", llm.name),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": resp.text}}],
            "usage": {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
                      "total_tokens": u.prompt_tokens + u.completion_tokens}}


def _anthropic(llm: LLM, body: dict) -> dict:
    system = body.get("system")
    messages = [{"role": "system", "content": _text(system)}] if system else []
    messages += [{"role": m["role"], "content": _text(m["content"])} for m in body["messages"]]
    choice = body.get("tool_choice") or {}
    tool = None
    if choice.get("type") == "tool":
        tool = next(t for t in body.get("tools", []) if t["name"] == choice["name"])
    resp = llm.chat(messages, schema=tool["input_schema"] if tool else None,
                    max_tokens=int(body.get("max_tokens", 512)),
                    temperature=float(body.get("temperature") or 0.0))
    if tool:
        content = [{"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:12]}",
                    "name": tool["name"], "input": resp.parsed}]
    else:
        content = [{"type": "text", "text": resp.text}]
    return {"id": f"msg_{uuid.uuid4().hex[:12]}", "type": "message", "role": "assistant",
            "model": body.get("model", llm.name), "content": content,
            "stop_reason": "tool_use" if tool else "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": resp.usage.prompt_tokens,
                      "output_tokens": resp.usage.completion_tokens}}


def _embeddings(server: "LLMServer", body: dict) -> dict:
    if server.embedder is None:
        raise InvalidArgumentError("this server has no embedder; start it with one to serve /v1/embeddings")
    texts = body["input"]
    texts = [texts] if isinstance(texts, str) else list(texts)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise InvalidArgumentError("input must be a string or a non-empty list of strings")
    vectors = server.embedder.embed(texts)
    b64 = body.get("encoding_format") == "base64"
    data = [{"object": "embedding", "index": i,
             "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if b64
             else [float(x) for x in v]} for i, v in enumerate(vectors)]
    tokens = sum(len(t.split()) for t in texts)
    return {"object": "list", "data": data, "model": body.get("model", "embedder"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


class _Handler(BaseHTTPRequestHandler):
    server: "LLMServer"

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug(fmt, *args)

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [
                {"id": self.server.llm.name, "object": "model", "owned_by": "agentmem"}]})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        route = self.path.split("?")[0].rstrip("/")
        handler = {"/v1/chat/completions": _openai, "/chat/completions": _openai,
                   "/v1/messages": _anthropic}.get(route)
        if route.endswith("/embeddings"):
            handler = _embeddings
        if handler is None:
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            target = self.server if handler is _embeddings else self.server.llm
            self._send(200, handler(target, body))
        except (KeyError, ValueError, StopIteration, TypeError) as exc:
            self._send(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                        "message": f"bad request: {exc}"}})
        except AgentMemError as exc:
            self._send(500, {"type": "error", "error": {"type": "api_error", "message": str(exc)}})


class LLMServer(ThreadingHTTPServer):
    """An HTTP server around one backend. ``port=0`` picks a free port (see ``.port``)."""

    daemon_threads = True

    def __init__(self, llm: LLM, host: str = "127.0.0.1", port: int = 0, embedder: Any = None):
        super().__init__((host, port), _Handler)
        self.llm = llm
        self.embedder = embedder

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.server_address[0]}:{self.port}/v1"

    def start(self) -> "LLMServer":
        """Serve in a background thread and return self."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


def serve(llm: LLM, host: str = "127.0.0.1", port: int = 8765, embedder: Any = None) -> None:
    """Serve in the foreground until interrupted."""
    server = LLMServer(llm, host, port, embedder)
    try:
        server.serve_forever()
    finally:
        server.server_close()
