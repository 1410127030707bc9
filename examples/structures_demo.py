"""The four memory structures on the embedded model: notes, a task tree, lessons, summaries.

Run:  python examples/structures_demo.py [--llm openai:gpt-4o-mini] [--home DIR]

Writes the note graph to DIR/graph.html (open it in a browser) and DIR/graph.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agentmem import LessonStore, LinkedNotes, Memory, SessionSummarizer, TaskTree, get_llm
from agentmem.structures.notes import export_graph

NOTES = ["Ana adopted a beagle puppy called Biscuit.",
         "Biscuit the beagle loves the dog park by the river.",
         "Ana works night shifts as a nurse in Lisbon.",
         "Ana walks Biscuit after her night shift, before sleeping."]
TURNS = [{"speaker": "Ana", "text": "I finally booked the trip to Kyoto for April!"},
         {"speaker": "Bo", "text": "Amazing. Are you taking Biscuit?"},
         {"speaker": "Ana", "text": "No, my sister will look after him while I'm away."},
         {"speaker": "Bo", "text": "By the way, I started a pottery class on Tuesdays."}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=".agentmem-structures")
    parser.add_argument("--llm", default="local", help="local, openai:MODEL, anthropic:MODEL")
    args = parser.parse_args()
    llm = get_llm(args.llm)
    memory = Memory(home=args.home, user_id="ana")
    memory.reset(user_id="ana")

    print("== linked notes ==")
    notes = LinkedNotes(memory, llm)
    for text in NOTES:
        res = notes.add(text)
        links = "; ".join(f"{link['to']} ({link['reason']})" for link in res.links) or "none"
        print(f"+ {res.note.id} {text}\n    keywords={res.note.metadata['keywords']} "
              f"links: {links}; evolved {len(res.evolved)}")
    for hit in notes.search("Who takes care of the dog?", k=1):
        print(f"  {'via ' + hit.via if hit.via else 'hit'}: {hit.content}")
    graph = notes.graph()
    for suffix in ("html", "png"):
        print("  wrote", export_graph(graph, Path(args.home) / f"graph.{suffix}"))

    print("\n== task tree ==")
    tree = TaskTree.open(memory, "put a clean mug in the coffee machine")
    find = tree.add_subtask(tree.root.id, "find the mug", status="active")
    tree.record_output(find.id, {"mug": "cabinet 2"})
    tree.set_status(find.id, "done")
    clean = tree.add_subtask(tree.root.id, "clean the mug", status="active")
    tree.set_status(clean.id, "failed", note="sinkbasin 1 is blocked")
    print(tree.prompt(budget=80))
    print(f"rollback -> last good step: {tree.rollback().goal!r}; active: {tree.active.goal!r}")

    print("\n== lessons ==")
    lessons = LessonStore(memory, llm)
    steps = ["go to countertop 1", "take apple 1 from countertop 1",
             "heat apple 1 with microwave 1", "go to fridge 1", "put apple 1 in fridge 1"]
    for lesson in lessons.distil("put a hot apple in the fridge", steps, success=True):
        print(f"+ [{lesson.polarity}] {lesson.title}: {lesson.content}")
    for lesson in lessons.retrieve("put a hot egg in the fridge", k=2):
        print(f"  retrieved for 'put a hot egg in the fridge': {lesson.title}")

    print("\n== reflective summary ==")
    summary = SessionSummarizer(memory, llm, max_topics=2).summarize(TURNS, session_id="s1")
    for topic in summary.topics:
        print(f"  topic ({len(topic.metadata['turns'])} turns): {topic.content}")
    print(f"  session: {summary.session.content}")
    for hit in memory.search("Who looks after Biscuit in April?", k=3):
        print(f"  [{hit.granularity}] {hit.content[:90]}")
    print(f"\nLLM usage: {llm.total_usage.calls} calls")
    memory.close()


if __name__ == "__main__":
    main()
