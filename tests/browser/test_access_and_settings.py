"""An environment's access and share links, and the account's settings, in a real browser
against a real `containr serve` (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_up, unique_email
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"


def test_an_environment_is_made_members_only_and_a_share_link_made_listed_and_revoked(
    page: Page, server: Server
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    page.get_by_test_id("nav-projects").click()
    page.get_by_test_id("project-create-button").click()
    page.get_by_test_id("project-name-input").fill("Shop")
    page.get_by_test_id("project-save").click()
    page.get_by_test_id("project-row-shop").get_by_test_id("project-link").click()

    page.get_by_test_id("environment-access-button").click()
    dialog = page.get_by_test_id("environment-access-dialog")
    expect(dialog.get_by_test_id("access-public")).to_be_checked()
    expect(dialog.get_by_test_id("share-links-empty")).to_be_visible()
    dialog.get_by_test_id("access-members").click()
    expect(dialog.get_by_test_id("access-members")).to_be_checked()

    dialog.get_by_test_id("share-link-hours").select_option("24")
    dialog.get_by_test_id("share-link-create").click()
    expect(dialog.get_by_test_id("share-link-made")).to_contain_text("shown only this once")
    link = dialog.get_by_test_id("share-link")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("data-state", "live")
    dialog.get_by_test_id("share-link-revoke").click()
    expect(link).to_have_attribute("data-state", "revoked")

    # read back from the server after a reload: still members-only, the link revoked
    page.reload()
    page.get_by_test_id("environment-access-button").click()
    dialog = page.get_by_test_id("environment-access-dialog")
    expect(dialog.get_by_test_id("access-members")).to_be_checked()
    expect(dialog.get_by_test_id("share-link")).to_have_attribute("data-state", "revoked")
    expect(dialog.get_by_test_id("share-link-made")).to_have_count(0)  # the URL was shown once


def test_settings_show_the_sign_in_providers_and_the_organisations_policies(
    page: Page, server: Server
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    page.get_by_test_id("nav-settings").click()
    providers = page.get_by_test_id("linked-providers")
    expect(providers).to_contain_text("began with your password")
    expect(providers).to_contain_text("offers no sign-in providers")  # none configured here
    forks = page.get_by_test_id("policy-expose-secrets-to-forks")
    expect(forks).not_to_be_checked()
    forks.click()
    expect(forks).to_be_checked()
    page.reload()
    expect(page.get_by_test_id("policy-expose-secrets-to-forks")).to_be_checked()
    # requiring provider sign-in needs a session that began at a provider: refused, in words
    page.get_by_test_id("policy-require-provider-sign-in").click()
    expect(
        page.get_by_test_id("organization-policies").get_by_test_id("error-message")
    ).to_be_visible()
    expect(page.get_by_test_id("policy-require-provider-sign-in")).not_to_be_checked()


def test_the_organisations_image_registry_is_set_with_a_write_only_password_and_cleared(
    page: Page, server: Server
) -> None:
    sign_up(page, server.url, "Ada", unique_email("owner"), PASSWORD)
    page.get_by_test_id("nav-settings").click()
    section = page.get_by_test_id("organization-registry")
    expect(section.get_by_test_id("registry-kind-none")).to_be_checked()
    section.get_by_test_id("registry-kind-own").click()
    section.get_by_test_id("registry-url").fill("registry.example.com/Team")
    section.get_by_test_id("registry-save").click()
    expect(section.get_by_test_id("error-message")).to_contain_text("lowercase")

    section.get_by_test_id("registry-url").fill("registry.example.com:5000/team")
    section.get_by_test_id("registry-username").fill("ci")
    section.get_by_test_id("registry-password").fill("registry-secret-1")
    section.get_by_test_id("registry-save").click()
    expect(section.get_by_test_id("registry-saved")).to_be_visible()

    # read back after a reload: the address and login, never the password
    page.reload()
    section = page.get_by_test_id("organization-registry")
    expect(section.get_by_test_id("registry-kind-own")).to_be_checked()
    expect(section.get_by_test_id("registry-url")).to_have_value("registry.example.com:5000/team")
    expect(section.get_by_test_id("registry-username")).to_have_value("ci")
    expect(section.get_by_test_id("registry-password")).to_have_value("")
    assert "registry-secret-1" not in page.content()

    section.get_by_test_id("registry-kind-none").click()
    section.get_by_test_id("registry-save").click()
    expect(section.get_by_test_id("registry-saved")).to_be_visible()
    page.reload()
    expect(
        page.get_by_test_id("organization-registry").get_by_test_id("registry-kind-none")
    ).to_be_checked()
