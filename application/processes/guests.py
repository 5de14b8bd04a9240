"""The guest process manager and the cluster monitor.

Guests: every operation a guest records (create, start, stop, shut down, reboot, delete)
is carried out here against its cluster and reported as a command. A create first looks for
a guest tagged with its operation (a worker that died after the create call finds it) and
only then takes a vmid and creates; a failed create leaves nothing behind. A cluster that
does not answer is retried until the operation's deadline, which then fails it.

Clusters: every ``monitor_seconds`` each cluster is asked for its nodes; their usage goes to
the time-series store, and node states that changed (and reachability) become events.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.hypervisor_ports import (
    ClusterCredentials,
    GuestSpec,
    Hypervisor,
    HypervisorError,
    Hypervisors,
    HypervisorUnreachableError,
    MetricStore,
    NodeSample,
    TaskFailedError,
)
from application.ports import Clock, SecretBox
from application.queries import Queries
from application.readmodels import DashboardQueries
from domain.cluster import Cluster
from domain.guest import Guest, GuestAction
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:guests")
METRICS_KEPT = timedelta(days=7)


class GuestManager:
    """Carries out guests' operations and watches clusters."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        secrets: SecretBox,
        hypervisors: Hypervisors,
        metrics: MetricStore,
        clock: Clock,
        monitor_seconds: float = 15.0,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.secrets = secrets
        self.hypervisors = hypervisors
        self.metrics = metrics
        self.clock = clock
        self.monitor_seconds = monitor_seconds
        self._ctx = Context(actor=ACTOR)
        self._last_monitor: float | None = None
        self._last_error: dict[UUID, str] = {}

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the guest manager's tick failed")
            wait(1.0)

    def tick(self) -> None:
        """Advance every guest with an operation in progress; monitor clusters when due."""
        for row in self.dashboard.busy_guests():
            try:
                self.advance(row.id)
            except Exception:
                log.exception("guest %s: step failed", row.id)
        now = self.clock.now().timestamp()
        if self._last_monitor is None or now - self._last_monitor >= self.monitor_seconds:
            self._last_monitor = now
            self.monitor()

    # Guests

    def advance(self, guest_id: UUID) -> None:
        """Carry out the guest's pending operation (the unit the tests drive)."""
        guest = self.queries.guest(guest_id)
        pending = guest.pending
        if pending is None:
            return
        now = self.clock.now()
        if now >= pending.deadline:
            self._cleanup_failed_create(guest)
            last = self._last_error.pop(guest.id, None)
            if last is None:
                self._send(c.ExpireGuestOperation(guest_id=guest.id))
            else:
                self._send(
                    c.ReportGuestOperationFailed(
                        guest_id=guest.id,
                        operation_id=pending.operation_id,
                        reason=f"deadline exceeded: {pending.action.value} did not finish in "
                        f"time; last error: {last}",
                    )
                )
            return
        remaining = (pending.deadline - now).total_seconds()
        try:
            with self._connect(guest.cluster_id) as hypervisor:
                if pending.action is GuestAction.CREATE:
                    self._create(hypervisor, guest, remaining)
                else:
                    self._act(hypervisor, guest, pending.action, remaining)
                    self._send(
                        c.ReportGuestOperationSucceeded(
                            guest_id=guest.id, operation_id=pending.operation_id
                        )
                    )
        except HypervisorUnreachableError as e:
            log.warning("guest %s: %s; retrying until the deadline", guest.id, e)
            self._last_error[guest.id] = str(e)
        except TaskFailedError as e:
            self._failed(guest, str(e), e.log)
        except HypervisorError as e:
            self._failed(guest, str(e), [])

    def _create(self, hypervisor: Hypervisor, guest: Guest, remaining: float) -> None:
        settings = guest.settings
        found = hypervisor.find_by_tag(guest.tag)
        if found is None:
            vmid = hypervisor.next_vmid()
            found = hypervisor.create(
                GuestSpec(
                    kind=settings.kind.value,
                    node=settings.node,
                    name=settings.name,
                    cores=settings.cores,
                    memory_mb=settings.memory_mb,
                    disk_gb=settings.disk_gb,
                    storage=settings.storage,
                    os_template=settings.os_template,
                    clone_from=settings.clone_from,
                    bridge=settings.bridge,
                    tags=["containr", guest.tag],
                    start=guest.start_after_create,
                ),
                vmid,
                deadline_seconds=remaining,
            )
        elif guest.start_after_create and found.status != "running":
            hypervisor.start(found.node, found.kind, found.vmid, deadline_seconds=remaining)
            found = hypervisor.guest(found.node, found.kind, found.vmid) or found
        self._send(
            c.ReportGuestCreated(
                guest_id=guest.id,
                operation_id=guest.create_operation,
                vmid=found.vmid,
                node=found.node,
                running=found.status == "running",
            )
        )

    def _act(
        self, hypervisor: Hypervisor, guest: Guest, action: GuestAction, remaining: float
    ) -> None:
        if guest.vmid is None:  # its create failed: nothing exists to act on
            return
        kind = guest.settings.kind.value
        call = {
            GuestAction.START: hypervisor.start,
            GuestAction.STOP: hypervisor.stop,
            GuestAction.SHUTDOWN: hypervisor.shutdown,
            GuestAction.REBOOT: hypervisor.reboot,
            GuestAction.DELETE: hypervisor.delete,
        }[action]
        call(guest.node, kind, guest.vmid, deadline_seconds=remaining)  # type: ignore[arg-type]

    def _failed(self, guest: Guest, reason: str, task_log: list[str]) -> None:
        assert guest.pending is not None
        self._cleanup_failed_create(guest)
        self._send(
            c.ReportGuestOperationFailed(
                guest_id=guest.id,
                operation_id=guest.pending.operation_id,
                reason=reason,
                task_log=task_log,
            )
        )

    def _cleanup_failed_create(self, guest: Guest) -> None:
        """A create that failed half-way may have left a guest: remove it (best effort)."""
        if guest.pending is None or guest.pending.action is not GuestAction.CREATE:
            return
        try:
            with self._connect(guest.cluster_id) as hypervisor:
                leftover = hypervisor.find_by_tag(guest.tag)
                if leftover is not None:
                    hypervisor.delete(
                        leftover.node, leftover.kind, leftover.vmid, deadline_seconds=120
                    )
        except HypervisorError as e:
            log.warning("guest %s: could not remove what a failed create left: %s", guest.id, e)

    # Clusters

    def monitor(self) -> None:
        """Ask every cluster for its nodes; record usage and state changes."""
        for row in self.dashboard.clusters():
            try:
                self.check_cluster(row.id)
            except Exception:
                log.exception("cluster %s: check failed", row.id)
        self.metrics.prune(self.clock.now() - METRICS_KEPT)

    def check_cluster(self, cluster_id: UUID) -> None:
        """One look at one cluster."""
        now = self.clock.now()
        try:
            with self._connect(cluster_id) as hypervisor:
                version = hypervisor.version()
                nodes = hypervisor.nodes()
        except HypervisorError as e:
            self._send(c.ReportClusterUnreachable(cluster_id=cluster_id, reason=str(e)))
            return
        self.metrics.record(
            [
                NodeSample(
                    cluster_id=str(cluster_id),
                    node=n.name,
                    at=now,
                    online=n.online,
                    cpu_fraction=n.cpu_fraction,
                    memory_used_mb=n.memory_used_mb,
                    memory_total_mb=n.memory_total_mb,
                    disk_used_gb=n.disk_used_gb,
                    disk_total_gb=n.disk_total_gb,
                )
                for n in nodes
            ]
        )
        self._send(
            c.ReportClusterObserved(
                cluster_id=cluster_id, nodes={n.name: n.online for n in nodes}, version=version
            )
        )

    # Plumbing

    def _connect(self, cluster_id: UUID) -> _Connection:
        cluster = self.queries.cluster(cluster_id)
        return _Connection(self.hypervisors.connect(self._credentials(cluster)))

    def _credentials(self, cluster: Cluster) -> ClusterCredentials:
        secret = self.secrets.open(
            cluster.organization_id, cluster.credentials_context(), cluster.token_secret
        )
        return ClusterCredentials(
            url=cluster.url,
            token_id=cluster.token_id,
            token_secret=secret,
            verify_tls=cluster.verify_tls,
            ca_bundle=cluster.ca_bundle,
        )

    def _send(self, command: c.Command) -> None:
        try:
            self.bus.execute(command, self._ctx)
        except UnavailableError:
            raise  # not refused: the step fails and is tried again
        except (DomainError, ApplicationError) as e:
            log.info("%s refused: %s", type(command).__name__, e)


class _Connection:
    """A Hypervisor closed after use."""

    def __init__(self, hypervisor: Hypervisor) -> None:
        self.hypervisor = hypervisor

    def __enter__(self) -> Hypervisor:
        return self.hypervisor

    def __exit__(self, *exc: object) -> None:
        self.hypervisor.close()
