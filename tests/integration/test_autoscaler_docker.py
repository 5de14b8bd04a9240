"""The autoscaler in the running platform, on the real Docker engine: a busybox worker under
an autoscaling policy, a metrics reader reporting high CPU (the metrics store is another
part's; this reader stands in for it), and the replicas the decision asks for run on the
engine; when the readings go missing, nothing scales down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

import docker
import pytest

from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.processes.support import INSTANCE, SERVICE
from application.settings import Settings
from domain.autoscaling import MetricKind, MetricTarget, Reading
from domain.deployment import DeploymentState
from domain.service_spec import Resources, ServiceKind
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.http_upstream import running_caddy
from tests.integration.deploy_support import Platform, start_platform, stop_platform
from tests.integration.deploy_support import until as wait_until


class SteadyCpu:
    """Every running replica of the service at ``cpu`` % of its request (None: no readings);
    the replicas are the engine's running containers of the service."""

    def __init__(self, engine: docker.APIClient, instance: str) -> None:
        self.engine, self.instance = engine, instance
        self.cpu: float | None = 150.0
        self.asked = 0

    def readings(
        self, service_id: uuid.UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        self.asked += 1
        if self.cpu is None:
            return {}
        running = self.engine.containers(
            filters={"label": [f"{SERVICE}={service_id}", f"{INSTANCE}={self.instance}"]}
        )
        return {"cpu": [Reading(True, self.cpu)] * len(running)}


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path_factory.mktemp("caddy"))


@pytest.fixture
def reader(engine: docker.APIClient, pg_settings: Settings) -> SteadyCpu:
    return SteadyCpu(engine, pg_settings.instance)


@pytest.fixture
def platform(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, reader: SteadyCpu
) -> Iterator[Platform]:
    started = start_platform(
        pg_settings, caddy.admin_url, f"127.0.0.1:{free_port()}", replica_metrics=reader
    )
    started.create_project(f"Scale {uuid.uuid4().hex[:6]}")
    yield started
    stop_platform(started, engine)


def test_high_cpu_adds_replicas_on_the_engine_and_missing_readings_remove_none(
    platform: Platform, engine: docker.APIClient, reader: SteadyCpu
) -> None:
    assert platform.project is not None and platform.org is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="crunch",
            kind=ServiceKind.WORKER,
            image=BASE_IMAGE,
            start_command="sleep 3600",
            resources=Resources(cpu_request_millis=100, memory_request_mb=32),
        )
    ).id("service_id")
    platform.start_processes()
    deployment = platform.wait_for(platform.deploy(service))
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    platform.run(
        c.SetAutoscaling(
            service_id=service,
            max_replicas=3,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
        )
    )
    filters = {"label": [f"{SERVICE}={service}", f"{INSTANCE}={platform.settings.instance}"]}

    def running() -> int:
        return len(engine.containers(filters=filters))

    # ceil(1 x 150 / 60) = 3, within one evaluation (15 s) plus the start of two containers
    wait_until(lambda: running() == 3, timeout=120, what="3 running replicas")
    row = platform.services.dashboard.autoscaling(service)
    assert row is not None and (row.last_previous, row.last_replicas) == (1, 3)
    assert row.last_explanation.startswith("cpu 150 % of request vs target 60 % → 3 replicas")
    reader.cpu = None  # the readings go missing: never a reason to scale down
    asked = reader.asked
    wait_until(lambda: reader.asked >= asked + 2, timeout=90, what="two more evaluations")
    assert running() == 3
    assert platform.services.queries.service(service).spec.replicas == 3
