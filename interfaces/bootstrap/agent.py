"""What ``containr agent run`` is made of on its host (issue 18): the local engine's adapter,
the operation journal and the executor of the control plane's operations."""

from __future__ import annotations

from pathlib import Path

from adapters.agent_executor import AgentExecutor, OperationJournal
from adapters.docker_runtime import DockerRuntime
from application.agent_operations import OperationExecutor


def agent_executor(
    engine: str, state_dir: Path, *, organization_id: str, installation: str, address: str = ""
) -> OperationExecutor:
    """The agent's executor over the engine at ``engine``, journaling in ``state_dir``; its
    replicas' ports are published on ``address`` (empty: loopback only)."""
    return AgentExecutor(
        DockerRuntime(engine, address=address or "127.0.0.1"),
        OperationJournal(state_dir),
        organization_id=organization_id,
        installation=installation,
    )
