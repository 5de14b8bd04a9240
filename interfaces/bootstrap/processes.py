"""The process managers of one process: the deployer, the reconciler, the guest manager and
pruning, run in threads while this process leads them."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from uuid import UUID

from adapters.app_metrics import AppMetricsSource
from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, CaddyStartError
from adapters.caddy_tls import CaddyCertificates
from adapters.container_stats import MetricsCollection
from adapters.dns_server import InternalDns
from adapters.ingress_metrics import AccessLogTail, RouteMetricsSource
from adapters.ingresses import ReplicatedIngress
from adapters.readstore.database import ReadDatabase, SqliteReadDatabase
from application.alert_ports import AlertDelivery
from application.alert_readings import AlertReadings
from application.archives import SourceArchives, archive_id
from application.backup_ports import BackupStores, DatabaseDumps
from application.bus import CommandBus
from application.changes import ChangeBatch, ChangeFeed, PositionWaiter
from application.databases import ENGINES
from application.errors import UnavailableError
from application.eventlog import EventLog
from application.eventstore import EventStore
from application.git_providers import GitProviderApis
from application.git_sources import GitSources
from application.hypervisor_ports import Hypervisors, MetricStore
from application.internal_dns import DnsTableBuilder
from application.logs import LogStore
from application.metrics_ports import TimeSeriesStore
from application.metrics_readings import StoreReplicaMetrics, StoreRouteActivity
from application.notifications import NotifierTransport
from application.ports import Clock, SecretBox
from application.processes.alerts import AlertProcess
from application.processes.autoscaler import Autoscaler, NoMetrics, ReplicaMetrics
from application.processes.backups import BackupConfig, BackupProcess
from application.processes.commit_checks import CommitChecksProcess
from application.processes.commit_statuses import CommitStatusProcess
from application.processes.cron import CronConfig, CronScheduler
from application.processes.deployer import Deployer, DeployerConfig
from application.processes.failover import FailoverConfig, FailoverProcess
from application.processes.git_connections import GitConnectionsProcess
from application.processes.guests import GuestManager
from application.processes.health import HealthMonitor
from application.processes.images import ImageCollector
from application.processes.notifications import NotificationProcess
from application.processes.previews import PreviewConfig, PreviewProcess
from application.processes.reconciler import Reconciler
from application.processes.snapshots import SnapshotConfig, SnapshotProcess
from application.processes.webhooks import WebhookProcess
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.registries import ImageRegistries
from application.runtime_ports import (
    Ingress,
    NodeRuntimes,
    Prober,
    RegistryLogin,
    Route,
    SourceRepository,
)
from application.settings import Settings
from application.wake import WakeGate

log = logging.getLogger("interfaces.bootstrap")  # the name these lines had before the split


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
    timeseries: TimeSeriesStore
    waiter: Callable[[], PositionWaiter]
    changes: ChangeFeed
    archives: SourceArchives
    git_providers: GitProviderApis | None = None
    """The git providers' REST APIs (commit statuses, checks, pull request comments); None:
    the commit status and wait-for-CI processes do not run in this process."""
    """The git providers' REST APIs (commit statuses, checks, pull request comments)."""
    git: GitSources | None = None
    """The git providers' side (None: no provider client is wired in)."""
    replica_metrics: ReplicaMetrics | None = None
    """Where the autoscaler reads replicas' metrics (None: nowhere yet, every metric is
    unavailable and nothing scales; issue 16 wires the metrics store's reader here)."""
    wake: WakeGate | None = None
    """The wake handler of sleeping services (its routes are signed with its tokens)."""
    backup_stores: BackupStores | None = None
    database_dumps: DatabaseDumps | None = None
    """Backup destinations and the engines' dump tools (None: the backup process does not run)."""
    events: EventLog | None = None
    """The event log (the alert process counts a live release's lost replicas in it)."""
    alert_delivery: AlertDelivery | None = None
    """The notifiers (None: incidents are recorded, nothing is sent; issue 17)."""
    store: EventStore | None = None
    notifier_transport: NotifierTransport | None = None
    """The notifiers' channels (None, or no store: the notification process does not run)."""


