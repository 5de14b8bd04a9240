"""Scale to zero through the real Caddy on the real Docker engine (issue 16).

Containr runs in this process (event store, read models, processes) with its HTTP API served
by uvicorn on a loopback port: the wake handler's address (``access_dial``). A busybox web
service under a policy with a 10 s idle timeout gets no request: the autoscaler, reading the
route figures from Caddy's access log, puts it to sleep (0 replicas, its route pointing at the
wake handler); the next request through Caddy wakes it and gets the service's own answer.
Many requests at once while it sleeps make one wake, and each gets its answer.
"""

# ruff: noqa: F811 - the engine and Caddy fixtures are imported by name
from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import httpx
import msgspec
import pytest

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.processes.support import INSTANCE, SERVICE
from application.settings import Settings
from domain.autoscaling import MetricKind
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.installations import record_instance
from tests.integration.deploy_support import Platform, stop_platform, until
from tests.integration.test_deploy_docker import (  # noqa: F401 - fixtures
    caddy,
    engine,
    ingress_listen,
)
from tests.integration.test_environment_access_caddy import Api

BODY = "awake\n"
APP = (
    f'sh -c \'mkdir -p /www && printf "{BODY.strip()}\\n" > /www/index.html '
    "&& exec httpd -f -p 8080 -h /www'"
)


@pytest.fixture
def platform(
    pg_settings: Settings,
    engine: docker.APIClient,
    caddy: CaddyServer,
    ingress_listen: str,
    tmp_path: Path,
) -> Iterator[Platform]:
    ensure_busybox_image(engine)
    port = free_port()
    settings = msgspec.structs.replace(
        pg_settings,
        ingress_admin=caddy.admin_url,
        ingress_listen=ingress_listen,
        ingress_access_log=str(tmp_path / "access.log"),
        access_dial=f"127.0.0.1:{port}",
        start_timeout_seconds=30,  # the hold deadline, and the grace after a wake
    )
    record_instance(settings)
    services = bootstrap(settings)
    started = Platform(services=services, settings=settings, ingress_listen=ingress_listen)
    started.threads += services.run_projections(started.stop)
    api = Api(started, port)
    try:
        started.create_project(f"Sleep {uuid.uuid4().hex[:6]}")
        started.start_processes()
        yield started
    finally:
        api.stop()
        stop_platform(started, engine)


def test_an_idle_service_sleeps_at_zero_and_the_next_request_wakes_it_and_gets_its_answer(
    platform: Platform, engine: docker.APIClient
) -> None:
    assert platform.project is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="nap",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=APP,
            port=8080,
        )
    ).id("service_id")
    deployment = platform.wait_for(platform.deploy(service), timeout=180)
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    platform.wait_answer("nap", BODY, timeout=60)
    platform.run(
        c.SetAutoscaling(
            service_id=service,
            min_replicas=0,
            max_replicas=2,
            metrics=[c.MetricTargetInput(metric=MetricKind.REQUESTS, target=50)],
            idle_timeout_seconds=10,
        )
    )
    filters = {"label": [f"{SERVICE}={service}", f"{INSTANCE}={platform.settings.instance}"]}
    ingress = CaddyIngress(platform.settings.ingress_admin or "", listen=platform.ingress_listen)
    gate = platform.services.wake
    assert gate is not None

    def running() -> int:
        return len(engine.containers(filters=filters))

    def asleep() -> bool:
        route = next((r for r in ingress.routes() if str(service) in r.id), None)
        return (
            platform.services.queries.service(service).spec.replicas == 0
            and running() == 0
            and route is not None
            and route.wake is not None
            and route.upstreams == [platform.settings.access_dial]
        )

    def held_request() -> httpx.Response:
        with httpx.Client(timeout=120) as client:
            return client.get(
                f"http://{platform.ingress_listen}/",
                headers={"Host": platform.host("nap")},
            )

    try:
        until(asleep, timeout=180, what="the idle service to sleep behind the wake handler")
        row = platform.services.dashboard.autoscaling(service)
        assert row is not None and row.asleep and row.last_replicas == 0
        assert row.last_explanation.startswith("no requests for 10 s (the idle timeout)")

        answer = held_request()  # the first request after sleep: held, then answered
        assert (answer.status_code, answer.text) == (200, BODY)
        assert platform.services.queries.service(service).spec.replicas == 1
        assert running() == 1
        assert gate.wakes == 1

        # Asleep again (after the grace), then many requests at once make one wake.
        until(asleep, timeout=180, what="the service to sleep again")
        with ThreadPoolExecutor(max_workers=5) as pool:
            answers = list(pool.map(lambda _: held_request(), range(5)))
        assert [(a.status_code, a.text) for a in answers] == [(200, BODY)] * 5
        assert gate.wakes == 2
        assert platform.services.queries.service(service).spec.replicas == 1
        assert gate.held == 0
    finally:
        ingress.close()


def test_the_wake_handler_refuses_a_request_without_a_genuine_token(platform: Platform) -> None:
    with httpx.Client(timeout=10) as client:
        forged = client.get(
            f"http://{platform.settings.access_dial}/_containr/wake/",
            headers={"X-Containr-Wake": f"{uuid.uuid4()}.{uuid.uuid4()}.forged"},
        )
        missing = client.get(f"http://{platform.settings.access_dial}/_containr/wake/x?y=1")
    for answer in (forged, missing):
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
