"""The Postgres backend on a real server (pgserver, or $AGENTMEM_TEST_DATABASE_URL): what
only this backend promises, beyond the shared conformance suite."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from agentmem import ConfigError, ConflictError, Memory, StoreError
from agentmem.testing import HashEmbedder

psycopg = pytest.importorskip("psycopg")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(postgres_server):
    return postgres_server()


def _url_with(url: str, *, database: str, user: str | None = None) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = user + "@" + netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, parts.fragment))


def _sql(url: str, query: str, args: tuple = ()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query, args)
        return cur.fetchall() if cur.description else []


def test_record_history_vector_and_text_commit_together(url):
    with Memory(store=url, embedder=HashEmbedder(), user_id="u1") as m:
        rec = m.add("Oscar the cat sleeps on the piano.", metadata={"room": "hall"})
        row = _sql(url, "SELECT embedding IS NOT NULL, fts::text, metadata->>'room' FROM "
                        "agentmem_records WHERE id=%s", (rec.id,))[0]
        assert row[0] and "piano" in row[1] and row[2] == "hall"
        assert _sql(url, "SELECT op FROM agentmem_history WHERE memory_id=%s", (rec.id,)) == [
            ("ADD",)]
        stats = m.stats()
        assert stats["vector_store"] == "postgres" and stats["index_pending"] == 0
        assert m.where("room", "hall") == [rec]
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [],
                              "unknown_vectors": []}


def test_history_is_append_only_in_the_database(url):
    with Memory(store=url, embedder=HashEmbedder(), user_id="u1") as m:
        m.add("Jon owns a dance studio.")
    for statement in ("UPDATE agentmem_history SET reason='forged'",
                      "DELETE FROM agentmem_history", "TRUNCATE agentmem_history"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            _sql(url, statement)
    assert _sql(url, "SELECT count(*), max(reason) FROM agentmem_history") == [(1, "")]


def test_links_and_metadata_queries_match_sqlite(url, tmp_path):
    results = []
    for make in (lambda: Memory(store=url, embedder=HashEmbedder(), user_id="u1"),
                 lambda: Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="u1")):
        with make() as m:
            a = m.add("Caroline paints lakes.", metadata={"turn": "D1:3", "n": 3})
            b = m.add("Caroline paints sunsets.", metadata={"turn": "D1:30"})
            m.update(b.id, metadata={"turn": "D1:30", "links": [{"to": a.id, "reason": "same hobby"},
                                               "not a link", {"to": 7}]})
            hits = m.search("sunsets", k=1, mode="keyword", expand_links=True)
            results.append((
                [r.id == a.id for r in m.where("turn", "D1:3")],
                sorted(r.id == b.id for r in m.where("turn", "D1:3", prefix=True)),
                m.where("n", "3"),
                [(h.id == b.id, h.id == a.id, h.via == b.id) for h in hits],
            ))
    assert results[0] == results[1]
    assert results[0][0] == [True] and results[0][1] == [False, True]
    assert results[0][3] == [(True, False, False), (False, True, True)]


@pytest.mark.parametrize("exact_rows", [5000, 2])
def test_scoped_search_reads_the_scope_or_the_indexes_alike(url, monkeypatch, exact_rows):
    """A small scope is searched row by row, a big one through HNSW and GIN (forced here
    with a cap of 2): the same records come back, from the scope only."""
    from agentmem.store import postgres

    monkeypatch.setattr(postgres, "EXACT_SCOPE_ROWS", exact_rows)
    with Memory(store=url, embedder=HashEmbedder()) as m:
        for user in ("u1", "u2"):
            m.add_many([f"{user} keeps a red kayak at the lake", f"{user} bakes rye bread",
                        f"{user} repairs old radios"], user_id=user)
        for mode in ("vector", "keyword", "hybrid"):
            hits = m.search("kayak lake", k=3, user_id="u2", mode=mode)
            assert hits and {h.record.scope.user_id for h in hits} == {"u2"}, mode
            assert "kayak" in hits[0].content, (mode, [h.content for h in hits])
        assert m.search("zeppelin", k=3, user_id="u1", mode="keyword") == []
        # Hybrid ranks both ways in one query: each hit's ranks are the ones the vector
        # and the keyword search give on their own.
        by_mode = {mode: [h.id for h in m.search("kayak lake bread", k=6, user_id="u1",
                                                 mode=mode)]
                   for mode in ("vector", "keyword")}
        hybrid = m.search("kayak lake bread", k=6, user_id="u1")
        assert {h.id for h in hybrid} == set(by_mode["vector"]) | set(by_mode["keyword"])
        for h in hybrid:
            assert h.vector_rank == by_mode["vector"].index(h.id) + 1
            assert h.keyword_rank == (by_mode["keyword"].index(h.id) + 1
                                      if h.id in by_mode["keyword"] else None)


class _PausingEmbedder(HashEmbedder):
    """Stops inside a write, after the batch was planned and before it commits."""

    def __init__(self):
        super().__init__()
        self.pause, self.planned = threading.Event(), threading.Event()

    def embed(self, texts):
        if self.pause.is_set():
            self.planned.set()
            time.sleep(1.0)
        return super().embed(texts)


def test_a_stale_update_is_refused_not_lost(url):
    slow = _PausingEmbedder()
    with Memory(store=url, embedder=slow, user_id="u1") as a, \
            Memory(store=url, embedder=HashEmbedder(), user_id="u1") as b:
        rec = a.add("Gina lives in Austin.")
        errors = []
        slow.pause.set()

        def stale_update():
            try:
                a.update(rec.id, "Gina lives in Dallas.")
            except ConflictError as exc:
                errors.append(exc)

        writer = threading.Thread(target=stale_update)
        writer.start()
        assert slow.planned.wait(10)
        b.update(rec.id, "Gina lives in Denver.")  # commits while a's batch is in flight
        writer.join()
        assert len(errors) == 1 and "changed by another writer" in str(errors[0])
        assert a.get(rec.id).content == "Gina lives in Denver." and a.get(rec.id).version == 2
        assert [h.version for h in a.history(rec.id)] == [1, 2]


class _OtherEmbedder(HashEmbedder):
    def spec(self):
        return {"provider": "another", "dim": self.dim}


def test_bad_databases_get_one_clear_error(url, tmp_path):
    with pytest.raises(StoreError, match="cannot (use|connect).*Check the URL|within"):
        Memory(store="postgresql://nobody@/nodb?host=" + str(tmp_path / "none")
               + "&connect_timeout=2", embedder=HashEmbedder())
    with pytest.raises(ConfigError, match="postgresql:// URL"):
        Memory(store="mysql://x/y", embedder=HashEmbedder())
    with Memory(store=url, embedder=HashEmbedder(), user_id="u1") as m:
        m.add("kept")
    with pytest.raises(StoreError, match="64-dimensional.*makes 32"):
        Memory(store=url, embedder=HashEmbedder(dim=32))
    with pytest.raises(ConfigError, match="built with embedder"):
        Memory(store=url, embedder=_OtherEmbedder())
    _sql(url, "UPDATE agentmem_meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="schema version 99, newer than this agentmem"):
        Memory(store=url, embedder=HashEmbedder())
    _sql(url, "UPDATE agentmem_meta SET value='0' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="schema version 0, older"):
        Memory(store=url, embedder=HashEmbedder())
    _sql(url, "UPDATE agentmem_meta SET value='1' WHERE key='schema_version'")
    with Memory(store=url, embedder=HashEmbedder(), user_id="u1") as m:
        assert [r.content for r in m.list()] == ["kept"]
    # A database that is not there (like wrong credentials: the server refuses the login).
    with pytest.raises(StoreError, match='cannot use.*"nosuchdb" does not exist.*Check the URL'):
        Memory(store=_url_with(url, database="nosuchdb"), embedder=HashEmbedder())
    # A database without pgvector, and a user who may not add it.
    role = f"plain_{os.getpid()}_{int(time.time())}"  # roles are server-wide
    _sql(url, f"CREATE ROLE {role} LOGIN")
    _sql(url, f"CREATE DATABASE {role} OWNER {role}")
    novector = _url_with(url, database=role, user=role)
    with pytest.raises(StoreError, match="lacks the pgvector extension.*CREATE EXTENSION vector"):
        Memory(store=novector, embedder=HashEmbedder())


def test_a_connection_dropped_mid_write_commits_nothing(url):
    with Memory(store=url, embedder=HashEmbedder(), user_id="u1") as m:
        m.add("before")
        # The server kills the writing connection from inside the transaction.
        _sql(url, """CREATE FUNCTION drop_me() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN IF NEW.reason = 'drop me' THEN
                       PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                     RETURN NEW; END $$;
                     CREATE TRIGGER drop_me BEFORE INSERT ON agentmem_history
                     FOR EACH ROW EXECUTE FUNCTION drop_me();""")
        with pytest.raises(StoreError, match="nothing of this write was committed"):
            m.apply([{"op": "ADD", "content": "first of the batch"},
                     {"op": "ADD", "content": "second", "reason": "drop me"}])
        assert [r.content for r in m.list()] == ["before"]
        assert m.stats()["history_entries"] == 1
        m.add("after")  # the pool replaced the broken connection
        assert [r.content for r in m.list()] == ["before", "after"]


# -- several processes (hosts) ---------------------------------------------------------------

_WRITER = textwrap.dedent("""
    import json, random, sys
    from agentmem import ConflictError, Memory
    from agentmem.testing import HashEmbedder
    url, seed, ops, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    words = "amber basil cedar delta ember fjord grove heath iris jade kelp lotus".split()
    log = open(out, "w")
    with Memory(store=url, embedder=HashEmbedder()) as m:
        print("ready", flush=True)
        for i in range(ops):
            user = f"u{rng.randrange(3)}"
            text = f"w{seed}x{i} " + " ".join(rng.sample(words, 3))
            mine = m.list(user_id=user, limit=50)
            try:
                if mine and rng.random() < 0.3:
                    r = rng.choice(mine)
                    new = m.update(r.id, text, user_id=user)
                    log.write(json.dumps(["UPDATE", new.id, user, text, new.version]) + "\\n")
                elif mine and rng.random() < 0.1:
                    r = rng.choice(mine)
                    m.delete(r.id, user_id=user)
                    log.write(json.dumps(["DELETE", r.id, user, None, None]) + "\\n")
                else:
                    res = m.apply([{"op": "ADD", "content": text},
                                   {"op": "ADD", "content": text + " twin"}], user_id=user)
                    for o, t in zip(res, (text, text + " twin")):
                        log.write(json.dumps(["ADD", o.id, user, t, 1]) + "\\n")
            except ConflictError:
                log.write(json.dumps(["CONFLICT"]) + "\\n")
            except Exception as exc:  # a record another writer deleted, etc.
                log.write(json.dumps(["REFUSED", type(exc).__name__]) + "\\n")
            log.flush()  # acknowledged: the call returned
