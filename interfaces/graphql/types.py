"""GraphQL object types. Their values are the read-model rows themselves, read through the
caller's read gate; each type is its row's columns plus the fields that resolve further."""

from __future__ import annotations

import base64
import typing
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from application.authz import Permission
from application.cost import MonthCost as MonthCostRow
from application.errors import InvalidValueError
from application.hypervisor_ports import NodeSample
from application.logs import LogEntry, LogQuery
from application.plans import PlanPreview
from application.readmodels import (
    ApiTokenRow,
    AuditRow,
    AutoscalingRow,
    BackupPlanRow,
    BackupRow,
    ClusterRow,
    CommitStatusRow,
    CronRunRow,
    DashboardQueries,
    DatabaseRestoreRow,
    DeploymentRow,
    EnvironmentRow,
    GuestRow,
    InvitationRow,
    MemberRow,
    NodePortRow,
    NodeRow,
    OrganizationRow,
    ProjectRow,
    ReleaseRow,
    ServiceRow,
    ServiceStateRow,
    ShareLinkRow,
    SignInLinkRow,
    SnapshotRow,
    UserRow,
)
from application.readmodels import (
    DailyStats as DailyStatsRow,
)
from interfaces.graphql import naming
from interfaces.graphql.agent_types import node_agent
from interfaces.graphql.context import GqlContext
from interfaces.graphql.databases import service_database
from interfaces.graphql.execution import columns_selected, kept, selected_under
from interfaces.graphql.failover import FailoverPolicy, failover_policy
from interfaces.graphql.rows import object_type

T = TypeVar("T")
MAX_PAGE = 200


def ctx(info: Info[GqlContext, None]) -> GqlContext:
    """The request's context (over WebSocket, strawberry keeps it in a dict under "gql")."""
    context: Any = info.context
    if isinstance(context, dict):
        found: GqlContext = context["gql"]
        return found
    return context  # type: ignore[no-any-return]


def limit_of(first: int) -> int:
    """A page size argument, or VALIDATION_FAILED."""
    if not 1 <= first <= MAX_PAGE:
        raise InvalidValueError("first", f"must be between 1 and {MAX_PAGE}")
    return first


def encode_cursor(*parts: object) -> str:
    """An opaque pagination cursor."""
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode()


def decode_cursor(cursor: str, parts: int = 1) -> list[str]:
    """The parts of one of our cursors, or VALIDATION_FAILED."""
    try:
        found = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        found = []
    if len(found) != parts or not all(found):
        raise InvalidValueError("after", "is not a valid cursor")
    return found


def selects(info: Info[Any, Any], *path: str) -> bool:
    """Whether the query selects a nested field path under the current field, in fragments
    too (``nodes { ...D }`` selects what ``D`` does: its fields keep batching)."""
    return bool(selected_under(info.selected_fields, *path))


def selects_anywhere(selections: Sequence[Any], name: str) -> bool:
    """Whether a field ``name`` is selected anywhere beneath, fragments included."""
    return any(
        getattr(selection, "name", None) == name
        or selects_anywhere(getattr(selection, "selections", []), name)
        for selection in selections
    )


def selects_item(info: Info[Any, Any], *names: str) -> bool:
    """Whether a connection's items (``nodes`` or ``edges.node``) select one of ``names``."""
    return any(
        selects(info, "nodes", name) or selects(info, "edges", "node", name) for name in names
    )


# Pages


@strawberry.type
class PageInfo:
    """Where a page of a list ends."""

    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    """An item of a list, with its cursor."""

    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """A page of a list (Relay style)."""

    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The items of the page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(
    items: Sequence[Any], limit: int, cursor_of: Callable[[Any], str]
) -> Connection[Any]:
    """A page from ``limit + 1`` fetched items (the extra one tells whether more exist)."""
    page = items[:limit]
    edges = [Edge(cursor=cursor_of(item), node=item) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > limit, end_cursor=edges[-1].cursor if edges else None
        ),
    )


# Types that are not rows


@strawberry.type
class StateChange:
    """One step of a deployment's history."""

    state: str
    at: datetime
    reason: str
    reason_text: str = strawberry.field(
        description="The reason in plain words: releases named by their short commit."
    )


@strawberry.type
class Volume:
    """A named volume of a service in one environment, on the engine since a release of the
    service first went live there; it outlives releases."""

    service_id: strawberry.ID
    service_name: str
    environment_id: strawberry.ID
    name: str
    mount_path: str
    created_at: datetime
    orphaned: bool = strawberry.field(
        description="Its service was deleted and kept it: it stays until removeVolume."
    )


def _volumes(rows: list[Any]) -> list[Volume]:
    return [
        Volume(
            service_id=strawberry.ID(str(row.service_id)),
            service_name=row.service_name,
            environment_id=strawberry.ID(v["environment_id"]),
            name=v["name"],
            mount_path=v["mount_path"],
            created_at=datetime.fromisoformat(v["created_at"]),
            orphaned=row.orphaned,
        )
        for row in rows
        for v in row.volumes
    ]


def service_volumes(root: ServiceRow, info: Info[GqlContext, None]) -> list[Volume]:
    return _volumes(ctx(info).reads.dashboard.service_volumes(root.id))


