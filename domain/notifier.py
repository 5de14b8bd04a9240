"""Notifiers: an organisation's channels for alert notifications (issue 17). Email over SMTP,
a Slack or Discord incoming webhook, or a generic webhook whose body is signed. Every secret
(the SMTP password, a Slack or Discord webhook URL, a webhook's signing secret and headers)
arrives sealed; events never hold one in clear."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import SealedValue, validate_name

MAX_RECIPIENTS = 50
MAX_HEADERS = 20
MAX_URL_LENGTH = 2048
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
_RESERVED_HEADERS = frozenset(
    {"content-type", "content-length", "host", "x-containr-timestamp", "x-containr-signature"}
)


class NotifierKind(Enum):
    """How a notifier reaches people."""

    EMAIL = "email"
    SLACK = "slack"
    DISCORD = "discord"
    WEBHOOK = "webhook"


class SmtpSecurity(Enum):
    """How an SMTP connection is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class NotifierDeletedError(RuleViolatedError):
    """Raised when a deleted notifier is asked to change."""


@dataclass(frozen=True, kw_only=True)
class NotifierSettings:
    """A notifier's settings apart from its secrets, checked on the way in."""

    kind: NotifierKind
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: SmtpSecurity | None = None
    smtp_username: str | None = None
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    url: str | None = None
    """The generic webhook's URL (a Slack or Discord URL is a secret: it is sealed)."""
    header_names: tuple[str, ...] = ()
    """The names of the generic webhook's extra headers (their values are sealed)."""

    def checked(self) -> NotifierSettings:
        """The settings normalised; InvalidValueError naming the bad field."""
        if self.kind is NotifierKind.EMAIL:
            security = self.smtp_security or SmtpSecurity.STARTTLS
            default_port = {SmtpSecurity.TLS: 465, SmtpSecurity.STARTTLS: 587}.get(security, 25)
            return NotifierSettings(
                kind=self.kind,
                smtp_host=check_host(self.smtp_host),
                smtp_port=check_port(self.smtp_port, default_port),
                smtp_security=security,
                smtp_username=(self.smtp_username or "").strip() or None,
                email_from=check_email("email_from", self.email_from),
                email_to=check_recipients(self.email_to),
            )
        if any((self.smtp_host, self.smtp_port, self.smtp_username, self.email_from)) or (
            self.email_to
        ):
            raise InvalidValueError(
                "smtp_host", f"a {self.kind.value} notifier takes no email settings"
            )
        if self.kind is NotifierKind.WEBHOOK:
            return NotifierSettings(
                kind=self.kind,
                url=check_url("url", self.url, https_only=False),
                header_names=check_header_names(self.header_names),
            )
        if self.url is not None or self.header_names:
            raise InvalidValueError("url", f"a {self.kind.value} notifier's URL is its secret_url")
        return NotifierSettings(kind=self.kind)


def check_email(field: str, address: str | None) -> str:
    """One email address like ``ops@example.com``."""
    value = (address or "").strip()
    if not value or len(value) > 254 or not _EMAIL.match(value):
        raise InvalidValueError(
            field, f"{value[:80]!r} is not an email address like ops@example.com"
        )
    return value


