"""Ingest a short conversation into memory and answer questions from it, fully offline.

Run:  python examples/quickstart.py            (embedded defaults: SmolLM2 + MiniLM + chroma)
      python examples/quickstart.py --llm openai:gpt-4o-mini   (a remote model for answers)

Each turn is stored as a memory with its date and turn id; each question retrieves
the most relevant memories (hybrid vector + BM25 search) and the LLM answers from
them, citing the memories it used.
"""

from __future__ import annotations

import argparse
import time

from agentmem import Memory, get_llm

CONVERSATION = [
    ("2023-05-08", [
        ("Ana", "I finally adopted a dog last weekend, a beagle called Biscuit!"),
        ("Ben", "Congrats! I've been busy training for the Berlin marathon in September."),
        ("Ana", "I work night shifts as a nurse, so Biscuit keeps me company in the mornings."),
    ]),
    ("2023-06-19", [
        ("Ben", "Bad news: I hurt my knee, so I switched from the marathon to a half marathon."),
        ("Ana", "Oh no. I started painting watercolours to relax after my shifts."),
        ("Ben", "My sister Clara is moving to Lisbon next month for a design job."),
    ]),
]

QUESTIONS = [
    "What is the name of Ana's dog?",
    "What is Ana's job?",
    "Which race is Ben training for now?",
    "Where is Clara moving?",
]



def ingest(memory: Memory) -> int:
    count = 0
    for session, (date, turns) in enumerate(CONVERSATION, 1):
        for turn, (speaker, text) in enumerate(turns, 1):
            memory.add(f"{speaker}: {text}", kind="turn", event_time=f"{date}T12:00:00+00:00",
                       session_id=f"s{session}",
                       provenance={"source": "dialogue", "ref": f"D{session}:{turn}"})
            count += 1
    return count


def answer(memory: Memory, llm, question: str, k: int) -> tuple[str, list]:
    hits = memory.search(question, k=k)
    context = "\n".join(f"({h.record.effective_time:%Y-%m-%d}) {h.content}" for h in hits)
    prompt = (f"{context}\n\nBased on the text above, {question[0].lower()}{question[1:]} "
              "Answer in a few words.")
    reply = llm.chat([{"role": "user", "content": prompt}], max_tokens=32)
    return reply.text.strip().split("\n")[0], hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local", help="'local', 'openai:MODEL', 'anthropic:MODEL'")
    parser.add_argument("--home", default=".agentmem-demo", help="where the memory lives")
    parser.add_argument("-k", type=int, default=None,
                        help="memories per question (default: 1 for the 135M local model, else 5)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    memory = Memory(home=args.home, user_id="demo")
    memory.reset(user_id="demo")  # start clean; the reset stays in history and can be undone
    n = ingest(memory)
    print(f"stored {n} turns in {args.home} ({time.perf_counter() - t0:.1f} s, incl. loading MiniLM)")

    t1 = time.perf_counter()
    llm = get_llm(args.llm)
    print(f"loaded {llm.name} in {time.perf_counter() - t1:.1f} s\n")
    for question in QUESTIONS:
        t = time.perf_counter()
        text, hits = answer(memory, llm, question, args.k or (1 if args.llm == "local" else 5))
        print(f"Q: {question}\nA: {text}   ({time.perf_counter() - t:.1f} s)")
        print(f"   top memory: [{hits[0].record.provenance.ref}] {hits[0].content}\n")
    memory.close()


if __name__ == "__main__":
    main()
