"""Environment access: public or members only, and share links that expire by the clock
and can be revoked; only their tokens' hashes are kept (issue 14)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

from domain.environment_access import MAX_SHARE_HOURS, AccessMode, EnvironmentAccess
from domain.errors import InvalidValueError
from tests.unit.given import ACTOR, T0, at


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access() -> EnvironmentAccess:
    return EnvironmentAccess.open(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), actor=ACTOR, now=T0)


def test_an_environment_is_public_until_made_members_only() -> None:
    found = access()
    assert found.mode is AccessMode.PUBLIC
    found.change_mode(AccessMode.PUBLIC, actor=ACTOR, now=at(1))
    found.change_mode(AccessMode.MEMBERS, actor=ACTOR, now=at(2))
    assert found.mode is AccessMode.MEMBERS
    assert [type(e).__name__ for e in found.collect_events()] == ["Created", "ModeChanged"]


def test_a_share_link_opens_the_environment_until_it_expires_by_the_clock() -> None:
    found = access()
    link = found.create_share_link(uuid.uuid4(), digest("shr_a"), 2, actor=ACTOR, now=T0)
    assert link.expires_at == T0 + timedelta(hours=2)
    assert found.link_for(digest("shr_a"), T0 + timedelta(hours=1, minutes=59)) == link
    assert found.link_for(digest("shr_a"), T0 + timedelta(hours=2)) is None
    assert found.link_for(digest("shr_b"), T0) is None


def test_a_revoked_share_link_opens_nothing_and_revoking_again_changes_nothing() -> None:
    found = access()
    link_id = uuid.uuid4()
    found.create_share_link(link_id, digest("shr_a"), 24, actor=ACTOR, now=T0)
    found.revoke_share_link(link_id, actor=ACTOR, now=at(1))
    found.revoke_share_link(link_id, actor=ACTOR, now=at(2))
    assert found.link_for(digest("shr_a"), at(3)) is None
    kinds = [type(e).__name__ for e in found.collect_events()]
    assert kinds == ["Created", "ShareLinkCreated", "ShareLinkRevoked"]


def test_the_events_hold_the_tokens_hash_never_the_token() -> None:
    found = access()
    found.create_share_link(uuid.uuid4(), digest("shr_secret"), 1, actor=ACTOR, now=T0)
    assert "shr_secret" not in repr(found.collect_events())


@pytest.mark.parametrize("hours", [0, -1, MAX_SHARE_HOURS + 1])
def test_a_share_link_lasts_between_an_hour_and_a_month(hours: int) -> None:
    with pytest.raises(InvalidValueError, match="between 1 and"):
        access().create_share_link(uuid.uuid4(), digest("t"), hours, actor=ACTOR, now=T0)


def test_unknown_links_cannot_be_revoked() -> None:
    with pytest.raises(InvalidValueError):
        access().revoke_share_link(uuid.uuid4(), actor=ACTOR, now=T0)
