"""One text normaliser for BM25, the guard, the manager's grounding and note keywords."""

from __future__ import annotations

from agentmem import Memory
from agentmem.testing import HashEmbedder
from agentmem.text import STOPWORDS, approx_tokens, content_words, keywords_of, stem, stems, words


def test_words_keep_any_script_whole():
    assert words("Zürich, Straße and İstanbul!") == ["zürich", "straße", "and", "i̇stanbul"]
    assert words("user_id 2021") == ["user", "id", "2021"]


def test_content_words_stems_and_keywords():
    assert content_words("Ana moved to Lisbon in 2021") == ["ana", "moved", "lisbon", "2021"]
    assert stems("She lives and lived in Porto", min_len=3) == ["live", "porto"]
    assert stem("chance") != stem("change") and stem("moved") == stem("moves")
    assert keywords_of("the cat and the cat sat") == ["cat", "sat"]
    assert keywords_of("a coffee-machine for men's t-shirts") == [
        "coffee-machine", "men's", "t-shirts"]
    assert {"the", "and", "you", "really"} <= STOPWORDS
    assert approx_tokens("abcdefgh") == 2


def test_keyword_search_finds_words_with_capital_dotted_i():
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="u") as m:
        rec = m.add("Ana flew to İstanbul.")
        assert [h.id for h in m.search("İstanbul", mode="keyword")] == [rec.id]


def test_grounded_share_and_invented_objects():
    from agentmem.text import grounded_share, invented_objects

    said = "Ana: I finally booked the trip to Kyoto for April!"
    assert grounded_share("Ana booked a trip to Kyoto in April.", said) == 1.0
    assert grounded_share("2023-01-01T00:00:00.000000Z", said) == 0.0  # no word of it was said
    assert grounded_share("", said) == 0.0
    assert 0 < grounded_share("Ana is flying to Kyoto", said) < 1
    steps = "take apple 1 from countertop 1; heat apple 1 with microwave 1"
    assert invented_objects("Heat Apple 1 in microwave 1 first.", steps) == []
    assert invented_objects("Use oven 2 to heat apple 1.", steps) == ["oven 2"]
    assert invented_objects("Finish within 3 steps, at most 2 tries.", steps) == []


def test_numbers_in_words_become_digits():
    from agentmem.text import with_digits

    assert with_digits("Siblings of Tariq: seven in total.") == "Siblings of Tariq: 7 in total."
    assert with_digits("She can afford seven thousand three hundred euros") == \
        "She can afford 7300 euros"
    assert with_digits("We set aside 6,500 euros for 2 kids") == "We set aside 6500 euros for 2 kids"
    assert with_digits("one of my friends") == "one of my friends"  # a lone "one" is a word


def test_telling_terms_are_held_by_fewer_than_half():
    from agentmem.store.base import telling_terms

    # Robertson-Sparck Jones weight log((N - n + 0.5) / (n + 0.5)) > 0  <=>  2n < N.
    assert telling_terms(["teodor", "home", "call"], 5, [4, 1, 0]) == ["home", "call"]
    assert telling_terms(["caroline", "melanie"], 10, [5, 4]) == ["melanie"]
    assert telling_terms(["cat"], 1, [1]) == []  # one record: nothing to tell apart
