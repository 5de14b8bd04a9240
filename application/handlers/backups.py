"""Handlers for database backups, their plans and restores, and the backup process's reports."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from application import commands as c
from application.cron import check_cron, check_timezone
from application.errors import InvalidValueError, NotFoundError, RuleViolatedError
from application.handlers.common import live_project, live_service
from application.handlers.databases import create_database
from application.unit_of_work import UnitOfWork
from domain.backup import Backup, BackupTrigger
from domain.backup_plan import BackupPlan
from domain.backup_retention import RetentionPolicy
from domain.database_restore import DatabaseRestore, RestoreInto, check_restorable
from domain.service import Service
from domain.service_spec import DatabaseSettings

BACKUP_DEADLINE = timedelta(hours=2)
"""How long a backup may take, dump and restore check included, before it fails."""
RESTORE_DEADLINE = timedelta(hours=3)
"""How long a restore may take, its automatic backup or the new database's start included."""


def _database(uow: UnitOfWork, service_id: UUID, environment_id: UUID) -> Service:
    """A live managed database service with ``environment_id`` among its project's."""
    service = live_service(uow, service_id)
    project = live_project(uow, service.project_id)
    project.environment(environment_id)
    if service.spec.database is None:
        raise InvalidValueError(
            "service_id", f"service {service.name!r} is not a managed database; only those back up"
        )
    return service


def _checked_schedule(schedule: str, timezone: str | None) -> tuple[str, str | None]:
    try:
        checked = check_cron(schedule)
        zone = check_timezone(timezone)
    except InvalidValueError as e:  # named after the plan's fields, not a cron service's
        field = "timezone" if e.field == "cron_timezone" else "schedule"
        raise InvalidValueError(field, e.message) from None
    assert checked is not None
    return checked, zone


def set_backup_plan(cmd: c.SetBackupPlan, uow: UnitOfWork) -> dict[str, UUID]:
    """Set (or replace) a database service's backup plan in an environment. The destination
    was checked writable on the way in (application.backup_check)."""
    service = _database(uow, cmd.service_id, cmd.environment_id)
    schedule, timezone = _checked_schedule(cmd.schedule, cmd.timezone)
    retention = RetentionPolicy(cmd.daily, cmd.weekly, cmd.monthly).check()
    plan = uow.find(BackupPlan, BackupPlan.id_for(service.id, cmd.environment_id))
    if plan is None:
        plan = uow.add(
            BackupPlan.set_up(
                organization_id=service.organization_id,
                project_id=service.project_id,
                service_id=service.id,
                environment_id=cmd.environment_id,
                schedule=schedule,
                timezone=timezone,
                destination_id=cmd.destination_id,
                retention=retention,
                enabled=cmd.enabled,
                actor=uow.actor,
                now=uow.now,
            )
        )
    else:
        plan.change(
            schedule=schedule,
            timezone=timezone,
            destination_id=cmd.destination_id,
            retention=retention,
            enabled=cmd.enabled,
            actor=uow.actor,
            now=uow.now,
        )
    return {"plan_id": plan.id, "service_id": service.id}


