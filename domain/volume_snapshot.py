"""Volume snapshots: an archive of a service's volume taken with the service quiesced, and the
restores of it into new volumes. Each step is an event, so a crash mid-way is visible and the
work resumes from the last recorded step, or fails at the deadline."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError, InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import validate_slug


class SnapshotState(Enum):
    """Where a snapshot is: each state names the step done last."""

    REQUESTED = "requested"
    QUIESCED = "quiesced"
    """The service's replicas are stopped: nothing writes to the volume."""
    ARCHIVED = "archived"
    """The archive is in the data directory, checksummed; the replicas are to start again."""
    COMPLETED = "completed"
    FAILED = "failed"


class VolumeSnapshot(ContainrAggregate):
    """An archive of one volume of a service in one environment."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        volume: str
        deadline: datetime

    class ReplicasStopped(ContainrAggregate.Event):
        containers: tuple[str, ...]
        """The live release's containers, to start again once archived."""

        def apply(self, aggregate: Any) -> None:
            aggregate.state = SnapshotState.QUIESCED
            aggregate.stopped = self.containers

    class Archived(ContainrAggregate.Event):
        file: str
        sha256: str
        size_bytes: int

        def apply(self, aggregate: Any) -> None:
            aggregate.state = SnapshotState.ARCHIVED
            aggregate.file, aggregate.sha256 = self.file, self.sha256
            aggregate.size_bytes = self.size_bytes

    class ReplicasStarted(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.state = SnapshotState.COMPLETED

    class Failed(ContainrAggregate.Event):
        step: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = SnapshotState.FAILED
            aggregate.reason = self.reason

    class RestoreRequested(ContainrAggregate.Event):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.restores[self.name] = None

    class Restored(ContainrAggregate.Event):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.restores[self.name] = "restored"

    class RestoreFailed(ContainrAggregate.Event):
        name: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.restores[self.name] = f"failed: {self.reason}"

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        volume: str,
        deadline: datetime,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.volume = volume
        self.deadline = deadline
        self.state = SnapshotState.REQUESTED
        self.stopped: tuple[str, ...] = ()
        self.file: str | None = None
        self.sha256: str | None = None
        self.size_bytes = 0
        self.reason = ""
        self.restores: dict[str, str | None] = {}
        """New volume name -> None while restoring, then "restored" or "failed: <why>"."""

    @classmethod
    def request(
        cls,
        snapshot_id: UUID,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        volume: str,
        deadline: datetime,
        actor: Actor,
        now: datetime,
    ) -> VolumeSnapshot:
        """Ask for an archive of a volume, done by ``deadline`` or failed then."""
        return cls._create(
            cls.Requested,
            id=snapshot_id,
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            volume=volume,
            deadline=deadline,
            actor=actor,
            timestamp=now,
        )

    @property
    def in_progress(self) -> bool:
        """Whether the snapshot's steps are still to be taken."""
        return self.state in (
            SnapshotState.REQUESTED,
            SnapshotState.QUIESCED,
            SnapshotState.ARCHIVED,
        )

    def replicas_stopped(self, containers: tuple[str, ...], *, actor: Actor, now: datetime) -> bool:
        """Report: the service is quiesced (once; a repeat changes nothing)."""
        if self.state is not SnapshotState.REQUESTED:
            return False
        self.trigger_event(self.ReplicasStopped, containers=containers, actor=actor, timestamp=now)
        return True

    def archived(
        self, file: str, sha256: str, size_bytes: int, *, actor: Actor, now: datetime
    ) -> bool:
        """Report: the archive is written and checksummed (once)."""
        if self.state is not SnapshotState.QUIESCED:
            return False
        self.trigger_event(
            self.Archived, file=file, sha256=sha256, size_bytes=size_bytes, actor=actor,
            timestamp=now,
        )  # fmt: skip
        return True

    def replicas_started(self, *, actor: Actor, now: datetime) -> bool:
        """Report: the replicas run again; the snapshot is complete (once)."""
        if self.state is not SnapshotState.ARCHIVED:
            return False
        self.trigger_event(self.ReplicasStarted, actor=actor, timestamp=now)
        return True

    def fail(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Report: the snapshot failed at its current step (once)."""
        if not self.in_progress:
            return False
        self.trigger_event(
            self.Failed, step=self.state.value, reason=reason[:500], actor=actor, timestamp=now
        )
        return True

    def request_restore(self, name: str, *, actor: Actor, now: datetime) -> None:
        """Restore the archive into a new volume ``name`` of the service."""
        validate_slug("name", name)
        if self.state is not SnapshotState.COMPLETED:
            raise InvalidTransitionError(
                f"snapshot {self.id} is {self.state.value}: only a completed snapshot restores"
            )
        if name == self.volume or name in self.restores:
            raise InvalidValueError(
                "name", f"{name!r} is taken; a snapshot restores into a new volume only"
            )
        self.trigger_event(self.RestoreRequested, name=name, actor=actor, timestamp=now)

    def pending_restores(self) -> list[str]:
        """The new volumes still to restore into."""
        return [name for name, outcome in self.restores.items() if outcome is None]

    def restore_ended(self, name: str, failure: str | None, *, actor: Actor, now: datetime) -> bool:
        """Report: a restore ended (once)."""
        if name not in self.restores:
            raise RuleViolatedError(f"no restore into {name!r} was asked of snapshot {self.id}")
        if self.restores[name] is not None:
            return False
        if failure is None:
            self.trigger_event(self.Restored, name=name, actor=actor, timestamp=now)
        else:
            self.trigger_event(
                self.RestoreFailed, name=name, reason=failure[:500], actor=actor, timestamp=now
            )
        return True
