"""Local administration: run Containr (`up`, `serve`, `worker`) and work on the data store
configured on this machine (`migrate`, `events`, `projections`, `history`, `admin …`)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
import typer
from rich.markup import escape

from interfaces.cli.names import Names
from interfaces.cli.root import LOCAL, admin_app, app, console, err, events_app, projections_app

# The server's machinery loads only when a local command runs: the client commands start
# fast (they never need it).
if TYPE_CHECKING:
    from litestar import Litestar

    from application.eventlog import LoggedEvent
    from application.logs import LogEntry
    from application.readmodels import DashboardQueries
    from application.services import Services
    from application.settings import Settings


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops the program with its variable's name."""
    from application.settings import Settings, SettingsError  # noqa: PLC0415 - loaded when used

    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as e:
        err.print(f"[red]configuration error[/red] {e}")
        raise typer.Exit(2) from None
    from interfaces.logs import configure_logging  # noqa: PLC0415 - loaded when used

    configure_logging(settings.log_level)
    return settings


@contextmanager
def services() -> Iterator[Services]:
    """Bootstrapped services for one CLI command, closed afterwards."""
    from application.settings import SettingsError  # noqa: PLC0415 - loaded when used
    from interfaces.bootstrap import bootstrap  # noqa: PLC0415

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


@app.command("migrate", rich_help_panel=LOCAL)
def migrate_command() -> None:
    """Create or update the database tables (safe to run again)."""
    from interfaces.bootstrap import migrate  # noqa: PLC0415 - loaded when used

    settings = load_settings()
    for step in migrate(settings):
        console.print(f"ok  {step}")


@admin_app.command("status")
def status_command() -> None:
    """Show where Containr keeps its data and how long the event log is."""
    with services() as s:
        _print_status(s)


