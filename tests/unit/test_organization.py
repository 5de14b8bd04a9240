"""Organisations: membership and the last-owner rule."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import OrganizationId, UserId
from domain.organization import LastOwnerError, Organization
from domain.values import Role
from tests.unit.given import ACTOR, at, given, replayed, then, types

OWNER = UserId(uuid.uuid4())
BOB = UserId(uuid.uuid4())


def org() -> Organization:
    return Organization.create(
        OrganizationId(uuid.uuid4()), "Acme", "acme", OWNER, actor=ACTOR, now=at()
    )


def test_created_organization_has_its_founder_as_owner() -> None:
    o = org()
    [created] = then(o)
    assert created.owner_id == OWNER and created.actor == ACTOR and created.timestamp == at()
    assert o.role_of(OWNER) is Role.OWNER


def test_creation_rejects_empty_names_and_bad_slugs() -> None:
    with pytest.raises(InvalidValueError, match="name: must not be empty"):
        Organization.create(OrganizationId(uuid.uuid4()), "  ", "x", OWNER, actor=ACTOR, now=at())
    with pytest.raises(InvalidValueError, match="not a valid slug"):
        Organization.create(
            OrganizationId(uuid.uuid4()), "Acme", "Acme!", OWNER, actor=ACTOR, now=at()
        )


def test_adding_a_member_records_their_role() -> None:
    o = given(org())
    o.add_member(BOB, Role.VIEWER, actor=ACTOR, now=at(1))
    [added] = then(o)
    assert (added.user_id, added.role) == (BOB, Role.VIEWER)


def test_adding_an_existing_member_is_refused() -> None:
    o = given(org())
    with pytest.raises(RuleViolatedError, match="already a member"):
        o.add_member(OWNER, Role.MEMBER, actor=ACTOR, now=at(1))
    assert then(o) == []


def test_last_owner_cannot_be_demoted() -> None:
    o = given(org())
    with pytest.raises(LastOwnerError, match="last owner cannot be demoted"):
        o.change_role(OWNER, Role.ADMIN, actor=ACTOR, now=at(1))
    assert then(o) == []


def test_last_owner_cannot_leave() -> None:
    o = given(org())
    with pytest.raises(LastOwnerError, match="last owner cannot leave"):
        o.remove_member(OWNER, actor=ACTOR, now=at(1))
    assert then(o) == []


def test_an_owner_can_leave_once_another_owner_exists() -> None:
    o = org()
    o.add_member(BOB, Role.OWNER, actor=ACTOR, now=at(1))
    given(o)
    o.remove_member(OWNER, actor=ACTOR, now=at(2))
    assert types(o) == ["MemberRemoved"]
    assert o.role_of(OWNER) is None and o.role_of(BOB) is Role.OWNER


def test_changing_a_role_to_the_same_role_records_nothing() -> None:
    o = org()
    o.add_member(BOB, Role.MEMBER, actor=ACTOR, now=at(1))
    given(o)
    o.change_role(BOB, Role.MEMBER, actor=ACTOR, now=at(2))
    assert then(o) == []


def test_unknown_members_cannot_change_role_or_leave() -> None:
    o = given(org())
    with pytest.raises(InvalidValueError, match="not a member"):
        o.change_role(BOB, Role.ADMIN, actor=ACTOR, now=at(1))
    with pytest.raises(InvalidValueError, match="not a member"):
        o.remove_member(BOB, actor=ACTOR, now=at(1))


def test_history_replays_to_the_same_members() -> None:
    o = org()
    o.add_member(BOB, Role.ADMIN, actor=ACTOR, now=at(1))
    o.change_role(BOB, Role.OWNER, actor=ACTOR, now=at(2))
    o.rename("Acme Corp", actor=ACTOR, now=at(3))
    copy = replayed(o)
    assert copy.members == {OWNER: Role.OWNER, BOB: Role.OWNER}
    assert copy.name == "Acme Corp" and copy.version == 4


def test_roles_are_ordered() -> None:
    assert Role.OWNER.at_least(Role.ADMIN) and Role.MEMBER.at_least(Role.VIEWER)
    assert not Role.VIEWER.at_least(Role.MEMBER)
