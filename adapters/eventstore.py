"""The event store's infrastructure: library settings, migrations, and new-event signals."""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
import time
from contextlib import closing
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from adapters.archives import ARCHIVES_SQL
from adapters.logstore import LOGS_SQL
from adapters.metricstore import METRICS_SQL
from adapters.postgres import (
    IDLE_IN_TRANSACTION_MS,
    DatabaseLimits,
    GuardedPool,
    connect,
    storable_text,
)
from adapters.timeseries import TIMESERIES_SQL
from application.errors import UnavailableError
from application.eventstore import EventStore
from application.settings import Settings

EVENTS_TABLE = "containr_events"  # the library names it <application name>_events
MIGRATION_LOCK = 0x636F6E7472  # an arbitrary advisory lock id for "containr" migrations


def library_env(settings: Settings, *, create_tables: bool = False) -> dict[str, str]:
    """The explicit environment handed to the eventsourcing library (never os.environ).

    Running processes never create tables (``CREATE_TABLE=n``); ``containr migrate`` does.
    The library's DB functions stay off: they would bypass the table lock and tracking.
    """
    create = "y" if create_tables else "n"
    # Aggregates are cached (LRU) and fast-forwarded with the events other processes wrote,
    # so a command loads only what is new instead of replaying whole histories.
    cache = {"AGGREGATE_CACHE_MAXSIZE": "5000", "AGGREGATE_CACHE_FASTFORWARD": "y"}
    if settings.database_url is None:
        return cache | {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "10",
            "CREATE_TABLE": create,
        }
    params = conninfo_to_dict(settings.database_url)
    limits = DatabaseLimits.of(settings)
    # Our factory is the library's with a GuardedPool: a bounded wait for a connection,
    # statement timeouts, and UnavailableError instead of ten retries when the database
    # is away (adapters/postgres.py).
    return (
        cache
        | limits.library_env()
        | {
            "PERSISTENCE_MODULE": "adapters.postgres:GuardedPostgresFactory",
            "POSTGRES_DBNAME": str(params.get("dbname", "")),
            "POSTGRES_HOST": str(params.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(params.get("port", "5432")),
            "POSTGRES_USER": str(params.get("user", "postgres")),
            "POSTGRES_PASSWORD": str(params.get("password", "")),
            "POSTGRES_SCHEMA": settings.database_schema,
            "POSTGRES_POOL_SIZE": str(settings.database_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(settings.database_pool_size),
            # Seconds to wait for a pooled connection (our pool's timeout is finer).
            "POSTGRES_CONNECT_TIMEOUT": str(math.ceil(limits.pool_timeout)),
            # The insert's LOCK TABLE gives up like any statement of a command would.
            "POSTGRES_LOCK_TIMEOUT": str(math.ceil(limits.statement_timeout_ms / 1000)),
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(IDLE_IN_TRANSACTION_MS // 1000),
            "CREATE_TABLE": create,
        }
    )


def open_event_store(settings: Settings) -> EventStore:
    """The event store for a running process (tables must exist: run `containr migrate`)."""
    if settings.database_url is None:
        settings.data_path.mkdir(parents=True, exist_ok=True)
    return EventStore(env=library_env(settings))


def pg_connect(
    settings: Settings, *, statement_timeout_ms: int | None = None, **kwargs: object
) -> psycopg.Connection[tuple[object, ...]]:
    """A connection of its own to the settings' database, with the schema on the path.

    It has the deadlines of batch work unless ``statement_timeout_ms`` says otherwise
    (0: none, for migrations that wait on each other); failing to reach the database
    raises UnavailableError.
    """
    assert settings.database_url is not None
    options: dict[str, Any] = dict(kwargs)
    if statement_timeout_ms is not None:
        options["statement_timeout_ms"] = statement_timeout_ms
    return connect(
        settings.database_url,
        DatabaseLimits.of(settings),
        purpose="events",
        search_path=f"{settings.database_schema},public",
        **options,
    )


SESSIONS_SQL = (
    "CREATE TABLE IF NOT EXISTS containr_sessions ("
    " session_id {uuid} PRIMARY KEY, user_id {uuid} NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
    " previous_hashes TEXT NOT NULL DEFAULT '', expires_at {ts} NOT NULL,"
    " revoked_at {ts}, method TEXT NOT NULL DEFAULT 'password')"
)
# How a session began (password or a provider), for installations made before it was kept.
SESSIONS_METHOD_SQL = (
    "ALTER TABLE containr_sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password'"
)
DATA_KEYS_SQL = (
    "CREATE TABLE IF NOT EXISTS containr_data_keys ("
    " organization_id {uuid} PRIMARY KEY,"
    " wrapped_key {bytes},"
    " created_at {ts} NOT NULL,"
    " destroyed_at {ts})"
)


def migrate(settings: Settings) -> list[str]:
    """Create every table Containr needs, idempotently; returns what it did."""
    if settings.database_url is None:
        settings.data_path.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(settings.sqlite_path)) as conn, conn:
            conn.execute(DATA_KEYS_SQL.format(uuid="TEXT", bytes="BLOB", ts="TEXT"))
            conn.execute(SESSIONS_SQL.format(uuid="TEXT", ts="TEXT"))
            columns = {row[1] for row in conn.execute("PRAGMA table_info(containr_sessions)")}
            if "method" not in columns:
                conn.execute(SESSIONS_METHOD_SQL)
            for statement in (
                LOGS_SQL["sqlite"]
                + METRICS_SQL["sqlite"]
                + ARCHIVES_SQL["sqlite"]
                + TIMESERIES_SQL["sqlite"]
            ):
                conn.execute(statement)
        _create_event_tables(settings)
        return [f"events, data keys and sessions tables in {settings.sqlite_path}"]
    with closing(pg_connect(settings, autocommit=True, statement_timeout_ms=0)) as pg:
        # Serialise concurrent migrations: the library's create_table races with itself.
        pg.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            pg.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(settings.database_schema)
                )
            )
            pg.execute(sql.SQL(DATA_KEYS_SQL.format(uuid="uuid", bytes="bytea", ts="timestamptz")))
            pg.execute(sql.SQL(SESSIONS_SQL.format(uuid="uuid", ts="timestamptz")))
            pg.execute(sql.SQL(SESSIONS_METHOD_SQL.replace("COLUMN", "COLUMN IF NOT EXISTS")))
            for statement in (
                *LOGS_SQL["postgres"],
                *METRICS_SQL["postgres"],
                *ARCHIVES_SQL["postgres"],
                *TIMESERIES_SQL["postgres"],
            ):
                pg.execute(sql.SQL(statement))
            _create_event_tables(settings)
        finally:
            pg.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return [f"events, data keys and sessions tables in schema {settings.database_schema}"]


