"""docker-compose.yml describes the server setup; a test starts the same processes without
containers (the test in tests/e2e runs `serve --workers-external` beside `worker`)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_declares_the_server_setup() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api", "worker"} <= set(services)
    assert services["api"]["command"][1:3] == ["serve", "--host"]
    assert "--workers-external" in services["api"]["command"]
    assert services["worker"]["command"][1] == "worker"
    for name in ("postgres", "redis", "api"):
        assert "healthcheck" in services[name], name
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "postgres-data" in compose["volumes"]


def test_compose_installs_exactly_the_locked_versions() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["migrate"]["command"]
    assert "uv sync --frozen" in command
    assert "pip install -q /src" not in command
