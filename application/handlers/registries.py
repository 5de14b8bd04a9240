"""Handlers for an organisation's image registry (issue 18): the password is sealed before
any event, and a bad address or login is refused with nothing recorded."""

from __future__ import annotations

from uuid import UUID

from application import commands as c
from application.errors import InvalidValueError
from application.registries import registry_secret_context
from application.unit_of_work import UnitOfWork
from domain.image_registry import ImageRegistry, check_address, check_username
from domain.organization import Organization


def set_registry(cmd: c.SetRegistry, uow: UnitOfWork) -> dict[str, UUID]:
    """Use the organisation's own registry, or the installation's, for its built images."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    if cmd.use_installation_registry:
        for field, value in (("url", cmd.url), ("username", cmd.username)):
            if value is not None:
                raise InvalidValueError(field, "the installation's registry takes no settings")
        if cmd.password is not None:
            raise InvalidValueError("password", "the installation's registry takes no settings")
        org.set_registry(ImageRegistry(None), actor=uow.actor, now=uow.now)
        return {"organization_id": org.id}
    address = check_address(cmd.url)
    username = check_username(cmd.username)
    password = cmd.password if cmd.password is not None and cmd.password.reveal() else None
    if (username is None) != (password is None):
        field = "password" if password is None else "username"
        raise InvalidValueError(
            field, "give both a username and a password, or neither (an open registry)"
        )
    sealed = None
    if password is not None:
        sealed = uow.secrets.seal(org.id, registry_secret_context(org.id), password)
    org.set_registry(ImageRegistry(address, username, sealed), actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}


def clear_registry(cmd: c.ClearRegistry, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop pushing built images (those pushed stay in the registry)."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.clear_registry(actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}
