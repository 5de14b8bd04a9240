"""The deployer and the reconciler, driven step by step against the in-memory adapters.

The process managers are built as ``interfaces/bootstrap/processes.py`` builds them, on a real
event store, with an InMemoryRuntime, InMemoryIngress and InMemorySource behind their
ports. Read models are brought up to date explicitly between steps; no thread loops run.
"""

from __future__ import annotations

import dataclasses
import io
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

import pytest

from adapters.fake_ingress import InMemoryIngress
from adapters.fake_runtime import InMemoryRuntime
from adapters.fake_source import InMemorySource
from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.errors import InvalidValueError
from application.eventlog import LoggedEvent
from application.logs import LogEntry, LogQuery, Stream
from application.processes.deployer import Deployer, DeployerConfig
from application.processes.reconciler import Reconciler
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, ORGANIZATION, REPLICA
from application.runtime_ports import (
    CertificateState,
    ContainerInfo,
    ContainerRuntime,
    ContainerSpec,
    ProbeResult,
    Route,
)
from application.secrets import MASK, Secret
from application.services import ALL_MODELS
from domain.deployment import Deployment, DeploymentState
from domain.node import DEFAULT_PORT_RANGE, NodeState
from domain.service_spec import HealthCheck, HealthCheckKind
from tests.integration.conftest import World

REPOSITORY = "https://git.example.com/shop.git"
SECRET = "s3cret-value-42"
BASE_IMAGE = "alpine:3.20"
S = DeploymentState


def dockerfile(message: str) -> str:
    """A Dockerfile the fake runtime can play: its RUN prints ``message``."""
    return f'FROM {BASE_IMAGE}\nRUN echo {message}\nEXPOSE 8080\nCMD ["httpd"]\n'


class OneEngine:
    """NodeRuntimes with a single engine behind every endpoint."""

    def __init__(self, runtime: InMemoryRuntime) -> None:
        self.runtime = runtime
        self.endpoints: list[str] = []

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        self.endpoints.append(endpoint)
        return self.runtime


class ScriptedProber:
    """A Prober whose answer the test sets; ``on_probe`` runs before each answer."""

    def __init__(self) -> None:
        self.healthy = True
        self.detail = "HTTP 200"
        self.probed: list[str] = []
        self.on_probe: Callable[[str], None] | None = None

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        self.probed.append(url)
        if self.on_probe is not None:
            self.on_probe(url)
        return ProbeResult(self.healthy, self.detail if self.healthy else "HTTP 503")

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        return self.http(f"tcp://{host}:{port}", timeout=timeout)


class CrashingBus:
    """Wraps the bus; raises once, before or after sending, for the command types given."""

    def __init__(self, inner: CommandBus) -> None:
        self.inner = inner
        self.crash_before: set[type[c.Command]] = set()
        self.crash_after: set[type[c.Command]] = set()
        self.before_send: Callable[[c.Command], None] | None = None

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        kind = type(command)
        if self.before_send is not None:
            self.before_send(command)
        if kind in self.crash_before:
            self.crash_before.discard(kind)
            raise RuntimeError(f"crash before {kind.__name__}")
        result = self.inner.execute(command, ctx)
        if kind in self.crash_after:
            self.crash_after.discard(kind)
            raise RuntimeError(f"crash after {kind.__name__}")
        return result


@dataclass
class Rig:
    """The world, the fakes and the two process managers, with helpers to drive them."""

    world: World
    clock: FakeClock
    runtime: InMemoryRuntime
    ingress: InMemoryIngress
    source: InMemorySource
    prober: ScriptedProber
    deployer: Deployer
    reconciler: Reconciler
    commits: list[str] = field(default_factory=list)

    @property
    def service(self) -> uuid.UUID:
        return self.world.service

    def sync(self) -> None:
        """Bring every read model up to date with the event store."""
        host = cast(ReadModelHost, self.world.app.projections)
        for model in ALL_MODELS:
            with closing(host.db.connect("test")) as conn:
                host.runner(model).catch_up(conn)

    def run(self, command: c.Command) -> CommandResult:
        result = self.world.run(command)
        self.sync()
        return result

    def request(self, commit: str | None = None) -> uuid.UUID:
        """Request a release of the web service into production (time moves on a little)."""
        self.clock.advance(timedelta(seconds=1))
        return self.run(
            c.RequestDeployment(
                service_id=self.service, environment_id=self.world.production, commit=commit
            )
        ).id("deployment_id")

    def step(self, deployment_id: uuid.UUID) -> DeploymentState:
        """One ``advance`` of the deployer, with read models up to date before and after."""
        self.sync()
        self.deployer.advance(deployment_id)
        self.sync()
        return self.deployment(deployment_id).state

    def drive(self, deployment_id: uuid.UUID, steps: int = 8) -> Deployment:
        """Advance until the release rests (healthy or ended)."""
        for _ in range(steps):
            if not self.step(deployment_id).is_active:
                break
        return self.deployment(deployment_id)

    def deploy(self, commit: str | None = None) -> Deployment:
        """Request a release and drive it; it must become healthy."""
        deployment = self.drive(self.request(commit))
        assert deployment.state is S.HEALTHY, deployment.history
        return deployment

    def deployment(self, deployment_id: uuid.UUID) -> Deployment:
        return self.world.app.queries.deployment(deployment_id)

    def containers(self, deployment_id: uuid.UUID) -> list[ContainerInfo]:
        return self.runtime.containers({DEPLOYMENT: str(deployment_id)})

    def upstreams(self, deployment_id: uuid.UUID) -> list[str]:
        return sorted(f"127.0.0.1:{info.host_port}" for info in self.containers(deployment_id))

    def route(self) -> Route:
        (route,) = self.ingress.routes()
        return route

    def log(self, deployment_id: uuid.UUID, stream: Stream | None = None) -> list[str]:
        entries: list[LogEntry] = self.world.app.logs.read(
            LogQuery(deployment_id=deployment_id, stream=stream, limit=1000)
        )
        return [entry.line for entry in entries]

    def events(self, kind: str, after: int = 0) -> list[LoggedEvent]:
        """Recorded events whose type ends with ``kind`` (e.g. ``Deployment.ReplicaLost``)."""
        return [e for e in self.world.app.events.read(after, limit=10_000) if e.type.endswith(kind)]

    def use_ingress(self, ingress: InMemoryIngress) -> None:
        self.ingress = ingress
        self.deployer.ingress = ingress
        self.reconciler.ingress = ingress


