"""The backup process: takes each database backup one recorded step at a time, proves it
restores, applies retention, and carries restores out.

A backup: record the dump attempt (``dumping``), dump the database's running replica through
the engine's own tool straight into the destination (``stored``: size, sha256 and the facts
measured with the dump), then restore it into a throw-away database of the same engine and
version and compare tables and row counts (or Redis's key count) with those facts
(``verified`` or ``verification failed``, saying why). To keep the whole within about the
time of a plain dump and restore, the dump stream is teed: the same chunks go to the store
and into the scratch database while the dump runs; the stored object is then read back in
full (the store checks its sha256 and encryption) so what was proven is what was kept.
After a crash the step recorded last decides: a dump never recorded stored is done again
(the object a dead attempt may have left under the key is deleted first, its checksum never
having been recorded), and a stored backup is verified the plain way (restore from the
store). Nothing past its deadline (written when the backup was asked for) stays in
progress: it fails, saying so. Scratch databases are always removed.

Retention (per plan, on each tick) keeps the verified backups its policy keeps; the other
verified ones, and those that failed their check and are older than every kept one, are
deleted from the destination and recorded deleted. A backup that failed never counts as kept.

A restore into the same database waits for its automatic backup to be verified first (it
fails, changing nothing, if that backup does not verify); a restore into a new database
waits for the new service to run. Then the dump goes in and the result is checked against
the backup's facts. A restore not done by its deadline fails, saying the database may be
partly restored and which automatic backup holds what it had before.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application import commands as c
from application.backup_ports import (
    BackupCorruptError,
    BackupNotFoundError,
    BackupStore,
    BackupStoreError,
    BackupStores,
    BackupStoreUnavailableError,
    DatabaseDumps,
    DatabaseTarget,
    DumpError,
    DumpFacts,
    ScratchDatabase,
    StoredBackup,
)
from application.bus import CommandBus, Context
from application.cron import MAX_MISSED_RECORDED, due, fire_times
from application.databases import ENGINES
from application.errors import ApplicationError, DomainError
from application.ports import Clock
from application.processes.support import (
    BACKUP_OPERATION,
    DEPLOYMENT,
    ENVIRONMENT,
    INSTANCE,
    MANAGED,
    ORGANIZATION,
    PROJECT,
    SERVICE,
    network_name,
    release_variables,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import ContainerEngineError, ContainerRuntime, NodeRuntimes
from application.secrets import Secret
from domain.backup import Backup, BackupState
from domain.backup_retention import RetentionPolicy
from domain.database_restore import DatabaseRestore, RestoreInto, RestoreState
from domain.ids import Actor, NodeId
from domain.service_spec import DatabaseEngine, DatabaseSettings

log = logging.getLogger(__name__)
ACTOR = Actor("system:backups")
BACKUP = BACKUP_OPERATION
"""Put on every helper and scratch container made for a backup or restore (its id)."""


class TargetError(Exception):
    """Raised when a database cannot be reached for a dump or restore (no running replica,
    not a managed database); the message is safe to show."""


@dataclass(frozen=True)
class BackupConfig:
    """Which installation this is, where engines run, and how long steps may take."""

    instance: str
    local_endpoint: str
    images: Callable[[DatabaseSettings], str]
    """The image of an engine's version (the scratch databases run it)."""
    step_timeout: float = 3600.0
    store_timeout: float = 60.0
    starting_deadline_seconds: int = 3600
    """The missed-run rule (as cron's): after a downtime only the latest missed scheduled
    time is backed up, and only if no later than this; the others are recorded failed."""
    tee: bool = True
    """Verify while the dump streams (the fast path); False: restore from the store after."""


def compare_facts(at_dump: DumpFacts, restored: DumpFacts, engine: str) -> str | None:
    """Why the restored database does not hold what was dumped, or None when it does."""
    if engine == DatabaseEngine.REDIS.value:
        if (at_dump.keys or 0) != (restored.keys or 0):
            return (
                f"Redis held {at_dump.keys or 0} keys at dump time; the restored copy holds "
                f"{restored.keys or 0}"
            )
        return None
    if engine == DatabaseEngine.MYSQL.value:
        # A MySQL dump is of one database, restored into whichever the target uses (a
        # scratch database has its own name): tables are compared without their schema.
        at_dump = DumpFacts(server_version="", tables=_unqualified(at_dump.tables))
        restored = DumpFacts(server_version="", tables=_unqualified(restored.tables))
    problems = [
        f"table {name} is missing after the restore"
        for name in sorted(set(at_dump.tables) - set(restored.tables))
    ]
    problems += [
        f"table {name}: {rows} rows at dump time, {restored.tables[name]} after the restore"
        for name, rows in sorted(at_dump.tables.items())
        if name in restored.tables and restored.tables[name] != rows
    ]
    if not problems:
        return None
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return "; ".join(problems[:3]) + more


