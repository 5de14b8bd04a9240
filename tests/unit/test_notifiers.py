"""Notifiers and notification deliveries (issue 17): settings checked on the way in, the
retry backoff, one record per attempt, and how firing and resolved messages render."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.notifiers import (
    RESOLVED_COLOUR,
    SEVERITY_COLOURS,
    discord_payload,
    signature,
    slack_payload,
    subject,
    text_of,
    webhook_payload,
)
from domain.errors import InvalidValueError
from domain.ids import Actor
from domain.notification_delivery import (
    DeliveryState,
    NotificationDelivery,
    NotificationMessage,
    RetryPolicy,
)
from domain.notifier import (
    Notifier,
    NotifierKind,
    NotifierSettings,
    SealedSecrets,
    SmtpSecurity,
)
from domain.values import SealedValue

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BOT = Actor("system:test")


def message(status: str = "firing", severity: str = "critical") -> NotificationMessage:
    return NotificationMessage(
        key=f"inc-1:{status}",
        incident_id=uuid.UUID(int=1),
        status=status,
        severity=severity,
        title="CPU above 90 % for 5 minutes on web",
        body="CPU 97 % (threshold 90 %) since 11:55",
        at=T0,
        labels={"project": "shop", "service": "web"},
        url="https://containr.example.com/incidents/1",
    )


# Backoff


def test_backoff_starts_at_ten_seconds_and_doubles_up_to_ten_minutes() -> None:
    policy = RetryPolicy()
    delays = [policy.delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [10, 20, 40, 80, 160, 320, 600, 600, 600]


def test_retries_stop_when_the_budget_or_the_attempts_are_spent() -> None:
    policy = RetryPolicy(budget=timedelta(hours=24), attempts=5)
    assert policy.next_attempt(1, T0, T0) == T0 + timedelta(seconds=10)
    assert policy.next_attempt(5, T0, T0) is None  # the fifth attempt was the last
    late = T0 + timedelta(hours=23, minutes=59, seconds=30)
    assert policy.next_attempt(3, T0, late) is None  # 40 s later is past the 24 h


def test_a_failed_attempt_is_retried_later_and_a_repeat_report_is_ignored() -> None:
    delivery = NotificationDelivery.request(
        organization_id=uuid.uuid4(),
        notifier_id=uuid.uuid4(),
        message=message(),
        actor=BOT,
        now=T0,
    )
    assert delivery.state is DeliveryState.PENDING
    assert delivery.next_attempt_at == T0
    assert delivery.record_attempt(1, ok=False, answer="connection refused", actor=BOT, now=T0)
    assert delivery.state is DeliveryState.RETRYING
    assert delivery.next_attempt_at == T0 + timedelta(seconds=10)
    # the same attempt reported again (a crash after the report) changes nothing
    assert not delivery.record_attempt(1, ok=True, answer="200", actor=BOT, now=T0)
    assert delivery.state is DeliveryState.RETRYING
    later = T0 + timedelta(seconds=10)
    assert delivery.record_attempt(2, ok=True, answer="200 OK", actor=BOT, now=later)
    assert delivery.state is DeliveryState.DELIVERED
    assert delivery.next_attempt_at is None
    assert not delivery.record_attempt(3, ok=False, answer="late", actor=BOT, now=later)


def test_a_permanent_failure_is_not_retried() -> None:
    delivery = NotificationDelivery.request(
        organization_id=uuid.uuid4(),
        notifier_id=uuid.uuid4(),
        message=message(),
        actor=BOT,
        now=T0,
    )
    delivery.record_attempt(1, ok=False, answer="gone", permanent=True, actor=BOT, now=T0)
    assert delivery.state is DeliveryState.FAILED


def test_the_same_notification_to_the_same_notifier_is_one_delivery() -> None:
    notifier = uuid.uuid4()
    assert NotificationDelivery.id_for("k:firing", notifier) == NotificationDelivery.id_for(
        "k:firing", notifier
    )
    assert NotificationDelivery.id_for("k:firing", notifier) != NotificationDelivery.id_for(
        "k:resolved", notifier
    )


# Settings


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (
            NotifierSettings(
                kind=NotifierKind.EMAIL,
                smtp_host="smtp.example.com",
                email_from="not an address",
                email_to=("ops@example.com",),
            ),
            "email_from",
        ),
        (
            NotifierSettings(
                kind=NotifierKind.EMAIL,
                smtp_host="smtp.example.com",
                email_from="a@example.com",
                email_to=(),
            ),
            "email_to",
        ),
        (
            NotifierSettings(
                kind=NotifierKind.EMAIL,
                smtp_host="smtp.example.com",
                email_from="a@example.com",
                email_to=("bad",),
            ),
            "email_to",
        ),
        (
            NotifierSettings(
                kind=NotifierKind.EMAIL,
                smtp_host="",
                email_from="a@example.com",
                email_to=("b@example.com",),
            ),
            "smtp_host",
        ),
        (
            NotifierSettings(
                kind=NotifierKind.EMAIL,
                smtp_host="smtp.example.com",
                smtp_port=70000,
                email_from="a@example.com",
                email_to=("b@example.com",),
            ),
            "smtp_port",
        ),
        (NotifierSettings(kind=NotifierKind.WEBHOOK, url="ftp://example.com/hook"), "url"),
        (NotifierSettings(kind=NotifierKind.WEBHOOK, url="https://u:p@example.com/hook"), "url"),
        (
            NotifierSettings(
                kind=NotifierKind.WEBHOOK,
                url="https://example.com",
                header_names=("X-Containr-Signature",),
            ),
            "headers",
        ),
        (NotifierSettings(kind=NotifierKind.SLACK, email_to=("a@example.com",)), "smtp_host"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(settings: NotifierSettings, field: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        settings.checked()
    assert raised.value.field == field


def test_email_settings_get_the_port_of_their_security() -> None:
    base = NotifierSettings(
        kind=NotifierKind.EMAIL,
        smtp_host="smtp.example.com",
        email_from="alerts@example.com",
        email_to=("ops@example.com", "OPS@example.com", "dev@example.com"),
    )
    checked = base.checked()
    assert (checked.smtp_security, checked.smtp_port) == (SmtpSecurity.STARTTLS, 587)
    assert checked.email_to == ("ops@example.com", "dev@example.com")
    tls = NotifierSettings(**{**base.__dict__, "smtp_security": SmtpSecurity.TLS}).checked()
    assert tls.smtp_port == 465


def test_a_slack_notifier_needs_its_sealed_url_and_keeps_its_kind() -> None:
    with pytest.raises(InvalidValueError) as raised:
        Notifier.create(
            uuid.uuid4(),
            organization_id=uuid.uuid4(),
            name="ops",
            enabled=True,
            settings=NotifierSettings(kind=NotifierKind.SLACK),
            secrets=SealedSecrets(),
            actor=BOT,
            now=T0,
        )
    assert raised.value.field == "secret_url"
    notifier = Notifier.create(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        name="ops",
        enabled=True,
        settings=NotifierSettings(kind=NotifierKind.SLACK),
        secrets=SealedSecrets(secret_url=SealedValue("sealed-1")),
        actor=BOT,
        now=T0,
    )
    with pytest.raises(InvalidValueError):
        notifier.change(
            name="ops",
            enabled=True,
            settings=NotifierSettings(kind=NotifierKind.DISCORD),
            secrets=SealedSecrets(),
            actor=BOT,
            now=T0,
        )
    assert not notifier.change(
        name="ops",
        enabled=True,
        settings=NotifierSettings(kind=NotifierKind.SLACK),
        secrets=SealedSecrets(),
        actor=BOT,
        now=T0,
    )
    notifier.change(
        name="ops",
        enabled=False,
        settings=NotifierSettings(kind=NotifierKind.SLACK),
        secrets=SealedSecrets(),
        actor=BOT,
        now=T0,
    )
    assert notifier.secrets.secret_url == "sealed-1"  # kept when not replaced
    assert not notifier.enabled


# Rendering


def test_firing_and_resolved_messages_render_differently() -> None:
    firing, resolved = message("firing"), message("resolved")
    assert subject(firing) == "[FIRING:critical] CPU above 90 % for 5 minutes on web"
    assert subject(resolved) == "[RESOLVED] CPU above 90 % for 5 minutes on web"
    assert text_of(firing).startswith("\U0001f525 [FIRING]")
    assert text_of(resolved).startswith("\u2705 [RESOLVED]")
    assert "service: web" in text_of(firing)
    assert "Incident: https://containr.example.com/incidents/1" in text_of(firing)

    slack = slack_payload(firing)
    assert slack["text"].startswith("\U0001f525")
    assert slack["attachments"][0]["color"] == f"#{SEVERITY_COLOURS['critical']:06x}"
    assert slack_payload(resolved)["attachments"][0]["color"] == f"#{RESOLVED_COLOUR:06x}"
    assert slack["attachments"][0]["title_link"] == firing.url

    discord = discord_payload(firing)
    assert discord["content"].startswith("\U0001f525 [FIRING]")
    [embed] = discord["embeds"]
    assert embed["color"] == SEVERITY_COLOURS["critical"]
    assert {"name": "service", "value": "web", "inline": True} in embed["fields"]
    assert discord_payload(resolved)["embeds"][0]["color"] == RESOLVED_COLOUR
    assert (
        discord_payload(message(severity="warning"))["embeds"][0]["color"]
        == (SEVERITY_COLOURS["warning"])
    )

    body = webhook_payload(resolved, "ops")
    assert body["status"] == "resolved"
    assert body["labels"] == {"project": "shop", "service": "web"}
    assert body["notifier"] == "ops"


def test_the_webhook_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = "sha256=" + hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest()
    assert signature("k", "1", b"{}") == expected
    assert signature("k", "2", b"{}") != expected
