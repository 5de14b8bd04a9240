"""The documentation site: served at /docs/ from the built site (index.html for directories,
the slash relative links need, correct types, the security headers), built by `containr up`
when missing or stale, and built from the real pages without any inline script or style
(the Content-Security-Policy allows none) or anything loaded from elsewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from application.settings import Settings
from interfaces.http.docs import build_docs, docs_are_stale, docs_handlers
from interfaces.http.headers import security_headers
from tests.e2e.conftest import in_process

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small built site: a home page, a page in a directory, assets."""
    site = tmp_path / "site"
    (site / "guides" / "logs").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text("<html>home</html>")
    (site / "guides" / "logs" / "index.html").write_text("<html>logs</html>")
    (site / "assets" / "app.js").write_text("console.log(1)")
    (site / "assets" / "app.css").write_text("body{}")
    (site / "search.json").write_text("{}")
    (site / "sitemap.xml.gz").write_bytes(b"\x1f\x8b")
    (site / ".hidden").write_text("no")
    (tmp_path / "secret.txt").write_text("outside the site")
    return site


@pytest.fixture
def client(site: Path) -> Iterator[TestClient[Litestar]]:
    app = Litestar(route_handlers=docs_handlers(site), before_send=[security_headers()])
    with TestClient(app) as client:
        yield client


def test_docs_serves_the_built_site_with_index_html_for_directories(
    client: TestClient[Litestar],
) -> None:
    home = client.get("/docs/")
    assert home.status_code == 200 and home.text == "<html>home</html>"
    assert home.headers["content-type"].startswith("text/html")
    assert client.get("/docs/guides/logs/").text == "<html>logs</html>"
    assert "javascript" in client.get("/docs/assets/app.js").headers["content-type"]
    assert client.get("/docs/assets/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/docs/search.json").headers["content-type"] == "application/json"
    assert client.get("/docs/sitemap.xml.gz").headers["content-type"] == "application/gzip"


def test_a_directory_without_its_slash_is_redirected_so_relative_links_resolve(
    client: TestClient[Litestar],
) -> None:
    for path in ("/docs", "/docs/guides/logs"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 302
        assert answer.headers["location"] == path + "/"


def test_missing_pages_hidden_files_and_paths_outside_the_site_are_not_found(
    client: TestClient[Litestar],
) -> None:
    assert client.get("/docs/nothing/").status_code == 404
    assert client.get("/docs/assets/").status_code == 404  # a directory without index.html
    assert client.get("/docs/.hidden").status_code == 404
    assert client.get("/docs/%2e%2e/secret.txt").status_code == 404
    assert "outside" not in client.get("/docs/..%2fsecret.txt").text


def test_docs_pages_carry_the_content_security_policy(client: TestClient[Litestar]) -> None:
    headers = client.get("/docs/").headers
    assert "script-src 'self';" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_without_a_built_site_docs_says_how_to_get_it(tmp_path: Path) -> None:
    with TestClient(Litestar(route_handlers=docs_handlers(tmp_path / "site"))) as client:
        page = client.get("/docs/")
    assert page.status_code == 200
    assert "uv sync --frozen --extra dev" in page.text


def test_the_api_serves_docs_beside_the_dashboard(sqlite_settings: Settings) -> None:
    built = build_docs(echo=False)  # as `containr up` does (a no-op when the site is current)
    assert built.built, built.problem
    with in_process(sqlite_settings) as (_, api):
        answer = api.http.get("/docs/")
        assert answer.status_code == 200 and "<html" in answer.text
        assert "content-security-policy" in answer.headers
        assert api.http.get("/docs", follow_redirects=False).status_code == 302


def test_a_site_older_than_any_of_its_sources_or_a_removed_page_is_stale(tmp_path: Path) -> None:
    earlier = time.time() - 100
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home")
    (tmp_path / "docs" / "old.md").write_text("# Old")
    (tmp_path / "schema.graphql").write_text("type Query { a: Int }")
    for source in ("docs/index.md", "docs/old.md", "docs", "schema.graphql"):
        os.utime(tmp_path / source, (earlier, earlier))
    assert docs_are_stale(tmp_path)  # never built
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("built")
    os.utime(tmp_path / "site" / "index.html", (earlier + 50, earlier + 50))
    assert not docs_are_stale(tmp_path)
    os.utime(tmp_path / "schema.graphql", (earlier + 60, earlier + 60))
    assert docs_are_stale(tmp_path)  # a newer source
    os.utime(tmp_path / "schema.graphql", (earlier, earlier))
    (tmp_path / "docs" / "old.md").unlink()
    assert docs_are_stale(tmp_path)  # a removed page: its directory changed


def test_outside_a_checkout_nothing_is_built_and_nothing_is_reported(tmp_path: Path) -> None:
    outcome = build_docs(tmp_path, echo=False)
    assert not outcome.built and outcome.problem is None


def remote_loads(html: str) -> list[str]:
    """Tags that make a browser fetch from another origin (a link to read elsewhere is fine)."""
    tags = re.findall(r"<(?:script|img|iframe|source)\b[^>]*\ssrc=\"https?:[^>]*>", html)
    links = re.findall(r"<link\b[^>]*>", html)
    fetched = ("stylesheet", "preconnect", "preload", "icon", "modulepreload")
    return tags + [
        link
        for link in links
        if re.search(r"href=\"(?:https?:)?//", link) and any(f'"{r}"' in link for r in fetched)
    ]


@pytest.mark.slow
def test_the_real_site_builds_strictly_with_no_inline_script_or_style_and_nothing_remote(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr[-3000:]
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    offences: list[str] = []
    for page in pages:
        html = page.read_text()
        name = str(page.relative_to(site))
        for script in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
            attributes, body = script
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offences.append(f"{name}: inline script {body[:60]!r}")
        offences += [f"{name}: <style>" for _ in re.findall(r"<style\b", html)]
        offences += [f"{name}: {m}" for m in re.findall(r"\sstyle=\"[^\"]*\"", html)]
        offences += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+=\"", html)]
        offences += [f"{name}: loads {tag}" for tag in remote_loads(html)]
    assert offences == []
    reference = (site / "reference" / "graphql" / "index.html").read_text()
    assert 'id="Deployment"' in reference and 'id="Mutation-deployService"' in reference
    assert 'id="containr-logs"' in (site / "reference" / "cli" / "index.html").read_text()
