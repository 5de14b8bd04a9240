"""The dashboard read model: the current state of everything, as the UI shows it at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.cluster import Cluster
from domain.deployment import Deployment
from domain.guest import Guest
from domain.node import Node
from domain.organization import Organization
from domain.project import Project
from domain.service import Service
from domain.user import User
from domain.variables import VariableSet
from projections.base import Projection, handles
from projections.schema import Owner, Table, plain
from projections.store import RowStore


@dataclass(frozen=True)
class OrganizationRow:
    """An organisation."""

    id: UUID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    position: int = 0


@dataclass(frozen=True)
class UserRow:
    """A user (never their password)."""

    id: UUID
    email: str
    name: str
    registered_at: datetime
    position: int = 0


@dataclass(frozen=True)
class ApiTokenRow:
    """A personal API token's metadata (never the token or its hash)."""

    id: UUID
    user_id: UUID
    name: str
    scopes: list[str]
    expires_at: datetime | None
    revoked: bool
    created_at: datetime
    position: int = 0


@dataclass(frozen=True)
class VariableRow:
    """A variable's name where it is set (values stay sealed in the event store)."""

    set_id: UUID
    name: str
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    service_id: UUID | None
    updated_at: datetime
    version: int
    position: int = 0


@dataclass(frozen=True)
class MemberRow:
    """A member of an organisation and their role."""

    organization_id: UUID
    user_id: UUID
    role: str
    since: datetime
    position: int = 0


@dataclass(frozen=True)
class InvitationRow:
    """An invitation to an organisation: pending, accepted or revoked."""

    id: UUID
    organization_id: UUID
    email: str
    role: str
    state: str
    invited_by: str
    invited_at: datetime
    expires_at: datetime
    position: int = 0


@dataclass(frozen=True)
class ProjectRow:
    """A project (deleted ones stay until purged, with their restore deadline)."""

    id: UUID
    organization_id: UUID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    restorable_until: datetime | None
    position: int = 0


@dataclass(frozen=True)
class EnvironmentRow:
    """An environment of a project."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    name: str
    kind: str
    created_at: datetime
    position: int = 0


@dataclass(frozen=True)
class ServiceRow:
    """A service with its spec."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    name: str
    kind: str
    replicas: int
    source: str
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    deleted: bool
    position: int = 0


@dataclass(frozen=True)
class ServiceStateRow:
    """A service in one environment: its live release and its latest deployment."""

    service_id: UUID
    environment_id: UUID
    organization_id: UUID
    project_id: UUID
    live_deployment_id: UUID | None
    live_image: str | None
    live_commit: str | None
    latest_deployment_id: UUID | None
    latest_state: str | None
    updated_at: datetime
    position: int = 0


@dataclass(frozen=True)
class DeploymentRow:
    """A release and its state history."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    trigger: str
    state: str
    reason: str
    commit: str | None
    commit_message: str | None
    commit_author: str | None
    image: str | None
    rollback_of: UUID | None
    variables_version: list[int]
    requested_by: str
    requested_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    deadline: datetime | None
    history: list[dict[str, Any]]
    replicas: int = 1
    placements: dict[str, str] | None = None
    placement_explanation: str | None = None
    """Replica number -> node id, once the scheduler placed them."""
    source_archive: str | None = None
    """The sha256 of the uploaded archive the release builds (``containr deploy``), if any."""
    source_archive_size: int | None = None
    """That archive's size in bytes."""
    position: int = 0


@dataclass(frozen=True)
class ClusterRow:
    """A Proxmox cluster (never its token secret)."""

    id: UUID
    organization_id: UUID
    name: str
    url: str
    token_id: str
    verify_tls: bool
    state: str
    unreachable_reason: str | None
    pve_version: str | None
    registered_at: datetime
    updated_at: datetime
    removed: bool
    position: int = 0


@dataclass(frozen=True)
class ClusterNodeRow:
    """A node of a Proxmox cluster and whether it is online."""

    organization_id: UUID
    cluster_id: UUID
    node: str
    online: bool
    since: datetime
    reason: str | None
    position: int = 0


