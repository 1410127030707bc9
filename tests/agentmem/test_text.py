"""One text normaliser for BM25, the guard, the manager's grounding and note keywords."""

from __future__ import annotations

from agentmem import Memory
from agentmem.testing import HashEmbedder
from agentmem.text import STOPWORDS, approx_tokens, content_words, keywords_of, stems, words


def test_words_keep_any_script_whole():
    assert words("Zürich, Straße and İstanbul!") == ["zürich", "straße", "and", "i̇stanbul"]
    assert words("user_id 2021") == ["user", "id", "2021"]


def test_content_words_stems_and_keywords():
    assert content_words("Ana moved to Lisbon in 2021") == ["ana", "moved", "lisbon", "2021"]
    assert stems("She lives and lived in Porto", min_len=3) == ["live", "port"]
    assert keywords_of("the cat and the cat sat") == ["cat", "sat"]
    assert keywords_of("a coffee-machine for men's t-shirts") == [
        "coffee-machine", "men's", "t-shirts"]
    assert {"the", "and", "you", "really"} <= STOPWORDS
    assert approx_tokens("abcdefgh") == 2


def test_keyword_search_finds_words_with_capital_dotted_i():
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="u") as m:
        rec = m.add("Ana flew to İstanbul.")
        assert [h.id for h in m.search("İstanbul", mode="keyword")] == [rec.id]
