"""What a newcomer meets (issue 12), in a real browser: the deployed app's address, logs that
show the build at once, names instead of ids, errors in the server's words, and times on the
server's clock."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_up, unique_email
from tests.e2e.conftest import Server
from tests.integration.deploy_support import AppRepository

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"
AHEAD_MS = 10 * 60 * 1000
SKEWED_CLOCK = f"""(() => {{
  const Real = Date;
  const skew = {AHEAD_MS};
  class Skewed extends Real {{
    constructor(...args) {{ if (args.length === 0) super(Real.now() + skew); else super(...args); }}
    static now() {{ return Real.now() + skew; }}
  }}
  window.Date = Skewed;
}})();"""
"""The browser's clock ten minutes ahead of the server's."""


def new_project(page: Page, name: str) -> None:
    page.get_by_test_id("nav-projects").click()
    page.get_by_test_id("project-create-button").click()
    page.get_by_test_id("project-name-input").fill(name)
    page.get_by_test_id("project-save").click()


def build_lines(server: Server, email: str, deployment: str) -> list[int]:
    """The ids of a deployment's build lines, asked of the API in a session of its own."""
    client = server.client()
    client.token = client(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }",
        e=email,
        p=PASSWORD,
    )["logIn"]["accessToken"]
    found = client(
        'query($d: ID!) { logs(deploymentId: $d, stream: "build", first: 200) { lines { id } } }',
        d=deployment,
    )
    return [line["id"] for line in found["logs"]["lines"]]


@pytest.mark.slow
def test_a_deployed_web_services_address_is_on_its_card_and_panel_and_answers_there(
    page: Page, deploying_server: Server, tmp_path: Path
) -> None:
    base = deploying_server.url
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    email = unique_email("owner")
    sign_up(page, base, "Ada", email, PASSWORD)
    new_project(page, "Shop")
    page.get_by_test_id("project-row-shop").get_by_test_id("project-link").click()
    page.get_by_test_id("service-create-button").click()
    page.get_by_test_id("service-name-input").fill("web")
    page.get_by_test_id("service-kind-input").select_option("web")
    page.get_by_test_id("service-repo-input").fill(repo.url)
    page.get_by_test_id("service-port-input").fill("8080")
    page.get_by_test_id("service-create-submit").click()
    card = page.get_by_test_id("service-card-web")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("service-url")).to_have_count(0)  # nothing answers yet

    card.click()
    page.get_by_test_id("tab-deployments").click()
    page.get_by_test_id("deploy-button").click()
    row = page.locator('[data-testid="deployment-row"]').first
    expect(row).to_have_attribute("data-state", "healthy", timeout=120_000)
    expect(row.get_by_test_id("deployment-requested-by")).to_have_text("Ada")
    expect(row).to_contain_text("1 replica")
    expect(row).not_to_contain_text("user:")

    # the address, on the card and in the panel, honest about plain HTTP
    link = card.get_by_test_id("service-url")
    expect(link).to_have_count(1)
    url = link.get_attribute("href") or ""
    assert re.fullmatch(r"http://web\.production\.shop\.localhost:\d+/", url), url
    expect(link).to_have_attribute("data-tls", "false")
    expect(card.get_by_test_id("service-url-tls")).to_have_text("http")
    expect(page.get_by_test_id("panel-urls").get_by_test_id("service-url")).to_have_attribute(
        "href", url
    )
    # …and it answers there, through Caddy: in a new tab, and for a client naming the host
    with page.context.expect_page() as opened:
        link.click()
    app = opened.value
    expect(app.locator("body")).to_contain_text("release one")
    app.close()
    host = url.split("/")[2].rsplit(":", 1)[0]
    port = url.split("/")[2].rsplit(":", 1)[1]
    answer = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": host}, timeout=10)
    assert answer.status_code == 200 and "release one" in answer.text

    # the logs tab shows the build output the first time it opens
    deployment = row.get_attribute("data-deployment-id") or ""
    built = build_lines(deploying_server, email, deployment)
    assert len(built) >= 3, built
    page.get_by_test_id("tab-logs").click()
    view = page.get_by_test_id("log-view")
    expect(view.locator('[data-stream="build"]')).to_have_count(len(built))
    expect(view.locator('[data-stream="system"]').first).to_be_visible()
    # the Build stream shows exactly the build lines
    page.get_by_test_id("log-stream-select").select_option("build")
    expect(view.locator('[data-testid="log-line"]')).to_have_count(len(built))
    assert view.locator('[data-testid="log-line"]:not([data-stream="build"])').count() == 0
    # and back to everything, then runtime only
    page.get_by_test_id("log-stream-select").select_option("runtime")
    expect(view.locator('[data-stream="system"]').first).to_be_visible()
    expect(view.locator('[data-stream="build"]')).to_have_count(0)
    page.get_by_test_id("log-stream-select").select_option("all")
    expect(view.locator('[data-stream="build"]')).to_have_count(len(built))


