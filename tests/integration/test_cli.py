"""The `containr` command line, run as a real process."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from application import commands as c
from application.bus import Context
from application.secrets import Secret
from application.settings import Settings
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap
from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
    env["CONTAINR_DATA_DIR"] = settings.data_dir
    if settings.database_url:
        env["CONTAINR_DATABASE_URL"] = settings.database_url
        env["CONTAINR_DATABASE_SCHEMA"] = settings.database_schema
        env["CONTAINR_SECRET_KEY"] = TEST_SECRET_KEY
    return env


def containr(
    settings: Settings, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interfaces", *args],
        env=cli_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def seed(settings: Settings) -> dict[str, uuid.UUID]:
    """An organisation with a project, its variables and a service with a deployment; the
    read models caught up (the commands name things through them)."""
    app = bootstrap(settings)
    stop = threading.Event()
    runners = app.run_projections(stop)
    try:
        ctx = Context(actor="user:alice")  # type: ignore[arg-type]
        org = app.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ctx)
        project = app.execute(
            c.CreateProject(organization_id=org.id("organization_id"), name="Shop"), ctx
        )
        app.execute(
            c.SetVariables(
                project_id=project.id("project_id"),
                environment_id=project.id("environment_id"),
                values={"DB_PASSWORD": Secret("correct-horse-battery")},
            ),
            ctx,
        )
        service = app.execute(
            c.CreateService(
                project_id=project.id("project_id"),
                name="db",
                kind=ServiceKind.DATABASE,
                image="postgres:16",
            ),
            ctx,
        ).id("service_id")
        deployment = app.execute(
            c.RequestDeployment(service_id=service, environment_id=project.id("environment_id")),
            ctx,
        ).id("deployment_id")
        app.wait_for(app.events.head())
        return {"project": project.id("project_id"), "service": service, "deployment": deployment}
    finally:
        stop.set()
        for runner in runners:
            runner.join(timeout=10)
        app.close()


def test_migrate_is_idempotent(store_settings: Settings) -> None:
    for _ in range(2):
        result = containr(store_settings, "migrate")
        assert result.stdout.startswith("ok")


def test_events_tail_prints_the_log_readably_with_secrets_sealed(store_settings: Settings) -> None:
    seed(store_settings)
    out = containr(store_settings, "events", "tail", "-n", "10").stdout
    assert "Organization.Created" in out and "by user:alice" in out
    assert "VariableSet.Changed" in out and "DB_PASSWORD" in out and "sealed:" in out
    assert "correct-horse-battery" not in out


def test_events_tail_json_is_one_object_per_line(store_settings: Settings) -> None:
    seed(store_settings)
    lines = containr(store_settings, "events", "tail", "--json").stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["position"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "Organization.Created" and events[0]["actor"] == "user:alice"


def test_events_show_of_a_project_brings_its_services_variables_and_deployments(
    store_settings: Settings,
) -> None:
    ids = seed(store_settings)
    by_id = containr(store_settings, "events", "show", str(ids["project"])).stdout
    for event in (
        "Project.Created",
        "VariableSet.Changed",
        "Service.Created",
        "Deployment.Requested",
    ):
        assert event in by_id, event
    assert "Organization.Created" not in by_id
    assert containr(store_settings, "events", "show", "shop").stdout == by_id  # by its slug
    assert containr(store_settings, "events", "show", "Shop").stdout == by_id  # by its name
    service = containr(store_settings, "events", "show", "shop/db").stdout
    assert "Service.Created" in service and "Project.Created" not in service
    missing = containr(store_settings, "events", "show", str(uuid.uuid4()), check=False)
    assert missing.returncode == 1 and "no events" in missing.stderr
    bad = containr(store_settings, "events", "show", "nope", check=False)
    assert bad.returncode == 2 and "nothing is called 'nope'" in bad.stderr


def test_events_lines_name_what_they_concern_instead_of_printing_ids(
    store_settings: Settings,
) -> None:
    ids = seed(store_settings)
    out = containr(store_settings, "events", "tail", "-n", "20").stdout
    assert "project Shop" in out and "service shop/db" in out
    assert str(ids["project"]) not in out and str(ids["service"]) not in out
    full = containr(store_settings, "events", "tail", "-n", "20", "--json").stdout
    assert str(ids["service"]) in full  # the ids stay a --json away


def test_events_tail_follow_prints_new_events(store_settings: Settings) -> None:
    seed(store_settings)
    proc = subprocess.Popen(
        [sys.executable, "-m", "interfaces", "events", "tail", "-n", "1", "--follow", "--json"],
        env=cli_env(store_settings),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        time.sleep(0.3)
        app = bootstrap(store_settings)
        try:
            org = app.queries.project(seed_project(store_settings)).organization_id
            app.execute(
                c.RenameOrganization(organization_id=org, name="Acme 2"), Context(actor="user:bob")
            )  # type: ignore[arg-type]
        finally:
            app.close()
        followed = json.loads(proc.stdout.readline())
        assert followed["type"] == "Organization.Renamed" and followed["actor"] == "user:bob"
        assert followed["position"] > first["position"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def seed_project(settings: Settings) -> uuid.UUID:
    app = bootstrap(settings)
    try:
        [created] = [e for e in app.events.tail(100) if e.type == "Project.Created"][:1]
        return created.aggregate_id
    finally:
        app.close()


def test_bad_settings_stop_the_cli_with_the_variables_name(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
    env["CONTAINR_DATABASE_URL"] = "mysql://nope/x"
    result = subprocess.run(
        [sys.executable, "-m", "interfaces", "admin", "status"],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CONTAINR_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_up_prepares_a_fresh_data_dir_and_serves(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "fresh"))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "interfaces", "up", "--port", str(port)],
        env=cli_env(settings),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A loaded CI machine may take a while to start it; a server that died says so now.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=0.2)  # waits on the process, not on the clock
                assert proc.returncode is None, proc.communicate()
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).json()
        assert ready["status"] == "ready" and ready["event_store"]["head"] == 0
        assert (tmp_path / "fresh" / "containr.sqlite3").exists()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert f"open http://127.0.0.1:{port}/" in out.replace("\n", "")
    # What it did, step by step (no terminal here: a line per step).
    assert "Preparing the store: ready" in err
    assert "Building the web dashboard: " in err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_logs_prints_a_services_recent_lines_and_follows_new_ones(
    store_settings: Settings,
) -> None:
    app = bootstrap(store_settings)
    stop = threading.Event()
    threads = app.run_projections(stop)
    try:
        ctx = Context(actor="user:alice")  # type: ignore[arg-type]
        org = app.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ctx)
        project = app.execute(
            c.CreateProject(organization_id=org.id("organization_id"), name="Shop"), ctx
        )
        service = app.execute(
            c.CreateService(
                project_id=project.id("project_id"),
                name="web",
                kind=ServiceKind.WORKER,
                image="a:1",
            ),
            ctx,
            wait_for=["dashboard"],
        ).id("service_id")
        deployment = uuid.uuid4()
        app.logs.append(deployment, service, "build", [f"step {i}" for i in range(5)])
        app.logs.append(deployment, service, "runtime", ["listening on 8080"], replica=0)

        out = containr(store_settings, "admin", "logs", "web", "-n", "3").stdout
        assert [line.split(" ", 3)[-1] for line in out.splitlines()] == [
            "step 3",
            "step 4",
            "listening on 8080",
        ]
        assert "runtime/0" in out
        grep = containr(store_settings, "admin", "logs", "web", "--grep", "step 1").stdout
        assert "step 1" in grep and "step 2" not in grep
        missing = containr(store_settings, "admin", "logs", "api", check=False)
        assert missing.returncode == 1 and "no service named 'api'" in missing.stderr
        bad = containr(store_settings, "admin", "logs", "web", "--stream", "nope", check=False)
        assert bad.returncode == 2 and "--stream" in bad.stderr

        follower = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "admin", "logs", "web", "-n", "1", "--follow"],
            env=cli_env(store_settings),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert follower.stdout is not None
            ready, _, _ = select.select([follower.stdout], [], [], 30)
            assert ready, "the follower printed nothing within 30 s"
            assert "listening on 8080" in follower.stdout.readline()  # it follows from here
            app.logs.append(deployment, service, "runtime", ["a new request"], replica=0)
            ready, _, _ = select.select([follower.stdout], [], [], 30)
            assert ready, "the follower printed nothing new within 30 s"
            assert "a new request" in follower.stdout.readline()
        finally:
            follower.terminate()
            follower.wait(timeout=10)
            if follower.stdout is not None:
                follower.stdout.close()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        app.close()
