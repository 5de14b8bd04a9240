"""Browser tests: Debian's Chromium driven by Playwright for Python against a real
`containr serve` (PostgreSQL, Redis, the process managers, Docker and Caddy).

Never `playwright install`: the browser is /usr/bin/chromium. On a failure the page's
screenshot and console log are saved under test-artifacts/browser/.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from application.settings import Settings
from interfaces.http.web import DIST
from tests.conftest import service_missing
from tests.e2e.conftest import Server, deploying

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

try:
    from playwright.sync_api import Browser, Page, sync_playwright

    PLAYWRIGHT_MISSING: Exception | None = None
except ImportError as e:  # the dev extra is not installed
    PLAYWRIGHT_MISSING = e


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Remember each phase's outcome on the item, for the artefacts fixture."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if PLAYWRIGHT_MISSING is not None:
        service_missing("Playwright", PLAYWRIGHT_MISSING)
    if shutil.which(CHROMIUM) is None:
        service_missing("Chromium", f"no {CHROMIUM} (apt-get install -y chromium)")
    if not (DIST / "index.html").is_file():
        service_missing(
            "the web dashboard", "not built (cd interfaces/web && npm ci && npm run build)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(timezone_id="UTC", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    console: list[str] = []
    opened.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    opened.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_")
        for each in context.pages:
            each.screenshot(path=str(ARTIFACTS / f"{name}-{id(each)}.png"), full_page=True)
        (ARTIFACTS / f"{name}-console.log").write_text("\n".join(console))
    context.close()
    # The dashboard runs under a strict Content-Security-Policy: nothing may be refused.
    assert [m for m in console if "Content Security Policy" in m] == []


@pytest.fixture
def server_settings(pg_settings: Settings, redis_url: str) -> Settings:
    return msgspec.structs.replace(pg_settings, redis_url=redis_url)


@pytest.fixture
def server(server_settings: Settings) -> Iterator[Server]:
    """`containr serve` on the test's database and Redis (no deployer)."""
    running = Server(server_settings)
    yield running
    running.stop()


@pytest.fixture
def deploying_server(server_settings: Settings, tmp_path: Path) -> Iterator[Server]:
    """`containr serve` with the deployer and reconciler on, Docker and a Caddy of its own."""
    with deploying(server_settings, tmp_path) as (server, _, _):
        yield server


def unique_email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:8]}@example.com"


def sign_up(page: Any, base_url: str, name: str, email: str, password: str) -> None:
    """Sign up through the form and wait for the signed-in frame."""
    page.goto(f"{base_url}/signup")
    page.get_by_test_id("signup-name").fill(name)
    page.get_by_test_id("signup-email").fill(email)
    page.get_by_test_id("signup-password").fill(password)
    page.get_by_test_id("signup-submit").click()
    page.get_by_test_id("app-shell").wait_for()
