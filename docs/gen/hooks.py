"""MkDocs hooks (``hooks:`` in mkdocs.yml): the generated pages and tables.

The reference pages (GraphQL, command line, settings, error codes) are rendered from the
code and ``schema.graphql`` at every build, ``mkdocs serve`` included, and never committed, so
they cannot fall behind. A page may also hold a ``<!-- generated: NAME -->`` line, replaced by
the table of that name (the runtimes the build-plan detection knows).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import buildplan_reference
import cli_reference
import errors_reference
import graphql_reference
import settings_reference
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

PAGES: dict[str, Callable[[], str]] = {
    "reference/graphql.md": graphql_reference.render,
    "reference/cli.md": cli_reference.render,
    "reference/settings.md": settings_reference.render,
    "reference/errors.md": errors_reference.render,
}
TABLES: dict[str, Callable[[], str]] = {
    "runtimes": buildplan_reference.runtimes,
}
_MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.MULTILINE)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated reference pages to the site's files."""
    for uri, render in PAGES.items():
        files.append(File.generated(config, uri, content=render()))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace each ``<!-- generated: NAME -->`` line with its table."""

    def table(match: re.Match[str]) -> str:
        render = TABLES.get(match.group(1))
        if render is None:
            raise KeyError(f"{page.file.src_uri}: no generated table named {match.group(1)!r}")
        return render()

    return _MARKER.sub(table, markdown)