def service_snapshots(root: ServiceRow, info: Info[GqlContext, None]) -> list[Snapshot]:
    return ctx(info).reads.dashboard.snapshots(root.id)


def service_autoscaling(root: ServiceRow, info: Info[GqlContext, None]) -> Autoscaling | None:
    return ctx(info).reads.dashboard.autoscaling(root.id)


def service_failover_policy(root: ServiceRow) -> FailoverPolicy | None:
    return failover_policy(root.failover)


def _environment_arg(
    info: Info[GqlContext, None], root: ServiceRow, environment_id: strawberry.ID | None
) -> UUID | None:
    if environment_id is None:
        return None
    return ctx(info).reads.environment_of(_uuid(environment_id, "environmentId"), None, root.id).id


def service_backups(
    root: ServiceRow,
    info: Info[GqlContext, None],
    environment_id: strawberry.ID | None = None,
    first: int = 50,
) -> list[Backup]:
    environment = _environment_arg(info, root, environment_id)
    return ctx(info).reads.dashboard.backups(root.id, environment, limit=limit_of(first))


def service_backup_plan(
    root: ServiceRow, info: Info[GqlContext, None], environment_id: strawberry.ID | None = None
) -> BackupPlan | None:
    environment = _environment_arg(info, root, environment_id)
    plans = ctx(info).reads.dashboard.backup_plans(root.id)
    return next((p for p in plans if environment in (None, p.environment_id)), None)


def service_database_restores(
    root: ServiceRow, info: Info[GqlContext, None]
) -> list[DatabaseRestore]:
    return ctx(info).reads.dashboard.database_restores(root.id)


def service_restoring(root: ServiceRow, info: Info[GqlContext, None]) -> bool:
    return any(r.busy for r in ctx(info).reads.dashboard.database_restores(root.id))


def backup_facts_summary(root: BackupRow) -> str | None:
    if root.state in ("requested", "dumping") or (root.state == "failed" and not root.tables):
        return None
    if root.keys is not None:
        return f"{root.keys} keys"
    rows = sum(int(n) for n in root.tables.values())
    return f"{len(root.tables)} tables, {rows} rows"


def project_orphaned_volumes(root: ProjectRow, info: Info[GqlContext, None]) -> list[Volume]:
    return _volumes(ctx(info).reads.dashboard.orphaned_volumes(root.id))


@strawberry.type
class ServiceUrl:
    """An address a deployed web service answers on."""

    url: str
    host: str
    custom: bool = strawberry.field(
        description="A domain of the service's own (not the address Containr generates)."
    )
    tls: bool = strawberry.field(
        description="Whether it is served over HTTPS (Containr's ingress serves plain HTTP "
        "for now: no certificates yet)."
    )

    @strawberry.field(
        description="For a custom domain when the ingress has an HTTPS listener: its "
        "certificate as served now (pending, issued with its expiry, or failed with a reason); "
        "null otherwise."
    )
    def certificate(self, info: Info[GqlContext, None]) -> DomainCertificate | None:
        context = ctx(info)
        reader = context.certificates
        if not self.custom or reader is None:
            return None
        context.cacheable = False  # read off the listener, not the read models
        found = reader.state(self.host)
        return DomainCertificate(
            state=found.state,
            not_after=datetime.fromisoformat(found.not_after) if found.not_after else None,
            issuer=found.issuer,
            reason=found.reason,
        )


@strawberry.type(description="A custom domain's certificate, as the HTTPS listener serves it.")
class DomainCertificate:
    state: str = strawberry.field(description="pending, issued or failed")
    not_after: datetime | None = strawberry.field(description="When it expires, once issued.")
    issuer: str | None
    reason: str | None = strawberry.field(description="Why it is pending or failed.")


@strawberry.type
class ClusterNode:
    """A node of a Proxmox cluster: online or not, and its latest usage."""

    name: str
    online: bool
    since: datetime
    reason: str | None
    cpu_fraction: float | None = None
    memory_used_mb: int | None = None
    memory_total_mb: int | None = None
    disk_used_gb: float | None = None
    disk_total_gb: float | None = None
    sampled_at: datetime | None = None


@strawberry.type
class ServiceReference:
    """An edge of the project canvas: a service's variables reference another service's
    variables in one environment (issue 15)."""

    environment_id: strawberry.ID
    service_id: strawberry.ID = strawberry.field(description="The service referenced.")
    variables: list[str] = strawberry.field(
        description="The referencing service's variables that reference it, by name."
    )


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


# Resolvers of the row types' further fields (``root`` is the row)


def deployment_history(root: DeploymentRow, info: Info[GqlContext, None]) -> list[StateChange]:
    context = ctx(info)
    return [
        StateChange(
            state=h["state"],
            at=datetime.fromisoformat(h["at"]),
            reason=h["reason"],
            reason_text=naming.deployment_text(context, root, h["reason"] or ""),
        )
        for h in root.history
    ]


def deployment_reason_text(root: DeploymentRow, info: Info[GqlContext, None]) -> str:
    return naming.deployment_text(ctx(info), root, root.reason)


def deployment_commit_status(
    root: DeploymentRow, info: Info[GqlContext, None]
) -> CommitStatus | None:
    rows = ctx(info).reads.dashboard.commit_statuses([root.id])
    return rows[0] if rows else None


