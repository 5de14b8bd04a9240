# ruff: noqa: F811 - the tests' parameters name the fixtures imported from test_deployer_fakes
"""Database backups, their restore check, retention and restores, step by step against the
in-memory fakes (the rig of test_deployer_fakes.py, an in-memory store and dump tools)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from adapters.fake_backup_store import InMemoryBackupStore, InMemoryBackupStores
from adapters.fake_database_dumps import FakeDatabase, InMemoryDatabaseDumps
from application import commands as c
from application.backup_ports import DumpError
from application.bus import CommandBus, CommandResult, Context
from application.errors import DomainError, InvalidValueError
from application.processes.backups import BACKUP, BackupConfig, BackupProcess
from application.processes.support import INSTANCE
from application.runtime_ports import ContainerEngineError, ContainerSpec
from application.secrets import Secret
from domain.backup import BackupState
from domain.database_restore import RestoreState
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import DatabaseEngine, DatabaseSettings, ServiceKind, ServiceSpec
from tests.integration.conftest import ALICE
from tests.integration.test_deployer_fakes import (  # noqa: F401
    OneEngine,
    Rig,
    bare_rig,
    rig,
)

PASSWORD = "pg-pass-7781"
TABLES = {"public.users": 3, "public.orders": 10}


class StepCrash:
    """Wraps the bus; dies once before or after sending the report of a named step."""

    def __init__(self, inner: CommandBus) -> None:
        self.inner = inner
        self.before: set[str] = set()
        self.after: set[str] = set()

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        step = getattr(command, "step", None)
        if step in self.before:
            self.before.discard(step)
            raise RuntimeError(f"crash before {step}")
        result = self.inner.execute(command, ctx)
        if step in self.after:
            self.after.discard(step)
            raise RuntimeError(f"crash after {step}")
        return result


@dataclass
class Db:
    """A managed PostgreSQL service, deployed, its fake engine and a destination."""

    rig: Rig
    service: uuid.UUID
    container: str
    dumps: InMemoryDatabaseDumps
    stores: InMemoryBackupStores
    destination: uuid.UUID
    store: InMemoryBackupStore
    bus: StepCrash

    @property
    def env(self) -> uuid.UUID:
        return self.rig.world.production

    def process(self, *, tee: bool = True) -> BackupProcess:
        app = self.rig.world.app
        return BackupProcess(
            bus=self.bus,  # type: ignore[arg-type]
            queries=app.queries,
            dashboard=app.dashboard,
            runtimes=OneEngine(self.rig.runtime),
            stores=self.stores,
            dumps=self.dumps,
            clock=app.clock,
            config=BackupConfig(
                instance=self.rig.deployer.config.instance,
                local_endpoint=self.rig.deployer.config.local_endpoint,
                images=lambda d: f"postgres:{d.version}",
                tee=tee,
            ),
        )

    def backup_now(self) -> uuid.UUID:
        return self.rig.run(
            c.BackupNow(
                service_id=self.service, environment_id=self.env, destination_id=self.destination
            )
        ).id("backup_id")

    def drive(self, process: BackupProcess, backup_id: uuid.UUID) -> BackupState:
        self.rig.sync()
        process.advance(backup_id)
        self.rig.sync()
        return self.rig.world.app.queries.backup(backup_id).state

    def database(self) -> FakeDatabase:
        return self.dumps.databases[self.container]


def make_database(rig: Rig, name: str = "postgres", version: str = "15") -> uuid.UUID:
    """A managed PostgreSQL service (as createDatabase makes one), recorded directly."""
    app = rig.world.app
    spec = ServiceSpec(
        kind=ServiceKind.DATABASE,
        image=f"postgres:{version}",
        database=DatabaseSettings(DatabaseEngine.POSTGRES, version),
    )
    service = Service.create(
        ServiceId(uuid.uuid4()),
        OrganizationId(rig.world.org),
        ProjectId(rig.world.project),
        name,
        spec,
        actor=ALICE,
        now=app.clock.now(),
    )
    app.store.record([service], {service.id: 0}, since=time.monotonic())
    rig.runtime.add_image(f"postgres:{version}")
    rig.run(
        c.SetVariables(
            project_id=rig.world.project,
            environment_id=rig.world.production,
            service_id=service.id,
            values={"POSTGRES_USER": Secret("app"), "POSTGRES_PASSWORD": Secret(PASSWORD)},
        )
    )
    return service.id


def deploy(rig: Rig, service_id: uuid.UUID) -> str:
    """Release the service and return its replica's container name."""
    rig.clock.advance(timedelta(seconds=1))
    deployment_id = rig.run(
        c.RequestDeployment(service_id=service_id, environment_id=rig.world.production)
    ).id("deployment_id")
    assert rig.drive(deployment_id).state.value == "healthy"
    [container] = rig.containers(deployment_id)
    return container.name


