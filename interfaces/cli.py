"""The `containr` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
import typer
from rich.console import Console
from rich.markup import escape

from application.eventlog import LoggedEvent
from application.services import Services
from application.settings import Settings, SettingsError
from interfaces.bootstrap import bootstrap, migrate

app = typer.Typer(help="Containr: a self-hosted platform for your apps.", no_args_is_help=True)
events_app = typer.Typer(help="Read the event log (the audit trail).", no_args_is_help=True)
app.add_typer(events_app, name="events")
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops the program with its variable's name."""
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as e:
        err.print(f"[red]configuration error[/red] {e}")
        raise typer.Exit(2) from None
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


@contextmanager
def services() -> Iterator[Services]:
    """Bootstrapped services for one CLI command, closed afterwards."""
    settings = load_settings()
    try:
        built = bootstrap(settings)
    except SettingsError as e:
        err.print(f"[red]configuration error[/red] {e}")
        raise typer.Exit(2) from None
    try:
        yield built
    finally:
        built.close()


@app.command("migrate")
def migrate_command() -> None:
    """Create or update the database tables (safe to run again)."""
    settings = load_settings()
    for step in migrate(settings):
        console.print(f"ok  {step}")


@app.command("status")
def status_command() -> None:
    """Show where Containr keeps its data and how long the event log is."""
    with services() as s:
        _print_status(s)


@app.command("up")
def up_command() -> None:
    """Prepare the data store and show the status: the one command to get going."""
    settings = load_settings()
    migrate(settings)
    with services() as s:
        _print_status(s)


def _print_status(s: Services) -> None:
    mode = "embedded" if s.settings.is_embedded else "server"
    console.print(f"Containr ({mode} mode)")
    console.print(f"  event store   {s.settings.describe_database()}")
    console.print(f"  data dir      {s.settings.data_path.resolve()}")
    console.print(f"  events        {s.events.head()}")


@events_app.command("tail")
def events_tail(
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many events")] = 20,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new ones")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Print the newest events of the log, oldest first."""
    with services() as s:
        events = s.events.tail(count)
        for event in events:
            _print_event(event, as_json)
        if follow:
            after = events[-1].position or 0 if events else s.events.head()
            signal = s.event_signal()
            try:
                for event in s.events.follow(after, signal):
                    _print_event(event, as_json)
            except KeyboardInterrupt:
                pass
            finally:
                signal.close()


@events_app.command("show")
def events_show(
    aggregate_id: Annotated[str, typer.Argument(help="The id of a project, service, …")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Print every event of one aggregate."""
    try:
        ident = UUID(aggregate_id)
    except ValueError:
        err.print(f"[red]error[/red] {aggregate_id!r} is not an id (a UUID)")
        raise typer.Exit(2) from None
    with services() as s:
        events = s.events.of_aggregate(ident)
        if not events:
            err.print(f"[red]error[/red] no events for {ident}")
            raise typer.Exit(1)
        for event in events:
            _print_event(event, as_json)


def _print_event(event: LoggedEvent, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(msgspec.json.encode(event).decode() + "\n")
        sys.stdout.flush()
        return
    fields = " ".join(f"{k}={_short(v)}" for k, v in event.fields.items())
    position = f"#{event.position}" if event.position is not None else f"v{event.version}"
    console.print(
        f"[dim]{position:>7}[/dim] {_time(event.timestamp)} [cyan]{event.type}[/cyan] "
        f"[dim]{event.aggregate_id} v{event.version} by[/dim] {escape(event.actor)}  "
        f"{escape(fields)}",
        soft_wrap=True,
    )


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _short(value: Any) -> str:
    text = json.dumps(_abbreviate_sealed(msgspec.to_builtins(value)), separators=(",", ":"))
    return text if len(text) <= 160 else text[:157] + "..."


def _abbreviate_sealed(value: Any) -> Any:
    """Secrets only ever appear sealed; shorten the ciphertext so lines stay readable."""
    if isinstance(value, str) and value.startswith("v1:") and len(value) > 20:
        return f"sealed:{value[3:15]}…"
    if isinstance(value, dict):
        return {k: _abbreviate_sealed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_abbreviate_sealed(v) for v in value]
    return value


def main() -> None:
    """The console script's entry point."""
    app()
