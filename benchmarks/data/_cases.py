"""What the development-set generators share: writing a set as JSONL and saying so."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def write_cases(path: Path, cases: list[dict]) -> None:
    """One case per line (UTF-8 as written, not escaped), then a count by style."""
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases))
    print(f"wrote {path}: {len(cases)} cases", dict(Counter(c["style"] for c in cases)))
