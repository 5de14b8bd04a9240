"""The web dashboard's bundle at `/`, with index.html for client-side routes, beside the API."""

from __future__ import annotations

import os
import time
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from interfaces.http.web import bundle_is_stale, web_handlers


def test_without_a_bundle_the_root_says_how_to_build_it(tmp_path: Path) -> None:
    with TestClient(Litestar(route_handlers=web_handlers(tmp_path / "dist"))) as client:
        page = client.get("/")
    assert page.status_code == 200 and "npm run build" in page.text


def test_the_bundle_is_served_with_index_html_for_client_routes(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>containr</html>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    with TestClient(Litestar(route_handlers=web_handlers(dist))) as client:
        index = client.get("/")
        assert index.text == "<html>containr</html>"
        assert index.headers["content-type"].startswith("text/html")
        script = client.get("/assets/app.js")
        assert "javascript" in script.headers["content-type"]
        assert client.get("/projects/42/services").text == "<html>containr</html>"
        assert client.get("/assets/app.js").text == "console.log('hi')"
        assert client.get("/assets/missing.js").status_code == 404
        assert client.get("/metrics/x").status_code == 404  # an API path is never the app


def test_a_bundle_older_than_its_sources_is_stale(tmp_path: Path) -> None:
    web = tmp_path
    (web / "src").mkdir()
    (web / "src" / "main.tsx").write_text("x")
    (web / "package.json").write_text("{}")
    assert bundle_is_stale(web)
    (web / "dist").mkdir()
    (web / "dist" / "index.html").write_text("built")
    later = time.time() + 10
    os.utime(web / "dist" / "index.html", (later, later))
    assert not bundle_is_stale(web)
    os.utime(web / "src" / "main.tsx", (later + 10, later + 10))
    assert bundle_is_stale(web)
