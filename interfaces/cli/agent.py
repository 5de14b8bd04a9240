"""`containr agent`: join this host to a control plane, and hold its connection (issue 18)."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path
from typing import Annotated

import typer

from interfaces.cli.agent_link import AgentError, join, load_state, rotate, run
from interfaces.cli.root import LOCAL, app, console, err

agent_app = typer.Typer(
    help="Run this host as a node of a Containr control plane (joins with a token, then "
    "connects out only).",
    no_args_is_help=True,
)
app.add_typer(agent_app, name="agent", rich_help_panel=LOCAL)

StateDir = Annotated[
    Path,
    typer.Option(
        "--state-dir",
        envvar="CONTAINR_AGENT_STATE_DIR",
        help="Where the agent keeps its credential (mode 0600).",
    ),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine", envvar="CONTAINR_AGENT_ENGINE", help="The local Docker engine's address."
    ),
]
DEFAULT_STATE = Path("/var/lib/containr-agent")
DEFAULT_ENGINE = "unix:///var/run/docker.sock"


@agent_app.command("join")
def join_command(
    url: Annotated[
        str, typer.Argument(help="The control plane's address, e.g. https://containr.example.com")
    ],
    token: Annotated[str, typer.Argument(help="The join token (cjt_…) from the dashboard.")],
    name: Annotated[str, typer.Option(help="The node's name (default: this host's name).")] = "",
    label: Annotated[list[str], typer.Option(help="A node label key=value (repeatable).")] = [],  # noqa: B006 - typer's way to say "none"
    address: Annotated[
        str,
        typer.Option(
            help="This host's address, where the ingress and other hosts reach its replicas' "
            "published ports (they are bound there). Default: loopback only, for an ingress "
            "on this host."
        ),
    ] = "",
    port_range: Annotated[
        str,
        typer.Option(
            help="The host ports its replicas publish on, e.g. 20000-20999 (default "
            "20000-29999); nodes of one organisation at one address need ranges apart."
        ),
    ] = "",
    state_dir: StateDir = DEFAULT_STATE,
    engine: EngineOption = DEFAULT_ENGINE,
) -> None:
    """Join with a one-time join token; keeps the node credential it receives."""
    labels = dict(item.partition("=")[::2] for item in label)
    node_name = name or socket.gethostname().split(".")[0].lower()
    ports = _ports(port_range) if port_range else None
    try:
        state = join(
            url, token, node_name, state_dir, engine, labels, address=address, port_range=ports
        )
    except AgentError as e:
        err.print(f"[red]Could not join:[/] {e}")
        raise typer.Exit(1) from None
    console.print(f"Joined as node {state.name} ({state.node_id}); run `containr agent run`.")


def _ports(text: str) -> tuple[int, int]:
    """``START-END`` as two ports; a clear message otherwise."""
    start, dash, end = text.partition("-")
    if not (dash and start.strip().isdigit() and end.strip().isdigit()):
        err.print(
            f"[red]Could not join:[/] --port-range {text!r} is not START-END, e.g. 20000-20999"
        )
        raise typer.Exit(2)
    return int(start), int(end)


@agent_app.command("rotate")
def rotate_command(state_dir: StateDir = DEFAULT_STATE) -> None:
    """Swap the node credential for a new one (the old one stops working)."""
    try:
        rotate(state_dir)
    except AgentError as e:
        err.print(f"[red]Could not rotate:[/] {e}")
        raise typer.Exit(1) from None
    console.print("The node credential was rotated.")


@agent_app.command("run")
def run_command(
    state_dir: StateDir = DEFAULT_STATE,
    engine: EngineOption = DEFAULT_ENGINE,
    interval: Annotated[float, typer.Option(hidden=True, min=0.2)] = 5.0,
) -> None:
    """Connect out to the control plane and send heartbeats until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        state = load_state(state_dir)
        console.print(f"Node {state.name}: connecting to {state.url}")
        asyncio.run(run(state_dir, engine, interval=interval))
    except AgentError as e:
        err.print(f"[red]Stopped:[/] {e}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass
