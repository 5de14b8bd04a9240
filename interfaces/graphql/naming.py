"""Names instead of ids (issue 12), read in batches through the caller's gate.

A list resolver (a page of audit entries or deployments, a project's services) calls a
``prefetch_*`` function once for all its rows: a few queries for the whole page, kept on the
request's context for the rows' fields. A row that arrives alone (a subscription's message,
a single lookup) reads what it needs by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from application.errors import NotFoundError
from application.internal_dns import internal_hostname, srv_name
from application.readmodels import (
    AuditRow,
    DashboardQueries,
    DeploymentRow,
    EnvironmentRow,
    ProjectRow,
    ServiceRow,
    ServiceStateRow,
)
from interfaces.graphql.context import GqlContext
from interfaces.graphql.words import (
    Address,
    actor_user,
    actor_words,
    concerns,
    mentioned_ids,
    plain_text,
    release_label,
    service_addresses,
)

# Actors


def member_names(dashboard: DashboardQueries, organizations: Iterable[UUID]) -> dict[UUID, str]:
    """The names of the members of some organisations (two queries for one organisation).

    Only members: a person who left is no longer a fellow member the gate lets us name."""
    members = [m for org in set(organizations) for m in dashboard.members(org)]
    if not members:
        return {}
    return {u.id: u.name for u in dashboard.users(sorted({m.user_id for m in members}, key=str))}


def prefetch_actor_names(
    context: GqlContext,
    dashboard: DashboardQueries,
    rows: Sequence[AuditRow | DeploymentRow],
) -> None:
    """Name the actors of a page of rows at once."""
    wanted = [r for r in rows if r.organization_id is not None and _actor(r) is not None]
    organizations = {r.organization_id for r in wanted if actor_user(_actor(r) or "")}
    names = member_names(dashboard, [o for o in organizations if o is not None])
    for row in wanted:
        context.prefetch(row, "actor_name", actor_words(_actor(row) or "", names))


def actor_name(context: GqlContext, row: AuditRow | DeploymentRow) -> str:
    """Who did it, in words."""
    found = context.prefetched(row, "actor_name")
    if found is None and isinstance(row, AuditRow):  # alone: its other words in one batch
        prefetch_audit_words(context, context.reads.dashboard, [row])
        found = context.prefetched(row, "actor_name")
    if found is not None:
        return str(found)
    actor = _actor(row) or ""
    names: dict[UUID, str] = {}
    if actor_user(actor) is not None and row.organization_id is not None:
        names = member_names(context.reads.dashboard, [row.organization_id])
    return actor_words(actor, names)


def _actor(row: AuditRow | DeploymentRow) -> str | None:
    return row.actor if isinstance(row, AuditRow) else row.requested_by


# Releases named by their commit


def release_names(dashboard: DashboardQueries, ids: Sequence[UUID]) -> dict[UUID, str]:
    """Short labels (commit, image) of the releases named by ``ids`` the caller may read."""
    if not ids:
        return {}
    return {d.id: release_label(d.commit, d.image, d.id) for d in dashboard.deployments_by_id(ids)}


def _texts(row: DeploymentRow) -> list[str]:
    return [row.reason, *(str(h.get("reason") or "") for h in row.history)]


def prefetch_deployment_words(
    context: GqlContext, dashboard: DashboardQueries, rows: Sequence[DeploymentRow]
) -> None:
    """The releases a page of deployments mentions, and who requested them (three queries)."""
    ids = mentioned_ids([t for row in rows for t in _texts(row)])
    names = release_names(dashboard, ids)
    for row in rows:
        context.prefetch(row, "release_names", names)
    prefetch_actor_names(context, dashboard, rows)


def deployment_text(context: GqlContext, row: DeploymentRow, text: str) -> str:
    """A deployment's reason (or one of its history's) in plain words."""
    names = context.prefetched(row, "release_names")
    if names is None:
        names = release_names(context.reads.dashboard, mentioned_ids(_texts(row)))
        context.prefetch(row, "release_names", names)
    return plain_text(text, names)


# What an audit entry concerns


def prefetch_audit_words(
    context: GqlContext, dashboard: DashboardQueries, rows: Sequence[AuditRow]
) -> None:
    """For a page of audit entries: who (names), what they concern (service · environment)
    and the releases their summaries mention: at most five queries for the page."""
    prefetch_actor_names(context, dashboard, rows)
    deployment_ids = {r.aggregate_id for r in rows if r.aggregate_type == "Deployment"}
    deployment_ids |= set(mentioned_ids([r.summary for r in rows]))
    deployment_ids |= {i for r in rows if (i := _rollback_of(r)) is not None}
    deployment_ids |= {i for r in rows if (i := _promoted_from(r)) is not None}
    deployments = (
        {d.id: d for d in dashboard.deployments_by_id(sorted(deployment_ids, key=str))}
        if deployment_ids
        else {}
    )
    service_ids = {r.aggregate_id for r in rows if r.aggregate_type == "Service"}
    service_ids |= {d.service_id for d in deployments.values()}
    services = (
        {s.id: s.name for s in dashboard.services_by_id(sorted(service_ids, key=str))}
        if service_ids
        else {}
    )
    projects = sorted({r.project_id for r in rows if r.project_id is not None}, key=str)
    environments = {e.id: e.name for e in dashboard.environments_of(projects)} if projects else {}
    labels = {d.id: release_label(d.commit, d.image, d.id) for d in deployments.values()}
    for row in rows:
        service, environment = _scope_of(row, deployments)
        context.prefetch(
            row,
            "concerns",
            concerns(
                services.get(service) if service else None,
                environments.get(environment) if environment else None,
            )
            or "",
        )
        context.prefetch(row, "text", _entry_text(row, labels))


def _rollback_of(row: AuditRow) -> UUID | None:
    return (
        _maybe_uuid(row.details.get("rollback_of")) if row.aggregate_type == "Deployment" else None
    )


def _promoted_from(row: AuditRow) -> UUID | None:
    return (
        _maybe_uuid(row.details.get("promoted_from"))
        if row.aggregate_type == "Deployment"
        else None
    )


def _entry_text(row: AuditRow, labels: dict[UUID, str]) -> str:
    """An entry's summary in plain words; a rollback's request says what it goes back to,
    a promotion's which release's image it takes."""
    target = _rollback_of(row)
    if row.action == "Deployment.Requested" and target is not None:
        return f"rollback to {labels.get(target) or 'an earlier release'} requested"
    source = _promoted_from(row)
    if row.action == "Deployment.Requested" and source is not None:
        return f"promotion from {labels.get(source) or 'a release'} requested"
    return plain_text(row.summary, labels)


def _scope_of(
    row: AuditRow, deployments: dict[UUID, DeploymentRow]
) -> tuple[UUID | None, UUID | None]:
    """The service and environment an entry is about, as far as its rows tell."""
    if row.aggregate_type == "Deployment":
        found = deployments.get(row.aggregate_id)
        return (found.service_id, found.environment_id) if found else (None, None)
    if row.aggregate_type == "Service":
        return row.aggregate_id, None
    if row.aggregate_type == "VariableSet":
        service, environment = row.details.get("service_id"), row.details.get("environment_id")
        return _maybe_uuid(service), _maybe_uuid(environment)
    return None, None


def _maybe_uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def audit_concerns(context: GqlContext, row: AuditRow) -> str | None:
    """ "api · production", or None."""
    found = context.prefetched(row, "concerns")
    if found is None:
        prefetch_audit_words(context, context.reads.dashboard, [row])
        found = context.prefetched(row, "concerns")
    return str(found) or None


def audit_text(context: GqlContext, row: AuditRow) -> str:
    """The summary in plain words."""
    found = context.prefetched(row, "text")
    if found is None:
        prefetch_audit_words(context, context.reads.dashboard, [row])
        found = context.prefetched(row, "text")
    return str(found)


# Addresses


def prefetch_addresses(
    context: GqlContext,
    dashboard: DashboardQueries,
    services: Sequence[ServiceRow],
    states: Sequence[ServiceStateRow],
    projects: Sequence[ProjectRow],
) -> None:
    """What the addresses of some services' states need: their service, project and
    environment rows (one more query, for the environments, when any state is live)."""
    by_service = {s.id: s for s in services}
    by_project = {p.id: p for p in projects}
    live = [s for s in states if s.live_deployment_id is not None]
    environments: dict[UUID, EnvironmentRow] = {}
    if live:
        wanted = sorted({s.project_id for s in live}, key=str)
        environments = {e.id: e for e in dashboard.environments_of(wanted)}
    for state in states:
        for name, value in (
            ("service", by_service.get(state.service_id)),
            ("project", by_project.get(state.project_id)),
            ("environment", environments.get(state.environment_id)),
        ):
            if value is not None:
                context.prefetch(state, name, value)


def state_addresses(context: GqlContext, state: ServiceStateRow) -> list[Address]:
    """Where a service's live release answers in one environment (none unless a web
    service's release is live)."""
    if state.live_deployment_id is None:
        return []
    dashboard = context.reads.dashboard
    service: ServiceRow = context.prefetched(state, "service") or dashboard.service(
        state.service_id
    )
    if service.kind != "web" or not service.spec.get("port"):
        return []
    try:
        project: ProjectRow = context.prefetched(state, "project") or dashboard.project(
            state.project_id
        )
        environment: EnvironmentRow = context.prefetched(
            state, "environment"
        ) or dashboard.environment(state.environment_id)
    except NotFoundError:  # the environment was removed: nothing answers there any more
        return []
    domain, listen = context.ingress
    return service_addresses(
        service.name,
        environment.name,
        project.slug,
        [str(d) for d in service.spec.get("domains") or ()],
        domain,
        listen,
    )


def state_internal_names(context: GqlContext, state: ServiceStateRow) -> tuple[str, str | None]:
    """A live service's internal DNS name in one environment and its SRV name (None when
    it has no port), e.g. ``api.production.shop.internal`` and
    ``_http._tcp.api.production.shop.internal`` (issue 18); empty while nothing is live."""
    if state.live_deployment_id is None:
        return "", None
    dashboard = context.reads.dashboard
    service: ServiceRow = context.prefetched(state, "service") or dashboard.service(
        state.service_id
    )
    try:
        project: ProjectRow = context.prefetched(state, "project") or dashboard.project(
            state.project_id
        )
        environment: EnvironmentRow = context.prefetched(
            state, "environment"
        ) or dashboard.environment(state.environment_id)
    except NotFoundError:
        return "", None
    hostname = internal_hostname(service.name, environment.name, project.slug)
    if hostname is None:
        return "", None
    srv = srv_name(hostname, service.kind) if service.spec.get("port") else None
    return hostname, srv
