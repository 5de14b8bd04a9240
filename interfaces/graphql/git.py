"""GraphQL types, queries and mutations of git connections, webhook deliveries and push
triggers (issue 14). Every read goes through the caller's read gate; the webhook secret is
opened for admins and owners only, as variable values are."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.authz import Permission
from application.bus import CommandResult
from application.git_providers import Branch, Repository
from application.git_sources import webhook_url
from application.readmodels import (
    CommitChecksRow,
    GitConnectionRow,
    ServiceSourceRow,
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


def connection_webhook_url(root: GitConnectionRow, info: Info[GqlContext, None]) -> str | None:
    public_url = ctx(info).public_url
    return webhook_url(public_url, root.id) if public_url else None


def source_webhook_url(root: ServiceSourceRow, info: Info[GqlContext, None]) -> str | None:
    public_url = ctx(info).public_url
    return webhook_url(public_url, root.connection_id) if public_url else None


def source_webhook_secret(root: ServiceSourceRow, info: Info[GqlContext, None]) -> str:
    context = ctx(info)
    context.cacheable = False  # opened from the sealed events
    return context.reads.webhook_secret(root.connection_id).reveal()


if TYPE_CHECKING:
    CommitChecks = CommitChecksRow
    GitConnection = GitConnectionRow
    WebhookDelivery = WebhookDeliveryRow
    ServiceTriggers = ServiceTriggersRow
    ServiceSource = ServiceSourceRow
    GitRepository = Repository
    GitBranch = Branch
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
            "webhook_url": field(
                resolver=connection_webhook_url,
                description="The full delivery URL (null: this server's public address, "
                "CONTAINR_PUBLIC_URL, is not set; use webhookPath after its address).",
            ),
        },
        descriptions={
            "status": "Whether the token works: unchecked, ok or broken (as the last check "
            "that changed it found).",
            "status_reason": "Why the provider refuses the token, when broken.",
            "login": "Whom the token acts as, once a check found it working.",
            "status_changed_at": "When a check last changed the status; checks that find "
            "the same are not recorded.",
        },
    )
    ServiceSource = object_type(
        ServiceSourceRow,
        "ServiceSource",
        "The repository a service builds from, heard through a git connection, and its "
        "webhook: registered by Containr (automatic) or to paste by hand (manual).",
        fields={
            "webhook_url": field(
                resolver=source_webhook_url,
                description="Where the provider sends deliveries (null: CONTAINR_PUBLIC_URL "
                "is not set).",
            ),
            "webhook_secret": field(
                resolver=source_webhook_secret,
                description="The secret to paste at the provider with a manual webhook "
                "(admins and owners only).",
            ),
        },
        descriptions={
            "webhook_state": "registering, registered, failed (see webhookFailure) or manual.",
        },
    )
    GitRepository = object_type(
        Repository, "GitRepository", "A repository a git connection's token can see."
    )
    GitBranch = object_type(Branch, "GitBranch", "A branch of a repository and its head commit.")
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


@strawberry.type(description="One page of a git connection's repositories.")
class GitRepositoryPage:
    items: list[GitRepository]
    next_page: int | None = strawberry.field(description="null on the last page.")


@strawberry.type(description="One page of a repository's branches.")
class GitBranchPage:
    items: list[GitBranch]
    next_page: int | None = strawberry.field(description="null on the last page.")


def git_repositories(
    info: Info[GqlContext, None], connection_id: strawberry.ID, page: int = 1, per_page: int = 50
) -> GitRepositoryPage:
    context = ctx(info)
    connection = entity(context.reads, "git_connection", connection_id, "connectionId")
    context.cacheable = False  # the provider's answer: no change notice covers it
    found = context.git.connections.repositories(connection.id, page, per_page)
    items = [r for r in found.items if isinstance(r, Repository)]
    return GitRepositoryPage(items=items, next_page=found.next_page)


def git_branches(
    info: Info[GqlContext, None],
    connection_id: strawberry.ID,
    repository: str,
    page: int = 1,
    per_page: int = 100,
) -> GitBranchPage:
    context = ctx(info)
    connection = entity(context.reads, "git_connection", connection_id, "connectionId")
    context.cacheable = False
    found = context.git.connections.branches(connection.id, repository, page, per_page)
    items = [b for b in found.items if isinstance(b, Branch)]
    return GitBranchPage(items=items, next_page=found.next_page)


def service_source(info: Info[GqlContext, None], service_id: strawberry.ID) -> ServiceSource | None:
    reads = ctx(info).reads
    service = entity(reads, "service", service_id, "serviceId")
    return reads.dashboard.service_source(service.id)


# Mutations


@strawberry.type(description="What one check of a git connection's token found.")
class GitConnectionCheck:
    status: str = strawberry.field(
        description="ok, broken (the provider refused the token; recorded when it changes) "
        "or unavailable (the provider did not answer; nothing recorded)."
    )
    reason: str | None
    login: str | None
    checked_at: datetime
    connection: GitConnection


def check_git_connection(info: Info[GqlContext, None], id: strawberry.ID) -> GitConnectionCheck:
    context = ctx(info)
    connection = entity(context.reads, "git_connection", id, "id")
    context.reads.gate.require(connection.organization_id, Permission.WRITE, "git connection")
    found = context.git.health.check(connection.id)
    context.wait_for(found.position)
    return GitConnectionCheck(
        status=found.status,
        reason=found.reason,
        login=found.login,
        checked_at=found.checked_at,
        connection=entity(context.reads, "git_connection", connection.id, "id"),
    )


check_git_connection_field = strawberry.mutation(
    resolver=check_git_connection,
    description="Ask the provider now whether the connection's token works (whom it acts "
    "as); a refusal marks the connection broken, a working token marks it ok again.",
)

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


def _source(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return context.reads.dashboard.service_source(command.service_id)


connect_service_repository = mutation(
    c.ConnectServiceRepository,
    "service_id connection_id repository branch webhook_mode",
    ServiceSource | None,
    result=_source,
    description="Build a service from a repository's branch at a git connection's provider "
    "(checked there first). webhookMode automatic (default): Containr registers the webhook "
    "(needs CONTAINR_PUBLIC_URL); manual: paste the source's webhookUrl and webhookSecret.",
)
disconnect_service_repository = mutation(
    c.DisconnectServiceRepository,
    "service_id",
    bool,
    description="Stop hearing a service's repository (its git source stays); an automatic "
    "webhook is removed from the provider.",
)
