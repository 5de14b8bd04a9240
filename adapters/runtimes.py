"""One Docker client per node endpoint, made when first needed and kept."""

from __future__ import annotations

import threading

from adapters.docker_runtime import DockerRuntime
from application.runtime_ports import ContainerRuntime


class DockerEngines:
    """NodeRuntimes over the Docker SDK."""

    def __init__(self) -> None:
        self._engines: dict[str, DockerRuntime] = {}
        self._lock = threading.Lock()

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        """The engine at ``endpoint``."""
        with self._lock:
            engine = self._engines.get(endpoint)
            if engine is None:
                engine = DockerRuntime(endpoint)
                self._engines[endpoint] = engine
            return engine
