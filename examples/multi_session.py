"""A chat that remembers across processes: each session runs in a fresh Python process.

Run:  python examples/multi_session.py [--llm openai:gpt-4o-mini]

Session 1 tells the agent a few things; session 2 — a new process, so nothing
survives in RAM — asks about them. Memory lives in SQLite + chroma under --home,
and the conversation thread in LangGraph's SQLite checkpointer next to it.

Memory is layered: every message is stored verbatim as a turn the moment it is
said (no model involved, so nothing is lost), and the manager's facts, linked to
their turns, follow in the background. Each answer prints what was recalled for it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

TELL = ["I adopted a beagle called Biscuit.", "I work night shifts as a nurse.",
        "I'm training for the Lisbon half marathon.",
        "Change of plan: I'm now training for the Porto marathon instead."]
ASK = ["What is my dog called?", "What is my job?", "Which race am I training for now?"]


def session(phase: str, llm: str, home: str) -> None:
    from agentmem import Agent, Memory

    with Agent(llm, memory=Memory(home=home), user_id="ana") as agent:
        for line in TELL if phase == "tell" else ASK:
            print(f"[{phase}] you> {line}")
            result = agent.chat(line, thread_id="ana-main")
            print(f"[{phase}] agent> {result.answer}")
            for rid in result.retrieved_ids if phase == "ask" else []:
                print(f"[{phase}]   recalled: {agent.memory.get(rid).content}")
        agent.flush()
        memories = agent.memory.list(user_id="ana")
        for kind in ("turn", "fact"):
            print(f"[{phase}] {kind}s: {[r.content for r in memories if r.kind.value == kind]}")
        print(f"[{phase}] {len(memories)} memories")
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
