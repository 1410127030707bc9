"""JSON-lines export and import of records."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from pydantic import ValidationError

from agentmem.errors import InvalidArgumentError, InvalidContentError
from agentmem.paths import output_file
from agentmem.records import MemoryRecord, check_metadata, check_record_id, clean_content
from agentmem.store.base import Filter
from agentmem.store.sqlite import RecordStore

EXPORT_TYPE = "record"


@contextmanager
def _open(target: str | Path | IO[str], mode: str) -> Iterator[IO[str]]:
    if hasattr(target, "write" if "w" in mode else "read"):
        yield target  # type: ignore[misc]
        return
    path = Path(target)
    if "r" in mode and not path.is_file():
        raise InvalidArgumentError(f"{path} does not exist or is not a file")
    if "w" in mode:
        path = output_file(path)
    with open(path, mode, encoding="utf-8", newline="\n") as fh:
        yield fh


def export_records(store: RecordStore, flt: Filter, dest: str | Path | IO[str]) -> int:
    count, offset = 0, 0
    with _open(dest, "w") as fh:
        while True:
            page = store.list(flt, limit=1000, offset=offset)
            for rec in page:
                fh.write(json.dumps({"type": EXPORT_TYPE, "data": rec.model_dump(mode="json")},
                                    ensure_ascii=False, sort_keys=True) + "\n")
            count += len(page)
            offset += len(page)
            if len(page) < 1000:
                return count


def read_records(src: str | Path | IO[str], max_chars: int) -> list[tuple[int, MemoryRecord]]:
    """Parse and validate every line first; raise naming the first bad line."""
    out: list[tuple[int, MemoryRecord]] = []
    seen: set[str] = set()
    try:
        with _open(src, "r") as fh:
            lines = list(fh)
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError(f"import file is not UTF-8 text ({exc.reason} at byte "
                                   f"{exc.start}); nothing was imported") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or obj.get("type") != EXPORT_TYPE:
                raise ValueError(f'expected an object with "type": "{EXPORT_TYPE}"')
            rec = MemoryRecord.model_validate(obj["data"])
            clean_content(rec.content, max_chars)
            check_record_id(rec.id)
            check_metadata(rec.metadata)
        except (ValueError, KeyError, ValidationError, InvalidContentError) as exc:
            first = str(exc).splitlines()[0][:200]
            raise InvalidArgumentError(
                f"line {number} is not a valid agentmem record ({first}); nothing was imported"
            ) from None
        if rec.id in seen:
            raise InvalidArgumentError(f"line {number}: id {rec.id} appears twice; nothing was "
                                       "imported")
        seen.add(rec.id)
        out.append((number, rec))
    return out
