"""The session in a real browser (issue 11): the refresh token in an HttpOnly cookie, the access
token in memory only, a reload that stays signed in, tabs that share one session, invitation
links for signed-out visitors, and GraphiQL under its own Content-Security-Policy."""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from application.settings import Settings
from tests.browser.conftest import sign_up, unique_email
from tests.conftest import service_missing
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"
CSP_WATCH = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def watched(context: BrowserContext) -> tuple[Page, list[str]]:
    """A new tab whose console (CSP refusals included) is kept."""
    opened = context.new_page()
    console: list[str] = []
    opened.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    return opened, console


def storage_of(page: Page) -> str:
    return str(
        page.evaluate(
            "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage),"
            " document.cookie])"
        )
    )


def test_a_reload_stays_signed_in_and_no_token_is_kept_where_scripts_can_read_it(
    page: Page, server: Server
) -> None:
    base = server.url
    with page.expect_response(re.compile(r"/auth/signup$")) as answer:
        sign_up(page, base, "Ada", unique_email("owner"), PASSWORD)
    body = answer.value.json()
    assert set(body) == {"accessToken", "expiresIn", "userId", "organizationId"}
    token = body["accessToken"]

    cookies = {c["name"]: c for c in page.context.cookies()}
    refresh = cookies["containr_refresh"]
    assert refresh["httpOnly"] is True
    assert refresh["sameSite"] == "Strict"
    assert refresh["path"] == "/auth"
    assert refresh["value"] not in answer.value.text()
    stored = storage_of(page)
    assert token not in stored and refresh["value"] not in stored
    assert "containr_refresh" not in stored  # document.cookie cannot see it

    with page.expect_response(re.compile(r"/auth/refresh$")) as refreshed:
        page.reload()
    assert refreshed.value.status == 200
    expect(page.get_by_test_id("app-shell")).to_be_visible()
    expect(page.get_by_test_id("viewer-name")).to_have_text("Ada")
    rotated = {c["name"]: c for c in page.context.cookies()}["containr_refresh"]
    assert rotated["value"] != refresh["value"]
    assert token not in storage_of(page)
    assert refreshed.value.json()["accessToken"] not in storage_of(page)


def test_tabs_share_one_session_and_a_logout_ends_it_in_every_tab(
    page: Page, server: Server
) -> None:
    base = server.url
    sign_up(page, base, "Ada", unique_email("owner"), PASSWORD)
    other, console = watched(page.context)
    other.goto(f"{base}/projects")
    expect(other.get_by_test_id("app-shell")).to_be_visible()

    # Both tabs reload at once: their refreshes queue, so neither replays the other's cookie.
    for _ in range(3):
        page.reload(wait_until="commit")
        other.reload(wait_until="commit")
        for tab in (page, other):
            expect(tab.get_by_test_id("viewer-name")).to_have_text("Ada")
    expect(page.get_by_test_id("login-form")).to_have_count(0)

    page.get_by_test_id("logout-button").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    expect(other.get_by_test_id("login-form")).to_be_visible()  # told by the other tab
    other.reload()
    expect(other.get_by_test_id("login-form")).to_be_visible()  # the cookie is gone too
    assert "containr_refresh" not in {c["name"] for c in page.context.cookies() if c["value"]}
    assert [m for m in console if "Content Security Policy" in m] == []


