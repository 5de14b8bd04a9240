"""The processes of docker-compose.yml, without containers: migrate, an API that leaves the
projections to a worker, and the worker, on PostgreSQL and Redis."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from application.settings import Settings
from tests.e2e.conftest import ROOT, Server, server_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_migrate_then_api_and_worker_serve_together(server_settings: Settings) -> None:
    env = server_env(server_settings)
    subprocess.run(
        [sys.executable, "-m", "interfaces", "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "interfaces", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = Server(server_settings, "--workers-external")
    try:
        client = api.client()
        org = client.sign_up(f"c-{uuid.uuid4().hex[:6]}@example.com")["organizationId"]
        created = client(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id name } }',
            o=org,
        )["createProject"]
        assert created["name"] == "Shop"  # answered after the worker's projection caught up
        ready = client.http.get("/readyz").json()
        assert ready["redis"] == "ok" and ready["status"] == "ready"
    finally:
        api.stop()
        worker.terminate()
        worker.wait(timeout=20)
