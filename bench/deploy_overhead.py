"""Control-plane overhead of deploying an already-built image with three replicas.

Run as `python -m bench.deploy_overhead` (PostgreSQL on 127.0.0.1:5432, Docker at the local
socket, `caddy` on PATH). Containr runs in this process on a fresh schema: projections,
deployer and reconciler in threads, the real engine, and a Caddy of the benchmark's own as
the ingress (the route is applied before the release is recorded healthy, so it is timed).
The schema lives in a scratch database of its own: the deployer wakes on the event store's
NOTIFY, whose channel every schema of a database shares, so other installations (a test run
next door) writing events would wake it early and hide its own waits.
An httpd image is built once FROM the local busybox image; a WEB service runs it with three
replicas and an HTTP health check every 0.1 s. Each round requests a deployment of that
image (each supersedes the last) and times, from the command: the first container create
call, and the release recorded HEALTHY. Baseline, measured in the same run before each
deployment: the engine alone, the docker SDK creating and starting three of the same
containers (same network, published port) and probing each until /healthz answers.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import docker
import docker.errors
import httpx
import msgspec
import psycopg

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, free_port
from adapters.docker_runtime import DockerRuntime
from application import commands as c
from application.bus import Context
from application.processes.deployer import DeployerConfig
from application.processes.support import DEPLOYMENT, INSTANCE, SERVICE, network_name
from application.runtime_ports import ContainerInfo, ContainerRuntime, ContainerSpec, Route
from application.services import Services
from bench.common import PG_URL, bench_line, scratch_postgres
from domain.deployment import DeploymentState
from domain.ids import Actor
from domain.service_spec import HealthCheck, HealthCheckKind, ServiceKind
from interfaces.bootstrap import bootstrap
from tests.contract.docker_images import ensure_busybox_image

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
REPLICAS = 3
PORT = 8080
INTERVAL = 0.1
"""The health check's interval, also the baseline's pause between failed probes."""
POLL = 0.005
DOCKER_URL = "unix:///var/run/docker.sock"
ACTOR = Context(actor=Actor("user:bench"))
ENDED = {
    DeploymentState.FAILED,
    DeploymentState.CANCELLED,
    DeploymentState.SUPERSEDED,
    DeploymentState.ROLLED_BACK,
}
# httpd runs as PID 1, which ignores SIGTERM: without this every retired replica would take
# the full 10 s stop timeout. Stopping is outside what is timed here.
DOCKERFILE = (
    "FROM {base}\n"
    "COPY www /www\n"
    "STOPSIGNAL SIGKILL\n"
    'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n'
)


class Marks:
    """Monotonic times of the engine and ingress calls the deployer's threads made."""

    def __init__(self) -> None:
        self._times: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def mark(self, kind: str) -> None:
        # Only the deployer's threads: the reconciler also lists, creates and applies routes.
        if threading.current_thread().name.startswith("containr-deploy"):
            with self._lock:
                self._times[kind].append(time.monotonic())

    def since(self, kind: str, start: float) -> list[float]:
        with self._lock:
            return [t - start for t in self._times[kind] if t >= start]


class TimedRuntime(DockerRuntime):
    """The Docker adapter, noting when create is called and when start returns."""

    def __init__(self, endpoint: str, marks: Marks) -> None:
        super().__init__(endpoint)
        self.marks = marks

    def create(self, spec: ContainerSpec) -> ContainerInfo:
        self.marks.mark("create")
        return super().create(spec)

    def start(self, container_id: str) -> ContainerInfo:
        info = super().start(container_id)
        self.marks.mark("started")
        return info


class TimedEngines:
    """NodeRuntimes handing out one TimedRuntime per endpoint."""

    def __init__(self, marks: Marks) -> None:
        self.marks = marks
        self._engines: dict[str, TimedRuntime] = {}
        self._lock = threading.Lock()

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        with self._lock:
            if endpoint not in self._engines:
                self._engines[endpoint] = TimedRuntime(endpoint, self.marks)
            return self._engines[endpoint]


class TimedIngress(CaddyIngress):
    """The Caddy adapter, noting when a route change has been applied."""

    def __init__(self, admin_url: str, *, listen: str, marks: Marks) -> None:
        super().__init__(admin_url, listen=listen)
        self.marks = marks

    def apply(self, route: Route) -> None:
        super().apply(route)
        self.marks.mark("route")


@dataclass(frozen=True)
class Round:
    """Seconds from the deploy command to each step of one release."""

    deployment: uuid.UUID
    healthy_at: float
    """time.monotonic() when HEALTHY was first seen."""
    command: float
    built: float
    starting: float
    first_create: float
    all_started: float
    route: float
    healthy: float


