"""What the Docker deployment tests share: a git repository of a sample app, the running
platform (event store, read models, deployer and reconciler threads) and a client that
talks to it through Caddy.

The sample app is busybox httpd built `FROM` the locally imported busybox image; its
index page names the release, so a test can tell which release answered.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
import httpx

from adapters.caddy import CaddyIngress
from application import commands as c
from application.bus import CommandResult, Context
from application.logs import LogEntry, LogQuery
from application.ports import Clock
from application.processes.autoscaler import ReplicaMetrics
from application.processes.support import INSTANCE, network_name
from application.services import Services
from application.settings import Settings
from domain.deployment import Deployment, DeploymentState
from domain.ids import Actor
from interfaces.bootstrap import bootstrap
from tests.contract.docker_images import BASE_IMAGE
from tests.installations import record_instance

ALICE = Actor("user:alice")
DOCKER_URL = "unix:///var/run/docker.sock"
TERMINAL = {
    DeploymentState.HEALTHY,
    DeploymentState.FAILED,
    DeploymentState.CANCELLED,
    DeploymentState.SUPERSEDED,
    DeploymentState.ROLLED_BACK,
}


def app_dockerfile(extra: str = "") -> str:
    """The sample app: busybox httpd on 8080 serving /www (index.html and healthz)."""
    return (
        f"FROM {BASE_IMAGE}\n"
        "COPY www /www\n"
        f"{extra}"
        'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n'
    )


class AppRepository:
    """A git repository made by the test, served to Containr as a file:// URL."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self._git("init", "-q", "-b", "main")
        self._git("config", "user.name", "Ada Lovelace")
        self._git("config", "user.email", "ada@example.com")
        self.url = f"file://{path}"

    def _git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.path, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def commit(self, release: str, *, dockerfile: str | None = None, message: str = "") -> str:
        """Write the app saying ``release`` and commit it; the commit's sha."""
        www = self.path / "www"
        www.mkdir(exist_ok=True)
        (www / "index.html").write_text(f"release {release}\n")
        (www / "healthz").write_text("ok\n")
        (self.path / "Dockerfile").write_text(dockerfile or app_dockerfile())
        self._git("add", "-A")
        self._git("commit", "-q", "-m", message or f"release {release}")
        return self._git("rev-parse", "HEAD")


