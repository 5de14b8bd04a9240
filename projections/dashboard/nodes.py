"""The dashboard's nodes and whether they take work."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.node import DEFAULT_PORT_RANGE, Node, default_address
from projections.base import handles
from projections.dashboard.deployments import DEPLOYMENTS
from projections.dashboard.services import SERVICES
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class NodeRow:
    """A node and whether it takes work."""

    id: UUID
    organization_id: UUID
    name: str
    kind: str
    endpoint: str
    cpu_millis: int
    memory_mb: int
    labels: dict[str, str]
    state: str
    schedule_state: str
    unreachable_reason: str | None
    registered_at: datetime
    updated_at: datetime
    removed: bool
    position: int = 0
    vcpu_hour_price: float | None = None
    """The node's own price per vCPU-hour (None: the organisation's; issue 16)."""
    gb_hour_price: float | None = None
    address: str = "127.0.0.1"
    """The address the ingress reaches the node's published ports at (issue 18)."""
    tls_fingerprint: str | None = None
    """For a tcp:// engine reached with client certificates: a digest of that material
    (its key sealed), which changes whenever it is rotated; None: no TLS material."""
    port_start: int = DEFAULT_PORT_RANGE.start
    """The first host port its replicas publish on (issue 18)."""
    port_end: int = DEFAULT_PORT_RANGE.end
    """The last host port its replicas publish on."""
    ports_allocated: int = 0
    """How many ports of the node replicas hold now."""


NODES = Table(
    "nodes",
    NodeRow,
    ("id",),
    notices=(("node", "id"), ("organization_nodes", "organization_id")),
    indexes=(("organization_id",),),
)


@dataclass(frozen=True)
class NodePortRow:
    """A host port of a node that a release's replica holds (issue 18)."""

    node_id: UUID
    port: int
    organization_id: UUID
    deployment_id: UUID
    replica: int
    service_id: UUID | None
    """The release's service (None: a release the dashboard does not know)."""
    service_name: str | None
    environment_id: UUID | None
    allocated_at: datetime
    position: int = 0


NODE_PORTS = Table(
    "node_ports",
    NodePortRow,
    ("node_id", "port"),
    notices=(("node", "node_id"),),
    indexes=(("node_id",),),
)


