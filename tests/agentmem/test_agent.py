"""The LangGraph runtime: answer first, write memory in the background, resume threads."""

from __future__ import annotations

import pytest

from agentmem import Agent, LLMOutputError, Memory
from agentmem.testing import HashEmbedder, ScriptedLLM
from policies import PromptedAnswerer, PromptedManager

pytest.importorskip("langgraph")


def _manager_reply(messages):
    text = messages[-1]["content"].split("New messages:")[-1]
    fact = text.split(": ", 1)[-1].strip()
    return {"operations": [{"op": "ADD", "fact": fact}]}


def _answer_reply(messages):
    prompt = messages[-1]["content"].split("Question:")[0]
    return {"selected": [0], "answer": "Lisbon" if "Lisbon" in prompt else "unknown"}


def make_agent(home, manager_llm=None, checkpoints="auto"):
    memory = Memory(home=home, embedder=HashEmbedder(), user_id="ana")
    return Agent(answerer=PromptedAnswerer(ScriptedLLM(default=_answer_reply)),
                 manager=PromptedManager(manager_llm or ScriptedLLM(default=_manager_reply)),
                 memory=memory, user_id="ana", checkpoints=checkpoints)


def test_chat_answers_then_remembers(tmp_path):
    with make_agent(tmp_path / "h") as agent:
        first = agent.chat("I moved to Lisbon last spring.")
        assert first.answer == "unknown" and first.usage.calls == 1
        assert agent.flush() == []
        # the message itself, verbatim (episodic), the fact drawn from it, linked to it, and
        # the core profile that fact started (a home is a stable attribute)
        assert agent.memory.stats()["by_kind"] == {"turn": 1, "fact": 1, "profile": 1}
        turn = agent.memory.list(kinds=["turn"])[0]
        fact = agent.memory.list(kinds=["fact"])[0]
        assert turn.content == "ana: I moved to Lisbon last spring."
        assert fact.metadata["links"] == [{"to": turn.id, "reason": "source turn"}]
        second = agent.chat("Where do I live now?")
        assert second.answer == "Lisbon" and len(second.cited_ids) == 1
        agent.flush()
        assert agent.write_usage.calls == 2  # one manager call per turn, in the background
        nodes = [node for node, _ in agent.stream("Anything new?")]
        assert nodes == ["retrieve", "guard", "answer", "manage", "reflect"]


def test_thread_resumes_after_restart(tmp_path):
    with make_agent(tmp_path / "h") as agent:
        agent.chat("I moved to Lisbon last spring.", thread_id="t1")
        agent.flush()
        agent.memory.close()
    with make_agent(tmp_path / "h") as again:
        state = again.last_state("t1")
        assert state["message"] == "I moved to Lisbon last spring."
        assert again.memory.stats()["by_kind"] == {"turn": 1, "fact": 1, "profile": 1}
        again.memory.close()


def test_a_failing_manager_degrades_without_losing_data(tmp_path):
    llm = ScriptedLLM([{"operations": [{"op": "ADD", "fact": "Ana likes tea."}]},
                       "garbage, not json", _manager_reply])
    with make_agent(tmp_path / "h", manager_llm=llm) as agent:
        for text in ("I like tea.", "hmm", "I moved to Lisbon."):
            assert agent.chat(text).answer
        errors = agent.flush()
        assert len(errors) == 1 and "LLMOutputError" in errors[0]
        # every message is kept verbatim, also the one whose manager call failed
        assert [r.content for r in agent.memory.list(kinds=["turn"])] == [
            "ana: I like tea.", "ana: hmm", "ana: I moved to Lisbon."]
        assert len(agent.memory.list(kinds=["fact"])) == 2
        assert LLMOutputError.__name__ in errors[0]


def test_empty_message_is_refused(tmp_path):
    with make_agent(tmp_path / "h", checkpoints=None) as agent:
        with pytest.raises(ValueError, match="empty"):
            agent.chat("   ")


def test_bad_turns_fail_clearly_and_lose_nothing(tmp_path):
    from agentmem import InvalidContentError, LLMError
    from agentmem.testing import ScriptedLLM as Fake

    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="ana")
    memory.add("Ana lives in Lisbon.")
    answers = Fake([LLMError("timed out after 60 s"), "not json", _answer_reply(
        [{"content": "Memories: Lisbon Question:"}])])
    with Agent(answerer=PromptedAnswerer(answers), manage_memory=False, memory=memory,
               user_id="ana") as agent:
        with pytest.raises(InvalidContentError, match="over the limit"):
            agent.chat("x" * 100_000)
        with pytest.raises(LLMError, match="timed out"):
            agent.chat("Where do I live?")
        with pytest.raises(LLMOutputError):
            agent.chat("Where do I live?")
        assert agent.chat("¿Dónde vivo ahora?").answer == "Lisbon"  # another language works
    assert memory.stats()["records"] == 1 and memory.stats()["history_entries"] == 1
    memory.close()


