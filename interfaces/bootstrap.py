"""The one composition root: builds every adapter and service once per process."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import redis

from adapters.auth import (
    Argon2Hasher,
    InProcessRateLimiter,
    JwtSigner,
    PostgresSessionStore,
    RedisRateLimiter,
    SqliteSessionStore,
)
from adapters.changefeed import InProcessChangeFeed, RedisChangeFeed
from adapters.clock import SystemClock
from adapters.eventstore import (
    LocalWakeup,
    PollingSignal,
    PostgresSignal,
    open_event_store,
    pg_pool,
)
from adapters.eventstore import migrate as migrate_event_store
from adapters.readstore.database import open_read_database
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from adapters.secretbox import AesGcmSecretBox, PostgresKeyStore, SqliteKeyStore, master_key
from application.auth import AuthService
from application.bus import CommandBus
from application.changes import ChangeFeed
from application.eventlog import EventLog
from application.handlers import HANDLERS
from application.ports import Clock, EventSignal, PasswordHasher, RateLimiter, SecretBox
from application.projections import Progress, TimeTravel
from application.queries import Queries
from application.readmodels import AnalyticsQueries, DashboardQueries, HistoryQueries
from application.services import Services
from application.settings import Settings


def change_feed(settings: Settings) -> ChangeFeed:
    """Redis pub/sub in the server setup (one channel per schema); in-process otherwise."""
    if settings.redis_url is None:
        return InProcessChangeFeed()
    namespace = settings.database_schema if settings.database_url else "embedded"
    return RedisChangeFeed(settings.redis_url, f"containr:{namespace}:changes")


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    secrets: SecretBox | None = None,
    changes: ChangeFeed | None = None,
    hasher: PasswordHasher | None = None,
    limiter: RateLimiter | None = None,
) -> Services:
    """Build the services for ``settings``; keyword overrides replace adapters in tests."""
    closers: list[Callable[[], None]] = []
    store = open_event_store(settings)
    closers.append(store.close)
    clock = clock or SystemClock()
    key = master_key(settings)
    pool = None
    if settings.database_url is not None:
        pool = pg_pool(settings, name="containr-keys", max_size=4)
        closers.append(pool.close)
    if secrets is None:
        if pool is None:
            secrets = AesGcmSecretBox(key, SqliteKeyStore(settings.sqlite_path))
        else:
            secrets = AesGcmSecretBox(key, PostgresKeyStore(pool))
    sessions = (
        SqliteSessionStore(settings.sqlite_path) if pool is None else PostgresSessionStore(pool)
    )
    if limiter is None:
        if settings.redis_url is None:
            limiter = InProcessRateLimiter()
        else:
            redis_limiter = RedisRateLimiter(
                settings.redis_url, f"containr:{settings.database_schema}"
            )
            closers.append(redis_limiter.close)
            limiter = redis_limiter
    if changes is None:
        changes = change_feed(settings)
        closers.append(changes.close)

    wakeup = LocalWakeup() if settings.database_url is None else None

    def event_signal() -> EventSignal:
        if settings.database_url is None:
            return PollingSignal(wakeup)
        return PostgresSignal(settings)

    read_db = open_read_database(settings)
    read_store = SqlReadStore(read_db, pool_size=settings.database_pool_size)
    closers.append(read_store.close)
    host = ReadModelHost(store, read_db, feed=changes, settings=settings)
    event_log = EventLog(store)

    def run_projections(stop: threading.Event) -> list[threading.Thread]:
        return host.start(stop, event_signal)

    bus = CommandBus(
        store,
        clock=clock,
        secrets=secrets,
        handlers=HANDLERS,
        on_recorded=wakeup.notify if wakeup is not None else None,
    )
    auth = AuthService(
        store,
        bus,
        hasher=hasher or Argon2Hasher(),
        signer=JwtSigner(key, settings.jwt_key_version),
        sessions=sessions,
        limiter=limiter,
        secrets_box=secrets,
        clock=clock,
    )
    dependencies: dict[str, Callable[[], bool]] = {}
    if settings.redis_url is not None:
        dependencies["redis"] = functools.partial(redis_answers, settings.redis_url)
    return Services(
        dependencies=dependencies,
        settings=settings,
        store=store,
        commands=bus,
        auth=auth,
        queries=Queries(store, secrets),
        events=event_log,
        secrets=secrets,
        clock=clock,
        event_signal=event_signal,
        read_store=read_store,
        dashboard=DashboardQueries(read_store),
        history=HistoryQueries(read_store),
        analytics=AnalyticsQueries(read_store),
        projections=host,
        time_travel=TimeTravel(host, read_store, event_log),
        changes=changes,
        run_projections=run_projections,
        closers=tuple(closers),
    )


def redis_answers(url: str) -> bool:
    """Whether Redis answers a PING."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def migrate(settings: Settings, progress: Progress | None = None) -> list[str]:
    """Create the tables for ``settings`` (idempotent); what `containr migrate` runs."""
    done = migrate_event_store(settings)
    store = open_event_store(settings)
    try:
        host = ReadModelHost(store, open_read_database(settings))
        done.extend(host.migrate(progress))
    finally:
        store.close()
    return done
