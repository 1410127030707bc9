"""Reflective summaries: turn, topic and session granularity, linked to their turns."""

from __future__ import annotations

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.summaries import SessionSummarizer
from agentmem.testing import HashEmbedder, ScriptedLLM

TURNS = [{"speaker": "Ana", "text": "I adopted a beagle called Biscuit last week."},
         {"speaker": "Bo", "text": "Lovely! How old is Biscuit?"},
         {"speaker": "Ana", "text": "He is two and loves the dog park."},
         {"speaker": "Bo", "text": "I started a pottery class in Porto."},
         {"speaker": "Ana", "text": "Pottery sounds fun, send me a photo of your bowls."}]
TOPICS = {"topics": [{"topic": "Ana's dog", "summary": "Ana adopted Biscuit, a two-year-old "
                      "beagle who loves the dog park.", "turns": [0, 1, 2, 9]},
                     {"topic": "Bo's pottery", "summary": "Bo started pottery in Porto.",
                      "turns": [3, 4]}],
          "session": "Ana talked about her new beagle; Bo about pottery."}


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder(dim=256)) as m:
        yield m


def test_topics_link_to_their_turns_and_hits_carry_granularity(mem):
    s = SessionSummarizer(mem, ScriptedLLM([TOPICS]), user_id="ana")
    res = s.summarize(TURNS, session_id="s1")
    assert [t.metadata["topic"] for t in res.topics] == ["Ana's dog", "Bo's pottery"]
    dog = res.topics[0]
    assert dog.metadata["turns"] == [r.id for r in res.turns[:3]]  # 9 was not a turn: dropped
    assert [x["to"] for x in dog.metadata["links"]] == dog.metadata["turns"]
    assert res.session.content.startswith("Ana talked about") and res.session.scope.session_id == "s1"
    assert res.turns[0].content == "Ana: I adopted a beagle called Biscuit last week."
    assert res.turns[0].provenance.ref == "s1:0"
    hits = s.search("beagle dog park", k=5)
    assert {h.granularity for h in hits} <= {"turn", "topic", "session"}
    topics = s.search("beagle dog park", k=1, levels=["topic"], expand_links=True)
    assert topics[0].id == dog.id and topics[0].granularity == "topic"
    assert {h.id for h in topics[1:]} == set(dog.metadata["turns"])
    assert all(h.via == dog.id and h.granularity == "turn" for h in topics[1:])
    assert [h.granularity for h in s.search("pottery", k=3, levels=["session"])] == ["session"]


def test_summaries_the_turns_do_not_support_are_not_stored(mem):
    """A small model writes timestamps and stock phrases no turn said: such a session
    summary gives way to the topics' names, such a topic to the extractive ones."""
    made_up = {"topics": [{"topic": "weather", "summary": "Sunny skies and a heatwave in "
                           "Madrid all weekend.", "turns": [0, 1]}],
               "session": "2023-01-01T00:00:00.000000Z"}
    res = SessionSummarizer(mem, ScriptedLLM([made_up]), user_id="ana",
                            max_topics=2).summarize(TURNS, session_id="s3")
    assert "2023-01-01" not in res.session.content and "Ana" in res.session.content
    assert not any("Madrid" in t.content for t in res.topics)
    assert len(res.topics) == 2  # the extractive split, every turn covered
    kept = SessionSummarizer(mem, ScriptedLLM([{**TOPICS, "session": "2023-01-01"}]),
                             user_id="ana").summarize(TURNS, session_id="s4")
    assert kept.session.content == "Ana's dog; Bo's pottery"  # the topics stand, named


def test_summarising_again_replaces_topics_and_keeps_turns(mem):
    s = SessionSummarizer(mem, ScriptedLLM([TOPICS, TOPICS]), user_id="ana")
    first = s.summarize(TURNS, session_id="s1")
    second = s.summarize(TURNS, session_id="s1")
    assert [t.id for t in second.turns] == [t.id for t in first.turns]
    assert mem.stats()["records"] == len(TURNS) + 3
    assert mem.history(first.topics[0].id)[-1].op == "DELETE"


