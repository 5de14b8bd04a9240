"""Handlers for services."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any
from uuid import UUID, uuid4

from msgspec import UNSET

from application.commands import (
    CreateService,
    DeleteService,
    RemoveVolume,
    ScaleService,
    UpdateService,
)
from application.cron import check_cron, check_timezone
from application.errors import InvalidValueError
from application.handlers.common import (
    live_project,
    live_service,
    release,
    reserve_service_name,
    service_scope,
)
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import ServiceSpec
from domain.values import SealedValue

# Every setting of a service spec but its kind: commands carry any of them by the same name.
_SPEC_FIELDS = tuple(f.name for f in fields(ServiceSpec) if f.name != "kind")
# What createDatabase sets from the engine's profile: a managed database keeps them (its
# version changes with updateDatabase; a shared data volume must stay one replica's).
_DATABASE_MANAGED = (
    "git",
    "image",
    "build",
    "start_command",
    "port",
    "health_check",
    "volumes",
    "volume_per_replica",
    "cron_schedule",
    "metrics_endpoint",
)


def _settings(cmd: CreateService | UpdateService) -> dict[str, Any]:
    """The spec settings a command gives (those left out, UNSET, are not given)."""
    given = {
        name: getattr(cmd, name) for name in _SPEC_FIELDS if getattr(cmd, name, UNSET) is not UNSET
    }
    if "volumes" in given:
        given["volumes"] = tuple(given["volumes"])
    if "domains" in given:
        given["domains"] = tuple(given["domains"])
    if "cron_schedule" in given:
        given["cron_schedule"] = check_cron(given["cron_schedule"])
    if "cron_timezone" in given:
        given["cron_timezone"] = check_timezone(given["cron_timezone"])
    return given


def token_context(service_id: UUID) -> str:
    """What a sealed repository token is bound to (the same as Service.token_context)."""
    return f"repository-token:{service_id}"


def _seal_token(
    uow: UnitOfWork, organization_id: UUID, service_id: UUID, token: Secret | None
) -> SealedValue | None:
    if token is None:
        return None
    return uow.secrets.seal(organization_id, token_context(service_id), token)


def create_service(cmd: CreateService, uow: UnitOfWork) -> dict[str, UUID]:
    """Define a service; its name is unique in the project."""
    project = live_project(uow, cmd.project_id)
    service_id = ServiceId(uuid4())
    spec = ServiceSpec(kind=cmd.kind, **_settings(cmd))
    service = Service.create(
        service_id,
        OrganizationId(project.organization_id),
        ProjectId(project.id),
        cmd.name,
        spec,
        repository_token=_seal_token(
            uow, project.organization_id, service_id, cmd.repository_token
        ),
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(service)
    reserve_service_name(uow, project, service)
    return {"service_id": service_id, "project_id": project.id}


def update_service(cmd: UpdateService, uow: UnitOfWork) -> dict[str, UUID]:
    """Change the given settings of a service; the rest stay as they are."""
    service = live_service(uow, cmd.service_id)
    live_project(uow, service.project_id)
    changes = _settings(cmd)
    if service.spec.database is not None:
        _check_unmanaged(service, changes, cmd)
    if changes:
        service.reconfigure(replace(service.spec, **changes), actor=uow.actor, now=uow.now)
    if cmd.repository_token is not UNSET:
        token = _seal_token(uow, service.organization_id, service.id, cmd.repository_token)
        service.change_repository_token(token, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def _check_unmanaged(service: Service, changes: dict[str, Any], cmd: UpdateService) -> None:
    """Raise InvalidValueError if an update would change what a managed database's engine
    profile set (its image, volumes, probe, ...)."""
    touched = [
        name
        for name in _DATABASE_MANAGED
        if name in changes and changes[name] != getattr(service.spec, name)
    ]
    if cmd.repository_token is not UNSET:
        touched.append("repository_token")
    if touched:
        raise InvalidValueError(
            touched[0],
            f"service {service.name!r} is a managed database: Containr sets its "
            f"{', '.join(touched)}; change its version with updateDatabase",
        )


def scale_service(cmd: ScaleService, uow: UnitOfWork) -> dict[str, UUID]:
    """Set how many replicas of a service run."""
    service = live_service(uow, cmd.service_id)
    live_project(uow, service.project_id)
    service.scale(cmd.replicas, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}


def delete_service(cmd: DeleteService, uow: UnitOfWork) -> dict[str, UUID]:
    """Delete a service and free its name."""
    service = live_service(uow, cmd.service_id)
    service.delete(keep_volumes=cmd.keep_volumes, actor=uow.actor, now=uow.now)
    release(uow, service_scope(service.project_id), service.name, service.id)
    return {"service_id": service.id}


def remove_volume(cmd: RemoveVolume, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove a kept volume of a deleted service (the reconciler removes it from engines)."""
    service = uow.get(Service, cmd.service_id, "service")
    service.release_volume(cmd.volume, actor=uow.actor, now=uow.now)
    return {"service_id": service.id}
