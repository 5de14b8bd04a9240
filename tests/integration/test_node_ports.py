"""Published ports (issue 18): releases placed at the same time on one node never share a
port, because the node records its allocations and a conflicting save is tried again."""

from __future__ import annotations

import threading
import uuid

import pytest

from application import commands as c
from domain.host_ports import PortRangeOverlapError
from domain.node import PortRange
from domain.service_spec import GitSource, ServiceKind
from tests.integration.conftest import World


def built_release(world: World, service_id: uuid.UUID) -> uuid.UUID:
    deployment_id = world.run(
        c.RequestDeployment(service_id=service_id, environment_id=world.production)
    ).id("deployment_id")
    world.run(c.StartBuild(deployment_id=deployment_id, operation_id=f"{deployment_id}:build"))
    world.run(
        c.RecordBuilt(
            deployment_id=deployment_id,
            operation_id=f"{deployment_id}:built",
            image=f"containr/{service_id}:{deployment_id}",
        )
    )
    return deployment_id


def test_two_releases_placed_at_once_on_one_node_get_distinct_ports(world: World) -> None:
    node_id = world.run(
        c.RegisterNode(
            organization_id=world.org,
            name="edge",
            endpoint="tcp://10.0.0.7:2376",
            cpu_millis=4000,
            memory_mb=8192,
            port_start=21000,
            port_end=21005,
        )
    ).id("node_id")
    other = world.run(
        c.CreateService(
            project_id=world.project,
            name="api",
            kind=ServiceKind.WEB,
            git=GitSource("https://git.example.com/api.git"),
            port=8080,
        )
    ).id("service_id")
    releases = [built_release(world, world.service), built_release(world, other)]
    ready = threading.Barrier(len(releases))
    errors: list[BaseException] = []

    def start(deployment_id: uuid.UUID) -> None:
        try:
            ready.wait(timeout=30)
            world.run(
                c.StartReplicas(
                    deployment_id=deployment_id,
                    operation_id=f"{deployment_id}:start",
                    placements={0: node_id, 1: node_id, 2: node_id},
                )
            )
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=start, args=(r,)) for r in releases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    node = world.app.queries.node(node_id)
    assert node.port_range == PortRange(21000, 21005)
    held = {(h.deployment_id, h.replica): port for port, h in node.ports.items()}
    assert sorted(held.values()) == list(range(21000, 21006))  # six replicas, six ports
    assert {d for d, _ in held} == set(releases)


# Nodes that share a host may not publish on overlapping ranges (issue 18)


def register(world: World, name: str, endpoint: str, **more: object) -> uuid.UUID:
    command = c.RegisterNode(
        organization_id=world.org,
        name=name,
        endpoint=endpoint,
        cpu_millis=1000,
        memory_mb=1024,
        **more,  # type: ignore[arg-type]
    )
    return world.run(command).id("node_id")


def node_events(world: World) -> list[str]:
    found = [e.type for e in world.app.events.read(0, limit=100_000)]
    assert "Node.Registered" in found and "HostPorts.RangeHeld" in found  # it sees them
    return [t for t in found if t.startswith(("Node.", "HostPorts.", "Reservation."))]


def test_an_overlapping_range_at_a_shared_address_is_refused_and_records_nothing(
    world: World,
) -> None:
    a = register(world, "edge-a", "tcp://10.0.0.8:2376", port_start=21000, port_end=21999)
    elsewhere = register(world, "edge-c", "tcp://10.0.0.9:2376")
    before = node_events(world)
    with pytest.raises(PortRangeOverlapError, match="edge-a"):  # the default range overlaps
        register(world, "edge-b", "tcp://10.0.0.8:2377")  # the same host, another engine
    assert node_events(world) == before
    b = register(world, "edge-b", "tcp://10.0.0.8:2377", port_start=23000, port_end=23999)
    before = node_events(world)
    with pytest.raises(PortRangeOverlapError, match="edge-a"):
        world.run(c.SetNodePortRange(node_id=b, start=21500, end=22500))
    with pytest.raises(PortRangeOverlapError, match="edge-a"):
        register(world, "edge-d", "tcp://10.0.0.8:2378", port_start=21999, port_end=22999)
    with pytest.raises(PortRangeOverlapError, match="edge-a"):  # the default range overlaps
        world.run(c.SetNodeAddress(node_id=elsewhere, address="10.0.0.8"))
    assert node_events(world) == before
    assert world.app.queries.node(b).port_range == PortRange(23000, 23999)
    assert world.app.queries.node(elsewhere).address == "10.0.0.9"
    # Disjoint ranges are fine; a removed node's range is free again.
    world.run(c.SetNodePortRange(node_id=b, start=30000, end=30999))
    world.run(c.RemoveNode(node_id=a))
    world.run(c.SetNodeAddress(node_id=elsewhere, address="10.0.0.8"))
    assert world.app.queries.node(elsewhere).host == "10.0.0.8"


def test_moving_away_frees_the_range_at_the_old_address(world: World) -> None:
    a = register(world, "edge-a", "tcp://10.0.0.8:2376", port_start=21000, port_end=21999)
    b = register(world, "edge-b", "tcp://10.0.0.6:2376", port_start=21000, port_end=21999)
    world.run(c.SetNodeAddress(node_id=a, address="10.0.0.7"))
    world.run(c.SetNodeAddress(node_id=b, address="10.0.0.8"))  # where a was: free now
    with pytest.raises(PortRangeOverlapError, match="edge-b"):
        world.run(c.SetNodeAddress(node_id=a, address="10.0.0.8"))


def test_two_overlapping_ranges_given_at_once_at_one_address_only_one_is_kept(
    world: World,
) -> None:
    nodes = [
        register(world, f"edge-{i}", f"tcp://10.0.0.8:{2376 + i}", port_start=start, port_end=end)
        for i, (start, end) in enumerate([(30000, 30999), (31000, 31999)])
    ]
    ranges = [(40000, 40999), (40500, 41499)]
    ready = threading.Barrier(len(nodes))
    outcomes: list[str] = []

    def give(node_id: uuid.UUID, start: int, end: int) -> None:
        try:
            ready.wait(timeout=30)
            world.run(c.SetNodePortRange(node_id=node_id, start=start, end=end))
            outcomes.append("set")
        except PortRangeOverlapError:
            outcomes.append("refused")
        except BaseException as e:  # reported by the assertion below
            outcomes.append(repr(e))

    threads = [
        threading.Thread(target=give, args=(n, *r)) for n, r in zip(nodes, ranges, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "set"]
    given = [world.app.queries.node(n).port_range for n in nodes]
    kept = [r for r in given if r.start >= 40000]
    assert len(kept) == 1  # the refused node kept its old range
    assert not given[0].overlaps(given[1])
