"""Where read models live: connections, the generation registry, and leadership locks.

Each read model has generations of tables (``dashboard_g3_services`` …). Exactly one
generation is active (queries read it, the live runner extends it); a rebuild fills a new
generation and then swaps it in. The registry row of a generation is also its tracking
record: the log position applied to it, advanced by compare-and-set in the same transaction
as the rows, so every event takes effect exactly once.
"""

from __future__ import annotations

import fcntl
import operator
import os
import socket
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

import msgspec
import psycopg
from psycopg import sql
from psycopg.types.json import Json, set_json_dumps, set_json_loads

from adapters.postgres import (
    DatabaseLimits,
    connect,
    plain_text,
    storable_text,
    unavailable_when_unreachable,
)
from adapters.readstore.sql import Dialect, TableStatements, postgres_dialect, sqlite_dialect
from application.settings import Settings
from projections.schema import Row, Table

REGISTRY = "rm_generations"
_json_encode = msgspec.json.Encoder().encode
_json_decode = msgspec.json.Decoder().decode


class GenerationRow(msgspec.Struct, frozen=True):
    """A generation of a read model, as the registry records it."""

    model: str
    generation: int
    state: str
    position: int
    shape: str


class ReadDatabase(Protocol):
    """The database that holds read models (PostgreSQL schema or SQLite file)."""

    dialect: Dialect

    def connect(self, purpose: str) -> Any:
        """A new connection (transactions begin implicitly; commit() ends them)."""
        ...

    def begin(self, conn: Any) -> None:
        """Start a write transaction on ``conn``."""
        ...

    def try_lead(self, conn: Any, key: str) -> bool:
        """Become the only runner for ``key`` while ``conn`` lives; False if another is."""
        ...

    def leader(self, key: str) -> str | None:
        """Who leads ``key`` now (a description), if anyone."""
        ...

    def still_leading(self, conn: Any) -> None:
        """Check that ``conn`` (and the lead it holds) is still there; UnavailableError if
        the database is away."""
        ...


def _row_values(statements: TableStatements) -> Callable[[Row], tuple[Any, ...]]:
    """A row's values in column order, fetched in C (a one-column table too gives a tuple)."""
    get = operator.itemgetter(*statements.names)
    if len(statements.names) == 1:
        return lambda row: (get(row),)
    return get  # itemgetter of several names gives a tuple


