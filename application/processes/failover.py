"""Failover off dead nodes (issue 17): watches every Docker node's engine, marks a node
unreachable once it has not answered for the grace period, places the live releases that
lost replicas there again through ordinary deployments, and removes their stale replicas
from the node when it answers again, before it is marked reachable.

Each step is level-triggered and safe to repeat: a node's state is an event only on a
transition (the aggregate ignores repeats); a release is redeployed only while no newer
release of its service was requested since the node went away (the redeploy is that
release, so a restarted process does not ask twice); a stale replica is one whose release
no longer wants it on that node, and removing a container that is gone is no error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, UnavailableError
from application.ports import Clock
from application.processes.support import (
    BACKUP_OPERATION,
    CRON_RUN,
    DEPLOYMENT,
    INSTANCE,
    MANAGED,
    REPLICA,
    report,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import (
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    NodeRuntimes,
)
from domain.deployment import DeploymentState
from domain.failover import Silence, needs_failover
from domain.ids import Actor
from domain.service_spec import ServiceKind

log = logging.getLogger(__name__)
ACTOR = Actor("system:failover")
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class FailoverConfig:
    """How long a node may stay silent, and how long one look at its engine may take."""

    instance: str
    grace: timedelta = timedelta(seconds=30)
    ping_timeout: float = 2.0
    interval: float = 1.0


class FailoverProcess:
    """Node liveness, failover of live releases, and the sweep of stale replicas."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        clock: Clock,
        config: FailoverConfig,
        wait_for: Callable[[int], None] = lambda _position: None,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.clock = clock
        self.config = config
        self.silence = Silence.of(config.grace)
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)
        self._pings: dict[str, Future[str | None]] = {}
        self._why: dict[str, str] = {}
        """Why each silent engine's last look failed, in its adapter's words (issue 18: an
        engine refusing the node's TLS certificate says so)."""
        self._pool = ThreadPoolExecutor(4, thread_name_prefix="containr-failover-ping")
        self._returning: set[UUID] = set()
        """Nodes seen unreachable: their stale replicas are swept when they answer again."""

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Look at the nodes every ``interval`` until ``stop`` is set."""
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except Exception:
                    log.exception("the failover process's tick failed")
                wait(self.config.interval)
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def tick(self) -> None:
        """One look at every node, then the failovers it calls for."""
        # An agent's node answers through its agent (issue 18): one away for the grace period
        # is failed over as a silent engine is (its host may serve on meanwhile, and is swept
        # of the replicas that moved when its agent is back).
        nodes = [row for row in self.dashboard.all_nodes() if row.kind in ("docker", "agent")]
        answers = self._ping({row.endpoint for row in nodes})
        now = self.clock.now()
        for row in nodes:
            if answers[row.endpoint]:
                self.silence.answered(row.id)
                if row.state == UNREACHABLE or row.id in self._returning:
                    self._rejoin(row.id, row.endpoint)
            elif self.silence.missed(row.id, now) and row.state != UNREACHABLE:
                seconds = self.config.grace.total_seconds()
                why = self._why.get(row.endpoint)
                self._send(
                    c.MarkNodeUnreachable(
                        node_id=row.id,
                        reason=f"the engine at {row.endpoint} has not answered for {seconds:g} s"
                        + (f" ({why})" if why else ""),
                    )
                )
            if row.state == UNREACHABLE:
                self._returning.add(row.id)
        self.fail_over()

    # Liveness

    def _ping(self, endpoints: set[str]) -> dict[str, bool]:
        """Whether each engine answered within the deadline; an engine still busy with the
        previous look counts as silent (and is not asked again meanwhile)."""
        for endpoint in endpoints:
            if endpoint not in self._pings:
                runtime = self.runtimes.for_endpoint(endpoint)
                self._pings[endpoint] = self._pool.submit(self._look, runtime)
        answers = {}
        for endpoint in endpoints:
            future = self._pings[endpoint]
            try:
                why = future.result(timeout=self.config.ping_timeout)
            except FutureTimeout:
                answers[endpoint] = False
                continue  # still asking: keep the look going, not a second one
            except Exception:
                why = ""
            answers[endpoint] = why is None
            if why:
                self._why[endpoint] = why
            else:
                self._why.pop(endpoint, None)
            del self._pings[endpoint]
        return answers

    def _look(self, runtime: ContainerRuntime) -> str | None:
        """None when the engine answers; otherwise why not, as far as one more bounded call
        tells ("" when it does not)."""
        if runtime.ping():
            return None
        try:
            runtime.disk_space(timeout=self.config.ping_timeout)
        except ContainerEngineError as e:
            return str(e)[:300]
        return ""

    def _rejoin(self, node_id: UUID, endpoint: str) -> None:
        """Remove the node's stale replicas, then mark it reachable: by then no release has
        a second copy of a replica there."""
        if not self.sweep(node_id, endpoint):
            return  # not all gone yet: the node stays unreachable, tried next tick
        if self._send(c.MarkNodeReachable(node_id=node_id)):
            self._returning.discard(node_id)

    def sweep(self, node_id: UUID, endpoint: str) -> bool:
        """Remove the replicas on the node whose release no longer wants them there (it
        ended, or it placed that replica elsewhere); True when none is left."""
        runtime = self.runtimes.for_endpoint(endpoint)
        try:
            found = runtime.containers({MANAGED: "true", INSTANCE: self.config.instance})
        except ContainerEngineError as e:
            log.warning("cannot list the containers of node %s: %s", node_id, e)
            return False
        in_progress = {str(row.id) for row in self.dashboard.active_deployments()}
        stale = [
            container
            for container in found
            if CRON_RUN not in container.labels
            and BACKUP_OPERATION not in container.labels
            and container.labels.get(DEPLOYMENT, "") not in in_progress
            and self._stale(container, node_id)
        ]
        done = True
        for container in stale:
            try:
                runtime.remove(container.id)
            except ContainerEngineError as e:
                log.warning("could not remove stale replica %s: %s", container.name, e)
                done = False
                continue
            self._send(
                c.ReportOrphanRemoved(
                    node_id=node_id,
                    container=container.name,
                    reason="a stale replica: its release was placed on other nodes while "
                    "this node did not answer",
                    deployment_id=UUID(container.labels[DEPLOYMENT]),
                )
            )
        return done

    def _stale(self, container: ContainerInfo, node_id: UUID) -> bool:
        try:
            deployment = self.queries.deployment(UUID(container.labels.get(DEPLOYMENT, "")))
            replica = int(container.labels.get(REPLICA, ""))
        except UnavailableError:
            raise  # never remove a container because the event store did not answer
        except (ApplicationError, ValueError):
            return False  # not a replica of a release of ours: the reconciler's to judge
        if not deployment.placements:
            return False  # placed before placements were recorded: where it runs is right
        if deployment.state is DeploymentState.HEALTHY:
            return deployment.placements.get(replica) != node_id
        return deployment.state.is_final

    # Failover

    def fail_over(self) -> None:
        """Redeploy each live release with too few replicas left on nodes that answer; the
        scheduler leaves unreachable nodes out, so the new release lands elsewhere."""
        unreachable = {
            row.id: row.updated_at for row in self.dashboard.all_nodes() if row.state == UNREACHABLE
        }
        if not unreachable:
            return
        busy = {(row.service_id, row.environment_id) for row in self.dashboard.active_deployments()}
        for state in self.dashboard.live_states():
            if (state.service_id, state.environment_id) in busy:
                continue
            assert state.live_deployment_id is not None
            live = self.queries.deployment(state.live_deployment_id)
            if live.state is not DeploymentState.HEALTHY:
                continue
            service = self.queries.service(state.service_id)
            if service.deleted or service.spec.kind is ServiceKind.CRON:
                continue
            replicas = service.spec.replicas
            if not needs_failover(live.placements, replicas, unreachable, service.failover):
                continue
            since = min(unreachable[n] for n in live.placements.values() if n in unreachable)
            if self._tried_since(state.latest_deployment_id, live.id, since):
                continue
            log.info("failing %s over off an unreachable node", live.id)
            self._send(
                c.RedeployService(service_id=state.service_id, environment_id=state.environment_id)
            )

    def _tried_since(self, latest: UUID | None, live: UUID, since: datetime) -> bool:
        """Whether a release newer than the live one was requested since the node went away
        (this process's redeploy, or anyone's): it is not asked for again."""
        if latest is None or latest == live:
            return False
        return self.queries.deployment(latest).created_on >= since

    def _send(self, command: c.Command) -> bool:
        return report(self.bus, self._ctx, command, log, self._wait_for) is not None
