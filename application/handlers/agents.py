"""Handlers for node agents (issue 18): join tokens, joining, credentials and connections."""

from __future__ import annotations

import hmac
from datetime import timedelta
from uuid import UUID

from application.commands import (
    CreateJoinToken,
    JoinAgentNode,
    RecordAgentConnected,
    RecordAgentDisconnected,
    RevokeAgentCredential,
    RotateAgentCredential,
)
from application.errors import ApplicationError, NotFoundError
from application.handlers.common import hold_ports, node_scope, reserve
from application.unit_of_work import UnitOfWork
from domain.ids import NodeId, OrganizationId
from domain.join_token import JoinToken, join_token_id
from domain.node import Capacity, Node, NodeKind, PortRange
from domain.organization import Organization


class AgentRefusedError(ApplicationError):
    """Raised when an agent presents a join token or credential that is not (or no longer)
    valid; nothing is recorded then."""

    code = "UNAUTHENTICATED"


def create_join_token(cmd: CreateJoinToken, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a join token's hash for an organisation, valid for a while."""
    uow.get(Organization, cmd.organization_id, "organization")
    token = JoinToken.create(
        OrganizationId(cmd.organization_id),
        cmd.token_hash,
        timedelta(minutes=cmd.expires_in_minutes),
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(token)
    return {"join_token_id": token.id}


def join_agent_node(cmd: JoinAgentNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Spend a join token on a new agent node; a forged token finds no record."""
    token = uow.find(JoinToken, join_token_id(cmd.token_hash))
    if token is None or not hmac.compare_digest(token.token_hash, cmd.token_hash):
        raise AgentRefusedError("this join token is not valid")
    organization = uow.get(Organization, token.organization_id, "organization")
    node_id = NodeId(cmd.node_id)
    token.redeem(node_id, actor=uow.actor, now=uow.now)
    node = Node.join_agent(
        node_id,
        OrganizationId(token.organization_id),
        cmd.name,
        Capacity(cmd.cpu_millis, cmd.memory_mb),
        cmd.labels,
        cmd.credential_hash,
        actor=uow.actor,
        now=uow.now,
    )
    if cmd.address is not None:  # checked here: a bad address spends no token
        node.set_address(cmd.address, actor=uow.actor, now=uow.now)
    port_range = PortRange.given(cmd.port_start, cmd.port_end)
    if port_range is not None:
        node.set_port_range(port_range, actor=uow.actor, now=uow.now)
    uow.add(node)
    # Another node of the organisation at the same address with an overlapping range: the
    # join is refused, and the token is not spent (one unit of work).
    hold_ports(uow, node)
    reserve(
        uow,
        node_scope(token.organization_id),
        node.name,
        node_id,
        field="name",
        taken=f"{organization.name} already has a node {node.name!r}; join with another name",
    )
    return {"node_id": node_id, "organization_id": token.organization_id}


def agent_node(uow: UnitOfWork, node_id: UUID, credential_hash: str | None = None) -> Node:
    """The agent node ``node_id``; with ``credential_hash``, only if that credential is in force."""
    node = uow.find(Node, node_id)
    if node is None or node.removed or node.kind is not NodeKind.AGENT:
        if credential_hash is None:
            raise NotFoundError("node", node_id)
        raise AgentRefusedError("this node credential is not valid")
    if credential_hash is not None and not (
        node.credential_hash is not None
        and hmac.compare_digest(node.credential_hash, credential_hash)
    ):
        raise AgentRefusedError("this node credential is not valid (revoked or rotated)")
    return node


def rotate_agent_credential(cmd: RotateAgentCredential, uow: UnitOfWork) -> dict[str, UUID]:
    """Swap an agent's credential for a new one; the current one stops working."""
    node = agent_node(uow, cmd.node_id, cmd.current_hash)
    node.issue_agent_credential(cmd.credential_hash, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def revoke_agent_credential(cmd: RevokeAgentCredential, uow: UnitOfWork) -> dict[str, UUID]:
    """Refuse a node agent's credential from now on (a node without an agent: CONFLICT)."""
    node = uow.get(Node, cmd.node_id, "node")
    if node.removed:
        raise NotFoundError("node", cmd.node_id)
    node.revoke_agent_credential(actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def record_agent_connected(cmd: RecordAgentConnected, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that an agent connected (events only on transitions)."""
    node = agent_node(uow, cmd.node_id)
    if node.credential_hash is None:
        raise AgentRefusedError("this node credential is not valid (revoked)")
    node.record_agent_connected(cmd.version, cmd.capabilities, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def record_agent_disconnected(cmd: RecordAgentDisconnected, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that an agent's connection ended."""
    node = agent_node(uow, cmd.node_id)
    node.record_agent_disconnected(cmd.reason, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}