def _unqualified(tables: dict[str, int]) -> dict[str, int]:
    return {name.split(".", 1)[-1]: rows for name, rows in tables.items()}


def _facts(backup: Backup) -> DumpFacts:
    return DumpFacts(server_version=backup.server_version, tables=backup.tables, keys=backup.keys)


def _credentials(
    engine: DatabaseEngine, variables: dict[str, Secret]
) -> tuple[str, Secret, str | None]:
    """User, password and database from a managed database's own variables."""

    def first(*names: str, default: str = "") -> str:
        for name in names:
            if name in variables:
                return variables[name].reveal()
        return default

    if engine is DatabaseEngine.POSTGRES:
        user = first("PGUSER", "POSTGRES_USER", default="postgres")
        password = first("PGPASSWORD", "POSTGRES_PASSWORD")
        return user, Secret(password), first("PGDATABASE", "POSTGRES_DB", default=user)
    if engine is DatabaseEngine.MYSQL:
        password = first("MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD")
        return "root", Secret(password), first("MYSQL_DATABASE", "MARIADB_DATABASE") or None
    return "default", Secret(first("REDIS_PASSWORD")), None


class Tee:
    """Hands each chunk of the dump to the store and, through a small bounded queue, to a
    restore into the scratch database running in a thread (memory stays bounded)."""

    _END = b""

    def __init__(self, restore: Callable[[Iterable[bytes]], None]) -> None:
        self._queue: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self._ended = False
        self._thread = threading.Thread(target=self._run, args=(restore,), daemon=True)
        self._thread.start()

    def _chunks(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if isinstance(item, BaseException) or not item:
                self._ended = True
                if isinstance(item, BaseException):
                    raise item
                return
            yield item

    def _run(self, restore: Callable[[Iterable[bytes]], None]) -> None:
        try:
            restore(self._chunks())
        except BaseException as e:  # reported by finish(); keep draining so the dump goes on
            self.error = e
        while not self._ended:  # a restore that stopped reading early: drain to the end
            item = self._queue.get()
            self._ended = isinstance(item, BaseException) or not item

    def stream(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            if chunk:
                if self._thread.is_alive():
                    self._queue.put(chunk)
                yield chunk

    def finish(self, error: BaseException | None, timeout: float) -> BaseException | None:
        """End the restore's stream (aborted when the dump failed) and wait for it."""
        if self._thread.is_alive():
            self._queue.put(error if error is not None else self._END)
        self._thread.join(timeout)
        if self._thread.is_alive():
            return DumpError("the restore check did not end by its deadline")
        return self.error


class BackupProcess:
    """Schedules backups, moves every busy backup and restore on, applies retention."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        runtimes: NodeRuntimes,
        stores: BackupStores,
        dumps: DatabaseDumps,
        clock: Clock,
        config: BackupConfig,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.runtimes = runtimes
        self.stores = stores
        self.dumps = dumps
        self.clock = clock
        self.config = config
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the backup process's tick failed")
            wait(5.0)

    def tick(self) -> None:
        """Schedule what came due, advance busy backups and restores, apply retention."""
        self.schedule()
        for row in self.dashboard.busy_backups():
            self._guarded(self.advance, row.id)
        for restore in self.dashboard.busy_restores():
            self._guarded(self.advance_restore, restore.id)
        for plan in self.dashboard.backup_plans():
            self._guarded(self.apply_retention, plan.id)

    def _guarded(self, step: Callable[[UUID], None], ident: UUID) -> None:
        try:
            step(ident)
        except (ContainerEngineError, BackupStoreUnavailableError) as e:
            log.warning("%s %s waits (next tick, or its deadline): %s", step.__name__, ident, e)
        except Exception:
            log.exception("%s %s: step failed", step.__name__, ident)

    # 1. The schedule

    def schedule(self) -> None:
        """Record every scheduled time of every active plan that came since the last one."""
        now = self.clock.now()
        for plan in self.dashboard.backup_plans():
            try:
                self._schedule_one(plan.id, now)
            except Exception:
                log.exception("backup plan %s: scheduling failed", plan.id)

    def _schedule_one(self, plan_id: UUID, now: datetime) -> None:
        plan = self.queries.backup_plan(plan_id)
        if not plan.active:
            return
        scheduled = [
            r.taken_at for r in self.dashboard.plan_backups(plan.id) if r.trigger == "scheduled"
        ]
        since = max([plan.since, *scheduled])
        times, more = fire_times(
            plan.schedule, plan.timezone, since, now, newest=MAX_MISSED_RECORDED + 1
        )
        found = due(times, now, self.config.starting_deadline_seconds, more=more)
        for missed in found.missed:
            self._send(
                c.ScheduleBackup(
                    plan_id=plan.id,
                    scheduled_at=missed,
                    missed=f"Containr was not running at {missed.isoformat()} and the backup "
                    f"was more than {self.config.starting_deadline_seconds} s late",
                )
            )
        if found.run is not None:
            self._send(c.ScheduleBackup(plan_id=plan.id, scheduled_at=found.run))

    # 2. A backup

    def advance(self, backup_id: UUID) -> None:
        """Take the backup's next steps (the unit the tests drive)."""
        backup = self.queries.backup(backup_id)
        if backup.state in (BackupState.DUMPING, BackupState.STORED, BackupState.VERIFYING):
            # An attempt was recorded and this process is not running it: a dead worker's
            # helpers and scratch database may still be on the engine.
            self._sweep(self._backup_runtime(backup), backup.id)
        if backup.state.in_progress and self.clock.now() > backup.deadline:
            self._report(
                c.ReportBackupStep(
                    backup_id=backup.id,
                    step="failed",
                    reason=f"not done by its deadline ({backup.deadline.isoformat()})",
                )
            )
            return
        if backup.state in (BackupState.REQUESTED, BackupState.DUMPING):
            self._dump(backup)
            backup = self.queries.backup(backup_id)
        if backup.state in (BackupState.STORED, BackupState.VERIFYING):
            self._verify(backup)

    def _dump(self, backup: Backup) -> None:
        # The database and the store are found before the attempt is recorded: an engine
        # that is away (ContainerEngineError) waits for the next tick without an event.
        try:
            runtime, target = self._target(backup.service_id, backup.environment_id, backup.id)
            store = self.stores.open(backup.organization_id, backup.destination_id)
        except (TargetError, BackupStoreError) as e:
            self._fail(backup, str(e))
            return
        if not self._report(c.ReportBackupStep(backup_id=backup.id, step="dumping")):
            return
        # A dead attempt may have stored a whole object without recording it: its checksum
        # was never recorded, so it is not trusted; the dump is made again.
        store.delete(backup.key, timeout=self.config.store_timeout)
        if not self.config.tee:
            self._plain_dump(backup, runtime, target, store)
            return
        self._teed_dump(backup, runtime, target, store)

    def _plain_dump(
        self, backup: Backup, runtime: ContainerRuntime, target: DatabaseTarget, store: BackupStore
    ) -> None:
        try:
            stored, facts = self.dumps.dump(
                runtime, target, self._sink(store, backup.key), timeout=self.config.step_timeout
            )
        except (DumpError, BackupStoreError) as e:
            self._fail(backup, str(e))
            return
        self._report_stored(backup, stored.size_bytes, stored.sha256, facts)

    def _teed_dump(
        self, backup: Backup, runtime: ContainerRuntime, target: DatabaseTarget, store: BackupStore
    ) -> None:
        try:
            scratch = self._scratch(runtime, backup)
        except DumpError as e:
            self._fail(backup, f"the throw-away database for the restore check: {e}")
            return
        try:
            tee = Tee(
                lambda chunks: self.dumps.restore(
                    runtime, scratch.target, chunks, timeout=self.config.step_timeout
                )
            )
            try:
                stored, facts = self.dumps.dump(
                    runtime,
                    target,
                    lambda chunks: store.put(
                        backup.key, tee.stream(chunks), timeout=self.config.store_timeout
                    ),
                    timeout=self.config.step_timeout,
                )
            except BaseException as e:  # the teed restore is told to stop, whatever happened
                tee.finish(DumpError("the dump failed"), self.config.step_timeout)
                if not isinstance(e, DumpError | BackupStoreError):
                    raise
                self._fail(backup, str(e))
                return
            restore_error = tee.finish(None, self.config.step_timeout)
            if not self._report_stored(backup, stored.size_bytes, stored.sha256, facts):
                return
            if not self._report(c.ReportBackupStep(backup_id=backup.id, step="verifying")):
                return
            failure = self._teed_check(
                runtime, store, backup, stored.sha256, facts, scratch, restore_error
            )
            self._report_verification(backup, failure)
        finally:
            scratch.remove()

    def _teed_check(
        self,
        runtime: ContainerRuntime,
        store: BackupStore,
        backup: Backup,
        sha256: str,
        facts: DumpFacts,
        scratch: ScratchDatabase,
        restore_error: BaseException | None,
    ) -> str | None:
        """Why the teed restore does not prove the stored backup, or None."""
        if restore_error is not None:
            return f"the dump did not restore into a throw-away database: {restore_error}"
        try:  # what was restored is what was stored: read it all back, checked
            for _ in store.get(backup.key, sha256=sha256, timeout=self.config.store_timeout):
                pass
        except BackupCorruptError as e:
            return f"the stored backup is corrupt: {e}"
        except BackupNotFoundError as e:
            return f"the stored backup is missing: {e}"
        return self._measure(runtime, scratch, facts, backup.engine)

    def _measure(
        self, runtime: ContainerRuntime, scratch: ScratchDatabase, facts: DumpFacts, engine: str
    ) -> str | None:
        try:
            restored = self.dumps.facts(runtime, scratch.target, timeout=self.config.step_timeout)
        except DumpError as e:
            return f"the restored copy could not be measured: {e}"
        return compare_facts(facts, restored, engine)

    def _verify(self, backup: Backup) -> None:
        """The restore check from the store (after a crash, or without the tee)."""
        runtime = self._backup_runtime(backup)
        try:
            store = self.stores.open(backup.organization_id, backup.destination_id)
            scratch = self._scratch(runtime, backup)
        except (BackupStoreError, DumpError) as e:
            self._fail(backup, str(e))
            return
        failure: str | None
        try:
            if not self._report(c.ReportBackupStep(backup_id=backup.id, step="verifying")):
                return
            chunks = store.get(
                backup.key, sha256=backup.sha256 or "", timeout=self.config.store_timeout
            )
            self.dumps.restore(runtime, scratch.target, chunks, timeout=self.config.step_timeout)
            failure = self._measure(runtime, scratch, _facts(backup), backup.engine)
        except BackupCorruptError as e:
            failure = f"the stored backup is corrupt: {e}"
        except BackupNotFoundError as e:
            failure = f"the stored backup is missing: {e}"
        except DumpError as e:
            failure = f"the dump did not restore into a throw-away database: {e}"
        finally:
            scratch.remove()
        self._report_verification(backup, failure)

    def _scratch(self, runtime: ContainerRuntime, backup: Backup) -> ScratchDatabase:
        engine = DatabaseEngine(backup.engine)
        image = self.config.images(DatabaseSettings(engine, backup.engine_version))
        return self.dumps.scratch(
            runtime,
            engine,
            backup.engine_version,
            image,
            labels={
                **self._labels(backup.organization_id, backup.project_id),
                BACKUP: str(backup.id),
            },
            timeout=self.config.step_timeout,
        )

    def _sink(self, store: BackupStore, key: str) -> Callable[[Iterable[bytes]], StoredBackup]:
        return lambda chunks: store.put(key, chunks, timeout=self.config.store_timeout)

    def _report_stored(self, backup: Backup, size: int, sha256: str, facts: DumpFacts) -> bool:
        return self._report(
            c.ReportBackupStep(
                backup_id=backup.id, step="stored", size_bytes=size, sha256=sha256,
                server_version=facts.server_version, tables=dict(facts.tables), keys=facts.keys,
            )
        )  # fmt: skip

    def _report_verification(self, backup: Backup, failure: str | None) -> None:
        if failure is None:
            self._report(c.ReportBackupStep(backup_id=backup.id, step="verified"))
        else:
            self._report(
                c.ReportBackupStep(backup_id=backup.id, step="verification_failed", reason=failure)
            )

    def _fail(self, backup: Backup, reason: str) -> None:
        self._report(c.ReportBackupStep(backup_id=backup.id, step="failed", reason=reason))

    # 3. Retention

    def apply_retention(self, plan_id: UUID) -> None:
        """Delete the backups of the plan its retention policy does not keep."""
        plan = self.queries.backup_plan(plan_id)
        rows = [r for r in self.dashboard.plan_backups(plan.id) if not r.deleted]
        verified = [(r.id, r.taken_at) for r in rows if r.state == "verified"]
        if not verified:
            return
        policy = plan.retention
        kept = policy.kept(verified)
        oldest_kept = min(t for i, t in verified if i in kept)
        doomed = [(i, f"retention: not kept by {_words(policy)}") for i in policy.expired(verified)]
        doomed += [
            (r.id, "retention: it failed its restore check and every kept backup is newer")
            for r in rows
            if r.state == "verification_failed" and r.taken_at < oldest_kept
        ]
        for backup_id, reason in doomed:
            backup = self.queries.backup(backup_id)
            if backup.deleted:
                continue
            store = self.stores.open(backup.organization_id, backup.destination_id)
            store.delete(backup.key, timeout=self.config.store_timeout)
            self._report(c.ReportBackupStep(backup_id=backup.id, step="deleted", reason=reason))

    # 4. Restores

    def advance_restore(self, restore_id: UUID) -> None:
        """Take the restore's next steps."""
        restore = self.queries.database_restore(restore_id)
        if not restore.in_progress:
            return
        if self.clock.now() > restore.deadline:
            self._end_restore(restore, self._deadline_reason(restore))
            return
        if restore.state is RestoreState.REQUESTED:
            if not self._ready(restore):
                return
            if not self._report(
                c.ReportDatabaseRestoreStep(restore_id=restore.id, step="restoring")
            ):
                return
        restore = self.queries.database_restore(restore_id)
        if restore.state is RestoreState.RESTORING:
            self._sweep(self._restore_runtime(restore), restore.id)
            self._restore(restore)

    def _deadline_reason(self, restore: DatabaseRestore) -> str:
        reason = f"not done by its deadline ({restore.deadline.isoformat()})"
        if restore.state is RestoreState.RESTORING:
            reason += "; the database may be partly restored"
            if restore.safety_backup_id is not None:
                reason += f": backup {restore.safety_backup_id} holds what it had before"
        return reason

    def _ready(self, restore: DatabaseRestore) -> bool:
        """Whether the restore may begin: its automatic backup verified (same), or the new
        database running (new). Fails the restore when its automatic backup did not verify."""
        if restore.into is RestoreInto.SAME and restore.safety_backup_id is not None:
            safety = self.queries.backup(restore.safety_backup_id)
            if safety.state.in_progress:
                return False
            if safety.state is not BackupState.VERIFIED:
                self._end_restore(
                    restore,
                    f"the automatic backup taken first did not verify ({safety.reason}); "
                    "nothing was changed",
                )
                return False
            return True
        service = self.queries.service(restore.service_id)
        return service.live_release(restore.environment_id) is not None

    def _restore(self, restore: DatabaseRestore) -> None:
        backup = self.queries.backup(restore.backup_id)
        try:
            runtime, target = self._target(restore.service_id, restore.environment_id, restore.id)
            store = self.stores.open(backup.organization_id, backup.destination_id)
            chunks = store.get(
                backup.key, sha256=backup.sha256 or "", timeout=self.config.store_timeout
            )
            self.dumps.restore(runtime, target, chunks, timeout=self.config.step_timeout)
            restored = self.dumps.facts(runtime, target, timeout=self.config.step_timeout)
        except (TargetError, DumpError, BackupStoreError) as e:
            if isinstance(e, BackupStoreUnavailableError):
                raise
            reason = str(e)
            if isinstance(e, BackupCorruptError):  # named as the restore check names it
                reason = f"the stored backup is corrupt: {e}"
            if restore.safety_backup_id is not None:
                reason += (
                    f"; the database may be partly restored: backup {restore.safety_backup_id} "
                    "holds what it had before"
                )
            self._end_restore(restore, reason)
            return
        failure = compare_facts(_facts(backup), restored, backup.engine)
        self._end_restore(restore, failure)

    def _end_restore(self, restore: DatabaseRestore, failure: str | None) -> None:
        if failure is None:
            self._report(c.ReportDatabaseRestoreStep(restore_id=restore.id, step="restored"))
        else:
            self._report(
                c.ReportDatabaseRestoreStep(restore_id=restore.id, step="failed", reason=failure)
            )

    # Helpers

    def _target(
        self, service_id: UUID, environment_id: UUID, operation: UUID
    ) -> tuple[ContainerRuntime, DatabaseTarget]:
        """The engine of the database's node and its running replica, as a helper reaches it."""
        service = self.queries.service(service_id)
        database = service.spec.database
        if database is None or service.deleted:
            raise TargetError(f"service {service.name!r} is not a managed database (any more)")
        live = service.live_release(environment_id)
        if live is None:
            raise TargetError(f"{service.name!r} has no live release here; deploy it first")
        deployment = self.queries.deployment(live)
        runtime = self._runtime_of(deployment.placements.get(0))
        running = [
            x
            for x in runtime.containers(
                {SERVICE: str(service_id), ENVIRONMENT: str(environment_id), DEPLOYMENT: str(live)}
            )
            if x.state == "running"
        ]
        if not running:
            raise TargetError(f"{service.name!r} has no running replica to reach")
        user, password, name = _credentials(
            database.engine, release_variables(self.queries, deployment)
        )
        profile = ENGINES[database.engine]
        target = DatabaseTarget(
            engine=database.engine,
            version=database.version,
            image=service.spec.image or self.config.images(database),
            network=network_name(environment_id),
            host=running[0].name,
            port=profile.port,
            user=user,
            password=password,
            database=name,
            labels={
                **self._labels(service.organization_id, service.project_id),
                SERVICE: str(service_id),
                ENVIRONMENT: str(environment_id),
                BACKUP: str(operation),
            },
        )
        return runtime, target

    def _labels(self, organization_id: UUID, project_id: UUID) -> dict[str, str]:
        return {
            MANAGED: "true",
            INSTANCE: self.config.instance,
            ORGANIZATION: str(organization_id),
            PROJECT: str(project_id),
        }

    def _runtime_of(self, node_id: UUID | None) -> ContainerRuntime:
        endpoint = self.config.local_endpoint
        if node_id is not None:
            endpoint = self.queries.node(NodeId(node_id)).endpoint
        return self.runtimes.for_endpoint(endpoint)

    def _sweep(self, runtime: ContainerRuntime, operation: UUID) -> None:
        """Remove what an earlier attempt at this backup or restore left on the engine."""
        try:
            swept = self.dumps.sweep(
                runtime, {INSTANCE: self.config.instance, BACKUP: str(operation)}
            )
        except ContainerEngineError as e:  # the engine is away: the step itself will say so
            log.info("could not look for the leftovers of %s: %s", operation, e)
            return
        if swept:
            log.info("removed %d container(s) an earlier attempt at %s left", swept, operation)

    def _restore_runtime(self, restore: DatabaseRestore) -> ContainerRuntime:
        """The engine the restored database runs on."""
        live = self.queries.service(restore.service_id).live_release(restore.environment_id)
        node = None if live is None else self.queries.deployment(live).placements.get(0)
        return self._runtime_of(node)

    def _backup_runtime(self, backup: Backup) -> ContainerRuntime:
        """The engine the database runs on (scratch databases go beside it)."""
        live = self.queries.service(backup.service_id).live_release(backup.environment_id)
        node = None if live is None else self.queries.deployment(live).placements.get(0)
        return self._runtime_of(node)

    def _send(self, command: c.Command) -> None:
        self.bus.execute(command, self._ctx)

    def _report(self, command: c.Command) -> bool:
        """Send a report; False when it was refused (then the step stops here)."""
        try:
            self.bus.execute(command, self._ctx)
        except (DomainError, ApplicationError) as e:
            log.warning("backup report %s refused: %s", type(command).__name__, e)
            return False
        return True


def _words(policy: RetentionPolicy) -> str:
    return f"{policy.daily} daily, {policy.weekly} weekly, {policy.monthly} monthly"