def build_image(api: docker.APIClient, workdir: Path, tag: str) -> None:
    """busybox httpd serving /www (with /healthz), built from a local context."""
    base = ensure_busybox_image(api)
    (workdir / "www").mkdir(parents=True)
    (workdir / "www" / "index.html").write_text("bench\n")
    (workdir / "www" / "healthz").write_text("ok\n")
    (workdir / "Dockerfile").write_text(DOCKERFILE.format(base=base))
    for message in api.build(path=str(workdir), tag=tag, rm=True, decode=True):
        if "error" in message:
            raise RuntimeError(f"building {tag} failed: {message['error']}")


def answers(url: str, deadline: float) -> None:
    """Probe like the deployer's HTTP check (a GET, 2xx/3xx) until it passes."""
    while True:
        with suppress(httpx.HTTPError):
            if 200 <= httpx.get(url, timeout=2).status_code < 400:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} never answered")
        time.sleep(INTERVAL)


def direct_round(api: docker.APIClient, image: str, network: str, labels: dict[str, str]) -> float:
    """Seconds for the SDK to create and start the replicas and see each answer /healthz."""
    ids: list[str] = []
    start = time.monotonic()
    try:
        ports = []
        for replica in range(REPLICAS):
            created = api.create_container(
                image,
                name=f"containr-bench-{uuid.uuid4().hex[:8]}-{replica}",
                environment={"PORT": str(PORT)},
                labels=labels,
                ports=[PORT],
                host_config=api.create_host_config(
                    port_bindings={PORT: ("127.0.0.1", None)},
                    restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
                    network_mode=network,
                ),
                networking_config=api.create_networking_config(
                    {network: api.create_endpoint_config(aliases=["web"])}
                ),
            )
            ids.append(created["Id"])
            api.start(created["Id"])
            attrs = api.inspect_container(created["Id"])
            ports.append(attrs["NetworkSettings"]["Ports"][f"{PORT}/tcp"][0]["HostPort"])
        for port in ports:
            answers(f"http://127.0.0.1:{port}/healthz", start + 60)
        return time.monotonic() - start
    finally:
        for container in ids:
            with suppress(docker.errors.APIError):
                api.remove_container(container, force=True)


def deploy_round(app: Services, service: uuid.UUID, environment: uuid.UUID, marks: Marks) -> Round:
    """Request a release and poll its state until HEALTHY; when each step was first seen."""
    start = time.monotonic()
    result = app.execute(c.RequestDeployment(service_id=service, environment_id=environment), ACTOR)
    command = time.monotonic() - start
    deployment = result.id("deployment_id")
    seen: dict[DeploymentState, float] = {}
    while True:
        state = app.queries.deployment(deployment).state
        seen.setdefault(state, time.monotonic() - start)
        if state is DeploymentState.HEALTHY:
            break
        if state in ENDED or time.monotonic() - start > 60:
            raise RuntimeError(f"deployment {deployment} is {state.value}, not healthy")
        time.sleep(POLL)
    started = marks.since("started", start)
    return Round(
        deployment=deployment,
        healthy_at=start + seen[DeploymentState.HEALTHY],
        command=command,
        built=seen.get(DeploymentState.BUILT, float("nan")),
        starting=seen.get(DeploymentState.STARTING, float("nan")),
        first_create=min(marks.since("create", start)),
        all_started=max(started) if len(started) >= REPLICAS else float("nan"),
        route=max(marks.since("route", start), default=float("nan")),
        healthy=seen[DeploymentState.HEALTHY],
    )


def settle(api: docker.APIClient, service: uuid.UUID, last: Round, drain: float) -> None:
    """Until the release before ``last`` is retired (drain period over, containers gone).

    The retirement lists the service's containers once the drain has passed and removes
    every one of another release, so the next release must not start before then.
    """
    filters = {"label": [f"{SERVICE}={service}"]}
    not_before = last.healthy_at + drain + 0.5
    deadline = time.monotonic() + 60
    while time.monotonic() < not_before or any(
        found["Labels"].get(DEPLOYMENT) != str(last.deployment)
        for found in api.containers(all=True, filters=filters)
    ):
        if time.monotonic() > deadline:
            raise RuntimeError("the previous release was never retired")
        time.sleep(0.05)


def create_service(app: Services, image: str) -> tuple[uuid.UUID, uuid.UUID]:
    """An organisation, a project and the WEB service running ``image``; (service, env)."""
    org = app.execute(c.CreateOrganization(name="Bench", owner_id=uuid.uuid4()), ACTOR)
    project = app.execute(
        c.CreateProject(organization_id=org.id("organization_id"), name="B"), ACTOR
    )
    check = HealthCheck(
        kind=HealthCheckKind.HTTP,
        path="/healthz",
        interval_seconds=INTERVAL,
        timeout_seconds=2,
        retries=100,
        grace_period_seconds=0,
    )
    service = app.execute(
        c.CreateService(
            project_id=project.id("project_id"),
            name="web",
            kind=ServiceKind.WEB,
            image=image,
            port=PORT,
            replicas=REPLICAS,
            health_check=check,
        ),
        ACTOR,
        wait_for=["dashboard"],
    )
    return service.id("service_id"), project.id("environment_id")


