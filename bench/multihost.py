"""Time from a deploy command to 3 replicas healthy on 3 agent hosts (issue 18).

Run as `python -m bench.multihost` (also at the end of `python -m bench.agents`; root,
PostgreSQL on :5432 and the local Docker engine). Three hosts of tests/multihost.py (each a
network namespace with its own dockerd and `containr agent`, over veth links) and a fourth
host's engine that builds; a Debian docker-registry on the bridge. One control plane (the HTTP
app with its processes, on PostgreSQL) serves two organisations: one whose nodes are the three
agent hosts (its images pushed to the registry and pulled by digest), and one whose only node
is the local engine. The same service (busybox httpd, 3 replicas, an HTTP health check) is
deployed in each, alternately: the first release of each (the multi-host one pushes the image
and every host pulls it) is reported on its own line, then the median of the next rounds.

Headline: ``BENCH multi_host_deploy <seconds> s ratio=<multi/local>`` (target <= 1.5).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from contextlib import ExitStack, suppress

import docker
import docker.errors
import msgspec

from application import commands as c
from application.bus import Context
from application.secrets import Secret
from application.services import Services
from bench.common import bench_line, scratch_postgres
from domain.deployment import DeploymentState
from domain.ids import Actor
from domain.project import PlacementPreference
from domain.service_spec import HealthCheck, HealthCheckKind, ServiceKind
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.e2e.client import Client
from tests.e2e.conftest import free_port
from tests.multihost import ControlPlane, Hosts, until
from tests.registry_server import USER, running_registry

ROUNDS = int(os.environ.get("BENCH_DEPLOY_ROUNDS", "3"))
LOCAL_ENGINE = "unix:///var/run/docker.sock"
ACTOR = Context(actor=Actor("user:bench"))
TOKEN = "mutation($o: ID!) { createJoinToken(organizationId: $o, expiresInMinutes: 30) { token } }"
SERVE = "mkdir -p /w && echo ok > /w/index.html && exec httpd -f -p 8080 -h /w"
CHECK = HealthCheck(kind=HealthCheckKind.HTTP, path="/", interval_seconds=0.25, retries=100)


def web(services: Services, organization: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """The benchmark's service (3 replicas, spread) in a new project: (service, environment)."""
    created = services.execute(c.CreateProject(organization_id=organization, name="Bench"), ACTOR)
    project, production = created.id("project_id"), created.id("environment_id")
    services.execute(
        c.SetProjectPlacement(project_id=project, placement=PlacementPreference.SPREAD), ACTOR
    )
    service = services.execute(
        c.CreateService(
            project_id=project,
            name="web",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=SERVE,
            port=8080,
            replicas=3,
            health_check=CHECK,
        ),
        ACTOR,
    ).id("service_id")
    return service, production


def deploy(services: Services, service: uuid.UUID, environment: uuid.UUID) -> tuple[float, int]:
    """Seconds from the deploy command to its 3 replicas healthy, and how many nodes they
    run on."""
    began = time.perf_counter()
    deployment = services.execute(
        c.RequestDeployment(service_id=service, environment_id=environment), ACTOR
    ).id("deployment_id")
    ended = {DeploymentState.HEALTHY, DeploymentState.FAILED}
    while (state := services.queries.deployment(deployment)).state not in ended:
        if time.perf_counter() - began > 300:
            raise AssertionError(f"deployment still {state.state.value} after 300 s")
        time.sleep(0.02)
    took = time.perf_counter() - began
    if state.state is not DeploymentState.HEALTHY:
        raise AssertionError(f"deployment failed: {state.history[-1].reason}")
    return took, len(set(state.placements.values()))


