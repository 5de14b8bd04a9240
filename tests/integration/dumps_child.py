"""A worker in its own process that dies mid-dump, for the kill -9 test of the dumps.

Run as `python -m tests.integration.dumps_child` with the target as JSON on stdin (the
password with it, so it is on no command line). It starts a dump whose sink prints
``streaming`` on the first chunk and then waits on stdin for ever: the test kills it then.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

from adapters.database_dumps import DockerDatabaseDumps
from adapters.docker_runtime import DockerRuntime
from application.backup_ports import DatabaseTarget, StoredBackup
from application.secrets import Secret
from domain.service_spec import DatabaseEngine


def main() -> None:
    fields = json.loads(sys.stdin.readline())
    target = DatabaseTarget(
        **{
            **fields,
            "engine": DatabaseEngine(fields["engine"]),
            "password": Secret(fields["password"]),
        }
    )

    def stuck_sink(chunks: Iterable[bytes]) -> StoredBackup:
        for _ in chunks:
            print("streaming", flush=True)
            sys.stdin.readline()  # the test kills this process while it waits here
        raise AssertionError("the test should have killed this process")

    runtime = DockerRuntime("unix:///var/run/docker.sock")
    DockerDatabaseDumps().dump(runtime, target, stuck_sink, timeout=float(sys.argv[1]))


if __name__ == "__main__":
    main()
