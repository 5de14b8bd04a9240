"""The Containr image and docker-compose.yml on this machine's Docker engine.

The Dockerfile is built through the engine's API (its Python base made locally, the
dashboard prebuilt, the docs too when CI's docs step built them); the compose file's services
are started by compose with their images mapped to local ones
(tests/integration/image_support.py); the installation then serves the dashboard and the
docs through its proxy and deploys an app that answers through its Caddy.
Everything the run makes is labelled with the run and removed afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import httpx
import pytest

from application.settings import Settings
from interfaces.http.docs import docs_are_stale
from tests.conftest import TEST_SECRET_KEY, service_missing
from tests.contract.docker_images import ensure_busybox_image
from tests.e2e.client import Client
from tests.e2e.conftest import free_port
from tests.installations import record_instance
from tests.integration.debian_images import ensure_debian_image
from tests.integration.image_support import (
    INSTANCE_LABEL,
    PYTHON,
    ROOT,
    RUN_LABEL,
    STAND_INS,
    Build,
    Stack,
    app_image,
    build_image,
    compose_command,
    new_run,
    remove_crashed_runs,
    remove_run,
    write_override,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.timeout(900)]

DIST = ROOT / "interfaces" / "web" / "dist"
COMPOSE_FILE = ROOT / "docker-compose.yml"
BUILD_DEADLINE = 600.0


@dataclass
class Installation:
    """The compose stack of one run: where its proxy and its Caddy listen."""

    engine: docker.APIClient
    stack: Stack
    run: str
    image: str
    api: str
    ingress: str
    caddy_admin_port: int

    def containers(self, service: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.engine.containers(
            all=True,
            filters={
                "label": [
                    f"{RUN_LABEL}={self.run}",
                    f"com.docker.compose.service={service}",
                ]
            },
        )
        return found


def _engine() -> docker.APIClient:
    try:
        engine = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
        engine.ping()
    except Exception as e:
        service_missing("Docker", e)
        raise AssertionError from None
    return engine


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    engine = _engine()
    command = compose_command()
    if command is None:
        service_missing("Docker Compose", "neither `docker compose` nor `docker-compose` runs")
        raise AssertionError
    if shutil.which("mmdebstrap") is None:
        service_missing("mmdebstrap", "it makes the base images (Debian package mmdebstrap)")
    if not (DIST / "index.html").is_file():
        service_missing("the built dashboard", f"no {DIST}/index.html (npm ci && npm run build)")
    remove_crashed_runs(engine)
    run = new_run()
    labels = {RUN_LABEL: run}
    python = ensure_debian_image(engine, PYTHON)
    images = {image: ensure_debian_image(engine, recipe) for image, recipe in STAND_INS.items()}
    ensure_busybox_image(engine)
    build: Build | None = None
    stack: Stack | None = None
    try:
        build = build_image(
            engine,
            tag=f"containr-test/containr:{run}",
            buildargs={
                "PYTHON_IMAGE": python,
                "NODE_IMAGE": python,
                "WEB_DIST": "prebuilt",
                # The site CI's docs step built, when current; else MkDocs in the build.
                "DOCS": "build" if docs_are_stale(ROOT) else "prebuilt",
            },
            labels=labels,
            deadline=BUILD_DEADLINE,
            run=run,
        )
        images["containr:latest"] = build.tag
        ports = {name: free_port() for name in ("api", "ingress", "postgres", "redis", "admin")}
        # The worker reaches PostgreSQL on the host's loopback: this names its installation.
        worker = Settings(
            database_url=f"postgresql://containr:containr@127.0.0.1:{ports['postgres']}/containr"
        )
        record_instance(worker)  # its networks: see tests/prune-networks
        override = tmp_path_factory.mktemp("compose") / "override.yml"
        write_override(override, COMPOSE_FILE, images, labels, {INSTANCE_LABEL: worker.instance})
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("CONTAINR_", "COMPOSE_"))
        }
        environment.update(
            CONTAINR_SECRET_KEY=TEST_SECRET_KEY,
            DOCKER_GID=str(os.stat("/var/run/docker.sock").st_gid),
            API_PORT=str(ports["api"]),
            INGRESS_LISTEN=f"127.0.0.1:{ports['ingress']}",
            POSTGRES_PORT=str(ports["postgres"]),
            REDIS_PORT=str(ports["redis"]),
            CADDY_ADMIN_PORT=str(ports["admin"]),
        )
        stack = Stack(
            command=command,
            project=f"containr-image-{run}",
            compose_file=COMPOSE_FILE,
            override=override,
            environment=environment,
        )
        stack.up("--scale", "api=2")
        installed = Installation(
            engine=engine,
            stack=stack,
            run=run,
            image=build.tag,
            api=f"http://127.0.0.1:{ports['api']}",
            ingress=f"127.0.0.1:{ports['ingress']}",
            caddy_admin_port=ports["admin"],
        )
        _until(lambda: _answers(installed.api + "/healthz"), 90, "the proxy to answer", stack)
        yield installed
    finally:
        if stack is not None:
            stack.down()
        remove_run(engine, run)
        if build is not None:
            build.remove(engine)
        engine.close()


def test_the_image_runs_containr_unprivileged_and_checks_its_own_health(
    installation: Installation,
) -> None:
    config = installation.engine.inspect_image(installation.image)["Config"]
    assert config["User"] == "containr"
    assert config["Entrypoint"] == ["containr"]
    assert any("/healthz" in part for part in config["Healthcheck"]["Test"])
    replicas = installation.containers("api")
    assert len(replicas) == 2  # --scale api=2: no fixed name or published port in the way

    def healthy() -> bool:
        states = [installation.engine.inspect_container(c["Id"])["State"] for c in replicas]
        return all(state.get("Health", {}).get("Status") == "healthy" for state in states)

    _until(healthy, 60, "both api replicas to pass the image's health check", installation.stack)
    migrate = installation.containers("migrate")
    assert [c["State"] for c in migrate] == ["exited"]
    assert installation.engine.inspect_container(migrate[0]["Id"])["State"]["ExitCode"] == 0


def test_the_stack_serves_the_dashboard_docs_and_health_through_its_proxy(
    installation: Installation,
) -> None:
    with httpx.Client(base_url=installation.api, timeout=10) as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz").json()
        assert ready["status"] == "ready", ready
        page = http.get("/")
        assert page.status_code == 200
        assert page.text == (DIST / "index.html").read_text()
        scripts = re.findall(r'src="(/assets/[^"]+\.js)"', page.text)
        assert scripts, page.text
        script = http.get(scripts[0])
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        docs = http.get("/docs/")  # built into the image
        assert docs.status_code == 200
        assert "<title>Containr</title>" in docs.text, docs.text[:500]


CREATE_SERVICE = """mutation($p: ID!, $image: String!) {
  createService(projectId: $p, name: "web", kind: "web", settings: {
    image: $image, port: 8080,
    healthCheck: {kind: "http", path: "/healthz", intervalSeconds: 0.5, retries: 30}
  }) { id }
}"""


def test_the_stack_deploys_an_app_that_answers_through_its_caddy_and_cannot_reach_its_admin(
    installation: Installation,
) -> None:
    engine = installation.engine
    body = f"hello from run {installation.run}\n"
    image = app_image(
        engine,
        ensure_busybox_image(engine),
        f"containr-test/image-app:{installation.run}",
        body,
        {RUN_LABEL: installation.run},
    )
    client = Client(installation.api)
    try:
        # signUp answers once the read models (the worker's) show the new account, and each
        # mutation once they show its change: any api replica then sees it.
        org = client.sign_up(f"owner-{uuid.uuid4().hex[:6]}@example.com")["organizationId"]
        project = client(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") '
            "{ id slug environments { id name } } }",
            o=org,
        )["createProject"]
        production = next(e["id"] for e in project["environments"] if e["name"] == "production")
        service = client(CREATE_SERVICE, p=project["id"], image=image)["createService"]["id"]
        deployment = client(
            "mutation($s: ID!, $e: ID!) { deployService(serviceId: $s, environmentId: $e) { id } }",
            s=service,
            e=production,
        )["deployService"]["id"]

        def state() -> dict[str, Any]:
            found: dict[str, Any] = client(
                "query($id: ID!) { deployment(id: $id) { state reason } }", id=deployment
            )["deployment"]
            return found

        _until(
            lambda: state()["state"] in ("healthy", "failed"),
            180,
            "the deployment to end",
            installation.stack,
        )
        ended = state()
        assert ended["state"] == "healthy", ended
        host = f"web.production.{project['slug']}.localhost"
        with httpx.Client(timeout=5) as http:

            def answers() -> bool:
                try:
                    response = http.get(f"http://{installation.ingress}/", headers={"Host": host})
                except httpx.TransportError:
                    return False
                return response.status_code == 200 and response.text == body

            _until(answers, 60, f"Caddy to answer for {host}", installation.stack)
        # The app's container reaches the host at its network's gateway: not Caddy's admin API.
        (replica,) = engine.containers(filters={"label": f"containr.deployment={deployment}"})
        networks = engine.inspect_container(replica["Id"])["NetworkSettings"]["Networks"]
        gateway = next(iter(networks.values()))["Gateway"]
        connect = ["nc", "-w", "3", gateway, str(installation.caddy_admin_port)]
        probe = engine.exec_create(replica["Id"], connect)
        output = engine.exec_start(probe["Id"]).decode(errors="replace")
        assert engine.exec_inspect(probe["Id"])["ExitCode"] == 1, output  # refused
    finally:
        client.http.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _until(condition: Any, timeout: float, what: str, stack: Stack) -> None:
    """Wait for ``condition`` with a deadline; on timeout, fail with the stack's logs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the stack's logs:\n{stack.logs()}")
        time.sleep(0.25)