@dataclass
class Platform:
    """Containr running in this process against the real engine and Caddy."""

    services: Services
    settings: Settings
    ingress_listen: str
    owner: uuid.UUID = field(default_factory=uuid.uuid4)
    org: uuid.UUID | None = None
    project: uuid.UUID | None = None
    production: uuid.UUID | None = None
    project_slug: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    client: httpx.Client = field(
        default_factory=lambda: httpx.Client(
            timeout=5,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        )
    )

    def run(self, command: c.Command) -> CommandResult:
        return self.services.execute(command, Context(actor=ALICE))

    def start_processes(self) -> None:
        self.threads += self.services.run_processes(self.stop)

    def create_project(self, name: str) -> None:
        self.org = self.run(c.CreateOrganization(name="Acme", owner_id=self.owner)).id(
            "organization_id"
        )
        created = self.run(c.CreateProject(organization_id=self.org, name=name))
        self.project = created.id("project_id")
        self.production = created.id("environment_id")
        self.project_slug = self.services.queries.project(self.project).slug

    def deploy(self, service_id: uuid.UUID) -> uuid.UUID:
        assert self.production is not None
        result = self.run(
            c.RequestDeployment(service_id=service_id, environment_id=self.production)
        )
        return result.id("deployment_id")

    def deployment(self, deployment_id: uuid.UUID) -> Deployment:
        return self.services.queries.deployment(deployment_id)

    def wait_for(
        self,
        deployment_id: uuid.UUID,
        states: set[DeploymentState] | None = None,
        timeout: float = 90,
    ) -> Deployment:
        """Poll until the release reaches one of ``states`` (any end state by default)."""
        wanted = states or TERMINAL
        deadline = time.monotonic() + timeout
        while True:
            deployment = self.deployment(deployment_id)
            if deployment.state in wanted:
                return deployment
            if time.monotonic() > deadline:
                logs = "\n".join(e.line for e in self.logs(deployment_id))
                raise AssertionError(
                    f"deployment still {deployment.state.value} after {timeout}s; log:\n{logs}"
                )
            time.sleep(0.1)

    def logs(self, deployment_id: uuid.UUID, stream: str | None = None) -> list[LogEntry]:
        return self.services.logs.read(
            LogQuery(deployment_id=deployment_id, stream=stream, limit=10_000)  # type: ignore[arg-type]
        )

    def host(self, service: str) -> str:
        return f"{service}.production.{self.project_slug}.localhost"

    def get(self, service: str, path: str = "/") -> httpx.Response:
        """A request through Caddy for the service's host name."""
        return self.client.get(
            f"http://{self.ingress_listen}{path}", headers={"Host": self.host(service)}
        )

    def wait_answer(self, service: str, body: str, timeout: float = 30) -> None:
        """Until the ingress answers the service's host with ``body``."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            try:
                response = self.get(service)
                if response.status_code == 200 and response.text == body:
                    return
                last = (response.status_code, response.text)
            except httpx.TransportError as e:
                last = e
            time.sleep(0.1)
        raise AssertionError(f"the ingress never answered {body!r}; last: {last!r}")


EXACT_PORTS = (30000, 32700)
"""Ports no installation of the tests publishes on unasked (``port_window`` avoids them) and
the kernel gives no listener of port 0 (its ephemeral ports start at 32768 here): a test
that checks which node ports its replicas got takes its window from these."""


def port_window(size: int = 200) -> tuple[int, int]:
    """A window of ``size`` node ports for one installation on the shared test engine,
    outside ``EXACT_PORTS``. Windows may meet: a replica whose port another installation
    (or a listener) holds is published on a port the engine picks, as the deployer does."""
    low, high = EXACT_PORTS
    starts = [s for s in range(20000, 60000 - size, 200) if s + size <= low or s >= high]
    start = random.choice(starts)
    return start, start + size - 1


def exact_port_window(size: int) -> tuple[int, int]:
    """A window of ``size`` node ports in ``EXACT_PORTS``, drawn at random (tests of the two
    halves of a run may draw at once)."""
    low, high = EXACT_PORTS
    ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert high <= ephemeral, f"the kernel gives listeners ports from {ephemeral}"
    start = low + size * random.randrange((high - low) // size)
    return start, start + size - 1


def start_platform(
    settings: Settings,
    ingress_admin: str,
    ingress_listen: str,
    *,
    clock: Clock | None = None,
    replica_metrics: ReplicaMetrics | None = None,
    **changes: object,
) -> Platform:
    """Bootstrap with the test's Caddy (and ``clock``, if given, as the application's);
    read models follow in threads of this process."""
    import msgspec  # noqa: PLC0415 - local: only this function builds settings

    # Installations share the test engine: each publishes on a window of its own.
    changes.setdefault("port_range", port_window())
    settings = msgspec.structs.replace(
        settings,
        ingress_admin=ingress_admin,
        ingress_listen=ingress_listen,
        **changes,  # type: ignore[arg-type]
    )
    record_instance(settings)  # its networks: see tests/prune-networks
    services = bootstrap(settings, clock=clock, replica_metrics=replica_metrics)
    platform = Platform(services=services, settings=settings, ingress_listen=ingress_listen)
    platform.threads += services.run_projections(platform.stop)
    return platform


def stop_platform(platform: Platform, engine: docker.APIClient) -> None:
    """Stop the threads and remove everything the platform made in the engine and Caddy."""
    platform.stop.set()
    for thread in platform.threads:
        thread.join(timeout=20)
    instance = platform.settings.instance
    remove_containers(engine, {INSTANCE: instance})
    with suppress(Exception):
        ingress = CaddyIngress(
            platform.settings.ingress_admin or "", listen=platform.ingress_listen
        )
        for route in ingress.routes():
            if route.id.startswith(f"containr-{instance}-"):
                ingress.remove(route.id)
        ingress.close()
    if platform.production is not None:
        with suppress(docker.errors.APIError):
            engine.remove_network(network_name(platform.production))
    if platform.project is not None:
        for service in platform.services.dashboard.services(platform.project):
            for image in engine.images(filters={"label": f"containr.service={service.id}"}):
                with suppress(docker.errors.APIError):
                    engine.remove_image(image["Id"], force=True)
    platform.client.close()
    platform.services.close()


def remove_containers(engine: docker.APIClient, labels: dict[str, str]) -> None:
    """Remove the containers carrying ``labels``, then the networks and volumes that carry
    them."""
    filters = {"label": [f"{k}={v}" for k, v in labels.items()]}
    for container in engine.containers(all=True, filters=filters):
        with suppress(docker.errors.APIError):
            engine.remove_container(container["Id"], force=True)
    for network in engine.networks(filters=filters):  # the pool of subnets is small
        with suppress(docker.errors.APIError):
            engine.remove_network(network["Id"])
    for volume in engine.volumes(filters=filters).get("Volumes") or []:
        with suppress(docker.errors.APIError):
            engine.remove_volume(volume["Name"])


def containers_of(engine: docker.APIClient, deployment_id: uuid.UUID) -> list[dict[str, object]]:
    """The engine's containers of one release (all states)."""
    found: list[dict[str, object]] = engine.containers(
        all=True, filters={"label": [f"containr.deployment={deployment_id}"]}
    )
    return found


def until(condition: Callable[[], bool], timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def continuous_requests(
    platform: Platform,
    service: str,
    stop: threading.Event,
    retried: list[tuple[float, str]] | None = None,
) -> Iterator[tuple[float, int, str]]:
    """Requests back to back until ``stop``: (time, status, body); a transport error is 0.

    Like a browser (RFC 9112 9.3.1), a GET whose connection is reset before any answer is
    sent once more on a new connection: Caddy closes its idle connections when it loads a
    new configuration, and on a loaded machine a connection it accepted just then can be
    reset too, even while it is being opened (nothing was sent then: any client may, and
    httpx's own ``retries`` does, try a failed connect again). Each such retry is appended
    to ``retried`` (time, what failed), so a test bounds how many there were; a second
    failure counts as a failed request.
    """
    while not stop.is_set():
        at = time.monotonic()
        for attempt in range(2):
            opened: list[str] = []

            def trace(event: str, info: object, opened: list[str] = opened) -> None:
                if event == "connection.connect_tcp.started":
                    opened.append(event)

            try:
                response = platform.client.get(
                    f"http://{platform.ingress_listen}/",
                    headers={"Host": platform.host(service)},
                    extensions={"trace": trace},
                )
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError) as e:
                if isinstance(e, httpx.ConnectError) and "reset" not in str(e).lower():
                    yield at, 0, repr(e)  # refused or unreachable: a failure, not a reset
                    break
                what = f"{e!r} attempt={attempt} new_connection={bool(opened)}"
                if attempt == 0:
                    if retried is not None:
                        retried.append((at, what))
                    continue
                yield at, 0, what
            except httpx.TransportError as e:
                yield at, 0, repr(e)
            else:
                yield at, response.status_code, response.text
            break
