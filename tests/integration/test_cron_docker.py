"""A cron service on the real Docker engine: at its scheduled time (a controlled clock) one
busybox container runs, prints and exits with a code; its output and exit code are recorded
and the container is removed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import docker
import pytest

from adapters.caddy_process import CaddyServer, free_port
from adapters.fakes import FakeClock
from application import commands as c
from application.logs import LogQuery
from application.processes.support import CRON_RUN, INSTANCE
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from projections.dashboard import CronRunRow
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.http_upstream import running_caddy
from tests.integration.deploy_support import Platform, start_platform, stop_platform
from tests.integration.deploy_support import until as wait_until


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path_factory.mktemp("caddy"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, clock: FakeClock
) -> Iterator[Platform]:
    started = start_platform(pg_settings, caddy.admin_url, f"127.0.0.1:{free_port()}", clock=clock)
    started.create_project(f"Jobs {uuid.uuid4().hex[:6]}")
    started.start_processes()
    yield started
    stop_platform(started, engine)


def test_a_scheduled_busybox_run_records_its_output_and_exit_code_and_is_removed(
    platform: Platform, engine: docker.APIClient, clock: FakeClock
) -> None:
    assert platform.project is not None and platform.production is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="nightly",
            kind=ServiceKind.CRON,
            image=BASE_IMAGE,
            start_command="echo cleaned 3 rows; echo a warning >&2; exit 7",
            cron_schedule="*/5 * * * *",
        )
    ).id("service_id")
    deployment = platform.wait_for(platform.deploy(service))
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    clock.advance(timedelta(minutes=5))  # the next scheduled time has come

    def run() -> CronRunRow | None:
        rows = platform.services.dashboard.cron_runs(service, platform.production)
        return rows[0] if rows else None

    def ended() -> bool:
        found = run()
        return found is not None and found.state not in ("scheduled", "running")

    wait_until(ended, timeout=90, what="the cron run to end")
    finished = run()
    assert finished is not None
    assert (finished.state, finished.exit_code, finished.manual) == ("failed", 7, False)
    assert finished.scheduled_at.minute % 5 == 0 and finished.started_at is not None
    lines = [
        e.line for e in platform.services.logs.read(LogQuery(deployment_id=finished.id, limit=100))
    ]
    assert sorted(lines) == ["a warning", "cleaned 3 rows"]
    instance = platform.settings.instance
    filters = {"label": [f"{CRON_RUN}={finished.id}", f"{INSTANCE}={instance}"]}
    # Removed right after the exit is recorded (the record comes first: crash-safe).
    wait_until(
        lambda: engine.containers(all=True, filters=filters) == [],
        timeout=30,
        what="the run's container to be removed",
    )
