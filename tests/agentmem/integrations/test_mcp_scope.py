"""MCP serves one user: with the official client, alice's server cannot touch bob's memories.

Two users share one home; alice's client tries every tool on bob's records and every way
of naming another scope. Errors must not tell her bob exists, and bob's records and their
history must be exactly as they were.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys

import pytest

from agentmem import Memory

pytest.importorskip("mcp")

ENV = {"HF_HUB_OFFLINE": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
       "COLUMNS": "200", "AGENTMEM_EMBEDDER": "hash"}
BOB_SCOPE = {"user_id": "bob", "agent_id": "travel-desk", "session_id": "trip-9"}


def _bob_state(home) -> str:
    """Bob's export and the whole history of each of his ids (deleted ones too), as text."""
    out = io.StringIO()
    with Memory(home=home, embedder="hash") as m:
        m.export_jsonl(out, user_id="bob")
        ids = dict.fromkeys(e.memory_id for e in m.history_since(0)[0]
                            if (e.after or e.before).scope.user_id == "bob")
        for mid in ids:
            out.writelines(e.model_dump_json() + "\n" for e in m.history(mid))
    return out.getvalue()


def test_a_client_bound_to_alice_cannot_reach_bobs_memories(tmp_path):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    home = tmp_path / "home"
    with Memory(home=home, embedder="hash") as m:
        bob = m.add("Bob's passport number is X1234567.", **BOB_SCOPE)
        bob_gone = m.add("Bob's old passport was lost.", **BOB_SCOPE)
        m.delete(bob_gone.id)
        mine = m.add("Alice's passport expires in May.", user_id="alice")
    before = _bob_state(home)

    params = StdioServerParameters(
        command=sys.executable, env=ENV,
        args=["-m", "agentmem", "mcp", "--home", str(home), "--user", "alice"])

    async def scenario() -> list[str]:
        errors = []
        async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
            await s.initialize()

            async def call(tool, args, *, fails):
                res = await s.call_tool(tool, args)
                assert res.is_error is fails, (tool, args, res.content)
                text = "\n".join(c.text for c in res.content)  # a list comes one item a block
                if fails:
                    assert "\n" not in text.strip(), text  # one line
                    errors.append(text)
                return text

            # Reads: search finds only alice's, whatever the query or a scope argument says.
            found = await call("search_memory", {"query": "passport number lost", "k": 50},
                               fails=False)
            assert mine.id in found and bob.id not in found and bob_gone.id not in found
            # Bob's ids answer exactly like an id that never existed.
            for tool, extra in [("update_memory", {"content": "Bob is mine now."}),
                                ("delete_memory", {}), ("memory_history", {})]:
                for bobs in (bob.id, bob_gone.id):
                    theirs = await call(tool, {"memory_id": bobs, **extra}, fails=True)
                    nowhere = await call(tool, {"memory_id": "0" * 32, **extra}, fails=True)
                    assert theirs.replace(bobs, "ID") == nowhere.replace("0" * 32, "ID")
                    assert "no memory with id" in theirs
            # Naming a scope (or anything else the tool does not take) is refused, not ignored.
            for tool, args in [("search_memory", {"query": "passport", "user_id": "bob"}),
                               ("add_memory", {"content": "Bob owes Alice 5 euros.",
                                               "user_id": "bob"}),
                               ("add_memory", {"content": "x", "agent_id": "travel-desk"}),
                               ("update_memory", {"memory_id": bob.id, "content": "x",
                                                  "session_id": "trip-9"}),
                               ("delete_memory", {"memory_id": mine.id, "owner": "bob"})]:
                text = await call(tool, args, fails=True)
                assert "Drop the argument" in text or "unknown argument" in text
            # Bad input: one clear line naming the argument.
            assert "k: " in await call("search_memory", {"query": "x", "k": "many"}, fails=True)
            assert "k must be within" in await call("search_memory", {"query": "x", "k": 0},
                                                    fails=True)
            assert "query" in await call("search_memory", {}, fails=True)
            # Alice's own memories still work end to end.
            added = json.loads(await call("add_memory", {"content": "Alice flies on Friday."},
                                          fails=False))
            await call("update_memory", {"memory_id": mine.id,
                                         "content": "Alice's passport expires in June."},
                       fails=False)
            await call("delete_memory", {"memory_id": added["id"]}, fails=False)
            assert "DELETE" in await call("memory_history", {"memory_id": added["id"]},
                                          fails=False)
        return errors

    errors = asyncio.run(scenario())
    assert len(errors) == 20  # every refusal above was collected
    # Nothing of bob's scope in any answer (his ids, which alice sent, are cut out first:
    # a random id could hold the letters "bob").
    said = [e.replace(bob.id, "ID").replace(bob_gone.id, "ID").lower() for e in errors]
    assert not [e for e in said if any(v in e for v in ("bob", *BOB_SCOPE.values()))]
    assert _bob_state(home) == before and "X1234567" in before and "old passport" in before
    with Memory(home=home, embedder="hash") as m:
        assert [r.content for r in m.list(user_id="alice")] == ["Alice's passport expires in June."]


def test_mcp_without_a_user_refuses_to_start(tmp_path):
    r = subprocess.run([sys.executable, "-m", "agentmem", "mcp", "--home", str(tmp_path / "h"),
                        "--agent", "a1"], capture_output=True, text=True, env=ENV, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--user" in lines[0] and lines[0].startswith("error:"), r.stderr
    assert not (tmp_path / "h").exists()  # refused before the store was opened or created
