"""Client commands: log in to a Containr server, link a directory to a service, deploy it,
and follow it — over the same GraphQL API (HTTP and WebSocket) the dashboard uses.
Each takes ``--json`` for scripts (results on stdout; progress and logs go to stderr)."""

from __future__ import annotations

import socket
import sys
import webbrowser
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from interfaces.cli import documents as d
from interfaces.cli.api import Api, ApiError
from interfaces.cli.config import (
    ConfigError,
    Link,
    Named,
    Profile,
    find_link,
    load_config,
    normal_server,
    resolve,
    save_config,
    save_link,
)
from interfaces.cli.follow import follow_deployment, print_json, print_log, stream_logs
from interfaces.cli.pack import PackError, pack
from interfaces.cli.root import CLIENT, app, console, err, variables_app

Server = Annotated[
    str | None,
    typer.Option("--server", help="The server's URL (default: CONTAINR_URL, the link, the login)"),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="Which login to use (default: CONTAINR_PROFILE)")
]
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON (for scripts)")]
ServiceOption = Annotated[
    str | None, typer.Option("--service", "-s", help="Another service of the linked project")
]
EnvironmentOption = Annotated[
    str | None,
    typer.Option("--environment", "-e", help="Another environment of the linked project"),
]
Detach = Annotated[
    bool, typer.Option("--detach", "-d", help="Do not wait for the deployment to finish")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error and return the exit to raise."""
    err.print(f"[red]error[/red] {escape(message)}")
    return typer.Exit(code)


class Client:
    """What a client command works with: the API, the link, and how to print."""

    def __init__(
        self, server: str | None, profile: str | None, as_json: bool, *, need_login: bool = True
    ) -> None:
        self.as_json = as_json
        try:
            found = find_link(Path.cwd())
            self.link_path: Path | None = found[0] if found else None
            self.link: Link | None = found[1] if found else None
            self.session = resolve(server=server, profile=profile, link=self.link)
        except ConfigError as e:
            raise fail(str(e), 2) from None
        if need_login and self.session.token is None:
            raise fail(
                f"not logged in to {self.session.server}: run `containr login "
                f"--server {self.session.server}` (or set CONTAINR_TOKEN)",
                2,
            )
        self.api = Api(self.session.server, self.session.token)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.api.close()

    def call(self, document: str, **variables: Any) -> dict[str, Any]:
        """Run a query or mutation; a refusal ends the command with its message."""
        try:
            return self.api(document, **variables)
        except ApiError as e:
            raise fail(_explain(e), 1 if e.code != "UNAUTHENTICATED" else 2) from None

    def linked(self, service: str | None = None, environment: str | None = None) -> Link:
        """The link, with another service or environment of its project when named."""
        if self.link is None:
            raise fail("this directory is not linked to a project: run `containr link`", 2)
        link = self.link
        if service is None and environment is None:
            return link
        project = self.call(d.PROJECT, id=link.project.id)["project"]
        if service is not None:
            link.service = _named(_pick(project["services"], service, "service"))
        if environment is not None:
            link.environment = _named(_pick(project["environments"], environment, "environment"))
        return link

    def service(self, service: str | None = None, environment: str | None = None) -> Link:
        """The linked service (``--service`` for another), or an error saying how to link."""
        link = self.linked(service, environment)
        if link.service is None:
            raise fail("no service linked: run `containr link --service NAME`", 2)
        return link


def _explain(error: ApiError) -> str:
    if error.code == "UNAUTHENTICATED":
        return f"{error} (log in again: containr login)"
    if error.code == "FORBIDDEN" and "scopes" in str(error):
        return f"{error} (log in with a wider scope: containr login --scope admin)"
    return str(error)


def _named(row: dict[str, Any]) -> Named:
    return Named(id=row["id"], name=row.get("slug") or row["name"])


def _pick(rows: list[dict[str, Any]], wanted: str, what: str) -> dict[str, Any]:
    """The row named ``wanted`` (by id, slug or name), or an error listing the choices."""
    found = [r for r in rows if wanted in (r["id"], r.get("slug"), r["name"])]
    if len(found) == 1:
        return found[0]
    names = ", ".join(r.get("slug") or r["name"] for r in rows) or "none"
    raise fail(f"no {what} {wanted!r} (there are: {names})")


def _choose(rows: list[dict[str, Any]], wanted: str | None, what: str) -> dict[str, Any]:
    """``wanted``, the only one, or (at a terminal) the one the user picks."""
    if wanted is not None:
        return _pick(rows, wanted, what)
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise fail(f"there is no {what} to link to yet: create one in the dashboard")
    if not sys.stdin.isatty():
        names = ", ".join(r.get("slug") or r["name"] for r in rows)
        raise fail(f"which {what}? give --{what} (one of: {names})", 2)
    for number, row in enumerate(rows, start=1):
        err.print(f"  {number}. {escape(row['name'])}")
    choice = int(typer.prompt(f"Which {what}", type=int, err=True))
    if not 1 <= choice <= len(rows):
        raise fail(f"choose a number from 1 to {len(rows)}", 2)
    return rows[choice - 1]


# Accounts


@app.command("login", rich_help_panel=CLIENT)
def login_command(
    server: Server = None,
    email: Annotated[str | None, typer.Option("--email", help="Your account's email")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option("--token", help="An API token made in the dashboard (for CI; - reads stdin)"),
    ] = None,
    scope: Annotated[
        str, typer.Option("--scope", help="What the CLI's token may do: write or admin")
    ] = "write",
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Log in to a server: with your password (the CLI keeps an API token of its own, never
    the password) or with an API token. It is stored for your user only (mode 0600)."""
    if scope not in ("write", "admin", "deploy", "read"):
        raise fail("--scope must be read, deploy, write or admin", 2)
    config = load_config()
    name = profile or config.current
    known = config.profiles.get(name)
    url = server or (known.server if known else None) or typer.prompt("Server URL", err=True)
    try:
        url = normal_server(url)
    except ConfigError as e:
        raise fail(str(e), 2) from None
    if token is not None:
        secret = sys.stdin.readline().strip() if token == "-" else token.strip()  # noqa: S105 - "-" means stdin
        api = Api(url, secret)
        try:
            viewer = api(d.VIEWER)["viewer"]
        except ApiError as e:
            raise fail(f"the token does not work on {url}: {e}") from None
        finally:
            api.close()
        saved = Profile(server=url, token=secret, email=viewer["email"])
    else:
        saved = _password_login(url, email, password_stdin, scope)
    config.profiles[name] = saved
    config.current = name
    path = save_config(config)
    if as_json:
        print_json({"server": url, "email": saved.email, "profile": name, "config": str(path)})
    else:
        console.print(
            f"Logged in to [bold]{escape(url)}[/bold] as {escape(saved.email or '?')} "
            f"(profile {escape(name)}; token kept in {escape(str(path))})"
        )


def _password_login(url: str, email: str | None, password_stdin: bool, scope: str) -> Profile:
    """Sign in, make an API token for this machine, end the session (keep only the token)."""
    email = email or typer.prompt("Email", err=True)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, err=True)
    anonymous = Api(url, None)
    try:
        session = anonymous(d.LOG_IN, e=email, p=password)["logIn"]["accessToken"]
    except ApiError as e:
        raise fail(str(e)) from None
    finally:
        anonymous.close()
    api = Api(url, session)
    try:
        made = api(d.CREATE_TOKEN, n=f"containr CLI on {socket.gethostname()}", s=[scope], days=90)[
            "createApiToken"
        ]
        api(d.LOG_OUT)
    except ApiError as e:
        raise fail(str(e)) from None
    finally:
        api.close()
    return Profile(server=url, token=made["token"], token_id=made["id"], email=email)


