"""Malformed requests and odd values get a coded error saying what is wrong, never HTTP 500."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.graphql.scalars import MAX_JSON_DEPTH
from interfaces.http.app import create_app
from tests.e2e.client import Client


def post(client: Client, body: bytes) -> tuple[int, dict[str, Any]]:
    response = client.http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "Authorization": f"Bearer {client.token}"},
    )
    answer: dict[str, Any] = response.json()
    return response.status_code, answer


def only_error(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["data"] is None
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    return error  # type: ignore[no-any-return]


def test_variables_nested_a_thousand_deep_get_a_coded_400(setup: tuple[Services, Client]) -> None:
    _, client = setup
    nested = '{"a":' * 1000 + "1" + "}" * 1000
    status, answer = post(
        client, f'{{"query": "{{ viewer {{ id }} }}", "variables": {{"v": {nested}}}}}'.encode()
    )
    assert status == 400
    assert "nests too deeply" in only_error(answer)["message"]
    nested = "[" * 40 + "]" * 40  # within what msgspec decodes, beyond what is allowed
    status, answer = post(
        client, f'{{"query": "{{ viewer {{ id }} }}", "variables": {{"v": {nested}}}}}'.encode()
    )
    assert status == 400
    assert "nests too deeply" in only_error(answer)["message"]


def test_a_json_array_body_is_told_that_batches_are_not_supported(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    status, answer = post(client, msgspec.json.encode([{"query": "{ viewer { id } }"}]))
    assert status == 400
    message = only_error(answer)["message"]
    assert "one JSON object" in message and "batches" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"query": ""}, "the request has no query"),
        ({"query": "  \n "}, "the request has no query"),
        (
            {"query": "{ viewer { id } }", "operationName": "Missing"},
            "no operation named 'Missing'",
        ),
        ({"query": "fragment F on Viewer { id }"}, "the document has no operation"),
    ],
)
def test_requests_without_an_operation_to_run_get_a_coded_400(
    setup: tuple[Services, Client], body: dict[str, Any], expected: str
) -> None:
    _, client = setup
    status, answer = post(client, msgspec.json.encode(body))
    assert status == 400
    assert expected in only_error(answer)["message"]


def test_json_inputs_nest_at_most_a_bounded_depth(setup: tuple[Services, Client]) -> None:
    app, client = setup
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=org,
    )["createProject"]
    value: Any = "deep"
    for _ in range(MAX_JSON_DEPTH + 1):
        value = {"v": value}
    before = app.events.head()
    answer = client.raw(
        "mutation($p: ID!, $e: ID!, $v: JSON!) { setVariables(projectId: $p, environmentId: $e, values: $v) { name } }",
        {"p": project["id"], "e": project["environments"][0]["id"], "v": value},
    )
    assert "nested too deeply" in only_error(answer)["message"]
    assert app.events.head() == before


def test_an_instant_without_a_zone_is_taken_as_utc(setup: tuple[Services, Client]) -> None:
    _, client = setup
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    cluster = client(
        """mutation($o: ID!) { registerCluster(organizationId: $o, name: "pve",
        url: "https://127.0.0.1:8006", tokenId: "root@pam!ci", tokenSecret: "s3cret") { id } }""",
        o=org,
    )["registerCluster"]["id"]
    query = 'query($c: ID!, $s: DateTime!) { nodeMetrics(clusterId: $c, node: "pve1", since: $s) { at } }'
    for since in ("2020-01-01T00:00:00", "2020-01-01T00:00:00Z", "2020-01-01T02:00:00+02:00"):
        assert client(query, c=cluster, s=since) == {"nodeMetrics": []}
    inline = f'{{ nodeMetrics(clusterId: "{cluster}", node: "pve1", since: "2020-01-01T00:00:00") {{ at }} }}'
    assert client(inline) == {"nodeMetrics": []}
    answer = client.raw(query, {"c": cluster, "s": "yesterday"})
    assert "not an ISO 8601 date and time" in only_error(answer)["message"]


def test_answers_carry_instants_with_their_offset(setup: tuple[Services, Client]) -> None:
    _, client = setup
    created = client("{ viewer { organizations { createdAt } } }")["viewer"]["organizations"][0]
    assert created["createdAt"].endswith("+00:00")


MISTAKES = [
    "{ viewr { id } }",  # a field
    "{ viewer { organizations { projects(frist: 1) { nodes { id } } } } }",  # an argument
    "query($x: Strng) { viewer { id } }",  # a type
    'mutation { createApiToken(name: "t", scopes: ["read"], expiresInDay: 3) { token } }',
]


@pytest.mark.parametrize("document", MISTAKES)
def test_production_gives_no_suggestions_where_development_does(
    sqlite_settings: Settings, document: str
) -> None:
    messages = {}
    for mode in ("development", "production"):
        app = bootstrap(
            msgspec.structs.replace(sqlite_settings, mode=mode),
            hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
        )
        try:
            with TestClient(create_app(app, run_projections=True)) as http:
                client = Client("http://testserver", http)
                client.sign_up(f"{mode}@example.com")
                answer = client.raw(document)
        finally:
            app.close()
        messages[mode] = " ".join(e["message"] for e in answer["errors"])
    assert "Did you mean" in messages["development"]
    assert "Did you mean" not in messages["production"], messages["production"]


def test_production_gives_no_suggestions_for_mistaken_variables(
    sqlite_settings: Settings,
) -> None:
    app = bootstrap(
        msgspec.structs.replace(sqlite_settings, mode="production"),
        hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
    )
    try:
        with TestClient(create_app(app, run_projections=True)) as http:
            client = Client("http://testserver", http)
            client.sign_up("owner@example.com")
            answer = client.raw(
                """mutation($p: ID!, $s: ServiceInput) { createService(projectId: $p, name: "web",
                kind: "web", settings: $s) { id } }""",
                {"p": "00000000-0000-0000-0000-000000000000", "s": {"prot": 80}},
            )
    finally:
        app.close()
    message = only_error(answer)["message"]
    assert "prot" in message and "Did you mean" not in message


NAMING = [
    (
        'mutation($p: ID!) { addEnvironment(projectId: $p, name: "qa", kind: "bogus") { id } }',
        "kind: ",
    ),
    (
        'mutation($p: ID!) { createService(projectId: $p, name: "nightly", kind: "cron", settings: {image: "busybox"}) { id } }',
        "settings.cronSchedule: ",
    ),
    (
        'mutation { createApiToken(name: "t", scopes: ["read"], expiresInDays: 0) { token } }',
        "expiresInDays: ",
    ),
    (
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", settings: {image: "busybox", port: 80, healthCheck: {kind: "tcp", gracePeriodSeconds: -1}}) { id } }',
        "settings.healthCheck.gracePeriodSeconds: ",
    ),
    (
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", settings: {git: {repositoryUrl: "https://git.example.com/a.git", branch: "-x"}, port: 80}) { id } }',
        "settings.git.branch: ",
    ),
    (
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", settings: {image: "Not An Image", port: 80}) { id } }',
        "settings.image: ",
    ),
]


@pytest.mark.parametrize(("mutation", "prefix"), NAMING)
def test_messages_name_the_argument_as_the_client_wrote_it(
    setup: tuple[Services, Client], mutation: str, prefix: str
) -> None:
    _, client = setup
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    answer = client.raw(mutation, {"p": project} if "$p" in mutation else {})
    error = only_error(answer)
    message = error["message"]
    assert message.startswith(prefix), message
    assert error["extensions"]["argument"] == prefix.removesuffix(": ")
    assert not re.search(r"[a-z]_[a-z]|\$\.|^[A-Z][a-z]+[A-Z]\w*:", message), message


def test_a_websocket_message_nested_too_deep_closes_the_connection_with_4400(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    http = client.http
    assert isinstance(http, TestClient)
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_text(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.receive_text())["type"] == "connection_ack"
        ws.send_text(
            '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", '
            f'"variables": {{"v": {deep}}}}}}}'
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4400
