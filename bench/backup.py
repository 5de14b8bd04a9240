"""Backup, verify and restore of about 1 GB of PostgreSQL beside a plain pg_dump + pg_restore.

Run as ``python -m bench.backup`` (a Docker engine and the test engine images are needed:
``python -m tests.integration.engine_images`` makes them). One PostgreSQL container from the
test image is filled with ``BENCH_BACKUP_ROWS`` rows (default 3.6 million, about 1 GB on
disk) with ``generate_series``. In the same container, in the same run:

- baseline: ``pg_dump -Fc`` to a file, then ``pg_restore`` of that file into a new database;
- ours, as the backup process does it: the dump streamed through the ``DatabaseDumps`` port
  into a ``BackupStore`` while the same stream is restored into a throw-away database (the
  tee), the stored object read back in full (checksum and encryption checked), the scratch
  measured against the facts taken with the dump; then a restore from the store into a new
  database of the source server, measured again.

It prints ``BENCH backup_verify_restore <s> s ratio=<ours/plain> baseline=pg_dump+pg_restore``
and ``BENCH backup_peak_rss <MB> MB`` (this process's peak resident set: the dump streams
through it, never buffered whole).

The port implementations are found by ``BENCH_DUMPS`` and ``BENCH_STORE``
(``module:factory``; the store factory gets a directory). Until the engines' tools and the
stores are merged (h/dumps, h/backup-stores) the defaults below may not exist: the bench then
says so and exits with status 2 rather than measure something else.
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker

from adapters.docker_runtime import DockerRuntime
from application.backup_ports import BackupStore, DatabaseDumps, DatabaseTarget
from application.processes.backups import Tee, compare_facts
from application.secrets import Secret
from bench.common import bench_line
from domain.service_spec import DatabaseEngine
from tests.integration.engine_images import ensure_engine_images

ROWS = int(os.environ.get("BENCH_BACKUP_ROWS", "3600000"))
DOCKER = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
DUMPS = os.environ.get("BENCH_DUMPS", "adapters.database_dumps:DockerDatabaseDumps")
STORE = os.environ.get("BENCH_STORE", "bench.backup:directory_store")
INSTANCE = f"bench-{uuid.uuid4().hex[:8]}"
LABELS = {"containr.managed": "true", "containr.instance": INSTANCE}
PASSWORD = uuid.uuid4().hex
TIMEOUT = 900.0


def _load(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as e:
        print(
            f"bench.backup needs the port implementation {spec} ({e}); set BENCH_DUMPS / "
            "BENCH_STORE to module:factory",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def _exec(engine: docker.APIClient, container: str, command: list[str], deadline: float) -> str:
    """Run a command in the container as postgres; raise with its output when it fails."""
    handle = engine.exec_create(
        container, command, user="postgres", environment={"PGPASSWORD": PASSWORD}
    )
    output = engine.exec_start(handle["Id"]).decode(errors="replace")
    code = engine.exec_inspect(handle["Id"])["ExitCode"]
    if code != 0:
        raise RuntimeError(f"{command[0]} exited {code}: {output[-500:]}")
    if time.monotonic() > deadline:
        raise RuntimeError("the bench ran past its deadline")
    return str(output)


def _wait_ready(engine: docker.APIClient, container: str, deadline: float) -> None:
    while True:
        # Over TCP: the image's first-start server (creating the database) listens on the
        # socket only, so a socket probe would pass before the database exists.
        handle = engine.exec_create(
            container, ["pg_isready", "-h", "127.0.0.1", "-U", "postgres"], user="postgres"
        )
        engine.exec_start(handle["Id"])
        if engine.exec_inspect(handle["Id"])["ExitCode"] == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not start in time")
        time.sleep(0.2)  # polling a container's readiness, bounded by the deadline


def _psql(
    engine: docker.APIClient, container: str, sql: str, deadline: float, db: str = "bench"
) -> str:
    return _exec(
        engine, container, ["psql", "-v", "ON_ERROR_STOP=1", "-qtA", "-d", db, "-c", sql], deadline
    )


def run(dumps: DatabaseDumps, store: BackupStore) -> tuple[float, float, float]:
    """Seconds for ours and for the baseline, and this process's peak RSS in MB."""
    engine = docker.APIClient(base_url=DOCKER, timeout=TIMEOUT)
    runtime = DockerRuntime(DOCKER, timeout=TIMEOUT)
    image = ensure_engine_images(engine)["postgres"]
    network = f"{INSTANCE}-net"
    engine.create_network(network, labels=LABELS)
    name = f"{INSTANCE}-pg"
    deadline = time.monotonic() + 30 * 60
    try:
        engine.create_container(
            image, name=name, labels=LABELS, environment={"POSTGRES_PASSWORD": PASSWORD, "POSTGRES_DB": "bench"},
            host_config=engine.create_host_config(network_mode=network),
        )  # fmt: skip
        engine.start(name)
        _wait_ready(engine, name, deadline)
        _psql(
            engine, name,
            "CREATE TABLE items AS SELECT g AS id, md5(g::text) AS code, repeat(md5(g::text), 6) "
            f"AS payload, now() AS at FROM generate_series(1, {ROWS}) g; "
            "CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 1000) g; ANALYZE;",
            deadline,
        )  # fmt: skip
        started = time.monotonic()
        _exec(engine, name, ["pg_dump", "-Fc", "-d", "bench", "-f", "/tmp/plain.dump"], deadline)
        _exec(engine, name, ["createdb", "plain"], deadline)
        _exec(engine, name, ["pg_restore", "-d", "plain", "/tmp/plain.dump"], deadline)
        baseline = time.monotonic() - started
        _exec(engine, name, ["rm", "-f", "/tmp/plain.dump"], deadline)
        _psql(engine, name, "CREATE DATABASE ours", deadline)
        source = DatabaseTarget(
            engine=DatabaseEngine.POSTGRES, version="15", image=image, network=network, host=name,
            port=5432, user="postgres", password=Secret(PASSWORD), database="bench", labels=LABELS,
        )  # fmt: skip
        started = time.monotonic()
        _ours(runtime, dumps, store, source, image)
        ours = time.monotonic() - started
    finally:
        for container in engine.containers(
            all=True, filters={"label": f"containr.instance={INSTANCE}"}
        ):
            engine.remove_container(container["Id"], force=True)
        engine.remove_network(network)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return ours, baseline, peak_mb