@pytest.fixture
def db(rig: Rig) -> Db:
    service = make_database(rig)
    container = deploy(rig, service)
    dumps = InMemoryDatabaseDumps()
    dumps.databases[container] = FakeDatabase(DatabaseEngine.POSTGRES, "15", dict(TABLES))
    stores = InMemoryBackupStores()
    destination = uuid.uuid4()
    store = stores.add(rig.world.org, destination)
    return Db(
        rig,
        service,
        container,
        dumps,
        stores,
        destination,
        store,
        StepCrash(rig.world.app.commands),
    )


def steps(rig: Rig, backup_id: uuid.UUID) -> list[str]:
    return [e.type.rsplit(".", 1)[-1] for e in rig.events("") if e.aggregate_id == backup_id]


@pytest.mark.parametrize("tee", [True, False])
def test_a_backup_is_dumped_stored_and_proven_to_restore(db: Db, tee: bool) -> None:
    backup_id = db.backup_now()
    assert db.drive(db.process(tee=tee), backup_id) is BackupState.VERIFIED
    backup = db.rig.world.app.queries.backup(backup_id)
    assert backup.tables == TABLES and backup.server_version == "15"
    assert backup.key in db.store.objects and backup.sha256 is not None
    assert steps(db.rig, backup_id) == [
        "Requested", "DumpStarted", "Stored", "VerificationStarted", "Verified",
    ]  # fmt: skip
    assert db.dumps.scratches and all(s.removed for s in db.dumps.scratches)
    [row] = db.rig.world.app.dashboard.backups(db.service)
    assert (row.state, row.busy, row.tables, row.size_bytes) == (
        "verified", False, TABLES, backup.size_bytes,
    )  # fmt: skip
    assert ("dump", db.container) in db.dumps.calls


def test_the_dump_reaches_the_running_replica_with_the_databases_own_credentials(db: Db) -> None:
    seen = []
    db.dumps.on_call = lambda name, target: seen.append(target) if name == "dump" else None
    db.drive(db.process(), db.backup_now())
    [target] = seen
    assert (target.host, target.user, target.database, target.port) == (
        db.container, "app", "app", 5432,
    )  # fmt: skip
    assert target.password.reveal() == PASSWORD
    assert target.network.startswith("containr-env-")
    assert target.labels["containr.instance"] == db.rig.deployer.config.instance
    assert PASSWORD not in repr([e.fields for e in db.rig.events("")])


def test_a_corrupted_stored_backup_fails_its_check_and_says_so(db: Db) -> None:
    process = db.process()
    backup_id = db.backup_now()
    db.bus.after.add("stored")  # stored and recorded, then the worker died
    with pytest.raises(RuntimeError, match="crash after stored"):
        db.drive(process, backup_id)
    key = db.rig.world.app.queries.backup(backup_id).key
    db.store.corrupt(key)
    assert db.drive(process, backup_id) is BackupState.VERIFICATION_FAILED
    [row] = db.rig.world.app.dashboard.backups(db.service)
    assert row.state == "verification_failed" and "corrupt" in row.reason
    assert all(s.removed for s in db.dumps.scratches)


def test_a_restore_that_loses_a_table_fails_the_check_naming_it(db: Db) -> None:
    db.dumps.lose_on_restore = {"public.orders"}
    backup_id = db.backup_now()
    assert db.drive(db.process(), backup_id) is BackupState.VERIFICATION_FAILED
    reason = db.rig.world.app.queries.backup(backup_id).reason
    assert reason == "table public.orders is missing after the restore"


def test_a_crash_mid_dump_dumps_again_and_never_trusts_the_unrecorded_object(db: Db) -> None:
    process = db.process()
    backup_id = db.backup_now()
    db.bus.before.add("stored")  # the object was put, the worker died before recording it
    with pytest.raises(RuntimeError, match="crash before stored"):
        db.drive(process, backup_id)
    db.rig.sync()
    [row] = db.rig.world.app.dashboard.backups(db.service)
    assert row.state == "dumping" and row.busy  # visible as unfinished, never complete
    key = db.rig.world.app.queries.backup(backup_id).key
    db.store.corrupt(key)  # whatever the dead attempt left is not used
    assert db.drive(process, backup_id) is BackupState.VERIFIED
    assert db.rig.world.app.queries.backup(backup_id).dump_attempts == 2
    assert ("delete", key) in db.store.calls


