"""Collecting unreferenced images on a real Docker engine (issue 18): the collector lists the
engine's images carrying this installation's labels and removes, tag by tag, those no release
needs; a kept one, one a container was made from, one built for an unfinished release, an
unlabelled one and another installation's stay."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import docker
import docker.errors
import pytest

from adapters.agent_executor import AgentExecutor, OperationJournal
from adapters.agent_runtime import AgentRuntime
from adapters.docker_runtime import DockerRuntime
from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.agent_operations import AgentRefusedOperationError, AgentSessions
from application.processes.images import GRACE, ImageCollector
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, ORGANIZATION
from application.runtime_ports import ContainerRuntime
from application.services import ALL_MODELS
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.integration.conftest import World
from tests.unit.test_agent_operations import FakeAgent

DOCKER_URL = "unix:///var/run/docker.sock"
TEST_LABEL = "containr-test.image-collection"
pytestmark = pytest.mark.docker


class Engine:
    """The local engine, the run's own label, and what the test made (removed at the end)."""

    def __init__(self, client: docker.APIClient, tmp: Path) -> None:
        self.client = client
        self.run = uuid.uuid4().hex[:10]
        self.instance = f"test-images-{self.run}"
        self.runtime = DockerRuntime(DOCKER_URL, timeout=60)
        self.tmp = tmp

    def build(self, name: str, labels: dict[str, str], *tags: str) -> str:
        """An image of its own (its labels make it distinct), tagged ``tags``."""
        context = self.tmp / name
        context.mkdir()
        built = self.runtime.build(
            context,
            dockerfile=f"FROM {BASE_IMAGE}\n",
            tags=list(tags),
            labels={**labels, TEST_LABEL: self.run, f"{TEST_LABEL}.name": name},
            on_log=lambda _line: None,
        )
        return built.id

    def has(self, reference: str) -> bool:
        return self.runtime.image(reference) is not None

    def clean(self) -> None:
        for container in self.client.containers(
            all=True, filters={"label": f"{TEST_LABEL}={self.run}"}
        ):
            self.client.remove_container(container["Id"], force=True)
        for image in self.client.images(filters={"label": f"{TEST_LABEL}={self.run}"}):
            with suppress(docker.errors.NotFound):
                self.client.remove_image(image["Id"], force=True)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    for client in local_engine():
        found = Engine(client, tmp_path)
        try:
            yield found
        finally:
            found.clean()
            found.runtime.close()


class OneEngine:
    def __init__(self, runtime: ContainerRuntime) -> None:
        self.runtime = runtime

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.runtime


def test_only_this_installations_images_that_nothing_needs_are_removed(engine: Engine) -> None:
    org = str(uuid.uuid4())
    ours = {MANAGED: "true", INSTANCE: engine.instance, ORGANIZATION: org}
    repo = f"containr-test/images-{engine.run}"
    unneeded = engine.build("unneeded", ours, f"{repo}:key1", f"{repo}:release-1")
    kept = engine.build("kept", ours, f"{repo}:key2")
    used = engine.build("used", ours, f"{repo}:key3")
    building = engine.build("building", {**ours, DEPLOYMENT: "d-busy"}, f"{repo}:key4")
    untagged = engine.build("untagged", ours)
    bare = engine.build("bare", {}, f"{repo}:bare")
    theirs = engine.build(
        "theirs", {MANAGED: "true", INSTANCE: f"{engine.instance}-other"}, f"{repo}:theirs"
    )
    engine.client.create_container(
        f"{repo}:key3", ["true"], name=f"images-{engine.run}", labels={TEST_LABEL: engine.run}
    )
    clock = FakeClock(datetime.now(UTC) + GRACE + timedelta(minutes=1))  # all past the grace
    collector = ImageCollector(
        bus=None,  # type: ignore[arg-type]  # collect_engine reports nothing
        dashboard=None,  # type: ignore[arg-type]
        runtimes=OneEngine(engine.runtime),
        clock=clock,
        instance=engine.instance,
        local_endpoint=DOCKER_URL,
    )
    collected = collector.collect_engine(
        DOCKER_URL, frozenset({f"{repo}:key2"}), frozenset({"d-busy"})
    )
    assert collected is not None
    assert sorted(collected.removed[org]) == sorted([f"{repo}:key1", untagged])
    assert not engine.has(unneeded) and not engine.has(f"{repo}:release-1")
    assert not engine.has(untagged)
    for stays in (kept, used, building, bare, theirs, BASE_IMAGE):
        assert engine.has(stays), stays
    # A second look finds nothing more to remove; a fresh image waits for the grace period.
    young = engine.build("young", ours, f"{repo}:young")
    collector.clock = FakeClock(datetime.now(UTC))  # now: it is younger than the grace period
    again = collector.collect_engine(DOCKER_URL, frozenset(), frozenset({"d-busy"}))
    assert again is not None and again.removed == {}
    assert engine.has(young) and engine.has(kept)