class NodeHandlers:
    """Nodes: their capacity, labels, and reachable and scheduling states."""

    @handles(Node.Registered)
    def node_registered(self, e: Node.Registered, store: RowStore) -> None:
        """A node joined."""
        store.put(
            NODES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "kind": e.kind.value,
                "endpoint": e.endpoint,
                "cpu_millis": e.capacity.cpu_millis,
                "memory_mb": e.capacity.memory_mb,
                "labels": dict(e.labels),
                "state": "ready",
                "schedule_state": "ready",
                "unreachable_reason": None,
                "registered_at": e.timestamp,
                "updated_at": e.timestamp,
                "removed": False,
                "address": default_address(e.endpoint),
                "port_start": DEFAULT_PORT_RANGE.start,
                "port_end": DEFAULT_PORT_RANGE.end,
                "ports_allocated": 0,
            },
        )

    @handles(Node.PortRangeSet)
    def node_port_range_set(self, e: Node.PortRangeSet, store: RowStore) -> None:
        """Replicas placed from now on publish on another range."""
        store.update(
            NODES, (e.originator_id,), port_start=e.start, port_end=e.end, updated_at=e.timestamp
        )

    @handles(Node.PortAllocated)
    def node_port_allocated(self, e: Node.PortAllocated, store: RowStore) -> None:
        """A release's replica holds a port of the node."""
        node = store.get(NODES, e.originator_id)
        if node is None:
            return
        release = store.get(DEPLOYMENTS, e.deployment_id)
        service = None if release is None else store.get(SERVICES, release["service_id"])
        held = store.get(NODE_PORTS, e.originator_id, e.port)
        store.put(
            NODE_PORTS,
            {
                "node_id": e.originator_id,
                "port": e.port,
                "organization_id": node["organization_id"],
                "deployment_id": e.deployment_id,
                "replica": e.replica,
                "service_id": None if release is None else release["service_id"],
                "service_name": None if service is None else service["name"],
                "environment_id": None if release is None else release["environment_id"],
                "allocated_at": e.timestamp,
            },
        )
        if held is None:
            store.update(NODES, (e.originator_id,), ports_allocated=node["ports_allocated"] + 1)

    @handles(Node.PortsReleased)
    def node_ports_released(self, e: Node.PortsReleased, store: RowStore) -> None:
        """A release's replicas are gone: their ports are free."""
        node = store.get(NODES, e.originator_id)
        if node is None:
            return
        freed = 0
        for port in e.ports:
            if store.get(NODE_PORTS, e.originator_id, port) is not None:
                store.delete(NODE_PORTS, e.originator_id, port)
                freed += 1
        if freed:
            store.update(
                NODES, (e.originator_id,), ports_allocated=max(0, node["ports_allocated"] - freed)
            )

    @handles(Node.AddressSet)
    def node_address_set(self, e: Node.AddressSet, store: RowStore) -> None:
        """A new advertised address (or the endpoint's again)."""
        row = store.get(NODES, e.originator_id)
        if row is not None:
            address = e.address or default_address(row["endpoint"])
            store.update(NODES, (e.originator_id,), address=address, updated_at=e.timestamp)

    @handles(Node.TlsConfigured, Node.TlsCleared)
    def node_tls_changed(self, e: Any, store: RowStore) -> None:
        """New TLS material for the engine (or none)."""
        fingerprint = None
        if isinstance(e, Node.TlsConfigured):
            material = "\0".join((e.ca_cert, e.client_cert, e.client_key)).encode()
            fingerprint = hashlib.sha256(material).hexdigest()
        store.update(NODES, (e.originator_id,), tls_fingerprint=fingerprint, updated_at=e.timestamp)

    @handles(Node.Relabelled)
    def node_relabelled(self, e: Node.Relabelled, store: RowStore) -> None:
        """New labels."""
        store.update(NODES, (e.originator_id,), labels=dict(e.labels), updated_at=e.timestamp)

    @handles(Node.PricesSet)
    def node_prices_set(self, e: Node.PricesSet, store: RowStore) -> None:
        """The node's own prices, or the organisation's again."""
        store.update(
            NODES,
            (e.originator_id,),
            vcpu_hour_price=None if e.prices is None else e.prices.vcpu_hour,
            gb_hour_price=None if e.prices is None else e.prices.gb_hour,
            updated_at=e.timestamp,
        )

    @handles(Node.CapacityChanged)
    def node_capacity_changed(self, e: Node.CapacityChanged, store: RowStore) -> None:
        """New capacity."""
        store.update(
            NODES,
            (e.originator_id,),
            cpu_millis=e.capacity.cpu_millis,
            memory_mb=e.capacity.memory_mb,
            updated_at=e.timestamp,
        )

    @handles(Node.Cordoned, Node.DrainStarted, Node.Uncordoned)
    def node_scheduling_changed(self, e: Any, store: RowStore) -> None:
        """Cordoned, draining or ready again; an unreachable node stays shown unreachable."""
        schedule = {"Cordoned": "cordoned", "DrainStarted": "draining", "Uncordoned": "ready"}
        row = store.get(NODES, e.originator_id)
        if row is None:
            return
        schedule_state = schedule[type(e).__name__]
        state = "unreachable" if row["unreachable_reason"] is not None else schedule_state
        store.update(
            NODES,
            (e.originator_id,),
            state=state,
            schedule_state=schedule_state,
            updated_at=e.timestamp,
        )

    @handles(Node.BecameUnreachable)
    def node_unreachable(self, e: Node.BecameUnreachable, store: RowStore) -> None:
        """The node stopped answering."""
        store.update(
            NODES,
            (e.originator_id,),
            state="unreachable",
            unreachable_reason=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Node.BecameReachable)
    def node_reachable(self, e: Node.BecameReachable, store: RowStore) -> None:
        """The node answers again, in the scheduling state it had."""
        row = store.get(NODES, e.originator_id)
        if row is not None:
            store.update(
                NODES,
                (e.originator_id,),
                state=row["schedule_state"],
                unreachable_reason=None,
                updated_at=e.timestamp,
            )

    @handles(Node.Removed)
    def node_removed(self, e: Node.Removed, store: RowStore) -> None:
        """The node is gone."""
        store.update(NODES, (e.originator_id,), removed=True, updated_at=e.timestamp)
