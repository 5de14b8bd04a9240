"""Published ports (issue 18): releases placed at the same time on one node never share a
port, because the node records its allocations and a conflicting save is tried again."""

from __future__ import annotations

import threading
import uuid

from application import commands as c
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
