"""The dashboard's backup destinations (issue 15): never their secret access key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.backup_destination import BackupDestination
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class BackupDestinationRow:
    """A place an organisation's backups go: a directory on the node, or S3."""

    id: UUID
    organization_id: UUID
    name: str
    kind: str
    """``directory`` or ``s3``."""
    path: str | None
    endpoint_url: str | None
    region: str | None
    bucket: str | None
    prefix: str | None
    access_key_id: str | None
    created_at: datetime
    updated_at: datetime
    removed: bool
    position: int = 0


BACKUP_DESTINATIONS = Table(
    "backup_destinations",
    BackupDestinationRow,
    ("id",),
    notices=(
        ("backup_destination", "id"),
        ("organization_backup_destinations", "organization_id"),
    ),
    indexes=(("organization_id",),),
)


class BackupDestinationHandlers:
    """Backup destinations as they are added, changed and removed."""

    @handles(BackupDestination.Created)
    def backup_destination_created(self, e: BackupDestination.Created, store: RowStore) -> None:
        """A destination was added (after a test write)."""
        store.put(
            BACKUP_DESTINATIONS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "kind": e.kind.value,
                "path": e.path,
                "endpoint_url": e.endpoint_url,
                "region": e.region,
                "bucket": e.bucket,
                "prefix": e.prefix,
                "access_key_id": e.access_key_id,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "removed": False,
            },
        )

    @handles(BackupDestination.Changed)
    def backup_destination_changed(self, e: BackupDestination.Changed, store: RowStore) -> None:
        """New settings (tested by a write first)."""
        store.update(
            BACKUP_DESTINATIONS,
            (e.originator_id,),
            name=e.name,
            path=e.path,
            endpoint_url=e.endpoint_url,
            region=e.region,
            bucket=e.bucket,
            prefix=e.prefix,
            access_key_id=e.access_key_id,
            updated_at=e.timestamp,
        )

    @handles(BackupDestination.Removed)
    def backup_destination_removed(self, e: BackupDestination.Removed, store: RowStore) -> None:
        """The destination is no longer used."""
        store.update(BACKUP_DESTINATIONS, (e.originator_id,), removed=True, updated_at=e.timestamp)
