"""Provider accounts linked to users, an organisation's provider sign-in requirement, and
where the two gates enforce it."""

from __future__ import annotations

import uuid

import pytest

from application.authz import Principal, ProviderSignInRequiredError, require_provider_sign_in
from application.secrets import Secret
from application.settings import Settings, SettingsError
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import OrganizationId, UserId
from domain.organization import Organization
from domain.user import User
from domain.values import SealedValue
from interfaces.http.sign_in import safe_next
from tests.unit.given import ACTOR, at, given, replayed, then, types


def user(password: str = "v1:x") -> User:
    return User.register(
        UserId(uuid.uuid4()), "ada@example.com", "Ada", SealedValue(password), actor=ACTOR, now=at()
    )


def test_a_linked_provider_records_its_stable_id_and_login_and_no_token() -> None:
    u = given(user())
    u.link_provider("github", "583231", "octocat", actor=ACTOR, now=at())
    [linked] = then(u)
    assert (linked.provider, linked.subject, linked.login) == ("github", "583231", "octocat")
    assert not [k for k in vars(linked) if "token" in k or "secret" in k]
    fresh = user()
    fresh.link_provider("github", "583231", "octocat", actor=ACTOR, now=at())
    assert replayed(fresh).providers["github"].subject == "583231"


def test_linking_the_same_account_again_changes_nothing_and_another_is_refused() -> None:
    u = given(user())
    u.link_provider("github", "1", "a", actor=ACTOR, now=at())
    u.link_provider("github", "1", "a", actor=ACTOR, now=at(1))
    assert types(u) == ["ProviderLinked"]
    with pytest.raises(RuleViolatedError, match="unlink it first"):
        u.link_provider("github", "2", "b", actor=ACTOR, now=at(2))


def test_only_known_providers_and_real_ids_are_linked() -> None:
    u = given(user())
    with pytest.raises(InvalidValueError, match="github, gitlab"):
        u.link_provider("bitbucket", "1", "a", actor=ACTOR, now=at())
    with pytest.raises(InvalidValueError, match="no account id"):
        u.link_provider("gitlab", "", "a", actor=ACTOR, now=at())


def test_unlinking_returns_the_account_id_and_an_unlinked_provider_is_refused() -> None:
    u = given(user())
    u.link_provider("gitlab", "77", "grace", actor=ACTOR, now=at())
    assert u.unlink_provider("gitlab", actor=ACTOR, now=at(1)) == "77"
    assert types(u) == ["ProviderLinked", "ProviderUnlinked"] and u.providers == {}
    with pytest.raises(InvalidValueError, match="no gitlab account is linked"):
        u.unlink_provider("gitlab", actor=ACTOR, now=at(2))


def test_the_last_way_to_sign_in_cannot_be_unlinked() -> None:
    u = given(user(password=""))  # an account with no password
    u.link_provider("github", "1", "a", actor=ACTOR, now=at())
    u.link_provider("gitlab", "2", "b", actor=ACTOR, now=at())
    u.unlink_provider("gitlab", actor=ACTOR, now=at(1))
    with pytest.raises(RuleViolatedError, match="only way to sign in"):
        u.unlink_provider("github", actor=ACTOR, now=at(2))
    assert "github" in u.providers


def test_with_a_password_every_provider_may_be_unlinked() -> None:
    u = given(user())
    u.link_provider("github", "1", "a", actor=ACTOR, now=at())
    u.unlink_provider("github", actor=ACTOR, now=at(1))
    assert u.providers == {}


def test_the_organisations_requirement_is_an_event_recorded_only_on_change() -> None:
    owner = UserId(uuid.uuid4())
    org = Organization.create(
        OrganizationId(uuid.uuid4()), "Acme", "acme", owner, actor=ACTOR, now=at()
    )
    assert org.requires_provider_sign_in is False
    org.require_provider_sign_in(True, actor=ACTOR, now=at(1))
    org.require_provider_sign_in(True, actor=ACTOR, now=at(2))
    assert replayed(org).requires_provider_sign_in is True
    org = given(org)
    org.require_provider_sign_in(True, actor=ACTOR, now=at(3))
    org.require_provider_sign_in(False, actor=ACTOR, now=at(4))
    assert types(org) == ["ProviderSignInRequirementChanged"]
    assert org.requires_provider_sign_in is False


@pytest.mark.parametrize(
    ("signed_in_with", "allowed"),
    [("github", True), ("gitlab", True), ("password", False), (None, False)],
)
def test_only_a_provider_session_passes_an_organisations_requirement(
    signed_in_with: str | None, allowed: bool
) -> None:
    principal = Principal(user_id=uuid.uuid4(), signed_in_with=signed_in_with)
    require_provider_sign_in(principal, False)  # no requirement: everyone passes
    if allowed:
        require_provider_sign_in(principal, True)
    else:
        with pytest.raises(ProviderSignInRequiredError) as refused:
            require_provider_sign_in(principal, True)
        assert refused.value.code == "FORBIDDEN"
        assert refused.value.reason == "PROVIDER_SIGN_IN_REQUIRED"


def test_provider_settings_come_from_the_environment_and_the_secret_is_masked() -> None:
    settings = Settings.from_env(
        {
            "CONTAINR_GITHUB_CLIENT_ID": "Iv1.abc",
            "CONTAINR_GITHUB_CLIENT_SECRET": "very-secret-value",
            "CONTAINR_GITLAB_URL": "https://gitlab.example.com/",
            "CONTAINR_GITLAB_SCOPES": "read_user   openid",
            "CONTAINR_PUBLIC_URL": "https://paas.example.com",
            "CONTAINR_SIGN_IN_TIMEOUT": "3",
        }
    )
    assert settings.github_client_secret == Secret("very-secret-value")
    assert settings.github_url == "https://github.com"
    assert settings.gitlab_url == "https://gitlab.example.com"
    assert settings.gitlab_scopes == "read_user openid"
    assert settings.sign_in_timeout_seconds == 3
    assert "very-secret-value" not in repr(settings)
    with pytest.raises(SettingsError, match="CONTAINR_GITHUB_URL"):
        Settings.from_env({"CONTAINR_GITHUB_URL": "github.com"})
    with pytest.raises(SettingsError, match="CONTAINR_SIGN_IN_TIMEOUT"):
        Settings.from_env({"CONTAINR_SIGN_IN_TIMEOUT": "0"})


@pytest.mark.parametrize(
    ("given_next", "kept"),
    [
        ("/projects/1?tab=logs", "/projects/1?tab=logs"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        (None, "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_next_is_a_path_on_this_site_or_the_home_page(given_next: str | None, kept: str) -> None:
    assert safe_next(given_next) == kept
