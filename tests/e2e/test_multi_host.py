"""Many hosts on real parts (issue 18): three hosts, each a network namespace with its own
dockerd and its own `containr agent`, joined over veth links to one bridge; a fourth host's
engine builds (a direct node labelled containr.build=true). The control plane (uvicorn on
PostgreSQL), Caddy, a Debian docker-registry with htpasswd auth and the internal DNS server
run in the root namespace on the bridge's address (tests/multihost.py).

One release of a service built once, 3 replicas, runs one replica on each agent host, each
pulled from the registry by digest, and all three answer through Caddy. A container on one
host reaches a service on another by its internal name, with the port from the SRV record
(each node publishes a replica on a port of its own range). An agent gone silent is taken
for disconnected after the grace period while its replica keeps running and serving, and
back it duplicates nothing; the control plane restarted, every agent reconnects; a revoked
credential is refused.

The tests run in order on one set of hosts (setting them up takes most of the time).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rcode
import httpx
import msgspec
import pytest

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, CaddyStartError
from application import commands as c
from application.agents import SILENCE_SECONDS
from application.bus import Context
from application.logs import LogQuery
from application.processes.support import DEPLOYMENT
from application.secrets import Secret
from application.settings import Settings
from domain.deployment import Deployment, DeploymentState
from domain.ids import Actor
from domain.project import PlacementPreference
from domain.service_spec import GitSource, HealthCheck, HealthCheckKind, ServiceKind
from interfaces.bootstrap import migrate
from interfaces.http.agents import REVALIDATE_SECONDS
from tests.conftest import OPEN_SIGNUP, TEST_SECRET_KEY, drop_schemas, service_missing
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.e2e.client import Client
from tests.e2e.conftest import free_port
from tests.installations import record_instance
from tests.integration.deploy_support import AppRepository
from tests.multihost import ControlPlane, Host, Hosts, HostSetupError, until
from tests.registry_server import USER, Registry, running_registry

ACTOR = Context(actor=Actor("user:multi-host-test"))
TOKEN = "mutation($o: ID!) { createJoinToken(organizationId: $o, expiresInMinutes: 10) { token } }"
AGENTS = 3
# The app says which container served: the host name of a container is its id's first 12.
WHO = (
    "FROM {base}\nCOPY www /www\n"
    'CMD ["sh", "-c", "echo $(hostname) > /www/who && exec httpd -f -p 8080 -h /www"]\n'
)
HTTP_CHECK = HealthCheck(
    kind=HealthCheckKind.HTTP, path="/healthz", interval_seconds=0.5, timeout_seconds=2, retries=60
)


@dataclass
class Cluster:
    """The hosts, the parts in the root namespace, and the organisation's nodes."""

    hosts: Hosts
    settings: Settings
    caddy: CaddyServer
    registry: Registry
    listen: str
    port: int
    plane: ControlPlane
    owner: Client
    organization: uuid.UUID
    nodes: dict[uuid.UUID, Host] = field(default_factory=dict)
    project: uuid.UUID | None = None
    production: uuid.UUID | None = None
    slug: str = ""
    web: uuid.UUID | None = None
    release: uuid.UUID | None = None

    @property
    def url(self) -> str:
        return f"http://{self.hosts.gateway}:{self.port}"

    def run(self, command: c.Command) -> Any:
        return self.plane.services.execute(command, ACTOR)

    def deployment(self, deployment_id: uuid.UUID) -> Deployment:
        return self.plane.services.queries.deployment(deployment_id)

    def settle(self, deployment_id: uuid.UUID, timeout: float) -> Deployment:
        ended = {DeploymentState.HEALTHY, DeploymentState.FAILED}
        until(lambda: self.deployment(deployment_id).state in ended, timeout, "the release")
        return self.deployment(deployment_id)

    def connected(self, node: uuid.UUID) -> bool:
        gateway = self.plane.services.agents
        assert gateway is not None
        return gateway.sessions.connected(node)

    def get(self, service: str, path: str = "/") -> str | None:
        """The body the ingress answers for ``service`` (None: no 200 answer)."""
        try:
            response = httpx.get(
                f"http://{self.listen}{path}",
                headers={"Host": f"{service}.production.{self.slug}.localhost"},
                timeout=5,
            )
        except httpx.TransportError:
            return None
        return response.text if response.status_code == 200 else None

    def replicas(self, host: Host, deployment_id: uuid.UUID) -> list[dict[str, Any]]:
        client = host.client()
        try:
            found: list[dict[str, Any]] = client.containers(
                all=True, filters={"label": [f"{DEPLOYMENT}={deployment_id}"]}
            )
        finally:
            client.close()
        return found