def deployment_requested_by_name(root: DeploymentRow, info: Info[GqlContext, None]) -> str:
    return naming.actor_name(ctx(info), root)


def state_urls(root: ServiceStateRow, info: Info[GqlContext, None]) -> list[ServiceUrl]:
    return [
        ServiceUrl(url=a.url, host=a.host, custom=a.custom, tls=a.tls)
        for a in naming.state_addresses(ctx(info), root)
    ]


def state_internal_hostname(root: ServiceStateRow, info: Info[GqlContext, None]) -> str | None:
    return naming.state_internal_names(ctx(info), root)[0] or None


def state_internal_srv_name(root: ServiceStateRow, info: Info[GqlContext, None]) -> str | None:
    return naming.state_internal_names(ctx(info), root)[1]


@kept("latest_deployment")
def state_latest_deployment(
    root: ServiceStateRow, info: Info[GqlContext, None]
) -> Deployment | None:
    context = ctx(info)
    if root.latest_deployment_id is None:
        return None
    found = context.prefetched(root, "latest_deployment")
    if found is not None:
        return found  # type: ignore[no-any-return]
    rows = context.reads.dashboard.deployments_by_id([root.latest_deployment_id])
    return rows[0] if rows else None


@kept("states")
def service_states(root: ServiceRow, info: Info[GqlContext, None]) -> list[ServiceState]:
    context = ctx(info)
    found = context.prefetched(root, "states")
    if found is not None:
        return found  # type: ignore[no-any-return]
    dashboard = context.reads.dashboard
    states = dashboard.service_states(service_id=root.id)
    wanted = [s.latest_deployment_id for s in states if s.latest_deployment_id]
    _prefetch_latest(context, states, dashboard.deployments_by_id(wanted) if wanted else [])
    naming.prefetch_addresses(context, dashboard, [root], states, [])
    return states


def service_deployments(
    root: ServiceRow,
    info: Info[GqlContext, None],
    environment_id: strawberry.ID | None = None,
    first: int = 20,
    after: str | None = None,
) -> Connection[Deployment]:
    context = ctx(info)
    limit = limit_of(first)
    before = None
    if after:
        moment, ident = decode_cursor(after, 2)
        try:
            before = (datetime.fromisoformat(moment), UUID(ident))
        except ValueError:
            raise InvalidValueError("after", "is not a valid cursor") from None
    environment = None
    if environment_id is not None:
        environment = context.reads.environment_of(
            _uuid(environment_id, "environmentId"), None, root.id
        ).id
    dashboard = context.reads.dashboard
    rows = dashboard.deployments(
        root.id, environment_id=environment, before=before, limit=limit + 1
    )
    if selects_item(info, "reasonText", "requestedByName", "history"):
        naming.prefetch_deployment_words(context, dashboard, rows[:limit])
    return connection(rows, limit, lambda d: encode_cursor(d.requested_at.isoformat(), d.id))


def service_references(root: ServiceRow, info: Info[GqlContext, None]) -> list[ServiceReference]:
    rows = ctx(info).reads.dashboard.variable_references(root.project_id, root.id)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        for target in row.target_service_ids:
            edges[(str(row.environment_id), target)].append(row.name)
    return [
        ServiceReference(
            environment_id=strawberry.ID(env), service_id=strawberry.ID(target), variables=names
        )
        for (env, target), names in sorted(edges.items())
    ]


def service_cron_runs(
    root: ServiceRow,
    info: Info[GqlContext, None],
    environment_id: strawberry.ID | None = None,
    first: int = 50,
) -> list[CronRun]:
    context = ctx(info)
    environment = None
    if environment_id is not None:
        environment = context.reads.environment_of(
            _uuid(environment_id, "environmentId"), None, root.id
        ).id
    return context.reads.dashboard.cron_runs(root.id, environment, limit=limit_of(first))


def cron_run_duration(root: CronRunRow) -> float | None:
    if root.started_at is None or root.finished_at is None:
        return None
    return (root.finished_at - root.started_at).total_seconds()


def cron_run_logs(
    root: CronRunRow, info: Info[GqlContext, None], first: int = 200
) -> list[LogLine]:
    context = ctx(info)
    context.cacheable = False  # logs are not a read model
    return context.reads.logs(LogQuery(deployment_id=root.id, limit=limit_of(first), newest=True))


def service_releases(
    root: ServiceRow, info: Info[GqlContext, None], first: int = 50
) -> list[Release]:
    return ctx(info).reads.history.releases(root.id, limit=limit_of(first))


@kept("environments")
def project_environments(root: ProjectRow, info: Info[GqlContext, None]) -> list[Environment]:
    context = ctx(info)
    found = context.prefetched(root, "environments")
    if found is not None:
        return found  # type: ignore[no-any-return]
    return context.reads.dashboard.environments(root.id)


@kept("services")
def project_services(root: ProjectRow, info: Info[GqlContext, None]) -> list[Service]:
    context = ctx(info)
    found = context.prefetched(root, "services")
    if found is not None:
        return found  # type: ignore[no-any-return]
    return load_services(context, context.reads.dashboard, [root])[root.id]


def service_month_cost(root: ServiceRow, info: Info[GqlContext, None]) -> MonthCost:
    context = ctx(info)
    return context.reads.month_cost([root], context.clock.now())


