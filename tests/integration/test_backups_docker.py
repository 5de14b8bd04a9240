# ruff: noqa: F811 - the tests' parameters name the fixtures imported from the Docker tests
"""Database backups end to end on real parts (issue 15): managed databases from the test
engine images (selected through the per-engine image settings), the platform's own backup
process with the real DockerDatabaseDumps, and destinations saved through the commands (an
S3 bucket on the moto server, or a directory) — no fakes. A backup is dumped, stored,
restored into a throw-away database and compared; the data is dropped and restored, into the
same database (after the automatic backup) and into a new one; a stored object corrupted
behind Containr's back is refused by the restore, saying so, and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import pytest

from application import commands as c
from application.secrets import Secret
from domain.backup import Backup, BackupState
from domain.backup_destination import DestinationKind
from domain.database_restore import DatabaseRestore, RestoreState
from tests.integration.deploy_support import Platform, until
from tests.integration.test_databases_docker import (  # noqa: F401 - the shared fixtures
    _container,
    create_database,
    images,
    platform,
    worker,
)
from tests.integration.test_deploy_docker import (  # noqa: F401 - the shared fixtures
    caddy,
    engine,
    ingress_listen,
    platform_for,
)
from tests.s3_server import S3Server

BACKUP = 600.0
"""Seconds a backup (dump, store, restore check) or a restore may take on a loaded machine."""


def s3_destination(platform: Platform, server: S3Server, bucket: str) -> uuid.UUID:
    """An S3 destination on the moto bucket, saved through the command (a test write first)."""
    assert platform.org is not None
    return platform.run(
        c.CreateBackupDestination(
            organization_id=platform.org,
            name=f"moto-{uuid.uuid4().hex[:6]}",
            kind=DestinationKind.S3,
            endpoint_url=server.endpoint_url,
            region=server.region,
            bucket=bucket,
            prefix="containr-tests",
            access_key_id=server.access_key_id,
            secret_access_key=Secret(server.secret_access_key),
        )
    ).id("destination_id")


def backup_now(platform: Platform, service: uuid.UUID, destination: uuid.UUID) -> uuid.UUID:
    assert platform.production is not None
    return platform.run(
        c.BackupNow(
            service_id=service, environment_id=platform.production, destination_id=destination
        )
    ).id("backup_id")


def finished_backup(platform: Platform, backup_id: uuid.UUID) -> Backup:
    """The backup once the platform's backup process has taken all its steps."""
    until(
        lambda: not platform.services.queries.backup(backup_id).state.in_progress,
        timeout=BACKUP,
        what=f"backup {backup_id} to end",
    )
    return platform.services.queries.backup(backup_id)


def finished_restore(platform: Platform, restore_id: uuid.UUID) -> DatabaseRestore:
    until(
        lambda: not platform.services.queries.database_restore(restore_id).in_progress,
        timeout=BACKUP,
        what=f"restore {restore_id} to end",
    )
    return platform.services.queries.database_restore(restore_id)


def shown(rows: Callable[[], list[Any]], state: str) -> list[Any]:
    """The dashboard's rows once its read model shows them in ``state`` (it follows the
    event log a moment after the aggregate)."""
    until(lambda: [r.state for r in rows()] == [state], timeout=60, what=f"the row {state}")
    return rows()


def psql(engine: docker.APIClient, container: str, sql: str) -> str:
    """Run ``sql`` in the database's replica with its own credentials (PG* variables)."""
    done = engine.exec_create(
        container,
        ["sh", "-c", 'psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -c "$0" 2>&1', sql],
    )
    return str(engine.exec_start(done["Id"]).decode().strip())


def visits(engine: docker.APIClient, container: str) -> str:
    return psql(engine, container, "SELECT count(*) FROM visits")


def helpers(platform: Platform, engine: docker.APIClient) -> list[dict[str, object]]:
    """The installation's dump, restore and scratch containers still on the engine."""
    found: list[dict[str, object]] = engine.containers(
        all=True,
        filters={"label": ["containr.backup", f"containr.instance={platform.settings.instance}"]},
    )
    return found