@app.command("up", rich_help_panel=LOCAL)
def up_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Prepare the data store, build the web dashboard (with npm) and the documentation (with
    MkDocs) when they are missing or stale and the tools are there, and start Containr: the
    one command to get going. Each step shows what it does and how far it is."""
    from interfaces.cli.startup import prepare  # noqa: PLC0415 - loaded when used

    settings = load_settings()
    prepare(settings, err)
    _serve(settings, host, port, workers_external=False)


@app.command("serve", rich_help_panel=LOCAL)
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers_external: Annotated[
        bool,
        typer.Option(
            "--workers-external",
            help="Projections and process managers run in `containr worker` processes instead",
        ),
    ] = False,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            min=1,
            max=64,
            help="API processes on this address (default CONTAINR_API_PROCESSES, 1); more than "
            "one needs PostgreSQL and Redis",
        ),
    ] = None,
) -> None:
    """Serve the API (and, unless --workers-external, run the projections, the deployment
    process manager and the reconciler in this process)."""
    from application.settings import SettingsError  # noqa: PLC0415 - loaded when used
    from interfaces.bootstrap import migrate  # noqa: PLC0415

    settings = load_settings()
    if processes is not None:
        try:
            settings.check_api_processes(processes, "--processes")
        except SettingsError as e:
            err.print(f"[red]configuration error[/red] {e}")
            raise typer.Exit(2) from None
    if settings.is_embedded:
        migrate(settings)  # the embedded store is this process's own: prepare it
    _serve(
        settings,
        host,
        port,
        workers_external=workers_external,
        processes=processes or settings.api_processes,
    )


def _serve(
    settings: Settings, host: str, port: int, *, workers_external: bool, processes: int = 1
) -> None:
    import uvicorn  # noqa: PLC0415 - loaded when used

    from application.settings import SettingsError  # noqa: PLC0415
    from interfaces.bootstrap import bootstrap  # noqa: PLC0415
    from interfaces.cli.serving import (  # noqa: PLC0415
        ApiProcesses,
        Server,
        listening_socket,
        shared_metrics_directory,
        tune_collector,
        uvicorn_options,
    )
    from interfaces.http.app import create_app  # noqa: PLC0415
    from interfaces.http.positions import SharedPositions  # noqa: PLC0415

    try:
        built = bootstrap(settings)
    except SettingsError as e:
        err.print(f"[red]configuration error[/red] {e}")
        raise typer.Exit(2) from None
    with ExitStack() as stack:
        stack.callback(built.close)
        positions = SharedPositions() if processes > 1 else None
        if positions is not None:
            stack.enter_context(shared_metrics_directory())  # before the metrics are made
        application = create_app(
            built,
            run_projections=not workers_external,
            run_processes=not workers_external and settings.processes,
            shared_positions=positions,
        )
        tune_collector()
        stack.callback(_metrics_listener(settings, application))
        console.print(
            f"Containr is running: open [bold]http://{host}:{port}/[/bold] "
            f"(GraphQL API at http://{host}:{port}/graphql). Ctrl-C stops it."
        )
        if positions is None:
            uvicorn.run(application, host=host, port=port, **uvicorn_options(settings))
            return
        try:
            sock = stack.enter_context(listening_socket(host, port))
        except OSError as e:
            err.print(f"[red]cannot listen[/red] on {host}:{port}: {e}")
            raise typer.Exit(1) from None
        others = ApiProcesses(host, port, processes - 1, positions)
        stack.callback(others.stop)
        others.start()
        console.print(
            f"{processes} API processes answer on this address (pids {os.getpid()}, "
            f"{', '.join(map(str, others.pids()))})"
        )
        config = uvicorn.Config(application, host=host, port=port, **uvicorn_options(settings))
        Server(config, interruptible=True).run(sockets=[sock])


def _metrics_listener(settings: Settings, application: Litestar) -> Callable[[], None]:
    """CONTAINR_METRICS_LISTEN: a listener of its own serving only /metrics, in a thread."""
    import uvicorn  # noqa: PLC0415 - loaded when used

    from interfaces.http.app import create_metrics_app  # noqa: PLC0415

    if settings.metrics_listen is None:
        return lambda: None
    host, _, port = settings.metrics_listen.rpartition(":")
    host = host.strip("[]")
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, int(port)))
    except OSError as e:
        err.print(f"[red]configuration error[/red] CONTAINR_METRICS_LISTEN: cannot listen: {e}")
        raise typer.Exit(2) from None
    server = uvicorn.Server(
        uvicorn.Config(
            create_metrics_app(application),
            log_level=settings.log_level.lower(),
            lifespan="off",
            access_log=False,
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="containr-metrics", daemon=True
    )
    thread.start()
    console.print(f"Metrics for Prometheus: http://{settings.metrics_listen}/metrics")

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()

    return stop


@app.command("graphql-schema", rich_help_panel=LOCAL)
def graphql_schema_command() -> None:
    """Print the GraphQL schema (SDL); `schema.graphql` in the repository is this output."""
    from interfaces.graphql.schema import schema_sdl  # noqa: PLC0415 - loaded when used

    sys.stdout.write(schema_sdl())


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
    """Print the newest events of the log, oldest first (ids shown by name; --json: all)."""
    with services() as s:
        names = Names(s.dashboard)
        events = s.events.tail(count)
        for event in events:
            _print_event(event, as_json, names)
        if follow:
            after = events[-1].position or 0 if events else s.events.head()
            signal = s.event_signal()
            try:
                for event in s.events.follow(after, signal):
                    _print_event(event, as_json, names)
            except KeyboardInterrupt:
                pass
            finally:
                signal.close()


@events_app.command("show")
def events_show(
    what: Annotated[
        str,
        typer.Argument(
            help="An id, a project (slug or name), project/service, a node, a cluster or an "
            "organisation's slug"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Print every event of something, oldest first: a project's include those of its
    services, environments' variables and deployments."""
    from interfaces.cli.names import aggregates_named  # noqa: PLC0415 - loaded when used

    with services() as s:
        try:
            named, aggregates = aggregates_named(s.dashboard, s.history, what)
        except ValueError as e:
            err.print(f"[red]error[/red] {escape(str(e))}")
            raise typer.Exit(2) from None
        events = sorted(
            (event for ident in aggregates for event in s.events.of_aggregate(ident)),
            key=lambda event: event.position or 0,
        )
        if not events:
            err.print(f"[red]error[/red] no events for {escape(named)}")
            raise typer.Exit(1)
        names = Names(s.dashboard)
        for event in events:
            _print_event(event, as_json, names)


def _print_event(event: LoggedEvent, as_json: bool, names: Names) -> None:
    if as_json:
        sys.stdout.write(msgspec.json.encode(event).decode() + "\n")
        sys.stdout.flush()
        return
    fields = " ".join(f"{k}={_short(v)}" for k, v in event.fields.items() if not _is_noise(k))
    position = f"#{event.position}" if event.position is not None else f"v{event.version}"
    subject = (
        names.of(event.aggregate_id)
        or f"{event.type.split('.')[0].lower()} {str(event.aggregate_id)[:8]}"
    )
    console.print(
        f"[dim]{position:>7}[/dim] {_time(event.timestamp)} [cyan]{event.type}[/cyan] "
        f"{escape(subject)} [dim]by[/dim] {escape(names.actor(event.actor))}  "
        f"{escape(names.text(fields))}",
        soft_wrap=True,
    )


def _is_noise(field: str) -> bool:
    """Fields every event of an aggregate repeats (its organisation and project)."""
    return field in ("organization_id", "project_id")


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


class _Bar:
    """Feeds a rich progress bar with (done, total); ``finish`` ends its display (so what
    is printed next comes after it, not under a bar still drawn on stderr)."""

    def __init__(self, bar: Any, task: Any) -> None:
        self._bar, self._task = bar, task

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=max(total, done))

    def finish(self) -> None:
        self._bar.stop()


