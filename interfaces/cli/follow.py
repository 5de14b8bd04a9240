"""Following things live over subscriptions: a deployment to its end (its build and system
log lines as they come, its state as it moves), and a service's log."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import msgspec
from rich.markup import escape

from interfaces.cli import documents as d
from interfaces.cli.api import Api, Subscription
from interfaces.cli.root import console, err

ACTIVE = ("queued", "building", "built", "starting")


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(msgspec.json.encode(value).decode() + "\n")
    sys.stdout.flush()


def print_log(entry: dict[str, Any], as_json: bool, *, to_stderr: bool = False) -> None:
    """One log line: ``time stream/replica line``, or its JSON object."""
    if as_json and not to_stderr:
        print_json(entry)
        return
    at = datetime.fromisoformat(entry["at"]).astimezone().strftime("%H:%M:%S")
    replica = f"/{entry['replica']}" if entry.get("replica") is not None else ""
    (err if to_stderr else console).print(
        f"[dim]{at} {entry['stream']}{replica}[/dim] {escape(entry['line'])}", soft_wrap=True
    )
    (err if to_stderr else console).file.flush()


def follow_deployment(api: Api, deployment: dict[str, Any], as_json: bool) -> dict[str, Any]:
    """Print a deployment's log lines and its states until it ends; returns the
    deployment as it ended (or became healthy). Lines go to stderr with ``as_json``.

    Two subscriptions on one connection: the deployment's state, and its log lines (one
    subscription for every stream: the server reads each new line once)."""
    deployment_id, service_id = deployment["id"], deployment["serviceId"]
    seen: set[int] = set()
    last_state = ""
    subscriptions = {
        "state": Subscription(
            d.DEPLOYMENT_UPDATED,
            {"d": deployment_id, "after": 0},
            lambda data: {"d": deployment_id, "after": data["deploymentUpdated"]["position"]},
        ),
        "log": Subscription(
            d.SERVICE_LOGS,
            {"s": service_id, "d": deployment_id, "after": 0},
            lambda data: {"s": service_id, "d": deployment_id, "after": data["serviceLogs"]["id"]},
        ),
    }
    final: dict[str, Any] | None = None
    for name, data in api.subscribe(subscriptions):
        if name == "state":
            deployment = data["deploymentUpdated"]
            if deployment["state"] != last_state:
                last_state = deployment["state"]
                err.print(f"[bold]{last_state}[/bold] [dim]{escape(deployment['reason'])}[/dim]")
            if deployment["state"] not in ACTIVE:
                final = deployment
                break
            continue
        entry = data["serviceLogs"]
        if entry["id"] not in seen:
            seen.add(entry["id"])
            print_log(entry, as_json, to_stderr=True)
    assert final is not None
    # Lines stored just before the end may not have come through yet: read them.
    cursor = 0
    while True:
        page = api(d.DEPLOYMENT_LOG_PAGE, d=deployment_id, after=cursor)["logs"]
        for entry in page["lines"]:
            if entry["id"] not in seen:
                print_log(entry, as_json, to_stderr=True)
        if len(page["lines"]) < d.PAGE or page["cursor"] == cursor:
            return final
        cursor = page["cursor"]


def stream_logs(
    api: Api, service_id: str, cursor: int, filters: dict[str, Any], as_json: bool
) -> None:
    """A service's new log lines as they come, until interrupted."""
    variables = {"s": service_id, "after": cursor, **filters}

    def resume(data: dict[str, Any]) -> dict[str, Any]:
        return {**variables, "after": data["serviceLogs"]["id"]}

    subscription = Subscription(d.SERVICE_LOGS, variables, resume)
    for _, data in api.subscribe({"logs": subscription}):
        print_log(data["serviceLogs"], as_json)
