"""docker-compose.yml, the Dockerfile and .dockerignore describe a complete installation:
what each promises, read from the files. tests/integration/test_image.py builds the image
and runs the stack on the engine; tests/e2e/test_server_setup.py runs the same processes
without containers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from docker.utils.build import exclude_paths

ROOT = Path(__file__).resolve().parents[2]
SOCKET = "/var/run/docker.sock"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def services() -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"]
    return found


def test_compose_runs_a_complete_installation() -> None:
    assert set(services()) == {"postgres", "redis", "migrate", "api", "proxy", "worker", "caddy"}


def test_containr_runs_from_the_image_built_from_the_dockerfile_never_installing_at_start() -> None:
    containr = {name: s for name, s in services().items() if s["image"] == "containr:latest"}
    assert set(containr) == {"migrate", "api", "worker"}
    for name, service in containr.items():
        assert service["build"] == ".", name
        assert "volumes" not in service or all(
            not str(v).startswith((".:", "./:")) for v in service["volumes"]
        ), f"{name} mounts the checkout"
        command = " ".join(service["command"])
        assert "pip" not in command and "uv " not in command, name
    assert services()["migrate"]["command"] == ["migrate"]
    assert services()["migrate"]["restart"] == "no"


def test_api_replicas_serve_without_workers_behind_the_proxy_and_scale() -> None:
    api = services()["api"]
    assert api["command"][:1] == ["serve"]
    assert "--workers-external" in api["command"]
    assert api["environment"]["CONTAINR_PROCESSES"] == "off"
    # Scalable: no fixed container name and no published port (the proxy publishes).
    assert "container_name" not in api and "ports" not in api
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    proxy = services()["proxy"]
    assert "api:8000" in proxy["command"]
    assert proxy["ports"] == ["${API_PORT:-8000}:8000"]
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    # The proxy is the API's only client: its X-Forwarded-For counts for the rate limits.
    assert api["environment"]["CONTAINR_TRUSTED_PROXIES"]


def test_the_worker_drives_the_hosts_engine_and_caddy() -> None:
    worker = services()["worker"]
    assert worker["command"] == ["worker"]
    assert f"{SOCKET}:{SOCKET}" in worker["volumes"]
    assert re.fullmatch(r"\$\{DOCKER_GID:\?.+\}", worker["group_add"][0])
    # Replicas publish their ports on the host's loopback, where it checks their health.
    assert worker["network_mode"] == "host"
    environment = worker["environment"]
    assert environment["CONTAINR_INGRESS_ADMIN"] == "http://127.0.0.1:${CADDY_ADMIN_PORT:-2019}"
    assert "@127.0.0.1:${POSTGRES_PORT:-5432}/" in environment["CONTAINR_DATABASE_URL"]
    assert environment["CONTAINR_REDIS_URL"] == "redis://127.0.0.1:${REDIS_PORT:-6379}/0"
    for needed in ("migrate", "redis", "caddy"):
        assert needed in worker["depends_on"], needed


def test_caddy_serves_deployed_services_and_keeps_its_admin_api_on_loopback() -> None:
    caddy = services()["caddy"]
    assert caddy["network_mode"] == "host"
    mounted = next(v for v in caddy["volumes"] if "Caddyfile" in v)
    source, target, _ = mounted.split(":")
    assert target in caddy["command"]
    caddyfile = (ROOT / source).read_text()
    assert re.search(r"^\s*admin 127\.0\.0\.1:\{\$CADDY_ADMIN_PORT:2019\}$", caddyfile, re.M)
    listen = services()["api"]["environment"]["CONTAINR_INGRESS_LISTEN"]
    assert listen == "${INGRESS_LISTEN:-:80}"
    # PostgreSQL and Redis are published on the host's loopback only, for the worker.
    for name in ("postgres", "redis"):
        assert all(p.startswith("127.0.0.1:") for p in services()[name]["ports"]), name


def test_every_long_running_service_has_a_health_check() -> None:
    for name in ("postgres", "redis", "proxy", "caddy"):
        assert services()[name]["healthcheck"]["test"], name
    # The api replicas use the image's own HEALTHCHECK (GET /healthz).
    assert "healthcheck" not in services()["api"]
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile(), re.M)


def test_the_secret_key_is_required_and_shared() -> None:
    keys = {
        name: s["environment"]["CONTAINR_SECRET_KEY"]
        for name, s in services().items()
        if s["image"] == "containr:latest"
    }
    assert len(set(keys.values())) == 1, keys
    assert next(iter(keys.values())).startswith("${CONTAINR_SECRET_KEY:?")


def test_data_lives_in_named_volumes() -> None:
    assert set(compose()["volumes"]) == {"postgres-data", "containr-data"}
    assert "postgres-data:/var/lib/postgresql/data" in services()["postgres"]["volumes"]
    assert "containr-data:/var/lib/containr" in " ".join(services()["worker"]["volumes"])


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_the_image_installs_exactly_the_locked_versions() -> None:
    text = dockerfile()
    assert "uv sync --frozen --no-dev --no-editable" in text
    installs = re.findall(r"pip install .*", text)
    assert installs and all(line.endswith('"uv==${UV_VERSION}"') for line in installs), installs


def test_the_image_is_multi_stage_and_runs_unprivileged() -> None:
    text = dockerfile()
    stages = re.findall(r"^FROM \S+ AS (\S+)$", text, re.M)
    assert stages == ["venv", "web", "docs", "runtime"]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.M)
    assert re.search(r"^ARG WEB_DIST=build$", text, re.M)
    assert re.search(r"^ARG DOCS=build$", text, re.M)
    assert re.search(r"^USER containr$", text, re.M)
    assert re.search(r'^ENTRYPOINT \["containr"\]$', text, re.M)


def test_the_build_context_leaves_out_environments_modules_data_and_tests() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    context = exclude_paths(str(ROOT), patterns, dockerfile="Dockerfile")
    for kept in ("pyproject.toml", "uv.lock", "domain/__init__.py", "mkdocs.yml", "docs/index.md"):
        assert kept in context, kept
    for left_out in (".venv", "node_modules", ".containr", "tests", "test-artifacts", ".git"):
        assert not [p for p in context if left_out in p.split("/")], left_out
