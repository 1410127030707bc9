"""Linked notes: attributes, links with reasons, bounded evolution, one-hop retrieval, export."""

from __future__ import annotations

import json

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.notes import LinkedNotes, export_graph, keywords_of
from agentmem.testing import HashEmbedder, ScriptedLLM

nx = pytest.importorskip("networkx")

ATTRS = {"keywords": ["beagle", "Biscuit"], "tags": ["pets"], "context": "Ana's dog."}


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder(dim=256)) as m:
        yield m


def test_no_llm_links_by_similarity_and_fills_keywords(mem):
    notes = LinkedNotes(mem, user_id="ana", link_threshold=0.2)
    first = notes.add("Ana adopted a beagle called Biscuit in May").note
    res = notes.add("Biscuit the beagle loves the park; Ana walks Biscuit daily")
    assert res.note.metadata["keywords"][0] == "biscuit"
    assert res.links == [{"to": first.id, "reason": "similar content"}]
    assert res.evolved == [] and res.usage.calls == 0
    assert keywords_of("the cat and the cat sat") == ["cat", "sat"]


def test_llm_links_with_reasons_and_evolution_is_one_undoable_batch(mem):
    notes = LinkedNotes(mem, ScriptedLLM([ATTRS]), user_id="ana", link_threshold=-1)
    dog = notes.add("Ana adopted a beagle called Biscuit").note
    notes.llm = ScriptedLLM([
        {"keywords": ["park"], "tags": ["walks"], "context": "Walks with the dog."},
        {"links": [{"note": 0, "reason": "same dog"}],
         "evolve": [{"note": 0, "context": "Ana's beagle Biscuit, who loves the park."}]}])
    res = notes.add("Biscuit loves the park")
    assert res.links == [{"to": dog.id, "reason": "same dog"}]
    assert res.note.metadata["tags"] == ["walks"] and res.usage.calls == 2
    evolved = mem.get(dog.id)
    assert evolved.metadata["context"] == "Ana's beagle Biscuit, who loves the park."
    assert set(evolved.metadata["tags"]) == {"pets", "walks"} and evolved.version == 2
    last = mem.history(dog.id)[-1]
    assert last.op == "UPDATE" and "note evolution" in last.reason and last.batch == res.batch
    # The link prompt showed the neighbour by number, never by id.
    assert "[0] Ana adopted a beagle" in notes.llm.calls[1][-1]["content"]
    assert dog.id not in notes.llm.calls[1][-1]["content"]
    mem.undo(res.batch)
    assert mem.get(dog.id).metadata["context"] == "Ana's dog."
    assert len(notes.notes()) == 1


def test_links_and_evolution_are_bounded_and_only_to_shown_notes(mem):
    notes = LinkedNotes(mem, None, user_id="ana", link_threshold=-1, max_links=1, max_evolve=1)
    a = notes.add("Ana plays tennis").note
    b = notes.add("Ana plays tennis on Sundays").note
    notes.llm = ScriptedLLM([ATTRS, {
        "links": [{"note": 9, "reason": "made up"}, {"note": 0, "reason": "r0"},
                  {"note": 1, "reason": "r1"}],
        "evolve": [{"note": 0, "context": "c0"}, {"note": 1, "context": "c1"},
                   {"note": 9, "context": "c9"}]}])
    res = notes.add("Ana won a tennis match")
    assert len(res.links) == 1 and res.links[0]["to"] in {a.id, b.id}
    assert len(res.evolved) == 1 and res.evolved[0].id == res.links[0]["to"]


def test_a_garbage_link_reply_still_stores_the_note(mem):
    notes = LinkedNotes(mem, ScriptedLLM([ATTRS, ATTRS, "not json at all"]), user_id="ana",
                        link_threshold=-1)
    notes.add("Ana adopted a beagle")
    res = notes.add("Ana walks the beagle")
    assert res.links == [] and mem.get(res.note.id).content == "Ana walks the beagle"


def test_search_expands_one_hop_over_links_in_both_directions(mem):
    notes = LinkedNotes(mem, user_id="ana", link_threshold=-1, max_links=1)
    a = notes.add("Ana's passport number ends in 42").note
    b = notes.add("Ana flies to Tokyo in March").note
    notes.link(b.id, a.id, "travel documents")
    hits = notes.search("Tokyo flight", k=1)
    assert hits[0].id == b.id and hits[0].via is None
    assert [(h.id, h.via) for h in hits[1:]] == [(a.id, b.id)]
    back = notes.search("passport number", k=1)  # a holds no link; b links to a
    assert back[0].id == a.id and [(h.id, h.via) for h in back[1:]] == [(b.id, a.id)]
    assert [h.id for h in notes.search("Tokyo flight", k=1, expand=False)] == [b.id]


