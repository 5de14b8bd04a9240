"""Handlers for who may open an environment's web services, and its share links (issue 14)."""

from __future__ import annotations

from uuid import UUID

from application.commands import CreateShareLink, RevokeShareLink, SetEnvironmentAccess
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project
from application.unit_of_work import UnitOfWork
from domain.environment_access import AccessMode, EnvironmentAccess

_HASH_CHARS = set("0123456789abcdef")


def _access(uow: UnitOfWork, project_id: UUID, environment_id: UUID) -> EnvironmentAccess:
    project = live_project(uow, project_id)
    if environment_id not in project.environments:
        raise NotFoundError(
            "environment",
            environment_id,
            field="environment_id",
            message=f"environment {environment_id} is not an environment of the project "
            f"{project.name!r}; choose one of its environments",
        )
    found = uow.find(EnvironmentAccess, EnvironmentAccess.id_for(environment_id))
    if found is not None:
        return found
    return uow.add(
        EnvironmentAccess.open(
            project.organization_id, project.id, environment_id, actor=uow.actor, now=uow.now
        )
    )


def set_environment_access(cmd: SetEnvironmentAccess, uow: UnitOfWork) -> dict[str, UUID]:
    """Open the environment to anyone, or to members and share links only."""
    access = _access(uow, cmd.project_id, cmd.environment_id)
    access.change_mode(AccessMode(cmd.access), actor=uow.actor, now=uow.now)
    return {"environment_id": cmd.environment_id}


def create_share_link(cmd: CreateShareLink, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a share link by its token's hash (the token itself is never stored)."""
    if len(cmd.token_hash) != 64 or not set(cmd.token_hash) <= _HASH_CHARS:
        raise InvalidValueError("token_hash", "must be a SHA-256 digest in hex")
    access = _access(uow, cmd.project_id, cmd.environment_id)
    access.create_share_link(
        cmd.link_id, cmd.token_hash, cmd.expires_in_hours, actor=uow.actor, now=uow.now
    )
    return {"environment_id": cmd.environment_id, "link_id": cmd.link_id}


def revoke_share_link(cmd: RevokeShareLink, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop a share link from opening its environment."""
    access = _access(uow, cmd.project_id, cmd.environment_id)
    access.revoke_share_link(cmd.link_id, actor=uow.actor, now=uow.now)
    return {"environment_id": cmd.environment_id, "link_id": cmd.link_id}
