"""Embedders: the hash fake, and the real MiniLM inside chroma (never chroma's default)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from agentmem import Memory
from agentmem.embeddings import make_embedder
from agentmem.testing import HashEmbedder


def test_hash_embedder_is_deterministic_and_lexical():
    e = HashEmbedder(dim=64)
    a, b, c = e.embed(["red apple pie", "red apple tart", "quantum physics"])
    assert np.allclose(e.embed(["red apple pie"])[0], a)
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert a @ b > a @ c
    assert e.embed([]).shape == (0, 64)


def test_factory():
    assert make_embedder("hash").dim == 64
    inst = HashEmbedder(dim=16)
    assert make_embedder(inst) is inst
    with pytest.raises(TypeError):
        make_embedder(3.5)


@pytest.mark.slow
def test_minilm_real_model(minilm):
    v = minilm.embed(["Where does Alice live?", "Alice moved to Lisbon.", "The stock fell 3%."])
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]


@pytest.mark.slow
def test_minilm_onnx_and_torch_runtimes_give_the_same_vectors(tmp_path):
    """The ONNX file is exported once (into $AGENTMEM_CACHE) and gives sentence-transformers'
    vectors, so a store written by either runtime is searched the same by the other. A new
    process embeds a query without importing torch."""
    pytest.importorskip("onnxruntime")
    texts = ["Where does Alice live?", "Alice moved to Lisbon last spring with her two cats.",
             "The stock fell 3%.", "x", "Straße café " * 100]  # a long one is truncated alike
    code = textwrap.dedent("""
        import sys, numpy as np
        from agentmem.embeddings.minilm import MiniLMEmbedder, minilm_runtime
        texts = %r
        np.save(sys.argv[1], MiniLMEmbedder(batch_size=2).embed(texts))
        print(minilm_runtime(), "torch" in sys.modules)
    """ % (texts,))
    runs = {}
    for runtime in ("torch", "onnx", "onnx"):  # the second onnx run reuses the export
        out = tmp_path / f"{runtime}-{len(runs)}.npy"
        env = {**__import__("os").environ, "AGENTMEM_MINILM_RUNTIME": runtime,
               "AGENTMEM_CACHE": str(tmp_path / "cache")}
        done = subprocess.run([sys.executable, "-c", code, str(out)], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        runs[(runtime, len(runs))] = (np.load(out), done.stdout.split())
    (torch_vecs, torch_out), (first, _), (second, second_out) = runs.values()
    assert torch_out == ["torch", "True"]
    assert second_out == ["onnx", "False"]  # the cached export: no torch in the process
    assert len(list((tmp_path / "cache").glob("models/minilm-*.onnx"))) == 1
    for vecs in (first, second):
        assert vecs.shape == (5, 384)
        assert np.abs(vecs - torch_vecs).max() < 1e-4


@pytest.mark.slow
def test_minilm_falls_back_to_torch_when_the_export_fails(tmp_path):
    """A cache folder it cannot write (or an exporter a newer torch dropped) costs start-up
    time, never the embedder: a warning names the cause and torch embeds."""
    pytest.importorskip("onnxruntime")
    code = textwrap.dedent("""
        import agentmem.embeddings.minilm as minilm
        def refuse(target):
            raise PermissionError(f"cannot write {target.parent}")
        minilm._export = refuse
        print(minilm.MiniLMEmbedder().embed(["hello"]).shape)
    """)
    env = {**__import__("os").environ, "AGENTMEM_CACHE": str(tmp_path / "cache")}
    env.pop("AGENTMEM_MINILM_RUNTIME", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(1, 384)"
    assert "unavailable (PermissionError: cannot write" in done.stderr and "using torch" in done.stderr


@pytest.mark.slow
def test_minilm_with_chroma_on_disk_never_uses_chroma_default(tmp_path, minilm, monkeypatch):
    from chromadb.utils import embedding_functions as efs

    def forbidden(*a, **k):
        raise AssertionError("chroma's default embedding function must never run")

    monkeypatch.setattr(efs.DefaultEmbeddingFunction, "__call__", forbidden)
    home = tmp_path / "home"
    facts = ["Caroline is researching adoption agencies.", "Melanie ran a charity race.",
             "Caroline moved from Sweden four years ago.", "Melanie's kids love dinosaurs."]
    with Memory(home=home, user_id="c") as m:  # all defaults: MiniLM + chroma on disk
        assert m.embedder.spec() == {"provider": "minilm", "dim": 384}
        m.add_many(facts)
        assert m.search("Which country is Caroline from?", k=1)[0].content == facts[2]
        assert m.search("what race did melanie run", k=1, mode="vector")[0].content == facts[1]
    # A fresh process reopens the collection: the registered function rebuilds from its config.
    code = textwrap.dedent(f"""
        import chromadb
        from agentmem import Memory
        with Memory(home={str(home)!r}, user_id="c") as m:
            print(m.search("dinosaurs", k=1)[0].content)
        col = chromadb.PersistentClient(path={str(home / 'chroma')!r}).get_collection("agentmem")
        print(col.configuration["embedding_function"].name())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == [facts[3], "agentmem"]


def test_openai_embedder_over_http_with_the_real_sdk(tmp_path):
    pytest.importorskip("openai")
    from agentmem.embeddings.openai import OpenAIEmbedder
    from agentmem.llm.server import LLMServer
    from agentmem.testing import ScriptedLLM

    server = LLMServer(ScriptedLLM(), embedder=HashEmbedder(dim=64)).start()
    try:
        emb = OpenAIEmbedder(model="served-hash", dim=64, base_url=server.base_url)
        v = emb.embed(["red apple pie", "red apple tart", "quantum physics"])
        assert np.allclose(v, HashEmbedder(dim=64).embed(["red apple pie", "red apple tart",
                                                          "quantum physics"]), atol=1e-6)
        with Memory(home=tmp_path / "h", embedder=emb, user_id="u") as m:
            m.add_many(["red apple pie recipe", "quantum physics lecture"])
            assert m.search("apple", k=1)[0].content == "red apple pie recipe"
            assert m.embedder.spec() == {"provider": "openai", "model": "served-hash", "dim": 64}
    finally:
        server.shutdown()
        server.server_close()
