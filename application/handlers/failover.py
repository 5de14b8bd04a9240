"""Handlers of services' failover policies (issue 17)."""

from __future__ import annotations

from uuid import UUID

from application import commands as c
from application.errors import InvalidValueError
from application.handlers.common import live_service
from application.unit_of_work import UnitOfWork
from domain.failover import FailoverPolicy
from domain.node import Node


def set_failover_policy(cmd: c.SetFailoverPolicy, uow: UnitOfWork) -> dict[str, UUID]:
    """Set how a service survives a dead node; every node it names must be one of the
    service's organisation's."""
    service = live_service(uow, cmd.service_id)
    for field, nodes in (
        ("preferred_nodes", cmd.preferred_nodes),
        ("backup_nodes", cmd.backup_nodes),
    ):
        for node_id in nodes:
            node = uow.find(Node, node_id)
            if node is None or node.removed or node.organization_id != service.organization_id:
                raise InvalidValueError(field, f"no node {node_id} in the service's organisation")
    policy = FailoverPolicy(
        min_healthy_replicas=cmd.min_healthy_replicas,
        preferred_nodes=tuple(cmd.preferred_nodes),
        backup_nodes=tuple(cmd.backup_nodes),
    )
    service.set_failover(
        None if policy == FailoverPolicy() else policy, actor=uow.actor, now=uow.now
    )
    return {"service_id": service.id}
