"""The extractive manager: the model picks sentences, the code writes grounded facts."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from agentmem import Memory
from agentmem.dates import rewrite_dates
from agentmem.protocols import Turn
from agentmem.testing import HashEmbedder, ScriptedLLM
from policies import ExtractiveManager, PromptedManager, memory_manager
from policies.extractive import extractive_schema, sentences, standalone

WHEN = datetime(2023, 5, 8, 13, 56, tzinfo=timezone.utc)  # a Monday


def test_relative_dates_resolve_against_when_they_were_said():
    cases = {
        "I went to a support group yesterday.": "I went to a support group on 7 May 2023.",
        "We went camping last weekend.": "We went camping on the weekend of 6 May 2023.",
        "I started two weeks ago.": "I started in the week of 24 April 2023.",
        "I painted it last year.": "I painted it in 2022.",
        "We fly next month.": "We fly in June 2023.",
        "I ran a race on last Saturday.": "I ran a race on 6 May 2023.",
        "It may rain in march.": "It may rain in march.",  # no relative date: unchanged
    }
    for said, meant in cases.items():
        assert rewrite_dates(said, WHEN)[0] == meant, said
    assert rewrite_dates("I went yesterday.", None) == ("I went yesterday.", None)  # no date


def test_sentences_become_standalone_facts():
    turn = Turn(speaker="Caroline", text="Hey Mel! I'm a counselor and my dog is Max. "
                "How are you? Thanks so much. I went to a support group yesterday.", time=WHEN,
                turn_id="D1:3")
    got = [standalone(s, turn, "Melanie")[0] for s in sentences(turn.text)]
    assert got == ["Caroline is a counselor and Caroline's dog is Max.",
                   "Caroline went to a support group on 7 May 2023."]  # no greeting, no question
    reply = Turn(speaker="Melanie", text="You are so brave!", time=WHEN)
    assert standalone("You are so brave!", reply, "Caroline")[0] == (
        "Melanie says: Caroline is so brave!")


def test_the_model_only_chooses_and_the_facts_link_to_their_turns():
    llm = ScriptedLLM([{"keep": [1]}])
    manager = ExtractiveManager(llm)
    turns = [Turn(speaker="Ana", text="Hi there you. My sister visited. I adopted a beagle "
                  "called Biscuit last week.", time=WHEN, turn_id="D1:0")]
    decision = manager.decide(turns, [])
    [op] = decision.ops
    assert op.content == "Ana adopted a beagle called Biscuit in the week of 1 May 2023."
    assert op.provenance.ref == "D1:0" and op.event_time.date().isoformat() == "2023-05-01"
    prompt = llm.calls[0][-1]["content"]
    assert "Hi there" not in prompt  # a greeting is not offered
    assert "[0] Ana: My sister visited." in prompt and "[1] Ana: I adopted" in prompt
    assert extractive_schema(2, 3)["properties"]["keep"]["items"] == {"enum": [0, 1]}


def test_a_newer_home_updates_the_shown_one_and_duplicates_are_dropped():
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        old, pet = m.add("Ana lives in Paris."), m.add("Ana has a cat.")
        llm = ScriptedLLM([{"keep": [0, 0, 1]}])
        decision = ExtractiveManager(llm).decide(
            [Turn(speaker="Ana", text="I moved to Berlin in spring. I started painting.",
                  time=WHEN)], [pet, old])
        assert [(o.op.value, o.id, o.content) for o in decision.ops] == [
            ("UPDATE", old.id, "Ana moved to Berlin in spring."),  # same person, same attribute
            ("ADD", None, "Ana started painting.")]
        assert "already stored or chosen twice" in decision.rejected[0]


def test_a_turn_with_nothing_to_say_costs_no_call():
    llm = ScriptedLLM([])
    decision = ExtractiveManager(llm).decide([Turn(speaker="Ana", text="Ok!")], [])
    assert decision.ops[0].op.value == "NOOP" and llm.calls == []


def test_the_default_manager_is_chosen_by_model_size():
    class Small(ScriptedLLM):
        parameters = 135_000_000

    class Big(ScriptedLLM):
        parameters = 8_000_000_000

    small = memory_manager(Small([]))
    assert isinstance(small, ExtractiveManager) and small.llm is None  # statements, no model
    assert memory_manager(Small([]), mode="extractive").llm is not None
    assert isinstance(memory_manager(Big([])), PromptedManager)
    assert isinstance(memory_manager(ScriptedLLM([])), PromptedManager)  # hosted: size unknown
    assert isinstance(memory_manager(Big([]), mode="extractive"), ExtractiveManager)
    with pytest.raises(ValueError, match="mode"):
        memory_manager(Small([]), mode="clever")


def test_the_embedded_model_named_by_string_gets_statements_without_loading(monkeypatch):
    from agentmem.llm import local

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded to choose a manager that needs none")

    # Its size comes from the weights' headers (135M), not from loading them.
    assert 100_000_000 < local.model_parameters() < 200_000_000
    monkeypatch.setattr(local, "_load_weights", refuse)
    monkeypatch.setattr(local.LocalLLM, "__init__", refuse)
    manager = memory_manager("local")
    assert isinstance(manager, ExtractiveManager) and manager.llm is None


def test_a_sentence_number_that_was_not_offered_is_ignored():
    llm = ScriptedLLM([{"keep": [7, 0]}])
    decision = ExtractiveManager(llm).decide(
        [Turn(speaker="Ana", text="I moved to Berlin in spring.", time=WHEN)], [])
    assert [(o.op.value, o.content) for o in decision.ops] == [
        ("ADD", "Ana moved to Berlin in spring.")]
    assert decision.rejected == ["sentence 7 was not offered"]


def test_you_is_the_other_speaker_of_the_same_conversation_only():
    llm = ScriptedLLM(default={"keep": [0]})
    manager = ExtractiveManager(llm)
    manager.decide([Turn(speaker="Bo", text="I love my new bike.", turn_id="D1:0")], [])
    said = manager.decide([Turn(speaker="Ana", text="You ride it every day.",
                                turn_id="D1:1")], [])
    assert said.ops[0].content == "Ana says: Bo ride it every day."
    other = manager.decide([Turn(speaker="Cy", text="You should rest more.",
                                 turn_id="cy/default:x1")], [])
    assert other.ops[0].content == "Cy says: You should rest more."  # no one from elsewhere


def test_without_a_model_every_statement_is_kept_and_no_call_is_made():
    manager = memory_manager(mode="statements")
    assert isinstance(manager, ExtractiveManager) and manager.llm is None
    turns = [Turn(speaker="Ana", text="Hi! I moved to Berlin. I paint landscapes. My sister visited. "
                  "I run on Sundays. Where do you live?", time=WHEN, turn_id="D1:0")]
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        old = m.add("Ana lives in Paris.")
        decision = manager.decide(turns, [old])
    # The first three statements (the greeting and the question are never offered), the
    # home one as an update of the shown one, as the model-chosen path would write them.
    assert [(o.op.value, o.content) for o in decision.ops] == [
        ("UPDATE", "Ana moved to Berlin."), ("ADD", "Ana paint landscapes."),
        ("ADD", "Ana's sister visited.")]
    assert decision.usage.calls == 0
    assert manager.decide([Turn(speaker="Ana", text="Ok!")], []).ops[0].op.value == "NOOP"


def test_without_a_model_the_limit_is_per_turn_so_a_batch_loses_no_turn():
    turns = [Turn(speaker="Ana", text="I moved to Berlin. I paint landscapes. I run often. "
                  "I bake bread.", time=WHEN, turn_id="D1:0"),
             Turn(speaker="Bo", text="I work at a bakery.", time=WHEN, turn_id="D1:1")]
    decision = ExtractiveManager(None).decide(turns, [])
    assert [o.content for o in decision.ops] == [
        "Ana moved to Berlin.", "Ana paint landscapes.", "Ana run often.",
        "Bo work at a bakery."]