def processes(
    settings: Settings,
    parts: ProcessParts,
    stop: threading.Event,
) -> list[threading.Thread]:
    """Build the deployer, the reconciler and the guest manager; they run in threads of this
    process while it leads (see start_processes)."""
    extra: list[threading.Thread] = []
    ingress = parts.ingress
    if ingress is None and settings.ingress_admin is not None:
        ingress = CaddyIngress(
            settings.ingress_admin,
            listen=settings.ingress_listen,
            access_log=settings.ingress_access_log,
        )
        if settings.more_ingress_admins:  # more ingress nodes serving the same routes
            ingress = ReplicatedIngress(
                [ingress]
                + [
                    CaddyIngress(admin, listen=settings.ingress_listen)
                    for admin in settings.more_ingress_admins
                ]
            )
    elif ingress is None and settings.is_embedded and CaddyServer.available():
        ingress = _embedded_caddy(settings, stop, extra)
    if parts.wake is not None and parts.wake.ingress is None:
        parts.wake.ingress = ingress  # the embedded Caddy: this process answers the wakes
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
        archives=parts.archives,
        registries=image_registries(settings, parts),
        config=DeployerConfig(
            workspace=settings.data_path / "workspaces",
            local_endpoint=settings.docker_host,
            local_cpu_millis=(os.cpu_count() or 1) * 1000,
            local_memory_mb=_memory_mb(),
            ingress_domain=settings.ingress_domain,
            instance=settings.instance,
            access_dial=settings.access_dial,
            base_images=settings.base_images,
            local_port_range=settings.port_range,
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
        snapshots=SnapshotProcess(
            bus=parts.bus,
            queries=parts.queries,
            dashboard=parts.dashboard,
            runtimes=parts.runtimes,
            clock=parts.clock,
            config=SnapshotConfig(
                directory=settings.data_path / "snapshots",
                instance=settings.instance,
                local_endpoint=settings.docker_host,
                helper_image=settings.snapshot_helper_image,
            ),
        ),
        wake=parts.wake.tokens if parts.wake is not None else None,
        certificates=_certificates(settings, ingress),
    )
    reconciler.replicas = deployer.replicas  # pulls by digest from the same registries
    previews = PreviewProcess(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        runtimes=parts.runtimes,
        ingress=ingress,
        clock=parts.clock,
        config=PreviewConfig(instance=settings.instance, local_endpoint=settings.docker_host),
        git_apis=parts.git_providers,
        source=parts.source,
        secrets=parts.secrets,
        wait_for=wait_for,
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
    cron = CronScheduler(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        logs=parts.logs,
        secrets=parts.secrets,
        runtimes=parts.runtimes,
        clock=parts.clock,
        config=CronConfig(instance=settings.instance, local_endpoint=settings.docker_host),
        wait_for=wait_for,
        registries=deployer.registries,
    )
    git_processes: list[CommitStatusProcess | CommitChecksProcess] = []
    if parts.git_providers is not None:
        git_processes = [
            CommitStatusProcess(
                bus=parts.bus,
                dashboard=parts.dashboard,
                queries=parts.queries,
                providers=parts.git_providers,
                clock=parts.clock,
                public_url=settings.public_url,
                wait_for=wait_for,
            ),
            CommitChecksProcess(
                bus=parts.bus,
                dashboard=parts.dashboard,
                queries=parts.queries,
                providers=parts.git_providers,
                clock=parts.clock,
                timeout=timedelta(seconds=settings.ci_wait_timeout_seconds),
                no_checks_grace=timedelta(seconds=settings.ci_no_checks_grace_seconds),
                wait_for=wait_for,
            ),
        ]
    collection = _metrics_collection(settings, parts, ingress)
    replica_metrics = parts.replica_metrics or NoMetrics()
    if isinstance(replica_metrics, StoreReplicaMetrics):  # the streams in this process first
        replica_metrics = replica_metrics.with_live(collection)
    return extra + start_processes(
        deployer,
        reconciler,
        parts.logs,
        settings,
        stop,
        parts.changes,
        parts.read_db,
        guests,
        archives=Pruning(parts.archives, parts.dashboard, parts.clock, settings),
        webhooks=WebhookProcess(
            bus=parts.bus,
            dashboard=parts.dashboard,
            wait_for=wait_for,
            previews=previews,
            ingress_domain=settings.ingress_domain,
            url_format=preview_url_format(settings),
        ),
        previews=previews,
        git=tuple(git_processes),
        git_connections=_git_connections(settings, parts),
        cron=cron,
        metrics=collection,
        autoscaler=Autoscaler(
            bus=parts.bus,
            queries=parts.queries,
            dashboard=parts.dashboard,
            metrics=replica_metrics,
            clock=parts.clock,
            activity=StoreRouteActivity(parts.timeseries),
            wake_grace=timedelta(seconds=settings.start_timeout_seconds),
        ),
        backups=_backups(settings, parts),
        dns=_internal_dns(settings, parts, deployer, reconciler),
        alerts=AlertProcess(
            bus=parts.bus,
            dashboard=parts.dashboard,
            readings=AlertReadings(parts.dashboard, parts.timeseries, parts.events),
            clock=parts.clock,
            delivery=parts.alert_delivery,
            public_url=settings.public_url,
            wait_for=wait_for,
        ),
        notifications=_notifications(parts),
        health=HealthMonitor(
            bus=parts.bus,
            queries=parts.queries,
            dashboard=parts.dashboard,
            runtimes=parts.runtimes,
            prober=parts.prober,
            clock=parts.clock,
            instance=settings.instance,
            local_endpoint=settings.docker_host,
        ),
        failover=FailoverProcess(
            bus=parts.bus,
            queries=parts.queries,
            dashboard=parts.dashboard,
            runtimes=parts.runtimes,
            clock=parts.clock,
            config=FailoverConfig(
                instance=settings.instance,
                grace=timedelta(seconds=settings.failover_grace_seconds),
            ),
            wait_for=wait_for,
        ),
        images=ImageCollector(
            bus=parts.bus,
            dashboard=parts.dashboard,
            runtimes=parts.runtimes,
            clock=parts.clock,
            instance=settings.instance,
            local_endpoint=settings.docker_host,
        ),
    )


def image_registries(settings: Settings, parts: ProcessParts) -> ImageRegistries:
    """Each organisation's registry for built images (issue 18), and the installation's own
    when CONTAINR_REGISTRY_URL is set."""
    installation = None
    if settings.registry_url is not None:
        installation = RegistryLogin(
            address=settings.registry_url,
            username=settings.registry_username,
            password=settings.registry_password,
        )
    return ImageRegistries(
        queries=parts.queries,
        secrets=parts.secrets,
        installation=installation,
        timeout=float(settings.registry_timeout_seconds),
    )


def _notifications(parts: ProcessParts) -> NotificationProcess | None:
    """Sending and retrying notification deliveries, when the notifiers' channels are wired."""
    if parts.store is None or parts.notifier_transport is None:
        return None
    return NotificationProcess(
        bus=parts.bus,
        dashboard=parts.dashboard,
        store=parts.store,
        secrets=parts.secrets,
        transport=parts.notifier_transport,
        clock=parts.clock,
    )


def _internal_dns(
    settings: Settings, parts: ProcessParts, deployer: Deployer, reconciler: Reconciler
) -> InternalDns | None:
    """The internal DNS server when CONTAINR_DNS_LISTEN is set (issue 18); on port 53 the
    replicas the deployer and the reconciler make get its address as their resolver."""
    if settings.dns_listen is None:
        return None
    host, port = settings.dns_listen.rsplit(":", 1)
    if int(port) == 53:  # Docker takes an address only: its embedded DNS forwards on port 53
        deployer.replicas = reconciler.replicas = dataclasses.replace(
            deployer.replicas, dns=(host,)
        )
    else:
        log.warning("internal DNS on port %s: containers cannot use it as their resolver", port)
    builder = DnsTableBuilder(
        dashboard=parts.dashboard,
        runtimes=parts.runtimes,
        instance=settings.instance,
        local_endpoint=settings.docker_host,
    )
    return InternalDns((host, int(port)), builder)


def _backups(settings: Settings, parts: ProcessParts) -> BackupProcess | None:
    """Database backups, their restore checks, retention and restores, when wired in."""
    if parts.backup_stores is None or parts.database_dumps is None:
        return None
    return BackupProcess(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        runtimes=parts.runtimes,
        stores=parts.backup_stores,
        dumps=parts.database_dumps,
        clock=parts.clock,
        config=BackupConfig(
            instance=settings.instance,
            local_endpoint=settings.docker_host,
            images=lambda database: ENGINES[database.engine].image(database.version, settings),
        ),
    )


def _metrics_collection(
    settings: Settings, parts: ProcessParts, ingress: Ingress | None
) -> MetricsCollection:
    """Replica and node measurements from every Docker node (the local engine by default),
    application endpoints, and each route's requests from Caddy's access log."""

    def endpoints() -> dict[str, str]:
        # Samples name a node by its id (names repeat across organisations); one collector
        # per engine, however many organisations registered it.
        by_endpoint = {
            row.endpoint: str(row.id)
            for row in sorted(parts.dashboard.all_nodes(), key=lambda r: str(r.id), reverse=True)
            # an agent's node reports its usage in its heartbeats (its engine is not ours
            # to reach); its containers' own figures through the agent: TODO(#18)
            if not row.removed and row.endpoint and not row.endpoint.startswith("agent://")
        }
        by_endpoint.setdefault(settings.docker_host, "local")
        return {node: endpoint for endpoint, node in by_endpoint.items()}

    collection = MetricsCollection(
        endpoints,
        instance=settings.instance,
        writer=parts.timeseries,
        clock=parts.clock,
        changes=parts.changes,
    )

    def scrape_endpoints(ids: list[UUID]) -> dict[UUID, tuple[str, int]]:
        found = {}
        for row in parts.dashboard.services_by_id(ids):
            endpoint = row.spec.get("metrics_endpoint")
            if isinstance(endpoint, dict) and not row.deleted:
                found[row.id] = (str(endpoint["path"]), int(endpoint["port"]))
        return found

    collection.add_source(AppMetricsSource(collection.targets, scrape_endpoints))
    first = ingress.primary if isinstance(ingress, ReplicatedIngress) else ingress
    if isinstance(first, CaddyIngress) and first.access_log is not None:
        collection.add_source(_route_metrics(first, first.access_log, settings.instance))
    return collection


def _route_metrics(ingress: CaddyIngress, access_log: str, instance: str) -> RouteMetricsSource:
    """Requests per route from Caddy's access log, which Caddy is told to write first."""
    prepared = threading.Event()

    def routes() -> list[Route]:
        if not prepared.is_set():
            ingress.ensure_access_log()  # raises while Caddy is away: tried next round
            prepared.set()
        return ingress.routes()

    return RouteMetricsSource(AccessLogTail(Path(access_log)), routes, instance=instance)


def _git_connections(settings: Settings, parts: ProcessParts) -> GitConnectionsProcess | None:
    """Webhook registration and token checks, when a provider client is wired in."""
    if parts.git is None:
        return None
    return GitConnectionsProcess(
        bus=parts.bus,
        queries=parts.queries,
        dashboard=parts.dashboard,
        connections=parts.git.connections,
        health=parts.git.health,
        clock=parts.clock,
        public_url=settings.public_url,
        check_seconds=settings.git_check_seconds,
    )


def preview_url_format(settings: Settings) -> str:
    """How a preview's host becomes the URL its pull request is told: the ingress's port
    unless it listens on 80."""
    port = settings.ingress_listen.rsplit(":", 1)[-1]
    return "http://{host}" if port in ("80", "") else f"http://{{host}}:{port}"


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
    access_log = settings.ingress_access_log or str(settings.data_path / "caddy" / "access.log")
    return CaddyIngress(server.admin_url, listen=settings.ingress_listen, access_log=access_log)


def _certificates(settings: Settings, ingress: object) -> CaddyCertificates | None:
    """Certificates for custom domains through the same Caddy, when an HTTPS listener is
    configured (issue 18); with several ingress nodes, through the first."""
    if isinstance(ingress, ReplicatedIngress):
        ingress = ingress.primary
    if settings.ingress_tls_listen is None or not isinstance(ingress, CaddyIngress):
        return None
    return CaddyCertificates(
        ingress.admin_url,
        tls_listen=settings.ingress_tls_listen,
        http_listen=settings.ingress_listen,
        issuer="internal" if settings.ingress_tls_issuer == "internal" else "acme",
        email=settings.acme_email,
    )


def start_processes(
    deployer: Deployer,
    reconciler: Reconciler,
    logs: LogStore,
    settings: Settings,
    stop: threading.Event,
    changes: ChangeFeed,
    read_db: ReadDatabase,
    guests: GuestManager,
    *,
    archives: Pruning | None = None,
    webhooks: WebhookProcess | None = None,
    git: tuple[CommitStatusProcess | CommitChecksProcess, ...] = (),
    git_connections: GitConnectionsProcess | None = None,
    previews: PreviewProcess | None = None,
    cron: CronScheduler | None = None,
    metrics: MetricsCollection | None = None,
    autoscaler: Autoscaler | None = None,
    backups: BackupProcess | None = None,
    dns: InternalDns | None = None,
    alerts: AlertProcess | None = None,
    notifications: NotificationProcess | None = None,
    health: HealthMonitor | None = None,
    failover: FailoverProcess | None = None,
    images: ImageCollector | None = None,
) -> list[threading.Thread]:
    """The deployer, the reconciler and log pruning, in the one process that leads them.

    Every ``serve`` and ``worker`` process competes for one lock (a PostgreSQL advisory lock,
    or a lock file when embedded); the holder runs the process managers, the others stand by
    and take over when the holder's connection (or process) dies.
    """

    def on_dashboard(
        run: Callable[[threading.Event, Callable[[float], object]], None],
    ) -> Callable[[threading.Event], None]:
        # These read the dashboard: wake them when the dashboard changed, not on the raw
        # event (the read model would not show it yet).
        def target(inner: threading.Event) -> None:
            changed = threading.Event()

            def heard(batch: ChangeBatch) -> None:
                if batch.model == "dashboard":
                    changed.set()

            def wait(seconds: float) -> bool:
                woken = changed.wait(seconds)
                changed.clear()
                return woken

            unlisten = changes.listen(heard)
            try:
                run(inner, wait)
            finally:
                unlisten()

        return target

    def prune(inner: threading.Event) -> None:
        while not inner.wait(600):
            try:
                logs.prune(settings.log_lines_kept)
            except Exception:  # the database may be away: try again next time
                log.exception("pruning the logs failed")
            try:
                if archives is not None:
                    archives.prune()
            except Exception:
                log.exception("pruning the uploaded archives failed")

    def manage_guests(inner: threading.Event) -> None:
        guests.run(inner, inner.wait)

    targets: tuple[tuple[str, Callable[[threading.Event], None]], ...] = (
        ("containr-deployer", on_dashboard(deployer.run)),
        # Woken by the dashboard too: a scale, a wake or a new live release is acted on at
        # once, not at the next 3 s resync.
        ("containr-reconciler", on_dashboard(reconciler.run)),
        ("containr-guests", manage_guests),
        ("containr-prune", prune),
    )
    for name, optional in (
        ("containr-webhooks", webhooks),
        ("containr-cron", cron),
        ("containr-backups", backups),
        ("containr-dns", dns),
        ("containr-notifications", notifications),
    ):
        if optional is not None:
            targets += ((name, on_dashboard(optional.run)),)
    for process in git:
        name = "containr-commit-statuses"
        if isinstance(process, CommitChecksProcess):
            name = "containr-commit-checks"
        targets += ((name, on_dashboard(process.run)),)
    for name, dashboard_process in (
        ("containr-git-connections", git_connections),
        ("containr-previews", previews),
        ("containr-health", health),
    ):
        if dashboard_process is not None:
            targets += ((name, on_dashboard(dashboard_process.run)),)
    targets += (("containr-metrics", metrics.run),) if metrics is not None else ()
    # On their own clocks (15 s evaluations, node looks): a dashboard change is no news of a
    # node or a metric.
    for name, clocked in (
        ("containr-autoscaler", autoscaler),
        ("containr-alerts", alerts),
        ("containr-failover", failover),
        ("containr-images", images),
    ):
        if clocked is not None:
            targets += ((name, _on_own_clock(clocked)),)
    thread = threading.Thread(
        target=_lead, args=(stop, read_db, targets), name="containr-processes", daemon=True
    )
    thread.start()
    return [thread]


class _Clocked(Protocol):
    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None: ...


def _on_own_clock(process: _Clocked) -> Callable[[threading.Event], None]:
    """A process that waits on its stop event between its rounds (not on the dashboard)."""

    def target(inner: threading.Event) -> None:
        process.run(inner, inner.wait)

    return target


@dataclass(frozen=True)
class Pruning:
    """Uploaded archives that no deployment needs any more go, after a grace period."""

    archives: SourceArchives
    dashboard: DashboardQueries
    clock: Clock
    settings: Settings

    def prune(self) -> int:
        """Drop archives older than the grace period that no active or live release builds
        (a redeploy of a live release builds its archive again)."""
        keep = {
            archive_id(row.organization_id, row.source_archive)
            for row in self.dashboard.deployments_needing_sources()
            if row.source_archive is not None
        }
        grace = timedelta(seconds=self.settings.upload_grace_seconds)
        return self.archives.prune(keep, self.clock.now() - grace)


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
