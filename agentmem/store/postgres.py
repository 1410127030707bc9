"""Postgres + pgvector: records, history, vectors and full text in one database.

The same interface as :class:`agentmem.store.sqlite.RecordStore`, so the one apply
path in :class:`~agentmem.Memory` writes here unchanged. What differs:

* A record's vector is a column of its row, so record, full text, vector and history
  commit **in one transaction**. There is no outbox and no window in which search
  lags a write; :class:`PgVectorIndex` only reads (``in_store``).
* Writers on any host lock each record they change (a transaction-scoped advisory
  lock on its id) before the apply path re-reads its version, so a batch planned
  against a stale version fails with :class:`~agentmem.errors.ConflictError` instead
  of overwriting (no lost update), while writers of other records go on in parallel.
  History rows are written last, under one database-wide lock held to the commit, so
  history's order is commit order. Readers never wait.
* Metadata is also kept as ``jsonb`` (GIN-indexed) for queries; the record itself is
  stored as its exact JSON text, so an export gives back exactly what was written.
* Full text is a ``tsvector`` (English stemming) with a GIN index, ranked by
  ``ts_rank_cd``. Postgres has no BM25; hybrid search fuses ranks, not scores, so
  only the order of the keyword hits matters, and cover density orders them well.
* History is append-only in the database itself: triggers refuse UPDATE, DELETE and
  TRUNCATE on it, whoever connects.
* The schema is versioned in ``agentmem_meta``; a newer schema is refused.

Tables are prefixed ``agentmem_`` so one database can also hold LangGraph's
checkpoints (:class:`~agentmem.Agent` uses the same URL for them).
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator, Sequence

import numpy as np

from agentmem.errors import InvalidArgumentError, StoreError
from agentmem.operations import HistoryEntry
from agentmem.records import MemoryRecord, Scope
from agentmem.store.base import (
    NO_CONDITIONS,
    Filter,
    RecordReader,
    history_entries,
    keyword_terms,
    record_from_json,
    record_json,
    telling_terms,
    where_sql,
)

__all__ = ["PostgresStore", "PgVectorIndex", "SCHEMA_VERSION", "is_database_url",
           "stored_embedder"]

SCHEMA_VERSION = 1
# Held by a writer from its history rows to its commit, so history is in commit order.
_WRITE_LOCK = 0x61676D656D  # "agmem"
_SCHEMA_LOCK = _WRITE_LOCK + 1
# Per-record locks: the two-key form, this first key, the id's hash second (int4 each).
_RECORD_LOCKS = 0x616D
# Scopes up to this many rows are searched row by row (exact vector ranking, full-text
# match) instead of through the HNSW and GIN indexes; see _nearest and keyword_search.
EXACT_SCOPE_ROWS = 5000
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_database_url(value: str | None) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) connection URL."""
    return isinstance(value, str) and value.split("://", 1)[0] in ("postgresql", "postgres")


