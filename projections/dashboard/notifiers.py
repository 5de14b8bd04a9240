"""The dashboard's notifiers and notification deliveries (issue 17): never a secret, only
whether each is set; every attempt of a delivery with what the channel answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.notification_delivery import NotificationDelivery
from domain.notifier import Notifier, NotifierSettings
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class NotifierRow:
    """A channel of an organisation's alert notifications (its secrets never shown)."""

    id: UUID
    organization_id: UUID
    name: str
    kind: str
    """``email``, ``slack``, ``discord`` or ``webhook``."""
    enabled: bool
    smtp_host: str | None
    smtp_port: int | None
    smtp_security: str | None
    smtp_username: str | None
    email_from: str | None
    email_to: list[str]
    url: str | None
    header_names: list[str]
    smtp_password_set: bool
    secret_url_set: bool
    signing_secret_set: bool
    last_test_ok: bool | None
    last_test_code: str | None
    last_test_answer: str | None
    last_tested_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted: bool
    position: int = 0


@dataclass(frozen=True)
class NotificationDeliveryRow:
    """One notification to one notifier: pending, retrying, delivered or failed."""

    id: UUID
    organization_id: UUID
    notifier_id: UUID
    notification_key: str
    incident_id: UUID
    status: str
    severity: str
    title: str
    state: str
    attempts: int
    last_answer: str | None
    next_attempt_at: datetime | None
    requested_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    position: int = 0


@dataclass(frozen=True)
class DeliveryAttemptRow:
    """One attempt of a delivery and what the channel answered."""

    delivery_id: UUID
    attempt: int
    organization_id: UUID
    ok: bool
    answer: str
    at: datetime
    next_attempt_at: datetime | None
    position: int = 0


NOTIFIERS = Table(
    "notifiers",
    NotifierRow,
    ("id",),
    notices=(("notifier", "id"), ("organization_notifiers", "organization_id")),
    indexes=(("organization_id",),),
)
NOTIFICATION_DELIVERIES = Table(
    "notification_deliveries",
    NotificationDeliveryRow,
    ("id",),
    notices=(
        ("notification_delivery", "id"),
        ("incident_deliveries", "incident_id"),
        ("organization_deliveries", "organization_id"),
    ),
    indexes=(("incident_id",), ("notification_key",), ("state", "next_attempt_at")),
)
DELIVERY_ATTEMPTS = Table(
    "delivery_attempts",
    DeliveryAttemptRow,
    ("delivery_id", "attempt"),
    notices=(("notification_delivery", "delivery_id"),),
    append_only=True,
)


def _settings(s: NotifierSettings, e: Notifier.Created | Notifier.Changed) -> dict[str, object]:
    return {
        "smtp_host": s.smtp_host,
        "smtp_port": s.smtp_port,
        "smtp_security": s.smtp_security.value if s.smtp_security else None,
        "smtp_username": s.smtp_username,
        "email_from": s.email_from,
        "email_to": list(s.email_to),
        "url": s.url,
        "header_names": list(s.header_names),
        "smtp_password_set": e.smtp_password is not None,
        "secret_url_set": e.secret_url is not None,
        "signing_secret_set": e.signing_secret is not None,
    }


class NotifierHandlers:
    """Notifiers as they are added, changed, tested and deleted; deliveries as they go."""

    @handles(Notifier.Created)
    def notifier_created(self, e: Notifier.Created, store: RowStore) -> None:
        """A notifier was added."""
        store.put(
            NOTIFIERS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "name": e.name,
                "kind": e.settings.kind.value,
                "enabled": e.enabled,
                **_settings(e.settings, e),
                "last_test_ok": None,
                "last_test_code": None,
                "last_test_answer": None,
                "last_tested_at": None,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "deleted": False,
            },
        )

    @handles(Notifier.Changed)
    def notifier_changed(self, e: Notifier.Changed, store: RowStore) -> None:
        """New settings (a secret is set once it was ever set)."""
        row = store.get(NOTIFIERS, e.originator_id)
        if row is None:
            return
        changes = _settings(e.settings, e)
        for name in ("smtp_password_set", "secret_url_set", "signing_secret_set"):
            changes[name] = bool(changes[name] or row[name])
        store.update(
            NOTIFIERS,
            (e.originator_id,),
            name=e.name,
            enabled=e.enabled,
            updated_at=e.timestamp,
            **changes,
        )

    @handles(Notifier.Tested)
    def notifier_tested(self, e: Notifier.Tested, store: RowStore) -> None:
        """A test message was sent."""
        store.update(
            NOTIFIERS,
            (e.originator_id,),
            last_test_ok=e.ok,
            last_test_code=e.code,
            last_test_answer=e.answer,
            last_tested_at=e.timestamp,
        )

    @handles(Notifier.Deleted)
    def notifier_deleted(self, e: Notifier.Deleted, store: RowStore) -> None:
        """The notifier no longer receives notifications."""
        store.update(NOTIFIERS, (e.originator_id,), deleted=True, updated_at=e.timestamp)

    @handles(NotificationDelivery.Requested)
    def delivery_requested(self, e: NotificationDelivery.Requested, store: RowStore) -> None:
        """A notification is to be sent to a notifier."""
        store.put(
            NOTIFICATION_DELIVERIES,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "notifier_id": e.notifier_id,
                "notification_key": e.message.key,
                "incident_id": e.message.incident_id,
                "status": e.message.status,
                "severity": e.message.severity,
                "title": e.message.title,
                "state": "pending",
                "attempts": 0,
                "last_answer": None,
                "next_attempt_at": e.timestamp,
                "requested_at": e.timestamp,
                "updated_at": e.timestamp,
                "delivered_at": None,
            },
        )

    @handles(NotificationDelivery.Attempted)
    def delivery_attempted(self, e: NotificationDelivery.Attempted, store: RowStore) -> None:
        """An attempt ended: delivered, retrying later, or failed for good."""
        row = store.get(NOTIFICATION_DELIVERIES, e.originator_id)
        if row is None:
            return
        state = "delivered" if e.ok else ("retrying" if e.next_attempt_at else "failed")
        store.update(
            NOTIFICATION_DELIVERIES,
            (e.originator_id,),
            state=state,
            attempts=e.attempt,
            last_answer=e.answer,
            next_attempt_at=e.next_attempt_at,
            updated_at=e.timestamp,
            delivered_at=e.timestamp if e.ok else None,
        )
        store.put(
            DELIVERY_ATTEMPTS,
            {
                "delivery_id": e.originator_id,
                "attempt": e.attempt,
                "organization_id": row["organization_id"],
                "ok": e.ok,
                "answer": e.answer,
                "at": e.timestamp,
                "next_attempt_at": e.next_attempt_at,
            },
        )
