# ruff: noqa: F811 - the test's parameters name the fixture imported from the e2e test
"""The node page in a real browser against a real `containr serve` (issue 18): a host joins
with the token the page shows, its agent runs (`containr agent run`'s real code on the real
local Docker engine), and a container of the organisation on it is restarted from the page."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest
from playwright.sync_api import Page, expect

from application.processes.support import INSTANCE, ORGANIZATION
from interfaces.cli.agent_link import join
from tests.browser.conftest import sign_up, unique_email
from tests.e2e.conftest import Server
from tests.e2e.test_node_agents import ENGINE, RunningAgent
from tests.e2e.test_node_containers import engine, sleeper  # noqa: F401 - the shared fixture
from tests.integration.deploy_support import until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"


def started_at(engine: docker.APIClient, container: str) -> str:
    return str(engine.inspect_container(container)["State"]["StartedAt"])


def test_the_node_page_shows_the_agent_and_restarts_a_container(
    page: Page, server: Server, engine: docker.APIClient, tmp_path: Path
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    page.get_by_test_id("nav-infrastructure").click()
    page.get_by_test_id("join-token-open").click()
    command = page.get_by_test_id("join-command")
    expect(command).to_contain_text("containr agent join")
    token = command.inner_text().split()[-1]
    joined = join(server.url, token, "host-a", tmp_path / "agent", ENGINE, {})
    agent = RunningAgent(tmp_path / "agent")
    try:
        labels = {INSTANCE: joined.installation, ORGANIZATION: str(joined.organization_id)}
        ours = sleeper(engine, "web", labels)
        name = engine.inspect_container(ours)["Name"].lstrip("/")
        page.keyboard.press("Escape")

        card = page.get_by_test_id("agent-host-a")
        expect(card.get_by_test_id("agent-version")).not_to_contain_text(
            "not connected", timeout=30_000
        )
        expect(card.get_by_test_id("agent-capabilities")).to_contain_text("Docker engine")
        row = card.get_by_test_id(f"node-container-{name}")
        expect(row.get_by_test_id("node-container-state")).to_have_text("running", timeout=30_000)
        before = started_at(engine, ours)
        row.get_by_test_id("container-restart").click()
        until(lambda: started_at(engine, ours) != before, 60, "the container to restart")
        expect(row.get_by_test_id("container-restart")).to_be_enabled(timeout=30_000)
        expect(row.get_by_test_id("node-container-state")).to_have_attribute(
            "data-state", "running"
        )
        expect(card.get_by_role("alert")).to_have_count(0)  # no error shown
    finally:
        agent.stop()
