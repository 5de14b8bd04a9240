"""One client per node endpoint, made when first needed and kept: a Docker client for an
engine's address, the agent's connection for an ``agent://<node id>`` node (issue 18)."""

from __future__ import annotations

import threading
from uuid import UUID

from adapters.agent_runtime import AgentRuntime, agent_node
from adapters.docker_runtime import DockerRuntime
from application.agent_operations import AgentSessions
from application.errors import UnavailableError
from application.runtime_ports import ContainerRuntime, EngineAccess, EngineAccessLookup


class DockerEngines:
    """NodeRuntimes over the Docker SDK, and over the agents' connections to this process.

    ``access`` says how each engine endpoint is reached (its TLS client certificates and
    the address its ports are published at; issue 18). It is asked on every call, so a
    rotated certificate or a new address replaces the kept client at once. An agent's node
    is reached over the agent's own connection, with no certificates of Containr's.
    """

    def __init__(
        self, access: EngineAccessLookup | None = None, agents: AgentSessions | None = None
    ) -> None:
        self._access = access
        self._engines: dict[str, tuple[EngineAccess, DockerRuntime]] = {}
        self._agents: dict[str, AgentRuntime] = {}
        self.agents = agents or AgentSessions()
        """The agents' connections to this process (their nodes' engines are reached so)."""
        self._lock = threading.Lock()

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        """The engine at ``endpoint``."""
        node_id = agent_node(endpoint)
        if node_id is not None:
            return self._agent(endpoint, node_id)
        try:
            access = self._access(endpoint) if self._access is not None else EngineAccess()
        except UnavailableError:
            # The nodes' read model does not answer: keep reaching the engine as before.
            with self._lock:
                kept = self._engines.get(endpoint)
            if kept is None:
                raise
            return kept[1]
        with self._lock:
            kept = self._engines.get(endpoint)
            if kept is not None and _same(kept[0], access):
                return kept[1]
            engine = DockerRuntime(endpoint, tls=access.tls, address=access.address)
            self._engines[endpoint] = (access, engine)
        if kept is not None:
            kept[1].close()  # its calls in flight finish; new ones go to the new client
        return engine

    def _agent(self, endpoint: str, node_id: UUID) -> AgentRuntime:
        """The agent's runtime, its containers' ports reached at the node's address as the
        nodes' read model says now (an address set later applies at once)."""
        try:
            address = self._access(endpoint).address if self._access is not None else None
        except UnavailableError:
            address = None  # the read model does not answer: the address known before
        with self._lock:
            agent = self._agents.get(endpoint)
            if agent is None:
                agent = self._agents[endpoint] = AgentRuntime(node_id, self.agents)
            if address is not None:
                agent.address = address
            return agent

    def close(self) -> None:
        """Close every kept client (and remove its TLS files)."""
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for _, engine in engines:
            engine.close()


def _same(kept: EngineAccess, now: EngineAccess) -> bool:
    return (kept.address, kept.version, kept.tls is None) == (
        now.address,
        now.version,
        now.tls is None,
    )
