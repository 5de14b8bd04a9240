"""What the schema fuzz (test_fuzz_schema.py) found, one example each, on PostgreSQL.

U+0000 (NUL) cannot be stored in PostgreSQL text. A NUL in a read's filter answered
INTERNAL (``nodeMetrics(node:)``, ``auditLog(action:)``); a NUL in a recorded event's text
(a service's git branch) stopped the dashboard read model for good, so every later
mutation and read-your-writes query of every tenant timed out. Now a caller's command
carrying NUL is refused (VALIDATION_FAILED, nothing recorded), and PostgreSQL stores a NUL
that is recorded all the same (facts the system records, lines containers print) as U+FFFD.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application import commands as c
from application.errors import InvalidValueError
from application.logs import LogQuery
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client
from tests.e2e.test_authorization import SYSTEM

pytestmark = pytest.mark.postgres


@pytest.fixture
def setup(pg_settings: Settings) -> Iterator[tuple[Services, Client, str]]:
    app = bootstrap(pg_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        client = Client("http://testserver", http)
        org = client.sign_up("owner@example.com")["organizationId"]
        yield app, client, org
    app.close()


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def project_of(client: Client, org: str) -> str:
    created = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "shop") { id } }', o=org
    )
    return str(created["createProject"]["id"])


def test_a_nul_in_a_filter_finds_nothing_instead_of_failing_inside(
    setup: tuple[Services, Client, str],
) -> None:
    app, client, org = setup
    cluster = app.execute(
        c.RegisterCluster(
            organization_id=uuid.UUID(org),
            name="pve",
            url="https://10.0.0.10:8006",
            token_id="root@pam!c",
            token_secret=Secret("s3cret"),
        ),
        SYSTEM,
    ).id("cluster_id")
    app.wait_for(app.events.head())
    metrics = client.raw(
        'query($c: ID!) { nodeMetrics(clusterId: $c, node: "pve1\\u0000", '
        'since: "2020-01-01T00:00:00Z") { at } }',
        {"c": str(cluster)},
    )
    assert metrics == {"data": {"nodeMetrics": []}}
    audit = client.raw(
        'query($o: ID!) { auditLog(organizationId: $o, action: "Project.\\u0000", '
        'actor: "\\u0000") { nodes { action } } }',
        {"o": org},
    )
    assert audit == {"data": {"auditLog": {"nodes": []}}}


def test_a_callers_command_with_a_nul_is_refused_and_records_nothing(
    setup: tuple[Services, Client, str],
) -> None:
    app, client, org = setup
    project = project_of(client, org)
    head = app.events.head()
    body = client.raw(
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", settings: '
        '{port: 80, git: {repositoryUrl: "https://example.com/shop.git", branch: "ma\\u0000in"}}) '
        "{ id } }",
        {"p": project},
    )
    assert codes(body) == ["VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == "settings.git.branch: must not contain the NUL character"
    assert app.events.head() == head


def test_a_recorded_nul_does_not_stop_the_read_models(
    setup: tuple[Services, Client, str],
) -> None:
    """A fact recorded with a NUL (here by the system, which is not refused) is projected
    with U+FFFD, and the read models go on past it."""
    app, client, org = setup
    project = project_of(client, org)
    command = c.build_command(
        c.CreateService,
        {
            "project_id": project,
            "name": "web",
            "kind": "web",
            "port": 80,
            "git": {"repository_url": "https://example.com/shop.git", "branch": "ma\x00in"},
        },
    )
    app.execute(command, SYSTEM)
    renamed = client(
        'mutation($p: ID!) { renameProject(id: $p, name: "Shop 2") { name } }', p=project
    )  # waits for the dashboard read model to show it
    assert renamed == {"renameProject": {"name": "Shop 2"}}
    services = client("query($p: ID!) { project(id: $p) { services { source } } }", p=project)
    assert services["project"]["services"] == [
        {"source": "https://example.com/shop.git#ma\ufffdin"}
    ]


def test_log_lines_with_a_nul_are_kept(setup: tuple[Services, Client, str]) -> None:
    app, _, _ = setup
    deployment, service = uuid.uuid4(), uuid.uuid4()
    app.logs.append(deployment, service, "build", ["step 1\x00 done"])
    [entry] = app.logs.read(LogQuery(deployment_id=deployment))
    assert entry.line == "step 1\ufffd done"


def test_the_nul_check_looks_into_nested_values_and_names_the_field() -> None:
    clean = c.build_command(c.LabelNode, {"node_id": uuid.uuid4(), "labels": {"zone": "a"}})
    c.refuse_nul(clean)
    for labels in ({"zone": "a\x00"}, {"zo\x00ne": "a"}):
        with pytest.raises(InvalidValueError) as raised:
            c.refuse_nul(c.build_command(c.LabelNode, {"node_id": uuid.uuid4(), "labels": labels}))
        assert raised.value.field == "labels"
    with pytest.raises(InvalidValueError) as raised:
        c.refuse_nul(
            c.build_command(
                c.UnsetVariables,
                {
                    "project_id": uuid.uuid4(),
                    "environment_id": uuid.uuid4(),
                    "names": ["A", "B\x00"],
                },
            )
        )
    assert raised.value.field == "names"


def test_a_websocket_message_with_text_that_is_not_unicode_closes_with_4400(
    setup: tuple[Services, Client, str],
) -> None:
    """An escaped lone surrogate (``\\ud800``) decodes to text no database can take: over
    HTTP the body is refused as not JSON; over the WebSocket it reached a filter (INTERNAL)."""
    _, client, org = setup
    http = client.http
    assert isinstance(http, TestClient)
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_text(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {client.token}"}}
            )
        )
        assert json.loads(ws.receive_text())["type"] == "connection_ack"
        document = "query($a: String) { auditLog(organizationId: $o, action: $a) { nodes { id } } }"
        ws.send_text(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": document.replace("query($a", "query($o: ID!, $a"),
                        "variables": {"o": org, "a": "\ud800"},
                    },
                }
            )
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4400


@pytest.mark.parametrize(
    "message",
    [
        "null",
        "[]",
        '"subscribe"',
        '{"type": "subscribe", "id": "1", "payload": null}',
        '{"type": "subscribe", "id": {}, "payload": {"query": "{ viewer { id } }"}}',
        '{"type": "subscribe", "id": "1", "payload": {"query": "{ viewer { id } }", "variables": []}}',
        '{"type": "complete", "id": []}',
    ],
)
def test_a_websocket_message_of_the_wrong_shape_closes_with_4400_not_4500(
    setup: tuple[Services, Client, str], message: str
) -> None:
    """strawberry reads messages without checking their shape; these made it fail (4500)."""
    _, client, _ = setup
    http = client.http
    assert isinstance(http, TestClient)
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_text(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.receive_text())["type"] == "connection_ack"
        ws.send_text(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4400
