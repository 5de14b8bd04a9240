"""An agent node runs what the control plane deploys (issue 18), on real parts: the HTTP app
with its deployer and reconciler under uvicorn on PostgreSQL, a real `containr agent run`
subprocess on the real local Docker engine, and Caddy as the ingress.

The agent joins, a busybox web service placed on its node answers through Caddy; the agent
killed leaves its containers running; started again it reconnects, and an operation sent again
with the same operation id makes no second container; another organisation's container and a
forged credential are refused. Everything made carries the installation's label and goes away.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import msgspec
import pytest
import uvicorn

from adapters.agent_runtime import AgentRuntime
from adapters.auth import Argon2Hasher
from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer
from application import commands as c
from application.agent_operations import AgentRefusedOperationError
from application.bus import Context
from application.logs import LogQuery
from application.processes.support import INSTANCE, ORGANIZATION
from application.runtime_ports import ContainerSpec, EngineUnreachableError
from application.services import Services
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.ids import Actor
from domain.service_spec import HealthCheck, HealthCheckKind, ServiceKind
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image
from tests.e2e import conftest as e2e
from tests.e2e.client import Client
from tests.http_upstream import running_caddy
from tests.installations import record_instance
from tests.integration.deploy_support import remove_containers, until

ENGINE = "unix:///var/run/docker.sock"
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "mutation($o: ID!, $m: Int!) { createJoinToken(organizationId: $o, expiresInMinutes: $m) { token } }"
ACTOR = Context(actor=Actor("user:agent-test"))
HTTP_CHECK = HealthCheck(
    kind=HealthCheckKind.HTTP, path="/", interval_seconds=0.5, timeout_seconds=2, retries=40
)
# a line, then one a second (the release's log writes a batch as the next line comes)
SERVE = "echo serving on the agent; (while sleep 1; do echo tick; done) & mkdir -p /www && echo on the agent > /www/index.html && exec httpd -f -p 8080 -h /www"


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    try:
        client = docker.APIClient(base_url=ENGINE, version="auto", timeout=60)
        client.ping()
    except Exception as e:
        service_missing("Docker", e)
        raise AssertionError from None  # unreachable: service_missing skips or fails
    ensure_busybox_image(client)
    yield client
    client.close()


@pytest.fixture(scope="module")
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyServer]:
    yield from running_caddy(tmp_path_factory.mktemp("caddy"))


class ControlPlane:
    """The HTTP app with its projections, deployer and reconciler (unless ``processes`` is
    False: they run in a worker), under uvicorn."""

    def __init__(self, settings: Settings, port: int, *, processes: bool = True) -> None:
        self.services = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
        config = uvicorn.Config(
            create_app(self.services, run_projections=True, run_processes=processes),
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


class AgentProcess:
    """`containr agent run` as a subprocess of the test (its PID is the test's to kill)."""

    def __init__(self, state_dir: Path, log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "interfaces", "agent", "run", *self.options(state_dir)],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    @staticmethod
    def options(state_dir: Path) -> list[str]:
        return ["--state-dir", str(state_dir), "--engine", ENGINE, "--interval", "0.5"]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interfaces", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe_spec(name: str, labels: dict[str, str]) -> ContainerSpec:
    return ContainerSpec(name=name, image=BASE_IMAGE, labels=labels, command=["sleep", "600"])


def named(engine: docker.APIClient, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = engine.containers(all=True, filters={"name": f"^/{name}$"})
    return found


def following() -> bool:
    return any(t.name.startswith("containr-logs-") for t in threading.enumerate())


def deploy_web_on(
    services: Services, organization: str, node_id: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID]:
    """(project, release) of a busybox web service deployed on the agent's node, uncordoned
    as an admin would once it trusts the new host; the release must become healthy there."""
    services.execute(c.UncordonNode(node_id=node_id), ACTOR)
    created = services.execute(
        c.CreateProject(organization_id=uuid.UUID(organization), name="Shop"), ACTOR
    )
    project, production = created.id("project_id"), created.id("environment_id")
    service = services.execute(
        c.CreateService(
            project_id=project,
            name="web",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=SERVE,
            port=8080,
            health_check=HTTP_CHECK,
        ),
        ACTOR,
    ).id("service_id")
    deployment_id = services.execute(
        c.RequestDeployment(service_id=service, environment_id=production), ACTOR
    ).id("deployment_id")

    def settled() -> bool:
        state = services.queries.deployment(deployment_id).state
        return state in {DeploymentState.HEALTHY, DeploymentState.FAILED}

    until(settled, 120, "the release on the agent node")
    deployment = services.queries.deployment(deployment_id)
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    assert set(deployment.placements.values()) == {node_id}
    return project, deployment_id


def answer(listen: str, host: str) -> str | None:
    try:
        response = httpx.get(f"http://{listen}/", headers={"Host": host}, timeout=5)
    except httpx.TransportError:
        return None
    return response.text if response.status_code == 200 else None


def test_an_agent_node_runs_a_service_keeps_it_while_away_and_never_duplicates_an_operation(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, tmp_path: Path
) -> None:
    listen = f"127.0.0.1:{e2e.free_port()}"
    # The control plane's own engine is one no one answers at: on this machine the agent's
    # engine is the local one, and the control plane must reach it only through the agent.
    settings = msgspec.structs.replace(
        pg_settings,
        ingress_admin=caddy.admin_url,
        ingress_listen=listen,
        docker_host=f"tcp://127.0.0.1:{e2e.free_port()}",
    )
    record_instance(settings)
    instance = settings.instance
    port = e2e.free_port()
    url = f"http://127.0.0.1:{port}"
    plane = ControlPlane(settings, port)
    agents: list[AgentProcess] = []
    try:
        owner = Client(url)
        organization = owner.sign_up("owner@example.com")["organizationId"]
        token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
        state_dir = tmp_path / "agent"
        joined = cli("agent", "join", url, token, "--name", "host-a", "--state-dir", str(state_dir))
        assert joined.returncode == 0, joined.stderr
        state = json.loads((state_dir / "agent.json").read_text())
        assert state["installation"] == instance
        node_id = uuid.UUID(state["node_id"])
        gateway = plane.services.agents
        assert gateway is not None
        runtime = AgentRuntime(node_id, gateway.sessions)
        with pytest.raises(EngineUnreachableError, match="not connected"):
            runtime.containers({})

        agents.append(AgentProcess(state_dir, tmp_path / "agent-1.log"))
        until(lambda: gateway.sessions.connected(node_id), 60, "the agent to connect")

        # A service placed on the agent's node (its organisation's only node, uncordoned as
        # an admin would once it trusts the new host) answers.
        project, deployment_id = deploy_web_on(plane.services, organization, node_id)
        [replica] = engine.containers(
            all=True, filters={"label": [f"containr.deployment={deployment_id}"]}
        )
        assert replica["State"] == "running"
        assert replica["Labels"][ORGANIZATION] == organization
        slug = plane.services.queries.project(project).slug
        host = f"web.production.{slug}.localhost"
        until(lambda: answer(listen, host) == "on the agent\n", 60, "the ingress to answer")

        def runtime_log() -> list[str]:
            query = LogQuery(deployment_id=deployment_id, stream="runtime", limit=100)
            return [entry.line for entry in plane.services.logs.read(query)]

        # its output followed through the agent's connection into the release's log
        until(lambda: "serving on the agent" in runtime_log(), 60, "the replica's log line")

        # An operation with an operation id, done once.
        # not labelled managed: the reconciler removes managed containers no release wants
        mine = {INSTANCE: instance, ORGANIZATION: organization}
        name = f"containr-probe-{uuid.uuid4().hex[:8]}"
        operation = f"probe-{uuid.uuid4().hex}"
        first = runtime.call(
            "create",
            {"spec": msgspec.to_builtins(probe_spec(name, mine))},
            operation_id=operation,
        )

        # Refused: another organisation's container, one it did not make, and a bad argument.
        theirs = {**mine, ORGANIZATION: str(uuid.uuid4())}
        with pytest.raises(AgentRefusedOperationError, match="not this agent's"):
            runtime.create(probe_spec(f"containr-theirs-{uuid.uuid4().hex[:8]}", theirs))
        stranger = engine.create_container(
            BASE_IMAGE,
            command=["sleep", "600"],
            name=f"containr-stranger-{uuid.uuid4().hex[:8]}",
            labels={INSTANCE: instance, ORGANIZATION: str(uuid.uuid4())},
        )["Id"]
        with pytest.raises(AgentRefusedOperationError, match="not this agent's"):
            runtime.remove(stranger)
        assert engine.inspect_container(stranger)["Id"] == stranger  # untouched
        assert [i.id for i in runtime.containers({INSTANCE: instance})].count(stranger) == 0
        with pytest.raises(AgentRefusedOperationError, match="bad arguments"):
            runtime.call("stop", {"id": replica["Id"], "timeout": "soon"})

        # The agent killed: its containers keep running, and the service keeps answering.
        agents[0].kill()
        until(lambda: not gateway.sessions.connected(node_id), 60, "the connection to close")
        assert engine.inspect_container(replica["Id"])["State"]["Running"]
        assert answer(listen, host) == "on the agent\n"
        with pytest.raises(EngineUnreachableError):
            runtime.inspect(replica["Id"])

        # Back: it reconnects, and the same operation again is answered from its journal.
        agents.append(AgentProcess(state_dir, tmp_path / "agent-2.log"))
        until(lambda: gateway.sessions.connected(node_id), 60, "the agent to reconnect")
        again = runtime.call(
            "create",
            {"spec": msgspec.to_builtins(probe_spec(name, mine))},
            operation_id=operation,
        )
        assert again["id"] == first["id"]
        other_name = f"containr-probe-{uuid.uuid4().hex[:8]}"  # the same id decides, not the spec
        replayed = runtime.call(
            "create",
            {"spec": msgspec.to_builtins(probe_spec(other_name, mine))},
            operation_id=operation,
        )
        assert replayed["id"] == first["id"]
        # A new operation for a container that exists: it looks before it creates.
        assert runtime.create(probe_spec(name, mine)).id == first["id"]
        assert len(named(engine, name)) == 1
        assert named(engine, other_name) == []
        journal = state_dir / "operations.json"
        assert oct(journal.stat().st_mode & 0o777) == "0o600"
        assert (
            len(
                engine.containers(
                    all=True, filters={"label": [f"containr.deployment={deployment_id}"]}
                )
            )
            == 1
        )
        probe = runtime.inspect(first["id"])  # (not started: the default bridge may be absent)
        assert probe is not None and probe.state == "created" and probe.name == name

        # A forged credential is refused: that agent stops with an error.
        forged_dir = tmp_path / "forged"
        forged_dir.mkdir(mode=0o700)
        forged = {**state, "credential": f"cnc_{node_id.hex}_{'x' * 43}"}
        (forged_dir / "agent.json").write_text(json.dumps(forged))
        os.chmod(forged_dir / "agent.json", 0o600)
        refused = cli("agent", "run", "--state-dir", str(forged_dir), "--engine", ENGINE)
        assert refused.returncode == 1
        said = refused.stdout + refused.stderr
        assert "refused this agent" in said and "not valid" in said, said
        assert gateway.sessions.connected(node_id)  # the real agent keeps its connection
        owner.http.close()
    finally:
        for agent in agents:
            agent.kill()
        # the replicas' log followers end with the agent's connection: let them write their
        # last lines before the control plane closes its database pools
        sessions = plane.services.agents.sessions if plane.services.agents else None
        try:
            until(lambda: not (sessions and sessions.nodes()), 30, "the connections to close")
            until(lambda: not following(), 30, "the log followers to end")
        finally:
            plane.stop()
            remove_containers(engine, {INSTANCE: instance})
            with suppress(Exception):
                ingress = CaddyIngress(caddy.admin_url, listen=listen)
                for route in ingress.routes():
                    if route.id.startswith(f"containr-{instance}-"):
                        ingress.remove(route.id)
                ingress.close()
