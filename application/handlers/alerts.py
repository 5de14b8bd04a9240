"""Handlers for alert rules, incidents and silences (issue 17).

People create, change and delete rules (admins), acknowledge incidents and silence them
(members); the alert process opens, fires and ends incidents and notes what it handed to
the notifiers. One open incident per (rule, subject): opening one is an event of the rule,
so two evaluations racing to open it conflict on the rule's version and the retry finds it
open."""

from __future__ import annotations

from uuid import UUID, uuid4

from application import commands as c
from application.errors import InvalidValueError, NotFoundError
from application.unit_of_work import UnitOfWork
from domain import errors as domain_errors
from domain.alert_rule import AlertRule, RuleSettings
from domain.alerting import AlertCondition, RuleScope
from domain.incident import Incident
from domain.organization import Organization
from domain.project import Project
from domain.service import Service
from domain.silence import Silence


def live_rule(uow: UnitOfWork, rule_id: UUID) -> AlertRule:
    """A rule that exists and is not deleted (NotFoundError otherwise)."""
    rule = uow.get(AlertRule, rule_id, "alert rule")
    if rule.deleted:
        raise NotFoundError("alert rule", rule_id, field="rule_id")
    return rule


def _settings(s: c.AlertRuleInput) -> RuleSettings:
    return RuleSettings(
        name=s.name,
        severity=s.severity,
        enabled=s.enabled,
        notifier_ids=s.notifier_ids,
        scope=RuleScope(
            project_id=s.project_id, environment_id=s.environment_id, service_id=s.service_id
        ),
        condition=AlertCondition(
            kind=s.kind,
            metric=s.metric,
            custom_metric=s.custom_metric,
            comparator=s.comparator,
            threshold=s.threshold,
            for_seconds=s.for_seconds,
            event=s.event,
            count=s.count,
            window_seconds=s.window_seconds,
            resolve_after_seconds=s.resolve_after_seconds,
        ),
    )


def _checked(uow: UnitOfWork, organization_id: UUID, s: c.AlertRuleInput) -> RuleSettings:
    """The settings checked, their scope inside the organisation; errors name
    ``settings.<field>``."""
    try:
        settings = _settings(s).checked()
    except domain_errors.InvalidValueError as e:
        raise InvalidValueError(f"settings.{e.field}", e.message) from None
    scope = settings.scope
    if scope.project_id is not None:
        project = uow.find(Project, scope.project_id)
        if project is None or project.organization_id != organization_id:
            raise InvalidValueError("settings.project_id", "no such project in the organisation")
        if scope.environment_id is not None and scope.environment_id not in project.environments:
            raise InvalidValueError("settings.environment_id", "no such environment in the project")
    if scope.service_id is not None:
        service = uow.find(Service, scope.service_id)
        if service is None or service.project_id != scope.project_id or service.deleted:
            raise InvalidValueError("settings.service_id", "no such service in the project")
    return settings


