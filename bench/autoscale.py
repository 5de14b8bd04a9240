"""The autoscaler's reaction to load, and the first request after scale to zero (issue 16).

Run as `python -m bench.autoscale` (PostgreSQL on 127.0.0.1:5432, Docker at the local socket,
`caddy` on PATH; a few minutes). Containr runs in this process on a scratch database with
its own Caddy (access log on: the route figures), its HTTP API on a loopback port (the wake
handler's address), the real stats collector, time-series store and autoscaler (15 s
evaluations, 10 s collection rounds, as in production).

``autoscale_reaction``: a busybox web service whose CGI handler burns CPU (100m requested,
target 60 %, 1 to 3 replicas) gets a step of load through Caddy just after the policy's first
evaluation (the worst phase: the next evaluation is a whole 15 s period away); timed from the
step until 3 replicas are in its route and each answers. ``autoscale_start``: the part of it
from the autoscaler's decision. Baseline of both: the engine's own time to start the same 2
new containers (docker API create+start until each answers its port). The autoscaler reads
CPU from the live stats streams, so the target is one evaluation period plus start time.

``wake_from_zero``: 10 web services with a 10 s idle timeout go to sleep; the first request
to each through Caddy is timed until its answer (p50 of 10), beside a warm request's (p50 of
10 to an awake one).
"""

from __future__ import annotations

import functools
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack, suppress
from pathlib import Path
from uuid import UUID

import docker
import docker.errors
import httpx
import msgspec
import uvicorn

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.bus import CommandResult, Context
from application.processes.support import INSTANCE, SERVICE, network_name
from application.services import Services
from bench.common import bench_line, scratch_postgres
from bench.deploy_overhead import private_database, remove_all
from domain.autoscaling import MetricKind
from domain.deployment import DeploymentState
from domain.ids import Actor
from domain.service_spec import Resources, ServiceKind
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image

DOCKER_URL = "unix:///var/run/docker.sock"
ACTOR = Context(actor=Actor("user:bench"))
SLEEPERS = 10
WARM = 10
MAX = 3
APP = (
    'sh -c \'mkdir -p /www && printf "awake\\n" > /www/index.html '
    "&& exec httpd -f -p 8080 -h /www'"
)
BURN = (
    'sh -c \'mkdir -p /www/cgi-bin && printf "ok\\n" > /www/index.html '
    '&& printf "*.sh:/bin/sh\\n" > /etc/httpd.conf '
    '&& printf "i=0\\nwhile [ \\$i -lt 150000 ]; do i=\\$((i+1)); done\\n'
    'printf \\"Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nburnt\\\\n\\"\\n" '
    "> /www/cgi-bin/burn.sh "
    "&& exec httpd -f -p 8080 -h /www -c /etc/httpd.conf'"
)


