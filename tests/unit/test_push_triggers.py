"""Push triggers, git connections and webhook deliveries in the domain: which pushes deploy
what where, secrets rotated with an overlap, deliveries recorded and handled once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.git_connection import DEFAULT_API_URLS, GitConnection, GitProvider
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import GitSource, ServiceKind, ServiceSpec
from domain.triggers import (
    PushTrigger,
    decide_push,
    glob_matches,
    path_watched,
    repository_full_name,
)
from domain.values import SealedValue
from domain.webhook_delivery import Caused, DeliveryFact, WebhookDelivery
from tests.unit.given import ACTOR, at, given, replayed, then, types

PROD, STAGING = uuid.uuid4(), uuid.uuid4()


def push(branch: str = "main", message: str = "fix", paths: tuple[str, ...] = (), complete=False):  # type: ignore[no-untyped-def]
    return {"branch": branch, "message": message, "paths": paths, "paths_complete": complete}


def test_a_push_to_a_matching_branch_deploys_to_its_environment() -> None:
    triggers = (PushTrigger("main", PROD), PushTrigger("release/*", STAGING))
    [decision] = decide_push(triggers, **push("release/1.2"))
    assert (decision.environment_id, decision.action) == (STAGING, "deploy")


def test_a_push_to_an_unwatched_branch_decides_nothing() -> None:
    assert decide_push((PushTrigger("main", PROD),), **push("feature/x")) == []


def test_manual_triggers_leave_the_commit_waiting() -> None:
    [decision] = decide_push((PushTrigger("main", PROD, automatic=False),), **push())
    assert decision.action == "wait"


@pytest.mark.parametrize("message", ["ship it [skip deploy]", "[Deploy Skip] docs"])
def test_skip_markers_in_the_head_message_skip(message: str) -> None:
    [decision] = decide_push((PushTrigger("main", PROD),), **push(message=message))
    assert decision.action == "skip" and "skip" in decision.reason


def test_watch_paths_skip_only_when_the_path_list_is_complete() -> None:
    trigger = (PushTrigger("main", PROD, watch_paths=("api",)),)
    [outside] = decide_push(trigger, **push(paths=("web/a.ts",), complete=True))
    [inside] = decide_push(trigger, **push(paths=("web/a.ts", "api/x.py"), complete=True))
    [unknown] = decide_push(trigger, **push(paths=("web/a.ts",), complete=False))
    assert (outside.action, inside.action, unknown.action) == ("skip", "deploy", "deploy")


def test_globs_keep_to_segments_unless_doubled() -> None:
    assert glob_matches("release/*", "release/1.2")
    assert not glob_matches("release/*", "release/1/2")
    assert glob_matches("release/**", "release/1/2")
    assert path_watched("services/api", "services/api/main.py")
    assert path_watched("**/*.py", "a/b/c.py")
    assert not path_watched("services/api", "services/apix/main.py")


def test_a_branch_name_with_shell_metacharacters_is_plain_data() -> None:
    name = "x;$(touch /tmp/pwned)`id`|&"
    assert decide_push((PushTrigger("main", PROD),), **push(name)) == []
    assert decide_push((PushTrigger("x;**", PROD),), **push(name))[0].action == "deploy"


def test_the_first_trigger_of_an_environment_wins() -> None:
    triggers = (PushTrigger("main", PROD, automatic=False), PushTrigger("*", PROD))
    assert [d.action for d in decide_push(triggers, **push())] == ["wait"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://github.com/Acme/Shop.git", "acme/shop"),
        ("git@gitlab.com:group/sub/app.git", "group/sub/app"),
        ("ssh://git@bitbucket.org/team/repo", "team/repo"),
        ("https://github.com/acme/shop/", "acme/shop"),
    ],
)
def test_repository_full_names_come_from_the_url_path(url: str, name: str) -> None:
    assert repository_full_name(url) == name


def _service() -> Service:
    spec = ServiceSpec(kind=ServiceKind.WEB, git=GitSource("https://github.com/acme/shop"), port=80)
    return Service.create(
        ServiceId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        ProjectId(uuid.uuid4()),
        "web",
        spec,
        actor=ACTOR,
        now=at(),
    )


def test_setting_triggers_records_them_once() -> None:
    service = _service()
    connection = uuid.uuid4()
    triggers = (PushTrigger("main", PROD, watch_paths=("api/**",)),)
    service.set_triggers(connection, triggers, actor=ACTOR, now=at(1))
    service.set_triggers(connection, triggers, actor=ACTOR, now=at(2))
    rebuilt = replayed(service)
    assert rebuilt.triggers == triggers and rebuilt.git_connection_id == connection
    assert rebuilt.version == 2  # created, then one TriggersSet


def test_triggers_refuse_bad_globs_and_need_a_connection() -> None:
    service = given(_service())
    with pytest.raises(InvalidValueError):
        service.set_triggers(uuid.uuid4(), (PushTrigger("", PROD),), actor=ACTOR, now=at())
    bad = (PushTrigger("main", PROD, watch_paths=("../etc",)),)
    with pytest.raises(InvalidValueError):
        service.set_triggers(uuid.uuid4(), bad, actor=ACTOR, now=at())
    with pytest.raises(RuleViolatedError):
        service.set_triggers(None, (PushTrigger("main", PROD),), actor=ACTOR, now=at())
    assert then(service) == []


def _connection(
    provider: GitProvider = GitProvider.GITHUB, url: str | None = None
) -> GitConnection:
    return GitConnection.create(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        provider=provider,
        name="GitHub",
        api_url=url,
        access_token=None,
        webhook_secret=SealedValue("sealed-1"),
        actor=ACTOR,
        now=at(),
    )


def test_connections_default_their_api_address_and_take_self_hosted_ones() -> None:
    assert _connection().api_url == DEFAULT_API_URLS[GitProvider.GITHUB]
    gitlab = _connection(GitProvider.GITLAB, "https://git.example.com/api/v4/")
    assert gitlab.api_url == "https://git.example.com/api/v4"
    with pytest.raises(InvalidValueError):
        _connection(GitProvider.GITHUB, "https://user:pw@github.example.com")


def test_a_rotated_secret_is_accepted_until_the_overlap_ends() -> None:
    connection = _connection()
    connection.rotate_webhook_secret(
        SealedValue("sealed-2"), timedelta(hours=24), actor=ACTOR, now=at()
    )
    assert connection.accepted_secrets(at(60)) == ["sealed-2", "sealed-1"]
    assert connection.accepted_secrets(at(24 * 60)) == ["sealed-2"]
    assert replayed(connection).webhook_secret == "sealed-2"


def test_a_removed_connection_cannot_rotate() -> None:
    connection = given(_connection())
    connection.remove(actor=ACTOR, now=at())
    with pytest.raises(RuleViolatedError):
        connection.rotate_webhook_secret(SealedValue("x"), timedelta(0), actor=ACTOR, now=at())


def test_a_delivery_has_one_id_per_provider_delivery_and_is_handled_once() -> None:
    connection = uuid.uuid4()
    assert WebhookDelivery.id_for(connection, "d1") == WebhookDelivery.id_for(connection, "d1")
    assert WebhookDelivery.id_for(connection, "d1") != WebhookDelivery.id_for(uuid.uuid4(), "d1")
    delivery = given(
        WebhookDelivery.receive(
            organization_id=uuid.uuid4(),
            connection_id=connection,
            delivery_id="d1",
            event="ping",
            fact=DeliveryFact(kind="ping"),
            actor=ACTOR,
            now=at(),
        )
    )
    caused = [Caused(uuid.uuid4(), PROD, "wait", "manual")]
    assert delivery.handle(caused, "one waiting", actor=ACTOR, now=at(1))
    assert not delivery.handle([], "again", actor=ACTOR, now=at(2))
    assert types(delivery) == ["Handled"]
