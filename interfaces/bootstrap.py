"""The one composition root: builds every adapter and service once per process."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import redis

from adapters.auth import (
    Argon2Hasher,
    InProcessRateLimiter,
    JwtSigner,
    PostgresSessionStore,
    RedisRateLimiter,
    SqliteSessionStore,
)
from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, CaddyStartError
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
from adapters.git_source import GitRepository
from adapters.logstore import PostgresLogStore, SqliteLogStore
from adapters.metricstore import PostgresMetricStore, SqliteMetricStore
from adapters.postgres import DatabaseLimits, database_answers
from adapters.probes import NetworkProber
from adapters.proxmox import ProxmoxHypervisors
from adapters.readstore.database import ReadDatabase, SqliteReadDatabase, open_read_database
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from adapters.runtimes import DockerEngines
from adapters.secretbox import (
    MASTER_KEY_FILE,
    AesGcmSecretBox,
    PostgresKeyStore,
    SqliteKeyStore,
    master_key,
)
from application.auth import AuthService
from application.bus import CommandBus
from application.changes import Change, ChangeBatch, ChangeFeed, PositionWaiter
from application.errors import UnavailableError
from application.eventlog import EventLog
from application.handlers import HANDLERS
from application.hypervisor_ports import Hypervisors, MetricStore
from application.limits import AuthPolicy, BoundedHasher
from application.logs import LogStore
from application.plans import BuildPlans, build_engine
from application.ports import Clock, EventSignal, PasswordHasher, RateLimiter, SecretBox
from application.processes.deployer import Deployer, DeployerConfig
from application.processes.guests import GuestManager
from application.processes.reconciler import Reconciler
from application.projections import Progress, TimeTravel
from application.queries import Queries
from application.readmodels import AnalyticsQueries, DashboardQueries, HistoryQueries
from application.repository_check import RepositoryCheck
from application.runtime_ports import Ingress, NodeRuntimes, Prober, SourceRepository
from application.services import Services
from application.settings import Settings

log = logging.getLogger(__name__)
DATABASES = ("containr.sqlite3", "readmodels.sqlite3")
"""The embedded store's SQLite files; their -wal, -shm, -journal and .lock files share the
name as a prefix."""


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
    runtimes: NodeRuntimes | None = None,
    source: SourceRepository | None = None,
    ingress: Ingress | None = None,
    prober: Prober | None = None,
    hypervisors: Hypervisors | None = None,
) -> Services:
    """Build the services for ``settings``; keyword overrides replace adapters in tests."""
    closers: list[Callable[[], None]] = []
    secure_data_dir(settings)
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
            redis_limiter = RedisRateLimiter(settings.redis_url, f"containr:{settings.instance}")
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
        deadlines=settings.deadline_policy(),
        on_recorded=wakeup.notify if wakeup is not None else None,
    )
    logs = (
        SqliteLogStore(settings.sqlite_path, changes)
        if pool is None
        else PostgresLogStore(pool, changes)
    )
    metrics = SqliteMetricStore(settings.sqlite_path) if pool is None else PostgresMetricStore(pool)
    queries = Queries(store, secrets)
    dashboard = DashboardQueries(read_store)
    source = source or GitRepository()
    runtimes = runtimes or DockerEngines()
    run_processes = functools.partial(
        _processes,
        settings,
        ProcessParts(
            bus=bus,
            queries=queries,
            dashboard=dashboard,
            logs=logs,
            secrets=secrets,
            clock=clock,
            runtimes=runtimes,
            source=source,
            ingress=ingress,
            prober=prober or NetworkProber(),
            read_db=read_db,
            hypervisors=hypervisors or ProxmoxHypervisors(),
            metrics=metrics,
            waiter=functools.partial(PositionWaiter, changes, read_store.positions),
            changes=changes,
        ),
    )
    auth = AuthService(
        store,
        bus,
        hasher=BoundedHasher(
            hasher or Argon2Hasher(),
            concurrency=settings.hashing_concurrency,
            queue=settings.hashing_queue,
        ),
        signer=JwtSigner(key, settings.jwt_key_version),
        sessions=sessions,
        limiter=limiter,
        secrets_box=secrets,
        clock=clock,
        session_ended=functools.partial(_announce_session_end, changes),
        policy=AuthPolicy.of(settings),
    )
    dependencies: dict[str, Callable[[], bool]] = {}
    if settings.database_url is not None:
        dependencies["database"] = functools.partial(
            database_answers, settings.database_url, DatabaseLimits.of(settings)
        )
    if settings.redis_url is not None:
        dependencies["redis"] = functools.partial(redis_answers, settings.redis_url)
    return Services(
        dependencies=dependencies,
        settings=settings,
        store=store,
        commands=bus,
        auth=auth,
        queries=queries,
        events=event_log,
        secrets=secrets,
        clock=clock,
        event_signal=event_signal,
        read_store=read_store,
        dashboard=dashboard,
        history=HistoryQueries(read_store),
        analytics=AnalyticsQueries(read_store),
        projections=host,
        time_travel=TimeTravel(host, read_store, event_log),
        changes=changes,
        run_projections=run_projections,
        logs=logs,
        metrics=metrics,
        plans=BuildPlans(
            queries,
            source,
            secrets,
            settings.data_path / "workspaces",
            engine=build_engine(dashboard, runtimes, settings.docker_host),
        ),
        run_processes=run_processes,
        closers=tuple(closers),
        repositories=RepositoryCheck(source, queries, secrets),
    )


@dataclass(frozen=True)
class ProcessParts:
    """What the process managers (deployer, reconciler, guest manager) are made of."""

    bus: CommandBus
    queries: Queries
    dashboard: DashboardQueries
    logs: LogStore
    secrets: SecretBox
    clock: Clock
    runtimes: NodeRuntimes
    source: SourceRepository
    ingress: Ingress | None
    prober: Prober
    read_db: ReadDatabase
    hypervisors: Hypervisors
    metrics: MetricStore
    waiter: Callable[[], PositionWaiter]
    changes: ChangeFeed


def _processes(
    settings: Settings,
    parts: ProcessParts,
    stop: threading.Event,
) -> list[threading.Thread]:
    """Build the deployer, the reconciler and the guest manager; they run in threads of this
    process while it leads (see start_processes)."""
    extra: list[threading.Thread] = []
    ingress = parts.ingress
    if ingress is None and settings.ingress_admin is not None:
        ingress = CaddyIngress(settings.ingress_admin, listen=settings.ingress_listen)
    elif ingress is None and settings.is_embedded and CaddyServer.available():
        ingress = _embedded_caddy(settings, stop, extra)
    waiter = parts.waiter()

    def wait_for(position: int) -> None:
        """Read-your-writes for the deployer: its next look at the dashboard sees it."""
        waiter.wait(position, ("dashboard",), timeout=10)

    deployer = Deployer(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        logs=parts.logs,
        secrets=parts.secrets,
        source=parts.source,
        runtimes=parts.runtimes,
        prober=parts.prober,
        ingress=ingress,
        clock=parts.clock,
        wait_for=wait_for,
        config=DeployerConfig(
            workspace=settings.data_path / "workspaces",
            local_endpoint=settings.docker_host,
            local_cpu_millis=(os.cpu_count() or 1) * 1000,
            local_memory_mb=_memory_mb(),
            ingress_domain=settings.ingress_domain,
            instance=settings.instance,
        ),
    )
    reconciler = Reconciler(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        runtimes=parts.runtimes,
        ingress=ingress,
        logs=parts.logs,
        secrets=parts.secrets,
        clock=parts.clock,
        deployer=deployer,
        local_endpoint=settings.docker_host,
    )
    guests = GuestManager(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        secrets=parts.secrets,
        hypervisors=parts.hypervisors,
        metrics=parts.metrics,
        clock=parts.clock,
    )
    return extra + start_processes(
        deployer, reconciler, parts.logs, settings, stop, parts.changes, parts.read_db, guests
    )


def _memory_mb() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20)
    except (ValueError, OSError):
        return 4096


def _embedded_caddy(
    settings: Settings, stop: threading.Event, threads: list[threading.Thread]
) -> Ingress | None:
    """A Caddy of this process's own (embedded mode), stopped with the processes."""
    server = CaddyServer(settings.data_path / "caddy")
    try:
        server.start()
    except CaddyStartError as e:
        log.warning("no ingress: %s", e)
        return None
    log.info("ingress: Caddy serves deployed web services on http://%s", settings.ingress_listen)

    def stop_with_processes() -> None:
        stop.wait()
        server.stop()

    thread = threading.Thread(target=stop_with_processes, name="containr-caddy", daemon=True)
    thread.start()
    threads.append(thread)
    return CaddyIngress(server.admin_url, listen=settings.ingress_listen)


