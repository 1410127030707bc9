"""The structures as plain tool functions, bound to one scope."""

from __future__ import annotations

import inspect

from agentmem import Memory
from agentmem.testing import HashEmbedder
from agentmem.tools import structure_tools


def test_structure_tools_drive_every_structure():
    with Memory(home=":memory:", embedder=HashEmbedder(dim=256)) as m:
        tools = {f.__name__: f for f in structure_tools(m, user_id="ana")}
        for f in tools.values():  # typed, documented: what agent frameworks read
            assert f.__doc__ and all(p.annotation is not inspect.Parameter.empty
                                     for p in inspect.signature(f).parameters.values())
        a = tools["add_note"]("Ana adopted a beagle called Biscuit")
        b = tools["add_note"]("Biscuit the beagle loves the park")
        assert {h["id"] for h in tools["search_notes"]("beagle", 2)} == {a["id"], b["id"]}
        task = tools["open_task"]("put a mug in the coffee machine")
        step = tools["add_subtask"](task["task_id"], task["root"], "find the mug", True)
        tools["record_task_output"](task["task_id"], step["id"], {"mug": "cabinet 2"})
        tools["set_task_status"](task["task_id"], step["id"], "done")
        assert "find the mug -> mug=cabinet 2" in tools["task_prompt"](task["task_id"], 200)
        assert tools["rollback_task"](task["task_id"])["id"] == step["id"]
        learnt = tools["learn_lessons"]("put a mug in the coffee machine",
                                        ["go to cabinet 2", "take mug 1"], True)
        got = tools["retrieve_lessons"]("put a cup in the coffee machine", 1)
        assert got[0]["id"] == learnt[0]["id"] and got[0]["retrieved"] == 1
        s = tools["summarize_session"]("s1", [{"speaker": "Ana", "text": "I love tea"},
                                              {"speaker": "Bo", "text": "Me too"}])
        assert s["topics"] and s["session"]
        assert all(r.scope.user_id == "ana" for r in m.list(limit=1000))
