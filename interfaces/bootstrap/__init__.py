"""The one composition root: builds every adapter and service once per process.

The storage mode (storage.py: SQLite embedded, or PostgreSQL server) builds the stores; this
module wires them, once, into the services; processes.py builds the process managers.
"""

from __future__ import annotations

import functools
import logging
import os
import stat
import threading
from collections.abc import Callable
from uuid import UUID

import redis

from adapters.agent_relay import RedisAgentRelay
from adapters.auth import (
    Argon2Hasher,
    InProcessRateLimiter,
    JwtSigner,
    RedisRateLimiter,
)
from adapters.backup_stores import DirectoryAndS3Stores
from adapters.caddy import CaddyIngress
from adapters.caddy_tls import CertificateProbe
from adapters.changefeed import InProcessChangeFeed, RedisChangeFeed
from adapters.clock import SystemClock
from adapters.database_dumps import DockerDatabaseDumps
from adapters.git_providers import ProviderApis
from adapters.git_source import GitRepository
from adapters.git_webhooks import HttpWebhookReader
from adapters.notifiers import ChannelSender
from adapters.probes import NetworkProber
from adapters.proxmox import ProxmoxHypervisors
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from adapters.runtimes import DockerEngines
from adapters.secretbox import MASTER_KEY_FILE, AesGcmSecretBox, master_key
from adapters.sign_in_providers import AuthlibSignInProvider, ProviderConfig, github, gitlab
from application.access import AccessGate
from application.agent_operations import AgentSessions
from application.agents import AgentGateway
from application.alert_ports import AlertDelivery
from application.auth import AuthService
from application.backup_check import PlanDestinationCheck
from application.backup_destinations import BackupDestinationCheck, DestinationStores
from application.backup_ports import BackupStoreMaker, BackupStores, DatabaseDumps
from application.bus import CommandBus
from application.changes import Change, ChangeBatch, ChangeFeed, PositionWaiter
from application.database_figures import DatabaseFigures
from application.databases import database_images
from application.engine_access import NodeEngineAccess
from application.eventlog import EventLog
from application.git_providers import GitProviderApis
from application.git_sources import (
    ConnectionHealth,
    GitSources,
    ProviderConnections,
    RepositoryConnectionCheck,
)
from application.handlers import HANDLERS
from application.hypervisor_ports import Hypervisors
from application.limits import AuthPolicy, BoundedHasher
from application.member_pass import MemberPasses, derive_pass_key
from application.metrics_readings import StoreReplicaMetrics
from application.node_containers import NodeContainers
from application.notifications import AlertNotifications, NotifierTests, NotifierTransport
from application.plans import BuildPlans, build_engine
from application.ports import Clock, PasswordHasher, RateLimiter, SecretBox
from application.processes.autoscaler import ReplicaMetrics
from application.projections import Progress, TimeTravel
from application.promotion_check import PromotionCheck
from application.queries import Queries
from application.readmodels import AnalyticsQueries, DashboardQueries, HistoryQueries
from application.repository_check import RepositoryCheck
from application.runtime_ports import Ingress, NodeRuntimes, Prober, SourceRepository
from application.services import Services
from application.settings import Settings
from application.sign_in import ProviderSignIn, SignInProvider
from application.wake import WakeGate, WakeTokens, derive_wake_key
from application.webhook_intake import WebhookIntake
from interfaces.bootstrap.processes import ProcessParts, Pruning, processes, start_processes
from interfaces.bootstrap.storage import (
    EmbeddedStorage,
    ServerStorage,
    StorageMode,
    storage_for,
)

__all__ = [
    "DATABASES",
    "EmbeddedStorage",
    "ProcessParts",
    "Pruning",
    "ServerStorage",
    "StorageMode",
    "bootstrap",
    "change_feed",
    "migrate",
    "redis_answers",
    "secure_data_dir",
    "start_processes",
    "storage_for",
]

log = logging.getLogger(__name__)
DATABASES = ("containr.sqlite3", "readmodels.sqlite3")
"""The embedded store's SQLite files; their -wal, -shm, -journal and .lock files share the
name as a prefix."""


