"""GraphQL object types, built from read-model rows (whole rows, not field by field)."""

from __future__ import annotations

import base64
from collections import defaultdict
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from application.authz import Permission
from application.errors import InvalidValueError, NotFoundError
from interfaces.graphql.context import GqlContext

T = TypeVar("T")


def ctx(info: Info[GqlContext, None]) -> GqlContext:
    """The request's context (over WebSocket, strawberry keeps it in a dict under "gql")."""
    context: Any = info.context
    if isinstance(context, dict):
        found: GqlContext = context["gql"]
        return found
    return context  # type: ignore[no-any-return]


def encode_cursor(*parts: object) -> str:
    """An opaque pagination cursor."""
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode()


def decode_cursor(cursor: str) -> list[str]:
    """The parts of a cursor (ValueError when it is not one of ours)."""
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        raise InvalidValueError("after", "is not a valid cursor") from None


def selects(info: Info[Any, Any], *path: str) -> bool:
    """Whether the query selects a nested field path under the current field."""
    fields = info.selected_fields
    for name in path:
        found = None
        for selection in fields:
            for sub in getattr(selection, "selections", []):
                if getattr(sub, "name", None) == name:
                    found = sub
        if found is None:
            return False
        fields = [found]
    return True


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


def connection(items: list[Any], limit: int, cursor_of: Any) -> Connection[Any]:
    """A page from ``limit + 1`` fetched items (the extra one tells whether more exist)."""
    page = items[:limit]
    edges = [Edge(cursor=cursor_of(item), node=item) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > limit, end_cursor=edges[-1].cursor if edges else None
        ),
    )


@strawberry.type
class StateChange:
    """One step of a deployment's history."""

    state: str
    at: datetime
    reason: str


@strawberry.type
class Deployment:
    """A release of a service into an environment."""

    id: strawberry.ID
    service_id: strawberry.ID
    project_id: strawberry.ID
    environment_id: strawberry.ID
    state: str
    trigger: str
    reason: str
    commit: str | None
    commit_message: str | None
    commit_author: str | None
    image: str | None
    rollback_of: strawberry.ID | None
    variables_version: list[int]
    requested_by: str
    requested_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    deadline: datetime | None
    history: list[StateChange]
    replicas: int
    placements: JSON | None
    placement_explanation: str | None = strawberry.field(
        description="Why each replica went where it did: nodes filtered out and scores."
    )
    position: int

    @classmethod
    def from_row(cls, row: Any) -> Deployment:
        """From a dashboard deployment row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            service_id=strawberry.ID(str(row.service_id)),
            project_id=strawberry.ID(str(row.project_id)),
            environment_id=strawberry.ID(str(row.environment_id)),
            state=row.state,
            trigger=row.trigger,
            reason=row.reason,
            commit=row.commit,
            commit_message=row.commit_message,
            commit_author=row.commit_author,
            image=row.image,
            rollback_of=strawberry.ID(str(row.rollback_of)) if row.rollback_of else None,
            variables_version=list(row.variables_version),
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            updated_at=row.updated_at,
            finished_at=row.finished_at,
            deadline=row.deadline,
            history=[
                StateChange(
                    state=h["state"], at=datetime.fromisoformat(h["at"]), reason=h["reason"]
                )
                for h in row.history
            ],
            replicas=row.replicas,
            placements=row.placements,
            placement_explanation=getattr(row, "placement_explanation", None),
            position=getattr(row, "position", 0),
        )


@strawberry.type
class Environment:
    """Where a project's services are deployed: production, preview or development."""

    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    kind: str

    @classmethod
    def from_row(cls, row: Any) -> Environment:
        """From a dashboard environment row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            project_id=strawberry.ID(str(row.project_id)),
            name=row.name,
            kind=row.kind,
        )


@strawberry.type
class ServiceState:
    """A service in one environment: what is live, and the latest deployment's state."""

    environment_id: strawberry.ID
    live_deployment_id: strawberry.ID | None
    live_image: str | None
    live_commit: str | None
    latest_deployment_id: strawberry.ID | None
    latest_state: str | None
    updated_at: datetime
    latest_deployment: Deployment | None = None

    @classmethod
    def from_row(cls, row: Any, latest: Deployment | None = None) -> ServiceState:
        """From a dashboard service-state row (and its latest deployment, if loaded)."""
        return cls(
            environment_id=strawberry.ID(str(row.environment_id)),
            live_deployment_id=_id(row.live_deployment_id),
            live_image=row.live_image,
            live_commit=row.live_commit,
            latest_deployment_id=_id(row.latest_deployment_id),
            latest_state=row.latest_state,
            updated_at=row.updated_at,
            latest_deployment=latest,
        )


