"""The guest process manager and the cluster monitor.

Guests: every operation a guest records (create, start, stop, shut down, reboot, delete)
is carried out here against its cluster and reported as a command. Operations run
concurrently, bounded per cluster and per node (``guest_work.BoundedExecutor``), so a task
that never ends holds up only its own guest. A create first looks for a guest tagged with its
operation, or named after it (a worker that died after the create call, or between a clone's
end and its tagging, finds it) and only then takes a vmid and creates. A cluster that does
not answer is retried until the operation's deadline; past it, the guest's tasks still running
on the cluster are stopped (``DELETE /nodes/{node}/tasks/{upid}``) and the failure recorded.

A failed create's leftover is removed at once if the cluster lets it; if not, the guest
records "cleanup pending" (an operator sees it) and the guest sweep retries with backoff until
nothing is left (see ``guest_sweep``).

Clusters: on its own thread, every ``monitor_seconds``, each cluster is asked for its nodes
(usage to the time-series store, state changes as events) and its guests are swept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from uuid import UUID

import msgspec

from application import commands as c
from application.bus import CommandBus, Context
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
from application.processes.guest_sweep import GuestSweep
from application.processes.guest_work import Backoff, BoundedExecutor, Retries
from application.processes.support import report
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
        per_cluster: int = 4,
        per_node: int = 2,
        cleanup_backoff: Backoff | None = None,
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
        self._lock = threading.Lock()
        self._last_error: dict[UUID, str] = {}
        self._stopping: set[tuple[UUID, str]] = set()
        self.executor = BoundedExecutor(per_cluster=per_cluster, per_node=per_node)
        self.cleanups = Retries(cleanup_backoff or Backoff())
        self.sweep = GuestSweep(self)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; clusters are monitored on a thread of their own."""
        monitor = threading.Thread(
            target=self._monitor_loop, args=(stop,), name="containr-guest-monitor", daemon=True
        )
        monitor.start()
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except Exception:
                    log.exception("the guest manager's tick failed")
                wait(1.0)
        finally:
            monitor.join(timeout=5)

    def _monitor_loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.monitor()
            except Exception:
                log.exception("the cluster monitor failed")
            stop.wait(self.monitor_seconds)

    def tick(self) -> None:
        """Start busy guests' operations not running yet (bounded); stop overdue tasks."""
        now = self.clock.now()
        with self._lock:  # a guest whose work ended may be stopped again next time it overruns
            self._stopping = {k for k in self._stopping if self.executor.is_running(k[0])}
        for row in self.dashboard.busy_guests():
            if not self.executor.is_running(row.id):
                self.executor.submit(
                    row.id, row.cluster_id, row.node, partial(self._advance, row.id)
                )
            elif row.deadline is not None and now >= row.deadline:
                self._stop_overdue(row.id, row.pending_action or "")

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no guest work runs (for tests and shutdown); whether none does."""
        return self.executor.wait_idle(timeout)

    def _advance(self, guest_id: UUID) -> None:
        try:
            self.advance(guest_id)
        except Exception:
            log.exception("guest %s: step failed", guest_id)

    # Guests

    def advance(self, guest_id: UUID) -> None:
        """Carry out the guest's pending operation (the unit the tests drive)."""
        guest = self.queries.guest(guest_id)
        pending = guest.pending
        if pending is None:
            return
        now = self.clock.now()
        if now >= pending.deadline:
            self._expired(guest)
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
            with self._lock:
                self._last_error[guest.id] = str(e)
        except TaskFailedError as e:
            if self.clock.now() >= pending.deadline:  # stopped by the watchdog at its deadline
                self._failed(guest, f"deadline exceeded: {_late(pending.action)}; {e}", e.log)
            else:
                self._failed(guest, str(e), e.log)
        except HypervisorError as e:
            self._failed(guest, str(e), [])

    def _expired(self, guest: Guest) -> None:
        """Past its deadline: stop what still runs on the cluster, clean up, record the failure."""
        assert guest.pending is not None
        with self._lock:
            last = self._last_error.pop(guest.id, None)
        stopped = self._stop_tasks(guest)
        reason = f"deadline exceeded: {_late(guest.pending.action)}"
        if stopped:
            reason += f"; its task was stopped ({', '.join(stopped)})"
        if last is not None:
            reason += f"; last error: {last}"
        self._failed(guest, reason, [])

    def _stop_overdue(self, guest_id: UUID, action: str) -> None:
        """An operation still running past its deadline: stop its tasks (once, on a thread)."""
        key = (guest_id, action)
        with self._lock:
            if key in self._stopping:
                return
            self._stopping.add(key)

        def stop() -> None:  # once per overrun: the key stays until the guest's work ends
            try:
                self._stop_tasks(self.queries.guest(guest_id))
            except Exception:
                log.exception("guest %s: stopping its overdue task failed", guest_id)

        threading.Thread(target=stop, name=f"containr-guest-stop-{guest_id}", daemon=True).start()

    def _stop_tasks(self, guest: Guest) -> list[str]:
        """Stop the guest's tasks still running on the cluster (best effort); their UPIDs."""
        try:
            with self._connect(guest.cluster_id) as hypervisor:
                node, vmid = guest.node, guest.vmid
                if vmid is None:  # a create: the guest it is making, if it exists yet
                    found = hypervisor.find_by_tag(guest.tag)
                    if found is None:
                        return []
                    node, vmid = found.node, found.vmid
                stopped = hypervisor.stop_tasks(node, vmid)
        except HypervisorError as e:
            log.warning("guest %s: could not stop its tasks: %s", guest.id, e)
            return []
        if stopped:
            log.warning("guest %s: stopped tasks past their deadline: %s", guest.id, stopped)
        return stopped

    def _create(self, hypervisor: Hypervisor, guest: Guest, remaining: float) -> None:
        spec = self._spec(guest)
        found = hypervisor.find_by_tag(guest.tag)
        if found is None:
            vmid = hypervisor.next_vmid()
            found = hypervisor.create(spec, vmid, deadline_seconds=remaining)
        elif guest.tag not in (t.lower() for t in found.tags):
            # A clone a dead worker left untagged (named after the tag): finish it.
            found = hypervisor.complete(
                msgspec.structs.replace(spec, node=found.node),
                found.vmid,
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

    @staticmethod
    def _spec(guest: Guest) -> GuestSpec:
        settings = guest.settings
        return GuestSpec(
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
        )

    def _act(
        self, hypervisor: Hypervisor, guest: Guest, action: GuestAction, remaining: float
    ) -> None:
        if guest.vmid is None:  # its create failed: only its leftover, if any, is to delete
            if action is GuestAction.DELETE:
                leftover = hypervisor.find_by_tag(guest.tag)
                if leftover is not None:
                    hypervisor.delete(
                        leftover.node, leftover.kind, leftover.vmid, deadline_seconds=remaining
                    )
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
        left = self._cleanup_failed_create(guest)
        if left is not None:
            self.cleanups.failed(guest.id, self.clock.now())
        self._send(
            c.ReportGuestOperationFailed(
                guest_id=guest.id,
                operation_id=guest.pending.operation_id,
                reason=reason,
                task_log=task_log,
                cleanup_pending=left,
            )
        )

    def _cleanup_failed_create(self, guest: Guest) -> str | None:
        """Remove what a create that failed half-way left; why something is left (None: nothing)."""
        if guest.pending is None or guest.pending.action is not GuestAction.CREATE:
            return None
        return self.remove_leftover(guest)

    def remove_leftover(self, guest: Guest) -> str | None:
        """Delete the guest tagged (or named) with ``guest``'s tag; why it is left (None: gone)."""
        try:
            with self._connect(guest.cluster_id) as hypervisor:
                leftover = hypervisor.find_by_tag(guest.tag)
                if leftover is None:
                    return None
                try:
                    hypervisor.delete(
                        leftover.node, leftover.kind, leftover.vmid, deadline_seconds=120
                    )
                except HypervisorError as e:
                    log.warning("guest %s: could not remove its leftover: %s", guest.id, e)
                    return f"{leftover.kind} {leftover.vmid} is left on node {leftover.node}: {e}"
        except HypervisorError as e:
            log.warning("guest %s: could not look for its leftover: %s", guest.id, e)
            return f"the cluster could not be searched for what is left: {e}"
        return None

    # Clusters

    def monitor(self) -> None:
        """Ask every cluster for its nodes and guests; record usage, state changes and drift."""
        known = self.sweep.known_tags()
        for row in self.dashboard.clusters():
            try:
                self.check_cluster(row.id)
                self.sweep.sweep(row.id, known)
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

    def connect(self, cluster_id: UUID) -> _Connection:
        """The cluster's API, closed after use (``with manager.connect(id) as hypervisor``)."""
        return self._connect(cluster_id)

    def send(self, command: c.Command) -> None:
        """Execute a report as this process manager (refusals are logged, not raised)."""
        self._send(command)

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
        report(self.bus, self._ctx, command, log)


def _late(action: GuestAction) -> str:
    return f"{action.value} did not finish in time"


class _Connection:
    """A Hypervisor closed after use."""

    def __init__(self, hypervisor: Hypervisor) -> None:
        self.hypervisor = hypervisor

    def __enter__(self) -> Hypervisor:
        return self.hypervisor

    def __exit__(self, *exc: object) -> None:
        self.hypervisor.close()
