"""The node page's containers on the real Docker engine (issue 18): the organisation's
containers of this installation are listed, stopped, started and restarted; a container of
another organisation or installation, or none at all, is NOT_FOUND and left as it was."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import docker
import pytest

from adapters.docker_runtime import DockerRuntime
from application.errors import NotFoundError
from application.node_containers import NodeContainers
from application.processes.support import INSTANCE, MANAGED, ORGANIZATION
from application.runtime_ports import ContainerRuntime, ContainerSpec
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.integration.deploy_support import DOCKER_URL, remove_containers, until


@dataclass(frozen=True)
class OneEngine:
    """Every node's engine is the test's engine (the port's lookup, not a fake of it)."""

    runtime: ContainerRuntime

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.runtime


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture
def instance(engine: docker.APIClient) -> Iterator[str]:
    name = f"nodepage-{uuid.uuid4().hex[:8]}"
    yield name
    remove_containers(engine, {INSTANCE: name})
    remove_containers(engine, {INSTANCE: f"{name}-other"})


def start(runtime: ContainerRuntime, name: str, instance: str, organization: uuid.UUID) -> str:
    labels = {MANAGED: "true", INSTANCE: instance, ORGANIZATION: str(organization)}
    spec = ContainerSpec(
        name=f"{instance}-{name}", image=BASE_IMAGE, labels=labels, command=["sleep", "3600"]
    )
    return runtime.start(runtime.create(spec).id).id


def state(runtime: ContainerRuntime, container_id: str) -> str:
    found = runtime.inspect(container_id)
    assert found is not None
    return found.state


def test_the_organisations_containers_are_listed_stopped_started_and_restarted(
    engine: docker.APIClient, instance: str
) -> None:
    runtime = DockerRuntime(DOCKER_URL, timeout=30)
    org, other_org = uuid.uuid4(), uuid.uuid4()
    ours = start(runtime, "web", instance, org)
    theirs = start(runtime, "theirs", instance, other_org)
    foreign = start(runtime, "foreign", f"{instance}-other", org)
    containers = NodeContainers(OneEngine(runtime), instance, stop_timeout=1)

    listed = containers.list(DOCKER_URL, org)
    assert [(k.id, k.state) for k in listed] == [(ours, "running")]

    assert containers.act(DOCKER_URL, org, ours, "stop").state == "exited"
    assert [k.state for k in containers.list(DOCKER_URL, org)] == ["exited"]
    assert containers.act(DOCKER_URL, org, ours, "start").state == "running"
    before = runtime.inspect(ours)
    assert before is not None and before.started_at is not None
    after = containers.act(DOCKER_URL, org, ours, "restart")
    assert after.state == "running"
    assert after.started_at is not None and after.started_at > before.started_at

    for refused in (theirs, foreign, "no-such-container", ""):
        with pytest.raises(NotFoundError):
            containers.act(DOCKER_URL, org, refused, "stop")
    until(lambda: state(runtime, theirs) == "running" and state(runtime, foreign) == "running")
