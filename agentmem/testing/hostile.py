"""Bad input and hostile text, as a catalogue both the tests and the reliability
benchmark run (``tests/agentmem/test_hardening.py``, ``benchmarks/bench_reliability.py``).

Each bad call names the words its error must contain; whatever the call, the store
must be unchanged afterwards.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Callable

__all__ = ["HOSTILE", "BAD_CALLS", "UNSAFE_OUTPUT"]

#: Stored text an attacker may have written: rich markup, a hyperlink, terminal escapes
#: (clear screen, window title, bell), a C1 control and a bidirectional override.
HOSTILE = ("cats [/bold] x [link=https://evil.example]click[/link] \x1b[2J\x1b]0;pwned\x07 "
           "\x9b31m \u202eevil")
#: Characters that must never reach a terminal from stored text.
UNSAFE_OUTPUT = "\x1b\x07\x9b\u202e\x00"


def _line(**data: Any) -> io.StringIO:
    record = {"content": "x", "scope": {"user_id": "u"}, **data}
    return io.StringIO(json.dumps({"type": "record", "data": record}) + "\n")


#: name -> (call on a Memory, words its error must contain)
BAD_CALLS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "import id empty": (lambda m: m.import_jsonl(_line(id="")), "id '' is not valid"),
    "import id markup": (lambda m: m.import_jsonl(_line(id="[/bold]")), "is not valid"),
    "import metadata NaN": (lambda m: m.import_jsonl(io.StringIO(
        '{"type":"record","data":{"content":"x","scope":{"user_id":"u"},"metadata":{"a":NaN}}}\n')),
        "not plain JSON"),
    "import on_conflict bogus": (lambda m: m.import_jsonl(_line(id="a1"), on_conflict="bogus"),
                                 "not one of error, skip, replace"),
    "import not JSON": (lambda m: m.import_jsonl(io.StringIO("{nope\n")), "line 1"),
    "k float": (lambda m: m.search("tea", k=2.5, user_id="u"), "k must be a whole number"),
    "k str": (lambda m: m.search("tea", k="5", user_id="u"), "k must be a whole number"),
    "k None": (lambda m: m.search("tea", k=None, user_id="u"), "k must be a whole number"),
    "k bool": (lambda m: m.search("tea", k=True, user_id="u"), "k must be a whole number"),
    "k zero": (lambda m: m.search("tea", k=0, user_id="u"), "k must be within 1..1000"),
    "limit str": (lambda m: m.list(limit="a", user_id="u"), "limit must be a whole number"),
    "offset negative": (lambda m: m.list(offset=-1, user_id="u"), "offset must be >= 0"),
    "event_time huge": (lambda m: m.add("x", event_time=1e20, user_id="u"), "out of range"),
    "event_time NaN": (lambda m: m.add("x", event_time=float("nan"), user_id="u"),
                       "out of range"),
    "event_time garbage": (lambda m: m.add("x", event_time="soon", user_id="u"),
                           "not an ISO date/time"),
    "metadata object": (lambda m: m.add("x", metadata={"a": object()}, user_id="u"),
                        "not plain JSON"),
    "metadata set": (lambda m: m.add("x", metadata={"a": {1, 2}}, user_id="u"),
                     "not plain JSON"),
    "metadata infinity": (lambda m: m.add("x", metadata={"a": float("inf")}, user_id="u"),
                          "not plain JSON"),
    "add_many a string": (lambda m: m.add_many("abc", user_id="u"), "contents must be a list"),
    "content empty": (lambda m: m.add("   ", user_id="u"), "empty"),
    "content NUL": (lambda m: m.add("a\x00b", user_id="u"), "NUL"),
    "content not text": (lambda m: m.add(3, user_id="u"), "must be a string"),
    "content bad UTF-8": (lambda m: m.add(b"\xff\xfe", user_id="u"), "not valid UTF-8"),
    "scope id markup": (lambda m: m.add("x", user_id="[/bold]"), "not a valid scope id"),
    "ADD with a bad id": (lambda m: m.apply([{"op": "ADD", "id": "", "content": "x"}],
                                            user_id="u"), "id '' is not valid"),
    "UPDATE of nothing": (lambda m: m.apply([{"op": "UPDATE", "id": "nope", "content": "x"}],
                                            user_id="u"), "nope"),
    "trust above 1": (lambda m: m.add("x", trust=5, user_id="u"), "less than or equal to 1"),
    "unknown kind": (lambda m: m.add("x", kind="bogus", user_id="u"), "kind"),
    "export to a folder": (lambda m: m.export_jsonl(os.getcwd()), "is a folder"),
    "export under a missing folder": (lambda m: m.export_jsonl("/nonexistent/dir/x.jsonl"),
                                      "does not exist"),
    "import a missing file": (lambda m: m.import_jsonl("/nonexistent/x.jsonl"),
                              "does not exist"),
}
