"""The response cache: hits for repeated queries, never stale after a write, never shared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.graphql.cache import ResponseCache
from interfaces.http.app import create_app
from tests.e2e.client import Client

PROJECT = "query($p: ID!) { project(id: $p) { name services { name replicas } } }"
ORG = "query($o: ID!) { organization(id: $o) { name projects { nodes { name } } } }"


@pytest.fixture
def served(sqlite_settings: Settings) -> Iterator[tuple[TestClient, ResponseCache]]:  # type: ignore[type-arg]
    app = bootstrap(sqlite_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    application = create_app(app, run_projections=True)
    with TestClient(application) as http:
        yield http, application.state["cache"]
    app.close()


def test_a_repeated_query_is_served_from_the_cache(
    served: tuple[TestClient, ResponseCache],
) -> None:  # type: ignore[type-arg]
    http, cache = served
    client = Client("http://testserver", http)
    org = client.sign_up("a@example.com")["organizationId"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    first = client(PROJECT, p=project)
    hits = cache.hits
    assert client(PROJECT, p=project) == first
    assert cache.hits == hits + 1


def test_after_a_write_the_next_read_shows_it(served: tuple[TestClient, ResponseCache]) -> None:  # type: ignore[type-arg]
    http, _ = served
    client = Client("http://testserver", http)
    org = client.sign_up("a@example.com")["organizationId"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    assert client(ORG, o=org)["organization"]["projects"]["nodes"] == [{"name": "Shop"}]
    for i in range(5):
        client(
            "mutation($p: ID!, $n: String!) { renameProject(id: $p, name: $n) { name } }",
            p=project,
            n=f"Shop {i}",
        )
        assert client(PROJECT, p=project)["project"]["name"] == f"Shop {i}"
        assert client(ORG, o=org)["organization"]["projects"]["nodes"] == [{"name": f"Shop {i}"}]
        service = client(
            """mutation($p: ID!, $n: String!) { createService(projectId: $p, name: $n,
            kind: "worker", settings: {image: "busybox:1"}) { id } }""",
            p=project,
            n=f"w{i}",
        )
        names = [s["name"] for s in client(PROJECT, p=project)["project"]["services"]]
        assert f"w{i}" in names
        client(
            "mutation($s: ID!) { scaleService(id: $s, replicas: 4) { replicas } }",
            s=service["createService"]["id"],
        )
        replicas = {
            s["name"]: s["replicas"] for s in client(PROJECT, p=project)["project"]["services"]
        }
        assert replicas[f"w{i}"] == 4


def test_one_callers_answer_is_never_served_to_another(
    served: tuple[TestClient, ResponseCache],
) -> None:  # type: ignore[type-arg]
    http, _ = served
    alice = Client("http://testserver", http)
    org = alice.sign_up("alice@example.com")["organizationId"]
    assert alice(ORG, o=org)["organization"]["name"]
    bob = Client("http://testserver", http)
    bob.sign_up("bob@example.com")
    body = bob.raw(ORG, {"o": org})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    token = alice('mutation { createApiToken(name: "ro", scopes: ["read"]) { token } }')[
        "createApiToken"
    ]["token"]
    reader = Client("http://testserver", http)
    reader.token = token
    assert reader(ORG, o=org) == alice(ORG, o=org)  # same answer, computed for its own scope


def test_losing_membership_is_seen_at_once(served: tuple[TestClient, ResponseCache]) -> None:  # type: ignore[type-arg]
    http, _ = served
    alice = Client("http://testserver", http)
    org = alice.sign_up("alice@example.com")["organizationId"]
    bob = Client("http://testserver", http)
    bob_id = bob.sign_up("bob@example.com")["userId"]
    invitation = alice(
        'mutation($o: ID!) { inviteMember(organizationId: $o, email: "bob@example.com") { token } }',
        o=org,
    )["inviteMember"]["token"]
    bob("mutation($t: String!) { acceptInvitation(token: $t) { id } }", t=invitation)
    assert bob(ORG, o=org)["organization"]["name"]
    alice(
        "mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }",
        o=org,
        u=bob_id,
    )
    body = bob.raw(ORG, {"o": org})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