def change_feed(settings: Settings, storage: StorageMode) -> ChangeFeed:
    """Redis pub/sub when Redis is set (one channel per stored data); in-process otherwise."""
    if settings.redis_url is None:
        return InProcessChangeFeed()
    return RedisChangeFeed(settings.redis_url, f"containr:{storage.change_namespace}:changes")


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
    git_providers: GitProviderApis | None = None,
    replica_metrics: ReplicaMetrics | None = None,
    backup_stores: BackupStoreMaker | None = None,
    opened_backup_stores: BackupStores | None = None,
    database_dumps: DatabaseDumps | None = None,
    alert_delivery: AlertDelivery | None = None,
    notifier_transport: NotifierTransport | None = None,
) -> Services:
    """Build the services for ``settings``; keyword overrides replace adapters in tests."""
    closers: list[Callable[[], None]] = []
    secure_data_dir(settings)
    storage = storage_for(settings)
    store = storage.event_store()
    closers.append(store.close)
    closers.append(storage.close)
    clock = clock or SystemClock()
    key = master_key(settings)
    if secrets is None:
        secrets = AesGcmSecretBox(key, storage.data_keys())
    sessions = storage.sessions()
    if limiter is None:
        limiter = _rate_limiter(settings, closers)
    if changes is None:
        changes = change_feed(settings, storage)
        closers.append(changes.close)
    event_signal = storage.event_signal
    read_db = storage.read_database()
    read_store = SqlReadStore(read_db, pool_size=settings.database_pool_size)
    closers.append(read_store.close)
    host = ReadModelHost(store, read_db, feed=changes, settings=settings)
    event_log = EventLog(store)

    def run_projections(stop: threading.Event) -> list[threading.Thread]:
        return host.start(stop, event_signal)

    archives = storage.archives()
    bus = CommandBus(
        store,
        clock=clock,
        secrets=secrets,
        handlers=HANDLERS,
        deadlines=settings.deadline_policy(),
        on_recorded=storage.on_recorded,
        archives=archives,
        database_images=database_images(settings),
    )
    logs = storage.logs(changes)
    metrics = storage.metrics()
    timeseries = storage.timeseries()
    queries = Queries(store, secrets)
    dashboard = DashboardQueries(read_store)
    source = source or GitRepository()
    # Opening a connection imports its provider's client library, not bootstrapping.
    git_providers = git_providers or ProviderApis(timeout=settings.git_provider_timeout_ms / 1000)
    runtimes = runtimes or _engines(settings, dashboard, queries, secrets, closers)
    git = _git_sources(settings, git_providers, bus, queries, secrets, clock)
    prober = prober or NetworkProber()
    wake = WakeGate(
        bus=bus,
        tokens=WakeTokens(derive_wake_key(key)),
        prober=prober,
        instance=settings.instance,
        deadline=float(settings.start_timeout_seconds),
    )
    if ingress is not None:
        wake.ingress = ingress
    elif settings.ingress_admin is not None:  # the ingress is another process's: read it
        routes = CaddyIngress(settings.ingress_admin, listen=settings.ingress_listen)
        closers.append(routes.close)
        wake.ingress = routes
    stores = backup_stores or DirectoryAndS3Stores(secrets)
    # The destinations' stores, opened by id (tests may hand in their own, already opened).
    opened = opened_backup_stores or DestinationStores(stores, store, secrets)
    transport = notifier_transport or ChannelSender()
    run_processes = functools.partial(
        processes,
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
            prober=prober,
            read_db=read_db,
            hypervisors=hypervisors or ProxmoxHypervisors(),
            metrics=metrics,
            timeseries=timeseries,
            waiter=functools.partial(PositionWaiter, changes, read_store.positions),
            changes=changes,
            archives=archives,
            git_providers=git_providers,
            git=git,
            replica_metrics=replica_metrics or StoreReplicaMetrics(timeseries, dashboard),
            wake=wake,
            backup_stores=opened,
            database_dumps=database_dumps or DockerDatabaseDumps(),
            events=event_log,
            alert_delivery=alert_delivery or AlertNotifications(bus, dashboard),
            store=store,
            notifier_transport=transport,
        ),
    )
    signer = JwtSigner(key, settings.jwt_key_version)
    auth = AuthService(
        store,
        bus,
        hasher=BoundedHasher(
            hasher or Argon2Hasher(),
            concurrency=settings.hashing_concurrency,
            queue=settings.hashing_queue,
        ),
        signer=signer,
        sessions=sessions,
        limiter=limiter,
        secrets_box=secrets,
        clock=clock,
        session_ended=functools.partial(_announce_session_end, changes),
        policy=AuthPolicy.of(settings),
    )
    access = AccessGate(
        queries=queries,
        auth=auth,
        bus=bus,
        clock=clock,
        ingress_domain=settings.ingress_domain,
        passes=MemberPasses(derive_pass_key(key), clock),
    )
    return Services(
        access=access,
        dependencies=_dependencies(settings, storage),
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
        timeseries=timeseries,
        plans=BuildPlans(
            queries,
            source,
            secrets,
            settings.data_path / "workspaces",
            engine=build_engine(dashboard, runtimes, settings.docker_host),
        ),
        run_processes=run_processes,
        archives=archives,
        closers=tuple(closers),
        repositories=RepositoryCheck(source, queries, secrets),
        destinations=BackupDestinationCheck(stores, store, secrets),
        wake=wake,
        backup_stores=opened,
        notifier_tests=NotifierTests(store, secrets, transport, clock),
        agents=AgentGateway(
            store,
            bus,
            clock,
            timeseries=timeseries,
            # the agents connected to this process carry their nodes' operations (issue 18)
            sessions=runtimes.agents if isinstance(runtimes, DockerEngines) else None,
            instance=settings.instance,
        ),
        alert_delivery=alert_delivery or AlertNotifications(bus, dashboard),  # stateless
        promotions=PromotionCheck(queries, dashboard, runtimes),
        plan_destinations=PlanDestinationCheck(opened, queries),
        webhooks=WebhookIntake(
            queries=queries, reader=HttpWebhookReader(), bus=bus, clock=clock, store=store
        ),
        git_providers=git_providers,
        git=git,
        databases=DatabaseFigures(queries, runtimes, settings.docker_host),
        node_containers=NodeContainers(runtimes, settings.instance),
        certificates=(
            CertificateProbe(settings.ingress_tls_listen)
            if settings.ingress_tls_listen is not None
            else None
        ),
        sign_in=ProviderSignIn(
            sign_in_providers(settings),
            store=store,
            bus=bus,
            auth=auth,
            signer=signer,
            sessions=sessions,
            limiter=limiter,
            clock=clock,
        ),
    )


