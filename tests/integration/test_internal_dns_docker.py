"""Internal DNS on the real Docker engine (issue 18): a busybox replica of one service resolves
a sibling service by its internal name, through Docker's embedded DNS (127.0.0.11), which
forwards what it does not know to the resolver in the container's host config: Containr's
server, listening on port 53 of a network gateway the test made (every container reaches it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import suppress

import docker
import pytest

from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.processes.support import INSTANCE, SERVICE
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.http_upstream import running_caddy
from tests.integration.deploy_support import Platform, start_platform, stop_platform
from tests.integration.deploy_support import until as wait_until


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path_factory.mktemp("caddy"))


@pytest.fixture
def platform(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer
) -> Iterator[Platform]:
    # A network of the installation's own, for an address on this host that is free on
    # port 53 and that every container reaches: its gateway (removed with the platform).
    network = engine.create_network(
        f"containr-{pg_settings.instance}-dns-{uuid.uuid4().hex[:8]}",
        driver="bridge",
        labels={INSTANCE: pg_settings.instance},
    )
    try:
        gateway = engine.inspect_network(network["Id"])["IPAM"]["Config"][0]["Gateway"]
        started = start_platform(
            pg_settings,
            caddy.admin_url,
            f"127.0.0.1:{free_port()}",
            dns_listen=f"{gateway}:53",
        )
        started.create_project(f"Mesh {uuid.uuid4().hex[:6]}")
        started.start_processes()
        yield started
        stop_platform(started, engine)
    finally:
        with suppress(docker.errors.NotFound):  # stop_platform removed it, by its label
            engine.remove_network(network["Id"])


def worker(platform: Platform, name: str) -> uuid.UUID:
    assert platform.project is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name=name,
            kind=ServiceKind.WORKER,
            image=BASE_IMAGE,
            start_command="sleep 3600",
        )
    ).id("service_id")
    deployment = platform.wait_for(platform.deploy(service))
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    return service


def test_a_replica_resolves_a_sibling_service_by_its_internal_name(
    platform: Platform, engine: docker.APIClient
) -> None:
    api = worker(platform, "api")
    client = worker(platform, "client")
    (api_container,) = engine.containers(filters={"label": f"{SERVICE}={api}"})
    api_address = next(
        iter(engine.inspect_container(api_container["Id"])["NetworkSettings"]["Networks"].values())
    )["IPAddress"]
    (client_container,) = engine.containers(filters={"label": f"{SERVICE}={client}"})
    name = f"api.production.{platform.project_slug}.internal"

    def lookup(host: str) -> tuple[int, str]:
        run = engine.exec_create(client_container["Id"], ["busybox", "nslookup", host])
        output = engine.exec_start(run["Id"]).decode(errors="replace")
        return engine.exec_inspect(run["Id"])["ExitCode"], output

    def resolved() -> bool:
        code, output = lookup(name)
        return code == 0 and f"Address: {api_address}" in output

    wait_until(resolved, timeout=30, what=f"{name} to resolve to {api_address} in the client")
    code, output = lookup(f"nothing.production.{platform.project_slug}.internal")
    assert code != 0, output  # NXDOMAIN comes through the embedded DNS as a failed lookup
