"""The reconciler: compares what should run with what the engines report, records the drift
as events and repairs it; keeps the ingress and the runtime log collectors in step."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, UnavailableError
from application.logs import LogStore
from application.ports import Clock, SecretBox
from application.processes.deployer import Deployer
from application.processes.health import lost_operation, probe_once
from application.processes.replicas import Replicas, held_port
from application.processes.snapshots import SnapshotProcess
from application.processes.support import (
    BACKUP_OPERATION,
    CRON_RUN,
    DEPLOYMENT,
    INSTANCE,
    MANAGED,
    ORGANIZATION,
    REPLICA,
    SERVICE,
    VOLUME,
    LogWriter,
    redactor_for,
    release_variables,
    report,
    route_guard,
    route_id,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import (
    Certificates,
    ContainerDeath,
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    Ingress,
    NodeRuntimes,
    Route,
    run_key,
)
from application.wake import WakeTokens
from domain.deployment import MAX_LOG_LINES, Deployment, DeploymentState
from domain.health import RECOVERED_AFTER, ProbeRole, RestartBackoff
from domain.ids import Actor
from domain.service import Service
from domain.service_spec import HealthCheckKind, ServiceKind

log = logging.getLogger(__name__)
ACTOR = Actor("system:reconciler")
MIN_GAP = 0.2
"""Seconds between two ticks at least, however often the dashboard changes."""
RESTARTED_FOR = 60.0
"""Seconds a restart this process asked for keeps its container's death from being restarted
at once (the death was asked for; the whole repair looks at it instead)."""
DEATH_CHECK = 0.05
"""Seconds between two looks at the death followers' flag while the loop waits."""
READY_AT_ONCE = 1.0
"""Seconds a restarted replica's readiness is probed for by the reconciler itself."""
READY_PROBE_GAP = 0.05
"""Seconds between two of those probes."""
RETIRE_GRACE = timedelta(seconds=30)  # the deployer retires old replicas after draining


@dataclass
class Desired:
    """A live release and how many replicas it should have now."""

    deployment: Deployment
    service: Service
    replicas: int


def _add_running(
    live: dict[str, tuple[Desired, list[ContainerInfo]]],
    deployment_id: str,
    wanted: Desired,
    running: list[ContainerInfo],
) -> None:
    """Add one engine's running replicas of a release to what the release's route gets."""
    known = live.get(deployment_id)
    live[deployment_id] = (wanted, (known[1] if known else []) + running)


class _Homes:
    """Which replicas of each release are placed on which engine, for one tick."""

    def __init__(self, reconciler: Reconciler, engines: Mapping[str, ContainerRuntime]) -> None:
        self._reconciler = reconciler
        self._engines = engines
        self._homes: dict[UUID, dict[int, str | None]] = {}

    def _of(self, wanted: Desired) -> dict[int, str | None]:
        found = self._homes.get(wanted.deployment.id)
        if found is None:
            count = max(wanted.replicas, 1)  # a release at 0 replicas is routed where 0 was
            found = {r: self._reconciler.replica_home(wanted, r) for r in range(count)}
            self._homes[wanted.deployment.id] = found
        return found

    def here(self, wanted: Desired, endpoint: str) -> frozenset[int]:
        """The release's replicas placed on ``endpoint``."""
        return frozenset(r for r, home in self._of(wanted).items() if home == endpoint)

    def routed_here(self, wanted: Desired, endpoint: str) -> bool:
        """Whether a replica of the release belongs on ``endpoint`` (for a release at 0
        replicas: whether its replica 0 did, so its route to the wake handler is kept)."""
        return endpoint in self._of(wanted).values()


def _handed_over(wanted: Desired, handing_over: set[tuple[UUID, UUID]]) -> bool:
    """Whether a live release with volumes is handing them over to a starting release."""
    deployment = wanted.deployment
    return bool(deployment.spec.volumes) and (
        (deployment.service_id, deployment.environment_id) in handing_over
    )


def _ready(wanted: Desired, running: list[ContainerInfo]) -> list[ContainerInfo]:
    """The running replicas that take traffic: those whose readiness probe does not fail.
    When none passes, all stay (better a failing answer than none: no route at all)."""
    published = [c for c in running if c.host_port]
    unready = wanted.deployment.unready
    ready = [c for c in published if int(c.labels.get(REPLICA, "-1")) not in unready]
    return ready or published