def test_an_invitation_link_lets_a_signed_out_visitor_log_in_and_join(
    page: Page, server: Server
) -> None:
    base = server.url
    owner = server.client()
    org = owner.sign_up(unique_email("owner"), "Owner")["organizationId"]
    owner('mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org)
    member_email = unique_email("member")
    server.client().sign_up(member_email, "Mia", PASSWORD)
    invitation = owner(
        "mutation($o: ID!, $e: String!) { inviteMember(organizationId: $o, email: $e, "
        'role: "member") { token } }',
        o=org,
        e=member_email,
    )["inviteMember"]["token"]

    page.goto(f"{base}/join?token={invitation}")
    expect(page.get_by_test_id("join-signed-out")).to_be_visible()
    expect(page.get_by_test_id("signup-invitation")).to_have_value(invitation)
    page.get_by_test_id("join-login-link").click()
    page.get_by_test_id("login-email").fill(member_email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("join-token")).to_have_value(invitation)
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("org-switcher").select_option(value=org)
    expect(page.get_by_test_id("project-row-shop")).to_be_visible()


def test_with_sign_up_by_invitation_a_visitor_joins_through_the_invitation_link(
    page: Page, server_settings: Settings
) -> None:
    server = Server(server_settings, env={"CONTAINR_SIGNUP": "invite"})
    try:
        base = server.url
        owner = server.client()
        org = owner.sign_up(unique_email("owner"), "Owner")["organizationId"]
        owner('mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org)
        invited = unique_email("invited")
        invitation = owner(
            "mutation($o: ID!, $e: String!) { inviteMember(organizationId: $o, email: $e, "
            'role: "member") { token } }',
            o=org,
            e=invited,
        )["inviteMember"]["token"]

        # Without an invitation, the sign-up form says why in plain words.
        page.goto(f"{base}/signup")
        page.get_by_test_id("signup-name").fill("Eve")
        page.get_by_test_id("signup-email").fill(unique_email("uninvited"))
        page.get_by_test_id("signup-password").fill(PASSWORD)
        page.get_by_test_id("signup-submit").click()
        refusal = page.get_by_test_id("error-message")
        expect(refusal).to_have_attribute("data-code", "FORBIDDEN")
        expect(refusal).to_contain_text("need an invitation")
        expect(refusal).to_contain_text("ask an organisation admin")

        # The invitation link: an account inside the organisation, signed in.
        page.goto(f"{base}/join?token={invitation}")
        expect(page.get_by_test_id("signup-invitation")).to_have_value(invitation)
        page.get_by_test_id("signup-name").fill("Ivy")
        page.get_by_test_id("signup-email").fill(invited.upper())
        page.get_by_test_id("signup-password").fill(PASSWORD)
        page.get_by_test_id("signup-submit").click()
        expect(page.get_by_test_id("project-row-shop")).to_be_visible()
        expect(page.get_by_test_id("viewer-name")).to_have_text("Ivy")
    finally:
        server.stop()


# GraphiQL (development mode) loads React and itself from unpkg.com; the test serves those
# files from the npm registry's own packages, which are what unpkg serves.
CDN_PACKAGES = {
    "react": "react@18.2.0",
    "react-dom": "react-dom@18.2.0",
    "js-cookie": "js-cookie@3.0.5",
    "graphiql": "graphiql@3.8.3",
    "@graphiql/plugin-explorer": "@graphiql/plugin-explorer@1.0.2",
}


@pytest.fixture(scope="session")
def cdn() -> Path:
    """The packages GraphiQL's page loads, unpacked once per machine."""
    root = Path(tempfile.gettempdir()) / "containr-graphiql-cdn"
    npm = shutil.which("npm")
    if npm is None:
        service_missing("npm", "not installed")
        raise AssertionError
    for name, spec in CDN_PACKAGES.items():
        target = root / name
        if (target / "package" / "package.json").is_file():
            continue
        target.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if packed.returncode != 0:
            service_missing("the npm registry", packed.stderr[-500:])
        with tarfile.open(target / packed.stdout.strip().splitlines()[-1]) as tarball:
            tarball.extractall(target, filter="data")  # into target/package/
    return root


def test_graphiql_renders_and_runs_a_query_under_its_policy(
    browser: Browser, server: Server, cdn: Path
) -> None:
    def from_npm(route: Route) -> None:
        found = re.match(r"https://unpkg\.com/((?:@[^/]+/)?[^@/]+)@[^/]+/(.*)", route.request.url)
        assert found, route.request.url
        path = cdn / found.group(1) / "package" / found.group(2)
        kind = "text/css" if path.suffix == ".css" else "text/javascript"
        headers = {"content-type": kind, "access-control-allow-origin": "*"}
        route.fulfill(status=200, body=path.read_bytes(), headers=headers)

    context = browser.new_context()
    try:
        page, console = watched(context)
        page.add_init_script(CSP_WATCH)
        page.route("https://unpkg.com/**", from_npm)
        page.goto(f"{server.url}/graphql")
        page.locator(".graphiql-query-editor .CodeMirror").click()
        page.keyboard.press("Control+A")
        page.keyboard.type("{ __typename }")
        page.locator(".graphiql-execute-button").click()
        expect(page.locator(".result-window")).to_contain_text('"__typename": "Query"')
        violations: Any = page.evaluate("() => window.__csp")
        assert violations == [], violations
        assert [m for m in console if "Content Security Policy" in m] == []
    finally:
        context.close()