def _id(value: UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type
class Service:
    """A service of a project."""

    id: strawberry.ID
    project_id: strawberry.ID
    organization_id: strawberry.Private[UUID]
    name: str
    kind: str
    replicas: int
    source: str
    spec: JSON
    created_at: datetime
    updated_at: datetime
    deleted: bool
    position: int
    prefetched_states: strawberry.Private[list[ServiceState] | None] = None

    @classmethod
    def from_row(cls, row: Any, states: list[ServiceState] | None = None) -> Service:
        """From a dashboard service row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            project_id=strawberry.ID(str(row.project_id)),
            organization_id=row.organization_id,
            name=row.name,
            kind=row.kind,
            replicas=row.replicas,
            source=row.source,
            spec=row.spec,
            created_at=row.created_at,
            updated_at=row.updated_at,
            deleted=row.deleted,
            position=getattr(row, "position", 0),
            prefetched_states=states,
        )

    @strawberry.field(description="Per environment: the live release and the latest deployment.")
    def states(self, info: Info[GqlContext, None]) -> list[ServiceState]:
        if self.prefetched_states is not None:
            return self.prefetched_states
        dashboard = ctx(info).services.dashboard
        rows = dashboard.service_states(service_id=UUID(self.id))
        latest = {
            d.id: Deployment.from_row(d)
            for d in dashboard.deployments_by_id(
                [r.latest_deployment_id for r in rows if r.latest_deployment_id]
            )
        }
        return [
            ServiceState.from_row(
                r, latest.get(r.latest_deployment_id) if r.latest_deployment_id else None
            )
            for r in rows
        ]

    @strawberry.field(description="Deployments, newest first.")
    def deployments(
        self,
        info: Info[GqlContext, None],
        environment_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Deployment]:
        limit = _limit(first)
        before = None
        if after:
            moment, ident = decode_cursor(after)
            before = (datetime.fromisoformat(moment), UUID(ident))
        rows = ctx(info).services.dashboard.deployments(
            UUID(self.id),
            environment_id=UUID(environment_id) if environment_id else None,
            before=before,
            limit=limit + 1,
        )
        ctx(info).depends_on("service", self.id)
        return connection(
            [Deployment.from_row(r) for r in rows],
            limit,
            lambda d: encode_cursor(d.requested_at.isoformat(), d.id),
        )

    @strawberry.field(description="Releases with their exact commit, image and variable versions.")
    def releases(self, info: Info[GqlContext, None], first: int = 50) -> list[Release]:
        ctx(info).depends_on("releases", self.id)
        rows = ctx(info).services.history.releases(UUID(self.id), limit=_limit(first))
        return [Release.from_row(r) for r in rows]


@strawberry.type
class Release:
    """One release of a service, from the history read model."""

    deployment_id: strawberry.ID
    environment_id: strawberry.ID
    trigger: str
    requested_by: str
    requested_at: datetime
    commit: str | None
    commit_message: str | None
    image: str | None
    variables_version: list[int]
    rollback_of: strawberry.ID | None
    state: str
    healthy_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> Release:
        """From a history release row."""
        return cls(
            deployment_id=strawberry.ID(str(row.deployment_id)),
            environment_id=strawberry.ID(str(row.environment_id)),
            trigger=row.trigger,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            commit=row.commit,
            commit_message=row.commit_message,
            image=row.image,
            variables_version=list(row.variables_version),
            rollback_of=_id(row.rollback_of),
            state=row.state,
            healthy_at=row.healthy_at,
            finished_at=row.finished_at,
        )


@strawberry.type
class Project:
    """A project: environments and services."""

    id: strawberry.ID
    organization_id: strawberry.ID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    restorable_until: datetime | None
    position: int
    prefetched_services: strawberry.Private[list[Service] | None] = None
    prefetched_environments: strawberry.Private[list[Environment] | None] = None

    @classmethod
    def from_row(cls, row: Any) -> Project:
        """From a dashboard project row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            organization_id=strawberry.ID(str(row.organization_id)),
            name=row.name,
            slug=row.slug,
            created_at=row.created_at,
            updated_at=row.updated_at,
            deleted_at=row.deleted_at,
            restorable_until=row.restorable_until,
            position=getattr(row, "position", 0),
        )

    @strawberry.field
    def environments(self, info: Info[GqlContext, None]) -> list[Environment]:
        if self.prefetched_environments is not None:
            return self.prefetched_environments
        rows = ctx(info).services.dashboard.environments(UUID(self.id))
        return [Environment.from_row(r) for r in rows]

    @strawberry.field
    def services(self, info: Info[GqlContext, None]) -> list[Service]:
        if self.prefetched_services is not None:
            return self.prefetched_services
        return load_services(ctx(info), [self])[self.id]


