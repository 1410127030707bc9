"""Forgetting and strengthening: unused memories fade and are archived, never deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agentmem import InvalidArgumentError, Memory
from agentmem.recall import recall
from agentmem.records import utcnow
from agentmem.retention import Retention, retention
from agentmem.testing import HashEmbedder


@pytest.fixture
def mem():
    with Memory(home=":memory:", embedder=HashEmbedder(), user_id="ana") as m:
        yield m


def test_retention_fades_with_time_and_slower_with_use(mem):
    rec = mem.add("Ana plays the cello.")
    now = utcnow()
    fresh = retention(rec, now=now)
    month = retention(rec, now=now + timedelta(days=30))
    used = retention(rec, now=now + timedelta(days=30), uses=3)
    assert fresh == pytest.approx(1.0, abs=1e-3) and month == pytest.approx(0.5, abs=1e-2)
    assert used > month  # strengthened by use
    low = mem.add("Ana maybe likes jazz.", trust=0.5)
    assert retention(low, now=now) == pytest.approx(0.5, abs=1e-3)  # importance = trust


def test_forget_archives_faded_facts_reversibly_and_keeps_turns(mem):
    keep = mem.add("Ana plays the cello.")
    fade = mem.add("Ana had soup on Tuesday.")
    turn = mem.add("Ana: I had soup on Tuesday.", kind="turn")
    ret = Retention(mem.scoped(), half_life_days=10)
    later = utcnow() + timedelta(days=60)
    ret.strengthen([keep.id] * 1, now=later - timedelta(days=1))  # used recently
    archived = ret.forget(0.05, now=later)
    assert [r.id for r in archived] == [fade.id]  # the used fact and the turn stay
    assert fade.id not in [h.id for h in mem.search("soup Tuesday", k=5)]
    assert turn.id in [h.id for h in mem.search("soup Tuesday", k=5)]
    assert fade.id in [h.id for h in mem.search("soup Tuesday", k=5, include_archived=True)]
    assert mem.history(fade.id)[-1].actor == "retention"  # an UPDATE in history
    mem.undo(mem.history(fade.id)[-1].batch)
    assert not mem.get(fade.id).metadata.get("archived")
    ret.forget(0.05, now=later)
    assert not ret.revive(fade.id).metadata.get("archived")
    assert mem.stats()["records"] == 3  # nothing was ever deleted
    with pytest.raises(InvalidArgumentError):
        ret.forget(1.5)


def test_recall_weighs_by_retention_and_counts_what_it_shows(mem):
    old = mem.add("Ana's favourite tea is oolong.")
    ret = Retention(mem.scoped(), half_life_days=10)
    hits = recall(mem, "favourite tea", k=1, profile=False, retention=ret, user_id="ana")
    assert [h.id for h in hits] == [old.id]
    assert ret.score(old) == pytest.approx(1.0, abs=1e-3)
    assert mem.scoped().state("retention")["uses"][old.id][0] == 1
