"""The cron process manager: runs each cron service on its schedule, in every environment
where it has a live release, as one-off containers of that release's image.

It is level-triggered and driven by the application clock. Every tick it:
1. looks at each live cron service and environment, and records each scheduled time that
   came since the last one recorded (``ScheduleCronRun``; a run's id is derived from the
   service, the environment and the time, so a restart never records or starts it twice),
   applying the missed-run rule of ``application.cron`` after a downtime;
2. advances every open run: applies the overlap policy (skip, queue, replace), starts its
   container (found first by its run label: a crash after the create finds it), and once the
   container exited (or its deadline passed: it is killed) stores its logs, reports the exit
   code and removes the container;
3. now and then removes the containers of runs that already ended (a crash between the
   report and the removal leaves one behind).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.cron import MAX_MISSED_RECORDED, due, fire_times
from application.errors import ApplicationError
from application.logs import LogQuery, LogStore
from application.ports import Clock, SecretBox
from application.processes.support import (
    CRON_RUN,
    ENVIRONMENT,
    INSTANCE,
    MANAGED,
    OPERATION,
    ORGANIZATION,
    PROJECT,
    SERVICE,
    every,
    network_name,
    redactor_for,
    release_variables,
    report,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.registries import ImageRegistries
from application.runtime_ports import (
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    ContainerSpec,
    NodeRuntimes,
)
from domain.cron_run import CronRun, CronRunState
from domain.deployment import DeploymentState
from domain.ids import Actor, NodeId
from domain.service import Service
from domain.service_spec import ServiceKind

log = logging.getLogger(__name__)
ACTOR = Actor("system:cron")
CRON = "containr.cron"
"""Marks every cron run's container (with the value ``true``) so leftovers can be found."""
_ENDED = ("exited", "dead")


@dataclass(frozen=True)
class CronConfig:
    """Which installation's containers these are and where runs go without a placement."""

    instance: str
    local_endpoint: str
    sweep_seconds: float = 60.0
    stop_seconds: float = 2.0
    """How long a killed run gets between SIGTERM and SIGKILL."""


