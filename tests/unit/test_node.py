"""Nodes: registration, labels, cordon/drain and reachability."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import InvalidTransitionError, InvalidValueError
from domain.ids import NodeId, OrganizationId
from domain.node import Capacity, Node, NodeKind, NodeRemovedError, NodeState
from tests.unit.given import ACTOR, at, given, replayed, then, types


def node(**labels: str) -> Node:
    return Node.register(
        NodeId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        "edge-1",
        NodeKind.DOCKER,
        "unix:///var/run/docker.sock",
        Capacity(4000, 8192),
        dict(labels),
        actor=ACTOR,
        now=at(),
    )


def test_a_registered_node_is_ready() -> None:
    n = node(zone="eu-1")
    assert types(n) == ["Registered"] and n.state is NodeState.READY
    assert n.labels == {"zone": "eu-1"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"endpoint": "ftp://x"}, "Docker engine address"),
        ({"endpoint": "tcp://u:pw@host:2376"}, "password"),
        ({"capacity": Capacity(0, 100)}, "cpu_millis"),
        ({"capacity": Capacity(100, -1)}, "memory_mb"),
        ({"labels": {"bad key!": "x"}}, "label key"),
        ({"labels": {"zone": "a b"}}, "label value"),
        ({"name": "Edge 1"}, "not a valid slug"),
    ],
)
def test_registration_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "name": "edge-1",
        "endpoint": "tcp://10.0.0.2:2376",
        "capacity": Capacity(1000, 1024),
        "labels": {},
    }
    args.update(kwargs)
    with pytest.raises(InvalidValueError, match=message):
        Node.register(
            NodeId(uuid.uuid4()),
            OrganizationId(uuid.uuid4()),
            args["name"],  # type: ignore[arg-type]
            NodeKind.DOCKER,
            args["endpoint"],
            args["capacity"],
            args["labels"],  # type: ignore[arg-type]
            actor=ACTOR,
            now=at(),
        )


def test_cordon_drain_uncordon() -> None:
    n = given(node())
    n.cordon(actor=ACTOR, now=at(1))
    n.cordon(actor=ACTOR, now=at(1))  # already cordoned: nothing new
    n.drain(actor=ACTOR, now=at(2))
    n.uncordon(actor=ACTOR, now=at(3))
    assert types(n) == ["Cordoned", "DrainStarted", "Uncordoned"]
    assert n.state is NodeState.READY


def test_cordoning_a_draining_node_is_refused() -> None:
    n = node()
    n.drain(actor=ACTOR, now=at(1))
    given(n)
    with pytest.raises(InvalidTransitionError):
        n.cordon(actor=ACTOR, now=at(2))


def test_unreachable_trumps_the_scheduling_state_and_recovers_to_it() -> None:
    n = node()
    n.cordon(actor=ACTOR, now=at(1))
    given(n)
    n.mark_unreachable("connection refused", actor=ACTOR, now=at(2))
    n.mark_unreachable("connection refused", actor=ACTOR, now=at(3))
    assert n.state is NodeState.UNREACHABLE
    n.mark_reachable(actor=ACTOR, now=at(4))
    assert types(n) == ["BecameUnreachable", "BecameReachable"]
    assert n.state is NodeState.CORDONED


def test_labels_are_replaced_and_unchanged_labels_record_nothing() -> None:
    n = given(node(zone="a"))
    n.relabel({"zone": "a"}, actor=ACTOR, now=at(1))
    n.relabel({"zone": "b", "gpu": "true"}, actor=ACTOR, now=at(1))
    [event] = then(n)
    assert event.labels == {"gpu": "true", "zone": "b"}


def test_a_removed_node_cannot_change() -> None:
    n = node()
    n.remove(actor=ACTOR, now=at(1))
    given(n)
    with pytest.raises(NodeRemovedError):
        n.cordon(actor=ACTOR, now=at(2))
    assert then(n) == []


def test_history_replays() -> None:
    n = node()
    n.drain(actor=ACTOR, now=at(1))
    n.change_capacity(Capacity(8000, 16384), actor=ACTOR, now=at(2))
    copy = replayed(n)
    assert copy.state is NodeState.DRAINING and copy.capacity == Capacity(8000, 16384)