def test_links_never_cross_scopes(mem):
    ana = LinkedNotes(mem, user_id="ana", link_threshold=-1)
    bo = LinkedNotes(mem, user_id="bo", link_threshold=-1)
    a = ana.add("Ana likes green tea").note
    b = bo.add("Bo likes green tea").note
    assert bo.add("Bo drinks green tea daily").links == [{"to": b.id, "reason": "similar content"}]
    with pytest.raises(InvalidArgumentError, match="not a note of this scope"):
        ana.link(a.id, b.id, "sneaky")
    assert all(h.record.scope.user_id == "ana" for h in ana.search("green tea", k=5))


def test_graph_and_exports(mem, tmp_path):
    notes = LinkedNotes(mem, user_id="ana", link_threshold=-1, max_links=2)
    a = notes.add("Ana adopted a beagle called Biscuit").note
    b = notes.add("Biscuit loves the park").note
    mem.delete(a.id)  # a link to a deleted note is dropped from the graph
    c = notes.add("Ana <3 \"parks\" & dogs").note
    g = notes.graph()
    assert set(g.nodes) == {b.id, c.id} and list(g.edges) == [(c.id, b.id)]
    assert g.edges[c.id, b.id]["reason"] == "similar content"
    data = json.loads(export_graph(g, tmp_path / "g.json").read_text())
    assert {n["id"] for n in data["nodes"]} == {b.id, c.id}
    assert set(nx.read_graphml(export_graph(g, tmp_path / "g.graphml")).nodes) == {b.id, c.id}
    page = export_graph(g, tmp_path / "g.html").read_text()
    assert "<svg" in page and "<script" not in page and "&lt;3 &quot;parks&quot;" in page
    pytest.importorskip("matplotlib")
    png = export_graph(g, tmp_path / "out.img", "png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InvalidArgumentError, match="unknown graph format 'svg'"):
        export_graph(g, tmp_path / "g.svg")


def test_bad_arguments_fail_before_anything_is_stored(mem):
    with pytest.raises(InvalidArgumentError, match="max_links"):
        LinkedNotes(mem, user_id="ana", max_links=-1)
    notes = LinkedNotes(mem, user_id="ana")
    with pytest.raises(Exception, match="empty"):
        notes.add("   ")
    llm = ScriptedLLM([ATTRS])
    with pytest.raises(InvalidArgumentError, match="unknown provenance source 'slack'"):
        LinkedNotes(mem, llm, user_id="ana").add("Ana adopted a beagle",
                                                 provenance={"source": "slack"})
    assert llm.calls == [] and notes.notes() == []  # refused before the model was asked
    from agentmem.records import SourceType

    tool = notes.add("Ana adopted a beagle", provenance={"source": "tool"}).note
    assert tool.provenance.source == SourceType.TOOL


@pytest.mark.slow
def test_real_model_minilm_and_chroma_on_disk(tmp_path, local_llm, minilm):
    """SmolLM2 fills attributes and picks links under constrained decoding."""
    with Memory(home=tmp_path / "home", embedder=minilm) as m:
        notes = LinkedNotes(m, local_llm, user_id="ana")
        first = notes.add("Ana adopted a beagle puppy called Biscuit.")
        second = notes.add("Ana takes her beagle Biscuit to the dog park every morning.")
        notes.add("Ana works as a night nurse at the hospital in Lisbon.")
        for res in (first, second):
            meta = res.note.metadata
            assert meta["keywords"] and all(isinstance(w, str) and w for w in meta["keywords"])
            assert isinstance(meta["context"], str) and meta["context"]
        assert second.usage.calls == 2  # attributes + links, one call each
        ids = {n.id for n in notes.notes()}
        g = notes.graph()
        assert set(g.nodes) == ids and all(b in ids for _, b in g.edges)
        for res in (first, second):
            assert all(link["to"] in ids and link["reason"] for link in res.links)
        hits = notes.search("Biscuit the dog", k=1)
        assert "Biscuit" in hits[0].content
