"""The dashboard's services, their specs, and their state in each environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.service import Service
from projections.base import handles
from projections.dashboard.volumes import volumes_of_deleted
from projections.schema import Table, plain
from projections.store import RowStore


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
    failover: dict[str, Any] | None = None
    """Its failover policy (issue 17): min_healthy_replicas, preferred_nodes, backup_nodes
    (None: the defaults)."""


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
    needs_redeploy: str | None = None
    """Why the live release is out of date (a value it references changed; issue 15), or
    None; cleared when a release requested after the change goes live."""
    needs_redeploy_since: datetime | None = None


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


class ServiceHandlers:
    """Services and their specs."""

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

    @handles(Service.FailoverPolicySet)
    def failover_policy_set(self, e: Service.FailoverPolicySet, store: RowStore) -> None:
        """How the service survives a dead node."""
        store.update(
            SERVICES,
            (e.originator_id,),
            failover=None if e.policy is None else plain(e.policy),
            updated_at=e.timestamp,
        )

    @handles(Service.Deleted)
    def service_deleted(self, e: Service.Deleted, store: RowStore) -> None:
        """The service is gone (its volumes too, unless it kept them)."""
        store.update(SERVICES, (e.originator_id,), deleted=True, updated_at=e.timestamp)
        volumes_of_deleted(store, e)


def service_state(
    store: RowStore, service_id: UUID, environment_id: UUID, at: datetime
) -> dict[str, Any]:
    """A service's state in one environment: its row, or a new one to fill in."""
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
        "needs_redeploy": None,
        "needs_redeploy_since": None,
    }


def _source(spec: Any) -> str:
    if spec.git is not None:
        return f"{spec.git.repository_url}#{spec.git.branch}"
    if spec.image is None:
        return "uploaded directories (containr deploy)"
    return str(spec.image)