def load_services(context: GqlContext, projects: list[Project]) -> dict[str, list[Service]]:
    """The services of several projects, with their states and latest deployments: three
    queries for any number of projects."""
    dashboard = context.services.dashboard
    ids = [UUID(p.id) for p in projects]
    services = dashboard.services_of(ids)
    states = dashboard.service_states_of(ids)
    latest_ids = [s.latest_deployment_id for s in states if s.latest_deployment_id]
    latest: dict[UUID | None, Deployment] = {
        d.id: Deployment.from_row(d) for d in dashboard.deployments_by_id(latest_ids)
    }
    by_service: dict[UUID, list[ServiceState]] = defaultdict(list)
    for state in states:
        by_service[state.service_id].append(
            ServiceState.from_row(state, latest.get(state.latest_deployment_id))
        )
    result: dict[str, list[Service]] = {p.id: [] for p in projects}
    for row in services:
        result[str(row.project_id)].append(Service.from_row(row, by_service.get(row.id, [])))
    for project in projects:
        context.depends_on("project", project.id)
    return result


@strawberry.type
class Member:
    """A member of an organisation."""

    user_id: strawberry.ID
    role: str
    since: datetime
    name: str | None = strawberry.field(default=None, description="The member's display name.")
    email: str | None = strawberry.field(
        default=None, description="The member's email (seen by fellow members only)."
    )


@strawberry.type
class Invitation:
    """An invitation to join an organisation."""

    id: strawberry.ID
    email: str
    role: str
    state: str
    invited_by: str
    invited_at: datetime
    expires_at: datetime


@strawberry.type
class Node:
    """A place that runs containers."""

    id: strawberry.ID
    organization_id: strawberry.ID
    name: str
    kind: str
    endpoint: str
    cpu_millis: int
    memory_mb: int
    labels: JSON
    state: str
    unreachable_reason: str | None
    registered_at: datetime
    updated_at: datetime
    position: int

    @classmethod
    def from_row(cls, row: Any) -> Node:
        """From a dashboard node row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            organization_id=strawberry.ID(str(row.organization_id)),
            name=row.name,
            kind=row.kind,
            endpoint=row.endpoint,
            cpu_millis=row.cpu_millis,
            memory_mb=row.memory_mb,
            labels=row.labels,
            state=row.state,
            unreachable_reason=row.unreachable_reason,
            registered_at=row.registered_at,
            updated_at=row.updated_at,
            position=getattr(row, "position", 0),
        )


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
class NodeSamplePoint:
    """One measurement of a cluster node."""

    at: datetime
    online: bool
    cpu_fraction: float
    memory_used_mb: int
    memory_total_mb: int
    disk_used_gb: float
    disk_total_gb: float


@strawberry.type
class Guest:
    """An LXC container or QEMU VM Containr made on a cluster."""

    id: strawberry.ID
    cluster_id: strawberry.ID
    name: str
    kind: str
    node: str
    vmid: int | None
    state: str
    cores: int
    memory_mb: int
    disk_gb: int
    pending_action: str | None
    deadline: datetime | None
    failure: str | None
    node_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    position: int

    @classmethod
    def from_row(cls, row: Any) -> Guest:
        """From a dashboard guest row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            cluster_id=strawberry.ID(str(row.cluster_id)),
            name=row.name,
            kind=row.kind,
            node=row.node,
            vmid=row.vmid,
            state=row.state,
            cores=row.cores,
            memory_mb=row.memory_mb,
            disk_gb=row.disk_gb,
            pending_action=row.pending_action,
            deadline=row.deadline,
            failure=row.failure,
            node_id=strawberry.ID(str(row.node_id)) if row.node_id else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            position=getattr(row, "position", 0),
        )


