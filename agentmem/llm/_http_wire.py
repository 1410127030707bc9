"""What ``agentmem serve-llm`` reads and writes: the OpenAI and Anthropic request bodies
(validated, so a bad field is a 400 that names it), the replies, their stream events,
and each API's own error shape.

Pure data in, data out: no HTTP here (see :mod:`agentmem.llm._http_app`).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from agentmem.llm.base import ChatResponse

__all__ = ["APIError", "ChatRequest", "MessagesRequest", "EmbeddingsRequest", "parse",
           "openai_call", "anthropic_call", "openai_reply", "openai_chunks", "anthropic_reply",
           "anthropic_events", "error_body", "DEFAULT_MAX_TOKENS"]

#: Used when a request gives no max_tokens (OpenAI makes it optional; Anthropic requires
#: it, but the older server accepted its absence and clients may rely on that).
DEFAULT_MAX_TOKENS = 512


class APIError(Exception):
    """A reply with an error status; the app writes it in the route's own format."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code
        self.headers = headers or {}


# Each API's error "type" for a status. OpenAI's SDK reads ``error.message/type/param/code``;
# Anthropic's reads ``{"type": "error", "error": {"type", "message"}}``.
_OPENAI_TYPES = {400: "invalid_request_error", 401: "authentication_error",
                 404: "not_found_error", 405: "invalid_request_error", 408: "timeout_error",
                 413: "invalid_request_error", 503: "server_error", 504: "timeout_error"}
_ANTHROPIC_TYPES = {400: "invalid_request_error", 401: "authentication_error",
                    404: "not_found_error", 405: "invalid_request_error", 408: "timeout_error",
                    413: "request_too_large", 503: "overloaded_error", 504: "timeout_error"}


def error_body(err: APIError, anthropic: bool) -> dict:
    if anthropic:
        return {"type": "error", "error": {"type": _ANTHROPIC_TYPES.get(err.status, "api_error"),
                                           "message": err.message}}
    return {"error": {"message": err.message,
                      "type": _OPENAI_TYPES.get(err.status, "server_error"),
                      "param": err.param, "code": err.code}}


def _text(content: Any) -> Any:
    """Message content as one string: a string, or a list of text parts joined. Anything
    else is left for the ``str`` check to refuse (its error names the field)."""
    if isinstance(content, list):
        kinds = {p.get("type") if isinstance(p, dict) else type(p).__name__ for p in content}
        if kinds - {"text"} or not all(isinstance(p.get("text"), str) for p in content):
            raise ValueError(f"only text parts are served (type 'text' with a string 'text'), "
                             f"got {sorted(map(str, kinds))}")
        return "".join(p["text"] for p in content)
    return content


Text = Annotated[str, BeforeValidator(_text)]
MaxTokens = Annotated[int, Field(strict=True, ge=1)]
_Open = ConfigDict(extra="allow")  # clients send fields this server does not use (top_p, user)


class OpenAIMessage(BaseModel):
    model_config = _Open
    role: Literal["system", "developer", "user", "assistant"]
    content: Text | None = None  # an assistant turn may carry only tool calls


class ResponseFormat(BaseModel):
    model_config = _Open
    type: Literal["text", "json_object", "json_schema"]
    json_schema: dict | None = None

    @model_validator(mode="after")
    def _needs_schema(self) -> "ResponseFormat":
        if self.type == "json_schema" and not isinstance((self.json_schema or {}).get("schema"),
                                                         dict):
            raise ValueError("type json_schema needs json_schema.schema (an object)")
        return self


class ChatRequest(BaseModel):
    model_config = _Open
    model: str | None = None
    messages: list[OpenAIMessage] = Field(min_length=1)
    max_tokens: MaxTokens | None = None
    max_completion_tokens: MaxTokens | None = None
    temperature: Annotated[float, Field(strict=True, ge=0, le=2, allow_inf_nan=False)] | None = None
    n: Literal[1] | None = None  # one choice is all a backend gives
    stream: Annotated[bool, Field(strict=True)] = False
    stream_options: dict | None = None
    response_format: ResponseFormat | None = None


class AnthropicMessage(BaseModel):
    model_config = _Open
    role: Literal["user", "assistant"]
    content: Text


class Tool(BaseModel):
    model_config = _Open
    name: str
    input_schema: dict


class ToolChoice(BaseModel):
    model_config = _Open
    type: Literal["auto", "any", "tool", "none"]
    name: str | None = None


class MessagesRequest(BaseModel):
    model_config = _Open
    model: str | None = None
    system: Text | None = None
    messages: list[AnthropicMessage] = Field(min_length=1)
    max_tokens: MaxTokens = DEFAULT_MAX_TOKENS
    temperature: Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)] | None = None
    stream: Annotated[bool, Field(strict=True)] = False
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None

    @model_validator(mode="after")
    def _forced_tool_exists(self) -> "MessagesRequest":
        choice = self.tool_choice
        if choice and choice.type == "tool" and not any(
                t.name == choice.name for t in self.tools or []):
            raise ValueError(f"tool_choice names the tool {choice.name!r}, which is not in tools")
        return self


class EmbeddingsRequest(BaseModel):
    model_config = _Open
    model: str | None = None
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"

    @model_validator(mode="after")
    def _not_empty(self) -> "EmbeddingsRequest":
        if not self.input:
            raise ValueError("input must be a string or a non-empty list of strings")
        return self


