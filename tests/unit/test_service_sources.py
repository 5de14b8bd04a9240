"""Connected repositories and connection health in the domain: a service's repository and
its webhook's life (registering, registered, refused, removed), and a connection's token
found broken or working again, recorded on changes only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.git_connection import (
    DEFAULT_API_URLS,
    AccessStatus,
    GitConnection,
    GitProvider,
    clone_url,
)
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_source import WebhookMode, WebhookState, check_full_name, webhook_key
from domain.service_spec import GitSource, ServiceKind, ServiceSpec
from domain.triggers import PushTrigger
from domain.values import SealedValue
from tests.unit.given import ACTOR, at, given, replayed, types

URL = "https://github.com/acme/shop.git"
AUTO, MANUAL = WebhookMode.AUTOMATIC, WebhookMode.MANUAL


def _service(image: str | None = None) -> Service:
    git = None if image else GitSource("https://example.com/old.git", root_directory="app")
    spec = ServiceSpec(kind=ServiceKind.WEB, git=git, image=image, port=80)
    return Service.create(
        ServiceId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        ProjectId(uuid.uuid4()),
        "web",
        spec,
        actor=ACTOR,
        now=at(),
    )


def _connection() -> GitConnection:
    return GitConnection.create(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        provider=GitProvider.GITHUB,
        name="GitHub",
        api_url=None,
        access_token=SealedValue("sealed-token"),
        webhook_secret=SealedValue("sealed-secret"),
        actor=ACTOR,
        now=at(),
    )


def _connect(service: Service, connection: uuid.UUID, mode: WebhookMode = AUTO) -> bool:
    return service.connect_repository(
        connection, "acme/shop", "main", mode, clone_url=URL, actor=ACTOR, now=at(1)
    )


# Connection health


def test_the_first_working_check_records_whom_the_token_acts_as() -> None:
    connection = given(_connection())
    assert connection.access is AccessStatus.UNCHECKED
    assert connection.access_confirmed("octocat", actor=ACTOR, now=at(1))
    assert types(connection) == ["AccessRestored"]
    assert (connection.access, connection.login) == (AccessStatus.OK, "octocat")


def test_checks_that_find_the_same_record_nothing() -> None:
    connection = _connection()
    connection.access_confirmed("octocat", actor=ACTOR, now=at(1))
    given(connection)
    assert not connection.access_confirmed("octocat", actor=ACTOR, now=at(2))
    connection.access_refused("Bad credentials", actor=ACTOR, now=at(3))
    assert not connection.access_refused("Bad credentials (again)", actor=ACTOR, now=at(4))
    assert types(connection) == ["AccessLost"]


def test_a_broken_connection_shows_the_reason_and_recovers() -> None:
    connection = _connection()
    connection.access_confirmed("octocat", actor=ACTOR, now=at(1))
    connection.access_refused("401 Bad credentials", actor=ACTOR, now=at(2))
    assert (connection.access, connection.access_reason) == (
        AccessStatus.BROKEN,
        "401 Bad credentials",
    )
    connection.access_confirmed("octocat", actor=ACTOR, now=at(3))
    rebuilt = replayed(connection)
    assert (rebuilt.access, rebuilt.access_reason, rebuilt.login) == (
        AccessStatus.OK,
        None,
        "octocat",
    )


def test_a_removed_connection_is_not_checked_any_more() -> None:
    connection = _connection()
    connection.remove(actor=ACTOR, now=at(1))
    with pytest.raises(RuleViolatedError):
        connection.access_refused("gone", actor=ACTOR, now=at(2))


# Clone URLs and repository names


@pytest.mark.parametrize(
    ("provider", "api_url", "expected"),
    [
        (GitProvider.GITHUB, DEFAULT_API_URLS[GitProvider.GITHUB], "https://github.com/a/b.git"),
        (GitProvider.GITHUB, "https://ghe.example.com/api/v3", "https://ghe.example.com/a/b.git"),
        (GitProvider.GITLAB, DEFAULT_API_URLS[GitProvider.GITLAB], "https://gitlab.com/a/b.git"),
        (GitProvider.GITLAB, "http://git.local:8080/api/v4", "http://git.local:8080/a/b.git"),
        (
            GitProvider.BITBUCKET,
            DEFAULT_API_URLS[GitProvider.BITBUCKET],
            "https://bitbucket.org/a/b.git",
        ),
    ],
)
def test_the_clone_url_follows_from_the_connection(
    provider: GitProvider, api_url: str, expected: str
) -> None:
    assert clone_url(provider, api_url, "a/b") == expected


@pytest.mark.parametrize(
    "name", ["", "shop", "acme/", "../etc/passwd", "acme/../x", "acme/shop; rm -rf /", "a/b\n"]
)
def test_a_repository_must_be_named_owner_slash_name(name: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        check_full_name(name)
    assert raised.value.field == "repository"


def test_nested_gitlab_groups_are_repository_names() -> None:
    assert check_full_name("group/sub/project") == "group/sub/project"


# Connecting a repository


def test_connecting_a_repository_points_the_git_source_at_it() -> None:
    service = given(_service())
    connection = uuid.uuid4()
    assert _connect(service, connection)
    assert types(service) == ["Reconfigured", "RepositoryConnected"]
    assert service.spec.git == GitSource(URL, "main", root_directory="app")
    assert service.source is not None
    assert service.source.webhook_state is WebhookState.REGISTERING
    assert service.git_connection_id == connection


def test_connecting_the_same_repository_again_records_nothing() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    given(service)
    assert not _connect(service, connection)
    assert types(service) == []


def test_a_manual_webhook_is_never_registered_by_containr() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection, MANUAL)
    assert service.source is not None
    assert service.source.webhook_state is WebhookState.MANUAL
    assert not service.webhook_registered(connection, "acme/shop", "7", actor=ACTOR, now=at(2))
    service.disconnect_repository(actor=ACTOR, now=at(3))
    assert service.webhook_removals == {}


def test_a_webhook_is_registered_once_and_a_late_report_changes_nothing() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    given(service)
    assert service.webhook_registered(connection, "acme/shop", "7", actor=ACTOR, now=at(2))
    assert not service.webhook_registered(connection, "acme/shop", "8", actor=ACTOR, now=at(3))
    assert types(service) == ["WebhookRegistered"]
    assert service.source is not None and service.source.hook_id == "7"


def test_a_refused_registration_shows_the_providers_reason() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    service.webhook_refused(
        connection, "acme/shop", "Resource not accessible", actor=ACTOR, now=at(2)
    )
    rebuilt = replayed(service)
    assert rebuilt.source.webhook_state is WebhookState.FAILED
    assert rebuilt.source.failure == "Resource not accessible"


def test_disconnecting_leaves_the_webhook_to_remove_by_its_id() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    service.webhook_registered(connection, "acme/shop", "7", actor=ACTOR, now=at(2))
    given(service)
    assert service.disconnect_repository(actor=ACTOR, now=at(3))
    assert not service.disconnect_repository(actor=ACTOR, now=at(4))
    assert types(service) == ["RepositoryDisconnected"]
    removal = service.webhook_removals[webhook_key(connection, "acme/shop")]
    assert removal.hook_id == "7"
    assert service.source is None and service.git_connection_id is None
    assert service.spec.git is not None  # the git source stays
    assert service.webhook_removed(connection, "acme/shop", actor=ACTOR, now=at(5))
    assert not service.webhook_removed(connection, "acme/shop", actor=ACTOR, now=at(6))
    assert service.webhook_removals == {}


def test_a_report_for_a_repository_no_longer_connected_changes_nothing() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    service.disconnect_repository(actor=ACTOR, now=at(2))
    given(service)
    assert not service.webhook_registered(connection, "acme/shop", "7", actor=ACTOR, now=at(3))
    assert types(service) == []


def test_reconnecting_before_the_removal_keeps_the_webhook() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    service.disconnect_repository(actor=ACTOR, now=at(2))
    _connect(service, connection)
    assert service.webhook_removals == {}
    assert service.source is not None
    assert service.source.webhook_state is WebhookState.REGISTERING


def test_deleting_a_service_removes_its_webhook() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    given(service)
    service.delete(actor=ACTOR, now=at(2))
    assert types(service) == ["RepositoryDisconnected", "Deleted"]


def test_an_image_service_cannot_be_fed_by_a_repository() -> None:
    service = given(_service(image="nginx:1.27"))
    with pytest.raises(RuleViolatedError):
        _connect(service, uuid.uuid4())
    assert types(service) == []


def test_a_branch_with_shell_metacharacters_is_refused() -> None:
    service = given(_service())
    with pytest.raises(InvalidValueError):
        service.connect_repository(
            uuid.uuid4(), "acme/shop", "main;rm -rf ~", AUTO, clone_url=URL, actor=ACTOR, now=at()
        )
    assert types(service) == []


def test_triggers_hear_pushes_through_the_connected_repositorys_connection() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    triggers = (PushTrigger("main", uuid.uuid4()),)
    service.set_triggers(None, triggers, actor=ACTOR, now=at(2))
    assert service.git_connection_id == connection
    with pytest.raises(RuleViolatedError):
        service.set_triggers(uuid.uuid4(), triggers, actor=ACTOR, now=at(3))


def test_a_webhook_is_registered_again_only_with_a_newer_secret() -> None:
    service = _service()
    connection = uuid.uuid4()
    _connect(service, connection)
    service.webhook_registered(connection, "acme/shop", "7", 0, actor=ACTOR, now=at(2))
    given(service)
    assert not service.webhook_registered(connection, "acme/shop", "8", 0, actor=ACTOR, now=at(3))
    assert service.webhook_registered(connection, "acme/shop", "9", 1, actor=ACTOR, now=at(4))
    assert types(service) == ["WebhookRegistered"]
    assert service.source is not None
    assert (service.source.hook_id, service.source.secret_generation) == ("9", 1)


def test_each_rotation_is_a_new_secret_generation() -> None:
    connection = _connection()
    for minutes in (1, 2):
        connection.rotate_webhook_secret(
            SealedValue(f"s{minutes}"), timedelta(hours=1), actor=ACTOR, now=at(minutes)
        )
    assert replayed(connection).secret_generation == 2
