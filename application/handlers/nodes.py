"""Handlers for nodes."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.commands import (
    ConfigureNodeTls,
    CordonNode,
    DrainNode,
    LabelNode,
    LabelNodes,
    MarkNodeReachable,
    MarkNodeUnreachable,
    RegisterNode,
    RemoveNode,
    ReportImagesCollected,
    ReportOrphanRemoved,
    SetNodeAddress,
    SetNodePortRange,
    UncordonNode,
)
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import drop_ports, hold_ports, node_scope, release, reserve
from application.node_tls import seal_tls
from application.unit_of_work import UnitOfWork
from domain.ids import NodeId, OrganizationId
from domain.node import Capacity, Node, PortRange
from domain.organization import Organization

MAX_BULK = 500


def _node(uow: UnitOfWork, node_id: UUID) -> Node:
    node = uow.get(Node, node_id, "node")
    if node.removed:
        raise NotFoundError("node", node_id)
    return node


def register_node(cmd: RegisterNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Add a node to an organisation; its name is unique there."""
    organization = uow.get(Organization, cmd.organization_id, "organization")
    node_id = NodeId(uuid4())
    node = Node.register(
        node_id,
        OrganizationId(cmd.organization_id),
        cmd.name,
        cmd.kind,
        cmd.endpoint,
        Capacity(cmd.cpu_millis, cmd.memory_mb),
        cmd.labels,
        actor=uow.actor,
        now=uow.now,
    )
    # Checked (and its key sealed) before anything is recorded: bad material records nothing.
    tls = seal_tls(
        uow.secrets,
        cmd.organization_id,
        node_id,
        cmd.tls_ca_cert,
        cmd.tls_client_cert,
        cmd.tls_client_key,
        uow.now,
    )
    node.configure_tls(tls, actor=uow.actor, now=uow.now)
    if cmd.address is not None:
        node.set_address(cmd.address, actor=uow.actor, now=uow.now)
    port_range = PortRange.given(cmd.port_start, cmd.port_end)
    if port_range is not None:
        node.set_port_range(port_range, actor=uow.actor, now=uow.now)
    uow.add(node)
    hold_ports(uow, node)
    reserve(
        uow,
        node_scope(cmd.organization_id),
        node.name,
        node_id,
        field="name",
        taken=f"{organization.name} already has a node {node.name!r}; choose another name",
    )
    return {"node_id": node_id}


def configure_node_tls(cmd: ConfigureNodeTls, uow: UnitOfWork) -> dict[str, UUID]:
    """Rotate (or drop) the TLS material a node's engine is reached with."""
    node = _node(uow, cmd.node_id)
    tls = seal_tls(
        uow.secrets,
        node.organization_id,
        node.id,
        cmd.tls_ca_cert,
        cmd.tls_client_cert,
        cmd.tls_client_key,
        uow.now,
    )
    node.configure_tls(tls, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def set_node_address(cmd: SetNodeAddress, uow: UnitOfWork) -> dict[str, UUID]:
    """Advertise where the ingress reaches a node's published ports."""
    node = _node(uow, cmd.node_id)
    before = node.host
    if node.set_address(cmd.address, actor=uow.actor, now=uow.now):
        hold_ports(uow, node, moved_from=before)
    return {"node_id": node.id}


def set_node_port_range(cmd: SetNodePortRange, uow: UnitOfWork) -> dict[str, UUID]:
    """Give a node the host ports its replicas publish on from now on; refused when another
    node reached at the same address publishes on any of them."""
    node = _node(uow, cmd.node_id)
    node.set_port_range(PortRange(cmd.start, cmd.end), actor=uow.actor, now=uow.now)
    hold_ports(uow, node)
    return {"node_id": node.id}


def label_node(cmd: LabelNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Replace a node's labels."""
    node = _node(uow, cmd.node_id)
    node.relabel(cmd.labels, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def label_nodes(cmd: LabelNodes, uow: UnitOfWork) -> dict[str, UUID]:
    """Replace the labels of several nodes at once; all change or none."""
    if not cmd.node_ids:
        raise InvalidValueError("node_ids", "must name at least one node")
    if len(cmd.node_ids) > MAX_BULK:
        raise InvalidValueError(
            "node_ids", f"names more than {MAX_BULK} nodes; label at most {MAX_BULK} at once"
        )
    for node_id in dict.fromkeys(cmd.node_ids):
        _node(uow, node_id).relabel(cmd.labels, actor=uow.actor, now=uow.now)
    return {}


def cordon_node(cmd: CordonNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Place nothing new on a node."""
    node = _node(uow, cmd.node_id)
    node.cordon(actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def uncordon_node(cmd: UncordonNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Let a node take work again."""
    node = _node(uow, cmd.node_id)
    node.uncordon(actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def drain_node(cmd: DrainNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Start moving a node's work elsewhere."""
    node = _node(uow, cmd.node_id)
    node.drain(actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def mark_node_unreachable(cmd: MarkNodeUnreachable, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a node's engine stopped answering."""
    if not cmd.reason.strip():
        raise InvalidValueError("reason", "must not be blank; say why the node is unreachable")
    node = _node(uow, cmd.node_id)
    node.mark_unreachable(cmd.reason, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def mark_node_reachable(cmd: MarkNodeReachable, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a node's engine answers again."""
    node = _node(uow, cmd.node_id)
    node.mark_reachable(actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def report_orphan_removed(cmd: ReportOrphanRemoved, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a container nobody wanted was removed from a node."""
    node = _node(uow, cmd.node_id)
    node.remove_orphan(cmd.container, cmd.deployment_id, cmd.reason, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def report_images_collected(cmd: ReportImagesCollected, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that images no release needs were removed from a node."""
    node = _node(uow, cmd.node_id)
    node.record_images_collected(cmd.images, actor=uow.actor, now=uow.now)
    return {"node_id": node.id}


def remove_node(cmd: RemoveNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Forget a node and free its name."""
    node = _node(uow, cmd.node_id)
    node.remove(actor=uow.actor, now=uow.now)
    drop_ports(uow, node)
    release(uow, node_scope(node.organization_id), node.name, node.id)
    return {"node_id": node.id}
