"""Handlers for backup destinations (issue 15): the S3 secret is sealed before any event.

The settings were tested with a write on the way in (BackupDestinationCheck); the handler
checks them again (the same pure checks) and records them."""

from __future__ import annotations

from uuid import UUID, uuid4

from application import commands as c
from application.backup_destinations import planned_create, planned_update
from application.errors import NotFoundError
from application.unit_of_work import UnitOfWork
from domain.backup_destination import BackupDestination
from domain.organization import Organization


def live_destination(uow: UnitOfWork, destination_id: UUID) -> BackupDestination:
    """A destination that exists and is not removed (NotFoundError otherwise)."""
    destination = uow.get(BackupDestination, destination_id, "backup destination")
    if destination.removed:
        raise NotFoundError("backup destination", destination_id, field="destination_id")
    return destination


def create_backup_destination(cmd: c.CreateBackupDestination, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a destination of the organisation, its secret sealed."""
    uow.get(Organization, cmd.organization_id, "organization")
    planned = planned_create(cmd)
    destination_id = uuid4()
    sealed = None
    if planned.secret is not None:
        sealed = uow.secrets.seal(
            cmd.organization_id, BackupDestination.secret_context(destination_id), planned.secret
        )
    uow.add(
        BackupDestination.create(
            destination_id,
            organization_id=cmd.organization_id,
            name=planned.name,
            place=planned.place,
            secret_access_key=sealed,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"destination_id": destination_id}


def update_backup_destination(cmd: c.UpdateBackupDestination, uow: UnitOfWork) -> dict[str, UUID]:
    """New settings for a destination (a new secret sealed; none given: it keeps its own)."""
    destination = live_destination(uow, cmd.destination_id)
    planned = planned_update(cmd, destination)
    sealed = None
    if planned.secret is not None:
        sealed = uow.secrets.seal(
            destination.organization_id,
            BackupDestination.secret_context(destination.id),
            planned.secret,
        )
    destination.change(
        name=planned.name,
        place=planned.place,
        secret_access_key=sealed,
        actor=uow.actor,
        now=uow.now,
    )
    return {"destination_id": destination.id}


def remove_backup_destination(cmd: c.RemoveBackupDestination, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop using a destination."""
    destination = live_destination(uow, cmd.destination_id)
    destination.remove(actor=uow.actor, now=uow.now)
    return {"destination_id": destination.id}