@pytest.fixture(scope="module")
def cluster(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    settings = Settings(
        data_dir=str(tmp_path_factory.mktemp("multihost") / "data"),
        database_url=postgres_url,
        database_schema=schema,
        secret_key=Secret(TEST_SECRET_KEY),
        **OPEN_SIGNUP,
    )
    with ExitStack() as stack:
        stack.callback(drop_schemas, postgres_url, schema)
        migrate(settings)
        record_instance(settings)
        caddy = CaddyServer(tmp_path_factory.mktemp("caddy"))
        try:
            caddy.start()
        except CaddyStartError as e:
            service_missing("Caddy", e)
        stack.callback(caddy.stop)
        try:
            hosts = Hosts.create(settings.instance, AGENTS + 1)
        except HostSetupError as e:
            service_missing("network namespaces with their own dockerd", e)
        stack.callback(hosts.close)
        *agents, builder = hosts.hosts
        with builder.client(timeout=120) as engine:
            ensure_busybox_image(engine)  # the build's base image, on the build host only
        registry = stack.enter_context(running_registry(host=hosts.gateway))
        listen = f"{hosts.gateway}:{free_port()}"
        settings = msgspec.structs.replace(
            settings,
            ingress_admin=caddy.admin_url,
            ingress_listen=listen,
            # the control plane's own engine is the build host's (reached over its socket)
            docker_host=builder.engine_url,
            dns_listen=f"{hosts.gateway}:53",
            # agents kept away here come back well within it: these scenarios are about an
            # agent's absence, not its node's failover (test_failover_fakes has that)
            failover_grace_seconds=600,
        )
        port = free_port()
        plane = ControlPlane(settings, hosts.gateway, port)
        made = Cluster(
            hosts, settings, caddy, registry, listen, port, plane, Client(""), uuid.UUID(int=0)
        )
        stack.callback(lambda: made.plane.stop())  # noqa: PLW0108 - the plane a restart made
        stack.callback(lambda: _remove_routes(made))
        made.owner = Client(made.url)
        stack.callback(made.owner.http.close)
        made.organization = uuid.UUID(made.owner.sign_up("owner@example.com")["organizationId"])
        builder_node = made.run(
            c.RegisterNode(
                organization_id=made.organization,
                name="builder",
                endpoint=builder.engine_url,
                cpu_millis=2000,
                memory_mb=2048,
                labels={"containr.build": "true"},
            )
        ).id("node_id")
        made.run(c.CordonNode(node_id=builder_node))  # it builds; replicas go to the agents
        made.run(
            c.SetRegistry(
                organization_id=made.organization,
                url=f"{registry.address}/team",
                username=USER,
                password=Secret(registry.password),
            )
        )
        yield made
        for host in agents:  # their connections end before the control plane stops
            host.kill_agent()


def _remove_routes(cluster: Cluster) -> None:
    with suppress(Exception):
        ingress = CaddyIngress(cluster.caddy.admin_url, listen=cluster.listen)
        for route in ingress.routes():
            if route.id.startswith(f"containr-{cluster.settings.instance}-"):
                ingress.remove(route.id)
        ingress.close()


def test_three_hosts_join_and_one_build_runs_a_replica_on_each_answering_through_the_ingress(
    cluster: Cluster, tmp_path: Path
) -> None:
    agents = cluster.hosts.hosts[:AGENTS]
    for index, host in enumerate(agents):
        token = cluster.owner(TOKEN, o=str(cluster.organization))["createJoinToken"]["token"]
        node = uuid.UUID(host.join(cluster.url, token, f"host-{index}"))
        cluster.nodes[node] = host
        host.start_agent()
    for node, host in cluster.nodes.items():
        until(lambda node=node: cluster.connected(node), 90, f"agent {host.index} to connect")
        cluster.run(c.UncordonNode(node_id=node))

    created = cluster.run(c.CreateProject(organization_id=cluster.organization, name="Shop"))
    cluster.project, cluster.production = created.id("project_id"), created.id("environment_id")
    assert cluster.project is not None and cluster.production is not None
    cluster.slug = cluster.plane.services.queries.project(cluster.project).slug
    cluster.run(
        c.SetProjectPlacement(project_id=cluster.project, placement=PlacementPreference.SPREAD)
    )
    repo = AppRepository(tmp_path / "app")
    repo.commit("one", dockerfile=WHO.format(base=BASE_IMAGE))
    cluster.web = cluster.run(
        c.CreateService(
            project_id=cluster.project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource(repo.url),
            port=8080,
            replicas=3,
            health_check=HTTP_CHECK,
        )
    ).id("service_id")
    cluster.release = cluster.run(
        c.RequestDeployment(service_id=cluster.web, environment_id=cluster.production)
    ).id("deployment_id")
    assert cluster.release is not None
    done = cluster.settle(cluster.release, 240)

    assert done.state is DeploymentState.HEALTHY, done.history
    assert done.image is not None
    assert done.image.startswith(f"{cluster.registry.address}/team/containr/{cluster.web}@sha256:")
    assert sorted(done.placements) == [0, 1, 2]
    assert set(done.placements.values()) == set(cluster.nodes)  # one replica on each host
    served: dict[str, Host] = {}
    for host in cluster.nodes.values():
        (replica,) = cluster.replicas(host, cluster.release)
        assert replica["State"] == "running"
        assert replica["Image"] == done.image  # pulled by digest from the one build
        served[replica["Id"][:12]] = host
    (builder,) = cluster.hosts.hosts[AGENTS:]
    assert cluster.replicas(builder, cluster.release) == []  # built there, runs elsewhere
    system = cluster.plane.services.logs.read(
        LogQuery(deployment_id=cluster.release, stream="system", limit=1000)
    )
    assert sum("pulling" in entry.line for entry in system) == 3

    # Caddy in the root namespace reaches each replica at its host's address, over its link.
    upstreams = _upstreams(cluster)
    for host in cluster.nodes.values():
        assert any(dial.startswith(f"{host.address}:") for dial in upstreams), upstreams
    seen: set[str] = set()

    def every_replica_answered() -> bool:
        body = cluster.get("web", "/who")
        if body is not None:
            seen.add(body.strip())
        return seen == set(served)

    until(every_replica_answered, 60, "every replica to answer through the ingress")


def _upstreams(cluster: Cluster) -> list[str]:
    config = httpx.get(f"{cluster.caddy.admin_url}/config/", timeout=5).json()
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("dial"), str):
                found.append(value["dial"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(config)
    return found


ASK = """
import json, sys
import dns.message, dns.query, dns.rdatatype
server, names = sys.argv[1], sys.argv[2:]
answers = {}
for name in names:
    kind = dns.rdatatype.SRV if name.startswith("_") else dns.rdatatype.A
    reply = dns.query.udp(dns.message.make_query(name, kind), server, timeout=5)
    answers[name] = {
        "rcode": reply.rcode(),
        "answer": sorted(rd.to_text() for rrset in reply.answer for rd in rrset),
        "additional": sorted(rd.to_text() for rrset in reply.additional for rd in rrset),
    }
print(json.dumps(answers))
"""
"""dnspython's questions, asked from inside a host's namespace (so from the host's address)."""


def ask(host: Host, server: str, *names: str) -> dict[str, dict[str, Any]]:
    done = host.run(sys.executable, "-c", ASK, server, *names, timeout=60)
    assert done.returncode == 0, done.stderr
    answers: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return answers


def in_container(host: Host, container: str, *command: str) -> tuple[int, str]:
    """A command in a container of ``host`` (through its engine's socket), and its output."""
    client = host.client()
    try:
        run = client.exec_create(container, list(command))
        output = client.exec_start(run["Id"]).decode(errors="replace")
        return int(client.exec_inspect(run["Id"])["ExitCode"]), output
    finally:
        client.close()


def test_a_container_on_one_host_reaches_a_service_on_another_by_its_internal_name(
    cluster: Cluster,
) -> None:
    assert cluster.project is not None and cluster.production is not None
    assert cluster.release is not None
    (node_a, host_a), (node_b, host_b) = list(cluster.nodes.items())[:2]
    api = cluster.run(
        c.CreateService(
            project_id=cluster.project,
            name="api",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=(
                f"mkdir -p /w && echo api on host {host_b.index} > /w/index.html"
                " && exec httpd -f -p 8080 -h /w"
            ),
            port=8080,
            health_check=HealthCheck(
                kind=HealthCheckKind.HTTP, path="/", interval_seconds=0.5, retries=60
            ),
        )
    ).id("service_id")
    cluster.run(c.SetFailoverPolicy(service_id=api, preferred_nodes=[node_b]))
    release = cluster.run(
        c.RequestDeployment(service_id=api, environment_id=cluster.production)
    ).id("deployment_id")
    done = cluster.settle(release, 180)
    assert done.state is DeploymentState.HEALTHY, done.history
    assert done.placements == {0: node_b}
    (replica,) = cluster.replicas(host_b, release)
    (published,) = [p["PublicPort"] for p in replica["Ports"] if "PublicPort" in p]
    assert published != 8080  # host B publishes it on a port of its own range

    name = f"api.production.{cluster.slug}.internal"
    srv = f"_http._tcp.{name}"
    web = f"web.production.{cluster.slug}.internal"
    server = cluster.hosts.gateway
    expected = {
        name: [host_b.address],
        srv: [f"0 10 {published} replica-0.{name}."],
        web: sorted(host.address for host in cluster.nodes.values()),
    }

    last: list[dict[str, Any]] = []

    def answered() -> bool:
        last[:] = [ask(host_a, server, name, srv, web)]
        return all(last[0][n]["answer"] == expected[n] for n in expected)

    until(answered, 60, "the internal DNS's answers", lambda: (expected, last))
    answers = ask(host_a, server, srv)
    assert answers[srv]["additional"] == [host_b.address]  # the SRV target's address

    # A stranger (the root namespace's address is no node's, no container's) is refused.
    stranger = dns.query.udp(dns.message.make_query(name, "A"), server, timeout=5)
    assert stranger.rcode() == dns.rcode.REFUSED and stranger.answer == []

    # From inside the web replica on host A, whose resolver is the internal DNS server: the
    # name gives host B's address, and the SRV record the port host B publishes the replica
    # on (not the service's port 8080: a replica on another node is reached at its node's
    # address, on a port of that node's own range). The image's busybox is static: its wget
    # crashes in glibc's resolver (no NSS modules in the image), so its nslookup asks the
    # container's resolver and nc speaks HTTP.
    (client,) = cluster.replicas(host_a, cluster.release)
    engine = host_a.client()
    try:
        assert engine.inspect_container(client["Id"])["HostConfig"]["Dns"] == [server]
    finally:
        engine.close()
    looked: list[tuple[int, str]] = []

    def resolved() -> tuple[str, int] | None:
        looked[:] = [in_container(host_a, client["Id"], "busybox", "nslookup", name)]
        looked.append(in_container(host_a, client["Id"], "busybox", "nslookup", "-type=SRV", srv))
        address = re.findall(r"Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$", looked[0][1], re.M)
        port = re.findall(r"service = \d+ \d+ (\d+) replica-0\.", looked[1][1])
        return (address[-1], int(port[0])) if address and port else None

    until(lambda: resolved() is not None, 60, "the container's lookups", lambda: looked)
    found = resolved()
    assert found == (host_b.address, published), looked
    request = f'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 10 {found[0]} {found[1]}'
    code, answer = in_container(host_a, client["Id"], "sh", "-c", request)
    assert code == 0 and answer.split("\r\n")[0].endswith(" 200 OK"), answer
    assert answer.endswith(f"\r\n\r\napi on host {host_b.index}\n"), answer
    assert node_a != node_b


def running_ids(cluster: Cluster, deployment_id: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """Each node's containers of a release (by id, any state), straight from its engine."""
    return {
        node: sorted(found["Id"] for found in cluster.replicas(host, deployment_id))
        for node, host in cluster.nodes.items()
    }


def test_an_agent_gone_silent_is_disconnected_after_the_grace_its_replica_serves_on_and_back_nothing_is_duplicated(
    cluster: Cluster,
) -> None:
    assert cluster.release is not None and cluster.web is not None
    node, host = list(cluster.nodes.items())[2]
    gateway = cluster.plane.services.agents
    assert gateway is not None and host.agent is not None
    before = running_ids(cluster, cluster.release)
    assert all(len(ids) == 1 for ids in before.values())
    (mine,) = before[node]
    heard = gateway.presence(node)
    assert heard is not None

    # Stopped, not killed: its connection stays open and says nothing, so the control plane
    # takes it for gone only after the grace period (no heartbeat for SILENCE_SECONDS).
    os.kill(host.agent.pid, signal.SIGSTOP)
    try:
        until(lambda: not cluster.connected(node), SILENCE_SECONDS + 60, "the silence noticed")
        status = gateway.status(node)
        assert status is not None and not status.connected  # recorded: the node is unready
        engine = host.client()
        try:
            inspected = engine.inspect_container(mine)
        finally:
            engine.close()
        assert inspected["State"]["Running"]  # left running, and it serves on its host:
        (bound,) = inspected["NetworkSettings"]["Ports"]["8080/tcp"]
        direct = httpx.get(f"http://{host.address}:{bound['HostPort']}/who", timeout=10)
        assert direct.text.strip() == mine[:12]
    finally:
        host.kill_agent()  # SIGKILL ends a stopped process too

    host.start_agent()
    until(lambda: cluster.connected(node), 90, "the agent to come back")

    def reported() -> bool:  # a heartbeat since it came back names the same container
        presence = gateway.presence(node)
        return (
            presence is not None
            and presence.received_at > heard.received_at
            and mine in {c.id for c in presence.heartbeat.containers}
        )

    until(reported, 60, "the returned agent's heartbeat with its replica")
    assert running_ids(cluster, cluster.release) == before  # nothing made twice
    seen: set[str] = set()

    def served_there() -> bool:
        seen.add((cluster.get("web", "/who") or "").strip())
        return mine[:12] in seen

    # (while its agent was away, the route held the replicas the control plane could see)
    until(served_there, 60, "the returned host's replica to be routed to again")
    assert running_ids(cluster, cluster.release) == before
    done = cluster.deployment(cluster.release)
    assert done.state is DeploymentState.HEALTHY
    assert (
        cluster.plane.services.queries.service(cluster.web).live_release(done.environment_id)
        == cluster.release
    )


def test_the_agents_reconnect_after_a_control_plane_restart_and_the_replicas_serve_throughout(
    cluster: Cluster,
) -> None:
    assert cluster.release is not None
    before = running_ids(cluster, cluster.release)
    cluster.plane.stop()
    # Away: the agents keep their containers, Caddy keeps its routes.
    assert all(not host.agent or host.agent.poll() is None for host in cluster.nodes.values())
    assert cluster.get("web", "/who") is not None
    cluster.plane = ControlPlane(cluster.settings, cluster.hosts.gateway, cluster.port)
    for node, host in cluster.nodes.items():
        until(lambda node=node: cluster.connected(node), 120, f"agent {host.index} to reconnect")
    assert cluster.deployment(cluster.release).state is DeploymentState.HEALTHY
    assert running_ids(cluster, cluster.release) == before
    seen: set[str] = set()
    replicas = {ids[0][:12] for ids in before.values()}

    def all_served() -> bool:
        seen.add((cluster.get("web", "/who") or "").strip())
        return replicas <= seen

    until(all_served, 60, "every replica to answer through the ingress after the restart")


def test_a_revoked_credential_is_refused_and_its_agent_stops(cluster: Cluster) -> None:
    node, host = list(cluster.nodes.items())[2]
    assert host.agent is not None and cluster.connected(node)
    assert cluster.owner("mutation($id: ID!) { revokeAgentCredential(id: $id) }", id=str(node))[
        "revokeAgentCredential"
    ]
    # a new connection with it is refused at once
    again = host.run(
        sys.executable, "-m", "interfaces", "agent", "run", "--state-dir", str(host.state_dir),
        "--engine", host.engine_url, timeout=120,
    )  # fmt: skip
    assert again.returncode == 1
    assert "refused this agent" in again.stdout + again.stderr
    # the open one is closed when the credential is checked again, and the agent stops
    until(
        lambda: host.agent is not None and host.agent.poll() is not None,
        REVALIDATE_SECONDS + 60,
        "the agent to stop",
        lambda: (cluster.connected(node), (host.root / "agent.log").read_text()[-3000:]),
    )
    assert host.agent.returncode == 1
    assert not cluster.connected(node)
    assert "refused" in (host.root / "agent.log").read_text()
