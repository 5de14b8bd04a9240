"""A managed database's live figures, measured by its engine in its running replica: size
on disk and current connections, and the host port its engine port is published on."""

from __future__ import annotations

from uuid import UUID

import msgspec

from application.databases import ENGINES, parse_figures
from application.processes.support import DEPLOYMENT, ENVIRONMENT, SERVICE
from application.queries import Queries
from application.runtime_ports import ContainerEngineError, NodeRuntimes
from domain.ids import NodeId
from domain.service_spec import DatabaseSettings

PUBLISHED_HOST = "127.0.0.1"
"""Where a published engine port listens on its node (as every published replica port)."""


class DatabaseFiguresRow(msgspec.Struct, frozen=True, kw_only=True):
    """What the engine says now; ``problem`` says why a figure is missing."""

    running: bool
    published_port: int | None = None
    size_bytes: int | None = None
    connections: int | None = None
    problem: str | None = None


class DatabaseFigures:
    """Asks the engine of the node a database's live release runs on, within a deadline."""

    def __init__(
        self, queries: Queries, runtimes: NodeRuntimes, local_endpoint: str, timeout: float = 5.0
    ) -> None:
        self._queries = queries
        self._runtimes = runtimes
        self._local = local_endpoint
        self._timeout = timeout

    def measure(
        self, service_id: UUID, environment_id: UUID, database: DatabaseSettings
    ) -> DatabaseFiguresRow:
        """The figures of the database's live replica in the environment (the caller has
        read the service through the read gate)."""
        live = self._queries.service(service_id).live_release(environment_id)
        if live is None:
            return DatabaseFiguresRow(running=False, problem="not deployed in this environment")
        deployment = self._queries.deployment(live)
        node_id = deployment.placements.get(0)
        endpoint = self._local
        if node_id is not None:
            endpoint = self._queries.node(NodeId(node_id)).endpoint
        try:
            runtime = self._runtimes.for_endpoint(endpoint)
            found = runtime.containers(
                {SERVICE: str(service_id), ENVIRONMENT: str(environment_id), DEPLOYMENT: str(live)},
                all_states=False,
            )
            if not found:
                return DatabaseFiguresRow(running=False, problem="no replica is running")
            container = found[0]
            command = ["sh", "-c", ENGINES[database.engine].figures]
            code, output = runtime.exec_output(container.id, command, timeout=self._timeout)
        except ContainerEngineError as e:
            return DatabaseFiguresRow(running=False, problem=f"the engine did not answer: {e}")
        figures = parse_figures(output)
        problem = None
        if code != 0 or len(figures) < 2:
            problem = (
                f"the engine gave no figures within {self._timeout:g}s"
                if code == 124
                else f"the engine's figures command exited with {code}"
            )
        return DatabaseFiguresRow(
            running=True,
            published_port=container.host_port,
            size_bytes=figures.get("size"),
            connections=figures.get("connections"),
            problem=problem,
        )