def project_month_cost(root: ProjectRow, info: Info[GqlContext, None]) -> MonthCost:
    context = ctx(info)
    services = context.reads.dashboard.services_of([root.id])
    return context.reads.month_cost(services, context.clock.now())


MONTH_COST = (
    "This calendar month's (UTC) estimated cost: what the replicas that ran since it started "
    "cost (replica-hours at each replica's hourly cost from its requests and the "
    "organisation's prices), plus the current rate until it ends."
)


class Narrowed(NamedTuple):
    """The columns ``load_services`` reads of services, states and latest deployments (None:
    every column)."""

    services: tuple[str, ...] | None = None
    states: tuple[str, ...] | None = None
    deployments: tuple[str, ...] | None = None


WHOLE_ROWS = Narrowed()


def narrowed_services(info: Info[GqlContext, None]) -> Narrowed:
    """The columns a page of projects' selection shows of their services, states and latest
    deployments (each None where a field resolves from other columns)."""
    items = [
        *selected_under(info.selected_fields, "nodes"),
        *selected_under(info.selected_fields, "edges", "node"),
    ]
    services = selected_under(items, "services")
    if not services:  # selected some other way: read whole rows
        return WHOLE_ROWS
    states = selected_under(services, "states")
    return Narrowed(
        columns_selected(info, "Service", services),
        columns_selected(info, "ServiceState", states),
        columns_selected(info, "Deployment", selected_under(states, "latestDeployment")),
    )


def load_services(
    context: GqlContext,
    dashboard: DashboardQueries,
    projects: Sequence[ProjectRow],
    *,
    addresses: bool = True,
    narrowed: Narrowed = WHOLE_ROWS,
) -> dict[UUID, list[ServiceRow]]:
    """The services of several projects with their states and latest deployments, kept for
    their fields: three queries for any number of projects (and what the states' addresses
    need, unless ``addresses`` is False: the query selects none), services and states in
    one round trip. ``narrowed`` reads only the columns the query shows (the others hold
    ``UNREAD``)."""
    ids = [p.id for p in projects]
    services, states, latest = dashboard.services_states_and_latest_of(
        ids,
        service_columns=None if addresses else narrowed.services,
        state_columns=None if addresses else narrowed.states,
        deployment_columns=narrowed.deployments,
    )
    _prefetch_latest(context, states, latest)
    if addresses:
        naming.prefetch_addresses(context, dashboard, services, states, projects)
    # Ids compared by their number: a UUID hashes and compares in Python, twice per row.
    by_service: dict[int, list[ServiceStateRow]] = defaultdict(list)
    for state in states:
        by_service[state.service_id.int].append(state)
    by_project: dict[int, list[ServiceRow]] = {p.id.int: [] for p in projects}
    for service in services:
        context.prefetch(service, "states", by_service.get(service.id.int, []))
        by_project[service.project_id.int].append(service)
    return {p.id: by_project[p.id.int] for p in projects}


def _prefetch_latest(
    context: GqlContext, states: Sequence[ServiceStateRow], found: Sequence[DeploymentRow]
) -> None:
    latest = {d.id.int: d for d in found}
    for state in states:
        deployment_id = state.latest_deployment_id
        deployment = latest.get(deployment_id.int) if deployment_id is not None else None
        if deployment is not None:
            context.prefetch(state, "latest_deployment", deployment)


def member_name(root: MemberRow, info: Info[GqlContext, None]) -> str | None:
    user = _member_user(root, info)
    return user.name if user else None


def member_email(root: MemberRow, info: Info[GqlContext, None]) -> str | None:
    user = _member_user(root, info)
    return user.email if user else None


def _member_user(root: MemberRow, info: Info[GqlContext, None]) -> UserRow | None:
    found = ctx(info).prefetched(root, "user")
    if found is None:
        users = ctx(info).reads.dashboard.users([root.user_id])
        found = users[0] if users else None
    return found  # type: ignore[no-any-return]


def cluster_nodes(root: ClusterRow, info: Info[GqlContext, None]) -> list[ClusterNode]:
    context = ctx(info)
    context.cacheable = False  # usage is measured, not an event: no notice would drop it
    latest = context.reads.latest_samples(root.id)
    result = []
    for row in context.reads.dashboard.cluster_nodes(root.id):
        sample = latest.get(row.node)
        result.append(
            ClusterNode(
                name=row.node,
                online=row.online,
                since=row.since,
                reason=row.reason,
                cpu_fraction=sample.cpu_fraction if sample else None,
                memory_used_mb=sample.memory_used_mb if sample else None,
                memory_total_mb=sample.memory_total_mb if sample else None,
                disk_used_gb=sample.disk_used_gb if sample else None,
                disk_total_gb=sample.disk_total_gb if sample else None,
                sampled_at=sample.at if sample else None,
            )
        )
    return result


def cluster_guests(root: ClusterRow, info: Info[GqlContext, None]) -> list[Guest]:
    return ctx(info).reads.dashboard.guests(root.id)


def organization_role(root: OrganizationRow, info: Info[GqlContext, None]) -> str | None:
    return ctx(info).roles().get(root.id)


