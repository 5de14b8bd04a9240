"""Sign in with GitHub and GitLab against a real OAuth 2 provider (Authlib's authorisation
server, authorisation code + PKCE, served over HTTP): the browser's redirects are followed by
the test, the code exchange and account reads are Containr's own calls to the provider."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
import pytest
from eventsourcing.application import AggregateNotFoundError

from application.handlers.accounts import EMAILS
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from domain.reservation import Reservation
from interfaces.http.sign_in import FLOW_COOKIE, safe_next
from tests.e2e.client import Client, GraphQLError, Subscription
from tests.e2e.conftest import Server, in_process
from tests.integration.test_cli import containr
from tests.oauth_provider import Provider, Running, serve

CLIENT_ID = "containr-test-app"
CLIENT_SECRET = "s3cr3t-client-value-never-logged"
HOST = "http://testserver.local"  # Litestar's test client's address
PUBLIC = "http://containr.test"  # CONTAINR_PUBLIC_URL of the served installation
CSRF = {"x-containr-csrf": "1"}
ACTIVITY = "subscription($p: ID!) { projectActivity(projectId: $p) { action position } }"


@pytest.fixture
def provider() -> Iterator[Running]:
    server = Provider()
    server.register(
        CLIENT_ID,
        CLIENT_SECRET,
        f"{HOST}/auth/github/callback",
        f"{HOST}/auth/gitlab/callback",
        f"{PUBLIC}/auth/github/callback",
    )
    running = serve(server)
    yield running
    running.stop()


def with_providers(settings: Settings, url: str, timeout: int = 5) -> Settings:
    return msgspec.structs.replace(
        settings,
        github_client_id=CLIENT_ID,
        github_client_secret=Secret(CLIENT_SECRET),
        github_url=url,
        github_api_url=url,
        gitlab_client_id=CLIENT_ID,
        gitlab_client_secret=Secret(CLIENT_SECRET),
        gitlab_url=url,
        sign_in_timeout_seconds=timeout,
    )


@pytest.fixture
def site(
    sqlite_settings: Settings, provider: Running, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[Services, Client, Running]]:
    caplog.set_level(logging.DEBUG)
    with in_process(with_providers(sqlite_settings, provider.url, timeout=1)) as (app, client):
        yield app, client, provider
    assert CLIENT_SECRET not in caplog.text


def start(http: Any, provider: str = "github", **params: str) -> httpx.Response:
    answer: httpx.Response = http.get(
        f"/auth/{provider}/start", params=params, follow_redirects=False
    )
    return answer


def back_from(running: Running, answer: httpx.Response, who: str) -> str:
    """Sign in at the provider as ``who`` and follow its consent page: the callback path."""
    assert answer.status_code == 303, answer.text
    running.provider.signed_in = who
    return path_of(running.authorize(answer.headers["location"]))


def path_of(url: str) -> str:
    """Where the provider sends the browser back, on whichever address it was told."""
    parts = urlsplit(url)
    assert parts.path.startswith("/auth/"), url
    return f"{parts.path}?{parts.query}"


def sign_in(http: Any, running: Running, who: str, provider: str = "github") -> httpx.Response:
    callback = back_from(running, start(http, provider), who)
    answer: httpx.Response = http.get(callback, follow_redirects=False)
    return answer


def access_token(http: Any) -> str:
    refreshed = http.post("/auth/refresh", headers=CSRF)
    assert refreshed.status_code == 200, refreshed.text
    token: str = refreshed.json()["accessToken"]
    return token


def error_of(answer: httpx.Response) -> tuple[int, str, str]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["message"]


def viewer(client: Client, token: str) -> dict[str, Any]:
    body = client.raw(
        "{ viewer { email signedInWith signInLinks { provider login } } }", token=token
    )
    assert "errors" not in body, body
    return body["data"]["viewer"]  # type: ignore[no-any-return]


def test_signing_in_with_github_uses_pkce_and_state_and_starts_a_session(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account(
        "ada", ("ada@elsewhere.example", False), ("owner@example.com", True)
    )
    first = start(client.http, next="/projects")
    authorize = parse_qs(urlsplit(first.headers["location"]).query)
    assert authorize["code_challenge_method"] == ["S256"]
    assert authorize["client_id"] == [CLIENT_ID]
    assert authorize["state"][0] and authorize["code_challenge"][0]
    flow_cookie = first.headers["set-cookie"]
    assert FLOW_COOKIE in flow_cookie and "HttpOnly" in flow_cookie
    assert "samesite=lax" in flow_cookie.lower() and "Path=/auth" in flow_cookie
    callback = back_from(running, first, "ada")
    answer = client.http.get(callback, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/projects"
    exchange = running.provider.token_requests[-1]
    assert exchange["code_verifier"] and exchange["client_id"] == CLIENT_ID
    assert exchange["code_verifier"] not in first.headers["location"]
    token = access_token(client.http)
    me = viewer(client, token)
    assert (me["email"], me["signedInWith"]) == ("owner@example.com", "github")
    # The session began at the provider however often it is refreshed.
    assert viewer(client, access_token(client.http))["signedInWith"] == "github"


def test_gitlab_signs_in_by_the_confirmed_email(site: tuple[Services, Client, Running]) -> None:
    _, client, running = site
    running.provider.add_account("grace", ("owner@example.com", True))
    answer = sign_in(client.http, running, "grace", "gitlab")
    assert answer.status_code == 303, answer.text
    assert viewer(client, access_token(client.http))["signedInWith"] == "gitlab"


def test_a_state_that_does_not_match_the_browsers_is_refused_and_nothing_is_exchanged(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    callback = back_from(running, start(client.http), "ada")
    forged = callback.replace("state=", "state=x", 1)
    status, code, message = error_of(client.http.get(forged, follow_redirects=False))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "does not match" in message
    assert running.provider.token_requests == []


def test_a_callback_replayed_with_the_same_state_is_refused(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    first = start(client.http)
    flow = client.http.cookies.get(FLOW_COOKIE)
    callback = back_from(running, first, "ada")
    assert client.http.get(callback, follow_redirects=False).status_code == 303
    client.http.cookies.set(FLOW_COOKIE, flow, path="/auth")  # the attacker's copy of it
    status, code, message = error_of(client.http.get(callback, follow_redirects=False))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "already used" in message
    assert len(running.provider.token_requests) == 1


def test_a_callback_without_the_browsers_flow_cookie_is_refused(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    callback = back_from(running, start(client.http), "ada")
    client.http.cookies.clear()  # another browser, handed the link
    status, code, _ = error_of(client.http.get(callback, follow_redirects=False))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert running.provider.token_requests == []


def test_the_provider_refuses_a_tampered_code_and_a_code_without_its_verifier(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    callback = back_from(running, start(client.http), "ada")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    tampered = callback.replace(f"code={code}", f"code={code[:-2]}zz")
    status, error, message = error_of(client.http.get(tampered, follow_redirects=False))
    assert (status, error) == (401, "UNAUTHENTICATED")
    assert "invalid_grant" in message
    # Someone who intercepted a fresh code cannot redeem it without the browser's verifier.
    callback = back_from(running, start(client.http), "ada")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    stolen = httpx.post(
        f"{running.url}/login/oauth/access_token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{HOST}/auth/github/callback",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_request"
    assert "code_verifier" in stolen.json()["error_description"]


def test_the_provider_refuses_an_authorisation_request_without_a_pkce_challenge(
    provider: Running,
) -> None:
    provider.provider.add_account("ada", ("owner@example.com", True))
    provider.provider.signed_in = "ada"
    answer = httpx.get(
        f"{provider.url}/login/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": f"{HOST}/auth/github/callback",
            "state": "s",
        },
        follow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "code_challenge" in answer.json()["error_description"]


def test_an_account_whose_matching_email_is_not_verified_is_refused(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("mallory", ("owner@example.com", False))
    status, code, message = error_of(sign_in(client.http, running, "mallory"))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "no verified email" in message
    assert "containr_refresh" not in client.http.cookies


def test_an_unknown_verified_email_is_refused_and_no_account_is_made(
    site: tuple[Services, Client, Running],
) -> None:
    app, client, running = site
    running.provider.add_account("stranger", ("stranger@example.com", True))
    status, code, message = error_of(sign_in(client.http, running, "stranger"))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "no Containr account" in message
    with pytest.raises(AggregateNotFoundError):  # the email is held by no account
        app.store.repository.get(Reservation.id_for(EMAILS, "stranger@example.com"))


def test_link_sign_in_by_the_linked_account_then_unlink(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    # The provider account's only email is not the Containr one: linking is what maps it.
    running.provider.add_account("octo", ("octo@users.example", True))
    password_token = client.token
    assert password_token is not None
    refused = client.http.post("/auth/github/link", headers=CSRF)
    assert error_of(refused)[:2] == (401, "UNAUTHENTICATED")
    link = client.http.post(
        "/auth/github/link",
        headers={**CSRF, "authorization": f"Bearer {password_token}"},
        json={"next": "/settings"},
    )
    assert link.status_code == 200, link.text
    running.provider.signed_in = "octo"
    callback = path_of(running.authorize(link.json()["url"]))
    done = client.http.get(callback, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/settings")
    links = viewer(client, password_token)["signInLinks"]
    assert links == [{"provider": "github", "login": "octo"}]
    # Signing in with the linked account finds the user by its id at GitHub, not its email.
    assert sign_in(client.http, running, "octo").status_code == 303
    me = viewer(client, access_token(client.http))
    assert (me["email"], me["signedInWith"]) == ("owner@example.com", "github")
    unlinked = client.raw(
        'mutation { unlinkSignInProvider(provider: "github") { signInLinks { provider } } }'
    )
    assert unlinked["data"]["unlinkSignInProvider"]["signInLinks"] == []
    status, code, _ = error_of(sign_in(client.http, running, "octo"))
    assert (status, code) == (401, "UNAUTHENTICATED")
    again = client.raw('mutation { unlinkSignInProvider(provider: "github") { email } }')
    assert again["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


def test_the_link_endpoint_refuses_foreign_sites_tokens_and_bad_bodies(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, _ = site
    bearer = {"authorization": f"Bearer {client.token}"}
    no_csrf = client.http.post("/auth/github/link", headers=bearer)
    assert error_of(no_csrf)[:2] == (403, "FORBIDDEN")
    foreign = client.http.post(
        "/auth/github/link", headers={**CSRF, **bearer, "origin": "https://evil.example"}
    )
    assert error_of(foreign)[:2] == (403, "FORBIDDEN")
    bad = client.http.post("/auth/github/link", headers={**CSRF, **bearer}, content=b"[1, 2]")
    assert error_of(bad)[:2] == (400, "VALIDATION_FAILED")
    token = client('mutation { createApiToken(name: "cli", scopes: ["admin"]) { token } }')
    api = {"authorization": f"Bearer {token['createApiToken']['token']}"}
    by_token = client.http.post("/auth/github/link", headers={**CSRF, **api})
    status, code, message = error_of(by_token)
    assert (status, code) == (401, "UNAUTHENTICATED") and "session" in message
    assert FLOW_COOKIE not in client.http.cookies


def test_an_organisation_that_requires_provider_sign_in_refuses_password_sessions(
    site: tuple[Services, Client, Running],
) -> None:
    app, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    turn_on = "mutation($org: ID!) { requireProviderSignIn(id: $org, required: true) { requiresProviderSignIn } }"
    # An admin cannot turn it on from a password session: it would lock them out.
    refused = client.raw(turn_on, {"org": org})
    assert refused["errors"][0]["extensions"]["reason"] == "PROVIDER_SIGN_IN_REQUIRED"
    assert sign_in(client.http, running, "ada").status_code == 303
    provider_token = access_token(client.http)
    on = client.raw(turn_on, {"org": org}, token=provider_token)
    assert on["data"]["requireProviderSignIn"] == {"requiresProviderSignIn": True}
    projects = "query($org: ID!) { organization(id: $org) { name projects { nodes { name } } } }"
    create = 'mutation($org: ID!) { createProject(organizationId: $org, name: "web") { name } }'
    for document in (projects, create):
        body = client.raw(document, {"org": org})  # the password session
        extensions = body["errors"][0]["extensions"]
        assert (extensions["code"], extensions["reason"]) == (
            "FORBIDDEN",
            "PROVIDER_SIGN_IN_REQUIRED",
        )
        assert "GitHub or GitLab" in body["errors"][0]["message"]
    # The organisation itself still shows, with what it requires.
    seen = client.raw(
        "query($org: ID!) { organization(id: $org) { requiresProviderSignIn } }", {"org": org}
    )
    assert seen["data"]["organization"] == {"requiresProviderSignIn": True}
    made = client.raw(create, {"org": org}, token=provider_token)
    assert made["data"]["createProject"] == {"name": "web"}, made
    read = client.raw(projects, {"org": org}, token=provider_token)
    assert read["data"]["organization"]["projects"]["nodes"] == [{"name": "web"}]
    # Lifting it needs a provider session too; or the server's own CLI, the way back in.
    lift = "mutation($org: ID!) { requireProviderSignIn(id: $org, required: false) { name } }"
    assert client.raw(lift, {"org": org})["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    slug = client.raw("query($org: ID!) { organization(id: $org) { slug } }", {"org": org})
    done = containr(
        app.settings,
        "admin",
        "provider-sign-in",
        slug["data"]["organization"]["slug"],
        "--not-required",
    )
    assert "no longer required" in done.stdout
    app.wait_for(app.events.head(), ("dashboard",))
    again = client.raw(projects, {"org": org})
    assert again["data"]["organization"]["projects"]["nodes"] == [{"name": "web"}], again


def test_a_provider_that_does_not_answer_gives_a_coded_error_within_the_deadline(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    callback = back_from(running, start(client.http), "ada")
    running.provider.stall.set()
    status, code, message = error_of(client.http.get(callback, follow_redirects=False))
    assert (status, code) == (503, "UNAVAILABLE")
    assert "did not answer" in message and CLIENT_SECRET not in message


def test_a_provider_that_is_down_gives_a_coded_error(
    site: tuple[Services, Client, Running],
) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    callback = back_from(running, start(client.http), "ada")
    running.stop()
    status, code, _ = error_of(client.http.get(callback, follow_redirects=False))
    assert (status, code) == (503, "UNAVAILABLE")


def test_next_never_leaves_the_site(site: tuple[Services, Client, Running]) -> None:
    _, client, running = site
    running.provider.add_account("ada", ("owner@example.com", True))
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        callback = back_from(running, start(client.http, next=evil), "ada")
        answer = client.http.get(callback, follow_redirects=False)
        assert answer.headers["location"] == "/", evil
    assert safe_next("/projects/1?tab=logs") == "/projects/1?tab=logs"
    assert safe_next("/ok\r\nSet-Cookie: x") == "/"


def test_an_unknown_provider_is_a_coded_not_found(site: tuple[Services, Client, Running]) -> None:
    _, client, _ = site
    status, code, message = error_of(start(client.http, "bitbucket"))
    assert (status, code) == (404, "NOT_FOUND")
    assert "github" in message and "gitlab" in message


def test_the_client_secret_is_in_no_setting_repr_error_or_log(
    site: tuple[Services, Client, Running], caplog: pytest.LogCaptureFixture
) -> None:
    app, client, running = site
    assert CLIENT_SECRET not in repr(app.settings)
    running.provider.add_account("ada", ("owner@example.com", True))
    answers = [sign_in(client.http, running, "ada")]
    callback = back_from(running, start(client.http), "ada")
    running.provider.stall.set()
    answers.append(client.http.get(callback, follow_redirects=False))
    for answer in answers:
        assert CLIENT_SECRET not in answer.text
        assert CLIENT_SECRET not in str(answer.headers)
    assert CLIENT_SECRET not in caplog.text


def until_it_ends(subscription: Subscription) -> None:
    while True:  # entries still replaying may come first
        subscription.next(timeout=15)


def test_on_the_server_setup_a_provider_session_passes_and_a_replay_fails(
    server_settings: Settings, provider: Running
) -> None:
    """`containr serve` on PostgreSQL and Redis (the state's one use is counted in Redis); a
    password session's open subscription ends once its organisation requires a provider."""
    settings = msgspec.structs.replace(server_settings, signup="open")
    env = {
        "CONTAINR_GITHUB_CLIENT_ID": CLIENT_ID,
        "CONTAINR_GITHUB_CLIENT_SECRET": CLIENT_SECRET,
        "CONTAINR_GITHUB_URL": provider.url,
        "CONTAINR_GITHUB_API_URL": provider.url,
        "CONTAINR_PUBLIC_URL": PUBLIC,  # the provider knows this callback address
    }
    server = Server(settings, env=env)
    try:
        client = server.client()
        org = client.sign_up("owner@example.com")["organizationId"]
        project = client(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
        )["createProject"]["id"]
        provider.provider.add_account("ada", ("owner@example.com", True))
        browser = httpx.Client(base_url=server.url, timeout=30)
        with browser, client.subscribe(ACTIVITY, p=project) as live:
            assert live.next()["projectActivity"]["action"]  # live, as a password session
            first = start(browser)
            flow = browser.cookies.get(FLOW_COOKIE)
            callback = back_from(provider, first, "ada")
            assert browser.get(callback, follow_redirects=False).status_code == 303
            token = access_token(browser)
            assert viewer(client, token)["signedInWith"] == "github"
            browser.cookies.set(FLOW_COOKIE, flow, path="/auth")
            status, code, _ = error_of(browser.get(callback, follow_redirects=False))
            assert (status, code) == (401, "UNAUTHENTICATED")
            on = client.raw(
                "mutation($o: ID!) { requireProviderSignIn(id: $o, required: true) { id } }",
                {"o": org},
                token=token,
            )
            assert "errors" not in on, on
            with pytest.raises(GraphQLError) as ended:
                until_it_ends(live)
            assert ended.value.codes == ["FORBIDDEN"], ended.value.errors
    finally:
        server.stop()
    log = (server_settings.data_path.parent / f"server-{server.port}.log").read_text()
    assert CLIENT_SECRET not in log