def create_alert_rule(cmd: c.CreateAlertRule, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a rule of the organisation."""
    uow.get(Organization, cmd.organization_id, "organization")
    settings = _checked(uow, cmd.organization_id, cmd.settings)
    rule_id = uuid4()
    uow.add(
        AlertRule.create(
            rule_id,
            organization_id=cmd.organization_id,
            settings=settings,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"rule_id": rule_id}


def update_alert_rule(cmd: c.UpdateAlertRule, uow: UnitOfWork) -> dict[str, UUID]:
    """New settings for a rule (its open incidents are ended by the alert process when the
    new condition no longer holds)."""
    rule = live_rule(uow, cmd.rule_id)
    settings = _checked(uow, rule.organization_id, cmd.settings)
    try:
        rule.change(settings, actor=uow.actor, now=uow.now)
    except domain_errors.InvalidValueError as e:
        raise InvalidValueError(f"settings.{e.field}", e.message) from None
    return {"rule_id": rule.id}


def delete_alert_rule(cmd: c.DeleteAlertRule, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop a rule; the alert process resolves its open incidents."""
    rule = live_rule(uow, cmd.rule_id)
    rule.delete(actor=uow.actor, now=uow.now)
    return {"rule_id": rule.id}


def acknowledge_incident(cmd: c.AcknowledgeIncident, uow: UnitOfWork) -> dict[str, UUID]:
    """Someone takes the incident on (a repeat changes nothing)."""
    incident = uow.get(Incident, cmd.incident_id, "incident")
    incident.acknowledge(actor=uow.actor, now=uow.now)
    return {"incident_id": incident.id}


def create_silence(cmd: c.CreateSilence, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a silence of the organisation (its matchers inside it)."""
    uow.get(Organization, cmd.organization_id, "organization")
    if cmd.rule_id is not None:
        rule = uow.find(AlertRule, cmd.rule_id)
        if rule is None or rule.organization_id != cmd.organization_id:
            raise InvalidValueError("rule_id", "no such alert rule in the organisation")
    if cmd.project_id is not None:
        project = uow.find(Project, cmd.project_id)
        if project is None or project.organization_id != cmd.organization_id:
            raise InvalidValueError("project_id", "no such project in the organisation")
    if cmd.service_id is not None:
        service = uow.find(Service, cmd.service_id)
        if service is None or service.organization_id != cmd.organization_id:
            raise InvalidValueError("service_id", "no such service in the organisation")
    silence_id = uuid4()
    uow.add(
        Silence.create(
            silence_id,
            organization_id=cmd.organization_id,
            rule_id=cmd.rule_id,
            project_id=cmd.project_id,
            service_id=cmd.service_id,
            ends_at=cmd.ends_at,
            comment=cmd.comment,
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"silence_id": silence_id}


def expire_silence(cmd: c.ExpireSilence, uow: UnitOfWork) -> dict[str, UUID]:
    """End a silence now."""
    silence = uow.get(Silence, cmd.silence_id, "silence")
    silence.expire(actor=uow.actor, now=uow.now)
    return {"silence_id": silence.id}


def open_incident(cmd: c.OpenIncident, uow: UnitOfWork) -> dict[str, UUID]:
    """Open the rule's incident about the subject, unless one is open (its id is answered)
    or the same trigger's incident resolved by timeout (nothing is opened)."""
    rule = uow.get(AlertRule, cmd.rule_id, "alert rule")
    existing = rule.open.get(cmd.subject)
    if existing is not None:
        return {"incident_id": existing}
    if not rule.may_open(cmd.subject, cmd.trigger):
        return {}
    incident_id = uuid4()
    condition = rule.condition
    incident = Incident._create(
        Incident.Opened,
        id=incident_id,
        organization_id=rule.organization_id,
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        subject=cmd.subject,
        trigger=cmd.trigger,
        title=cmd.title,
        labels=dict(cmd.labels),
        project_id=cmd.project_id,
        environment_id=cmd.environment_id,
        service_id=cmd.service_id,
        node_id=cmd.node_id,
        value=cmd.value,
        threshold=condition.threshold,
        for_seconds=condition.for_seconds,
        actor=uow.actor,
        timestamp=cmd.started_at,
    )
    if cmd.fire:
        incident.fire(cmd.value, cmd.silenced_by, actor=uow.actor, now=cmd.started_at)
    rule.incident_opened(cmd.subject, incident_id, cmd.trigger, actor=uow.actor, now=uow.now)
    uow.add(incident)
    return {"incident_id": incident_id}


def fire_incident(cmd: c.FireIncident, uow: UnitOfWork) -> dict[str, UUID]:
    """A pending incident fires (a repeat changes nothing)."""
    incident = uow.get(Incident, cmd.incident_id, "incident")
    if incident.is_open:
        incident.fire(cmd.value, cmd.silenced_by, actor=uow.actor, now=cmd.at)
    return {"incident_id": incident.id}


def unsilence_incident(cmd: c.UnsilenceIncident, uow: UnitOfWork) -> dict[str, UUID]:
    """A firing incident's silence ended (a repeat, or one over meanwhile, changes nothing)."""
    incident = uow.get(Incident, cmd.incident_id, "incident")
    incident.unsilence(actor=uow.actor, now=cmd.at)
    return {"incident_id": incident.id}


def end_incident(cmd: c.EndIncident, uow: UnitOfWork) -> dict[str, UUID]:
    """An open incident ends: resolved, or dropped when it never fired (a repeat changes
    nothing); its rule no longer holds it open."""
    incident = uow.get(Incident, cmd.incident_id, "incident")
    if incident.end(cmd.value, cmd.reason, actor=uow.actor, now=cmd.at):
        rule = uow.get(AlertRule, incident.rule_id, "alert rule")
        rule.incident_closed(
            incident.subject,
            incident.id,
            incident.trigger,
            timed_out=cmd.timed_out,
            actor=uow.actor,
            now=uow.now,
        )
    return {"incident_id": incident.id}


def record_incident_notified(cmd: c.RecordIncidentNotified, uow: UnitOfWork) -> dict[str, UUID]:
    """Note a notification handed over (a repeat changes nothing)."""
    incident = uow.get(Incident, cmd.incident_id, "incident")
    incident.notified_of(cmd.key, actor=uow.actor, now=uow.now)
    return {"incident_id": incident.id}
