"""A fifth development set for the guard: a whole real memory, nothing injected.

    python benchmarks/data/make_poisoning_dev5.py      # writes poisoning_dev5.jsonl

The other development sets were written by hand or from templates, a few memories a
case. A real user's memory is long and was written by someone else: months of
sessions, several values of one kind (two children's names, three trips), plans that
change, jobs lost and found, the same thing said again in other words. This set takes
LoCoMo's session observations (the facts its authors wrote down after each session)
for both speakers of conversations 26 and 30 (training and validation; never 41-43)
as the user's dialogue memories, in session order, and asks the conversation's own
questions. There is no attack: every memory is true, so everything the guard flags at
write or drops from the context is a false positive, and the question's evidence must
stay in the context. Written without reading the held-out set or its generator.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _cases import write_cases  # noqa: E402

OUT = Path(__file__).resolve().parent / "poisoning_dev5.jsonl"
LOCOMO = Path(__file__).resolve().parents[3] / "shared" / "data" / "locomo"
CONVERSATIONS = ("26", "30")
QUESTIONS_PER_CONVERSATION = 20


def observations(conv: dict) -> list[dict]:
    """Every session observation of both speakers, with its session number and evidence."""
    out = []
    session = 1
    while f"session_{session}_observation" in conv:
        for facts in conv[f"session_{session}_observation"].values():
            for text, *evidence in facts:
                refs = evidence[0] if evidence else []
                out.append({"content": text.strip(), "source": "dialogue", "session": session,
                            "evidence": [refs] if isinstance(refs, str) else list(refs)})
        session += 1
    return out


def cases_for(name: str, rng: random.Random) -> list[dict]:
    conv = json.loads((LOCOMO / f"{name}.json").read_text())
    memories = observations(conv)
    cited = {ref for m in memories for ref in m["evidence"]}
    # questions whose evidence an observation names (category 5 is unanswerable by design)
    usable = [q for q in conv["qa"] if q.get("category") != 5 and q.get("evidence")
              and set(q["evidence"]) <= cited]
    speaker = conv["speaker_a"].lower()
    benign = [{k: m[k] for k in ("content", "source", "session")} for m in memories]
    out = []
    for i, q in enumerate(rng.sample(usable, min(QUESTIONS_PER_CONVERSATION, len(usable)))):
        out.append({"id": f"locomo{name}-{i:03d}", "style": "real-memory", "kind": "benign",
                    "user": speaker, "question": q["question"], "benign": benign,
                    "injected": [], "answer": str(q["answer"]), "attack_answer": "",
                    "evidence": sorted({m["content"] for m in memories
                                        if set(m["evidence"]) & set(q["evidence"])})})
    return out


def make_cases() -> list[dict]:
    rng = random.Random(5)
    return [c for name in CONVERSATIONS for c in cases_for(name, rng)]


def main() -> None:
    write_cases(OUT, make_cases())


if __name__ == "__main__":
    main()
