"""Opening a memory home: marker checks, the process lock, and the backends inside it.

A home directory holds ``agentmem.json`` (a marker naming the format and the
embedder), ``agentmem.db`` (SQLite) and, in embedded mode, ``chroma/``. A
directory that has other files but no marker is refused, so a typo in ``--home``
never scribbles over somebody else's data.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentmem.config import MemoryConfig
from agentmem.errors import ConfigError, StoreError, StoreLockedError
from agentmem.store.base import VectorIndex
from agentmem.store.sqlite import RecordStore

__all__ = ["OpenedHome", "open_home", "MARKER", "HOME_FORMAT"]

MARKER = "agentmem.json"
HOME_FORMAT = 1


@dataclass
class OpenedHome:
    store: RecordStore
    index: VectorIndex
    lock: Any  # filelock.FileLock or None
    path: Path | None

    def close(self) -> None:
        self.index.close()
        self.store.close()
        if self.lock is not None:
            self.lock.release()


_OWN = ("agentmem.lock", "agentmem.init.lock")


def _foreign_files(path: Path) -> list[str]:
    if not path.exists():
        return []
    names = [p.name for p in path.iterdir()]
    if (path / MARKER).exists():  # another process made it a home meanwhile
        return []
    return sorted(n for n in names if n not in _OWN and not n.startswith(MARKER + "."))


def _refuse_foreign(path: Path) -> None:
    others = _foreign_files(path)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise StoreError(
            f"{path} is not an agentmem home: it holds {shown} but no {MARKER}. Pass an "
            "empty or new directory as home (--home / AGENTMEM_HOME), or the right one")


def _check_marker(path: Path, spec: dict[str, Any]) -> None:
    marker = path / MARKER
    if path.exists() and not path.is_dir():
        raise StoreError(f"home {path} is a file, not a directory; pass a directory path")
    if not marker.exists():
        from filelock import FileLock

        _refuse_foreign(path)
        path.mkdir(parents=True, exist_ok=True)
        # Several processes may create the same new home at once: one writes the marker,
        # the others wait for it and then read it like any existing home.
        with FileLock(str(path / "agentmem.init.lock"), timeout=60):
            if not marker.exists():
                _refuse_foreign(path)
                tmp = path / f"{MARKER}.{os.getpid()}.tmp"
                tmp.write_text(json.dumps({"format": HOME_FORMAT, "embedder": spec}, indent=2))
                os.replace(tmp, marker)
                return
    try:
        info = json.loads(marker.read_text())
        fmt, stored = info["format"], info["embedder"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{marker} is corrupt ({exc}); restore it or use another home") from None
    if fmt > HOME_FORMAT:
        raise StoreError(f"{path} has format {fmt}, newer than this agentmem; upgrade agentmem")
    if stored != spec:
        raise ConfigError(
            f"{path} was built with embedder {stored}, but this Memory uses {spec}; vectors of "
            "different models cannot be mixed. Open it with the same embedder, or export it and "
            "import into a new home")


def _lock(path: Path, timeout: float):
    from filelock import FileLock, Timeout

    lock = FileLock(str(path / "agentmem.lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise StoreLockedError(
            f"another process has the embedded store {path} open. The embedded store serves one "
            "process at a time; for several processes run a chroma server (`chroma run --path "
            "DIR --port 8000`) and open the memory with vector_store={'host': 'localhost', "
            "'port': 8000}") from None
    return lock


def open_home(config: MemoryConfig, embedder) -> OpenedHome:
    """Open (creating if needed) the store described by ``config``."""
    vs = config.vector_store
    if config.in_memory:
        from agentmem.store.memory import NumpyIndex

        return OpenedHome(RecordStore(":memory:"), NumpyIndex(embedder.dim), None, None)
    path = Path(config.home).expanduser()
    _check_marker(path, embedder.spec())
    lock = None if vs.server_mode else _lock(path, config.lock_timeout)
    try:
        store = RecordStore(path / "agentmem.db")
        if vs.provider == "memory":
            from agentmem.store.memory import NumpyIndex

            index: VectorIndex = NumpyIndex(embedder.dim)
            for rows in store.iter_index_rows():
                index.upsert(rows)
        else:
            from agentmem.store.chroma import ChromaIndex

            index = ChromaIndex(embedder, path=path / "chroma", host=vs.host, port=vs.port,
                                collection=vs.collection)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return OpenedHome(store, index, lock, path)
