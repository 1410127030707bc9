"""The episodic layer: turns stored verbatim on every write path, facts linked to them,
read back across layers within a token budget."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.conversations import Session
from agentmem.ingest import ingest_sessions
from agentmem.protocols import ManagerDecision, Turn
from agentmem.recall import context_tokens, recall
from agentmem.testing import HashEmbedder
from policies import PromptedManager

WHEN = datetime(2023, 5, 8, 13, 56, tzinfo=timezone.utc)


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder()) as m:
        yield m


def _sessions(*texts: str, ids=None) -> list[Session]:
    ids = ids or [f"D1:{i}" for i in range(len(texts))]
    return [Session(1, WHEN, [Turn(speaker="Ana", text=t, time=WHEN, turn_id=i)
                              for t, i in zip(texts, ids, strict=True)])]


class _FirstSentenceManager:
    """A manager that keeps each turn's text as a fact (no model)."""

    def decide(self, turns, related):
        from agentmem.operations import Operation

        return ManagerDecision(ops=[Operation.add(f"Ana said: {t.text}") for t in turns])


class _FailingManager:
    def decide(self, turns, related):
        from agentmem.errors import LLMError

        raise LLMError("the model server is down")


def test_ingest_stores_every_turn_verbatim_and_links_facts_to_them(mem):
    report = ingest_sessions(mem, _sessions("I adopted a beagle called Biscuit.",
                                            "I work as a nurse."),
                             manager=_FirstSentenceManager(), user_id="ana")
    turns = mem.list(kinds=["turn"], user_id="ana")
    facts = mem.list(kinds=["fact"], user_id="ana")
    assert [t.content for t in turns] == ["Ana: I adopted a beagle called Biscuit.",
                                          "Ana: I work as a nurse."]
    assert [t.provenance.ref for t in turns] == ["D1:0", "D1:1"]
    assert turns[0].event_time == WHEN and turns[0].metadata == {
        "speaker": "Ana", "turn_id": "D1:0", "session": "1",
        "index_terms": ["said"]}  # the fact's words the turn lacks (index expansion)
    assert [f.metadata["links"][0]["to"] for f in facts] == [t.id for t in turns]
    assert report.stored_turns == 2 and report.turns == 2
    # the fact stands in for its turn: it names it, and is shown on its own
    hits = recall(mem, "beagle Biscuit", k=1, max_tokens=12, neighbours=0, profile=False,
                  user_id="ana")
    assert len(hits) == 1 and hits[0].record.provenance.ref == "D1:0"


def test_ingesting_again_adds_no_second_copy(mem):
    ingest_sessions(mem, _sessions("I like tea."), manager=None, user_id="ana")
    again = ingest_sessions(mem, _sessions("I like tea."), manager=None, user_id="ana")
    assert again.stored_turns == 0 and len(mem.list(kinds=["turn"], user_id="ana")) == 1


def test_two_conversations_of_one_user_keep_their_sessions_apart(mem):
    ingest_sessions(mem, _sessions("I like tea.", "I like green tea most."), manager=None,
                    conversation="a", user_id="ana")
    ingest_sessions(mem, _sessions("I sail on Sundays.", "Sailing calms me."), manager=None,
                    conversation="b", user_id="ana")
    assert {r.metadata["session"] for r in mem.list(kinds=["turn"], user_id="ana")} == {
        "a:1", "b:1"}
    shown = recall(mem, "green tea", k=1, neighbours=2, user_id="ana", profile=False)
    top = next(h for h in shown if h.via is None)
    around = [h.record.metadata["session"] for h in shown if h.via == top.id]
    assert top.content == "Ana: I like green tea most." and around == ["a:1"]


def test_a_failing_manager_loses_no_turn(mem):
    report = ingest_sessions(mem, _sessions("I like tea.", "I moved to Porto."),
                             manager=_FailingManager(), user_id="ana")
    assert len(report.failures) == 2
    assert len(mem.list(kinds=["turn"], user_id="ana")) == 2  # told, and kept


