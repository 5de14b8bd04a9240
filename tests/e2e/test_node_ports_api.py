"""A node's published ports through the GraphQL API (issue 18): its range, how many ports
replicas hold and which release's replica holds each; a range that overlaps another node's at
the same address is refused with a coded error and records nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from application import commands as c
from application.bus import Context
from application.services import Services
from domain.service_spec import GitSource, ServiceKind
from tests.e2e.client import Client, GraphQLError
from tests.integration.deploy_support import until

SYSTEM = Context(actor="system:test")  # type: ignore[arg-type]
REGISTER = """
mutation($o: ID!, $n: String!, $e: String!, $s: Int, $t: Int) {
  registerNode(organizationId: $o, name: $n, endpoint: $e, cpuMillis: 1000, memoryMb: 1024,
               portStart: $s, portEnd: $t) { id portStart portEnd }
}
"""
RANGE = """
mutation($id: ID!, $s: Int!, $t: Int!) {
  setNodePortRange(id: $id, start: $s, end: $t) { id portStart portEnd }
}
"""
PORTS = """
query($id: ID!) {
  node(id: $id) {
    portStart portEnd portsAllocated
    portAllocations { port deploymentId replica serviceId serviceName environmentId }
  }
}
"""


NODE_TYPES = ("Node", "HostPorts", "Reservation")


def organization(client: Client) -> str:
    orgs = client("{ viewer { organizations { id } } }")["viewer"]["organizations"]
    return str(orgs[0]["id"])


def register(client: Client, org: str, name: str, endpoint: str, **range_: int) -> str:
    found = client(REGISTER, o=org, n=name, e=endpoint, s=range_.get("s"), t=range_.get("t"))
    return str(found["registerNode"]["id"])


def node_events(app: Services) -> list[tuple[str, uuid.UUID]]:
    found = [(e.type, e.aggregate_id) for e in app.events.read(0, limit=100_000)]
    assert any(kind == "HostPorts.RangeHeld" for kind, _ in found)  # it sees them
    return [(kind, aggregate) for kind, aggregate in found if kind.split(".")[0] in NODE_TYPES]


def test_an_overlapping_range_at_the_same_address_is_refused_with_a_code_and_changes_nothing(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    org = organization(client)
    first = register(client, org, "edge-1", "tcp://10.0.0.21:2376", s=21000, t=21999)
    second = register(client, org, "edge-2", "tcp://10.0.0.21:2377", s=23000, t=23999)
    register(client, org, "far", "tcp://10.0.0.22:2376", s=21000, t=21999)  # another host
    before = node_events(app)
    with pytest.raises(GraphQLError) as refused:
        client(RANGE, id=second, s=21500, t=22500)
    assert refused.value.codes == ["VALIDATION_FAILED"]
    message = refused.value.errors[0]["message"]
    assert "edge-1" in message and "10.0.0.21" in message and "21000" in message
    with pytest.raises(GraphQLError) as refused:
        register(client, org, "edge-3", "tcp://10.0.0.21:2378", s=21999, t=22999)
    assert refused.value.codes == ["VALIDATION_FAILED"]
    with pytest.raises(GraphQLError) as refused:  # its default range overlaps edge-1's
        register(client, org, "edge-4", "tcp://10.0.0.21:2379")
    assert refused.value.codes == ["VALIDATION_FAILED"]
    assert node_events(app) == before
    names = client("query($o: ID!) { organization(id: $o) { nodes { name } } }", o=org)
    assert {n["name"] for n in names["organization"]["nodes"]} == {"edge-1", "edge-2", "far"}
    shown = client(PORTS, id=second)["node"]
    assert (shown["portStart"], shown["portEnd"]) == (23000, 23999)
    # A range beside the other's is accepted and shown.
    moved = client(RANGE, id=second, s=22000, t=22999)["setNodePortRange"]
    assert (moved["portStart"], moved["portEnd"]) == (22000, 22999)
    assert client(PORTS, id=first)["node"]["portStart"] == 21000


def built_release(app: Services, service_id: uuid.UUID, environment_id: uuid.UUID) -> uuid.UUID:
    deployment_id = app.execute(
        c.RequestDeployment(service_id=service_id, environment_id=environment_id), SYSTEM
    ).id("deployment_id")
    app.execute(
        c.StartBuild(deployment_id=deployment_id, operation_id=f"{deployment_id}:b"), SYSTEM
    )
    app.execute(
        c.RecordBuilt(
            deployment_id=deployment_id,
            operation_id=f"{deployment_id}:built",
            image=f"containr/{service_id}:{deployment_id}",
        ),
        SYSTEM,
    )
    return deployment_id


def test_a_nodes_range_and_the_ports_its_replicas_hold_are_shown_with_their_releases(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    org = organization(client)
    node = register(client, org, "edge", "tcp://10.0.0.31:2376", s=24000, t=24009)
    created = app.execute(c.CreateProject(organization_id=uuid.UUID(org), name="Shop"), SYSTEM)
    service = app.execute(
        c.CreateService(
            project_id=created.id("project_id"),
            name="api",
            kind=ServiceKind.WEB,
            git=GitSource("https://git.example.com/api.git"),
            port=8080,
        ),
        SYSTEM,
    ).id("service_id")
    environment = created.id("environment_id")
    release = built_release(app, service, environment)
    app.execute(
        c.StartReplicas(
            deployment_id=release,
            operation_id=f"{release}:start",
            placements={0: uuid.UUID(node), 1: uuid.UUID(node)},
        ),
        SYSTEM,
    )

    def shown() -> dict[str, Any]:
        return dict(client(PORTS, id=node)["node"])

    until(lambda: shown()["portsAllocated"] == 2, 30, "the node's two ports")
    answer = shown()
    assert (answer["portStart"], answer["portEnd"]) == (24000, 24009)
    assert answer["portAllocations"] == [
        {
            "port": 24000 + replica,
            "deploymentId": str(release),
            "replica": replica,
            "serviceId": str(service),
            "serviceName": "api",
            "environmentId": str(environment),
        }
        for replica in (0, 1)
    ]
    # The release is cancelled: its replicas' ports are free and no longer shown.
    client(
        'mutation($d: ID!) { cancelDeployment(id: $d, reason: "not now") { state } }',
        d=str(release),
    )
    until(lambda: shown()["portsAllocated"] == 0, 30, "the ports freed")
    assert shown()["portAllocations"] == []
