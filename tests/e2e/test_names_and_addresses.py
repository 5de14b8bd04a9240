"""What a newcomer reads (issue 12), through the API: where a live web service answers,
actors by name, what an audit entry concerns, releases by commit rather than id, and a
service's deployment list that follows every change over one subscription."""

from __future__ import annotations

import uuid
from typing import Any

from application import commands as c
from application.bus import Context
from application.services import Services
from tests.e2e.client import Client

SYSTEM = Context(actor="system:deployer")  # type: ignore[arg-type]
MODELS = ("dashboard", "history")
PROJECT = """mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") {
  id environments { id name } } }"""
SERVICE = """mutation($p: ID!, $name: String!, $kind: String!, $settings: ServiceInput) {
  createService(projectId: $p, name: $name, kind: $kind, settings: $settings) { id } }"""
DEPLOY = """mutation($s: ID!, $e: ID!) { deployService(serviceId: $s, environmentId: $e) {
  id position } }"""
URLS = """query($id: ID!) { service(id: $id) { states { urls { url host custom tls } } } }"""


def shop(client: Client) -> tuple[str, str]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    project = client(PROJECT, o=org)["createProject"]
    return project["id"], project["environments"][0]["id"]


def service(client: Client, project: str, name: str, kind: str, **settings: Any) -> str:
    created = client(SERVICE, p=project, name=name, kind=kind, settings=settings)
    return str(created["createService"]["id"])


def release(app: Services, client: Client, service_id: str, env: str, tag: str) -> str:
    """A deployment requested by the signed-in user, then made healthy by the deployer."""
    deployment = client(DEPLOY, s=service_id, e=env)["deployService"]["id"]
    ident = uuid.UUID(deployment)
    for command in (
        c.StartBuild(deployment_id=ident, operation_id=f"b{tag}"),
        c.RecordBuilt(
            deployment_id=ident, operation_id=f"i{tag}", image=f"shop:{tag}", commit=f"{tag * 40}"
        ),
        c.StartReplicas(deployment_id=ident, operation_id=f"s{tag}"),
        c.RecordHealthy(deployment_id=ident, operation_id=f"h{tag}"),
    ):
        app.execute(command, SYSTEM, wait_for=MODELS)
    return deployment