@pytest.fixture
def bare_rig(world: World, clock: FakeClock) -> Iterator[Rig]:
    """The rig before the organisation has any node."""
    app = world.app
    settings = app.settings
    runtime = InMemoryRuntime()
    runtime.add_image(BASE_IMAGE)
    source = InMemorySource(
        {
            REPOSITORY: {
                "main": [
                    {"files": {"Dockerfile": dockerfile(f"connecting with {SECRET}")}},
                    {"files": {"Dockerfile": dockerfile("version two")}, "message": "Two"},
                ]
            }
        }
    )
    ingress = InMemoryIngress()
    prober = ScriptedProber()
    engines = OneEngine(runtime)
    # As interfaces/bootstrap/processes.py processes() builds them, with fakes behind the ports.
    deployer = Deployer(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        logs=app.logs,
        secrets=app.secrets,
        source=source,
        runtimes=engines,
        prober=prober,
        ingress=ingress,
        clock=app.clock,
        archives=app.archives,
        config=DeployerConfig(
            workspace=settings.data_path / "workspaces",
            local_endpoint=settings.docker_host,
            ingress_domain=settings.ingress_domain,
            instance=settings.instance,
            drain_seconds=0,
            parallel=1,
        ),
    )
    reconciler = Reconciler(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        runtimes=engines,
        ingress=ingress,
        logs=app.logs,
        secrets=app.secrets,
        clock=app.clock,
        deployer=deployer,
        local_endpoint=settings.docker_host,
    )
    rig = Rig(world, clock, runtime, ingress, source, prober, deployer, reconciler)
    rig.commits = source.history(REPOSITORY, "main")
    rig.run(
        c.UpdateService(
            service_id=world.service,
            health_check=HealthCheck(
                kind=HealthCheckKind.HTTP, path="/health", interval_seconds=0.01, retries=2
            ),
        )
    )
    rig.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            service_id=world.service,
            values={"API_TOKEN": Secret(SECRET)},
        )
    )
    yield rig
    deployer._pool.shutdown(wait=True, cancel_futures=True)
    reconciler._stop.set()
    for container in list(runtime.containers_by_id.values()):
        runtime.remove(container.id)  # ends the reconciler's log followers
    for follower in reconciler._followers.values():
        follower.join(timeout=5)


@pytest.fixture
def rig(bare_rig: Rig) -> Rig:
    """The rig with the local engine registered as the organisation's node, as the deployer
    registers it on first need (see test_the_first_release_registers_the_local_engine)."""
    config = bare_rig.deployer.config
    bare_rig.run(
        c.RegisterNode(
            organization_id=bare_rig.world.org,
            name="local",
            endpoint=config.local_endpoint,
            cpu_millis=config.local_cpu_millis,
            memory_mb=config.local_memory_mb,
            labels={"containr.io/local": "true"},
        )
    )
    return bare_rig


def other_labels(rig: Rig, **extra: str) -> dict[str, str]:
    """Labels of a managed container of this instance that no release of Containr's knows."""
    return {
        MANAGED: "true",
        INSTANCE: rig.deployer.config.instance,
        ORGANIZATION: str(rig.world.org),
        DEPLOYMENT: str(uuid.uuid4()),
        REPLICA: "0",
        **extra,
    }


def run_container(rig: Rig, name: str, labels: dict[str, str]) -> ContainerInfo:
    rig.runtime.add_image("busybox:latest")
    created = rig.runtime.create(ContainerSpec(name=name, image="busybox", labels=labels))
    return rig.runtime.start(created.id)


# 1. The happy path


def test_a_release_from_git_goes_from_queued_to_healthy(rig: Rig) -> None:
    deployment_id = rig.request(rig.commits[0])
    states = [rig.deployment(deployment_id).state]
    while states[-1].is_active and len(states) < 8:
        states.append(rig.step(deployment_id))
    assert states == [S.QUEUED, S.BUILDING, S.BUILT, S.STARTING, S.HEALTHY]
    deployment = rig.deployment(deployment_id)
    assert [step.state for step in deployment.history] == states
    assert deployment.commit == rig.commits[0]
    live = rig.world.app.queries.service(rig.service).live_release(rig.world.production)
    assert live == deployment_id
    assert [build.outcome for build in rig.runtime.builds] == ["built"]
    (container,) = rig.containers(deployment_id)
    assert container.state == "running"
    assert rig.runtime.specs[container.id].environment["API_TOKEN"] == SECRET
    (change,) = rig.ingress.changes
    assert change.kind == "apply"
    (route,) = change.routes
    assert route.upstreams == [f"127.0.0.1:{container.host_port}"]
    assert route.hosts == ["web.production.shop.localhost"]
    assert route.health_path == "/health"