def test_a_resumed_backup_removes_what_a_killed_attempt_left(db: Db) -> None:
    process = db.process()
    backup_id = db.backup_now()
    db.bus.before.add("stored")
    with pytest.raises(RuntimeError, match="crash before stored"):
        db.drive(process, backup_id)
    # A kill -9 runs no `finally`: the dead attempt's scratch database is still up.
    left = db.dumps.scratch(
        None,  # type: ignore[arg-type]
        DatabaseEngine.POSTGRES,
        "16",
        "postgres:16",
        labels={INSTANCE: process.config.instance, BACKUP: str(backup_id)},
        timeout=10,
    )
    other = db.dumps.scratch(
        None,  # type: ignore[arg-type]
        DatabaseEngine.POSTGRES,
        "16",
        "postgres:16",
        labels={INSTANCE: process.config.instance, BACKUP: str(uuid.uuid4())},
        timeout=10,
    )
    assert db.drive(process, backup_id) is BackupState.VERIFIED
    assert left.removed  # swept on resume
    assert not other.removed  # another operation's is left alone


def test_a_backup_not_done_by_its_deadline_fails(db: Db) -> None:
    process = db.process()
    backup_id = db.backup_now()
    db.bus.after.add("dumping")
    with pytest.raises(RuntimeError):
        db.drive(process, backup_id)
    db.rig.clock.advance(timedelta(hours=3))
    assert db.drive(process, backup_id) is BackupState.FAILED
    [row] = db.rig.world.app.dashboard.backups(db.service)
    assert not row.busy and "deadline" in row.reason


def test_a_dump_that_fails_records_the_backup_failed_with_the_tools_reason(db: Db) -> None:
    db.dumps.fail["dump"] = DumpError("pg_dump exited 1: connection refused")
    backup_id = db.backup_now()
    assert db.drive(db.process(), backup_id) is BackupState.FAILED
    assert "connection refused" in db.rig.world.app.queries.backup(backup_id).reason
    assert all(s.removed for s in db.dumps.scratches)


def test_an_engine_lost_mid_dump_leaves_the_backup_dumping_until_the_next_attempt(db: Db) -> None:
    process = db.process()
    backup_id = db.backup_now()
    db.dumps.fail["dump"] = ContainerEngineError("the engine did not answer")
    with pytest.raises(ContainerEngineError):
        db.drive(process, backup_id)
    assert db.rig.world.app.queries.backup(backup_id).state is BackupState.DUMPING
    assert all(s.removed for s in db.dumps.scratches)  # the teed restore was stopped too
    assert db.drive(process, backup_id) is BackupState.VERIFIED


# Plans, the schedule and retention


def set_plan(db: Db, schedule: str, **retention: int) -> uuid.UUID:
    return db.rig.run(
        c.SetBackupPlan(
            service_id=db.service, environment_id=db.env, schedule=schedule,
            destination_id=db.destination, **retention,
        )
    ).id("plan_id")  # fmt: skip


def tick(db: Db, process: BackupProcess) -> None:
    for _ in range(3):  # schedule, then the steps, then retention sees them verified
        db.rig.sync()
        process.tick()
    db.rig.sync()


def test_bad_schedules_are_refused_with_nothing_recorded(db: Db) -> None:
    with pytest.raises(InvalidValueError, match="never fires"):
        set_plan(db, "0 0 31 2 *")
    with pytest.raises(InvalidValueError, match="not a valid cron schedule"):
        set_plan(db, "every day")
    with pytest.raises(DomainError, match="keeps nothing"):
        set_plan(db, "@daily", daily=0, weekly=0, monthly=0)
    assert db.rig.world.app.dashboard.backup_plans(db.service) == []


