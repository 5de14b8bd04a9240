"""The dashboard's volume snapshots: each step, the archive's checksum, and the restores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.volume_snapshot import VolumeSnapshot
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class SnapshotRow:
    """A snapshot of a service's volume in an environment, and the restores of it."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    volume: str
    state: str
    reason: str
    sha256: str | None
    size_bytes: int
    requested_at: datetime
    updated_at: datetime
    deadline: datetime
    busy: bool
    """Steps or restores are still to be taken (what the snapshot process looks at)."""
    restores: list[dict[str, Any]]
    """Each ``{"name", "state": "restoring" | "restored" | "failed", "reason"}``."""
    position: int = 0


SNAPSHOTS = Table(
    "volume_snapshots",
    SnapshotRow,
    ("id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("service_id", "requested_at"), ("busy",)),
)
_IN_PROGRESS = ("requested", "quiesced", "archived")


def _busy(state: str, restores: list[dict[str, Any]]) -> bool:
    return state in _IN_PROGRESS or any(r["state"] == "restoring" for r in restores)


class SnapshotHandlers:
    """Snapshots and restores, step by step."""

    @handles(VolumeSnapshot.Requested)
    def snapshot_requested(self, e: VolumeSnapshot.Requested, store: RowStore) -> None:
        """A snapshot was asked for."""
        store.put(
            SNAPSHOTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "volume": e.volume,
                "state": "requested",
                "reason": "",
                "sha256": None,
                "size_bytes": 0,
                "requested_at": e.timestamp,
                "updated_at": e.timestamp,
                "deadline": e.deadline,
                "busy": True,
                "restores": [],
            },
        )

    def _step(self, e: Any, store: RowStore, state: str, **changes: Any) -> None:
        row = store.get(SNAPSHOTS, e.originator_id)
        if row is not None:
            restores = changes.pop("restores", row["restores"])
            store.update(
                SNAPSHOTS,
                (e.originator_id,),
                state=state,
                restores=restores,
                busy=_busy(state, restores),
                updated_at=e.timestamp,
                **changes,
            )

    @handles(VolumeSnapshot.ReplicasStopped)
    def snapshot_quiesced(self, e: VolumeSnapshot.ReplicasStopped, store: RowStore) -> None:
        """The service's replicas are stopped."""
        self._step(e, store, "quiesced")

    @handles(VolumeSnapshot.Archived)
    def snapshot_archived(self, e: VolumeSnapshot.Archived, store: RowStore) -> None:
        """The archive is written."""
        self._step(e, store, "archived", sha256=e.sha256, size_bytes=e.size_bytes)

    @handles(VolumeSnapshot.ReplicasStarted)
    def snapshot_completed(self, e: VolumeSnapshot.ReplicasStarted, store: RowStore) -> None:
        """The replicas run again: done."""
        self._step(e, store, "completed")

    @handles(VolumeSnapshot.Failed)
    def snapshot_failed(self, e: VolumeSnapshot.Failed, store: RowStore) -> None:
        """It failed."""
        self._step(e, store, "failed", reason=f"{e.step}: {e.reason}")

    def _restore(self, e: Any, store: RowStore, state: str, reason: str = "") -> None:
        row = store.get(SNAPSHOTS, e.originator_id)
        if row is None:
            return
        restores = [r for r in row["restores"] if r["name"] != e.name]
        restores.append({"name": e.name, "state": state, "reason": reason})
        self._step(e, store, row["state"], restores=restores)

    @handles(VolumeSnapshot.RestoreRequested)
    def restore_requested(self, e: VolumeSnapshot.RestoreRequested, store: RowStore) -> None:
        """A restore into a new volume was asked for."""
        self._restore(e, store, "restoring")

    @handles(VolumeSnapshot.Restored)
    def restored(self, e: VolumeSnapshot.Restored, store: RowStore) -> None:
        """A restore is done."""
        self._restore(e, store, "restored")

    @handles(VolumeSnapshot.RestoreFailed)
    def restore_failed(self, e: VolumeSnapshot.RestoreFailed, store: RowStore) -> None:
        """A restore failed."""
        self._restore(e, store, "failed", e.reason)