class CronScheduler:
    """Schedules, starts, watches and ends the runs of every cron service."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        logs: LogStore,
        secrets: SecretBox,
        runtimes: NodeRuntimes,
        clock: Clock,
        config: CronConfig,
        wait_for: Callable[[int], None] = lambda _position: None,
        registries: ImageRegistries | None = None,
    ) -> None:
        self.bus = bus
        self.registries = registries
        """Where a release's pushed image is pulled from onto the run's node (issue 18)."""
        self.queries = queries
        self.dashboard = dashboard
        self.logs = logs
        self.secrets = secrets
        self.runtimes = runtimes
        self.clock = clock
        self.config = config
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)
        self._sweep_due = every(config.sweep_seconds)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the cron scheduler's tick failed")
            wait(1.0)

    def tick(self) -> None:
        """Record the scheduled times that came, then advance every open run."""
        self.schedule()
        for row in self.dashboard.open_cron_runs():
            try:
                self.advance(row.id)
            except Exception:
                log.exception("cron run %s: step failed", row.id)
        if self._sweep_due():
            self.sweep()

    # 1. The schedule

    def schedule(self) -> None:
        """Record every scheduled time that came since the last one recorded."""
        now = self.clock.now()
        live = self.dashboard.live_states()
        rows = self.dashboard.services_by_id(sorted({s.service_id for s in live}))
        crons = {r.id for r in rows if r.kind == ServiceKind.CRON.value and not r.deleted}
        for state in live:
            if state.service_id not in crons or state.live_deployment_id is None:
                continue
            try:
                self._schedule_one(state.service_id, state.environment_id, now)
            except Exception:
                log.exception("cron service %s: scheduling failed", state.service_id)

    def _schedule_one(self, service_id: UUID, environment_id: UUID, now: datetime) -> None:
        service = self.queries.service(service_id)
        live_id = service.live_release(environment_id)
        spec = service.spec
        if service.deleted or live_id is None or spec.cron_schedule is None:
            return
        project = self.queries.project(service.project_id)
        if project.is_deleted or environment_id not in project.environments:
            return  # a removed environment (a closed preview) or a deleted project: no runs
        since = self._cursor(service_id, environment_id, live_id)
        times, more = fire_times(
            spec.cron_schedule, spec.cron_timezone, since, now, newest=MAX_MISSED_RECORDED + 1
        )
        found = due(times, now, spec.cron_starting_deadline_seconds, more=more)
        for index, missed in enumerate(found.missed):
            detail = (
                f"Containr was not running at {missed.isoformat()} and the run was more than "
                f"{spec.cron_starting_deadline_seconds} s late"
            )
            if index == 0 and found.earlier_missed:
                detail += " (earlier times were missed too)"
            self._send(
                c.ScheduleCronRun(
                    service_id=service_id,
                    environment_id=environment_id,
                    deployment_id=live_id,
                    scheduled_at=missed,
                    skip_reason="missed",
                    skip_detail=detail,
                )
            )
        if found.run is not None:
            self._send(
                c.ScheduleCronRun(
                    service_id=service_id,
                    environment_id=environment_id,
                    deployment_id=live_id,
                    scheduled_at=found.run,
                )
            )

    def _cursor(self, service_id: UUID, environment_id: UUID, live_id: UUID) -> datetime:
        """The last scheduled time recorded, or when the first live release became live."""
        for row in self.dashboard.cron_runs(service_id, environment_id, limit=50):
            if not row.manual:
                return row.scheduled_at
        deployment = self.queries.deployment(live_id)
        live_since = [h.at for h in deployment.history if h.state is DeploymentState.HEALTHY]
        return live_since[0] if live_since else deployment.history[-1].at

    # 2. The runs

    def advance(self, run_id: UUID) -> None:
        """Take the next step of one run (the unit the tests drive)."""
        run = self.queries.cron_run(run_id)
        if run.state is CronRunState.SCHEDULED:
            self._scheduled(run)
        elif run.state is CronRunState.RUNNING:
            self._running(run)

    def _scheduled(self, run: CronRun) -> None:
        service = self.queries.service(run.service_id)
        project = self.queries.project(run.project_id)
        if (
            service.deleted
            or service.spec.kind is not ServiceKind.CRON
            or project.is_deleted
            or run.environment_id not in project.environments
        ):
            detail = "the service, its project or the environment is gone"
            self._send(c.SkipCronRun(run_id=run.id, reason="no-release", detail=detail))
            return
        ahead = self._ahead_of(run)
        if ahead:
            policy = service.spec.cron_overlap
            if policy == "queue":
                return  # starts once the runs ahead of it ended
            if policy == "skip":
                self._send(
                    c.SkipCronRun(
                        run_id=run.id,
                        reason="overlap",
                        detail=f"the run scheduled at {ahead[0].scheduled_at.isoformat()} "
                        "was still going",
                    )
                )
                return
            for other in ahead:
                self._end_container(other, service, kill=True)
                if self._send(c.ReplaceCronRun(run_id=other.id, by_run_id=run.id)):
                    self._remove_containers(other)
        self._start(run, service)

    def _ahead_of(self, run: CronRun) -> list[CronRun]:
        """The open runs of the same service and environment scheduled before this one."""
        rows = self.dashboard.cron_runs(run.service_id, run.environment_id, limit=50)
        ahead = [
            self.queries.cron_run(r.id)
            for r in rows
            if r.id != run.id
            and r.state in ("scheduled", "running")
            and (r.scheduled_at, str(r.id)) < (run.scheduled_at, str(run.id))
        ]
        return [other for other in ahead if other.state.is_open]

    def _start(self, run: CronRun, service: Service) -> None:
        runtime = self._runtime(run)
        found = runtime.containers({CRON_RUN: str(run.id)})
        if found:
            container = found[0]
            if container.state == "created":
                container = runtime.start(container.id)
        else:
            try:
                self._pull_if_missing(run, runtime)
                container = runtime.start(runtime.create(self._container_spec(run, service)).id)
            except ContainerEngineError as e:
                self._send(c.FinishCronRun(run_id=run.id, exit_code=None, detail=str(e)))
                return
        self._send(c.StartCronRun(run_id=run.id, container=container.name))

    def _pull_if_missing(self, run: CronRun, runtime: ContainerRuntime) -> None:
        """The release's image, pulled by digest onto the run's node if it lacks it."""
        image = self.queries.deployment(run.deployment_id).image
        if self.registries is not None and image is not None:
            self.registries.ensure_image(runtime, image, run.organization_id)

    def _container_spec(self, run: CronRun, service: Service) -> ContainerSpec:
        deployment = self.queries.deployment(run.deployment_id)
        assert deployment.image is not None
        env = {k: v.reveal() for k, v in release_variables(self.queries, deployment).items()}
        network = network_name(run.environment_id)
        self._runtime(run).ensure_network(
            network, {ENVIRONMENT: str(run.environment_id), INSTANCE: self.config.instance}
        )
        spec = deployment.spec
        return ContainerSpec(
            name=f"containr-{service.name}-run-{str(run.id)[:8]}",
            image=deployment.image,
            labels=self._labels(run),
            environment=env,
            command=["sh", "-c", spec.start_command] if spec.start_command else None,
            network=network,
            cpu_limit_millis=spec.resources.cpu_limit_millis,
            memory_limit_mb=spec.resources.memory_limit_mb,
            restart="no",
        )

    def _labels(self, run: CronRun) -> dict[str, str]:
        return {
            MANAGED: "true",
            INSTANCE: self.config.instance,
            ORGANIZATION: str(run.organization_id),
            PROJECT: str(run.project_id),
            SERVICE: str(run.service_id),
            ENVIRONMENT: str(run.environment_id),
            CRON: "true",
            CRON_RUN: str(run.id),
            OPERATION: f"{run.id}:run",
        }

    def _running(self, run: CronRun) -> None:
        runtime = self._runtime(run)
        found = runtime.containers({CRON_RUN: str(run.id)})
        if not found:
            detail = "the run's container went away before it was seen to exit"
            self._send(c.FinishCronRun(run_id=run.id, exit_code=None, detail=detail))
            return
        container = found[0]
        service = self.queries.service(run.service_id)
        if container.state in _ENDED:
            self._store_logs(runtime, container, run, service)
            self._send(c.FinishCronRun(run_id=run.id, exit_code=container.exit_code))
            runtime.remove(container.id)
        elif run.is_overdue(self.clock.now()):
            self._end_container(run, service, kill=True)
            self._send(c.TimeOutCronRun(run_id=run.id))
            runtime.remove(container.id)

    def _end_container(self, run: CronRun, service: Service, *, kill: bool) -> None:
        """Stop a run's container (if it still runs) and store its logs."""
        runtime = self._runtime(run)
        for container in runtime.containers({CRON_RUN: str(run.id)}):
            if kill and container.state not in _ENDED:
                runtime.stop(container.id, timeout=self.config.stop_seconds)
            self._store_logs(runtime, container, run, service)

    def _remove_containers(self, run: CronRun) -> None:
        runtime = self._runtime(run)
        for container in runtime.containers({CRON_RUN: str(run.id)}):
            runtime.remove(container.id)

    def _store_logs(
        self, runtime: ContainerRuntime, container: ContainerInfo, run: CronRun, service: Service
    ) -> None:
        """Keep the run's output (redacted) under the run's id, once."""
        if self.logs.read(LogQuery(deployment_id=run.id, limit=1)):
            return  # stored before a crash: not twice
        deployment = self.queries.deployment(run.deployment_id)
        redactor = redactor_for(self.queries, self.secrets, deployment, service)
        lines = redactor.lines(line.rstrip("\n") for line in runtime.logs(container.id))
        self.logs.append(run.id, run.service_id, "runtime", lines or ["(no output)"])

    def _runtime(self, run: CronRun) -> ContainerRuntime:
        node_id = self.queries.deployment(run.deployment_id).placements.get(0)
        if node_id is None:
            return self.runtimes.for_endpoint(self.config.local_endpoint)
        return self.runtimes.for_endpoint(self.queries.node(NodeId(node_id)).endpoint)

    # 3. Leftovers

    def sweep(self) -> None:
        """Remove the containers of runs that ended (left behind by a crash)."""
        endpoints = {n.endpoint for n in self.dashboard.all_nodes()} | {self.config.local_endpoint}
        for endpoint in sorted(endpoints):
            runtime = self.runtimes.for_endpoint(endpoint)
            try:
                containers = runtime.containers({CRON: "true", INSTANCE: self.config.instance})
            except ContainerEngineError as e:
                log.warning("cannot list cron containers at %s: %s", endpoint, e)
                continue
            for container in containers:
                try:
                    run = self.queries.cron_run(UUID(container.labels[CRON_RUN]))
                except (ApplicationError, ValueError, KeyError):
                    continue
                if not run.state.is_open:
                    runtime.remove(container.id)

    def _send(self, command: c.Command) -> bool:
        return report(self.bus, self._ctx, command, log, self._wait_for) is not None