def test_the_build_log_has_the_build_output_with_variable_values_masked(rig: Rig) -> None:
    deployment = rig.deploy(rig.commits[0])
    build_log = rig.log(deployment.id, "build")
    assert any(line.startswith(f"Step 1/4 : FROM {BASE_IMAGE}") for line in build_log)
    assert f"Step 2/4 : RUN echo connecting with {MASK}" in build_log
    assert f"connecting with {MASK}" in build_log
    assert not [line for line in rig.log(deployment.id) if SECRET in line]


def test_mapped_base_images_are_built_from_the_installations_registry(rig: Rig) -> None:
    # Air-gapped hosts (issue 18): the FROM of the user's Dockerfile is rewritten before the
    # build; the image it named is not on the engine, the one it maps to is.
    mirror = "registry.internal/alpine:3.20"
    rig.runtime.remove_image(BASE_IMAGE)
    rig.runtime.add_image(mirror)
    rig.deployer.config = dataclasses.replace(rig.deployer.config, base_images={BASE_IMAGE: mirror})
    deployment = rig.deploy(rig.commits[0])
    assert deployment.state is S.HEALTHY
    build_log = rig.log(deployment.id, "build")
    assert any(line.startswith(f"Step 1/4 : FROM {mirror}") for line in build_log)
    assert "  base images mapped for this installation's registry" in build_log


# 2. Image reuse


def test_a_second_release_of_the_same_commit_and_plan_reuses_the_image(rig: Rig) -> None:
    first = rig.deploy(rig.commits[0])
    second = rig.deploy(rig.commits[0])
    assert second.image == first.image
    assert len(rig.runtime.builds) == 1
    built = next(step for step in second.history if step.state is S.BUILT)
    assert built.reason == "image reused (same commit and build plan)"
    assert any(line.startswith("reusing image ") for line in rig.log(second.id, "build"))
    third = rig.deploy(rig.commits[1])
    assert third.image != first.image
    assert len(rig.runtime.builds) == 2


# 2b. Uploaded archives (`containr deploy`)


def upload(rig: Rig, files: dict[str, str]) -> uuid.UUID:
    """A directory uploaded as `containr deploy` does; the archive's id."""
    rig.world.app.settings.data_path.mkdir(parents=True, exist_ok=True)
    path = rig.world.app.settings.data_path / f"upload-{uuid.uuid4().hex[:8]}.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    stored = rig.world.app.archives.store(
        rig.world.org, path, uploaded_by="user:alice", now=rig.clock.now()
    )
    return stored.id


def test_a_release_from_an_uploaded_archive_is_unpacked_built_and_goes_healthy(
    rig: Rig,
) -> None:
    archive = upload(rig, {"Dockerfile": dockerfile("from the laptop"), "www/index.html": "hi"})
    deployment_id = rig.run(
        c.RequestDeployment(
            service_id=rig.service, environment_id=rig.world.production, source_archive_id=archive
        )
    ).id("deployment_id")
    deployment = rig.drive(deployment_id)
    assert deployment.state is S.HEALTHY, deployment.history
    assert deployment.source_archive is not None and deployment.commit is None
    build = rig.log(deployment_id, "build")
    assert build[0].startswith(f"unpacking uploaded archive {deployment.source_archive.short}")
    assert "2 files" in build and any("from the laptop" in line for line in build)
    assert not rig.source.fetches  # git was never asked
    redeployed = rig.drive(
        rig.run(c.RedeployService(service_id=rig.service, environment_id=rig.world.production)).id(
            "deployment_id"
        )
    )
    assert redeployed.state is S.HEALTHY and redeployed.source_archive == deployment.source_archive
    assert redeployed.image == deployment.image and len(rig.runtime.builds) == 1


def test_a_rollback_to_an_uploaded_release_keeps_its_archive_so_a_redeploy_builds_it(
    rig: Rig,
) -> None:
    def deploy(text: str) -> Deployment:
        archive = upload(rig, {"Dockerfile": dockerfile(text)})
        return rig.drive(
            rig.run(
                c.RequestDeployment(
                    service_id=rig.service,
                    environment_id=rig.world.production,
                    source_archive_id=archive,
                )
            ).id("deployment_id")
        )

    first, second = deploy("first"), deploy("second")
    assert second.state is S.HEALTHY
    back = rig.drive(rig.run(c.RollbackService(deployment_id=first.id)).id("deployment_id"))
    assert back.state is S.HEALTHY and back.source_archive == first.source_archive
    again = rig.drive(
        rig.run(c.RedeployService(service_id=rig.service, environment_id=rig.world.production)).id(
            "deployment_id"
        )
    )
    assert again.state is S.HEALTHY and again.image == first.image


def test_a_release_whose_archive_was_pruned_fails_saying_to_deploy_again(rig: Rig) -> None:
    archive = upload(rig, {"Dockerfile": dockerfile("gone soon")})
    deployment_id = rig.run(
        c.RequestDeployment(
            service_id=rig.service, environment_id=rig.world.production, source_archive_id=archive
        )
    ).id("deployment_id")
    rig.world.app.archives.prune(set(), rig.clock.now() + timedelta(days=1))
    deployment = rig.drive(deployment_id)
    assert deployment.state is S.FAILED
    assert "deploy the directory again" in deployment.reason


# 3. Redeploy: the old release retires only after the new one is healthy