def organization_members(root: OrganizationRow, info: Info[GqlContext, None]) -> list[Member]:
    context = ctx(info)
    dashboard = context.reads.dashboard
    members = dashboard.members(root.id)
    users = {u.id: u for u in dashboard.users([m.user_id for m in members])} if members else {}
    for member in members:
        context.prefetch(member, "user", users.get(member.user_id))
    return members


def organization_invitations(
    root: OrganizationRow, info: Info[GqlContext, None]
) -> list[Invitation]:
    return ctx(info).reads.dashboard.invitations(root.id)


def organization_projects(
    root: OrganizationRow,
    info: Info[GqlContext, None],
    first: int = 50,
    after: str | None = None,
    search: str | None = None,
    include_deleted: bool = False,
) -> Connection[Project]:
    context = ctx(info)
    limit = limit_of(first)
    start = decode_cursor(after)[0] if after else None
    dashboard = context.reads.dashboard
    rows = dashboard.projects(
        root.id, search=search, include_deleted=include_deleted, after=start, limit=limit + 1
    )
    if selects_anywhere(info.selected_fields, "services"):  # fragments included
        addresses = selects_anywhere(info.selected_fields, "urls")
        services = load_services(
            context,
            dashboard,
            rows[:limit],
            addresses=addresses,
            narrowed=WHOLE_ROWS if addresses else narrowed_services(info),
        )
        for project in rows[:limit]:
            context.prefetch(project, "services", services[project.id])
    return connection(rows, limit, lambda p: encode_cursor(p.slug))


def node_port_allocations(root: NodeRow, info: Info[GqlContext, None]) -> list[NodePort]:
    return ctx(info).reads.dashboard.node_ports(root.id)


def organization_nodes(root: OrganizationRow, info: Info[GqlContext, None]) -> list[Node]:
    return ctx(info).reads.dashboard.nodes(root.id)


def organization_can_write(root: OrganizationRow, info: Info[GqlContext, None]) -> bool:
    return ctx(info).can(root.id, Permission.WRITE)


def organization_can_manage(root: OrganizationRow, info: Info[GqlContext, None]) -> bool:
    return ctx(info).can(root.id, Permission.MANAGE)


PRIVATE_DETAILS = ("email",)
"""Audit details only admins and owners see (viewers and members see the entry without them)."""


def audit_details(root: AuditRow, info: Info[GqlContext, None]) -> JSON:
    details: dict[str, Any] = dict(root.details)
    if root.organization_id is None or not ctx(info).can(root.organization_id, Permission.MANAGE):
        for key in PRIVATE_DETAILS:
            details.pop(key, None)
    return typing.cast(JSON, details)


def audit_actor_name(root: AuditRow, info: Info[GqlContext, None]) -> str:
    return naming.actor_name(ctx(info), root)


def audit_concerns(root: AuditRow, info: Info[GqlContext, None]) -> str | None:
    return naming.audit_concerns(ctx(info), root)


def audit_text(root: AuditRow, info: Info[GqlContext, None]) -> str:
    return naming.audit_text(ctx(info), root)


def viewer_organizations(root: UserRow, info: Info[GqlContext, None]) -> list[Organization]:
    context = ctx(info)
    roles = context.roles()
    return sorted(
        (context.reads.dashboard.organization(org) for org in roles), key=lambda o: str(o.id)
    )


def viewer_api_tokens(root: UserRow, info: Info[GqlContext, None]) -> list[ApiTokenInfo]:
    return ctx(info).reads.dashboard.api_tokens(root.id)


def environment_access(root: EnvironmentRow, info: Info[GqlContext, None]) -> str:
    found = ctx(info).reads.dashboard.environment_access(root.id)
    return found.mode if found is not None else "public"


def environment_share_links(
    root: EnvironmentRow, info: Info[GqlContext, None]
) -> list[EnvironmentShareLink]:
    return ctx(info).reads.dashboard.share_links(root.id)


def viewer_sign_in_links(root: UserRow, info: Info[GqlContext, None]) -> list[SignInLink]:
    return ctx(info).reads.dashboard.sign_in_links(root.id)


def viewer_signed_in_with(root: UserRow, info: Info[GqlContext, None]) -> str | None:
    context = ctx(info)
    context.cacheable = False  # the credential's, not the read models': no notice covers it
    return context.require().signed_in_with


