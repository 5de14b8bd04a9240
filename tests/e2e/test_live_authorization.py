"""Open subscriptions end with a coded error once their caller may no longer read what they
follow: a removed member, a logout (seen by another API process too), a revoked API token,
an expired access token. A role change that still allows reading keeps them going."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from adapters.auth import JwtSigner
from adapters.secretbox import master_key
from application.settings import Settings
from tests.e2e.client import Client, GraphQLError, Subscription
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ACTIVITY = "subscription($p: ID!) { projectActivity(projectId: $p) { action position } }"
END_WITHIN = 15  # seconds a test waits for the end (the product ends it in about a notice's trip)


@pytest.fixture
def two_servers(server_settings: Settings) -> Iterator[tuple[Server, Server]]:
    first = Server(server_settings)
    second = Server(server_settings)
    yield first, second
    second.stop()
    first.stop()


def _organisation_with_a_member(
    server: Server, role: str = "member"
) -> tuple[Client, Client, str, str]:
    """An owner, a member of the owner's organisation, the organisation and a project."""
    owner, member = server.client(), server.client()
    org = owner.sign_up(f"o-{uuid.uuid4().hex[:6]}@example.com")["organizationId"]
    joined = member.sign_up(f"m-{uuid.uuid4().hex[:6]}@example.com")
    invitation = owner(
        "mutation($o: ID!, $e: String!, $r: String!) { inviteMember(organizationId: $o, "
        "email: $e, role: $r) { token } }",
        o=org,
        e=f"x-{uuid.uuid4().hex[:6]}@example.com",
        r=role,
    )["inviteMember"]["token"]
    member("mutation($t: String!) { acceptInvitation(token: $t) { id } }", t=invitation)
    project = owner(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    assert joined["userId"]
    return owner, member, org, project


def _replayed(subscription: Subscription) -> None:
    """The subscription is live: it replays the project's first entry."""
    assert subscription.next()["projectActivity"]["action"]


def _ended_with(subscription: Subscription, code: str) -> None:
    with pytest.raises(GraphQLError) as ended:
        _until_it_ends(subscription)
    assert ended.value.codes == [code], ended.value.errors


def _until_it_ends(subscription: Subscription) -> None:
    while True:  # entries still replaying may come first
        subscription.next(timeout=END_WITHIN)


def _rename(owner: Client, project: str, name: str) -> None:
    owner(
        "mutation($p: ID!, $n: String!) { renameProject(id: $p, name: $n) { id } }",
        p=project,
        n=name,
    )


def test_a_removed_member_s_subscription_ends_forbidden(server: Server) -> None:
    owner, member, org, project = _organisation_with_a_member(server)
    member_id = member("{ viewer { id } }")["viewer"]["id"]
    with member.subscribe(ACTIVITY, p=project) as live:
        _replayed(live)
        owner(
            "mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }",
            o=org,
            u=member_id,
        )
        _rename(owner, project, "After removal")
        _ended_with(live, "FORBIDDEN")


def test_a_role_change_that_still_allows_reading_keeps_the_subscription(server: Server) -> None:
    owner, member, org, project = _organisation_with_a_member(server, role="admin")
    member_id = member("{ viewer { id } }")["viewer"]["id"]
    with member.subscribe(ACTIVITY, p=project) as live:
        _replayed(live)
        owner(
            'mutation($o: ID!, $u: ID!) { changeMemberRole(organizationId: $o, userId: $u, role: "viewer") { id } }',
            o=org,
            u=member_id,
        )
        _rename(owner, project, "Still watched")
        actions = []
        while "Project.Renamed" not in actions:
            actions.append(live.next(timeout=END_WITHIN)["projectActivity"]["action"])


def test_a_logout_through_another_api_process_ends_the_session_s_subscriptions(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    owner, member, _, project = _organisation_with_a_member(first)
    on_second = second.client()
    on_second.token = member.token
    with on_second.subscribe(ACTIVITY, p=project) as live:
        _replayed(live)
        member("mutation { logOut }")
        _ended_with(live, "UNAUTHENTICATED")
    assert owner("{ viewer { id } }")  # the owner's own session is untouched


def test_a_revoked_api_token_ends_its_subscriptions(server: Server) -> None:
    owner, _, _, project = _organisation_with_a_member(server)
    created = owner('mutation { createApiToken(name: "ci", scopes: ["read"]) { id token } }')[
        "createApiToken"
    ]
    with owner.subscribe(ACTIVITY, token=created["token"], p=project) as live:
        _replayed(live)
        owner("mutation($id: ID!) { revokeApiToken(id: $id) }", id=created["id"])
        _ended_with(live, "UNAUTHENTICATED")


def test_a_subscription_ends_when_its_access_token_expires(
    server: Server, server_settings: Settings
) -> None:
    owner, _, _, project = _organisation_with_a_member(server)
    claims = JwtSigner(master_key(server_settings)).verify(str(owner.token))
    short = JwtSigner(master_key(server_settings)).issue(
        {"sub": claims["sub"], "sid": claims["sid"]}, ttl_seconds=8
    )
    with owner.subscribe(ACTIVITY, token=short, p=project) as live:
        _replayed(live)
        _ended_with(live, "UNAUTHENTICATED")
