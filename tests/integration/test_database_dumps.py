"""The engines' dump, restore and measuring tools on the real Docker engine.

Scratch databases of the test engine images (tests/integration/engine_images.py) stand in
for users' databases: data is written into one, dumped through a sink, restored into
another, and the facts (rows per table, keys) must agree. Everything the tests start
carries this run's installation label and is gone when they end.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import docker
import msgspec
import pytest

from adapters.database_dumps import HELPER_LABEL, DockerDatabaseDumps
from adapters.database_scratch import DockerScratchDatabase
from adapters.database_scripts import environment
from adapters.docker_runtime import DockerRuntime
from application.backup_ports import (
    BackupCorruptError,
    DatabaseTarget,
    DumpError,
    DumpFacts,
    IncompatibleDumpError,
    StoredBackup,
)
from application.runtime_ports import ContainerSpec
from domain.service_spec import DatabaseEngine
from tests.integration.engine_images import VERSIONS, ensure_engine_images

DOCKER_URL = "unix:///var/run/docker.sock"
LABELS = {"containr.instance": f"test-dumps-{uuid.uuid4().hex[:12]}"}
DEADLINE = 300.0
ENGINES = [DatabaseEngine.POSTGRES, DatabaseEngine.MYSQL, DatabaseEngine.REDIS]

# Several tables, one of them large-ish, a view and a row with awkward text.
_POSTGRES_DATA = """
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer int REFERENCES customers, total numeric);
CREATE SCHEMA archive;
CREATE TABLE archive.events (id bigint, payload text);
INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 500) g;
INSERT INTO customers (name) VALUES (E'tab\\there, quote '' and newline\\n');
INSERT INTO orders (customer, total) SELECT 1 + g % 500, g * 1.5 FROM generate_series(1, 2000) g;
INSERT INTO archive.events SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
"""
_MYSQL_DATA = """
CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer INT, total DECIMAL(10,2),
  FOREIGN KEY (customer) REFERENCES customers(id));
CREATE TABLE events (id BIGINT, payload TEXT);
INSERT INTO customers (name) SELECT CONCAT('customer ', seq) FROM seq_1_to_500;
INSERT INTO customers (name) VALUES ('tab\there, quote '' and newline\n');
INSERT INTO orders (customer, total) SELECT 1 + seq % 500, seq * 1.5 FROM seq_1_to_2000;
INSERT INTO events SELECT seq, MD5(seq) FROM seq_1_to_50000;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
CREATE PROCEDURE count_orders() SELECT COUNT(*) FROM orders;
"""


def _redis_data() -> str:
    lines = [f"SET key:{i} value-{i}" for i in range(3000)]
    lines += [f"HSET hash:{i} a 1 b 2" for i in range(200)]
    lines += ["SELECT 2", *[f"RPUSH list:{i} x y z" for i in range(100)]]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def images() -> dict[str, str]:
    return ensure_engine_images(docker.APIClient(timeout=900))


@pytest.fixture(scope="module")
def runtime() -> Iterator[DockerRuntime]:
    runtime = DockerRuntime(DOCKER_URL)
    yield runtime
    leftovers = runtime.containers(LABELS)
    for container in leftovers:
        runtime.remove(container.id)
    runtime.close()
    assert not leftovers, "the tests left containers behind"


dumps = DockerDatabaseDumps()


def scratch(runtime: DockerRuntime, images: dict[str, str], engine: DatabaseEngine) -> Scratch:
    return Scratch(
        dumps.scratch(
            runtime,
            engine,
            VERSIONS[engine.value],
            images[engine.value],
            labels=LABELS,
            timeout=DEADLINE,
        )
    )


class Scratch:
    """A scratch database as a context manager."""

    def __init__(self, database: DockerScratchDatabase) -> None:
        self.database = database
        self.target = database.target

    def __enter__(self) -> DatabaseTarget:
        return self.target

    def __exit__(self, *exc: object) -> None:
        self.database.remove()


def run_client(runtime: DockerRuntime, target: DatabaseTarget, script: str) -> None:
    """Play ``script`` into the engine's own client, as a user's app would write."""
    clients = {
        DatabaseEngine.POSTGRES: "psql -X -q -v ON_ERROR_STOP=1 >/dev/null",
        DatabaseEngine.MYSQL: 'mariadb -h "$CONTAINR_DB_HOST" -u "$CONTAINR_DB_USER" '
        '"$CONTAINR_DB_NAME"',
        DatabaseEngine.REDIS: 'redis-cli -h "$CONTAINR_DB_HOST" >/dev/null',
    }
    errors: list[bytes] = []
    helper = runtime.run_streamed(
        ContainerSpec(
            name=f"containr-test-client-{uuid.uuid4().hex[:8]}",
            image=target.image,
            labels=LABELS,
            environment=environment(target),
            command=["sh", "-c", clients[target.engine]],
            network=target.network,
        ),
        stdin=[script.encode()],
        on_stderr=errors.append,
        timeout=DEADLINE,
    )
    try:
        for _ in helper.stdout():
            pass
        assert helper.wait() == 0, b"".join(errors).decode()
    finally:
        helper.close()


def fill(runtime: DockerRuntime, target: DatabaseTarget) -> None:
    data = {
        DatabaseEngine.POSTGRES: _POSTGRES_DATA,
        DatabaseEngine.MYSQL: _MYSQL_DATA,
        DatabaseEngine.REDIS: _redis_data(),
    }
    run_client(runtime, target, data[target.engine])


class FileSink:
    """Stores the stream in a file, as a BackupStore would (chunk by chunk)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, chunks: Iterable[bytes]) -> StoredBackup:
        size = 0
        with self.path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        return StoredBackup(key=self.path.name, size_bytes=size, sha256="")

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as data:
            while chunk := data.read(64 * 1024):
                yield chunk


