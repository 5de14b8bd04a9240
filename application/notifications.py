"""Notifiers (issue 17): their settings on the way in, their secrets opened for a send, a test
message sent on request, and ``AlertNotifications``, the notifiers' side of the alert port
(``AlertDelivery``): a notification handed over is recorded once per notifier, and the
notification process (application/processes/notifications.py) sends it and retries."""

from __future__ import annotations

import json
import secrets as random_secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from msgspec import UNSET, UnsetType

from application import commands as c
from application.alert_ports import Notification
from application.bus import CommandBus, Context
from application.errors import InvalidValueError, NotFoundError
from application.eventstore import EventStore
from application.ports import Clock, SecretBox
from application.readmodels import DashboardQueries
from application.secrets import Secret
from domain.ids import Actor
from domain.notification_delivery import NotificationMessage
from domain.notifier import (
    Notifier,
    NotifierKind,
    NotifierSettings,
    check_url,
)
from domain.values import SealedValue, validate_name

T = TypeVar("T")
SEND_SECONDS = 10.0
"""How long one send (a test or a delivery attempt) may take, connection and all."""
ACTOR = Actor("system:notifications")


class ChannelError(Exception):
    """Raised when a channel refused a message or could not be reached; ``code`` names the
    kind of failure, the message says what the channel answered (never a secret)."""

    def __init__(self, code: str, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        """Sending the same message again cannot succeed (e.g. a rejected recipient)."""


@dataclass(frozen=True)
class ChannelTarget:
    """Where and how one notifier sends, its secrets opened (kept in memory only)."""

    name: str
    settings: NotifierSettings
    smtp_password: Secret | None = None
    secret_url: Secret | None = None
    signing_secret: Secret | None = None
    headers: dict[str, Secret] = field(default_factory=dict)


class NotifierTransport(Protocol):
    """Sends a message over a notifier's channel (SMTP, Slack, Discord, a webhook)."""

    def send(self, target: ChannelTarget, message: NotificationMessage, *, timeout: float) -> str:
        """Send ``message``; the channel's answer on success (e.g. ``250 OK``), ChannelError
        otherwise. Returns or raises within ``timeout`` seconds (per network call)."""
        ...


def message_of(notification: Notification) -> NotificationMessage:
    """A notification as a delivery records it."""
    return NotificationMessage(
        key=notification.key,
        incident_id=notification.incident_id,
        status=notification.status,
        severity=notification.severity,
        title=notification.title,
        body=notification.body,
        at=notification.at,
        labels=dict(notification.labels),
        url=notification.url,
    )


# Settings on the way in


@dataclass(frozen=True)
class Planned:
    """What a create or update would record: checked settings and the secrets to seal."""

    name: str
    enabled: bool
    settings: NotifierSettings
    smtp_password: Secret | None = None
    secret_url: Secret | None = None
    signing_secret: Secret | None = None
    headers: dict[str, Secret] | None = None


def new_signing_secret() -> Secret:
    """A fresh webhook signing secret (256 random bits, hex)."""
    return Secret(random_secrets.token_hex(32))


def parse_headers(lines: Sequence[Secret]) -> dict[str, Secret]:
    """``Name: value`` lines as a mapping (InvalidValueError on a line without a colon)."""
    headers: dict[str, Secret] = {}
    for line in lines:
        name, colon, value = line.reveal().partition(":")
        if not colon or not name.strip() or "\n" in value or "\r" in value:
            raise InvalidValueError("headers", "each header is 'Name: value' on one line")
        headers[name.strip()] = Secret(value.strip())
    return headers


def _secret_url(kind: NotifierKind, given: Secret | None) -> Secret | None:
    if kind not in (NotifierKind.SLACK, NotifierKind.DISCORD):
        if given is not None:
            raise InvalidValueError("secret_url", f"a {kind.value} notifier takes no secret_url")
        return None
    if given is None:
        return None
    return Secret(check_url("secret_url", given.reveal(), https_only=True))


def planned_create(cmd: c.CreateNotifier) -> Planned:
    """The checked settings and secrets of a new notifier (InvalidValueError naming a field)."""
    kind = cmd.kind
    headers = parse_headers(cmd.headers) if kind is NotifierKind.WEBHOOK else None
    if kind is not NotifierKind.WEBHOOK and cmd.headers:
        raise InvalidValueError("headers", f"a {kind.value} notifier takes no headers")
    if kind is not NotifierKind.EMAIL and cmd.smtp_password is not None:
        raise InvalidValueError("smtp_password", f"a {kind.value} notifier takes no password")
    settings = NotifierSettings(
        kind=kind,
        smtp_host=cmd.smtp_host,
        smtp_port=cmd.smtp_port,
        smtp_security=cmd.smtp_security,
        smtp_username=cmd.smtp_username,
        email_from=cmd.email_from,
        email_to=tuple(cmd.email_to),
        url=cmd.url,
        header_names=tuple(headers or ()),
    ).checked()
    secret_url = _secret_url(kind, cmd.secret_url)
    if kind in (NotifierKind.SLACK, NotifierKind.DISCORD) and secret_url is None:
        raise InvalidValueError("secret_url", f"a {kind.value} notifier needs its webhook URL")
    return Planned(
        name=validate_name("name", cmd.name),
        enabled=cmd.enabled,
        settings=settings,
        smtp_password=cmd.smtp_password
        if cmd.smtp_password and cmd.smtp_password.reveal()
        else None,
        secret_url=secret_url,
        signing_secret=new_signing_secret() if kind is NotifierKind.WEBHOOK else None,
        headers=headers,
    )


def planned_update(cmd: c.UpdateNotifier, current: Notifier) -> Planned:
    """The checked settings a notifier would have after ``cmd`` and the secrets it replaces."""
    was = current.settings
    kind = was.kind
    headers = None
    if not isinstance(cmd.headers, UnsetType):
        if kind is not NotifierKind.WEBHOOK:
            raise InvalidValueError("headers", f"a {kind.value} notifier takes no headers")
        headers = parse_headers(cmd.headers)
    email = kind is NotifierKind.EMAIL
    if not email and any(
        v is not UNSET for v in (cmd.smtp_host, cmd.smtp_port, cmd.smtp_security, cmd.smtp_username)
    ):
        raise InvalidValueError("smtp_host", f"a {kind.value} notifier takes no email settings")
    if not email and cmd.smtp_password is not UNSET:
        raise InvalidValueError("smtp_password", f"a {kind.value} notifier takes no password")
    settings = NotifierSettings(
        kind=kind,
        smtp_host=_keep(cmd.smtp_host, was.smtp_host),
        smtp_port=_keep(cmd.smtp_port, was.smtp_port),
        smtp_security=_keep(cmd.smtp_security, was.smtp_security),
        smtp_username=_keep(cmd.smtp_username, was.smtp_username),
        email_from=_keep(cmd.email_from, was.email_from),
        email_to=was.email_to if isinstance(cmd.email_to, UnsetType) else tuple(cmd.email_to),
        url=_keep(cmd.url, was.url),
        header_names=was.header_names if headers is None else tuple(headers),
    ).checked()
    password = None if isinstance(cmd.smtp_password, UnsetType) else cmd.smtp_password
    secret_url = None if isinstance(cmd.secret_url, UnsetType) else cmd.secret_url
    if cmd.rotate_signing_secret and kind is not NotifierKind.WEBHOOK:
        raise InvalidValueError("rotate_signing_secret", "only a webhook notifier signs")
    return Planned(
        name=validate_name("name", _keep(cmd.name, current.name)),
        enabled=_keep(cmd.enabled, current.enabled),
        settings=settings,
        smtp_password=password if password and password.reveal() else None,
        secret_url=_secret_url(kind, secret_url),
        signing_secret=new_signing_secret() if cmd.rotate_signing_secret else None,
        headers=headers,
    )


def _keep(given: T | UnsetType, was: T) -> T:
    return was if isinstance(given, UnsetType) else given


# Secrets opened for a send


def live_notifier(store: EventStore, notifier_id: UUID) -> Notifier:
    """A recorded notifier that is not deleted (NotFoundError otherwise)."""
    try:
        found: object = store.repository.get(notifier_id)
    except AggregateNotFoundError:
        found = None
    if not isinstance(found, Notifier) or found.deleted:
        raise NotFoundError("notifier", notifier_id, field="notifier_id")
    return found


def target_of(secrets: SecretBox, notifier: Notifier) -> ChannelTarget:
    """The notifier's channel with its secrets opened."""
    sealed = notifier.secrets

    def opened(name: str, value: SealedValue | None) -> Secret | None:
        if value is None:
            return None
        context = Notifier.secret_context(notifier.id, name)
        return secrets.open(notifier.organization_id, context, value)

    headers: dict[str, Secret] = {}
    blob = opened("headers", sealed.headers)
    if blob is not None:
        values = json.loads(blob.reveal())
        names = notifier.settings.header_names
        headers = {n: Secret(v) for n, v in values.items() if n in names}
    return ChannelTarget(
        name=notifier.name,
        settings=notifier.settings,
        smtp_password=opened("smtp-password", sealed.smtp_password),
        secret_url=opened("secret-url", sealed.secret_url),
        signing_secret=opened("signing-secret", sealed.signing_secret),
        headers=headers,
    )


def headers_secret(headers: dict[str, Secret]) -> Secret:
    """A webhook's headers as the one secret they are sealed as."""
    return Secret(json.dumps({n: v.reveal() for n, v in headers.items()}))


# Tests and deliveries


@dataclass(frozen=True)
class TestOutcome:
    """What a test message found: ok with the channel's answer, or a coded failure."""

    ok: bool
    code: str | None
    answer: str


class NotifierTests:
    """Sends a test message to a saved notifier now (within a deadline)."""

    def __init__(
        self,
        store: EventStore,
        secrets: SecretBox,
        transport: NotifierTransport,
        clock: Clock,
        *,
        timeout: float = SEND_SECONDS,
    ) -> None:
        self._store = store
        self._secrets = secrets
        self._transport = transport
        self._clock = clock
        self._timeout = timeout

    def signing_secret(self, notifier_id: UUID) -> Secret | None:
        """A webhook notifier's signing secret, opened (None for other kinds)."""
        return target_of(self._secrets, live_notifier(self._store, notifier_id)).signing_secret

    def test(self, notifier_id: UUID) -> TestOutcome:
        """Send a test message through the notifier's channel and say what it answered."""
        notifier = live_notifier(self._store, notifier_id)
        now = self._clock.now()
        message = NotificationMessage(
            key=f"test:{notifier_id}:{now.isoformat()}",
            incident_id=notifier_id,
            status="firing",
            severity="info",
            title=f"Test notification from Containr to {notifier.name}",
            body="This is a test: the notifier works. Alerts will arrive like this one.",
            at=now,
            labels={"test": "true"},
        )
        try:
            answer = self._transport.send(
                target_of(self._secrets, notifier), message, timeout=self._timeout
            )
        except ChannelError as e:
            return TestOutcome(ok=False, code=e.code, answer=str(e))
        return TestOutcome(ok=True, code=None, answer=answer)


class AlertNotifications:
    """The notifiers' side of ``AlertDelivery``: records each notification once per notifier
    (the delivery's id is derived from the notification's key and the notifier)."""

    def __init__(self, bus: CommandBus, dashboard: DashboardQueries) -> None:
        self._bus = bus
        self._dashboard = dashboard
        self._ctx = Context(actor=ACTOR)

    def deliver(self, notification: Notification, notifiers: Sequence[UUID] | None) -> None:
        """Record ``notification`` for the given (or every) enabled notifier of its
        organisation (a disabled or deleted one, or another organisation's, is skipped);
        UnavailableError when nothing could be recorded."""
        rows = self._dashboard.notifiers(notification.organization_id)
        enabled = [row.id for row in rows if row.enabled]
        chosen = enabled if notifiers is None else [n for n in notifiers if n in set(enabled)]
        if not chosen:
            return
        self._bus.execute(
            c.RequestNotificationDeliveries(
                organization_id=notification.organization_id,
                notifier_ids=chosen,
                message=message_of(notification),
            ),
            self._ctx,
        )
