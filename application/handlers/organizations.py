"""Handlers for organisations and their members."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.commands import (
    AddMember,
    ChangeMemberRole,
    CreateOrganization,
    RemoveMember,
    RenameOrganization,
    SetForkSecretsPolicy,
)
from application.errors import InvalidValueError
from application.handlers.common import organization_scope, reserve
from application.unit_of_work import UnitOfWork
from domain.ids import OrganizationId, UserId
from domain.organization import Organization
from domain.values import slugify, validate_name


def create_organization(cmd: CreateOrganization, uow: UnitOfWork) -> dict[str, UUID]:
    """Found an organisation with its first owner; its slug is unique everywhere."""
    name = validate_name("name", cmd.name)
    slug = cmd.slug if cmd.slug is not None else slugify(name)
    if not slug:
        raise InvalidValueError(
            "slug", "cannot be made from this name (it has no letters or digits); give a slug"
        )
    org_id = OrganizationId(uuid4())
    org = Organization.create(
        org_id, name, slug, UserId(cmd.owner_id), actor=uow.actor, now=uow.now
    )
    uow.add(org)
    field = "name" if cmd.slug is None else "slug"
    reserve(
        uow,
        organization_scope(),
        slug,
        org_id,
        field=field,
        taken=f"an organisation {slug!r} already exists; choose another {field}",
    )
    return {"organization_id": org_id}


def rename_organization(cmd: RenameOrganization, uow: UnitOfWork) -> dict[str, UUID]:
    """Give an organisation another display name."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.rename(cmd.name, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}


def set_fork_secrets_policy(cmd: SetForkSecretsPolicy, uow: UnitOfWork) -> dict[str, UUID]:
    """Let releases built from forks' pull requests have the variables, or not."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.set_fork_secrets_policy(cmd.expose_secrets_to_forks, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}


def add_member(cmd: AddMember, uow: UnitOfWork) -> dict[str, UUID]:
    """Add a member with a role."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.add_member(UserId(cmd.user_id), cmd.role, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id, "user_id": cmd.user_id}


def change_member_role(cmd: ChangeMemberRole, uow: UnitOfWork) -> dict[str, UUID]:
    """Change a member's role."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.change_role(UserId(cmd.user_id), cmd.role, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id, "user_id": cmd.user_id}


def remove_member(cmd: RemoveMember, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove a member."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.remove_member(UserId(cmd.user_id), actor=uow.actor, now=uow.now)
    return {"organization_id": org.id, "user_id": cmd.user_id}
