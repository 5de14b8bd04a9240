"""The dashboard's Proxmox clusters and the nodes each one lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.cluster import Cluster
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class ClusterRow:
    """A Proxmox cluster (never its token secret)."""

    id: UUID
    organization_id: UUID
    name: str
    url: str
    token_id: str
    verify_tls: bool
    state: str
    unreachable_reason: str | None
    pve_version: str | None
    registered_at: datetime
    updated_at: datetime
    removed: bool
    position: int = 0
    stray_guests: list[str] = field(default_factory=list)
    """Guests (``"<vmid> <name> on <node>"``) carrying a Containr tag no guest here has."""


@dataclass(frozen=True)
class ClusterNodeRow:
    """A node of a Proxmox cluster and whether it is online."""

    organization_id: UUID
    cluster_id: UUID
    node: str
    online: bool
    since: datetime
    reason: str | None
    position: int = 0


CLUSTERS = Table(
    "clusters",
    ClusterRow,
    ("id",),
    notices=(("cluster", "id"), ("organization_clusters", "organization_id")),
    indexes=(("organization_id",),),
)
CLUSTER_NODES = Table(
    "cluster_nodes",
    ClusterNodeRow,
    ("cluster_id", "node"),
    notices=(("cluster", "cluster_id"),),
)


class ClusterHandlers:
    """Proxmox clusters and whether their nodes are online."""

    @handles(Cluster.Registered)
    def cluster_registered(self, e: Cluster.Registered, store: RowStore) -> None:
        """A cluster was connected."""
        store.put(
            CLUSTERS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "url": e.url,
                "token_id": e.token_id,
                "verify_tls": e.verify_tls,
                "state": "unknown",
                "unreachable_reason": None,
                "pve_version": None,
                "registered_at": e.timestamp,
                "updated_at": e.timestamp,
                "removed": False,
                "stray_guests": [],
            },
        )

    @handles(Cluster.CredentialsChanged)
    def cluster_credentials(self, e: Cluster.CredentialsChanged, store: RowStore) -> None:
        """Another token."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            token_id=e.token_id,
            verify_tls=e.verify_tls,
            updated_at=e.timestamp,
        )

    @handles(Cluster.BecameUnreachable)
    def cluster_unreachable(self, e: Cluster.BecameUnreachable, store: RowStore) -> None:
        """The cluster's API stopped answering."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            state="unreachable",
            unreachable_reason=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Cluster.Recovered)
    def cluster_recovered(self, e: Cluster.Recovered, store: RowStore) -> None:
        """The cluster answers."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            state="online",
            unreachable_reason=None,
            pve_version=e.version,
            updated_at=e.timestamp,
        )

    @handles(Cluster.NodeCameOnline, Cluster.NodeWentOffline)
    def cluster_node_changed(self, e: Any, store: RowStore) -> None:
        """A node of the cluster came online or went offline."""
        cluster = store.get(CLUSTERS, e.originator_id)
        store.put(
            CLUSTER_NODES,
            {
                "cluster_id": e.originator_id,
                "organization_id": cluster["organization_id"] if cluster else None,
                "node": e.node,
                "online": isinstance(e, Cluster.NodeCameOnline),
                "since": e.timestamp,
                "reason": getattr(e, "reason", None),
            },
        )
        store.update(CLUSTERS, (e.originator_id,), updated_at=e.timestamp)

    @handles(Cluster.NodeDisappeared)
    def cluster_node_gone(self, e: Cluster.NodeDisappeared, store: RowStore) -> None:
        """The cluster no longer lists a node."""
        store.delete(CLUSTER_NODES, e.originator_id, e.node)

    @handles(Cluster.StrayGuestsChanged)
    def cluster_strays(self, e: Cluster.StrayGuestsChanged, store: RowStore) -> None:
        """Guests tagged by a Containr this installation is not were found (or went)."""
        store.update(
            CLUSTERS, (e.originator_id,), stray_guests=list(e.guests), updated_at=e.timestamp
        )

    @handles(Cluster.Removed)
    def cluster_removed(self, e: Cluster.Removed, store: RowStore) -> None:
        """The cluster was forgotten."""
        store.update(CLUSTERS, (e.originator_id,), removed=True, updated_at=e.timestamp)
