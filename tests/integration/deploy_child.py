"""A Containr worker in its own process, for the deployment crash test.

Run as `python -m tests.integration.deploy_child SETTINGS_JSON`. It runs the projections
and the process managers. With CONTAINR_TEST_DIE_AFTER_CREATE=1 it dies (exit code 9, no
clean-up, like a kill) the moment the Docker engine has created a container, before the
deployer can start it or record anything about it.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import msgspec

from adapters.docker_runtime import DockerRuntime
from application.runtime_ports import ContainerInfo, ContainerSpec
from application.secrets import secret_dec_hook
from application.settings import Settings
from interfaces.bootstrap import bootstrap


def main() -> None:
    settings = msgspec.json.decode(sys.argv[1].encode(), type=Settings, dec_hook=secret_dec_hook)
    if os.environ.get("CONTAINR_TEST_DIE_AFTER_CREATE") == "1":
        create = DockerRuntime.create

        def create_then_die(self: Any, spec: ContainerSpec) -> ContainerInfo:
            create(self, spec)
            os._exit(9)

        DockerRuntime.create = create_then_die  # type: ignore[method-assign]
    app = bootstrap(settings)
    stop = threading.Event()
    app.run_projections(stop)
    app.run_processes(stop)
    stop.wait()


if __name__ == "__main__":
    main()