def test_async_chat_and_stream(tmp_path):
    import asyncio

    async def run():
        with make_agent(tmp_path / "h") as agent:
            first = await agent.achat("I moved to Lisbon.")
            nodes = [n async for n, _ in agent.astream("Where do I live?")]
            agent.flush()
            agent.memory.close()
            return first, nodes

    first, nodes = asyncio.run(run())
    assert first.answer == "unknown" and nodes[0] == "retrieve" and nodes[-1] == "reflect"


def test_default_policies_come_from_entry_points(tmp_path):
    llm = ScriptedLLM(default=lambda msgs: _answer_reply(msgs) if "Question:" in
                      msgs[-1]["content"] else _manager_reply(msgs))
    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder())
    with Agent(llm, memory=memory, user_id="ana") as agent:
        assert type(agent.answerer).__name__ == "PromptedAnswerer"
        agent.chat("I moved to Lisbon.")
        agent.flush()
        assert agent.chat("Where do I live?").answer == "Lisbon"
    memory.close()


def test_turns_that_queue_up_are_managed_in_one_call(tmp_path):
    """A burst of messages while the manager is busy costs one call for the waiting ones."""
    import threading

    from agentmem.operations import Operation
    from agentmem.protocols import ManagerDecision

    class SlowManager:
        def __init__(self):
            self.sizes, self.gate = [], threading.Event()

        def decide(self, turns, related):
            self.gate.wait(10)
            self.sizes.append(len(turns))
            return ManagerDecision(ops=[Operation.add(f"Ana said {t.text}") for t in turns])

    manager = SlowManager()
    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="ana")
    with Agent(answerer=PromptedAnswerer(ScriptedLLM(default=_answer_reply)), manager=manager,
               memory=memory, user_id="ana", checkpoints=None) as agent:
        for text in ("one", "two", "three", "four"):
            agent.chat(f"message {text}")
        assert len(agent.memory.list(kinds=["turn"])) == 4  # stored at once, not waiting
        manager.gate.set()
        assert agent.flush() == []
        assert sum(manager.sizes) == 4 and len(manager.sizes) < 4
        facts = agent.memory.list(kinds=["fact"])
        assert sorted(f.content for f in facts) == sorted(
            f"Ana said message {t}" for t in ("one", "two", "three", "four"))
        # a fact decided in a batch links to the batch's turns
        turn_ids = {r.id for r in agent.memory.list(kinds=["turn"])}
        assert all({x["to"] for x in f.metadata["links"]} <= turn_ids for f in facts)


def test_a_message_is_kept_even_when_the_answer_or_the_manager_fails(tmp_path):
    from agentmem import LLMError

    class Broken:
        def decide(self, turns, related):
            raise TypeError("a bug in a third-party manager")

    def no_answer(messages):
        raise LLMError("the model server is down")

    memory = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="ana")
    with Agent(answerer=PromptedAnswerer(ScriptedLLM(default=no_answer)), manager=Broken(),
               memory=memory, user_id="ana", checkpoints=None) as agent:
        with pytest.raises(LLMError):
            agent.chat("My passport number ends in 1234.")
        assert [r.content for r in agent.memory.list(kinds=["turn"])] == [
            "ana: My passport number ends in 1234."]
        agent.answerer = PromptedAnswerer(ScriptedLLM(default=_answer_reply))
        agent.chat("I moved to Lisbon.")
        errors = agent.flush()  # the writer survives a non-agentmem error and reports it
        assert len(errors) == 1 and "TypeError" in errors[0]
        assert len(agent.memory.list(kinds=["turn"])) == 2
        with pytest.raises(ValueError, match="too long|characters|limit"):
            agent.chat("x" * (agent.memory.config.max_content_chars - 2))  # fits, but not as a turn


UNCLOSED = """
import sys, time
from agentmem import Agent, Memory
from agentmem.operations import Operation
from agentmem.protocols import ManagerDecision
from agentmem.testing import HashEmbedder, ScriptedLLM
from policies import PromptedAnswerer

class SlowManager:
    def decide(self, turns, related):
        time.sleep(0.3)  # still busy when the script ends
        return ManagerDecision(ops=[Operation.add("fact: " + t.text) for t in turns])

agent = Agent(answerer=PromptedAnswerer(ScriptedLLM(default={"selected": [], "answer": "ok"})),
              manager=SlowManager(), memory=Memory(home=sys.argv[1], embedder=HashEmbedder()),
              user_id="ana")
for said in ("I adopted a beagle.", "I work as a nurse.", "I live in Porto."):
    agent.chat(said)
print("done", flush=True)  # no flush(), no close(): the README's three lines
"""


def test_an_agent_never_closed_finishes_its_writes_and_exits_cleanly(tmp_path):
    import subprocess
    import sys

    home = tmp_path / "h"
    out = subprocess.run([sys.executable, "-c", UNCLOSED, str(home)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "done" in out.stdout, out.stderr[-2000:]
    with Memory(home=home, embedder=HashEmbedder()) as m:
        facts = sorted(r.content for r in m.list(kinds=["fact"], user_id="ana"))
    assert facts == ["fact: I adopted a beagle.", "fact: I live in Porto.",
                     "fact: I work as a nurse."]