def test_postgres_backed_up_to_s3_verified_dropped_and_restored_into_same_and_new(
    platform: Platform,
    images: dict[str, str],
    engine: docker.APIClient,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    database, _ = create_database(platform, "postgres")
    worker(
        platform,
        images["postgres"],
        'until psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "CREATE TABLE IF NOT EXISTS '
        'visits (n int); INSERT INTO visits SELECT generate_series(1, 25)"; do sleep 1; done; '
        "exec sleep 3600",
        DATABASE_URL="${{postgres.DATABASE_URL}}",
    )
    replica = _container(platform, engine, database)
    until(lambda: visits(engine, replica) == "25", timeout=120, what="the worker's rows")
    destination = s3_destination(platform, s3_server, s3_bucket)
    assert platform.production is not None
    platform.run(
        c.SetBackupPlan(
            service_id=database,
            environment_id=platform.production,
            schedule="0 3 * * *",
            destination_id=destination,
        )
    )

    backup = finished_backup(platform, backup_now(platform, database, destination))
    assert backup.state is BackupState.VERIFIED, backup.reason
    assert backup.tables.get("public.visits") == 25, backup.tables
    assert backup.sha256 and backup.size_bytes > 0
    assert any(k.endswith(backup.key) for k in s3_server.keys(s3_bucket)), backup.key
    [row] = shown(lambda: platform.services.dashboard.backups(database), "verified")
    assert (row.state, row.busy, row.tables) == ("verified", False, backup.tables)

    assert psql(engine, replica, "DROP TABLE visits") == ""
    assert "does not exist" in visits(engine, replica)

    with pytest.raises(Exception, match="type the service's name"):
        platform.run(c.RestoreBackup(backup_id=backup.id, into="same", confirm="postgre"))
    assert "does not exist" in visits(engine, replica)  # a wrong confirmation changed nothing
    restore_id = platform.run(
        c.RestoreBackup(backup_id=backup.id, into="same", confirm="postgres")
    ).id("restore_id")
    restore = finished_restore(platform, restore_id)
    assert restore.state is RestoreState.RESTORED, restore.reason
    assert visits(engine, replica) == "25"  # the rows are back
    assert restore.safety_backup_id is not None
    safety = platform.services.queries.backup(restore.safety_backup_id)
    assert safety.state is BackupState.VERIFIED  # taken and proven before the restore
    assert "public.visits" not in safety.tables  # it holds the database as it was: dropped

    result = platform.run(
        c.RestoreBackup(backup_id=backup.id, into="new", new_service_name="postgres-copy")
    )
    copy = finished_restore(platform, result.id("restore_id"))
    assert copy.state is RestoreState.RESTORED, copy.reason
    assert visits(engine, _container(platform, engine, result.id("service_id"))) == "25"
    assert helpers(platform, engine) == []


def test_a_corrupted_stored_backup_is_refused_saying_so_and_changes_nothing(
    platform: Platform,
    images: dict[str, str],
    engine: docker.APIClient,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    database, _ = create_database(platform, "postgres")
    replica = _container(platform, engine, database)
    until(
        lambda: (
            psql(engine, replica, "CREATE TABLE visits AS SELECT generate_series(1, 7) n") == ""
        ),
        timeout=120,
        what="the table",
    )
    destination = s3_destination(platform, s3_server, s3_bucket)
    backup = finished_backup(platform, backup_now(platform, database, destination))
    assert backup.state is BackupState.VERIFIED, backup.reason
    [key] = [k for k in s3_server.keys(s3_bucket) if k.endswith(backup.key)]
    s3 = s3_server.client()
    body = bytearray(s3.get_object(Bucket=s3_bucket, Key=key)["Body"].read())
    middle = len(body) // 2
    body[middle : middle + 8] = bytes(b ^ 0xFF for b in body[middle : middle + 8])
    s3.put_object(Bucket=s3_bucket, Key=key, Body=bytes(body))
    psql(engine, replica, "INSERT INTO visits VALUES (100)")  # changed since the backup

    restore_id = platform.run(
        c.RestoreBackup(backup_id=backup.id, into="same", confirm="postgres")
    ).id("restore_id")
    restore = finished_restore(platform, restore_id)
    assert restore.state is RestoreState.FAILED
    assert "corrupt" in restore.reason, restore.reason
    assert visits(engine, replica) == "8"  # unchanged: the restore never began writing
    [row] = shown(lambda: platform.services.dashboard.database_restores(database), "failed")
    assert row.state == "failed" and not row.busy and "corrupt" in row.reason
    assert helpers(platform, engine) == []


def sh(engine: docker.APIClient, container: str, script: str, *args: str) -> str:
    """Run ``script`` (sh, its arguments ``$0``...) in a replica; its output, stripped."""
    done = engine.exec_create(container, ["sh", "-c", script + " 2>&1", *args])
    return str(engine.exec_start(done["Id"]).decode().strip())


MARIADB = (
    'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" "$(command -v mariadb || command -v mysql)" '
    '-h 127.0.0.1 -P 3306 -u root -N -B "$MYSQL_DATABASE" -e "$0"'
)
REDIS = 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p 6379 "$0" "$@"'


def test_mysql_round_trip_backed_up_verified_changed_and_restored(
    platform: Platform,
    images: dict[str, str],
    engine: docker.APIClient,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    database, _ = create_database(platform, "mysql")
    replica = _container(platform, engine, database)
    until(
        lambda: (
            sh(engine, replica, MARIADB, "CREATE TABLE visits (n int); "
               "INSERT INTO visits VALUES (1), (2), (3), (4), (5)") == ""
        ),
        timeout=120,
        what="the table",
    )  # fmt: skip
    destination = s3_destination(platform, s3_server, s3_bucket)
    backup = finished_backup(platform, backup_now(platform, database, destination))
    assert backup.state is BackupState.VERIFIED, backup.reason
    assert 5 in backup.tables.values(), backup.tables

    sh(engine, replica, MARIADB, "DELETE FROM visits WHERE n > 1")
    assert sh(engine, replica, MARIADB, "SELECT count(*) FROM visits") == "1"
    restore_id = platform.run(
        c.RestoreBackup(backup_id=backup.id, into="same", confirm="mysql")
    ).id("restore_id")
    restore = finished_restore(platform, restore_id)
    assert restore.state is RestoreState.RESTORED, restore.reason
    assert sh(engine, replica, MARIADB, "SELECT count(*) FROM visits") == "5"
    assert helpers(platform, engine) == []


def test_redis_round_trip_through_a_directory_destination(
    platform: Platform, images: dict[str, str], engine: docker.APIClient, tmp_path: Path
) -> None:
    database, _ = create_database(platform, "redis")
    replica = _container(platform, engine, database)
    until(
        lambda: sh(engine, replica, REDIS, "MSET", "a", "1", "b", "2", "c", "3") == "OK",
        timeout=120,
        what="the keys",
    )
    assert platform.org is not None
    folder = tmp_path / "backups"
    folder.mkdir()
    destination = platform.run(
        c.CreateBackupDestination(
            organization_id=platform.org,
            name="node-folder",
            kind=DestinationKind.DIRECTORY,
            path=str(folder),
        )
    ).id("destination_id")
    backup = finished_backup(platform, backup_now(platform, database, destination))
    assert backup.state is BackupState.VERIFIED, backup.reason
    assert backup.keys == 3
    assert any(p.is_file() and p.name != "" for p in folder.rglob("*"))

    assert sh(engine, replica, REDIS, "FLUSHALL") == "OK"
    assert sh(engine, replica, REDIS, "DBSIZE") == "0"
    restore_id = platform.run(
        c.RestoreBackup(backup_id=backup.id, into="same", confirm="redis")
    ).id("restore_id")
    restore = finished_restore(platform, restore_id)
    assert restore.state is RestoreState.RESTORED, restore.reason
    assert sh(engine, replica, REDIS, "MGET", "a", "b", "c") == "1\n2\n3"
    assert helpers(platform, engine) == []
