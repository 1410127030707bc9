"""Memory QA over LoCoMo-format conversations, as an environment.

An episode first streams the conversation turn by turn (observation: the
session date, the turn id, the speaker and the text; the only action is
``next``), so a memory manager can watch it; then it asks the questions, one per
step: the action is the answer, the reward its token F1 against the gold answer
(``info`` adds exact match, BLEU-1, the category and the evidence turn ids).

Only the sessions reach the system under test: the dataset's summaries,
observations and event annotations are never read (see
:mod:`agentmem.conversations`). Categories 1-4 are asked by default; category 5
(adversarial, where the right answer is that it was not mentioned) on request.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from agentmem.conversations import Session, parse_locomo
from agentmem.errors import InvalidArgumentError
from agentmem.protocols import Turn
from envs.base import TextEnv
from envs.scoring import bleu1, exact_match, token_f1

__all__ = ["MemoryQAEnv", "Question", "load_locomo", "CATEGORIES"]

CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop",
              5: "adversarial"}
NOT_MENTIONED = "Not mentioned in the conversation"


@dataclass
class Question:
    question: str
    answer: str
    category: int
    evidence: list[str] = field(default_factory=list)


def load_locomo(path: str | Path, categories: Sequence[int] = (1, 2, 3, 4)
                ) -> tuple[list[Session], list[Question]]:
    """Sessions and questions of one LoCoMo file; a malformed file names its problem."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgumentError(f"{path} does not exist or is not a file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidArgumentError(f"{path}: not a UTF-8 JSON file ({exc})") from None
    return parse_locomo(data, path.name), parse_questions(data, categories, path.name)


def parse_questions(data: Any, categories: Sequence[int] = (1, 2, 3, 4),
                    source: str = "conversation") -> list[Question]:
    bad = [c for c in categories if c not in CATEGORIES]
    if bad or not categories:
        raise InvalidArgumentError(f"unknown categories {bad}; LoCoMo has {sorted(CATEGORIES)}")
    qa = data.get("qa") if isinstance(data, dict) else None
    if not isinstance(qa, list):
        raise InvalidArgumentError(f"{source}: no 'qa' list; this file has no questions")
    out = []
    for i, q in enumerate(qa):
        where = f"{source}: qa[{i}]"
        if not isinstance(q, dict) or not isinstance(q.get("question"), str):
            raise InvalidArgumentError(f"{where}: needs a 'question' string")
        cat = q.get("category")
        if not isinstance(cat, int) or cat not in CATEGORIES:
            raise InvalidArgumentError(f"{where}: 'category' should be 1-5, got {cat!r}")
        if cat not in categories:
            continue
        answer = q.get("answer", NOT_MENTIONED if cat == 5 else None)
        if answer is None:
            raise InvalidArgumentError(f"{where}: missing 'answer'")
        evidence = q.get("evidence", [])
        if not isinstance(evidence, list):
            raise InvalidArgumentError(f"{where}: 'evidence' should be a list of turn ids")
        out.append(Question(q["question"], str(answer), cat, [str(e) for e in evidence]))
    return out


class MemoryQAEnv(TextEnv):
    """Stream a conversation, then ask its questions.

    Args:
        path: a LoCoMo ``.json`` file (or pass ``sessions`` and ``questions``).
        categories: question categories to ask (5 = adversarial).
        max_questions: ask at most this many (a seeded sample, in file order).
    """

    name = "memqa"

    def __init__(self, path: str | Path | None = None, *, sessions: list[Session] | None = None,
                 questions: list[Question] | None = None,
                 categories: Sequence[int] = (1, 2, 3, 4), max_questions: int | None = None):
        if path is not None:
            sessions, questions = load_locomo(path, categories)
        if not sessions or questions is None:
            raise InvalidArgumentError("give a LoCoMo file path, or sessions= and questions=")
        self.path = str(path) if path else None
        self.sessions, self.all_questions = sessions, questions
        self.categories, self.max_questions = tuple(categories), max_questions
        turns = sum(len(s.turns) for s in sessions)
        super().__init__(max_steps=turns + len(questions) + 1)
        self._turns: list[tuple[Session, Turn]] = []
        self.questions: list[Question] = []
        self.position = 0

    def config(self) -> dict[str, Any]:
        return {"path": self.path, "categories": list(self.categories),
                "max_questions": self.max_questions}

    def turns(self) -> Iterator[tuple[Session, Turn]]:
        for s in self.sessions:
            for t in s.turns:
                yield s, t

    def _reset(self, seed: int) -> str:
        self._turns = list(self.turns())
        qs = list(self.all_questions)
        if self.max_questions is not None and len(qs) > self.max_questions:
            keep = sorted(random.Random(seed).sample(range(len(qs)), self.max_questions))
            qs = [qs[i] for i in keep]
        self.questions, self.position = qs, 0
        self.task = "Remember the conversation, then answer questions about it."
        return self._observation()

    @property
    def phase(self) -> str:
        return "stream" if self.position < len(self._turns) else "qa"

    def _observation(self) -> str:
        if self.phase == "stream":
            session, turn = self._turns[self.position]
            when = f"{session.time:%d %B %Y}" if session.time else "undated"
            return f"[session {session.index}, {when}] {turn.turn_id} {turn.speaker}: {turn.text}"
        q = self.questions[self.position - len(self._turns)]
        return f"Question: {q.question}"

    def current_turn(self) -> Turn | None:
        return self._turns[self.position][1] if self.phase == "stream" else None

    def current_question(self) -> Question | None:
        i = self.position - len(self._turns)
        return self.questions[i] if 0 <= i < len(self.questions) else None

    def admissible_actions(self) -> list[str]:
        return ["next"] if self.phase == "stream" else ["<your answer>"]

    def _step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        if self.phase == "stream":
            self.position += 1
            done = self.phase == "qa" and not self.questions
            return ("" if done else self._observation()), 0.0, done, {"phase": "stream"}
        q = self.current_question()
        assert q is not None
        scores = {"f1": token_f1(action, q.answer), "em": exact_match(action, q.answer),
                  "bleu1": bleu1(action, q.answer)}
        self.position += 1
        done = self.current_question() is None
        info = {"phase": "qa", "question": q.question, "gold": q.answer,
                "category": q.category, "evidence": q.evidence, **scores}
        return ("" if done else self._observation()), scores["f1"], done, info
