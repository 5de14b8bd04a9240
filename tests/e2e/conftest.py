"""Servers for end-to-end tests: `containr serve` in subprocesses on PostgreSQL and Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from adapters.caddy_process import CaddyServer, CaddyStartError
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.conftest import TEST_SECRET_KEY, service_missing
from tests.contract.docker_images import ensure_busybox_image
from tests.e2e.client import Client
from tests.installations import record_instance
from tests.integration.deploy_support import remove_containers

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
    # API tests drive deployments by hand; the deployment suites run the process managers.
    env.update(
        CONTAINR_DATA_DIR=settings.data_dir, CONTAINR_LOG_LEVEL="WARNING", CONTAINR_PROCESSES="off"
    )
    if settings.database_url:
        env.update(
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=TEST_SECRET_KEY,
        )
    if settings.redis_url:
        env["CONTAINR_REDIS_URL"] = settings.redis_url
    for field in ABUSE_LIMITS:
        value = getattr(settings, field)
        env[f"CONTAINR_{field.upper()}"] = (
            ",".join(value) if isinstance(value, tuple) else str(value)
        )
    return env


ABUSE_LIMITS = (
    "signup",
    "signup_limit_per_client",
    "signup_limit_global",
    "login_limit_per_email",
    "login_limit_per_client",
    "login_limit_global",
    "hashing_concurrency",
    "hashing_queue",
    "trusted_proxies",
)
"""Settings the server gets from the test's settings (the fixtures' open sign-up among them)."""


class Server:
    """A running `containr serve`."""

    def __init__(self, settings: Settings, *extra: str, env: dict[str, str] | None = None) -> None:
        self.clients: list[Client] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(settings.data_dir).parent / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "serve", "--port", str(self.port), *extra],
            env={**server_env(settings), **(env or {})},
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the server did not start: {Path(self.log.name).read_text()[-3000:]}")

    def client(self) -> Client:
        client = Client(self.url)
        self.clients.append(client)
        return client

    def stop(self) -> None:
        for client in self.clients:
            client.http.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                # Reaped too: an unreaped child is a ResourceWarning (an error here) in
                # whichever later test the garbage collector happens to run in.
                self.proc.wait(timeout=20)
        self.log.close()


@pytest.fixture
def server_settings(pg_settings: Settings, redis_url: str) -> Settings:
    return msgspec.structs.replace(pg_settings, redis_url=redis_url)


@pytest.fixture
def server(server_settings: Settings) -> Iterator[Server]:
    running = Server(server_settings)
    yield running
    running.stop()


@contextmanager
def deploying(server_settings: Settings, workdir: Path) -> Iterator[tuple[Server, str, Settings]]:
    """`containr serve` with the deployer and reconciler on, Docker and a Caddy of its own:
    the server, where Caddy serves the deployed services, and the server's settings."""
    try:
        import docker  # noqa: PLC0415 - only to check the engine

        engine = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
        engine.ping()
    except Exception as e:
        service_missing("Docker", e)
        raise AssertionError from None
    ensure_busybox_image(engine)
    caddy = CaddyServer(workdir / "caddy")
    try:
        caddy.start()
    except CaddyStartError as e:
        service_missing("Caddy", e)
    listen = f"127.0.0.1:{free_port()}"
    settings = msgspec.structs.replace(
        server_settings, ingress_admin=caddy.admin_url, ingress_listen=listen
    )
    record_instance(settings)  # its networks: see tests/prune-networks
    server = Server(
        settings,
        env={
            "CONTAINR_PROCESSES": "on",
            "CONTAINR_INGRESS_ADMIN": caddy.admin_url,
            "CONTAINR_INGRESS_LISTEN": listen,
        },
    )
    try:
        yield server, listen, settings
    finally:
        server.stop()
        caddy.stop()
        remove_containers(engine, {"containr.instance": settings.instance})
        engine.close()


@contextmanager
def in_process(settings: Settings) -> Iterator[tuple[Services, Client]]:
    """The API in this process (Litestar's test client) with its projections, and a client
    signed in as the installation's first owner."""
    app = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        client = Client("http://testserver", http)  # type: ignore[arg-type]
        client.sign_up("owner@example.com")
        yield app, client
    app.close()


@pytest.fixture
def setup(sqlite_settings: Settings) -> Iterator[tuple[Services, Client]]:
    """The API in this process on an embedded store, its owner signed in."""
    with in_process(sqlite_settings) as served:
        yield served
