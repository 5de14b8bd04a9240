"""The dashboard's alert rules, incidents (with their timeline and what was handed to the
notifiers) and silences (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.alert_rule import AlertRule
from domain.alerting import AlertCondition
from domain.incident import DROPPED, FIRING, PENDING, RESOLVED, Incident
from domain.silence import Silence
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class AlertRuleRow:
    """An alert rule: what it watches, where, how urgent, whom it tells."""

    id: UUID
    organization_id: UUID
    name: str
    severity: str
    enabled: bool
    notifier_ids: list[UUID] | None
    project_id: UUID | None
    environment_id: UUID | None
    service_id: UUID | None
    kind: str
    """``metric`` or ``event``."""
    metric: str | None
    custom_metric: str | None
    comparator: str | None
    threshold: float | None
    for_seconds: int
    event: str | None
    count: int | None
    window_seconds: int | None
    resolve_after_seconds: int | None
    description: str
    """The condition in words."""
    created_at: datetime
    updated_at: datetime
    deleted: bool
    position: int = 0


@dataclass(frozen=True)
class IncidentRow:
    """One rule's condition about one subject: pending, firing, resolved (or dropped)."""

    id: UUID
    organization_id: UUID
    rule_id: UUID
    rule_name: str
    severity: str
    subject: str
    trigger: str
    title: str
    labels: dict[str, str]
    project_id: UUID | None
    environment_id: UUID | None
    service_id: UUID | None
    node_id: UUID | None
    status: str
    open: bool
    value: float | None
    threshold: float | None
    for_seconds: int
    started_at: datetime
    fired_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    silenced_by: UUID | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    timeline: list[dict[str, Any]]
    """Each lifecycle event: ``status`` (pending, firing, resolved, dropped, acknowledged),
    ``at``, ``value`` and ``by``/``reason`` where they apply."""
    notifications: list[dict[str, Any]]
    """What was handed to the notifiers: ``key``, ``status`` and ``at``."""
    updated_at: datetime
    position: int = 0


@dataclass(frozen=True)
class SilenceRow:
    """Incidents matching it until ``ends_at`` are recorded but not sent."""

    id: UUID
    organization_id: UUID
    rule_id: UUID | None
    project_id: UUID | None
    service_id: UUID | None
    ends_at: datetime
    comment: str
    created_by: str
    created_at: datetime
    expired: bool
    position: int = 0


ALERT_RULES = Table(
    "alert_rules",
    AlertRuleRow,
    ("id",),
    notices=(("alert_rule", "id"), ("organization_alerts", "organization_id")),
    indexes=(("organization_id",),),
)
INCIDENTS = Table(
    "incidents",
    IncidentRow,
    ("id",),
    notices=(("incident", "id"), ("organization_alerts", "organization_id")),
    indexes=(("organization_id", "started_at"), ("open",)),
)
SILENCES = Table(
    "silences",
    SilenceRow,
    ("id",),
    notices=(("silence", "id"), ("organization_alerts", "organization_id")),
    indexes=(("organization_id",),),
)


def _condition(c: AlertCondition) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "metric": c.metric.value if c.metric else None,
        "custom_metric": c.custom_metric,
        "comparator": c.comparator.value if c.comparator else None,
        "threshold": c.threshold,
        "for_seconds": c.for_seconds,
        "event": c.event.value if c.event else None,
        "count": c.count,
        "window_seconds": c.window_seconds,
        "resolve_after_seconds": c.resolve_after_seconds,
        "description": c.describe(),
    }


