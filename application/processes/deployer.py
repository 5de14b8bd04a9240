"""The deployment process manager: moves each release from queued to healthy (or failed).

It is level-triggered: every tick it looks at the releases in progress and takes the next
step of each. A step is decided by a command with an operation id derived from the release
(``<id>:build``, ``<id>:start`` …), acted out through the ports with that id as the
idempotency key (image tags, container labels: look before you create), and its outcome
reported as a command the aggregate accepts once. A crash between acting and reporting is
harmless: the next leader finds what was already done and reports it.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from application import commands as c
from application.archives import SourceArchives
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.logs import LogStore
from application.ports import Clock, SecretBox
from application.processes.health import probe_once
from application.processes.replicas import Replicas, held_port
from application.processes.support import (
    DEPLOYMENT,
    ENVIRONMENT,
    SERVICE,
    LogWriter,
    every,
    image_labels,
    redactor_for,
    release_variables,
    report,
    repository_token,
    route_guard,
    route_id,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.registries import ImageRegistries, is_registry_reference
from application.runtime_ports import (
    BuildFailedError,
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    Ingress,
    NodeRuntimes,
    Prober,
    ProbeResult,
    RegistryError,
    Route,
    SourceError,
    SourceRepository,
)
from domain.buildplan import PlanOverrides, detect, files_to_read
from domain.buildplan.base_images import map_base_images
from domain.deployment import Deployment, DeploymentState
from domain.failover import place_under
from domain.ids import Actor, NodeId, ServiceId
from domain.node import Node, NodeState, PortsExhaustedError
from domain.project import PlacementPreference
from domain.scheduling import NodeSnapshot, PlacementRequest, Strategy
from domain.service import Service
from domain.service_spec import BuildMode, HealthCheckKind, ServiceKind

log = logging.getLogger(__name__)
PLACEMENT_STRATEGIES = {
    PlacementPreference.PACK: Strategy.BEST_FIT,
    PlacementPreference.SPREAD: Strategy.LEAST_LOADED,
}
"""The scheduler's strategy for a project's placement preference."""
ACTOR = Actor("system:deployer")
MAX_STEPS_IN_A_ROW = 8
RETIREMENT_RESUME_SECONDS = 30.0
"""How often unfinished retirements are looked for (the first tick looks at once)."""
IN_PROGRESS = {DeploymentState.BUILDING, DeploymentState.BUILT, DeploymentState.STARTING}
BUILD_LABEL = "containr.build"
"""A node labelled ``containr.build=true`` builds the organisation's images (issue 18)."""


@dataclass(frozen=True)
class _Source:
    """A release's source, ready to build: where, which files, and what identifies it."""

    path: str
    files: list[str]
    identity: str
    """Same identity and build plan: the same image (the build cache's key)."""
    commit: str | None = None
    message: str | None = None
    author: str | None = None


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024**2:.1f} MiB"


@dataclass(frozen=True)
class DeployerConfig:
    """Where builds happen and how releases are exposed."""

    workspace: Path
    local_endpoint: str
    local_cpu_millis: int = 4000
    local_memory_mb: int = 8192
    ingress_domain: str = "localhost"
    instance: str = "default"
    """Labels this installation's containers and names its routes."""
    drain_seconds: float = 2.0
    parallel: int = 4
    access_dial: str | None = None
    """Where the ingress reaches Containr's access check (members-only environments)."""
    local_port_range: tuple[int, int] | None = None
    """The host ports the local engine's replicas publish on (None: the default range)."""
    base_images: Mapping[str, str] = field(default_factory=dict)
    """Base images replaced in every Dockerfile's ``FROM`` before a build (issue 18)."""