@contextmanager
def private_database() -> Iterator[str]:
    """The URL of a scratch database on the benchmark's server, dropped afterwards."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(PG_URL)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def platform(cleanup: ExitStack, workdir: Path, marks: Marks) -> Iterator[Services]:
    """Containr on a scratch schema with its own Caddy; threads stopped afterwards."""
    caddy = CaddyServer(workdir / "caddy")
    caddy.start()
    cleanup.callback(caddy.stop)
    with private_database() as url, scratch_postgres(url=url) as scratch:
        listen = f"127.0.0.1:{free_port()}"
        settings = msgspec.structs.replace(
            scratch, ingress_admin=caddy.admin_url, ingress_listen=listen
        )
        ingress = TimedIngress(caddy.admin_url, listen=listen, marks=marks)
        app = bootstrap(settings, runtimes=TimedEngines(marks), ingress=ingress)
        stop = threading.Event()
        threads: list[threading.Thread] = []
        try:
            threads += app.run_projections(stop)
            threads += app.run_processes(stop)
            yield app
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
            app.close()


def remove_all(api: docker.APIClient, instance: str, networks: list[str]) -> None:
    """Every container of this installation (both kinds), then the networks."""
    for found in api.containers(all=True, filters={"label": [f"{INSTANCE}={instance}"]}):
        with suppress(docker.errors.APIError):
            api.remove_container(found["Id"], force=True)
    for name in networks:
        with suppress(docker.errors.APIError):
            api.remove_network(name)


def remove_image(api: docker.APIClient, image: str) -> None:
    with suppress(docker.errors.APIError):
        api.remove_image(image, force=True)


def run(
    api: docker.APIClient, workdir: Path, cleanup: ExitStack
) -> tuple[list[Round], list[float]]:
    marks = Marks()
    image = f"containr-bench/deploy-overhead:{uuid.uuid4().hex[:12]}"
    cleanup.callback(remove_image, api, image)
    build_image(api, workdir / "app", image)
    with platform(cleanup, workdir, marks) as app:
        instance = app.settings.instance
        service, environment = create_service(app, image)
        network = f"containr-bench-{uuid.uuid4().hex[:12]}"
        api.create_network(network, driver="bridge", labels={INSTANCE: instance})
        networks = [network, network_name(environment)]
        cleanup.callback(remove_all, api, instance, networks)
        labels = {INSTANCE: instance, "containr.bench": "direct"}
        rounds: list[Round] = []
        direct: list[float] = []
        for number in range(1, ROUNDS + 1):
            if rounds:
                settle(api, service, rounds[-1], DeployerConfig.drain_seconds)
            direct.append(direct_round(api, image, network, labels))
            rounds.append(deploy_round(app, service, environment, marks))
            print_round(number, rounds[-1], direct[-1])
        # Let the last release retire its predecessor before the threads are stopped.
        settle(api, service, rounds[-1], DeployerConfig.drain_seconds)
    return rounds, direct


def print_round(number: int, r: Round, direct: float) -> None:
    print(
        f"round {number}: command {r.command:.3f}  built {r.built:.3f}  "
        f"starting {r.starting:.3f}  first create {r.first_create:.3f}  "
        f"{REPLICAS} started {r.all_started:.3f}  route {r.route:.3f}  "
        f"healthy {r.healthy:.3f} s | direct SDK {direct:.3f} s"
    )


def main() -> None:
    api = docker.APIClient(base_url=DOCKER_URL, version="auto", timeout=60)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as cleanup:
        cleanup.callback(api.close)
        rounds, direct = run(api, Path(tmp), cleanup)
    base = statistics.median(direct)
    first = statistics.median(r.first_create for r in rounds)
    healthy = statistics.median(r.healthy for r in rounds)
    print(f"ingress: Caddy (own process); health check HTTP /healthz every {INTERVAL} s")
    print(f"median of {ROUNDS}: first create {first:.3f} s, healthy {healthy:.3f} s")
    print(f"median of {ROUNDS}: direct SDK create+start+healthy x{REPLICAS} {base:.3f} s")
    baseline = f"direct_sdk_create_start_healthy_{REPLICAS}"
    print(bench_line("deploy_to_first_create", first, "s", base, baseline))
    print(bench_line("deploy_to_healthy", healthy, "s", base, baseline))


if __name__ == "__main__":
    main()
