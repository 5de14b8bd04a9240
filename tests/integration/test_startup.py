"""`containr up` shows what it does and how far: the store, then the dashboard's npm steps
with their own output, a line every few seconds when not at a terminal, and why a build
failed (interfaces/cli/startup.py); requests are not logged unless CONTAINR_ACCESS_LOG=on."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from application.settings import Settings
from interfaces.cli.startup import build_dashboard, prepare
from tests.e2e.conftest import Server

BUILD = (
    "node -e \"const fs = require('fs'); for (const s of ['transforming', 'rendering chunks']) "
    "console.log('vite: ' + s); fs.mkdirSync('dist', {recursive: true}); "
    "fs.writeFileSync('dist/index.html', '<html></html>')\""
)


def web_project(where: Path, build: str = BUILD) -> Path:
    """A dashboard project without dependencies whose build script prints two lines."""
    where.mkdir(parents=True)
    package = {"name": "dash", "version": "1.0.0", "private": True, "scripts": {"build": build}}
    (where / "package.json").write_text(json.dumps(package))
    lock = {
        "name": "dash",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "dash", "version": "1.0.0"}},
    }
    (where / "package-lock.json").write_text(json.dumps(lock))
    (where / "src").mkdir()
    (where / "src" / "main.ts").write_text("export {}\n")
    return where


def test_building_the_dashboard_reports_npms_own_lines_as_they_come(tmp_path: Path) -> None:
    web = web_project(tmp_path / "web")
    reported: list[str] = []
    built = build_dashboard(web, lambda status, done, total: reported.append(status))
    assert built.ok and built.message == "built"
    assert any("vite: transforming" in line for line in reported)
    assert any("vite: rendering chunks" in line for line in reported)
    assert reported[0].startswith("npm ci: ")  # the packages first
    again = build_dashboard(web, lambda *_: None)
    assert again.ok and again.message == "up to date"


def test_up_prints_each_step_and_its_progress_when_not_at_a_terminal(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    web = web_project(tmp_path / "web")
    out = io.StringIO()
    prepare(sqlite_settings, Console(file=out, width=200), web, every=0, docs=tmp_path)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Preparing the store …"
    assert any(line.startswith("Preparing the store: ready (") for line in lines)
    assert "Building the web dashboard …" in lines
    progress = [line for line in lines if line.startswith("  Building the web dashboard")]
    assert any("vite: rendering chunks" in line for line in progress)
    assert any(line.startswith("Building the web dashboard: built (") for line in lines)
    assert lines[-1].startswith("Building the documentation: no sources to build (")


def test_a_failed_build_says_why_and_the_api_still_starts(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    web = web_project(
        tmp_path / "web", "node -e \"console.log('src/App.tsx: type error'); process.exit(1)\""
    )
    out = io.StringIO()
    prepare(sqlite_settings, Console(file=out, width=200), web, every=60, docs=tmp_path)
    text = out.getvalue()
    assert "npm run build failed" in text and "src/App.tsx: type error" in text
    assert "the web dashboard is not built" in text and "the API runs" in text


def test_without_npm_the_dashboard_step_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = web_project(tmp_path / "web")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    built = build_dashboard(web, lambda *_: None)
    assert not built.ok and "npm is not installed" in built.message


def served_log(settings: Settings, **env: str) -> str:
    """What `containr serve` logged at INFO while answering three requests."""
    server = Server(settings, env={"CONTAINR_LOG_LEVEL": "INFO", **env})
    try:
        for path in ("/healthz", "/readyz", "/healthz?token=secret"):
            httpx.get(server.url + path, timeout=5)
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    log = Path(server.log.name)
    while "Shutting down" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    return log.read_text()


def test_requests_are_logged_only_with_the_access_log_on(sqlite_settings: Settings) -> None:
    quiet = served_log(sqlite_settings)
    assert "GET /healthz" not in quiet and "Application startup complete" in quiet
    loud = served_log(sqlite_settings, CONTAINR_ACCESS_LOG="on")
    assert '"GET /healthz HTTP/1.1" 200' in loud
    assert "secret" not in loud  # query strings stay out of it
