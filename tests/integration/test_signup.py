"""Sign-up by invitation or open, sign-up and login rate limits: on both event stores."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import timedelta
from uuid import UUID

import msgspec
import pytest

from adapters.auth import InProcessRateLimiter
from adapters.fakes import FakeClock, FakePasswordHasher
from application import commands as c
from application.auth import AuthService, RateLimitedError, UnauthenticatedError
from application.authz import Principal
from application.bus import Context
from application.errors import ApplicationError, DomainError, ForbiddenError
from application.handlers.accounts import INVITATION_ONLY, SIGNUP_REFUSED
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from domain.organization import INVITATION_LIFETIME, Organization
from domain.values import Role
from interfaces.bootstrap import bootstrap

PASSWORD = Secret("correct horse battery")

Accounts = Callable[..., Services]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hasher() -> FakePasswordHasher:
    return FakePasswordHasher()


@pytest.fixture
def accounts(
    store_settings: Settings, clock: FakeClock, hasher: FakePasswordHasher
) -> Iterator[Accounts]:
    """Services with the default abuse limits, overridden by keyword (e.g. signup="open")."""
    opened: list[Services] = []

    def make(**overrides: object) -> Services:
        defaults = Settings()
        limits = {
            "signup": defaults.signup,
            "signup_limit_per_client": defaults.signup_limit_per_client,
            "signup_limit_global": defaults.signup_limit_global,
        }
        settings = msgspec.structs.replace(store_settings, **{**limits, **overrides})
        # Time stands still for the limiter: no window ends in the middle of a test.
        limiter = InProcessRateLimiter(lambda: 1_700_000_010.0)
        services = bootstrap(settings, clock=clock, hasher=hasher, limiter=limiter)
        opened.append(services)
        return services

    yield make
    for services in opened:
        services.close()


def owner_of_first_organisation(auth: AuthService) -> tuple[Principal, UUID]:
    first = auth.sign_up("owner@example.com", "Owner", PASSWORD, client="10.0.0.1")
    assert first.organization_id is not None
    return Principal(user_id=first.tokens.user_id), first.organization_id


def refusal(call: Callable[[], object]) -> tuple[str, str]:
    with pytest.raises((ApplicationError, DomainError)) as caught:
        call()
    return caught.value.code, str(caught.value)


def role_in(app: Services, org_id: UUID, user_id: UUID) -> Role | None:
    org = app.store.repository.get(org_id)
    assert isinstance(org, Organization)
    return org.role_of(user_id)


# By invitation (the default)


def test_sign_up_is_by_invitation_by_default_and_the_first_account_always_gets_in(
    accounts: Accounts,
) -> None:
    app = accounts()
    assert Settings().signup == "invite"
    owner, org_id = owner_of_first_organisation(app.auth)
    assert role_in(app, org_id, owner.user_id) is Role.OWNER


def test_without_an_invitation_every_sign_up_gets_the_same_answer_and_nothing_is_hashed(
    accounts: Accounts, hasher: FakePasswordHasher
) -> None:
    app = accounts()
    owner, org_id = owner_of_first_organisation(app.auth)
    _, token = app.auth.invite(owner, org_id, "invited@example.com", "member")
    hashed, head = hasher.hashes, app.events.head()
    tries = [
        ("owner@example.com", PASSWORD, None),  # taken
        ("OWNER@example.com ", PASSWORD, None),  # taken, written differently
        ("stranger@example.com", PASSWORD, None),  # free
        ("stranger@example.com", Secret("short"), None),  # free, bad password
        ("not an email", PASSWORD, None),
        ("stranger@example.com", PASSWORD, Secret("inv_forged")),
        ("owner@example.com", PASSWORD, token),  # an invitation for another email
    ]
    answers = set()
    for i, (email, password, invitation) in enumerate(tries):
        answers.add(
            refusal(
                functools.partial(
                    app.auth.sign_up,
                    email,
                    "X",
                    password,
                    client=f"10.0.0.{100 + i}",  # under the per-client limit
                    invitation_token=invitation,
                )
            )
        )
    assert answers == {("FORBIDDEN", INVITATION_ONLY)}
    assert INVITATION_ONLY == "sign-up is by invitation: ask an organisation admin for one"
    assert hasher.hashes == hashed and app.events.head() == head


def test_an_invited_person_signs_up_and_joins_the_organisation_with_the_invited_role(
    accounts: Accounts,
) -> None:
    app = accounts()
    owner, org_id = owner_of_first_organisation(app.auth)
    _, token = app.auth.invite(owner, org_id, "Ada@Example.com", "admin")
    signed = app.auth.sign_up(
        " ada@EXAMPLE.com", "Ada", PASSWORD, client="10.0.0.3", invitation_token=token
    )
    assert signed.organization_id == org_id
    assert role_in(app, org_id, signed.tokens.user_id) is Role.ADMIN
    assert app.auth.log_in("ada@example.com", PASSWORD, "10.0.0.3").user_id == signed.tokens.user_id
    # The invitation is used up.
    again = refusal(
        lambda: app.auth.sign_up(
            "ada@example.com", "Ada", PASSWORD, client="10.0.0.3", invitation_token=token
        )
    )
    assert again == ("FORBIDDEN", INVITATION_ONLY)


@pytest.mark.parametrize("spoil", ["expire", "revoke"])
def test_an_expired_or_revoked_invitation_gets_the_same_answer_as_none(
    accounts: Accounts, clock: FakeClock, hasher: FakePasswordHasher, spoil: str
) -> None:
    app = accounts()
    owner, org_id = owner_of_first_organisation(app.auth)
    invitation_id, token = app.auth.invite(owner, org_id, "late@example.com", "member")
    if spoil == "expire":
        clock.advance(INVITATION_LIFETIME + timedelta(seconds=1))
    else:
        app.execute(
            c.RevokeInvitation(organization_id=org_id, invitation_id=invitation_id),
            Context.of(owner),
        )
    hashed = hasher.hashes
    answer = refusal(
        lambda: app.auth.sign_up(
            "late@example.com", "Late", PASSWORD, client="10.0.0.4", invitation_token=token
        )
    )
    assert answer == ("FORBIDDEN", INVITATION_ONLY) and hasher.hashes == hashed


def test_an_invited_email_that_already_has_an_account_is_refused_and_nothing_changes(
    accounts: Accounts,
) -> None:
    app = accounts()
    owner, org_id = owner_of_first_organisation(app.auth)
    _, token = app.auth.invite(owner, org_id, "owner@example.com", "member")
    head = app.events.head()
    answer = refusal(
        lambda: app.auth.sign_up(
            "owner@example.com", "Again", PASSWORD, client="10.0.0.5", invitation_token=token
        )
    )
    assert answer == ("FORBIDDEN", SIGNUP_REFUSED) and app.events.head() == head


# Open sign-up


def test_open_sign_up_lets_anyone_in_without_an_organisation(accounts: Accounts) -> None:
    app = accounts(signup="open")
    owner_of_first_organisation(app.auth)
    later = app.auth.sign_up("someone@example.com", "Someone", PASSWORD, client="10.0.0.6")
    assert later.organization_id is None


def test_open_sign_up_refuses_a_taken_email_like_a_bad_invitation_after_hashing_either_way(
    accounts: Accounts, hasher: FakePasswordHasher
) -> None:
    app = accounts(signup="open")
    owner, org_id = owner_of_first_organisation(app.auth)
    _, token = app.auth.invite(owner, org_id, "invited@example.com", "member")
    head, hashed = app.events.head(), hasher.hashes
    taken = refusal(lambda: app.auth.sign_up("owner@example.com", "X", PASSWORD, client="c"))
    forged = refusal(
        lambda: app.auth.sign_up(
            "new@example.com", "X", PASSWORD, client="c", invitation_token=Secret("inv_x")
        )
    )
    mismatched = refusal(
        lambda: app.auth.sign_up(
            "new@example.com", "X", PASSWORD, client="c", invitation_token=token
        )
    )
    assert taken == forged == mismatched == ("FORBIDDEN", SIGNUP_REFUSED)
    assert hasher.hashes == hashed + 3 and app.events.head() == head
    joined = app.auth.sign_up(
        "invited@example.com", "Inv", PASSWORD, client="c", invitation_token=token
    )
    assert role_in(app, org_id, joined.tokens.user_id) is Role.MEMBER


# Rate limits


def test_sign_up_is_limited_per_client_and_a_refusal_says_when_to_retry_and_changes_nothing(
    accounts: Accounts, hasher: FakePasswordHasher
) -> None:
    app = accounts(signup="open", signup_limit_per_client=2)
    app.auth.sign_up("a@example.com", "A", PASSWORD, client="10.0.0.7")
    app.auth.sign_up("b@example.com", "B", PASSWORD, client="10.0.0.7")
    head, hashed = app.events.head(), hasher.hashes
    code, message = refusal(
        lambda: app.auth.sign_up("c@example.com", "C", PASSWORD, client="10.0.0.7")
    )
    assert code == "RATE_LIMITED"
    # The clock stands still: the first sign-up leaves the ten-minute window in 600 s.
    assert message == "too many sign-up attempts from your address; try again in 10 minutes"
    assert app.events.head() == head and hasher.hashes == hashed
    app.auth.sign_up("c@example.com", "C", PASSWORD, client="10.0.0.8")  # another client


def test_sign_up_has_a_global_ceiling_per_minute_whatever_the_client(accounts: Accounts) -> None:
    app = accounts(signup="open", signup_limit_global=3)
    for i in range(3):
        app.auth.sign_up(f"u{i}@example.com", "U", PASSWORD, client=f"10.0.1.{i}")
    with pytest.raises(RateLimitedError, match="too many sign-ups on this server right now"):
        app.auth.sign_up("u9@example.com", "U", PASSWORD, client="10.0.1.9")


def test_invite_only_refusals_count_against_the_sign_up_limit_too(accounts: Accounts) -> None:
    app = accounts(signup_limit_per_client=2)
    owner_of_first_organisation(app.auth)  # from 10.0.0.1
    for _ in range(2):
        with pytest.raises(ForbiddenError):
            app.auth.sign_up("x@example.com", "X", PASSWORD, client="10.0.0.9")
    with pytest.raises(RateLimitedError):
        app.auth.sign_up("x@example.com", "X", PASSWORD, client="10.0.0.9")


def test_login_is_limited_per_client_per_email_and_globally(accounts: Accounts) -> None:
    app = accounts(login_limit_per_client=3, login_limit_per_email=2, login_limit_global=6)
    owner_of_first_organisation(app.auth)

    def log_in(email: str, client: str) -> str:
        try:
            app.auth.log_in(email, Secret("wrong password!"), client)
        except UnauthenticatedError:
            return "wrong"
        except RateLimitedError as e:
            return str(e)
        raise AssertionError("a wrong password logged in")

    by_client = [log_in(f"p{i}@example.com", "10.0.2.1") for i in range(4)]
    assert by_client[:3] == ["wrong"] * 3
    assert by_client[3].startswith("too many login attempts; try again in ")
    by_email = [log_in("owner@example.com", f"10.0.3.{i}") for i in range(3)]
    assert by_email[:2] == ["wrong"] * 2 and by_email[2].startswith("too many login attempts")
    # 3 + 2 counted so far (refusals by client or email do not reach the global count)
    assert log_in("q@example.com", "10.0.4.1") == "wrong"
    assert log_in("r@example.com", "10.0.4.2").startswith(
        "too many logins on this server right now; try again in "
    )