def _copy_rows(cursor: Any, statements: TableStatements, target: str, rows: list[Row]) -> None:
    """Binary COPY of ``rows`` into ``target`` (the statements' table or its staging table)."""
    values = _row_values(statements)
    with cursor.copy(
        f"COPY {target} ({statements.column_list}) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        # Typed columns pick each value's dumper once: a JSON column's document goes to
        # msgspec as it is, without a Json wrapper per value.
        copy.set_types(list(statements.column_types))
        write = copy.write_row
        for row in rows:
            try:
                write(values(row))
            except KeyError:  # a row without some column: NULL there, as upserts do
                write(tuple(row.get(name) for name in statements.names))


def _lock_id(key: str) -> int:
    return zlib.crc32(f"containr:{key}".encode())


class PostgresReadDatabase:
    """Read models in their own PostgreSQL schema (``<schema>_rm``)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.database_url is not None
        self.url = settings.database_url
        self.limits = DatabaseLimits.of(settings)
        self.schema = f"{settings.database_schema}_rm"
        self._read_events = (
            "SELECT notification_id, originator_id::text, originator_version, topic, state "
            f'FROM "{settings.database_schema}".containr_events '
            "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        )
        self.dialect = postgres_dialect(self.schema, lambda v: None if v is None else Json(v))

    def connect(self, purpose: str) -> psycopg.Connection[Any]:
        """A connection named for its purpose, with fast msgspec JSON, any text storable
        (``storable_text``: one event's NUL never stops a read model) and the deadlines of
        batch work (runners, rebuilds); UnavailableError when the database is away."""
        conn = connect(self.url, self.limits, purpose=purpose)
        set_json_dumps(_json_encode, conn)
        set_json_loads(_json_decode, conn)
        storable_text(conn)
        return conn

    def begin(self, conn: Any) -> None:
        """psycopg opens the transaction with the first statement."""

    def read_events(self, conn: Any, after: int, limit: int) -> list[tuple[Any, ...]]:
        """Up to ``limit`` events after position ``after``, straight from the events table
        (same database): (position, aggregate id as text, version, topic, state) tuples, in
        the binary protocol (the cheapest to fetch)."""
        with conn.cursor(binary=True) as cursor:
            cursor.execute(self._read_events, (after, limit), prepare=True)
            return cursor.fetchall()  # type: ignore[no-any-return]

    @staticmethod
    def bulk_upsert(
        conn: Any, statements: TableStatements, rows: list[Row], new: bool = False
    ) -> None:
        """Many rows at once: binary COPY into a temporary staging table, then one upsert
        (``new`` rows, which the table certainly does not hold, and rows of an append-only
        table, new by definition, are copied straight in)."""
        target = statements.target
        staged = not (new or statements.table.append_only)
        if staged:
            target = '"stage_' + statements.target.rsplit(".", 1)[-1].strip('"') + '"'
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {target} "
                f"(LIKE {statements.target}) ON COMMIT DELETE ROWS"
            )
        # Text through psycopg's C dumpers, after a savepoint (in the caller's transaction):
        # the rare NUL, which PostgreSQL text cannot hold, fails the COPY, and the rows go
        # again through the connection's dumpers, which write it as U+FFFD (storable_text).
        conn.execute("SAVEPOINT plain_text")
        try:
            with conn.cursor(binary=True) as cursor:
                plain_text(cursor)
                _copy_rows(cursor, statements, target, rows)
        except psycopg.errors.CharacterNotInRepertoire:
            conn.execute("ROLLBACK TO SAVEPOINT plain_text")
            with conn.cursor(binary=True) as cursor:
                _copy_rows(cursor, statements, target, rows)
        conn.execute("RELEASE SAVEPOINT plain_text")
        if staged:
            with conn.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {statements.target} ({statements.column_list}) "
                    f"SELECT {statements.column_list} FROM {target} {statements.on_conflict}"
                )
                cursor.execute(f"DELETE FROM {target}")

    def try_lead(self, conn: Any, key: str) -> bool:
        """A session advisory lock: PostgreSQL frees it when the leader's connection dies."""
        # Keyed by schema too: installations sharing a database must not block each other.
        row = conn.execute(
            "SELECT pg_try_advisory_lock(%s)", (_lock_id(f"{self.schema}/{key}"),)
        ).fetchone()
        conn.commit()
        return bool(row and row[0])

    def still_leading(self, conn: Any) -> None:
        """A round trip on the leader's connection: its session holds the lock."""
        with unavailable_when_unreachable():
            conn.execute("SELECT 1").fetchall()
            conn.commit()

    def leader(self, key: str) -> str | None:
        """The application name of the connection holding the lock."""
        with closing(self.connect("status")) as conn:
            row = conn.execute(
                "SELECT a.application_name, a.client_addr FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.granted AND l.objid = %s AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())",
                (_lock_id(f"{self.schema}/{key}") & 0xFFFFFFFF,),
            ).fetchone()
        return None if row is None else str(row[0])


class SqliteReadDatabase:
    """Read models in ``readmodels.sqlite3`` beside the embedded event store."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.data_path / "readmodels.sqlite3"
        self.dialect = sqlite_dialect()
        self._locks: dict[str, Any] = {}

    def connect(self, purpose: str) -> sqlite3.Connection:
        """A connection in WAL mode with manual transactions."""
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def begin(self, conn: Any) -> None:
        """Take the write lock up front, so the batch never fails half-way on busy."""
        conn.execute("BEGIN IMMEDIATE")

    def try_lead(self, conn: Any, key: str) -> bool:
        """An exclusive lock on a file; the OS frees it when the process dies."""
        if key in self._locks:
            return True
        path = Path(f"{self.path}.{key}.lock")
        handle = open(path, "a+", opener=_private)  # noqa: SIM115 - held open while we lead
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._locks[key] = handle
        return True

    def release(self, key: str) -> None:
        """Stop leading ``key``."""
        handle = self._locks.pop(key, None)
        if handle is not None:
            handle.close()

    def still_leading(self, conn: Any) -> None:
        """The lock file is ours for as long as this process lives."""

    def leader(self, key: str) -> str | None:
        """Who holds the lock file, if anyone."""
        path = Path(f"{self.path}.{key}.lock")
        if not path.exists():
            return None
        with open(path, "a+", opener=_private) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                return handle.read().strip() or "another process"
            fcntl.flock(handle, fcntl.LOCK_UN)
        return None


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)  # lock files stay the owner's (issue 11)


def open_read_database(settings: Settings) -> PostgresReadDatabase | SqliteReadDatabase:
    """The read-model database for these settings."""
    if settings.database_url is None:
        settings.data_path.mkdir(parents=True, exist_ok=True)
        return SqliteReadDatabase(settings)
    return PostgresReadDatabase(settings)


class Registry:
    """The generations of every read model and their positions (the tracking records)."""

    def __init__(self, db: PostgresReadDatabase | SqliteReadDatabase) -> None:
        self.db = db
        d = db.dialect
        p = d.placeholder
        self._table = d.qualified(REGISTRY)
        self._select = f"SELECT model, generation, state, position, shape FROM {self._table}"
        self._active = f"{self._select} WHERE model = {p('model')} AND state = 'active'"
        self._advance = (
            f"UPDATE {self._table} SET position = {p('new')} WHERE model = {p('model')} "
            f"AND generation = {p('generation')} AND position = {p('old')}"
        )

    def create_schema(self, conn: Any) -> None:
        """The schema (PostgreSQL) and the registry table."""
        if self.db.dialect.schema:
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(self.db.dialect.schema)
                )
            )
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self._table} (model TEXT NOT NULL, "
            "generation INTEGER NOT NULL, state TEXT NOT NULL, position BIGINT NOT NULL, "
            "shape TEXT NOT NULL, PRIMARY KEY (model, generation))"
        )

    def all(self, conn: Any) -> list[GenerationRow]:
        """Every generation of every model."""
        cursor = conn.cursor()
        cursor.execute(f"{self._select} ORDER BY model, generation")
        return [GenerationRow(*r) for r in cursor.fetchall()]

    def active(self, conn: Any, model: str) -> GenerationRow | None:
        """The generation queries read, and its position."""
        cursor = conn.cursor()
        cursor.execute(self._active, {"model": model})
        row = cursor.fetchone()
        return None if row is None else GenerationRow(*row)

    def get(self, conn: Any, model: str, generation: int) -> GenerationRow | None:
        """One generation."""
        p = self.db.dialect.placeholder
        cursor = conn.cursor()
        cursor.execute(
            f"{self._select} WHERE model = {p('model')} AND generation = {p('generation')}",
            {"model": model, "generation": generation},
        )
        row = cursor.fetchone()
        return None if row is None else GenerationRow(*row)

    def advance(self, conn: Any, model: str, generation: int, old: int, new: int) -> bool:
        """Compare-and-set the position; False if someone else moved it first."""
        cursor = conn.cursor()
        cursor.execute(
            self._advance, {"model": model, "generation": generation, "old": old, "new": new}
        )
        return bool(cursor.rowcount == 1)

    def create(
        self,
        conn: Any,
        model: str,
        tables: tuple[Table, ...],
        shape: str,
        state: str,
        *,
        defer_indexes: bool = False,
    ) -> int:
        """A new, empty generation with its tables; returns its number. With
        ``defer_indexes`` the tables get only their keys until ``create_indexes``: a
        generation filled from zero builds each index once at the end, instead of updating
        it row by row (nothing reads a building or scratch generation before then)."""
        p = self.db.dialect.placeholder
        cursor = conn.cursor()
        cursor.execute(
            f"SELECT COALESCE(MAX(generation), 0) + 1 FROM {self._table} "
            f"WHERE model = {p('model')}",
            {"model": model},
        )
        generation = int(cursor.fetchone()[0])
        for table in tables:
            # ddl() gives the table (with its key) first, then its secondary indexes.
            statements = self.db.dialect.ddl(model, generation, table)
            for statement in statements[:1] if defer_indexes else statements:
                cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {self._table} (model, generation, state, position, shape) VALUES "
            f"({p('model')}, {p('generation')}, {p('state')}, 0, {p('shape')})",
            {"model": model, "generation": generation, "state": state, "shape": shape},
        )
        return generation

    def create_indexes(
        self, conn: Any, model: str, generation: int, tables: tuple[Table, ...]
    ) -> None:
        """The secondary indexes of a generation created with ``defer_indexes``."""
        cursor = conn.cursor()
        for table in tables:
            for statement in self.db.dialect.ddl(model, generation, table)[1:]:
                cursor.execute(statement)

    def set_state(self, conn: Any, model: str, generation: int, state: str) -> None:
        """Mark a generation active, retired, building or scratch."""
        p = self.db.dialect.placeholder
        cursor = conn.cursor()
        cursor.execute(
            f"UPDATE {self._table} SET state = {p('state')} WHERE model = {p('model')} "
            f"AND generation = {p('generation')}",
            {"model": model, "generation": generation, "state": state},
        )

    def drop(self, conn: Any, model: str, generation: int, tables: tuple[Table, ...]) -> None:
        """Remove a generation's tables and its registry row."""
        p = self.db.dialect.placeholder
        cursor = conn.cursor()
        for table in tables:
            cursor.execute(self.db.dialect.drop(model, generation, table))
        cursor.execute(
            f"DELETE FROM {self._table} "
            f"WHERE model = {p('model')} AND generation = {p('generation')}",
            {"model": model, "generation": generation},
        )


@contextmanager
def transaction(db: PostgresReadDatabase | SqliteReadDatabase, conn: Any) -> Iterator[Any]:
    """Run a block in one transaction on ``conn``: commit on success, roll back on error."""
    db.begin(conn)
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
