"""Shared fixtures: store backends for the conformance suite, a real chroma server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from agentmem import Memory  # noqa: E402
from agentmem.testing import HashEmbedder  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_executable() -> str:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists() and not shutil.which(exe):
        pytest.skip("the `chroma` command is not installed (pip install 'agentmem[chroma]')")
    return exe


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free localhost port, for the whole session."""
    pytest.importorskip("chromadb")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "w")
    proc = subprocess.Popen([_chroma_executable(), "run", "--path", str(path / "data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited: {(path / 'server.log').read_text()}") from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("chroma run did not start within 60 s")
    yield {"host": "127.0.0.1", "port": port}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


_collection_counter = iter(range(10**6))


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real Postgres 16 + pgvector for the whole session: ``$AGENTMEM_TEST_DATABASE_URL``
    (any server; its user must be allowed to create databases), else one started from
    the PyPI package pgserver. Yields a function giving the URL of a new, empty database."""
    url = os.environ.get("AGENTMEM_TEST_DATABASE_URL")
    if url is None:
        try:
            import pgserver  # noqa: F401
        except ImportError:
            if os.environ.get("CI"):
                raise
            pytest.skip("Postgres tests need pgserver (pip install 'agentmem[dev]') or "
                        "AGENTMEM_TEST_DATABASE_URL")
    pytest.importorskip("psycopg")
    from agentmem.testing.postgres import PostgresServer

    server = PostgresServer(tmp_path_factory.mktemp("pg"), url, prefix="agentmem_test")
    yield server.new_database
    server.stop()


@pytest.fixture(params=["inprocess", "persistent", "server", "postgres"])
def backend(request, tmp_path):
    """How to open a fresh store of each kind: returns a factory of Memory objects."""
    kind = request.param
    if kind == "inprocess":
        def make(**kw):
            return Memory(home=":memory:", embedder=HashEmbedder(), **kw)
    elif kind == "persistent":
        def make(**kw):
            return Memory(home=tmp_path / "home", embedder=HashEmbedder(), **kw)
    elif kind == "postgres":
        url = request.getfixturevalue("postgres_server")()

        def make(**kw):
            return Memory(store=url, embedder=HashEmbedder(), **kw)
    else:
        server = request.getfixturevalue("chroma_server")
        collection = f"conf{next(_collection_counter)}_{os.getpid()}"

        def make(**kw):
            return Memory(home=tmp_path / "home", embedder=HashEmbedder(),
                          vector_store={**server, "collection": collection}, **kw)
    make.kind = kind
    return make


@pytest.fixture
def mem():
    """A fast in-process store with the hash embedder."""
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        yield m


@pytest.fixture(scope="session")
def local_llm():
    """The real SmolLM2-135M-Instruct (cached as safetensors after the first load)."""
    pytest.importorskip("transformers")
    from agentmem.llm.local import LocalLLM

    return LocalLLM()


@pytest.fixture(scope="session")
def minilm():
    pytest.importorskip("sentence_transformers")
    from agentmem.embeddings.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def locomo_file(tmp_path):
    """Writes a small LoCoMo-format conversation (fields overridable) and returns its path."""
    import json

    def make(**changes):
        data = {"speaker_a": "Ana", "speaker_b": "Bo",
                "session_1_date_time": "1:56 pm on 8 May, 2023",
                "session_1": [{"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a beagle."},
                              {"speaker": "Bo", "dia_id": "D1:2", "text": "What is his name?"},
                              {"speaker": "Ana", "dia_id": "D1:3", "text": "Biscuit!"}],
                "session_2_date_time": "10:00 am on 9 June, 2023",
                "session_2": [{"speaker": "Bo", "dia_id": "D2:1", "text": "I moved to Porto."}],
                "session_1_summary": "SECRET SUMMARY", "events_session_1": "SECRET EVENTS",
                "qa": [{"question": "What is Ana's dog called?", "answer": "Biscuit",
                        "evidence": ["D1:3"], "category": 4},
                       {"question": "When did Bo move?", "answer": "June 2023",
                        "evidence": ["D2:1"], "category": 2},
                       {"question": "What is Bo's cat called?", "evidence": [], "category": 5,
                        "adversarial_answer": "Miso"}]}
        data.update(changes)
        path = tmp_path / "conv.json"
        path.write_text(json.dumps(data))
        return path

    return make
