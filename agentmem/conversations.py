"""Reading conversations: LoCoMo-format JSON files and JSONL message logs.

Only the dialogue itself is read. A LoCoMo file's summaries, observations, event
annotations and QA are never returned here, so nothing of them can leak into a
system that ingests the conversation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from agentmem.errors import InvalidArgumentError
from agentmem.protocols import Turn

__all__ = ["Session", "read_conversation", "parse_locomo", "parse_jsonl", "parse_when",
           "first_turns"]

_SESSION = re.compile(r"^session_(\d+)$")


@dataclass
class Session:
    index: int
    time: datetime | None
    turns: list[Turn]


def parse_when(text: str) -> datetime:
    """Parse LoCoMo dates ("4:04 pm on 20 January, 2023") or ISO strings, as UTC."""
    for fmt in ("%I:%M %p on %d %B, %Y", "%I:%M %p on %d %b, %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgumentError(f"cannot read the date {text!r}; expected e.g. "
                                   "'4:04 pm on 20 January, 2023' or ISO 8601") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _need(obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise InvalidArgumentError(f"{where}: missing field {key!r}")
    if not isinstance(obj[key], kind):
        raise InvalidArgumentError(f"{where}: field {key!r} should be {kind.__name__}, "
                                   f"got {type(obj[key]).__name__}")
    return obj[key]


def parse_locomo(data: Any, source: str = "conversation") -> list[Session]:
    """Sessions of a LoCoMo conversation (top level, or under ``conversation``)."""
    if not isinstance(data, dict):
        raise InvalidArgumentError(f"{source}: expected a JSON object, got {type(data).__name__}")
    conv = data.get("conversation", data)
    _need(conv, "speaker_a", str, source)
    sessions = []
    numbers = sorted(int(m.group(1)) for k in conv if (m := _SESSION.match(k)))
    if not numbers:
        raise InvalidArgumentError(f"{source}: no 'session_N' lists; is this a LoCoMo file?")
    for n in numbers:
        where = f"{source}: session_{n}"
        turns_raw = _need(conv, f"session_{n}", list, source)
        when = parse_when(_need(conv, f"session_{n}_date_time", str, where))
        turns = []
        for i, t in enumerate(turns_raw):
            tw = f"{where} turn {i}"
            text = _need(t, "text", str, tw)
            if t.get("blip_caption"):
                text = f"{text} [shares a photo: {t['blip_caption']}]"
            turns.append(Turn(speaker=_need(t, "speaker", str, tw), text=text, time=when,
                              turn_id=_need(t, "dia_id", str, tw)))
        if turns:  # empty sessions are skipped
            sessions.append(Session(n, when, turns))
    if not sessions:
        raise InvalidArgumentError(f"{source}: every session is empty; nothing to read")
    return sessions


def parse_jsonl(lines: list[str], source: str = "messages") -> list[Session]:
    """One message per line: ``{"speaker"|"role", "text"|"content", "time"?, "session"?}``."""
    by_session: dict[int, list[Turn]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidArgumentError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InvalidArgumentError(f"{where}: expected an object")
        text = obj.get("text", obj.get("content"))
        if not isinstance(text, str) or not text.strip():
            raise InvalidArgumentError(f"{where}: needs a non-empty 'text' (or 'content')")
        speaker = obj.get("speaker", obj.get("role", "user"))
        when = parse_when(obj["time"]) if obj.get("time") else None
        session = obj.get("session", 1)
        if not isinstance(session, int):
            raise InvalidArgumentError(f"{where}: 'session' should be an integer")
        by_session.setdefault(session, []).append(
            Turn(speaker=str(speaker), text=text, time=when,
                 turn_id=obj.get("id") or f"L{number}"))
    if not by_session:
        raise InvalidArgumentError(f"{source}: no messages")
    return [Session(n, turns[0].time, turns) for n, turns in sorted(by_session.items())]


def read_conversation(path: str | Path) -> list[Session]:
    """Read a LoCoMo ``.json`` file or a ``.jsonl`` message log."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgumentError(f"{path} does not exist or is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError(f"{path} is not UTF-8 text") from None
    if path.suffix == ".jsonl":
        return parse_jsonl(text.splitlines(), path.name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); "
                                   "use .jsonl for one message per line") from None
    return parse_locomo(data, path.name)


def first_turns(sessions: Sequence[Session], limit: int | None) -> list[Session]:
    """The sessions cut to their first ``limit`` turns in all (every turn for ``None``).

    Sessions wholly beyond the limit are dropped; the sessions passed in are not changed.
    """
    if limit is None:
        return list(sessions)
    if limit < 0:
        raise InvalidArgumentError(f"the turn limit must be >= 0 or None, got {limit}")
    out, left = [], limit
    for session in sessions:
        if left <= 0:
            break
        kept = session.turns[:left]
        out.append(replace(session, turns=kept))
        left -= len(kept)
    return out
