"""The `agentmem` command line, end to end on a real home directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from agentmem.cli import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [*args], input=input, catch_exceptions=False)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTMEM_EMBEDDER", "hash")
    monkeypatch.setenv("COLUMNS", "200")
    return str(tmp_path / "home")


def test_cli_full_cycle(home, tmp_path):
    r = run("add", "Maria volunteers at a shelter.", "--home", home, "--user", "maria", "--json")
    assert r.exit_code == 0, r.output
    mid = json.loads(r.output)["id"]
    assert run("add", "John plays basketball.", "--home", home, "-u", "john").exit_code == 0
    r = run("search", "shelter", "--home", home, "-u", "maria", "--json")
    hits = json.loads(r.output)
    assert [h["record"]["id"] for h in hits] == [mid]
    r = run("search", "shelter", "--home", home, "-u", "maria")
    assert "Maria volunteers" in r.output and "1 hits" in r.output
    assert "John plays" in run("list", "--home", home).output
    assert json.loads(run("get", mid, "--home", home).output)["content"].startswith("Maria")
    assert "deleted" in run("delete", mid, "--home", home).output
    r = run("history", mid, "--home", home)
    assert "ADD" in r.output and "DELETE" in r.output
    assert "restored" in run("restore", mid, "--home", home).output
    out = tmp_path / "dump.jsonl"
    assert run("export", str(out), "--home", home).exit_code == 0
    assert len(out.read_text().splitlines()) == 2
    other = str(tmp_path / "other")
    assert "imported 2" in run("import", str(out), "--home", other).output
    stats = json.loads(run("stats", "--home", other).output)
    assert stats["records"] == 2 and stats["by_user"] == {"john": 1, "maria": 1}
    assert json.loads(run("verify", "--home", other).output)["orphan_vectors"] == 0


def test_cli_version_and_exit_codes_by_kind(home):
    from agentmem import __version__

    assert run("--version").output.strip() == f"agentmem {__version__}"
    assert "3 not found" in run("--help").output
    # one line, not wrapped at 80 columns, also when piped
    assert run("add", "something", "--home", home, "-u", "x").exit_code == 0
    r = runner.invoke(app, ["get", "x" * 120, "--home", home])
    assert r.exit_code == 3 and len(r.output.strip().splitlines()) == 1


def test_a_mistyped_home_is_an_error_and_the_embedder_is_remembered(tmp_path, monkeypatch):
    monkeypatch.delenv("AGENTMEM_EMBEDDER", raising=False)
    home = str(tmp_path / "home")
    r = runner.invoke(app, ["list", "--home", home + "x"])
    assert r.exit_code == 2 and "no agentmem home" in r.output
    assert not (tmp_path / "homex").exists()  # nothing was created
    assert run("add", "Ana likes tea", "--home", home, "-u", "ana", "--embedder", "hash"
               ).exit_code == 0
    # no --embedder: the home says it was built with hash (minilm would be refused)
    r = run("search", "tea", "--home", home, "-u", "ana", "--json")
    assert r.exit_code == 0 and json.loads(r.output)[0]["record"]["content"] == "Ana likes tea"


def test_commands_that_change_memory_answer_in_json_too(home, tmp_path):
    mid = json.loads(run("add", "Ana likes tea", "--home", home, "-u", "ana", "--json").output)["id"]
    assert json.loads(run("delete", mid, "--home", home, "--json").output)["id"] == mid
    assert json.loads(run("restore", mid, "--home", home, "--json").output)["version"] == 2
    dump = tmp_path / "d.jsonl"
    run("export", str(dump), "--home", home)
    other = str(tmp_path / "other")
    assert json.loads(run("import", str(dump), "--home", other, "--json").output) == {"imported": 1}
    assert json.loads(run("release", mid, "--home", home, "--json").output)["id"] == mid


def test_cli_errors_are_one_clear_line(home, tmp_path):
    r = runner.invoke(app, ["add", "   ", "--home", home, "-u", "x"])
    assert r.exit_code == 2 and "error:" in r.output and "empty" in r.output
    r = runner.invoke(app, ["get", "nosuchid", "--home", home])
    assert r.exit_code == 3 and "no memory with id 'nosuchid'" in r.output
    r = runner.invoke(app, ["add", "x", "--home", home, "-u", "bad user"])
    assert r.exit_code == 2 and "not a valid scope id" in r.output
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    r = runner.invoke(app, ["list", "--home", str(foreign)])
    assert r.exit_code == 4 and "not an agentmem home" in r.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    r = runner.invoke(app, ["import", str(bad), "--home", home])
    assert r.exit_code == 2 and "line 1" in r.output
    r = runner.invoke(app, ["add", "-", "--home", home, "-u", "x"], input=b"\xff\xfe bad")
    assert r.exit_code == 2 and "UTF-8" in r.output
    assert (foreign / "notes.txt").read_text() == "mine"


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "agentmem", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0
    for cmd in ("add", "search", "list", "get", "history", "delete", "restore", "export",
                "import", "stats", "serve-llm"):
        assert cmd in out.stdout


def _jsonl(tmp_path):
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(json.dumps(m) for m in [
        {"speaker": "Ana", "text": "I adopted a beagle called Biscuit.", "time": "2023-05-08"},
        {"speaker": "Ana", "text": "I work night shifts as a nurse.", "time": "2023-05-08"},
        {"speaker": "Ana", "text": "I started painting watercolours.", "time": "2023-06-19"}]))
    return path


def test_cli_ingest_raw_and_bad_file(home, tmp_path):
    r = run("ingest", str(_jsonl(tmp_path)), "--home", home, "-u", "ana", "--raw")
    assert r.exit_code == 0, r.output
    assert '"turns": 3' in r.output and '"llm_calls": 0' in r.output
    assert json.loads(run("stats", "--home", home).output)["by_kind"] == {"turn": 3}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"speaker_a": "A", "session_1": [{"speaker": "A"}],
                               "session_1_date_time": "1:56 pm on 8 May, 2023"}))
    r = runner.invoke(app, ["ingest", str(bad), "--home", home, "-u", "ana", "--raw"])
    assert r.exit_code == 2 and "missing field 'text'" in r.output
    r = runner.invoke(app, ["ingest", str(_jsonl(tmp_path)), "--home", home, "--raw"])
    assert r.exit_code == 2 and "--user NAME" in r.output
    r = runner.invoke(app, ["ingest", str(_jsonl(tmp_path)), "--home", home, "-u", "ana",
                            "--manager", "clever"])
    assert r.exit_code == 2 and "--manager 'clever': choose auto" in r.output
    assert json.loads(run("stats", "--home", home).output)["by_kind"] == {"turn": 3}


def test_cli_ingest_facts_from_every_statement_without_a_model(home, tmp_path):
    r = run("ingest", str(_jsonl(tmp_path)), "--home", home, "-u", "ana",
            "--manager", "statements")
    assert r.exit_code == 0, r.output
    report = json.loads(r.output[r.output.index("{"):])
    assert report["llm_calls"] == 0 and report["ops"]["ADD"] >= 3
    facts = json.loads(run("list", "--home", home, "-u", "ana", "--json").output)
    assert "Ana started painting watercolours." in {f["content"] for f in facts}


def test_cli_ingest_writes_only_its_report_to_stdout(home, tmp_path):
    """`agentmem ingest FILE > report.json` gives JSON; the progress (with a count and an
    estimate of the time left) goes to stderr."""
    out = subprocess.run([sys.executable, "-m", "agentmem", "ingest", str(_jsonl(tmp_path)),
                          "--home", home, "-u", "ana", "--raw"], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "AGENTMEM_EMBEDDER": "hash",
                                           "AGENTMEM_PROGRESS_EVERY": "0"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["turns"] == 3
    # Not a terminal: a line per step here (every 30 s by default), then a last one.
    assert "1/3 (33%)" in out.stderr and "eta" in out.stderr and "3/3" in out.stderr


@pytest.mark.slow
def test_cli_ingest_ask_chat_on_the_local_model(home, tmp_path, local_llm):
    # The default for the embedded model makes no call (every statement becomes a fact);
    # the model choosing the sentences is one call per turn.
    r = run("ingest", str(_jsonl(tmp_path)), "--home", home, "-u", "ana",
            "--manager", "extractive")
    assert r.exit_code == 0, r.output
    report = json.loads(r.output[r.output.index("{"):])
    assert report["llm_calls"] == 3 and report["calls_per_turn"] == 1.0
    assert report["failed_batches"] == []
    r = run("ask", "What is the name of Ana's dog?", "--home", home, "-u", "ana")
    assert r.exit_code == 0 and r.output.strip()
    r = run("chat", "--home", home, "-u", "ana", "--show", input="I moved to Porto.\n\n")
    assert r.exit_code == 0 and "agent>" in r.output and "recalled" in r.output


def test_cli_structures_note_graph_tasks_lessons(home, tmp_path):
    from agentmem import Memory
    from agentmem.lessons import LessonStore
    from agentmem.tasks import TaskTree
    from agentmem.testing import HashEmbedder

    first = json.loads(run("note", "Ana adopted a beagle called Biscuit", "--home", home,
                           "-u", "ana", "--json").output)
    r = run("note", "Ana walks her beagle Biscuit in the park", "--home", home, "-u", "ana")
    assert r.exit_code == 0 and "added note" in r.output
    for suffix in ("json", "graphml", "html", "png"):
        r = run("graph", str(tmp_path / f"g.{suffix}"), "--home", home, "-u", "ana")
        assert r.exit_code == 0 and "2 notes" in r.output, r.output
    graph = json.loads((tmp_path / "g.json").read_text())
    assert first["note"]["id"] in {n["id"] for n in graph["nodes"]}
    r = run("graph", str(tmp_path / "g.svg"), "--home", home, "-u", "ana")
    assert r.exit_code == 2 and "unknown graph format" in r.output
    with Memory(home=home, embedder=HashEmbedder()) as m:
        tree = TaskTree.open(m, "water the plants", user_id="ana")
        tree.add_subtask(tree.root.id, "fill the can", status="active")
        LessonStore(m, user_id="ana").add("Fill first", "Fill the can before walking.")
    assert "water the plants" in run("tasks", "--home", home, "-u", "ana").output
    shown = run("tasks", "--home", home, "-u", "ana", "--task", tree.task_id).output
    assert "[>] fill the can (active)" in shown
    assert "Fill the can before walking." in run("lessons", "--home", home, "-u", "ana").output
    r = run("tasks", "--home", home, "-u", "ana", "--task", "nope")
    assert r.exit_code == 3 and "no task 'nope'" in r.output


@pytest.mark.slow
def test_every_memory_command_reaches_a_chroma_server(home, chroma_server):
    """The same --chroma-host/--chroma-port on every command: what one writes through the
    server, the others read, and the vectors live on the server."""
    server = ["--chroma-host", chroma_server["host"], "--chroma-port", str(chroma_server["port"])]
    r = run("add", "Ana keeps bees in Porto.", "--home", home, "-u", "ana", "--json", *server)
    assert r.exit_code == 0, r.output
    mid = json.loads(r.output)["id"]
    stats = json.loads(run("stats", "--home", home, *server).output)
    assert stats["vector_store"] == "chroma-server" and stats["index_vectors"] >= 1
    hits = json.loads(run("search", "bees", "--home", home, "-u", "ana", "--json",
                          *server).output)
    assert [h["record"]["id"] for h in hits] == [mid]
    assert json.loads(run("get", mid, "--home", home, *server).output)["id"] == mid
    assert run("delete", mid, "--home", home, *server).exit_code == 0
    assert run("restore", mid, "--home", home, *server).exit_code == 0
    report = json.loads(run("verify", "--home", home, *server).output)
    assert report["missing_vectors"] == 0 and report["orphan_vectors"] == 0  # in step


def test_every_data_command_takes_json(tmp_path):
    home = str(tmp_path / "h")
    rec = json.loads(run("add", "Ana likes tea.", "--home", home, "-u", "ana", "--embedder",
                         "hash", "--json").stdout)
    for args in (["get", rec["id"]], ["stats"], ["verify"]):
        r = run(*args, "--home", home, "--json")
        assert r.exit_code == 0 and isinstance(json.loads(r.stdout), dict)
    r = runner.invoke(app, ["export", str(tmp_path / "d.jsonl"), "--home", home, "--json"])
    assert r.exit_code == 0 and json.loads(r.stderr.strip()) == {"exported": 1}
    r = run("graph", str(tmp_path / "g.json"), "--home", home, "-u", "ana", "--json")
    assert json.loads(r.stdout) == {"path": str(tmp_path / "g.json"), "notes": 0, "links": 0}