class Reconciler:
    """Runs every few seconds (and when woken)."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        ingress: Ingress | None,
        logs: LogStore,
        secrets: SecretBox,
        clock: Clock,
        deployer: Deployer,
        local_endpoint: str,
        snapshots: SnapshotProcess | None = None,
        wake: WakeTokens | None = None,
        certificates: Certificates | None = None,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.ingress = ingress
        self.logs = logs
        self.secrets = secrets
        self.clock = clock
        self.deployer = deployer
        self.local_endpoint = local_endpoint
        self.snapshots = snapshots
        self.wake = wake
        self.certificates = certificates
        """Certificates for the custom domains (None: the ingress serves plain HTTP only)."""
        self._certified: list[str] | None = None
        """Signs the routes of sleeping services to the wake handler (None: they have none)."""
        """Volume snapshots, stepped after each reconciliation (they quiesce services)."""
        self._ctx = Context(actor=ACTOR)
        self._followers: dict[str, threading.Thread] = {}
        self._logs_read: dict[str, float] = {}
        """Containers whose earlier runs' lines were all read, and until when (seconds since
        the epoch): a container restarted in place is followed on from there."""
        self._unguarded: set[str] = set()
        """Routes of members-only environments that cannot be guarded (no access check)."""
        self._stop = threading.Event()
        self._running_loop = False
        self._reports = 0
        self._starting: set[str] = set()
        """The routes releases in progress switch themselves (this tick's view)."""
        """Commands sent so far (a tick re-reads a release it reported on)."""
        """Only the running loop follows the engines' events (tests drive ticks alone)."""
        self._died = threading.Event()
        """Set by the engines' death followers: a container of ours died or was removed."""
        self._death_followers: dict[str, threading.Thread] = {}
        self._tick_lock = threading.Lock()
        """Ticks and the handling of a reported death take turns."""
        self._known: set[str] = set()
        """The endpoints of the nodes known at the last tick."""
        self._restarted: dict[str, float] = {}
        """Containers this process restarted on request in the last minute (monotonic time):
        their deaths were asked for, and the whole repair (which finds them running again)
        looks at them, not the restart at once."""
        self._seen: dict[str, dict[str, list[ContainerInfo]]] = {}
        """Each engine's running replicas by release, as its last listing showed. An engine
        that stops answering (an agent away while its host serves on) keeps them in their
        routes, where the ingress's health checks judge them, until failover moves the
        release (issue 18: a replica is not dropped for its control connection alone)."""
        self._last: tuple[dict[str, Desired], _Homes] | None = None
        """The last tick's releases to repair and where their replicas are placed."""
        self.instance = deployer.config.instance
        self.replicas = Replicas(self.instance)
        """Replaces lost replicas as the deployer starts them (same labels, names, networks)."""
        self._backoff: dict[tuple[UUID, int], RestartBackoff] = {}
        """Each replica's deaths and restart backoff (this process's memory; a new leader
        takes a crash loop up from the release's record of it, see ``_backoff_of``)."""

    def run(
        self, stop: threading.Event, wait: Callable[[float], object], *, interval: float = 3.0
    ) -> None:
        """Reconcile until ``stop`` is set: every ``interval``, and when ``wait`` returns
        early (the dashboard changed), but at most once per ``MIN_GAP``."""
        self._stop = stop
        self._running_loop = True
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the reconciler's tick failed")
            # A burst of changes makes one tick, not one each; a death is not kept waiting.
            self._died.wait(MIN_GAP)
            if stop.is_set():
                return
            self._pause(wait, interval - MIN_GAP)

    def _pause(self, wait: Callable[[float], object], seconds: float) -> None:
        """Until the resync is due, the dashboard changed (``wait`` returns True), or an
        engine reported a container's death (issue 17: replaced within a second)."""
        deadline = time.monotonic() + seconds
        while not self._died.is_set() and not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or wait(min(left, DEATH_CHECK)) is True:
                break
        self._died.clear()

    def _follow_deaths(self, engines: dict[str, ContainerRuntime]) -> None:
        """One follower of each engine's container deaths (started once, again if it ended)."""
        for endpoint, runtime in engines.items():
            follower = self._death_followers.get(endpoint)
            if follower is not None and follower.is_alive():
                continue
            follower = threading.Thread(
                target=self._deaths_of,
                args=(runtime, endpoint),
                name=f"containr-deaths-{len(self._death_followers)}",
                daemon=True,
            )
            self._death_followers[endpoint] = follower
            follower.start()

    def _deaths_of(self, runtime: ContainerRuntime, endpoint: str) -> None:
        labels = {MANAGED: "true", INSTANCE: self.instance}
        while not self._stop.is_set():
            try:
                died = runtime.deaths(labels, timeout=5)
                if died:
                    self._on_deaths(runtime, endpoint, died)
                    self._died.set()  # and a whole tick after it, as a safety net
            except ContainerEngineError:
                return  # the engine is away: the next tick starts a follower again
            except Exception:
                log.exception("handling a death reported by %s failed", endpoint)
                self._died.set()

    def _on_deaths(
        self, runtime: ContainerRuntime, endpoint: str, died: list[ContainerDeath]
    ) -> None:
        """Repair the releases of containers that just died on one engine, at once and
        alone (no look at every container of every engine first), as the last tick saw
        them; re-route a release whose replicas are all on this engine. Ticks and this take
        turns (one lock), and a whole tick follows."""
        with self._tick_lock:
            if self._last is None:
                return
            owned, homes = self._last
            for death in died:
                if death.removed or self._restarted_at_once(runtime, endpoint, death):
                    continue  # removed: the tick replaces it
                info = runtime.inspect(death.id)
                if (
                    info is None
                    or info.state in ("running", "restarting", "created")
                    or CRON_RUN in info.labels
                    or BACKUP_OPERATION in info.labels
                ):
                    continue
                wanted = owned.get(info.labels.get(DEPLOYMENT, ""))
                if wanted is None:
                    continue
                here = homes.here(wanted, endpoint)
                labels = {
                    MANAGED: "true",
                    INSTANCE: self.instance,
                    DEPLOYMENT: str(wanted.deployment.id),
                }
                containers = [  # a cron run's or a backup's helpers are not replicas
                    x
                    for x in runtime.containers(labels)
                    if CRON_RUN not in x.labels and BACKUP_OPERATION not in x.labels
                ]
                reports = self._reports
                running = self._repair(runtime, wanted, containers, here)
                if self._reports != reports:
                    wanted = self._reread(wanted)
                self._reroute(wanted, running, here)

    def _restarted_at_once(
        self, runtime: ContainerRuntime, endpoint: str, death: ContainerDeath
    ) -> bool:
        """Start a dead replica again in place before anything is looked up, when the last
        tick saw it running (so the run that died is known), its event names its release and
        replica, and no backoff holds it: Docker's own restart policy is no quicker. False
        when the whole repair is needed (a look at the container and its release's others)."""
        assert self._last is not None
        owned, homes = self._last
        deployment_id = death.labels.get(DEPLOYMENT, "")
        wanted = owned.get(deployment_id)
        running = self._seen.get(endpoint, {}).get(deployment_id, [])
        last = next((x for x in running if x.id == death.id), None)
        if (
            wanted is None
            or last is None
            or death.id in self._restarted
            or CRON_RUN in death.labels
            or BACKUP_OPERATION in death.labels
            or _handed_over(wanted, set(self.deployer.handing_over))
        ):
            return False
        replica = int(last.labels.get(REPLICA, "-1"))
        here = homes.here(wanted, endpoint)
        if not 0 <= replica < wanted.replicas or replica not in here:
            return False
        backoff = self._backoff_of(wanted.deployment, replica)
        now = self.clock.now()
        if not backoff.may_restart(now):
            return False  # it waits out its backoff out of the route: the whole repair
        dead = msgspec.structs.replace(last, state="exited", exit_code=death.exit_code)
        replacement = self._revive(runtime, wanted, replica, dead, backoff, now)
        if replacement is None:
            return False
        running = [replacement if x.id == death.id else x for x in running]
        self._seen[endpoint][deployment_id] = running
        if replacement.upstream() != last.upstream():  # a new container, or a new port
            self._reroute(self._reread(wanted), running, here)
        return True

    def _reread(self, wanted: Desired) -> Desired:
        return replace(wanted, deployment=self.queries.deployment(wanted.deployment.id))

    def _reroute(self, wanted: Desired, running: list[ContainerInfo], here: frozenset[int]) -> None:
        """Route a release to its running replicas after a death, when all of them are on
        this engine (spread over engines: the tick routes it)."""
        if self.ingress is None or not set(range(wanted.replicas)) <= here:
            return
        route = self._route(wanted, running)
        if route is not None and route.upstreams and route.id not in self._starting:
            self.ingress.apply(route)

    def _send(self, command: c.Command) -> None:
        self._reports += 1
        report(self.bus, self._ctx, command, log)

    def tick(self) -> None:
        """One comparison of desired and actual state, with repairs."""
        with self._tick_lock:
            self._tick()

    def _tick(self) -> None:
        # Releases in progress first, then the live ones: the read model only moves forward,
        # so a release that became live in between is in one of the two lists.
        active = self.dashboard.active_deployments()
        desired = self._desired()
        in_progress = {row.id for row in active}
        # Only a release about to switch traffic owns its route; during a (long) build the
        # live release's route is still the reconciler's to restore.
        starting = {
            route_id(self.instance, row.service_id, row.environment_id)
            for row in active
            if row.state in (DeploymentState.BUILT.value, DeploymentState.STARTING.value)
        }
        self._starting = starting
        handing_over = self._handing_over(active) | set(self.deployer.handing_over)
        paused = {k for k, wanted in desired.items() if _handed_over(wanted, handing_over)}
        owned = {k: wanted for k, wanted in desired.items() if k not in paused}
        routes: dict[str, Route] = {}
        self._unguarded = set()
        engines = self._runtimes()
        # A release's replicas may sit on several engines: each engine repairs the replicas
        # placed on it, and the route gets the running replicas of every engine.
        live: dict[str, tuple[Desired, list[ContainerInfo]]] = {}
        homes = _Homes(self, engines)
        self._last = (owned, homes)
        self._restarted = {
            k: at for k, at in self._restarted.items() if time.monotonic() - at < RESTARTED_FOR
        }
        if self._running_loop:
            self._follow_deaths(engines)
        listings = self._listings(engines)
        seen: dict[str, dict[str, list[ContainerInfo]]] = {}
        for endpoint, actual in listings.items():
            runtime = engines[endpoint]
            seen[endpoint] = {}
            by_deployment: dict[str, list[ContainerInfo]] = {}
            # A cron run's one-off container is the cron process's to handle, and a backup's
            # or restore's helpers and scratch databases the backup process's.
            for container in (
                x
                for x in actual
                if CRON_RUN not in x.labels
                and BACKUP_OPERATION not in x.labels
                and x.labels.get(DEPLOYMENT, "") not in paused
            ):
                by_deployment.setdefault(container.labels.get(DEPLOYMENT, ""), []).append(container)
            for deployment_id, containers in by_deployment.items():
                wanted = owned.get(deployment_id)
                if wanted is not None:
                    reports = self._reports
                    running = self._repair(
                        runtime, wanted, containers, homes.here(wanted, endpoint)
                    )
                    if self._reports != reports:  # a loss makes a replica unready: re-read it
                        wanted = self._reread(wanted)
                    running = self._restart_if_asked(runtime, wanted, running)
                    self._follow_logs(runtime, wanted.deployment, running)
                    _add_running(live, deployment_id, wanted, running)
                    seen[endpoint][deployment_id] = running
                elif deployment_id not in {str(i) for i in in_progress}:
                    self._remove_orphans(runtime, endpoint, deployment_id, containers)
            for deployment_id, wanted in owned.items():
                if deployment_id not in by_deployment and homes.routed_here(wanted, endpoint):
                    running = self._repair(runtime, wanted, [], homes.here(wanted, endpoint))
                    _add_running(live, deployment_id, wanted, running)
                    seen[endpoint][deployment_id] = running
            self._remove_doomed_volumes(runtime, actual)
        self._seen = self._route_silent(seen, owned, live)
        for wanted, running in live.values():
            route = self._route(wanted, running)
            if route is not None:
                routes[route.id] = route
        self._sync_ingress(routes, desired, starting)
        self._sync_certificates(desired)
        self._move_off_draining_nodes(desired, active)
        self._step_snapshots()
        if len(listings) == len(engines):  # every container was seen
            self._forget_removed({x.id for actual in listings.values() for x in actual})

    def _listings(self, engines: Mapping[str, ContainerRuntime]) -> dict[str, list[ContainerInfo]]:
        """This installation's containers on each engine that answers."""
        found = {}
        for endpoint, runtime in engines.items():
            try:
                found[endpoint] = runtime.containers({MANAGED: "true", INSTANCE: self.instance})
            except ContainerEngineError as e:
                log.warning("cannot list containers at %s: %s", endpoint, e)
        return found

    def _route_silent(
        self,
        seen: dict[str, dict[str, list[ContainerInfo]]],
        owned: dict[str, Desired],
        live: dict[str, tuple[Desired, list[ContainerInfo]]],
    ) -> dict[str, dict[str, list[ContainerInfo]]]:
        """Add to the routes what each known engine that did not answer this tick ran when
        it was last listed (``seen``: this tick's listings); what to remember next tick."""
        for endpoint, releases in self._seen.items():
            if endpoint in seen or endpoint not in self._known:
                continue
            seen[endpoint] = releases
            for deployment_id, running in releases.items():
                wanted = owned.get(deployment_id)
                if wanted is not None:  # (but for replicas a scale-down has done without)
                    kept = [
                        c for c in running if int(c.labels.get(REPLICA, "-1")) < wanted.replicas
                    ]
                    _add_running(live, deployment_id, wanted, kept)
        return seen

    def _forget_removed(self, existing: set[str]) -> None:
        """Drop what this process keeps of containers that no longer exist (their finished
        log followers), so a long-running leader's memory does not grow with every one."""
        for gone in [
            i for i, t in self._followers.items() if i not in existing and not t.is_alive()
        ]:
            del self._followers[gone]
        for gone in [i for i in self._logs_read if i not in existing]:
            del self._logs_read[gone]

    def _step_snapshots(self) -> None:
        if self.snapshots is not None:
            self.snapshots.tick()

    def _handing_over(self, active: list[Any]) -> set[tuple[UUID, UUID]]:
        """(service, environment) whose live replicas were stopped on purpose."""
        # A starting release with volumes has stopped the live one's replicas to take its
        # volumes over (Deployer._hand_over_volumes): they are not lost, leave them be.
        stopped = {
            (row.service_id, row.environment_id)
            for row in active
            if row.state == DeploymentState.STARTING.value
        }
        # So has a snapshot quiescing the service (SnapshotProcess): it starts them again.
        return stopped | {
            (row.service_id, row.environment_id)
            for row in self.dashboard.busy_snapshots()
            if row.state in ("requested", "quiesced", "archived")
        }

    # What should run

    def _desired(self) -> dict[str, Desired]:
        result = {}
        environments: dict[UUID, set[UUID]] = {}
        for state in self.dashboard.live_states():
            assert state.live_deployment_id is not None
            service = self.queries.service(state.service_id)
            if service.deleted:
                continue
            deployment = self.queries.deployment(state.live_deployment_id)
            if deployment.state is not DeploymentState.HEALTHY:
                continue
            if service.spec.kind is ServiceKind.CRON:
                continue  # a cron release runs only as one-off runs (processes/cron.py)
            if deployment.project_id not in environments:
                project = self.queries.project(deployment.project_id)
                environments[deployment.project_id] = set(project.environments)
            if deployment.environment_id not in environments[deployment.project_id]:
                continue  # a removed environment (a closed preview): nothing of it is kept
            result[str(deployment.id)] = Desired(deployment, service, service.spec.replicas)
        return result

    def _runtimes(self) -> dict[str, ContainerRuntime]:
        endpoints = {row.endpoint for row in self.dashboard.all_nodes()} | {self.local_endpoint}
        self._known = endpoints
        engines = {}
        for endpoint in sorted(endpoints):
            runtime = self.runtimes.for_endpoint(endpoint)
            if runtime.ping():
                engines[endpoint] = runtime
        return engines

    def replica_home(self, wanted: Desired, replica: int) -> str | None:
        """The endpoint of the engine a replica is placed on (a replica added by a scale-up
        after the release was placed goes where replica 0 is; None: a node no longer known)."""
        placements = wanted.deployment.placements
        node_id = placements.get(replica, placements.get(0))
        if node_id is None:
            return self.local_endpoint
        try:
            return self.queries.node(node_id).endpoint
        except UnavailableError:
            raise
        except ApplicationError:
            return None

    # Repairs

    def _repair(
        self,
        runtime: ContainerRuntime,
        wanted: Desired,
        containers: list[ContainerInfo],
        here: frozenset[int] | None = None,
    ) -> list[ContainerInfo]:
        """Make the replicas of 0..n-1 placed on this engine (``here``; None: all) of a live
        release run; remove any beyond n. Records drift. A replica placed on another engine
        is never started here, but a running copy is left running (a returning node's stale
        copies are the failover process's to remove).

        A replica that died is restarted with Kubernetes' backoff (at once, then 10 s
        doubling to 5 minutes); one that keeps dying is recorded crash looping once, and
        its restarts are not recorded again until it stays up (issue 17).
        """
        deployment = wanted.deployment
        if _handed_over(wanted, set(self.deployer.handing_over)):  # since the tick began
            return [c for c in containers if c.state == "running"]
        by_replica = {int(c.labels.get(REPLICA, "-1")): c for c in containers}
        running: list[ContainerInfo] = []
        for replica, extra in sorted(by_replica.items()):
            if replica >= wanted.replicas or replica < 0:  # scaled down
                runtime.stop(extra.id)
                runtime.remove(extra.id)
        now = self.clock.now()
        dead: list[tuple[int, ContainerInfo | None, RestartBackoff]] = []
        for replica in range(wanted.replicas):
            container = by_replica.get(replica)
            backoff = self._backoff_of(deployment, replica)
            if container is not None and container.state == "running":
                self._running(deployment, replica, container, backoff, now)
                running.append(container)
            elif here is not None and replica not in here:
                continue  # placed on another engine: repaired there
            elif container is None or container.state not in ("restarting", "created"):
                dead.append((replica, container, backoff))  # (otherwise the engine is at work)
        # A replica started again in place at once keeps its address: it stays in the route,
        # where the ingress's passive check skips it until it answers, and no configuration
        # load comes at its death (a load ends Caddy's retries of a request that met it: a 502).
        if any(c is None or not b.may_restart(now) for _, c, b in dead):
            self._route_around(wanted, running)
        for replica, container, backoff in dead:
            replacement = self._revive(runtime, wanted, replica, container, backoff, now)
            if replacement is not None:
                running.append(replacement)
        return running

    def _backoff_of(self, deployment: Deployment, replica: int) -> RestartBackoff:
        """The replica's deaths and restart backoff: this process's, or, first, what the
        release records of its crash loop (a new leader takes a loop up where it was)."""
        key = (deployment.id, replica)
        backoff = self._backoff.get(key)
        if backoff is None:
            loop = deployment.crash_looping.get(replica)
            backoff = (
                RestartBackoff.resumed(loop.deaths, loop.since)
                if loop is not None
                else RestartBackoff()
            )
            self._backoff[key] = backoff
        return backoff

    def _route_around(self, wanted: Desired, running: list[ContainerInfo]) -> None:
        """Take dead replicas out of the route at once, before replacing them, when one waits
        for its backoff or is replaced by a new container (at a new address)."""
        route = self._route(wanted, running)
        if self.ingress is None or route is None or not route.upstreams:
            return
        if route.id in self._starting:
            return  # a release in progress: the deployer switches this route itself
        current = next((r for r in self.ingress.routes() if r.id == route.id), None)
        if current is not None and set(current.upstreams) - set(route.upstreams):
            self.ingress.apply(route)

    def _running(
        self,
        deployment: Deployment,
        replica: int,
        container: ContainerInfo,
        backoff: RestartBackoff,
        now: datetime,
    ) -> None:
        """A crash-looping replica that stayed up long enough is recorded running again."""
        up = backoff.running(now)
        if replica in deployment.crash_looping and up >= RECOVERED_AFTER:
            self._send(
                c.ReportReplicaReplaced(
                    deployment_id=deployment.id,
                    replica=replica,
                    container=container.name,
                    operation_id=f"{deployment.id}:recovered:{replica}:{run_key(container)}",
                )
            )

    def _revive(
        self,
        runtime: ContainerRuntime,
        wanted: Desired,
        replica: int,
        container: ContainerInfo | None,
        backoff: RestartBackoff,
        now: datetime,
    ) -> ContainerInfo | None:
        """Record a dead (or removed) replica's loss once, and start its replacement when
        its backoff has passed; None while it waits (or the engine refused). A replacement
        due at once starts while the loss is being recorded (the engine's start is most of
        the time a replacement takes)."""
        deployment = wanted.deployment
        looping = replica in deployment.crash_looping
        if container is None:
            # Removed (asleep at zero and woken, or by hand): not a crash, so no backoff.
            new_death = not looping
        else:
            new_death = backoff.died(run_key(container), now) and not looping
        with ThreadPoolExecutor(1, thread_name_prefix="containr-restart") as pool:
            started = (
                pool.submit(self._restart, runtime, wanted, replica, container)
                if backoff.may_restart(now)
                else None
            )
            if new_death:
                self._record_death(runtime, wanted, replica, container, backoff)
                looping = looping or (container is not None and backoff.crash_looping)
            if started is None:
                return None  # the dead container stays meanwhile: its exit code and logs
            replacement = started.result()
        if replacement is None:
            return None
        backoff.restarted(now)
        if not looping:
            self._send(
                c.ReportReplicaReplaced(
                    deployment_id=deployment.id,
                    replica=replica,
                    container=replacement.name,
                    operation_id=f"{deployment.id}:replaced:{replica}:{run_key(replacement)}",
                )
            )
            self._ready_at_once(runtime, wanted, replica, replacement)
        return replacement

    def _restart(
        self,
        runtime: ContainerRuntime,
        wanted: Desired,
        replica: int,
        container: ContainerInfo | None,
    ) -> ContainerInfo | None:
        """The replica's container started again: in place, as the engine's own restart
        policy would (no removal and no creation on the way), else a new one. A container
        known dead is started at once by its id: a start is most of a replacement's time,
        and the release's variables, its queries and another listing are not needed for it."""
        try:
            if container is not None:
                return runtime.start(container.id)
            return self._recreate(runtime, wanted, replica)
        except ContainerEngineError as e:
            log.warning("could not restart replica %s of %s: %s", replica, wanted.deployment.id, e)
        try:  # its container may be what is wrong: a new one
            if container is not None:
                runtime.remove(container.id)
            return self._recreate(runtime, wanted, replica)
        except ContainerEngineError as e:
            log.warning("could not replace replica %s of %s: %s", replica, wanted.deployment.id, e)
            return None

    def _ready_at_once(
        self, runtime: ContainerRuntime, wanted: Desired, replica: int, replacement: ContainerInfo
    ) -> None:
        """Take a replacement into the route on its first passing readiness probe, within
        ``READY_AT_ONCE`` seconds (a timer on the stop event between probes), rather than on
        the health monitor's next look. Only for a plain readiness check (no startup probe,
        no start period, one success enough); otherwise, or when it does not pass in time,
        the health monitor decides as always."""
        spec = wanted.deployment.spec
        check = spec.health_check
        if (
            check is None
            or spec.startup_check is not None
            or check.grace_period_seconds > 0
            or check.success_threshold > 1
        ):
            return
        deadline = time.monotonic() + READY_AT_ONCE
        while True:
            result = probe_once(check, runtime, self.deployer.prober, replacement)
            if result.ok:
                self._send(
                    c.RecordReplicaHealth(
                        deployment_id=wanted.deployment.id,
                        replica=replica,
                        probe=ProbeRole.READINESS.value,
                        passing=True,
                        detail=result.detail,
                    )
                )
                return
            if time.monotonic() >= deadline or self._stop.wait(READY_PROBE_GAP):
                return

    def _record_death(
        self,
        runtime: ContainerRuntime,
        wanted: Desired,
        replica: int,
        container: ContainerInfo | None,
        backoff: RestartBackoff,
    ) -> None:
        deployment = wanted.deployment
        if container is None and replica >= len(deployment.placements):
            return  # a new replica of a scale-up, never lost
        code = container.exit_code if container is not None else None
        operation = lost_operation(
            deployment.id,
            replica,
            run_key(container) if container is not None else f"removed-{deployment.version}",
        )
        if backoff.crash_looping and container is not None:
            self._send(
                c.ReportReplicaCrashLooping(
                    deployment_id=deployment.id,
                    replica=replica,
                    deaths=backoff.deaths,
                    exit_code=code,
                    last_lines=self._last_lines(runtime, wanted, container),
                    operation_id=operation,
                )
            )
            return
        self._send(
            c.ReportReplicaLost(
                deployment_id=deployment.id,
                replica=replica,
                reason=(
                    f"the container exited with code {code}"
                    if container is not None
                    else "the container was removed"
                ),
                operation_id=operation,
                exit_code=code,
            )
        )

    def _last_lines(
        self, runtime: ContainerRuntime, wanted: Desired, container: ContainerInfo
    ) -> list[str]:
        """The dead container's last log lines, redacted."""
        redactor = redactor_for(self.queries, self.secrets, wanted.deployment, wanted.service)
        try:
            lines = list(runtime.logs(container.id))[-MAX_LOG_LINES:]
        except ContainerEngineError:
            return []
        return [redactor.redact(line)[:500] for line in lines]

    def _recreate(self, runtime: ContainerRuntime, wanted: Desired, replica: int) -> ContainerInfo:
        env = {k: v.reveal() for k, v in release_variables(self.queries, wanted.deployment).items()}
        project = self.queries.project(wanted.deployment.project_id)
        environment = project.environment(wanted.deployment.environment_id).name
        redactor = redactor_for(self.queries, self.secrets, wanted.deployment, wanted.service)
        output = LogWriter(self.logs, wanted.deployment, "system", redactor)
        container = self.replicas.ensure(
            runtime,
            wanted.deployment,
            wanted.service,
            environment,
            replica,
            env,
            output,
            held_port(self.queries, wanted.deployment, replica),
        )
        output.flush()
        return container

    def _restart_if_asked(
        self, runtime: ContainerRuntime, wanted: Desired, running: list[ContainerInfo]
    ) -> list[ContainerInfo]:
        """Restart the replicas if asked; returns them as they are now (new host ports)."""
        operation = wanted.deployment.pending_restart
        if operation is None:
            return running
        restarted = []
        for container in running:  # one at a time, so the others keep serving
            self._restarted[container.id] = time.monotonic()
            runtime.restart(container.id)
            info = None
            deadline = time.monotonic() + 60
            # A timer on the stop event, not a sleep: a stopping process ends the wait.
            while time.monotonic() < deadline and not self._stop.is_set():
                info = runtime.inspect(container.id)
                if info is not None and info.state == "running":
                    break
                self._stop.wait(0.2)
            if info is not None:
                restarted.append(info)
        self._send(c.RecordRestarted(deployment_id=wanted.deployment.id, operation_id=operation))
        return restarted

    def _remove_orphans(
        self,
        runtime: ContainerRuntime,
        endpoint: str,
        deployment_id: str,
        containers: list[ContainerInfo],
    ) -> None:
        """Containers no live or in-progress release wants (after the retire grace)."""
        known = None
        if deployment_id:
            try:
                known = self.queries.deployment(UUID(deployment_id))
            except UnavailableError:
                raise  # never remove containers because the event store did not answer
            except (ApplicationError, ValueError):
                known = None
            if (
                known is not None
                and known.history
                and (self.clock.now() - known.history[-1].at < RETIRE_GRACE)
            ):
                return  # just superseded: the deployer drains and retires it
        for container in containers:
            runtime.stop(container.id)
            runtime.remove(container.id)
            node = self._node_for(endpoint, container.labels.get(ORGANIZATION))
            if node is not None:
                reason = (
                    "its release ended"
                    if known is not None
                    else "no release of Containr's knows it"
                )
                self._send(
                    c.ReportOrphanRemoved(
                        node_id=node,
                        container=container.name,
                        reason=reason,
                        deployment_id=known.id if known is not None else None,
                    )
                )

    def _remove_doomed_volumes(
        self, runtime: ContainerRuntime, containers: list[ContainerInfo]
    ) -> None:
        """Remove the volumes of deleted services that did not keep them (or released
        them), once none of the service's containers is left on the engine."""
        try:
            volumes = runtime.volumes({MANAGED: "true", INSTANCE: self.instance})
        except ContainerEngineError as e:
            log.warning("cannot list volumes: %s", e)
            return
        in_use = {c.labels.get(SERVICE) for c in containers}
        services: dict[str, Service | None] = {}
        for volume in volumes:
            owner = volume.labels.get(SERVICE, "")
            if owner in in_use:
                continue
            if owner not in services:
                try:
                    services[owner] = self.queries.service(UUID(owner))
                except UnavailableError:
                    raise  # never remove data because the event store did not answer
                except (ApplicationError, ValueError):
                    services[owner] = None  # not ours to judge
            service = services[owner]
            if service is None or not service.volume_doomed(volume.labels.get(VOLUME, "")):
                continue
            try:
                runtime.remove_volume(volume.name)
            except ContainerEngineError as e:  # a container still holds it: next tick
                log.warning("could not remove volume %s yet: %s", volume.name, e)

    def _node_for(self, endpoint: str, organization: str | None) -> UUID | None:
        for row in self.dashboard.all_nodes():
            if row.endpoint == endpoint and str(row.organization_id) == organization:
                return row.id
        return None

    def _move_off_draining_nodes(self, desired: dict[str, Desired], active: list[Any]) -> None:
        """A live release with replicas on a draining node is redeployed: the scheduler
        places the new release elsewhere and the old replicas are retired as usual."""
        draining = {
            row.id for row in self.dashboard.all_nodes() if row.schedule_state == "draining"
        }
        if not draining:
            return
        busy = {(row.service_id, row.environment_id) for row in active}
        for wanted in desired.values():
            deployment = wanted.deployment
            if (deployment.service_id, deployment.environment_id) in busy:
                continue
            if any(node in draining for node in deployment.placements.values()):
                log.info("moving %s off a draining node", deployment.id)
                self._send(
                    c.RedeployService(
                        service_id=deployment.service_id, environment_id=deployment.environment_id
                    )
                )

    # Ingress and logs

    def _route(self, wanted: Desired, running: list[ContainerInfo]) -> Route | None:
        spec = wanted.deployment.spec
        if spec.kind is not ServiceKind.WEB or spec.port is None:
            return None
        project = self.queries.project(wanted.deployment.project_id)
        environment = project.environment(wanted.deployment.environment_id).name
        guard = route_guard(
            self.queries, wanted.deployment.environment_id, self.deployer.config.access_dial
        )
        if guard is None:
            # Members only, and no access check to guard the route with: no route at all.
            self._unguarded.add(
                route_id(
                    self.instance, wanted.deployment.service_id, wanted.deployment.environment_id
                )
            )
            return None
        check = spec.health_check
        # Each replica at its own node's address (issue 18: routing across hosts).
        upstreams = sorted(u for c in _ready(wanted, running) if (u := c.upstream()))
        wake = self._wake_token(wanted) if not upstreams else None
        return Route(
            auth_dial=guard[0],
            auth_uri=guard[1],
            id=route_id(
                self.instance, wanted.deployment.service_id, wanted.deployment.environment_id
            ),
            hosts=[
                f"{wanted.service.name}.{environment}.{project.slug}."
                f"{self.deployer.config.ingress_domain}",
                *wanted.service.spec.domains,
            ],
            upstreams=upstreams if wake is None else [self.deployer.config.access_dial or ""],
            policy=wanted.service.spec.load_balancing,  # type: ignore[arg-type]  # checked
            health_path=(
                check.path
                if check and check.kind is HealthCheckKind.HTTP and wake is None
                else None
            ),
            wake=wake,
        )

    def _wake_token(self, wanted: Desired) -> str | None:
        """The wake token of a service asleep at 0 replicas (its route points at the wake
        handler then), or None (no wake handler address, or not asleep)."""
        if self.wake is None or not self.deployer.config.access_dial or wanted.replicas != 0:
            return None
        autoscaling = self.queries.service_autoscaling(wanted.deployment.service_id)
        if autoscaling is None or autoscaling.policy is None or not autoscaling.asleep:
            return None
        return self.wake.token(wanted.deployment.service_id, wanted.deployment.environment_id)

    def _sync_ingress(
        self, routes: dict[str, Route], desired: dict[str, Desired], starting: set[str]
    ) -> None:
        if self.ingress is None:
            return
        current = {route.id: route for route in self.ingress.routes()}
        for route in routes.values():
            if route.id in starting:
                continue  # a release in progress: the deployer switches this route itself
            existing = current.get(route.id)
            changed = existing is None or (
                sorted(existing.upstreams),
                existing.hosts,
                existing.policy,
                existing.health_path,
                existing.auth_dial,
                existing.auth_uri,
                existing.wake,
            ) != (
                route.upstreams,
                route.hosts,
                route.policy,
                route.health_path,
                route.auth_dial,
                route.auth_uri,
                route.wake,
            )
            if changed and route.upstreams:
                self.ingress.apply(route)
        live_routes = {
            route_id(self.instance, d.deployment.service_id, d.deployment.environment_id)
            for d in desired.values()
        }
        for route_name in current:
            if route_name in self._unguarded or (
                route_name.startswith(f"containr-{self.instance}-")
                and route_name not in live_routes
                and route_name not in starting  # the deployer may have just switched it
            ):
                self.ingress.remove(route_name)

    def _sync_certificates(self, desired: dict[str, Desired]) -> None:
        """Have the ingress hold certificates for every live service's custom domains
        (issue 18); it is told only when that set changes (and once after a start)."""
        if self.certificates is None:
            return
        domains = sorted({d for wanted in desired.values() for d in wanted.service.spec.domains})
        if domains != self._certified:
            self.certificates.apply(domains)
            self._certified = domains

    def _follow_logs(
        self, runtime: ContainerRuntime, deployment: Deployment, running: list[ContainerInfo]
    ) -> None:
        for container in running:
            follower = self._followers.get(container.id)
            if follower is not None and follower.is_alive():
                continue
            replica = int(container.labels.get(REPLICA, "0"))
            service = self.queries.service(deployment.service_id)
            writer = LogWriter(
                self.logs,
                deployment,
                "runtime",
                redactor_for(self.queries, self.secrets, deployment, service),
                replica=replica,
            )
            thread = threading.Thread(
                target=self._collect,
                args=(runtime, container.id, writer, self._logs_read.get(container.id)),
                name=f"containr-logs-{container.name}",
                daemon=True,
            )
            self._followers[container.id] = thread
            thread.start()

    def _collect(
        self,
        runtime: ContainerRuntime,
        container_id: str,
        writer: LogWriter,
        since: float | None,
    ) -> None:
        # From the container's creation, or, for a container restarted in place, from when
        # its earlier run's lines had all been read (``since``; not its new run's start
        # time, which the engine records after the process may have printed): nothing is
        # lost; after a worker restart, lines the previous worker stored may be stored again.
        try:
            for line in runtime.logs(container_id, since=since, follow=True):
                writer(line)
                if self._stop.is_set():
                    break
            else:  # followed to the run's end: a restart in place goes on from here
                self._logs_read[container_id] = time.time()
        except ContainerEngineError:
            pass
        finally:
            writer.flush()
