"""Throw-away databases for restore checks: one engine and version, random credentials, no
volume of their own, on a network of their own, ready when they answer their probe."""

from __future__ import annotations

import secrets
import threading
import time
from contextlib import suppress

from application.backup_ports import DatabaseTarget, DumpError
from application.databases import ENGINES
from application.runtime_ports import ContainerEngineError, ContainerRuntime, ContainerSpec
from application.secrets import Secret
from domain.service_spec import DatabaseEngine

SCRATCH_LABEL = "containr.scratch-database"
_PROBE_SECONDS = 0.2
_USER = {DatabaseEngine.POSTGRES: "containr", DatabaseEngine.MYSQL: "root"}
# The probes ask over TCP: the official images' first-start set-up listens on a socket
# only, so a TCP answer means the real server runs.
_PROBES = {
    DatabaseEngine.POSTGRES: "pg_isready -q -h 127.0.0.1 -p 5432",
    DatabaseEngine.MYSQL: "a=$(command -v mariadb-admin || command -v mysqladmin) && "
    '"$a" ping -h 127.0.0.1 -P 3306 --silent',  # 0 even when access is denied
    DatabaseEngine.REDIS: '[ "$(redis-cli -h 127.0.0.1 -p 6379 PING)" = PONG ]',
}
# Redis has no password variable: its configuration comes on stdin ("-"), the password
# from the environment, so it is on no command line.
_REDIS_COMMAND = (
    'printf "requirepass %s\\n" "$CONTAINR_PASSWORD" | exec redis-server - --port 6379 '
    "--bind 0.0.0.0 --protected-mode no --save '' --appendonly no --dir /tmp"
)


# A scratch PostgreSQL is thrown away after the check, so it skips durability: no fsync, no
# full-page writes, minimal WAL (a restore in one transaction then writes its tables' data
# without WAL at all), and more memory for the index builds. The teed check then keeps up
# with the dump instead of trailing it.
_POSTGRES_COMMAND = [
    "postgres",
    *("-c", "fsync=off"),
    *("-c", "synchronous_commit=off"),
    *("-c", "full_page_writes=off"),
    *("-c", "wal_level=minimal"),
    *("-c", "max_wal_senders=0"),
    *("-c", "max_wal_size=4GB"),
    *("-c", "checkpoint_timeout=30min"),
    *("-c", "maintenance_work_mem=256MB"),
]


def _command(engine: DatabaseEngine) -> list[str] | None:
    if engine is DatabaseEngine.REDIS:
        return ["sh", "-c", _REDIS_COMMAND]
    if engine is DatabaseEngine.POSTGRES:
        return _POSTGRES_COMMAND
    return None


def _environment(engine: DatabaseEngine, password: str) -> dict[str, str]:
    if engine is DatabaseEngine.POSTGRES:
        return {
            "POSTGRES_PASSWORD": password,
            "POSTGRES_USER": "containr",
            "POSTGRES_DB": "containr",
        }
    if engine is DatabaseEngine.MYSQL:
        return {
            "MARIADB_ROOT_PASSWORD": password,
            "MYSQL_ROOT_PASSWORD": password,
            "MARIADB_DATABASE": "containr",
            "MYSQL_DATABASE": "containr",
        }
    return {"CONTAINR_PASSWORD": password, "REDISCLI_AUTH": password}


def start_scratch(
    runtime: ContainerRuntime,
    engine: DatabaseEngine,
    version: str,
    image: str,
    *,
    labels: dict[str, str],
    timeout: float,
) -> DockerScratchDatabase:
    """Start the container and wait for its probe; everything is removed on failure."""
    deadline = time.monotonic() + timeout
    name = f"containr-scratch-{engine.value}-{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(24)
    all_labels = {**labels, SCRATCH_LABEL: engine.value}
    try:
        runtime.ensure_network(name, all_labels)
        created = runtime.create(
            ContainerSpec(
                name=name,
                image=image,
                labels=all_labels,
                environment=_environment(engine, password),
                command=_command(engine),
                network=name,
                restart="no",
            )
        )
    except ContainerEngineError as e:
        with suppress(ContainerEngineError):
            runtime.remove_network(name)
        raise DumpError(f"could not start a scratch {engine.value} {version}: {e}") from None
    profile = ENGINES[engine]
    scratch = DockerScratchDatabase(
        runtime,
        created.id,
        DatabaseTarget(
            engine=engine,
            version=version,
            image=image,
            network=name,
            host=name,
            port=profile.port,
            user=_USER.get(engine, "default"),
            password=Secret(password),
            database=None if engine is DatabaseEngine.REDIS else "containr",
            labels=dict(labels),
        ),
        network=name,
    )
    try:
        runtime.start(created.id)
        _until_ready(runtime, created.id, engine, deadline, timeout)
    except BaseException:
        scratch.remove()
        raise
    return scratch


class DockerScratchDatabase:
    """A throw-away database container and the target that reaches it."""

    def __init__(
        self,
        runtime: ContainerRuntime,
        container_id: str,
        target: DatabaseTarget,
        *,
        network: str | None = None,
    ) -> None:
        self._runtime = runtime
        self._container_id = container_id
        self._target = target
        self._network = network
        self._lock = threading.Lock()
        self._removed = False

    @property
    def target(self) -> DatabaseTarget:
        return self._target

    @property
    def container_id(self) -> str:
        return self._container_id

    def remove(self) -> None:
        """Remove the container with its anonymous volumes, and its network (idempotent)."""
        with self._lock:
            if self._removed:
                return
            with suppress(ContainerEngineError):
                self._runtime.remove(self._container_id)
            if self._network is not None:
                with suppress(ContainerEngineError):
                    self._runtime.remove_network(self._network)
            self._removed = True


def _until_ready(
    runtime: ContainerRuntime,
    container_id: str,
    engine: DatabaseEngine,
    deadline: float,
    timeout: float,
) -> None:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DumpError(f"the scratch {engine.value} did not answer within {timeout:g} s")
        try:
            info = runtime.inspect(container_id)
            if info is None or info.state in ("exited", "dead"):
                raise DumpError(f"the scratch {engine.value} stopped while starting")
            probe = ["sh", "-c", _PROBES[engine]]
            if runtime.exec(container_id, probe, timeout=min(10.0, remaining)) == 0:
                return
        except ContainerEngineError as e:
            raise DumpError(f"the scratch {engine.value} could not be probed: {e}") from None
        time.sleep(_PROBE_SECONDS)  # poll the probe until the deadline
