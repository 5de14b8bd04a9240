"""GraphQL types, queries and mutations of notifiers and their deliveries (issue 17). Only
an organisation's admins and owners add, change, test or delete notifiers; secrets are
write-only (each says whether it is set), but a webhook's signing secret, which the
receiver needs, is shown to admins and owners."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.authz import Permission
from application.bus import CommandResult
from application.readmodels import DeliveryAttemptRow, NotificationDeliveryRow, NotifierRow
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation, uuid_of
from interfaces.graphql.rows import object_type
from interfaces.graphql.types import ctx, limit_of


def notifier_signing_secret(root: NotifierRow, info: Info[GqlContext, None]) -> str | None:
    context = ctx(info)
    if root.kind != "webhook" or not context.can(root.organization_id, Permission.MANAGE):
        return None
    context.cacheable = False  # opened from the sealed events
    secret = context.notifier_tests.signing_secret(root.id)
    return None if secret is None else secret.reveal()


def delivery_notifier_name(root: NotificationDeliveryRow, info: Info[GqlContext, None]) -> str:
    rows = ctx(info).reads.dashboard.notifiers(root.organization_id)
    return next((row.name for row in rows if row.id == root.notifier_id), "(deleted)")


def delivery_attempt_log(
    root: NotificationDeliveryRow, info: Info[GqlContext, None]
) -> list[DeliveryAttempt]:
    return ctx(info).reads.dashboard.delivery_attempts(root.id)


if TYPE_CHECKING:
    Notifier = NotifierRow
    NotificationDelivery = NotificationDeliveryRow
    DeliveryAttempt = DeliveryAttemptRow
else:
    field = strawberry.field
    Notifier = object_type(
        NotifierRow,
        "Notifier",
        "A channel of an organisation's alert notifications: email (SMTP), Slack, Discord or "
        "a signed webhook. Its secrets are never shown, only whether each is set.",
        hide=("deleted",),
        fields={
            "signing_secret": field(
                resolver=notifier_signing_secret,
                description="webhook: the secret the receiver checks X-Containr-Signature "
                "with (sha256=HMAC-SHA256 of '<X-Containr-Timestamp>.<body>'); admins and "
                "owners only, null otherwise.",
            ),
        },
        descriptions={
            "kind": "email, slack, discord or webhook.",
            "smtp_security": "email: starttls, tls (implicit, port 465) or none.",
            "url": "webhook: where the signed JSON body is posted.",
            "header_names": "webhook: the extra headers sent (their values are write-only).",
            "secret_url_set": "slack/discord: the incoming-webhook URL (write-only) is set.",
            "last_test_ok": "What the last test message found (null: never tested).",
            "last_test_code": "The last test's error code (SMTP_AUTH_FAILED, ...).",
        },
    )
    DeliveryAttempt = object_type(
        DeliveryAttemptRow,
        "DeliveryAttempt",
        "One attempt to deliver a notification and what the channel answered.",
        hide=("organization_id",),
    )
    NotificationDelivery = object_type(
        NotificationDeliveryRow,
        "NotificationDelivery",
        "One notification to one notifier: pending, retrying (with backoff), delivered or "
        "failed once the retry budget is spent.",
        fields={
            "notifier_name": field(resolver=delivery_notifier_name),
            "attempt_log": field(
                resolver=delivery_attempt_log, description="Every attempt, first first."
            ),
        },
        descriptions={
            "state": "pending, retrying, delivered or failed.",
            "status": "What the notification said: firing or resolved.",
            "last_answer": "What the channel answered last.",
        },
    )


def notifiers(info: Info[GqlContext, None], organization_id: strawberry.ID) -> list[Notifier]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.notifiers(org.id)


def notification_deliveries(
    info: Info[GqlContext, None],
    organization_id: strawberry.ID,
    incident_id: strawberry.ID | None = None,
    notification_key: str | None = None,
    first: int = 50,
) -> list[NotificationDelivery]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.notification_deliveries(
        organization_id=org.id,
        incident_id=None if incident_id is None else uuid_of(incident_id, "incidentId"),
        notification_key=notification_key,
        limit=limit_of(first),
    )


@strawberry.type(description="What a test message sent to a notifier found.")
class NotifierTest:
    ok: bool = strawberry.field(description="The channel took the test message.")
    code: str | None = strawberry.field(
        description="Why not, as a code: SMTP_AUTH_FAILED, SMTP_UNREACHABLE, SMTP_TLS_FAILED, "
        "SMTP_RECIPIENTS_REFUSED, CHANNEL_UNREACHABLE, CHANNEL_TIMEOUT, CHANNEL_REFUSED..."
    )
    message: str = strawberry.field(description="What the channel answered, or why it failed.")
    tested_at: datetime
    notifier: Notifier


def run_notifier_test(info: Info[GqlContext, None], id: strawberry.ID) -> NotifierTest:
    context = ctx(info)
    notifier = entity(context.reads, "notifier", id, "id")
    context.reads.gate.require(notifier.organization_id, Permission.MANAGE, "notifier")
    context.cacheable = False  # the channel's answer
    outcome = context.notifier_tests.test(notifier.id)
    context.execute(
        c.TestNotifier(
            notifier_id=notifier.id, ok=outcome.ok, code=outcome.code, answer=outcome.answer
        ),
        None,
        ("dashboard",),
    )
    notifier = entity(context.reads, "notifier", id, "id")
    return NotifierTest(
        ok=outcome.ok,
        code=outcome.code,
        message=outcome.answer,
        tested_at=notifier.last_tested_at or context.clock.now(),
        notifier=notifier,
    )


test_notifier_field = strawberry.mutation(
    resolver=run_notifier_test,
    description="Send a test message through a notifier now (admins and owners) and say "
    "what the channel answered; the result is recorded on the notifier.",
)


def _notifier(context: GqlContext, result: CommandResult, command: Any) -> Any:
    ident = result.ids.get("notifier_id") or command.notifier_id
    return entity(context.reads, "notifier", ident, "notifier_id")


create_notifier = mutation(
    c.CreateNotifier,
    "organization_id name kind enabled smtp_host smtp_port smtp_security smtp_username "
    "smtp_password email_from email_to secret_url url headers",
    Notifier,
    result=_notifier,
    description="Add a notifier: kind email (smtpHost, smtpPort, smtpSecurity, smtpUsername, "
    "smtpPassword, emailFrom, emailTo), slack or discord (secretUrl: the incoming-webhook "
    "URL, https), or webhook (url; headers as 'Name: value'; a signing secret is made). "
    "Send a test with testNotifier.",
)
update_notifier = mutation(
    c.UpdateNotifier,
    "id=notifier_id name enabled smtp_host smtp_port smtp_security smtp_username "
    "smtp_password email_from email_to secret_url url headers rotate_signing_secret",
    Notifier,
    result=_notifier,
    description="Change a notifier's settings (those left out keep their value, secrets "
    "too; its kind stays). rotateSigningSecret makes a webhook's new signing secret.",
)
delete_notifier = mutation(
    c.DeleteNotifier,
    "id=notifier_id",
    bool,
    description="Delete a notifier (deliveries still pending to it give up).",
)