def check_recipients(addresses: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """One or more distinct email addresses."""
    found: list[str] = []
    for address in addresses:
        checked = check_email("email_to", address)
        if checked.lower() not in (f.lower() for f in found):
            found.append(checked)
    if not found:
        raise InvalidValueError("email_to", "an email notifier needs at least one recipient")
    if len(found) > MAX_RECIPIENTS:
        raise InvalidValueError("email_to", f"at most {MAX_RECIPIENTS} recipients")
    return tuple(found)


def check_host(host: str | None) -> str:
    """An SMTP server's host name or address."""
    value = (host or "").strip()
    if not value or not _HOST.match(value):
        raise InvalidValueError(
            "smtp_host", "must be the SMTP server's host name, like smtp.example.com"
        )
    return value


def check_port(port: int | None, default: int) -> int:
    """A TCP port 1-65535 (``default`` when left out)."""
    if port is None:
        return default
    if not 1 <= port <= 65535:
        raise InvalidValueError("smtp_port", "must be a port number 1-65535")
    return port


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (localhost or a loopback address)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(field: str, url: str | None, *, https_only: bool) -> str:
    """An http(s) URL without credentials; with ``https_only``, https unless on loopback."""
    value = (url or "").strip()
    parts = urlsplit(value)
    if len(value) > MAX_URL_LENGTH or parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidValueError(field, "must be a URL like https://hooks.example.com/...")
    if parts.username or parts.password:
        raise InvalidValueError(field, "must not carry credentials (use headers)")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidValueError(field, "has a port that is not a number 1-65535") from None
    if https_only and parts.scheme != "https" and not is_loopback(parts.hostname):
        raise InvalidValueError(field, "must be an https:// URL (http only on loopback)")
    return value


def check_header_names(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Extra header names of a webhook: tokens, distinct, not ones Containr sets."""
    if len(names) > MAX_HEADERS:
        raise InvalidValueError("headers", f"at most {MAX_HEADERS} headers")
    seen: set[str] = set()
    for name in names:
        if not _HEADER_NAME.match(name):
            raise InvalidValueError("headers", f"{name[:64]!r} is not a header name")
        if name.lower() in _RESERVED_HEADERS or name.lower() in seen:
            raise InvalidValueError("headers", f"{name!r} is set by Containr or given twice")
        seen.add(name.lower())
    return tuple(names)


@dataclass(frozen=True, kw_only=True)
class SealedSecrets:
    """A notifier's secrets as the SecretBox sealed them (None: none, or kept as recorded)."""

    smtp_password: SealedValue | None = None
    secret_url: SealedValue | None = None
    """A Slack or Discord incoming-webhook URL."""
    signing_secret: SealedValue | None = None
    headers: SealedValue | None = None
    """The generic webhook's extra headers, a JSON object."""


class Notifier(ContainrAggregate):
    """One channel of an organisation's alert notifications (its secrets sealed)."""

    class Created(ContainrAggregate.Created):
        """A notifier was added; its secrets sealed (named so the audit log says only
        whether each is set)."""

        organization_id: UUID
        name: str
        enabled: bool
        settings: NotifierSettings
        smtp_password: SealedValue | None
        secret_url: SealedValue | None
        signing_secret: SealedValue | None
        headers_secret: SealedValue | None

    class Changed(ContainrAggregate.Event):
        """New settings (all of them); a sealed secret only when it was replaced."""

        name: str
        enabled: bool
        settings: NotifierSettings
        smtp_password: SealedValue | None
        secret_url: SealedValue | None
        signing_secret: SealedValue | None
        headers_secret: SealedValue | None

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.enabled = self.enabled
            aggregate.settings = self.settings
            kept = aggregate.secrets
            aggregate.secrets = SealedSecrets(
                smtp_password=self.smtp_password or kept.smtp_password,
                secret_url=self.secret_url or kept.secret_url,
                signing_secret=self.signing_secret or kept.signing_secret,
                headers=self.headers_secret or kept.headers,
            )

    class Tested(ContainrAggregate.Event):
        """A test message was sent now; what the channel answered (never a secret)."""

        ok: bool
        code: str | None
        answer: str

        def apply(self, aggregate: Any) -> None:
            pass

    class Deleted(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    def __init__(
        self,
        organization_id: UUID,
        name: str,
        enabled: bool,
        settings: NotifierSettings,
        smtp_password: SealedValue | None,
        secret_url: SealedValue | None,
        signing_secret: SealedValue | None,
        headers_secret: SealedValue | None,
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.enabled = enabled
        self.settings = settings
        self.secrets = SealedSecrets(
            smtp_password=smtp_password,
            secret_url=secret_url,
            signing_secret=signing_secret,
            headers=headers_secret,
        )
        self.deleted = False

    @staticmethod
    def secret_context(notifier_id: UUID, secret: str) -> str:
        """What one sealed secret of a notifier is bound to."""
        return f"notifier:{notifier_id}:{secret}"

    @classmethod
    def create(
        cls,
        notifier_id: UUID,
        *,
        organization_id: UUID,
        name: str,
        enabled: bool,
        settings: NotifierSettings,
        secrets: SealedSecrets,
        actor: Actor,
        now: datetime,
    ) -> Notifier:
        """Record a notifier with the secrets its kind needs."""
        settings = settings.checked()
        _require_secrets(settings.kind, secrets)
        return cls._create(
            cls.Created,
            id=notifier_id,
            organization_id=organization_id,
            name=validate_name("name", name),
            enabled=enabled,
            settings=settings,
            **_fields(secrets),
            actor=actor,
            timestamp=now,
        )

    def change(
        self,
        *,
        name: str,
        enabled: bool,
        settings: NotifierSettings,
        secrets: SealedSecrets,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """New settings of the same kind; False when nothing changes."""
        self._require_live()
        if settings.kind is not self.settings.kind:
            raise InvalidValueError("kind", "a notifier keeps its kind; add another one instead")
        settings = settings.checked()
        name = validate_name("name", name)
        if settings.kind is not NotifierKind.WEBHOOK:
            secrets = replace(secrets, headers=None)
        if (
            name == self.name
            and enabled == self.enabled
            and settings == self.settings
            and secrets == SealedSecrets()
        ):
            return False
        self.trigger_event(
            self.Changed,
            name=name,
            enabled=enabled,
            settings=settings,
            **_fields(secrets),
            actor=actor,
            timestamp=now,
        )
        return True

    def record_test(
        self, *, ok: bool, code: str | None, answer: str, actor: Actor, now: datetime
    ) -> None:
        """Record what a test message found."""
        self._require_live()
        self.trigger_event(
            self.Tested, ok=ok, code=code, answer=answer[:500], actor=actor, timestamp=now
        )

    def delete(self, *, actor: Actor, now: datetime) -> None:
        """Stop sending to this notifier (deliveries still pending to it give up)."""
        self._require_live()
        self.trigger_event(self.Deleted, actor=actor, timestamp=now)

    def _require_live(self) -> None:
        if self.deleted:
            raise NotifierDeletedError(f"notifier {self.name!r} is deleted; add another one")


def _require_secrets(kind: NotifierKind, secrets: SealedSecrets) -> None:
    if kind in (NotifierKind.SLACK, NotifierKind.DISCORD) and secrets.secret_url is None:
        raise InvalidValueError("secret_url", f"a {kind.value} notifier needs its webhook URL")
    if kind is NotifierKind.WEBHOOK and secrets.signing_secret is None:
        raise InvalidValueError("signing_secret", "a webhook notifier needs its signing secret")


def _fields(secrets: SealedSecrets) -> dict[str, SealedValue | None]:
    return {
        "smtp_password": secrets.smtp_password,
        "secret_url": secrets.secret_url,
        "signing_secret": secrets.signing_secret,
        "headers_secret": secrets.headers,
    }
