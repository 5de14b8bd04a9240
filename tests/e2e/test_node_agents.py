"""Node agents (issue 18) against the real HTTP app on PostgreSQL: join tokens spent once and
expiring, credentials rotated and revoked, and `containr agent run`'s real code reading the real
local Docker engine, heard within a deadline, and reconnecting after a control-plane restart."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import uvicorn
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.cli.agent_link import STATE_FILE, AgentError, Connection, join, run
from interfaces.http.app import create_app
from tests.conftest import service_missing
from tests.e2e import conftest as e2e
from tests.e2e.client import Client, GraphQLError
from tests.integration.deploy_support import until

ENGINE = "unix:///var/run/docker.sock"
TOKEN = "mutation($o: ID!, $m: Int!) { createJoinToken(organizationId: $o, expiresInMinutes: $m) { token } }"
NODES = """query($o: ID!) { organization(id: $o) { nodes { id name kind schedulingState: state
  portStart portEnd agent { version connected credentialActive lastHeartbeatAt capabilities { key value }
          containers { name state } } } } }"""


class ShiftedClock:
    """The system's time, moved forward by ``offset`` when a test says so."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def engine_answers() -> None:
    try:
        import docker  # noqa: PLC0415 - only to check the engine

        client = docker.DockerClient(base_url=ENGINE, timeout=5)
        client.ping()
        client.close()
    except Exception as e:
        service_missing("Docker", e)


def nodes(owner: Client, organization: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = owner(NODES, o=organization)["organization"]["nodes"]
    return found


class RunningAgent:
    """`containr agent run`'s loop in a thread of the test (stopped by the test)."""

    def __init__(self, state_dir: Path) -> None:
        self.status = Connection()
        self.error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._main, args=(state_dir,), daemon=True)
        self._thread.start()

    def _main(self, state_dir: Path) -> None:
        try:
            self._loop.run_until_complete(
                run(state_dir, ENGINE, interval=0.5, stop=self._stop, status=self.status)
            )
        except BaseException as e:
            self.error = e

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        self._loop.close()


