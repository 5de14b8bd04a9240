"""The dashboard's Proxmox guests: their state and the operation in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.guest import Guest
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class GuestRow:
    """A guest Containr made on a cluster, its state and the operation in progress."""

    id: UUID
    organization_id: UUID
    cluster_id: UUID
    name: str
    kind: str
    node: str
    vmid: int | None
    state: str
    cores: int
    memory_mb: int
    disk_gb: int
    pending_action: str | None
    deadline: datetime | None
    failure: str | None
    node_id: UUID | None
    created_at: datetime
    updated_at: datetime
    position: int = 0
    cleanup_pending: str | None = None
    """Why what a failed create (or a deletion) left on the cluster is not removed yet."""
    cleanup_since: datetime | None = None
    drift: str | None = None
    """How the cluster shows the guest when that differs from ``state`` (missing: gone)."""


GUESTS = Table(
    "guests",
    GuestRow,
    ("id",),
    notices=(("guest", "id"), ("cluster", "cluster_id")),
    indexes=(("cluster_id",), ("organization_id",)),
)


class GuestHandlers:
    """Guests Containr made on Proxmox clusters."""

    @handles(Guest.Requested)
    def guest_requested(self, e: Guest.Requested, store: RowStore) -> None:
        """A guest is being created."""
        store.put(
            GUESTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "cluster_id": e.cluster_id,
                "name": e.settings.name,
                "kind": e.settings.kind.value,
                "node": e.settings.node,
                "vmid": None,
                "state": "creating",
                "cores": e.settings.cores,
                "memory_mb": e.settings.memory_mb,
                "disk_gb": e.settings.disk_gb,
                "pending_action": "create",
                "deadline": e.deadline,
                "failure": None,
                "node_id": None,
                "cleanup_pending": None,
                "cleanup_since": None,
                "drift": None,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
            },
        )

    @handles(Guest.OperationRequested)
    def guest_operation(self, e: Guest.OperationRequested, store: RowStore) -> None:
        """An operation on a guest began."""
        store.update(
            GUESTS,
            (e.originator_id,),
            pending_action=e.action.value,
            deadline=e.deadline,
            updated_at=e.timestamp,
        )

    @handles(Guest.Created)
    def guest_created(self, e: Guest.Created, store: RowStore) -> None:
        """The cluster has the guest."""
        store.update(
            GUESTS,
            (e.originator_id,),
            vmid=e.vmid,
            node=e.node,
            state="running" if e.running else "stopped",
            pending_action=None,
            deadline=None,
            failure=None,
            drift=None,
            updated_at=e.timestamp,
        )

    @handles(Guest.OperationSucceeded)
    def guest_succeeded(self, e: Guest.OperationSucceeded, store: RowStore) -> None:
        """An operation happened."""
        store.update(
            GUESTS,
            (e.originator_id,),
            state=e.state.value,
            pending_action=None,
            deadline=None,
            failure=None,
            drift=None,
            updated_at=e.timestamp,
        )

    @handles(Guest.OperationFailed)
    def guest_failed(self, e: Guest.OperationFailed, store: RowStore) -> None:
        """An operation failed."""
        row = store.get(GUESTS, e.originator_id)
        state = "failed" if e.action.value == "create" else (row or {}).get("state", "failed")
        store.update(
            GUESTS,
            (e.originator_id,),
            state=state,
            pending_action=None,
            deadline=None,
            failure=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Guest.CleanupPending)
    def guest_cleanup_pending(self, e: Guest.CleanupPending, store: RowStore) -> None:
        """Something of the guest is left on the cluster, still to be removed."""
        store.update(
            GUESTS,
            (e.originator_id,),
            cleanup_pending=e.reason,
            cleanup_since=e.timestamp,
            updated_at=e.timestamp,
        )

    @handles(Guest.CleanedUp)
    def guest_cleaned_up(self, e: Guest.CleanedUp, store: RowStore) -> None:
        """Nothing of the guest is left on the cluster."""
        store.update(
            GUESTS,
            (e.originator_id,),
            cleanup_pending=None,
            cleanup_since=None,
            updated_at=e.timestamp,
        )

    @handles(Guest.DriftDetected)
    def guest_drift(self, e: Guest.DriftDetected, store: RowStore) -> None:
        """The cluster shows the guest otherwise than recorded."""
        store.update(GUESTS, (e.originator_id,), drift=e.observed, updated_at=e.timestamp)

    @handles(Guest.DriftResolved)
    def guest_drift_resolved(self, e: Guest.DriftResolved, store: RowStore) -> None:
        """The cluster agrees with the record again."""
        store.update(GUESTS, (e.originator_id,), drift=None, updated_at=e.timestamp)

    @handles(Guest.RegisteredAsNode)
    def guest_node(self, e: Guest.RegisteredAsNode, store: RowStore) -> None:
        """The guest became a Containr node."""
        store.update(GUESTS, (e.originator_id,), node_id=e.node_id, updated_at=e.timestamp)