@contextmanager
def progress_bar(label: str) -> Iterator[_Bar]:
    """A rich progress bar fed with (done, total)."""
    with progress_bars([label]) as bars:
        yield bars[0]


@contextmanager
def progress_bars(labels: list[str]) -> Iterator[list[_Bar]]:
    """Rich progress bars, one per label, each fed with (done, total)."""
    from rich.progress import (  # noqa: PLC0415 - loaded when used
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        yield [_Bar(bar, bar.add_task(label, total=None)) for label in labels]


@projections_app.command("status")
def projections_status() -> None:
    """Each read model's position, the head of the log, lag and leader."""
    with services() as s:
        from rich.table import Table  # noqa: PLC0415 - loaded when used

        table = Table("read model", "generation", "position", "head", "lag", "shape")
        table.add_column("leader", overflow="fold")
        for st in s.projections.status():
            table.add_row(
                st.model,
                str(st.generation),
                str(st.position),
                str(st.head),
                str(st.lag),
                "ok" if st.up_to_date_shape else "[red]changed: rebuild[/red]",
                escape(st.leader) if st.leader else "[yellow]none[/yellow]",
            )
        console.print(table)


@projections_app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="dashboard, history or analytics")] = None,
    all_models: Annotated[bool, typer.Option("--all", help="Rebuild every read model")] = False,
) -> None:
    """Rebuild read models from zero into new tables, then swap them in (online)."""
    with services() as s:
        names = s.projections.names() if all_models else [name] if name else []
        if not names:
            err.print("[red]error[/red] name a read model or give --all")
            raise typer.Exit(2)
        try:
            if len(names) == 1:
                with progress_bar(f"rebuilding {names[0]}") as update:
                    generations = {names[0]: s.projections.rebuild(names[0], update)}
            else:  # side by side, one bar each
                with progress_bars([f"rebuilding {m}" for m in names]) as bars:
                    generations = s.projections.rebuild_many(
                        names, lambda m, done, total: bars[names.index(m)](done, total)
                    )
        except ValueError as e:
            err.print(f"[red]error[/red] {e}")
            raise typer.Exit(2) from None
        except RuntimeError as e:  # a model rebuilt beside the others failed
            err.print(f"[red]error[/red] {e}")
            raise typer.Exit(1) from None
        for model in names:
            console.print(f"ok  {model} now serves generation {generations[model]}")


@app.command("history", rich_help_panel=LOCAL)
def history_command(
    as_of: Annotated[
        str,
        typer.Option(
            "--as-of",
            help="A log position, or a time like "
            "'2026-11-24 14:00' (local time unless it has a zone)",
        ),
    ],
    project: Annotated[str | None, typer.Option("--project", help="A project id")] = None,
) -> None:
    """Show what was running at a past moment: services and their live releases."""
    with services() as s:
        position, instant = _parse_as_of(as_of)
        with (
            progress_bar("rebuilding the past") as update,
            s.time_travel.dashboard(position=position, instant=instant, progress=update) as (
                at,
                dashboard,
            ),
        ):
            update.finish()
            console.print(f"As of position {at}" + (f" ({as_of})" if instant else ""))
            _print_past(dashboard, UUID(project) if project else None)


def _parse_as_of(value: str) -> tuple[int | None, datetime | None]:
    if value.isdigit():
        return int(value), None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error[/red] --as-of {value!r} is neither a position nor a time")
        raise typer.Exit(2) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the user's local time
    return None, moment.astimezone(UTC)


def _print_past(dashboard: DashboardQueries, project_id: UUID | None) -> None:
    projects = (
        [dashboard.project(project_id)]
        if project_id
        else [p for org in dashboard.organizations() for p in dashboard.projects(org.id)]
    )
    if not projects:
        console.print("  nothing existed yet")
    for project in projects:
        environments = {e.id: e.name for e in dashboard.environments(project.id)}
        console.print(f"[bold]{escape(project.name)}[/bold] ({project.slug})")
        states = {
            (st.service_id, st.environment_id): st
            for st in dashboard.service_states(project_id=project.id)
        }
        for service in dashboard.services(project.id):
            for env_id, env_name in environments.items():
                st = states.get((service.id, env_id))
                live = "not running"
                if st is not None and st.live_deployment_id is not None:
                    live = f"{st.live_image or '-'} ({(st.live_commit or 'no commit')[:12]})"
                latest = f", latest deployment {st.latest_state}" if st and st.latest_state else ""
                console.print(f"  {escape(service.name):20} {env_name:12} {escape(live)}{latest}")


