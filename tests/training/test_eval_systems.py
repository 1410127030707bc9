"""The QA harness's joints: the shared system contract, the agentmem system on the CLI's
ingest path, the project errors. (No import cycles: tests/test_house.py.)"""

from __future__ import annotations

import pytest

import agentmem.ingest
from agentmem.conversations import Session, first_turns, read_conversation
from agentmem.errors import InvalidArgumentError, LLMError, MissingDependencyError
from agentmem.testing import ScriptedLLM
from training.eval import peers
from training.eval.qa import run_qa


def _reply(messages):
    prompt = messages[-1]["content"]
    if "New messages:" in prompt:  # the memory manager
        text = prompt.split("New messages:")[-1].strip().split("\n")[0]
        if "Porto" in text:
            return LLMError("the manager call failed")
        return {"operations": [{"op": "ADD", "fact": text, "id": -1}]}
    line = next((x for x in prompt.splitlines() if x.startswith("[0]")), "")
    return {"selected": [0] if line else [], "answer": line.split(": ", 1)[-1] or "unknown"}


def test_first_turns_cuts_across_sessions_without_changing_them(locomo_file):
    sessions = read_conversation(locomo_file())
    assert [len(s.turns) for s in sessions] == [3, 1]
    assert [len(s.turns) for s in first_turns(sessions, 2)] == [2]
    assert [len(s.turns) for s in first_turns(sessions, 4)] == [3, 1]
    assert first_turns(sessions, 0) == [] and first_turns(sessions, None) == sessions
    assert [len(s.turns) for s in sessions] == [3, 1]  # the input is untouched
    assert isinstance(first_turns(sessions, 1)[0], Session)
    with pytest.raises(InvalidArgumentError, match="turn limit"):
        first_turns(sessions, -1)


@pytest.fixture
def ingests(monkeypatch):
    """The keyword arguments of every ingest_sessions call the harness makes."""
    seen = []
    real = agentmem.ingest.ingest_sessions

    def spy(memory, sessions, **kwargs):
        seen.append(kwargs)
        return real(memory, sessions, **kwargs)

    monkeypatch.setattr(agentmem.ingest, "ingest_sessions", spy)
    return seen


def test_agentmem_system_ingests_through_the_cli_ingest_path(ingests, locomo_file):
    seen = ingests
    result = run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
                    embedder="hash", k=1, progress=False)
    assert len(seen) == 1 and seen[0]["user_id"] == "qa" and seen[0]["manager"] is not None
    assert "batch_size" not in seen[0]  # the default batch, as `agentmem ingest`
    s = result["systems"]["agentmem"]
    # The Porto turn's manager call failed: still one call per turn, the run went on.
    assert s["ingest_turns"] == 4 and s["calls_per_turn"] == 1.0 and s["tokens_per_turn"] > 0
    # read as the Agent reads (its own top hits, whatever k): four turns fit the budget
    assert s["questions"] == 2 and s["recall_at_k"] == 1.0


def test_ablations_that_read_differently_share_one_ingest(ingests, locomo_file):
    seen = ingests
    result = run_qa([locomo_file()], systems=["agentmem", "agentmem-no-profile",
                                              "agentmem-no-expansion"],
                    llm=ScriptedLLM(default=_reply), embedder="hash", progress=False)
    # no-profile reads the agentmem memory; no-expansion builds its own without expansion
    assert [kw["expand"] for kw in seen] == [True, False]
    systems = result["systems"]
    assert systems["agentmem-no-profile"]["ingest_turns"] == systems["agentmem"]["ingest_turns"]


def test_agentmem_system_takes_the_turn_limit(locomo_file):
    result = run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
                    embedder="hash", k=1, progress=False, turns=3)
    s = result["systems"]["agentmem"]
    assert s["ingest_turns"] == 3 and s["questions"] == 1  # only the question about turn 3


def test_harness_errors_are_project_errors(monkeypatch, locomo_file):
    with pytest.raises(InvalidArgumentError, match="unknown systems"):
        run_qa([locomo_file()], systems=["letta"], llm=ScriptedLLM())
    monkeypatch.setitem(peers.PEERS, "mem0", ("no_such_module_xyz", "mem0ai"))
    with pytest.raises(peers.PeerNotInstalledError) as err:
        peers.require_peer("mem0")
    assert isinstance(err.value, MissingDependencyError) and isinstance(err.value, ValueError)
    assert "pip install mem0ai" in peers.skip_reason("mem0")



def test_a_kept_memory_is_read_again_instead_of_ingested_again(ingests, locomo_file, tmp_path):
    seen = ingests
    first = run_qa([locomo_file()], systems=["agentmem", "agentmem-no-profile"],
                   llm=ScriptedLLM(default=_reply), embedder="hash", progress=False,
                   keep=tmp_path / "kept")
    again = run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
                   embedder="hash", progress=False, keep=tmp_path / "kept")
    assert len(seen) == 1  # the second run read the kept memory
    for key in ("ingest_turns", "calls_per_turn", "recall_at_k", "f1"):
        assert again["systems"]["agentmem"][key] == first["systems"]["agentmem"][key]
    # an ingest that never finished is not trusted: it is done again
    (kept,) = (tmp_path / "kept").iterdir()
    (kept / "ingest.json").unlink()
    run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
           embedder="hash", progress=False, keep=tmp_path / "kept")
    assert len(seen) == 2 and len(list((tmp_path / "kept").iterdir())) == 1
    # another turn limit is another memory, in a folder of its own
    run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
           embedder="hash", progress=False, keep=tmp_path / "kept", turns=3)
    assert len(seen) == 3 and len(list((tmp_path / "kept").iterdir())) == 2
    # a folder that says it holds something else is refused, not read
    import json

    marker = kept / "ingest.json"
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "label": "other"}))
    with pytest.raises(InvalidArgumentError, match="holds another ingest"):
        run_qa([locomo_file()], systems=["agentmem"], llm=ScriptedLLM(default=_reply),
               embedder="hash", progress=False, keep=tmp_path / "kept")


def test_retrieval_only_measures_what_is_shown_without_answering(locomo_file):
    llm = ScriptedLLM(default=_reply)
    result = run_qa([locomo_file()], systems=["rag", "oracle"], llm=llm, embedder="hash",
                    progress=False, answer=False)
    assert llm.calls == []  # nothing was answered
    oracle = result["systems"]["oracle"]
    assert oracle["recall_at_k"] == 1.0 and oracle["f1"] is None and oracle["by_category"] == {}
    assert all(r["f1"] is None and r["answer"] is None for r in oracle["rows"])
