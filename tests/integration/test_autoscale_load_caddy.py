"""The autoscaler under real load on the real Docker engine behind the real Caddy (issue 16).

A busybox web service whose handler (a CGI script) burns CPU; bounded load through Caddy on
loopback raises its CPU, measured by the real stats collector into the time-series store and
read back by the real StoreReplicaMetrics, and the autoscaler adds replicas. When the load
stops, the replicas go down only once the (shortened, 30 s) scale-down window has passed
since the last high recommendation. Every wait polls a condition with a deadline.
"""

# ruff: noqa: F811 - the engine and Caddy fixtures are imported by name
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import docker
import httpx
import pytest

from adapters.caddy_process import CaddyServer
from application import commands as c
from application.processes.support import INSTANCE, SERVICE
from application.settings import Settings
from domain.autoscaling import MetricKind
from domain.deployment import DeploymentState
from domain.service_spec import Resources, ServiceKind
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.integration.deploy_support import Platform, start_platform, stop_platform, until
from tests.integration.test_deploy_docker import (  # noqa: F401 - fixtures
    caddy,
    engine,
    ingress_listen,
)

WINDOW = 30
BURN = (
    'sh -c \'mkdir -p /www/cgi-bin && printf "ok\\n" > /www/index.html '
    '&& printf "*.sh:/bin/sh\\n" > /etc/httpd.conf '
    '&& printf "i=0\\nwhile [ \\$i -lt 150000 ]; do i=\\$((i+1)); done\\n'
    'printf \\"Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nburnt\\\\n\\"\\n" '
    "> /www/cgi-bin/burn.sh "
    "&& exec httpd -f -p 8080 -h /www -c /etc/httpd.conf'"
)


@pytest.fixture
def platform(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, ingress_listen: str
) -> Iterator[Platform]:
    ensure_busybox_image(engine)
    started = start_platform(pg_settings, caddy.admin_url, ingress_listen)
    try:
        started.create_project(f"Load {uuid.uuid4().hex[:6]}")
        started.start_processes()
        yield started
    finally:
        stop_platform(started, engine)


class Load:
    """``workers`` clients requesting the burning handler through Caddy until stopped (or a
    deadline passes: the load is bounded whatever happens)."""

    def __init__(self, platform: Platform, workers: int = 4, seconds: float = 300) -> None:
        self.platform, self.stop = platform, threading.Event()
        self.deadline = time.monotonic() + seconds
        self.answers: dict[int, int] = {}
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        url = f"http://{self.platform.ingress_listen}/cgi-bin/burn.sh"
        with httpx.Client(timeout=30) as client:
            while not self.stop.is_set() and time.monotonic() < self.deadline:
                try:
                    status = client.get(url, headers={"Host": self.platform.host("burn")})
                    code = status.status_code
                except httpx.HTTPError:
                    code = 0
                self.answers[code] = self.answers.get(code, 0) + 1

    def end(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_load_adds_replicas_and_they_go_down_only_after_the_stabilisation_window(
    platform: Platform, engine: docker.APIClient
) -> None:
    assert platform.project is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="burn",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=BURN,
            port=8080,
            resources=Resources(cpu_request_millis=100, memory_request_mb=32),
        )
    ).id("service_id")
    deployment = platform.wait_for(platform.deploy(service), timeout=180)
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    platform.wait_answer("burn", "ok\n", timeout=60)
    platform.run(
        c.SetAutoscaling(
            service_id=service,
            min_replicas=1,
            max_replicas=3,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
            scale_down=c.ScalingRulesInput(stabilization_seconds=WINDOW),
        )
    )
    filters = {"label": [f"{SERVICE}={service}", f"{INSTANCE}={platform.settings.instance}"]}

    def running() -> int:
        return len(engine.containers(filters=filters))

    load = Load(platform)
    try:
        until(lambda: running() == 3, timeout=240, what="3 replicas under load")
    finally:
        load.end()
    assert load.answers.get(200, 0) > 0, load.answers
    row = platform.services.dashboard.autoscaling(service)
    assert row is not None and row.last_previous is not None and row.last_replicas is not None
    assert row.last_replicas > row.last_previous
    assert row.last_explanation.startswith("cpu ")

    until(lambda: running() == 1, timeout=300, what="back to 1 replica without load")
    autoscaling = platform.services.queries.service_autoscaling(service)
    assert autoscaling is not None
    events = autoscaling.scale_events
    last_up = max(e.at for e in events if e.replicas > e.previous)
    down = [e for e in events if e.replicas < e.previous]
    assert down and down[-1].replicas == 1
    # The first scale-down came a full window after the last scale-up (whose recommendation
    # was high): the window held the count while its highest recommendation stood.
    first_down = min(e.at for e in down)
    assert first_down - last_up >= timedelta(seconds=WINDOW)
    assert platform.services.queries.service(service).spec.replicas == 1
