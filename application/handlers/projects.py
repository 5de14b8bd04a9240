"""Handlers for projects and their environments."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.commands import (
    AddEnvironment,
    CreateProject,
    DeleteProject,
    RemoveEnvironment,
    RenameProject,
    RestoreProject,
)
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project, project_scope, release, reserve
from application.unit_of_work import UnitOfWork
from domain.errors import RuleViolatedError
from domain.ids import EnvironmentId, OrganizationId, ProjectId
from domain.organization import Organization
from domain.project import EnvironmentKind, Project
from domain.reservation import Reservation
from domain.values import slugify, validate_name


def _slug_for(name: str, slug: str | None) -> str:
    slug = slug if slug is not None else slugify(validate_name("name", name))
    if not slug:
        raise InvalidValueError(
            "slug", "cannot be made from this name (it has no letters or digits); give a slug"
        )
    return slug


def _reserve_project_slug(
    uow: UnitOfWork, organization_id: UUID, slug: str, holder: UUID, *, field: str
) -> None:
    def expired(holder_id: UUID) -> bool:
        # A project deleted longer ago than its restore window gives up its slug.
        other = uow.find(Project, holder_id)
        return other is None or (other.is_deleted and not other.is_restorable(uow.now))

    def taken(holder_id: UUID) -> str:
        other = uow.find(Project, holder_id)
        organization = uow.find(Organization, organization_id)
        where = organization.name if organization is not None else "this organisation"
        if other is None:
            return f"the slug {slug!r} is taken in {where}; choose another {field}"
        if other.is_deleted:
            until = other.restorable_until.date().isoformat() if other.restorable_until else ""
            return (
                f"the deleted project {other.name!r} in {where} keeps the slug {slug!r} until "
                f"{until} (it can be restored until then); choose another {field}"
            )
        if field == "slug":
            return (
                f"the slug {slug!r} belongs to the project {other.name!r} in {where}; "
                "choose another slug"
            )
        return f"a project named {other.name!r} already exists in {where}; choose another name"

    reserve(
        uow,
        project_scope(organization_id),
        slug,
        holder,
        field=field,
        taken=taken,
        may_take_over=expired,
    )


def create_project(cmd: CreateProject, uow: UnitOfWork) -> dict[str, UUID]:
    """Start a project with its production environment."""
    uow.get(Organization, cmd.organization_id, "organization")
    slug = _slug_for(cmd.name, cmd.slug)
    project_id, production_id = ProjectId(uuid4()), EnvironmentId(uuid4())
    project = Project.create(
        project_id,
        OrganizationId(cmd.organization_id),
        cmd.name,
        slug,
        production_id,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(project)
    field = "name" if cmd.slug is None else "slug"
    _reserve_project_slug(uow, cmd.organization_id, slug, project_id, field=field)
    return {"project_id": project_id, "environment_id": production_id}


def rename_project(cmd: RenameProject, uow: UnitOfWork) -> dict[str, UUID]:
    """Rename a project; a new slug is reserved and the old one released."""
    project = live_project(uow, cmd.project_id)
    slug = cmd.slug if cmd.slug is not None else project.slug
    old_slug = project.slug
    project.rename(cmd.name, slug, actor=uow.actor, now=uow.now)
    if slug != old_slug:
        _reserve_project_slug(uow, project.organization_id, slug, project.id, field="slug")
        release(uow, project_scope(project.organization_id), old_slug, project.id)
    return {"project_id": project.id}


def delete_project(cmd: DeleteProject, uow: UnitOfWork) -> dict[str, UUID]:
    """Move a project to the bin; its slug stays reserved while it can be restored."""
    project = live_project(uow, cmd.project_id)
    project.delete(actor=uow.actor, now=uow.now)
    return {"project_id": project.id}


def restore_project(cmd: RestoreProject, uow: UnitOfWork) -> dict[str, UUID]:
    """Bring a deleted project back, if its slug was not given to another project."""
    project = uow.get(Project, cmd.project_id, "project")
    project.restore(actor=uow.actor, now=uow.now)
    reservation = uow.find(
        Reservation, Reservation.id_for(project_scope(project.organization_id), project.slug)
    )
    if reservation is None or reservation.holder_id not in (None, project.id):
        raise RuleViolatedError(
            f"the slug {project.slug!r} now belongs to another project; rename that project "
            "(giving it another slug) first, then restore this one"
        )
    reservation.take(project.id, actor=uow.actor, now=uow.now)
    return {"project_id": project.id}


def add_environment(cmd: AddEnvironment, uow: UnitOfWork) -> dict[str, UUID]:
    """Add a preview or development environment."""
    project = live_project(uow, cmd.project_id)
    environment_id = EnvironmentId(uuid4())
    project.add_environment(
        environment_id, cmd.name, EnvironmentKind(cmd.kind), actor=uow.actor, now=uow.now
    )
    return {"project_id": project.id, "environment_id": environment_id}


def remove_environment(cmd: RemoveEnvironment, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove a preview or development environment."""
    project = live_project(uow, cmd.project_id)
    if cmd.environment_id not in project.environments:
        raise NotFoundError("environment", cmd.environment_id, field="environment_id")
    project.remove_environment(EnvironmentId(cmd.environment_id), actor=uow.actor, now=uow.now)
    return {"project_id": project.id, "environment_id": cmd.environment_id}
