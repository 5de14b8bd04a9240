"""A refusal says what the caller lacks and how to get it: membership, a role, a scope."""

from __future__ import annotations

import uuid

import pytest

from application import commands as c
from application.authz import Principal
from application.bus import Context
from application.errors import ForbiddenError
from application.services import Services
from domain.ids import Actor
from domain.values import Role

SYSTEM = Context(actor=Actor("system:test"))


def organization(app: Services, owner: uuid.UUID) -> uuid.UUID:
    return app.execute(c.CreateOrganization(name="Acme", owner_id=owner), SYSTEM).id(
        "organization_id"
    )


def refusal(app: Services, principal: Principal, command: c.Command) -> str:
    with pytest.raises(ForbiddenError) as refused:
        app.execute(command, Context.of(principal))
    return str(refused.value)


def test_a_stranger_is_told_to_ask_for_an_invitation(app: Services) -> None:
    org = organization(app, uuid.uuid4())

    message = refusal(
        app, Principal(user_id=uuid.uuid4()), c.CreateProject(organization_id=org, name="Shop")
    )

    assert message == (
        "you are not a member of this organisation; ask one of its owners or admins to invite you"
    )


def test_a_viewer_is_told_which_role_would_do(app: Services) -> None:
    org = organization(app, uuid.uuid4())
    viewer = uuid.uuid4()
    app.execute(c.AddMember(organization_id=org, user_id=viewer, role=Role.VIEWER), SYSTEM)

    message = refusal(
        app, Principal(user_id=viewer), c.CreateProject(organization_id=org, name="x")
    )

    assert message == (
        "your role (viewer) may not write this organisation; ask an owner or admin for the "
        "member role"
    )


def test_a_narrow_token_is_told_which_scope_would_do(app: Services) -> None:
    owner = uuid.uuid4()
    org = organization(app, owner)
    token = Principal(user_id=owner, scopes=frozenset({"read"}), token_id=uuid.uuid4())

    message = refusal(app, token, c.CreateProject(organization_id=org, name="x"))

    assert message == (
        "this token's scopes (read) do not allow write; use a token with the write scope"
    )