def stored_embedder(url: str) -> dict[str, Any] | None:
    """The embedder spec the agentmem store in this database was built with (None: no
    agentmem store there yet). Raises StoreError when the database cannot be reached."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            if conn.execute("SELECT to_regclass('agentmem_meta')").fetchone()[0] is None:
                return None
            row = conn.execute("SELECT value FROM agentmem_meta WHERE key='embedder'").fetchone()
    except psycopg.Error as exc:
        raise StoreError(f"cannot use the Postgres database {_shown(url)}: "
                         f"{str(exc).strip().splitlines()[0]}. Check the URL and that the "
                         "server runs") from None
    return json.loads(row[0]) if row else None


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)


def _schema(dim: int) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS agentmem_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS agentmem_records (
    rid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    user_id text, agent_id text, session_id text,
    kind text NOT NULL,
    time double precision NOT NULL,
    version integer NOT NULL,
    data text NOT NULL,
    metadata jsonb NOT NULL,
    embedding vector({dim}),
    fts tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS agentmem_records_user ON agentmem_records(user_id);
CREATE INDEX IF NOT EXISTS agentmem_records_agent ON agentmem_records(agent_id);
CREATE INDEX IF NOT EXISTS agentmem_records_session ON agentmem_records(session_id);
CREATE INDEX IF NOT EXISTS agentmem_records_fts ON agentmem_records USING gin(fts);
CREATE INDEX IF NOT EXISTS agentmem_records_metadata ON agentmem_records
    USING gin(metadata jsonb_path_ops);
CREATE INDEX IF NOT EXISTS agentmem_records_meta_turn ON agentmem_records((metadata->>'turn_id'));
CREATE INDEX IF NOT EXISTS agentmem_records_meta_session ON agentmem_records((metadata->>'session'));
CREATE INDEX IF NOT EXISTS agentmem_records_flagged ON agentmem_records(rid) WHERE
    metadata->'quarantined' = 'true'::jsonb OR (jsonb_typeof(metadata->'guard_flag') = 'array'
    AND jsonb_array_length(metadata->'guard_flag') > 0);
CREATE INDEX IF NOT EXISTS agentmem_records_vec ON agentmem_records
    USING hnsw (embedding vector_cosine_ops);
CREATE TABLE IF NOT EXISTS agentmem_history (
    seq bigserial PRIMARY KEY,
    batch text NOT NULL,
    memory_id text NOT NULL,
    op text NOT NULL,
    version integer NOT NULL,
    before text, after text,
    actor text, reason text NOT NULL DEFAULT '',
    at text NOT NULL
);
CREATE INDEX IF NOT EXISTS agentmem_history_memory ON agentmem_history(memory_id, seq);
CREATE INDEX IF NOT EXISTS agentmem_history_batch ON agentmem_history(batch);
CREATE OR REPLACE FUNCTION agentmem_history_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'history is append-only'; END $$;
CREATE OR REPLACE TRIGGER agentmem_history_no_change BEFORE UPDATE OR DELETE
    ON agentmem_history FOR EACH ROW EXECUTE FUNCTION agentmem_history_append_only();
CREATE OR REPLACE TRIGGER agentmem_history_no_truncate BEFORE TRUNCATE
    ON agentmem_history FOR EACH STATEMENT EXECUTE FUNCTION agentmem_history_append_only();
"""


def _where_sql(flt: Filter, alias: str = "r") -> tuple[str, list]:
    return where_sql(flt, "%s", alias)


def _any_of(terms: Sequence[str]) -> str:
    """A websearch_to_tsquery text matching any of ``terms``: each word quoted, so none
    is read as an operator."""
    return " or ".join('"' + w.replace('"', " ") + '"' for w in terms)


