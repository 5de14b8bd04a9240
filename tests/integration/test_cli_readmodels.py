"""The read-model commands of the CLI: status, rebuild, history --as-of, worker."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from application import commands as c
from application.bus import Context
from application.settings import Settings
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap
from tests.integration.test_cli import ROOT, cli_env, containr

ALICE = Context(actor="user:alice")  # type: ignore[arg-type]


def seed(settings: Settings) -> tuple[uuid.UUID, int]:
    app = bootstrap(settings)
    try:
        org = app.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE).id(
            "organization_id"
        )
        project = app.execute(c.CreateProject(organization_id=org, name="Shop"), ALICE).id(
            "project_id"
        )
        app.execute(
            c.CreateService(
                project_id=project, name="db", kind=ServiceKind.DATABASE, image="postgres:16"
            ),
            ALICE,
        )
        middle = app.events.head()
        app.execute(
            c.CreateService(
                project_id=project, name="cache", kind=ServiceKind.DATABASE, image="redis:7"
            ),
            ALICE,
        )
        return project, middle
    finally:
        app.close()


def test_worker_projects_events_and_status_reports_no_lag(store_settings: Settings) -> None:
    seed(store_settings)
    worker = subprocess.Popen(
        [sys.executable, "-m", "interfaces", "worker"],
        env=cli_env(store_settings),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            out = containr(store_settings, "projections", "status").stdout
            if out.count(" 0 ") >= 3 and "none" not in out:
                break
            time.sleep(0.5)
        for model in ("dashboard", "history", "analytics"):
            assert model in out
        assert "containr:runner" in out or "pid" in out  # a leader is named
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_rebuild_swaps_in_a_new_generation(store_settings: Settings) -> None:
    seed(store_settings)
    out = containr(store_settings, "projections", "rebuild", "dashboard").stdout
    assert "dashboard now serves generation 2" in out
    out = containr(store_settings, "projections", "rebuild", "--all").stdout
    assert "history now serves generation 2" in out and "dashboard now serves generation 3" in out
    bad = containr(store_settings, "projections", "rebuild", "nope", check=False)
    assert bad.returncode == 2 and "no read model 'nope'" in bad.stderr


def test_history_as_of_shows_what_existed_then(store_settings: Settings) -> None:
    project, middle = seed(store_settings)
    out = containr(
        store_settings, "history", "--as-of", str(middle), "--project", str(project)
    ).stdout
    assert "db" in out and "cache" not in out
    out = containr(
        store_settings, "history", "--as-of", (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    ).stdout
    assert "db" in out and "cache" in out
    early = containr(store_settings, "history", "--as-of", "2001-01-01 12:00").stdout
    assert "nothing existed yet" in early
    bad = containr(store_settings, "history", "--as-of", "last tuesday", check=False)
    assert bad.returncode == 2 and "neither a position nor a time" in bad.stderr


def test_history_as_of_finishes_its_progress_bar_before_it_answers(
    store_settings: Settings,
) -> None:
    """Read as a terminal shows it: progress (stderr) and answer (stdout) in one stream."""
    _, middle = seed(store_settings)
    merged = subprocess.run(
        [sys.executable, "-m", "interfaces", "history", "--as-of", str(middle)],
        env=cli_env(store_settings),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "rebuilding the past" in merged and "As of position" in merged
    assert merged.rindex("rebuilding the past") < merged.index("As of position"), merged
