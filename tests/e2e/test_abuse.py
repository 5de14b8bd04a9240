"""Abuse limits over HTTP: forwarded addresses, one hashing field per request, sign-up modes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.handlers.accounts import INVITATION_ONLY
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client
from tests.e2e.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
LOG_IN = 'mutation($e: String!) { logIn(email: $e, password: "not the password") { userId } }'


def log_in_codes(server: Server, forwarded_for: list[str]) -> list[str]:
    """The error code of one wrong login per X-Forwarded-For value, each for another email."""
    client = server.client()
    codes = []
    for value in forwarded_for:
        body: dict[str, Any] = client.http.post(
            "/graphql",
            json={"query": LOG_IN, "variables": {"e": f"u-{uuid.uuid4().hex[:8]}@example.com"}},
            headers={"X-Forwarded-For": value},
        ).json()
        codes.append(body["errors"][0]["extensions"]["code"])
    return codes


def limited(codes: list[str], limit: int) -> bool:
    """Whether a per-client limit held: the first ``limit`` tries went ahead (and failed
    to log in), every later one was refused. The limiter's windows slide, so this holds
    whenever the tries take less than its minute, wherever the server's clock stands."""
    return codes == ["UNAUTHENTICATED"] * limit + ["RATE_LIMITED"] * (len(codes) - limit)


@pytest.mark.postgres
@pytest.mark.redis
def test_rotating_x_forwarded_for_from_an_untrusted_peer_does_not_escape_the_login_limit(
    server_settings: Settings,
) -> None:
    settings = msgspec.structs.replace(server_settings, login_limit_per_client=3)
    server = Server(settings)
    try:
        codes = log_in_codes(server, [f"198.51.100.{i}" for i in range(10)])
    finally:
        server.stop()
    assert limited(codes, 3), codes


@pytest.mark.postgres
@pytest.mark.redis
def test_behind_a_trusted_proxy_each_forwarded_client_counts_apart_and_spoofing_gains_nothing(
    server_settings: Settings,
) -> None:
    settings = msgspec.structs.replace(
        server_settings, login_limit_per_client=3, trusted_proxies=("127.0.0.0/8",)
    )
    server = Server(settings)
    try:
        # The client writes a new address each time; the proxy appends the one it saw.
        spoofed = log_in_codes(server, [f"10.9.9.{i}, 203.0.113.7" for i in range(10)])
        other = log_in_codes(server, ["198.51.100.20"] * 2)
    finally:
        server.stop()
    assert limited(spoofed, 3), spoofed
    assert other == ["UNAUTHENTICATED"] * 2


# In-process (Litestar's test client) for the rest.


def serve(settings: Settings) -> Iterator[tuple[Services, Client]]:
    app = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        yield app, Client("http://testserver", http)
    app.close()


@pytest.fixture
def invite_only(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    yield from serve(msgspec.structs.replace(sqlite_settings, signup="invite"))


@pytest.fixture
def open_signup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    yield from serve(msgspec.structs.replace(sqlite_settings, signup="open"))


SIGN_UP = """mutation($e: String!, $t: String) {
  signUp(email: $e, name: "N", password: "correct horse battery", invitationToken: $t) {
    accessToken userId organizationId
  }
}"""


def test_over_graphql_an_invitation_is_the_way_in_after_the_first_account(
    invite_only: tuple[Services, Client],
) -> None:
    _, owner = invite_only
    org = owner.sign_up("owner@example.com")["organizationId"]
    assert org is not None
    token = owner(
        'mutation($o: ID!) { inviteMember(organizationId: $o, email: "new@example.com", '
        'role: "viewer") { token } }',
        o=org,
    )["inviteMember"]["token"]
    stranger = owner.raw(SIGN_UP, {"e": "new@example.com"}, token="")
    taken = owner.raw(SIGN_UP, {"e": "owner@example.com"}, token="")
    for refused in (stranger, taken):
        assert refused["data"] is None
        [error] = refused["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and error["message"] == INVITATION_ONLY
    joined = owner.raw(SIGN_UP, {"e": "new@example.com", "t": token}, token="")
    assert joined["data"]["signUp"]["organizationId"] == org
    newcomer = Client("http://testserver", owner.http)
    newcomer.token = joined["data"]["signUp"]["accessToken"]
    [membership] = newcomer("{ viewer { organizations { id role } } }")["viewer"]["organizations"]
    assert membership == {"id": org, "role": "viewer"}


HASHING = [
    # 30 aliased sign-ups in one request made 30 accounts (issue 11).
    "mutation {"
    + " ".join(
        f'a{i}: signUp(email: "a{i}@example.com", name: "A", password: "long password") {{ userId }}'
        for i in range(30)
    )
    + "}",
    'mutation { ...A } fragment A on Mutation { a: signUp(email: "b@example.com", name: "B", '
    'password: "long password") { userId } ...B } fragment B on Mutation { '
    'logIn(email: "owner@example.com", password: "long password") { userId } }',
]


@pytest.mark.parametrize("document", HASHING, ids=["aliases", "fragments"])
def test_a_request_with_more_than_one_hashing_field_is_refused_whole_and_records_nothing(
    open_signup: tuple[Services, Client], document: str
) -> None:
    app, client = open_signup
    client.sign_up("owner@example.com")
    before = app.events.head()
    body = client.raw(document, token="")
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert "at most one password-checking field" in error["message"]
    assert app.events.head() == before


def test_the_committed_schema_offers_the_invitation_token_on_sign_up() -> None:
    assert (
        "signUp(email: String!, name: String!, password: String!, invitationToken: String = null)"
        ": AuthPayload!"
    ) in (ROOT / "schema.graphql").read_text()
