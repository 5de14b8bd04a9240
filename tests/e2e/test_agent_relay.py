# ruff: noqa: F811 - the test's parameters name the fixtures imported from test_agent_operations
"""An agent connected to the API process serves the worker's process managers (issue 18), as
in docker-compose.yml: the API (no process managers) holds the agent's WebSocket, and a worker
in another set of services (its deployer, reconciler and health monitor) deploys to the
agent's node, follows its replica's log and reaches it on demand, its operations carried
between the two over the real Redis.

Real parts: PostgreSQL, Redis, the local Docker engine behind a real `containr agent run`
subprocess, Caddy. Neither side's own engine address answers: the node is reached only
through the agent.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import docker
import msgspec
import pytest

from adapters.agent_runtime import AgentRuntime
from adapters.auth import Argon2Hasher
from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer
from application.agent_operations import AgentRefusedOperationError
from application.logs import LogQuery
from application.processes.support import INSTANCE, ORGANIZATION
from application.runtime_ports import EngineUnreachableError
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from tests.e2e import conftest as e2e
from tests.e2e.client import Client
from tests.e2e.test_agent_operations import (  # noqa: F401
    TOKEN,
    AgentProcess,
    ControlPlane,
    answer,
    caddy,
    cli,
    deploy_web_on,
    engine,
    named,
    probe_spec,
)
from tests.installations import record_instance
from tests.integration.deploy_support import remove_containers, until


def test_the_workers_process_managers_reach_an_agent_connected_to_the_api_through_redis(
    pg_settings: Settings,
    redis_url: str,
    engine: docker.APIClient,
    caddy: CaddyServer,
    tmp_path: Path,
) -> None:
    listen = f"127.0.0.1:{e2e.free_port()}"
    settings = msgspec.structs.replace(
        pg_settings,
        redis_url=redis_url,
        ingress_admin=caddy.admin_url,
        ingress_listen=listen,
        docker_host=f"tcp://127.0.0.1:{e2e.free_port()}",
    )
    record_instance(settings)
    instance = settings.instance
    port = e2e.free_port()
    url = f"http://127.0.0.1:{port}"
    api = ControlPlane(settings, port, processes=False)
    worker = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    stop = threading.Event()
    threads: list[threading.Thread] = []
    agents: list[AgentProcess] = []
    try:
        owner = Client(url)
        organization = owner.sign_up("owner@example.com")["organizationId"]
        token = owner(TOKEN, o=organization, m=10)["createJoinToken"]["token"]
        state_dir = tmp_path / "agent"
        joined = cli("agent", "join", url, token, "--name", "host-a", "--state-dir", str(state_dir))
        assert joined.returncode == 0, joined.stderr
        node_id = uuid.UUID(json.loads((state_dir / "agent.json").read_text())["node_id"])
        assert api.services.agents is not None and worker.agents is not None
        here, there = api.services.agents.sessions, worker.agents.sessions
        runtime = AgentRuntime(node_id, there)

        # No process holds the agent yet: the worker is told at once, not after a deadline.
        with pytest.raises(EngineUnreachableError, match="not connected to this control plane"):
            runtime.containers({})

        agents.append(AgentProcess(state_dir, tmp_path / "agent-1.log"))
        until(lambda: here.connected(node_id), 60, "the agent to connect to the API")
        assert not there.connected(node_id)  # the worker holds no connection of its own
        until(runtime.ping, 30, "the worker to reach the agent through the API")

        # The worker's deployer places a release on the agent's node, and it answers.
        threads += worker.run_projections(stop)
        threads += worker.run_processes(stop)
        project, deployment_id = deploy_web_on(api.services, organization, node_id)
        [replica] = engine.containers(
            all=True, filters={"label": [f"containr.deployment={deployment_id}"]}
        )
        slug = api.services.queries.project(project).slug
        until(
            lambda: answer(listen, f"web.production.{slug}.localhost") == "on the agent\n",
            60,
            "the ingress to answer",
        )

        def runtime_log() -> list[str]:
            query = LogQuery(deployment_id=deployment_id, stream="runtime", limit=100)
            return [entry.line for entry in api.services.logs.read(query)]

        # the worker's reconciler follows the replica's output, streamed through the API
        until(lambda: "tick" in runtime_log(), 60, "the replica's log followed by the worker")

        # One operation id, sent by the worker and then by the API itself: one container.
        mine = {INSTANCE: instance, ORGANIZATION: organization}
        name = f"containr-probe-{uuid.uuid4().hex[:8]}"
        operation = f"probe-{uuid.uuid4().hex}"
        spec = {"spec": msgspec.to_builtins(probe_spec(name, mine))}
        first = runtime.call("create", spec, operation_id=operation)
        again = AgentRuntime(node_id, here).call("create", spec, operation_id=operation)
        assert again["id"] == first["id"]
        assert len(named(engine, name)) == 1

        # The agent's refusals reach the worker as refusals.
        theirs = {**mine, ORGANIZATION: str(uuid.uuid4())}
        with pytest.raises(AgentRefusedOperationError, match="not this agent's"):
            runtime.create(probe_spec(f"containr-theirs-{uuid.uuid4().hex[:8]}", theirs))

        # The agent gone: the worker learns it from the API, and the replica keeps running.
        agents[0].kill()
        until(lambda: not here.connected(node_id), 60, "the connection to close")
        with pytest.raises(EngineUnreachableError):
            runtime.inspect(replica["Id"])
        assert engine.inspect_container(replica["Id"])["State"]["Running"]
        owner.http.close()
    finally:
        for agent in agents:
            agent.kill()
        stop.set()
        for thread in threads:
            thread.join(30)
        worker.close()
        api.stop()
        remove_containers(engine, {INSTANCE: instance})
        ingress = CaddyIngress(caddy.admin_url, listen=listen)
        for route in ingress.routes():
            if route.id.startswith(f"containr-{instance}-"):
                ingress.remove(route.id)
        ingress.close()
