"""A real Postgres with pgvector for tests and benchmarks: a server you name, or one
started from the PyPI package ``pgserver`` (PostgreSQL 16 + pgvector, no system install)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["PostgresServer"]


class PostgresServer:
    """``url`` (any server whose user may create databases), else pgserver in ``directory``.
    :meth:`new_database` gives the URL of a fresh, empty database; :meth:`stop` stops a
    server this object started."""

    def __init__(self, directory: str | Path, url: str | None = None, prefix: str = "agentmem"):
        self._server = None
        if url is None:
            import pgserver

            self._server = pgserver.get_server(Path(directory), cleanup_mode="stop")
            url = self._server.get_uri()
        self.url = url
        self._names = (f"{prefix}_{os.getpid()}_{n}" for n in itertools.count())

    def new_database(self) -> str:
        import psycopg

        name = next(self._names)
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