def _ours(
    runtime: DockerRuntime,
    dumps: DatabaseDumps,
    store: BackupStore,
    source: DatabaseTarget,
    image: str,
) -> None:
    """Backup (teed into a scratch), proof, then a restore from the store into ``ours``."""
    key = f"bench/{uuid.uuid4()}.dump"
    scratch = dumps.scratch(
        runtime, DatabaseEngine.POSTGRES, "15", image, labels=LABELS, timeout=TIMEOUT
    )
    try:
        tee = Tee(lambda chunks: dumps.restore(runtime, scratch.target, chunks, timeout=TIMEOUT))
        stored, facts = dumps.dump(
            runtime,
            source,
            lambda chunks: store.put(key, tee.stream(chunks), timeout=60),
            timeout=TIMEOUT,
        )
        error = tee.finish(None, TIMEOUT)
        if error is not None:
            raise RuntimeError(f"the teed restore failed: {error}")
        for _ in store.get(key, sha256=stored.sha256, timeout=60):
            pass
        failure = compare_facts(
            facts, dumps.facts(runtime, scratch.target, timeout=TIMEOUT), "postgres"
        )
        if failure is not None:
            raise RuntimeError(f"verification failed: {failure}")
    finally:
        scratch.remove()
    into = DatabaseTarget(**{**_fields(source), "database": "ours"})
    dumps.restore(runtime, into, store.get(key, sha256=stored.sha256, timeout=60), timeout=TIMEOUT)
    failure = compare_facts(facts, dumps.facts(runtime, into, timeout=TIMEOUT), "postgres")
    if failure is not None:
        raise RuntimeError(f"the restore does not hold what was dumped: {failure}")
    store.delete(key, timeout=60)


def directory_store(root: Path) -> BackupStore:
    """The directory store (h/backup-stores) under ``root``, with a throw-away file key."""
    module = importlib.import_module("adapters.backup_stores.directory")
    return module.DirectoryStore(root, os.urandom(32))  # type: ignore[no-any-return]


def _fields(target: DatabaseTarget) -> dict[str, Any]:
    return {f: getattr(target, f) for f in target.__struct_fields__}


def main() -> None:
    dumps = _load(DUMPS)()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        store = _load(STORE)(Path(tmp))
        ours, baseline, peak_mb = run(dumps, store)
    print(f"rows={ROWS} ours={ours:.1f}s plain={baseline:.1f}s")
    print(bench_line("backup_verify_restore", ours, "s", baseline, "pg_dump+pg_restore"))
    print(f"BENCH backup_peak_rss {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
