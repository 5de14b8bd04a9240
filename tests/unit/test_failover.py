"""Failover off dead nodes (issue 17): the policy, placement under it, when a live release is
placed again, and when a silent node counts as unreachable."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import InvalidValueError
from domain.failover import FailoverPolicy, Silence, needs_failover, place_under
from domain.ids import NodeId, OrganizationId, ProjectId, ServiceId
from domain.node import Capacity, NodeState
from domain.scheduling import NodeSnapshot, PlacementRequest
from domain.service import Service
from domain.service_spec import ServiceKind, ServiceSpec
from tests.unit.given import ACTOR, at, given, replayed, then, types

A, B, C = (NodeId(uuid.uuid4()) for _ in range(3))
SERVICE = ServiceId(uuid.uuid4())


def snapshot(node_id: NodeId, name: str, state: NodeState = NodeState.READY) -> NodeSnapshot:
    return NodeSnapshot(node_id, name, state, Capacity(4000, 8192))


NODES = [snapshot(A, "a"), snapshot(B, "b"), snapshot(C, "c")]


def request(replicas: int) -> PlacementRequest:
    return PlacementRequest(SERVICE, replicas, cpu_request_millis=100, memory_request_mb=64)


def web_service(replicas: int = 3) -> Service:
    spec = ServiceSpec(kind=ServiceKind.WEB, image="nginx:1", port=80, replicas=replicas).check()
    return given(
        Service.create(
            SERVICE,
            OrganizationId(uuid.uuid4()),
            ProjectId(uuid.uuid4()),
            "web",
            spec,
            actor=ACTOR,
            now=at(),
        )
    )


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        (FailoverPolicy(min_healthy_replicas=4), "min_healthy_replicas"),
        (FailoverPolicy(min_healthy_replicas=-1), "min_healthy_replicas"),
        (FailoverPolicy(preferred_nodes=(A, A)), "preferred_nodes"),
        (FailoverPolicy(preferred_nodes=(A,), backup_nodes=(A, B)), "backup_nodes"),
    ],
)
def test_a_policy_the_service_cannot_keep_is_refused(policy: FailoverPolicy, field: str) -> None:
    s = web_service(replicas=3)
    with pytest.raises(InvalidValueError) as refused:
        s.set_failover(policy, actor=ACTOR, now=at(1))
    assert refused.value.field == field
    assert then(s) == [] and s.failover is None


def test_setting_a_policy_is_one_event_and_setting_it_again_none() -> None:
    s = web_service()
    policy = FailoverPolicy(min_healthy_replicas=2, preferred_nodes=(A,), backup_nodes=(C,))
    assert s.set_failover(policy, actor=ACTOR, now=at(1))
    assert not s.set_failover(policy, actor=ACTOR, now=at(2))
    assert types(s) == ["FailoverPolicySet"]
    assert s.set_failover(None, actor=ACTOR, now=at(3)) and s.failover is None


def test_the_policy_is_rebuilt_from_the_events() -> None:
    policy = FailoverPolicy(min_healthy_replicas=1, backup_nodes=(B,))
    spec = ServiceSpec(kind=ServiceKind.WEB, image="nginx:1", port=80, replicas=2).check()
    s = Service.create(
        SERVICE, OrganizationId(uuid.uuid4()), ProjectId(uuid.uuid4()), "web", spec,
        actor=ACTOR, now=at(),
    )  # fmt: skip
    s.set_failover(policy, actor=ACTOR, now=at(1))
    assert replayed(s).failover == policy


def test_preferred_nodes_take_the_replicas_first() -> None:
    policy = FailoverPolicy(preferred_nodes=(C,))
    placement = place_under(request(1), NODES, policy)
    assert placement.node_ids == (C,)


def test_backup_nodes_stay_empty_while_the_others_can_take_every_replica() -> None:
    policy = FailoverPolicy(backup_nodes=(A,))
    placement = place_under(request(2), NODES, policy)
    assert placement.complete and A not in placement.node_ids


def test_backup_nodes_take_the_replicas_when_the_others_are_unreachable() -> None:
    policy = FailoverPolicy(backup_nodes=(A,))
    nodes = [NODES[0], *(replace(n, state=NodeState.UNREACHABLE) for n in NODES[1:])]
    placement = place_under(request(2), nodes, policy)
    assert placement.node_ids == (A, A)


def test_unreachable_nodes_take_no_replica_even_when_preferred() -> None:
    policy = FailoverPolicy(preferred_nodes=(B,))
    nodes = [NODES[0], replace(NODES[1], state=NodeState.UNREACHABLE), NODES[2]]
    assert B not in place_under(request(2), nodes, policy).node_ids


def test_a_release_is_failed_over_once_a_replica_is_on_an_unreachable_node() -> None:
    placements = {0: A, 1: B}
    assert needs_failover(placements, 2, {B}, None)
    assert not needs_failover(placements, 2, {C}, None)
    assert not needs_failover(placements, 2, set(), None)


def test_the_minimum_healthy_replicas_tolerate_losing_the_rest() -> None:
    placements = {0: A, 1: B, 2: C}
    tolerant = FailoverPolicy(min_healthy_replicas=2)
    assert not needs_failover(placements, 3, {C}, tolerant)
    assert needs_failover(placements, 3, {B, C}, tolerant)
    # Replicas scaled away since the placement do not count.
    assert not needs_failover(placements, 2, {C}, None)


def test_a_node_is_unreachable_only_after_a_whole_grace_period_of_silence() -> None:
    silence = Silence.of(timedelta(seconds=30))
    assert not silence.missed(A, at(0))
    assert not silence.missed(A, at(0.25))
    assert silence.missed(A, at(0.5))
    silence.answered(A)
    assert not silence.missed(A, at(0.75))  # silent again: the grace starts over
