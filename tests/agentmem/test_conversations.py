"""Reading LoCoMo-format and JSONL conversations; malformed files get clear errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.conversations import parse_locomo, read_conversation
from agentmem.ingest import ingest_sessions
from agentmem.testing import HashEmbedder, ScriptedLLM
from policies import PromptedManager


def locomo(sessions=2, turns=3):
    conv = {"speaker_a": "Ana", "speaker_b": "Ben"}
    for s in range(1, sessions + 1):
        conv[f"session_{s}_date_time"] = f"1:56 pm on {s} May, 2023"
        conv[f"session_{s}"] = [{"speaker": "Ana" if t % 2 else "Ben", "dia_id": f"D{s}:{t}",
                                 "text": f"message {t} of session {s}"}
                                for t in range(1, turns + 1)]
    conv["session_1"][0]["blip_caption"] = "a photo of a beagle"
    return {"conversation": conv, "qa": [{"question": "secret?", "answer": "gold"}],
            "session_1_summary": "LEAK"}


def test_locomo_file_reads_turns_only(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(locomo()))
    sessions = read_conversation(path)
    assert [s.index for s in sessions] == [1, 2]
    first = sessions[0].turns[0]
    assert first.turn_id == "D1:1" and "a photo of a beagle" in first.text
    assert first.time == datetime(2023, 5, 1, 13, 56, tzinfo=timezone.utc)
    assert "LEAK" not in json.dumps([t.model_dump(mode="json") for s in sessions for t in s.turns])


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c["conversation"].pop("speaker_a"), "missing field 'speaker_a'"),
    (lambda c: c["conversation"]["session_1"][1].pop("text"), "session_1 turn 1: missing field 'text'"),
    (lambda c: c["conversation"].__setitem__("session_2", "oops"), "should be list"),
    (lambda c: c["conversation"].__setitem__("session_1_date_time", "someday"), "cannot read the date"),
    (lambda c: [c["conversation"].__setitem__(f"session_{i}", []) for i in (1, 2)], "every session is empty"),
])
def test_malformed_locomo(mutate, message):
    data = locomo()
    mutate(data)
    with pytest.raises(InvalidArgumentError, match=message):
        parse_locomo(data, "c.json")


def test_empty_session_is_skipped_and_jsonl_works(tmp_path):
    data = locomo()
    data["conversation"]["session_2"] = []
    assert [s.index for s in parse_locomo(data)] == [1]
    path = tmp_path / "m.jsonl"
    path.write_text('{"role": "user", "content": "I like tea", "time": "2024-01-02"}\n\n'
                    '{"speaker": "bot", "text": "noted", "session": 2}\n')
    sessions = read_conversation(path)
    assert [len(s.turns) for s in sessions] == [1, 1] and sessions[0].turns[0].turn_id == "L1"
    path.write_text('{"role": "user"}\n')
    with pytest.raises(InvalidArgumentError, match="line 1: needs a non-empty 'text'"):
        read_conversation(path)
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(InvalidArgumentError, match="not valid JSON"):
        read_conversation(tmp_path / "bad.json")


def test_ingest_raw_and_with_a_manager():
    sessions = parse_locomo(locomo())
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        raw = ingest_sessions(m, sessions, manager=None, user_id="ana")
        assert raw.turns == 6 and raw.usage.calls == 0 and m.stats()["by_kind"] == {"turn": 6}
        assert m.list()[0].provenance.ref == "D1:1"
    def grounded(messages):  # restate the first new message as the fact
        text = messages[-1]["content"].split("New messages:")[-1].strip().splitlines()[0]
        return {"operations": [{"op": "ADD", "fact": text.split(": ", 1)[-1]}]}

    llm = ScriptedLLM(default=grounded)
    llm._replies = [{"operations": [{"op": "DELETE", "id": 5}]}, "garbage"]
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        rep = ingest_sessions(m, sessions, manager=PromptedManager(llm), batch_size=2,
                              user_id="ana")
        assert rep.batches == 4 and rep.usage.calls == 3 and rep.calls_per_turn == 3 / 6
        assert len(rep.rejected) == 1 and len(rep.failures) == 1 and rep.ops["ADD"] == 2
