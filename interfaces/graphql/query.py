"""The GraphQL Query type: reads from read models only, each checked against the caller."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from application.authz import Permission
from application.errors import InvalidValueError, NotFoundError
from application.logs import LogQuery
from application.readmodels import DashboardQueries
from application.runtime_ports import SourceError
from application.services import Services
from interfaces.graphql.context import GqlContext
from interfaces.graphql.types import (
    AuditEntry,
    BuildPlanPreview,
    Cluster,
    Connection,
    DailyStats,
    Deployment,
    Environment,
    Guest,
    LogLine,
    LogPage,
    Node,
    NodeSamplePoint,
    Organization,
    Project,
    Service,
    _limit,
    connection,
    ctx,
    decode_cursor,
    encode_cursor,
    load_services,
)


def uuid_of(value: str, name: str) -> UUID:
    """A UUID argument, or VALIDATION_FAILED."""
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidValueError(name, f"{value!r} is not an id") from None


@strawberry.type
class ApiTokenInfo:
    """A personal API token (never the token itself)."""

    id: strawberry.ID
    name: str
    scopes: list[str]
    expires_at: datetime | None
    revoked: bool


@strawberry.type
class Viewer:
    """The signed-in user."""

    id: strawberry.ID
    email: str
    name: str
    organizations: list[Organization]
    api_tokens: list[ApiTokenInfo]


@strawberry.type
class Variable:
    """A variable of an environment or a service; its value only when revealed."""

    name: str
    value: str | None


@strawberry.type
class ProjectSnapshot:
    """A project as it was at a past position of the log (time travel)."""

    position: int
    project: Project


@strawberry.type
class Query:
    """Everything a client can read."""

    @strawberry.field(description="The signed-in user and their organisations.")
    def viewer(self, info: Info[GqlContext, None]) -> Viewer:
        context = ctx(info)
        principal = context.require()
        context.depends_on("user", principal.user_id)
        user = context.services.dashboard.user(principal.user_id)
        roles = context.roles()
        orgs = [
            Organization.from_row(context.services.dashboard.organization(org_id), role)
            for org_id, role in sorted(roles.items(), key=lambda item: str(item[0]))
        ]
        tokens = [
            ApiTokenInfo(
                id=strawberry.ID(str(t.id)),
                name=t.name,
                scopes=list(t.scopes),
                expires_at=t.expires_at,
                revoked=t.revoked,
            )
            for t in context.services.dashboard.api_tokens(principal.user_id)
        ]
        return Viewer(
            id=strawberry.ID(str(user.id)),
            email=user.email,
            name=user.name,
            organizations=orgs,
            api_tokens=tokens,
        )

    @strawberry.field
    def organization(self, info: Info[GqlContext, None], id: strawberry.ID) -> Organization:
        context = ctx(info)
        org_id = uuid_of(id, "id")
        context.check(org_id, Permission.READ, "organisation")
        context.depends_on("organization", org_id)
        return Organization.from_row(
            context.services.dashboard.organization(org_id), context.roles().get(org_id)
        )

    @strawberry.field
    def project(self, info: Info[GqlContext, None], id: strawberry.ID) -> Project:
        context = ctx(info)
        row = context.services.dashboard.project(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "project")
        context.depends_on("project", row.id)
        return Project.from_row(row)

    @strawberry.field(description="A project as it was at a past instant or log position.")
    def project_as_of(
        self,
        info: Info[GqlContext, None],
        id: strawberry.ID,
        at: datetime | None = None,
        position: int | None = None,
    ) -> ProjectSnapshot:
        context = ctx(info)
        context.cacheable = False
        project_id = uuid_of(id, "id")
        current = context.services.dashboard.project(project_id)
        context.check(current.organization_id, Permission.READ, "project")
        if (at is None) == (position is None):
            raise InvalidValueError("at", "give either an instant (at) or a position")
        with context.services.time_travel.dashboard(position=position, instant=at) as (
            reached,
            past,
        ):
            try:
                row = past.project(project_id)
            except NotFoundError:
                raise NotFoundError(f"project (as of position {reached})", project_id) from None
            project = Project.from_row(row)
            project.prefetched_environments = [
                Environment.from_row(e) for e in past.environments(project_id)
            ]
            snapshot_context = GqlContext(context.services, context.principal, context.client)
            snapshot_context.services = _with_dashboard(context.services, past)
            project.prefetched_services = load_services(snapshot_context, [project])[project.id]
        return ProjectSnapshot(position=reached, project=project)

    @strawberry.field
    def service(self, info: Info[GqlContext, None], id: strawberry.ID) -> Service:
        context = ctx(info)
        row = context.services.dashboard.service(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "service")
        context.depends_on("service", row.id)
        return Service.from_row(row)

    @strawberry.field
    def deployment(self, info: Info[GqlContext, None], id: strawberry.ID) -> Deployment:
        context = ctx(info)
        row = context.services.dashboard.deployment(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "deployment")
        context.depends_on("deployment", row.id)
        return Deployment.from_row(row)

    @strawberry.field
    def node(self, info: Info[GqlContext, None], id: strawberry.ID) -> Node:
        context = ctx(info)
        row = context.services.dashboard.node(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "node")
        context.depends_on("node", row.id)
        return Node.from_row(row)

    @strawberry.field(description="An organisation's Proxmox clusters.")
    def clusters(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID
    ) -> list[Cluster]:
        context = ctx(info)
        ident = uuid_of(organization_id, "organizationId")
        context.check(ident, Permission.READ, "organisation")
        context.depends_on("organization_clusters", ident)
        return [Cluster.from_row(r) for r in context.services.dashboard.clusters(ident)]

    @strawberry.field(description="One Proxmox cluster with its nodes and guests.")
    def cluster(self, info: Info[GqlContext, None], id: strawberry.ID) -> Cluster:
        context = ctx(info)
        row = context.services.dashboard.cluster(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "cluster")
        context.depends_on("cluster", row.id)
        return Cluster.from_row(row)

    @strawberry.field(description="One guest of a cluster.")
    def guest(self, info: Info[GqlContext, None], id: strawberry.ID) -> Guest:
        context = ctx(info)
        row = context.services.dashboard.guest(uuid_of(id, "id"))
        context.check(row.organization_id, Permission.READ, "guest")
        context.depends_on("guest", row.id)
        return Guest.from_row(row)

    @strawberry.field(description="A cluster node's measurements over a time range.")
    def node_metrics(
        self,
        info: Info[GqlContext, None],
        cluster_id: strawberry.ID,
        node: str,
        since: datetime,
        until: datetime | None = None,
    ) -> list[NodeSamplePoint]:
        context = ctx(info)
        context.cacheable = False
        row = context.services.dashboard.cluster(uuid_of(cluster_id, "clusterId"))
        context.check(row.organization_id, Permission.READ, "cluster")
        end = until or context.services.clock.now()
        if end < since:
            raise InvalidValueError("until", "must not be before since")
        samples = context.services.metrics.series(str(row.id), node, since, end)
        return [
            NodeSamplePoint(
                at=s.at,
                online=s.online,
                cpu_fraction=s.cpu_fraction,
                memory_used_mb=s.memory_used_mb,
                memory_total_mb=s.memory_total_mb,
                disk_used_gb=s.disk_used_gb,
                disk_total_gb=s.disk_total_gb,
            )
            for s in samples[-2000:]
        ]

    @strawberry.field(description="The audit timeline, newest first; `before` is a position.")
    def audit_log(
        self,
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
        if (organization_id is None) == (project_id is None):
            raise InvalidValueError("organizationId", "give an organisation or a project")
        org_id, proj_id = None, None
        if project_id is not None:
            proj_id = uuid_of(project_id, "projectId")
            org_id = context.services.dashboard.project(proj_id).organization_id
            org_filter = None
        else:
            org_id = uuid_of(str(organization_id), "organizationId")
            org_filter = org_id
        context.check(org_id, Permission.READ, "organisation")
        limit = _limit(first)
        before = int(decode_cursor(after)[0]) if after else None
        if as_of is not None:
            context.cacheable = False
            cutoff = context.services.time_travel.position_at(as_of) + 1
            before = min(before, cutoff) if before is not None else cutoff
        rows = context.services.history.timeline(
            organization_id=org_filter,
            project_id=proj_id,
            before=before,
            limit=limit + 1,
            action=action,
            actor=actor,
        )
        context.depends_on("activity", proj_id or org_id)
        return connection(
            [AuditEntry.from_row(r) for r in rows], limit, lambda e: encode_cursor(e.position)
        )

    @strawberry.field(description="Per day: deployments, success, change-failure rate, lead time.")
    def analytics(
        self, info: Info[GqlContext, None], project_id: strawberry.ID, since: date, until: date
    ) -> list[DailyStats]:
        context = ctx(info)
        row = context.services.dashboard.project(uuid_of(project_id, "projectId"))
        context.check(row.organization_id, Permission.READ, "project")
        if until < since or (until - since).days > 366:
            raise InvalidValueError("until", "must be on or after `since`, at most a year later")
        context.depends_on("analytics", row.id)
        return [
            DailyStats(**_fields(s)) for s in context.services.analytics.daily(row.id, since, until)
        ]

    @strawberry.field(description="Build and runtime log lines, oldest first, after a cursor.")
    def logs(
        self,
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
    ) -> LogPage:
        context = ctx(info)
        context.cacheable = False  # logs are not a read model
        _log_query(context, service_id, deployment_id)
        if stream is not None and stream not in ("build", "runtime", "system"):
            raise InvalidValueError("stream", "must be build, runtime or system")
        entries = context.services.logs.read(
            LogQuery(
                service_id=uuid_of(service_id, "serviceId") if service_id else None,
                deployment_id=uuid_of(deployment_id, "deploymentId") if deployment_id else None,
                replica=replica,
                stream=stream,  # type: ignore[arg-type]  # checked just above
                since=since,
                until=until,
                text=text,
                after_id=after,
                limit=_limit(first),
            )
        )
        return LogPage(
            lines=[LogLine.from_entry(e) for e in entries],
            cursor=entries[-1].id if entries else after,
        )

    @strawberry.field(description="The build plan a deployment of the branch head would use.")
    def build_plan(
        self, info: Info[GqlContext, None], service_id: strawberry.ID
    ) -> BuildPlanPreview:
        context = ctx(info)
        context.cacheable = False
        service = context.services.dashboard.service(uuid_of(service_id, "serviceId"))
        context.check(service.organization_id, Permission.READ, "service")
        try:
            preview = context.services.plans.preview(service.id)
        except (SourceError, ValueError) as e:
            raise InvalidValueError("source", str(e)) from None
        return BuildPlanPreview(
            commit=preview.commit,
            runtime=preview.runtime,
            summary=preview.summary,
            notes=preview.notes,
            dockerfile=preview.dockerfile,
            problems=preview.problems,
        )

    @strawberry.field(description="Variable names; values only with reveal (admins and owners).")
    def variables(
        self,
        info: Info[GqlContext, None],
        project_id: strawberry.ID,
        environment_id: strawberry.ID,
        service_id: strawberry.ID | None = None,
        reveal: bool = False,
    ) -> list[Variable]:
        context = ctx(info)
        project = context.services.dashboard.project(uuid_of(project_id, "projectId"))
        context.check(project.organization_id, Permission.READ, "project")
        env = uuid_of(environment_id, "environmentId")
        service = uuid_of(service_id, "serviceId") if service_id else None
        if reveal:
            # Values are opened from the sealed events: the one read beyond the read models.
            context.check(project.organization_id, Permission.MANAGE, "project's secrets")
            context.cacheable = False
            values = context.services.queries.reveal_variables(env, service)
            return [Variable(name=k, value=v.reveal()) for k, v in values.items()]
        context.depends_on("project", project.id)
        names = context.services.dashboard.variable_names(env, service)
        return [Variable(name=n, value=None) for n in names]


def _log_query(context: GqlContext, service_id: str | None, deployment_id: str | None) -> UUID:
    """Check the caller may read the service's logs; the organisation it belongs to."""
    if deployment_id is not None:
        row = context.services.dashboard.deployment(uuid_of(deployment_id, "deploymentId"))
        organization = row.organization_id
    elif service_id is not None:
        organization = context.services.dashboard.service(
            uuid_of(service_id, "serviceId")
        ).organization_id
    else:
        raise InvalidValueError("serviceId", "give a service or a deployment")
    context.check(organization, Permission.READ, "service's logs")
    return organization


def _fields(stats: object) -> dict[str, Any]:
    return {f: getattr(stats, f) for f in stats.__struct_fields__}  # type: ignore[attr-defined]


def _with_dashboard(services: Services, dashboard: DashboardQueries) -> Services:
    return replace(services, dashboard=dashboard)
