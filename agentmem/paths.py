"""Paths: checks on files the user names for writing, and the model cache folder.

Files the user names for writing are checked before anything is written.

Export and graph commands write where they are told; a folder, or a file under a
folder that does not exist, should get one clear error naming the fix, not a
traceback from deep inside ``open``.
"""

from __future__ import annotations

import os
from pathlib import Path

from agentmem.errors import InvalidArgumentError

__all__ = ["cache_root", "output_file"]


def cache_root() -> Path:
    """Where converted models are kept between runs: ``$AGENTMEM_CACHE``, else
    ``~/.cache/agentmem``."""
    return Path(os.environ.get("AGENTMEM_CACHE") or Path.home() / ".cache" / "agentmem")


def output_file(path: str | Path, example: str = "memories.jsonl") -> Path:
    """``path`` if a file can be written there (an existing file is replaced)."""
    path = Path(path)
    if path.is_dir():
        raise InvalidArgumentError(f"{path} is a folder; give a file name, e.g. "
                                   f"{path / example}")
    if not path.parent.is_dir():
        raise InvalidArgumentError(f"folder {path.parent} does not exist; create it first "
                                   f"(mkdir -p {path.parent}) or write elsewhere")
    return path