def test_a_redeploy_retires_the_old_replicas_only_after_the_new_ones_are_healthy(
    rig: Rig,
) -> None:
    old = rig.deploy()
    old_upstreams = rig.upstreams(old.id)
    seen: list[tuple[list[str], DeploymentState, list[str]]] = []

    def while_probing(_url: str) -> None:
        seen.append(
            (
                [info.state for info in rig.containers(old.id)],
                rig.deployment(old.id).state,
                rig.route().upstreams,
            )
        )

    rig.prober.on_probe = while_probing
    rig.clock.advance(timedelta(seconds=1))
    new_id = rig.run(
        c.RedeployService(service_id=rig.service, environment_id=rig.world.production)
    ).id("deployment_id")
    new = rig.drive(new_id)
    assert new.state is S.HEALTHY
    assert new.commit == old.commit
    assert seen == [(["running"], S.HEALTHY, old_upstreams)]
    assert rig.containers(old.id) == []
    old = rig.deployment(old.id)
    assert old.state is S.SUPERSEDED
    assert old.history[-1].reason == f"superseded by {new_id}"
    assert rig.route().upstreams == rig.upstreams(new_id)
    old_name = f"containr-web-{str(old.id)[:8]}-0"
    new_name = f"containr-web-{str(new_id)[:8]}-0"
    assert rig.runtime.calls[-4:] == [
        ("create", new_name),
        ("start", new_name),
        ("stop", old_name),
        ("remove", old_name),
    ]


# 4. A failing health check


def test_a_failing_health_check_fails_the_release_and_the_live_one_keeps_serving(
    rig: Rig,
) -> None:
    live = rig.deploy(rig.commits[0])
    live_containers = rig.containers(live.id)
    routes = rig.ingress.routes()
    changes = list(rig.ingress.changes)
    rig.prober.healthy = False
    failed = rig.drive(rig.request(rig.commits[1]))
    assert failed.state is S.FAILED
    reason = failed.history[-1].reason
    assert reason.startswith("replica 0 is not healthy (HTTP 503)")
    assert "the release that was live keeps serving" in reason
    assert len(rig.prober.probed) == 1 + 2  # the live release's probe, then both retries
    assert rig.containers(failed.id) == []
    assert rig.containers(live.id) == live_containers
    assert rig.deployment(live.id).state is S.HEALTHY
    assert rig.world.app.queries.service(rig.service).live_release(rig.world.production) == live.id
    assert rig.ingress.routes() == routes
    assert rig.ingress.changes == changes
    assert f"failed: {reason}" in rig.log(failed.id, "system")


def test_a_failing_health_command_fails_the_release(rig: Rig) -> None:
    rig.run(
        c.UpdateService(
            service_id=rig.service,
            health_check=HealthCheck(
                kind=HealthCheckKind.COMMAND,
                command=("sh", "-c", "exit 3"),
                interval_seconds=0.01,
                retries=1,
            ),
        )
    )
    failed = rig.drive(rig.request())
    assert failed.state is S.FAILED
    assert failed.history[-1].reason.startswith(
        "replica 0 is not healthy (health command exited with 3)"
    )
    assert [command for _, command in rig.runtime.execs] == [["sh", "-c", "exit 3"]]
    assert rig.containers(failed.id) == []
    assert rig.ingress.changes == []


# 5. Rollback


def test_a_rollback_releases_the_earlier_image_with_its_variables(rig: Rig) -> None:
    first = rig.deploy(rig.commits[0])
    rig.run(
        c.SetVariables(
            project_id=rig.world.project,
            environment_id=rig.world.production,
            service_id=rig.service,
            values={"API_TOKEN": Secret("n3w-token-value")},
        )
    )
    second = rig.deploy(rig.commits[1])
    assert second.variables_version != first.variables_version
    (container,) = rig.containers(second.id)
    assert rig.runtime.specs[container.id].environment["API_TOKEN"] == "n3w-token-value"

    rig.clock.advance(timedelta(seconds=1))
    rollback_id = rig.run(c.RollbackService(deployment_id=first.id)).id("deployment_id")
    requested = rig.deployment(rollback_id)
    assert requested.rollback_of == first.id
    assert requested.image == first.image
    assert requested.commit == first.commit
    assert requested.variables_version == first.variables_version
    rollback = rig.drive(rollback_id)
    assert rollback.state is S.HEALTHY
    assert [step.state for step in rollback.history] == [
        S.QUEUED,
        S.BUILT,
        S.STARTING,
        S.HEALTHY,
    ]
    assert rollback.history[1].reason == f"image of release {first.id} restored"
    assert len(rig.runtime.builds) == 2  # nothing was rebuilt
    (container,) = rig.containers(rollback_id)
    assert container.image == first.image
    assert rig.runtime.specs[container.id].environment["API_TOKEN"] == SECRET
    assert rig.deployment(second.id).state is S.ROLLED_BACK
    assert rig.containers(second.id) == []
    assert rig.route().upstreams == rig.upstreams(rollback_id)


# 6. Crash safety


def crashing(rig: Rig) -> CrashingBus:
    bus = CrashingBus(rig.world.app.commands)
    rig.deployer.bus = cast(CommandBus, bus)
    return bus