@app.command("logout", rich_help_panel=CLIENT)
def logout_command(profile: ProfileOption = None, as_json: Json = False) -> None:
    """Forget the login (and revoke the API token `containr login` made for it)."""
    config = load_config()
    name = profile or config.current
    known = config.profiles.pop(name, None)
    if known is None:
        raise fail(f"no login named {name!r}", 2)
    revoked = False
    if known.token_id is not None:
        api = Api(known.server, known.token)
        try:
            api(d.REVOKE_TOKEN, id=known.token_id)
            revoked = True
        except ApiError as e:
            err.print(f"[yellow]the token was not revoked[/yellow]: {escape(str(e))}")
        finally:
            api.close()
    save_config(config)
    if as_json:
        print_json({"profile": name, "server": known.server, "revoked": revoked})
    else:
        console.print(
            f"Logged out of {escape(known.server)}" + (" (token revoked)" if revoked else "")
        )


@app.command("whoami", rich_help_panel=CLIENT)
def whoami_command(
    server: Server = None, profile: ProfileOption = None, as_json: Json = False
) -> None:
    """Who you are on the server, and your organisations."""
    with Client(server, profile, as_json) as client:
        viewer = client.call(d.VIEWER)["viewer"]
        if as_json:
            print_json({"server": client.session.server, **viewer})
            return
        who = f"{viewer['name']} <{viewer['email']}>"
        console.print(f"{escape(who)} on {escape(client.session.server)}")
        for org in viewer["organizations"]:
            console.print(f"  {escape(org['name'])} ({org['slug']}): {org['role']}")


