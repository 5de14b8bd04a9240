"""Internal DNS across hosts (issue 18): a node's replicas are reached, and its containers ask,
at the address the node advertises, which an agent node (``agent://<id>``) has only."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from application.internal_dns import DnsTableBuilder, Target, node_host
from application.processes.support import DEPLOYMENT, INSTANCE, ORGANIZATION, REPLICA
from application.runtime_ports import ContainerInfo

ORG = uuid.uuid4()
LOCAL = "unix:///var/run/docker.sock"


def test_a_nodes_host_is_its_advertised_ipv4_address_else_its_endpoints() -> None:
    assert node_host(f"agent://{uuid.uuid4()}", "10.100.7.11") == "10.100.7.11"
    assert node_host("tcp://10.1.2.3:2376", "10.1.2.3") == "10.1.2.3"
    assert node_host("tcp://10.1.2.3:2376", "node-a.example.com") == "10.1.2.3"
    assert node_host("tcp://10.1.2.3:2376", "10.9.9.9") == "10.9.9.9"  # advertised wins
    # an agent or a local socket without an advertised address: loopback, reached by no
    # container of another host
    assert node_host(f"agent://{uuid.uuid4()}", "127.0.0.1") is None
    assert node_host(LOCAL, "127.0.0.1") is None


class Dashboard:
    """The read-model queries the table is built from, as plain rows."""

    def __init__(self, nodes: list[Any], deployment: uuid.UUID) -> None:
        self.nodes = nodes
        self.ids = SimpleNamespace(
            service=uuid.uuid4(), environment=uuid.uuid4(), project=uuid.uuid4()
        )
        self.deployment = deployment

    def all_nodes(self) -> list[Any]:
        return self.nodes

    def live_states(self) -> list[Any]:
        return [
            SimpleNamespace(
                organization_id=ORG,
                project_id=self.ids.project,
                service_id=self.ids.service,
                environment_id=self.ids.environment,
                live_deployment_id=self.deployment,
            )
        ]

    def services_by_id(self, ids: list[uuid.UUID]) -> list[Any]:
        spec = {"port": 8080}
        return [SimpleNamespace(id=self.ids.service, name="api", kind="web", spec=spec, deleted=False)]  # fmt: skip

    def environments_of(self, ids: list[uuid.UUID]) -> list[Any]:
        return [SimpleNamespace(id=self.ids.environment, name="production")]

    def projects_by_id(self, ids: list[uuid.UUID]) -> list[Any]:
        return [SimpleNamespace(id=self.ids.project, slug="shop", deleted_at=None)]

    def deployments_by_id(self, ids: list[uuid.UUID], *, columns: list[str]) -> list[Any]:
        return [SimpleNamespace(id=self.deployment, replica_health=None)]


class Runtimes:
    """Each endpoint's containers."""

    def __init__(self, containers: dict[str, list[ContainerInfo]]) -> None:
        self.found = containers

    def for_endpoint(self, endpoint: str) -> Any:
        return SimpleNamespace(containers=lambda labels, all_states: self.found.get(endpoint, []))


def replica(deployment: uuid.UUID, index: int, port: int, address: str) -> ContainerInfo:
    labels = {
        INSTANCE: "i1", ORGANIZATION: str(ORG), DEPLOYMENT: str(deployment), REPLICA: str(index)
    }  # fmt: skip
    return ContainerInfo(
        id=f"c{index}",
        name=f"api-{index}",
        image="busybox",
        labels=labels,
        state="running",
        host_port=port,
        addresses={"net": address},
    )


def test_replicas_on_agent_nodes_answer_at_the_nodes_advertised_addresses_and_ports() -> None:
    deployment = uuid.uuid4()
    a, b, silent = (f"agent://{uuid.uuid4()}" for _ in range(3))

    def node(endpoint: str, address: str) -> Any:
        return SimpleNamespace(
            id=uuid.uuid4(), organization_id=ORG, endpoint=endpoint, address=address
        )

    dashboard = Dashboard(
        [node(a, "10.100.7.11"), node(b, "10.100.7.12"), node(silent, "127.0.0.1")], deployment
    )
    runtimes = Runtimes(
        {
            a: [replica(deployment, 0, 20001, "172.24.0.2")],
            b: [replica(deployment, 1, 20007, "172.25.0.2")],
            silent: [replica(deployment, 2, 20003, "172.26.0.2")],
        }
    )
    builder = DnsTableBuilder(
        dashboard=dashboard,  # type: ignore[arg-type]
        runtimes=runtimes,  # type: ignore[arg-type]
        instance="i1",
        local_endpoint=LOCAL,
    )
    table = builder.build()

    entry = table.find("_http._tcp.api.production.shop.internal")
    assert entry is not None and entry.organization_id == ORG
    # each node publishes the replica on a port of its own: the SRV record says which
    assert entry.targets == (Target(0, "10.100.7.11", 20001), Target(1, "10.100.7.12", 20007))
    # the nodes' containers ask from their node's address (their engine masquerades them)
    assert table.asker("10.100.7.11") == ORG and table.asker("10.100.7.12") == ORG
    assert table.asker("127.0.0.1") is None