def test_a_crash_before_reporting_healthy_leaves_one_container_per_replica(rig: Rig) -> None:
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    crashing(rig).crash_before.add(c.RecordHealthy)
    deployment_id = rig.request()
    for expected in (S.BUILDING, S.BUILT, S.STARTING):
        assert rig.step(deployment_id) is expected
    with pytest.raises(RuntimeError, match="crash before RecordHealthy"):
        rig.step(deployment_id)
    assert rig.deployment(deployment_id).state is S.STARTING
    assert len(rig.containers(deployment_id)) == 2
    assert rig.step(deployment_id) is S.HEALTHY
    assert rig.step(deployment_id) is S.HEALTHY  # a healthy release has no next step
    containers = rig.containers(deployment_id)
    assert sorted(info.labels[REPLICA] for info in containers) == ["0", "1"]
    assert {info.state for info in containers} == {"running"}
    assert [name for op, name in rig.runtime.calls if op == "create"] == sorted(
        info.name for info in containers
    )
    system_log = rig.log(deployment_id, "system")
    assert sum("already there" in line for line in system_log) == 2
    assert rig.route().upstreams == rig.upstreams(deployment_id)


def test_running_the_start_step_again_creates_no_second_container(rig: Rig) -> None:
    deployment_id = rig.request()
    for expected in (S.BUILDING, S.BUILT, S.STARTING):
        assert rig.step(deployment_id) is expected
    starting = rig.deployment(deployment_id)
    rig.deployer._start(starting)
    rig.sync()
    rig.deployer._start(starting)  # the same decision delivered twice
    rig.sync()
    assert rig.deployment(deployment_id).state is S.HEALTHY
    assert len(rig.containers(deployment_id)) == 1
    assert [op for op, _ in rig.runtime.calls].count("create") == 1


def test_a_crash_after_building_and_before_reporting_it_reuses_the_image(rig: Rig) -> None:
    crashing(rig).crash_before.add(c.RecordBuilt)
    deployment_id = rig.request()
    assert rig.step(deployment_id) is S.BUILDING
    with pytest.raises(RuntimeError, match="crash before RecordBuilt"):
        rig.step(deployment_id)
    assert rig.step(deployment_id) is S.BUILT
    assert len(rig.runtime.builds) == 1
    deployment = rig.drive(deployment_id)
    assert deployment.state is S.HEALTHY
    assert any(line.startswith("reusing image ") for line in rig.log(deployment_id, "build"))


def test_a_crash_after_promotion_leaves_the_old_replicas_to_the_reconciler(rig: Rig) -> None:
    old = rig.deploy(rig.commits[0])
    crashing(rig).crash_after.add(c.RecordHealthy)
    new_id = rig.request(rig.commits[1])
    for expected in (S.BUILDING, S.BUILT, S.STARTING):
        assert rig.step(new_id) is expected
    with pytest.raises(RuntimeError, match="crash after RecordHealthy"):
        rig.step(new_id)
    assert rig.deployment(new_id).state is S.HEALTHY
    assert rig.deployment(old.id).state is S.SUPERSEDED
    assert len(rig.containers(old.id)) == 1  # the crash came before retiring them

    rig.reconciler.tick()
    rig.sync()
    assert len(rig.containers(old.id)) == 1  # the deployer may still be draining them
    rig.clock.advance(timedelta(seconds=31))
    rig.reconciler.tick()
    rig.sync()
    assert rig.containers(old.id) == []
    assert len(rig.containers(new_id)) == 1
    (removed,) = rig.events("Node.OrphanRemoved")
    assert removed.fields["reason"] == "its release ended"
    assert str(removed.fields["deployment_id"]) == str(old.id)
    assert rig.route().upstreams == rig.upstreams(new_id)


# 7. Deadlines


@pytest.mark.parametrize(
    ("steps", "state"), [(0, S.QUEUED), (1, S.BUILDING), (2, S.BUILT), (3, S.STARTING)]
)
def test_a_release_past_its_deadline_fails_naming_the_deadline(
    rig: Rig, steps: int, state: DeploymentState
) -> None:
    deployment_id = rig.request()
    for _ in range(steps):
        rig.step(deployment_id)
    deployment = rig.deployment(deployment_id)
    assert deployment.state is state
    allowed = rig.world.app.settings.deadline_policy().for_state(state, deployment.spec)
    assert allowed is not None
    rig.clock.advance(allowed)
    assert rig.step(deployment_id) is S.FAILED
    reason = rig.deployment(deployment_id).history[-1].reason
    assert reason == f"deadline exceeded: {state.value} for more than {allowed.seconds}s"
    assert rig.ingress.changes == []


def test_a_replica_not_healthy_by_the_start_deadline_fails_the_release(rig: Rig) -> None:
    rig.prober.healthy = False
    rig.prober.on_probe = lambda _url: rig.clock.advance(timedelta(minutes=10))
    failed = rig.drive(rig.request())
    assert failed.state is S.FAILED
    assert failed.history[-1].reason.startswith(
        "replica 0 is not healthy (the start deadline passed before it became healthy)"
    )
    assert len(rig.prober.probed) == 1
    assert rig.containers(failed.id) == []


# 8. The reconciler


def test_the_reconciler_replaces_a_container_removed_behind_the_deployers_back(
    rig: Rig,
) -> None:
    live = rig.deploy()
    (lost,) = rig.containers(live.id)
    rig.runtime.remove(lost.id)
    rig.reconciler.tick()
    rig.sync()
    (replacement,) = rig.containers(live.id)
    assert replacement.id != lost.id
    assert replacement.state == "running"
    (lost_event,) = rig.events("Deployment.ReplicaLost")
    assert lost_event.fields["reason"] == "the container was removed"
    assert lost_event.fields["replica"] == 0
    (replaced,) = rig.events("Deployment.ReplicaReplaced")
    assert replaced.fields["container"] == replacement.name
    assert rig.route().upstreams == [f"127.0.0.1:{replacement.host_port}"]
    assert rig.runtime.specs[replacement.id].environment["API_TOKEN"] == SECRET