# Linking


@app.command("link", rich_help_panel=CLIENT)
def link_command(
    organization: Annotated[
        str | None, typer.Option("--organization", "-o", help="Organisation (name, slug or id)")
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Project (name, slug or id)")
    ] = None,
    environment: Annotated[
        str | None, typer.Option("--environment", "-e", help="Environment (default: production)")
    ] = None,
    service: Annotated[str | None, typer.Option("--service", "-s", help="Service")] = None,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Link this directory to a project, an environment and a service (asks when there is a
    choice); `deploy`, `logs`, `status` … then act on them. Kept in .containr-link.json."""
    with Client(server, profile, as_json) as client:
        orgs = client.call(d.VIEWER)["viewer"]["organizations"]
        org = _choose(orgs, organization, "organization")
        projects = client.call(d.PROJECTS, id=org["id"])["organization"]["projects"]["nodes"]
        chosen = _choose(projects, project, "project")
        environments = chosen["environments"]
        if environment is None and any(e["name"] == "production" for e in environments):
            environment = "production"
        env = _choose(environments, environment, "environment")
        services = chosen["services"]
        picked = _choose(services, service, "service") if services or service else None
        link = Link(
            server=client.session.server,
            organization=_named(org),
            project=_named(chosen),
            environment=_named(env),
            service=_named(picked) if picked else None,
        )
        path = save_link(Path.cwd(), link)
        if as_json:
            print_json({"link": str(path), **_plain(link)})
            return
        target = f"{link.project.name} / {link.environment.name}"
        if link.service is not None:
            target += f" / {link.service.name}"
        console.print(f"Linked {escape(str(Path.cwd()))} to [bold]{escape(target)}[/bold]")


def _plain(value: Any) -> Any:
    import msgspec  # noqa: PLC0415 - only to turn a Struct into JSON

    return msgspec.to_builtins(value)


# Deploying


@app.command("deploy", rich_help_panel=CLIENT)
def deploy_command(
    path: Annotated[
        Path | None, typer.Argument(help="The directory to deploy (default: the linked one)")
    ] = None,
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    detach: Detach = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Upload the directory (without what .gitignore and .containrignore leave out) and
    deploy it; shows the build live and exits non-zero when the deployment fails."""
    with Client(server, profile, as_json) as client:
        link = client.service(service, environment)
        assert link.service is not None
        root = path or (client.link_path.parent if client.link_path else Path.cwd())
        if not root.is_dir():
            raise fail(f"{root} is not a directory", 2)
        try:
            packed = pack(root)
        except PackError as e:
            raise fail(str(e), 2) from None
        try:
            for skipped in packed.skipped:
                err.print(f"[yellow]left out[/yellow] {escape(skipped)} (not a file or directory)")
            err.print(
                f"Uploading {escape(str(root))}: {packed.files} files, {_size(packed.size)} "
                f"(sha256 {packed.digest[:12]})"
            )
            try:
                archive = client.api.upload(link.organization.id, packed.path)
            except ApiError as e:
                raise fail(_explain(e)) from None
        finally:
            packed.path.unlink(missing_ok=True)
        deployment = client.call(
            d.DEPLOY, s=link.service.id, e=link.environment.id, a=archive["id"]
        )["deployService"]
        _deployed(client, link, deployment, detach, {"archive": archive})


def _deployed(
    client: Client,
    link: Link,
    deployment: dict[str, Any],
    detach: bool,
    extra: dict[str, Any] | None = None,
) -> None:
    """Say what was requested, then (unless detached) follow it to its end."""
    assert link.service is not None
    err.print(
        f"Deploying [bold]{escape(link.service.name)}[/bold] to "
        f"{escape(link.environment.name)}: deployment {deployment['id'][:8]} "
        f"({deployment['state']})"
    )
    try:
        final = deployment if detach else follow_deployment(client.api, deployment, client.as_json)
    except ApiError as e:
        raise fail(f"lost track of deployment {deployment['id'][:8]}: {_explain(e)}") from None
    except KeyboardInterrupt:
        err.print(
            f"stopped following; deployment {deployment['id'][:8]} carries on "
            "(containr status, containr logs)"
        )
        raise typer.Exit(130) from None
    if client.as_json:
        print_json({"deployment": final, **(extra or {})})
    if final["state"] in ("queued", "building", "built", "starting") and detach:
        return
    if final["state"] != "healthy":
        raise fail(f"deployment {final['id'][:8]} {final['state']}: {final['reason']}")
    if not client.as_json:
        console.print(f"Deployment {final['id'][:8]} is [green]healthy[/green]")


@app.command("redeploy", rich_help_panel=CLIENT)
def redeploy_command(
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    detach: Detach = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Deploy what is live again (same commit or uploaded archive, today's settings and
    variables); follows it like `deploy`."""
    with Client(server, profile, as_json) as client:
        link = client.service(service, environment)
        assert link.service is not None
        deployment = client.call(d.REDEPLOY, s=link.service.id, e=link.environment.id)[
            "redeployService"
        ]
        _deployed(client, link, deployment, detach)


@app.command("rollback", rich_help_panel=CLIENT)
def rollback_command(
    deployment: Annotated[
        str | None,
        typer.Argument(help="The release to restore (id or its start; default: the previous)"),
    ] = None,
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    detach: Detach = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Release an earlier release again (its exact image and variables): the one before
    the live release, or the one named; follows it like `deploy`."""
    with Client(server, profile, as_json) as client:
        link = client.service(service, environment)
        assert link.service is not None
        found = client.call(d.DEPLOYMENTS, s=link.service.id, e=link.environment.id)["service"]
        target = _rollback_target(found, link.environment.id, deployment)
        started = client.call(d.ROLLBACK, id=target["id"])["rollbackService"]
        _deployed(client, link, started, detach, {"rollbackOf": target["id"]})


def _rollback_target(
    service: dict[str, Any], environment_id: str, wanted: str | None
) -> dict[str, Any]:
    deployments: list[dict[str, Any]] = service["deployments"]["nodes"]
    if wanted is not None:
        matches = [row for row in deployments if row["id"].startswith(wanted.lower())]
        if len(matches) != 1:
            raise fail(
                f"{wanted!r} names {len(matches)} deployments of this service; give more of the id"
            )
        return matches[0]
    live = next(
        (s["liveDeploymentId"] for s in service["states"] if s["environmentId"] == environment_id),
        None,
    )
    for row in deployments:  # newest first
        was_healthy = any(step["state"] == "healthy" for step in row["history"])
        if row["id"] != live and was_healthy:
            return row
    raise fail("there is no earlier healthy release to roll back to")


# Reading


@app.command("logs", rich_help_panel=CLIENT)
def logs_command(
    deployment: Annotated[
        str | None,
        typer.Option("--deployment", "-d", help="Only this deployment's lines (id, or latest)"),
    ] = None,
    stream: Annotated[str | None, typer.Option("--stream", help="build, runtime or system")] = None,
    text: Annotated[str | None, typer.Option("--grep", help="Lines containing this text")] = None,
    lines: Annotated[int, typer.Option("--lines", "-n", help="How many recent lines")] = 100,
    follow: Annotated[
        bool, typer.Option("--follow/--no-follow", "-f/-F", help="Keep printing new lines live")
    ] = True,
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """The linked service's build, runtime and system logs: the recent lines, then new ones
    live (secrets are masked by the server). --json prints one JSON object a line."""
    if stream is not None and stream not in ("build", "runtime", "system"):
        raise fail("--stream must be build, runtime or system", 2)
    if not 0 <= lines <= 1000:
        raise fail("--lines must be between 0 and 1000", 2)
    with Client(server, profile, as_json) as client:
        link = client.service(service, environment)
        assert link.service is not None
        deployment_id = deployment
        if deployment == "latest":
            states = client.call(d.STATES, id=link.service.id)["service"]["states"]
            state = next((s for s in states if s["environmentId"] == link.environment.id), None)
            deployment_id = state["latestDeploymentId"] if state else None
            if deployment_id is None:
                raise fail(f"{link.service.name} has no deployment in {link.environment.name}")
        filters = {"d": deployment_id, "stream": stream, "text": text}
        page = client.call(d.RECENT_LOGS, s=link.service.id, n=lines, **filters)["logs"]
        for entry in page["lines"] if lines else []:
            print_log(entry, as_json)
        if follow:
            try:
                stream_logs(client.api, link.service.id, page["cursor"], filters, as_json)
            except ApiError as e:
                raise fail(_explain(e)) from None
            except KeyboardInterrupt:
                pass


@app.command("status", rich_help_panel=CLIENT)
def status_command(
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """What the directory is linked to, and the service there: what is live, the latest
    deployment and where it answers."""
    with Client(server, profile, as_json) as client:
        link = client.linked(service, environment)
        found = None
        if link.service is not None:
            found = client.call(d.STATUS, id=link.service.id)["service"]
        state = next(
            (
                s
                for s in (found or {}).get("states", [])
                if s["environmentId"] == link.environment.id
            ),
            None,
        )
        live = _live(client, state)
        urls = _urls(client, link) if found is not None else []
        if as_json:
            print_json(
                {
                    "link": _plain(link),
                    "service": found,
                    "state": state,
                    "live": live,
                    "urls": urls,
                }
            )
            return
        console.print(f"Server       {escape(client.session.server)}")
        console.print(f"Organisation {escape(link.organization.name)}")
        console.print(f"Project      {escape(link.project.name)}")
        console.print(f"Environment  {escape(link.environment.name)}")
        if found is None:
            console.print("Service      none linked (containr link --service NAME)")
            return
        console.print(
            f"Service      {escape(found['name'])} ({found['kind']}, {escape(found['source'])})"
        )
        latest = (state or {}).get("latestDeployment")
        console.print(f"Live         {_describe(live) if live else 'nothing yet'}")
        if latest is not None and (live is None or latest["id"] != live["id"]):
            console.print(f"Latest       {_describe(latest)}: {escape(latest['reason'])}")
        for url in urls or []:
            console.print(f"URL          {escape(url)}")


def _live(client: Client, state: dict[str, Any] | None) -> dict[str, Any] | None:
    """The live release of a service state (the latest one, or read by its id)."""
    live_id = (state or {}).get("liveDeploymentId")
    if state is None or live_id is None:
        return None
    latest = state.get("latestDeployment")
    if latest is not None and latest["id"] == live_id:
        return dict(latest)
    found: dict[str, Any] = client.call(d.DEPLOYMENT_QUERY, id=live_id)["deployment"]
    return found


def _urls(client: Client, link: Link) -> list[str] | None:
    """Where the linked service answers in the linked environment; None when the server is
    older than service addresses."""
    assert link.service is not None
    try:
        states = client.api(d.URLS, id=link.service.id)["service"]["states"]
    except ApiError as e:
        if "Cannot query field" in str(e):
            return None
        raise fail(_explain(e)) from None
    state = next((s for s in states if s["environmentId"] == link.environment.id), None)
    return [u["url"] for u in (state or {}).get("urls", [])]


def _describe(deployment: dict[str, Any]) -> str:
    if deployment.get("sourceArchive"):
        source = f"uploaded archive {deployment['sourceArchive'][:12]}"
    elif deployment.get("commit"):
        source = f"commit {deployment['commit'][:12]}"
    else:
        source = deployment.get("image") or "image"
    return f"{deployment['id'][:8]} {deployment['state']} ({escape(source)})"


@app.command("open", rich_help_panel=CLIENT)
def open_command(
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the address instead of opening a browser")
    ] = False,
    service: ServiceOption = None,
    environment: EnvironmentOption = None,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Open the address the linked service answers on (or print it)."""
    with Client(server, profile, as_json) as client:
        link = client.service(service, environment)
        assert link.service is not None
        urls = _urls(client, link)
        if urls is None:
            raise fail(f"{client.session.server} does not report service addresses (update it)")
        if not urls:
            raise fail(
                f"{link.service.name} answers on no address in {link.environment.name} "
                "(nothing live yet, or not a web service)"
            )
        if as_json:
            print_json({"url": urls[0], "urls": urls})
            return
        console.print(urls[0])
        if not print_only and sys.stdout.isatty():
            webbrowser.open(urls[0])


# Variables


def _scope(client: Client, shared: bool) -> tuple[Link, str | None]:
    link = client.linked() if shared else client.service()
    return link, None if shared or link.service is None else link.service.id


Shared = Annotated[
    bool,
    typer.Option("--shared", help="The environment's shared variables, not the service's own"),
]


@variables_app.command("list")
def variables_list(
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Show the values (admins and owners)")
    ] = False,
    shared: Shared = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """The variables' names (values with --reveal): the service's own, then shared ones."""
    with Client(server, profile, as_json) as client:
        link, service_id = _scope(client, shared)
        found = []
        for owner in ([service_id] if service_id else []) + [None]:
            rows = client.call(
                d.VARIABLES, p=link.project.id, e=link.environment.id, s=owner, r=reveal
            )["variables"]
            scope = "service" if owner else "shared"
            found += [{**row, "scope": scope} for row in rows]
        if as_json:
            print_json(found)
            return
        table = Table("name", "scope", *(["value"] if reveal else []))
        for row in found:
            table.add_row(
                row["name"], row["scope"], *([escape(row["value"] or "")] if reveal else [])
            )
        console.print(table)


@variables_app.command("set")
def variables_set(
    assignments: Annotated[list[str], typer.Argument(help="NAME=VALUE pairs")],
    shared: Shared = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Set variables (sealed by the server before it stores them); they apply from the next
    deployment (`containr redeploy`)."""
    values = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name:
            raise fail(f"{assignment!r}: write NAME=VALUE", 2)
        values[name] = value
    with Client(server, profile, as_json) as client:
        link, service_id = _scope(client, shared)
        names = client.call(
            d.SET_VARIABLES, p=link.project.id, e=link.environment.id, v=values, s=service_id
        )["setVariables"]
        _changed(as_json, "set", sorted(values), [n["name"] for n in names])


@variables_app.command("unset")
def variables_unset(
    names: Annotated[list[str], typer.Argument(help="Names of variables to remove")],
    shared: Shared = False,
    server: Server = None,
    profile: ProfileOption = None,
    as_json: Json = False,
) -> None:
    """Remove variables (from the next deployment on)."""
    with Client(server, profile, as_json) as client:
        link, service_id = _scope(client, shared)
        left = client.call(
            d.UNSET_VARIABLES, p=link.project.id, e=link.environment.id, n=names, s=service_id
        )["unsetVariables"]
        _changed(as_json, "unset", sorted(names), [n["name"] for n in left])


def _changed(as_json: bool, verb: str, changed: list[str], now: list[str]) -> None:
    if as_json:
        print_json({verb: changed, "variables": now})
    else:
        console.print(
            f"{verb} {', '.join(changed)}; the next deployment uses them (containr redeploy)"
        )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024**2:.1f} MiB"
