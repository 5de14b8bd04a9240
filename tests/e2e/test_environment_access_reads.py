"""An environment's access and share links read back through GraphQL (issue 14): the mode,
each link's dates, maker and revocation, never a token or its hash; and only by the
organisation's own members."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest

from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import in_process

ENVIRONMENTS = (
    "query($p: ID!) { project(id: $p) { environments { id name access "
    "shareLinks { id createdAt expiresAt revokedAt createdBy } } } }"
)


@pytest.fixture
def api(store_settings: Settings) -> Iterator[tuple[Services, Client]]:
    """The API in this process on either event store, its owner signed in."""
    with in_process(store_settings) as served:
        yield served


def production(client: Client, project: str) -> dict[str, object]:
    environments = client(ENVIRONMENTS, p=project)["project"]["environments"]
    found: dict[str, object] = next(e for e in environments if e["name"] == "production")
    return found


def new_project(client: Client) -> tuple[str, str]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    created = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "shop") '
        "{ id environments { id name } } }",
        o=org,
    )["createProject"]
    env = next(e["id"] for e in created["environments"] if e["name"] == "production")
    return created["id"], env


def test_access_and_share_links_are_read_back_without_tokens(
    api: tuple[Services, Client],
) -> None:
    _, client = api
    project, env = new_project(client)
    assert production(client, project)["access"] == "public"
    assert production(client, project)["shareLinks"] == []

    changed = client(
        'mutation($e: ID!) { setEnvironmentAccess(environmentId: $e, access: "members") '
        "{ id access } }",
        e=env,
    )["setEnvironmentAccess"]
    assert changed == {"id": env, "access": "members"}

    made = [
        client(
            "mutation($e: ID!, $h: Int!) { createShareLink(environmentId: $e, "
            "expiresInHours: $h) { id token expiresAt } }",
            e=env,
            h=hours,
        )["createShareLink"]
        for hours in (2, 5)
    ]
    client(
        "mutation($e: ID!, $l: ID!) { revokeShareLink(environmentId: $e, linkId: $l) }",
        e=env,
        l=made[0]["id"],
    )
    body = client.raw(ENVIRONMENTS, {"p": project})
    assert "errors" not in body
    links = production(client, project)["shareLinks"]
    assert [link["id"] for link in links] == [made[1]["id"], made[0]["id"]]  # newest first
    assert [link["expiresAt"] for link in links] == [made[1]["expiresAt"], made[0]["expiresAt"]]
    assert links[0]["revokedAt"] is None and links[1]["revokedAt"] is not None
    assert all(link["createdBy"].startswith("user:") for link in links)
    text = json.dumps(body)
    for link in made:
        assert link["token"] not in text
        assert hashlib.sha256(link["token"].encode()).hexdigest() not in text


def test_another_organisation_reads_neither_the_access_nor_the_links(
    api: tuple[Services, Client],
) -> None:
    """The attack: B's owner asks for A's environment (through A's project, or through the
    mutation that answers with the environment) and learns nothing of its links."""
    _, client = api
    project, env = new_project(client)
    link = client(
        "mutation($e: ID!) { createShareLink(environmentId: $e, expiresInHours: 1) { id } }",
        e=env,
    )["createShareLink"]["id"]

    stranger = Client(client.base_url, client.http)
    stranger.sign_up("stranger@example.com", "Stranger")
    for document, variables in (
        (ENVIRONMENTS, {"p": project}),
        (
            'mutation($e: ID!) { setEnvironmentAccess(environmentId: $e, access: "public") '
            "{ access shareLinks { id } } }",
            {"e": env},
        ),
    ):
        body = stranger.raw(document, variables)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert link not in json.dumps(body)
    assert production(client, project)["shareLinks"][0]["id"] == link
    with pytest.raises(GraphQLError):
        stranger(
            "mutation($e: ID!, $l: ID!) { revokeShareLink(environmentId: $e, linkId: $l) }",
            e=env,
            l=link,
        )
    assert production(client, project)["shareLinks"][0]["revokedAt"] is None