def start_processes(
    deployer: Deployer,
    reconciler: Reconciler,
    logs: LogStore,
    settings: Settings,
    stop: threading.Event,
    changes: ChangeFeed,
    read_db: ReadDatabase,
    guests: GuestManager,
) -> list[threading.Thread]:
    """The deployer, the reconciler and log pruning, in the one process that leads them.

    Every ``serve`` and ``worker`` process competes for one lock (a PostgreSQL advisory lock,
    or a lock file when embedded); the holder runs the process managers, the others stand by
    and take over when the holder's connection (or process) dies.
    """

    def deploy(inner: threading.Event) -> None:
        # The deployer reads the dashboard: wake it when the dashboard changed, not on the
        # raw event (the read model would not show it yet).
        changed = threading.Event()

        def heard(batch: ChangeBatch) -> None:
            if batch.model == "dashboard":
                changed.set()

        def wait(seconds: float) -> None:
            changed.wait(seconds)
            changed.clear()

        unlisten = changes.listen(heard)
        try:
            deployer.run(inner, wait)
        finally:
            unlisten()

    def reconcile(inner: threading.Event) -> None:
        reconciler.run(inner, inner.wait)

    def prune(inner: threading.Event) -> None:
        while not inner.wait(600):
            try:
                logs.prune(settings.log_lines_kept)
            except Exception:  # the database may be away: try again next time
                log.exception("pruning the logs failed")

    def manage_guests(inner: threading.Event) -> None:
        guests.run(inner, inner.wait)

    targets = (
        ("containr-deployer", deploy),
        ("containr-reconciler", reconcile),
        ("containr-guests", manage_guests),
        ("containr-prune", prune),
    )
    thread = threading.Thread(
        target=_lead, args=(stop, read_db, targets), name="containr-processes", daemon=True
    )
    thread.start()
    return [thread]