def test_scheduled_backups_run_and_missed_times_follow_the_cron_rule(db: Db) -> None:
    process = db.process()
    set_plan(db, "0 * * * *")
    db.rig.clock.advance(timedelta(minutes=61))  # 10:00 came
    tick(db, process)
    [first] = db.rig.world.app.dashboard.backups(db.service)
    assert first.trigger == "scheduled" and first.state == "verified"
    assert first.taken_at.hour == 10
    db.rig.clock.advance(timedelta(hours=4, minutes=30))  # down over 11:00 .. 14:00
    tick(db, process)
    rows = db.rig.world.app.dashboard.backups(db.service)
    states = sorted((r.taken_at.hour, r.state) for r in rows)
    assert states == [
        (10, "verified"), (11, "failed"), (12, "failed"), (13, "failed"), (14, "verified"),
    ]  # fmt: skip
    assert all("missed" in r.reason for r in rows if r.state == "failed")
    tick(db, process)  # nothing more is due
    assert len(db.rig.world.app.dashboard.backups(db.service)) == 5


def test_retention_under_a_controlled_clock_deletes_exactly_the_right_backups(db: Db) -> None:
    process = db.process()
    set_plan(db, "0 3 * * *", daily=3, weekly=2, monthly=0)
    db.rig.clock.advance(timedelta(hours=18, minutes=5) - timedelta(days=1))  # 03:05 next
    for day in range(1, 12):  # 2026-01-06 (a Tuesday) .. 2026-01-16, one backup at 03:00
        db.dumps.lose_on_restore = {"public.orders"} if day == 10 else set()
        db.rig.clock.advance(timedelta(days=1))
        tick(db, process)
    rows = {r.taken_at.day: r for r in db.rig.world.app.dashboard.backups(db.service)}
    assert rows[15].state == "verification_failed"  # day 10 of the loop: the 15th
    # Kept: the 3 newest days with a verified backup (16, 14, 13 — the failed 15th never
    # counts) and the newest of 2 ISO weeks (week 3: the 16th; week 2: the 11th).
    kept = {16, 14, 13, 11}
    assert {d for d, r in rows.items() if not r.deleted} == kept | {15}
    assert {d for d, r in rows.items() if r.deleted} == set(range(6, 16)) - kept - {15}
    for day, row in rows.items():
        assert (row.key in db.store.objects) is (not row.deleted), day
    assert all(r.deleted_reason.startswith("retention") for r in rows.values() if r.deleted)


def test_an_old_backup_that_failed_its_check_goes_once_every_kept_backup_is_newer(db: Db) -> None:
    process = db.process()
    set_plan(db, "0 3 * * *", daily=1, weekly=0, monthly=0)
    db.dumps.lose_on_restore = {"public.orders"}
    db.rig.clock.advance(timedelta(hours=18, minutes=5))
    tick(db, process)
    [failed] = db.rig.world.app.dashboard.backups(db.service)
    assert failed.state == "verification_failed" and not failed.deleted
    db.dumps.lose_on_restore = set()
    db.rig.clock.advance(timedelta(days=1))
    tick(db, process)
    rows = {r.id: r for r in db.rig.world.app.dashboard.backups(db.service)}
    assert rows[failed.id].deleted and failed.key not in db.store.objects


# Restores


def verified_backup(db: Db, process: BackupProcess) -> uuid.UUID:
    backup_id = db.backup_now()
    assert db.drive(process, backup_id) is BackupState.VERIFIED
    return backup_id


def restore(db: Db, backup_id: uuid.UUID, **kw: object) -> CommandResult:
    return db.rig.run(c.RestoreBackup(backup_id=backup_id, **kw))  # type: ignore[arg-type]


def drive_restore(db: Db, process: BackupProcess, restore_id: uuid.UUID) -> RestoreState:
    for _ in range(4):
        db.rig.sync()
        process.tick()
    db.rig.sync()
    return db.rig.world.app.queries.database_restore(restore_id).state


def test_a_restore_into_the_same_database_takes_a_backup_first_then_restores(db: Db) -> None:
    process = db.process()
    backup_id = verified_backup(db, process)
    db.database().tables = {"public.users": 0}  # the data is dropped
    with pytest.raises(InvalidValueError, match="type the service's name"):
        restore(db, backup_id, into="same", confirm="postgre")
    result = restore(db, backup_id, into="same", confirm="postgres")
    restore_id = result.id("restore_id")
    [row] = db.rig.world.app.dashboard.database_restores(db.service)
    assert row.state == "requested" and row.busy  # the service shows as restoring
    assert drive_restore(db, process, restore_id) is RestoreState.RESTORED
    assert db.database().tables == TABLES  # the rows are back
    safety = db.rig.world.app.queries.backup(row.safety_backup_id)  # type: ignore[arg-type]
    assert safety.state is BackupState.VERIFIED and safety.tables == {"public.users": 0}
    assert safety.trigger.value == "before_restore"


