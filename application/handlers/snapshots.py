"""Handlers for volume snapshots and their restores."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from application.commands import (
    ReportRestoreEnded,
    ReportSnapshotStep,
    RestoreSnapshot,
    SnapshotVolume,
)
from application.handlers.common import live_project, live_service
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidValueError
from domain.volume_snapshot import VolumeSnapshot

SNAPSHOT_DEADLINE = timedelta(minutes=15)
"""How long a snapshot may take, quiescing and restarting included, before it fails."""


def snapshot_volume(cmd: SnapshotVolume, uow: UnitOfWork) -> dict[str, UUID]:
    """Ask for an archive of one of a service's volumes in an environment."""
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    project.environment(cmd.environment_id)
    if cmd.volume not in {v.name for v in service.spec.volumes}:
        raise InvalidValueError("volume", f"service {service.name!r} has no volume {cmd.volume!r}")
    if service.spec.volume_per_replica:
        raise InvalidValueError(
            "volume", "snapshots of a volume per replica are not supported yet; snapshot a "
            "service whose replicas share their volumes",
        )  # fmt: skip
    snapshot = VolumeSnapshot.request(
        uuid4(),
        organization_id=service.organization_id,
        project_id=service.project_id,
        service_id=service.id,
        environment_id=cmd.environment_id,
        volume=cmd.volume,
        deadline=uow.now + SNAPSHOT_DEADLINE,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(snapshot)
    return {"snapshot_id": snapshot.id, "service_id": service.id}


def restore_snapshot(cmd: RestoreSnapshot, uow: UnitOfWork) -> dict[str, UUID]:
    """Restore a completed snapshot into a new volume of its service."""
    service = live_service(uow, cmd.service_id)
    snapshot = uow.get(VolumeSnapshot, cmd.snapshot_id, "snapshot")
    if snapshot.service_id != service.id:
        raise InvalidValueError("snapshot_id", f"snapshot {snapshot.id} is not of this service")
    if cmd.name in {v.name for v in service.spec.volumes}:
        raise InvalidValueError(
            "name", f"service {service.name!r} has a volume {cmd.name!r}; restore into a new one"
        )
    snapshot.request_restore(cmd.name, actor=uow.actor, now=uow.now)
    return {"snapshot_id": snapshot.id, "service_id": service.id}


def report_snapshot_step(cmd: ReportSnapshotStep, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a snapshot's step (repeats change nothing)."""
    snapshot = uow.get(VolumeSnapshot, cmd.snapshot_id, "snapshot")
    if cmd.step == "quiesced":
        snapshot.replicas_stopped(tuple(cmd.containers), actor=uow.actor, now=uow.now)
    elif cmd.step == "archived":
        snapshot.archived(cmd.file, cmd.sha256, cmd.size_bytes, actor=uow.actor, now=uow.now)
    elif cmd.step == "started":
        snapshot.replicas_started(actor=uow.actor, now=uow.now)
    else:
        snapshot.fail(cmd.reason, actor=uow.actor, now=uow.now)
    return {"snapshot_id": snapshot.id}


def report_restore_ended(cmd: ReportRestoreEnded, uow: UnitOfWork) -> dict[str, UUID]:
    """Record how a restore ended (once)."""
    snapshot = uow.get(VolumeSnapshot, cmd.snapshot_id, "snapshot")
    snapshot.restore_ended(cmd.name, cmd.failure, actor=uow.actor, now=uow.now)
    return {"snapshot_id": snapshot.id}
