"""The API over real HTTP and WebSocket, on PostgreSQL and Redis, in server processes."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from application import commands as c
from application.bus import Context
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import Server
from tests.integration.deploy_support import AppRepository

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SETUP = """
mutation($org: ID!) {
  createProject(organizationId: $org, name: "Shop") { id organizationId }
}"""
DEPLOYMENT = """subscription($id: ID!) {
  deploymentUpdated(deploymentId: $id) { id state reason position }
}"""


def create_service(client: Client, project: str, where: Path) -> str:
    """A web service built from a repository made in ``where`` (it is checked when set)."""
    repository = AppRepository(where / "shop")
    repository.commit("1")
    data = client(
        """mutation($p: ID!, $url: String!) {
        createService(projectId: $p, name: "web", kind: "web",
                      settings: {git: {repositoryUrl: $url}, port: 8080}) {
          id name kind replicas
        }
    }""",
        p=project,
        url=repository.url,
    )
    return data["createService"]["id"]  # type: ignore[no-any-return]


def report_outcomes(settings: Settings, deployment: str) -> None:
    """Drive a deployment to healthy the way the process managers will (system commands)."""
    app = bootstrap(settings)
    try:
        ctx = Context(actor="system:test-deployer")  # type: ignore[arg-type]
        ident = uuid.UUID(deployment)
        for command in (
            c.StartBuild(deployment_id=ident, operation_id="e2e-b"),
            c.RecordBuilt(deployment_id=ident, operation_id="e2e-i", image="shop:1"),
            c.StartReplicas(deployment_id=ident, operation_id="e2e-s"),
            c.RecordHealthy(deployment_id=ident, operation_id="e2e-h"),
        ):
            app.execute(command, ctx)
    finally:
        app.close()


def test_sign_up_create_and_deploy_while_a_subscription_sees_every_state_in_order(
    server: Server, server_settings: Settings, tmp_path: Path
) -> None:
    client = server.client()
    signed = client.sign_up(f"owner-{uuid.uuid4().hex[:6]}@example.com", "Owner")
    org = signed["organizationId"]
    assert org is not None  # the first user of a fresh install gets an organisation
    viewer = client("{ viewer { email organizations { id role } } }")["viewer"]
    assert viewer["organizations"] == [{"id": org, "role": "owner"}]
    project = client(SETUP, org=org)["createProject"]
    service = create_service(client, project["id"], tmp_path)
    envs = client(
        "query($id: ID!) { project(id: $id) { environments { id name } } }", id=project["id"]
    )["project"]["environments"]
    production = next(e["id"] for e in envs if e["name"] == "production")
    deployment = client(
        """mutation($s: ID!, $e: ID!) {
        deployService(serviceId: $s, environmentId: $e) { id state }
    }""",
        s=service,
        e=production,
    )["deployService"]
    assert deployment["state"] == "queued"  # the mutation answers from the read model
    seen: list[str] = []
    with client.subscribe(DEPLOYMENT, id=deployment["id"]) as subscription:
        seen.append(subscription.next()["deploymentUpdated"]["state"])
        worker = threading.Thread(target=report_outcomes, args=(server_settings, deployment["id"]))
        worker.start()
        while seen[-1] != "healthy":
            seen.append(subscription.next()["deploymentUpdated"]["state"])
        worker.join()
    assert seen[0] == "queued" and seen[-1] == "healthy"
    order = ["queued", "building", "built", "starting", "healthy"]
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
    states = client(
        "query($id: ID!) { service(id: $id) { states { liveImage latestState } } }", id=service
    )["service"]["states"]
    assert states == [{"liveImage": "shop:1", "latestState": "healthy"}]


def test_a_subscription_resumes_after_the_position_it_last_saw(server: Server) -> None:
    client = server.client()
    signed = client.sign_up(f"r-{uuid.uuid4().hex[:6]}@example.com")
    project = client(SETUP, org=signed["organizationId"])["createProject"]["id"]
    activity = """subscription($p: ID!, $after: Int!) {
        projectActivity(projectId: $p, after: $after) { position action }
    }"""
    with client.subscribe(activity, p=project, after=0) as subscription:
        first = subscription.next()["projectActivity"]
    client('mutation($p: ID!) { renameProject(id: $p, name: "Shop 2") { name } }', p=project)
    client('mutation($p: ID!) { renameProject(id: $p, name: "Shop 3") { name } }', p=project)
    with client.subscribe(activity, p=project, after=first["position"]) as subscription:
        resumed = [subscription.next()["projectActivity"] for _ in range(2)]
    assert [r["action"] for r in resumed] == ["Project.Renamed", "Project.Renamed"]
    assert resumed[0]["position"] > first["position"]


def test_two_api_processes_a_subscriber_on_one_sees_a_mutation_through_the_other(
    server: Server, server_settings: Settings, tmp_path: Path
) -> None:
    other = Server(server_settings, "--workers-external")
    try:
        a, b = server.client(), other.client()
        signed = a.sign_up(f"two-{uuid.uuid4().hex[:6]}@example.com")
        b.token = a.token
        project = a(SETUP, org=signed["organizationId"])["createProject"]["id"]
        service = create_service(a, project, tmp_path)
        with a.subscribe(
            """subscription($s: ID!) { serviceUpdated(serviceId: $s) {
                id replicas } }""",
            s=service,
        ) as subscription:
            assert subscription.next()["serviceUpdated"]["replicas"] == 1
            b("mutation($s: ID!) { scaleService(id: $s, replicas: 3) { replicas } }", s=service)
            assert subscription.next()["serviceUpdated"]["replicas"] == 3
    finally:
        other.stop()


def test_expired_forged_and_revoked_tokens_are_refused(server: Server) -> None:
    client = server.client()
    signed = client.sign_up(f"t-{uuid.uuid4().hex[:6]}@example.com")
    good = signed["accessToken"]
    header, payload, signature = good.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    for token in (forged, "not-a-token", good + "x"):
        body = client.raw("{ viewer { id } }", token=token)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", token
    created = client("""mutation { createApiToken(name: "ci", scopes: ["read"]) { id token } }""")
    api_token = created["createApiToken"]["token"]
    assert client.raw("{ viewer { id } }", token=api_token)["data"]["viewer"]["id"]
    client("mutation($id: ID!) { revokeApiToken(id: $id) }", id=created["createApiToken"]["id"])
    body = client.raw("{ viewer { id } }", token=api_token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "revoked" in body["errors"][0]["message"]
    refreshed = client(
        "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }",
        r=signed["refreshToken"],
    )
    assert refreshed["refreshSession"]["accessToken"]
    again = client.raw(
        "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }",
        {"r": signed["refreshToken"]},
    )
    assert again["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # single use
    # Reusing a rotated refresh token ends the session: its access tokens stop working too.
    body = client.raw("{ viewer { id } }", token=refreshed["refreshSession"]["accessToken"])
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    client.token = good
    with pytest.raises(GraphQLError) as info:
        client("{ viewer { id } }")
    assert info.value.codes == ["UNAUTHENTICATED"]


def test_login_is_rate_limited(server: Server) -> None:
    client = server.client()
    email = f"l-{uuid.uuid4().hex[:6]}@example.com"
    client.sign_up(email)
    codes: list[Any] = []
    for _ in range(12):
        body = client.raw(
            """mutation($e: String!) { logIn(email: $e, password: "wrong password!") {
            accessToken } }""",
            {"e": email},
            token="",
        )
        codes.append(body["errors"][0]["extensions"]["code"])
    assert codes[:10] == ["UNAUTHENTICATED"] * 10 and codes[-1] == "RATE_LIMITED"


def test_subscriptions_are_authorised_when_they_start(server: Server) -> None:
    owner = server.client()
    signed = owner.sign_up(f"s-{uuid.uuid4().hex[:6]}@example.com")
    project = owner(SETUP, org=signed["organizationId"])["createProject"]["id"]
    stranger = server.client()
    stranger.sign_up(f"x-{uuid.uuid4().hex[:6]}@example.com")
    activity = "subscription($p: ID!) { projectActivity(projectId: $p) { position } }"
    with (
        stranger.subscribe(activity, p=project) as subscription,
        pytest.raises(GraphQLError) as info,
    ):
        subscription.next()
    assert info.value.codes == ["FORBIDDEN"]
    anonymous = server.client()
    with (
        anonymous.subscribe(activity, token="", p=project) as subscription,
        pytest.raises(GraphQLError) as info,
    ):
        subscription.next()
    assert info.value.codes == ["UNAUTHENTICATED"]


def test_node_cluster_and_guest_subscriptions_replay_then_follow(server: Server) -> None:
    client = server.client()
    org = client.sign_up(f"infra-{uuid.uuid4().hex[:6]}@example.com")["organizationId"]
    client(
        'mutation($o: ID!) { registerNode(organizationId: $o, name: "edge-1", '
        'endpoint: "tcp://10.0.0.1:2376", cpuMillis: 1000, memoryMb: 1024) { id } }',
        o=org,
    )
    with client.subscribe(
        "subscription($o: ID!) { nodeUpdated(organizationId: $o) { name state position } }", o=org
    ) as nodes:
        first = nodes.next()["nodeUpdated"]
        assert first["name"] == "edge-1"
        client(
            'mutation($o: ID!) { registerNode(organizationId: $o, name: "edge-2", '
            'endpoint: "tcp://10.0.0.2:2376", cpuMillis: 1000, memoryMb: 1024) { id } }',
            o=org,
        )
        assert nodes.next()["nodeUpdated"]["name"] == "edge-2"

    cluster = client(
        'mutation($o: ID!) { registerCluster(organizationId: $o, name: "lab", '
        'url: "https://10.0.0.10:8006", tokenId: "root@pam!c", tokenSecret: "s3") { id } }',
        o=org,
    )["registerCluster"]["id"]
    with client.subscribe(
        "subscription($o: ID!) { clusterUpdated(organizationId: $o) { id name state } }", o=org
    ) as clusters:
        assert clusters.next()["clusterUpdated"] == {
            "id": cluster,
            "name": "lab",
            "state": "unknown",
        }
    with client.subscribe(
        "subscription($c: ID!) { guestUpdated(clusterId: $c) { name state pendingAction } }",
        c=cluster,
    ) as guests:
        client(
            'mutation($c: ID!) { createGuest(clusterId: $c, kind: "qemu", node: "pve1", '
            'name: "vm1") { id } }',
            c=cluster,
        )
        assert guests.next()["guestUpdated"] == {
            "name": "vm1",
            "state": "creating",
            "pendingAction": "create",
        }
