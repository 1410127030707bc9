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


class _KeptPeer(PeerSystem):
    """A peer whose notes live in its folder under ids of its own (as A-MEM's do), so the
    turn ids come back only through the harness's log. One call to the served model per
    stored turn; it fails on turns mentioning 'Porto' and can be made to stop the run (a
    BaseException, like Ctrl-C) before storing a given turn."""

    name = "kept"
    stop_before: int | None = None
    added: list[str] = []

    def _open(self, folder: Path) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=self.server.base_url, api_key="local")
        self.notes, self.refs = folder / "notes.txt", {}

    def _add(self, text: str, turn_id: str, when: str | None) -> str:
        if self.stop_before is not None and len(_KeptPeer.added) == self.stop_before:
            raise KeyboardInterrupt
        _KeptPeer.added.append(turn_id)
        if "Porto" in text:
            raise RuntimeError("the peer failed on this turn")
        self.client.chat.completions.create(model="local",
                                            messages=[{"role": "user", "content": text}])
        note_id = f"note-{len(self.notes.read_text().splitlines()) if self.notes.exists() else 0}"
        with self.notes.open("a") as f:
            f.write(f"{note_id}\t{text}\n")
        self.refs[note_id] = turn_id
        return note_id

    def _resume(self, refs: dict[str, str]) -> None:
        self.refs.update(refs)

    def _search(self, query: str) -> list[tuple[str, str]]:
        notes = [line.split("\t") for line in self.notes.read_text().splitlines()]
        return [(text, self.refs.get(note_id, "")) for note_id, text in notes][: self.k]


@pytest.fixture
def kept_peer(monkeypatch):
    """run_qa's keyword arguments for a run of :class:`_KeptPeer` alone."""
    monkeypatch.setitem(PEERS, "kept", ("json", "kept"))
    import training.eval.qa as qa

    monkeypatch.setattr(qa, "_make", lambda name, a, m, k, w, lim, server=None, model=None:
                        _KeptPeer(a, k, server, lim))
    monkeypatch.setattr(_KeptPeer, "added", [])
    monkeypatch.setattr(_KeptPeer, "stop_before", None)
    llm = ScriptedLLM(default=lambda m: {"ok": True} if len(m) == 1 else _answer(m))
    return dict(systems=["kept"], llm=llm, embedder="hash", k=3, progress=False)


def test_a_kept_peer_ingest_resumes_after_the_last_stored_turn(monkeypatch, kept_peer,
                                                                locomo_file, tmp_path):
    clean = run_qa([locomo_file()], **kept_peer)["systems"]["kept"]
    assert len(_KeptPeer.added) == 4

    monkeypatch.setattr(_KeptPeer, "added", [])
    monkeypatch.setattr(_KeptPeer, "stop_before", 2)
    with pytest.raises(KeyboardInterrupt):  # stopped during the third turn
        run_qa([locomo_file()], keep=tmp_path, **kept_peer)
    first_two = list(_KeptPeer.added)
    monkeypatch.setattr(_KeptPeer, "stop_before", None)
    resumed = run_qa([locomo_file()], keep=tmp_path, **kept_peer)["systems"]["kept"]

    assert len(first_two) == 2 and len(_KeptPeer.added) == 4  # nothing stored twice
    assert _KeptPeer.added[:2] == first_two  # the resumed run took up the other two
    # Turns, failures (the Porto turn), calls and tokens as if it had never stopped.
    for column in ("ingest_turns", "ingest_failures", "calls_per_turn", "tokens_per_turn"):
        assert resumed[column] == clean[column], column
    assert resumed["ingest_failures"] == 1 and resumed["calls_per_turn"] == 3 / 4
    # The notes stored before the stop still name their turns: recall as without a stop.
    assert resumed["recall_at_k"] == clean["recall_at_k"] > 0
    # A third run finds every turn logged, the failed one included, and stores nothing.
    again = run_qa([locomo_file()], keep=tmp_path, **kept_peer)["systems"]["kept"]
    assert len(_KeptPeer.added) == 4 and again["ingest_failures"] == 1


