"""The `containr` command and its groups: client commands talk to a Containr server over its
API (like `railway`); local administration works on the data store of this machine."""

from __future__ import annotations

import typer
from rich.console import Console

CLIENT = "Client: talk to a Containr server (after `containr login`)"
LOCAL = "Local administration: run Containr and work on this machine's data store"

app = typer.Typer(
    help="Containr: a self-hosted platform for your apps.\n\n"
    "Client commands (login, link, deploy, logs, …) talk to a server over its API; "
    "local administration commands (up, serve, migrate, events, …) work on the data "
    "store configured on this machine (CONTAINR_* variables).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # a crash must never print a token or a password
)
events_app = typer.Typer(help="Read the event log (the audit trail).", no_args_is_help=True)
app.add_typer(events_app, name="events", rich_help_panel=LOCAL)
projections_app = typer.Typer(help="Operate the read models.", no_args_is_help=True)
app.add_typer(projections_app, name="projections", rich_help_panel=LOCAL)
admin_app = typer.Typer(
    help="Look at this machine's installation directly: its data store and logs "
    "(no server or login needed).",
    no_args_is_help=True,
)
app.add_typer(admin_app, name="admin", rich_help_panel=LOCAL)
variables_app = typer.Typer(
    help="List, set and unset the linked service's variables.", no_args_is_help=True
)
app.add_typer(variables_app, name="variables", rich_help_panel=CLIENT)

console = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)
