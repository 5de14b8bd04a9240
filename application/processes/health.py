"""The health monitor (issue 17): probes every replica of the live releases continuously,
as Kubernetes does: readiness takes a replica out of the route while it fails, liveness
restarts it, startup holds both until the app has started. Only transitions are recorded.

Probes run in a bounded pool, each within its own timeout (a command that never exits is a
failed probe after it, never a stuck thread); the loop itself never waits on a probe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.ports import Clock
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, REPLICA
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import (
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    NodeRuntimes,
    Prober,
    ProbeResult,
    run_key,
)
from domain.deployment import Deployment, DeploymentState
from domain.health import ProbeRole, ProbeTracker, probes_of
from domain.ids import Actor
from domain.service_spec import HealthCheck, HealthCheckKind

log = logging.getLogger(__name__)
ACTOR = Actor("system:health")
TICK = 0.25
"""Seconds between two looks for due probes."""
REFRESH = 2.0
"""Seconds between two looks for the replicas to probe."""


def probe_once(
    check: HealthCheck, runtime: ContainerRuntime, prober: Prober, info: ContainerInfo
) -> ProbeResult:
    """Run one probe against a running replica, within the check's timeout."""
    if check.kind is HealthCheckKind.COMMAND:
        return _run_command(check, runtime, info)
    if info.host_port is None:
        return ProbeResult(False, "the container publishes no port to probe")
    if check.kind is HealthCheckKind.HTTP:
        result = prober.http(
            f"http://127.0.0.1:{info.host_port}{check.path}", timeout=check.timeout_seconds
        )
        if check.expected_status is not None and result.status is not None:
            return ProbeResult(result.status == check.expected_status, result.detail, result.status)
        return result
    return prober.tcp("127.0.0.1", info.host_port, timeout=check.timeout_seconds)


def _run_command(check: HealthCheck, runtime: ContainerRuntime, info: ContainerInfo) -> ProbeResult:
    try:
        code = runtime.exec(info.id, list(check.command), timeout=check.timeout_seconds)
    except ContainerEngineError as e:
        return ProbeResult(False, f"the health command could not run: {e}")
    if code == 124:
        return ProbeResult(False, f"health command timed out after {check.timeout_seconds}s")
    return ProbeResult(code == 0, f"health command exited with {code}")


@dataclass(frozen=True)
class Target:
    """A running replica of a live release, on its engine."""

    deployment: Deployment
    replica: int
    container: ContainerInfo
    runtime: ContainerRuntime


