"""Peer systems (Mem0, A-MEM) in the QA harness.

The plumbing (local OpenAI-compatible server, usage counting, turn ids, failures)
is tested with a small in-test peer over the HTTP server; the real peers run when
their packages are installed (CI installs them in a separate virtualenv and runs
this file there, see .ci/run), on the embedded SmolLM2 and MiniLM.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentmem.testing import ScriptedLLM
from training.eval.peers import PEERS, PeerServer, PeerSystem, peer_installed
from training.eval.qa import run_qa


class _EchoPeer(PeerSystem):
    """A peer that stores each turn as a memory through the server's LLM (one chat call
    per turn, over HTTP with the OpenAI client) and fails on turns mentioning 'Porto'."""

    name = "echo"

    def _open(self, folder: Path) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=self.server.base_url, api_key="local")
        self.store: list[tuple[str, str]] = []
        assert folder.is_dir()

    def _add(self, text: str, turn_id: str, when: str | None) -> None:
        if "Porto" in text:
            raise RuntimeError("the peer failed on this turn")
        reply = self.client.chat.completions.create(
            model="local", messages=[{"role": "user", "content": text}],
            response_format={"type": "json_object"})
        assert reply.choices[0].message.content
        vec = self.client.embeddings.create(model="minilm", input=[text]).data[0].embedding
        assert len(vec) == self.server.embedder.dim
        self.store.append((text, turn_id))

    def _search(self, query: str) -> list[tuple[str, str]]:
        return self.store[: self.k]


def _answer(messages):
    prompt = messages[-1]["content"]
    line = next((x for x in prompt.splitlines() if x.startswith("[0]")), "")
    return {"selected": [0] if line else [], "answer": line.split(": ", 1)[-1] or "unknown"}


def test_peer_plumbing_counts_calls_keeps_turn_ids_and_failures(monkeypatch, locomo_file):
    llm = ScriptedLLM(default=lambda m: {"ok": True} if len(m) == 1 and m[0]["content"]
                      .startswith(("Ana:", "Bo:")) else _answer(m))
    monkeypatch.setitem(PEERS, "echo", ("json", "echo"))  # "installed": json is importable
    import training.eval.qa as qa

    original = qa._make
    monkeypatch.setattr(qa, "_make", lambda name, a, m, k, w, lim, server=None, model=None:
                        _EchoPeer(a, k, server, lim) if name == "echo"
                        else original(name, a, m, k, w, lim, server, model))
    result = run_qa([locomo_file()], systems=["echo", "oracle"], llm=llm, embedder="hash", k=3,
                    progress=False)
    echo = result["systems"]["echo"]
    assert echo["ingest_turns"] == 4 and echo["ingest_failures"] == 1  # the Porto turn
    assert echo["calls_per_turn"] == pytest.approx(3 / 4)  # one chat call per stored turn
    assert echo["tokens_per_turn"] > 0
    assert echo["recall_at_k"] > 0  # the memories carry the turn ids they came from
    assert set(result["skipped"]) == {"mem0", "a-mem"}


def test_missing_peer_is_a_clear_error_before_any_model_loads(monkeypatch, locomo_file):
    monkeypatch.setitem(PEERS, "mem0", ("no_such_module_xyz", "mem0ai"))
    with pytest.raises(ValueError, match=r"needs the 'mem0ai' package.*docs/environments.md"):
        run_qa([locomo_file()], systems=["rag", "mem0"], llm="no-such-backend:x")
    with pytest.raises(ValueError, match="unknown systems"):
        run_qa([locomo_file()], systems=["letta"], llm=ScriptedLLM())


def test_peer_server_serves_the_run_model_and_counts_usage():
    from openai import OpenAI

    server = PeerServer(ScriptedLLM(default={"memory": []}), "hash")
    try:
        client = OpenAI(base_url=server.base_url, api_key="local")
        reply = client.chat.completions.create(model="x", messages=[{"role": "user",
                                                                    "content": "hi"}])
        assert reply.choices[0].message.content.startswith("{")
        assert server.llm.usage.calls == 1
        assert len(client.embeddings.create(model="e", input="a b").data[0].embedding) == \
            server.embedder.dim
    finally:
        server.close()


@pytest.mark.slow
@pytest.mark.parametrize("peer", sorted(PEERS))
def test_real_peer_on_the_embedded_model(peer, locomo_file, monkeypatch, tmp_path):
    if not peer_installed(peer):
        pytest.skip(f"{PEERS[peer][1]} is not installed here (CI runs this in the peers venv)")
    monkeypatch.setenv("MEM0_DIR", str(tmp_path / "mem0"))
    monkeypatch.setenv("OPENAI_BASE_URL", "https://example.invalid/v1")
    result = run_qa([locomo_file()], systems=[peer], llm="local", embedder="minilm", k=3,
                    progress=False)
    # The peer was pointed at the local server without changing the process's settings.
    assert os.environ["OPENAI_BASE_URL"] == "https://example.invalid/v1"
    r = result["systems"][peer]
    assert r["ingest_turns"] == 4 and r["ingest_failures"] == 0
    assert r["calls_per_turn"] >= 1.0  # the peer really called the served model per turn
    assert r["questions"] == 2 and all(row["error"] is None for row in r["rows"])


@pytest.mark.skipif(not peer_installed("mem0"), reason="mem0ai is not installed here (CI runs "
                    "this in the peers venv)")
def test_mem0_adapter_stores_what_mem0_decides_and_finds_it_with_its_turn_id(tmp_path,
                                                                               monkeypatch):
    # Well-formed replies to Mem0's two prompts (fact extraction, then the update
    # decision), so what is stored is decided by Mem0's pipeline, not by a weak model.
    monkeypatch.setenv("MEM0_DIR", str(tmp_path / "mem0"))

    def reply(messages):
        if "facts" in messages[0]["content"].lower() and "memory" not in str(messages[-1]):
            return {"facts": ["Ana adopted a beagle called Biscuit"]}
        return {"memory": [{"id": "0", "text": "Ana adopted a beagle called Biscuit",
                            "event": "ADD"}]}

    from training.eval.peers import Mem0System

    server = PeerServer(ScriptedLLM(default=reply), "hash")
    system = Mem0System(None, 3, server, None)
    try:
        system._open(tmp_path)
        system._add("Ana: I adopted a beagle called Biscuit.", "D1:1", "8 May 2023")
        assert server.llm.usage.calls == 2  # extraction + update, as in the Mem0 paper
        assert system._search("What is Ana's dog called?") == [
            ("Ana adopted a beagle called Biscuit", "D1:1")]
    finally:
        server.close()