def test_a_live_web_service_lists_its_generated_address_and_its_own_domains(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    project, env = shop(client)
    web = service(
        client, project, "api", "web", image="busybox:1", port=80, domains=["shop.example.com"]
    )
    worker = service(client, project, "jobs", "worker", image="busybox:1")
    assert client(URLS, id=web)["service"]["states"] == []  # never deployed

    client(DEPLOY, s=web, e=env)
    queued = client(URLS, id=web)["service"]["states"]
    assert queued == [{"urls": []}]  # nothing live yet: nothing answers

    release(app, client, web, env, "a")
    release(app, client, worker, env, "b")
    assert client(URLS, id=web)["service"]["states"] == [
        {
            "urls": [
                {
                    "url": "http://api.production.shop.localhost:8080/",
                    "host": "api.production.shop.localhost",
                    "custom": False,
                    "tls": False,
                },
                {
                    "url": "http://shop.example.com:8080/",
                    "host": "shop.example.com",
                    "custom": True,
                    "tls": False,
                },
            ]
        }
    ]
    assert client(URLS, id=worker)["service"]["states"] == [{"urls": []}]
    # the project's cards read the same addresses (batched with the services)
    cards = client(
        "query($id: ID!) { project(id: $id) { services { name states { urls { url } } } } }",
        id=project,
    )["project"]["services"]
    assert {s["name"]: [u["url"] for st in s["states"] for u in st["urls"]] for s in cards} == {
        "api": ["http://api.production.shop.localhost:8080/", "http://shop.example.com:8080/"],
        "jobs": [],
    }


def test_audit_entries_name_their_actor_and_what_they_concern_in_plain_words(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    project, env = shop(client)
    web = service(client, project, "api", "web", image="busybox:1", port=80)
    first = release(app, client, web, env, "a")
    release(app, client, web, env, "b")
    client("mutation($d: ID!) { rollbackService(deploymentId: $d) { id } }", d=first)
    entries = client(
        """query($p: ID!) { auditLog(projectId: $p, first: 100) {
          nodes { actor actorName action concerns summary text } } }""",
        p=project,
    )["auditLog"]["nodes"]
    by_action: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_action.setdefault(entry["action"], []).append(entry)

    requested = by_action["Deployment.Requested"][-1]
    assert requested["actor"].startswith("user:")
    assert requested["actorName"] == "Tester"  # the name the owner signed up with
    assert requested["concerns"] == "api · production"
    healthy = by_action["Deployment.BecameHealthy"][-1]
    assert healthy["actorName"] == "Containr's deployer"
    assert healthy["concerns"] == "api · production"
    assert by_action["Service.Created"][-1]["concerns"] == "api"
    assert by_action["Project.Created"][-1]["concerns"] is None

    superseded = by_action["Deployment.Superseded"][0]
    assert str(uuid.UUID(superseded["summary"].rsplit(" ", 1)[-1]))  # the raw summary: an id
    assert superseded["text"] == "deployment superseded: superseded by bbbbbbb"
    rollback = by_action["Deployment.Requested"][0]  # newest first: the rollback's request
    assert "rollback to aaaaaaa" in rollback["text"], rollback


def test_a_deployment_names_who_requested_it_and_the_releases_its_reasons_mention(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    project, env = shop(client)
    web = service(client, project, "api", "web", image="busybox:1", port=80)
    release(app, client, web, env, "a")
    release(app, client, web, env, "b")
    rows = client(
        """query($s: ID!) { service(id: $s) { deployments { nodes {
          state reason reasonText requestedByName history { state reasonText } } } } }""",
        s=web,
    )["service"]["deployments"]["nodes"]
    newest, oldest = rows
    assert newest["requestedByName"] == oldest["requestedByName"] == "Tester"
    assert oldest["state"] == "superseded"
    assert oldest["reason"].startswith("superseded by ") and "bbbbbbb" not in oldest["reason"]
    assert oldest["reasonText"] == "superseded by bbbbbbb"
    assert oldest["history"][-1] == {"state": "superseded", "reasonText": "superseded by bbbbbbb"}


def test_a_services_deployments_arrive_as_they_change_after_the_position_given(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    project, env = shop(client)
    web = service(client, project, "api", "web", image="busybox:1", port=80)
    first = release(app, client, web, env, "a")
    rows = client(
        "query($s: ID!) { service(id: $s) { deployments { nodes { id position } } } }", s=web
    )["service"]["deployments"]["nodes"]
    after = max(r["position"] for r in rows)
    http: Any = client.http
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {client.token}"}}
        )
        assert ws.receive_json(timeout=10)["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription($s: ID!, $a: Int!) { serviceDeployments("
                    "serviceId: $s, after: $a) { id state position } }",
                    "variables": {"s": web, "a": after},
                },
            }
        )
        second = release(app, client, web, env, "b")
        seen: list[tuple[str, str]] = []
        positions: list[int] = []
        while (first, "superseded") not in seen:
            message = ws.receive_json(timeout=10)
            if message["type"] == "ping":
                continue
            assert message["type"] == "next", message
            row = message["payload"]["data"]["serviceDeployments"]
            seen.append((row["id"], row["state"]))
            positions.append(row["position"])
    assert positions == sorted(positions) and positions[0] > after  # nothing replayed twice
    assert (second, "healthy") in seen  # the new release, and the old one it replaced
    assert [s for i, s in seen if i == second][-1] == "healthy"


def test_every_response_carries_the_servers_clock_for_the_dashboard(
    setup: tuple[Services, Client],
) -> None:
    app, client = setup
    http: Any = client.http
    for response in (
        http.post("/graphql", json={"query": "{ viewer { id } }"}),
        http.get("/healthz"),
        http.get("/no/such/page.js"),
    ):
        stamped = int(response.headers["x-containr-time"])
        assert abs(stamped - app.clock.now().timestamp() * 1000) < 60_000, response.url


def test_a_live_audit_entry_arrives_with_its_words(setup: tuple[Services, Client]) -> None:
    app, client = setup
    project, env = shop(client)
    web = service(client, project, "api", "web", image="busybox:1", port=80)
    http: Any = client.http
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {client.token}"}}
        )
        assert ws.receive_json(timeout=10)["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription($p: ID!) { projectActivity(projectId: $p) { "
                    "action actorName concerns text } }",
                    "variables": {"p": project},
                },
            }
        )
        release(app, client, web, env, "a")
        entries: list[dict[str, Any]] = []
        while not any(e["action"] == "Deployment.BecameHealthy" for e in entries):
            message = ws.receive_json(timeout=10)
            if message["type"] == "ping":
                continue
            assert message["type"] == "next", message
            entries.append(message["payload"]["data"]["projectActivity"])
    healthy = next(e for e in entries if e["action"] == "Deployment.BecameHealthy")
    assert healthy["actorName"] == "Containr's deployer"
    assert healthy["concerns"] == "api · production"
    assert healthy["text"].startswith("deployment healthy")
    requested = next(e for e in entries if e["action"] == "Deployment.Requested")
    assert requested["actorName"] == "Tester"