def test_bad_conversations_are_refused_or_reported(mem):
    with pytest.raises(InvalidArgumentError, match="appears twice"):
        ingest_sessions(mem, _sessions("a", "b", ids=["D1:1", "D1:1"]), manager=None,
                        user_id="ana")
    assert mem.list(user_id="ana") == []  # nothing stored
    report = ingest_sessions(mem, _sessions("  ", "real text"), manager=_FirstSentenceManager(),
                             user_id="ana")
    assert report.empty_turns == ["D1:0"] and report.stored_turns == 1
    assert [f.content for f in mem.list(kinds=["fact"], user_id="ana")] == [
        "Ana said: real text"]  # the manager never saw the empty turn


def test_add_messages_stores_chat_messages_as_turns(mem):
    recs = mem.add_messages([{"role": "system", "content": "be brief"},
                             {"role": "user", "content": "I adopted a beagle."},
                             {"role": "assistant", "content": "Lovely!"},
                             {"role": "user", "content": [{"type": "image_url"}]},
                             {"role": "user", "name": "Bo", "content": "Me too."}],
                            user_id="ana", session="chat-1")
    assert [r.content for r in recs] == ["ana: I adopted a beagle.", "assistant: Lovely!",
                                         "Bo: Me too."]
    assert all(r.kind.value == "turn" and r.metadata["session"] == "chat-1" for r in recs)
    with pytest.raises(InvalidArgumentError, match="message 1"):
        mem.add_messages([{"role": "user", "content": "fine"}, {"role": "user", "content": 3}],
                         user_id="ana")
    with pytest.raises(InvalidArgumentError, match="must be a list"):
        mem.add_messages("just a string", user_id="ana")
    assert len(mem.list(user_id="ana")) == 3  # the refused batches stored nothing


def test_recall_keeps_to_its_token_budget(mem):
    mem.add_many([f"Ana fact number {i} about gardening and roses" for i in range(20)],
                 user_id="ana")
    hits = recall(mem, "gardening roses", k=20, max_tokens=40, user_id="ana")
    assert 1 <= len(hits) < 20 and context_tokens(hits) <= 40
    one = recall(mem, "gardening roses", k=3, max_tokens=1, user_id="ana")
    assert len(one) == 1  # the best hit is always shown
    with pytest.raises(InvalidArgumentError):
        recall(mem, "x", max_tokens=0, user_id="ana")


def test_recall_shows_the_newest_profile_lines_within_their_share(mem):
    from agentmem.profile import update_profile

    facts = mem.add_many([f"Ana likes hobby number {i} very much." for i in range(8)],
                         user_id="ana")
    update_profile(mem.scoped(user_id="ana"), facts)
    hits = recall(mem, "hobby", profile_tokens=20, max_tokens=200, user_id="ana")
    assert hits[0].record.kind.value == "profile"
    assert hits[0].content.splitlines() == ["- Ana likes hobby number 7 very much."]
    assert context_tokens(hits) <= 200


def test_recall_takes_its_top_hits_from_a_reranker(mem):
    mem.add_many(["owls hunt at night", "owls have feathers", "cats chase owls"],
                 user_id="ana")

    def last_first(hits, k):
        return list(reversed(hits))[:k]

    plain = recall(mem, "owls", k=1, profile=False, user_id="ana")
    hits = recall(mem, "owls", k=1, profile=False, rerank=last_first, user_id="ana")
    assert hits[0].id == plain[-1].id and {h.id for h in hits} == {h.id for h in plain}