""")


def _writers(url: str, tmp_path: Path, n: int, ops: int) -> list[subprocess.Popen]:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [subprocess.Popen([sys.executable, str(script), url, str(seed), str(ops),
                              str(tmp_path / f"acks{seed}.jsonl")], env=env,
                             stdout=subprocess.PIPE, text=True) for seed in range(n)]


def _acks(tmp_path: Path) -> list[list]:
    return [json.loads(line) for p in sorted(tmp_path.glob("acks*.jsonl"))
            for line in p.read_text().splitlines() if line.strip()]


def test_writer_processes_lose_nothing_and_stay_in_scope(url, tmp_path):
    procs = _writers(url, tmp_path, n=4, ops=40)
    for p in procs:
        assert p.wait(300) == 0
    acks = _acks(tmp_path)
    with Memory(store=url, embedder=HashEmbedder()) as m:
        ids = [r.id for r in m.list(limit=10_000)]
        assert len(ids) == len(set(ids))  # no duplicate ids
        # Replay the acknowledged ops in history order: the final state must match them.
        deleted = {a[1] for a in acks if a[0] == "DELETE"}
        for op, mid, user, text, version in (a for a in acks if a[0] in ("ADD", "UPDATE")):
            history = m.history(mid)
            assert any(h.version == version and h.after and h.after.content == text
                       for h in history), f"acknowledged {op} of {mid} v{version} is missing"
            versions = [h.version for h in history]
            assert versions == sorted(versions) and versions[0] == 1
            assert history[0].after.scope.user_id == user
        live = m.list(limit=10_000)
        assert {r.id for r in live}.isdisjoint(deleted)
        for r in live:
            user = r.scope.user_id
            assert r.content == m.history(r.id)[-1].after.content  # the newest version wins
            by_vector = m.search(r.content, user_id=user, k=5, mode="vector")
            by_keyword = m.search(r.content.split()[0], user_id=user, k=5, mode="keyword")
            assert r.id in [h.id for h in by_vector] and r.id in [h.id for h in by_keyword]
            assert all(h.record.scope.user_id == user for h in by_vector + by_keyword)
    assert sum(a[0] == "ADD" for a in acks) >= 100


def test_a_writer_killed_mid_batch_loses_nothing_acknowledged(url, tmp_path):
    [proc] = _writers(url, tmp_path, n=1, ops=100_000)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    acks = [a for a in _acks(tmp_path) if a[0] == "ADD"]
    assert len(acks) > 10
    with Memory(store=url, embedder=HashEmbedder()) as m:
        for _, mid, _, text, _ in acks:
            assert m.history(mid)[0].after.content == text
        # every batch is whole: both records of a batch, or neither
        batches: dict[str, int] = {}
        for h in m.history_since(0)[0]:
            if h.op == "ADD":
                batches[h.batch] = batches.get(h.batch, 0) + 1
        assert set(batches.values()) == {2}


# -- LangGraph on the same database ----------------------------------------------------------

_AGENT = textwrap.dedent("""
    import sys
    from agentmem import Agent, Memory
    from agentmem.testing import HashEmbedder, ScriptedLLM
    from policies import PromptedAnswerer, PromptedManager

    def manage(messages):
        fact = messages[-1]["content"].split("New messages:")[-1].split(": ", 1)[-1].strip()
        return {"operations": [{"op": "ADD", "fact": fact}]}

    def answer(messages):
        prompt = messages[-1]["content"].split("Question:")[0]
        return {"selected": [0], "answer": "Lisbon" if "Lisbon" in prompt else "unknown"}

    memory = Memory(store=sys.argv[1], embedder=HashEmbedder(), user_id="ana")
    with Agent(answerer=PromptedAnswerer(ScriptedLLM(default=answer)),
               manager=PromptedManager(ScriptedLLM(default=manage)),
               memory=memory, user_id="ana") as agent:
        reply = agent.chat(sys.argv[2], thread_id="t1")
        agent.flush()
        print(reply.answer, len(agent.last_state("t1")["turns"]))
    memory.close()
