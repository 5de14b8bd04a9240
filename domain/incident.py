"""An incident (issue 17): one rule's condition holding for one subject, from pending
through firing to resolved, with who acknowledged it and what was handed to the notifiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.alerting import Severity
from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError
from domain.ids import Actor

PENDING = "pending"
FIRING = "firing"
RESOLVED = "resolved"
DROPPED = "dropped"
"""Pending, and the condition stopped before the rule's ``for`` elapsed: it never fired."""


class Incident(ContainrAggregate):
    """One rule's condition about one subject, and its lifecycle."""

    class Opened(ContainrAggregate.Created):
        organization_id: UUID
        rule_id: UUID
        rule_name: str
        severity: Severity
        subject: str
        """``service:<id>:<environment id>``, ``service:<id>``, ``node:<id>``..."""
        trigger: str
        """What started it (a failed deployment's id...; the subject for metric rules)."""
        title: str
        labels: dict[str, str]
        project_id: UUID | None
        environment_id: UUID | None
        service_id: UUID | None
        node_id: UUID | None
        value: float | None
        threshold: float | None
        for_seconds: int

    class Fired(ContainrAggregate.Event):
        """The condition held for the rule's ``for``: the incident is firing."""

        value: float | None
        silenced_by: UUID | None
        """The silence matching it when it fired (then nothing is sent)."""

        def apply(self, aggregate: Any) -> None:
            aggregate.status = FIRING
            aggregate.fired_at = self.timestamp
            aggregate.silenced_by = self.silenced_by
            aggregate.value = self.value

    class Unsilenced(ContainrAggregate.Event):
        """The silence it fired under ended while it still fires: it is told now, as
        Alertmanager sends an alert that still fires when its silence expires."""

        silence_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.silenced_by = None

    class Dropped(ContainrAggregate.Event):
        """Pending, the condition stopped before ``for`` elapsed: it never fired."""

        value: float | None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = DROPPED
            aggregate.ended_at = self.timestamp

    class Resolved(ContainrAggregate.Event):
        """The condition stopped (or the rule went, or an event incident timed out)."""

        value: float | None
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = RESOLVED
            aggregate.ended_at = self.timestamp

    class Acknowledged(ContainrAggregate.Event):
        """Someone took it on (``actor``)."""

        def apply(self, aggregate: Any) -> None:
            aggregate.acknowledged_by = self.actor
            aggregate.acknowledged_at = self.timestamp

    class Notified(ContainrAggregate.Event):
        """The notification ``key`` (``<id>:firing`` or ``<id>:resolved``) was handed over."""

        key: str

        def apply(self, aggregate: Any) -> None:
            aggregate.notified.add(self.key)

    def __init__(
        self,
        organization_id: UUID,
        rule_id: UUID,
        rule_name: str,
        severity: Severity,
        subject: str,
        trigger: str,
        title: str,
        labels: dict[str, str],
        project_id: UUID | None,
        environment_id: UUID | None,
        service_id: UUID | None,
        node_id: UUID | None,
        value: float | None,
        threshold: float | None,
        for_seconds: int,
    ) -> None:
        self.organization_id = organization_id
        self.rule_id = rule_id
        self.rule_name = rule_name
        self.severity = severity
        self.subject = subject
        self.trigger = trigger
        self.title = title
        self.labels = labels
        self.project_id = project_id
        self.environment_id = environment_id
        self.service_id = service_id
        self.node_id = node_id
        self.value = value
        self.threshold = threshold
        self.for_seconds = for_seconds
        self.status = PENDING
        self.fired_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.silenced_by: UUID | None = None
        self.acknowledged_by: str | None = None
        self.acknowledged_at: datetime | None = None
        self.notified: set[str] = set()

    @property
    def is_open(self) -> bool:
        """Pending or firing."""
        return self.status in (PENDING, FIRING)

    def fire(
        self, value: float | None, silenced_by: UUID | None, *, actor: Actor, now: datetime
    ) -> bool:
        """Pending to firing (False: it already fired)."""
        if self.status == FIRING:
            return False
        if self.status != PENDING:
            raise InvalidTransitionError(f"a {self.status} incident cannot fire")
        self.trigger_event(
            self.Fired, value=value, silenced_by=silenced_by, actor=actor, timestamp=now
        )
        return True

    def unsilence(self, *, actor: Actor, now: datetime) -> bool:
        """Its silence ended while it fires (False: not firing, or not silenced)."""
        if self.status != FIRING or self.silenced_by is None:
            return False
        self.trigger_event(self.Unsilenced, silence_id=self.silenced_by, actor=actor, timestamp=now)
        return True

    def end(self, value: float | None, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Resolve a firing incident, drop a pending one (False: it was over already)."""
        if self.status == PENDING:
            self.trigger_event(self.Dropped, value=value, actor=actor, timestamp=now)
            return True
        if self.status == FIRING:
            self.trigger_event(
                self.Resolved, value=value, reason=reason, actor=actor, timestamp=now
            )
            return True
        return False

    def acknowledge(self, *, actor: Actor, now: datetime) -> bool:
        """Someone takes it on (False: it was acknowledged already)."""
        if self.acknowledged_by is not None:
            return False
        if self.status == DROPPED:
            raise InvalidTransitionError("the incident never fired: nothing to acknowledge")
        self.trigger_event(self.Acknowledged, actor=actor, timestamp=now)
        return True

    def owed(self) -> list[str]:
        """The notifications to hand over that were not yet: ``firing`` once fired (unless
        silenced), ``resolved`` once resolved after a firing notification was handed over."""
        owed = []
        firing, resolved = f"{self.id}:firing", f"{self.id}:resolved"
        told = self.status in (FIRING, RESOLVED) and self.silenced_by is None
        if told and firing not in self.notified:
            owed.append(firing)
        if self.status == RESOLVED and told and resolved not in self.notified:
            owed.append(resolved)
        return owed

    def notified_of(self, key: str, *, actor: Actor, now: datetime) -> bool:
        """Note that ``key`` was handed over (False: it was noted already)."""
        if key in self.notified:
            return False
        if key not in self.owed():
            raise InvalidTransitionError(f"incident {self.id} owes no notification {key}")
        self.trigger_event(self.Notified, key=key, actor=actor, timestamp=now)
        return True