@strawberry.type
class Cluster:
    """A Proxmox VE cluster (its token secret is never shown)."""

    id: strawberry.ID
    organization_id: strawberry.ID
    name: str
    url: str
    token_id: str
    verify_tls: bool
    state: str
    unreachable_reason: str | None
    pve_version: str | None
    registered_at: datetime
    updated_at: datetime
    position: int

    @classmethod
    def from_row(cls, row: Any) -> Cluster:
        """From a dashboard cluster row."""
        return cls(
            id=strawberry.ID(str(row.id)),
            organization_id=strawberry.ID(str(row.organization_id)),
            name=row.name,
            url=row.url,
            token_id=row.token_id,
            verify_tls=row.verify_tls,
            state=row.state,
            unreachable_reason=row.unreachable_reason,
            pve_version=row.pve_version,
            registered_at=row.registered_at,
            updated_at=row.updated_at,
            position=getattr(row, "position", 0),
        )

    @strawberry.field(description="The cluster's nodes with their latest measured usage.")
    def nodes(self, info: Info[GqlContext, None]) -> list[ClusterNode]:
        context = ctx(info)
        context.cacheable = False  # usage is measured, not an event: no notice would drop it
        services = context.services
        ident = UUID(str(self.id))
        latest = {s.node: s for s in services.metrics.latest(str(ident))}
        result = []
        for row in services.dashboard.cluster_nodes(ident):
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

    @strawberry.field(description="The guests Containr made on the cluster.")
    def guests(self, info: Info[GqlContext, None]) -> list[Guest]:
        ctx(info).depends_on("cluster", UUID(str(self.id)))
        return [Guest.from_row(r) for r in ctx(info).services.dashboard.guests(UUID(str(self.id)))]