class AlertHandlers:
    """Rules as they are set, incidents as they go, silences as they are made and end."""

    @handles(AlertRule.Created)
    def alert_rule_created(self, e: AlertRule.Created, store: RowStore) -> None:
        """A rule was added."""
        store.put(
            ALERT_RULES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "severity": e.severity.value,
                "enabled": e.enabled,
                "notifier_ids": e.notifier_ids,
                "project_id": e.project_id,
                "environment_id": e.environment_id,
                "service_id": e.service_id,
                **_condition(e.condition),
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "deleted": False,
            },
        )

    @handles(AlertRule.Changed)
    def alert_rule_changed(self, e: AlertRule.Changed, store: RowStore) -> None:
        """A rule's new settings."""
        store.update(
            ALERT_RULES,
            (e.originator_id,),
            name=e.name,
            severity=e.severity.value,
            enabled=e.enabled,
            notifier_ids=e.notifier_ids,
            project_id=e.project_id,
            environment_id=e.environment_id,
            service_id=e.service_id,
            **_condition(e.condition),
            updated_at=e.timestamp,
        )

    @handles(AlertRule.Deleted)
    def alert_rule_deleted(self, e: AlertRule.Deleted, store: RowStore) -> None:
        """A rule is no longer evaluated."""
        store.update(ALERT_RULES, (e.originator_id,), deleted=True, updated_at=e.timestamp)

    @handles(Incident.Opened)
    def incident_opened(self, e: Incident.Opened, store: RowStore) -> None:
        """An incident opened, pending (it may fire in the same save)."""
        store.put(
            INCIDENTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "rule_id": e.rule_id,
                "rule_name": e.rule_name,
                "severity": e.severity.value,
                "subject": e.subject,
                "trigger": e.trigger,
                "title": e.title,
                "labels": e.labels,
                "project_id": e.project_id,
                "environment_id": e.environment_id,
                "service_id": e.service_id,
                "node_id": e.node_id,
                "status": PENDING,
                "open": True,
                "value": e.value,
                "threshold": e.threshold,
                "for_seconds": e.for_seconds,
                "started_at": e.timestamp,
                "fired_at": None,
                "ended_at": None,
                "end_reason": None,
                "silenced_by": None,
                "acknowledged_by": None,
                "acknowledged_at": None,
                "timeline": [{"status": PENDING, "at": e.timestamp.isoformat(), "value": e.value}],
                "notifications": [],
                "updated_at": e.timestamp,
            },
        )

    @handles(Incident.Fired)
    def incident_fired(self, e: Incident.Fired, store: RowStore) -> None:
        """The incident fires."""
        self._incident_step(
            store,
            e,
            {"status": FIRING, "value": e.value, "silenced": e.silenced_by is not None},
            status=FIRING,
            value=e.value,
            fired_at=e.timestamp,
            silenced_by=e.silenced_by,
        )

    @handles(Incident.Unsilenced)
    def incident_unsilenced(self, e: Incident.Unsilenced, store: RowStore) -> None:
        """Its silence ended while it fires: it is told now."""
        self._incident_step(
            store, e, {"status": "unsilenced", "silence": str(e.silence_id)}, silenced_by=None
        )

    @handles(Incident.Dropped)
    def incident_dropped(self, e: Incident.Dropped, store: RowStore) -> None:
        """Pending, the condition stopped before it fired."""
        self._incident_step(
            store,
            e,
            {"status": DROPPED, "value": e.value},
            status=DROPPED,
            open=False,
            ended_at=e.timestamp,
        )

    @handles(Incident.Resolved)
    def incident_resolved(self, e: Incident.Resolved, store: RowStore) -> None:
        """The incident is over."""
        self._incident_step(
            store,
            e,
            {"status": RESOLVED, "value": e.value, "reason": e.reason},
            status=RESOLVED,
            open=False,
            ended_at=e.timestamp,
            end_reason=e.reason,
        )

    @handles(Incident.Acknowledged)
    def incident_acknowledged(self, e: Incident.Acknowledged, store: RowStore) -> None:
        """Someone took it on."""
        self._incident_step(
            store,
            e,
            {"status": "acknowledged", "by": e.actor},
            acknowledged_by=e.actor,
            acknowledged_at=e.timestamp,
        )

    @handles(Incident.Notified)
    def incident_notified(self, e: Incident.Notified, store: RowStore) -> None:
        """A notification was handed to the notifiers."""
        row = store.get(INCIDENTS, e.originator_id)
        if row is None:
            return
        status = e.key.rsplit(":", 1)[-1]
        sent = [
            *row["notifications"],
            {"key": e.key, "status": status, "at": e.timestamp.isoformat()},
        ]
        store.update(INCIDENTS, (e.originator_id,), notifications=sent, updated_at=e.timestamp)

    @handles(Silence.Created)
    def silence_created(self, e: Silence.Created, store: RowStore) -> None:
        """A silence was made."""
        store.put(
            SILENCES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "rule_id": e.rule_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "ends_at": e.ends_at,
                "comment": e.comment,
                "created_by": e.actor,
                "created_at": e.timestamp,
                "expired": False,
            },
        )

    @handles(Silence.Expired)
    def silence_expired(self, e: Silence.Expired, store: RowStore) -> None:
        """A silence was ended by hand."""
        row = store.get(SILENCES, e.originator_id)
        if row is None:
            return
        store.update(
            SILENCES, (e.originator_id,), expired=True, ends_at=min(row["ends_at"], e.timestamp)
        )

    def _incident_step(
        self, store: RowStore, e: Any, entry: dict[str, Any], **changes: object
    ) -> None:
        row = store.get(INCIDENTS, e.originator_id)
        if row is None:
            return
        timeline = [*row["timeline"], {**entry, "at": e.timestamp.isoformat()}]
        store.update(
            INCIDENTS, (e.originator_id,), timeline=timeline, updated_at=e.timestamp, **changes
        )
