"""Images on every node through a real registry (issue 18): Debian's docker-registry (CNCF
Distribution) started by the test with its own config, filesystem storage in a temporary
directory and htpasswd auth on loopback (plain HTTP: engines trust 127.0.0.0/8), and a
second dockerd started beside the first as a second node.

A release is built on the node labelled containr.build=true, pushed with the
organisation's login, and its replica, placed on the second node, is pulled there by
digest and answers through Caddy. A wrong password, or a registry whose storage is full (a
small tmpfs), fails the release with the registry's reason, before any replica is made.
"""

# ruff: noqa: F811 - the engine, second engine and platform fixtures are imported by name
# Each test asks for the second engine before the platform, so the platform (its threads and
# their connections to that engine) is torn down first, and the engine stopped after.

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import docker
import pytest

from application import commands as c
from application.processes.support import INSTANCE
from application.secrets import Secret
from domain.deployment import DeploymentState
from domain.service_spec import GitSource, HealthCheck, HealthCheckKind, ServiceKind
from tests.integration.deploy_support import (
    DOCKER_URL,
    AppRepository,
    Platform,
    containers_of,
    remove_containers,
)
from tests.integration.test_failover_docker import (  # noqa: F401 - fixtures
    SecondEngine,
    engine,
    platform,
    spare,
)
from tests.registry_server import USER, Registry, running_registry


@pytest.fixture
def registry() -> Iterator[Registry]:
    with running_registry() as started:
        yield started


@pytest.fixture
def full_registry() -> Iterator[Registry]:
    with running_registry("64k") as started:
        yield started


def two_nodes(platform: Platform, spare: SecondEngine) -> tuple[uuid.UUID, uuid.UUID]:
    """The first engine, which builds (containr.build=true), and the second."""
    assert platform.org is not None
    builder = platform.run(
        c.RegisterNode(
            organization_id=platform.org,
            name="builder",
            endpoint=DOCKER_URL,
            cpu_millis=4000,
            memory_mb=8192,
            labels={"containr.build": "true"},
        )
    ).id("node_id")
    second = platform.run(
        c.RegisterNode(
            organization_id=platform.org,
            name="second",
            endpoint=spare.url,
            cpu_millis=4000,
            memory_mb=8192,
        )
    ).id("node_id")
    return builder, second


def web_on(platform: Platform, repo: AppRepository, node: uuid.UUID) -> uuid.UUID:
    assert platform.project is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource(repo.url),
            port=8080,
            health_check=HealthCheck(
                kind=HealthCheckKind.HTTP, path="/healthz", interval_seconds=0.5, retries=20
            ),
        )
    ).id("service_id")
    platform.run(c.SetFailoverPolicy(service_id=service, preferred_nodes=[node]))
    return service


def test_a_release_built_on_the_build_node_runs_on_another_node_pulled_by_digest(
    spare: SecondEngine,
    registry: Registry,
    platform: Platform,
    engine: docker.APIClient,
    tmp_path: Path,
) -> None:
    assert platform.org is not None
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    _, second = two_nodes(platform, spare)
    platform.run(
        c.SetRegistry(
            organization_id=platform.org,
            url=f"{registry.address}/team",
            username=USER,
            password=Secret(registry.password),
        )
    )
    service = web_on(platform, repo, second)
    on_spare = spare.client()
    try:
        platform.start_processes()
        done = platform.wait_for(platform.deploy(service), timeout=240)

        assert done.state is DeploymentState.HEALTHY, done.history
        assert done.image is not None
        assert done.image.startswith(f"{registry.address}/team/containr/{service}@sha256:")
        assert set(done.placements.values()) == {second}
        assert containers_of(engine, done.id) == []  # built here, runs there
        assert done.image in engine.inspect_image(done.image)["RepoDigests"]
        (container,) = containers_of(on_spare, done.id)
        assert container["Image"] == done.image
        pulled = on_spare.inspect_image(done.image)
        assert done.image in pulled["RepoDigests"]
        assert f"team/containr/{service}" in registry.catalog()
        platform.wait_answer("web", "release one\n", timeout=60)
        system = [entry.line for entry in platform.logs(done.id, "system")]
        assert f"replica 0: pulling {done.image}" in system
        for event in platform.services.events.read(0, limit=100_000):
            assert registry.password not in str(event.fields)
    finally:
        with suppress(Exception):
            remove_containers(on_spare, {INSTANCE: platform.settings.instance})
        on_spare.close()


def test_a_wrong_registry_password_fails_the_release_with_the_reason_and_no_replica(
    spare: SecondEngine,
    registry: Registry,
    platform: Platform,
    engine: docker.APIClient,
    tmp_path: Path,
) -> None:
    assert platform.org is not None
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    _, second = two_nodes(platform, spare)
    wrong = "not-" + registry.password
    platform.run(
        c.SetRegistry(
            organization_id=platform.org,
            url=registry.address,
            username=USER,
            password=Secret(wrong),
        )
    )
    service = web_on(platform, repo, second)
    on_spare = spare.client()
    try:
        platform.start_processes()
        done = platform.wait_for(platform.deploy(service), timeout=240)

        assert done.state is DeploymentState.FAILED, done.history
        reason = done.history[-1].reason
        assert "was not pushed" in reason and "login" in reason, reason
        assert wrong not in reason
        assert done.image is None
        assert containers_of(engine, done.id) == []
        assert containers_of(on_spare, done.id) == []
        assert registry.catalog() == []
        assert platform.services.queries.service(service).live_release(done.environment_id) is None
    finally:
        with suppress(Exception):
            remove_containers(on_spare, {INSTANCE: platform.settings.instance})
        on_spare.close()


def test_a_full_registry_fails_the_release_with_the_reason_and_no_replica(
    spare: SecondEngine,
    full_registry: Registry,
    platform: Platform,
    engine: docker.APIClient,
    tmp_path: Path,
) -> None:
    assert platform.org is not None
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    _, second = two_nodes(platform, spare)
    platform.run(
        c.SetRegistry(
            organization_id=platform.org,
            url=full_registry.address,
            username=USER,
            password=Secret(full_registry.password),
        )
    )
    service = web_on(platform, repo, second)
    on_spare = spare.client()
    try:
        platform.start_processes()
        done = platform.wait_for(platform.deploy(service), timeout=240)

        assert done.state is DeploymentState.FAILED, done.history
        reason = done.history[-1].reason
        assert "was not pushed" in reason and "out of room" in reason, reason
        assert done.image is None
        assert containers_of(engine, done.id) == []
        assert containers_of(on_spare, done.id) == []
    finally:
        with suppress(Exception):
            remove_containers(on_spare, {INSTANCE: platform.settings.instance})
        on_spare.close()