def test_without_an_llm_summaries_are_extractive(mem):
    s = SessionSummarizer(mem, user_id="ana", max_topics=2)
    res = s.summarize(TURNS, session_id="s2")
    assert len(res.topics) == 2
    covered = sorted(i for t in res.topics for i in
                     [[r.id for r in res.turns].index(x) for x in t.metadata["turns"]])
    assert covered == list(range(len(TURNS)))
    assert "Biscuit" in res.topics[0].content and res.session.content.startswith("Ana, Bo")


def test_a_garbage_reply_falls_back_and_bad_input_is_refused(mem):
    s = SessionSummarizer(mem, ScriptedLLM(["{broken"]), user_id="ana")
    assert s.summarize(TURNS, session_id="s3").topics
    with pytest.raises(InvalidArgumentError, match="no turns"):
        s.summarize([], session_id="s4")
    with pytest.raises(Exception, match="session_id"):
        s.summarize(TURNS, session_id="bad id!")
    with pytest.raises(InvalidArgumentError, match="levels"):
        s.search("x", levels=["paragraph"])


def test_agent_end_session_summarises_the_thread(tmp_path):
    pytest.importorskip("langgraph")
    from agentmem import Agent
    from policies import PromptedAnswerer

    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="ana")
    answerer = PromptedAnswerer(ScriptedLLM(default={"selected": [], "answer": "noted"}))
    with Agent(answerer=answerer, manage_memory=False, memory=memory, user_id="ana") as agent:
        agent.chat("I adopted a beagle called Biscuit.", thread_id="monday")
        agent.chat("He loves the dog park.", thread_id="monday")
        res = agent.end_session("monday", llm=ScriptedLLM([{
            "topics": [{"topic": "dog", "summary": "Ana adopted Biscuit, a beagle.",
                        "turns": [0, 2]}], "session": "Ana's new dog."}]))
        assert [t.content for t in res.turns][::2] == [
            "ana: I adopted a beagle called Biscuit.", "ana: He loves the dog park."]
        assert res.topics[0].content == "dog: Ana adopted Biscuit, a beagle."
        hit = agent.memory.search("beagle Biscuit", user_id="ana", k=10)
        assert "topic" in {h.granularity for h in hit}
        with pytest.raises(InvalidArgumentError, match="no turns"):
            agent.end_session("never-used")
    memory.close()


def test_agent_summarises_with_its_own_model_not_the_answer_policys(tmp_path):
    # A trained answer adapter learnt to answer questions; summaries stay with the model
    # the Agent was built on.
    pytest.importorskip("langgraph")
    from agentmem import Agent
    from policies import PromptedAnswerer

    base = ScriptedLLM([{"topics": [{"topic": "dog", "summary": "Ana has a beagle.",
                                     "turns": [0]}], "session": "Ana's dog."}])
    answer_model = ScriptedLLM(default={"selected": [], "answer": "noted"})
    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="ana")
    with Agent(base, answerer=PromptedAnswerer(answer_model), memory=memory,
               user_id="ana", manager=None, manage_memory=False) as agent:
        agent.chat("I adopted a beagle called Biscuit.", thread_id="monday")
        answered = len(answer_model.calls)
        res = agent.end_session("monday")
    assert res.topics[0].content == "dog: Ana has a beagle."
    assert len(base.calls) == 1 and len(answer_model.calls) == answered
    memory.close()


@pytest.mark.slow
def test_real_model_summarises_a_session(tmp_path, local_llm, minilm):
    with Memory(home=tmp_path / "home", embedder=minilm) as m:
        s = SessionSummarizer(m, local_llm, user_id="ana", max_topics=2)
        res = s.summarize(TURNS, session_id="s1")
        assert 1 <= len(res.topics) <= 2 and res.session.content
        turn_ids = {r.id for r in res.turns}
        for t in res.topics:
            assert t.metadata["turns"] and set(t.metadata["turns"]) <= turn_ids
        hits = s.search("Biscuit the beagle", k=3)
        assert hits and all(h.granularity in ("turn", "topic", "session") for h in hits)
