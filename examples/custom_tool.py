"""Memory tools next to a custom tool in a small tool-calling loop.

Run:  python examples/custom_tool.py [--llm openai:gpt-4o-mini]

`agentmem.tools.memory_tools` gives plain functions (search/add/update/delete/history)
bound to one user; here they sit next to a custom `days_until` tool. Each task comes
with a plan (which tool at which step) and the model writes each call's arguments as
JSON, seeing what the earlier calls returned; with the local model the JSON is decoded
under a grammar with one shape per tool (its name and exactly its required arguments,
a date argument as YYYY-MM-DD), so every call parses and fits the function it names.
A 135M model fills arguments well but does not choose well among six tools; with a
hosted model (--llm openai:...) pass the whole menu instead. A tool that raises is
reported back to the model instead of ending the loop.
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


# Arguments a schema can describe better than a type: the decoder then cannot write
# anything but a date here.
days_until.arg_schema = {"day": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}


def call_schema(tools: dict) -> dict:
    """One JSON shape per tool: its name and exactly its own arguments (the required ones
    required), so the decoded call always fits the function it names."""
    def shape(name: str, fn) -> dict:
        needed = _required(fn) if fn else []
        props = {n: {"type": "string", "maxLength": 160} for n in needed} | {
            n: v for n, v in getattr(fn, "arg_schema", {}).items() if n in needed}
        return {"type": "object", "required": ["tool", "args"], "additionalProperties": False,
                "properties": {"tool": {"const": name}, "args": {
                    "type": "object", "properties": props, "required": needed,
                    "additionalProperties": False}}}

    return {"anyOf": [shape(name, fn) for name, fn in tools.items()] + [shape("finish", None)]}


def _required(fn) -> list[str]:
    """The arguments a call must give; optional ones keep their defaults (a small model
    given a choice fills them with junk)."""
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.default is inspect.Parameter.empty]


def run(llm, tools: dict, task: str, plan: list[str]) -> list[str]:
    """Call the tools of ``plan`` in turn, the model writing each call; returns the calls
    that failed."""
    failed: list[str] = []
    transcript = f"Task: {task}"
    for step in plan:
        offered = {step: tools[step]}
        # Names only, no types: a small model copies "str" from a signature into the call.
        menu = "\n".join(f"- {name}({', '.join(_required(fn))}): {fn.__doc__.splitlines()[0]}"
                         for name, fn in offered.items())
        schema = call_schema(offered)
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
    for task, plan in (
            ("Remember that Ana's sister Clara visits on 2026-12-24.", ["add_memory"]),
            ("How many days until Clara's visit? Search memory for the date first, then count "
             "the days.", ["search_memory", "days_until"])):
        print(task)
        failed += run(llm, tools, task, plan)
    print("memories:", [r.content for r in memory.list(user_id="ana")])
    print("failed calls:", len(failed))
    memory.close()


if __name__ == "__main__":
    main()