def test_the_prompted_manager_reads_facts_not_turns(mem):
    """Related memories shown to the manager come from the semantic layer only."""
    from agentmem.testing import ScriptedLLM

    seen = []

    def reply(messages):
        seen.append(messages[-1]["content"])
        return {"operations": [{"op": "NOOP", "fact": "", "id": -1}]}

    ingest_sessions(mem, _sessions("I adopted a beagle.", "The beagle is called Biscuit."),
                    manager=PromptedManager(ScriptedLLM(default=reply)), user_id="ana")
    assert "Ana: I adopted a beagle." not in seen[1]  # the first turn is not a "memory"


def test_a_turn_hit_brings_its_neighbours_in_order(mem):
    ingest_sessions(mem, _sessions("What did you adopt?", "A beagle called Biscuit.",
                                   "Lovely. I like tea.", "I work as a nurse."),
                    manager=None, user_id="ana")
    hits = recall(mem, "beagle Biscuit", k=1, neighbours=1, user_id="ana")
    assert [h.content for h in hits[:3]] == ["Ana: What did you adopt?",
                                             "Ana: A beagle called Biscuit.",
                                             "Ana: Lovely. I like tea."]
    assert [h.via is None for h in hits[:3]] == [False, True, False]
    assert [h.content for h in hits[3:]] == ["Ana: I work as a nurse."]  # fills the budget


def test_the_core_profile_keeps_the_newest_stable_facts_and_comes_first(mem):
    from agentmem.profile import attribute_of, profile_of

    assert attribute_of("Ana lives in Lisbon.") == ("ana", "home")
    assert attribute_of("Ana had a nice day.") is None
    ingest_sessions(mem, _sessions("I live in Lisbon.", "I work as a nurse.",
                                   "I had a nice day.", "I moved to Porto last month.",
                                   ids=["D1:0", "D1:1", "D1:2", "D1:3"]),
                    manager=_FirstSentenceManager(), user_id="ana")
    view = mem.scoped(user_id="ana")
    core = profile_of(view)
    assert core.content.splitlines() == ["- Ana said: I work as a nurse.",
                                         "- Ana said: I moved to Porto last month."]
    assert [e.op for e in mem.history(core.id)] == ["ADD", "UPDATE", "UPDATE"]  # versioned
    hits = recall(mem, "what does ana drink", k=2, user_id="ana")
    assert hits[0].id == core.id  # shown first, whatever the question


def test_a_profile_over_its_budget_drops_its_oldest_lines(mem):
    from agentmem.profile import update_profile

    view = mem.scoped(user_id="ana")
    facts = mem.add_many([f"Ana likes hobby number {i} very much indeed." for i in range(12)],
                         user_id="ana")
    core = update_profile(view, facts, budget=40)
    lines = core.content.splitlines()
    assert 1 <= len(lines) < 12 and lines[-1] == "- Ana likes hobby number 11 very much indeed."
    assert update_profile(view, facts, budget=40).version == core.version  # nothing new


def test_the_profile_follows_updated_deleted_and_forgotten_facts(mem):
    from datetime import timedelta

    from agentmem.operations import Operation
    from agentmem.profile import profile_of, update_profile
    from agentmem.retention import Retention

    view = mem.scoped(user_id="ana")
    home, job, pet = mem.add_many(["Ana lives in Lisbon.", "Ana works as a nurse.",
                                   "Ana has a beagle called Biscuit."], user_id="ana")
    update_profile(view, [home, job, pet])
    moved = view.apply([Operation.update(home.id, "Ana lives in Porto.")])[0].record
    update_profile(view, [moved])  # the same fact, new words: its line follows
    view.apply([Operation.delete(job.id)])
    update_profile(view, [], removed=[job.id])
    assert profile_of(view).content.splitlines() == ["- Ana lives in Porto.",
                                                     "- Ana has a beagle called Biscuit."]
    later = datetime.now(timezone.utc) + timedelta(days=3650)
    forgotten = Retention(view).forget(0.5, now=later)  # everything has faded by then
    assert {r.id for r in forgotten} >= {home.id, pet.id}
    assert profile_of(view) is None  # every line's fact archived: no profile left
    assert mem.get(home.id).metadata["archived"]  # the fact is archived, not gone


