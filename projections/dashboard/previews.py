"""The dashboard's preview environments and projects' preview policies (issue 14).

When a preview is removed, the rows of its environment go with it: the services' states
there, its variables and its releases (the history read model keeps the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.preview import Preview
from domain.project import Project
from projections.base import handles
from projections.dashboard.deployments import DEPLOYMENTS
from projections.dashboard.projects import PROJECTS
from projections.dashboard.services import SERVICE_STATES
from projections.dashboard.variables import VARIABLE_SETS, VARIABLES
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class PreviewRow:
    """A pull request's preview environment: where it runs and how it stands."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    connection_id: UUID
    repository: str
    number: int
    title: str
    head_branch: str
    base_branch: str
    head_commit: str
    from_fork: bool
    pull_request_url: str
    state: str
    """active, refused, removing or removed."""
    reason: str
    """Why it was refused or removed."""
    environment_id: UUID | None
    environment_name: str
    urls: list[str]
    service_ids: list[str]
    deployment_ids: list[str]
    opened_at: datetime
    last_activity_at: datetime
    removed_at: datetime | None
    pending_comments: list[dict[str, Any]]
    """Comments to the pull request not posted yet (operation id and body)."""
    comment_outcome: str | None
    """What became of the last comment: posted, or why it could not be."""
    comments_pending: bool = False
    """Whether ``pending_comments`` holds any (what the preview process looks up)."""
    position: int = 0


@dataclass(frozen=True)
class PreviewPolicyRow:
    """A project's preview policy (override names only: their values stay sealed)."""

    project_id: UUID
    organization_id: UUID
    enabled: bool
    base_environment_id: UUID | None
    services: str
    override_names: list[str]
    ttl_days: int
    limit: int
    when_full: str
    min_free_disk_gb: float | None
    min_free_disk_percent: float | None
    updated_at: datetime
    position: int = 0


PREVIEWS = Table(
    "previews",
    PreviewRow,
    ("id",),
    notices=(("project", "project_id"), ("preview", "id")),
    indexes=(("project_id", "opened_at"), ("state",), ("comments_pending",)),
)
PREVIEW_POLICIES = Table(
    "preview_policies",
    PreviewPolicyRow,
    ("project_id",),
    notices=(("project", "project_id"),),
)


def _opened(e: Any, row: dict[str, Any]) -> dict[str, Any]:
    pr = e.pull_request
    return {
        **row,
        "repository": pr.repository,
        "number": pr.number,
        "title": pr.title,
        "head_branch": pr.head_branch,
        "base_branch": pr.base_branch,
        "head_commit": pr.head_commit,
        "from_fork": pr.from_fork,
        "pull_request_url": pr.url,
        "state": e.state.value,
        "reason": e.reason,
        "environment_id": e.environment_id,
        "environment_name": f"pr-{pr.number}",
        "urls": list(e.urls),
        "service_ids": [str(s) for s in e.service_ids],
        "deployment_ids": [str(d) for d in e.deployment_ids],
        "opened_at": e.timestamp,
        "last_activity_at": e.timestamp,
        "removed_at": None,
    }


class PreviewHandlers:
    """Previews, and the policies that make them."""

    @handles(Project.PreviewPolicySet)
    def preview_policy_set(self, e: Project.PreviewPolicySet, store: RowStore) -> None:
        """A project's preview policy changed."""
        project = store.get(PROJECTS, e.originator_id)
        policy = e.policy
        store.put(
            PREVIEW_POLICIES,
            {
                "project_id": e.originator_id,
                "organization_id": project["organization_id"] if project else None,
                "enabled": policy.enabled,
                "base_environment_id": policy.base_environment_id,
                "services": policy.services.value,
                "override_names": [name for name, _ in e.overrides_secret],
                "ttl_days": policy.ttl_days,
                "limit": policy.limit,
                "when_full": policy.when_full.value,
                "min_free_disk_gb": policy.min_free_disk_gb,
                "min_free_disk_percent": policy.min_free_disk_percent,
                "updated_at": e.timestamp,
            },
        )

    @handles(Preview.Opened)
    def preview_opened(self, e: Preview.Opened, store: RowStore) -> None:
        """A pull request's preview was made (or refused)."""
        row = {
            "id": e.originator_id,
            "organization_id": e.organization_id,
            "project_id": e.project_id,
            "connection_id": e.connection_id,
            "pending_comments": [],
            "comment_outcome": None,
            "comments_pending": False,
        }
        store.put(PREVIEWS, _opened(e, row))

    @handles(Preview.Reopened)
    def preview_reopened(self, e: Preview.Reopened, store: RowStore) -> None:
        """A pull request opened again."""
        row = store.get(PREVIEWS, e.originator_id)
        if row is not None:
            store.put(PREVIEWS, _opened(e, dict(row)))

    @handles(Preview.Updated)
    def preview_updated(self, e: Preview.Updated, store: RowStore) -> None:
        """A push to the pull request redeployed the preview."""
        row = store.get(PREVIEWS, e.originator_id)
        if row is None:
            return
        pr = e.pull_request
        store.update(
            PREVIEWS,
            (e.originator_id,),
            title=pr.title,
            head_branch=pr.head_branch,
            head_commit=pr.head_commit,
            service_ids=[str(s) for s in e.service_ids],
            deployment_ids=[*row["deployment_ids"], *(str(d) for d in e.deployment_ids)],
            last_activity_at=e.timestamp,
        )

    @handles(Preview.RemovalStarted)
    def preview_removal_started(self, e: Preview.RemovalStarted, store: RowStore) -> None:
        """The preview is being removed."""
        store.update(PREVIEWS, (e.originator_id,), state="removing", reason=e.reason)

    @handles(Preview.Removed)
    def preview_removed(self, e: Preview.Removed, store: RowStore) -> None:
        """Everything the preview made is gone, and so are its environment's rows."""
        store.update(PREVIEWS, (e.originator_id,), state="removed", removed_at=e.timestamp)
        for service_id in e.service_ids:
            store.delete(SERVICE_STATES, service_id, e.environment_id)
        for set_id, names in e.variables:
            for name in names:
                store.delete(VARIABLES, set_id, name)
            store.delete(VARIABLE_SETS, set_id)
        for deployment_id in e.deployment_ids:
            store.delete(DEPLOYMENTS, deployment_id)

    @handles(Preview.CommentRequested)
    def preview_comment_requested(self, e: Preview.CommentRequested, store: RowStore) -> None:
        """A comment for the pull request, to be posted."""
        row = store.get(PREVIEWS, e.originator_id)
        if row is not None:
            pending = [*row["pending_comments"]]
            pending.append({"operation_id": e.comment.operation_id, "body": e.comment.body})
            store.update(
                PREVIEWS, (e.originator_id,), pending_comments=pending, comments_pending=True
            )

    @handles(Preview.CommentRecorded)
    def preview_comment_recorded(self, e: Preview.CommentRecorded, store: RowStore) -> None:
        """A comment was posted, or could not be."""
        row = store.get(PREVIEWS, e.originator_id)
        if row is not None:
            pending = [p for p in row["pending_comments"] if p["operation_id"] != e.operation_id]
            outcome = "posted" if e.posted else f"not posted: {e.reason}"
            store.update(
                PREVIEWS,
                (e.originator_id,),
                pending_comments=pending,
                comment_outcome=outcome,
                comments_pending=bool(pending),
            )
