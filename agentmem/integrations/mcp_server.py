"""``agentmem mcp``: the memory tools over the Model Context Protocol (official ``mcp`` SDK)."""

from __future__ import annotations

from typing import Any

from agentmem.errors import missing
from agentmem.memory import Memory
from agentmem.tools import memory_tools, reraise_as

__all__ = ["build_mcp_server"]


def build_mcp_server(memory: Memory, **scope: Any) -> Any:
    """An MCP server exposing search/add/update/delete/history for one scope.

    Run it with ``server.run("stdio")``; errors reach the client as tool errors.
    """
    try:
        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError
    except ImportError:
        raise missing("mcp", "mcp", "The MCP server") from None
    server = MCPServer("agentmem", instructions="Long-term memory: search before answering, "
                       "add durable facts, update or delete ones that changed.")
    for fn in memory_tools(memory, **scope):
        server.tool()(reraise_as(fn, ToolError))
    return server
