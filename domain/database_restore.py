"""A restore of a backup into a database service: the same one (after an automatic backup
of what it holds now) or a new one of the same engine and version.

A restore is visible from the moment it is asked for until it ends: the target is marked
restoring, and a restore that did not end by its deadline fails saying the database may be
partly restored (and which automatic backup holds what it had before)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.backup import Backup, BackupState
from domain.base import ContainrAggregate
from domain.errors import RuleViolatedError
from domain.ids import Actor


class RestoreInto(Enum):
    """Which database a backup is restored into."""

    SAME = "same"
    NEW = "new"


class RestoreState(Enum):
    """Where a restore is."""

    REQUESTED = "requested"
    """Waiting for its automatic backup (same) or for the new database to run (new)."""
    RESTORING = "restoring"
    RESTORED = "restored"
    FAILED = "failed"


def _major(engine: str, version: str) -> tuple[int, ...]:
    try:
        parts = tuple(int(p) for p in version.split("."))
    except ValueError:
        return ()
    return parts[:2] if engine == "mysql" else parts[:1]


def check_restorable(backup: Backup, engine: str, version: str, *, forced: bool) -> None:
    """Refuse (RuleViolatedError, saying why) a backup that may not go into a database of
    ``engine`` and ``version``: not verified (unless forced), deleted, another engine, or a
    newer major version (a dump restores into the same or a newer major only)."""
    if backup.deleted:
        raise RuleViolatedError(
            f"backup {backup.id} was deleted ({backup.deleted_reason}); pick another backup"
        )
    if backup.state is BackupState.VERIFICATION_FAILED and not forced:
        raise RuleViolatedError(
            f"backup {backup.id} failed its restore check ({backup.reason}); restore it anyway "
            "only with force"
        )
    if backup.state is not BackupState.VERIFIED and backup.state is not (
        BackupState.VERIFICATION_FAILED
    ):
        raise RuleViolatedError(
            f"backup {backup.id} is {backup.state.value.replace('_', ' ')}: only a stored and "
            "verified backup restores"
        )
    if backup.engine != engine:
        raise RuleViolatedError(
            f"backup {backup.id} is of a {backup.engine} database; it cannot go into {engine}"
        )
    if _major(backup.engine, backup.engine_version) > _major(engine, version):
        raise RuleViolatedError(
            f"backup {backup.id} is of {engine} {backup.engine_version}, newer than {version}: "
            "a dump restores into the same or a newer major version only"
        )


class DatabaseRestore(ContainrAggregate):
    """One restore of a backup into a database service in an environment."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        backup_id: UUID
        service_id: UUID
        """The target: the backup's own service, or the new one."""
        environment_id: UUID
        into: str
        forced: bool
        safety_backup_id: UUID | None
        deadline: datetime

    class Started(ContainrAggregate.Event):
        attempt: int

        def apply(self, aggregate: Any) -> None:
            aggregate.state = RestoreState.RESTORING
            aggregate.attempts = self.attempt

    class Restored(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.state = RestoreState.RESTORED

    class Failed(ContainrAggregate.Event):
        step: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = RestoreState.FAILED
            aggregate.reason = self.reason

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        backup_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        into: str,
        forced: bool,
        safety_backup_id: UUID | None,
        deadline: datetime,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.backup_id = backup_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.into = RestoreInto(into)
        self.forced = forced
        self.safety_backup_id = safety_backup_id
        self.deadline = deadline
        self.state = RestoreState.REQUESTED
        self.attempts = 0
        self.reason = ""

    @classmethod
    def request(
        cls,
        restore_id: UUID,
        *,
        organization_id: UUID,
        project_id: UUID,
        backup_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        into: RestoreInto,
        forced: bool,
        safety_backup_id: UUID | None,
        deadline: datetime,
        actor: Actor,
        now: datetime,
    ) -> DatabaseRestore:
        """Ask for a restore, ended by ``deadline`` or failed then."""
        return cls._create(
            cls.Requested,
            id=restore_id,
            organization_id=organization_id,
            project_id=project_id,
            backup_id=backup_id,
            service_id=service_id,
            environment_id=environment_id,
            into=into.value,
            forced=forced,
            safety_backup_id=safety_backup_id,
            deadline=deadline,
            actor=actor,
            timestamp=now,
        )

    @property
    def in_progress(self) -> bool:
        """Whether the restore is still to end (its target shows as restoring)."""
        return self.state in (RestoreState.REQUESTED, RestoreState.RESTORING)

    def start(self, *, actor: Actor, now: datetime) -> bool:
        """Report: the dump begins to go into the target (again, after a crash)."""
        if not self.in_progress:
            return False
        self.trigger_event(self.Started, attempt=self.attempts + 1, actor=actor, timestamp=now)
        return True

    def ended(self, failure: str | None, *, actor: Actor, now: datetime) -> bool:
        """Report: the restore ended, checked against the backup's facts, or failed (once)."""
        if not self.in_progress:
            return False
        if failure is None:
            if self.state is not RestoreState.RESTORING:
                return False
            self.trigger_event(self.Restored, actor=actor, timestamp=now)
        else:
            self.trigger_event(
                self.Failed, step=self.state.value, reason=failure[:500], actor=actor,
                timestamp=now,
            )  # fmt: skip
        return True
