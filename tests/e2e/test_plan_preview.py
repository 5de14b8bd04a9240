"""buildPlan over GraphQL, with the real Docker engine answering for the base images.

This machine's engine has no registry it can reach (TESTING.md): ``node:20-bookworm-slim`` is
neither on it nor pullable, while the imported busybox base image is on it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from application.services import Services
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.e2e.client import Client

pytestmark = pytest.mark.docker

NODE_IMAGE = "node:20-bookworm-slim"
CREATE = """mutation($p: ID!, $url: String!) { createService(projectId: $p, name: "web",
  kind: "web", settings: {git: {repositoryUrl: $url}, port: 3000}) { id } }"""
PLAN = "query($s: ID!) { buildPlan(serviceId: $s) { runtime dockerfile problems } }"


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    try:
        client = docker.APIClient(version="auto", timeout=30)
        client.ping()
        ensure_busybox_image(client)
    except Exception as e:  # the engine is absent or broken: say so, do not crash
        service_missing("Docker", e)
        raise AssertionError from None  # unreachable: service_missing skips or fails
    try:
        client.inspect_image(NODE_IMAGE)
        pytest.fail(f"{NODE_IMAGE} is on this engine: these tests need it absent")
    except docker.errors.ImageNotFound:
        pass
    yield client
    client.close()


def repository(where: Path, files: dict[str, str]) -> str:
    where.mkdir(parents=True)
    for name, text in files.items():
        (where / name).write_text(text)
    git = ["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    return where.as_uri()


def plan_for(client: Client, url: str) -> dict[str, object]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id } }', o=org
    )["createProject"]["id"]
    service = client(CREATE, p=project, url=url)["createService"]["id"]
    return client(PLAN, s=service)["buildPlan"]  # type: ignore[no-any-return]


def test_a_node_app_whose_base_image_the_engine_cannot_get_is_warned_about(
    engine: docker.APIClient, setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    url = repository(
        tmp_path / "node-app",
        {"package.json": '{"name": "app", "scripts": {"start": "node s.js"}}', ".nvmrc": "20\n"},
    )

    plan = plan_for(client, url)

    assert plan["runtime"] == "node"
    line = str(plan["dockerfile"]).splitlines().index(f"FROM {NODE_IMAGE}") + 1
    expected = (
        f"line {line}: warning: the base image {NODE_IMAGE} is not on the engine and cannot "
        "be pulled: cannot reach the registry registry-1.docker.io (no such host); import or "
        f"pull {NODE_IMAGE} on the engine, or set a registry/base-image mapping (coming with "
        "multi-host work)"
    )
    assert expected in plan["problems"], plan["problems"]  # type: ignore[operator]


def test_a_base_image_the_engine_has_is_not_warned_about(
    engine: docker.APIClient, setup: tuple[Services, Client], tmp_path: Path
) -> None:
    _, client = setup
    url = repository(
        tmp_path / "busybox-app",
        {"Dockerfile": f'FROM {BASE_IMAGE}\nUSER 1000\nEXPOSE 8080\nCMD ["httpd", "-f"]\n'},
    )

    plan = plan_for(client, url)

    assert plan["runtime"] == "dockerfile"
    assert not any("base image" in str(p) for p in plan["problems"]), plan["problems"]  # type: ignore[attr-defined]
