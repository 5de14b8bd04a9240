"""The member sign-in hop's tokens and cookies: signed, bound to an environment and a user,
expiring by the application's clock, the hop token redeemable once; and the return address
kept on the environment's hosts (issue 14)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.fakes import FakeClock
from application.member_pass import (
    MemberPasses,
    PassRefusedError,
    derive_pass_key,
    return_target,
    safe_path,
)
from tests.unit.given import T0

KEY = derive_pass_key(b"k" * 32)
ENV = uuid.uuid4()
USER = uuid.uuid4()


def passes() -> tuple[MemberPasses, FakeClock]:
    clock = FakeClock(T0)
    return MemberPasses(KEY, clock), clock


def test_a_hop_token_names_its_user_and_is_redeemable_once() -> None:
    found, _ = passes()
    token = found.hop(ENV, USER)
    assert found.redeem(token, ENV) == USER
    with pytest.raises(PassRefusedError, match="already used"):
        found.redeem(token, ENV)
    assert found.redeem(found.hop(ENV, USER), ENV) == USER


def test_a_hop_token_expires_after_a_minute_by_the_clock() -> None:
    found, clock = passes()
    token = found.hop(ENV, USER)
    clock.advance(timedelta(seconds=59))
    assert found.redeem(token, ENV) == USER
    late = found.hop(ENV, USER)
    clock.advance(timedelta(seconds=60))
    with pytest.raises(PassRefusedError, match="expired"):
        found.redeem(late, ENV)


def test_forged_tampered_or_misplaced_tokens_are_refused() -> None:
    found, _ = passes()
    token = found.hop(ENV, USER)
    other = uuid.uuid4()
    with pytest.raises(PassRefusedError, match="another environment"):
        found.redeem(token, other)
    tampered = token.replace(USER.hex, other.hex)
    with pytest.raises(PassRefusedError, match="not one Containr signed"):
        found.redeem(tampered, ENV)
    elsewhere = MemberPasses(derive_pass_key(b"x" * 32), FakeClock(T0))
    with pytest.raises(PassRefusedError, match="not one Containr signed"):
        found.redeem(elsewhere.hop(ENV, USER), ENV)
    for junk in ("", ".", "mhp", "a.b.c.d.e.f", token + "x"):
        with pytest.raises(PassRefusedError):
            found.redeem(junk, ENV)


def test_a_member_cookie_is_not_a_hop_token_and_lasts_twelve_hours() -> None:
    found, clock = passes()
    value, seconds = found.cookie(ENV, USER)
    assert seconds == 12 * 3600
    with pytest.raises(PassRefusedError):
        found.redeem(value, ENV)
    with pytest.raises(PassRefusedError):
        found.cookie_user(found.hop(ENV, USER), ENV)
    clock.advance(timedelta(hours=11, minutes=59))
    assert found.cookie_user(value, ENV) == USER
    assert found.cookie_user(value, ENV) == USER  # a cookie is used on every request
    clock.advance(timedelta(minutes=1))
    with pytest.raises(PassRefusedError, match="expired"):
        found.cookie_user(value, ENV)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        MemberPasses(b"short", FakeClock(T0))


def test_the_return_address_must_be_a_host_of_the_environment() -> None:
    domain = "pr-7.shop.example.com"
    assert return_target("http://web.pr-7.shop.example.com/a?b=1", domain) == (
        "http://web.pr-7.shop.example.com",
        "/a?b=1",
    )
    assert return_target("https://WEB.pr-7.shop.example.com:8443", domain) == (
        "https://web.pr-7.shop.example.com:8443",
        "/",
    )
    for bad in (
        "http://evil.example.com/",
        "http://pr-7.shop.example.com.evil.com/",
        "http://web.pr-8.shop.example.com/",
        "http://xpr-7.shop.example.com/",
        "javascript://web.pr-7.shop.example.com/",
        "http://user:pw@web.pr-7.shop.example.com/",
        "http://web.pr-7.shop.example.com\\@evil.com/",
        "//web.pr-7.shop.example.com/",
        "/relative",
        "http://web.pr-7.shop.example.com:99999/",
    ):
        with pytest.raises(ValueError):
            return_target(bad, domain)


def test_only_local_paths_are_kept_after_the_hop() -> None:
    assert safe_path("/a/b?c=1") == "/a/b?c=1"
    for bad in ("//evil.com/", "http://evil.com/", "/\\evil.com", "evil"):
        assert safe_path(bad) == "/"
