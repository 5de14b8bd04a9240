"""The one composition root: builds every adapter and service once per process."""

from __future__ import annotations

from collections.abc import Callable

from adapters.clock import SystemClock
from adapters.eventstore import PollingSignal, PostgresSignal, open_event_store, pg_pool
from adapters.eventstore import migrate as run_migrations
from adapters.secretbox import AesGcmSecretBox, PostgresKeyStore, SqliteKeyStore, master_key
from application.bus import CommandBus
from application.eventlog import EventLog
from application.handlers import HANDLERS
from application.ports import Clock, EventSignal, SecretBox
from application.queries import Queries
from application.services import Services
from application.settings import Settings


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    secrets: SecretBox | None = None,
) -> Services:
    """Build the services for ``settings``; keyword overrides replace adapters in tests."""
    closers: list[Callable[[], None]] = []
    store = open_event_store(settings)
    closers.append(store.close)
    clock = clock or SystemClock()
    if secrets is None:
        key = master_key(settings)
        if settings.database_url is None:
            secrets = AesGcmSecretBox(key, SqliteKeyStore(settings.sqlite_path))
        else:
            pool = pg_pool(settings, name="containr-keys", max_size=2)
            closers.append(pool.close)
            secrets = AesGcmSecretBox(key, PostgresKeyStore(pool))

    def event_signal() -> EventSignal:
        if settings.database_url is None:
            return PollingSignal()
        return PostgresSignal(settings)

    bus = CommandBus(
        store,
        clock=clock,
        secrets=secrets,
        handlers=HANDLERS,
    )
    return Services(
        settings=settings,
        store=store,
        commands=bus,
        queries=Queries(store, secrets),
        events=EventLog(store),
        secrets=secrets,
        clock=clock,
        event_signal=event_signal,
        closers=tuple(closers),
    )


def migrate(settings: Settings) -> list[str]:
    """Create the tables for ``settings`` (idempotent); what `containr migrate` runs."""
    return run_migrations(settings)