def test_an_agent_nodes_images_are_collected_through_its_agent_which_shows_only_its_own(
    engine: Engine, tmp_path: Path
) -> None:
    """The same engine, reached as an agent's node: the collector lists and removes through
    the agent's operations, and the agent shows and removes its organisation's images only."""
    org = str(uuid.uuid4())
    ours = {MANAGED: "true", INSTANCE: engine.instance, ORGANIZATION: org}
    repo = f"containr-test/images-{engine.run}"
    unneeded = engine.build("unneeded", ours, f"{repo}:key1")
    untagged = engine.build("untagged", ours)  # removed by its id: the agent's own
    kept = engine.build("kept", ours, f"{repo}:key2")
    other_org = engine.build(
        "other-org", {**ours, ORGANIZATION: str(uuid.uuid4())}, f"{repo}:other-org"
    )
    executor = AgentExecutor(
        engine.runtime,
        OperationJournal(tmp_path),
        organization_id=org,
        installation=engine.instance,
    )
    sessions, node = AgentSessions(), uuid.uuid4()
    agent = FakeAgent(executor.execute)
    try:
        agent.connect(sessions, node)
        runtime = AgentRuntime(node, sessions)
        collector = ImageCollector(
            bus=None,  # type: ignore[arg-type]  # collect_engine reports nothing
            dashboard=None,  # type: ignore[arg-type]
            runtimes=OneEngine(runtime),
            clock=FakeClock(datetime.now(UTC) + GRACE + timedelta(minutes=1)),
            instance=engine.instance,
            local_endpoint=f"agent://{node}",
        )
        collected = collector.collect_engine(
            f"agent://{node}", frozenset({f"{repo}:key2"}), frozenset()
        )
        assert collected is not None
        assert sorted(collected.removed) == [org]
        assert sorted(collected.removed[org]) == sorted([f"{repo}:key1", untagged])
        assert not engine.has(unneeded) and not engine.has(untagged)
        assert engine.has(kept) and engine.has(other_org)
        with pytest.raises(AgentRefusedOperationError, match="not this agent's"):
            runtime.remove_image(other_org)  # another organisation's, named by its id
        assert engine.has(other_org)
    finally:
        agent.close()


def released(world: World, image: str, *, healthy: bool) -> uuid.UUID:
    """A release of the world's service that ran ``image`` (and became healthy, or failed)."""
    deployment = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    world.run(c.StartBuild(deployment_id=deployment, operation_id=f"{deployment}:build"))
    world.run(c.RecordBuilt(deployment_id=deployment, operation_id=f"{deployment}:b", image=image))
    world.run(c.StartReplicas(deployment_id=deployment, operation_id=f"{deployment}:start"))
    if healthy:
        world.run(c.RecordHealthy(deployment_id=deployment, operation_id=f"{deployment}:ok"))
    else:
        world.run(
            c.FailDeployment(deployment_id=deployment, operation_id=f"{deployment}:x", reason="no")
        )
    return deployment


def test_a_collection_keeps_the_live_release_and_rollback_targets_and_records_what_it_removed(
    engine: Engine, world: World
) -> None:
    ours = {MANAGED: "true", INSTANCE: engine.instance, ORGANIZATION: str(world.org)}
    repo = f"containr-test/images-{engine.run}"
    for name in ("earlier", "live", "failed", "orphan"):
        engine.build(name, ours, f"{repo}:{name}")
    released(world, f"{repo}:earlier", healthy=True)  # superseded: a rollback target
    released(world, f"{repo}:live", healthy=True)
    released(world, f"{repo}:failed", healthy=False)
    node = world.run(
        c.RegisterNode(
            organization_id=world.org,
            name="local",
            endpoint=DOCKER_URL,
            cpu_millis=1000,
            memory_mb=1024,
        )
    ).id("node_id")
    host = cast(ReadModelHost, world.app.projections)
    for model in ALL_MODELS:
        with closing(host.db.connect("test")) as conn:
            host.runner(model).catch_up(conn)
    collector = ImageCollector(
        bus=world.app.commands,
        dashboard=world.app.dashboard,
        runtimes=OneEngine(engine.runtime),
        clock=FakeClock(datetime.now(UTC) + GRACE + timedelta(minutes=1)),
        instance=engine.instance,
        local_endpoint=DOCKER_URL,
    )
    collector.collect()
    for stays in ("earlier", "live"):
        assert engine.has(f"{repo}:{stays}"), stays
    assert not engine.has(f"{repo}:failed") and not engine.has(f"{repo}:orphan")
    recorded = [
        e for e in world.app.events.read(0, limit=100_000) if e.type == "Node.ImagesCollected"
    ]
    assert [(e.aggregate_id, e.fields["images"]) for e in recorded] == [
        (node, sorted([f"{repo}:failed", f"{repo}:orphan"]))
    ]
