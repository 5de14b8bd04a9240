"""An alert rule of an organisation (issue 17): what it watches (a metric over a threshold
for a while, or an event), where (its scope), how urgent, and whom to tell.

The rule also keeps which incident is open per subject, so one (rule, subject) never has two
open incidents however often (or concurrently) its condition is found true: opening one is
an event of the rule, checked against its version when saved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.alerting import (
    AlertCondition,
    AlertEvent,
    AlertMetric,
    Comparator,
    ConditionKind,
    RuleScope,
    Severity,
)
from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import validate_name

MAX_NOTIFIERS = 50


class AlertRuleDeletedError(RuleViolatedError):
    """Raised when a deleted alert rule is asked to change."""


class AlertRule(ContainrAggregate):
    """What makes incidents in an organisation, and which incident is open per subject."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        name: str
        severity: Severity
        enabled: bool
        notifier_ids: list[UUID] | None
        project_id: UUID | None
        environment_id: UUID | None
        service_id: UUID | None
        condition: AlertCondition

    class Changed(ContainrAggregate.Event):
        """New settings, all of them."""

        name: str
        severity: Severity
        enabled: bool
        notifier_ids: list[UUID] | None
        project_id: UUID | None
        environment_id: UUID | None
        service_id: UUID | None
        condition: AlertCondition

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.severity = self.severity
            aggregate.enabled = self.enabled
            aggregate.notifier_ids = self.notifier_ids
            aggregate.scope = RuleScope(
                project_id=self.project_id,
                environment_id=self.environment_id,
                service_id=self.service_id,
            )
            aggregate.condition = self.condition

    class Deleted(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    class IncidentOpened(ContainrAggregate.Event):
        """An incident of the rule about ``subject`` opened (pending or firing)."""

        subject: str
        incident_id: UUID
        trigger: str

        def apply(self, aggregate: Any) -> None:
            aggregate.open[self.subject] = self.incident_id

    class IncidentClosed(ContainrAggregate.Event):
        """The open incident about ``subject`` resolved (or, pending, was dropped)."""

        subject: str
        incident_id: UUID
        trigger: str
        timed_out: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.open.pop(self.subject, None)
            if self.timed_out:  # the same trigger does not open it again
                aggregate.timed_out[self.subject] = self.trigger
            else:
                aggregate.timed_out.pop(self.subject, None)

    def __init__(
        self,
        organization_id: UUID,
        name: str,
        severity: Severity,
        enabled: bool,
        notifier_ids: list[UUID] | None,
        project_id: UUID | None,
        environment_id: UUID | None,
        service_id: UUID | None,
        condition: AlertCondition,
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.severity = severity
        self.enabled = enabled
        self.notifier_ids = notifier_ids
        self.scope = RuleScope(
            project_id=project_id, environment_id=environment_id, service_id=service_id
        )
        self.condition = condition
        self.deleted = False
        self.open: dict[str, UUID] = {}
        """Subject -> its open incident."""
        self.timed_out: dict[str, str] = {}
        """Subject -> the trigger whose incident resolved by timeout (not opened again)."""

    @classmethod
    def create(
        cls,
        rule_id: UUID,
        *,
        organization_id: UUID,
        settings: RuleSettings,
        actor: Actor,
        now: datetime,
    ) -> AlertRule:
        """Record a rule with checked settings."""
        s = settings.checked()
        return cls._create(
            cls.Created,
            id=rule_id,
            organization_id=organization_id,
            name=s.name,
            severity=s.severity,
            enabled=s.enabled,
            notifier_ids=s.notifier_ids,
            project_id=s.scope.project_id,
            environment_id=s.scope.environment_id,
            service_id=s.scope.service_id,
            condition=s.condition,
            actor=actor,
            timestamp=now,
        )

    @property
    def settings(self) -> RuleSettings:
        """The rule's current settings."""
        return RuleSettings(
            name=self.name,
            severity=self.severity,
            enabled=self.enabled,
            notifier_ids=self.notifier_ids,
            scope=self.scope,
            condition=self.condition,
        )

    def change(self, settings: RuleSettings, *, actor: Actor, now: datetime) -> bool:
        """New settings; False when nothing changes."""
        self._require_live()
        s = settings.checked()
        if s == self.settings:
            return False
        if s.condition.kind is not self.condition.kind:
            raise InvalidValueError("condition", "a rule keeps its kind; add another rule instead")
        self.trigger_event(
            self.Changed,
            name=s.name,
            severity=s.severity,
            enabled=s.enabled,
            notifier_ids=s.notifier_ids,
            project_id=s.scope.project_id,
            environment_id=s.scope.environment_id,
            service_id=s.scope.service_id,
            condition=s.condition,
            actor=actor,
            timestamp=now,
        )
        return True

    def delete(self, *, actor: Actor, now: datetime) -> None:
        """Stop evaluating the rule (its open incidents resolve)."""
        self._require_live()
        self.trigger_event(self.Deleted, actor=actor, timestamp=now)

    def may_open(self, subject: str, trigger: str) -> bool:
        """Whether an incident about ``subject`` may open now: none is open, and the trigger
        is not one whose incident already resolved by timeout."""
        return (
            not self.deleted
            and self.enabled
            and subject not in self.open
            and self.timed_out.get(subject) != trigger
        )

    def incident_opened(
        self, subject: str, incident_id: UUID, trigger: str, *, actor: Actor, now: datetime
    ) -> None:
        """Note the open incident of ``subject`` (the caller checked ``may_open``)."""
        if not self.may_open(subject, trigger):
            raise RuleViolatedError(f"an incident of rule {self.name!r} is open for {subject}")
        self.trigger_event(
            self.IncidentOpened,
            subject=subject,
            incident_id=incident_id,
            trigger=trigger,
            actor=actor,
            timestamp=now,
        )

    def incident_closed(
        self,
        subject: str,
        incident_id: UUID,
        trigger: str,
        *,
        timed_out: bool,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Note that the subject's incident resolved (nothing when it is not the open one)."""
        if self.open.get(subject) != incident_id:
            return
        self.trigger_event(
            self.IncidentClosed,
            subject=subject,
            incident_id=incident_id,
            trigger=trigger,
            timed_out=timed_out,
            actor=actor,
            timestamp=now,
        )

    def _require_live(self) -> None:
        if self.deleted:
            raise AlertRuleDeletedError(f"alert rule {self.name!r} is deleted; add another one")


@dataclass(frozen=True, kw_only=True)
class RuleSettings:
    """A rule's settings as a caller gives them."""

    name: str
    severity: Severity
    enabled: bool
    notifier_ids: list[UUID] | None
    scope: RuleScope
    condition: AlertCondition

    def checked(self) -> RuleSettings:
        """The settings checked; InvalidValueError naming the bad field."""
        condition = self.condition.checked()
        scope = self.scope
        if scope.environment_id is not None and scope.project_id is None:
            raise InvalidValueError("environment_id", "an environment scope needs its project")
        if scope.service_id is not None and scope.project_id is None:
            raise InvalidValueError("service_id", "a service scope needs its project")
        if condition.of_nodes and scope != RuleScope():
            raise InvalidValueError(
                "project_id", "a rule about nodes watches the whole organisation (no scope)"
            )
        notifiers = self.notifier_ids
        if notifiers is not None:
            notifiers = list(dict.fromkeys(notifiers))
            if len(notifiers) > MAX_NOTIFIERS:
                raise InvalidValueError("notifier_ids", f"at most {MAX_NOTIFIERS} notifiers")
        return replace(
            self,
            name=validate_name("name", self.name),
            notifier_ids=notifiers,
            condition=condition,
        )


__all__ = [
    "AlertCondition",
    "AlertEvent",
    "AlertMetric",
    "AlertRule",
    "AlertRuleDeletedError",
    "Comparator",
    "ConditionKind",
    "RuleScope",
    "RuleSettings",
    "Severity",
]