def test_replicas_are_probed_and_routed_at_their_nodes_address_and_published_port(
    rig: Rig,
) -> None:
    # A node whose engine is elsewhere (issue 18): its ports are reached at its address.
    rig.runtime.address = "10.9.0.7"
    live = rig.deploy()
    (container,) = rig.containers(live.id)
    assert rig.route().upstreams == [f"10.9.0.7:{container.host_port}"]
    assert f"http://10.9.0.7:{container.host_port}/health" in rig.prober.probed
    rig.runtime.remove(container.id)
    rig.reconciler.tick()
    rig.sync()
    (replacement,) = rig.containers(live.id)
    assert rig.route().upstreams == [f"10.9.0.7:{replacement.host_port}"]


def test_the_reconciler_replaces_a_container_that_died(rig: Rig) -> None:
    live = rig.deploy()
    (dead,) = rig.containers(live.id)
    rig.runtime.kill(dead.id, exit_code=137)
    rig.reconciler.tick()
    rig.sync()
    (replacement,) = rig.containers(live.id)
    # Restarted in place, as Docker's restart policy would: a new run of the same container.
    assert (replacement.id, replacement.state) == (dead.id, "running")
    assert replacement.started_at != dead.started_at
    (lost_event,) = rig.events("Deployment.ReplicaLost")
    assert lost_event.fields["reason"] == "the container exited with code 137"
    assert len(rig.events("Deployment.ReplicaReplaced")) == 1


def test_the_reconciler_removes_orphans_of_its_own_instance_only(rig: Rig) -> None:
    live = rig.deploy()
    orphan = run_container(rig, "orphan", other_labels(rig))
    foreign = run_container(rig, "foreign", other_labels(rig, **{INSTANCE: "another"}))
    rig.reconciler.tick()
    rig.sync()
    assert rig.runtime.inspect(orphan.id) is None
    still = rig.runtime.inspect(foreign.id)
    assert still is not None
    assert still.state == "running"
    assert [info.state for info in rig.containers(live.id)] == ["running"]
    (removed,) = rig.events("Node.OrphanRemoved")
    assert removed.fields["container"] == "orphan"
    assert removed.fields["reason"] == "no release of Containr's knows it"
    assert removed.fields["deployment_id"] is None


def test_the_reconciler_restores_the_route_of_the_live_release_to_an_empty_ingress(
    rig: Rig,
) -> None:
    rig.deploy()
    expected = rig.route()
    rig.use_ingress(InMemoryIngress())
    rig.reconciler.tick()
    assert rig.ingress.routes() == [expected]
    assert [change.kind for change in rig.ingress.changes] == ["apply"]


def test_the_reconciler_removes_its_stale_routes_and_leaves_other_instances_routes(
    rig: Rig,
) -> None:
    rig.deploy()
    live = rig.route()
    instance = rig.deployer.config.instance
    stale = Route(
        id=f"containr-{instance}-{uuid.uuid4()}-{uuid.uuid4()}",
        hosts=["gone.example.com"],
        upstreams=["127.0.0.1:1"],
    )
    foreign = Route(
        id=f"containr-0123456789-{uuid.uuid4()}-{uuid.uuid4()}",
        hosts=["theirs.example.com"],
        upstreams=["127.0.0.1:2"],
    )
    rig.ingress.apply(stale)
    rig.ingress.apply(foreign)
    rig.reconciler.tick()
    assert {route.id for route in rig.ingress.routes()} == {live.id, foreign.id}


def test_a_reconciler_tick_in_the_steady_state_changes_nothing(rig: Rig) -> None:
    rig.deploy()
    calls = list(rig.runtime.calls)
    changes = list(rig.ingress.changes)
    head = rig.world.app.events.head()
    rig.reconciler.tick()
    rig.sync()
    rig.reconciler.tick()
    assert rig.runtime.calls == calls
    assert rig.ingress.changes == changes
    assert rig.world.app.events.head() == head


def test_the_reconciler_follows_the_replica_count_of_a_scaled_service(rig: Rig) -> None:
    live = rig.deploy()
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    rig.reconciler.tick()
    rig.sync()
    assert sorted(info.labels[REPLICA] for info in rig.containers(live.id)) == ["0", "1"]
    assert rig.route().upstreams == rig.upstreams(live.id)
    rig.run(c.ScaleService(service_id=rig.service, replicas=1))
    rig.reconciler.tick()
    rig.sync()
    assert [info.labels[REPLICA] for info in rig.containers(live.id)] == ["0"]
    assert rig.route().upstreams == rig.upstreams(live.id)


def test_the_reconciler_restores_the_live_route_while_another_release_builds(rig: Rig) -> None:
    rig.deploy(rig.commits[0])
    expected = rig.route()
    building = rig.request(rig.commits[1])
    assert rig.step(building) is S.BUILDING
    rig.use_ingress(InMemoryIngress())  # the proxy restarted, say, during a long build
    rig.reconciler.tick()
    assert rig.ingress.routes() == [expected]


# 9. An engine that does not answer


def test_an_engine_that_does_not_answer_marks_the_node_unreachable_and_fails_the_release(
    rig: Rig,
) -> None:
    rig.runtime.reachable = False
    failed = rig.drive(rig.request())
    assert failed.state is S.FAILED
    assert failed.history[-1].reason == "no node of this organisation has an engine that answers"
    endpoint = rig.deployer.config.local_endpoint
    (row,) = rig.world.app.dashboard.nodes(rig.world.org)
    node = rig.world.app.queries.node(row.id)
    assert node.state is NodeState.UNREACHABLE
    assert node.unreachable_reason == f"the engine at {endpoint} does not answer"
    assert row.state == "unreachable"

    rig.runtime.reachable = True
    rig.deploy()
    assert rig.world.app.queries.node(row.id).state is NodeState.READY