def _where(loc: tuple) -> str:
    """``("messages", 1, "content")`` -> ``messages[1].content``; pydantic's union-branch
    tags (``str``, ``list[str]``, ``function-after[...]``) are dropped."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.search(r"[\[\]]|^(str|int|float|bool|dict|list)$", part):
            out += f".{part}" if out else part
    return out


def parse(model: type[BaseModel], body: Any) -> Any:
    """``body`` validated as ``model``, or a 400 naming the first bad field."""
    if not isinstance(body, dict):
        raise APIError(400, f"the body must be a JSON object, got {type(body).__name__}",
                       code="invalid_body")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _where(err["loc"]) or None
        got = "" if err["type"] == "missing" else f" (got {err.get('input')!r:.60})"
        msg = err["msg"].removeprefix("Value error, ")
        raise APIError(400, f"{where or 'body'}: {msg}{got}", param=where,
                       code="missing_field" if err["type"] == "missing" else "invalid_value") from None


def openai_call(req: ChatRequest) -> dict:
    """The backend's ``chat`` arguments for an OpenAI request."""
    messages = [{"role": "system" if m.role == "developer" else m.role, "content": m.content or ""}
                for m in req.messages]
    fmt, schema = req.response_format, None
    if fmt is not None and fmt.type == "json_schema":
        schema = fmt.json_schema["schema"]
    elif fmt is not None and fmt.type == "json_object":
        schema = {"type": "object"}
    return {"messages": messages, "schema": schema,
            "max_tokens": req.max_completion_tokens or req.max_tokens or DEFAULT_MAX_TOKENS,
            "temperature": req.temperature or 0.0}


def anthropic_call(req: MessagesRequest) -> tuple[dict, Tool | None]:
    """The backend's ``chat`` arguments for an Anthropic request, and the tool it must call
    (a forced ``tool_choice``: the reply is decoded to that tool's input schema)."""
    messages = [{"role": "system", "content": req.system}] if req.system else []
    messages += [{"role": m.role, "content": m.content} for m in req.messages]
    tool = None
    if req.tool_choice is not None and req.tool_choice.type == "tool":
        tool = next(t for t in req.tools or [] if t.name == req.tool_choice.name)
    return ({"messages": messages, "schema": tool.input_schema if tool else None,
             "max_tokens": req.max_tokens, "temperature": req.temperature or 0.0}, tool)


def _hit_limit(resp: ChatResponse, max_tokens: int) -> bool:
    # Backends report no stop reason; a reply that used the whole budget was cut there.
    return resp.usage.completion_tokens >= max_tokens


def openai_reply(resp: ChatResponse, model: str, max_tokens: int) -> dict:
    u = resp.usage
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "logprobs": None,
                         "finish_reason": "length" if _hit_limit(resp, max_tokens) else "stop",
                         "message": {"role": "assistant", "content": resp.text}}],
            "usage": {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
                      "total_tokens": u.prompt_tokens + u.completion_tokens}}


def _pieces(text: str) -> list[str]:
    """The text in word-sized pieces (whitespace kept), as a streaming client expects."""
    return re.findall(r"\s*\S+\s*|\s+", text) or [""]


def openai_chunks(reply: dict, include_usage: bool) -> list[dict]:
    """``reply`` (from :func:`openai_reply`) as ``chat.completion.chunk`` objects."""
    head = {k: reply[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    choice = reply["choices"][0]

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return head | {"choices": [{"index": 0, "delta": delta, "logprobs": None,
                                    "finish_reason": finish}]}

    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": p}) for p in _pieces(choice["message"]["content"])]
    out.append(chunk({}, choice["finish_reason"]))
    if include_usage:
        out.append(head | {"choices": [], "usage": reply["usage"]})
    return out


def anthropic_reply(resp: ChatResponse, model: str, max_tokens: int, tool: Tool | None) -> dict:
    if tool is not None:
        content = [{"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:12]}",
                    "name": tool.name, "input": resp.parsed}]
        stop = "tool_use"
    else:
        content = [{"type": "text", "text": resp.text}]
        stop = "max_tokens" if _hit_limit(resp, max_tokens) else "end_turn"
    return {"id": f"msg_{uuid.uuid4().hex[:12]}", "type": "message", "role": "assistant",
            "model": model, "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": resp.usage.prompt_tokens,
                      "output_tokens": resp.usage.completion_tokens}}


def anthropic_events(reply: dict) -> list[tuple[str, dict]]:
    """``reply`` (from :func:`anthropic_reply`) as Anthropic's stream events, in order
    (a tool's input is streamed as pieces of its JSON text, ``input_json_delta``)."""
    block = reply["content"][0]
    start = reply | {"content": [], "stop_reason": None,
                     "usage": reply["usage"] | {"output_tokens": 0}}
    if block["type"] == "tool_use":
        first = block | {"input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": p}
                  for p in _pieces(json.dumps(block["input"]))]
    else:
        first = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in _pieces(block["text"])]
    return [("message_start", {"type": "message_start", "message": start}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": first}),
            *[("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": d})
              for d in deltas],
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta",
                               "delta": {"stop_reason": reply["stop_reason"],
                                         "stop_sequence": None},
                               "usage": {"output_tokens": reply["usage"]["output_tokens"]}}),
            ("message_stop", {"type": "message_stop"})]