def _create_event_tables(settings: Settings) -> None:
    store = EventStore(env=library_env(settings, create_tables=True))
    store.close()


class LocalWakeup:
    """Tells waiters in this process that a command just recorded events."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._count = 0

    def notify(self) -> None:
        """Events were recorded."""
        with self._condition:
            self._count += 1
            self._condition.notify_all()

    def wait_after(self, seen: int, timeout: float) -> int:
        """Wait until a notify after ``seen`` (or ``timeout``); returns the new count."""
        with self._condition:
            self._condition.wait_for(lambda: self._count != seen, timeout=timeout)
            return self._count


class PollingSignal:
    """For the embedded SQLite store, which cannot LISTEN.

    Commands of this process wake it at once (``LocalWakeup``); writes from other
    processes (a CLI beside `containr serve`) are seen within the poll ``interval``.
    """

    def __init__(self, wakeup: LocalWakeup | None = None, interval: float = 0.25) -> None:
        self._wakeup = wakeup or LocalWakeup()
        self._seen = 0
        self._interval = interval

    def wait(self, timeout: float) -> bool:
        """Wait for a local command or the poll interval, whichever comes first."""
        count = self._wakeup.wait_after(self._seen, min(self._interval, timeout))
        woken = count != self._seen
        self._seen = count
        return woken

    def close(self) -> None:
        """Nothing to release."""


class PostgresSignal:
    """Wakes on the NOTIFY the event store sends with every insert (LISTEN on its channel).

    When the database goes away it says "look" once a second (a missed NOTIFY would only
    delay), and listens again as soon as the database answers.
    """

    def __init__(self, settings: Settings, *, retry_seconds: float = 1.0) -> None:
        self._settings = settings
        self._retry = retry_seconds
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._next_try = 0.0
        self._listen()

    def _listen(self) -> psycopg.Connection[tuple[object, ...]] | None:
        if self._conn is None and time.monotonic() >= self._next_try:
            self._next_try = time.monotonic() + self._retry
            try:
                conn = pg_connect(self._settings, autocommit=True)
            except UnavailableError:
                return None
            try:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE)))
            except psycopg.Error:
                conn.close()
                return None
            self._conn = conn
        return self._conn

    def wait(self, timeout: float) -> bool:
        """Block until a NOTIFY arrives or ``timeout`` passes."""
        conn = self._listen()
        if conn is None:
            time.sleep(min(timeout, self._retry))
            return True  # cannot listen: the caller looks for itself
        try:
            for _ in conn.notifies(timeout=timeout, stop_after=1):
                return True
        except psycopg.Error:
            self.close()
            return True  # a NOTIFY may have been missed while the connection died
        return False

    def close(self) -> None:
        """Stop listening."""
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None


def pg_pool(settings: Settings, *, name: str, max_size: int = 4) -> GuardedPool:
    """A small pool on the settings' database, with the schema on the search path and the
    deadlines of API work; failing to reach the database raises UnavailableError."""
    assert settings.database_url is not None
    limits = DatabaseLimits.of(settings)
    return GuardedPool(
        settings.database_url,
        limits=limits,
        min_size=1,
        max_size=max_size,
        name=name,
        kwargs={
            "autocommit": True,
            **limits.connection_kwargs(search_path=f"{settings.database_schema},public"),
        },
        configure=storable_text,  # logs hold what containers print, NUL included
        open=True,
    )