def test_a_query_that_names_a_period_puts_what_happened_then_first(mem):
    from datetime import timedelta

    from agentmem.dates import time_range

    now = WHEN
    assert time_range("What did Ana do last week?", now) == (
        datetime(2023, 5, 1, tzinfo=timezone.utc), datetime(2023, 5, 8, tzinfo=timezone.utc))
    assert time_range("Where was Ana in May 2023?", now)[0].month == 5
    assert time_range("What happened on 7 May 2023?", now)[1] == datetime(
        2023, 5, 8, tzinfo=timezone.utc)
    assert time_range("What did Ana do in 2022?", now)[0].year == 2022
    assert time_range("What does Ana like?", now) is None
    mem.add("Ana went hiking in the hills.", user_id="ana", event_time=now - timedelta(days=40))
    recent = mem.add("Ana went hiking by the sea.", user_id="ana",
                     event_time=now - timedelta(days=4))
    hits = recall(mem, "Where did Ana go hiking last week?", k=2, profile=False, neighbours=0,
                  now=now, user_id="ana")
    assert hits[0].id == recent.id


class _ResolvingManager:
    """A manager that rewrites "I ... last Sunday" the way the extractive one does."""

    def decide(self, turns, related):
        from agentmem.operations import Operation

        return ManagerDecision(ops=[Operation.add(
            "Ana adopted a beagle puppy", event_time=datetime(2023, 5, 7, tzinfo=timezone.utc))])


def test_a_turn_is_found_by_the_words_of_the_fact_drawn_from_it(mem):
    ingest_sessions(mem, _sessions("I got him last Sunday, he is tiny!"),
                    manager=_ResolvingManager(), user_id="ana")
    turn = mem.list(kinds=["turn"], user_id="ana")[0]
    assert turn.content == "Ana: I got him last Sunday, he is tiny!"  # said, unchanged
    assert turn.metadata["index_terms"] == ["adopted", "beagle", "puppy", "7", "may", "2023"]
    found = mem.search("beagle puppy", k=5, mode="keyword", kinds=["turn"], user_id="ana")
    assert [h.id for h in found] == [turn.id]
    entry = mem.history(turn.id)[-1]
    assert (entry.op, entry.actor, entry.after.version) == ("UPDATE", "expansion", 2)
    # the same fact again adds nothing: no new version
    from agentmem.expansion import expand_turns

    assert expand_turns(mem.scoped(user_id="ana"), mem.list(kinds=["fact"], user_id="ana")) == []


def test_core_memory_tools_pin_lines_that_facts_do_not_replace(mem):
    from agentmem import InvalidContentError
    from agentmem.profile import profile_of, update_profile
    from agentmem.tools import core_memory_tools

    view = mem.scoped(user_id="ana")
    show, append, replace = core_memory_tools(mem, user_id="ana")
    assert show() == ""
    home = mem.add("Ana lives in Lisbon.", user_id="ana")
    update_profile(view, [home])
    assert append("Ana prefers short answers.") == ("- Ana lives in Lisbon.\n"
                                                    "- Ana prefers short answers.")
    # a newer home replaces the derived line; the pinned one stays, even over budget
    moved = mem.add("Ana moved to Porto.", user_id="ana")
    update_profile(view, [moved])
    assert show().splitlines() == ["- Ana prefers short answers.", "- Ana moved to Porto."]
    filler = mem.add_many([f"Ana likes hobby number {i} very much." for i in range(9)],
                          user_id="ana")
    update_profile(view, filler, budget=30)
    assert "- Ana prefers short answers." in show().splitlines()
    # replace and remove by the line's text; a wrong text names the lines there are
    assert "- Ana prefers detailed answers." in replace("Ana prefers short answers.",
                                                        "Ana prefers detailed answers.")
    with pytest.raises(InvalidContentError, match="no line reading 'Ana is tall.'; its lines"):
        replace("Ana is tall.", "x")
    replace("- Ana prefers detailed answers.", "")
    assert "answers" not in show()
    with pytest.raises(InvalidContentError, match="needs some text"):
        append("   ")
    core = profile_of(view)
    assert {h.actor for h in mem.history(core.id)} == {"profile", "tool"}  # all undoable


