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

__all__ = ["stored_embedder", "OpenedHome", "open_home", "MARKER", "HOME_FORMAT"]

MARKER = "agentmem.json"
HOME_FORMAT = 1


@dataclass
class OpenedHome:
    store: Any  # RecordStore, or PostgresStore with the same interface
    index: VectorIndex
    lock: Any  # filelock.FileLock or None
    path: Path | None

    def close(self) -> None:
        self.index.close()
        self.store.close()
        if self.lock is not None:
            self.lock.release()


#: Taken by the processes sharing a home in server mode around each write to the chroma
#: server (see ChromaIndex): concurrent upserts were seen to leave vectors out of its search.
CHROMA_WRITE_LOCK = "chroma-writes.lock"
_OWN = ("agentmem.lock", "agentmem.init.lock", CHROMA_WRITE_LOCK)
#: The records, history and full text of a home.
DATABASE = "agentmem.db"


def _foreign_files(path: Path) -> list[str]:
    if not path.exists():
        return []
    names = [p.name for p in path.iterdir()]
    if (path / MARKER).exists():  # another process made it a home meanwhile
        return []
    # A new home's database is written just before its marker (see _check_marker).
    return sorted(n for n in names if n not in _OWN and not n.startswith(MARKER + ".")
                  and n not in (DATABASE, *(f"{DATABASE}-{x}" for x in ("wal", "shm", "journal"))))


def _refuse_foreign(path: Path) -> None:
    others = _foreign_files(path)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise StoreError(
            f"{path} is not an agentmem home: it holds {shown} but no {MARKER}. Pass an "
            "empty or new directory as home (--home / AGENTMEM_HOME), or the right one")


def _check_marker(path: Path, spec: dict[str, Any]) -> bool:
    """Check (or write) the home's marker; True when this call created the home."""
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
                # The database first: a marked home always has one, so a missing or empty
                # agentmem.db in a marked home means records were lost, never "new".
                RecordStore(path / DATABASE).close()
                tmp = path / f"{MARKER}.{os.getpid()}.tmp"
                tmp.write_text(json.dumps({"format": HOME_FORMAT, "embedder": spec}, indent=2))
                os.replace(tmp, marker)
                return True
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
    return False


def stored_embedder(home: str | Path) -> dict[str, Any] | None:
    """The embedder spec a home was built with (None: no home there, or no readable
    marker), so a caller can open it without naming the embedder again."""
    try:
        spec = json.loads((Path(home).expanduser() / MARKER).read_text())["embedder"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return spec if isinstance(spec, dict) else None


def _check_database(path: Path) -> None:
    """A home that exists must still have its records: refuse a missing or empty file
    instead of silently starting an empty store in its place."""
    db = path / DATABASE
    state = ("missing" if not db.exists() else
             "empty (0 bytes)" if db.is_file() and db.stat().st_size == 0 else None)
    if state is not None:
        raise StoreError(
            f"{db} is {state}, but {path} is an agentmem home ({MARKER} is there): its records "
            "were deleted or truncated. Restore agentmem.db from a backup (or `agentmem import` "
            "an export into a new home); nothing was changed")


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
    if config.store is not None and not config.in_memory:
        from agentmem.store.postgres import PgVectorIndex, PostgresStore

        store = PostgresStore(config.store, embedder.dim, timeout=max(5.0, config.lock_timeout))
        try:
            store.check_embedder(embedder.spec())
        except BaseException:
            store.close()
            raise
        return OpenedHome(store, PgVectorIndex(store), None, None)
    if config.in_memory:
        from agentmem.store.memory import NumpyIndex

        return OpenedHome(RecordStore(":memory:"), NumpyIndex(embedder.dim), None, None)
    path = Path(config.home).expanduser()
    try:
        return _open(path, config, embedder)
    except PermissionError as exc:
        raise StoreError(
            f"no permission to use {exc.filename or path} ({exc.strerror}): the embedded store "
            "needs write access to its home even to read (it takes a lock and keeps a "
            "write-ahead log). Fix the permissions, or copy the home somewhere writable"
        ) from None


def _open(path: Path, config: MemoryConfig, embedder) -> OpenedHome:
    vs = config.vector_store
    if not _check_marker(path, embedder.spec()):
        _check_database(path)
    lock = None if vs.server_mode else _lock(path, config.lock_timeout)
    try:
        store = RecordStore(path / DATABASE)
        if vs.provider == "memory":
            from agentmem.store.memory import NumpyIndex

            index: VectorIndex = NumpyIndex(embedder.dim)
            for rows in store.iter_index_rows():
                index.upsert(rows)
        else:
            from agentmem.store.chroma import ChromaIndex

            index = ChromaIndex(embedder, path=path / "chroma", host=vs.host, port=vs.port,
                                collection=vs.collection, write_lock=path / CHROMA_WRITE_LOCK)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return OpenedHome(store, index, lock, path)
