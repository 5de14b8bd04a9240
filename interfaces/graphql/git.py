"""GraphQL types, queries and mutations of git connections, webhook deliveries and push
triggers (issue 14). Every read goes through the caller's read gate; the webhook secret is
opened for admins and owners only, as variable values are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.readmodels import (
    CommitChecksRow,
    GitConnectionRow,
    ServiceTriggersRow,
    WebhookDeliveryRow,
)
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import input_type, object_type
from interfaces.graphql.types import ctx, limit_of


def connection_webhook_path(root: GitConnectionRow) -> str:
    return f"/webhooks/{root.id}"


def connection_webhook_secret(root: GitConnectionRow, info: Info[GqlContext, None]) -> str:
    context = ctx(info)
    context.cacheable = False  # opened from the sealed events
    return context.reads.webhook_secret(root.id).reveal()


def triggers_commit_checks(
    root: ServiceTriggersRow, info: Info[GqlContext, None], first: int = 10
) -> list[CommitChecks]:
    return ctx(info).reads.dashboard.commit_checks(root.service_id, limit=limit_of(first))


def delivery_commit_checks(
    root: WebhookDeliveryRow, info: Info[GqlContext, None]
) -> list[CommitChecks]:
    if not any(caused.get("outcome") == "checks" for caused in root.caused):
        return []
    return ctx(info).reads.dashboard.commit_checks_of([root.id])


if TYPE_CHECKING:
    CommitChecks = CommitChecksRow
    GitConnection = GitConnectionRow
    WebhookDelivery = WebhookDeliveryRow
    ServiceTriggers = ServiceTriggersRow
else:
    field = strawberry.field
    GitConnection = object_type(
        GitConnectionRow,
        "GitConnection",
        "A git provider connection (its access token is never shown).",
        fields={
            "webhook_path": field(
                resolver=connection_webhook_path,
                description="Where the provider sends deliveries, after this server's address "
                "(https://containr.example.com/webhooks/<id>).",
            ),
            "webhook_secret": field(
                resolver=connection_webhook_secret,
                description="The secret to paste at the provider (admins and owners only).",
            ),
        },
    )
    WebhookDelivery = object_type(
        WebhookDeliveryRow,
        "WebhookDelivery",
        "A verified webhook delivery: what it said and, once handled, what it caused (per "
        "service and environment: deploy with its deployment, wait, checks (wait for CI) or "
        "skip, and why).",
        fields={
            "commit_checks": field(
                resolver=delivery_commit_checks,
                description="The commits this delivery left waiting for their checks, and "
                "how each wait ended (passed: with the deployment requested).",
            ),
        },
    )
    CommitChecks = object_type(
        CommitChecksRow,
        "CommitChecks",
        "A pushed commit that deploys once its checks at the git provider pass (wait for "
        "CI): waiting, then passed (with the deployment requested), failed, gave_up or "
        "superseded (by a newer push to the branch), with the provider's summary.",
    )
    ServiceTriggers = object_type(
        ServiceTriggersRow,
        "ServiceTriggers",
        "Which pushes deploy a service where: branch globs, environments, automatic or "
        "manual, watch paths, wait for CI.",
        fields={
            "commit_checks": field(
                resolver=triggers_commit_checks,
                description="Pushed commits that waited (or wait) for their checks before "
                "deploying, newest first.",
            ),
        },
    )


# Queries


def git_connections(
    info: Info[GqlContext, None], organization_id: strawberry.ID
) -> list[GitConnection]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.git_connections(org.id)


def webhook_deliveries(
    info: Info[GqlContext, None], connection_id: strawberry.ID, first: int = 20
) -> list[WebhookDelivery]:
    reads = ctx(info).reads
    connection = entity(reads, "git_connection", connection_id, "connectionId")
    return reads.dashboard.webhook_deliveries(connection.id, limit=limit_of(first))


def service_triggers(
    info: Info[GqlContext, None], service_id: strawberry.ID
) -> ServiceTriggers | None:
    reads = ctx(info).reads
    service = entity(reads, "service", service_id, "serviceId")
    return reads.dashboard.service_triggers(service.id)


# Mutations

PushTriggerInput = input_type(
    c.PushTriggerInput,
    "PushTriggerInput",
    "Pushes to branches matching `branch` (a glob: `*` within a segment, `**` across) deploy "
    "to an environment, automatically or on request, when they touch a watch path; with "
    "`waitForCi` (automatic triggers only) once the commit's checks at the provider pass.",
)


def _triggers(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return context.reads.dashboard.service_triggers(command.service_id)


def _connection(context: GqlContext, result: CommandResult, command: Any) -> Any:
    ident = result.ids.get("connection_id") or command.connection_id
    return entity(context.reads, "git_connection", ident, "connection_id")


create_git_connection = mutation(
    c.CreateGitConnection,
    "organization_id provider name api_url access_token",
    GitConnection,
    result=_connection,
    description="Connect a git provider (github, gitlab or bitbucket); Containr makes the "
    "webhook secret. apiUrl: only for GitHub Enterprise or a self-hosted GitLab.",
)
rotate_webhook_secret = mutation(
    c.RotateWebhookSecret,
    "id=connection_id overlap_hours",
    GitConnection,
    result=_connection,
    description="Make a new webhook secret; the previous one is still accepted for "
    "overlapHours (default 24).",
)
remove_git_connection = mutation(
    c.RemoveGitConnection,
    "id=connection_id",
    bool,
    description="Forget a git connection: its webhook's deliveries are refused from now on.",
)
set_service_triggers = mutation(
    c.SetServiceTriggers,
    "service_id connection_id triggers",
    ServiceTriggers | None,
    result=_triggers,
    inputs={c.PushTriggerInput: PushTriggerInput},
    description="Which pushes heard through a git connection deploy a service, and where "
    "(an empty list: none). Skip markers in a commit message ([skip deploy]) always win.",
)
