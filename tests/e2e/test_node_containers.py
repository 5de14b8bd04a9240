"""The node page's containers through a real agent (issue 18): `containr agent run`'s real
code on the real local Docker engine; the control plane lists the organisation's containers
on the agent node and stops, starts and restarts one over the agent's connection; another
organisation's container on the same engine is NOT_FOUND and left running."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from application.processes.support import INSTANCE, ORGANIZATION
from application.settings import Settings
from interfaces.cli.agent_link import join
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.e2e import conftest as e2e
from tests.e2e.client import Client, GraphQLError
from tests.e2e.test_node_agents import (
    ENGINE,
    TOKEN,
    ControlPlane,
    RunningAgent,
    engine_answers,
    nodes,
)
from tests.integration.deploy_support import until

TEST_LABEL = "containr-test.node-containers"
LIST = "query($n: ID!) { nodeContainers(nodeId: $n) { id name state startedAt } }"
ACT = "mutation($n: ID!, $k: String!) { %sNodeContainer(nodeId: $n, containerId: $k) { id state startedAt } }"


@pytest.fixture
def engine() -> Iterator[docker.APIClient]:
    engine_answers()
    client = docker.APIClient(base_url=ENGINE, version="auto", timeout=60)
    ensure_busybox_image(client)
    run = uuid.uuid4().hex[:8]
    client.containr_run = run  # type: ignore[attr-defined]  # the run's label, for removal
    yield client
    for found in client.containers(all=True, filters={"label": f"{TEST_LABEL}={run}"}):
        client.remove_container(found["Id"], force=True)
    client.close()


def sleeper(engine: docker.APIClient, name: str, labels: dict[str, str]) -> str:
    run: str = engine.containr_run  # type: ignore[attr-defined]
    made = engine.create_container(
        BASE_IMAGE,
        ["sleep", "3600"],
        name=f"{name}-{run}",
        labels={**labels, TEST_LABEL: run},
    )
    engine.start(made["Id"])
    return str(made["Id"])


def test_the_agent_nodes_containers_are_listed_stopped_started_and_restarted(
    pg_settings: Settings, engine: docker.APIClient, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{e2e.free_port()}"
    plane = ControlPlane(pg_settings, int(url.rsplit(":", 1)[1]))
    agent: RunningAgent | None = None
    try:
        owner = Client(url)
        organization = owner.sign_up("owner@example.com")["organizationId"]
        stranger = Client(url)
        stranger.sign_up("other@example.com")
        token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
        join(url, token, "host-a", tmp_path / "agent", ENGINE, {})
        agent = RunningAgent(tmp_path / "agent")
        until(lambda: bool(nodes(owner, organization)), 30, "the agent node")
        node = nodes(owner, organization)[0]["id"]
        ours = sleeper(engine, "ours", {INSTANCE: pg_settings.instance, ORGANIZATION: organization})
        theirs = sleeper(
            engine, "theirs", {INSTANCE: pg_settings.instance, ORGANIZATION: str(uuid.uuid4())}
        )

        until(
            lambda: [k["id"] for k in owner(LIST, n=node)["nodeContainers"]] == [ours],
            30,
            "our container on the agent node",
        )
        assert owner(ACT % "stop", n=node, k=ours)["stopNodeContainer"]["state"] == "exited"
        assert owner(ACT % "start", n=node, k=ours)["startNodeContainer"]["state"] == "running"
        before = owner(LIST, n=node)["nodeContainers"][0]["startedAt"]
        restarted = owner(ACT % "restart", n=node, k=ours)["restartNodeContainer"]
        assert restarted["state"] == "running" and restarted["startedAt"] > before

        with pytest.raises(GraphQLError) as refused:
            owner(ACT % "stop", n=node, k=theirs)
        assert refused.value.codes == ["NOT_FOUND"]
        assert engine.inspect_container(theirs)["State"]["Running"]
        with pytest.raises(GraphQLError) as forbidden:
            stranger(ACT % "restart", n=node, k=ours)
        assert forbidden.value.codes in (["FORBIDDEN"], ["NOT_FOUND"])
        owner.http.close()
        stranger.http.close()
    finally:
        if agent is not None:
            agent.stop()
        plane.stop()
