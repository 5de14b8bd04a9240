"""GraphQL types, queries and mutations of alert rules, incidents and silences (issue 17).
Members read them, acknowledge incidents and silence them; admins and owners change rules."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.readmodels import AlertRuleRow, IncidentRow, SilenceRow
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import input_type, object_type
from interfaces.graphql.types import ctx

MAX_INCIDENTS = 500


@strawberry.type(description="One step of an incident's life.")
class IncidentStep:
    status: str = strawberry.field(
        description="pending, firing, resolved, dropped (never fired), acknowledged, or "
        "unsilenced (the silence it fired under ended while it fired: told then)."
    )
    at: datetime
    value: float | None = strawberry.field(description="The value measured then, if any.")
    by: str | None = strawberry.field(description="acknowledged: who.")
    reason: str | None = strawberry.field(description="resolved: why.")
    silenced: bool = strawberry.field(description="firing: under a silence (nothing sent).")


@strawberry.type(description="A notification handed to the organisation's notifiers.")
class IncidentNotification:
    key: str = strawberry.field(description="<incident id>:firing or <incident id>:resolved.")
    status: str
    at: datetime


def incident_timeline(root: IncidentRow) -> list[IncidentStep]:
    return [
        IncidentStep(
            status=step["status"],
            at=datetime.fromisoformat(step["at"]),
            value=step.get("value"),
            by=step.get("by"),
            reason=step.get("reason"),
            silenced=bool(step.get("silenced")),
        )
        for step in root.timeline
    ]


def incident_notifications(root: IncidentRow) -> list[IncidentNotification]:
    return [
        IncidentNotification(key=n["key"], status=n["status"], at=datetime.fromisoformat(n["at"]))
        for n in root.notifications
    ]


if TYPE_CHECKING:
    AlertRule = AlertRuleRow
    Incident = IncidentRow
    Silence = SilenceRow
else:
    AlertRule = object_type(
        AlertRuleRow,
        "AlertRule",
        "What makes an organisation's incidents: a metric over a threshold for a while "
        "(Prometheus' for), or an event; where (project, environment, service) and whom "
        "to tell (notifierIds; null: every notifier).",
        hide=("deleted",),
        descriptions={
            "kind": "metric or event.",
            "metric": "cpu_percent_of_request, memory_percent_of_request, "
            "memory_percent_of_limit, requests_per_second, error_percent, "
            "latency_p95_seconds, node_cpu_percent, node_memory_percent or custom.",
            "comparator": "> >= < or <=.",
            "for_seconds": "How long the condition holds before the incident fires.",
            "event": "deployment_failed, replica_crash_looping, replica_unhealthy, "
            "node_unreachable, backup_failed or budget_warning.",
            "resolve_after_seconds": "events: an incident whose subject never recovers "
            "resolves after this long.",
            "description": "The condition in words.",
        },
    )
    Incident = object_type(
        IncidentRow,
        "Incident",
        "One rule's condition about one subject (a service in an environment, a service, "
        "a node): pending, firing, resolved, or dropped when it stopped before firing.",
        hide=("timeline", "notifications"),
        fields={
            "timeline": strawberry.field(
                resolver=incident_timeline, description="Its lifecycle, oldest first."
            ),
            "notifications": strawberry.field(
                resolver=incident_notifications,
                description="What was handed to the notifiers, oldest first.",
            ),
        },
        descriptions={
            "subject": "What it is about: service:<id>[:<environment id>] or node:<id>.",
            "trigger": "What started it (a failed deployment's id...).",
            "labels": "Names of what it is about (service, environment, node).",
            "open": "Pending or firing.",
            "silenced_by": "The silence it fired under (nothing was sent).",
        },
    )
    Silence = object_type(
        SilenceRow,
        "Silence",
        "Incidents matching every matcher given (rule, project, service) until endsAt are "
        "recorded but not sent.",
    )

AlertRuleInput = input_type(
    c.AlertRuleInput,
    "AlertRuleInput",
    "An alert rule's settings. kind metric: metric (and customMetric for custom), "
    "comparator, threshold, forSeconds (0 to 86400). kind event: event (and count and "
    "windowSeconds for replica_crash_looping; forSeconds for replica_unhealthy), "
    "resolveAfterSeconds (60 to 604800). Scope: "
    "projectId, environmentId, serviceId (none: the whole organisation; node rules take "
    "none). severity: info, warning or critical.",
)


def alert_rules(info: Info[GqlContext, None], organization_id: strawberry.ID) -> list[AlertRule]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.alert_rules(org.id)


def incidents(
    info: Info[GqlContext, None],
    organization_id: strawberry.ID,
    open: bool = False,
    first: int = 100,
) -> list[Incident]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    limit = max(1, min(first, MAX_INCIDENTS))
    return reads.dashboard.incidents(org.id, open_only=open, limit=limit)


def silences(info: Info[GqlContext, None], organization_id: strawberry.ID) -> list[Silence]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.silences(org.id)


def _rule(context: GqlContext, result: CommandResult, command: Any) -> Any:
    ident = result.ids.get("rule_id") or command.rule_id
    return entity(context.reads, "alert_rule", ident, "rule_id")


def _incident(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return entity(context.reads, "incident", command.incident_id, "incident_id")


def _silence(context: GqlContext, result: CommandResult, command: Any) -> Any:
    ident = result.ids.get("silence_id") or command.silence_id
    return entity(context.reads, "silence", ident, "silence_id")


INPUTS: dict[type, type] = {c.AlertRuleInput: AlertRuleInput}

create_alert_rule = mutation(
    c.CreateAlertRule,
    "organization_id settings",
    AlertRule,
    result=_rule,
    inputs=INPUTS,
    description="Add an alert rule (admins and owners). A rule over an unknown metric, a "
    "threshold that is not a number (or negative where the metric never is), a for out of "
    "0 to 86400 s or a scope outside the organisation is refused naming the setting.",
)
update_alert_rule = mutation(
    c.UpdateAlertRule,
    "id=rule_id settings",
    AlertRule,
    result=_rule,
    inputs=INPUTS,
    description="Replace an alert rule's settings (its kind stays; admins and owners).",
)
delete_alert_rule = mutation(
    c.DeleteAlertRule,
    "id=rule_id",
    bool,
    description="Delete an alert rule; its open incidents resolve (admins and owners).",
)
acknowledge_incident = mutation(
    c.AcknowledgeIncident,
    "id=incident_id",
    Incident,
    result=_incident,
    description="Take an incident on (members); a repeat changes nothing.",
)
create_silence = mutation(
    c.CreateSilence,
    "organization_id ends_at rule_id project_id service_id comment",
    Silence,
    result=_silence,
    description="Silence incidents matching a rule, a project and/or a service until endsAt "
    "(at most 90 days; members): they are recorded, not sent.",
)
expire_silence = mutation(
    c.ExpireSilence,
    "id=silence_id",
    Silence,
    result=_silence,
    description="End a silence now (members).",
)