def _engines(
    settings: Settings,
    dashboard: DashboardQueries,
    queries: Queries,
    secrets: SecretBox,
    closers: list[Callable[[], None]],
) -> NodeRuntimes:
    """The nodes' Docker engines, each reached as its node says (TLS, address; issue 18), and
    the agents' nodes through whichever process of the installation holds their connection
    (Redis carries the operations between processes; without it, this process is alone)."""
    relay = (
        RedisAgentRelay(settings.redis_url, f"containr:{settings.instance}")
        if settings.redis_url is not None
        else None
    )
    engines = DockerEngines(
        NodeEngineAccess(dashboard, queries, secrets), AgentSessions(relay=relay)
    )
    closers.append(engines.close)
    if relay is not None:
        closers.append(relay.close)
    return engines


def _git_sources(
    settings: Settings,
    apis: GitProviderApis | None,
    bus: CommandBus,
    queries: Queries,
    secrets: SecretBox,
    clock: Clock,
) -> GitSources | None:
    """The provider side of git connections, when a provider client is wired in."""
    if apis is None:
        return None
    connections = ProviderConnections(apis, queries, secrets)
    return GitSources(
        connections=connections,
        health=ConnectionHealth(bus, connections, clock),
        check=RepositoryConnectionCheck(connections, settings.public_url),
        public_url=settings.public_url,
    )


def sign_in_providers(settings: Settings) -> dict[str, SignInProvider]:
    """The providers people may sign in with: those given a client id and secret."""
    timeout = float(settings.sign_in_timeout_seconds)
    configs: list[ProviderConfig] = []
    if settings.github_client_id and settings.github_client_secret:
        configs.append(
            github(
                settings.github_client_id,
                settings.github_client_secret,
                base_url=settings.github_url,
                api_url=settings.github_api_url,
                scopes=settings.github_scopes,
                timeout=timeout,
            )
        )
    if settings.gitlab_client_id and settings.gitlab_client_secret:
        configs.append(
            gitlab(
                settings.gitlab_client_id,
                settings.gitlab_client_secret,
                base_url=settings.gitlab_url,
                scopes=settings.gitlab_scopes,
                timeout=timeout,
            )
        )
    return {config.name: AuthlibSignInProvider(config) for config in configs}


def _rate_limiter(settings: Settings, closers: list[Callable[[], None]]) -> RateLimiter:
    """Login attempts counted in Redis when it is set (shared by every API process)."""
    if settings.redis_url is None:
        return InProcessRateLimiter()
    limiter = RedisRateLimiter(settings.redis_url, f"containr:{settings.instance}")
    closers.append(limiter.close)
    return limiter


def _dependencies(settings: Settings, storage: StorageMode) -> dict[str, Callable[[], bool]]:
    """Outside services the process needs, each with a check that it answers."""
    dependencies = storage.dependencies()
    if settings.redis_url is not None:
        dependencies["redis"] = functools.partial(redis_answers, settings.redis_url)
    return dependencies


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
    storage = storage_for(settings)
    done = storage.migrate()
    store = storage.event_store()
    try:
        host = ReadModelHost(store, storage.read_database())
        done.extend(host.migrate(progress))
    finally:
        store.close()
    return done
