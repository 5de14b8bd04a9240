"""HTTP hardening (issue 11): security headers on every response, the refresh token in an
HttpOnly cookie behind /auth/* with CSRF checks, and /metrics behind a token or a listener
of its own."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import TestClient
from websockets.sync.client import connect

from adapters.auth import Argon2Hasher
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from interfaces.http.headers import served_over_https
from tests.e2e.conftest import Server, free_port

HOST = "testserver.local"
CSRF = {"x-containr-csrf": "1"}
PASSWORD = "correct horse battery"
VIEWER = "{ viewer { id email } }"
SESSION_KEYS = {"accessToken", "expiresIn", "userId", "organizationId"}
METRICS_TOKEN = "prometheus-scrape-token-0123456789"


@pytest.fixture
def services(sqlite_settings: Settings) -> Iterator[Services]:
    built = bootstrap(sqlite_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    yield built
    built.close()


@pytest.fixture
def http(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services, run_projections=True), base_url=f"http://{HOST}") as c:
        yield c


@pytest.fixture
def https(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services, run_projections=True), base_url=f"https://{HOST}") as c:
        yield c


def assert_security_headers(headers: httpx.Headers | Any, *, hsts: bool = False) -> None:
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp, (directive, csp)
    assert re.search(r"connect-src 'self' ws://\S+ wss://\S+", csp), csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert ("strict-transport-security" in headers) is hsts


def refresh_cookie(response: httpx.Response) -> Any:
    """The containr_refresh morsel the response sets (exactly one)."""
    found = [SimpleCookie(v) for v in response.headers.get_list("set-cookie")]
    morsels = [c["containr_refresh"] for c in found if "containr_refresh" in c]
    assert len(morsels) == 1, response.headers.get_list("set-cookie")
    return morsels[0]


def auth(client: TestClient[Any], path: str, body: object = None, **headers: str) -> httpx.Response:
    return client.post(
        f"/auth/{path}",
        content=b"" if body is None else msgspec.json.encode(body),
        headers={**CSRF, "content-type": "application/json", **headers},
    )


def sign_up(client: TestClient[Any], email: str = "owner@example.com") -> httpx.Response:
    response = auth(client, "signup", {"email": email, "name": "Owner", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def graphql(client: TestClient[Any], query: str, token: str | None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body: dict[str, Any] = client.post("/graphql", json={"query": query}, headers=headers).json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def only(cookie_value: str) -> dict[str, str]:
    """A Cookie header with just this refresh cookie (as the browser would send on /auth)."""
    return {"cookie": f"containr_refresh={cookie_value}"}


# Security headers


def test_every_kind_of_response_carries_the_security_headers(http: TestClient[Any]) -> None:
    answers = {
        "dashboard": http.get("/"),
        "client route": http.get("/projects/42"),
        "missing asset": http.get("/assets/missing.js"),
        "graphql": http.post("/graphql", json={"query": "{ __typename }"}),
        "graphql bad body": http.post("/graphql", content=b"not json"),
        "healthz": http.get("/healthz"),
        "readyz": http.get("/readyz"),
        "metrics refused": http.get("/metrics"),
        "wrong method": http.put("/healthz"),
        "auth refused": http.post("/auth/login", json={}),
        "auth answered": sign_up(http),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses["missing asset"] == 404 and statuses["wrong method"] == 405
    assert statuses["graphql bad body"] == 400 and statuses["metrics refused"] == 401
    assert statuses["auth refused"] == 403
    for name, response in answers.items():
        try:
            assert_security_headers(response.headers)
        except (AssertionError, KeyError) as e:
            raise AssertionError(f"{name} ({response.status_code}): {e!r}") from None


def test_strict_transport_security_only_over_https(
    http: TestClient[Any], https: TestClient[Any]
) -> None:
    assert_security_headers(https.get("/healthz").headers, hsts=True)
    assert https.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    forged = http.get("/healthz", headers={"x-forwarded-proto": "https"})
    assert_security_headers(forged.headers, hsts=False)  # the test client is no trusted proxy


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy() -> None:
    def scope(client: str, proto: str | None) -> Any:
        headers = [(b"x-forwarded-proto", proto.encode())] if proto else []
        return {"scheme": "http", "client": (client, 5000), "headers": headers}

    assert served_over_https({"scheme": "https", "headers": []})  # type: ignore[typeddict-item]
    assert not served_over_https(scope("10.0.0.5", "https"))
    assert served_over_https(scope("10.0.0.5", "https"), ["10.0.0.0/8"])
    assert not served_over_https(scope("10.0.0.5", "http"), ["10.0.0.0/8"])
    assert not served_over_https(scope("192.0.2.1", "https"), ["10.0.0.0/8"])


def test_graphiql_gets_a_policy_for_its_cdn_and_its_own_inline_script(
    http: TestClient[Any],
) -> None:
    page = http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = {d.split(" ", 1)[0]: d for d in csp.split("; ")}
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        assert "https://unpkg.com" in directives[directive]
        inline = re.findall(rf"<{tag}>(.*?)</{tag}>", page.text, re.DOTALL)
        assert inline
        for block in inline:
            digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in directives[directive]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"


def test_the_websocket_handshake_carries_the_security_headers(sqlite_settings: Settings) -> None:
    server = Server(sqlite_settings)
    try:
        url = server.url.replace("http", "ws", 1) + "/graphql"
        with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
            assert ws.response is not None
            assert_security_headers(ws.response.headers)
        assert_security_headers(httpx.get(server.url + "/").headers)
    finally:
        server.stop()


# The refresh cookie


def test_login_and_signup_answer_the_access_token_and_keep_the_refresh_token_in_a_cookie(
    http: TestClient[Any],
) -> None:
    signed = sign_up(http)
    logged = auth(http, "login", {"email": "owner@example.com", "password": PASSWORD})
    assert logged.status_code == 200, logged.text
    for response in (signed, logged):
        body = response.json()
        assert set(body) == SESSION_KEYS
        assert body["expiresIn"] == 900
        cookie = refresh_cookie(response)
        assert cookie.value.startswith("rt_")
        assert cookie.value not in response.text and "refresh" not in response.text.lower()
        assert cookie["httponly"] is True
        assert cookie["samesite"].lower() == "strict"
        assert cookie["path"] == "/auth"
        assert cookie["max-age"] == str(30 * 24 * 3600)
        assert not cookie["secure"]  # plain HTTP: a Secure cookie would never come back
        assert response.headers["cache-control"] == "no-store"
        assert graphql(http, VIEWER, body["accessToken"])["data"]["viewer"]["email"] == (
            "owner@example.com"
        )
    assert signed.json()["organizationId"] is not None  # the first account founds one


def test_the_refresh_cookie_is_secure_over_https(https: TestClient[Any]) -> None:
    cookie = refresh_cookie(sign_up(https))
    assert cookie["secure"] is True and cookie["httponly"] is True


def test_refresh_rotates_the_cookie_and_answers_a_working_access_token(
    http: TestClient[Any],
) -> None:
    first = refresh_cookie(sign_up(http)).value
    refreshed = auth(http, "refresh", **only(first))
    assert refreshed.status_code == 200, refreshed.text
    second = refresh_cookie(refreshed)
    assert second.value != first and second["httponly"] and second["path"] == "/auth"
    assert set(refreshed.json()) == SESSION_KEYS
    assert second.value not in refreshed.text
    token = refreshed.json()["accessToken"]
    assert graphql(http, VIEWER, token)["data"]["viewer"]["email"] == "owner@example.com"
    third = refresh_cookie(auth(http, "refresh", **only(second.value))).value
    assert third not in (first, second.value)


def test_a_replayed_refresh_cookie_ends_the_session(http: TestClient[Any]) -> None:
    stolen = refresh_cookie(sign_up(http)).value
    rotated = auth(http, "refresh", **only(stolen))
    current, token = refresh_cookie(rotated).value, rotated.json()["accessToken"]
    replayed = auth(http, "refresh", **only(stolen))
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "UNAUTHENTICATED"
    assert refresh_cookie(replayed)["max-age"] == "0"  # the browser forgets it
    assert auth(http, "refresh", **only(current)).status_code == 401  # the whole session ended
    assert codes(graphql(http, VIEWER, token)) == ["UNAUTHENTICATED"]


def test_refresh_without_a_cookie_is_unauthenticated(http: TestClient[Any]) -> None:
    response = auth(http, "refresh")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "UNAUTHENTICATED", "message": "no session here: log in"}
    }


def test_logout_ends_the_session_and_clears_the_cookie(http: TestClient[Any]) -> None:
    signed = sign_up(http)
    cookie, token = refresh_cookie(signed).value, signed.json()["accessToken"]
    out = auth(http, "logout", authorization=f"Bearer {token}", **only(cookie))
    assert out.status_code == 200
    cleared = refresh_cookie(out)
    assert cleared.value == "" and cleared["max-age"] == "0" and cleared["path"] == "/auth"
    assert auth(http, "refresh", **only(cookie)).status_code == 401
    assert codes(graphql(http, VIEWER, token)) == ["UNAUTHENTICATED"]


def test_logout_with_only_the_cookie_still_ends_the_session(http: TestClient[Any]) -> None:
    signed = sign_up(http)
    cookie, token = refresh_cookie(signed).value, signed.json()["accessToken"]
    assert auth(http, "logout", **only(cookie)).status_code == 200
    assert codes(graphql(http, VIEWER, token)) == ["UNAUTHENTICATED"]


# CSRF


def test_auth_posts_without_the_csrf_header_are_refused(http: TestClient[Any]) -> None:
    cookie = refresh_cookie(sign_up(http)).value
    for path, body in (
        ("login", {"email": "owner@example.com", "password": PASSWORD}),
        ("signup", {"email": "x@example.com", "name": "X", "password": PASSWORD}),
        ("refresh", None),
        ("logout", None),
    ):
        response = http.post(
            f"/auth/{path}",
            content=msgspec.json.encode(body) if body else b"",
            headers={"content-type": "application/json", **only(cookie)},
        )
        assert response.status_code == 403, path
        error = response.json()["error"]
        assert error["code"] == "FORBIDDEN" and "x-containr-csrf" in error["message"]
        assert "set-cookie" not in response.headers
    assert auth(http, "refresh", **only(cookie)).status_code == 200  # logout did not happen


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("origin", f"http://{HOST}.evil.example"),
        ("origin", f"http://{HOST}:8443"),
        ("referer", "https://evil.example/login"),
    ],
)
def test_auth_posts_from_another_site_are_refused(
    http: TestClient[Any], header: str, value: str
) -> None:
    cookie = refresh_cookie(sign_up(http)).value
    response = auth(http, "refresh", **{header: value}, **only(cookie))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert "another site" in response.json()["error"]["message"]
    assert auth(http, "refresh", **only(cookie)).status_code == 200  # nothing was rotated


def test_auth_posts_from_the_same_origin_pass(http: TestClient[Any]) -> None:
    cookie = refresh_cookie(sign_up(http)).value
    response = auth(http, "refresh", origin=f"http://{HOST}", **only(cookie))
    assert response.status_code == 200, response.text
    response = auth(
        http, "refresh", referer=f"http://{HOST}/projects", **only(refresh_cookie(response).value)
    )
    assert response.status_code == 200, response.text


def test_no_cross_origin_preflight_is_granted(http: TestClient[Any]) -> None:
    preflight = http.options(
        "/auth/refresh",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "x-containr-csrf",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-headers" not in preflight.headers


# Errors


def test_auth_errors_are_coded_json(http: TestClient[Any]) -> None:
    sign_up(http)
    wrong = auth(http, "login", {"email": "owner@example.com", "password": "not the password"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "UNAUTHENTICATED"
    assert "set-cookie" not in wrong.headers
    for body in (b"not json", b"[1, 2]", b'{"email": "a@example.com"}'):
        bad = http.post(
            "/auth/login", content=body, headers={**CSRF, "content-type": "application/json"}
        )
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "VALIDATION_FAILED"
    short = auth(http, "signup", {"email": "b@example.com", "name": "B", "password": "short"})
    assert short.status_code == 400
    assert short.json()["error"]["code"] == "VALIDATION_FAILED"
    assert "password" in short.json()["error"]["message"]


def test_graphql_login_still_hands_api_clients_their_refresh_token(
    http: TestClient[Any],
) -> None:
    sign_up(http)
    body = http.post(
        "/graphql",
        json={
            "query": "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) "
            "{ accessToken refreshToken } }",
            "variables": {"e": "owner@example.com", "p": PASSWORD},
        },
    ).json()
    assert body["data"]["logIn"]["refreshToken"].startswith("rt_")
    assert body["data"]["logIn"]["accessToken"]


# /metrics


def test_metrics_are_refused_until_a_token_or_a_listener_is_configured(
    http: TestClient[Any],
) -> None:
    response = http.get("/metrics")
    assert response.status_code == 401
    assert "CONTAINR_METRICS_TOKEN" in response.text
    assert "CONTAINR_METRICS_LISTEN" in response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "containr_http_requests" not in response.text


def test_metrics_with_a_token_answer_only_its_bearer(sqlite_settings: Settings) -> None:
    settings = msgspec.structs.replace(sqlite_settings, metrics_token=Secret(METRICS_TOKEN))
    built = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    try:
        with TestClient(create_app(built)) as client:
            assert client.get("/metrics").status_code == 401
            wrong = client.get("/metrics", headers={"authorization": "Bearer not-the-token"})
            assert wrong.status_code == 401 and "CONTAINR_METRICS_TOKEN" in wrong.text
            prefix = client.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}x"})
            assert prefix.status_code == 401
            right = client.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
            assert right.status_code == 200 and "containr_http_requests" in right.text
            assert_security_headers(right.headers)
    finally:
        built.close()


def test_metrics_on_their_own_listener_and_not_on_the_api_address(
    sqlite_settings: Settings,
) -> None:
    listen = f"127.0.0.1:{free_port()}"
    server = Server(sqlite_settings, env={"CONTAINR_METRICS_LISTEN": listen})
    try:
        refused = httpx.get(server.url + "/metrics")
        assert refused.status_code == 401 and "CONTAINR_METRICS_LISTEN" in refused.text
        scraped = httpx.get(f"http://{listen}/metrics")
        assert scraped.status_code == 200 and "containr_projection_lag_events" in scraped.text
        assert_security_headers(scraped.headers)
        assert httpx.get(f"http://{listen}/").status_code == 404
        assert httpx.get(f"http://{listen}/graphql").status_code == 404
    finally:
        server.stop()


# Sign-up by invitation and rate limits, through /auth/*


def invite_only(settings: Settings, **limits: int) -> Services:
    changed = msgspec.structs.replace(settings, signup="invite", **limits)
    return bootstrap(changed, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))


def test_signup_through_auth_needs_an_invitation_for_the_same_email(
    sqlite_settings: Settings,
) -> None:
    built = invite_only(sqlite_settings)
    try:
        with TestClient(create_app(built, run_projections=True), base_url=f"http://{HOST}") as c:
            owner = sign_up(c).json()  # the first account needs no invitation
            invited = c.post(
                "/graphql",
                json={
                    "query": "mutation($o: ID!) { inviteMember(organizationId: $o, "
                    'email: "vera@example.com", role: "viewer") { token } }',
                    "variables": {"o": owner["organizationId"]},
                },
                headers={"authorization": f"Bearer {owner['accessToken']}"},
            ).json()
            token = invited["data"]["inviteMember"]["token"]
            vera = {"email": "vera@example.com", "name": "Vera", "password": PASSWORD}

            for body in (vera, {**vera, "email": "eve@example.com", "invitationToken": token}):
                refused = auth(c, "signup", body)
                assert refused.status_code == 403
                assert refused.json()["error"]["code"] == "FORBIDDEN"
                assert "invitation" in refused.json()["error"]["message"]
                assert "set-cookie" not in refused.headers

            joined = auth(c, "signup", {**vera, "invitationToken": f" {token} "})
            assert joined.status_code == 200, joined.text
            assert joined.json()["organizationId"] == owner["organizationId"]
            assert refresh_cookie(joined)["httponly"] is True
            viewer = graphql(c, "{ viewer { organizations { id } } }", joined.json()["accessToken"])
            assert viewer["data"]["viewer"]["organizations"] == [{"id": owner["organizationId"]}]
    finally:
        built.close()


def test_too_many_logins_answer_429_rate_limited(sqlite_settings: Settings) -> None:
    built = invite_only(sqlite_settings, login_limit_per_client=3)
    try:
        with TestClient(create_app(built), base_url=f"http://{HOST}") as c:
            sign_up(c)
            wrong = {"email": "owner@example.com", "password": "not the password"}
            statuses = [auth(c, "login", wrong).status_code for _ in range(4)]
            assert statuses == [401, 401, 401, 429]
            limited = auth(c, "login", {**wrong, "password": PASSWORD})
            assert limited.status_code == 429
            assert limited.json()["error"]["code"] == "RATE_LIMITED"
    finally:
        built.close()