def test_with_dedupe_a_fact_stands_in_for_its_turn_until_the_turn_is_shown(mem):
    ingest_sessions(mem, _sessions("I adopted a beagle called Biscuit last spring.",
                                   "Biscuit the beagle loves the beach.",
                                   ids=["D1:0", "D1:1"]),
                    manager=_FirstSentenceManager(), user_id="ana")
    shown = recall(mem, "beagle Biscuit", k=4, neighbours=0, profile=False, dedupe=False,
                   user_id="ana")
    assert len(shown) == 4  # each turn and its fact
    kept = recall(mem, "beagle Biscuit", k=4, neighbours=0, profile=False, dedupe=True,
                  user_id="ana")
    assert sorted(h.record.kind.value for h in kept) == ["turn", "turn"]
    assert context_tokens(kept) < context_tokens(shown)
    # the budget a given-back fact leaves goes to the next hit: the fact of the best
    # turn comes first, is given back when its turn follows, and the last turn fits
    first, *_ = kept
    fact = next(h for h in shown if h.record.kind.value == "fact"
                and first.content.split(": ", 1)[1] in h.content)
    ingest_sessions(mem, _sessions("Ana walks by the sea.", ids=["D2:0"]), manager=None,
                    user_id="ana")
    sea = "Ana: Ana walks by the sea."

    def best_first(hits, k):
        ranked = sorted(hits, key=lambda h: (h.id != fact.id, h.id != first.id,
                                             h.content != sea))
        return ranked[:k]

    sea_hit = next(h for h in mem.search(sea, k=1, user_id="ana"))
    budget = context_tokens([fact, first, sea_hit]) - 1  # all but the last token
    plain = recall(mem, "beagle Biscuit sea", k=2, neighbours=0, profile=False,
                   dedupe=False, rerank=best_first, max_tokens=budget, user_id="ana")
    more = recall(mem, "beagle Biscuit sea", k=2, neighbours=0, profile=False,
                  dedupe=True, rerank=best_first, max_tokens=budget, user_id="ana")
    assert sea not in [h.content for h in plain] and fact.id in {h.id for h in plain}
    assert sea in [h.content for h in more] and fact.id not in {h.id for h in more}


def test_a_fact_that_dates_its_turn_stays_beside_it(mem):
    from datetime import timedelta

    from agentmem.operations import Operation

    class Dating:
        def decide(self, turns, related):
            return ManagerDecision(ops=[Operation.add(
                "Ana went hiking on 7 May 2023.", event_time=WHEN - timedelta(days=1))])

    ingest_sessions(mem, _sessions("I went hiking yesterday with Biscuit."), manager=Dating(),
                    user_id="ana")
    shown = recall(mem, "When did Ana go hiking?", k=2, neighbours=0, profile=False,
                   dedupe=True, user_id="ana")
    assert sorted(h.record.kind.value for h in shown) == ["fact", "turn"]
    # a turn with no date of its own leaves the fact's date to the fact
    undated = Session(2, None, [Turn(speaker="Bo", text="I went sailing the day before.",
                                     turn_id="D2:0")])

    class Dated:
        def decide(self, turns, related):
            return ManagerDecision(ops=[Operation.add("Bo went sailing on 6 May 2023.",
                                                      event_time=WHEN)])

    ingest_sessions(mem, [undated], manager=Dated(), user_id="bo")
    shown = recall(mem, "When did Bo go sailing?", k=2, neighbours=0, profile=False,
                   dedupe=True, user_id="bo")
    assert sorted(h.record.kind.value for h in shown) == ["fact", "turn"]