class HealthMonitor:
    """Probes the live releases' replicas and records each probe's transitions."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        prober: Prober,
        clock: Clock,
        instance: str,
        local_endpoint: str,
        parallel: int = 8,
        refresh: float = REFRESH,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.prober = prober
        self.clock = clock
        self.instance = instance
        self.local_endpoint = local_endpoint
        self._ctx = Context(actor=ACTOR)
        self._pool = ThreadPoolExecutor(parallel, thread_name_prefix="containr-probe")
        self._lock = threading.Lock()
        self._trackers: dict[tuple[str, ProbeRole], ProbeTracker] = {}
        """Each container run's probes, by (``run_key``, role): a container restarted in place
        is probed afresh, from undecided."""
        self._in_flight: set[tuple[str, ProbeRole]] = set()
        self._targets: list[Target] = []
        self._refreshed = float("-inf")
        self._refresh = refresh

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Probe until ``stop`` is set; ``wait`` returns True when the dashboard changed (a
        replica replaced, a release live): the replicas to probe are looked up again then."""
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except Exception:
                    log.exception("the health monitor's tick failed")
                if wait(TICK) is True:
                    self._refreshed = float("-inf")
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def tick(self) -> None:
        """Start every probe that is due (in the pool; this never waits on one)."""
        if time.monotonic() - self._refreshed >= self._refresh:
            self._targets = self._find_targets()
            self._refreshed = time.monotonic()
            live = {run_key(t.container) for t in self._targets}
            with self._lock:
                for key in [k for k in self._trackers if k[0] not in live]:
                    del self._trackers[key]
        now = self.clock.now()
        for target in self._targets:
            for role, tracker in self._due(target, now):
                self._pool.submit(self._probe, target, role, tracker)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no probe is running (for tests that drive ticks by hand)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._in_flight:
                    return
            threading.Event().wait(0.02)

    def results(self, container_id: str) -> dict[ProbeRole, ProbeTracker]:
        """The probes of one container as they stand (what the monitor knows now)."""
        with self._lock:
            return {
                role: t
                for (run, role), t in self._trackers.items()
                if run.split(".")[0] == container_id[:12]
            }

    def _due(self, target: Target, now: Any) -> list[tuple[ProbeRole, ProbeTracker]]:
        probes = probes_of(target.deployment.spec)
        due = []
        with self._lock:
            trackers = {}
            for role, check in probes.items():
                key = (run_key(target.container), role)
                trackers[role] = self._trackers.setdefault(key, ProbeTracker(check, now))
            startup = trackers.get(ProbeRole.STARTUP)
            for role, tracker in trackers.items():
                if role is not ProbeRole.STARTUP and startup is not None and not startup.passing:
                    continue  # the startup probe holds the others until it passes
                if role is ProbeRole.STARTUP and tracker.passing:
                    continue  # passed once: done for this container
                key = (run_key(target.container), role)
                if key in self._in_flight or not tracker.due(now):
                    continue
                self._in_flight.add(key)
                due.append((role, tracker))
        return due

    def _probe(self, target: Target, role: ProbeRole, tracker: ProbeTracker) -> None:
        key = (run_key(target.container), role)
        try:
            result = probe_once(tracker.check, target.runtime, self.prober, target.container)
            with self._lock:
                changed = tracker.observe(result.ok, result.detail, self.clock.now())
                passing = tracker.passing
            if changed and passing is not None:
                self._record(target, role, passing, result.detail)
        except Exception:
            log.exception("probing %s failed", target.container.name)
        finally:
            with self._lock:
                self._in_flight.discard(key)

    def _record(self, target: Target, role: ProbeRole, passing: bool, detail: str) -> None:
        deployment = target.deployment
        self._send(
            c.RecordReplicaHealth(
                deployment_id=deployment.id,
                replica=target.replica,
                probe=role.value,
                passing=passing,
                detail=detail,
            )
        )
        if passing or role is ProbeRole.READINESS:
            return
        # Liveness (or startup) failed: the replica is restarted, by the reconciler's
        # backoff. It is stopped here and recorded lost with the operation id the
        # reconciler gives the same dead container, so the loss is recorded once.
        self._send(
            c.ReportReplicaLost(
                deployment_id=deployment.id,
                replica=target.replica,
                reason=f"its {role.value} probe failed: {detail}",
                operation_id=lost_operation(
                    deployment.id, target.replica, run_key(target.container)
                ),
            )
        )
        try:
            target.runtime.stop(target.container.id, timeout=10)
        except ContainerEngineError as e:
            log.warning("could not stop %s: %s", target.container.name, e)

    def _send(self, command: c.Command) -> None:
        try:
            self.bus.execute(command, self._ctx)
        except UnavailableError:
            raise
        except (DomainError, ApplicationError) as e:
            log.info("%s refused: %s", type(command).__name__, e)

    def _find_targets(self) -> list[Target]:
        wanted: dict[str, Deployment] = {}
        for state in self.dashboard.live_states():
            if state.live_deployment_id is None:
                continue
            deployment = self.queries.deployment(state.live_deployment_id)
            if deployment.state is DeploymentState.HEALTHY and probes_of(deployment.spec):
                wanted[str(deployment.id)] = deployment
        if not wanted:
            return []
        targets = []
        endpoints = {row.endpoint for row in self.dashboard.all_nodes()} | {self.local_endpoint}
        for endpoint in sorted(e for e in endpoints if e):
            runtime = self.runtimes.for_endpoint(endpoint)
            try:
                found = runtime.containers(
                    {MANAGED: "true", INSTANCE: self.instance}, all_states=False
                )
            except ContainerEngineError as e:
                log.warning("cannot list containers at %s: %s", endpoint, e)
                continue
            for container in found:
                owner = wanted.get(container.labels.get(DEPLOYMENT, ""))
                if owner is not None and container.state == "running":
                    replica = int(container.labels.get(REPLICA, "0"))
                    targets.append(Target(owner, replica, container, runtime))
        return targets


def lost_operation(deployment_id: UUID, replica: int, container: str) -> str:
    """The operation id of the loss of one run of a replica's container (recorded once, by
    whichever of the reconciler and the health monitor sees it first): ``container`` is the
    run's ``run_key``, or names a removal; a bare engine container id is shortened to its
    usual 12 characters."""
    short = container[:12] if all(ch in "0123456789abcdef" for ch in container) else container
    return f"{deployment_id}:lost:{replica}:{short}"
