"""The dashboard's cron runs: each run of a cron service, its times and its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.cron_run import CronRun
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class CronRunRow:
    """A run of a cron service in an environment."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    deployment_id: UUID
    scheduled_at: datetime
    manual: bool
    state: str
    """scheduled, running, succeeded, failed, timed_out, skipped or replaced."""
    container: str | None
    started_at: datetime | None
    finished_at: datetime | None
    exit_code: int | None
    detail: str
    updated_at: datetime
    position: int = 0


CRON_RUNS = Table(
    "cron_runs",
    CronRunRow,
    ("id",),
    notices=(("service", "service_id"),),
    indexes=(("service_id", "environment_id", "scheduled_at"), ("state",)),
)


class CronRunHandlers:
    """Runs of cron services."""

    @handles(CronRun.Scheduled)
    def cron_run_scheduled(self, e: CronRun.Scheduled, store: RowStore) -> None:
        """A run was scheduled (or asked for now)."""
        store.put(
            CRON_RUNS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "deployment_id": e.deployment_id,
                "scheduled_at": e.scheduled_at,
                "manual": e.manual,
                "state": "scheduled",
                "container": None,
                "started_at": None,
                "finished_at": None,
                "exit_code": None,
                "detail": "",
                "updated_at": e.timestamp,
            },
        )

    def _end(self, store: RowStore, e: Any, state: str, detail: str, **more: Any) -> None:
        store.update(
            CRON_RUNS,
            (e.originator_id,),
            state=state,
            detail=detail,
            finished_at=e.timestamp,
            updated_at=e.timestamp,
            **more,
        )

    @handles(CronRun.Started)
    def cron_run_started(self, e: CronRun.Started, store: RowStore) -> None:
        """The run's container started."""
        store.update(
            CRON_RUNS,
            (e.originator_id,),
            state="running",
            container=e.container,
            started_at=e.timestamp,
            updated_at=e.timestamp,
        )

    @handles(CronRun.Finished)
    def cron_run_finished(self, e: CronRun.Finished, store: RowStore) -> None:
        """The run's container exited."""
        state = "succeeded" if e.exit_code == 0 else "failed"
        self._end(store, e, state, e.detail, exit_code=e.exit_code)

    @handles(CronRun.TimedOut)
    def cron_run_timed_out(self, e: CronRun.TimedOut, store: RowStore) -> None:
        """The run was killed at its deadline."""
        self._end(store, e, "timed_out", f"killed after its deadline of {e.deadline_seconds} s")

    @handles(CronRun.Skipped)
    def cron_run_skipped(self, e: CronRun.Skipped, store: RowStore) -> None:
        """The run did not run."""
        self._end(store, e, "skipped", f"{e.reason}: {e.detail}")

    @handles(CronRun.Replaced)
    def cron_run_replaced(self, e: CronRun.Replaced, store: RowStore) -> None:
        """The run was stopped for a newer one."""
        self._end(store, e, "replaced", f"stopped for the next run {e.by_run_id}")
