"""Bad input gets a coded error and changes nothing; limits hold; the committed schema is fresh."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.readgate import ReadGate
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.graphql.schema import schema_sdl
from interfaces.http.app import create_app
from tests.e2e.client import Client
from tests.e2e.conftest import in_process

ROOT = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "metrics-token-0123456789"


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    """The shared in-process API, with a metrics token."""
    settings = msgspec.structs.replace(sqlite_settings, metrics_token=Secret(METRICS_TOKEN))
    with in_process(settings) as served:
        yield served


def org_of(client: Client) -> str:
    return client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]  # type: ignore[no-any-return]


BAD_DOCUMENTS = [
    ("{ viewer { id ", "Syntax Error"),
    ("{ nope }", "Cannot query field 'nope'"),
    ('mutation { createProject(organizationId: 5, name: "x") { id } }', "is not an id"),
    ('mutation { scaleService(id: "x", replicas: "three") { id } }', "Int cannot represent"),
]


@pytest.mark.parametrize(("document", "fragment"), BAD_DOCUMENTS)
def test_malformed_and_mistyped_documents_fail_validation_and_change_nothing(
    setup: tuple[Services, Client], document: str, fragment: str | None
) -> None:
    app, client = setup
    before = app.events.head()
    body = client.raw(document)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    if fragment:
        assert fragment in body["errors"][0]["message"]
    assert app.events.head() == before


def test_a_too_deep_query_is_refused_and_a_deep_legitimate_one_is_not(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    legitimate = (
        "{ viewer { organizations { projects { edges { node { services { states { "
        "latestDeployment { history { state } } } } } } } } } }"
    )
    assert client.raw(legitimate).get("errors") is None
    too_deep = "{ viewer { " + "organizations { " * 14 + "id" + " }" * 14 + " } }"
    body = client.raw(too_deep)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


def test_an_expensive_query_is_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    org = org_of(client)
    body = client.raw(
        """query($o: ID!) { organization(id: $o) { projects(first: 200) { nodes {
        services { deployments(first: 200) { nodes { id } } } } } } }""",
        {"o": org},
    )
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert "too expensive" in body["errors"][0]["message"]


def test_an_oversized_request_is_refused(setup: tuple[Services, Client]) -> None:
    app, client = setup
    before = app.events.head()
    response = client.http.post("/graphql", json={"query": "{ viewer { id } }" + " " * 300_000})
    assert response.status_code == 413
    assert app.events.head() == before


def test_non_json_and_non_graphql_bodies_are_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    response = client.http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    response = client.http.post("/graphql", json={"variables": {}})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "query($id: ID!) { project(id: $id) { name } }",
        "query($id: ID!) { service(id: $id) { name } }",
        "query($id: ID!) { deployment(id: $id) { state } }",
        "query($id: ID!) { node(id: $id) { name } }",
        "query($id: ID!) { organization(id: $id) { name } }",
    ],
)
def test_unknown_ids_are_not_found_or_forbidden(setup: tuple[Services, Client], query: str) -> None:
    _, client = setup
    body = client.raw(query, {"id": str(uuid.uuid4())})
    assert body["errors"][0]["extensions"]["code"] in ("NOT_FOUND", "FORBIDDEN")
    body = client.raw(query, {"id": "not-an-id"})
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        (
            'mutation($o: ID!) { createProject(organizationId: $o, name: "") { id } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation($o: ID!) { createProject(organizationId: $o, name: "x", slug: "Bad Slug") { id } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation($o: ID!) { registerNode(organizationId: $o, name: "n1", endpoint: "nowhere", cpuMillis: 1, memoryMb: 1) { id } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation($o: ID!) { registerNode(organizationId: $o, name: "n1", endpoint: "tcp://10.0.0.9:2376", cpuMillis: 1, memoryMb: 1, tlsCaCert: "x", tlsClientCert: "y", tlsClientKey: "z") { id } }',
            "VALIDATION_FAILED",  # TLS material that is not PEM (issue 18)
        ),
        (
            'mutation($o: ID!) { inviteMember(organizationId: $o, email: "not an email") { id } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation($o: ID!) { inviteMember(organizationId: $o, email: "a@b.example", role: "emperor") { id } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation { createApiToken(name: "t", scopes: ["everything"]) { token } }',
            "VALIDATION_FAILED",
        ),
        (
            'mutation { rollbackService(deploymentId: "00000000-0000-0000-0000-000000000000") { id } }',
            "NOT_FOUND",
        ),
        ('mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', None),
        (
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }',
            "VALIDATION_FAILED",  # a taken name: choose another (issue 12), not a conflict
        ),
        (
            'mutation { signUp(email: "owner@example.com", name: "Again", password: "another long one") { userId } }',
            "FORBIDDEN",  # a taken email is refused like any other sign-up (issue 11)
        ),
        (
            'mutation { signUp(email: "x@example.com", name: "Short", password: "short") { userId } }',
            "VALIDATION_FAILED",
        ),
    ],
)
def test_bad_mutations_get_their_code_and_record_nothing(
    setup: tuple[Services, Client], mutation: str, code: str | None
) -> None:
    app, client = setup
    org = org_of(client)
    if code is not None and '"Shop"' in mutation:
        client(mutation, o=org)  # the first one takes the name
    before = app.events.head()
    variables = {"o": org} if "$o" in mutation else {}
    body = client.raw(mutation, variables)
    if code is None:
        assert body.get("errors") is None
        return
    assert body["errors"][0]["extensions"]["code"] == code, body
    assert app.events.head() == before


def test_internal_errors_do_not_leak_details(
    setup: tuple[Services, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, client = setup

    def boom(*_: object, **__: object) -> object:
        raise RuntimeError("secret connection string postgres://u:hunter2@db")

    monkeypatch.setattr(ReadGate, "roles", boom)  # the read gate reads memberships first
    body = client.raw("{ viewer { id organizations { id } } }")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "hunter2" not in str(body) and "Traceback" not in str(body)
    assert "reference" in error["message"]


def test_the_committed_schema_is_generated_from_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema_sdl(), (
        "schema.graphql is stale: run `containr graphql-schema > schema.graphql`"
    )


def test_introspection_is_off_in_production(sqlite_settings: Settings) -> None:
    app = bootstrap(
        msgspec.structs.replace(sqlite_settings, mode="production"),
        hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
    )
    try:
        with TestClient(create_app(app)) as http:
            response = http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
            assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
            assert http.get("/graphql", headers={"accept": "text/html"}).status_code != 200
    finally:
        app.close()


def test_health_readiness_and_metrics(setup: tuple[Services, Client]) -> None:
    _, client = setup
    http: httpx.Client = client.http
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz").json()
    assert ready["status"] == "ready" and "dashboard" in ready["read_models"]
    metrics = http.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert 'containr_http_requests_total{route="/graphql",status="200"}' in metrics
    assert 'containr_projection_lag_events{model="dashboard"}' in metrics
    assert "containr_subscriptions_open" in metrics