def helpers(runtime: DockerRuntime) -> list[str]:
    return [c.name for c in runtime.containers(LABELS) if HELPER_LABEL in c.labels]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_a_dump_restores_into_another_database_with_the_same_facts(
    engine: DatabaseEngine, runtime: DockerRuntime, images: dict[str, str], tmp_path: Path
) -> None:
    sink = FileSink(tmp_path / "dump")
    with scratch(runtime, images, engine) as source, scratch(runtime, images, engine) as copy:
        fill(runtime, source)
        stored, facts = dumps.dump(runtime, source, sink, timeout=DEADLINE)
        assert stored.size_bytes == sink.path.stat().st_size > 0
        assert facts == dumps.facts(runtime, source, timeout=DEADLINE)
        if engine is DatabaseEngine.REDIS:
            assert facts.keys == 3300
        else:
            schema = "public" if engine is DatabaseEngine.POSTGRES else "containr"
            events = "archive.events" if engine is DatabaseEngine.POSTGRES else "containr.events"
            assert facts.tables[f"{schema}.customers"] == 501
            assert facts.tables[f"{schema}.orders"] == 2000
            assert facts.tables[events] == 50000

        run_client(runtime, copy, _small_data(engine))  # what is there goes
        dumps.restore(runtime, copy, sink.chunks(), timeout=DEADLINE, dump_facts=facts)

        assert dumps.facts(runtime, copy, timeout=DEADLINE) == facts
    assert helpers(runtime) == []


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_a_corrupt_stream_fails_the_restore_and_says_so(
    engine: DatabaseEngine, runtime: DockerRuntime, images: dict[str, str], tmp_path: Path
) -> None:
    sink = FileSink(tmp_path / "dump")
    with scratch(runtime, images, engine) as source, scratch(runtime, images, engine) as target:
        fill(runtime, source)
        dumps.dump(runtime, source, sink, timeout=DEADLINE)
        run_client(runtime, target, _small_data(engine))
        before = dumps.facts(runtime, target, timeout=DEADLINE)

        def corrupt() -> Iterator[bytes]:
            chunks = sink.chunks()
            yield next(chunks)
            raise BackupCorruptError("the checksum of the stored backup does not match")

        with pytest.raises(BackupCorruptError, match="checksum"):
            dumps.restore(runtime, target, corrupt(), timeout=DEADLINE)

        if engine is not DatabaseEngine.MYSQL:  # PostgreSQL: one transaction; Redis: checked first
            assert dumps.facts(runtime, target, timeout=DEADLINE) == before
    assert helpers(runtime) == []


