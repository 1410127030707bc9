"""``agentmem mcp``: the memory tools over the Model Context Protocol (official ``mcp`` SDK).

One server serves one user. The scope is fixed when the server is built (``agentmem mcp
--user ID``) and no tool takes a scope argument, so whoever talks to the server reaches
that user's memories and no one else's. To serve several users, run one server per user:
over stdio each MCP client starts its own server process anyway, so the binding lives in
the client's configuration (docs/security.md has the threat model).
"""

from __future__ import annotations

import inspect
from typing import Any

from agentmem.errors import InvalidScopeError, first_error, missing
from agentmem.memory import Memory
from agentmem.tools import memory_tools, reraise_as

__all__ = ["build_mcp_server"]

_SCOPE_ARGS = frozenset({"user_id", "agent_id", "session_id"})


def build_mcp_server(memory: Memory, *, user_id: str, agent_id: str | None = None,
                     session_id: str | None = None) -> Any:
    """An MCP server exposing search/add/update/delete/history for one user's scope
    (narrowed to an agent and/or session when given).

    Run it with ``server.run("stdio")``; errors reach the client as tool errors. A call
    that names a scope or an unknown argument is refused rather than ignored: a client
    that believes it can pick the user must learn at once that it cannot.

    Raises:
        InvalidScopeError: no ``user_id``: a server without one would serve every user.
    """
    if not user_id:
        raise InvalidScopeError("an MCP server serves exactly one user: pass user_id= "
                                "(agentmem mcp --user ID); run one server per user")
    try:
        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError
    except ImportError:
        raise missing("mcp", "mcp", "The MCP server") from None
    from pydantic import ValidationError

    tools = memory_tools(memory, user_id=user_id, agent_id=agent_id, session_id=session_id)
    takes = {fn.__name__: list(inspect.signature(fn).parameters) for fn in tools}

    class ScopedServer(MCPServer):
        async def call_tool(self, name: str, arguments: dict[str, Any],
                            context: Any = None) -> Any:
            if name in takes:
                _check_arguments(name, arguments, takes[name], ToolError)
            try:
                return await super().call_tool(name, arguments, context)
            except ToolError as exc:
                # The SDK reports a bad argument as pydantic's multi-line dump; say it in one.
                if isinstance(exc.__cause__, ValidationError):
                    raise ToolError(f"Error executing tool {name}: InvalidArgumentError: "
                                    f"{first_error(exc.__cause__)}") from None
                raise

    server = ScopedServer(
        "agentmem", instructions="Long-term memory of the one user this server is bound to: "
        "search before answering, add durable facts, update or delete ones that changed. "
        "Tools take no user/agent/session argument.")
    for fn in tools:
        server.tool()(reraise_as(fn, ToolError))
    return server


def _check_arguments(name: str, arguments: dict[str, Any], takes: list[str],
                     error: type[Exception]) -> None:
    """Refuse arguments the tool does not take (the SDK would drop them silently)."""
    scope = sorted(_SCOPE_ARGS & set(arguments))
    if scope:
        raise error(f"Error executing tool {name}: InvalidScopeError: {', '.join(scope)} cannot "
                    "be chosen per call; this server is bound to one scope when it starts "
                    "(one server per user). Drop the argument.")
    unknown = sorted(set(arguments) - set(takes))
    if unknown:  # a few names, each cut short: the message must stay one readable line
        names = ", ".join(repr(a[:40]) for a in unknown[:5])
        raise error(f"Error executing tool {name}: InvalidArgumentError: unknown argument(s) "
                    f"{names}; {name} takes {', '.join(takes)}")
