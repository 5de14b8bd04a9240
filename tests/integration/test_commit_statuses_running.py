"""The commit status and wait-for-CI processes as ``bootstrap`` wires them: in the threads of
the leading process, beside the webhook process and the deployer (in-memory engine, source
and git provider), a push waiting for CI deploys once its checks pass, and its progress
reaches the provider as pending, running, success."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from adapters.fake_git_providers import FakeGitProviderApis
from adapters.fake_ingress import InMemoryIngress
from adapters.fake_runtime import InMemoryRuntime
from adapters.fake_source import InMemorySource
from adapters.fakes import FakeClock
from application import commands as c
from application.git_providers import CommitState
from application.runtime_ports import ContainerRuntime, ProbeResult
from application.services import Services
from application.settings import Settings
from domain.webhook_delivery import DeliveryFact
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import World

REPOSITORY = "https://git.example.com/shop.git"
BASE_IMAGE = "alpine:3.20"
DOCKERFILE = f'FROM {BASE_IMAGE}\nRUN echo hi\nEXPOSE 8080\nCMD ["httpd"]\n'


class OneEngine:
    """NodeRuntimes with a single in-memory engine behind every endpoint."""

    def __init__(self, runtime: InMemoryRuntime) -> None:
        self.runtime = runtime

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.runtime


class Healthy:
    """A Prober for which everything answers."""

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        return ProbeResult(True, "HTTP 200")

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        return ProbeResult(True, "open")


@pytest.fixture
def apis() -> FakeGitProviderApis:
    return FakeGitProviderApis()


@pytest.fixture
def source() -> InMemorySource:
    return InMemorySource({REPOSITORY: {"main": [{"files": {"Dockerfile": DOCKERFILE}}]}})


@pytest.fixture
def app(
    store_settings: Settings,
    clock: FakeClock,
    apis: FakeGitProviderApis,
    source: InMemorySource,
) -> Iterator[Services]:
    runtime = InMemoryRuntime()
    runtime.add_image(BASE_IMAGE)
    services = bootstrap(
        store_settings,
        clock=clock,
        runtimes=OneEngine(runtime),
        source=source,
        ingress=InMemoryIngress(),
        prober=Healthy(),
        git_providers=apis,
    )
    stop = threading.Event()
    threads = services.run_projections(stop) + services.run_processes(stop)
    yield services
    stop.set()
    for thread in threads:
        thread.join(20)
    services.close()


def until(
    what: str, check: Callable[[], bool], seen: Callable[[], object], timeout: float = 60
) -> None:
    """Wait for ``check`` to hold, up to ``timeout`` seconds (then say what was ``seen``)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g} s: {seen()}"
        time.sleep(0.05)


def test_a_push_waiting_for_ci_deploys_when_its_checks_pass_and_reports_its_progress(
    world: World, apis: FakeGitProviderApis, source: InMemorySource
) -> None:
    connection = world.run(
        c.build_command(
            c.CreateGitConnection,
            {
                "organization_id": world.org,
                "provider": "github",
                "name": "GitHub",
                "access_token": "ghp-token",
            },
        )
    ).id("connection_id")
    world.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": world.service,
                "connection_id": connection,
                "triggers": [
                    {"branch": "main", "environment_id": world.production, "wait_for_ci": True}
                ],
            },
        )
    )
    provider = apis.provider("github", "https://api.github.com")
    provider.add_repository("shop")
    [sha] = source.history(REPOSITORY, "main")
    provider.set_checks("shop", sha, "success", "build and test passed")
    fact = DeliveryFact(kind="push", repository="shop", ref_kind="branch", ref="main", commit=sha)
    world.run(
        c.RecordWebhookDelivery(
            connection_id=connection, delivery_id="gh-1", event="push", fact=fact, digest="1"
        )
    )
    until(
        "the commit's statuses",
        lambda: (
            [s.state for s in provider.statuses]
            == [CommitState.PENDING, CommitState.RUNNING, CommitState.SUCCESS]
        ),
        lambda: (
            provider.statuses,
            world.app.dashboard.commit_checks(world.service),
            world.app.dashboard.deployments(world.service),
            world.app.dashboard.webhook_deliveries(connection),
        ),
    )
    [checks] = world.app.dashboard.commit_checks(world.service)
    assert checks.state == "passed" and checks.deployment_id is not None
    assert world.app.queries.deployment(checks.deployment_id).commit == sha
    assert {s.context for s in provider.statuses} == {"containr/web/production"}
