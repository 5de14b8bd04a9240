"""An organisation's image registry over GraphQL (issue 18), on PostgreSQL: set and cleared
by owners and admins, its password sealed before it is recorded and never returned, bad
settings coded errors naming the argument that record nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client, GraphQLError

pytestmark = pytest.mark.postgres

FIELDS = "id registryKind registryUrl registryUsername"
SET = f"""mutation($o: ID!, $u: String, $n: String, $p: String, $i: Boolean! = false) {{
  setRegistry(id: $o, url: $u, username: $n, password: $p, useInstallationRegistry: $i)
  {{ {FIELDS} }} }}"""
CLEAR = f"mutation($o: ID!) {{ clearRegistry(id: $o) {{ {FIELDS} }} }}"


@dataclass
class Api:
    app: Services
    settings: Settings
    owner: Client
    org: str

    def raw_events(self) -> bytes:
        schema = self.settings.database_schema
        assert self.settings.database_url is not None
        with psycopg.connect(self.settings.database_url) as conn:
            rows = conn.execute(f'SELECT topic, state FROM "{schema}".containr_events').fetchall()
        return b"".join(topic.encode() + bytes(state) for topic, state in rows)


def refused(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    with pytest.raises(GraphQLError) as raised:
        client(query, **variables)
    [error] = raised.value.errors
    return error


@pytest.fixture
def api(pg_settings: Settings) -> Iterator[Api]:
    app = bootstrap(pg_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        owner = Client("http://testserver", http)  # type: ignore[arg-type]
        org = owner.sign_up("owner@example.com")["organizationId"]
        yield Api(app, pg_settings, owner, org)
    app.close()


def test_the_registry_is_set_with_a_sealed_password_never_returned_and_cleared(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "Reg1stry-" + uuid.uuid4().hex
    made = api.owner(SET, o=api.org, u="registry.example.com:5000/team", n="ci", p=password)
    assert made["setRegistry"] == {
        "id": api.org,
        "registryKind": "own",
        "registryUrl": "registry.example.com:5000/team",
        "registryUsername": "ci",
    }
    body = api.owner.raw(
        "query($o: ID!) { organization(id: $o) { registryPassword } }", {"o": api.org}
    )
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    events = api.raw_events()
    assert b"Organization.RegistrySet" in events
    assert password.encode() not in events
    assert password not in caplog.text
    api.app.wait_for(api.app.events.head(), ("history",))
    [entry] = api.owner(
        'query($o: ID!) { auditLog(organizationId: $o, first: 5, action: "Organization.RegistrySet")'
        " { nodes { details } } }",
        o=api.org,
    )["auditLog"]["nodes"]
    assert entry["details"]["password"] == "sealed"
    assert entry["details"]["address"] == "registry.example.com:5000/team"

    installation = api.owner(SET, o=api.org, i=True)["setRegistry"]
    assert (installation["registryKind"], installation["registryUrl"]) == ("installation", None)
    cleared = api.owner(CLEAR, o=api.org)["clearRegistry"]
    assert (cleared["registryKind"], cleared["registryUrl"], cleared["registryUsername"]) == (
        None,
        None,
        None,
    )


def test_bad_registry_settings_are_coded_errors_naming_the_argument_and_record_nothing(
    api: Api,
) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"u": "ftp://registry.example.com"}, "url", "scheme"),
        ({"u": "registry.example.com/Team"}, "url", "lowercase"),
        ({"u": "registry.example.com:0"}, "url", "port"),
        ({}, "url", "address"),
        ({"u": "registry.example.com", "n": "ci"}, "password", "both"),
        ({"u": "registry.example.com", "p": "x"}, "username", "both"),
        ({"u": "registry.example.com", "i": True}, "url", "installation"),
    ]
    for variables, argument, words in cases:
        error = refused(api.owner, SET, o=api.org, **variables)
        assert error["extensions"]["code"] == "VALIDATION_FAILED", (variables, error)
        assert error["extensions"].get("argument") == argument, (variables, error)
        assert words in error["message"], (variables, error)
    assert b"Organization.RegistrySet" not in api.raw_events()
