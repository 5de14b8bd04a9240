"""Servers for end-to-end tests: `containr serve` in subprocesses on PostgreSQL and Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from application.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.e2e.client import Client

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
    return env


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
        self.log.close()


@pytest.fixture
def server_settings(pg_settings: Settings, redis_url: str) -> Settings:
    return msgspec.structs.replace(pg_settings, redis_url=redis_url)


@pytest.fixture
def server(server_settings: Settings) -> Iterator[Server]:
    running = Server(server_settings)
    yield running
    running.stop()
