"""Published ports from a per-node range (issue 18): the range's checks, and allocation on the
node aggregate: the next free port after the last given, one holder per port, reuse after
release once the rest of the range was given."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import InvalidValueError
from domain.ids import NodeId, OrganizationId
from domain.node import (
    DEFAULT_PORT_RANGE,
    Capacity,
    Node,
    NodeKind,
    PortRange,
    PortsExhaustedError,
)
from tests.unit.given import ACTOR, at, given, replayed, types


def node() -> Node:
    return Node.register(
        NodeId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        "edge-1",
        NodeKind.DOCKER,
        "tcp://10.0.0.5:2376",
        Capacity(4000, 8192),
        {},
        actor=ACTOR,
        now=at(),
    )


def test_a_node_publishes_on_the_default_range_until_given_one() -> None:
    subject = given(node())
    assert subject.port_range == DEFAULT_PORT_RANGE == PortRange(20000, 29999)
    assert subject.set_port_range(PortRange(30000, 30009), actor=ACTOR, now=at(1))
    assert not subject.set_port_range(PortRange(30000, 30009), actor=ACTOR, now=at(2))
    assert types(subject) == ["PortRangeSet"]
    assert subject.port_range == PortRange(30000, 30009)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (30000, 29999, "starts at 30000, after its end 29999"),
        (80, 1000, "80 is outside 1024-65535"),
        (60000, 70000, "70000 is outside 1024-65535"),
        (0, 0, "0 is outside"),
    ],
)
def test_malformed_ranges_are_refused_naming_the_field(start: int, end: int, message: str) -> None:
    subject = given(node())
    with pytest.raises(InvalidValueError) as refused:
        subject.set_port_range(PortRange(start, end), actor=ACTOR, now=at(1))
    assert refused.value.field == "port_range"
    assert message in refused.value.message
    assert types(subject) == []


def test_ports_are_given_in_order_once_each_and_kept_by_their_holder() -> None:
    subject = given(node())
    subject.set_port_range(PortRange(20000, 20002), actor=ACTOR, now=at())
    first, second = uuid.uuid4(), uuid.uuid4()
    assert subject.allocate_port(first, 0, actor=ACTOR, now=at()) == 20000
    assert subject.allocate_port(first, 1, actor=ACTOR, now=at()) == 20001
    assert subject.allocate_port(second, 0, actor=ACTOR, now=at()) == 20002
    # Asking again (a retried report, a restart) gives the port already held.
    assert subject.allocate_port(first, 1, actor=ACTOR, now=at()) == 20001
    assert subject.port_of(second, 0) == 20002
    assert subject.port_of(second, 1) is None
    assert types(subject) == ["PortRangeSet", *["PortAllocated"] * 3]


def test_a_full_range_is_a_clear_refusal_that_records_nothing() -> None:
    subject = given(node())
    subject.set_port_range(PortRange(20000, 20001), actor=ACTOR, now=at())
    holder = uuid.uuid4()
    subject.allocate_port(holder, 0, actor=ACTOR, now=at())
    subject.allocate_port(holder, 1, actor=ACTOR, now=at())
    subject.collect_events()
    with pytest.raises(PortsExhaustedError) as refused:
        subject.allocate_port(uuid.uuid4(), 0, actor=ACTOR, now=at())
    assert str(refused.value) == "no free port in 20000\u201320001 on node edge-1"
    assert types(subject) == []


def test_released_ports_are_given_again() -> None:
    subject = given(node())
    subject.set_port_range(PortRange(20000, 20001), actor=ACTOR, now=at())
    old, new, next_one = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    subject.allocate_port(old, 0, actor=ACTOR, now=at())
    subject.allocate_port(new, 0, actor=ACTOR, now=at())
    assert subject.release_ports(old, actor=ACTOR, now=at(1)) == [20000]
    assert subject.release_ports(old, actor=ACTOR, now=at(1)) == []
    assert subject.allocate_port(next_one, 0, actor=ACTOR, now=at(2)) == 20000
    assert subject.port_of(new, 0) == 20001


def test_a_port_just_freed_waits_for_the_rest_of_the_range() -> None:
    # A superseded release's replicas may still be draining on their ports: the next
    # release gets a port not given lately, and the freed one comes round again later.
    subject = given(node())
    subject.set_port_range(PortRange(20000, 20003), actor=ACTOR, now=at())
    old, new = uuid.uuid4(), uuid.uuid4()
    assert subject.allocate_port(old, 0, actor=ACTOR, now=at()) == 20000
    subject.release_ports(old, actor=ACTOR, now=at(1))
    given_now = [subject.allocate_port(new, r, actor=ACTOR, now=at(2)) for r in range(4)]
    assert given_now == [20001, 20002, 20003, 20000]


def test_allocations_replay_from_the_events() -> None:
    subject = node()
    subject.set_port_range(PortRange(21000, 21010), actor=ACTOR, now=at())
    holder = uuid.uuid4()
    subject.allocate_port(holder, 0, actor=ACTOR, now=at())
    subject.allocate_port(holder, 1, actor=ACTOR, now=at())
    subject.release_ports(holder, actor=ACTOR, now=at())
    subject.allocate_port(holder, 2, actor=ACTOR, now=at())
    rebuilt = replayed(subject)
    assert rebuilt.port_range == PortRange(21000, 21010)
    assert rebuilt.ports == subject.ports
    assert rebuilt.port_of(holder, 2) == 21002  # after the last given, as before the replay
    assert rebuilt.last_port == subject.last_port == 21002


def test_ranges_overlap_when_they_share_a_port() -> None:
    assert PortRange(20000, 20010).overlaps(PortRange(20010, 20020))
    assert not PortRange(20000, 20010).overlaps(PortRange(20011, 20020))
    assert 20005 in PortRange(20000, 20010)
    assert 20011 not in PortRange(20000, 20010)
