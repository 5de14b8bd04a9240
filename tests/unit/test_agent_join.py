"""Node agents' join tokens and credentials (issue 18): the domain rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application.agents import (
    AgentContainer,
    Heartbeat,
    check_heartbeat,
    credential_node,
    new_credential,
)
from application.auth import hash_token
from application.handlers.agents import AgentRefusedError
from application.secrets import Secret
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import NodeId, OrganizationId
from domain.join_token import JoinToken, JoinTokenRefusedError, join_token_id
from domain.node import Capacity, Node, NodeKind, NodeState
from tests.unit.given import ACTOR, at, given, replayed, then, types

HASH = hash_token("cjt_example")
ORG = OrganizationId(uuid.uuid4())


def token(minutes: int = 60) -> JoinToken:
    return JoinToken.create(ORG, HASH, timedelta(minutes=minutes), actor=ACTOR, now=at())


def agent_node() -> Node:
    return Node.join_agent(
        NodeId(uuid.uuid4()),
        ORG,
        "host-a",
        Capacity(2000, 4096),
        {},
        hash_token("cnc_one"),
        actor=ACTOR,
        now=at(),
    )


def test_a_join_token_is_found_by_its_hash_and_keeps_only_the_hash() -> None:
    t = token()
    assert t.id == join_token_id(HASH) and t.token_hash == HASH
    assert t.expires_at == at(60)
    assert "cjt_example" not in repr(then(t))


@pytest.mark.parametrize("minutes", [0, 60 * 24 * 8])
def test_a_join_token_lives_between_a_minute_and_a_week(minutes: int) -> None:
    with pytest.raises(InvalidValueError, match="expires_in_minutes"):
        token(minutes)


def test_a_join_token_is_spent_once() -> None:
    t = given(token())
    node_id = uuid.uuid4()
    t.redeem(node_id, actor=ACTOR, now=at(1))
    assert types(t) == ["Redeemed"] and t.used
    with pytest.raises(JoinTokenRefusedError, match="used already"):
        t.redeem(uuid.uuid4(), actor=ACTOR, now=at(2))
    assert then(t) == []


def test_an_expired_join_token_is_refused() -> None:
    t = given(token(10))
    with pytest.raises(JoinTokenRefusedError, match="expired"):
        t.redeem(uuid.uuid4(), actor=ACTOR, now=at(10))
    assert then(t) == [] and not t.used


def test_a_joined_agent_node_holds_its_credential_hash_and_starts_cordoned() -> None:
    n = agent_node()
    assert n.kind is NodeKind.AGENT and n.endpoint == f"agent://{n.id}"
    assert n.credential_hash == hash_token("cnc_one") and n.state is NodeState.CORDONED
    rebuilt = replayed(n)
    assert rebuilt.credential_hash == hash_token("cnc_one")


def test_rotating_replaces_the_credential_and_revoking_clears_it() -> None:
    n = given(agent_node())
    n.issue_agent_credential(hash_token("cnc_two"), actor=ACTOR, now=at(1))
    assert n.credential_hash == hash_token("cnc_two")
    assert n.revoke_agent_credential(actor=ACTOR, now=at(2))
    assert n.credential_hash is None
    assert not n.revoke_agent_credential(actor=ACTOR, now=at(3))
    assert types(n) == ["AgentCredentialIssued", "AgentCredentialRevoked"]


def test_connections_record_events_only_on_transitions() -> None:
    n = given(agent_node())
    caps = {"architecture": "x86_64", "cpus": "2"}
    n.record_agent_connected("0.1", caps, actor=ACTOR, now=at(1))
    n.record_agent_connected("0.1", caps, actor=ACTOR, now=at(2))
    assert types(n) == ["AgentConnected", "AgentCapabilitiesChanged"]
    n.record_agent_connected("0.1", {**caps, "cpus": "4"}, actor=ACTOR, now=at(3))
    assert types(n) == ["AgentCapabilitiesChanged"]
    n.record_agent_disconnected("closed", actor=ACTOR, now=at(4))
    n.record_agent_disconnected("closed", actor=ACTOR, now=at(5))
    assert types(n) == ["AgentDisconnected"]


def test_a_revoked_agent_cannot_connect_and_a_docker_node_has_no_agent() -> None:
    n = given(agent_node())
    n.revoke_agent_credential(actor=ACTOR, now=at(1))
    with pytest.raises(RuleViolatedError, match="revoked"):
        n.record_agent_connected("0.1", {}, actor=ACTOR, now=at(2))
    docker = Node.register(
        NodeId(uuid.uuid4()),
        ORG,
        "edge",
        NodeKind.DOCKER,
        "unix:///var/run/docker.sock",
        Capacity(1000, 1024),
        {},
        actor=ACTOR,
        now=at(),
    )
    with pytest.raises(RuleViolatedError, match="no agent"):
        docker.issue_agent_credential(hash_token("x"), actor=ACTOR, now=at(1))


def test_a_credential_names_its_node_and_a_forged_one_is_refused() -> None:
    node_id = uuid.uuid4()
    assert credential_node(new_credential(node_id)) == node_id
    for forged in ["cnc_nothex_x", "cjt_abc", "", f"cnc_{node_id.hex}_", "cnc_" + "z" * 32 + "_a"]:
        with pytest.raises(AgentRefusedError):
            credential_node(Secret(forged))


def test_another_organisations_container_in_a_heartbeat_is_ignored() -> None:
    mine = AgentContainer(
        id="1", name="web", image="x", state="running", labels={"containr.organization": str(ORG)}
    )
    theirs = AgentContainer(
        id="2", name="db", image="x", state="running", labels={"containr.organization": "other"}
    )
    ok = Heartbeat(seq=1, version="0.1", capabilities={}, containers=[mine])
    assert check_heartbeat(ok, ORG) is ok
    mixed = Heartbeat(seq=2, version="0.1", capabilities={}, containers=[theirs, mine])
    assert check_heartbeat(mixed, ORG).containers == [mine]
