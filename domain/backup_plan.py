"""A database service's backup plan: when its backups run, where they go, how many are kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.backup_retention import RetentionPolicy
from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError
from domain.ids import Actor, derived_id


class BackupPlan(ContainrAggregate):
    """The schedule (cron, time zone), destination and retention of one database service's
    backups in one environment. Removing it stops the schedule; its backups stay."""

    class Set(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        schedule: str
        timezone: str | None
        destination_id: UUID
        daily: int
        weekly: int
        monthly: int
        enabled: bool

    class Changed(ContainrAggregate.Event):
        schedule: str
        timezone: str | None
        destination_id: UUID
        daily: int
        weekly: int
        monthly: int
        enabled: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.schedule, aggregate.timezone = self.schedule, self.timezone
            aggregate.destination_id = self.destination_id
            aggregate.retention = RetentionPolicy(self.daily, self.weekly, self.monthly)
            aggregate.enabled, aggregate.removed = self.enabled, False
            aggregate.since = self.timestamp

    class Removed(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.removed = True

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        schedule: str,
        timezone: str | None,
        destination_id: UUID,
        daily: int,
        weekly: int,
        monthly: int,
        enabled: bool,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.schedule = schedule
        self.timezone = timezone
        self.destination_id = destination_id
        self.retention = RetentionPolicy(daily, weekly, monthly)
        self.enabled = enabled
        self.removed = False
        self.since: datetime = self.created_on
        """When the schedule was last set: times before it are not backed up."""

    @staticmethod
    def id_for(service_id: UUID, environment_id: UUID) -> UUID:
        """The one plan of a service in an environment."""
        return derived_id("backup-plan", service_id, environment_id)

    @classmethod
    def set_up(
        cls,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        schedule: str,
        timezone: str | None,
        destination_id: UUID,
        retention: RetentionPolicy,
        enabled: bool,
        actor: Actor,
        now: datetime,
    ) -> BackupPlan:
        """A first plan for the service in the environment (the caller checked the values)."""
        return cls._create(
            cls.Set,
            id=cls.id_for(service_id, environment_id),
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            schedule=schedule,
            timezone=timezone,
            destination_id=destination_id,
            daily=retention.check().daily,
            weekly=retention.weekly,
            monthly=retention.monthly,
            enabled=enabled,
            actor=actor,
            timestamp=now,
        )

    def change(
        self,
        *,
        schedule: str,
        timezone: str | None,
        destination_id: UUID,
        retention: RetentionPolicy,
        enabled: bool,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Replace the plan's settings (a removed plan comes back); False when nothing changed."""
        retention.check()
        if not self.removed and (
            self.schedule,
            self.timezone,
            self.destination_id,
            self.retention,
            self.enabled,
        ) == (schedule, timezone, destination_id, retention, enabled):
            return False
        self.trigger_event(
            self.Changed,
            schedule=schedule,
            timezone=timezone,
            destination_id=destination_id,
            daily=retention.daily,
            weekly=retention.weekly,
            monthly=retention.monthly,
            enabled=enabled,
            actor=actor,
            timestamp=now,
        )
        return True

    def remove(self, *, actor: Actor, now: datetime) -> None:
        """Stop the schedule; the backups already taken stay until deleted by hand."""
        if self.removed:
            raise InvalidTransitionError("the service has no backup plan to remove")
        self.trigger_event(self.Removed, actor=actor, timestamp=now)

    @property
    def active(self) -> bool:
        """Whether the schedule runs."""
        return self.enabled and not self.removed
