"""The containers Containr runs on a node, as its engine reports them, and starting,
stopping and restarting one of them from the node page (issue 18): only containers that
carry this installation's and the node's organisation's labels; any other is NOT_FOUND."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from application.agent_operations import AgentRefusedOperationError
from application.errors import NotFoundError, UnavailableError
from application.processes.support import INSTANCE, ORGANIZATION
from application.runtime_ports import ContainerEngineError, ContainerInfo, NodeRuntimes

Action = Literal["start", "stop", "restart"]


class NodeContainers:
    """Asks a node's engine (direct or through its agent) within a deadline."""

    def __init__(self, runtimes: NodeRuntimes, instance: str, *, stop_timeout: float = 10) -> None:
        self._runtimes = runtimes
        self._instance = instance
        self._stop_timeout = stop_timeout

    def _labels(self, organization_id: UUID) -> dict[str, str]:
        return {INSTANCE: self._instance, ORGANIZATION: str(organization_id)}

    def list(self, endpoint: str, organization_id: UUID) -> list[ContainerInfo]:
        """The organisation's containers of this installation on the node, in any state
        (the caller has read the node through the read gate)."""
        try:
            found = self._runtimes.for_endpoint(endpoint).containers(
                self._labels(organization_id), all_states=True
            )
        except ContainerEngineError as e:
            raise UnavailableError(f"the node's engine did not answer: {e}") from None
        return sorted(found, key=lambda k: k.name)

    def act(
        self, endpoint: str, organization_id: UUID, container_id: str, action: Action
    ) -> ContainerInfo:
        """Start, stop or restart one of the organisation's containers on the node, and
        return it as the engine reports it afterwards (the caller may MANAGE the node)."""
        try:
            runtime = self._runtimes.for_endpoint(endpoint)
            found = runtime.inspect(container_id) if container_id else None
            wanted = self._labels(organization_id)
            if found is None or any(found.labels.get(k) != v for k, v in wanted.items()):
                # a container of another installation or organisation is not ours to touch,
                # nor to confirm the existence of
                raise NotFoundError("container", container_id, field="containerId")
            if action == "start":
                runtime.start(found.id)
            elif action == "stop":
                runtime.stop(found.id, timeout=self._stop_timeout)
            else:
                runtime.restart(found.id, timeout=self._stop_timeout)
            after = runtime.inspect(found.id)
        except AgentRefusedOperationError:
            # an agent acts only on its organisation's containers of this installation: what
            # it refuses is, to this caller, no container of theirs
            raise NotFoundError("container", container_id, field="containerId") from None
        except ContainerEngineError as e:
            raise UnavailableError(f"the node's engine did not answer: {e}") from None
        if after is None:
            raise NotFoundError("container", container_id, field="containerId")
        return after
