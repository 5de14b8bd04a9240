"""Where a process keeps its data: one factory per storage mode, embedded or server.

``bootstrap`` asks ``storage_for(settings)`` for the mode and builds every store through it,
so the choice between SQLite and PostgreSQL is made here once, not again for every store.
Building a mode opens nothing; each store is made when bootstrap asks for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

from adapters.archives import PostgresSourceArchives, SqliteSourceArchives
from adapters.auth import PostgresSessionStore, SqliteSessionStore
from adapters.eventstore import (
    LocalWakeup,
    PollingSignal,
    PostgresSignal,
    open_event_store,
    pg_pool,
)
from adapters.eventstore import migrate as migrate_event_store
from adapters.logstore import PostgresLogStore, SqliteLogStore
from adapters.metricstore import PostgresMetricStore, SqliteMetricStore
from adapters.postgres import DatabaseLimits, GuardedPool, database_answers
from adapters.readstore.database import (
    PostgresReadDatabase,
    SqliteReadDatabase,
    open_read_database,
)
from adapters.secretbox import KeyStore, PostgresKeyStore, SqliteKeyStore
from adapters.timeseries import PostgresTimeSeries, SqliteTimeSeries
from application.archives import ArchiveLimits, SourceArchives
from application.changes import ChangeFeed
from application.eventstore import EventStore
from application.hypervisor_ports import MetricStore
from application.logs import LogStore
from application.metrics_ports import TimeSeriesStore
from application.ports import EventSignal, SessionStore
from application.settings import Settings


class StorageMode(Protocol):
    """The event store, the read models and the stores beside them, in one kind of database."""

    @property
    def change_namespace(self) -> str:
        """What names this data in change-notice channels (processes sharing data share it)."""
        ...

    @property
    def on_recorded(self) -> Callable[[], None] | None:
        """Called after each command's events are saved, where followers must be woken."""
        ...

    def event_store(self) -> EventStore:
        """The event store of a running process (its tables exist: see ``migrate``)."""
        ...

    def read_database(self) -> PostgresReadDatabase | SqliteReadDatabase:
        """The database of the read models."""
        ...

    def event_signal(self) -> EventSignal:
        """A new signal that the event sequence grew, for one follower."""
        ...

    def data_keys(self) -> KeyStore:
        """The organisations' data keys, wrapped by the master key."""
        ...

    def sessions(self) -> SessionStore:
        """Login sessions."""
        ...

    def archives(self) -> SourceArchives:
        """Uploaded source archives."""
        ...

    def logs(self, changes: ChangeFeed) -> LogStore:
        """Build and runtime log lines, announced on ``changes``."""
        ...

    def metrics(self) -> MetricStore:
        """Node samples over time."""
        ...

    def timeseries(self) -> TimeSeriesStore:
        """Replica, service and node measurements (raw samples and rollups)."""
        ...

    def dependencies(self) -> dict[str, Callable[[], bool]]:
        """The outside services this mode needs, each with a check that it answers."""
        ...

    def migrate(self) -> list[str]:
        """Create the event store's tables and the tables beside it (idempotent)."""
        ...

    def close(self) -> None:
        """Close what the mode itself opened (the stores it built close on their own)."""
        ...


def storage_for(settings: Settings) -> StorageMode:
    """The mode the settings ask for: PostgreSQL with a database URL, SQLite without."""
    if settings.is_embedded:
        return EmbeddedStorage(settings)
    return ServerStorage(settings)


def _archive_limits(settings: Settings) -> ArchiveLimits:
    return ArchiveLimits(
        max_bytes=settings.upload_max_bytes,
        max_unpacked_bytes=settings.upload_max_unpacked_bytes,
    )