def test_a_kept_peer_log_cut_off_or_edited(kept_peer, locomo_file, tmp_path):
    run_qa([locomo_file()], keep=tmp_path, **kept_peer)
    (log,) = tmp_path.glob("*/ingested.jsonl")
    lines = log.read_text().splitlines(keepends=True)
    # A crash in the middle of writing the last entry: that turn is ingested again and
    # the log stays one entry per line.
    log.write_text("".join(lines[:-1]) + lines[-1][:20])
    _KeptPeer.added.clear()
    result = run_qa([locomo_file()], keep=tmp_path, **kept_peer)["systems"]["kept"]
    assert len(_KeptPeer.added) == 1 and result["ingest_turns"] == 4
    assert len(log.read_text().splitlines()) == 4
    # A broken line before the end is not a crash's: a clear error, the log untouched.
    broken = "".join(lines[:1]) + "{not json\n" + "".join(lines[1:])
    log.write_text(broken)
    with pytest.raises(ValueError, match=r"ingested.jsonl line 2 is not an ingest log entry"
                                         r".*delete the folder"):
        run_qa([locomo_file()], keep=tmp_path, **kept_peer)
    assert log.read_text() == broken


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


def _mem0_reply(messages):
    # Well-formed replies to Mem0's two prompts (fact extraction, then the update
    # decision), so what is stored is decided by Mem0's pipeline, not by a weak model.
    if "facts" in messages[0]["content"].lower() and "memory" not in str(messages[-1]):
        return {"facts": ["Ana adopted a beagle called Biscuit"]}
    return {"memory": [{"id": "0", "text": "Ana adopted a beagle called Biscuit",
                        "event": "ADD"}]}


@pytest.mark.skipif(not peer_installed("mem0"), reason="mem0ai is not installed here (CI runs "
                    "this in the peers venv)")
def test_mem0_adapter_stores_what_mem0_decides_and_finds_it_with_its_turn_id(tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("MEM0_DIR", str(tmp_path / "mem0"))

    from training.eval.peers import Mem0System

    server = PeerServer(ScriptedLLM(default=_mem0_reply), "hash")
    system = Mem0System(None, 3, server, None)
    try:
        system._open(tmp_path)
        system._add("Ana: I adopted a beagle called Biscuit.", "D1:1", "8 May 2023")
        assert server.llm.usage.calls == 2  # extraction + update, as in the Mem0 paper
        assert system._search("What is Ana's dog called?") == [
            ("Ana adopted a beagle called Biscuit", "D1:1")]
    finally:
        system.close()
        server.close()


@pytest.mark.skipif(not peer_installed("mem0"), reason="mem0ai is not installed here (CI runs "
                    "this in the peers venv)")
def test_a_closed_mem0_folder_opens_again_in_the_same_process(tmp_path, monkeypatch):
    # Local Qdrant locks its folder until its client is closed: a second run on one keep
    # folder in one process must find the first one's memory, not a lock error.
    monkeypatch.setenv("MEM0_DIR", str(tmp_path / "mem0"))

    from training.eval.peers import Mem0System

    server = PeerServer(ScriptedLLM(default=_mem0_reply), "hash")
    try:
        first = Mem0System(None, 3, server, None)
        first._open(tmp_path / "kept")
        first._add("Ana: I adopted a beagle called Biscuit.", "D1:1", "8 May 2023")
        first.close()
        first.close()  # closing twice is harmless
        again = Mem0System(None, 3, server, None)
        again._open(tmp_path / "kept")
        try:
            assert again._search("What is Ana's dog called?") == [
                ("Ana adopted a beagle called Biscuit", "D1:1")]
        finally:
            again.close()
    finally:
        server.close()
