"""Port ranges of nodes that share a host (issue 18): two nodes reached at one address may
not publish on overlapping ranges; the ledger of one host refuses the second range and
records nothing, and forgets a node that moved away or was removed."""

from __future__ import annotations

import uuid

import pytest

from domain.host_ports import HostPorts, PortRangeOverlapError
from domain.ids import NodeId, OrganizationId
from domain.node import DEFAULT_PORT_RANGE, Capacity, Node, NodeKind, PortRange
from tests.unit.given import ACTOR, at, given, replayed, types

ORG = OrganizationId(uuid.uuid4())
A, B = uuid.uuid4(), uuid.uuid4()


def host() -> HostPorts:
    return given(HostPorts.start(ORG, "10.0.0.5", actor=ACTOR, now=at()))


def test_the_ledger_of_a_host_derives_from_the_organisation_and_the_address() -> None:
    assert host().id == HostPorts.id_for(ORG, "10.0.0.5")
    assert HostPorts.id_for(ORG, "10.0.0.5") != HostPorts.id_for(ORG, "10.0.0.6")
    assert HostPorts.id_for(ORG, "10.0.0.5") != HostPorts.id_for(uuid.uuid4(), "10.0.0.5")


def test_disjoint_ranges_at_one_host_are_held_side_by_side() -> None:
    subject = host()
    subject.hold(A, "edge-a", PortRange(21000, 21999), actor=ACTOR, now=at(1))
    subject.hold(B, "edge-b", PortRange(22000, 22999), actor=ACTOR, now=at(2))
    assert types(subject) == ["RangeHeld", "RangeHeld"]
    assert set(subject.ranges) == {A, B}


def test_the_history_replays_to_the_same_ranges() -> None:
    subject = HostPorts.start(ORG, "10.0.0.5", actor=ACTOR, now=at())
    subject.hold(A, "edge-a", PortRange(21000, 21999), actor=ACTOR, now=at(1))
    subject.hold(B, "edge-b", PortRange(22000, 22999), actor=ACTOR, now=at(2))
    subject.drop(A, actor=ACTOR, now=at(3))
    rebuilt = replayed(subject)
    assert {k: v.port_range for k, v in rebuilt.ranges.items()} == {B: PortRange(22000, 22999)}


@pytest.mark.parametrize(
    ("start", "end"), [(21500, 22500), (20000, 21000), (21999, 21999), (20000, 29999)]
)
def test_an_overlapping_range_is_refused_naming_the_other_node_and_records_nothing(
    start: int, end: int
) -> None:
    subject = host()
    subject.hold(A, "edge-a", PortRange(21000, 21999), actor=ACTOR, now=at(1))
    subject.collect_events()
    with pytest.raises(PortRangeOverlapError) as refused:
        subject.hold(B, "edge-b", PortRange(start, end), actor=ACTOR, now=at(2))
    assert refused.value.field == "port_range"
    assert "edge-a" in refused.value.message and "10.0.0.5" in refused.value.message
    assert types(subject) == []
    assert set(subject.ranges) == {A}


def test_a_node_may_change_its_own_range_over_its_old_one() -> None:
    subject = host()
    subject.hold(A, "edge-a", PortRange(21000, 21999), actor=ACTOR, now=at(1))
    subject.hold(A, "edge-a", PortRange(21500, 22500), actor=ACTOR, now=at(2))
    subject.hold(A, "edge-a", PortRange(21500, 22500), actor=ACTOR, now=at(3))  # no change
    assert types(subject) == ["RangeHeld", "RangeHeld"]
    assert subject.ranges[A].port_range == PortRange(21500, 22500)


def test_two_nodes_left_at_the_default_range_share_it_but_a_range_given_may_not_overlap() -> None:
    subject = host()
    subject.hold(A, "edge-a", DEFAULT_PORT_RANGE, actor=ACTOR, now=at(1))
    subject.hold(B, "edge-b", DEFAULT_PORT_RANGE, actor=ACTOR, now=at(2))
    with pytest.raises(PortRangeOverlapError):
        subject.hold(B, "edge-b", PortRange(25000, 25999), actor=ACTOR, now=at(3))
    subject.hold(B, "edge-b", PortRange(30000, 30999), actor=ACTOR, now=at(4))
    assert subject.ranges[B].port_range == PortRange(30000, 30999)


def test_a_dropped_range_frees_its_ports_for_another_node() -> None:
    subject = host()
    subject.hold(A, "edge-a", PortRange(21000, 21999), actor=ACTOR, now=at(1))
    subject.drop(A, actor=ACTOR, now=at(2))
    subject.drop(A, actor=ACTOR, now=at(3))  # held none any more: nothing
    subject.hold(B, "edge-b", PortRange(21000, 21999), actor=ACTOR, now=at(4))
    assert types(subject) == ["RangeHeld", "RangeDropped", "RangeHeld"]


def node(endpoint: str, kind: NodeKind = NodeKind.DOCKER) -> Node:
    return Node.register(
        NodeId(uuid.uuid4()), ORG, "n", kind, endpoint, Capacity(1000, 1024), {},
        actor=ACTOR, now=at(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("unix:///var/run/docker.sock", "127.0.0.1"),
        ("unix:///run/other/docker.sock", "127.0.0.1"),  # two engines of one machine
        ("tcp://localhost:2375", "127.0.0.1"),
        ("tcp://Node-2.Internal:2376", "node-2.internal"),
        ("ssh://ops@10.0.0.7", "10.0.0.7"),
    ],
)
def test_a_nodes_host_is_its_engines_host(endpoint: str, expected: str) -> None:
    assert node(endpoint).host == expected


def test_an_advertised_address_is_the_host_and_an_agent_without_one_is_a_host_of_its_own() -> None:
    subject = given(node("unix:///var/run/docker.sock"))
    subject.set_address("192.168.7.2", actor=ACTOR, now=at(1))
    assert subject.host == "192.168.7.2"
    agent = Node.join_agent(
        NodeId(uuid.uuid4()), ORG, "a", Capacity(1000, 1024), {}, "0" * 64,
        actor=ACTOR, now=at(),
    )  # fmt: skip
    assert agent.host == f"agent://{agent.id}"
    agent.set_address("10.9.0.2", actor=ACTOR, now=at(1))
    assert agent.host == "10.9.0.2"
