"""Bad input, hostile stored text and damaged homes: one clear error, nothing lost.

Every case checks the outcome, not only the message: the error is the project's own
type on one line naming the problem and the fix, and what was stored before is
byte-for-byte the same afterwards (an export before and after).
"""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from agentmem import Memory
from agentmem.cli import app
from agentmem.errors import AgentMemError, StoreError
from agentmem.testing import HashEmbedder
from agentmem.testing.hostile import BAD_CALLS, HOSTILE, UNSAFE_OUTPUT

runner = CliRunner()

def _export(m: Memory) -> str:
    buf = io.StringIO()
    m.export_jsonl(buf)
    return buf.getvalue()


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        m.add_many(["Ana likes tea", "Bo lives in Porto"], user_id="u", metadata={"n": 1})
        yield m


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_calls_get_one_clear_error_and_change_nothing(mem, case):
    call, words = BAD_CALLS[case]
    before = _export(mem)
    with pytest.raises(AgentMemError) as err:
        call(mem)
    message = str(err.value)
    assert words in message and "\n" not in message and "Traceback" not in message
    assert _export(mem) == before


def test_a_good_import_id_still_works(mem):
    line = {"type": "record", "data": {"id": "mem0-1234-abcd", "content": "x",
                                       "scope": {"user_id": "u"}}}
    assert mem.import_jsonl(io.StringIO(json.dumps(line) + "\n")) == 1
    assert mem.get("mem0-1234-abcd").content == "x"


# -- stored text never attacks the terminal -------------------------------------------------
@pytest.fixture
def hostile_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTMEM_EMBEDDER", "hash")
    monkeypatch.setenv("COLUMNS", "400")
    home = str(tmp_path / "home")
    with Memory(home=home, embedder="hash") as m:
        rec = m.add(HOSTILE, user_id="eve")
        m.update(rec.id, HOSTILE + " v2", actor="test")
        m.add(HOSTILE, user_id="eve", metadata={"quarantined": True, "guard_reason": HOSTILE})
        from agentmem.structures.tasks import TaskTree

        tree = TaskTree.open(m, HOSTILE, user_id="eve")
    return home, rec.id, tree.task_id


def _safe(output: str) -> None:
    assert not any(c in output for c in UNSAFE_OUTPUT)
    assert "[/bold]" in output  # shown literally, not taken as markup
    assert "\\x1b" in output  # the escape is visible as text


@pytest.mark.parametrize("command", [["list"], ["search", "cats", "-u", "eve"], ["history", "ID"],
                                     ["quarantine"], ["restore", "ID"], ["tasks", "-u", "eve"],
                                     ["tasks", "-u", "eve", "--task", "TASK"]])
def test_cli_shows_hostile_text_literally(hostile_home, command):
    home, rid, task = hostile_home
    args = [a.replace("ID", rid).replace("TASK", task) for a in command]
    r = runner.invoke(app, [*args, "--home", home], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    _safe(r.output)


def test_json_output_stays_exact(hostile_home):
    home, rid, _ = hostile_home
    r = runner.invoke(app, ["get", rid, "--home", home], catch_exceptions=False)
    assert json.loads(r.output)["content"] == HOSTILE + " v2"


def test_graphml_with_control_characters_is_valid_xml(tmp_path):
    import networkx as nx

    from agentmem.structures.notes import export_graph

    g = nx.DiGraph()
    g.add_node("a", content=HOSTILE + "\x01\x0c")
    g.add_node("b", content="fine")
    g.add_edge("a", "b", reason="same \x02 topic")
    path = export_graph(g, tmp_path / "g.graphml")
    ET.parse(path)  # parses
    assert "\\x01" in path.read_text(encoding="utf-8")


def test_cli_export_and_graph_to_a_folder_are_one_line_errors(hostile_home, tmp_path):
    home, _, _ = hostile_home
    for args in (["export", str(tmp_path)], ["export", str(tmp_path / "no" / "x.jsonl")],
                 ["graph", str(tmp_path), "--format", "html", "-u", "eve"]):
        r = runner.invoke(app, [*args, "--home", home])
        assert r.exit_code == 2 and r.output.startswith("error:"), r.output
        assert "Traceback" not in r.output


# -- damaged homes ----------------------------------------------------------------------------
def _home_with_records(tmp_path, n=5) -> str:
    home = str(tmp_path / "home")
    with Memory(home=home, embedder=HashEmbedder()) as m:
        m.add_many([f"fact {i}" for i in range(n)], user_id="u")
    return home


@pytest.mark.parametrize("damage", ["missing", "empty"])
def test_a_home_without_its_records_is_refused_not_recreated(tmp_path, damage):
    home = _home_with_records(tmp_path)
    db = os.path.join(home, "agentmem.db")
    for name in os.listdir(home):
        if name.startswith("agentmem.db"):
            os.remove(os.path.join(home, name))
    if damage == "empty":
        open(db, "w").close()
    with pytest.raises(StoreError, match=f"agentmem.db is {damage}"):
        Memory(home=home, embedder=HashEmbedder())
    assert not os.path.exists(db) or os.path.getsize(db) == 0  # nothing was written


def test_repair_never_deletes_vectors_of_records_it_never_held(tmp_path):
    """agentmem.db replaced by another (empty) one: the chroma vectors may belong to the
    real records, so repair keeps them; vectors of records this store deleted go."""
    home = _home_with_records(tmp_path)
    with Memory(home=home, embedder=HashEmbedder()) as m:
        gone = m.add("to delete", user_id="u")
        m.delete(gone.id)
        m.verify(repair=True)
    fresh = str(tmp_path / "fresh")
    Memory(home=fresh, embedder=HashEmbedder()).close()
    for name in os.listdir(home):
        if name.startswith("agentmem.db"):
            os.remove(os.path.join(home, name))
    for name in os.listdir(fresh):
        if name.startswith("agentmem.db"):
            os.replace(os.path.join(fresh, name), os.path.join(home, name))
    with Memory(home=home, embedder=HashEmbedder()) as m:
        report = m.verify(repair=True)
        assert len(report["unknown_vectors"]) == 5 and report["orphan_vectors"] == []
        assert len(m.verify()["unknown_vectors"]) == 5  # still there after the repair


def test_a_home_without_write_permission_is_one_clear_error(tmp_path, monkeypatch):
    """As root the file system cannot refuse us, so the lock refuses as it would."""
    import filelock

    home = _home_with_records(tmp_path)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(home, "agentmem.lock"))

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    with pytest.raises(StoreError, match="no permission to use .*agentmem.lock"):
        Memory(home=home, embedder=HashEmbedder())