class ControlPlane:
    """The real HTTP app under uvicorn on a loopback port, in a thread of the test; stopping
    and starting it again on the same port is a control-plane restart."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.services = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
        config = uvicorn.Config(
            create_app(self.services, run_projections=True),
            host="127.0.0.1",
            port=port,
            lifespan="on",
            ws="websockets-sansio",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        until(lambda: self.server.started, 30, "the control plane to listen")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.services.close()


def test_an_agent_joins_is_heard_and_reconnects_after_a_control_plane_restart(
    pg_settings: Settings, tmp_path: Path
) -> None:
    engine_answers()
    port = e2e.free_port()
    url = f"http://127.0.0.1:{port}"
    plane: ControlPlane | None = ControlPlane(pg_settings, port)
    agent: RunningAgent | None = None
    try:
        owner = Client(url)
        organization = owner.sign_up("owner@example.com")["organizationId"]
        token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
        state_dir = tmp_path / "agent-a"
        joined = join(
            url, token, "host-a", state_dir, ENGINE, {"zone": "lab"}, port_range=(22000, 22999)
        )
        assert stat.S_IMODE(os.stat(state_dir / STATE_FILE).st_mode) == 0o600
        assert joined.credential.startswith("cnc_")
        with pytest.raises(AgentError, match=r"401 UNAUTHENTICATED: .*used already"):
            join(url, token, "host-b", tmp_path / "agent-b", ENGINE, {})

        agent = RunningAgent(state_dir)
        until(lambda: agent.status.acknowledged >= 1, 30, "the first acknowledged heartbeat")

        def heard() -> dict[str, Any] | None:
            node = next((n for n in nodes(owner, organization) if n["name"] == "host-a"), None)
            if node is None or not (node["agent"] and node["agent"]["lastHeartbeatAt"]):
                return None
            return node

        until(lambda: heard() is not None, 30, "the node's agent in GraphQL")
        node = heard()
        assert node is not None
        assert node["kind"] == "agent" and node["agent"]["connected"]
        assert (node["portStart"], node["portEnd"]) == (22000, 22999)
        caps = {c["key"]: c["value"] for c in node["agent"]["capabilities"]}
        assert caps["engine_version"] and int(caps["cpus"]) >= 1 and caps["architecture"]
        memory = 'query($n: ID!) { dockerNodeMetrics(nodeId: $n, metric: "node_memory_bytes") { value } }'
        until(
            lambda: bool(owner(memory, n=node["id"])["dockerNodeMetrics"]),
            30,
            "the agent's usage in the node's measurements",
        )

        plane.stop()
        plane = None
        until(lambda: not agent.status.connected, 30, "the agent to notice")
        seen = agent.status.acknowledged
        plane = ControlPlane(pg_settings, port)
        until(
            lambda: agent.status.connections >= 2 and agent.status.acknowledged > seen,
            60,
            "the agent to reconnect",
        )
        assert agent.error is None
        owner.http.close()
    finally:
        if agent is not None:
            agent.stop()
        if plane is not None:
            plane.stop()


@pytest.fixture
def api(pg_settings: Settings) -> Iterator[tuple[ShiftedClock, TestClient[Any], Client]]:
    clock = ShiftedClock()
    services = bootstrap(
        pg_settings, clock=clock, hasher=Argon2Hasher(time_cost=1, memory_cost=1024)
    )
    with TestClient(create_app(services, run_projections=True)) as http:
        owner = Client("http://testserver", http)  # type: ignore[arg-type]
        yield clock, http, owner
    services.close()


def post_join(http: TestClient[Any], token: str, name: str = "host-a") -> httpx.Response:
    body = {"token": token, "name": name, "cpuMillis": 2000, "memoryMb": 2048}
    return http.post("/agent/join", json=body)


def connect_refused(http: TestClient[Any], credential: str) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {credential}"}
    with http.websocket_connect("/agent/connect", headers=headers) as ws:
        answer: dict[str, Any] = msgspec.json.decode(ws.receive_text())
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4401
    return answer


def test_expired_reused_and_forged_tokens_and_old_or_revoked_credentials_are_refused(
    api: tuple[ShiftedClock, TestClient[Any], Client],
) -> None:
    clock, http, owner = api
    organization = owner.sign_up("owner@example.com")["organizationId"]
    expiring = owner(TOKEN, o=organization, m=1)["createJoinToken"]["token"]
    clock.offset = timedelta(minutes=2)
    refused = post_join(http, expiring)
    assert refused.status_code == 401 and "expired" in refused.json()["error"]["message"]
    assert post_join(http, "cjt_" + "x" * 43).status_code == 401  # forged
    assert post_join(http, "not a token").status_code == 401
    assert nodes(owner, organization) == []  # nothing recorded

    with pytest.raises(GraphQLError) as bad:
        owner(TOKEN, o=organization, m=0)
    assert bad.value.codes == ["VALIDATION_FAILED"]

    token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
    joined = post_join(http, token)
    assert joined.status_code == 201
    first = joined.json()["credential"]
    assert post_join(http, token, "host-b").status_code == 401  # spent

    beat: dict[str, Any] = {"type": "heartbeat", "seq": 1, "version": "0.1", "capabilities": {}}
    foreign = {"id": "c", "name": "theirs", "image": "x", "state": "running"}
    foreign["labels"] = {"containr.organization": "00000000-0000-0000-0000-000000000000"}
    with http.websocket_connect(
        "/agent/connect", headers={"authorization": f"Bearer {first}"}
    ) as ws:
        ws.send_text(msgspec.json.encode({**beat, "containers": [foreign]}).decode())
        answer = msgspec.json.decode(ws.receive_text())
        assert (answer["type"], answer["seq"]) == ("ack", 1)  # taken, the foreign one ignored
        [reported] = nodes(owner, organization)
        assert reported["agent"]["containers"] == []
        ws.send_text(msgspec.json.encode({**beat, "seq": 2}).decode())
        acked = msgspec.json.decode(ws.receive_text())
        assert (acked["type"], acked["seq"]) == ("ack", 2)

    rotated = http.post("/agent/rotate", headers={"authorization": f"Bearer {first}"})
    assert rotated.status_code == 200
    second = rotated.json()["credential"]
    assert (
        http.post("/agent/rotate", headers={"authorization": f"Bearer {first}"}).status_code == 401
    )
    assert connect_refused(http, first)["code"] == "UNAUTHENTICATED"

    node_id = joined.json()["nodeId"]
    assert owner("mutation($id: ID!) { revokeAgentCredential(id: $id) }", id=node_id)
    assert connect_refused(http, second)["type"] == "refused"
    assert (
        http.post("/agent/rotate", headers={"authorization": f"Bearer {second}"}).status_code == 401
    )
    [node] = nodes(owner, organization)
    assert node["agent"]["credentialActive"] is False


def test_an_agent_joins_with_the_address_its_node_is_reached_at_and_a_bad_one_spends_nothing(
    api: tuple[ShiftedClock, TestClient[Any], Client],
) -> None:
    _, http, owner = api
    organization = owner.sign_up("owner@example.com")["organizationId"]
    token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
    body = {"token": token, "name": "host-a", "cpuMillis": 2000, "memoryMb": 2048}
    refused = http.post("/agent/join", json={**body, "address": "not an address!"})
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "VALIDATION_FAILED"
    assert "address" in refused.json()["error"]["message"]

    joined = http.post("/agent/join", json={**body, "address": "10.100.7.11"})
    assert joined.status_code == 201, joined.text  # the token was not spent by the refusal
    query = "query($o: ID!) { organization(id: $o) { nodes { name kind address } } }"
    shown: list[dict[str, Any]] = []

    def node_shown() -> bool:  # a join is no mutation of the reader's: its read model follows
        shown[:] = owner(query, o=organization)["organization"]["nodes"]
        return bool(shown) and shown[0]["address"] != "127.0.0.1"

    until(node_shown, 30, "the joined node in the read model")
    assert shown == [{"name": "host-a", "kind": "agent", "address": "10.100.7.11"}]


def test_agents_at_one_address_join_with_port_ranges_apart_and_an_overlap_spends_nothing(
    api: tuple[ShiftedClock, TestClient[Any], Client],
) -> None:
    """Two hosts behind one address (NAT) publish on that address's ports: their nodes'
    ranges must not overlap. An overlapping or malformed range is refused and the token
    stays unspent; a range apart joins."""
    _, http, owner = api
    organization = owner.sign_up("owner@example.com")["organizationId"]
    body = {"cpuMillis": 2000, "memoryMb": 2048, "address": "10.100.7.11"}
    first = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
    joined = http.post(
        "/agent/join",
        json={**body, "token": first, "name": "host-a", "portRange": [20000, 20999]},
    )
    assert joined.status_code == 201, joined.text

    token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
    for bad, says in (
        (None, "overlaps 20000\u201320999, the range of node 'host-a'"),  # the default range
        ([20500, 21500], "overlaps 20000\u201320999"),
        ([21999, 21000], "after its end"),
        ([80, 1000], "unprivileged"),
    ):
        ranged = {} if bad is None else {"portRange": bad}
        refused = http.post(
            "/agent/join", json={**body, "token": token, "name": "host-b", **ranged}
        )
        assert refused.status_code == 400, refused.text
        error = refused.json()["error"]
        assert error["code"] == "VALIDATION_FAILED" and says in error["message"], error
    joined = http.post(
        "/agent/join",
        json={**body, "token": token, "name": "host-b", "portRange": [21000, 21999]},
    )
    assert joined.status_code == 201, joined.text  # the refusals spent nothing
    query = "query($o: ID!) { organization(id: $o) { nodes { name portStart portEnd } } }"
    shown: list[dict[str, Any]] = []

    def both_shown() -> bool:
        shown[:] = owner(query, o=organization)["organization"]["nodes"]
        return len(shown) == 2 and all(
            n["portStart"] != 20000 or n["name"] == "host-a" for n in shown
        )

    until(both_shown, 30, "the joined nodes in the read model")
    assert sorted((n["name"], n["portStart"], n["portEnd"]) for n in shown) == [
        ("host-a", 20000, 20999),
        ("host-b", 21000, 21999),
    ]
