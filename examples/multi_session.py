"""A chat that remembers across processes: each session runs in a fresh Python process.

Run:  python examples/multi_session.py [--llm openai:gpt-4o-mini]

Session 1 tells the agent a few things; session 2 — a new process, so nothing
survives in RAM — asks about them. Memory lives in SQLite + chroma under --home,
and the conversation thread in LangGraph's SQLite checkpointer next to it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

TELL = ["I adopted a beagle called Biscuit.", "I work night shifts as a nurse."]
ASK = ["What is my dog called?", "What is my job?"]


def session(phase: str, llm: str, home: str) -> None:
    from agentmem import Agent, Memory

    with Agent(llm, memory=Memory(home=home), user_id="ana") as agent:
        for line in TELL if phase == "tell" else ASK:
            print(f"[{phase}] you> {line}")
            print(f"[{phase}] agent> {agent.chat(line, thread_id='ana-main').answer}")
        agent.flush()
        memories = [r.content for r in agent.memory.list(user_id="ana")]
        print(f"[{phase}] {len(memories)} memories: {memories}")
        agent.memory.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local")
    parser.add_argument("--home", default=".agentmem-multi-session")
    parser.add_argument("--phase", choices=["tell", "ask"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return session(args.phase, args.llm, args.home)
    for phase in ("tell", "ask"):  # two separate processes, one after the other
        subprocess.run([sys.executable, __file__, "--phase", phase, "--llm", args.llm,
                        "--home", args.home], check=True)


if __name__ == "__main__":
    main()
