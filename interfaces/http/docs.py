"""The documentation site: built with MkDocs (``docs/``, ``mkdocs.yml``) into ``site/`` by
`containr up` when it is missing or stale, and served at ``/docs/``.

MkDocs and its Material theme are development dependencies (``uv sync --extra dev``): an
installation with the runtime dependencies only serves a page at ``/docs/`` saying how to
get the docs, as ``/`` does for an unbuilt dashboard. The built site has no inline script or
style (``docs/overrides``), so the Content-Security-Policy every page gets applies as it is.
"""

from __future__ import annotations

import importlib.util
import logging
import mimetypes
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import File, Redirect
from litestar.status_codes import HTTP_302_FOUND, HTTP_404_NOT_FOUND

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
"""The checkout: where ``mkdocs.yml``, ``docs/`` and the sources the reference pages are
generated from live."""
SITE = ROOT / "site"
PREFIX = "/docs"
_SOURCES = (
    "mkdocs.yml",
    "docs",
    "schema.graphql",  # the GraphQL reference
    "application/settings.py",  # the settings table
    "interfaces/cli.py",  # the command-line reference (a module now, perhaps a package later)
    "interfaces/cli",
    "interfaces/graphql/errors.py",  # the error codes
    "domain/buildplan",  # the runtimes table
)

NO_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Containr documentation</title></head>
<body><h1>The documentation is not built</h1>
<p>It is built with MkDocs, a development dependency. Install it with
<code>uv sync --frozen --extra dev</code> and run <code>containr up</code> again (it builds
the documentation when it is missing or stale), or build it yourself with
<code>.venv/bin/mkdocs build</code>, then reload this page.</p>
<p>The pages are also readable as they are, in the repository's <code>docs/</code> folder.</p>
<p><a href="/">The dashboard</a> · <a href="/graphql">the GraphQL API</a></p></body></html>
"""

NOT_FOUND_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>No such page</h1><p><a href="/docs/">The documentation's first page</a></p></body>
</html>
"""


@dataclass(frozen=True)
class DocsBuild:
    """The outcome of :func:`build_docs`: whether a current site exists, and why not."""

    built: bool
    problem: str | None = None


def _newest(path: Path) -> float:
    """The newest modification time of a source or a directory holding sources (a directory's
    changes when a file in it is removed or renamed). Bytecode caches are not sources: they
    are written whenever Python imports the generators."""
    if not path.exists():
        return 0.0
    found = [path, *path.rglob("*")] if path.is_dir() else [path]
    return max(p.stat().st_mtime for p in found if "__pycache__" not in p.parts)


def docs_are_stale(root: Path = ROOT) -> bool:
    """Whether the site is missing or older than any of its sources (pages, generators, the
    schema, the settings, the CLI)."""
    index = root / "site" / "index.html"
    if not index.is_file():
        return True
    built = index.stat().st_mtime
    return any(_newest(root / name) > built for name in _SOURCES)


def mkdocs_installed() -> bool:
    """Whether MkDocs and the Material theme can be imported (the dev extra)."""
    return all(importlib.util.find_spec(name) is not None for name in ("mkdocs", "material"))


def build_docs(root: Path = ROOT, *, echo: bool = True) -> DocsBuild:
    """Build the site with MkDocs if it is missing or stale.

    Never fatal: without MkDocs, without ``mkdocs.yml`` (an installed package, not a
    checkout) or when the build fails, Containr runs and ``/docs/`` says how to get the docs.
    """
    if not (root / "mkdocs.yml").is_file():
        return DocsBuild(built=(root / "site" / "index.html").is_file(), problem=None)
    if not docs_are_stale(root):
        return DocsBuild(built=True)
    if not mkdocs_installed():
        return DocsBuild(
            built=False,
            problem="MkDocs is not installed (a dev dependency: uv sync --frozen --extra dev)",
        )
    if echo:
        print("building the documentation: mkdocs build", flush=True)  # noqa: T201
    done = subprocess.run(  # noqa: S603 - our own interpreter running MkDocs on our own config
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(root / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode != 0:
        log.warning("`mkdocs build` failed:\n%s", done.stdout[-2000:] + done.stderr[-2000:])
        return DocsBuild(built=False, problem="`mkdocs build` failed (see the log above)")
    return DocsBuild(built=(root / "site" / "index.html").is_file())


def _file(path: Path) -> File:
    """A file of the site, inline, with the type its name says."""
    media_type, encoding = mimetypes.guess_type(path.name)
    if encoding is not None:  # sitemap.xml.gz is a gzip file, not XML to be decoded
        media_type = "application/gzip" if encoding == "gzip" else "application/octet-stream"
    return File(
        path,
        filename=path.name,
        media_type=media_type or "application/octet-stream",
        content_disposition_type="inline",
    )


def docs_handlers(site: Path = SITE) -> list[HTTPRouteHandler]:
    """``/docs`` and everything under it: the built site's files, ``index.html`` for a
    directory, a redirect adding the slash a directory's relative links need."""
    root = site.resolve()

    def answer(request: Request[Any, Any, Any]) -> Response[str] | File | Redirect:
        # Litestar drops a trailing slash from the path it routes; the raw path keeps it,
        # and a page's relative links depend on it.
        raw = request.scope.get("raw_path") or request.scope["path"].encode()
        path = unquote(bytes(raw).decode("latin-1")).split("?", 1)[0]
        if not (root / "index.html").is_file():
            return Response(NO_DOCS_PAGE, media_type="text/html")
        inside = path[len(PREFIX) :].lstrip("/")
        parts = [p for p in inside.split("/") if p]
        if any(p.startswith(".") for p in parts):
            return _not_found()
        wanted = (root / inside).resolve()
        if not wanted.is_relative_to(root):
            return _not_found()
        if wanted.is_dir():
            if not path.endswith("/"):
                return Redirect(path + "/", status_code=HTTP_302_FOUND)
            wanted = wanted / "index.html"
        return _file(wanted) if wanted.is_file() else _not_found()

    @get(PREFIX, sync_to_thread=False, include_in_schema=False)
    def docs_root(request: Request[Any, Any, Any]) -> Response[str] | File | Redirect:
        return answer(request)

    @get(f"{PREFIX}/{{path:path}}", sync_to_thread=False, include_in_schema=False)
    def docs_page(request: Request[Any, Any, Any]) -> Response[str] | File | Redirect:
        return answer(request)

    return [docs_root, docs_page]


def _not_found() -> Response[str]:
    return Response(NOT_FOUND_PAGE, status_code=HTTP_404_NOT_FOUND, media_type="text/html")