def test_a_restore_whose_first_backup_fails_changes_nothing(db: Db) -> None:
    process = db.process()
    backup_id = verified_backup(db, process)
    db.database().tables = {"public.users": 1}
    restore_id = restore(db, backup_id, into="same", confirm="postgres").id("restore_id")
    db.dumps.fail["dump"] = DumpError("pg_dump exited 1")
    assert drive_restore(db, process, restore_id) is RestoreState.FAILED
    assert db.database().tables == {"public.users": 1}
    assert "nothing was changed" in db.rig.world.app.queries.database_restore(restore_id).reason


def test_a_crash_mid_restore_stays_visible_then_resumes_or_fails_by_its_deadline(db: Db) -> None:
    process = db.process()
    backup_id = verified_backup(db, process)
    restore_id = restore(db, backup_id, into="same", confirm="postgres").id("restore_id")
    safety = db.rig.world.app.queries.database_restore(restore_id).safety_backup_id
    assert safety is not None and db.drive(process, safety) is BackupState.VERIFIED
    db.bus.after.add("restoring")
    with pytest.raises(RuntimeError, match="crash after restoring"):
        process.advance_restore(restore_id)
    db.rig.sync()
    [row] = db.rig.world.app.dashboard.database_restores(db.service)
    assert row.state == "restoring" and row.busy
    db.rig.clock.advance(timedelta(hours=4))
    assert drive_restore(db, process, restore_id) is RestoreState.FAILED
    reason = db.rig.world.app.queries.database_restore(restore_id).reason
    assert "may be partly restored" in reason and "holds what it had before" in reason


def test_restores_of_unverified_or_deleted_backups_are_refused(db: Db) -> None:
    process = db.process()
    db.dumps.lose_on_restore = {"public.orders"}
    bad = db.backup_now()
    assert db.drive(process, bad) is BackupState.VERIFICATION_FAILED
    with pytest.raises(DomainError, match="failed its restore check"):
        restore(db, bad, into="same", confirm="postgres")
    restore(db, bad, into="same", confirm="postgres", force=True)  # forced: accepted
    pending = db.backup_now()
    with pytest.raises(DomainError, match="only a stored and verified backup restores"):
        restore(db, pending, into="new", new_service_name="copy")
    db.rig.run(c.ReportBackupStep(backup_id=bad, step="deleted", reason="retention: test"))
    with pytest.raises(DomainError, match="was deleted"):
        restore(db, bad, into="same", confirm="postgres", force=True)


def test_a_restore_into_a_new_database_creates_and_deploys_it_then_restores(db: Db) -> None:
    process = db.process()
    backup_id = verified_backup(db, process)
    result = restore(db, backup_id, into="new", new_service_name="postgres-copy")
    new_service = result.id("service_id")
    service = db.rig.world.app.queries.service(new_service)
    assert service.spec.database == DatabaseSettings(DatabaseEngine.POSTGRES, "15")
    with pytest.raises(DomainError, match="already has a service"):
        restore(db, backup_id, into="new", new_service_name="postgres-copy")
    # The deployer releases the new database (requested with the restore).
    [state] = db.rig.world.app.dashboard.service_states(service_id=new_service)
    assert db.rig.drive(state.latest_deployment_id).state.value == "healthy"  # type: ignore[arg-type]
    [container] = [x for x in db.rig.runtime.containers({"containr.service": str(new_service)})]
    db.dumps.databases[container.name] = FakeDatabase(DatabaseEngine.POSTGRES, "15")
    assert drive_restore(db, process, result.id("restore_id")) is RestoreState.RESTORED
    assert db.dumps.databases[container.name].tables == TABLES


def test_the_reconciler_leaves_a_backups_helpers_and_scratch_databases_alone(db: Db) -> None:
    labels = {
        "containr.managed": "true",
        "containr.instance": db.rig.deployer.config.instance,
        "containr.organization": str(db.rig.world.org),
        "containr.backup": str(uuid.uuid4()),
    }
    runtime = db.rig.runtime
    created = runtime.create(
        ContainerSpec(name="containr-scratch-postgres-1", image="postgres:15", labels=labels)
    )
    runtime.start(created.id)
    db.rig.reconciler.tick()
    db.rig.sync()
    assert [
        x.state for x in runtime.containers({"containr.backup": labels["containr.backup"]})
    ] == ["running"]
