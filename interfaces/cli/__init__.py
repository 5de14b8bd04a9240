"""The `containr` command line: client commands that talk to a Containr server over its API
(``client``: login, link, deploy, logs, …), and local administration of this machine's
installation (``admin``: up, serve, migrate, events, projections, history, …)."""

from __future__ import annotations

from interfaces.cli import admin, agent, client  # noqa: F401 - importing them registers their commands
from interfaces.cli.root import app


def main() -> None:
    """The console script's entry point."""
    app()


__all__ = ["app", "main"]
