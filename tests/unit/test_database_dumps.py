"""The dump adapter's own rules, on the in-memory runtime: versions, facts, failures, secrets.

The engines' tools themselves run in tests/integration/test_database_dumps.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from adapters.database_dumps import HELPER_LABEL, DockerDatabaseDumps
from adapters.fake_runtime import InMemoryRuntime
from application.backup_ports import (
    BackupCorruptError,
    DatabaseTarget,
    DumpError,
    DumpFacts,
    IncompatibleDumpError,
    StoredBackup,
)
from application.dump_versions import check_compatible
from application.secrets import Secret
from domain.service_spec import DatabaseEngine

PASSWORD = "hunter2-very-secret"
IMAGE = "postgres:15"
TARGET = DatabaseTarget(
    engine=DatabaseEngine.POSTGRES,
    version="15",
    image=IMAGE,
    network="app-net",
    host="db",
    port=5432,
    user="app",
    password=Secret(PASSWORD),
    database="app",
    labels={"containr.instance": "test"},
)
FACTS = (
    b"containr-fact\tversion\t15.10\ncontainr-fact\ttable\tpublic.users\t3\n"
    b"containr-fact\ttable\tpublic.orders\t7\n"
)


def runtime_answering(out: list[bytes], err: bytes, code: int) -> InMemoryRuntime:
    runtime = InMemoryRuntime()
    runtime.add_image(IMAGE)
    runtime.streamed_handler = lambda spec, stdin: (out, err, code)
    return runtime


def collect(chunks: Iterable[bytes]) -> StoredBackup:
    data = b"".join(chunks)
    return StoredBackup(key="k", size_bytes=len(data), sha256="")


@pytest.mark.parametrize(
    ("engine", "dump", "target"),
    [
        (DatabaseEngine.POSTGRES, "15.10", "15"),
        (DatabaseEngine.POSTGRES, "15.10 (Debian 15.10-0+deb12u1)", "16.2"),
        (DatabaseEngine.MYSQL, "10.11.6-MariaDB", "10.11"),
        (DatabaseEngine.MYSQL, "10.6.2-MariaDB-log", "11.4.1"),
        (DatabaseEngine.REDIS, "7.0.15", "7.2.4"),
    ],
)
def test_a_dump_restores_into_the_same_or_a_newer_major(
    engine: DatabaseEngine, dump: str, target: str
) -> None:
    check_compatible(engine, dump, engine, target)


@pytest.mark.parametrize(
    ("engine", "dump", "target"),
    [
        (DatabaseEngine.POSTGRES, "16.1", "15.10"),
        (DatabaseEngine.MYSQL, "11.4.2-MariaDB", "10.11.6-MariaDB"),
        (DatabaseEngine.MYSQL, "10.11.6-MariaDB", "10.6"),
        (DatabaseEngine.REDIS, "7.2.4", "7.0.15"),
    ],
)
def test_a_dump_from_a_newer_major_is_refused(
    engine: DatabaseEngine, dump: str, target: str
) -> None:
    with pytest.raises(IncompatibleDumpError, match="older"):
        check_compatible(engine, dump, engine, target)


def test_a_dump_of_another_engine_is_refused() -> None:
    with pytest.raises(
        IncompatibleDumpError, match="mysql dump cannot be restored into a postgres"
    ):
        check_compatible(DatabaseEngine.MYSQL, "10.11", DatabaseEngine.POSTGRES, "15")


def test_a_version_that_is_no_version_is_refused() -> None:
    with pytest.raises(IncompatibleDumpError, match="cannot compare"):
        check_compatible(DatabaseEngine.POSTGRES, "devel", DatabaseEngine.POSTGRES, "15")


def test_the_dump_streams_stdout_to_the_sink_and_reads_the_facts_from_stderr() -> None:
    runtime = runtime_answering([b"PGDMP", b"rest of the dump"], FACTS + b"a notice\n", 0)

    stored, facts = DockerDatabaseDumps().dump(runtime, TARGET, collect, timeout=60)

    assert stored.size_bytes == len(b"PGDMPrest of the dump")
    assert facts == DumpFacts(
        server_version="15.10", tables={"public.users": 3, "public.orders": 7}
    )
    assert runtime.containers_by_id == {}


def test_the_helper_runs_the_targets_image_on_its_network_with_the_password_in_its_env() -> None:
    runtime = runtime_answering([], FACTS, 0)

    DockerDatabaseDumps().dump(runtime, TARGET, collect, timeout=60)

    [spec] = runtime.streamed
    assert (spec.image, spec.network) == (IMAGE, "app-net")
    assert spec.labels == {"containr.instance": "test", HELPER_LABEL: "database-dump"}
    assert spec.environment["PGPASSWORD"] == PASSWORD
    assert spec.command is not None and all(PASSWORD not in part for part in spec.command)


def test_a_failed_dump_never_reaches_the_sink_as_complete_and_masks_the_password() -> None:
    runtime = runtime_answering(
        [b"PGDMP partial"], f"pg_dump: error: connection to {PASSWORD} refused\n".encode(), 1
    )
    completed: list[bytes] = []

    def sink(chunks: Iterable[bytes]) -> StoredBackup:
        data = b"".join(chunks)  # raises before the end: the dump failed
        completed.append(data)
        return StoredBackup(key="k", size_bytes=len(data), sha256="")

    with pytest.raises(DumpError, match=r"exit 1\).*pg_dump: error") as failed:
        DockerDatabaseDumps().dump(runtime, TARGET, sink, timeout=60)

    assert completed == []
    assert PASSWORD not in str(failed.value)
    assert runtime.containers_by_id == {}


def test_a_corrupt_stream_aborts_the_restore_with_the_stores_error() -> None:
    runtime = runtime_answering([], b"", 0)

    def chunks() -> Iterator[bytes]:
        yield b"PGDMP"
        raise BackupCorruptError("the checksum does not match")

    with pytest.raises(BackupCorruptError, match="checksum"):
        DockerDatabaseDumps().restore(runtime, TARGET, chunks(), timeout=60)
    assert runtime.containers_by_id == {}


def test_an_incompatible_dump_is_refused_before_the_restore_helper_starts() -> None:
    runtime = runtime_answering([], FACTS, 0)

    with pytest.raises(IncompatibleDumpError):
        DockerDatabaseDumps().restore(
            runtime,
            TARGET,
            [b"PGDMP"],
            timeout=60,
            dump_facts=DumpFacts(server_version="16.4"),
        )
    assert [spec.labels[HELPER_LABEL] for spec in runtime.streamed] == ["database-facts"]


def test_a_database_that_reports_no_version_fails_the_measure() -> None:
    runtime = runtime_answering([], b"containr-fact\ttable\tpublic.users\t3\n", 0)

    with pytest.raises(DumpError, match="version"):
        DockerDatabaseDumps().facts(runtime, TARGET, timeout=60)