@admin_app.command("logs")
def logs_command(
    service: Annotated[str, typer.Argument(help="A service's name (or id)")],
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="The project's slug, if names repeat")
    ] = None,
    deployment: Annotated[
        str | None, typer.Option("--deployment", "-d", help="Only this deployment's lines")
    ] = None,
    stream: Annotated[str | None, typer.Option("--stream", help="build, runtime or system")] = None,
    text: Annotated[str | None, typer.Option("--grep", help="Lines containing this text")] = None,
    lines: Annotated[int, typer.Option("--lines", "-n", help="How many recent lines")] = 100,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines")] = False,
) -> None:
    """Print a service's build and runtime logs from this machine's store (secrets are
    already masked); `containr logs` asks a server instead."""
    if stream is not None and stream not in ("build", "runtime", "system"):
        err.print("[red]error[/red] --stream must be build, runtime or system")
        raise typer.Exit(2)
    from application.logs import LogQuery  # noqa: PLC0415 - loaded when used

    with services() as s:
        row = _find_service(s.dashboard, service, project)
        query = LogQuery(
            service_id=row.id,
            deployment_id=_uuid_option(deployment, "--deployment") if deployment else None,
            stream=stream,  # type: ignore[arg-type]  # checked above
            text=text,
        )
        last = s.logs.read(msgspec.structs.replace(query, limit=1, newest=True))
        cursor = last[-1].id if last else 0
        if lines > 0:
            for entry in s.logs.read(msgspec.structs.replace(query, limit=lines, newest=True)):
                _print_log(entry)
                cursor = max(cursor, entry.id)
        try:
            while follow:  # another process writes them: look twice a second
                time.sleep(0.5)
                for entry in s.logs.read(msgspec.structs.replace(query, after_id=cursor)):
                    _print_log(entry)
                    cursor = entry.id
                console.file.flush()  # a pipe buffers: show each line as it comes
        except KeyboardInterrupt:
            pass


def _find_service(dashboard: DashboardQueries, name: str, project: str | None) -> Any:
    found = []
    for organization in dashboard.organizations():
        for candidate in dashboard.projects(organization.id):
            if project is not None and project not in (candidate.slug, str(candidate.id)):
                continue
            found += [
                row for row in dashboard.services(candidate.id) if name in (row.name, str(row.id))
            ]
    if not found:
        err.print(
            f"[red]error[/red] no service named {name!r}"
            + (f" in project {project!r}" if project else "")
        )
        raise typer.Exit(1)
    if len(found) > 1:
        err.print(f"[red]error[/red] {len(found)} services are named {name!r}; give --project")
        raise typer.Exit(1)
    return found[0]


def _uuid_option(value: str, option: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        err.print(f"[red]error[/red] {option} {value!r} is not an id")
        raise typer.Exit(2) from None


def _print_log(entry: LogEntry) -> None:
    replica = f"/{entry.replica}" if entry.replica is not None else ""
    console.print(
        f"[dim]{_time(entry.at)} {entry.stream}{replica}[/dim] {escape(entry.line)}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("worker", rich_help_panel=LOCAL)
def worker_command() -> None:
    """Run the projections and the process managers (deployer, reconciler) until stopped.

    Any number of workers may run: each projection and the process managers are led by one
    of them at a time, and another takes over when it dies.
    """
    with services() as s:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        threads = s.run_projections(stop)
        console.print(f"worker running {len(threads)} projections and the process managers")
        if s.settings.processes:
            threads += s.run_processes(stop)
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            stop.set()
        for thread in threads:
            thread.join(timeout=10)


@admin_app.command("provider-sign-in")
def provider_sign_in_command(
    organization: Annotated[str, typer.Argument(help="The organisation's slug (or id)")],
    required: Annotated[
        bool,
        typer.Option(
            "--required/--not-required",
            help="Whether its members must sign in with GitHub or GitLab",
        ),
    ],
) -> None:
    """Require provider sign-in in an organisation, or lift the requirement: the way back in
    when no provider session is at hand (an admin may do it in the API from one)."""
    from application import commands as c  # noqa: PLC0415 - loaded when used
    from application.errors import ApplicationError, DomainError  # noqa: PLC0415
    from application.sign_in import OPERATOR  # noqa: PLC0415

    with services() as s:
        found = [o for o in s.dashboard.organizations() if organization in (o.slug, str(o.id))]
        if not found:
            err.print(f"[red]error[/red] no organisation {organization!r} (give its slug or id)")
            raise typer.Exit(1)
        command = c.RequireProviderSignIn(organization_id=found[0].id, required=required)
        try:
            s.commands.execute(command, OPERATOR)
        except (ApplicationError, DomainError) as e:
            err.print(f"[red]error[/red] {e}")
            raise typer.Exit(1) from None
    state = "required" if required else "no longer required"
    console.print(f"ok  provider sign-in is {state} in {escape(found[0].slug)}")
