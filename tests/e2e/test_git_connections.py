"""Git provider connections over GraphQL (the API in this process, on PostgreSQL, with the
in-memory provider behind the GitProviderApi port): browsing repositories and branches,
connecting one to a service with an automatic or a manual webhook, checking a connection's
token; attacked from another organisation and with bad input, which records nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from adapters.fake_git_providers import FakeGitProviderApis, FakeProvider
from application.processes.git_connections import GitConnectionsProcess
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client, GraphQLError

pytestmark = pytest.mark.postgres

PUBLIC = "https://containr.example.test"
SHA = "b" * 40
CONNECTION = """mutation($o: ID!) { createGitConnection(organizationId: $o, provider: "github",
  name: "GitHub", accessToken: "ghp_e2e_token") { id } }"""
SERVICE = """mutation($o: ID!, $n: String!) {
  createProject(organizationId: $o, name: $n) { id services { id } }
}"""
CREATE_SERVICE = """mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web",
  settings: {port: 8080}) { id } }"""
CONNECT = """mutation($s: ID!, $c: ID!, $r: String!, $b: String!, $m: String!) {
  connectServiceRepository(serviceId: $s, connectionId: $c, repository: $r, branch: $b,
    webhookMode: $m) { connectionId repository branch webhookMode webhookState webhookUrl }
}"""
SOURCE = """query($s: ID!) { serviceSource(serviceId: $s) {
  repository branch webhookMode webhookState hookId webhookFailure webhookUrl } }"""
REPOSITORIES = """query($c: ID!, $p: Int!) { gitRepositories(connectionId: $c, page: $p,
  perPage: 2) { items { fullName defaultBranch private cloneUrl } nextPage } }"""
BRANCHES = """query($c: ID!, $r: String!) { gitBranches(connectionId: $c, repository: $r) {
  items { name commitSha } nextPage } }"""
CHECK = """mutation($c: ID!) { checkGitConnection(id: $c) { status reason login checkedAt
  connection { status statusReason login statusChangedAt } } }"""


@dataclass
class Api:
    app: Services
    owner: Client
    outsider: Client
    provider: FakeProvider
    org: str
    connection: str
    service: str
    outsider_org: str

    def process(self) -> GitConnectionsProcess:
        git = self.app.git_sources()
        return GitConnectionsProcess(
            bus=self.app.commands,
            queries=self.app.queries,
            dashboard=self.app.dashboard,
            connections=git.connections,
            health=git.health,
            clock=self.app.clock,
            public_url=PUBLIC,
        )

    def settle(self) -> None:
        self.app.wait_for(self.app.events.head(), ("dashboard",))


def codes(call: Any) -> list[str]:
    with pytest.raises(GraphQLError) as raised:
        call()
    return raised.value.codes


def refused(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    """The one error a request is answered with."""
    with pytest.raises(GraphQLError) as raised:
        client(query, **variables)
    [error] = raised.value.errors
    return error


@pytest.fixture
def api(pg_settings: Settings) -> Iterator[Api]:
    apis = FakeGitProviderApis()
    provider = apis.provider("github", "https://api.github.com")
    for name in ("acme/api", "acme/shop", "acme/web"):
        provider.add_repository(name, branches={"main": SHA, "release/1.0": SHA})
    settings = msgspec.structs.replace(pg_settings, public_url=PUBLIC)
    app = bootstrap(
        settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024), git_providers=apis
    )
    with TestClient(create_app(app, run_projections=True)) as http:
        owner = Client("http://testserver", http)  # type: ignore[arg-type]
        org = owner.sign_up("owner@example.com")["organizationId"]
        outsider = Client("http://testserver", http)  # type: ignore[arg-type]
        outsider.sign_up("outsider@example.com")
        outsider_org = outsider('mutation { createOrganization(name: "Rivals") { id } }')[
            "createOrganization"
        ]["id"]
        connection = owner(CONNECTION, o=org)["createGitConnection"]["id"]
        project = owner(SERVICE, o=org, n="Shop")["createProject"]["id"]
        service = owner(CREATE_SERVICE, p=project)["createService"]["id"]
        yield Api(app, owner, outsider, provider, org, connection, service, outsider_org)
    app.close()


def test_repositories_and_branches_are_browsed_page_by_page(api: Api) -> None:
    first = api.owner(REPOSITORIES, c=api.connection, p=1)["gitRepositories"]
    second = api.owner(REPOSITORIES, c=api.connection, p=2)["gitRepositories"]
    assert [r["fullName"] for r in first["items"]] == ["acme/api", "acme/shop"]
    assert (first["nextPage"], second["nextPage"]) == (2, None)
    assert second["items"][0]["cloneUrl"] == "https://git.example.test/acme/web.git"
    branches = api.owner(BRANCHES, c=api.connection, r="acme/shop")["gitBranches"]
    assert branches == {
        "items": [{"name": "main", "commitSha": SHA}, {"name": "release/1.0", "commitSha": SHA}],
        "nextPage": None,
    }


def test_another_organisations_member_can_neither_browse_nor_connect(api: Api) -> None:
    theirs = api.outsider(SERVICE, o=api.outsider_org, n="Mine")["createProject"]["id"]
    their_service = api.outsider(CREATE_SERVICE, p=theirs)["createService"]["id"]
    attacks = [
        (REPOSITORIES, {"c": api.connection, "p": 1}),
        (BRANCHES, {"c": api.connection, "r": "acme/shop"}),
        (CHECK, {"c": api.connection}),
        (SOURCE, {"s": api.service}),
        (
            CONNECT,
            {
                "s": their_service,
                "c": api.connection,
                "r": "acme/shop",
                "b": "main",
                "m": "automatic",
            },
        ),
        (
            CONNECT,
            {"s": api.service, "c": api.connection, "r": "acme/shop", "b": "main", "m": "manual"},
        ),
        ("mutation($s: ID!) { disconnectServiceRepository(serviceId: $s) }", {"s": api.service}),
    ]
    calls = api.provider.calls
    for query, variables in attacks:
        found = codes(lambda q=query, v=variables: api.outsider(q, **v))
        assert found in (["FORBIDDEN"], ["NOT_FOUND"]), (query, found)
    assert api.provider.calls == calls  # the provider was never asked on their behalf
    assert api.owner(SOURCE, s=api.service)["serviceSource"] is None
    assert api.outsider(SOURCE, s=their_service)["serviceSource"] is None


def test_an_unknown_repository_or_branch_is_refused_naming_it(api: Api) -> None:
    cases = [
        ("acme/nothing", "main", "repository", "does not show 'acme/nothing'"),
        ("acme/shop", "feature/none", "branch", "has no branch 'feature/none'"),
        ("../../etc/passwd", "main", "repository", "not a repository's full name"),
        ("acme/shop", "main;rm -rf ~", "branch", None),
    ]
    for repository, branch, argument, words in cases:
        error = refused(
            api.owner,
            CONNECT,
            s=api.service,
            c=api.connection,
            r=repository,
            b=branch,
            m="automatic",
        )
        assert error["extensions"]["code"] == "VALIDATION_FAILED", error
        assert argument in error["message"], error
        if words:
            assert words in error["message"], error
    error = refused(
        api.owner, CONNECT, s=api.service, c=api.connection, r="acme/shop", b="main", m="always"
    )
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert api.owner(SOURCE, s=api.service)["serviceSource"] is None
    assert api.provider.webhooks == {}


def test_an_automatic_webhook_is_registered_and_removed_on_disconnect(api: Api) -> None:
    connected = api.owner(
        CONNECT, s=api.service, c=api.connection, r="acme/shop", b="main", m="automatic"
    )["connectServiceRepository"]
    assert connected == {
        "connectionId": api.connection,
        "repository": "acme/shop",
        "branch": "main",
        "webhookMode": "automatic",
        "webhookState": "registering",
        "webhookUrl": f"{PUBLIC}/webhooks/{api.connection}",
    }
    process = api.process()
    process.tick()
    api.settle()
    source = api.owner(SOURCE, s=api.service)["serviceSource"]
    [hook] = api.provider.webhooks["acme/shop"].values()
    assert (source["webhookState"], source["hookId"]) == ("registered", hook.hook_id)
    assert hook.url == f"{PUBLIC}/webhooks/{api.connection}"
    assert (
        api.owner(
            "mutation($s: ID!) { disconnectServiceRepository(serviceId: $s) }", s=api.service
        )["disconnectServiceRepository"]
        is True
    )
    process.tick()
    api.settle()
    assert api.provider.webhooks["acme/shop"] == {}
    assert api.owner(SOURCE, s=api.service)["serviceSource"] is None


def test_a_manual_webhooks_secret_is_shown_to_admins_only(api: Api) -> None:
    api.owner(CONNECT, s=api.service, c=api.connection, r="acme/shop", b="main", m="manual")
    shown = api.owner(
        "query($s: ID!) { serviceSource(serviceId: $s) { webhookState webhookUrl webhookSecret } }",
        s=api.service,
    )["serviceSource"]
    assert shown["webhookState"] == "manual"
    assert shown["webhookUrl"] == f"{PUBLIC}/webhooks/{api.connection}"
    assert (
        shown["webhookSecret"] == api.app.queries.webhook_secret(uuid.UUID(api.connection)).reveal()
    )
    invitation = api.owner(
        'mutation($o: ID!) { inviteMember(organizationId: $o, email: "dev@example.com", '
        'role: "member") { token } }',
        o=api.org,
    )["inviteMember"]["token"]
    member = Client("http://testserver", api.owner.http)
    member.token = member(
        'mutation($t: String) { signUp(email: "dev@example.com", name: "Dev", '
        'password: "correct horse battery", invitationToken: $t) { accessToken } }',
        t=invitation,
    )["signUp"]["accessToken"]
    assert member(SOURCE, s=api.service)["serviceSource"]["webhookMode"] == "manual"
    assert codes(
        lambda: member(
            "query($s: ID!) { serviceSource(serviceId: $s) { webhookSecret } }", s=api.service
        )
    ) == ["FORBIDDEN"]


def test_a_connection_without_a_token_is_not_checked(api: Api) -> None:
    bare = api.owner(
        'mutation($o: ID!) { createGitConnection(organizationId: $o, provider: "gitlab", '
        'name: "GitLab") { id } }',
        o=api.org,
    )["createGitConnection"]["id"]
    error = refused(api.owner, CHECK, c=bare)
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert "no access token" in error["message"]
    assert api.owner("query($c: ID!) { gitConnection(id: $c) { status } }", c=bare)[
        "gitConnection"
    ] == {"status": "unchecked"}


def test_with_the_real_client_a_provider_nothing_answers_at_is_unavailable_and_records_nothing(
    sqlite_settings: Settings,
) -> None:
    # bootstrap wires the real provider adapters; this GitHub Enterprise address has nothing
    # listening, so every call fails at once as the provider being unavailable.
    app = bootstrap(sqlite_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        owner = Client("http://testserver", http)  # type: ignore[arg-type]
        org = owner.sign_up("owner@example.com")["organizationId"]
        connection = owner(
            """mutation($o: ID!) { createGitConnection(organizationId: $o, provider: "github",
              name: "GHE", apiUrl: "http://127.0.0.1:9/api/v3", accessToken: "ghp_e2e_token")
              { id } }""",
            o=org,
        )["createGitConnection"]["id"]
        project = owner(SERVICE, o=org, n="Shop")["createProject"]["id"]
        service = owner(CREATE_SERVICE, p=project)["createService"]["id"]
        error = refused(
            owner, CONNECT, s=service, c=connection, r="acme/shop", b="main", m="manual"
        )
        assert error["extensions"]["code"] == "UNAVAILABLE"
        assert "unavailable" in error["message"] and "ghp_e2e_token" not in error["message"]
        assert owner(SOURCE, s=service)["serviceSource"] is None
        assert codes(lambda: owner(REPOSITORIES, c=connection, p=1)) == ["UNAVAILABLE"]
    app.close()


def test_a_check_shows_a_broken_connection_with_the_providers_reason(api: Api) -> None:
    ok = api.owner(CHECK, c=api.connection)["checkGitConnection"]
    assert (ok["status"], ok["login"], ok["connection"]["status"]) == ("ok", "containr-bot", "ok")
    api.provider.refused = "Bad credentials"
    broken = api.owner(CHECK, c=api.connection)["checkGitConnection"]
    assert broken["status"] == "broken"
    assert broken["connection"]["statusReason"] == "Bad credentials"
    error = refused(api.owner, REPOSITORIES, c=api.connection, p=1)
    assert error["extensions"]["code"] == "CONFLICT"
    assert "Bad credentials" in error["message"]
    api.provider.refused, api.provider.unavailable = None, "timed out"
    down = api.owner(CHECK, c=api.connection)["checkGitConnection"]
    assert (down["status"], down["connection"]["status"]) == ("unavailable", "broken")
    assert refused(api.owner, REPOSITORIES, c=api.connection, p=1)["extensions"]["code"] == (
        "UNAVAILABLE"
    )
