"""The dashboard's database backups: each backup's step and proof, the plans, the restores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.backup import Backup
from domain.backup_plan import BackupPlan
from domain.database_restore import DatabaseRestore
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class BackupRow:
    """A backup of a database service in an environment, and whether it proved to restore."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    plan_id: UUID | None
    trigger: str
    destination_id: UUID
    key: str
    engine: str
    version: str
    state: str
    reason: str
    size_bytes: int
    sha256: str | None
    server_version: str
    tables: dict[str, Any]
    """Rows per table at dump time."""
    keys: int | None
    requested_at: datetime
    taken_at: datetime
    """Its scheduled time (or when it was asked for): what retention counts."""
    updated_at: datetime
    deadline: datetime
    busy: bool
    """Steps are still to be taken (what the backup process looks at)."""
    deleted: bool
    deleted_reason: str
    position: int = 0


@dataclass(frozen=True)
class BackupPlanRow:
    """A database service's backup plan in an environment."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    schedule: str
    timezone: str | None
    destination_id: UUID
    daily: int
    weekly: int
    monthly: int
    enabled: bool
    active: bool
    since: datetime
    position: int = 0


@dataclass(frozen=True)
class DatabaseRestoreRow:
    """A restore of a backup into a database service (its target)."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    backup_id: UUID
    service_id: UUID
    environment_id: UUID
    into: str
    forced: bool
    safety_backup_id: UUID | None
    state: str
    reason: str
    requested_at: datetime
    updated_at: datetime
    deadline: datetime
    busy: bool
    position: int = 0