def _small_data(engine: DatabaseEngine) -> str:
    if engine is DatabaseEngine.REDIS:
        return "SET kept 1\n"
    return "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1);\n"


def test_garbage_fails_the_restore_with_the_tools_words_and_no_password(
    runtime: DockerRuntime, images: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as target:
        garbage = (b"not a dump at all\n" * 6000 for _ in range(200))  # about 20 MB
        with pytest.raises(DumpError) as failed:
            dumps.restore(runtime, target, garbage, timeout=DEADLINE)
        message = str(failed.value)
        assert "exit" in message and "pg_restore" in message
        password = target.password.reveal()
        assert password not in message
        assert password not in caplog.text
    assert helpers(runtime) == []


@pytest.mark.parametrize(
    ("dump_engine", "dump_version"),
    [(DatabaseEngine.MYSQL, "10.11.6-MariaDB"), (DatabaseEngine.POSTGRES, "16.4")],
    ids=["another-engine", "a-newer-major"],
)
def test_an_incompatible_dump_is_refused_before_anything_is_touched(
    dump_engine: DatabaseEngine,
    dump_version: str,
    runtime: DockerRuntime,
    images: dict[str, str],
) -> None:
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as target:
        run_client(runtime, target, _small_data(DatabaseEngine.POSTGRES))
        before = dumps.facts(runtime, target, timeout=DEADLINE)
        fed: list[bytes] = []

        def chunks() -> Iterator[bytes]:
            fed.append(b"read")
            yield b"anything"

        with pytest.raises(IncompatibleDumpError):
            dumps.restore(
                runtime,
                target,
                chunks(),
                timeout=DEADLINE,
                dump_facts=DumpFacts(server_version=dump_version),
                dump_engine=dump_engine,
            )
        assert fed == []
        assert dumps.facts(runtime, target, timeout=DEADLINE) == before


def test_a_dump_or_restore_past_its_deadline_fails_and_leaves_no_container(
    runtime: DockerRuntime, images: dict[str, str]
) -> None:
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as source:
        fill(runtime, source)
        stored: list[int] = []

        def slow_sink(chunks: Iterable[bytes]) -> StoredBackup:
            for chunk in chunks:
                stored.append(len(chunk))
            return StoredBackup(key="never", size_bytes=sum(stored), sha256="")

        # The deadline passes while the helper starts: it is killed, the dump fails.
        with pytest.raises(DumpError, match="within"):
            dumps.dump(runtime, source, slow_sink, timeout=0.01)
        assert helpers(runtime) == []

        # And so does a restore's, its stream still being fed.
        garbage = (b"\0" * 1024 * 1024 for _ in range(50))
        with pytest.raises(DumpError, match="within"):
            dumps.restore(runtime, source, garbage, timeout=0.01)
        assert helpers(runtime) == []


def test_a_failing_sink_kills_and_removes_the_helper(
    runtime: DockerRuntime, images: dict[str, str]
) -> None:
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as source:
        fill(runtime, source)

        def broken_sink(chunks: Iterable[bytes]) -> StoredBackup:
            next(iter(chunks))
            raise OSError("the destination is full")

        with pytest.raises(OSError, match="full"):
            dumps.dump(runtime, source, broken_sink, timeout=DEADLINE)
        assert helpers(runtime) == []


def test_a_dump_of_tens_of_megabytes_streams_in_bounded_memory(
    runtime: DockerRuntime, images: dict[str, str]
) -> None:
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as source:
        run_client(
            runtime,
            source,
            "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) "
            "|| md5((g * 13)::text) AS payload FROM generate_series(1, 400000) g;",
        )
        total: list[int] = [0]

        def discard(chunks: Iterable[bytes]) -> StoredBackup:
            for chunk in chunks:
                total[0] += len(chunk)
            return StoredBackup(key="discarded", size_bytes=total[0], sha256="")

        tracemalloc.start()
        try:
            _, facts = dumps.dump(runtime, source, discard, timeout=DEADLINE)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert facts.tables["public.big"] == 400000
        assert total[0] > 20 * 1024 * 1024
        assert peak < 8 * 1024 * 1024


_WRITERS = {
    DatabaseEngine.POSTGRES: (
        "CREATE TABLE IF NOT EXISTS busy (id bigint);",
        'i=0; while [ $i -lt 1000000 ]; do echo "INSERT INTO busy VALUES ($i);"; '
        "i=$((i + 1)); done | psql -X -q >/dev/null 2>&1",
    ),
    DatabaseEngine.MYSQL: (
        "CREATE TABLE IF NOT EXISTS busy (id BIGINT);",
        'i=0; while [ $i -lt 1000000 ]; do echo "INSERT INTO busy VALUES ($i);"; '
        'i=$((i + 1)); done | mariadb -h "$CONTAINR_DB_HOST" -u "$CONTAINR_DB_USER" '
        '"$CONTAINR_DB_NAME" >/dev/null 2>&1',
    ),
    DatabaseEngine.REDIS: (
        "SET busy:start 1\n",
        'i=0; while [ $i -lt 1000000 ]; do echo "SET busy:$i $i"; i=$((i + 1)); done '
        '| redis-cli -h "$CONTAINR_DB_HOST" >/dev/null 2>&1',
    ),
}


def _written(facts: DumpFacts, engine: DatabaseEngine) -> int:
    if engine is DatabaseEngine.REDIS:
        return facts.keys or 0
    return sum(rows for table, rows in facts.tables.items() if table.endswith(".busy"))


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_the_facts_taken_with_a_dump_match_it_while_writes_go_on(
    engine: DatabaseEngine, runtime: DockerRuntime, images: dict[str, str], tmp_path: Path
) -> None:
    sink = FileSink(tmp_path / "dump")
    with scratch(runtime, images, engine) as source, scratch(runtime, images, engine) as copy:
        fill(runtime, source)
        setup, loop = _WRITERS[engine]
        run_client(runtime, source, setup)
        writer = runtime.run_streamed(
            ContainerSpec(
                name=f"containr-test-writer-{uuid.uuid4().hex[:8]}",
                image=source.image,
                labels=LABELS,
                environment=environment(source),
                command=["sh", "-c", loop],
                network=source.network,
            ),
            timeout=DEADLINE,
        )
        try:
            first = _written(dumps.facts(runtime, source, timeout=DEADLINE), engine)
            until_more = 0
            while _written(dumps.facts(runtime, source, timeout=DEADLINE), engine) <= first:
                until_more += 1  # the writer is writing once the count grows
                assert until_more < 200, "the writer never wrote"
            _, facts = dumps.dump(runtime, source, sink, timeout=DEADLINE)
            after = _written(dumps.facts(runtime, source, timeout=DEADLINE), engine)
        finally:
            writer.close()
        assert first < _written(facts, engine) < after  # the dump ran among the writes

        dumps.restore(runtime, copy, sink.chunks(), timeout=DEADLINE, dump_facts=facts)

        assert dumps.facts(runtime, copy, timeout=DEADLINE) == facts
    assert helpers(runtime) == []


def test_a_worker_killed_mid_dump_leaves_no_helper_behind(
    runtime: DockerRuntime, images: dict[str, str]
) -> None:
    with scratch(runtime, images, DatabaseEngine.POSTGRES) as source:
        fill(runtime, source)
        fields = msgspec.to_builtins(source, enc_hook=lambda obj: obj.reveal())
        with subprocess.Popen(
            [sys.executable, "-m", "tests.integration.dumps_child", "60"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as worker:
            try:
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(json.dumps(fields) + "\n")
                worker.stdin.flush()
                assert worker.stdout.readline().strip() == "streaming"
                assert len(helpers(runtime)) == 1
            finally:
                worker.kill()  # SIGKILL: no clean-up of any kind
                worker.wait(timeout=60)

        deadline = time.monotonic() + 180
        while helpers(runtime):  # the helper ends by itself and removes itself
            assert time.monotonic() < deadline, f"still there: {helpers(runtime)}"
            time.sleep(0.2)


def test_a_postgres_restore_closes_the_other_connections_first(
    runtime: DockerRuntime, images: dict[str, str], tmp_path: Path
) -> None:
    sink = FileSink(tmp_path / "dump")
    engine = DatabaseEngine.POSTGRES
    with scratch(runtime, images, engine) as source, scratch(runtime, images, engine) as target:
        fill(runtime, source)
        _, facts = dumps.dump(runtime, source, sink, timeout=DEADLINE)
        fill(runtime, target)  # the same tables, in use by another session below
        session = runtime.run_streamed(
            ContainerSpec(
                name=f"containr-test-session-{uuid.uuid4().hex[:8]}",
                image=target.image,
                labels=LABELS,
                environment=environment(target),
                command=["sh", "-c", "psql -X -q -c 'BEGIN; LOCK customers; SELECT pg_sleep(600)'"],
                network=target.network,
            ),
            timeout=DEADLINE,
        )
        try:
            deadline = time.monotonic() + DEADLINE
            while "BEGIN" not in _activity(runtime, target):  # the session holds its lock
                assert time.monotonic() < deadline, "the other session never started"
            dumps.restore(runtime, target, sink.chunks(), timeout=DEADLINE)
            assert session.wait() != 0  # its connection was closed
        finally:
            session.close()
        assert dumps.facts(runtime, target, timeout=DEADLINE) == facts


def _activity(runtime: DockerRuntime, target: DatabaseTarget) -> str:
    """The queries of the other sessions of the target's database, as one text."""
    out: list[bytes] = []
    helper = runtime.run_streamed(
        ContainerSpec(
            name=f"containr-test-activity-{uuid.uuid4().hex[:8]}",
            image=target.image,
            labels=LABELS,
            environment=environment(target),
            command=[
                "sh",
                "-c",
                "psql -X -A -t -c \"SELECT string_agg(query, ' ') FROM pg_stat_activity "
                'WHERE datname = current_database() AND pid <> pg_backend_pid()"',
            ],
            network=target.network,
        ),
        timeout=DEADLINE,
    )
    try:
        out.extend(helper.stdout())
        assert helper.wait() == 0
    finally:
        helper.close()
    return b"".join(out).decode()


def test_a_sweep_removes_a_dead_attempts_scratch_database_and_its_network(
    runtime: DockerRuntime, images: dict[str, str]
) -> None:
    operation = {**LABELS, "containr.backup": str(uuid.uuid4())}
    left = dumps.scratch(
        runtime,
        DatabaseEngine.REDIS,
        VERSIONS["redis"],
        images["redis"],
        labels=operation,
        timeout=DEADLINE,
    )
    kept = scratch(runtime, images, DatabaseEngine.REDIS)  # another operation's
    try:
        network = left.target.network
        assert dumps.sweep(runtime, operation) == 1
        assert runtime.containers(operation) == []
        assert runtime.remove_network(network) is False  # it went with the container
        assert [c.name for c in runtime.containers(LABELS)] == [kept.target.host]
        with pytest.raises(ValueError, match="needs labels"):
            dumps.sweep(runtime, {})
    finally:
        left.remove()
        kept.database.remove()
