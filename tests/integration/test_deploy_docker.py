"""Deployments on the real Docker engine behind a real Caddy (issue 5's scenarios).

Each test runs Containr in this process on a fresh PostgreSQL schema: the projections, the
deployment process manager and the reconciler in threads, Docker at the local socket, and
a Caddy of the module's own as the ingress. Everything a test makes carries its
installation's label and is removed afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import msgspec
import pytest

from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.secrets import Secret, secret_enc_hook
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.service_spec import GitSource, HealthCheck, HealthCheckKind, ServiceKind
from tests.contract.docker_images import local_engine
from tests.http_upstream import running_caddy
from tests.integration.deploy_support import (
    AppRepository,
    Platform,
    app_dockerfile,
    containers_of,
    continuous_requests,
    exact_port_window,
    start_platform,
    stop_platform,
    until,
)

ROOT = Path(__file__).resolve().parents[2]
HTTP_CHECK = HealthCheck(
    kind=HealthCheckKind.HTTP, path="/healthz", interval_seconds=0.5, timeout_seconds=2, retries=20
)


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture(scope="module")
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path_factory.mktemp("caddy"))


@pytest.fixture(scope="module")
def ingress_listen() -> str:
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def platform_for(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, ingress_listen: str
) -> Iterator[Platform]:
    """Call with setting changes to start the platform (once per test)."""
    started: list[Platform] = []

    def start(**changes: object) -> Platform:
        platform = start_platform(pg_settings, caddy.admin_url, ingress_listen, **changes)
        started.append(platform)
        platform.create_project(f"Shop {uuid.uuid4().hex[:6]}")
        return platform

    yield start  # type: ignore[misc]
    for platform in started:
        stop_platform(platform, engine)


@pytest.fixture
def platform(platform_for: object) -> Platform:
    started: Platform = platform_for()  # type: ignore[operator]
    started.start_processes()
    return started


def web_service(
    platform: Platform,
    repo: AppRepository,
    *,
    replicas: int = 1,
    health_check: HealthCheck | None = HTTP_CHECK,
    name: str = "web",
) -> uuid.UUID:
    assert platform.project is not None
    return platform.run(
        c.CreateService(
            project_id=platform.project,
            name=name,
            kind=ServiceKind.WEB,
            git=GitSource(repo.url),
            port=8080,
            replicas=replicas,
            health_check=health_check,
        )
    ).id("service_id")


def set_variable(platform: Platform, service: uuid.UUID, name: str, value: str) -> None:
    assert platform.project is not None and platform.production is not None
    platform.run(
        c.SetVariables(
            project_id=platform.project,
            environment_id=platform.production,
            service_id=service,
            values={name: Secret(value)},
        )
    )


def test_a_commit_becomes_healthy_replicas_answering_through_the_ingress(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex[:8]}"
    repo = AppRepository(tmp_path / "app")
    sha = repo.commit(
        "one",
        # the build prints the secret (a careless build step): it must never be stored
        dockerfile=app_dockerfile(f"RUN echo token is {secret}\n"),
        message="first release",
    )
    service = web_service(platform, repo, replicas=2)
    set_variable(platform, service, "API_TOKEN", secret)

    deployment_id = platform.deploy(service)
    deployment = platform.wait_for(deployment_id)

    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    assert deployment.commit == sha
    assert deployment.commit_message == "first release"
    assert deployment.commit_author == "Ada Lovelace <ada@example.com>"
    build_log = [e.line for e in platform.logs(deployment_id, "build")]
    assert any("token is *****" in line for line in build_log), build_log
    everything = [e.line for e in platform.logs(deployment_id)]
    assert not any(secret in line for line in everything)
    running = containers_of(engine, deployment_id)
    assert len(running) == 2
    assert all(container["State"] == "running" for container in running)
    inspected = engine.inspect_container(running[0]["Id"])
    assert f"API_TOKEN={secret}" in inspected["Config"]["Env"]  # decrypted only in the container
    platform.wait_answer("web", "release one\n")
    assert platform.get("web", "/healthz").text == "ok\n"


def test_a_redeploy_of_a_new_commit_drops_no_request(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo, replicas=2)
    first = platform.wait_for(platform.deploy(service))
    assert first.state is DeploymentState.HEALTHY, first.reason
    platform.wait_answer("web", "release one\n")

    stop = threading.Event()
    answers: list[tuple[float, int, str]] = []
    retried: list[tuple[float, str]] = []

    def client() -> None:
        answers.extend(continuous_requests(platform, "web", stop, retried))

    thread = threading.Thread(target=client)
    thread.start()
    try:
        repo.commit("two")
        second_id = platform.deploy(service)
        second = platform.wait_for(second_id)
        assert second.state is DeploymentState.HEALTHY, second.reason
        until(
            lambda: platform.deployment(first.id).state is DeploymentState.SUPERSEDED,
            what="the old release to be superseded",
        )
        until(lambda: not containers_of(engine, first.id), what="the old replicas to go")
        switched = time.monotonic()
        served = len(answers)
        until(lambda: len(answers) >= served + 10, what="requests after the switch")
    finally:
        stop.set()
        thread.join()

    failures = [a for a in answers if a[1] != 200]
    assert not failures, failures[:5]
    assert len(retried) <= 2, retried  # a reset at a configuration load, sent again
    assert len(answers) > 20
    assert {a[2] for a in answers} <= {"release one\n", "release two\n"}
    assert {a[2] for a in answers if a[0] > switched} == {"release two\n"}


def test_a_release_failing_its_health_check_never_takes_traffic(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo)
    first = platform.wait_for(platform.deploy(service))
    assert first.state is DeploymentState.HEALTHY, first.reason
    platform.wait_answer("web", "release one\n")

    platform.run(
        c.UpdateService(
            service_id=service,
            health_check=HealthCheck(
                kind=HealthCheckKind.HTTP,
                path="/missing",
                interval_seconds=0.2,
                timeout_seconds=1,
                retries=3,
            ),
        )
    )
    repo.commit("two")
    broken = platform.wait_for(platform.deploy(service))

    assert broken.state is DeploymentState.FAILED
    assert broken.reason is not None and "not healthy" in broken.reason
    assert "404" in broken.reason
    assert containers_of(engine, broken.id) == []
    assert platform.deployment(first.id).state is DeploymentState.HEALTHY
    for _ in range(10):
        assert platform.get("web").text == "release one\n"


def test_rollback_restores_the_earlier_image_and_variables(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo)
    set_variable(platform, service, "GREETING", "hello-one")
    first = platform.wait_for(platform.deploy(service))
    assert first.state is DeploymentState.HEALTHY, first.reason

    repo.commit("two")
    set_variable(platform, service, "GREETING", "hello-two")
    second = platform.wait_for(platform.deploy(service))
    assert second.state is DeploymentState.HEALTHY, second.reason
    platform.wait_answer("web", "release two\n")

    rollback_id = platform.run(c.RollbackService(deployment_id=first.id)).id("deployment_id")
    rollback = platform.wait_for(rollback_id)

    assert rollback.state is DeploymentState.HEALTHY, rollback.reason
    assert rollback.image == first.image
    assert rollback.variables_version == first.variables_version
    platform.wait_answer("web", "release one\n")
    (container,) = containers_of(engine, rollback_id)
    env = engine.inspect_container(container["Id"])["Config"]["Env"]
    assert "GREETING=hello-one" in env
    until(
        lambda: platform.deployment(second.id).state is DeploymentState.ROLLED_BACK,
        what="the replaced release to be marked rolled back",
    )


def test_a_build_that_never_finishes_fails_at_its_deadline(
    platform_for: object, engine: docker.APIClient, tmp_path: Path
) -> None:
    platform: Platform = platform_for(build_timeout_seconds=4)  # type: ignore[operator]
    platform.start_processes()
    repo = AppRepository(tmp_path / "app")
    repo.commit("never", dockerfile=app_dockerfile("RUN sleep 600\n"))
    service = web_service(platform, repo)

    started = time.monotonic()
    deployment = platform.wait_for(platform.deploy(service), timeout=60)

    assert deployment.state is DeploymentState.FAILED
    assert deployment.reason is not None and "deadline" in deployment.reason
    assert time.monotonic() - started < 30
    until(lambda: not _build_containers(engine), timeout=30, what="the build to be stopped")


def test_a_container_that_never_becomes_healthy_fails_at_its_deadline(
    platform_for: object, engine: docker.APIClient, tmp_path: Path
) -> None:
    platform: Platform = platform_for(start_timeout_seconds=3)  # type: ignore[operator]
    platform.start_processes()
    repo = AppRepository(tmp_path / "app")
    repo.commit("mute")
    # the probe's port never answers; its retries alone would take far longer than the deadline
    check = HealthCheck(
        kind=HealthCheckKind.HTTP, path="/healthz", interval_seconds=1, timeout_seconds=1,
        retries=100,
    )  # fmt: skip
    assert platform.project is not None
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource(repo.url),
            port=8080,
            start_command="exec sleep 600",
            health_check=check,
        )
    ).id("service_id")

    deployment = platform.wait_for(platform.deploy(service), timeout=240)

    assert deployment.state is DeploymentState.FAILED
    assert deployment.reason is not None and "deadline" in deployment.reason
    until(lambda: not containers_of(engine, deployment.id), what="its container to be removed")


def test_a_container_removed_behind_containrs_back_is_recreated(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo)
    deployment = platform.wait_for(platform.deploy(service))
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    (original,) = containers_of(engine, deployment.id)

    engine.remove_container(original["Id"], force=True)

    def replaced() -> bool:
        now = containers_of(engine, deployment.id)
        return len(now) == 1 and now[0]["Id"] != original["Id"] and now[0]["State"] == "running"

    until(replaced, timeout=60, what="the reconciler to recreate the replica")

    def recorded() -> list[str]:
        return [e.type for e in platform.services.events.of_aggregate(deployment.id)]

    until(lambda: "Deployment.ReplicaReplaced" in recorded(), what="the replacement's record")
    # (its readiness passing again may be recorded after them)
    drift = [t for t in recorded() if t.endswith(("ReplicaLost", "ReplicaReplaced"))]
    assert drift == ["Deployment.ReplicaLost", "Deployment.ReplicaReplaced"]
    platform.wait_answer("web", "release one\n")


def test_a_worker_killed_after_creating_a_container_resumes_without_a_second_one(
    platform_for: object, engine: docker.APIClient, tmp_path: Path
) -> None:
    platform: Platform = platform_for()  # type: ignore[operator]
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo)
    deployment_id = platform.deploy(service)

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.deploy_child", _reveal(platform.settings)],
        cwd=ROOT,
        env={**os.environ, "CONTAINR_TEST_DIE_AFTER_CREATE": "1"},
    )
    try:
        assert child.wait(timeout=120) == 9  # it died right after the create call
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            child.wait()
    made = containers_of(engine, deployment_id)
    assert len(made) == 1
    assert platform.deployment(deployment_id).state is DeploymentState.STARTING

    platform.start_processes()  # the next leader
    deployment = platform.wait_for(deployment_id)

    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    after = containers_of(engine, deployment_id)
    assert [c["Id"] for c in after] == [made[0]["Id"]]
    platform.wait_answer("web", "release one\n")


def _build_containers(engine: docker.APIClient) -> list[object]:
    """Intermediate containers of a running build (`RUN sleep 600`)."""
    return [
        container
        for container in engine.containers(all=True)
        if "sleep 600" in str(container.get("Command", ""))
        and container.get("State") == "running"
        and not container.get("Labels", {}).get("containr.managed")
    ]


def _reveal(settings: Settings) -> str:
    def hook(obj: object) -> object:
        if isinstance(obj, Secret):
            return obj.reveal()
        return secret_enc_hook(obj)

    return msgspec.json.encode(settings, enc_hook=hook).decode()


def test_a_base_image_the_engine_cannot_pull_fails_the_build_saying_how_to_provide_it(
    platform: Platform, tmp_path: Path
) -> None:
    # A Node app without a Dockerfile: the plan builds FROM node:20-bookworm-slim, which this
    # machine's engine neither has nor can pull (no registry answers here).
    repo = AppRepository(tmp_path / "node-app")
    (repo.path / "package.json").write_text('{"name": "app", "scripts": {"start": "node s.js"}}')
    (repo.path / ".nvmrc").write_text("20\n")
    git = ["git", "-C", str(repo.path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a node app"], check=True)
    service = web_service(platform, repo, health_check=None)

    deployment = platform.wait_for(platform.deploy(service))

    assert deployment.state is DeploymentState.FAILED
    assert deployment.reason is not None
    assert deployment.reason.endswith(
        "the base image node:20-bookworm-slim is not on the engine and cannot be pulled: "
        "cannot reach the registry registry-1.docker.io (no such host); import or pull "
        "node:20-bookworm-slim on the engine, or set a registry/base-image mapping (coming "
        "with multi-host work)"
    ), deployment.reason
    assert "dial tcp" not in deployment.reason


def test_a_replica_publishes_on_a_port_of_its_nodes_range(
    platform_for: object, engine: docker.APIClient, tmp_path: Path
) -> None:
    # Published ports from a per-node range (issue 18), on the real engine.
    # Ports no other test's installation publishes on and no listener is given.
    window, end = exact_port_window(10)
    platform: Platform = platform_for(port_range=(window, end))  # type: ignore[operator]
    platform.start_processes()
    repo = AppRepository(tmp_path / "app")
    repo.commit("one", dockerfile=app_dockerfile(), message="first release")
    service = web_service(platform, repo, replicas=2)
    deployment = platform.wait_for(platform.deploy(service))
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    published = set()
    for container in containers_of(engine, deployment.id):
        ports = engine.inspect_container(container["Id"])["NetworkSettings"]["Ports"]
        (binding,) = ports["8080/tcp"]
        published.add(int(binding["HostPort"]))
    assert published == {window, window + 1}
    platform.wait_answer("web", "release one\n")
