"""The organisation's backup destinations in a real browser against a real `containr serve`
(issue 15): a directory destination is tested before it is added, a refused one says why,
and a destination is tested again and removed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_up, unique_email
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"


def test_a_directory_destination_is_added_tested_refused_and_removed(
    page: Page, server: Server, tmp_path: Path
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    page.get_by_test_id("nav-settings").click()
    section = page.get_by_test_id("backup-destinations")
    expect(section).to_contain_text("No destinations yet")
    target = tmp_path / "node" / "backups"
    page.get_by_test_id("destination-name").fill("Node disk")
    page.get_by_test_id("destination-path").fill(str(target))
    page.get_by_test_id("destination-add").click()
    expect(section).to_contain_text(str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    page.get_by_test_id("destination-name").fill("Broken")
    page.get_by_test_id("destination-path").fill(str(blocker / "backups"))
    page.get_by_test_id("destination-add").click()
    expect(section.get_by_test_id("error-message")).to_contain_text("cannot be created")
    expect(section).not_to_contain_text("Broken")
    row = section.locator("li", has_text="Node disk")
    row.get_by_role("button", name="Test").click()
    expect(row).to_contain_text("Test write succeeded")
    row.get_by_role("button", name="Remove").click()
    expect(section).to_contain_text("No destinations yet")
