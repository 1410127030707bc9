"""The memory tools as LangChain tools (usable by LangGraph's prebuilt ReAct agent)."""

from __future__ import annotations

from typing import Any

from agentmem.errors import missing
from agentmem.memory import Memory
from agentmem.tools import memory_tools, reraise_as

__all__ = ["langchain_tools"]


def langchain_tools(memory: Memory, **scope: Any) -> list[Any]:
    """``StructuredTool`` objects for search/add/update/delete/history, bound to a scope.

    Errors raised by a tool (unknown id, empty content ...) come back to the model as
    the tool's result text, so it can correct itself instead of crashing the graph.
    """
    try:
        from langchain_core.tools import StructuredTool, ToolException
    except ImportError:
        raise missing("langchain-core", "agent", "LangChain memory tools") from None
    return [StructuredTool.from_function(reraise_as(fn, ToolException), handle_tool_error=True)
            for fn in memory_tools(memory, **scope)]
