"""GraphQL types, queries, mutations and the subscription of preview environments (issue 14).
Every read goes through the caller's read gate; override values are never shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.bus import CommandResult
from application.readmodels import PreviewPolicyRow, PreviewRow
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import object_type
from interfaces.graphql.types import ctx

DEFAULT_TTL_DAYS = 7


def preview_expires_at(root: PreviewRow, info: Info[GqlContext, None]) -> datetime | None:
    """When an active preview is removed for want of pushes (its project's time to live)."""
    if root.state != "active":
        return None
    policy = ctx(info).reads.dashboard.preview_policy(root.project_id)
    ttl = policy.ttl_days if policy is not None else DEFAULT_TTL_DAYS
    return root.last_activity_at + timedelta(days=ttl)


if TYPE_CHECKING:
    Preview = PreviewRow
    PreviewPolicy = PreviewPolicyRow
else:
    Preview = object_type(
        PreviewRow,
        "Preview",
        "A pull request's preview environment (`pr-<number>`): its pull request, state "
        "(active, refused, removing, removed), URLs and activity.",
        hide=("pending_comments", "comments_pending"),
        fields={
            "expires_at": strawberry.field(
                resolver=preview_expires_at,
                description="When it is removed unless pushed to (null unless active).",
            )
        },
        descriptions={
            "reason": "Why it was refused or removed.",
            "urls": "One URL per web service, as posted to the pull request.",
            "comment_outcome": "What became of the last comment to the pull request.",
        },
    )
    PreviewPolicy = object_type(
        PreviewPolicyRow,
        "PreviewPolicy",
        "How a project's pull requests get preview environments (override values stay "
        "sealed: only their names are shown).",
    )


# Queries


def previews(
    info: Info[GqlContext, None], project_id: strawberry.ID, include_removed: bool = False
) -> list[Preview]:
    reads = ctx(info).reads
    project = entity(reads, "project", project_id, "projectId")
    return reads.dashboard.previews(project.id, include_removed=include_removed)


def preview_policy(info: Info[GqlContext, None], project_id: strawberry.ID) -> PreviewPolicy | None:
    reads = ctx(info).reads
    project = entity(reads, "project", project_id, "projectId")
    return reads.dashboard.preview_policy(project.id)


# Mutations


def _policy(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return context.reads.dashboard.preview_policy(command.project_id)


def _preview(context: GqlContext, result: CommandResult, command: Any) -> Any:
    return entity(context.reads, "preview", command.preview_id, "id")


set_preview_policy = mutation(
    c.SetPreviewPolicy,
    "project_id enabled base_environment_id services overrides ttl_days limit when_full "
    "min_free_disk_gb min_free_disk_percent",
    PreviewPolicy | None,
    result=_policy,
    description="How a project's pull requests get preview environments: on or off, the base "
    "environment whose variables are copied (default production), which services (touched "
    "or all), variable overrides (sealed; leave out to keep those set), the time to live in "
    "days, the limit and what happens at it (remove_oldest or refuse_new), and the disk guard "
    "(free GB or percent under which no preview is made).",
)
remove_preview = mutation(
    c.RemovePreview,
    "id=preview_id",
    Preview,
    result=_preview,
    description="Remove a preview now: its containers, network, routes, images and rows.",
)
