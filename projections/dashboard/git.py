"""The dashboard's git connections, webhook deliveries and services' push triggers (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.git_connection import GitConnection
from domain.service import Service
from domain.webhook_delivery import WebhookDelivery
from projections.base import handles
from projections.dashboard.commits import follow_pushed_deployments
from projections.dashboard.services import SERVICES
from projections.schema import Table, plain
from projections.store import RowStore


@dataclass(frozen=True)
class GitConnectionRow:
    """A git provider connection (never its token or webhook secrets)."""

    id: UUID
    organization_id: UUID
    provider: str
    name: str
    api_url: str
    has_access_token: bool
    created_at: datetime
    secret_rotated_at: datetime | None
    previous_secret_valid_until: datetime | None
    removed: bool
    position: int = 0


@dataclass(frozen=True)
class WebhookDeliveryRow:
    """A verified webhook delivery: what it said and, once handled, what it caused."""

    id: UUID
    organization_id: UUID
    connection_id: UUID
    delivery_id: str
    event: str
    kind: str
    repository: str
    ref_kind: str
    ref: str
    commit: str | None
    received_at: datetime
    handled: bool
    handled_at: datetime | None
    outcome: str | None
    """Why it did what it did (or nothing), once handled."""
    caused: list[dict[str, Any]]
    """Per service and environment: deploy (with the deployment), wait or skip, and why."""
    position: int = 0


@dataclass(frozen=True)
class ServiceTriggersRow:
    """Which pushes deploy a service where."""

    service_id: UUID
    organization_id: UUID
    project_id: UUID
    connection_id: UUID | None
    triggers: list[dict[str, Any]]
    updated_at: datetime
    position: int = 0


GIT_CONNECTIONS = Table(
    "git_connections",
    GitConnectionRow,
    ("id",),
    notices=(("git_connection", "id"), ("organization_git_connections", "organization_id")),
    indexes=(("organization_id",),),
)
WEBHOOK_DELIVERIES = Table(
    "webhook_deliveries",
    WebhookDeliveryRow,
    ("id",),
    notices=(("git_connection", "connection_id"),),
    indexes=(("connection_id", "received_at"), ("handled",)),
)
SERVICE_TRIGGERS = Table(
    "service_triggers",
    ServiceTriggersRow,
    ("service_id",),
    notices=(("service", "service_id"),),
    indexes=(("connection_id",),),
)


class GitHandlers:
    """Git connections, their deliveries, and services' push triggers."""

    @handles(GitConnection.Created)
    def git_connection_created(self, e: GitConnection.Created, store: RowStore) -> None:
        """A provider was connected."""
        store.put(
            GIT_CONNECTIONS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "provider": e.provider.value,
                "name": e.name,
                "api_url": e.api_url,
                "has_access_token": e.access_token is not None,
                "created_at": e.timestamp,
                "secret_rotated_at": None,
                "previous_secret_valid_until": None,
                "removed": False,
            },
        )

    @handles(GitConnection.WebhookSecretRotated)
    def git_connection_rotated(
        self, e: GitConnection.WebhookSecretRotated, store: RowStore
    ) -> None:
        """A new webhook secret (the previous one accepted until an instant)."""
        store.update(
            GIT_CONNECTIONS,
            (e.originator_id,),
            secret_rotated_at=e.timestamp,
            previous_secret_valid_until=e.previous_valid_until,
        )

    @handles(GitConnection.Removed)
    def git_connection_removed(self, e: GitConnection.Removed, store: RowStore) -> None:
        """The connection was forgotten."""
        store.update(GIT_CONNECTIONS, (e.originator_id,), removed=True)

    @handles(WebhookDelivery.Received)
    def delivery_received(self, e: WebhookDelivery.Received, store: RowStore) -> None:
        """A verified delivery, waiting to be handled."""
        fact = e.fact
        store.put(
            WEBHOOK_DELIVERIES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "connection_id": e.connection_id,
                "delivery_id": e.delivery_id,
                "event": e.event,
                "kind": fact.kind,
                "repository": fact.repository,
                "ref_kind": fact.ref_kind,
                "ref": fact.ref,
                "commit": fact.commit,
                "received_at": e.timestamp,
                "handled": False,
                "handled_at": None,
                "outcome": None,
                "caused": [],
            },
        )

    @handles(WebhookDelivery.Handled)
    def delivery_handled(self, e: WebhookDelivery.Handled, store: RowStore) -> None:
        """What the delivery caused."""
        row = store.update(
            WEBHOOK_DELIVERIES,
            (e.originator_id,),
            handled=True,
            handled_at=e.timestamp,
            outcome=e.reason,
            caused=plain(list(e.caused)),
        )
        if row is not None:
            follow_pushed_deployments(store, e, row)

    @handles(Service.TriggersSet)
    def service_triggers_set(self, e: Service.TriggersSet, store: RowStore) -> None:
        """A service's push triggers changed."""
        service = store.get(SERVICES, e.originator_id)
        if service is None:
            return
        store.put(
            SERVICE_TRIGGERS,
            {
                "service_id": e.originator_id,
                "organization_id": service["organization_id"],
                "project_id": service["project_id"],
                "connection_id": e.connection_id,
                "triggers": plain(list(e.triggers)),
                "updated_at": e.timestamp,
            },
        )