def test_an_engine_lost_while_starting_fails_the_release_naming_the_node(rig: Rig) -> None:
    deployment_id = rig.request()
    for expected in (S.BUILDING, S.BUILT, S.STARTING):
        assert rig.step(deployment_id) is expected
    rig.runtime.reachable = False
    assert rig.step(deployment_id) is S.FAILED
    endpoint = rig.deployer.config.local_endpoint
    reason = rig.deployment(deployment_id).history[-1].reason
    assert reason == f"node local's engine at {endpoint} does not answer"
    (row,) = rig.world.app.dashboard.nodes(rig.world.org)
    assert rig.world.app.queries.node(row.id).state is NodeState.UNREACHABLE


def test_the_reconciler_leaves_routes_and_records_no_drift_while_the_engine_is_away(
    rig: Rig,
) -> None:
    live = rig.deploy()
    routes = rig.ingress.routes()
    head = rig.world.app.events.head()
    rig.runtime.reachable = False
    rig.reconciler.tick()
    assert rig.ingress.routes() == routes
    assert rig.world.app.events.head() == head
    rig.runtime.reachable = True
    assert [info.state for info in rig.containers(live.id)] == ["running"]


# The loop and the queue


def test_one_tick_takes_a_release_through_every_step_that_moves_it_on(rig: Rig) -> None:
    deployment_id = rig.request()
    rig.deployer.tick()
    rig.deployer._pool.submit(lambda: None).result()  # one worker: its steps are done
    rig.sync()
    history = [change.state for change in rig.deployment(deployment_id).history]
    assert history == [S.QUEUED, S.BUILDING, S.BUILT, S.STARTING, S.HEALTHY]


def test_an_older_queued_release_is_superseded_by_a_newer_one(rig: Rig) -> None:
    older = rig.request()
    newer = rig.request()
    assert rig.step(older) is S.SUPERSEDED
    assert rig.deployment(older).history[-1].reason == f"superseded by {newer}"
    assert rig.drive(newer).state is S.HEALTHY
    assert rig.runtime.builds[0].labels[DEPLOYMENT] == str(newer)


def test_a_queued_release_waits_while_another_one_is_in_progress(rig: Rig) -> None:
    first = rig.request()
    assert rig.step(first) is S.BUILDING
    assert rig.step(first) is S.BUILT
    second = rig.request()
    assert rig.step(second) is S.QUEUED
    assert rig.drive(first).state is S.HEALTHY
    assert rig.drive(second).state is S.HEALTHY
    assert rig.deployment(first).state is S.SUPERSEDED


# Bugs found by these tests, and races between the deployer and the reconciler


def test_the_first_release_registers_the_local_engine_and_builds_on_it(bare_rig: Rig) -> None:
    deployment = bare_rig.drive(bare_rig.request())
    (row,) = bare_rig.world.app.dashboard.nodes(bare_rig.world.org)
    assert row.endpoint == bare_rig.deployer.config.local_endpoint
    assert deployment.state is S.HEALTHY, deployment.history[-1].reason


def test_after_a_requested_restart_the_replicas_keep_their_ports_and_the_route(rig: Rig) -> None:
    live = rig.deploy()
    before = rig.upstreams(live.id)
    rig.run(c.RestartService(service_id=rig.service, environment_id=rig.world.production))
    rig.reconciler.tick()
    rig.sync()
    assert ("restart", f"containr-web-{str(live.id)[:8]}-0") in rig.runtime.calls
    assert rig.deployment(live.id).pending_restart is None
    # Restart in place keeps the host port the replica holds in its node's range (issue 18).
    assert rig.upstreams(live.id) == before
    assert rig.route().upstreams == rig.upstreams(live.id)


def test_a_reconciler_tick_during_the_traffic_switch_does_not_route_back_to_the_old_release(
    rig: Rig,
) -> None:
    rig.deploy(rig.commits[0])
    bus = crashing(rig)

    def reconcile_first(command: c.Command) -> None:
        if isinstance(command, c.RecordHealthy):
            rig.sync()
            rig.reconciler.tick()

    bus.before_send = reconcile_first
    new = rig.deploy(rig.commits[1])
    assert rig.route().upstreams == rig.upstreams(new.id)


def test_a_reconciler_tick_before_the_read_models_show_a_promotion_keeps_the_route(
    rig: Rig,
) -> None:
    rig.deploy(rig.commits[0])
    new_id = rig.request(rig.commits[1])
    for expected in (S.BUILDING, S.BUILT, S.STARTING):
        assert rig.step(new_id) is expected
    rig.deployer.advance(new_id)  # promoted; the read models have not caught up yet
    assert rig.deployment(new_id).state is S.HEALTHY
    rig.reconciler.tick()
    assert [route.upstreams for route in rig.ingress.routes()] == [rig.upstreams(new_id)]


def test_a_late_retirement_of_an_older_release_spares_the_newer_ones(rig: Rig) -> None:
    first = rig.deploy()
    second = rig.deploy()
    third_id = rig.request()
    assert rig.step(third_id) is S.BUILDING  # in progress while the old retirement runs
    before = {d: len(rig.containers(d)) for d in (second.id, third_id)}

    # the first release's deployer wakes up from its drain only now (it was slow)
    rig.deployer._retire_previous(rig.deployment(first.id), [rig.runtime])

    assert rig.containers(first.id) == []
    assert {d: len(rig.containers(d)) for d in (second.id, third_id)} == before
    assert rig.deployment(second.id).state is S.HEALTHY


