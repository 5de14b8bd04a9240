"""A silence (issue 17): incidents matching it until it ends are recorded but not sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor

MAX_SILENCE = timedelta(days=90)
MAX_COMMENT = 500


class Silence(ContainrAggregate):
    """Matchers (a rule, a project, a service; all given must match) and an end time."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        rule_id: UUID | None
        project_id: UUID | None
        service_id: UUID | None
        ends_at: datetime
        comment: str

    class Expired(ContainrAggregate.Event):
        """Ended by hand before its end time."""

        def apply(self, aggregate: Any) -> None:
            aggregate.ends_at = min(aggregate.ends_at, self.timestamp)
            aggregate.expired = True

    def __init__(
        self,
        organization_id: UUID,
        rule_id: UUID | None,
        project_id: UUID | None,
        service_id: UUID | None,
        ends_at: datetime,
        comment: str,
    ) -> None:
        self.organization_id = organization_id
        self.rule_id = rule_id
        self.project_id = project_id
        self.service_id = service_id
        self.ends_at = ends_at
        self.comment = comment
        self.expired = False

    @classmethod
    def create(
        cls,
        silence_id: UUID,
        *,
        organization_id: UUID,
        rule_id: UUID | None,
        project_id: UUID | None,
        service_id: UUID | None,
        ends_at: datetime,
        comment: str,
        actor: Actor,
        now: datetime,
    ) -> Silence:
        """Record a silence ending in the future (at most 90 days away)."""
        if rule_id is None and project_id is None and service_id is None:
            raise InvalidValueError("rule_id", "a silence matches a rule, a project or a service")
        if ends_at.tzinfo is None:
            raise InvalidValueError("ends_at", "must carry a time zone")
        if ends_at <= now:
            raise InvalidValueError("ends_at", "must be in the future")
        if ends_at - now > MAX_SILENCE:
            raise InvalidValueError("ends_at", f"must be within {MAX_SILENCE.days} days")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            raise InvalidValueError("comment", f"must be at most {MAX_COMMENT} characters")
        return cls._create(
            cls.Created,
            id=silence_id,
            organization_id=organization_id,
            rule_id=rule_id,
            project_id=project_id,
            service_id=service_id,
            ends_at=ends_at,
            comment=comment,
            actor=actor,
            timestamp=now,
        )

    def expire(self, *, actor: Actor, now: datetime) -> None:
        """End the silence now."""
        if self.expired or self.ends_at <= now:
            raise RuleViolatedError("the silence has ended already")
        self.trigger_event(self.Expired, actor=actor, timestamp=now)


def matches(
    *,
    rule_id: UUID | None,
    project_id: UUID | None,
    service_id: UUID | None,
    ends_at: datetime,
    incident_rule: UUID,
    incident_project: UUID | None,
    incident_service: UUID | None,
    now: datetime,
) -> bool:
    """Whether a silence with these matchers, ending at ``ends_at``, silences an incident
    of ``incident_rule`` about that project and service now."""
    return (
        now < ends_at
        and (rule_id is None or rule_id == incident_rule)
        and (project_id is None or project_id == incident_project)
        and (service_id is None or service_id == incident_service)
    )