def test_neighbours_can_be_asked_for_on_each_side(mem):
    ingest_sessions(mem, _sessions("What did you adopt?", "A beagle called Biscuit.",
                                   "Lovely. I like tea.", "I work as a nurse."),
                    manager=None, user_id="ana")
    hits = recall(mem, "beagle Biscuit", k=1, neighbours=(0, 1), profile=False,
                  user_id="ana")
    top = hits[0]
    assert top.content == "Ana: A beagle called Biscuit." and top.via is None
    assert [h.content for h in hits if h.via == top.id] == ["Ana: Lovely. I like tea."]
    with pytest.raises(InvalidArgumentError, match="neighbours"):
        recall(mem, "beagle", neighbours=(0, -1), user_id="ana")
    with pytest.raises(InvalidArgumentError, match=r"\(before, after\)"):
        recall(mem, "beagle", neighbours=(1, 2, 3), user_id="ana")
    assert recall(mem, "beagle Biscuit", k=1, neighbours=[0, 1], profile=False,
                  user_id="ana") == hits  # a list as from JSON


def _two_speakers(mem) -> None:
    said = [("Jon", "Gina and I both watch the same films."),
            ("Gina", "Jon and I both cook on Sundays."),
            ("Jon", "Gina and I both run a business."), ("Gina", "Jon and I both love dance."),
            ("Jon", "Dancing helps me destress."), ("Gina", "Yoga helps me destress."),
            ("Jon", "I have a new studio."), ("Gina", "My store opened.")]
    turns = [Turn(speaker=who, text=text, time=WHEN, turn_id=f"D1:{i}")
             for i, (who, text) in enumerate(said)]
    ingest_sessions(mem, [Session(1, WHEN, turns)], manager=None, user_id="u")


def test_a_question_about_two_people_finds_each_ones_own_answer(mem):
    """Each person's answer is in a turn of their own, found by the search for that
    person alone, and by the joint search too: "Jon", "Gina" and "both" are in most of
    the turns, so they rank no turn above another (only "destress" is looked for)."""
    _two_speakers(mem)
    question = "How do Jon and Gina both like to destress?"
    answers = {"Jon: Dancing helps me destress.", "Gina: Yoga helps me destress."}
    for per_person in (True, False):  # the default: off
        shown = [h.content for h in recall(mem, question, k=2, neighbours=0, profile=False,
                                           max_tokens=40, per_person=per_person,
                                           user_id="u")]
        assert answers <= set(shown), per_person


def test_per_person_searches_each_named_speaker_alone_and_only_then(mem):
    _two_speakers(mem)
    searched = []

    class Spy:
        def __getattr__(self, name):
            return getattr(mem, name)

        def search(self, query, **options):
            searched.append(query)
            return mem.search(query, **options)

    recall(Spy(), "How does Jon destress?", per_person=True, user_id="u")
    assert searched == ["How does Jon destress?"]
    recall(Spy(), "Did Gina and Jon both cook?", per_person=True, user_id="u")
    assert searched[1:] == ["Did Gina and Jon both cook?", "Did Gina cook?", "Did Jon cook?"]
    recall(Spy(), "What do Jon & Gina have in common?", per_person=True, user_id="u")
    assert searched[4:] == ["What do Jon & Gina have in common?", "What do Gina have in common?",
                            "What do Jon have in common?"]
    recall(Spy(), "What are Jon's and Gina's hobbies?", per_person=True, user_id="u")
    assert searched[7:] == ["What are Jon's and Gina's hobbies?", "What are Gina's hobbies?",
                            "What are Jon's hobbies?"]
    recall(Spy(), "Did Gina and Jon both cook?", user_id="u")  # off by default: one search
    assert searched[10:] == ["Did Gina and Jon both cook?"]