@dataclass(frozen=True)
class GuestRow:
    """A guest Containr made on a cluster, its state and the operation in progress."""

    id: UUID
    organization_id: UUID
    cluster_id: UUID
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
    node_id: UUID | None
    created_at: datetime
    updated_at: datetime
    position: int = 0


@dataclass(frozen=True)
class NodeRow:
    """A node and whether it takes work."""

    id: UUID
    organization_id: UUID
    name: str
    kind: str
    endpoint: str
    cpu_millis: int
    memory_mb: int
    labels: dict[str, str]
    state: str
    schedule_state: str
    unreachable_reason: str | None
    registered_at: datetime
    updated_at: datetime
    removed: bool
    position: int = 0


@dataclass(frozen=True)
class VariableSetRow:
    """Where a variable set belongs."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    service_id: UUID | None
    position: int = 0


VARIABLE_SETS = Table("variable_sets", VariableSetRow, ("id",), owner=None)
USERS = Table("users", UserRow, ("id",), notices=(("user", "id"),), owner=Owner("peer", "id"))
API_TOKENS = Table(
    "api_tokens",
    ApiTokenRow,
    ("id",),
    notices=(("user", "user_id"),),
    indexes=(("user_id",),),
    owner=Owner("user", "user_id"),
)
VARIABLES = Table(
    "variables",
    VariableRow,
    ("set_id", "name"),
    notices=(("project", "project_id"),),
    indexes=(("environment_id", "service_id"),),
)
ORGANIZATIONS = Table(
    "organizations",
    OrganizationRow,
    ("id",),
    notices=(("organization", "id"),),
    owner=Owner("organization", "id"),
)
MEMBERS = Table(
    "members",
    MemberRow,
    ("organization_id", "user_id"),
    notices=(("organization", "organization_id"), ("user", "user_id")),
    indexes=(("user_id",),),
)
INVITATIONS = Table(
    "invitations",
    InvitationRow,
    ("id",),
    notices=(("organization", "organization_id"),),
    indexes=(("organization_id",),),
    owner=Owner(permission="manage"),
)
PROJECTS = Table(
    "projects",
    ProjectRow,
    ("id",),
    notices=(("project", "id"), ("organization", "organization_id")),
    indexes=(("organization_id",),),
)
ENVIRONMENTS = Table(
    "environments",
    EnvironmentRow,
    ("id",),
    notices=(("project", "project_id"),),
    indexes=(("project_id",),),
)
SERVICES = Table(
    "services",
    ServiceRow,
    ("id",),
    notices=(("service", "id"), ("project", "project_id")),
    indexes=(("project_id",),),
)
SERVICE_STATES = Table(
    "service_states",
    ServiceStateRow,
    ("service_id", "environment_id"),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("project_id",),),
)
DEPLOYMENTS = Table(
    "deployments",
    DeploymentRow,
    ("id",),
    notices=(("deployment", "id"), ("service", "service_id")),
    indexes=(("service_id", "requested_at"), ("project_id",)),
)
NODES = Table(
    "nodes",
    NodeRow,
    ("id",),
    notices=(("node", "id"), ("organization_nodes", "organization_id")),
    indexes=(("organization_id",),),
)


CLUSTERS = Table(
    "clusters",
    ClusterRow,
    ("id",),
    notices=(("cluster", "id"), ("organization_clusters", "organization_id")),
    indexes=(("organization_id",),),
)
CLUSTER_NODES = Table(
    "cluster_nodes",
    ClusterNodeRow,
    ("cluster_id", "node"),
    notices=(("cluster", "cluster_id"),),
)
GUESTS = Table(
    "guests",
    GuestRow,
    ("id",),
    notices=(("guest", "id"), ("cluster", "cluster_id")),
    indexes=(("cluster_id",), ("organization_id",)),
)


class DashboardProjection(Projection):
    """Current organisations, projects, environments, services, deployments and nodes."""

    name = "dashboard"
    tables = (
        USERS,
        API_TOKENS,
        VARIABLES,
        VARIABLE_SETS,
        ORGANIZATIONS,
        MEMBERS,
        INVITATIONS,
        PROJECTS,
        ENVIRONMENTS,
        SERVICES,
        SERVICE_STATES,
        DEPLOYMENTS,
        NODES,
        CLUSTERS,
        CLUSTER_NODES,
        GUESTS,
    )

    # Users

    @handles(User.Registered)
    def user_registered(self, e: User.Registered, store: RowStore) -> None:
        """A new account."""
        store.put(
            USERS,
            {"id": e.originator_id, "email": e.email, "name": e.name, "registered_at": e.timestamp},
        )

    @handles(User.Renamed)
    def user_renamed(self, e: User.Renamed, store: RowStore) -> None:
        """A new display name."""
        store.update(USERS, (e.originator_id,), name=e.name)

    @handles(User.ApiTokenCreated)
    def token_created(self, e: User.ApiTokenCreated, store: RowStore) -> None:
        """A new API token (its metadata)."""
        store.put(
            API_TOKENS,
            {
                "id": e.token_id,
                "user_id": e.originator_id,
                "name": e.name,
                "scopes": list(e.scopes),
                "expires_at": e.expires_at,
                "revoked": False,
                "created_at": e.timestamp,
            },
        )

    @handles(User.ApiTokenRevoked)
    def token_revoked(self, e: User.ApiTokenRevoked, store: RowStore) -> None:
        """A token stopped working."""
        store.update(API_TOKENS, (e.token_id,), revoked=True)

    # Variables

    @handles(VariableSet.Created)
    def variables_opened(self, e: VariableSet.Created, store: RowStore) -> None:
        """Where a variable set belongs (kept in a row of its own, for later changes)."""
        project = store.get(PROJECTS, e.project_id)
        store.put(
            VARIABLE_SETS,
            {
                "id": e.originator_id,
                "organization_id": project["organization_id"] if project else None,
                "project_id": e.project_id,
                "environment_id": e.environment_id,
                "service_id": e.service_id,
            },
        )

    @handles(VariableSet.Changed)
    def variables_changed(self, e: VariableSet.Changed, store: RowStore) -> None:
        """Names set and unset (values never reach a read model)."""
        owner = store.get(VARIABLE_SETS, e.originator_id)
        if owner is None:
            return
        for name in e.set:
            store.put(
                VARIABLES,
                {
                    "set_id": e.originator_id,
                    "name": name,
                    "project_id": owner["project_id"],
                    "organization_id": owner["organization_id"],
                    "environment_id": owner["environment_id"],
                    "service_id": owner["service_id"],
                    "updated_at": e.timestamp,
                    "version": e.originator_version,
                },
            )
        for name in e.unset:
            store.delete(VARIABLES, e.originator_id, name)

    # Organisations

    @handles(Organization.Created)
    def organization_created(self, e: Organization.Created, store: RowStore) -> None:
        """An organisation and its owner."""
        store.put(
            ORGANIZATIONS,
            {
                "id": e.originator_id,
                "name": e.name,
                "slug": e.slug,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
            },
        )
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.owner_id,
                "role": "owner",
                "since": e.timestamp,
            },
        )

    @handles(Organization.Renamed)
    def organization_renamed(self, e: Organization.Renamed, store: RowStore) -> None:
        """New display name."""
        store.update(ORGANIZATIONS, (e.originator_id,), name=e.name, updated_at=e.timestamp)

    @handles(Organization.MemberAdded, Organization.MemberRoleChanged)
    def member_changed(self, e: Any, store: RowStore) -> None:
        """A member joined or got another role."""
        existing = store.get(MEMBERS, e.originator_id, e.user_id)
        since = existing["since"] if existing else e.timestamp
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.user_id,
                "role": e.role.value,
                "since": since,
            },
        )

    @handles(Organization.Invited)
    def invited(self, e: Organization.Invited, store: RowStore) -> None:
        """A pending invitation."""
        store.put(
            INVITATIONS,
            {
                "id": e.invitation_id,
                "organization_id": e.originator_id,
                "email": e.email,
                "role": e.role.value,
                "state": "pending",
                "invited_by": e.actor,
                "invited_at": e.timestamp,
                "expires_at": e.expires_at,
            },
        )

    @handles(Organization.InvitationAccepted)
    def invitation_accepted(self, e: Organization.InvitationAccepted, store: RowStore) -> None:
        """The invited person joined."""
        store.update(INVITATIONS, (e.invitation_id,), state="accepted")
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.user_id,
                "role": e.role.value,
                "since": e.timestamp,
            },
        )

    @handles(Organization.InvitationRevoked)
    def invitation_revoked(self, e: Organization.InvitationRevoked, store: RowStore) -> None:
        """The invitation was withdrawn."""
        store.update(INVITATIONS, (e.invitation_id,), state="revoked")

    @handles(Organization.MemberRemoved)
    def member_removed(self, e: Organization.MemberRemoved, store: RowStore) -> None:
        """A member left."""
        store.delete(MEMBERS, e.originator_id, e.user_id)

    # Projects

    @handles(Project.Created)
    def project_created(self, e: Project.Created, store: RowStore) -> None:
        """A project and its production environment."""
        store.put(
            PROJECTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "slug": e.slug,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "deleted_at": None,
                "restorable_until": None,
            },
        )
        store.put(
            ENVIRONMENTS,
            {
                "id": e.production_environment_id,
                "project_id": e.originator_id,
                "organization_id": e.organization_id,
                "name": "production",
                "kind": "production",
                "created_at": e.timestamp,
            },
        )

    @handles(Project.Renamed)
    def project_renamed(self, e: Project.Renamed, store: RowStore) -> None:
        """New name and slug."""
        store.update(PROJECTS, (e.originator_id,), name=e.name, slug=e.slug, updated_at=e.timestamp)

    @handles(Project.Deleted)
    def project_deleted(self, e: Project.Deleted, store: RowStore) -> None:
        """Moved to the bin."""
        store.update(
            PROJECTS,
            (e.originator_id,),
            deleted_at=e.timestamp,
            restorable_until=e.restorable_until,
            updated_at=e.timestamp,
        )

    @handles(Project.Restored)
    def project_restored(self, e: Project.Restored, store: RowStore) -> None:
        """Back from the bin."""
        store.update(
            PROJECTS,
            (e.originator_id,),
            deleted_at=None,
            restorable_until=None,
            updated_at=e.timestamp,
        )

    @handles(Project.EnvironmentAdded)
    def environment_added(self, e: Project.EnvironmentAdded, store: RowStore) -> None:
        """A preview or development environment."""
        project = store.get(PROJECTS, e.originator_id)
        store.put(
            ENVIRONMENTS,
            {
                "id": e.environment_id,
                "project_id": e.originator_id,
                "organization_id": project["organization_id"] if project else None,
                "name": e.name,
                "kind": e.kind.value,
                "created_at": e.timestamp,
            },
        )

    @handles(Project.EnvironmentRemoved)
    def environment_removed(self, e: Project.EnvironmentRemoved, store: RowStore) -> None:
        """An environment went away."""
        store.delete(ENVIRONMENTS, e.environment_id)

    # Services

    @handles(Service.Created)
    def service_created(self, e: Service.Created, store: RowStore) -> None:
        """A service and its spec."""
        spec = e.spec
        store.put(
            SERVICES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "name": e.name,
                "kind": spec.kind.value,
                "replicas": spec.replicas,
                "source": _source(spec),
                "spec": plain(spec),
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "deleted": False,
            },
        )

    @handles(Service.Reconfigured)
    def service_reconfigured(self, e: Service.Reconfigured, store: RowStore) -> None:
        """A new spec."""
        store.update(
            SERVICES,
            (e.originator_id,),
            spec=plain(e.spec),
            replicas=e.spec.replicas,
            source=_source(e.spec),
            updated_at=e.timestamp,
        )

    @handles(Service.Scaled)
    def service_scaled(self, e: Service.Scaled, store: RowStore) -> None:
        """Another number of replicas."""
        row = store.get(SERVICES, e.originator_id)
        if row is not None:
            spec = dict(row["spec"], replicas=e.replicas)
            store.update(
                SERVICES, (e.originator_id,), spec=spec, replicas=e.replicas, updated_at=e.timestamp
            )

    @handles(Service.Deleted)
    def service_deleted(self, e: Service.Deleted, store: RowStore) -> None:
        """The service is gone."""
        store.update(SERVICES, (e.originator_id,), deleted=True, updated_at=e.timestamp)

    @handles(Service.ReleasePromoted)
    def release_promoted(self, e: Service.ReleasePromoted, store: RowStore) -> None:
        """A release went live in an environment."""
        deployment = store.get(DEPLOYMENTS, e.deployment_id)
        state = self._state(store, e.originator_id, e.environment_id, e.timestamp)
        state.update(
            live_deployment_id=e.deployment_id,
            live_image=deployment["image"] if deployment else None,
            live_commit=deployment["commit"] if deployment else None,
            updated_at=e.timestamp,
        )
        store.put(SERVICE_STATES, state)

    # Deployments

    @handles(Deployment.Requested)
    def deployment_requested(self, e: Deployment.Requested, store: RowStore) -> None:
        """A queued release."""
        reason = (
            f"rollback to {e.rollback_of}" if e.rollback_of else f"{e.trigger.value} deployment"
        )
        uploaded = e.source_archive
        if uploaded is not None and e.rollback_of is None:
            reason += f" of uploaded archive {uploaded.short}"
        store.put(
            DEPLOYMENTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "trigger": e.trigger.value,
                "state": "queued",
                "reason": reason,
                "commit": e.commit,
                "commit_message": None,
                "commit_author": None,
                "image": e.image,
                "rollback_of": e.rollback_of,
                "variables_version": list(e.variables_version),
                "requested_by": e.actor,
                "requested_at": e.timestamp,
                "updated_at": e.timestamp,
                "finished_at": None,
                "deadline": e.deadline,
                "history": [{"state": "queued", "at": e.timestamp.isoformat(), "reason": reason}],
                "replicas": e.spec.replicas,
                "placements": None,
                "placement_explanation": None,
                "source_archive": uploaded.digest if uploaded else None,
                "source_archive_size": uploaded.size if uploaded else None,
            },
        )
        state = self._state(store, e.service_id, e.environment_id, e.timestamp)
        state.update(
            project_id=e.project_id,
            organization_id=e.organization_id,
            latest_deployment_id=e.originator_id,
            latest_state="queued",
            updated_at=e.timestamp,
        )
        store.put(SERVICE_STATES, state)

    @handles(Deployment.Transitioned)
    def deployment_transitioned(self, e: Deployment.Transitioned, store: RowStore) -> None:
        """A release moved to another state."""
        row = store.get(DEPLOYMENTS, e.originator_id)
        if row is None:
            return
        changes: dict[str, Any] = {
            "state": e.state.value,
            "reason": e.reason,
            "deadline": e.deadline,
            "updated_at": e.timestamp,
            "history": [
                *row["history"],
                {"state": e.state.value, "at": e.timestamp.isoformat(), "reason": e.reason},
            ],
        }
        if e.state.is_final or e.state.value == "healthy":
            changes["finished_at"] = row["finished_at"] or e.timestamp
        if isinstance(e, Deployment.ReplicasStarting):
            changes["placements"] = {str(k): str(v) for k, v in e.placements.items()}
            changes["placement_explanation"] = e.explanation or None
        if isinstance(e, Deployment.Built):
            changes.update(
                image=e.image,
                commit=e.commit or row["commit"],
                commit_message=e.commit_message,
                commit_author=e.commit_author,
            )
        store.update(DEPLOYMENTS, (e.originator_id,), **changes)
        state = store.get(SERVICE_STATES, row["service_id"], row["environment_id"])
        if state is not None and state["latest_deployment_id"] == e.originator_id:
            store.update(
                SERVICE_STATES,
                (row["service_id"], row["environment_id"]),
                latest_state=e.state.value,
                updated_at=e.timestamp,
            )

    @staticmethod
    def _state(
        store: RowStore, service_id: UUID, environment_id: UUID, at: datetime
    ) -> dict[str, Any]:
        existing = store.get(SERVICE_STATES, service_id, environment_id)
        if existing is not None:
            return dict(existing)
        service = store.get(SERVICES, service_id)
        return {
            "service_id": service_id,
            "environment_id": environment_id,
            "project_id": service["project_id"] if service else None,
            "organization_id": service["organization_id"] if service else None,
            "live_deployment_id": None,
            "live_image": None,
            "live_commit": None,
            "latest_deployment_id": None,
            "latest_state": None,
            "updated_at": at,
        }

    # Nodes

    @handles(Node.Registered)
    def node_registered(self, e: Node.Registered, store: RowStore) -> None:
        """A node joined."""
        store.put(
            NODES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "kind": e.kind.value,
                "endpoint": e.endpoint,
                "cpu_millis": e.capacity.cpu_millis,
                "memory_mb": e.capacity.memory_mb,
                "labels": dict(e.labels),
                "state": "ready",
                "schedule_state": "ready",
                "unreachable_reason": None,
                "registered_at": e.timestamp,
                "updated_at": e.timestamp,
                "removed": False,
            },
        )

    @handles(Node.Relabelled)
    def node_relabelled(self, e: Node.Relabelled, store: RowStore) -> None:
        """New labels."""
        store.update(NODES, (e.originator_id,), labels=dict(e.labels), updated_at=e.timestamp)

    @handles(Node.CapacityChanged)
    def node_capacity_changed(self, e: Node.CapacityChanged, store: RowStore) -> None:
        """New capacity."""
        store.update(
            NODES,
            (e.originator_id,),
            cpu_millis=e.capacity.cpu_millis,
            memory_mb=e.capacity.memory_mb,
            updated_at=e.timestamp,
        )

    @handles(Node.Cordoned, Node.DrainStarted, Node.Uncordoned)
    def node_scheduling_changed(self, e: Any, store: RowStore) -> None:
        """Cordoned, draining or ready again; an unreachable node stays shown unreachable."""
        schedule = {"Cordoned": "cordoned", "DrainStarted": "draining", "Uncordoned": "ready"}
        row = store.get(NODES, e.originator_id)
        if row is None:
            return
        schedule_state = schedule[type(e).__name__]
        state = "unreachable" if row["unreachable_reason"] is not None else schedule_state
        store.update(
            NODES,
            (e.originator_id,),
            state=state,
            schedule_state=schedule_state,
            updated_at=e.timestamp,
        )

    @handles(Node.BecameUnreachable)
    def node_unreachable(self, e: Node.BecameUnreachable, store: RowStore) -> None:
        """The node stopped answering."""
        store.update(
            NODES,
            (e.originator_id,),
            state="unreachable",
            unreachable_reason=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Node.BecameReachable)
    def node_reachable(self, e: Node.BecameReachable, store: RowStore) -> None:
        """The node answers again, in the scheduling state it had."""
        row = store.get(NODES, e.originator_id)
        if row is not None:
            store.update(
                NODES,
                (e.originator_id,),
                state=row["schedule_state"],
                unreachable_reason=None,
                updated_at=e.timestamp,
            )

    @handles(Node.Removed)
    def node_removed(self, e: Node.Removed, store: RowStore) -> None:
        """The node is gone."""
        store.update(NODES, (e.originator_id,), removed=True, updated_at=e.timestamp)

    # Proxmox clusters and guests

    @handles(Cluster.Registered)
    def cluster_registered(self, e: Cluster.Registered, store: RowStore) -> None:
        """A cluster was connected."""
        store.put(
            CLUSTERS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "url": e.url,
                "token_id": e.token_id,
                "verify_tls": e.verify_tls,
                "state": "unknown",
                "unreachable_reason": None,
                "pve_version": None,
                "registered_at": e.timestamp,
                "updated_at": e.timestamp,
                "removed": False,
            },
        )

    @handles(Cluster.CredentialsChanged)
    def cluster_credentials(self, e: Cluster.CredentialsChanged, store: RowStore) -> None:
        """Another token."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            token_id=e.token_id,
            verify_tls=e.verify_tls,
            updated_at=e.timestamp,
        )

    @handles(Cluster.BecameUnreachable)
    def cluster_unreachable(self, e: Cluster.BecameUnreachable, store: RowStore) -> None:
        """The cluster's API stopped answering."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            state="unreachable",
            unreachable_reason=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Cluster.Recovered)
    def cluster_recovered(self, e: Cluster.Recovered, store: RowStore) -> None:
        """The cluster answers."""
        store.update(
            CLUSTERS,
            (e.originator_id,),
            state="online",
            unreachable_reason=None,
            pve_version=e.version,
            updated_at=e.timestamp,
        )

    @handles(Cluster.NodeCameOnline, Cluster.NodeWentOffline)
    def cluster_node_changed(self, e: Any, store: RowStore) -> None:
        """A node of the cluster came online or went offline."""
        cluster = store.get(CLUSTERS, e.originator_id)
        store.put(
            CLUSTER_NODES,
            {
                "cluster_id": e.originator_id,
                "organization_id": cluster["organization_id"] if cluster else None,
                "node": e.node,
                "online": isinstance(e, Cluster.NodeCameOnline),
                "since": e.timestamp,
                "reason": getattr(e, "reason", None),
            },
        )
        store.update(CLUSTERS, (e.originator_id,), updated_at=e.timestamp)

    @handles(Cluster.NodeDisappeared)
    def cluster_node_gone(self, e: Cluster.NodeDisappeared, store: RowStore) -> None:
        """The cluster no longer lists a node."""
        store.delete(CLUSTER_NODES, e.originator_id, e.node)

    @handles(Cluster.Removed)
    def cluster_removed(self, e: Cluster.Removed, store: RowStore) -> None:
        """The cluster was forgotten."""
        store.update(CLUSTERS, (e.originator_id,), removed=True, updated_at=e.timestamp)

    @handles(Guest.Requested)
    def guest_requested(self, e: Guest.Requested, store: RowStore) -> None:
        """A guest is being created."""
        store.put(
            GUESTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "cluster_id": e.cluster_id,
                "name": e.settings.name,
                "kind": e.settings.kind.value,
                "node": e.settings.node,
                "vmid": None,
                "state": "creating",
                "cores": e.settings.cores,
                "memory_mb": e.settings.memory_mb,
                "disk_gb": e.settings.disk_gb,
                "pending_action": "create",
                "deadline": e.deadline,
                "failure": None,
                "node_id": None,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
            },
        )

    @handles(Guest.OperationRequested)
    def guest_operation(self, e: Guest.OperationRequested, store: RowStore) -> None:
        """An operation on a guest began."""
        store.update(
            GUESTS,
            (e.originator_id,),
            pending_action=e.action.value,
            deadline=e.deadline,
            updated_at=e.timestamp,
        )

    @handles(Guest.Created)
    def guest_created(self, e: Guest.Created, store: RowStore) -> None:
        """The cluster has the guest."""
        store.update(
            GUESTS,
            (e.originator_id,),
            vmid=e.vmid,
            node=e.node,
            state="running" if e.running else "stopped",
            pending_action=None,
            deadline=None,
            failure=None,
            updated_at=e.timestamp,
        )

    @handles(Guest.OperationSucceeded)
    def guest_succeeded(self, e: Guest.OperationSucceeded, store: RowStore) -> None:
        """An operation happened."""
        store.update(
            GUESTS,
            (e.originator_id,),
            state=e.state.value,
            pending_action=None,
            deadline=None,
            failure=None,
            updated_at=e.timestamp,
        )

    @handles(Guest.OperationFailed)
    def guest_failed(self, e: Guest.OperationFailed, store: RowStore) -> None:
        """An operation failed."""
        row = store.get(GUESTS, e.originator_id)
        state = "failed" if e.action.value == "create" else (row or {}).get("state", "failed")
        store.update(
            GUESTS,
            (e.originator_id,),
            state=state,
            pending_action=None,
            deadline=None,
            failure=e.reason,
            updated_at=e.timestamp,
        )

    @handles(Guest.RegisteredAsNode)
    def guest_node(self, e: Guest.RegisteredAsNode, store: RowStore) -> None:
        """The guest became a Containr node."""
        store.update(GUESTS, (e.originator_id,), node_id=e.node_id, updated_at=e.timestamp)


def _source(spec: Any) -> str:
    if spec.git is not None:
        return f"{spec.git.repository_url}#{spec.git.branch}"
    if spec.image is None:
        return "uploaded directories (containr deploy)"
    return str(spec.image)
