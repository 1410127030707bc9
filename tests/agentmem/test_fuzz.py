"""Property-based fuzzing of the public API against a simple model of what it should hold.

Random sequences of add / update / delete / restore / undo / reset / import / export
across random scopes and random Unicode (control characters, markup, huge and empty
strings). After every step: no exception but the project's own errors, every scope
lists exactly what the model says, search never crosses a scope, history has an entry
for every change, the vector index matches the records (``verify``), and an export
imported into a fresh store gives the same export back.

CI runs a bounded number of examples (``AGENTMEM_FUZZ_EXAMPLES``, default 200 sequences
of up to 25 steps); ``make fuzz`` runs many more.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from agentmem import Memory
from agentmem.errors import AgentMemError, InvalidContentError, MemoryNotFound
from agentmem.testing import HashEmbedder

pytestmark = pytest.mark.timeout(900)

MAX_CHARS = 64  # small, so "too long" is reached often
USERS = st.sampled_from(["ana", "bo", "u-3"])
SESSIONS = st.sampled_from([None, "s1", "s2"])
# Any Unicode text, weighted towards what breaks things: controls, markup, escapes.
HOSTILE = st.sampled_from(["[/bold]", "[link=https://x.example]a[/link]", "\x1b[2J", "\x00",
                           "\u202e", "\r\n", "<script>", "'; DROP TABLE records;--", "\ud800"])
TEXT = st.one_of(st.text(max_size=80), st.lists(st.one_of(st.text(max_size=8), HOSTILE),
                                                 max_size=6).map("".join))


def _expected(text: str) -> str | None:
    """What the store keeps of ``text``, or None when it must refuse it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    kept = text.strip()
    if not kept or "\x00" in kept or len(kept) > MAX_CHARS:
        return None
    return kept


class MemoryMachine(RuleBasedStateMachine):
    ids = Bundle("ids")

    def __init__(self):
        super().__init__()
        self.m = Memory(home=":memory:", embedder=HashEmbedder(dim=32),
                        max_content_chars=MAX_CHARS)
        self.model: dict[str, tuple[str, str | None, str]] = {}  # id -> (user, session, text)
        self.changes: dict[str, int] = {}  # id -> changes made (history entries expected)

    def teardown(self):
        self.m.close()

    def _run(self, call):
        """Call the API; only the project's own errors may come out."""
        try:
            return call(), None
        except AgentMemError as exc:
            assert "\n" not in str(exc) or isinstance(exc, InvalidContentError), str(exc)
            return None, exc

    @rule(target=ids, text=TEXT, user=USERS, session=SESSIONS)
    def add(self, text, user, session):
        rec, exc = self._run(lambda: self.m.add(text, user_id=user, session_id=session))
        kept = _expected(text)
        if kept is None:
            assert isinstance(exc, InvalidContentError)
            return "missing-id"
        assert exc is None and rec.content == kept
        self.model[rec.id] = (user, session, kept)
        self.changes[rec.id] = 1
        return rec.id

    @rule(mid=ids, text=TEXT)
    def update(self, mid, text):
        rec, exc = self._run(lambda: self.m.update(mid, text))
        if mid not in self.model:
            assert exc is not None
            return
        kept = _expected(text)
        if kept is None:
            assert isinstance(exc, InvalidContentError)
            return
        assert exc is None and rec.content == kept
        user, session, _ = self.model[mid]
        self.model[mid] = (user, session, kept)
        self.changes[mid] += 1

    @rule(mid=ids)
    def delete(self, mid):
        _, exc = self._run(lambda: self.m.delete(mid))
        if mid in self.model:
            assert exc is None
            del self.model[mid]
            self.changes[mid] += 1
        else:
            assert isinstance(exc, MemoryNotFound)

    @rule(mid=ids)
    def restore(self, mid):
        rec, exc = self._run(lambda: self.m.restore(mid))
        if mid not in self.changes:
            assert isinstance(exc, MemoryNotFound)
            return
        if exc is None:  # brings back the last content it had
            self.model[mid] = (rec.scope.user_id, rec.scope.session_id, rec.content)
            self.changes[mid] += 1

    @rule(user=USERS)
    def reset_and_undo(self, user):
        result, exc = self._run(lambda: self.m.reset(user_id=user))
        assert exc is None
        gone = [i for i, (u, _, _) in self.model.items() if u == user]
        assert result.deleted == len(gone)
        assert self.m.list(user_id=user) == []
        if result.deleted:
            self.m.undo(result.batch)
            for i in gone:
                self.changes[i] += 2  # the reset's DELETE and the undo's write-back

    @rule(user=USERS)
    def export_import_round_trip(self, user):
        buf = io.StringIO()
        self.m.export_jsonl(buf, user_id=user)
        with Memory(home=":memory:", embedder=HashEmbedder(dim=32),
                    max_content_chars=MAX_CHARS) as other:
            other.import_jsonl(io.StringIO(buf.getvalue()))
            again = io.StringIO()
            other.export_jsonl(again, user_id=user)
        assert again.getvalue() == buf.getvalue()

    @rule(user=USERS, query=TEXT)
    def search_stays_in_scope(self, user, query):
        hits, exc = self._run(lambda: self.m.search(query, k=10, user_id=user))
        if exc is None:
            assert all(h.record.scope.user_id == user for h in hits)
            assert {h.id for h in hits} <= set(self.model)

    @invariant()
    def lists_match_the_model(self):
        for user in ("ana", "bo", "u-3"):
            stored = {r.id: (r.scope.user_id, r.scope.session_id, r.content)
                      for r in self.m.list(user_id=user, limit=1000)}
            assert stored == {i: v for i, v in self.model.items() if v[0] == user}

    @precondition(lambda self: self.changes)
    @invariant()
    def history_is_complete(self):
        for mid, n in self.changes.items():
            assert len(self.m.history(mid)) == n

    @invariant()
    def index_matches_records(self):
        report = self.m.verify()
        assert report == {"missing_vectors": [], "orphan_vectors": [], "unknown_vectors": []}


MemoryMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("AGENTMEM_FUZZ_EXAMPLES", "200")), stateful_step_count=25,
    deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize="CI" in os.environ)
test_memory_api = MemoryMachine.TestCase


@settings(max_examples=int(os.environ.get("AGENTMEM_FUZZ_EXAMPLES", "200")) // 8,
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize="CI" in os.environ)
@given(text=TEXT)
def test_the_cli_prints_any_stored_text_safely(tmp_path, monkeypatch, text):
    """Whatever was stored, `list` exits 0 and writes no control character but newlines."""
    from typer.testing import CliRunner

    from agentmem.cli import app

    monkeypatch.setenv("AGENTMEM_EMBEDDER", "hash")
    home = str(tmp_path / "cli-home")
    with Memory(home=home, embedder="hash", max_content_chars=MAX_CHARS) as m:
        m.reset(all_scopes=True)
        kept = _expected(text)
        if kept is not None:
            m.add(text, user_id="eve")
    r = CliRunner().invoke(app, ["list", "--home", home], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert not any(c in r.output for c in "\x1b\x07\x9b\u202e\x00")