def _lead(
    stop: threading.Event,
    read_db: ReadDatabase,
    targets: tuple[tuple[str, Callable[[threading.Event], None]], ...],
) -> None:
    """Compete for the lead; while leading, run each target in a thread of its own."""
    away = False
    while not stop.is_set():
        conn = None
        inner = threading.Event()
        children: list[threading.Thread] = []
        try:
            conn = read_db.connect("processes")
            if not read_db.try_lead(conn, "processes"):
                conn.close()
                stop.wait(2.0)
                continue
            log.info("leading the process managers")
            away = False
            children = [
                threading.Thread(target=target, args=(inner,), name=name, daemon=True)
                for name, target in targets
            ]
            for child in children:
                child.start()
            while not stop.wait(5.0):
                read_db.still_leading(conn)
        except UnavailableError:  # say it once; stand by until the database answers
            if not away:
                log.warning("the database is away: the process managers stand by")
            away = True
            stop.wait(1.0)
        except Exception:
            log.exception("lost the lead of the process managers; standing by")
            stop.wait(1.0)
        finally:
            inner.set()
            for child in children:
                child.join(timeout=15)
            if isinstance(read_db, SqliteReadDatabase):
                read_db.release("processes")
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()


def _announce_session_end(changes: ChangeFeed, session_id: UUID) -> None:
    """A change notice that a session ended: its open subscriptions, in any API process, end."""
    changes.publish(ChangeBatch("auth", 0, [Change("session", str(session_id), 0)]))


def redis_answers(url: str) -> bool:
    """Whether Redis answers a PING."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def secure_data_dir(settings: Settings) -> None:
    """Keep the data directory to this user: the directory 0700, and Containr's files in it
    (SQLite stores, their WAL, shared-memory and lock files, the master key) 0600.

    Called before anything opens a file there. SQLite gives a database's -wal, -shm and
    -journal files the mode of the database file, so creating the databases 0600 first is
    what keeps those private; lock files are opened 0600 where they are made. A directory
    that is not ours, or is shared (sticky, like /tmp), keeps its mode: only Containr's own
    files in it are tightened.
    """
    path = settings.data_path
    if not settings.is_embedded and not path.exists():
        return  # the server setup keeps its data in PostgreSQL; workspaces come later
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX:
        if stat.S_IMODE(info.st_mode) != 0o700:
            log.info("data directory %s: mode %o -> 700", path, stat.S_IMODE(info.st_mode))
            path.chmod(0o700)
    else:
        log.warning(
            "data directory %s is shared or not ours: only its files are made private", path
        )
    if settings.is_embedded:
        for name in DATABASES:
            os.close(os.open(path / name, os.O_WRONLY | os.O_CREAT, 0o600))
    for entry in path.iterdir():
        ours = entry.name == MASTER_KEY_FILE or entry.name.startswith(DATABASES)
        if ours and entry.is_file() and not entry.is_symlink():
            try:
                entry.chmod(0o600)
            except PermissionError:
                log.warning("%s belongs to another user: cannot make it private", entry)


def migrate(settings: Settings, progress: Progress | None = None) -> list[str]:
    """Create the tables for ``settings`` (idempotent); what `containr migrate` runs."""
    secure_data_dir(settings)
    done = migrate_event_store(settings)
    store = open_event_store(settings)
    try:
        host = ReadModelHost(store, open_read_database(settings))
        done.extend(host.migrate(progress))
    finally:
        store.close()
    return done
