"""The dashboard's git connections, webhook deliveries and services' push triggers (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.git_connection import GitConnection
from domain.service import Service
from domain.service_source import WebhookMode
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
    secret_generation: int
    """How many times the webhook secret was rotated."""
    removed: bool
    status: str = "unchecked"
    """Whether the token works: ``unchecked``, ``ok`` or ``broken`` (as the last check that
    changed it found)."""
    status_reason: str | None = None
    """The provider's reason when broken."""
    login: str | None = None
    """Whom the token acts as, once a check found it working."""
    status_changed_at: datetime | None = None
    """When a check last changed ``status`` (checks that change nothing are not recorded)."""
    position: int = 0


@dataclass(frozen=True)
class ServiceSourceRow:
    """The repository a service builds from, heard through a git connection, and its webhook."""

    service_id: UUID
    organization_id: UUID
    project_id: UUID
    connection_id: UUID
    repository: str
    branch: str
    webhook_mode: str
    """``automatic`` (Containr registers the webhook) or ``manual`` (a person pastes it)."""
    webhook_state: str
    """``registering``, ``registered``, ``failed`` (with ``webhook_failure``) or ``manual``."""
    hook_id: str | None
    webhook_failure: str | None
    connected_at: datetime
    secret_generation: int = 0
    """The connection's secret generation the registered webhook was signed with."""
    position: int = 0


@dataclass(frozen=True)
class WebhookRemovalRow:
    """A disconnected repository's automatic webhook, still to be taken off the provider."""

    service_id: UUID
    connection_id: UUID
    repository: str
    hook_id: str | None
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

SERVICE_SOURCES = Table(
    "service_sources",
    ServiceSourceRow,
    ("service_id",),
    notices=(("service", "service_id"),),
    indexes=(("connection_id", "repository"), ("webhook_state",)),
)
WEBHOOK_REMOVALS = Table(
    "webhook_removals",
    WebhookRemovalRow,
    ("service_id", "connection_id", "repository"),
    owner=None,  # the webhook process's work list; callers see a service's source instead
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
                "secret_generation": 0,
                "removed": False,
                "status": "unchecked",
                "status_reason": None,
                "login": None,
                "status_changed_at": None,
            },
        )

    @handles(GitConnection.WebhookSecretRotated)
    def git_connection_rotated(
        self, e: GitConnection.WebhookSecretRotated, store: RowStore
    ) -> None:
        """A new webhook secret (the previous one accepted until an instant)."""
        row = store.get(GIT_CONNECTIONS, e.originator_id)
        store.update(
            GIT_CONNECTIONS,
            (e.originator_id,),
            secret_rotated_at=e.timestamp,
            previous_secret_valid_until=e.previous_valid_until,
            secret_generation=(row["secret_generation"] if row else 0) + 1,
        )

    @handles(GitConnection.Removed)
    def git_connection_removed(self, e: GitConnection.Removed, store: RowStore) -> None:
        """The connection was forgotten."""
        store.update(GIT_CONNECTIONS, (e.originator_id,), removed=True)

    @handles(GitConnection.AccessLost)
    def git_connection_broken(self, e: GitConnection.AccessLost, store: RowStore) -> None:
        """A check found the provider refusing the token."""
        store.update(
            GIT_CONNECTIONS,
            (e.originator_id,),
            status="broken",
            status_reason=e.reason,
            status_changed_at=e.timestamp,
        )

    @handles(GitConnection.AccessRestored)
    def git_connection_working(self, e: GitConnection.AccessRestored, store: RowStore) -> None:
        """A check found the token working."""
        store.update(
            GIT_CONNECTIONS,
            (e.originator_id,),
            status="ok",
            status_reason=None,
            login=e.login,
            status_changed_at=e.timestamp,
        )

    @handles(Service.RepositoryConnected)
    def repository_connected(self, e: Service.RepositoryConnected, store: RowStore) -> None:
        """A service builds from a repository heard through a connection."""
        service = store.get(SERVICES, e.originator_id)
        if service is None:
            return
        automatic = e.webhook_mode is WebhookMode.AUTOMATIC
        store.put(
            SERVICE_SOURCES,
            {
                "service_id": e.originator_id,
                "organization_id": service["organization_id"],
                "project_id": service["project_id"],
                "connection_id": e.connection_id,
                "repository": e.repository,
                "branch": e.branch,
                "webhook_mode": e.webhook_mode.value,
                "webhook_state": "registering" if automatic else "manual",
                "hook_id": None,
                "webhook_failure": None,
                "connected_at": e.timestamp,
                "secret_generation": 0,
            },
        )
        store.delete(WEBHOOK_REMOVALS, e.originator_id, e.connection_id, e.repository)
        self._triggers_connection(store, e.originator_id, e.connection_id)

    @handles(Service.WebhookRegistered)
    def webhook_registered(self, e: Service.WebhookRegistered, store: RowStore) -> None:
        """The provider has the service's webhook."""
        store.update(
            SERVICE_SOURCES,
            (e.originator_id,),
            webhook_state="registered",
            hook_id=e.hook_id,
            webhook_failure=None,
            secret_generation=e.secret_generation,
        )

    @handles(Service.WebhookRegistrationFailed)
    def webhook_refused(self, e: Service.WebhookRegistrationFailed, store: RowStore) -> None:
        """The provider refused the service's webhook."""
        store.update(
            SERVICE_SOURCES, (e.originator_id,), webhook_state="failed", webhook_failure=e.reason
        )

    @handles(Service.RepositoryDisconnected)
    def repository_disconnected(self, e: Service.RepositoryDisconnected, store: RowStore) -> None:
        """The service no longer hears the repository; its webhook is to be removed."""
        store.delete(SERVICE_SOURCES, e.originator_id)
        if e.remove_webhook:
            store.put(
                WEBHOOK_REMOVALS,
                {
                    "service_id": e.originator_id,
                    "connection_id": e.connection_id,
                    "repository": e.repository,
                    "hook_id": e.hook_id,
                },
            )
        self._triggers_connection(store, e.originator_id, None)

    @handles(Service.WebhookRemoved)
    def webhook_removed(self, e: Service.WebhookRemoved, store: RowStore) -> None:
        """The disconnected repository's webhook is off the provider."""
        store.delete(WEBHOOK_REMOVALS, e.originator_id, e.connection_id, e.repository)

    def _triggers_connection(
        self, store: RowStore, service_id: UUID, connection_id: UUID | None
    ) -> None:
        """The connection a service's triggers hear pushes through follows its repository."""
        if store.get(SERVICE_TRIGGERS, service_id) is not None:
            store.update(SERVICE_TRIGGERS, (service_id,), connection_id=connection_id)

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
