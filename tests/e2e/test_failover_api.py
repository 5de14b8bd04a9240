"""The failover policy over GraphQL (issue 17): set and shown on the service; bad input is
refused with a code naming the argument and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from application.services import Services
from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

SET = """mutation($s: ID!, $min: Int, $preferred: [ID!], $backup: [ID!]) {
  setFailoverPolicy(id: $s, minHealthyReplicas: $min, preferredNodes: $preferred,
    backupNodes: $backup) { id failover { minHealthyReplicas preferredNodes backupNodes } } }"""
SHOWN = "query($s: ID!) { service(id: $s) { failover { minHealthyReplicas preferredNodes } } }"


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    with in_process(sqlite_settings) as served:
        yield served


def organization(client: Client) -> str:
    return str(client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"])


def a_service(client: Client, replicas: int = 2) -> str:
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }',
        o=organization(client),
    )["createProject"]["id"]
    return str(
        client(
            'mutation($p: ID!, $s: ServiceInput!) { createService(projectId: $p, name: "web", '
            'kind: "web", settings: $s) { id } }',
            p=project,
            s={"image": "nginx:1.27", "port": 80, "replicas": replicas},
        )["createService"]["id"]
    )


def a_node(client: Client, name: str) -> str:
    return str(
        client(
            "mutation($o: ID!, $n: String!) { registerNode(organizationId: $o, name: $n, "
            'endpoint: "tcp://10.1.1.1:2376", cpuMillis: 4000, memoryMb: 8192) { id } }',
            o=organization(client),
            n=name,
        )["registerNode"]["id"]
    )


def test_a_policy_is_set_shown_and_cleared(setup: tuple[Services, Client]) -> None:
    _, client = setup
    service = a_service(client)
    main, spare = a_node(client, "main"), a_node(client, "spare")
    policy = client(SET, s=service, min=1, preferred=[main], backup=[spare])["setFailoverPolicy"]
    assert policy["failover"] == {
        "minHealthyReplicas": 1,
        "preferredNodes": [main],
        "backupNodes": [spare],
    }
    assert client(SHOWN, s=service)["service"]["failover"]["preferredNodes"] == [main]
    assert client(SET, s=service)["setFailoverPolicy"]["failover"] is None


@pytest.mark.parametrize(
    ("variables", "code", "argument"),
    [
        ({"min": 3}, "VALIDATION_FAILED", "minHealthyReplicas"),
        ({"preferred": ["unknown"]}, "NOT_FOUND", "preferredNodes"),
        ({"backup": ["node"]}, "NOT_FOUND", "backupNodes"),
        ({"preferred": ["node"], "backup": ["node"]}, "VALIDATION_FAILED", "backupNodes"),
    ],
)
def test_bad_policies_are_refused_and_change_nothing(
    setup: tuple[Services, Client], variables: dict[str, Any], code: str, argument: str
) -> None:
    _, client = setup
    service = a_service(client)
    node = a_node(client, "main")
    named = {
        "unknown": str(uuid.uuid4()),
        "node": node if code != "NOT_FOUND" else str(uuid.uuid4()),
    }
    given = {k: [named[x] for x in v] if isinstance(v, list) else v for k, v in variables.items()}
    body = client.raw(SET, {"s": service, **given})
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert error["extensions"].get("argument", "").startswith(argument), error
    assert client(SHOWN, s=service)["service"]["failover"] is None