@strawberry.type
class Organization:
    """An organisation: members, projects and nodes."""

    id: strawberry.ID
    name: str
    slug: str
    created_at: datetime
    role: str | None

    @classmethod
    def from_row(cls, row: Any, role: str | None) -> Organization:
        """From a dashboard organisation row and the caller's role."""
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            slug=row.slug,
            created_at=row.created_at,
            role=role,
        )

    @strawberry.field
    def members(self, info: Info[GqlContext, None]) -> list[Member]:
        ctx(info).depends_on("organization", self.id)
        dashboard = ctx(info).services.dashboard
        members = []
        for r in dashboard.members(UUID(self.id)):
            ctx(info).depends_on("user", r.user_id)
            name: str | None = None
            email: str | None = None
            try:
                user = dashboard.user(r.user_id)
                name, email = user.name, user.email
            except NotFoundError:
                pass  # an account that is gone: its id is all there is
            members.append(
                Member(
                    user_id=strawberry.ID(str(r.user_id)),
                    role=r.role,
                    since=r.since,
                    name=name,
                    email=email,
                )
            )
        return members

    @strawberry.field(description="Invitations (owners and admins only).")
    def invitations(self, info: Info[GqlContext, None]) -> list[Invitation]:
        context = ctx(info)
        context.check(UUID(self.id), Permission.MANAGE, "organisation's invitations")
        context.depends_on("organization", self.id)
        return [
            Invitation(
                id=strawberry.ID(str(r.id)),
                email=r.email,
                role=r.role,
                state=r.state,
                invited_by=r.invited_by,
                invited_at=r.invited_at,
                expires_at=r.expires_at,
            )
            for r in context.services.dashboard.invitations(UUID(self.id))
        ]

    @strawberry.field(description="Projects by slug; `search` matches a part of the name.")
    def projects(
        self,
        info: Info[GqlContext, None],
        first: int = 50,
        after: str | None = None,
        search: str | None = None,
        include_deleted: bool = False,
    ) -> Connection[Project]:
        context = ctx(info)
        limit = _limit(first)
        start = decode_cursor(after)[0] if after else None
        rows = context.services.dashboard.projects(
            UUID(self.id),
            search=search,
            include_deleted=include_deleted,
            after=start,
            limit=limit + 1,
        )
        context.depends_on("organization", self.id)
        projects = [Project.from_row(r) for r in rows]
        if selects(info, "edges", "node", "services") or selects(info, "nodes", "services"):
            services = load_services(context, projects[:limit])
            for project in projects[:limit]:
                project.prefetched_services = services[project.id]
        return connection(projects, limit, lambda p: encode_cursor(p.slug))

    @strawberry.field
    def nodes(self, info: Info[GqlContext, None]) -> list[Node]:
        ctx(info).depends_on("organization_nodes", self.id)
        return [Node.from_row(r) for r in ctx(info).services.dashboard.nodes(UUID(self.id))]

    @strawberry.field(description="Whether the caller may change things here (for the UI).")
    def can_write(self, info: Info[GqlContext, None]) -> bool:
        return ctx(info).can(UUID(self.id), Permission.WRITE)

    @strawberry.field(description="Whether the caller may manage members, nodes and deletions.")
    def can_manage(self, info: Info[GqlContext, None]) -> bool:
        return ctx(info).can(UUID(self.id), Permission.MANAGE)


@strawberry.type
class AuditEntry:
    """Who did what, when, to what."""

    position: int
    at: datetime
    actor: str
    action: str
    aggregate_type: str
    aggregate_id: strawberry.ID
    organization_id: strawberry.ID | None
    project_id: strawberry.ID | None
    summary: str
    details: JSON

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        """From a history audit row."""
        return cls(
            position=row.position,
            at=row.at,
            actor=row.actor,
            action=row.action,
            aggregate_type=row.aggregate_type,
            aggregate_id=strawberry.ID(str(row.aggregate_id)),
            organization_id=_id(row.organization_id),
            project_id=_id(row.project_id),
            summary=row.summary,
            details=row.details,
        )


@strawberry.type
class DailyStats:
    """One project's deployment figures for one day."""

    day: str
    started: int
    succeeded: int
    failed: int
    rolled_back: int
    cancelled: int
    change_failure_rate: float | None
    median_lead_seconds: float | None
    p95_lead_seconds: float | None
    median_restore_seconds: float | None


MAX_PAGE = 200


def _limit(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidValueError("first", f"must be between 1 and {MAX_PAGE}")
    return first


@strawberry.type
class LogLine:
    """One line of a build or runtime log (secrets already masked)."""

    id: int
    deployment_id: strawberry.ID
    replica: int | None
    stream: str
    at: datetime
    line: str

    @classmethod
    def from_entry(cls, entry: Any) -> LogLine:
        """From a stored log entry."""
        return cls(
            id=entry.id,
            deployment_id=strawberry.ID(str(entry.deployment_id)),
            replica=entry.replica,
            stream=entry.stream,
            at=entry.at,
            line=entry.line,
        )


@strawberry.type
class LogPage:
    """A page of log lines; pass `cursor` as `after` for the next one."""

    lines: list[LogLine]
    cursor: int


@strawberry.type
class BuildPlanPreview:
    """What a deployment would build: the detected runtime, the reasons and the Dockerfile."""

    commit: str
    runtime: str
    summary: str
    notes: list[str]
    dockerfile: str
    problems: list[str]
