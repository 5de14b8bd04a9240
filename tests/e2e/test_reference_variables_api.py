"""Reference variables over GraphQL: bad references get a coded error naming the variable
and the reference, and nothing is recorded; the canvas edges are read (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest

from application.services import Services
from tests.e2e.client import Client, GraphQLError

SET = (
    "mutation($p: ID!, $e: ID!, $s: ID, $v: JSON!) { setVariables(projectId: $p, "
    "environmentId: $e, serviceId: $s, values: $v) { name } }"
)
NAMES = (
    "query($p: ID!, $e: ID!, $s: ID) { variables(projectId: $p, environmentId: $e, "
    "serviceId: $s) { name } }"
)


def project(client: Client) -> dict[str, Any]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    created = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=org,
    )["createProject"]
    ids = {"p": created["id"], "e": created["environments"][0]["id"]}
    for name in ("web", "db"):
        ids[name] = client(
            'mutation($p: ID!, $n: String!) { createService(projectId: $p, name: $n, kind: "web", '
            'settings: {image: "nginx:1", port: 80}) { id } }',
            p=ids["p"],
            n=name,
        )["createService"]["id"]
    return ids


def refused(
    client: Client, ids: dict[str, Any], service: str | None, values: dict[str, str]
) -> Any:
    with pytest.raises(GraphQLError) as raised:
        client(SET, p=ids["p"], e=ids["e"], s=ids[service] if service else None, v=values)
    return raised.value.errors[0]


def names(client: Client, ids: dict[str, Any], service: str | None) -> list[str]:
    found = client(NAMES, p=ids["p"], e=ids["e"], s=ids[service] if service else None)
    return [v["name"] for v in found["variables"]]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (
            {"DATABASE_URL": "${{cache.URL}}"},
            "DATABASE_URL references ${{cache.URL}}, but the project 'Shop' has no service 'cache'",
        ),
        (
            {"DATABASE_URL": "postgres://${{db.USER}}:${{db.NOPE}}@db"},
            "DATABASE_URL references ${{db.NOPE}}, but service 'db' of this environment have no variable NOPE",
        ),
        (
            {"REGION": "${{shared.REGION}}"},
            "REGION references ${{shared.REGION}}, but the shared variables",
        ),
        ({"URL": "${{db.USER"}, "URL: '${{db.USER' is not a reference"),
    ],
)
def test_a_reference_to_nothing_is_refused_with_a_code_and_nothing_is_recorded(
    setup: tuple[Services, Client], values: dict[str, str], says: str
) -> None:
    _, client = setup
    ids = project(client)
    client(SET, p=ids["p"], e=ids["e"], s=ids["db"], v={"USER": "app"})
    error = refused(client, ids, "web", {**values, "PLAIN": "x"})
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert says in error["message"]
    assert names(client, ids, "web") == []


def test_a_cycle_is_refused_naming_it_and_nothing_is_recorded(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    ids = project(client)
    client(SET, p=ids["p"], e=ids["e"], s=None, v={"A": "plain"})
    client(SET, p=ids["p"], e=ids["e"], s=ids["db"], v={"B": "${{shared.A}}"})
    client(SET, p=ids["p"], e=ids["e"], s=ids["web"], v={"C": "x-${{db.B}}"})
    error = refused(client, ids, None, {"A": "${{web.C}}"})
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert "shared.A → web.C → db.B → shared.A" in error["message"]
    revealed = client(
        "query($p: ID!, $e: ID!) { variables(projectId: $p, environmentId: $e, reveal: true) { name value } }",
        p=ids["p"],
        e=ids["e"],
    )["variables"]
    assert revealed == [{"name": "A", "value": "plain"}]


def test_the_canvas_reads_which_services_a_service_references(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    ids = project(client)
    client(SET, p=ids["p"], e=ids["e"], s=ids["db"], v={"USER": "app", "HOST": "db"})
    client(
        SET,
        p=ids["p"],
        e=ids["e"],
        s=ids["web"],
        v={"DATABASE_URL": "postgres://${{db.USER}}@${{db.HOST}}", "LITERAL": "$${{db.USER}}"},
    )
    query = "query($p: ID!) { project(id: $p) { services { name references { environmentId serviceId variables } states { needsRedeploy } } } }"
    # The same caller's next read sees its write (read-your-writes).
    services = {s["name"]: s for s in client(query, p=ids["p"])["project"]["services"]}
    assert services["web"]["references"] == [
        {"environmentId": ids["e"], "serviceId": ids["db"], "variables": ["DATABASE_URL"]}
    ]
    assert services["db"]["references"] == []
