"""The alert process (issue 17): every 15 s, each enabled rule's subjects are observed
(metrics from the time-series store, events from the read models) and the lifecycle of
their incidents recorded, Prometheus-style: pending while the condition holds for less than
the rule's ``for``, firing after, resolved when it stops. Then what an incident owes the
notifiers is handed to them (``AlertDelivery``, idempotent by the notification's key) and
noted on the incident.

Crash-safe and idempotent: every state the process needs is recorded, never only in memory.
A pending incident carries when its condition was first found true, so the ``for`` clock
survives a restart; one (rule, subject) has one open incident (the rule keeps it, checked
at save), so a repeat opens nothing; a notification is handed over again after a crash
between the hand-over and its note, and the notifiers deliver it once. A store that does not
answer means no evaluation of the rules that read it this round: nothing fires or resolves
on missing data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from application import commands as c
from application.alert_ports import AlertDelivery, Notification
from application.alert_readings import AlertReadings, Observation
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError
from application.metrics_ports import MetricsUnavailableError
from application.ports import Clock
from application.readmodels import AlertRuleRow, DashboardQueries, IncidentRow
from domain.alerting import Step, next_step
from domain.ids import Actor
from domain.silence import matches

log = logging.getLogger(__name__)
ACTOR = Actor("system:alerts")
PERIOD = timedelta(seconds=15)


class AlertProcess:
    """Evaluates the alert rules every ``period`` and hands notifications over."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        readings: AlertReadings,
        clock: Clock,
        delivery: AlertDelivery | None = None,
        period: timedelta = PERIOD,
        public_url: str | None = None,
        wait_for: Callable[[int], None] | None = None,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.readings = readings
        self.clock = clock
        self.delivery = delivery
        """The notifiers (None: incidents are recorded, nothing is sent)."""
        self.period = period
        self.public_url = public_url.rstrip("/") if public_url else None
        self.wait_for = wait_for
        """Read-your-writes: wait until the dashboard shows a log position (bounded)."""
        self._ctx = Context(actor=ACTOR)
        self._position = 0
        """The log position of the last command this process sent."""
        self._last: datetime | None = None
        self._cursor = 0
        """Incidents changed up to this log position owe no notification (0 after a start:
        every incident is looked at once)."""

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the alert process's tick failed")
            wait(1.0)

    def tick(self) -> None:
        """Evaluate the rules when the period came round, and notify what is owed."""
        now = self.clock.now()
        if self._last is None or now - self._last >= self.period:
            self._last = now
            self.evaluate(now)
        if self.delivery is not None:
            if self.wait_for is not None and self._position:
                self.wait_for(self._position)  # what was just recorded is handed over now
            self.notify()

    def evaluate(self, now: datetime) -> None:
        """One round: every rule's subjects, and the open incidents of rules that went."""
        rules = {r.id: r for r in self.dashboard.alert_rules()}
        open_by_rule: dict[UUID, dict[str, IncidentRow]] = {}
        for incident in self.dashboard.open_incidents():
            open_by_rule.setdefault(incident.rule_id, {})[incident.subject] = incident
        for rule_id, incidents in open_by_rule.items():
            rule = rules.get(rule_id)
            if rule is None or not rule.enabled:
                why = "the rule was deleted" if rule is None else "the rule was disabled"
                for incident in incidents.values():
                    self._end(incident, None, why, now)
        for rule in rules.values():
            if not rule.enabled:
                continue
            try:
                self._evaluate_rule(rule, open_by_rule.get(rule.id, {}), now)
            except MetricsUnavailableError as e:
                log.warning("alert rule %s not evaluated this round: %s", rule.id, e)
            except (DomainError, ApplicationError) as e:
                log.warning("alert rule %s: %s", rule.id, e)

    def _evaluate_rule(
        self, rule: AlertRuleRow, incidents: dict[str, IncidentRow], now: datetime
    ) -> None:
        observations = {o.subject: o for o in self.readings.observe(rule, now)}
        for subject, gone in incidents.items():
            if subject not in observations:  # the service or node is gone
                self._end(gone, None, "its subject is gone", now)
        for_ = timedelta(seconds=rule.for_seconds)
        for subject, seen in observations.items():
            incident = incidents.get(subject)
            if incident is not None and self._timed_out(rule, incident, now):
                self._end(incident, seen.value, "timed out", now, timed_out=True)
                continue
            step = next_step(
                incident.status if incident is not None else None,
                seen.holds,
                started_at=incident.started_at if incident is not None else None,
                for_=for_,
                now=now,
            )
            self._apply(step, rule, seen, incident, now)

    def _apply(
        self,
        step: Step,
        rule: AlertRuleRow,
        seen: Observation,
        incident: IncidentRow | None,
        now: datetime,
    ) -> None:
        if step in (Step.OPEN_PENDING, Step.OPEN_FIRING):
            self._send(
                c.OpenIncident(
                    rule_id=rule.id,
                    subject=seen.subject,
                    trigger=seen.trigger,
                    title=seen.title,
                    labels=seen.labels,
                    project_id=seen.project_id,
                    environment_id=seen.environment_id,
                    service_id=seen.service_id,
                    node_id=seen.node_id,
                    value=seen.value,
                    started_at=now,
                    fire=step is Step.OPEN_FIRING,
                    silenced_by=self._silence(rule, seen.project_id, seen.service_id, now),
                )
            )
        elif incident is not None and step is Step.FIRE:
            silence = self._silence(rule, incident.project_id, incident.service_id, now)
            self._send(
                c.FireIncident(
                    incident_id=incident.id, value=seen.value, silenced_by=silence, at=now
                )
            )
        elif incident is not None and step in (Step.DROP, Step.RESOLVE):
            self._end(incident, seen.value, "the condition no longer holds", now)
        elif (
            incident is not None
            and incident.status == "firing"
            and incident.silenced_by is not None
            and self._silence(rule, incident.project_id, incident.service_id, now) is None
        ):  # its silence ended (or was lifted) while it fires: told now
            self._send(c.UnsilenceIncident(incident_id=incident.id, at=now))

    def _end(
        self,
        incident: IncidentRow,
        value: float | None,
        reason: str,
        now: datetime,
        *,
        timed_out: bool = False,
    ) -> None:
        self._send(
            c.EndIncident(
                incident_id=incident.id, reason=reason, value=value, timed_out=timed_out, at=now
            )
        )

    def _send(self, command: c.Command) -> None:
        result = self.bus.execute(command, self._ctx)
        if result.position is not None:
            self._position = max(self._position, result.position)

    @staticmethod
    def _timed_out(rule: AlertRuleRow, incident: IncidentRow, now: datetime) -> bool:
        """An event incident firing for longer than its rule's resolve timeout."""
        if rule.kind != "event" or rule.resolve_after_seconds is None:
            return False
        if incident.status != "firing" or incident.fired_at is None:
            return False
        return now - incident.fired_at >= timedelta(seconds=rule.resolve_after_seconds)

    def _silence(
        self, rule: AlertRuleRow, project_id: UUID | None, service_id: UUID | None, now: datetime
    ) -> UUID | None:
        """The silence an incident of ``rule`` about that project and service falls under."""
        for silence in self.dashboard.silences(rule.organization_id):
            if matches(
                rule_id=silence.rule_id,
                project_id=silence.project_id,
                service_id=silence.service_id,
                ends_at=silence.ends_at,
                incident_rule=rule.id,
                incident_project=project_id,
                incident_service=service_id,
                now=now,
            ):
                return silence.id
        return None

    def notify(self) -> None:
        """Hand over what incidents changed since the cursor owe, and note it."""
        assert self.delivery is not None
        rules: dict[UUID, AlertRuleRow] | None = None
        while True:
            rows = self.dashboard.incidents_changed(after=self._cursor)
            if not rows:
                return
            for row in rows:
                keys = owed(row)
                if keys and rules is None:
                    rules = {r.id: r for r in self.dashboard.alert_rules()}
                for key in keys:
                    if not self._hand_over(row, key, _notifiers(rules or {}, row.rule_id)):
                        return  # try again next tick, from this incident on
                self._cursor = max(self._cursor, row.position)

    def _hand_over(self, row: IncidentRow, key: str, notifiers: list[UUID] | None) -> bool:
        try:
            assert self.delivery is not None
            self.delivery.deliver(self._notification(row, key), notifiers)
            self.bus.execute(c.RecordIncidentNotified(incident_id=row.id, key=key), self._ctx)
        except Exception as e:
            log.warning("notification %s not handed over: %s", key, e)
            return False
        return True

    def _notification(self, row: IncidentRow, key: str) -> Notification:
        resolved = key.endswith(":resolved")
        at = (row.ended_at if resolved else row.fired_at) or row.started_at
        lines = [f"Rule: {row.rule_name}"]
        if row.value is not None:
            lines.append(f"Value: {row.value:g}")
        if row.threshold is not None:
            lines.append(f"Threshold: {row.threshold:g}")
        if row.fired_at is not None:
            lines.append(f"Firing since: {row.fired_at.isoformat()}")
        if resolved and row.ended_at is not None:
            lines.append(f"Resolved at: {row.ended_at.isoformat()} ({row.end_reason})")
        return Notification(
            key=key,
            organization_id=row.organization_id,
            incident_id=row.id,
            status="resolved" if resolved else "firing",
            severity=row.severity,  # type: ignore[arg-type]  # info, warning or critical
            title=("Resolved: " if resolved else "") + row.title,
            body="\n".join(lines),
            at=at,
            labels=dict(row.labels),
            url=f"{self.public_url}/incidents/{row.id}" if self.public_url else None,
        )


def _notifiers(rules: dict[UUID, AlertRuleRow], rule_id: UUID) -> list[UUID] | None:
    """The rule's notifiers (None: every notifier of the organisation, also when the rule
    was deleted since)."""
    rule = rules.get(rule_id)
    return None if rule is None or rule.notifier_ids is None else list(rule.notifier_ids)


def owed(row: IncidentRow) -> list[str]:
    """The notification keys an incident owes (as ``Incident.owed``, from its row)."""
    sent = {n["key"] for n in row.notifications}
    keys = []
    told = row.fired_at is not None and row.silenced_by is None
    if told and f"{row.id}:firing" not in sent:
        keys.append(f"{row.id}:firing")
    if told and row.status == "resolved" and f"{row.id}:resolved" not in sent:
        keys.append(f"{row.id}:resolved")
    return keys
