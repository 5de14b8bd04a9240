"""The documentation at /docs/ of a real `containr serve`, in Chromium, under the same
Content-Security-Policy as every page: the theme's scripts run, search works (its worker
loads), the colour scheme toggles and survives a reload, and nothing is refused (the `page`
fixture fails the test on any CSP message in the console)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from application.settings import Settings
from interfaces.http.docs import ROOT, build_docs
from tests.conftest import service_missing
from tests.e2e.conftest import Server


@pytest.fixture
def docs_server(sqlite_settings: Settings) -> Iterator[Server]:
    """`containr serve` (embedded) with the documentation built, as `containr up` builds it."""
    outcome = build_docs(ROOT, echo=False)
    if not outcome.built:
        service_missing("the documentation site", outcome.problem)
    assert (ROOT / "site" / "index.html").is_file()
    server = Server(sqlite_settings)
    yield server
    server.stop()


def test_the_docs_load_search_and_switch_theme_with_nothing_refused_by_the_csp(
    page: Page, docs_server: Server
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    answer = page.goto(f"{docs_server.url}/docs/")
    assert answer is not None and answer.status == 200
    assert "script-src 'self'" in (answer.headers.get("content-security-policy") or "")
    expect(page).to_have_title("Containr")
    # Material's bundle ran (it swaps no-js for js), and so did the globals moved to a file.
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)js(\s|$)"))
    assert page.evaluate("typeof __md_get === 'function' && typeof __md_set === 'function'")

    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("rollback")  # the theme listens for key presses
    expect(page.locator(".md-search-result__item").first).to_be_visible()

    page.goto(f"{docs_server.url}/docs/reference/graphql/")
    expect(page.locator("h3#Deployment")).to_be_visible()
    expect(page.locator("h3#Mutation-rollbackService")).to_be_attached()

    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    toggled = page.locator("body").get_attribute("data-md-color-scheme")
    assert toggled != scheme
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", str(toggled))
    assert refused == []


def test_a_docs_page_without_its_trailing_slash_still_finds_its_stylesheets(
    page: Page, docs_server: Server
) -> None:
    page.goto(f"{docs_server.url}/docs/guides/logs")
    assert page.url.endswith("/docs/guides/logs/")
    # The theme's stylesheet applied: the header is Material's fixed bar, not unstyled text.
    expect(page.locator("header.md-header")).to_have_css("position", "sticky")
