"""The memory tools as LangChain tools (usable by LangGraph's prebuilt ReAct agent)."""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any, Callable

from agentmem.errors import InvalidScopeError, missing
from agentmem.memory import Memory
from agentmem.tools import memory_tools, reraise_as

__all__ = ["langchain_tools"]

_TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def langchain_tools(memory: Memory, **scope: Any) -> list[Any]:
    """``StructuredTool`` objects for search/add/update/delete/history, bound to a scope.

    A scope value may be a template filled at run time from the graph's config, like
    LangMem's namespaces: ``langchain_tools(memory, user_id="{user_id}")`` makes tools
    that act for ``config["configurable"]["user_id"]`` of each call, so one set of tools
    serves every user of a graph and each call still reaches only its own user's
    memories. The model never sees the scope (it is not a tool argument).

    Errors raised by a tool (unknown id, empty content, a missing configurable value)
    come back to the model as the tool's result text, so it can correct itself instead
    of crashing the graph.
    """
    try:
        from langchain_core.runnables import RunnableConfig
        from langchain_core.tools import StructuredTool, ToolException
    except ImportError:
        raise missing("langchain-core", "agent", "LangChain memory tools") from None
    templates = {f: m.group(1) for f, v in scope.items()
                 if isinstance(v, str) and (m := _TEMPLATE.fullmatch(v))}
    if not templates:
        return [StructuredTool.from_function(reraise_as(fn, ToolException),
                                             handle_tool_error=True)
                for fn in memory_tools(memory, **scope)]

    @functools.lru_cache(maxsize=256)
    def tools_for(resolved: tuple[tuple[str, str], ...]) -> dict[str, Callable[..., Any]]:
        return {fn.__name__: fn for fn in memory_tools(memory, **dict(resolved))}

    def scope_of(config: Any) -> tuple[tuple[str, str], ...]:
        given = (config or {}).get("configurable") or {}
        out = dict(scope)
        for field, key in templates.items():
            if not isinstance(given.get(key), str):
                raise InvalidScopeError(
                    f"this memory tool acts for config['configurable'][{key!r}] (its {field} "
                    f"is the template '{{{key}}}'), but the call's config has none; invoke the "
                    f"graph with config={{'configurable': {{{key!r}: ...}}}}")
            out[field] = given[key]
        return tuple(sorted(out.items()))

    def per_call(name: str, prototype: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(prototype)
        def call(*args: Any, config: RunnableConfig, **kwargs: Any) -> Any:
            return tools_for(scope_of(config))[name](*args, **kwargs)

        sig = inspect.signature(prototype)
        call.__signature__ = sig.replace(parameters=[  # type: ignore[attr-defined]
            *sig.parameters.values(),
            inspect.Parameter("config", inspect.Parameter.KEYWORD_ONLY,
                              annotation=RunnableConfig)])
        call.__annotations__ = {**prototype.__annotations__, "config": RunnableConfig}
        return call

    # The tools' names, signatures and docs, from a set bound to a placeholder scope.
    placeholder = {f: ("template" if f in templates else v) for f, v in scope.items()}
    return [StructuredTool.from_function(reraise_as(per_call(fn.__name__, fn), ToolException),
                                         handle_tool_error=True)
            for fn in memory_tools(memory, **placeholder)]
