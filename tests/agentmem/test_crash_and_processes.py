"""SIGKILL mid-write loses nothing acknowledged; processes never corrupt a store silently."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from agentmem import Memory, MemoryNotFound, StoreLockedError
from agentmem.testing import HashEmbedder

WRITER = textwrap.dedent("""
    import os, signal, sys
    from agentmem import Memory
    from agentmem.testing import HashEmbedder
    home, mode = sys.argv[1], sys.argv[2]
    m = Memory(home=home, embedder=HashEmbedder(), user_id="w")
    if mode == "die-after-commit":
        # Kill the process between the SQLite commit and the vector index write.
        m._sync = lambda ids, **_: os.kill(os.getpid(), signal.SIGKILL)
    i = 0
    while True:
        rec = m.add(f"writer fact number {i} about the harbour")
        print("A", rec.id, flush=True)
        if i % 4 == 3:
            m.delete(rec.id)
            print("D", rec.id, flush=True)
        elif i % 4 == 2:
            m.update(rec.id, f"writer fact number {i} updated")
            print("U", rec.id, flush=True)
        i += 1
""")


def _run_writer(home, mode, kill_after):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(home), mode],
                            stdout=subprocess.PIPE, text=True)
    acked: dict[str, str] = {}  # id -> last acknowledged op
    start = time.time()
    for line in proc.stdout:
        op, mid = line.split()
        acked[mid] = op
        if len(acked) >= kill_after or time.time() - start > 60:
            break
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return acked


@pytest.mark.parametrize("kill_after", [5, 40, 97])
def test_sigkill_loses_nothing_acknowledged(tmp_path, kill_after):
    home = tmp_path / "home"
    acked = _run_writer(home, "loop", kill_after)
    in_flight = list(acked)[-1]  # its next op may have committed without an acknowledgement
    with Memory(home=home, embedder=HashEmbedder(), user_id="w") as m:
        for mid, last in acked.items():
            if mid == in_flight:
                continue
            if last == "D":
                with pytest.raises(MemoryNotFound):
                    m.get(mid)
            else:
                assert m.get(mid).version == (2 if last == "U" else 1)
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}
        live = [mid for mid, last in acked.items() if last != "D" and mid != in_flight]
        found = {h.id for h in m.search("writer fact harbour", k=1000)}
        assert set(live) <= found


def test_crash_between_commit_and_index_is_repaired_on_open(tmp_path):
    home = tmp_path / "home"
    proc = subprocess.run([sys.executable, "-c", WRITER, str(home), "die-after-commit"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    with Memory(home=home, embedder=HashEmbedder(), user_id="w") as m:
        records = m.list()
        assert len(records) == 1  # committed in SQLite before the kill
        assert m.stats()["index_pending"] == 0  # the outbox was replayed on open
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}
        assert m.search("harbour", mode="vector")[0].id == records[0].id


def test_second_process_on_embedded_store_gets_a_clear_error(tmp_path):
    home = tmp_path / "home"
    with Memory(home=home, embedder=HashEmbedder(), user_id="u") as m:
        m.add("held open by the test process")
        code = ("from agentmem import Memory, MemoryNotFound, StoreLockedError\n"
                "from agentmem.testing import HashEmbedder\n"
                f"try:\n    Memory(home={str(home)!r}, embedder=HashEmbedder())\n"
                "except StoreLockedError as e:\n    print('LOCKED', e)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120).stdout
        assert out.startswith("LOCKED") and "chroma run" in out
        with pytest.raises(StoreLockedError):
            Memory(home=home, embedder=HashEmbedder())  # a second handle in-process too
    with Memory(home=home, embedder=HashEmbedder(), user_id="u") as m:
        assert m.stats()["records"] == 1


CONCURRENT = textwrap.dedent("""
    import sys
    from agentmem import Memory
    from agentmem.testing import HashEmbedder
    home, port, who = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    m = Memory(home=home, embedder=HashEmbedder(),
               vector_store={"host": "127.0.0.1", "port": port, "collection": "shared_mp"})
    for i in range(40):
        m.add(f"{who} wrote note {i} about kites", user_id=who)
    m.close()
    print("done", who)