def until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` until it holds (every 50 ms), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {timeout:g} s")
        time.sleep(0.05)


class Bench:
    """Containr, its Caddy and the engine, and the services the rounds made."""

    def __init__(self, app: Services, api: docker.APIClient, listen: str) -> None:
        self.app, self.api, self.listen = app, api, listen
        self.client = httpx.Client(
            timeout=60,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        )
        self.ingress = CaddyIngress(app.settings.ingress_admin or "", listen=listen)
        org = self.run(c.CreateOrganization(name="Bench", owner_id=uuid.uuid4())).id(
            "organization_id"
        )
        created = self.run(c.CreateProject(organization_id=org, name="Scale"))
        self.project = created.id("project_id")
        self.environment = created.id("environment_id")
        self.slug = app.queries.project(self.project).slug

    def run(self, command: c.Command) -> CommandResult:
        return self.app.execute(command, ACTOR)

    def web(self, name: str, command: str, resources: Resources | None = None) -> UUID:
        result = self.app.execute(
            c.CreateService(
                project_id=self.project,
                name=name,
                kind=ServiceKind.WEB,
                image=BASE_IMAGE,
                start_command=command,
                port=8080,
                resources=resources or Resources(),
            ),
            ACTOR,
        )
        service = result.id("service_id")
        self.app.execute(
            c.RequestDeployment(service_id=service, environment_id=self.environment), ACTOR
        )
        return service

    def healthy(self, service: UUID) -> bool:
        states = [
            self.app.queries.deployment(row.id).state
            for row in self.app.dashboard.deployments(service)
        ]
        if any(s in (DeploymentState.FAILED, DeploymentState.CANCELLED) for s in states):
            raise RuntimeError(f"the release of {service} failed")
        return DeploymentState.HEALTHY in states

    def host(self, name: str) -> str:
        return f"{name}.production.{self.slug}.localhost"

    def get(self, name: str, path: str = "/") -> httpx.Response:
        return self.client.get(f"http://{self.listen}{path}", headers={"Host": self.host(name)})

    def route(self, service: UUID) -> list[str] | None:
        """The route's upstreams (None: asleep, or no route)."""
        found = next((r for r in self.ingress.routes() if str(service) in r.id), None)
        return None if found is None or found.wake is not None else found.upstreams

    def running(self, service: UUID) -> int:
        labels = [f"{SERVICE}={service}", f"{INSTANCE}={self.app.settings.instance}"]
        return len(self.api.containers(filters={"label": labels}))


def answers(address: str) -> bool:
    try:
        return httpx.get(f"http://{address}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def reaction(bench: Bench) -> tuple[float, float, float]:
    """(seconds from a step of load to MAX replicas in the route and answering, seconds of
    that from the autoscaler's decision, the engine's own seconds to start the MAX - 1 new
    containers until they answer)."""
    service = bench.web("burn", BURN, Resources(cpu_request_millis=100, memory_request_mb=32))
    until(lambda: bench.healthy(service), 120, "the burning service's release")
    until(lambda: bench.get("burn").status_code == 200, 60, "the burning service's route")
    bench.run(
        c.SetAutoscaling(
            service_id=service,
            min_replicas=1,
            max_replicas=MAX,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
        )
    )
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                with suppress(httpx.HTTPError):
                    client.get(
                        f"http://{bench.listen}/cgi-bin/burn.sh",
                        headers={"Host": bench.host("burn")},
                    )

    workers = [threading.Thread(target=load, daemon=True) for _ in range(4)]
    step = time.monotonic()
    for worker in workers:
        worker.start()
    decided: list[float] = []
    try:

        def scaled() -> bool:
            if not decided and bench.app.queries.service(service).spec.replicas > 1:
                decided.append(time.monotonic())
            upstreams = bench.route(service) or []
            return len(upstreams) == MAX and all(answers(u) for u in upstreams)

        until(scaled, 240, f"{MAX} replicas in the route")
        done = time.monotonic()
        ours = done - step
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    print(
        f"reaction: the autoscaler decided {decided[0] - step:.2f} s after the step (the policy"
        " was evaluated when set, just before it: the next evaluation comes a 15 s period later)"
    )
    return ours, done - decided[0], engine_start(bench, MAX - 1)


def engine_start(bench: Bench, count: int) -> float:
    """The engine alone: create and start ``count`` of the same containers (published port),
    until each answers."""
    api = bench.api
    labels = {INSTANCE: bench.app.settings.instance, "containr.bench": "direct"}
    made: list[str] = []
    try:
        start = time.monotonic()
        for _ in range(count):
            container = api.create_container(
                BASE_IMAGE,
                command=["sh", "-c", BURN.removeprefix("sh -c '").removesuffix("'")],
                labels=labels,
                ports=[8080],
                host_config=api.create_host_config(port_bindings={8080: ("127.0.0.1", None)}),
            )
            made.append(container["Id"])
            api.start(container["Id"])
        for container_id in made:
            port = api.port(container_id, 8080)[0]["HostPort"]
            address = f"127.0.0.1:{port}"
            until(functools.partial(answers, address), 60, "a direct container")
        return time.monotonic() - start
    finally:
        for container_id in made:
            with suppress(docker.errors.APIError):
                api.remove_container(container_id, force=True)


def wake_from_zero(bench: Bench) -> tuple[list[float], list[float]]:
    """(the first request's seconds to each of SLEEPERS sleeping services, WARM requests'
    seconds to an awake one)."""
    names = [f"nap{i}" for i in range(SLEEPERS)]
    services = {name: bench.web(name, APP) for name in names}
    until(lambda: all(bench.healthy(s) for s in services.values()), 240, "the sleepers' releases")
    until(lambda: all(bench.get(n).status_code == 200 for n in names), 60, "the sleepers' routes")
    for service in services.values():
        bench.run(
            c.SetAutoscaling(
                service_id=service,
                min_replicas=0,
                max_replicas=1,
                metrics=[c.MetricTargetInput(metric=MetricKind.REQUESTS, target=50)],
                idle_timeout_seconds=10,
            )
        )

    def asleep(service: UUID) -> bool:
        return bench.route(service) is None and bench.running(service) == 0

    until(lambda: all(asleep(s) for s in services.values()), 180, "every sleeper asleep")
    first: list[float] = []
    for name in names:
        start = time.monotonic()
        answer = bench.get(name)
        first.append(time.monotonic() - start)
        if (answer.status_code, answer.text) != (200, "awake\n"):
            raise RuntimeError(f"{name} answered {answer.status_code} {answer.text!r}")
    warm: list[float] = []
    for _ in range(WARM):
        start = time.monotonic()
        answer = bench.get(names[0])
        warm.append(time.monotonic() - start)
        if answer.status_code != 200:
            raise RuntimeError(f"a warm request answered {answer.status_code}")
    return first, warm


def main() -> None:
    api = docker.APIClient(base_url=DOCKER_URL, version="auto", timeout=60)
    ensure_busybox_image(api)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as cleanup:
        cleanup.callback(api.close)
        caddy = CaddyServer(Path(tmp) / "caddy")
        caddy.start()
        cleanup.callback(caddy.stop)
        url = cleanup.enter_context(private_database())
        scratch = cleanup.enter_context(scratch_postgres(url=url))
        listen, port = f"127.0.0.1:{free_port()}", free_port()
        settings = msgspec.structs.replace(
            scratch,
            ingress_admin=caddy.admin_url,
            ingress_listen=listen,
            ingress_access_log=str(Path(tmp) / "access.log"),
            access_dial=f"127.0.0.1:{port}",
            start_timeout_seconds=30,
        )
        app = bootstrap(settings)
        cleanup.callback(app.close)
        stop = threading.Event()
        threads = app.run_projections(stop)
        server = uvicorn.Server(
            uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning")
        )
        threads.append(threading.Thread(target=server.run, daemon=True))
        threads[-1].start()

        networks: list[str] = []

        def stop_all() -> None:
            """The threads first (no reconciler replaces what is removed), then the engine."""
            server.should_exit = True
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
            remove_all(api, settings.instance, networks)

        cleanup.callback(stop_all)
        until(lambda: server.started, 30, "the API to listen")
        threads += app.run_processes(stop)
        bench = Bench(app, api, listen)
        networks.append(network_name(bench.environment))
        ours, started, engine = reaction(bench)
        first, warm = wake_from_zero(bench)
    print(
        f"reaction: {ours:.2f} s to {MAX} replicas in the route, {started:.2f} s of it from the"
        f" decision; engine start {engine:.2f} s"
    )
    print(f"wake: first requests {', '.join(f'{s * 1000:.0f}' for s in first)} ms")
    wake_p50, warm_p50 = statistics.median(first), statistics.median(warm)
    print(bench_line("autoscale_reaction", ours, "s", engine, "engine start"))
    print(bench_line("autoscale_start", started, "s", engine, "engine start"))
    print(bench_line("wake_from_zero", wake_p50 * 1000, "ms", warm_p50 * 1000, "warm request"))


if __name__ == "__main__":
    main()
