"""One client per node endpoint, made when first needed and kept: a Docker client for an
engine's address, the agent's connection for an ``agent://<node id>`` node (issue 18)."""

from __future__ import annotations

import threading

from adapters.agent_runtime import AgentRuntime, agent_node
from adapters.docker_runtime import DockerRuntime
from application.agent_operations import AgentSessions
from application.runtime_ports import ContainerRuntime


class DockerEngines:
    """NodeRuntimes over the Docker SDK, and over the agents' connections to this process."""

    def __init__(self, agents: AgentSessions | None = None) -> None:
        self._engines: dict[str, ContainerRuntime] = {}
        self.agents = agents or AgentSessions()
        """The agents' connections to this process (their nodes' engines are reached so)."""
        self._lock = threading.Lock()

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        """The engine at ``endpoint``."""
        with self._lock:
            engine = self._engines.get(endpoint)
            if engine is None:
                node_id = agent_node(endpoint)
                engine = (
                    AgentRuntime(node_id, self.agents)
                    if node_id is not None
                    else DockerRuntime(endpoint)
                )
                self._engines[endpoint] = engine
            return engine
