"""Users, API tokens and invitations in the domain."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import OrganizationId, UserId
from domain.organization import INVITATION_LIFETIME, Organization
from domain.user import User, normalise_email
from domain.values import Role, SealedValue
from tests.unit.given import ACTOR, at, given, then, types

OWNER = UserId(uuid.uuid4())


def user() -> User:
    return User.register(
        UserId(uuid.uuid4()), " Ada@Example.COM ", "Ada", SealedValue("v1:x"), actor=ACTOR, now=at()
    )


def test_emails_are_normalised_and_checked() -> None:
    assert normalise_email(" Ada@Example.COM ") == "ada@example.com"
    for bad in ("ada", "ada@", "@example.com", "a b@example.com", "ada@localhost"):
        with pytest.raises(InvalidValueError, match="email"):
            normalise_email(bad)


def test_a_registered_user_keeps_only_a_sealed_password_hash() -> None:
    u = user()
    [registered] = then(u)
    assert registered.email == "ada@example.com" and registered.password_hash == "v1:x"


def test_api_tokens_record_their_hash_scopes_and_expiry() -> None:
    u = given(user())
    token_id = uuid.uuid4()
    u.create_token(token_id, "ci", ("write", "read"), "h" * 64, at(60), actor=ACTOR, now=at())
    [created] = then(u)
    assert created.scopes == ("read", "write") and created.token_hash == "h" * 64
    u.revoke_token(token_id, actor=ACTOR, now=at(1))
    u.revoke_token(token_id, actor=ACTOR, now=at(2))
    assert types(u) == ["ApiTokenRevoked"]
    assert u.tokens[token_id].revoked


@pytest.mark.parametrize(
    ("scopes", "expires", "message"),
    [
        ((), None, "give one or more of read, deploy, write, admin"),
        (("root",), None, "unknown: root"),
        (("read",), -1, "in the future"),
    ],
)
def test_bad_tokens_are_refused(scopes: tuple[str, ...], expires: int | None, message: str) -> None:
    u = given(user())
    with pytest.raises(InvalidValueError, match=message):
        u.create_token(
            uuid.uuid4(), "t", scopes, "h", at(expires) if expires else None, actor=ACTOR, now=at()
        )
    assert then(u) == []


def org() -> Organization:
    return Organization.create(
        OrganizationId(uuid.uuid4()), "Acme", "acme", OWNER, actor=ACTOR, now=at()
    )


def test_an_accepted_invitation_makes_a_member_with_the_invited_role() -> None:
    o = given(org())
    invitation, bob = uuid.uuid4(), UserId(uuid.uuid4())
    o.invite(invitation, "bob@example.com", Role.ADMIN, "hash", actor=ACTOR, now=at())
    o.accept_invitation(invitation, bob, actor=ACTOR, now=at(5))
    assert types(o) == ["Invited", "InvitationAccepted"]
    assert o.role_of(bob) is Role.ADMIN and o.invitations == {}


def test_an_invitation_is_used_once_and_expires() -> None:
    o = org()
    first, second = uuid.uuid4(), uuid.uuid4()
    o.invite(first, "bob@example.com", Role.MEMBER, "h1", actor=ACTOR, now=at())
    o.accept_invitation(first, UserId(uuid.uuid4()), actor=ACTOR, now=at(1))
    with pytest.raises(RuleViolatedError, match="already used or revoked"):
        o.accept_invitation(first, UserId(uuid.uuid4()), actor=ACTOR, now=at(2))
    o.invite(second, "carol@example.com", Role.MEMBER, "h2", actor=ACTOR, now=at())
    late = at() + INVITATION_LIFETIME + timedelta(seconds=1)
    with pytest.raises(RuleViolatedError, match="expired"):
        o.accept_invitation(second, UserId(uuid.uuid4()), actor=ACTOR, now=late)


def test_an_email_has_one_pending_invitation_and_revoking_ends_it() -> None:
    o = org()
    invitation = uuid.uuid4()
    o.invite(invitation, "bob@example.com", Role.MEMBER, "h", actor=ACTOR, now=at())
    given(o)
    with pytest.raises(RuleViolatedError, match="pending invitation"):
        o.invite(uuid.uuid4(), "bob@example.com", Role.MEMBER, "h2", actor=ACTOR, now=at())
    o.revoke_invitation(invitation, actor=ACTOR, now=at(1))
    assert types(o) == ["InvitationRevoked"]
    with pytest.raises(RuleViolatedError):
        o.accept_invitation(invitation, UserId(uuid.uuid4()), actor=ACTOR, now=at(2))
