"""A backup of a managed database, and the proof that it restores.

A backup is a logical dump streamed to a destination, then restored into a throw-away
database of the same engine and version whose tables and row counts (or key count) are
compared with those measured at dump time. Only then is it ``verified``: a backup that was
stored but did not restore as it should is ``verification failed``, never counted as kept.
Each step is an event, so a crash mid-way is visible and the work resumes from the step
recorded last, or fails at the deadline written when it was asked for.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError
from domain.ids import Actor, derived_id


class BackupState(Enum):
    """Where a backup is: each state names the step done last."""

    REQUESTED = "requested"
    DUMPING = "dumping"
    STORED = "stored"
    """The dump is at the destination with its checksum and the facts taken with it."""
    VERIFYING = "verifying"
    VERIFIED = "verified"
    VERIFICATION_FAILED = "verification_failed"
    FAILED = "failed"

    @property
    def in_progress(self) -> bool:
        """Whether steps are still to be taken."""
        return self in (
            BackupState.REQUESTED,
            BackupState.DUMPING,
            BackupState.STORED,
            BackupState.VERIFYING,
        )


class BackupTrigger(Enum):
    """Why a backup was taken."""

    SCHEDULED = "scheduled"
    MANUAL = "manual"
    BEFORE_RESTORE = "before_restore"


class Backup(ContainrAggregate):
    """One backup of one database service in one environment."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        plan_id: UUID | None
        trigger: str
        scheduled_at: datetime | None
        destination_id: UUID
        key: str
        engine: str
        engine_version: str
        deadline: datetime

    class DumpStarted(ContainrAggregate.Event):
        attempt: int

        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.DUMPING
            aggregate.dump_attempts = self.attempt

    class Stored(ContainrAggregate.Event):
        size_bytes: int
        sha256: str
        server_version: str
        tables: dict[str, int]
        keys: int | None

        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.STORED
            aggregate.size_bytes, aggregate.sha256 = self.size_bytes, self.sha256
            aggregate.server_version = self.server_version
            aggregate.tables, aggregate.keys = dict(self.tables), self.keys

    class VerificationStarted(ContainrAggregate.Event):
        attempt: int

        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.VERIFYING
            aggregate.verify_attempts = self.attempt

    class Verified(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.VERIFIED

    class VerificationFailed(ContainrAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.VERIFICATION_FAILED
            aggregate.reason = self.reason

    class Failed(ContainrAggregate.Event):
        step: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = BackupState.FAILED
            aggregate.reason = self.reason

    class Deleted(ContainrAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted, aggregate.deleted_reason = True, self.reason

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        plan_id: UUID | None,
        trigger: str,
        scheduled_at: datetime | None,
        destination_id: UUID,
        key: str,
        engine: str,
        engine_version: str,
        deadline: datetime,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.plan_id = plan_id
        self.trigger = BackupTrigger(trigger)
        self.scheduled_at = scheduled_at
        self.destination_id = destination_id
        self.key = key
        self.engine = engine
        self.engine_version = engine_version
        self.deadline = deadline
        self.state = BackupState.REQUESTED
        self.dump_attempts = 0
        self.verify_attempts = 0
        self.size_bytes = 0
        self.sha256: str | None = None
        self.server_version = ""
        self.tables: dict[str, int] = {}
        self.keys: int | None = None
        self.reason = ""
        self.deleted = False
        self.deleted_reason = ""

    @staticmethod
    def scheduled_id(plan_id: UUID, scheduled_at: datetime) -> UUID:
        """The backup of a plan's scheduled time: the same however often it is scheduled."""
        return derived_id("backup", plan_id, scheduled_at.isoformat())

    @staticmethod
    def requested_id(service_id: UUID, request: str) -> UUID:
        """The backup a "back up now" request (or a restore's safety backup) asks for."""
        return derived_id("backup-request", service_id, request)

    @classmethod
    def request(
        cls,
        backup_id: UUID,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        plan_id: UUID | None,
        trigger: BackupTrigger,
        scheduled_at: datetime | None,
        destination_id: UUID,
        engine: str,
        version: str,
        deadline: datetime,
        actor: Actor,
        now: datetime,
    ) -> Backup:
        """Ask for a backup, done (stored and verified) by ``deadline`` or failed then."""
        return cls._create(
            cls.Requested,
            id=backup_id,
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            plan_id=plan_id,
            trigger=trigger.value,
            scheduled_at=scheduled_at,
            destination_id=destination_id,
            key=f"{service_id}/{backup_id}.dump",
            engine=engine,
            engine_version=version,
            deadline=deadline,
            actor=actor,
            timestamp=now,
        )

    @property
    def taken_at(self) -> datetime:
        """The time retention counts the backup at."""
        return self.scheduled_at or self.created_on

    def start_dump(self, *, actor: Actor, now: datetime) -> bool:
        """Report: a dump attempt begins (again, after a crash mid-dump)."""
        if self.state not in (BackupState.REQUESTED, BackupState.DUMPING):
            return False
        self.trigger_event(
            self.DumpStarted, attempt=self.dump_attempts + 1, actor=actor, timestamp=now
        )
        return True

    def stored(
        self,
        *,
        size_bytes: int,
        sha256: str,
        server_version: str,
        tables: dict[str, int],
        keys: int | None,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Report: the dump is stored, with the facts measured with it (once)."""
        if self.state is not BackupState.DUMPING:
            return False
        self.trigger_event(
            self.Stored, size_bytes=size_bytes, sha256=sha256, server_version=server_version,
            tables=dict(tables), keys=keys, actor=actor, timestamp=now,
        )  # fmt: skip
        return True

    def start_verification(self, *, actor: Actor, now: datetime) -> bool:
        """Report: a restore into a throw-away database begins (again, after a crash)."""
        if self.state not in (BackupState.STORED, BackupState.VERIFYING):
            return False
        self.trigger_event(
            self.VerificationStarted, attempt=self.verify_attempts + 1, actor=actor, timestamp=now
        )
        return True

    def verification_ended(self, failure: str | None, *, actor: Actor, now: datetime) -> bool:
        """Report: the restore check passed (``failure`` None) or failed, saying why (once)."""
        if self.state is not BackupState.VERIFYING:
            return False
        if failure is None:
            self.trigger_event(self.Verified, actor=actor, timestamp=now)
        else:
            self.trigger_event(
                self.VerificationFailed, reason=failure[:500], actor=actor, timestamp=now
            )
        return True

    def fail(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Report: the backup failed at its current step (once)."""
        if not self.state.in_progress:
            return False
        self.trigger_event(
            self.Failed, step=self.state.value, reason=reason[:500], actor=actor, timestamp=now
        )
        return True

    def delete(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Record that the stored dump was deleted (by retention); False when it was already."""
        if self.state.in_progress:
            raise InvalidTransitionError(f"backup {self.id} is still {self.state.value}")
        if self.deleted:
            return False
        self.trigger_event(self.Deleted, reason=reason[:500], actor=actor, timestamp=now)
        return True
