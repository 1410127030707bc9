"""The citation-trained re-ranker: neutral at start, learns, persists per scope."""

from __future__ import annotations

from agentmem import Memory
from agentmem.records import Scope
from agentmem.rerank import Reranker
from agentmem.testing import HashEmbedder


def test_starts_neutral_learns_from_citations_and_persists(tmp_path):
    home = tmp_path / "h"
    with Memory(home=home, embedder=HashEmbedder(), user_id="u") as m:
        # Summaries are what the answers end up citing, but retrieval ranks turns first.
        for i in range(6):
            m.add(f"turn about gardening tomatoes number {i} gardening tomatoes", kind="turn")
            m.add(f"summary {i}: the user grows tomatoes", kind="summary")
        r = Reranker(m, Scope(user_id="u"))
        hits = m.search("gardening tomatoes", k=8)
        assert [h.id for h in r.rerank(hits)] == [h.id for h in hits]  # untrained: same order
        for _ in range(30):
            hits = m.search("gardening tomatoes", k=8)
            r.update(hits, [h.id for h in hits if h.record.kind.value == "summary"])
        top = r.rerank(m.search("gardening tomatoes", k=8), k=2)  # 2 summaries in the 8
        assert all(h.record.kind.value == "summary" for h in top)
        r.update(hits, [])  # no citation: no change
        other = Reranker(m, Scope(user_id="someone-else"))
        assert other.updates == 0
    with Memory(home=home, embedder=HashEmbedder(), user_id="u") as m:
        again = Reranker(m, Scope(user_id="u"))
        assert again.updates == 30 and again.weights[-1] > 0  # is_summary learned, reloaded


def test_agent_with_rerank_updates_from_citations(tmp_path):
    from agentmem import Agent
    from agentmem.testing import ScriptedLLM
    from policies import PromptedAnswerer

    mem = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="u")
    mem.add_many([f"note {i} about owls" for i in range(5)])
    llm = ScriptedLLM(default={"selected": [2], "answer": "owls"})
    with Agent(answerer=PromptedAnswerer(llm), manage_memory=False, memory=mem, user_id="u",
               rerank=True, k=3) as agent:
        res = agent.chat("tell me about owls")
        # the re-ranked top 3, then the other two fill the context budget
        assert res.answer == "owls" and len(res.retrieved_ids) == 5
        assert res.cited_ids == [res.retrieved_ids[2]]
        assert agent._reranker("u").updates == 1
    mem.close()