def _uuid(value: str, name: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidValueError(name, f"{value!r} is not an id") from None


# The types. mypy sees each as its row; strawberry sees the GraphQL type built from the row.

if TYPE_CHECKING:
    CommitStatus = CommitStatusRow
    Deployment = DeploymentRow
    Environment = EnvironmentRow
    ServiceState = ServiceStateRow
    Service = ServiceRow
    Release = ReleaseRow
    Snapshot = SnapshotRow
    Autoscaling = AutoscalingRow
    Backup = BackupRow
    BackupPlan = BackupPlanRow
    DatabaseRestore = DatabaseRestoreRow
    CronRun = CronRunRow
    Project = ProjectRow
    Member = MemberRow
    Invitation = InvitationRow
    Node = NodeRow
    NodePort = NodePortRow
    Guest = GuestRow
    Cluster = ClusterRow
    Organization = OrganizationRow
    AuditEntry = AuditRow
    ApiTokenInfo = ApiTokenRow
    SignInLink = SignInLinkRow
    EnvironmentShareLink = ShareLinkRow
    Viewer = UserRow
    DailyStats = DailyStatsRow
    LogLine = LogEntry
    NodeSamplePoint = NodeSample
    MonthCost = MonthCostRow
    BuildPlanPreview = PlanPreview
else:
    field = strawberry.field
    CommitStatus = object_type(
        CommitStatusRow,
        "CommitStatus",
        "What a pushed deployment reported on its commit at the git provider, under its "
        "context (containr/<service>/<environment>): the states in order, and why reports "
        "stopped early if they did.",
    )
    Deployment = object_type(
        DeploymentRow,
        "Deployment",
        "A release of a service into an environment.",
        fields={
            "history": field(resolver=deployment_history),
            "reason_text": field(
                resolver=deployment_reason_text,
                description="The reason in plain words: releases named by their short commit.",
            ),
            "commit_status": field(
                resolver=deployment_commit_status,
                description="The commit statuses reported to the git provider (pushed "
                "deployments only; null for the others).",
            ),
            "requested_by_name": field(
                resolver=deployment_requested_by_name,
                description='Who requested it, in words: a member\'s name, "<name> (token)" '
                "for an API token, or one of Containr's components.",
            ),
        },
        descriptions={
            "placement_explanation": "Why each replica went where it did: nodes filtered out "
            "and scores.",
            "replica_health": "The live release's replicas by number (null until one changed): "
            "ready (in the route: its readiness probe passes), lost (with reason and exit_code), "
            "crash_looping (deaths, exit_code, last_lines, since; restarted with backoff) and "
            "probes (startup, readiness, liveness: passing, detail, since).",
        },
    )
    EnvironmentShareLink = object_type(
        ShareLinkRow,
        "EnvironmentShareLink",
        "A share link of a members-only environment (never its token nor the token's hash).",
        hide=("organization_id", "project_id", "environment_id"),
        descriptions={
            "created_by": 'Who made it: "user:<id>" or "token:<id>".',
            "revoked_at": "When it was revoked (null: not revoked; it may still have expired).",
        },
    )
    Environment = object_type(
        EnvironmentRow,
        "Environment",
        "Where a project's services are deployed: production, preview or development.",
        fields={
            "access": field(
                resolver=environment_access,
                description='Who may open its web services: "public" (anyone) or "members" '
                "(the organisation's signed-in members and holders of a live share link).",
            ),
            "share_links": field(
                resolver=environment_share_links,
                description="Its share links, newest first (revoked and expired ones too).",
            ),
        },
    )
    ServiceState = object_type(
        ServiceStateRow,
        "ServiceState",
        "A service in one environment: what is live, and the latest deployment's state.",
        fields={
            "latest_deployment": field(resolver=state_latest_deployment),
            "urls": field(
                resolver=state_urls,
                description="Where the live release answers (web services): the generated "
                "address and the service's own domains; empty while nothing is live.",
            ),
            "internal_hostname": field(
                resolver=state_internal_hostname,
                description="The name other services of the organisation resolve to the live "
                "release's replicas with the internal DNS (A records), e.g. "
                "api.production.shop.internal; null while nothing is live.",
            ),
            "internal_srv_name": field(
                resolver=state_internal_srv_name,
                description="The internal DNS's SRV name of the service's port (_http._tcp. "
                "before the internal hostname for a web service, _tcp._tcp. otherwise), "
                "answering each replica's port and address; null without a port.",
            ),
        },
        descriptions={
            "needs_redeploy": 'Why the live release is out of date, e.g. "DATABASE_URL '
            'references db.PASSWORD, changed at …" (a value its variables reference changed); '
            "null once a release requested after the change is live.",
            "needs_redeploy_since": "When the latest such change happened.",
        },
    )
    MonthCost = object_type(
        MonthCostRow,
        "MonthCost",
        "A month's estimated cost, in the organisation's price unit: so far, the rest at the "
        "current hourly rate, and the total.",
    )
    Service = object_type(
        ServiceRow,
        "Service",
        "A service of a project.",
        fields={
            "month_cost": field(resolver=service_month_cost, description=MONTH_COST),
            "states": field(
                resolver=service_states,
                description="Per environment: the live release and the latest deployment.",
            ),
            "deployments": field(
                resolver=service_deployments, description="Deployments, newest first."
            ),
            "cron_runs": field(
                resolver=service_cron_runs,
                description="A cron service's runs, newest scheduled time first (empty for "
                "other kinds).",
            ),
            "releases": field(
                resolver=service_releases,
                description="Releases with their exact commit, image and variable versions.",
            ),
            "snapshots": field(
                resolver=service_snapshots, description="Its volume snapshots, newest first."
            ),
            "failover": field(
                resolver=service_failover_policy,
                description="How it survives a dead node (null: the defaults, every replica "
                "on a dead node is placed again on nodes that answer).",
            ),
            "autoscaling": field(
                resolver=service_autoscaling,
                description="Its autoscaling policy and the last decision with its "
                "explanation (null: never set; scaled by hand).",
            ),
            "backups": field(
                resolver=service_backups,
                description="A managed database's backups, newest first, with their "
                "restore check (verified, or verification_failed and why).",
            ),
            "backup_plan": field(
                resolver=service_backup_plan,
                description="A managed database's backup plan (in the environment given, or "
                "its first); null when it has none.",
            ),
            "database_restores": field(
                resolver=service_database_restores,
                description="Restores of backups into this database, newest first.",
            ),
            "restoring": field(
                resolver=service_restoring,
                description="A restore into this database is under way (or ended unfinished "
                "and is waiting for its deadline).",
            ),
            "volumes": field(
                resolver=service_volumes,
                description="Its volumes on the engines, per environment where a release "
                "went live (the spec's `volumes` say what is declared).",
            ),
            "database": field(
                resolver=service_database,
                description="A managed database: how to connect (in `environmentId`, by default "
                "the first it is deployed in) and what its engine says; null for other services.",
            ),
            "references": field(
                resolver=service_references,
                description="The services its variables reference, per environment (the "
                "edges of the project canvas).",
            ),
        },
    )
    Backup = object_type(
        BackupRow,
        "Backup",
        "A backup of a managed database: a logical dump at a destination (sha256 "
        "checksummed), restored into a throw-away database and checked before it counts.",
        hide=("busy", "key"),
        fields={
            "facts_summary": field(
                resolver=backup_facts_summary,
                description='What it held at dump time, e.g. "3 tables, 1200 rows" or "42 keys".',
            )
        },
        descriptions={
            "state": "requested, dumping, stored, verifying, verified, verification_failed "
            "(the restore check failed: see reason) or failed.",
            "tables": "Rows per table (<schema>.<table>) at dump time.",
            "taken_at": "Its scheduled time, or when it was asked for (what retention counts).",
            "deleted": "Retention deleted its stored dump (deletedReason says why).",
        },
    )
    BackupPlan = object_type(
        BackupPlanRow,
        "BackupPlan",
        "When a database is backed up (cron schedule and time zone), where to, and how many "
        "verified backups are kept (daily, weekly, monthly).",
        hide=("since",),
    )
    DatabaseRestore = object_type(
        DatabaseRestoreRow,
        "DatabaseRestore",
        "A restore of a backup into a database service (the same one, after an automatic "
        "backup, or a new one).",
        hide=("busy",),
        descriptions={"state": "requested, restoring, restored or failed (see reason)."},
    )
    Release = object_type(
        ReleaseRow,
        "Release",
        "One release of a service.",
        descriptions={
            "references": "What its variables referenced (reference variables): variable "
            'name -> ["<service id>.<NAME>" or "shared.<NAME>"]; ids and names, never values.'
        },
    )
    CronRun = object_type(
        CronRunRow,
        "CronRun",
        "One run of a cron service in an environment: a one-off container of its live "
        "release, started at a scheduled time (or by runCronNow).",
        fields={
            "duration_seconds": field(
                resolver=cron_run_duration,
                description="From the start to the end (null until it ended, or if it never "
                "started).",
            ),
            "logs": field(
                resolver=cron_run_logs,
                description="The run's output (the newest lines; secrets masked). The same "
                "lines answer logs(deploymentId: <run id>).",
            ),
        },
        descriptions={
            "state": "scheduled, running, succeeded, failed, timed_out, skipped or replaced.",
            "manual": "Asked for with runCronNow rather than by the schedule.",
            "detail": "Why it was skipped, replaced or timed out, in words.",
        },
    )
    Autoscaling = object_type(
        AutoscalingRow,
        "Autoscaling",
        "A service's autoscaling (Kubernetes HPA semantics): bounds, targets per metric, "
        "behaviour, hourly budget, and how it last stood: the last decision and why.",
        hide=("id",),
        descriptions={
            "enabled": "Whether the policy is in force (false: removed, scaled by hand).",
            "metrics": 'Targets: each {"metric": cpu | memory | requests_per_second | '
            'error_rate | custom, "target", "name"}; cpu and memory in % of the request.',
            "scale_up": '{"stabilization_seconds", "select": max | min | disabled, "policies": '
            '[{"kind": pods | percent, "value", "period_seconds"}]}.',
            "scale_down": "As scaleUp, for scaling down.",
            "capped_by_budget": "The budget holds the service below what its metrics ask.",
            "budget_warning": "The replicas decided last cost 80 % of the budget or more.",
            "unavailable_metrics": "Metrics without readings: never a reason to scale down.",
            "last_explanation": "Why the autoscaler decided as it did last, in words.",
            "last_hourly_cost": "What the replicas decided last cost per hour.",
            "idle_timeout_seconds": "Seconds without a request after which the service "
            "sleeps at 0 replicas (null: it never sleeps); its next request wakes it.",
            "asleep": "Sleeping at 0 replicas for being idle: its route points at Containr's "
            "wake handler, which holds the next request until a replica answers it.",
        },
    )
    Snapshot = object_type(
        SnapshotRow,
        "Snapshot",
        "An archive of a service's volume (taken with the service quiesced), its sha256, "
        "and the restores of it into new volumes.",
        hide=("busy",),
        descriptions={
            "state": "requested, quiesced (replicas stopped), archived, completed or failed.",
            "restores": 'Each {"name", "state": restoring | restored | failed, "reason"}.',
        },
    )
    Project = object_type(
        ProjectRow,
        "Project",
        "A project: environments and services.",
        fields={
            "month_cost": field(resolver=project_month_cost, description=MONTH_COST),
            "environments": field(resolver=project_environments),
            "services": field(resolver=project_services),
            "orphaned_volumes": field(
                resolver=project_orphaned_volumes,
                description="Volumes that deleted services kept, until removeVolume.",
            ),
        },
    )
    Member = object_type(
        MemberRow,
        "Member",
        "A member of an organisation.",
        fields={
            "name": field(resolver=member_name, description="The member's display name."),
            "email": field(
                resolver=member_email,
                description="The member's email (seen by fellow members only).",
            ),
        },
    )
    Invitation = object_type(InvitationRow, "Invitation", "An invitation to join an organisation.")
    NodePort = object_type(
        NodePortRow,
        "NodePort",
        "A host port of a node that a release's replica holds (issue 18).",
        hide=("organization_id",),
        descriptions={
            "deployment_id": "The release whose replica holds the port.",
            "replica": "The replica's number within its release.",
            "service_id": "The release's service (null: one the dashboard does not know).",
            "allocated_at": "When the replica was given the port.",
        },
    )
    Node = object_type(
        NodeRow,
        "Node",
        "A place that runs containers.",
        fields={
            "agent": field(
                resolver=node_agent,
                description="Its agent, for a node of kind agent (null for the others).",
            ),
            "port_allocations": field(
                resolver=node_port_allocations,
                description="The ports of its range that replicas hold now, by port, each "
                "with the release and replica holding it.",
            ),
        },
        descriptions={
            "port_start": "The first host port its replicas publish on (issue 18).",
            "port_end": "The last host port its replicas publish on.",
            "ports_allocated": "How many ports of its range replicas hold now.",
        },
    )
    Guest = object_type(GuestRow, "Guest", "An LXC container or QEMU VM Containr made.")
    Cluster = object_type(
        ClusterRow,
        "Cluster",
        "A Proxmox VE cluster (its token secret is never shown).",
        fields={
            "nodes": field(
                resolver=cluster_nodes,
                description="The cluster's nodes with their latest measured usage.",
            ),
            "guests": field(
                resolver=cluster_guests, description="The guests Containr made on the cluster."
            ),
        },
    )
    Organization = object_type(
        OrganizationRow,
        "Organization",
        "An organisation: members, projects and nodes.",
        fields={
            "role": field(resolver=organization_role),
            "members": field(resolver=organization_members),
            "invitations": field(
                resolver=organization_invitations,
                description="Invitations (owners and admins only).",
            ),
            "projects": field(
                resolver=organization_projects,
                description="Projects by slug; `search` matches a part of the name.",
            ),
            "nodes": field(resolver=organization_nodes),
            "can_write": field(
                resolver=organization_can_write,
                description="Whether the caller may change things here (for the UI).",
            ),
            "can_manage": field(
                resolver=organization_can_manage,
                description="Whether the caller may manage members, nodes and deletions.",
            ),
        },
    )
    AuditEntry = object_type(
        AuditRow,
        "AuditEntry",
        "Who did what, when, to what.",
        hide=("scope_id", "internal"),
        fields={
            "details": field(resolver=audit_details),
            "actor_name": field(
                resolver=audit_actor_name,
                description='Who did it, in words: a member\'s name, "<name> (token)" for an '
                "API token, or one of Containr's components.",
            ),
            "concerns": field(
                resolver=audit_concerns,
                description='What it concerns, by name: "api · production" (service and '
                "environment), when the entry is about one.",
            ),
            "text": field(
                resolver=audit_text,
                description="The summary in plain words: releases named by their short commit.",
            ),
        },
    )
    ApiTokenInfo = object_type(
        ApiTokenRow,
        "ApiTokenInfo",
        "A personal API token (never the token itself).",
        hide=("user_id",),
    )
    SignInLink = object_type(
        SignInLinkRow,
        "SignInLink",
        "A GitHub or GitLab account the user may sign in with (its login, never a token).",
        hide=("user_id",),
    )
    Viewer = object_type(
        UserRow,
        "Viewer",
        "The signed-in user.",
        fields={
            "organizations": field(resolver=viewer_organizations),
            "api_tokens": field(resolver=viewer_api_tokens),
            "sign_in_links": field(
                resolver=viewer_sign_in_links,
                description="The provider accounts linked for signing in.",
            ),
            "signed_in_with": field(
                resolver=viewer_signed_in_with,
                description='How this session began: "password", "github" or "gitlab" (null '
                "for an API token).",
            ),
        },
    )
    DailyStats = object_type(
        DailyStatsRow, "DailyStats", "One project's deployment figures for one day."
    )
    LogLine = object_type(
        LogEntry, "LogLine", "One line of a build or runtime log (secrets already masked)."
    )
    NodeSamplePoint = object_type(
        NodeSample, "NodeSamplePoint", "One measurement of a cluster node.", hide=("cluster_id",)
    )
    BuildPlanPreview = object_type(
        PlanPreview,
        "BuildPlanPreview",
        "What a deployment would build: the detected runtime, the reasons and the Dockerfile.",
    )


@strawberry.type
class LogPage:
    """A page of log lines; pass `cursor` as `after` for the next one."""

    lines: list[LogLine]
    cursor: int