class Deployer:
    """Drives every release in progress one step at a time."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        logs: LogStore,
        secrets: SecretBox,
        source: SourceRepository,
        runtimes: NodeRuntimes,
        prober: Prober,
        ingress: Ingress | None,
        clock: Clock,
        config: DeployerConfig,
        wait_for: Callable[[int], None] = lambda _position: None,
        archives: SourceArchives | None = None,
        registries: ImageRegistries | None = None,
    ) -> None:
        self.bus = bus
        self.archives = archives
        self.queries = queries
        self.dashboard = dashboard
        self.logs = logs
        self.secrets = secrets
        self.source = source
        self.runtimes = runtimes
        self.prober = prober
        self.ingress = ingress
        self.clock = clock
        self.config = config
        self.registries = registries
        """Where each organisation's built images are pushed (issue 18; None: nowhere)."""
        self.replicas = Replicas(config.instance, registries=registries)
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)
        self._pool = ThreadPoolExecutor(config.parallel, thread_name_prefix="containr-deploy")
        self._busy: set[UUID] = set()
        self._lock = threading.Lock()
        self._node_lock = threading.Lock()
        self.handing_over: set[tuple[UUID, UUID]] = set()
        """(service, environment) whose live replicas this process is stopping on purpose
        to hand their volumes over, until the taking release is healthy or failed: the
        reconciler, which learns of a death at once, must not start them again meanwhile
        (the read model that says so may lag the stop by a tick)."""
        self._stop = threading.Event()
        """Set when the process stops: waits inside steps are timers on it, not sleeps."""
        self._retirements_due = every(RETIREMENT_RESUME_SECONDS)

    # The loop

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        self._stop = stop
        while not stop.is_set():
            try:
                self.tick()
                if self._retirements_due():
                    self.resume_retirements()
            except Exception:
                log.exception("the deployer's tick failed")
            wait(1.0)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def resume_retirements(self) -> None:
        """Retire the previous releases of every live release whose retirement did not
        finish (the process died during it, or an engine failed it): a resumable step."""
        for state in self.dashboard.live_states():
            if state.live_deployment_id is None:
                continue
            deployment = self.queries.deployment(state.live_deployment_id)
            if deployment.state is not DeploymentState.HEALTHY or not deployment.retire_pending:
                continue
            with self._lock:
                if deployment.id in self._busy:
                    continue
                self._busy.add(deployment.id)
            self._pool.submit(self._resume_retirement, deployment)

    def _resume_retirement(self, deployment: Deployment) -> None:
        try:
            self._retire_previous(deployment, self._runtimes_of(deployment))
        except Exception:
            log.exception("deployment %s: retiring the previous release failed", deployment.id)
        finally:
            with self._lock:
                self._busy.discard(deployment.id)

    def _runtimes_of(self, deployment: Deployment) -> list[ContainerRuntime]:
        """The engines of a release's replicas (the local one when it has no placement)."""
        endpoints = {self.queries.node(NodeId(n)).endpoint for n in deployment.placements.values()}
        return [
            self.runtimes.for_endpoint(e) for e in sorted(endpoints or {self.config.local_endpoint})
        ]

    def tick(self) -> None:
        """Start the next step of every release in progress that is not already moving."""
        for row in self.dashboard.active_deployments():
            with self._lock:
                if row.id in self._busy:
                    continue
                self._busy.add(row.id)
            self._pool.submit(self._guarded, row.id)

    def _guarded(self, deployment_id: UUID) -> None:
        try:
            # Keep going while each step moves the release on: waiting for the next tick
            # between steps would only add latency.
            for _ in range(MAX_STEPS_IN_A_ROW):
                before = self.queries.deployment(deployment_id).version
                self.advance(deployment_id)
                after = self.queries.deployment(deployment_id)
                if after.version == before or not after.state.is_active:
                    break
        except Exception:
            log.exception("deployment %s: step failed", deployment_id)
        finally:
            with self._lock:
                self._busy.discard(deployment_id)

    def advance(self, deployment_id: UUID) -> None:
        """Take the next step of one release (the unit the tests drive)."""
        deployment = self.queries.deployment(deployment_id)
        if not deployment.state.is_active:
            return
        if deployment.is_overdue(self.clock.now()):
            self._send(c.ExpireDeployment(deployment_id=deployment.id))
            return
        step = {
            DeploymentState.QUEUED: self._queued,
            DeploymentState.BUILDING: self._build,
            DeploymentState.BUILT: self._place,
            DeploymentState.STARTING: self._start,
        }[deployment.state]
        step(deployment)

    def _send(self, command: c.Command) -> bool:
        return report(self.bus, self._ctx, command, log, self._wait_for) is not None

    def _fail(self, deployment: Deployment, what: str, reason: str) -> None:
        self._system_log(deployment, f"failed: {reason}")
        self._send(
            c.FailDeployment(
                deployment_id=deployment.id, operation_id=f"{deployment.id}:{what}", reason=reason
            )
        )

    def _system_log(self, deployment: Deployment, line: str) -> None:
        self.logs.append(deployment.id, deployment.service_id, "system", [line])

    # Queued: wait for the place, then build (or take the known image)

    def _queued(self, deployment: Deployment) -> None:
        others = [
            row
            for row in self.dashboard.active_deployments()
            if row.service_id == deployment.service_id
            and row.environment_id == deployment.environment_id
            and row.id != deployment.id
        ]
        newer = [row for row in others if row.requested_at > deployment.created_on]
        if newer:
            self._send(c.SupersedeDeployment(deployment_id=deployment.id, by=newer[-1].id))
            return
        if any(row.state in {s.value for s in IN_PROGRESS} for row in others):
            return  # one release at a time per service and environment
        if not deployment.reuses_image:
            self._send(
                c.StartBuild(deployment_id=deployment.id, operation_id=f"{deployment.id}:build")
            )
            return
        assert deployment.image is not None
        image = deployment.image
        if deployment.is_promotion:
            found = self._promoted_image(deployment, image)
            if found is None:
                return
            image = found
        published = self._published_reused(deployment, image)
        if published is None:
            return
        self._send(
            c.RecordBuilt(
                deployment_id=deployment.id,
                operation_id=f"{deployment.id}:image",
                image=published,
                commit=deployment.commit,
            )
        )

    def _promoted_image(self, deployment: Deployment, reference: str) -> str | None:
        """The id (``sha256:…``) of the promoted image on the node: the release runs by that
        digest, never by a tag a later build could move. None (the release failed) when no
        node of the organisation has it any more. An image pushed to a registry is taken by
        the digest it was pushed with: the registry keeps it for every node."""
        if is_registry_reference(reference):
            return reference
        runtime = self._runtime_for_build(deployment)
        if runtime is None:
            return None
        info = runtime.image(reference)
        if info is None:
            self._fail(
                deployment,
                "image-gone",
                f"the image {reference} of release {deployment.promoted_from} is no longer on "
                "the node; deploy that release's commit again instead",
            )
            return None
        self._system_log(
            deployment,
            f"promoting image {info.id} of release {deployment.promoted_from} (not rebuilt)",
        )
        return info.id

    # Building

    def _build(self, deployment: Deployment) -> None:
        service = self.queries.service(deployment.service_id)
        runtime = self._runtime_for_build(deployment)
        if runtime is None:
            return
        redactor = redactor_for(self.queries, self.secrets, deployment, service)
        output = LogWriter(self.logs, deployment, "build", redactor)
        workspace = self.config.workspace / str(deployment.id)
        check = every(1.0)
        stopped = [False]

        def cancelled() -> bool:
            if check():
                current = self.queries.deployment(deployment.id)
                stopped[0] = current.state is not DeploymentState.BUILDING or current.is_overdue(
                    self.clock.now()
                )
            return stopped[0]

        try:
            checkout = self._fetch(deployment, service, workspace, output)
            plan = self._plan(deployment, checkout.path, checkout.files, output)
            key = hashlib.sha256(f"{checkout.identity}\0{plan}".encode()).hexdigest()[:16]
            tag = f"containr/{deployment.service_id}:{key}"
            reused = runtime.image(tag) is not None
            if reused:
                output(f"reusing image {tag}: same commit and build plan")
            else:
                runtime.build(
                    Path(checkout.path),
                    dockerfile=plan,
                    tags=[tag],
                    labels=image_labels(deployment, self.config.instance),
                    on_log=output,
                    cancelled=cancelled,
                )
            runtime.tag(tag, f"containr/{deployment.service_id}:{deployment.id}")
            output(f"image {tag} ready")
            image = self._published(deployment, runtime, tag, output)
            output.flush()
            if image is None:
                return
            self._send(
                c.RecordBuilt(
                    deployment_id=deployment.id,
                    operation_id=f"{deployment.id}:built",
                    image=image,
                    reused=reused,
                    commit=checkout.commit,
                    commit_message=checkout.message,
                    commit_author=checkout.author,
                )
            )
        except (SourceError, BuildFailedError, ContainerEngineError, DomainError) as e:
            output.flush()
            if not stopped[0]:
                self._fail(deployment, "build-failed", redactor.redact(str(e)))
            else:
                self.advance(deployment.id)  # cancelled or overdue: record that
        finally:
            shutil.rmtree(workspace, ignore_errors=True)

    def _published_reused(self, deployment: Deployment, image: str) -> str | None:
        """A reused image (rollback, promotion, given by the service) as the replicas will
        run it: pushed when a registry is set and the build node has it (None: it failed)."""
        if self.registries is None or is_registry_reference(image):
            return image
        try:
            if self.registries.login_for(deployment.organization_id) is None:
                return image
        except RegistryError as e:
            self._fail(deployment, "push-failed", str(e))
            return None
        runtime = self._runtime_for_build(deployment)
        if runtime is None:
            return None
        if runtime.image(image) is None:
            return image  # not here to push: the nodes get it as they do without a registry
        service = self.queries.service(deployment.service_id)
        redactor = redactor_for(self.queries, self.secrets, deployment, service)
        output = LogWriter(self.logs, deployment, "system", redactor)
        try:
            return self._published(deployment, runtime, image, output)
        finally:
            output.flush()

    def _published(
        self,
        deployment: Deployment,
        runtime: ContainerRuntime,
        image: str,
        output: Callable[[str], None],
    ) -> str | None:
        """The image as the release's replicas run it (issue 18): with no registry set, as it
        is (single-host installs do not change); with one, pushed from the build node and
        named by its digest, which every node pulls. None when the push failed: the release
        failed then, with the registry's reason, before any replica was made."""
        if self.registries is None or is_registry_reference(image):
            return image
        try:
            login = self.registries.login_for(deployment.organization_id)
            if login is None:
                return image
            found = runtime.image(image)
            if found is None:
                raise RegistryError(f"the image {image} is not on the build node")
            target = (
                f"{login.address}/containr/{deployment.service_id}:"
                f"{found.id.removeprefix('sha256:')[:16]}"
            )
            output(f"pushing {target}")
            reference = runtime.push(found.id, target, login=login, timeout=self.registries.timeout)
        except ContainerEngineError as e:  # RegistryError, or the build node's engine failing
            output(f"push failed: {e}")
            self._fail(deployment, "push-failed", f"the image was not pushed: {e}")
            return None
        output(f"pushed {reference}")
        return reference

    def _fetch(
        self,
        deployment: Deployment,
        service: Service,
        workspace: Path,
        output: Callable[[str], None],
    ) -> _Source:
        """The release's source in the workspace: the uploaded archive, or the git commit."""
        uploaded = deployment.source_archive
        if uploaded is not None:
            if self.archives is None:
                raise SourceError("this process has no store of uploaded archives")
            output(f"unpacking uploaded archive {uploaded.short} ({_size(uploaded.size)})")
            files = self.archives.unpack(uploaded.archive_id, workspace)
            output(f"{len(files)} files")
            return _Source(path=str(workspace), files=files, identity=f"archive:{uploaded.digest}")
        git = deployment.spec.git
        if git is None:
            raise SourceError("the service has no git source and the release no uploaded archive")
        output(f"fetching {git.repository_url} ({deployment.commit or git.branch})")
        checkout = self.source.fetch(
            git.repository_url,
            workspace,
            branch=git.branch,
            commit=deployment.commit,
            root_directory=git.root_directory,
            token=repository_token(self.secrets, service) if service.repository_token else None,
        )
        output(f"commit {checkout.commit[:12]}: {checkout.message} ({checkout.author})")
        return _Source(
            path=checkout.path,
            files=checkout.files,
            identity=f"{checkout.commit}\0{git.root_directory}",
            commit=checkout.commit,
            message=checkout.message,
            author=checkout.author,
        )

    def _plan(
        self, deployment: Deployment, path: str, files: list[str], output: Callable[[str], None]
    ) -> str:
        spec = deployment.spec
        dockerfile = spec.build.dockerfile_path if spec.build.mode is BuildMode.DOCKERFILE else None
        wanted = files_to_read(files, dockerfile)
        contents = {}
        for name in wanted:
            try:
                contents[name] = (Path(path) / name).read_text(errors="replace")
            except OSError:
                continue
        plan = detect(
            files,
            contents,
            PlanOverrides(
                build_command=spec.build.build_command,
                start_command=spec.start_command,
                port=spec.port,
            ),
            dockerfile,
        )
        output(f"build plan: {plan.summary}")
        for note in plan.notes:
            output(f"  {note}")
        dockerfile_text = map_base_images(plan.dockerfile, self.config.base_images)
        if dockerfile_text != plan.dockerfile:
            output("  base images mapped for this installation's registry")
        return dockerfile_text

    # Placing and starting

    def _place(self, deployment: Deployment) -> None:
        nodes = self._nodes(deployment.organization_id)
        if not nodes:
            return
        spec = deployment.spec
        # The service's failover policy (issue 17): its preferred nodes first, its backup
        # nodes only when the others cannot take every replica.
        placement = place_under(
            PlacementRequest(
                service_id=ServiceId(deployment.service_id),
                replicas=max(spec.replicas, 1),
                cpu_request_millis=spec.resources.cpu_request_millis,
                memory_request_mb=spec.resources.memory_request_mb,
                strategy=self._strategy(deployment),
            ),
            self._snapshots(deployment, nodes),
            self.queries.service(deployment.service_id).failover,
        )
        explanation = placement.describe()
        if placement.unplaced:
            self._fail(
                deployment, "unplaced", f"cannot place replicas: {placement.unplaced[0].reason}"
            )
            return
        start = c.StartReplicas(
            deployment_id=deployment.id,
            operation_id=f"{deployment.id}:start",
            placements={
                i: d.node_id for i, d in enumerate(placement.decisions) if d.node_id is not None
            },
            explanation=explanation,
        )
        try:
            result = self.bus.execute(start, self._ctx)
        except PortsExhaustedError as e:
            # No host port left for a replica on its node (issue 18): the release fails
            # saying which range on which node is full; nothing was recorded for it.
            self._fail(deployment, "ports", str(e))
            return
        except UnavailableError:
            raise
        except (DomainError, ApplicationError) as e:
            log.info("StartReplicas refused: %s", e)
            return
        if self._wait_for is not None and result.position is not None:
            self._wait_for(result.position)

    def _strategy(self, deployment: Deployment) -> Strategy:
        """The project's preference (issue 16): pack replicas onto the fullest nodes that fit
        (best fit), or spread them onto the least loaded (the default)."""
        placement = self.queries.project(deployment.project_id).placement
        return PLACEMENT_STRATEGIES[placement]

    def _snapshots(self, deployment: Deployment, nodes: list[Node]) -> list[NodeSnapshot]:
        """The nodes with what the organisation's live releases already take on each."""
        cpu: dict[UUID, int] = {}
        memory: dict[UUID, int] = {}
        replicas: dict[UUID, dict[ServiceId, int]] = {}
        for state in self.dashboard.live_states():
            assert state.live_deployment_id is not None
            if state.live_deployment_id == deployment.id:
                continue
            live = self.queries.deployment(state.live_deployment_id)
            if live.organization_id != deployment.organization_id:
                continue
            resources = live.spec.resources
            for node_id in live.placements.values():
                cpu[node_id] = cpu.get(node_id, 0) + resources.cpu_request_millis
                memory[node_id] = memory.get(node_id, 0) + resources.memory_request_mb
                on_node = replicas.setdefault(node_id, {})
                service = ServiceId(live.service_id)
                on_node[service] = on_node.get(service, 0) + 1
        return [
            NodeSnapshot.of(
                node,
                allocated_cpu_millis=cpu.get(node.id, 0),
                allocated_memory_mb=memory.get(node.id, 0),
                replicas=replicas.get(node.id, {}),
            )
            for node in nodes
        ]

    def _start(self, deployment: Deployment) -> None:
        handing_over = (deployment.service_id, deployment.environment_id)
        if deployment.spec.volumes:
            self.handing_over.add(handing_over)
        try:
            self._start_replicas(deployment)
        finally:
            self.handing_over.discard(handing_over)

    def _start_replicas(self, deployment: Deployment) -> None:
        service = self.queries.service(deployment.service_id)
        project = self.queries.project(deployment.project_id)
        environment = project.environment(deployment.environment_id)
        redactor = redactor_for(self.queries, self.secrets, deployment, service)
        output = LogWriter(self.logs, deployment, "system", redactor)
        # A cron release runs no replica: its runs are one-off containers (processes/cron.py).
        replicas = (
            0 if deployment.spec.kind is ServiceKind.CRON else max(deployment.spec.replicas, 1)
        )
        started: list[tuple[ContainerRuntime, ContainerInfo]] = []
        try:
            env = {k: v.reveal() for k, v in release_variables(self.queries, deployment).items()}
            if deployment.spec.volumes:
                self._hand_over_volumes(deployment, replicas, output)
            for replica in range(replicas):
                runtime = self._runtime_of_replica(deployment, replica)
                if runtime is None:
                    return
                started.append(
                    (
                        runtime,
                        self.replicas.ensure(
                            runtime,
                            deployment,
                            service,
                            environment.name,
                            replica,
                            env,
                            output,
                            held_port(self.queries, deployment, replica),
                        ),
                    )
                )
            started_at = time.monotonic()
            for replica, (runtime, container) in enumerate(started):
                result = self._wait_healthy(deployment, runtime, container, started_at)
                output(f"replica {replica}: {result.detail}")
                if not result.ok:
                    output.flush()
                    self._abandon(deployment, started)
                    self._fail(
                        deployment,
                        "unhealthy",
                        f"replica {replica} is not healthy ({result.detail}); "
                        "the release that was live keeps serving",
                    )
                    return
        except ContainerEngineError as e:
            output.flush()
            self._abandon(deployment, started)
            self._fail(deployment, "start-failed", redactor.redact(str(e)))
            return
        output.flush()
        self._switch_traffic(
            deployment,
            service,
            project.slug,
            environment.name,
            [container for _, container in started],
        )
        if self._send(
            c.RecordHealthy(deployment_id=deployment.id, operation_id=f"{deployment.id}:healthy")
        ):
            self._retire_previous(deployment, [runtime for runtime, _ in started])

    def _hand_over_volumes(
        self, deployment: Deployment, replicas: int, output: Callable[[str], None]
    ) -> None:
        """Stop the replicas of the service's other releases in the environment before this
        one mounts the volumes they use (Railway's rule: a volume has one writer, so a
        release with volumes replaces the previous one with a short gap instead of
        overlapping it). They are removed once this release is healthy; should it fail,
        the reconciler starts the live release's replicas again."""
        runtimes = {}
        for replica in range(replicas):
            runtime = self._runtime_of_replica(deployment, replica)
            if runtime is not None:
                runtimes[id(runtime)] = runtime
        labels = {SERVICE: str(deployment.service_id), ENVIRONMENT: str(deployment.environment_id)}
        for runtime in runtimes.values():
            for container in runtime.containers(labels, all_states=False):
                if container.labels.get(DEPLOYMENT) != str(deployment.id):
                    output(f"stopping {container.name}: its release hands the volumes over")
                    runtime.stop(container.id, timeout=30)

    def _wait_healthy(
        self,
        deployment: Deployment,
        runtime: ContainerRuntime,
        container: ContainerInfo,
        started_at: float,
    ) -> ProbeResult:
        """Probe until the health check passes, fails its retries, or the deadline passes.

        The grace period (without a check: one second of staying up) runs from when all
        replicas were started, once for all of them.
        """
        check = deployment.spec.health_check
        grace = check.grace_period_seconds if check else 1.0
        self._stop.wait(max(0.0, grace - (time.monotonic() - started_at)))
        failures = 0
        while True:
            if deployment.deadline is not None and self.clock.now() >= deployment.deadline:
                return ProbeResult(False, "the start deadline passed before it became healthy")
            info = runtime.inspect(container.id)
            if info is None or info.state != "running":
                code = info.exit_code if info is not None else None
                return ProbeResult(False, f"the container stopped (exit code {code})")
            if check is None:
                return ProbeResult(True, "running (no health check configured)")
            result = self._probe(check, runtime, info)
            if result.ok:
                return result
            failures += 1
            if failures >= check.retries:
                return result
            if self._stop.wait(check.interval_seconds):
                return ProbeResult(False, "Containr stopped while it was being checked")

    def _probe(self, check: Any, runtime: ContainerRuntime, info: ContainerInfo) -> ProbeResult:
        return probe_once(check, runtime, self.prober, info)

    def _abandon(
        self, deployment: Deployment, started: list[tuple[ContainerRuntime, ContainerInfo]]
    ) -> None:
        for runtime, container in started:
            runtime.remove(container.id)

    def _switch_traffic(
        self,
        deployment: Deployment,
        service: Service,
        project: str,
        environment: str,
        containers: list[ContainerInfo],
    ) -> None:
        """Point the service's route at exactly this release's replicas, in one change."""
        spec = deployment.spec
        if self.ingress is None or spec.kind is not ServiceKind.WEB or spec.port is None:
            return
        guard = route_guard(self.queries, deployment.environment_id, self.config.access_dial)
        if guard is None:
            self._system_log(
                deployment,
                "not routed: the environment is for members only and this installation has no "
                "access check address (set CONTAINR_ACCESS_DIAL)",
            )
            return
        check = spec.health_check
        self.ingress.apply(
            Route(
                id=route_id(self.config.instance, deployment.service_id, deployment.environment_id),
                hosts=[
                    f"{service.name}.{environment}.{project}.{self.config.ingress_domain}",
                    *spec.domains,
                ],
                upstreams=[u for c in containers if (u := c.upstream())],
                policy=spec.load_balancing,  # type: ignore[arg-type]  # checked by the domain
                health_path=check.path if check and check.kind is HealthCheckKind.HTTP else None,
                auth_dial=guard[0],
                auth_uri=guard[1],
            )
        )

    def _retire_previous(self, deployment: Deployment, runtimes: list[ContainerRuntime]) -> None:
        """After the drain period, stop and remove the replicas of finished releases.

        Only releases that ended (superseded, failed, …): a newer release that started or
        went live during the drain keeps its replicas.
        """
        self._stop.wait(self.config.drain_seconds)
        ended: dict[str, bool] = {}

        def has_ended(other: str) -> bool:
            if other not in ended:
                try:
                    state = self.queries.deployment(UUID(other)).state
                except UnavailableError:
                    raise  # unknown is not ended: never judge without the event store
                except (ApplicationError, ValueError):
                    state = None  # not ours to judge: the reconciler handles orphans
                ended[other] = state is not None and state.is_final
            return ended[other]

        doomed = [
            (runtime, container)
            for runtime in {id(r): r for r in runtimes}.values()
            for container in runtime.containers(
                {SERVICE: str(deployment.service_id), ENVIRONMENT: str(deployment.environment_id)}
            )
            if container.labels.get(DEPLOYMENT) != str(deployment.id)
            and has_ended(container.labels.get(DEPLOYMENT, ""))
        ]

        def retire(item: tuple[ContainerRuntime, ContainerInfo]) -> None:
            runtime, container = item
            runtime.stop(container.id, timeout=10)
            runtime.remove(container.id)

        if doomed:  # all at once: each may take its stop timeout
            with ThreadPoolExecutor(min(len(doomed), 8), thread_name_prefix="retire") as pool:
                list(pool.map(retire, doomed))
        self._send(
            c.RecordPreviousRetired(
                deployment_id=deployment.id, operation_id=f"{deployment.id}:retired"
            )
        )

    # Nodes

    def _nodes(self, organization_id: UUID) -> list[Node]:
        """The organisation's nodes; the local engine is registered on first need."""
        with self._node_lock:
            node_ids = [row.id for row in self.dashboard.nodes(organization_id)]
            if not node_ids:
                ports = self.config.local_port_range
                result = self.bus.execute(
                    c.RegisterNode(
                        organization_id=organization_id,
                        name="local",
                        endpoint=self.config.local_endpoint,
                        cpu_millis=self.config.local_cpu_millis,
                        memory_mb=self.config.local_memory_mb,
                        labels={"containr.io/local": "true"},
                        port_start=ports[0] if ports else None,
                        port_end=ports[1] if ports else None,
                    ),
                    self._ctx,
                )
                if result.position is not None:
                    self._wait_for(result.position)
                # The read model may not show the new node yet: take it from the result.
                node_ids = [result.id("node_id")]
        nodes = [self.queries.node(NodeId(node_id)) for node_id in node_ids]
        for node in nodes:
            self._check_reachable(node)
        return [self.queries.node(node.id) for node in nodes]

    def _check_reachable(self, node: Node) -> bool:
        answers = self.runtimes.for_endpoint(node.endpoint).ping()
        if not answers and node.state is not NodeState.UNREACHABLE:
            self._send(
                c.MarkNodeUnreachable(
                    node_id=node.id, reason=f"the engine at {node.endpoint} does not answer"
                )
            )
        elif answers and node.state is NodeState.UNREACHABLE:
            self._send(c.MarkNodeReachable(node_id=node.id))
        return answers

    def _runtime_for_build(self, deployment: Deployment) -> ContainerRuntime | None:
        """The engine to build on (issue 18): a reachable node labelled containr.build=true,
        else the organisation's first reachable node (the control node's own engine, which
        is registered first, unless another was registered before it)."""

        def rank(node: Node) -> int:
            return 0 if node.labels.get(BUILD_LABEL) == "true" else 1

        reachable = [
            node
            for node in self._nodes(deployment.organization_id)
            if node.state is not NodeState.UNREACHABLE
        ]
        chosen = min(reachable, key=rank, default=None)  # the first of the best rank
        if chosen is not None:
            return self.runtimes.for_endpoint(chosen.endpoint)
        self._fail(deployment, "no-node", "no node of this organisation has an engine that answers")
        return None

    def _runtime_of_replica(self, deployment: Deployment, replica: int) -> ContainerRuntime | None:
        node_id = deployment.placements.get(replica)
        node = self.queries.node(NodeId(node_id)) if node_id else None
        if node is None:
            self._fail(deployment, "no-node", f"replica {replica} has no node")
            return None
        if not self._check_reachable(node):
            self._fail(
                deployment,
                "unreachable",
                f"node {node.name}'s engine at {node.endpoint} does not answer",
            )
            return None
        return self.runtimes.for_endpoint(node.endpoint)