def _vector(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    if hasattr(value, "to_numpy"):  # pgvector's Vector
        value = value.to_numpy()
    return np.asarray(value, np.float32)


def _scope(row: Sequence[Any]) -> Scope:
    return Scope(user_id=row[0], agent_id=row[1], session_id=row[2])


class PostgresStore:
    """Records, history, vectors and full text in one Postgres database (pgvector)."""

    persistent = True

    def __init__(self, url: str, dim: int, *, pool_size: int = 4, timeout: float = 30.0):
        try:
            from pgvector.psycopg import register_vector
            from psycopg_pool import ConnectionPool
        except ImportError:
            from agentmem.errors import missing

            raise missing("psycopg[binary,pool] pgvector", "postgres",
                          "The Postgres store") from None
        import psycopg

        self.url, self.dim = url, dim
        self._psycopg = psycopg
        self._local = threading.local()
        self.path = shown = _shown(url)  # never print a password

        def configure(conn: Any) -> None:
            register_vector(conn)
            # A wider HNSW search than pgvector's default 40: scoped queries filter after it.
            conn.execute("SET hnsw.ef_search = 100")
            # psycopg prepares a statement after its fifth run, and Postgres then tends to
            # a generic plan that knows neither the scope's size nor the query's words:
            # scoped keyword search went from 2 ms to 7 ms at 100k records. Planning each
            # run for its own values keeps the prepared parse and loses nothing.
            conn.execute("SET plan_cache_mode = force_custom_plan")

        try:
            self._create_schema(timeout)
            self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, timeout=timeout,
                                        kwargs={"autocommit": True}, configure=configure,
                                        open=True)
            self._pool.wait(timeout)
        except StoreError:
            raise
        except psycopg.Error as exc:
            raise StoreError(f"cannot use the Postgres database {shown}: "
                             f"{str(exc).strip().splitlines()[0]}. Check the URL, that the "
                             "server runs and that this user may create tables") from None
        except Exception as exc:  # psycopg_pool.PoolTimeout and friends
            raise StoreError(f"cannot connect to the Postgres database {shown} within "
                             f"{timeout:.0f} s ({type(exc).__name__}: {exc})") from None

    def _create_schema(self, timeout: float) -> None:
        psycopg = self._psycopg
        with psycopg.connect(self.url, connect_timeout=max(1, int(timeout))) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                conn.commit()
            except psycopg.Error as exc:
                conn.rollback()
                if conn.execute("SELECT 1 FROM pg_extension WHERE extname='vector'").fetchone():
                    pass  # another process created it meanwhile
                else:
                    raise StoreError(
                        f"the Postgres database {self.path} lacks the pgvector extension and "
                        f"this user cannot create it ({str(exc).strip().splitlines()[0]}). "
                        "Install pgvector on the server and run `CREATE EXTENSION vector` "
                        "as its owner") from None
            with conn.transaction():  # several processes may open a new database at once
                conn.execute("SELECT pg_advisory_xact_lock(%s::int8)", (_SCHEMA_LOCK,))
                if conn.execute("SELECT to_regclass('agentmem_meta')").fetchone()[0]:
                    # Check before touching anything: a newer schema is not ours to change.
                    row = conn.execute("SELECT value FROM agentmem_meta WHERE "
                                       "key='schema_version'").fetchone()
                    if row is not None:
                        self._check_version(int(row[0]))
                conn.execute(_schema(self.dim))
                conn.execute("INSERT INTO agentmem_meta VALUES ('schema_version', %s) "
                             "ON CONFLICT (key) DO NOTHING", (str(SCHEMA_VERSION),))
                found = int(conn.execute("SELECT value FROM agentmem_meta WHERE "
                                         "key='schema_version'").fetchone()[0])
                dim = conn.execute(
                    "SELECT atttypmod FROM pg_attribute WHERE attrelid = "
                    "'agentmem_records'::regclass AND attname = 'embedding'").fetchone()[0]
        self._check_version(found)
        if dim != self.dim:
            raise StoreError(f"{self.path} holds {dim}-dimensional vectors but this embedder "
                             f"makes {self.dim}; open it with the embedder it was built with")

    def _check_version(self, found: int) -> None:
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.path} uses agentmem schema version {found}, newer than "
                             f"this agentmem ({SCHEMA_VERSION}); upgrade agentmem")
        if found < SCHEMA_VERSION:  # no older schema has been released yet
            raise StoreError(f"{self.path} uses agentmem schema version {found}, older than "
                             f"this agentmem ({SCHEMA_VERSION}) and no migration is known")

    def close(self) -> None:
        self._pool.close()

    # -- connections and transactions ---------------------------------------------------
    @contextmanager
    def _conn(self) -> Iterator[Any]:
        tx = getattr(self._local, "conn", None)
        if tx is not None:  # reads inside a write transaction see its own writes
            yield tx
            return
        with self._lost_connection("reading"), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _lost_connection(self, doing: str) -> Iterator[None]:
        """A dropped connection or an unreachable server becomes one StoreError; the pool
        replaces the broken connection, so the next call may simply retry."""
        try:
            yield
        except self._psycopg.errors.TransactionRollback:
            raise  # a deadlock between writers: the caller says what it means
        except self._psycopg.OperationalError as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StoreError(
                f"the connection to {self.path} failed while {doing} ({first}); "
                + ("nothing of this write was committed. " if doing == "writing" else "")
                + "Check that the server is up, then retry") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write: everything inside commits together or not at all.

        Each record is locked when the apply path reads it inside the transaction (its
        version check cannot race), so writers of different records run side by side.
        History rows are held back and written last, under one database-wide lock held
        through the commit: history's order is the order of commits, which is what
        ``history_since`` promises."""
        if getattr(self._local, "conn", None) is not None:
            raise StoreError("nested write transactions are not supported")
        errors = self._psycopg.errors
        try:
            with self._lost_connection("writing"), self._pool.connection() as conn, \
                    conn.transaction():
                self._local.conn, self._local.history = conn, []
                try:
                    yield
                    if self._local.history:
                        conn.execute("SELECT pg_advisory_xact_lock(%s::int8)", (_WRITE_LOCK,))
                        with conn.cursor() as cur:
                            cur.executemany(
                                "INSERT INTO agentmem_history (batch, memory_id, op, version, "
                                "before, after, actor, reason, at) VALUES "
                                "(%s,%s,%s,%s,%s,%s,%s,%s,%s)", self._local.history)
                finally:
                    self._local.conn = self._local.history = None
        except errors.DeadlockDetected:
            from agentmem.errors import ConflictError

            raise ConflictError("another writer was changing the same records in another "
                                "order; nothing of this batch was applied, retry") from None

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        with self._conn() as conn:
            return conn.execute(sql, args).fetchall()

    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM agentmem_meta WHERE key=%s", (key,))
        return rows[0][0] if rows else None

    def meta_items(self) -> list[tuple[str, str]]:
        return self._rows("SELECT key, value FROM agentmem_meta ORDER BY key")

    def set_meta(self, key: str, value: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO agentmem_meta VALUES (%s, %s) ON CONFLICT (key) DO "
                         "UPDATE SET value = EXCLUDED.value", (key, value))

    # -- records (call inside transaction() for writes) ----------------------------------
    def put(self, record: MemoryRecord, embedding: np.ndarray | None) -> None:
        """Insert or replace a record with its vector and full text."""
        s = record.scope
        vec = None if embedding is None else np.asarray(embedding, np.float32)
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO agentmem_records (id, user_id, agent_id, session_id, kind, time, "
                "version, data, metadata, embedding, fts) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,"
                "to_tsvector('english', %s)) ON CONFLICT (id) DO UPDATE SET "
                "user_id=EXCLUDED.user_id, agent_id=EXCLUDED.agent_id, "
                "session_id=EXCLUDED.session_id, kind=EXCLUDED.kind, time=EXCLUDED.time, "
                "version=EXCLUDED.version, data=EXCLUDED.data, metadata=EXCLUDED.metadata, "
                "embedding=EXCLUDED.embedding, "
                "fts=EXCLUDED.fts",
                (record.id, s.user_id, s.agent_id, s.session_id, record.kind.value,
                 record.effective_time.timestamp(), record.version, record_json(record),
                 json.dumps(record.metadata), vec,
                 record.index_text))

    def remove(self, memory_id: str) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM agentmem_records WHERE id=%s", (memory_id,))

    def append_history(self, batch: str, memory_id: str, op: str, version: int,
                       before: MemoryRecord | None, after: MemoryRecord | None,
                       actor: str | None, reason: str, at: datetime) -> None:
        """Queue a history row; :meth:`transaction` writes the queue just before commit."""
        if getattr(self._local, "history", None) is None:
            raise StoreError("append_history must be called inside transaction()")
        self._local.history.append((batch, memory_id, op, version, record_json(before),
                                    record_json(after), actor, reason, at.isoformat()))

    # -- reads -------------------------------------------------------------------------
    def get(self, memory_id: str) -> MemoryRecord | None:
        """The record, or None. Inside a write transaction this locks the id (existing or
        not) until commit, and reads it after the lock is held."""
        if getattr(self._local, "conn", None) is not None:
            self._local.conn.execute("SELECT pg_advisory_xact_lock(%s::int4, hashtext(%s))",
                                     (_RECORD_LOCKS, memory_id))
        rows = self._rows("SELECT data FROM agentmem_records WHERE id=%s", (memory_id,))
        return record_from_json(rows[0][0]) if rows else None

    def get_many(self, ids: Sequence[str]) -> dict[str, MemoryRecord]:
        if not ids:
            return {}
        rows = self._rows("SELECT id, data FROM agentmem_records WHERE id = ANY(%s)",
                          (list(ids),))
        return {i: record_from_json(d) for i, d in rows}

    def embedding(self, memory_id: str) -> np.ndarray | None:
        rows = self._rows("SELECT embedding FROM agentmem_records WHERE id=%s", (memory_id,))
        return _vector(rows[0][0]) if rows else None

    def iter_index_rows(self, batch: int = 2000
                        ) -> Iterator[list[tuple[str, Scope, str, float, np.ndarray]]]:
        """Yield (id, scope, kind, time, embedding) rows in chunks."""
        last = 0
        while True:
            rows = self._rows(
                "SELECT rid, id, user_id, agent_id, session_id, kind, time, embedding FROM "
                "agentmem_records WHERE rid > %s ORDER BY rid LIMIT %s", (last, batch))
            if not rows:
                return
            last = rows[-1][0]
            yield [(r[1], _scope(r[2:5]), r[5], r[6], _vector(r[7])) for r in rows
                   if r[7] is not None]

    def scope_rows(self, scope: Scope) -> list[tuple[str, str, float, np.ndarray]]:
        """(id, kind, time, embedding) of every record in ``scope`` that has an embedding."""
        where, args = _where_sql(Filter(scope=scope))
        rows = self._rows(f"SELECT id, kind, time, embedding FROM agentmem_records r WHERE "
                          f"{where} AND embedding IS NOT NULL ORDER BY rid", args)
        return [(r[0], r[1], r[2], _vector(r[3])) for r in rows]

    def records_with_metadata_prefix(self, scope: Scope, field: str,
                                     prefix: str) -> list[MemoryRecord]:
        """Records of ``scope`` whose string ``metadata[field]`` starts with ``prefix``."""
        value = self._metadata_value(field)
        where, args = _where_sql(Filter(scope=scope))
        rows = self._rows(
            f"SELECT data FROM agentmem_records r WHERE {where} AND {value} IS NOT NULL AND "
            f"left({value}, %s) = %s ORDER BY r.rid", (*args, len(prefix), prefix))
        return [record_from_json(r[0]) for r in rows]

    def records_where(self, flt: Filter, field: str, value: str) -> list[MemoryRecord]:
        """Records matching ``flt`` whose ``metadata[field]`` equals the string ``value``."""
        self._metadata_value(field)  # checks the name
        where, args = _where_sql(flt)
        # ->> matches the expression indexes; the type check keeps 5 from equalling "5".
        rows = self._rows(f"SELECT data FROM agentmem_records r WHERE {where} AND "
                          f"r.metadata->>'{field}' = %s AND "
                          f"jsonb_typeof(r.metadata->'{field}') = 'string' ORDER BY r.rid",
                          (*args, value))
        return [record_from_json(r[0]) for r in rows]

    @staticmethod
    def _metadata_value(field: str) -> str:
        if not isinstance(field, str) or not _FIELD.fullmatch(field):
            raise InvalidArgumentError(f"bad metadata field name {field!r}")
        # A string value only (like SQLite's json_extract compared with a string).
        return (f"(CASE WHEN jsonb_typeof(r.metadata->'{field}') = 'string' "
                f"THEN r.metadata->>'{field}' END)")

    def flagged(self, flt: Filter, limit: int, offset: int = 0) -> list[MemoryRecord]:
        """Records the guard quarantined (``metadata.quarantined`` true) or flagged (a
        non-empty ``metadata.guard_flag`` list), in insertion order."""
        where, args = _where_sql(flt)
        rows = self._rows(
            f"SELECT data FROM agentmem_records r WHERE {where} AND "
            "(metadata->'quarantined' = 'true'::jsonb OR "
            "(jsonb_typeof(metadata->'guard_flag') = 'array' AND "
            "jsonb_array_length(metadata->'guard_flag') > 0)) "
            "ORDER BY r.rid LIMIT %s OFFSET %s", (*args, limit, offset))
        return [record_from_json(r[0]) for r in rows]

    def links(self, ids: Sequence[str], scope: Scope) -> list[tuple[str, str, str]]:
        """Links touching ``ids`` as ``(from, to, reason)``: the links these records hold in
        ``metadata.links`` and the links other records of ``scope`` hold to them."""
        if not ids:
            return []
        where, args = _where_sql(Filter(scope=scope))
        each = ("jsonb_array_elements(CASE WHEN jsonb_typeof(r.metadata->'links') = 'array' "
                "THEN r.metadata->'links' ELSE '[]' END) j")
        to, why = "j->>'to'", "j->>'reason'"
        out = self._rows(f"SELECT r.id, {to}, {why} FROM agentmem_records r, {each} "
                         "WHERE r.id = ANY(%s) AND jsonb_typeof(j) = 'object'", (list(ids),))
        back = self._rows(f"SELECT r.id, {to}, {why} FROM agentmem_records r, {each} WHERE "
                          f"{where} AND jsonb_typeof(j) = 'object' AND {to} = ANY(%s)",
                          (*args, list(ids)))
        return [(a, b, c or "") for a, b, c in dict.fromkeys(out + back) if b]

    def list(self, flt: Filter, limit: int = 100, offset: int = 0) -> list[MemoryRecord]:
        where, args = _where_sql(flt)
        rows = self._rows(f"SELECT data FROM agentmem_records r WHERE {where} ORDER BY r.rid "
                          "LIMIT %s OFFSET %s", (*args, limit, offset))
        return [record_from_json(r[0]) for r in rows]

    def ids(self, flt: Filter | None = None) -> list[str]:
        where, args = _where_sql(flt or Filter())
        return [r[0] for r in self._rows(
            f"SELECT id FROM agentmem_records r WHERE {where} ORDER BY r.rid", args)]

    def count(self, flt: Filter | None = None) -> int:
        where, args = _where_sql(flt or Filter())
        return self._rows(f"SELECT count(*) FROM agentmem_records r WHERE {where}", args)[0][0]

    def count_by(self, column: str, flt: Filter | None = None) -> dict[str, int]:
        if column not in ("kind", "user_id", "agent_id", "session_id"):
            raise InvalidArgumentError(f"cannot group by {column!r}")
        where, args = _where_sql(flt or Filter())
        rows = self._rows(f"SELECT {column}, count(*) FROM agentmem_records r WHERE {where} "
                          f"GROUP BY {column}", args)
        return {str(k): n for k, n in rows}

    def keyword_search(self, query: str, flt: Filter, n: int, *,
                       telling_only: bool = False) -> list[str]:
        """Ids of the best full-text matches (any of the query's words), best first. With
        ``telling_only`` (a hybrid search), words held by half or more of the records in
        the filter are not looked for (:func:`telling_terms`)."""
        where, args = _where_sql(flt)
        terms = keyword_terms(query)
        if terms and telling_only:
            terms = self._telling(terms, where, args)
        return self._keyword(terms, where, args, n) if terms else []

    def _telling(self, terms: list[str], where: str, args: list) -> list[str]:
        """:func:`telling_terms` of ``terms`` among the filter's records, counted in one
        query over at most ``EXACT_SCOPE_ROWS + 1`` of them (a bigger scope's share of a
        word is estimated from its first rows, so the count stays bounded)."""
        held = ", ".join(["count(*) FILTER (WHERE s.fts @@ websearch_to_tsquery('english', %s))"]
                         * len(terms))
        (searched, *counts), = self._rows(
            f"WITH s AS MATERIALIZED (SELECT r.fts FROM agentmem_records r WHERE {where} "
            f"LIMIT %s) SELECT count(*), {held} FROM s",
            (*args, EXACT_SCOPE_ROWS + 1, *(_any_of([t]) for t in terms)))
        return telling_terms(terms, searched, counts)

    def _keyword(self, terms: list[str], where: str, args: list, n: int) -> list[str]:
        text = _any_of(terms)
        if where != NO_CONDITIONS:
            # As in vector search: a scope of a few thousand rows is read through its
            # btree and matched there, instead of intersecting the whole table's posting
            # lists for the query's words (7 ms for one of 100 users at 100k records).
            (scope_rows, ids), = self._rows(
                f"WITH s AS MATERIALIZED (SELECT r.rid, r.id, r.fts FROM agentmem_records r "
                f"WHERE {where} LIMIT %s), q AS (SELECT websearch_to_tsquery('english', %s) q) "
                "SELECT (SELECT count(*) FROM s), ARRAY(SELECT s.id FROM s, q WHERE s.fts @@ q.q "
                "ORDER BY ts_rank_cd(s.fts, q.q) DESC, s.rid LIMIT %s)",
                (*args, EXACT_SCOPE_ROWS + 1, text, n))
            if scope_rows <= EXACT_SCOPE_ROWS:
                return list(ids)
        return self._keyword_indexed(text, where, args, n)

    def _keyword_indexed(self, text: str, where: str, args: list, n: int) -> list[str]:
        """Full-text matches through the GIN index (a big scope, or none)."""
        rows = self._rows(
            "SELECT r.id FROM agentmem_records r, websearch_to_tsquery('english', %s) q "
            f"WHERE r.fts @@ q AND {where} ORDER BY ts_rank_cd(r.fts, q) DESC, r.rid LIMIT %s",
            (text, *args, n))
        return [r[0] for r in rows]

    def hybrid_search(self, embedding: np.ndarray, query: str, flt: Filter, n: int
                      ) -> tuple[list[tuple[str, float]], list[str], RecordReader]:
        """:meth:`vector_search` and :meth:`keyword_search` at once, and a reader of the
        candidates' records (:meth:`get_many` for them). A scope of up to
        ``EXACT_SCOPE_ROWS`` is read through its btree once, ranked both ways and its
        candidates' records returned, all in one round trip (after the one that counts
        which of the query's words tell records apart, :meth:`_telling`); apart, that is
        four."""
        where, args = _where_sql(flt)
        terms = keyword_terms(query)
        if terms:
            terms = self._telling(terms, where, args)
        if not terms or where == NO_CONDITIONS:
            return (self.vector_search(embedding, n, flt),
                    self._keyword(terms, where, args, n) if terms else [], self.get_many)
        text = _any_of(terms)
        vec = np.asarray(embedding, np.float32)
        with self._lost_connection("searching"), self._pool.connection() as conn:
            rows = conn.execute(
                f"WITH s AS MATERIALIZED (SELECT r.rid, r.id, r.fts, r.embedding "
                f"FROM agentmem_records r WHERE {where} LIMIT %s), "
                "q AS (SELECT websearch_to_tsquery('english', %s) q), "
                "v AS (SELECT s.id, (s.embedding <=> %s)::float8 d FROM s "
                "WHERE s.embedding IS NOT NULL ORDER BY 2 LIMIT %s), "
                "k AS (SELECT s.id FROM s, q WHERE s.fts @@ q.q "
                "ORDER BY ts_rank_cd(s.fts, q.q) DESC, s.rid LIMIT %s) "
                "SELECT 'n', NULL, (SELECT count(*) FROM s)::float8, NULL "
                "UNION ALL SELECT 'v', id, d, NULL FROM v UNION ALL SELECT 'k', id, NULL, NULL "
                "FROM k UNION ALL SELECT 'r', r.id, NULL, r.data FROM agentmem_records r "
                "WHERE r.id = ANY(ARRAY(SELECT id FROM v UNION SELECT id FROM k))",
                (*args, EXACT_SCOPE_ROWS + 1, text, vec, n, n)).fetchall()
        if int(next(d for part, _, d, _ in rows if part == "n")) > EXACT_SCOPE_ROWS:
            # A big scope: its first rows were read for nothing; the indexes answer.
            with self._lost_connection("searching"):
                nearest = self._nearest(vec, n, where, args, read_scope=False)
            return ([(i, float(d)) for i, d in nearest],
                    self._keyword_indexed(text, where, args, n), self.get_many)
        stored = {i: data for part, i, _, data in rows if part == "r"}
        return ([(i, float(d)) for part, i, d, _ in rows if part == "v"],
                [i for part, i, _, _ in rows if part == "k"],
                # Parsed only when asked for: usually the first k of up to 2n candidates.
                lambda ids: {i: record_from_json(stored[i]) for i in ids if i in stored})

    def vector_search(self, embedding: np.ndarray, n: int, flt: Filter
                      ) -> list[tuple[str, float]]:
        """Up to ``n`` (id, cosine distance) nearest ``embedding`` within the filter."""
        where, args = _where_sql(flt)
        vec = np.asarray(embedding, np.float32)
        with self._lost_connection("searching"):
            rows = self._nearest(vec, n, where, args)
        return [(i, float(d)) for i, d in rows]

    def _nearest(self, vec: np.ndarray, n: int, where: str, args: list,
                 read_scope: bool = True) -> list[tuple]:
        rows_in = f"FROM agentmem_records r WHERE r.embedding IS NOT NULL AND {where}"
        exact = (f"WITH s AS MATERIALIZED (SELECT r.id, r.embedding {rows_in} LIMIT %s) "
                 "SELECT id, embedding <=> %s, (SELECT count(*) FROM s) FROM s "
                 "ORDER BY 2 LIMIT %s")
        with self._pool.connection() as conn:
            if where != NO_CONDITIONS and read_scope:
                # A scoped query first reads its scope through the btree indexes, capped:
                # a scope of a few thousand rows is ranked exactly in about a millisecond,
                # with every row it should return. HNSW filters *after* it walks the
                # graph, so for a narrow scope it returns a fraction of k (about 1 of 10 for
                # one of 100 users at 100k records).
                rows = conn.execute(exact, (*args, EXACT_SCOPE_ROWS + 1, vec, n)).fetchall()
                if not rows or rows[0][2] <= EXACT_SCOPE_ROWS:
                    return [(i, d) for i, d, _ in rows]
            rows = conn.execute(f"SELECT r.id, r.embedding <=> %s {rows_in} "
                                "ORDER BY r.embedding <=> %s LIMIT %s",
                                (vec, *args, vec, n)).fetchall()
            if len(rows) < n and where != NO_CONDITIONS:
                # A big scope that is still a small part of the table: rank it exactly.
                rows = [(i, d) for i, d, _ in conn.execute(
                    exact, (*args, None, vec, n)).fetchall()]
        return rows

    def vector_ids(self) -> set[str]:
        """Ids of the records that have a vector."""
        return {r[0] for r in self._rows(
            "SELECT id FROM agentmem_records WHERE embedding IS NOT NULL")}

    def vector_count(self) -> int:
        """How many records have a vector (counted by the database, not fetched)."""
        return self._rows("SELECT count(*) FROM agentmem_records WHERE embedding IS NOT NULL"
                          )[0][0]

    def check_embedder(self, spec: dict[str, Any]) -> None:
        """Record the embedder a new database is built with; refuse another one later
        (vectors of different models cannot be mixed)."""
        from agentmem.errors import ConfigError

        with self._conn() as conn:  # the first opener's spec wins
            conn.execute("INSERT INTO agentmem_meta VALUES ('embedder', %s) "
                         "ON CONFLICT (key) DO NOTHING", (json.dumps(spec, sort_keys=True),))
        stored = json.loads(self.meta("embedder"))
        if stored != spec:
            raise ConfigError(
                f"{self.path} was built with embedder {stored}, but this Memory uses {spec}; "
                "vectors of different models cannot be mixed. Open it with the same "
                "embedder, or export it and import into another database")

    # -- history -----------------------------------------------------------------------
    def _entries(self, sql: str, args: tuple) -> list[HistoryEntry]:
        rows = self._rows("SELECT seq, batch, memory_id, op, version, before, after, actor, "
                          f"reason, at FROM agentmem_history {sql}", args)
        return history_entries(rows)

    def history(self, memory_id: str) -> list[HistoryEntry]:
        return self._entries("WHERE memory_id=%s ORDER BY seq", (memory_id,))

    def history_batch(self, batch: str) -> list[HistoryEntry]:
        return self._entries("WHERE batch=%s ORDER BY seq", (batch,))

    def history_since(self, count: int) -> list[HistoryEntry]:
        """Entries after the first ``count``. Writers hold one lock from their first
        history row to their commit, so seq order is commit order."""
        return self._entries("ORDER BY seq OFFSET %s", (count,))

    def history_count(self) -> int:
        return self._rows("SELECT count(*) FROM agentmem_history")[0][0]

    # -- no outbox: the vector commits with its record ----------------------------------
    def pending(self, limit: int = 10_000) -> list[str]:
        return []

    def clear_pending(self, ids: Sequence[str]) -> None:
        return None

    def index_rows(self, ids: Sequence[str]
                   ) -> dict[str, tuple[Scope, str, float, np.ndarray | None]]:
        """Current (scope, kind, time, embedding) of the ids that still exist."""
        if not ids:
            return {}
        rows = self._rows("SELECT id, user_id, agent_id, session_id, kind, time, embedding "
                          "FROM agentmem_records WHERE id = ANY(%s)", (list(ids),))
        return {r[0]: (_scope(r[1:4]), r[4], r[5], _vector(r[6])) for r in rows}


class PgVectorIndex:
    """The vector side of :class:`PostgresStore`: vectors are written with their records
    (``in_store``), so upserts and deletes are nothing to do; queries use pgvector."""

    persistent = True
    shared = True
    in_store = True

    def __init__(self, store: PostgresStore):
        self.store = store

    def upsert(self, rows: Sequence[Any]) -> None:
        return None

    def delete(self, ids: Sequence[str]) -> None:
        return None

    def query(self, embedding: np.ndarray, n: int, flt: Filter) -> list[tuple[str, float]]:
        return self.store.vector_search(embedding, n, flt)

    def ids(self) -> set[str]:
        return self.store.vector_ids()

    def count(self) -> int:
        return self.store.vector_count()

    def close(self) -> None:
        return None
