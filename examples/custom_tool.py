"""Memory tools next to a custom tool in a small tool-calling loop.

Run:  python examples/custom_tool.py [--llm openai:gpt-4o-mini]

`agentmem.tools.memory_tools` gives plain functions (search/add/update/delete/history)
bound to one user; here they sit next to a custom `days_until` tool. The model picks
a tool and its arguments as JSON; with the local model the JSON is decoded under a
grammar whose tool names are exactly the registered ones, so every call parses.
A tool that raises is reported back to the model instead of ending the loop.
"""

from __future__ import annotations

import argparse
import inspect
import json
from datetime import date

from agentmem import AgentMemError, Memory, get_llm
from agentmem.tools import memory_tools


def days_until(day: str) -> int:
    """Number of days from today until an ISO date such as 2026-12-24."""
    return (date.fromisoformat(day) - date.today()).days


def call_schema(tools: dict) -> dict:
    """One JSON shape per tool: its name and exactly its own arguments (the required ones
    required), so the decoded call always fits the function it names."""
    def shape(name: str, fn) -> dict:
        params = inspect.signature(fn).parameters.values() if fn else []
        props = {p.name: {"type": "integer" if p.annotation in (int, "int") else "string"}
                 for p in params}
        needed = [p.name for p in params if p.default is inspect.Parameter.empty]
        return {"type": "object", "required": ["tool", "args"], "additionalProperties": False,
                "properties": {"tool": {"const": name}, "args": {
                    "type": "object", "properties": props, "required": needed,
                    "additionalProperties": False}}}

    return {"anyOf": [shape(name, fn) for name, fn in tools.items()] + [shape("finish", None)]}


def run(llm, tools: dict, task: str, steps: int = 3) -> list[str]:
    """The tool-calling loop; returns the calls that failed."""
    menu = "\n".join(f"- {name}{inspect.signature(fn)}: {fn.__doc__.splitlines()[0]}"
                     for name, fn in tools.items())
    schema = call_schema(tools)
    failed: list[str] = []
    transcript = f"Task: {task}"
    for _ in range(steps):
        try:
            reply = llm.chat([{"role": "system", "content": "Call one tool per step as JSON "
                               f"{{\"tool\": name, \"args\": {{...}}}}, or tool finish.\n{menu}"},
                              {"role": "user", "content": transcript}], schema=schema,
                             max_tokens=96)
        except AgentMemError as exc:  # a model that cannot finish its JSON ends the task
            print(f"  model failed: {str(exc).splitlines()[0]}")
            break
        call = reply.parsed
        if call["tool"] == "finish":
            break
        try:
            result = tools[call["tool"]](**call["args"])
        except (AgentMemError, TypeError, ValueError) as exc:
            result = f"error: {exc}"
            failed.append(f"{call['tool']}: {exc}")
        print(f"  {call['tool']}({json.dumps(call['args'])}) -> {json.dumps(result, default=str)[:160]}")
        transcript += f"\nCalled {call['tool']}: {json.dumps(result, default=str)[:300]}"
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local")
    parser.add_argument("--home", default=".agentmem-tools-demo")
    args = parser.parse_args()
    memory = Memory(home=args.home)
    memory.reset(user_id="ana")
    tools = {fn.__name__: fn for fn in memory_tools(memory, user_id="ana")}
    tools["days_until"] = days_until
    llm = get_llm(args.llm)
    failed = []
    for task in ("Remember that Ana's sister Clara visits on 2026-12-24.",
                 "How many days until Clara's visit? Search memory for the date first."):
        print(task)
        failed += run(llm, tools, task)
    print("memories:", [r.content for r in memory.list(user_id="ana")])
    print("failed calls:", len(failed))
    memory.close()


if __name__ == "__main__":
    main()
