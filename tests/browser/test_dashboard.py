"""The dashboard in a real browser against a real `containr serve` that deploys on Docker."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_up, unique_email
from tests.e2e.conftest import Server
from tests.integration.deploy_support import AppRepository

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
PASSWORD = "correct horse battery staple"


def healthy_rows(page: Page) -> int:
    return page.locator('[data-testid="deployment-row"][data-state="healthy"]').count()


def test_deploy_watch_logs_roll_back_and_travel_back_in_time(
    page: Page, deploying_server: Server, tmp_path: Path
) -> None:
    base = deploying_server.url
    repo = AppRepository(tmp_path / "app")
    first_sha = repo.commit("one")
    sign_up(page, base, "Ada", unique_email("owner"), PASSWORD)

    # a project and a service
    page.get_by_test_id("nav-projects").click()
    page.get_by_test_id("project-create-button").click()
    page.get_by_test_id("project-name-input").fill("Shop")
    page.get_by_test_id("project-save").click()
    page.get_by_test_id("project-row-shop").get_by_test_id("project-link").click()
    page.get_by_test_id("service-create-button").click()
    page.get_by_test_id("service-name-input").fill("web")
    page.get_by_test_id("service-kind-input").select_option("web")
    page.get_by_test_id("service-repo-input").fill(repo.url)
    page.get_by_test_id("service-port-input").fill("8080")
    page.get_by_test_id("service-create-submit").click()
    card = page.get_by_test_id("service-card-web")
    expect(card).to_be_visible()

    # deploy and watch the state change on screen, without a reload
    card.click()
    page.get_by_test_id("tab-deployments").click()
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads
    page.get_by_test_id("deploy-button").click()
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while "healthy" not in seen and time.monotonic() < deadline:
        rows = page.locator('[data-testid="deployment-row"]')
        if rows.count():
            state = rows.first.get_attribute("data-state") or ""
            if not seen or seen[-1] != state:
                seen.append(state)
        time.sleep(0.05)
    assert seen[-1] == "healthy", seen
    assert len(seen) > 1, f"the page never showed the release in progress: {seen}"
    expect(card.get_by_test_id("service-commit")).to_contain_text(first_sha[:7])

    # live logs of the release
    page.get_by_test_id("tab-logs").click()
    expect(page.get_by_test_id("log-line").first).to_be_visible()
    expect(page.get_by_test_id("log-view")).to_contain_text("created container")

    # a second release, then roll back to the first
    second_sha = repo.commit("two")
    page.get_by_test_id("tab-deployments").click()
    page.get_by_test_id("deploy-button").click()
    expect(page.get_by_test_id("deploy-result")).to_contain_text("Deployment requested")
    rows = page.locator('[data-testid="deployment-row"]')
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-state", "healthy", timeout=120_000)
    expect(card.get_by_test_id("service-commit")).to_contain_text(second_sha[:7])
    # the release it replaced says so at once, from the subscription (no reload, no polling)
    expect(rows.nth(1)).to_have_attribute("data-state", "superseded")
    expect(rows.nth(1).get_by_test_id("deployment-reason")).to_have_text(
        f"superseded by {second_sha[:7]}"
    )
    expect(page.get_by_test_id("deploy-result")).to_have_count(0)  # the banner went
    # a moment strictly between the second release going live and the rollback, to the second
    time.sleep(1.2)
    before_rollback = datetime.now(UTC)
    time.sleep(1.2)
    first_row = rows.nth(1)
    first_row.get_by_test_id("rollback-button").click()
    page.get_by_test_id("confirm-accept").click()
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-state", "healthy", timeout=120_000)
    expect(card.get_by_test_id("service-commit")).to_contain_text(first_sha[:7])
    # every row shows its final state without a reload: the second release was rolled back
    # (and is offered no more), the first stays superseded
    rolled_back = rows.nth(1)
    expect(rolled_back).to_have_attribute("data-state", "rolled_back")
    expect(rolled_back.get_by_test_id("deployment-state")).to_have_text("rolled back")
    expect(rolled_back.get_by_test_id("rollback-button")).to_have_count(0)
    expect(rows.nth(2)).to_have_attribute("data-state", "superseded")
    expect(page.get_by_test_id("deployment-outcome")).to_have_count(0)
    expect(page.get_by_test_id("deployment-list")).not_to_contain_text("user:")
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"

    # the rollback in the activity timeline
    page.get_by_test_id("nav-activity").click()
    page.get_by_test_id("activity-project").select_option(label="Shop")
    timeline = page.get_by_test_id("audit-timeline")
    rolled_back_entry = timeline.locator('[data-action="Deployment.RolledBack"]')
    expect(rolled_back_entry).to_have_count(1)
    # in plain words: what it concerns, who did it, no raw state or id
    expect(rolled_back_entry.get_by_test_id("audit-text")).to_have_text(
        re.compile(r"^web · production: deployment rolled back: rolled back by [0-9a-f]{7}$")
    )
    requested = timeline.locator('[data-action="Deployment.Requested"]').first
    expect(requested.get_by_test_id("audit-actor")).to_have_text("Ada")
    expect(requested.get_by_test_id("audit-text")).to_have_text(
        f"web · production: rollback to {first_sha[:7]} requested"
    )
    expect(timeline).not_to_contain_text("rolled_back")

    # time travel to before the rollback: the second release was live then
    page.get_by_test_id("time-travel-moment").fill(before_rollback.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_test_id("time-travel-go").click()
    past = page.get_by_test_id("snapshot-service-web")
    expect(past).to_contain_text(second_sha[:7])
    expect(past).not_to_contain_text(first_sha[:7])


def test_a_viewer_sees_no_edit_controls_and_the_api_refuses_anyway(
    page: Page, deploying_server: Server, browser: object
) -> None:
    base = deploying_server.url
    owner = deploying_server.client()
    signed = owner.sign_up(unique_email("owner"), "Owner")
    org = signed["organizationId"]
    project = owner(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    owner(
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", '
        'settings: {image: "nginx:1", port: 80}) { id } }',
        p=project,
    )
    viewer_email = unique_email("viewer")
    invitation = owner(
        "mutation($o: ID!, $e: String!) { inviteMember(organizationId: $o, email: $e, "
        'role: "viewer") { token } }',
        o=org,
        e=viewer_email,
    )["inviteMember"]["token"]

    sign_up(page, base, "Vera", viewer_email, PASSWORD)
    page.goto(f"{base}/join?token={invitation}")
    page.get_by_test_id("join-token").fill(invitation)
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("org-switcher").select_option(value=org)
    page.get_by_test_id("nav-projects").click()
    row = page.get_by_test_id("project-row-shop")
    expect(row).to_be_visible()
    expect(page.get_by_test_id("project-create-button")).to_have_count(0)
    expect(page.get_by_test_id("project-delete-shop")).to_have_count(0)
    row.get_by_test_id("project-link").click()
    expect(page.get_by_test_id("service-card-web")).to_be_visible()
    expect(page.get_by_test_id("service-create-button")).to_have_count(0)
    page.get_by_test_id("service-card-web").click()
    page.get_by_test_id("tab-deployments").click()
    expect(
        page.get_by_test_id("deployment-list").or_(page.get_by_test_id("empty-state"))
    ).to_be_visible()
    expect(page.get_by_test_id("deploy-button")).to_have_count(0)
    page.get_by_test_id("tab-variables").click()
    expect(page.get_by_test_id("variable-add-form")).to_have_count(0)
    expect(page.get_by_test_id("reveal-variables")).to_have_count(0)

    # the API refuses the viewer's mutation whatever the page shows (the page keeps its token
    # in memory only: the viewer logs in on their own)
    viewer = deploying_server.client()  # closed with the server
    viewer.token = viewer(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }",
        e=viewer_email,
        p=PASSWORD,
    )["logIn"]["accessToken"]
    body = viewer.raw(
        'mutation($p: ID!) { createService(projectId: $p, name: "api", kind: "worker", '
        'settings: {image: "busybox:1"}) { id } }',
        {"p": project},
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert re.search(r"viewer", body["errors"][0]["message"], re.IGNORECASE) or body["errors"]
    assert uuid.UUID(project)
