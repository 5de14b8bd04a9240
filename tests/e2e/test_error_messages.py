"""Errors that say what to do, over GraphQL: the argument at fault in ``extensions.argument``
(as the client wrote it) and at the start of the message, the code that fits, and the fix.

A service's repository is checked when it is set (git ls-remote, here on real repositories
made with git in the test's directory), so a wrong URL or branch is refused at once.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from application.services import Services
from tests.e2e.client import Client
from tests.integration.deploy_support import AppRepository

CREATE_PROJECT = """mutation($o: ID!, $name: String!, $slug: String) {
  createProject(organizationId: $o, name: $name, slug: $slug) { id name createdAt } }"""
CREATE_SERVICE = """mutation($p: ID!, $name: String!, $url: String!, $branch: String! = "main") {
  createService(projectId: $p, name: $name, kind: "web",
                settings: {git: {repositoryUrl: $url, branch: $branch}, port: 80}) { id } }"""
UPDATE_BRANCH = """mutation($s: ID!, $url: String!, $branch: String!) {
  updateService(id: $s, settings: {git: {repositoryUrl: $url, branch: $branch}}) { id } }"""


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") in (None, {}) or all(v is None for v in body["data"].values()), body
    (error,) = body["errors"]
    return error  # type: ignore[no-any-return]


def organization(client: Client) -> dict[str, str]:
    return client("{ viewer { organizations { id name } } }")["viewer"]["organizations"][0]  # type: ignore[no-any-return]


def project(client: Client, name: str = "Shop") -> dict[str, str]:
    org = organization(client)["id"]
    return client(CREATE_PROJECT, o=org, name=name, slug=None)["createProject"]  # type: ignore[no-any-return]


def repository(where: Path) -> AppRepository:
    made = AppRepository(where)
    made.commit("1")
    return made


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


# Taken names: the argument and another name, not "reload and try again"


def test_a_taken_project_name_names_the_argument_the_project_and_the_fix(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    org = organization(client)
    project(client, "Shop")
    before = app.events.head()

    error = only_error(client.raw(CREATE_PROJECT, {"o": org["id"], "name": "Shop"}))

    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["argument"] == "name"
    assert error["message"] == (
        f"name: a project named 'Shop' already exists in {org['name']}; choose another name"
    )
    assert app.events.head() == before


def test_a_taken_slug_names_the_slug_and_the_project_holding_it(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    org = organization(client)
    project(client, "Shop")

    error = only_error(
        client.raw(CREATE_PROJECT, {"o": org["id"], "name": "Store", "slug": "shop"})
    )

    assert error["extensions"]["argument"] == "slug"
    assert error["message"] == (
        f"slug: the slug 'shop' belongs to the project 'Shop' in {org['name']}; choose another slug"
    )


def test_a_taken_service_name_names_the_argument(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    shop = project(client)
    url = repository(tmp_path / "app").url
    client(CREATE_SERVICE, p=shop["id"], name="web", url=url)

    error = only_error(client.raw(CREATE_SERVICE, {"p": shop["id"], "name": "web", "url": url}))

    assert error["extensions"] | {"reference": None} == {
        "code": "VALIDATION_FAILED",
        "argument": "name",
        "reference": None,
    }
    assert error["message"] == (
        "name: the project 'Shop' already has a service 'web'; choose another name"
    )


# Ids and client mutation ids: the argument as the mutation calls it


def test_an_unknown_id_is_not_found_naming_its_argument(setup: tuple[Services, Client]) -> None:
    _, client = setup
    shop = project(client)
    missing = "00000000-0000-4000-8000-000000000000"

    error = only_error(
        client.raw(
            "mutation($s: ID!, $e: ID!) { deployService(serviceId: $s, environmentId: $e) { id } }",
            {"s": missing, "e": missing},
        )
    )
    renamed = only_error(
        client.raw('mutation($p: ID!) { renameProject(id: $p, name: "x") { id } }', {"p": missing})
    )

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["argument"] == "serviceId"
    assert error["message"].startswith(f"serviceId: service {missing} does not exist; check the id")
    assert renamed["extensions"]["argument"] == "id"
    assert shop["id"] != missing


def test_a_client_mutation_id_used_for_another_command_names_it(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    shop = project(client)
    rename = """mutation($p: ID!, $name: String!) {
      renameProject(id: $p, name: $name, clientMutationId: "once") { id } }"""
    client(rename, p=shop["id"], name="Shop 2")

    error = only_error(client.raw(rename, {"p": shop["id"], "name": "Shop 3"}))

    assert error["extensions"]["argument"] == "clientMutationId"
    assert error["message"].startswith("clientMutationId: was already used for a different")


# The repository, checked when it is set


def test_a_service_from_a_local_repository_is_created(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    shop = project(client)
    url = repository(tmp_path / "app").url

    created = client(CREATE_SERVICE, p=shop["id"], name="web", url=url)["createService"]

    assert created["id"]


def test_a_repository_that_does_not_exist_is_refused_when_the_service_is_created(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    app, client = setup
    shop = project(client)
    missing = tmp_path / "does-not-exist"
    before = app.events.head()

    error = only_error(
        client.raw(CREATE_SERVICE, {"p": shop["id"], "name": "web", "url": missing.as_uri()})
    )

    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["argument"] == "settings.git.repositoryUrl"
    assert error["message"] == (
        f"settings.git.repositoryUrl: repository not found or access denied: {missing.as_uri()} "
        f"('{missing}' does not appear to be a git repository); check the URL, and for a "
        "private repository give a token that can read it"
    )
    assert app.events.head() == before


def test_a_branch_that_does_not_exist_is_refused_naming_the_branches(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    shop = project(client)
    url = repository(tmp_path / "app").url

    error = only_error(
        client.raw(CREATE_SERVICE, {"p": shop["id"], "name": "web", "url": url, "branch": "mian"})
    )

    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["argument"] == "settings.git.branch"
    assert error["message"] == (
        f"settings.git.branch: branch 'mian' does not exist in {url}; its branches are main"
    )


def test_changing_the_branch_to_one_that_does_not_exist_is_refused(
    setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    shop = project(client)
    url = repository(tmp_path / "app").url
    service = client(CREATE_SERVICE, p=shop["id"], name="web", url=url)["createService"]["id"]

    error = only_error(client.raw(UPDATE_BRANCH, {"s": service, "url": url, "branch": "gone"}))
    spec = client("query($s: ID!) { service(id: $s) { spec } }", s=service)["service"]["spec"]

    assert error["extensions"]["argument"] == "settings.git.branch"
    assert spec["git"]["branch"] == "main"


def test_an_unreachable_repository_server_is_unavailable_with_the_reason(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    shop = project(client)
    url = f"http://127.0.0.1:{closed_port()}/shop.git"
    before = app.events.head()

    error = only_error(client.raw(CREATE_SERVICE, {"p": shop["id"], "name": "web", "url": url}))

    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["argument"] == "settings.git.repositoryUrl"
    assert error["message"].startswith(f"settings.git.repositoryUrl: could not reach {url} (")
    assert error["message"].endswith("check the host name and that this server can reach it")
    assert app.events.head() == before


# Time travel to before a project existed


def test_time_travel_to_before_the_project_says_where_its_history_starts(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    first = project(client, "Old")
    shop = project(client, "Shop")
    earliest = app.events.head()  # the project's creation was the last command
    query = "query($id: ID!, $p: Int) { projectAsOf(id: $id, position: $p) { position } }"

    error = only_error(client.raw(query, {"id": shop["id"], "p": 1}))
    answer = client(query, id=shop["id"], p=earliest)["projectAsOf"]
    by_instant = only_error(
        client.raw(
            'query($id: ID!) { projectAsOf(id: $id, at: "2000-01-01T00:00:00Z") { position } }',
            {"id": shop["id"]},
        )
    )

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["argument"] == "position"
    assert error["message"].startswith(
        f"position: project 'Shop' did not exist yet at position 1; "
        f"the earliest position is {earliest} (created "
    )
    assert answer == {"position": earliest}
    assert by_instant["extensions"]["argument"] == "at"
    assert by_instant["message"].startswith(
        "at: project 'Shop' did not exist yet at 2000-01-01T00:00:00+00:00; "
        f"the earliest position is {earliest}"
    )
    assert first["id"] != shop["id"]
