"""The Starlette app behind ``agentmem serve-llm``: routes, the API key, the deadline,
and errors in the format of the route that was called (OpenAI's, or Anthropic's on
``/v1/messages``). Request and reply shapes are in :mod:`agentmem.llm._http_wire`; the
fair line in front of the model is :class:`~agentmem.llm._http_queue.WorkQueue`.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
import time
from typing import Any, Callable

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import agentmem.llm._http_wire as wire
from agentmem.errors import AgentMemError, InvalidArgumentError, InvalidContentError, LLMOutputError
from agentmem.llm._http_queue import WorkQueue
from agentmem.llm.base import LLM

__all__ = ["build_app", "MAX_BODY_BYTES"]

log = logging.getLogger("agentmem.server")

#: Bodies over this are refused (413) before they are read.
MAX_BODY_BYTES = 32 * 1024 * 1024


def _is_anthropic(request: Request) -> bool:
    return request.url.path.rstrip("/").endswith("/messages")


def _error(request: Request, err: wire.APIError) -> JSONResponse:
    return JSONResponse(wire.error_body(err, _is_anthropic(request)), err.status,
                        headers=err.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Starlette's own 404/405 (no such route, wrong method), in the caller's API format.
    assert isinstance(exc, HTTPException)
    what = (f"no route {request.url.path}" if exc.status_code == 404
            else f"{request.method} is not allowed on {request.url.path}")
    return _error(request, wire.APIError(exc.status_code, what, code="not_found"
                                         if exc.status_code == 404 else "method_not_allowed"))


def _backend_error(exc: BaseException) -> wire.APIError:
    """What a failed ``llm.chat`` / ``embed`` call means for the caller."""
    if isinstance(exc, LLMOutputError):  # before ValueError: it is one, but not the caller's fault
        return wire.APIError(500, f"the model's reply does not fit the requested schema: "
                             f"{str(exc).splitlines()[0]}", code="invalid_model_output")
    if isinstance(exc, (InvalidContentError, InvalidArgumentError)):  # e.g. over the context window
        return wire.APIError(400, str(exc).splitlines()[0], code="invalid_value")
    if isinstance(exc, AgentMemError):
        return wire.APIError(500, str(exc).splitlines()[0], code="backend_error")
    log.error("the backend failed", exc_info=exc)
    return wire.APIError(500, f"the backend failed: {type(exc).__name__}: {exc}",
                         code="backend_error")


class _Service:
    def __init__(self, llm: LLM, embedder: Any, api_key: str | None, timeout: float | None,
                 chat_queue: WorkQueue, embed_queue: WorkQueue):
        self.llm, self.embedder, self.api_key, self.timeout = llm, embedder, api_key, timeout
        self.chat_queue, self.embed_queue = chat_queue, embed_queue

    def _authorize(self, request: Request) -> None:
        if self.api_key is None:
            return
        bearer = request.headers.get("authorization", "")
        given = bearer[7:] if bearer[:7].lower() == "bearer " else request.headers.get("x-api-key", "")
        if not hmac.compare_digest(given.encode(), self.api_key.encode()):
            raise wire.APIError(401, "missing or wrong API key: send it as 'Authorization: Bearer "
                                "KEY' or 'x-api-key: KEY'", code="invalid_api_key")

    def _left(self, start: float) -> float | None:
        return None if self.timeout is None else max(0.0, self.timeout - (time.monotonic() - start))

    async def _body(self, request: Request, start: float) -> Any:
        size = request.headers.get("content-length", "")
        if size.isdigit() and int(size) > MAX_BODY_BYTES:
            raise wire.APIError(413, f"the body is {size} bytes; at most {MAX_BODY_BYTES} are "
                                "accepted", code="body_too_large")
        try:  # a client that announces a body and never sends it must not hold a slot forever
            raw = await asyncio.wait_for(request.body(), self._left(start))
        except asyncio.TimeoutError:
            raise wire.APIError(408, f"the request body did not arrive within {self.timeout:g} s",
                                code="timeout") from None
        try:
            return json.loads(raw)
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise wire.APIError(400, f"the body is not valid JSON: {exc}", code="invalid_json") from None

    async def _run(self, queue: WorkQueue, fn: Callable[[], Any], start: float) -> Any:
        if queue.full:
            raise wire.APIError(503, f"the server is busy: {queue.waiting} requests are already "
                                "waiting; retry later or start it with a larger --max-queue",
                                code="queue_full", headers={"Retry-After": "1"})
        try:
            return await queue.run(fn, self._left(start))
        except TimeoutError:
            raise wire.APIError(504, f"no reply within {self.timeout:g} s (time in line "
                                "included); send a smaller max_tokens, or start the server "
                                "with a larger --timeout", code="timeout") from None
        except Exception as exc:  # noqa: BLE001 - every backend failure becomes an HTTP error
            raise _backend_error(exc) from None

    async def models(self, request: Request) -> Response:
        self._authorize(request)
        return JSONResponse({"object": "list", "data": [
            {"id": self.llm.name, "object": "model", "created": 0, "owned_by": "agentmem"}]})

    async def chat(self, request: Request) -> Response:
        start = time.monotonic()
        self._authorize(request)
        req = wire.parse(wire.ChatRequest, await self._body(request, start))
        call = wire.openai_call(req)
        resp = await self._run(self.chat_queue, lambda: self.llm.chat(**call), start)
        reply = wire.openai_reply(resp, req.model or self.llm.name, call["max_tokens"])
        if not req.stream:
            return JSONResponse(reply)
        usage = bool((req.stream_options or {}).get("include_usage"))
        events = [ServerSentEvent(json.dumps(c)) for c in wire.openai_chunks(reply, usage)]
        return _stream(events + [ServerSentEvent("[DONE]")])

    async def messages(self, request: Request) -> Response:
        start = time.monotonic()
        self._authorize(request)
        req = wire.parse(wire.MessagesRequest, await self._body(request, start))
        call, tool = wire.anthropic_call(req)
        resp = await self._run(self.chat_queue, lambda: self.llm.chat(**call), start)
        reply = wire.anthropic_reply(resp, req.model or self.llm.name, req.max_tokens, tool)
        if not req.stream:
            return JSONResponse(reply)
        events = wire.anthropic_events(reply)
        return _stream([ServerSentEvent(json.dumps(data), event=name) for name, data in events])

    async def embeddings(self, request: Request) -> Response:
        start = time.monotonic()
        self._authorize(request)
        if self.embedder is None:
            raise wire.APIError(404, "this server has no embedder; start it with one (--embedder) "
                                "to serve /v1/embeddings", code="no_embedder")
        req = wire.parse(wire.EmbeddingsRequest, await self._body(request, start))
        texts = [req.input] if isinstance(req.input, str) else req.input
        vectors = await self._run(self.embed_queue, lambda: self.embedder.embed(texts), start)
        b64 = req.encoding_format == "base64"
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if b64
                 else [float(x) for x in v]} for i, v in enumerate(vectors)]
        tokens = sum(len(t.split()) for t in texts)  # an estimate: the embedder has no tokenizer here
        return JSONResponse({"object": "list", "data": data, "model": req.model or "embedder",
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def _stream(events: list[ServerSentEvent]) -> Response:
    async def send():
        for event in events:
            yield event

    return EventSourceResponse(send())


def _guarded(endpoint: Callable) -> Callable:
    """Every error a route raises on purpose, answered in that route's format."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except wire.APIError as err:
            return _error(request, err)

    return run


def build_app(llm: LLM, embedder: Any = None, *, api_key: str | None = None,
              timeout: float | None = 600.0, chat_queue: WorkQueue, embed_queue: WorkQueue
              ) -> Starlette:
    s = _Service(llm, embedder, api_key, timeout, chat_queue, embed_queue)
    routes = []
    for prefix in ("/v1", ""):  # some clients are given the host without /v1
        routes += [Route(f"{prefix}/models", _guarded(s.models), methods=["GET"]),
                   Route(f"{prefix}/chat/completions", _guarded(s.chat), methods=["POST"]),
                   Route(f"{prefix}/embeddings", _guarded(s.embeddings), methods=["POST"])]
    routes.append(Route("/v1/messages", _guarded(s.messages), methods=["POST"]))
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
