"""One run of a cron service in an environment: scheduled, started, finished (or not)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError
from domain.ids import Actor, derived_id


class CronRunState(Enum):
    """Where a run is: waiting to start, running, or one of its ends."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"
    REPLACED = "replaced"

    @property
    def is_open(self) -> bool:
        """Whether the run has not ended yet."""
        return self in (CronRunState.SCHEDULED, CronRunState.RUNNING)


class CronRun(ContainrAggregate):
    """A run of a cron service's latest live release, as a one-off container."""

    class Scheduled(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        deployment_id: UUID
        scheduled_at: datetime
        manual: bool
        deadline_seconds: int | None

    class Started(ContainrAggregate.Event):
        container: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = CronRunState.RUNNING
            aggregate.container = self.container
            aggregate.started_at = self.timestamp

    class Finished(ContainrAggregate.Event):
        exit_code: int | None
        detail: str

        def apply(self, aggregate: Any) -> None:
            ok = self.exit_code == 0
            aggregate.state = CronRunState.SUCCEEDED if ok else CronRunState.FAILED
            aggregate.exit_code = self.exit_code
            aggregate.finished_at = self.timestamp
            aggregate.detail = self.detail

    class TimedOut(ContainrAggregate.Event):
        deadline_seconds: int

        def apply(self, aggregate: Any) -> None:
            aggregate.state = CronRunState.TIMED_OUT
            aggregate.finished_at = self.timestamp
            aggregate.detail = f"killed after its deadline of {self.deadline_seconds} s"

    class Skipped(ContainrAggregate.Event):
        reason: str
        """``overlap`` (the previous run was still going), ``missed`` (its time passed
        beyond the starting deadline while Containr was down) or ``no-release``."""
        detail: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = CronRunState.SKIPPED
            aggregate.finished_at = self.timestamp
            aggregate.detail = f"{self.reason}: {self.detail}"

    class Replaced(ContainrAggregate.Event):
        by_run_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.state = CronRunState.REPLACED
            aggregate.finished_at = self.timestamp
            aggregate.detail = f"stopped for the next run {self.by_run_id}"

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        deployment_id: UUID,
        scheduled_at: datetime,
        manual: bool,
        deadline_seconds: int | None,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.deployment_id = deployment_id
        self.scheduled_at = scheduled_at
        self.manual = manual
        self.deadline_seconds = deadline_seconds
        self.state = CronRunState.SCHEDULED
        self.container: str | None = None
        self.started_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.exit_code: int | None = None
        self.detail = ""

    @staticmethod
    def id_for(service_id: UUID, environment_id: UUID, scheduled_at: datetime) -> UUID:
        """The run of a scheduled time: the same however often it is scheduled again."""
        return derived_id("cron-run", service_id, environment_id, scheduled_at.isoformat())

    @staticmethod
    def manual_id_for(service_id: UUID, environment_id: UUID, request: str) -> UUID:
        """The run a "run now" request asks for (the same when the request is re-sent)."""
        return derived_id("cron-run-now", service_id, environment_id, request)

    @classmethod
    def schedule(
        cls,
        *,
        run_id: UUID,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        deployment_id: UUID,
        scheduled_at: datetime,
        manual: bool,
        deadline_seconds: int | None,
        actor: Actor,
        now: datetime,
    ) -> CronRun:
        """Record a run to be started (or skipped) at ``scheduled_at``."""
        if deadline_seconds is not None and deadline_seconds <= 0:
            raise InvalidValueError("cron_deadline_seconds", "must be positive")
        return cls._create(
            cls.Scheduled,
            id=run_id,
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            deployment_id=deployment_id,
            scheduled_at=scheduled_at,
            manual=manual,
            deadline_seconds=deadline_seconds,
            actor=actor,
            timestamp=now,
        )

    def start(self, container: str, *, actor: Actor, now: datetime) -> None:
        """The run's container started (repeats are ignored)."""
        if self.state is CronRunState.SCHEDULED:
            self.trigger_event(self.Started, container=container, actor=actor, timestamp=now)

    def finish(self, exit_code: int | None, detail: str, *, actor: Actor, now: datetime) -> None:
        """The run's container exited (repeats and reports after another end are ignored)."""
        if self.state.is_open:
            self.trigger_event(
                self.Finished, exit_code=exit_code, detail=detail, actor=actor, timestamp=now
            )

    def time_out(self, *, actor: Actor, now: datetime) -> None:
        """The run was killed at its deadline."""
        if self.state is CronRunState.RUNNING and self.deadline_seconds is not None:
            self.trigger_event(
                self.TimedOut, deadline_seconds=self.deadline_seconds, actor=actor, timestamp=now
            )

    def skip(self, reason: str, detail: str, *, actor: Actor, now: datetime) -> None:
        """The run will not run (only a run that has not started can be skipped)."""
        if self.state is CronRunState.SCHEDULED:
            self.trigger_event(
                self.Skipped, reason=reason, detail=detail, actor=actor, timestamp=now
            )

    def replace_by(self, run_id: UUID, *, actor: Actor, now: datetime) -> None:
        """The run was stopped so that a newer one could run (overlap policy ``replace``)."""
        if self.state.is_open:
            self.trigger_event(self.Replaced, by_run_id=run_id, actor=actor, timestamp=now)

    def is_overdue(self, now: datetime) -> bool:
        """Whether a running run has passed its deadline."""
        if self.state is not CronRunState.RUNNING or self.deadline_seconds is None:
            return False
        assert self.started_at is not None
        return (now - self.started_at).total_seconds() > self.deadline_seconds
