"""Failover off a dead node on real parts (issue 17): a second Docker engine, started by the
test beside the first (its own data root, exec root, socket, pid file, bridge and address
pool), is a second node of the organisation. A web service preferring it runs there behind
Caddy; the engine is stopped, and within the grace period plus a start the release runs on
the first node and Caddy serves it; the engine is started again, and its stale replica is
removed before the node is marked reachable.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import socket
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import docker
import docker.errors
import msgspec
import pytest

from adapters.caddy_process import CaddyServer, CaddyStartError, free_port
from adapters.runtimes import DockerEngines
from application import commands as c
from application.processes.support import DEPLOYMENT, INSTANCE
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.installations import record_instance
from tests.integration.deploy_support import (
    DOCKER_URL,
    Platform,
    remove_containers,
    stop_platform,
    until,
)

APP = (
    "mkdir -p /w; echo hello > /w/index.html; trap 'exit 0' TERM; "
    "httpd -f -p 8080 -h /w & wait"
)  # exits at once on SIGTERM, so stopping its engine does not wait out a stop timeout


def _default_bridge() -> list[str]:
    """The first engine's default bridge's IPv4 addresses (CIDR); [] when there is none."""
    shown = subprocess.run(
        ["ip", "-j", "addr", "show", "docker0"], capture_output=True, check=False, timeout=10
    )
    if shown.returncode != 0:
        return []
    return [
        f"{address['local']}/{address['prefixlen']}"
        for link in json.loads(shown.stdout)
        for address in link.get("addr_info", [])
        if address.get("family") == "inet"
    ]


def _restore_default_bridge(addresses: list[str]) -> None:
    """Put the first engine's docker0 back as it was, if the second engine removed it.

    A dockerd started with ``--default-address-pool`` that finds a default network in its
    own store (on its second start) deletes the host's ``docker0`` link by that name
    (moby's ``configureNetworking`` → ``removeDefaultBridgeInterface``), whatever its own
    ``--bridge``: containers of the first engine on its default network could then not
    start ("could not find bridge docker0")."""
    if not addresses or _default_bridge():
        return
    subprocess.run(["ip", "link", "add", "docker0", "type", "bridge"], check=False, timeout=10)
    for address in addresses:
        subprocess.run(["ip", "addr", "add", address, "dev", "docker0"], check=False, timeout=10)
    subprocess.run(["ip", "link", "set", "docker0", "up"], check=True, timeout=10)


class SecondEngine:
    """A dockerd this test starts and stops, on its own bridge and address pool."""

    def __init__(self) -> None:
        # Short paths: containerd's sockets live under the exec root (108-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="cfo-", dir="/tmp"))
        self.socket = self.root / "d.sock"
        self.url = f"unix://{self.socket}"
        tag = uuid.uuid4().hex[:6]
        self.bridge = f"cfo{tag}"
        first, second = 200 + int(tag[:2], 16) % 25, int(tag[2:4], 16)
        self.subnet = f"10.{first}.{second}"
        """The bridge's /24; the engine's own networks come from 10.<first + 25>.0.0/16."""
        self.pool = f"10.{first + 25}.0.0/16"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.root / "dockerd.log"

    def prepare(self) -> None:
        subprocess.run(["ip", "link", "add", self.bridge, "type", "bridge"], check=True)
        subprocess.run(["ip", "addr", "add", f"{self.subnet}.1/24", "dev", self.bridge], check=True)
        subprocess.run(["ip", "link", "set", self.bridge, "up"], check=True)

    def start(self) -> None:
        default_bridge = _default_bridge()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "dockerd",
                    f"--data-root={self.root / 'data'}",
                    f"--exec-root={self.root / 'x'}",
                    f"--host={self.url}",
                    f"--pidfile={self.root / 'd.pid'}",
                    f"--bridge={self.bridge}",
                    "--iptables=false",
                    "--ip6tables=false",
                    f"--default-address-pool=base={self.pool},size=24",
                    "--shutdown-timeout=2",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        until(self.answers, timeout=60, what="the second dockerd to answer")
        _restore_default_bridge(default_bridge)

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"the second dockerd exited: {tail}")
        with socket.socket(socket.AF_UNIX) as sock:  # closed whatever happens
            sock.settimeout(2)
            try:
                sock.connect(str(self.socket))
                sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n")
                return sock.recv(4096).endswith(b"OK")
            except OSError:
                return False

    def load(self, image: str) -> None:
        """Copy an image of the first engine into this one (no registry here)."""
        saved = subprocess.run(
            ["docker", "-H", DOCKER_URL, "save", image], check=True, capture_output=True
        ).stdout
        subprocess.run(
            ["docker", "-H", self.url, "load", "-q"], input=saved, check=True, capture_output=True
        )

    def client(self) -> docker.APIClient:
        return docker.APIClient(base_url=self.url, version="auto", timeout=30)

    def stop(self) -> None:
        """SIGTERM to the dockerd this test started, by its pid; wait until it is gone."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None

    def remove(self) -> None:
        self.stop()
        data = self.root / "data"
        # dockerd bind-mounts its data root on itself; a stopped one may leave it mounted.
        subprocess.run(["umount", "--recursive", str(data)], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture
def spare() -> Iterator[SecondEngine]:
    if shutil.which("dockerd") is None:
        service_missing("a second dockerd", FileNotFoundError("dockerd"))
    second = SecondEngine()
    try:
        second.prepare()
        second.start()
        second.load(BASE_IMAGE)
        yield second
    finally:
        second.remove()


@pytest.fixture
def platform(
    pg_settings: Settings,
    engine: docker.APIClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Platform]:
    # A failed connect to the killed engine's socket leaves docker-py's unclosed socket in the
    # frames of the error; a step's logged traceback would keep it alive past the test (pytest
    # keeps the records), to be finalised in a later test. Tracebacks are not needed here.
    caplog.set_level(logging.CRITICAL, logger="application.processes")
    caddy = CaddyServer(tmp_path / "caddy")
    try:
        caddy.start()
    except CaddyStartError as e:
        service_missing("Caddy", e)
    settings = msgspec.structs.replace(
        pg_settings,
        ingress_admin=caddy.admin_url,
        ingress_listen=f"127.0.0.1:{free_port()}",
        failover_grace_seconds=2,
    )
    record_instance(settings)  # its networks: see tests/prune-networks
    engines = DockerEngines()  # kept, to release their connections to the killed engine
    services = bootstrap(settings, runtimes=engines)
    started = Platform(services=services, settings=settings, ingress_listen=settings.ingress_listen)
    started.threads += services.run_projections(started.stop)
    try:
        started.create_project(f"Shop {uuid.uuid4().hex[:6]}")
        yield started
    finally:
        stop_platform(started, engine)
        caddy.stop()
        engines.close()
        # docker-py leaves the socket of a failed connect to the dead engine unclosed: finalise
        # those here, not in a later test where they would surface as unraisable warnings.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def containers(client: docker.APIClient, deployment_id: uuid.UUID) -> list[dict[str, object]]:
    found: list[dict[str, object]] = client.containers(
        all=True, filters={"label": [f"{DEPLOYMENT}={deployment_id}"]}
    )
    return found


@pytest.mark.filterwarnings(
    # Sockets to the engine the test kills, dropped unclosed by the Docker SDK (see above).
    "ignore::pytest.PytestUnraisableExceptionWarning"
)
def test_replicas_leave_a_dead_node_and_their_stale_copies_go_before_it_rejoins(
    platform: Platform, engine: docker.APIClient, spare: SecondEngine
) -> None:
    assert platform.org is not None and platform.project is not None
    local = platform.run(
        c.RegisterNode(
            organization_id=platform.org,
            name="local",
            endpoint=DOCKER_URL,
            cpu_millis=4000,
            memory_mb=8192,
        )
    ).id("node_id")
    second = platform.run(
        c.RegisterNode(
            organization_id=platform.org,
            name="spare",
            endpoint=spare.url,
            cpu_millis=4000,
            memory_mb=8192,
        )
    ).id("node_id")
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="web",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=APP,
            port=8080,
        )
    ).id("service_id")
    platform.run(c.SetFailoverPolicy(service_id=service, preferred_nodes=[second]))
    platform.start_processes()
    first = platform.wait_for(platform.deploy(service), timeout=120)
    assert first.state is DeploymentState.HEALTHY, first.history
    assert set(first.placements.values()) == {second}
    on_spare = spare.client()
    try:
        assert [x["State"] for x in containers(on_spare, first.id)] == ["running"]
        platform.wait_answer("web", "hello\n")

        spare.stop()

        def failed_over() -> bool:
            live = platform.services.queries.service(service).live_release(first.environment_id)
            return live is not None and live != first.id

        until(failed_over, timeout=90, what="the release to be placed off the dead node")
        moved = platform.services.queries.service(service).live_release(first.environment_id)
        assert moved is not None
        again = platform.deployment(moved)
        assert again.state is DeploymentState.HEALTHY and again.trigger.value == "redeploy"
        assert set(again.placements.values()) == {local}
        assert platform.services.queries.node(second).reachable is False
        platform.wait_answer("web", "hello\n")
        assert [x["State"] for x in containers(engine, again.id)] == ["running"]

        spare.start()
        on_spare.close()
        on_spare = spare.client()
        until(
            lambda: platform.services.queries.node(second).reachable,
            timeout=60,
            what="the second node to be marked reachable again",
        )
        # Swept before it rejoined: no copy of the old replica is left there.
        assert containers(on_spare, first.id) == []
        events = [
            e for e in platform.services.events.read(0, limit=100_000) if e.aggregate_id == second
        ]
        kinds = [e.type.rsplit(".", 1)[-1] for e in events]
        assert kinds[-3:] == ["BecameUnreachable", "OrphanRemoved", "BecameReachable"], kinds
        assert str(events[-2].fields["deployment_id"]) == str(first.id), events[-2]
        platform.wait_answer("web", "hello\n")  # the route still serves the moved release
        assert [x["State"] for x in containers(engine, again.id)] == ["running"]
    finally:
        with suppress(Exception):
            remove_containers(on_spare, {INSTANCE: platform.settings.instance})
        on_spare.close()
