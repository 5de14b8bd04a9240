"""A probe of the dump adapter's speed beside the plain tools (issue 15), for bench/backup.py.

    python -m bench._dumps_probe [size in MB, default 1024]

Two scratch PostgreSQL databases of the test engine image; the source is filled with about
the given size of rows. Then, in the same containers and the same run:

- plain: one helper runs ``pg_dump -Fc > file`` then ``pg_restore --clean --if-exists
  --no-owner -d <copy> < file`` (the file inside the helper, the copy reached by joining
  it to the source's network);
- adapter: DockerDatabaseDumps.dump streams into a file on this host (a stand-in for the
  store), then DockerDatabaseDumps.restore streams it back into the copy.

Prints both times, the ratio, and this process's peak RSS. Not a test: a measurement.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import docker
import docker.errors
import msgspec

from adapters.database_dumps import DockerDatabaseDumps
from adapters.database_scripts import environment
from adapters.docker_runtime import DockerRuntime
from application.backup_ports import DatabaseTarget, StoredBackup
from application.runtime_ports import ContainerSpec
from domain.service_spec import DatabaseEngine
from tests.integration.engine_images import VERSIONS, ensure_engine_images

LABELS = {"containr.instance": f"bench-dumps-{uuid.uuid4().hex[:12]}"}
DEADLINE = 3600.0
ROW_BYTES = 140  # about what one row of the fill takes on disk


def run(runtime: DockerRuntime, target: DatabaseTarget, script: str) -> None:
    """Run ``script`` in a helper of the target's image with the target's connection."""
    errors: list[bytes] = []
    helper = runtime.run_streamed(
        ContainerSpec(
            name=f"containr-bench-{uuid.uuid4().hex[:8]}",
            image=target.image,
            labels=LABELS,
            environment=environment(target),
            command=["sh", "-c", script],
            network=target.network,
        ),
        on_stderr=errors.append,
        timeout=DEADLINE,
    )
    try:
        for _ in helper.stdout():
            pass
        if helper.wait() != 0:
            raise RuntimeError(b"".join(errors).decode(errors="replace")[-2000:])
    finally:
        helper.close()


def main(size_mb: int) -> None:
    images = ensure_engine_images(docker.APIClient(timeout=900))
    runtime = DockerRuntime("unix:///var/run/docker.sock")
    dumps = DockerDatabaseDumps()
    engine = DatabaseEngine.POSTGRES
    image, version = images[engine.value], VERSIONS[engine.value]
    source = dumps.scratch(runtime, engine, version, image, labels=LABELS, timeout=300)
    copy = dumps.scratch(runtime, engine, version, image, labels=LABELS, timeout=300)
    try:
        # The plain helper reaches the copy through the source's network: join them.
        copy_on_source = msgspec.structs.replace(copy.target, network=source.target.network)
        _connect(copy.target.host, source.target.network)
        rows = size_mb * 1024 * 1024 // ROW_BYTES
        started = time.monotonic()
        run(
            runtime,
            source.target,
            'psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE items AS SELECT g AS id, '
            "md5(g::text) || md5((g * 7)::text) AS payload, now() AS at "
            f"FROM generate_series(1, {rows}) g\" -c 'CREATE INDEX ON items (id)' "
            '-c "CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 1000) g"',
        )
        print(f"filled {rows} rows in {time.monotonic() - started:.1f} s")

        started = time.monotonic()
        _plain(runtime, source.target, copy_on_source)
        plain_seconds = time.monotonic() - started

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dump"
            started = time.monotonic()
            stored, facts = dumps.dump(runtime, source.target, _FileSink(path), timeout=DEADLINE)
            dumped = time.monotonic() - started
            dumps.restore(runtime, copy.target, _read(path), timeout=DEADLINE, dump_facts=facts)
            adapter_seconds = time.monotonic() - started
        restored = dumps.facts(runtime, copy.target, timeout=DEADLINE)
        assert restored == facts, (restored, facts)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"dump size {stored.size_bytes / 1024**2:.0f} MB, rows {facts.tables}")
        print(f"BENCH plain_dump_restore {plain_seconds:.1f} s")
        print(f"BENCH adapter_dump_restore {adapter_seconds:.1f} s (dump {dumped:.1f} s)")
        print(f"BENCH adapter_ratio {adapter_seconds / plain_seconds:.2f}")
        print(f"BENCH probe_peak_rss {peak_mb:.0f} MB")
    finally:
        _disconnect(copy.target.host, source.target.network)
        source.remove()
        copy.remove()
        runtime.close()


def _plain(runtime: DockerRuntime, source: DatabaseTarget, copy: DatabaseTarget) -> None:
    """The plain tools; the copy's password reaches pg_restore by its own variable."""
    errors: list[bytes] = []
    helper = runtime.run_streamed(
        ContainerSpec(
            name=f"containr-bench-{uuid.uuid4().hex[:8]}",
            image=source.image,
            labels=LABELS,
            environment={**environment(source), "COPY_PASSWORD": copy.password.reveal()},
            command=[
                "sh",
                "-c",
                "set -e; pg_dump -Fc > /tmp/plain.dump; "
                f'PGHOST={copy.host} PGUSER={copy.user} PGPASSWORD="$COPY_PASSWORD" '
                f"pg_restore --clean --if-exists --no-owner -d {copy.database} < /tmp/plain.dump",
            ],
            network=source.network,
        ),
        on_stderr=errors.append,
        timeout=DEADLINE,
    )
    try:
        for _ in helper.stdout():
            pass
        if helper.wait() != 0:
            raise RuntimeError(b"".join(errors).decode(errors="replace")[-2000:])
    finally:
        helper.close()


def _connect(container: str, network: str) -> None:
    docker.APIClient().connect_container_to_network(container, network)


def _disconnect(container: str, network: str) -> None:
    with contextlib.suppress(docker.errors.APIError):
        docker.APIClient().disconnect_container_from_network(container, network, force=True)


class _FileSink:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, chunks: Iterable[bytes]) -> StoredBackup:
        size = 0
        with self.path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        return StoredBackup(key=self.path.name, size_bytes=size, sha256="")


def _read(path: Path) -> Iterator[bytes]:
    with path.open("rb") as data:
        while chunk := data.read(256 * 1024):
            yield chunk


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
