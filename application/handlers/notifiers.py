"""Handlers for notifiers and notification deliveries (issue 17): every secret is sealed
before any event; a delivery is recorded once per notification and notifier."""

from __future__ import annotations

from uuid import UUID, uuid4

from application import commands as c
from application.errors import NotFoundError
from application.notifications import Planned, headers_secret, planned_create, planned_update
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.notification_delivery import NotificationDelivery
from domain.notifier import Notifier, SealedSecrets
from domain.organization import Organization
from domain.values import SealedValue


def live_notifier(uow: UnitOfWork, notifier_id: UUID) -> Notifier:
    """A notifier that exists and is not deleted (NotFoundError otherwise)."""
    notifier = uow.get(Notifier, notifier_id, "notifier")
    if notifier.deleted:
        raise NotFoundError("notifier", notifier_id, field="notifier_id")
    return notifier


def _sealed(uow: UnitOfWork, organization_id: UUID, notifier_id: UUID, p: Planned) -> SealedSecrets:
    def seal(name: str, value: Secret | None) -> SealedValue | None:
        if value is None:
            return None
        context = Notifier.secret_context(notifier_id, name)
        return uow.secrets.seal(organization_id, context, value)

    return SealedSecrets(
        smtp_password=seal("smtp-password", p.smtp_password),
        secret_url=seal("secret-url", p.secret_url),
        signing_secret=seal("signing-secret", p.signing_secret),
        headers=seal("headers", None if p.headers is None else headers_secret(p.headers)),
    )


def create_notifier(cmd: c.CreateNotifier, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a notifier of the organisation, its secrets sealed."""
    uow.get(Organization, cmd.organization_id, "organization")
    planned = planned_create(cmd)
    notifier_id = uuid4()
    uow.add(
        Notifier.create(
            notifier_id,
            organization_id=cmd.organization_id,
            name=planned.name,
            enabled=planned.enabled,
            settings=planned.settings,
            secrets=_sealed(uow, cmd.organization_id, notifier_id, planned),
            actor=uow.actor,
            now=uow.now,
        )
    )
    return {"notifier_id": notifier_id}


def update_notifier(cmd: c.UpdateNotifier, uow: UnitOfWork) -> dict[str, UUID]:
    """New settings for a notifier (new secrets sealed; those left out are kept)."""
    notifier = live_notifier(uow, cmd.notifier_id)
    planned = planned_update(cmd, notifier)
    notifier.change(
        name=planned.name,
        enabled=planned.enabled,
        settings=planned.settings,
        secrets=_sealed(uow, notifier.organization_id, notifier.id, planned),
        actor=uow.actor,
        now=uow.now,
    )
    return {"notifier_id": notifier.id}


def delete_notifier(cmd: c.DeleteNotifier, uow: UnitOfWork) -> dict[str, UUID]:
    """Stop sending to a notifier."""
    notifier = live_notifier(uow, cmd.notifier_id)
    notifier.delete(actor=uow.actor, now=uow.now)
    return {"notifier_id": notifier.id}


def test_notifier(cmd: c.TestNotifier, uow: UnitOfWork) -> dict[str, UUID]:
    """Record what a test message found."""
    notifier = live_notifier(uow, cmd.notifier_id)
    notifier.record_test(ok=cmd.ok, code=cmd.code, answer=cmd.answer, actor=uow.actor, now=uow.now)
    return {"notifier_id": notifier.id}


def request_notification_deliveries(
    cmd: c.RequestNotificationDeliveries, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record the notification once per live notifier of its organisation (a notification
    handed over again finds its deliveries recorded and changes nothing)."""
    for notifier_id in dict.fromkeys(cmd.notifier_ids):
        notifier = uow.find(Notifier, notifier_id)
        if notifier is None or notifier.deleted:
            continue
        if notifier.organization_id != cmd.organization_id:
            continue
        delivery_id = NotificationDelivery.id_for(cmd.message.key, notifier_id)
        if uow.find(NotificationDelivery, delivery_id) is not None:
            continue
        uow.add(
            NotificationDelivery.request(
                organization_id=cmd.organization_id,
                notifier_id=notifier_id,
                message=cmd.message,
                actor=uow.actor,
                now=uow.now,
            )
        )
    return {}


def record_delivery_attempt(cmd: c.RecordDeliveryAttempt, uow: UnitOfWork) -> dict[str, UUID]:
    """Record how an attempt ended (a repeat, or one after the end, changes nothing)."""
    delivery = uow.get(NotificationDelivery, cmd.delivery_id, "notification delivery")
    delivery.record_attempt(
        cmd.attempt,
        ok=cmd.ok,
        answer=cmd.answer,
        permanent=cmd.permanent,
        actor=uow.actor,
        now=uow.now,
    )
    return {"delivery_id": delivery.id}