""")


def test_an_agent_thread_resumes_in_another_process(url, tmp_path):
    pytest.importorskip("langgraph.checkpoint.postgres")
    script = tmp_path / "agent.py"
    script.write_text(_AGENT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(message: str) -> str:
        done = subprocess.run([sys.executable, str(script), url, message], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert run("I moved to Lisbon last spring.") == "unknown 2"
    # Another process (another host, for all it knows): same thread, same memory.
    assert run("Where do I live now?") == "Lisbon 4"
    assert _sql(url, "SELECT count(DISTINCT thread_id) FROM checkpoints") == [(1,)]
    with Memory(store=url, embedder=HashEmbedder(), user_id="ana") as m:
        assert m.stats()["by_kind"]["turn"] == 2


def test_langgraph_store_on_postgres(url):
    from agentmem.integrations.langgraph_store import AgentMemStore

    with Memory(store=url, embedder=HashEmbedder()) as m:
        store = AgentMemStore(m, user_at=1)
        store.put(("memories", "u1"), "k1", {"text": "Ana likes green tea"})
        store.put(("memories", "u2"), "k1", {"text": "Bo likes black coffee"})
        assert store.get(("memories", "u1"), "k1").value == {"text": "Ana likes green tea"}
        hits = store.search(("memories", "u1"), query="what does she drink")
        assert [h.key for h in hits] == ["k1"] and hits[0].value["text"].startswith("Ana")
        assert [r.content for r in m.list(user_id="u2")] != []


# -- moving a store between backends ---------------------------------------------------------

def test_migrate_home_to_postgres_and_back(url, tmp_path):
    from typer.testing import CliRunner

    from agentmem.cli import app

    with Memory(home=tmp_path / "a", embedder=HashEmbedder()) as m:
        rec = m.add("Jon likes jazz.", user_id="jon", event_time="2023-05-08T13:56:00+00:00")
        m.update(rec.id, "Jon likes jazz and salsa.", reason="he said so")
        gone = m.add("Jon lives in Boston.", user_id="jon", metadata={"turn": "D1:2"})
        m.delete(gone.id, reason="moved away")
        m.add("Gina runs a store.", user_id="gina", kind="note")
        from agentmem.records import Scope
        m.set_scope_state(Scope(user_id="jon"), "reranker", {"w": [0.5, 0.25]})
        before = [(h.batch, h.memory_id, h.op, h.version, h.actor, h.reason, h.at)
                  for h in m.history_since(0)[0]]

    runner = CliRunner()
    to_pg = runner.invoke(app, ["migrate", "--from", str(tmp_path / "a"), "--to", url, "--json"])
    assert to_pg.exit_code == 0, to_pg.output
    assert json.loads(to_pg.stdout)["exports_identical"] is True
    again = runner.invoke(app, ["migrate", "--from", str(tmp_path / "a"), "--to", url])
    assert again.exit_code == 2 and "not empty" in again.output  # nothing copied twice
    back = runner.invoke(app, ["migrate", "--from", url, "--to", str(tmp_path / "b")])
    assert back.exit_code == 0 and "identical" in back.output, back.output

    for where in ({"store": url}, {"home": tmp_path / "b"}):
        with Memory(embedder=HashEmbedder(), **where) as m:
            after = [(h.batch, h.memory_id, h.op, h.version, h.actor, h.reason, h.at)
                     for h in m.history_since(0)[0]]
            assert after == before
            got = m.get(rec.id)
            assert got.version == 2 and got.content == "Jon likes jazz and salsa."
            assert got.event_time.isoformat() == "2023-05-08T13:56:00+00:00"
            assert m.search("salsa", user_id="jon", mode="vector", k=1)[0].id == rec.id
            assert m.restore(gone.id).content == "Jon lives in Boston."  # history works
            assert m.scope_state(Scope(user_id="jon"), "reranker") == {"w": [0.5, 0.25]}
    listed = runner.invoke(app, ["list", "--home", url, "--user", "gina"])
    assert listed.exit_code == 0 and "Gina runs a store." in listed.output
