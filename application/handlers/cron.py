"""Handlers for cron runs: "run now", and the reports of the cron process manager."""

from __future__ import annotations

from uuid import UUID, uuid4

from application import commands as c
from application.errors import RuleViolatedError
from application.handlers.common import live_service
from application.unit_of_work import UnitOfWork
from domain.cron_run import CronRun
from domain.service import Service
from domain.service_spec import ServiceKind


def _cron_service(uow: UnitOfWork, service_id: UUID) -> Service:
    service = live_service(uow, service_id)
    if service.spec.kind is not ServiceKind.CRON:
        raise RuleViolatedError(
            f"{service.name!r} is a {service.spec.kind.value} service; only cron services run "
            "on a schedule"
        )
    return service


def _new_run(
    uow: UnitOfWork, run_id: UUID, service: Service, cmd: c.ScheduleCronRun | c.RunCronNow
) -> CronRun:
    deployment_id = getattr(cmd, "deployment_id", None) or service.live_release(cmd.environment_id)
    if deployment_id is None:
        raise RuleViolatedError(
            "the service has no live release in this environment yet; deploy it first"
        )
    return uow.add(
        CronRun.schedule(
            run_id=run_id,
            organization_id=service.organization_id,
            project_id=service.project_id,
            service_id=service.id,
            environment_id=cmd.environment_id,
            deployment_id=deployment_id,
            scheduled_at=getattr(cmd, "scheduled_at", uow.now),
            manual=isinstance(cmd, c.RunCronNow),
            deadline_seconds=service.spec.cron_deadline_seconds,
            actor=uow.actor,
            now=uow.now,
        )
    )


def run_cron_now(cmd: c.RunCronNow, uow: UnitOfWork) -> dict[str, UUID]:
    """Ask for a run of a cron service's live release now; the scheduler starts it."""
    service = _cron_service(uow, cmd.service_id)
    run_id = CronRun.manual_id_for(service.id, cmd.environment_id, cmd.request_id or str(uuid4()))
    if uow.find(CronRun, run_id) is None:
        _new_run(uow, run_id, service, cmd)
    return {"run_id": run_id, "service_id": service.id}


def schedule_cron_run(cmd: c.ScheduleCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a scheduled time of a cron service once (again: nothing new)."""
    run_id = CronRun.id_for(cmd.service_id, cmd.environment_id, cmd.scheduled_at)
    if uow.find(CronRun, run_id) is not None:
        return {"run_id": run_id}
    run = _new_run(uow, run_id, _cron_service(uow, cmd.service_id), cmd)
    if cmd.skip_reason is not None:
        run.skip(cmd.skip_reason, cmd.skip_detail, actor=uow.actor, now=uow.now)
    return {"run_id": run_id}


def _run(uow: UnitOfWork, run_id: UUID) -> CronRun:
    return uow.get(CronRun, run_id, "cron run")


def start_cron_run(cmd: c.StartCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a run's container started."""
    _run(uow, cmd.run_id).start(cmd.container, actor=uow.actor, now=uow.now)
    return {"run_id": cmd.run_id}


def finish_cron_run(cmd: c.FinishCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a run's exit code."""
    _run(uow, cmd.run_id).finish(cmd.exit_code, cmd.detail, actor=uow.actor, now=uow.now)
    return {"run_id": cmd.run_id}


def time_out_cron_run(cmd: c.TimeOutCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a run was killed at its deadline."""
    _run(uow, cmd.run_id).time_out(actor=uow.actor, now=uow.now)
    return {"run_id": cmd.run_id}


def skip_cron_run(cmd: c.SkipCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a scheduled run will not run."""
    _run(uow, cmd.run_id).skip(cmd.reason, cmd.detail, actor=uow.actor, now=uow.now)
    return {"run_id": cmd.run_id}


def replace_cron_run(cmd: c.ReplaceCronRun, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that a run was stopped for a newer one."""
    _run(uow, cmd.run_id).replace_by(cmd.by_run_id, actor=uow.actor, now=uow.now)
    return {"run_id": cmd.run_id}
