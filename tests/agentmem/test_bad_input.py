"""Bad input gets a clear error of the project's own hierarchy and loses nothing."""

from __future__ import annotations

import io
import json

import pytest

from agentmem import (
    AgentMemError,
    ConfigError,
    InvalidArgumentError,
    InvalidContentError,
    InvalidOperationError,
    InvalidScopeError,
    Memory,
    MemoryNotFound,
    StoreError,
)
from agentmem.testing import HashEmbedder


@pytest.fixture
def filled(tmp_path):
    m = Memory(home=tmp_path / "home", embedder=HashEmbedder(), user_id="u")
    m.add("Tim collects fantasy novels.")
    yield m
    m.close()


def _unchanged(m, before):
    assert m.stats()["records"] == before["records"]
    assert m.stats()["history_entries"] == before["history_entries"]


@pytest.mark.parametrize("content", ["", "   \n\t ", None, 42, "a\x00b"])
def test_bad_content(filled, content):
    before = filled.stats()
    with pytest.raises(InvalidContentError):
        filled.add(content)
    _unchanged(filled, before)


def test_content_over_limit_names_the_limit(filled):
    before = filled.stats()
    with pytest.raises(InvalidContentError, match="over the limit of 16,000"):
        filled.add("x" * 16_001)
    _unchanged(filled, before)
    small = Memory(home=":memory:", embedder=HashEmbedder(), user_id="u", max_content_chars=100)
    with pytest.raises(InvalidContentError, match="100"):
        small.add("y" * 101)


def test_non_utf8_bytes(filled):
    before = filled.stats()
    with pytest.raises(InvalidContentError, match="not valid UTF-8.*0xff"):
        filled.add(b"caf\xff")
    with pytest.raises(InvalidContentError, match="surrogate"):
        filled.add(b"caf\xff".decode("utf-8", errors="surrogateescape"))
    _unchanged(filled, before)
    assert filled.add("café".encode()).content == "café"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 129, "-leading", 5, "semi;colon"])
def test_invalid_scope_values(filled, bad):
    before = filled.stats()
    with pytest.raises(InvalidScopeError, match="not a valid scope id"):
        filled.add("fine content", user_id=bad)
    with pytest.raises(InvalidScopeError):
        filled.search("content", user_id=bad)
    _unchanged(filled, before)


def test_missing_scope_is_explained(tmp_path):
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        with pytest.raises(InvalidScopeError, match="no scope given"):
            m.add("who owns this?")
        with pytest.raises(InvalidScopeError):
            m.search("anything")
        with pytest.raises(InvalidScopeError, match="all_scopes=True"):
            m.reset()


def test_unknown_ids(filled):
    before = filled.stats()
    for call in (lambda: filled.update("nope", "x"), lambda: filled.delete("nope"),
                 lambda: filled.restore("nope"), lambda: filled.get("nope"),
                 lambda: filled.history("nope")):
        with pytest.raises(MemoryNotFound, match="nope"):
            call()
    rec = filled.list()[0]
    with pytest.raises(MemoryNotFound, match="no version 7"):
        filled.restore(rec.id, version=7)
    _unchanged(filled, before)


def test_bad_op_in_the_middle_applies_nothing(filled):
    before = filled.stats()
    ops = [{"op": "ADD", "content": "ok one"}, {"op": "ADD", "content": "ok two"},
           {"op": "FROB", "content": "?"}, {"op": "ADD", "content": "ok three"}]
    with pytest.raises(InvalidOperationError, match="operation 2") as info:
        filled.apply(ops)
    assert info.value.index == 2
    for bad in ({"op": "ADD"}, {"op": "UPDATE", "id": filled.list()[0].id},
                {"op": "ADD", "content": "x", "id": "chosen"}, {"op": "DELETE"},
                {"op": "ADD", "content": "x", "trust": 3}, "not an op"):
        with pytest.raises(InvalidOperationError) as info:
            filled.apply([{"op": "ADD", "content": "fine"}, bad])
        assert info.value.index == 1
    _unchanged(filled, before)