def test_a_duplicate_project_name_is_refused_in_the_servers_words(
    page: Page, server: Server
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    new_project(page, "Shop")
    expect(page.get_by_test_id("project-row-shop")).to_be_visible()
    new_project(page, "Shop")
    error = page.get_by_test_id("project-dialog").get_by_test_id("error-message")
    expect(error).to_have_attribute("data-code", re.compile(r"^(CONFLICT|VALIDATION_FAILED)$"))
    # the server's words are the headline: what clashes, and what to do
    expect(error.locator("p").first).to_contain_text(re.compile(r"Shop|shop"))
    expect(error).to_contain_text("already")
    expect(error).not_to_contain_text("reload")
    expect(error).not_to_contain_text("Someone may have changed it")


def test_times_are_counted_on_the_servers_clock_when_the_browsers_is_off(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context(timezone_id="UTC")
    context.add_init_script(SKEWED_CLOCK)
    page = context.new_page()
    try:
        assert page.evaluate("() => Date.now()") - time.time() * 1000 > AHEAD_MS - 60_000
        sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
        new_project(page, "Shop")
        row = page.get_by_test_id("project-row-shop")
        expect(row).to_contain_text(re.compile(r"Updated (just now|\d+ seconds ago)"))
        row.get_by_test_id("project-link").click()
        entry = page.get_by_test_id("activity-entry").first
        expect(entry).to_contain_text(re.compile(r"(just now|\d+ seconds ago)"))
        expect(entry).not_to_contain_text("minutes ago")
        expect(entry).not_to_contain_text(" in ")
    finally:
        context.close()


def test_activity_names_people_and_time_travel_before_the_project_says_so_plainly(
    page: Page, server: Server
) -> None:
    before = time.time()
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    new_project(page, "Shop")
    page.get_by_test_id("project-row-shop").get_by_test_id("project-link").click()
    # an environment named once, not "production (production)"
    switcher = page.get_by_test_id("environment-switcher")
    expect(switcher.locator("option")).to_have_text(["production"])
    expect(page.get_by_test_id("activity-entry").first).to_contain_text("Ada")
    expect(page.get_by_test_id("activity-entry").first).not_to_contain_text("user:")

    page.get_by_test_id("nav-activity").click()
    page.get_by_test_id("activity-project").select_option(label="Shop")
    created = page.locator('[data-testid="audit-entry"][data-action="Project.Created"]')
    expect(created.get_by_test_id("audit-actor")).to_have_text("Ada")
    expect(created.get_by_test_id("audit-actor")).to_have_attribute(
        "title", re.compile(r"^user:")
    )  # the id stays a hover away

    # a moment before the project existed
    moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(before - 3600))
    page.get_by_test_id("time-travel-moment").fill(moment)
    page.get_by_test_id("time-travel-go").click()
    error = page.get_by_test_id("time-travel").get_by_test_id("error-message")
    expect(error).to_have_text(
        "The project did not exist yet at that point. Choose a later moment."
    )
    expect(page.get_by_test_id("error-message")).to_have_count(1)