def test_draining_a_node_moves_its_replicas_elsewhere_through_a_redeploy(rig: Rig) -> None:
    other = rig.run(
        c.RegisterNode(
            organization_id=rig.world.org,
            name="second",
            endpoint="tcp://10.9.9.9:2376",
            cpu_millis=4000,
            memory_mb=8192,
        )
    ).id("node_id")
    live = rig.deploy()
    (node,) = set(live.placements.values())
    rig.run(c.DrainNode(node_id=node))
    rig.reconciler.tick()
    rig.sync()

    (moved,) = [
        row for row in rig.world.app.dashboard.active_deployments() if row.service_id == rig.service
    ]
    assert moved.trigger == "redeploy"
    done = rig.drive(moved.id)
    assert done.state is S.HEALTHY, done.history
    assert set(done.placements.values()) == {other} != {node}
    assert rig.deployment(live.id).state is S.SUPERSEDED
    rig.reconciler.tick()
    rig.sync()
    assert rig.world.app.dashboard.active_deployments() == []  # nothing more to move


class RecordedCertificates:
    """Certificates that record which domains they were asked for (the port's fake)."""

    def __init__(self) -> None:
        self.applied: list[list[str]] = []

    def apply(self, domains: list[str]) -> None:
        self.applied.append(list(domains))

    def state(self, domain: str) -> CertificateState:
        return CertificateState(domain=domain, state="pending")


def test_the_reconciler_asks_for_certificates_for_the_live_custom_domains_once_per_change(
    rig: Rig,
) -> None:
    rig.run(c.UpdateService(service_id=rig.world.service, domains=["Shop.example.com"]))
    rig.deploy()
    certificates = RecordedCertificates()
    rig.reconciler.certificates = certificates
    rig.reconciler.tick()
    rig.reconciler.tick()
    assert certificates.applied == [["shop.example.com"]]
    assert "shop.example.com" in rig.ingress.routes()[0].hosts


# Published ports from the node's range (issue 18)


def test_replicas_publish_on_ports_of_their_nodes_range_and_released_ports_are_reused(
    rig: Rig,
) -> None:
    first = rig.deploy(rig.commits[0])
    (node_id,) = set(first.placements.values())
    (container,) = rig.containers(first.id)
    assert container.host_port == 20000
    assert rig.world.app.queries.node(node_id).port_of(first.id, 0) == 20000
    # The next release starts while the first still serves: it gets the next port.
    second = rig.deploy(rig.commits[1])
    (container,) = rig.containers(second.id)
    assert container.host_port == 20001
    assert rig.route().upstreams == ["127.0.0.1:20001"]
    # The first is superseded and its replica retired: its port is free, and given again
    # only once the rest of the range was (a release still draining keeps it meanwhile).
    third = rig.deploy(rig.commits[0])
    (container,) = rig.containers(third.id)
    assert container.host_port == 20002
    node = rig.world.app.queries.node(node_id)
    assert node.port_of(first.id, 0) is None
    assert node.port_of(second.id, 0) == 20001
    assert sorted(node.ports) == [20001, 20002]
    assert [e.aggregate_id for e in rig.events("Node.PortsReleased")] == [node_id]
    rig.run(c.SetNodePortRange(node_id=node_id, start=20000, end=20002))
    fourth = rig.deploy(rig.commits[1])  # round the range: the freed port again
    (container,) = rig.containers(fourth.id)
    assert container.host_port == 20000


def test_a_port_something_else_holds_on_the_engine_does_not_stop_the_release(rig: Rig) -> None:
    # Another installation sharing the engine (or a process of the host) holds port 20000.
    stranger = rig.runtime.create(
        ContainerSpec(name="not-ours", image=BASE_IMAGE, labels={}, port=80, host_port=20000)
    )
    rig.runtime.start(stranger.id)
    live = rig.deploy(rig.commits[0])
    assert live.state is S.HEALTHY
    (container,) = rig.containers(live.id)
    assert container.state == "running" and container.host_port not in (None, 20000)
    assert rig.route().upstreams == [f"127.0.0.1:{container.host_port}"]
    assert any("port 20000 is taken on the engine" in line for line in rig.log(live.id))


def test_a_release_with_no_free_port_on_its_node_fails_saying_so(rig: Rig) -> None:
    live = rig.deploy(rig.commits[0])
    (node_id,) = set(live.placements.values())
    rig.run(c.SetNodePortRange(node_id=node_id, start=20000, end=20000))
    failed = rig.drive(rig.request(rig.commits[1]))
    assert failed.state is S.FAILED
    assert failed.history[-1].reason == "no free port in 20000\u201320000 on node local"
    assert rig.containers(failed.id) == []
    assert rig.route().upstreams == rig.upstreams(live.id)  # the live release keeps serving
    # A wider range lets the next release start.
    rig.run(c.SetNodePortRange(node_id=node_id, start=20000, end=20001))
    assert rig.deploy(rig.commits[1]).state is S.HEALTHY


def test_malformed_port_ranges_are_refused_naming_the_field(rig: Rig) -> None:
    live = rig.deploy()
    (node_id,) = set(live.placements.values())
    for start, end in ((30000, 20000), (80, 2000), (60000, 65536)):
        with pytest.raises(InvalidValueError) as refused:
            rig.run(c.SetNodePortRange(node_id=node_id, start=start, end=end))
        assert refused.value.field == "port_range"
    assert rig.world.app.queries.node(node_id).port_range == DEFAULT_PORT_RANGE
