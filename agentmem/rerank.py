"""Reflective retrieval: an online re-ranker learned from which memories answers cite.

Retrospective reflection in the style of RMM: retrieval proposes candidates, the
answer policy cites the ones it used, and the citations update a small linear
model over retrieval features. The weights are kept per scope in the store's
SQLite file, so they survive restarts and never mix users.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from agentmem.memory import Memory
from agentmem.operations import SearchHit
from agentmem.records import Kind, Scope
from agentmem.view import ScopedMemory

__all__ = ["Reranker", "FEATURES"]

FEATURES = ("bias", "similarity", "vector_rank", "keyword_rank", "fused_rank", "recency",
            "trust", "is_turn", "is_summary")
# Starting weights reproduce the fused order, so an untrained re-ranker changes nothing.
_START = {"fused_rank": 1.0}


def _features(hits: Sequence[SearchHit]) -> np.ndarray:
    times = [h.record.effective_time.timestamp() for h in hits]
    newest = max(times) if times else 0.0
    rows = []
    for rank, (h, t) in enumerate(zip(hits, times, strict=True), 1):
        rows.append([
            1.0,
            1.0 - h.distance if h.distance is not None else 0.0,
            1.0 / h.vector_rank if h.vector_rank else 0.0,
            1.0 / h.keyword_rank if h.keyword_rank else 0.0,
            1.0 / rank,
            math.exp(-(newest - t) / (86400.0 * 30)),
            h.record.trust,
            1.0 if h.record.kind == Kind.TURN else 0.0,
            1.0 if h.record.kind == Kind.SUMMARY else 0.0,
        ])
    return np.asarray(rows, dtype=np.float64).reshape(len(hits), len(FEATURES))


class Reranker:
    """Linear scores over retrieval features, trained online by logistic regression.

    Args:
        memory: the memory whose store keeps the weights.
        scope: whose weights these are.
        lr: learning rate of the online update.
        name: keeps several re-rankers apart within one scope (experiments).
    """

    def __init__(self, memory: Memory, scope: Scope, lr: float = 0.5, name: str = "default"):
        self.memory, self.scope, self.lr = memory, scope.require(), lr
        self.view = ScopedMemory(memory, self.scope)  # exactly this scope: its weights' key
        self._state_name = f"reranker:{name}"
        data = self.view.state(self._state_name) or {}
        self.weights = np.array([data.get("weights", {}).get(f, _START.get(f, 0.0))
                                 for f in FEATURES])
        self.updates = int(data.get("updates", 0))

    def rerank(self, hits: Sequence[SearchHit], k: int | None = None) -> list[SearchHit]:
        """Return ``hits`` ordered by the learned score (the best ``k`` when given)."""
        if not hits:
            return []
        scores = _features(hits) @ self.weights
        order = sorted(range(len(hits)), key=lambda i: -scores[i])
        return [hits[i] for i in order][: k or len(hits)]

    def update(self, shown: Sequence[SearchHit], cited_ids: Sequence[str]) -> None:
        """Learn from one answer: cited memories are positives, the other shown ones negatives."""
        if not shown or not cited_ids:
            return  # no citation, no signal
        x = _features(shown)
        y = np.array([1.0 if h.id in set(cited_ids) else 0.0 for h in shown])
        p = 1.0 / (1.0 + np.exp(-(x @ self.weights)))
        self.weights += self.lr * ((y - p) @ x) / len(shown)
        self.updates += 1
        self.view.set_state(self._state_name, {
            "weights": dict(zip(FEATURES, self.weights.round(6).tolist(), strict=True)),
            "updates": self.updates})
