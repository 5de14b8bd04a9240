"""The web dashboard: its built bundle served at `/` (any unknown path gets index.html, for
client-side routing); `containr up` builds it when it is missing or stale
(interfaces/cli/startup.py)."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import File
from litestar.status_codes import HTTP_404_NOT_FOUND

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parents[1] / "web"
DIST = WEB / "dist"
_SOURCES = ("src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts")
_RESERVED = ("graphql", "healthz", "readyz", "metrics", "auth", "webhooks")

NO_BUNDLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Containr</title></head>
<body><h1>Containr is running</h1>
<p>The web dashboard has not been built: it needs Node.js 20 and npm. Build it with
<code>cd interfaces/web &amp;&amp; npm ci &amp;&amp; npm run build</code> (or install Node and
run <code>containr up</code> again, which builds it), then reload this page.</p>
<p>The GraphQL API is at <a href="/graphql"><code>/graphql</code></a> (open it in a browser
for GraphiQL; subscriptions use WebSocket with <code>graphql-transport-ws</code>).
Start with the <code>signUp</code> mutation and send the access token as
<code>Authorization: Bearer &lt;token&gt;</code>.</p>
<p>Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>,
metrics: <a href="/metrics">/metrics</a>.</p></body></html>
"""


def _newest(path: Path) -> float:
    if path.is_file():
        return path.stat().st_mtime
    if path.is_dir():
        return max((p.stat().st_mtime for p in path.rglob("*") if p.is_file()), default=0.0)
    return 0.0


def bundle_is_stale(web: Path = WEB) -> bool:
    """Whether the bundle is missing or older than any of its sources."""
    index = web / "dist" / "index.html"
    if not index.is_file():
        return True
    built = index.stat().st_mtime
    return any(_newest(web / name) > built for name in _SOURCES)


def _file(path: Path) -> File:
    """A bundle file, shown inline with the type its name says (text/html, text/javascript…)."""
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return File(path, filename=path.name, media_type=media_type, content_disposition_type="inline")


def dashboard_page(dist: Path = DIST) -> Response[str] | File:
    """The dashboard's index.html (its router shows the page the path names), or the page
    saying it is not built."""
    index = dist.resolve() / "index.html"
    if not index.is_file():
        return Response(NO_BUNDLE_PAGE, media_type="text/html")
    return _file(index)


def web_handlers(dist: Path = DIST) -> list[HTTPRouteHandler]:
    """`/` and every other path that is not the API: a bundle file, else index.html."""
    root = dist.resolve()

    def answer(path: str) -> Response[str] | File:
        index = root / "index.html"
        if not index.is_file():
            return dashboard_page(dist)
        wanted = (root / path.lstrip("/")).resolve()
        if path.strip("/") and wanted.is_file() and wanted.is_relative_to(root):
            return _file(wanted)
        if path.strip("/").split("/", 1)[0] in _RESERVED or path.startswith("/assets/"):
            return Response("not found", status_code=HTTP_404_NOT_FOUND, media_type="text/plain")
        return _file(index)

    @get("/", sync_to_thread=False, include_in_schema=False)
    def home() -> Response[str] | File:
        return answer("/")

    @get("/{path:path}", sync_to_thread=False, include_in_schema=False)
    def anything(path: FromPath[Path]) -> Response[str] | File:
        return answer(str(path))

    return [home, anything]