class EmbeddedStorage:
    """One process, SQLite files in the data directory: followers poll the event sequence,
    woken at once by commands recorded in this process."""

    change_namespace = "embedded"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._wakeup = LocalWakeup()

    @property
    def on_recorded(self) -> Callable[[], None] | None:
        """Wake this process's followers: SQLite has no notifications of its own."""
        return self._wakeup.notify

    def event_store(self) -> EventStore:
        """The SQLite event store."""
        return open_event_store(self._settings)

    def read_database(self) -> PostgresReadDatabase | SqliteReadDatabase:
        """The SQLite read-model database."""
        return open_read_database(self._settings)

    def event_signal(self) -> EventSignal:
        """Polling, woken by this process's own commands."""
        return PollingSignal(self._wakeup)

    def data_keys(self) -> KeyStore:
        """Data keys in the embedded database."""
        return SqliteKeyStore(self._settings.sqlite_path)

    def sessions(self) -> SessionStore:
        """Sessions in the embedded database."""
        return SqliteSessionStore(self._settings.sqlite_path)

    def archives(self) -> SourceArchives:
        """Archives in the embedded database."""
        settings = self._settings
        return SqliteSourceArchives(
            settings.sqlite_path, _archive_limits(settings), spool=settings.data_path / "uploads"
        )

    def logs(self, changes: ChangeFeed) -> LogStore:
        """Log lines in the embedded database."""
        return SqliteLogStore(self._settings.sqlite_path, changes)

    def metrics(self) -> MetricStore:
        """Samples in the embedded database."""
        return SqliteMetricStore(self._settings.sqlite_path)

    def timeseries(self) -> TimeSeriesStore:
        """Measurements in the embedded database."""
        return SqliteTimeSeries(self._settings.sqlite_path)

    def dependencies(self) -> dict[str, Callable[[], bool]]:
        """None: the files are local."""
        return {}

    def migrate(self) -> list[str]:
        """Create the tables in the embedded database."""
        return migrate_event_store(self._settings)

    def close(self) -> None:
        """Nothing of its own to close."""


class ServerStorage:
    """PostgreSQL shared by any number of processes: followers listen for notifications; the
    small stores share one pool, opened when the first of them is built."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._opened: GuardedPool | None = None

    @property
    def change_namespace(self) -> str:
        """The schema: processes on the same schema hear each other."""
        return self._settings.database_schema

    @property
    def on_recorded(self) -> Callable[[], None] | None:
        """None: PostgreSQL notifies followers in every process."""
        return None

    @functools.cached_property
    def _pool(self) -> GuardedPool:
        self._opened = pg_pool(self._settings, name="containr-keys", max_size=4)
        return self._opened

    def event_store(self) -> EventStore:
        """The PostgreSQL event store."""
        return open_event_store(self._settings)

    def read_database(self) -> PostgresReadDatabase | SqliteReadDatabase:
        """The read models' schema in PostgreSQL."""
        return open_read_database(self._settings)

    def event_signal(self) -> EventSignal:
        """LISTEN/NOTIFY on the event store."""
        return PostgresSignal(self._settings)

    def data_keys(self) -> KeyStore:
        """Data keys in PostgreSQL."""
        return PostgresKeyStore(self._pool)

    def sessions(self) -> SessionStore:
        """Sessions in PostgreSQL."""
        return PostgresSessionStore(self._pool)

    def archives(self) -> SourceArchives:
        """Archives in PostgreSQL."""
        settings = self._settings
        return PostgresSourceArchives(
            self._pool, _archive_limits(settings), spool=settings.data_path / "uploads"
        )

    def logs(self, changes: ChangeFeed) -> LogStore:
        """Log lines in PostgreSQL."""
        return PostgresLogStore(self._pool, changes)

    def metrics(self) -> MetricStore:
        """Samples in PostgreSQL."""
        return PostgresMetricStore(self._pool)

    def timeseries(self) -> TimeSeriesStore:
        """Measurements in PostgreSQL (written with COPY)."""
        return PostgresTimeSeries(self._pool)

    def dependencies(self) -> dict[str, Callable[[], bool]]:
        """The database."""
        settings = self._settings
        assert settings.database_url is not None  # a server mode has one (storage_for)
        return {
            "database": functools.partial(
                database_answers, settings.database_url, DatabaseLimits.of(settings)
            )
        }

    def migrate(self) -> list[str]:
        """Create the schema and its tables in PostgreSQL."""
        return migrate_event_store(self._settings)

    def close(self) -> None:
        """Close the pool, if a store opened it."""
        if self._opened is not None:
            self._opened.close()