def remove_backup_plan(cmd: c.RemoveBackupPlan, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop a service's scheduled backups in an environment."""
    service = live_service(uow, cmd.service_id)
    plan = uow.find(BackupPlan, BackupPlan.id_for(service.id, cmd.environment_id))
    if plan is None:
        raise NotFoundError("backup plan", service.id, field="service_id")
    plan.remove(actor=uow.actor, now=uow.now)
    return {"plan_id": plan.id, "service_id": service.id}


def _new_backup(
    uow: UnitOfWork,
    backup_id: UUID,
    service: Service,
    environment_id: UUID,
    destination_id: UUID,
    trigger: BackupTrigger,
    plan: BackupPlan | None = None,
) -> Backup:
    database = service.spec.database
    assert database is not None
    return uow.add(
        Backup.request(
            backup_id,
            organization_id=service.organization_id,
            project_id=service.project_id,
            service_id=service.id,
            environment_id=environment_id,
            plan_id=None if plan is None else plan.id,
            trigger=trigger,
            scheduled_at=None,
            destination_id=destination_id,
            engine=database.engine.value,
            version=database.version,
            deadline=uow.now + BACKUP_DEADLINE,
            actor=uow.actor,
            now=uow.now,
        )
    )


def _plan_destination(uow: UnitOfWork, service: Service, environment_id: UUID) -> BackupPlan:
    plan = uow.find(BackupPlan, BackupPlan.id_for(service.id, environment_id))
    if plan is None or plan.removed:
        raise InvalidValueError(
            "destination_id",
            f"service {service.name!r} has no backup plan here; name the destination to back "
            "up to, or set a plan first",
        )
    return plan


def backup_now(cmd: c.BackupNow, uow: UnitOfWork) -> dict[str, UUID]:
    """Ask for a backup of a database service now; the backup process takes it."""
    service = _database(uow, cmd.service_id, cmd.environment_id)
    backup_id = Backup.requested_id(service.id, cmd.request_id or str(uuid4()))
    if uow.find(Backup, backup_id) is None:
        plan = None
        destination = cmd.destination_id
        if destination is None:
            plan = _plan_destination(uow, service, cmd.environment_id)
            destination = plan.destination_id
        _new_backup(
            uow, backup_id, service, cmd.environment_id, destination, BackupTrigger.MANUAL, plan
        )
    return {"backup_id": backup_id, "service_id": service.id}


def schedule_backup(cmd: c.ScheduleBackup, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a plan's scheduled backup (once per scheduled time)."""
    plan = uow.get(BackupPlan, cmd.plan_id, "backup plan")
    backup_id = Backup.scheduled_id(plan.id, cmd.scheduled_at)
    if uow.find(Backup, backup_id) is None:
        service = _database(uow, plan.service_id, plan.environment_id)
        database = service.spec.database
        assert database is not None
        backup = uow.add(
            Backup.request(
                backup_id,
                organization_id=plan.organization_id,
                project_id=plan.project_id,
                service_id=plan.service_id,
                environment_id=plan.environment_id,
                plan_id=plan.id,
                trigger=BackupTrigger.SCHEDULED,
                scheduled_at=cmd.scheduled_at,
                destination_id=plan.destination_id,
                engine=database.engine.value,
                version=database.version,
                deadline=uow.now + BACKUP_DEADLINE,
                actor=uow.actor,
                now=uow.now,
            )
        )
        if cmd.missed:
            backup.fail(f"missed: {cmd.missed}", actor=uow.actor, now=uow.now)
    return {"backup_id": backup_id, "plan_id": plan.id}


def report_backup_step(cmd: c.ReportBackupStep, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a backup's step (repeats change nothing)."""
    backup = uow.get(Backup, cmd.backup_id, "backup")
    actor, now = uow.actor, uow.now
    if cmd.step == "dumping":
        backup.start_dump(actor=actor, now=now)
    elif cmd.step == "stored":
        backup.stored(
            size_bytes=cmd.size_bytes, sha256=cmd.sha256, server_version=cmd.server_version,
            tables=cmd.tables, keys=cmd.keys, actor=actor, now=now,
        )  # fmt: skip
    elif cmd.step == "verifying":
        backup.start_verification(actor=actor, now=now)
    elif cmd.step == "verified":
        backup.verification_ended(None, actor=actor, now=now)
    elif cmd.step == "verification_failed":
        backup.verification_ended(cmd.reason or "the restore check failed", actor=actor, now=now)
    elif cmd.step == "deleted":
        backup.delete(cmd.reason, actor=actor, now=now)
    else:
        backup.fail(cmd.reason, actor=actor, now=now)
    return {"backup_id": backup.id}


def restore_backup(cmd: c.RestoreBackup, uow: UnitOfWork) -> dict[str, UUID]:
    """Restore a backup into its own database (confirmed by name, after an automatic backup)
    or into a new database service of the same engine and version."""
    backup = uow.get(Backup, cmd.backup_id, "backup")
    source = live_service(uow, backup.service_id)
    database = source.spec.database
    if database is None:
        raise RuleViolatedError(f"service {source.name!r} is no longer a managed database")
    check_restorable(backup, database.engine.value, database.version, forced=cmd.force)
    restore_id = uuid4()
    if cmd.into == "same":
        if cmd.confirm != source.name:
            raise InvalidValueError(
                "confirm",
                f"type the service's name ({source.name!r}) to confirm: the restore replaces "
                "what the database holds now",
            )
        target, safety = source, _new_backup(
            uow, Backup.requested_id(source.id, f"before-restore:{restore_id}"), source,
            backup.environment_id, backup.destination_id, BackupTrigger.BEFORE_RESTORE,
        )  # fmt: skip
        safety_id: UUID | None = safety.id
    else:
        target, safety_id = _new_database(uow, cmd, source, backup, database), None
    restore = DatabaseRestore.request(
        restore_id,
        organization_id=backup.organization_id,
        project_id=backup.project_id,
        backup_id=backup.id,
        service_id=target.id,
        environment_id=backup.environment_id,
        into=RestoreInto(cmd.into),
        forced=cmd.force,
        safety_backup_id=safety_id,
        deadline=uow.now + RESTORE_DEADLINE,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(restore)
    return {"restore_id": restore.id, "service_id": target.id, "backup_id": backup.id}


def _new_database(
    uow: UnitOfWork,
    cmd: c.RestoreBackup,
    source: Service,
    backup: Backup,
    database: DatabaseSettings,
) -> Service:
    """A new managed database of the backup's engine and version, made as createDatabase
    makes one (its own credentials, volume and probe) and deployed into the backup's
    environment; the restore waits for it to run."""
    if not cmd.new_service_name:
        raise InvalidValueError("new_service_name", "name the new database service")
    try:
        made = create_database(
            c.CreateDatabase(
                project_id=source.project_id,
                environment_id=backup.environment_id,
                engine=database.engine.value,
                name=cmd.new_service_name,
                version=backup.engine_version,
            ),
            uow,
        )
    except InvalidValueError as e:  # named after this command's argument
        field = "new_service_name" if e.field in ("name", None) else e.field
        raise InvalidValueError(field, e.message) from None
    return uow.get(Service, made["service_id"], "service")


def report_database_restore_step(
    cmd: c.ReportDatabaseRestoreStep, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record a restore's step (repeats change nothing)."""
    restore = uow.get(DatabaseRestore, cmd.restore_id, "restore")
    if cmd.step == "restoring":
        restore.start(actor=uow.actor, now=uow.now)
    elif cmd.step == "restored":
        restore.ended(None, actor=uow.actor, now=uow.now)
    else:
        restore.ended(cmd.reason or "the restore failed", actor=uow.actor, now=uow.now)
    return {"restore_id": restore.id}