def main() -> None:
    local = docker.APIClient(base_url=LOCAL_ENGINE, version="auto", timeout=60)
    ensure_busybox_image(local)
    with scratch_postgres(pool_size=8) as base, ExitStack() as stack:
        hosts = Hosts.create(base.instance, 4)
        stack.callback(hosts.close)
        *agents, builder = hosts.hosts
        with builder.client(timeout=120) as engine:
            ensure_busybox_image(engine)
        registry = stack.enter_context(running_registry(host=hosts.gateway))
        window = 20000 + 200 * (int(base.instance[:4], 16) % 200)  # the shared engine's ports
        settings = msgspec.structs.replace(base, docker_host=builder.engine_url)
        stack.callback(remove_local, local, settings.instance)  # after the plane stopped
        port = free_port()
        plane = ControlPlane(settings, hosts.gateway, port)
        stack.callback(plane.stop)
        stack.callback(lambda: [host.kill_agent() for host in agents])
        url = f"http://{hosts.gateway}:{port}"
        owner = Client(url)
        stack.callback(owner.http.close)
        spread = uuid.UUID(owner.sign_up("bench@example.com")["organizationId"])
        services = plane.services
        for index, host in enumerate(agents):
            token = owner(TOKEN, o=str(spread))["createJoinToken"]["token"]
            node = uuid.UUID(host.join(url, token, f"host-{index}"))
            host.start_agent(interval=1.0)
            until(lambda node=node: plane_connected(plane, node), 90, "the agent to connect")
            services.execute(c.UncordonNode(node_id=node), ACTOR)
        builder_node = services.execute(
            c.RegisterNode(
                organization_id=spread,
                name="builder",
                endpoint=builder.engine_url,
                cpu_millis=2000,
                memory_mb=2048,
                labels={"containr.build": "true"},
            ),
            ACTOR,
        ).id("node_id")
        services.execute(c.CordonNode(node_id=builder_node), ACTOR)
        services.execute(
            c.SetRegistry(
                organization_id=spread,
                url=f"{registry.address}/bench",
                username=USER,
                password=Secret(registry.password),
            ),
            ACTOR,
        )
        alone = services.execute(
            c.CreateOrganization(name="Local", owner_id=uuid.uuid4()), ACTOR
        ).id("organization_id")
        services.execute(
            c.RegisterNode(
                organization_id=alone,
                name="local",
                endpoint=LOCAL_ENGINE,
                cpu_millis=8000,
                memory_mb=8192,
                port_start=window,
                port_end=window + 199,
            ),
            ACTOR,
        )
        multi, single = web(services, spread), web(services, alone)

        (first_multi, spread_over), (first_local, _) = (
            deploy(services, *multi),
            deploy(services, *single),
        )
        if spread_over != len(agents):
            raise AssertionError(f"the replicas ran on {spread_over} hosts, not {len(agents)}")
        multis: list[float] = []
        locals_: list[float] = []
        for _ in range(ROUNDS):  # alternately, so the machine's load falls on both alike
            multis.append(deploy(services, *multi)[0])
            locals_.append(deploy(services, *single)[0])
    local.close()
    print(
        f"first release (the multi-host one pushes, and every host pulls, the image): "
        f"3 agent hosts {first_multi:.2f} s, one local engine {first_local:.2f} s; "
        f"median of {ROUNDS} next releases: {statistics.median(multis):.2f} s and "
        f"{statistics.median(locals_):.2f} s"
    )
    print(
        bench_line(
            "multi_host_deploy",
            statistics.median(multis),
            "s",
            statistics.median(locals_),
            "one local engine, same service, same run",
        )
    )


def plane_connected(plane: ControlPlane, node: uuid.UUID) -> bool:
    gateway = plane.services.agents
    return gateway is not None and gateway.sessions.connected(node)


def remove_local(engine: docker.APIClient, instance: str) -> None:
    """This run's containers on the shared local engine (by its installation label)."""
    mine = {"label": f"containr.instance={instance}"}
    for container in engine.containers(all=True, filters=mine):
        with suppress(docker.errors.APIError):
            engine.remove_container(container["Id"], force=True)
    for network in engine.networks(filters=mine):
        with suppress(docker.errors.APIError):
            engine.remove_network(network["Id"])


if __name__ == "__main__":
    main()