BACKUPS = Table(
    "database_backups",
    BackupRow,
    ("id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("service_id", "requested_at"), ("busy",), ("plan_id", "taken_at")),
)
BACKUP_PLANS = Table(
    "backup_plans",
    BackupPlanRow,
    ("id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("service_id",), ("active",)),
)
DATABASE_RESTORES = Table(
    "database_restores",
    DatabaseRestoreRow,
    ("id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("service_id", "requested_at"), ("busy",)),
)
_BUSY = ("requested", "dumping", "stored", "verifying")


class BackupHandlers:
    """Backups step by step, plans and restores."""

    @handles(Backup.Requested)
    def backup_requested(self, e: Backup.Requested, store: RowStore) -> None:
        """A backup was asked for."""
        store.put(
            BACKUPS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "plan_id": e.plan_id,
                "trigger": e.trigger,
                "destination_id": e.destination_id,
                "key": e.key,
                "engine": e.engine,
                "version": e.engine_version,
                "state": "requested",
                "reason": "",
                "size_bytes": 0,
                "sha256": None,
                "server_version": "",
                "tables": {},
                "keys": None,
                "requested_at": e.timestamp,
                "taken_at": e.scheduled_at or e.timestamp,
                "updated_at": e.timestamp,
                "deadline": e.deadline,
                "busy": True,
                "deleted": False,
                "deleted_reason": "",
            },
        )

    def _backup_row(self, e: Any, store: RowStore, state: str | None, **changes: Any) -> None:
        if store.get(BACKUPS, e.originator_id) is None:
            return
        if state is not None:
            changes.update(state=state, busy=state in _BUSY)
        store.update(BACKUPS, (e.originator_id,), updated_at=e.timestamp, **changes)

    @handles(Backup.DumpStarted)
    def backup_dumping(self, e: Backup.DumpStarted, store: RowStore) -> None:
        """A dump attempt began."""
        self._backup_row(e, store, "dumping")

    @handles(Backup.Stored)
    def backup_stored(self, e: Backup.Stored, store: RowStore) -> None:
        """The dump is stored."""
        self._backup_row(
            e, store, "stored", size_bytes=e.size_bytes, sha256=e.sha256,
            server_version=e.server_version, tables=dict(e.tables), keys=e.keys,
        )  # fmt: skip

    @handles(Backup.VerificationStarted)
    def backup_verifying(self, e: Backup.VerificationStarted, store: RowStore) -> None:
        """The restore check began."""
        self._backup_row(e, store, "verifying")

    @handles(Backup.Verified)
    def backup_verified(self, e: Backup.Verified, store: RowStore) -> None:
        """The restore check passed."""
        self._backup_row(e, store, "verified")

    @handles(Backup.VerificationFailed)
    def backup_verification_failed(self, e: Backup.VerificationFailed, store: RowStore) -> None:
        """The restore check failed."""
        self._backup_row(e, store, "verification_failed", reason=e.reason)

    @handles(Backup.Failed)
    def backup_failed(self, e: Backup.Failed, store: RowStore) -> None:
        """The backup failed."""
        self._backup_row(e, store, "failed", reason=f"{e.step}: {e.reason}")

    @handles(Backup.Deleted)
    def backup_deleted(self, e: Backup.Deleted, store: RowStore) -> None:
        """Retention deleted the stored dump."""
        self._backup_row(e, store, None, deleted=True, deleted_reason=e.reason)

    @handles(BackupPlan.Set)
    def backup_plan_set(self, e: BackupPlan.Set, store: RowStore) -> None:
        """A first plan."""
        store.put(
            BACKUP_PLANS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "schedule": e.schedule,
                "timezone": e.timezone,
                "destination_id": e.destination_id,
                "daily": e.daily,
                "weekly": e.weekly,
                "monthly": e.monthly,
                "enabled": e.enabled,
                "active": e.enabled,
                "since": e.timestamp,
            },
        )

    @handles(BackupPlan.Changed)
    def backup_plan_changed(self, e: BackupPlan.Changed, store: RowStore) -> None:
        """New settings."""
        if store.get(BACKUP_PLANS, e.originator_id) is not None:
            store.update(
                BACKUP_PLANS, (e.originator_id,), schedule=e.schedule, timezone=e.timezone,
                destination_id=e.destination_id, daily=e.daily, weekly=e.weekly,
                monthly=e.monthly, enabled=e.enabled, active=e.enabled, since=e.timestamp,
            )  # fmt: skip

    @handles(BackupPlan.Removed)
    def backup_plan_removed(self, e: BackupPlan.Removed, store: RowStore) -> None:
        """No more scheduled backups."""
        if store.get(BACKUP_PLANS, e.originator_id) is not None:
            store.delete(BACKUP_PLANS, e.originator_id)

    @handles(DatabaseRestore.Requested)
    def database_restore_requested(self, e: DatabaseRestore.Requested, store: RowStore) -> None:
        """A restore was asked for: its target shows as restoring."""
        store.put(
            DATABASE_RESTORES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "backup_id": e.backup_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "into": e.into,
                "forced": e.forced,
                "safety_backup_id": e.safety_backup_id,
                "state": "requested",
                "reason": "",
                "requested_at": e.timestamp,
                "updated_at": e.timestamp,
                "deadline": e.deadline,
                "busy": True,
            },
        )

    def _database_restore_row(self, e: Any, store: RowStore, state: str, reason: str = "") -> None:
        if store.get(DATABASE_RESTORES, e.originator_id) is not None:
            store.update(
                DATABASE_RESTORES, (e.originator_id,), state=state, reason=reason,
                busy=state in ("requested", "restoring"), updated_at=e.timestamp,
            )  # fmt: skip

    @handles(DatabaseRestore.Started)
    def database_restore_started(self, e: DatabaseRestore.Started, store: RowStore) -> None:
        """The dump goes into the target."""
        self._database_restore_row(e, store, "restoring")

    @handles(DatabaseRestore.Restored)
    def database_restore_done(self, e: DatabaseRestore.Restored, store: RowStore) -> None:
        """Restored and checked."""
        self._database_restore_row(e, store, "restored")

    @handles(DatabaseRestore.Failed)
    def database_restore_failed(self, e: DatabaseRestore.Failed, store: RowStore) -> None:
        """The restore failed."""
        self._database_restore_row(e, store, "failed", f"{e.step}: {e.reason}")
