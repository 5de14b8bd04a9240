"""The GraphQL Query type: reads through the caller's read gate only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from application.errors import DomainError, InvalidValueError, NotFoundError, UnavailableError
from application.logs import LogQuery
from application.runtime_ports import SourceError, SourceUnreachableError
from interfaces.graphql import alerts, git
from interfaces.graphql import autoscaling as autoscaling_fields
from interfaces.graphql import backup_destinations as destinations
from interfaces.graphql import metrics as metric_fields
from interfaces.graphql import node_containers as node_container_fields
from interfaces.graphql import notifiers as notifier_fields
from interfaces.graphql import previews as preview_fields
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, lookup, uuid_of
from interfaces.graphql.naming import prefetch_audit_words
from interfaces.graphql.types import (
    AuditEntry,
    BuildPlanPreview,
    Cluster,
    Connection,
    DailyStats,
    Deployment,
    Guest,
    LogPage,
    Node,
    NodeSamplePoint,
    Organization,
    Project,
    ProjectSnapshot,
    Service,
    Variable,
    Viewer,
    connection,
    ctx,
    decode_cursor,
    encode_cursor,
    limit_of,
    load_services,
    selects_item,
)

STREAMS = ("build", "runtime", "system")


def viewer(info: Info[GqlContext, None]) -> Viewer:
    context = ctx(info)
    return context.reads.dashboard.user(context.require().user_id)


@strawberry.type
class SignInProvider:
    """A provider people may sign in with, and where the web app starts its flows."""

    name: str
    start_url: str = strawberry.field(
        description="Open it in the browser to sign in (add `?next=/path` to come back there)."
    )
    link_url: str = strawberry.field(
        description="POST here (signed in, with `X-Containr-CSRF: 1`) for the URL that links "
        "the provider to your account."
    )


def sign_in_providers(info: Info[GqlContext, None]) -> list[SignInProvider]:
    return [
        SignInProvider(name=name, start_url=f"/auth/{name}/start", link_url=f"/auth/{name}/link")
        for name in ctx(info).sign_in_providers
    ]


def project_as_of(
    info: Info[GqlContext, None],
    id: strawberry.ID,
    at: datetime | None = None,
    position: int | None = None,
) -> ProjectSnapshot:
    context = ctx(info)
    context.cacheable = False
    project = entity(context.reads, "project", id, "id")
    project_id = project.id
    if (at is None) == (position is None):
        raise InvalidValueError("at", "give either an instant (at) or a position, not both")
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # as every DateTime input without an offset
    earliest = context.reads.position_at(project.created_at)
    if (position is not None and position < earliest) or (
        at is not None and at < project.created_at
    ):
        raise not_yet(project, earliest, position, at)
    with context.reads.as_of(position=position, instant=at) as (reached, past):
        try:
            row = past.project(project_id)
        except NotFoundError:
            raise not_yet(project, earliest, reached, None) from None
        context.prefetch(row, "environments", past.environments(project_id))
        context.prefetch(row, "services", load_services(context, past, [row])[row.id])
    return ProjectSnapshot(position=reached, project=row)


def not_yet(
    project: Any, earliest: int, position: int | None, at: datetime | None
) -> NotFoundError:
    """NOT_FOUND for a time-travel to before a project existed, saying where its history starts."""
    created = f"created {project.created_at.isoformat(timespec='seconds')}"
    if at is not None:
        return NotFoundError(
            "project",
            project.id,
            field="at",
            message=f"project {project.name!r} did not exist yet at "
            f"{at.isoformat(timespec='seconds')}; the earliest position is {earliest} ({created})",
        )
    return NotFoundError(
        "project",
        project.id,
        field="position",
        message=f"project {project.name!r} did not exist yet at position {position}; "
        f"the earliest position is {earliest} ({created})",
    )


def clusters(info: Info[GqlContext, None], organization_id: strawberry.ID) -> list[Cluster]:
    reads = ctx(info).reads
    return reads.dashboard.clusters(
        entity(reads, "organization", organization_id, "organizationId").id
    )


def node_metrics(
    info: Info[GqlContext, None],
    cluster_id: strawberry.ID,
    node: str,
    since: datetime,
    until: datetime | None = None,
) -> list[NodeSamplePoint]:
    context = ctx(info)
    context.cacheable = False  # measurements, not events
    cluster = uuid_of(cluster_id, "clusterId")
    return context.reads.node_samples(cluster, node, since, until or context.clock.now())


def audit_log(
    info: Info[GqlContext, None],
    organization_id: strawberry.ID | None = None,
    project_id: strawberry.ID | None = None,
    first: int = 50,
    after: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    as_of: datetime | None = None,
) -> Connection[AuditEntry]:
    context = ctx(info)
    reads = context.reads
    if (organization_id is None) == (project_id is None):
        raise InvalidValueError("organizationId", "give an organisation or a project")
    organization, project = None, None
    if project_id is not None:
        project = entity(reads, "project", project_id, "projectId").id
    else:
        organization = entity(reads, "organization", organization_id, "organizationId").id
    limit = limit_of(first)
    before = _position_cursor(after)
    if as_of is not None:
        context.cacheable = False
        cutoff = reads.position_at(as_of) + 1
        before = min(before, cutoff) if before is not None else cutoff
    rows = reads.history.timeline(
        organization_id=organization,
        project_id=project,
        before=before,
        limit=limit + 1,
        action=action,
        actor=actor,
    )
    if selects_item(info, "actorName", "concerns", "text"):
        prefetch_audit_words(context, reads.dashboard, rows[:limit])
    return connection(rows, limit, lambda e: encode_cursor(e.position))


def _position_cursor(after: str | None) -> int | None:
    if not after:
        return None
    try:
        return int(decode_cursor(after)[0])
    except ValueError:
        raise InvalidValueError("after", "is not a valid cursor") from None


def analytics(
    info: Info[GqlContext, None], project_id: strawberry.ID, since: date, until: date
) -> list[DailyStats]:
    reads = ctx(info).reads
    project = entity(reads, "project", project_id, "projectId")
    if until < since or (until - since).days > 366:
        raise InvalidValueError("until", "must be on or after `since`, at most a year later")
    return reads.analytics.daily(project.id, since, until)


def logs(
    info: Info[GqlContext, None],
    service_id: strawberry.ID | None = None,
    deployment_id: strawberry.ID | None = None,
    replica: int | None = None,
    stream: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    text: str | None = None,
    after: int = 0,
    first: int = 200,
    newest: bool = False,
) -> LogPage:
    context = ctx(info)
    context.cacheable = False  # logs are not a read model
    if stream is not None and stream not in STREAMS:
        raise InvalidValueError("stream", "must be build, runtime or system")
    entries = context.reads.logs(
        LogQuery(
            service_id=uuid_of(service_id, "serviceId") if service_id else None,
            deployment_id=uuid_of(deployment_id, "deploymentId") if deployment_id else None,
            replica=replica,
            stream=stream,  # type: ignore[arg-type]  # checked just above
            since=since,
            until=until,
            text=text,
            after_id=after,
            limit=limit_of(first),
            newest=newest,
        )
    )
    return LogPage(lines=entries, cursor=entries[-1].id if entries else after)


def build_plan(info: Info[GqlContext, None], service_id: strawberry.ID) -> BuildPlanPreview:
    context = ctx(info)
    context.cacheable = False
    try:
        return context.reads.build_plan(uuid_of(service_id, "serviceId"))
    except SourceUnreachableError as e:
        raise UnavailableError(str(e)) from None
    except (SourceError, ValueError) as e:  # the service's repository or settings
        raise DomainError(str(e)) from None


def variables(
    info: Info[GqlContext, None],
    project_id: strawberry.ID,
    environment_id: strawberry.ID,
    service_id: strawberry.ID | None = None,
    reveal: bool = False,
) -> list[Variable]:
    context = ctx(info)
    environment = uuid_of(environment_id, "environmentId")
    service = uuid_of(service_id, "serviceId") if service_id else None
    project = uuid_of(project_id, "projectId")
    if reveal:
        context.cacheable = False  # values are opened from the sealed events
        values = context.reads.variable_values(environment, service, project_id=project)
        return [Variable(name=k, value=v.reveal()) for k, v in values.items()]
    names = context.reads.variable_names(environment, service, project_id=project)
    return [Variable(name=n, value=None) for n in names]


def _field(resolver: Any, description: str | None = None) -> Any:
    return strawberry.field(resolver=resolver, description=description)


@strawberry.type
class Query:
    """Everything a client can read."""

    viewer = _field(viewer, "The signed-in user and their organisations.")
    sign_in_providers = _field(
        sign_in_providers, "The providers (GitHub, GitLab) one may sign in with here."
    )
    organization = lookup("organization", Organization)
    project = lookup("project", Project)
    project_as_of = _field(project_as_of, "A project as it was at a past instant or log position.")
    service = lookup("service", Service)
    deployment = lookup("deployment", Deployment)
    node = lookup("node", Node)
    clusters = _field(clusters, "An organisation's Proxmox clusters.")
    cluster = lookup("cluster", Cluster, "One Proxmox cluster with its nodes and guests.")
    guest = lookup("guest", Guest, "One guest of a cluster.")
    node_metrics = _field(node_metrics, "A cluster node's measurements over a time range.")
    service_metrics = _field(metric_fields.service_metrics, metric_fields.SERVICE_METRICS_DOC)
    docker_node_metrics = _field(metric_fields.docker_node_metrics, metric_fields.NODE_METRICS_DOC)
    node_containers = node_container_fields.node_containers_field
    audit_log = _field(audit_log, "The audit timeline, newest first; `before` is a position.")
    analytics = _field(analytics, "Per day: deployments, success, change-failure rate, lead time.")
    logs = _field(
        logs,
        "Build and runtime log lines, oldest first, after a cursor (with `newest`: the "
        "newest `first` lines after it).",
    )
    build_plan = _field(build_plan, "The build plan a deployment of the branch head would use.")
    estimate_autoscaling = autoscaling_fields.estimate_autoscaling
    variables = _field(variables, "Variable names; values only with reveal (admins and owners).")
    git_connections = _field(git.git_connections, "An organisation's git provider connections.")
    git_connection = lookup("git_connection", git.GitConnection, "One git provider connection.")
    alert_rules = _field(alerts.alert_rules, "An organisation's alert rules by name.")
    alert_rule = lookup("alert_rule", alerts.AlertRule, "One alert rule.")
    incidents = _field(
        alerts.incidents,
        "An organisation's incidents, newest first (open: only pending and firing ones; "
        "first: at most 500).",
    )
    incident = lookup("incident", alerts.Incident, "One incident, its timeline and what was sent.")
    silences = _field(alerts.silences, "An organisation's silences, latest ending first.")
    backup_destinations = _field(
        destinations.backup_destinations, "An organisation's backup destinations."
    )
    backup_destination = lookup(
        "backup_destination", destinations.BackupDestination, "One backup destination."
    )
    notifiers = _field(notifier_fields.notifiers, "An organisation's notifiers, by name.")
    notifier = lookup("notifier", notifier_fields.Notifier, "One notifier.")
    notification_deliveries = _field(
        notifier_fields.notification_deliveries,
        "An organisation's notification deliveries (of one incident or one notification "
        "key when given), newest first.",
    )
    webhook_deliveries = _field(
        git.webhook_deliveries, "A git connection's webhook deliveries, newest first."
    )
    service_triggers = _field(
        git.service_triggers, "Which pushes deploy a service where (null: never set)."
    )
    service_source = _field(
        git.service_source,
        "The repository a service builds from through a git connection (null: none).",
    )
    git_repositories = _field(
        git.git_repositories, "One page of the repositories a git connection's token can see."
    )
    git_branches = _field(git.git_branches, "One page of a repository's branches.")
    previews = _field(
        preview_fields.previews,
        "A project's preview environments (one per pull request), newest first; removed ones "
        "only with includeRemoved.",
    )
    preview = lookup("preview", preview_fields.Preview, "One pull request's preview environment.")
    preview_policy = _field(
        preview_fields.preview_policy,
        "How a project's pull requests get preview environments (null: never set, off).",
    )