""")


@pytest.mark.slow
def test_server_mode_many_processes(tmp_path, chroma_server):
    home = tmp_path / "shared-home"
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(home),
                               str(chroma_server["port"]), who], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for who in ("p1", "p2", "p3")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    with Memory(home=home, embedder=HashEmbedder(), vector_store={
            **chroma_server, "collection": "shared_mp"}) as m:
        assert m.stats()["records"] == 120
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}
        for who in ("p1", "p2", "p3"):
            hits = m.search("note about kites", user_id=who, k=100)
            assert len(hits) == 40 and all(h.record.scope.user_id == who for h in hits)


HOLD_WRITE_TURN = textwrap.dedent("""
    import sys, time
    from filelock import FileLock
    lock = FileLock(sys.argv[1])
    lock.acquire()
    print("held", flush=True)
    time.sleep(120)
""")


@pytest.mark.slow
def test_a_process_stuck_in_its_write_turn_delays_the_index_but_loses_nothing(
        tmp_path, chroma_server, monkeypatch, caplog):
    """Another process holding the shared server's write turn makes a write wait at most
    ``WRITE_TURN_TIMEOUT_S``; the record is kept in SQLite, queued, and indexed by the
    next write once the turn is free."""
    import agentmem.store.chroma as chroma_index
    from agentmem.store.home import CHROMA_WRITE_LOCK

    monkeypatch.setattr(chroma_index, "WRITE_TURN_TIMEOUT_S", 0.5)
    home = tmp_path / "home"
    with Memory(home=home, embedder=HashEmbedder(), user_id="u",
                vector_store={**chroma_server, "collection": "stuck_turn"}) as m:
        holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_TURN,
                                   str(home / CHROMA_WRITE_LOCK)], stdout=subprocess.PIPE,
                                  text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            start = time.monotonic()
            kites = m.add("kites fly over the harbour in March")
            assert time.monotonic() - start < 30
            assert "retried" in caplog.text and m.search("kites harbour") == []
        finally:
            holder.kill()
            holder.wait()
        m.add("the ferry leaves at nine")  # the free turn takes the queued record along
        assert kites.id in [h.record.id for h in m.search("kites harbour", k=5)]
        assert m.stats()["records"] == 2
        assert m.verify() == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}


def _open_new_home(home, barrier, results):
    from agentmem.store.home import _check_marker
    from agentmem.store.sqlite import RecordStore

    barrier.wait()
    try:
        _check_marker(home, HashEmbedder().spec())
        RecordStore(home / "agentmem.db").close()
        results.put("ok")
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_creating_one_new_home_at_once_all_succeed(tmp_path):
    # Regression: a half-created marker or database was taken for a foreign file, and two
    # processes inserting the schema version collided.
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for attempt in range(8):
        home = tmp_path / f"home{attempt}"
        barrier, results = ctx.Barrier(5), ctx.Queue()
        procs = [ctx.Process(target=_open_new_home, args=(home, barrier, results))
                 for _ in range(5)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
        assert outcomes == ["ok"] * 5, outcomes
        with Memory(home=home, embedder=HashEmbedder(), user_id="u") as m:
            assert m.add("the home opens normally afterwards").content


def test_a_database_locked_too_long_is_reported_as_locked_not_foreign(tmp_path):
    import sqlite3

    from agentmem.store.sqlite import RecordStore

    path = tmp_path / "agentmem.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE kept (x)")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreLockedError, match="stayed locked by another process"):
        RecordStore(path, timeout=0.3)
    holder.execute("ROLLBACK")
    RecordStore(path).close()  # once released it opens, and the other table is untouched
    assert holder.execute("SELECT count(*) FROM kept").fetchone() == (0,)
