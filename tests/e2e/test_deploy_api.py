"""Deployments through the GraphQL API of a real `containr serve` that runs the deployer and
the reconciler: Docker at the local socket, Caddy as the ingress, logs over subscriptions."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from application.settings import Settings
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import Server, deploying
from tests.integration.deploy_support import AppRepository, app_dockerfile

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

CREATE = """mutation($p: ID!, $url: String!) {
  createService(projectId: $p, name: "web", kind: "web", settings: {
    git: {repositoryUrl: $url}, port: 8080,
    healthCheck: {kind: "http", path: "/healthz", intervalSeconds: 0.3, retries: 30}
  }) { id }
}"""
DEPLOY = """mutation($s: ID!, $e: ID!) { deployService(serviceId: $s, environmentId: $e) { id } }"""
STATE = "query($id: ID!) { deployment(id: $id) { state reason image commit variablesVersion } }"


@pytest.fixture
def deploying_server(
    server_settings: Settings, tmp_path: Path
) -> Iterator[tuple[Server, str, Settings]]:
    with deploying(server_settings, tmp_path) as parts:
        yield parts


def wait_state(client: Client, deployment: str, states: set[str], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = client(STATE, id=deployment)["deployment"]
        if found["state"] in states:
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.2)


def test_deploy_watch_logs_redeploy_restart_cancel_and_roll_back_over_the_api(
    deploying_server: tuple[Server, str, Settings], tmp_path: Path
) -> None:
    server, listen, _ = deploying_server
    client = server.client()
    org = client.sign_up(f"o-{uuid.uuid4().hex[:6]}@example.com")["organizationId"]
    project = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id slug '
        "environments { id name } } }",
        o=org,
    )["createProject"]
    production = next(e["id"] for e in project["environments"] if e["name"] == "production")
    repo = AppRepository(tmp_path / "app")
    secret = f"pw-{uuid.uuid4().hex[:8]}"
    repo.commit("one", dockerfile=app_dockerfile(f"RUN echo db password {secret}\n"))
    service = client(CREATE, p=project["id"], url=repo.url)["createService"]["id"]
    client(
        "mutation($p: ID!, $e: ID!, $v: JSON!) { setVariables(projectId: $p, "
        "environmentId: $e, values: $v, serviceId: null) { name } }",
        p=project["id"],
        e=production,
        v={"DB_PASSWORD": secret},
    )
    plan = client(
        "query($s: ID!) { buildPlan(serviceId: $s) { runtime dockerfile problems } }", s=service
    )["buildPlan"]
    assert plan["runtime"] == "dockerfile" and "httpd" in plan["dockerfile"]

    first = client(DEPLOY, s=service, e=production)["deployService"]["id"]
    build_lines: list[str] = []
    with client.subscribe(
        "subscription($d: ID!) { buildLogs(deploymentId: $d) { id stream line } }", d=first
    ) as subscription:
        while not any("ready" in line for line in build_lines):
            build_lines.append(subscription.next(timeout=60)["buildLogs"]["line"])
    assert any("db password *****" in line for line in build_lines), build_lines
    assert not any(secret in line for line in build_lines)
    live = wait_state(client, first, {"healthy", "failed"})
    assert live["state"] == "healthy", live["reason"]
    host = f"web.production.{project['slug']}.localhost"
    assert _get(listen, host) == "release one\n"

    with client.subscribe(
        "subscription($d: ID!) { deploymentLogs(deploymentId: $d) { stream line } }", d=first
    ) as subscription:
        system = subscription.next(timeout=30)["deploymentLogs"]
    assert system["stream"] in ("system", "runtime")
    found = client(
        'query($s: ID!) { logs(serviceId: $s, text: "password") { lines { line } cursor } }',
        s=service,
    )["logs"]
    assert found["lines"] and all("password" in entry["line"] for entry in found["lines"])
    assert all(secret not in entry["line"] for entry in found["lines"])

    repo.commit("two")
    second = client(DEPLOY, s=service, e=production)["deployService"]["id"]
    assert wait_state(client, second, {"healthy", "failed"})["state"] == "healthy"
    assert _get(listen, host) == "release two\n"

    redeployed = client(
        "mutation($s: ID!, $e: ID!) { redeployService(serviceId: $s, environmentId: $e) "
        "{ id commit } }",
        s=service,
        e=production,
    )["redeployService"]
    assert wait_state(client, redeployed["id"], {"healthy", "failed"})["state"] == "healthy"
    restarted = client(
        "mutation($s: ID!, $e: ID!) { restartService(serviceId: $s, environmentId: $e) { id } }",
        s=service,
        e=production,
    )["restartService"]
    assert restarted["id"] == redeployed["id"]

    repo.commit("three", dockerfile=app_dockerfile("RUN sleep 600\n"))
    slow = client(DEPLOY, s=service, e=production)["deployService"]["id"]
    wait_state(client, slow, {"building"})
    cancelled = client("mutation($d: ID!) { cancelDeployment(id: $d) { state } }", d=slow)[
        "cancelDeployment"
    ]
    assert cancelled["state"] == "cancelled"
    assert _get(listen, host) == "release two\n"

    back = client(
        "mutation($d: ID!) { rollbackService(deploymentId: $d) { id rollbackOf } }", d=first
    )["rollbackService"]
    assert back["rollbackOf"] == first
    restored = wait_state(client, back["id"], {"healthy", "failed"})
    assert restored["state"] == "healthy", restored["reason"]
    assert restored["image"] == client(STATE, id=first)["deployment"]["image"]
    _until_answer(listen, host, "release one\n")

    with pytest.raises(GraphQLError) as refused:
        client(
            "mutation($d: ID!) { rollbackService(deploymentId: $d) { id } }", d=str(uuid.uuid4())
        )
    assert refused.value.codes == ["NOT_FOUND"]


def _get(listen: str, host: str) -> str:
    return httpx.get(f"http://{listen}/", headers={"Host": host}, timeout=5).text


def _until_answer(listen: str, host: str, body: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while _get(listen, host) != body:
        assert time.monotonic() < deadline, f"never answered {body!r}"
        time.sleep(0.1)