def test_scope_guard_on_updates(filled):
    other = filled.add("bob's secret", user_id="bob")
    with pytest.raises(InvalidOperationError, match="outside this call's scope"):
        filled.apply([{"op": "DELETE", "id": other.id}], user_id="u")
    assert filled.get(other.id)


def test_foreign_directory_is_refused_and_untouched(tmp_path):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8 not a memory")
    with pytest.raises(StoreError, match="not an agentmem home.*holiday.jpg"):
        Memory(home=foreign, embedder=HashEmbedder())
    assert sorted(p.name for p in foreign.iterdir()) == ["holiday.jpg"]
    afile = tmp_path / "file.txt"
    afile.write_text("hello")
    with pytest.raises(StoreError, match="is a file"):
        Memory(home=afile, embedder=HashEmbedder())
    assert afile.read_text() == "hello"


def test_corrupted_database_and_marker(tmp_path, filled):
    home = filled.home
    filled.close()
    db = home / "agentmem.db"
    original = db.read_bytes()
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable agentmem database"):
        Memory(home=home, embedder=HashEmbedder())
    assert db.read_bytes() == b"this is not sqlite" * 100  # nothing overwritten
    db.write_bytes(original)
    marker = home / "agentmem.json"
    good = marker.read_text()
    marker.write_text("{ broken")
    with pytest.raises(StoreError, match="corrupt"):
        Memory(home=home, embedder=HashEmbedder())
    marker.write_text(good)
    with Memory(home=home, embedder=HashEmbedder()) as m:
        assert m.stats()["records"] == 1


def test_embedder_mismatch(filled):
    home = filled.home
    filled.close()
    with pytest.raises(ConfigError, match="built with embedder"):
        Memory(home=home, embedder=HashEmbedder(dim=32))


def test_import_bad_line_names_it_and_imports_nothing(filled):
    buf = io.StringIO()
    filled.export_jsonl(buf)
    good = buf.getvalue().splitlines()[0]
    with Memory(home=":memory:", embedder=HashEmbedder()) as fresh:
        lines = [good.replace(json.loads(good)["data"]["id"], "aaaaaaaaaaaa"), "{not json", good]
        with pytest.raises(InvalidArgumentError, match="line 2"):
            fresh.import_jsonl(io.StringIO("\n".join(lines)))
        assert fresh.stats()["records"] == 0
        fresh.import_jsonl(io.StringIO(good))
        with pytest.raises(InvalidArgumentError, match="already exists"):
            fresh.import_jsonl(io.StringIO(good))
        assert fresh.import_jsonl(io.StringIO(good), on_conflict="skip") == 0
        with pytest.raises(InvalidArgumentError, match="does not exist"):
            fresh.import_jsonl("/no/such/file.jsonl")


def test_bad_search_arguments(filled):
    for kwargs, match in (({"k": 0}, "k must be"), ({"kinds": ["gossip"]}, "unknown kind"),
                          ({"since": "yesterday"}, "ISO"),
                          ({"since": "2024-01-01", "until": "2023-01-01"}, "swap"),
                          ({"query_embedding": [0.1, 0.2]}, "shape")):
        with pytest.raises(InvalidArgumentError, match=match):
            filled.search("novels", **kwargs)
    with pytest.raises(InvalidArgumentError, match="empty"):
        filled.search("  ")


def test_closed_memory_says_so(tmp_path):
    m = Memory(home=tmp_path / "h", embedder=HashEmbedder(), user_id="u")
    m.close()
    m.close()
    with pytest.raises(StoreError, match="closed"):
        m.add("late")


def test_invalid_config_is_a_config_error():
    with pytest.raises(ConfigError, match="max_content_chars"):
        Memory(home=":memory:", embedder=HashEmbedder(), max_content_chars=-1)
    with pytest.raises(ConfigError):
        Memory(home=":memory:", embedder=HashEmbedder(), vector_store={"host": "x"})
    assert issubclass(ConfigError, AgentMemError) and issubclass(ConfigError, ValueError)


def test_a_database_path_that_cannot_be_opened_is_a_clear_error(tmp_path):
    from agentmem.store.sqlite import RecordStore

    (tmp_path / "agentmem.db").mkdir()
    with pytest.raises(StoreError, match="not a usable agentmem database"):
        RecordStore(tmp_path / "agentmem.db")
