"""The dashboard's pushed commits: those waiting for their checks ("wait for CI") and the
commit statuses each pushed deployment reported to its provider (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.commit_checks import CommitChecks
from domain.commit_status import FINAL_REPORTS, CommitStatus, status_context
from domain.webhook_delivery import WebhookDelivery
from projections.base import handles
from projections.dashboard.projects import ENVIRONMENTS
from projections.dashboard.services import SERVICES
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class CommitChecksRow:
    """A pushed commit that deploys once its checks pass: waiting, or how the wait ended."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    connection_id: UUID
    delivery_id: UUID
    repository: str
    branch: str
    commit: str
    context: str
    """Containr's own status context on the commit (left out of the checks it waits for)."""
    reason: str
    state: str
    """``waiting``, then ``passed`` (deployment requested), ``failed``, ``gave_up`` or
    ``superseded``."""
    summary: str | None
    deployment_id: UUID | None
    superseded_by: UUID | None
    waiting_since: datetime
    ended_at: datetime | None
    sequence: int
    """The log position it started waiting at: of two waits, the later push is newer."""
    position: int = 0


@dataclass(frozen=True)
class CommitStatusRow:
    """A pushed deployment's commit statuses at its provider: the reports made, in order."""

    deployment_id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    connection_id: UUID
    repository: str
    commit: str
    context: str
    reported: list[str]
    """The states the provider accepted, in order (pending, running, success …)."""
    stopped_reason: str | None
    """Why reports stopped before the deployment ended (the provider refused them …)."""
    done: bool
    """Nothing more to report: a final state was reported, or reports stopped."""
    updated_at: datetime
    position: int = 0


COMMIT_CHECKS = Table(
    "commit_checks",
    CommitChecksRow,
    ("id",),
    notices=(("service", "service_id"),),
    indexes=(("state",), ("service_id", "sequence"), ("delivery_id",)),
)
COMMIT_STATUSES = Table(
    "commit_statuses",
    CommitStatusRow,
    ("deployment_id",),
    notices=(("deployment", "deployment_id"), ("service", "service_id")),
    indexes=(("done",),),
)


def _context(store: RowStore, service_id: UUID, environment_id: UUID) -> str | None:
    service = store.get(SERVICES, service_id)
    environment = store.get(ENVIRONMENTS, environment_id)
    if service is None or environment is None:
        return None
    return status_context(service["name"], environment["name"])


def follow_pushed_deployments(
    store: RowStore, e: WebhookDelivery.Handled, delivery: dict[str, Any]
) -> None:
    """The deployments a push requested (``delivery`` its row): report on its commit."""
    for caused in e.caused:
        if caused.deployment_id is None or not caused.commit:
            continue
        _follow(
            store,
            deployment_id=caused.deployment_id,
            organization_id=delivery["organization_id"],
            service_id=caused.service_id,
            environment_id=caused.environment_id,
            connection_id=delivery["connection_id"],
            repository=delivery["repository"],
            commit=caused.commit,
            at=e.timestamp,
        )


def _follow(
    store: RowStore,
    *,
    deployment_id: UUID,
    organization_id: UUID,
    service_id: UUID,
    environment_id: UUID,
    connection_id: UUID,
    repository: str,
    commit: str,
    at: datetime,
) -> None:
    """A pushed deployment was requested: its statuses are reported from now on."""
    service = store.get(SERVICES, service_id)
    context = _context(store, service_id, environment_id)
    if service is None or context is None or store.get(COMMIT_STATUSES, deployment_id):
        return
    store.put(
        COMMIT_STATUSES,
        {
            "deployment_id": deployment_id,
            "organization_id": organization_id,
            "project_id": service["project_id"],
            "service_id": service_id,
            "environment_id": environment_id,
            "connection_id": connection_id,
            "repository": repository,
            "commit": commit,
            "context": context,
            "reported": [],
            "stopped_reason": None,
            "done": False,
            "updated_at": at,
        },
    )


class CommitHandlers:
    """Commits waiting for checks, and the commit statuses of pushed deployments."""

    @handles(CommitChecks.Waiting)
    def commit_waiting(self, e: CommitChecks.Waiting, store: RowStore) -> None:
        """A pushed commit waits for its checks."""
        store.put(
            COMMIT_CHECKS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "connection_id": e.connection_id,
                "delivery_id": e.delivery_id,
                "repository": e.repository,
                "branch": e.branch,
                "commit": e.commit,
                "context": _context(store, e.service_id, e.environment_id) or "containr",
                "reason": e.reason,
                "state": "waiting",
                "summary": None,
                "deployment_id": None,
                "superseded_by": None,
                "waiting_since": e.timestamp,
                "ended_at": None,
                "sequence": store.position,
            },
        )

    @handles(CommitChecks.Ended)
    def commit_checks_ended(self, e: CommitChecks.Ended, store: RowStore) -> None:
        """The wait ended: passed (and deployed), failed, gave up or superseded."""
        row = store.update(
            COMMIT_CHECKS,
            (e.originator_id,),
            state=e.outcome,
            summary=e.summary,
            deployment_id=e.deployment_id,
            superseded_by=e.superseded_by,
            ended_at=e.timestamp,
        )
        if row is None or e.deployment_id is None:
            return
        _follow(
            store,
            deployment_id=e.deployment_id,
            organization_id=row["organization_id"],
            service_id=row["service_id"],
            environment_id=row["environment_id"],
            connection_id=row["connection_id"],
            repository=row["repository"],
            commit=row["commit"],
            at=e.timestamp,
        )

    @handles(CommitStatus.Reported)
    def commit_status_reported(self, e: CommitStatus.Reported, store: RowStore) -> None:
        """The provider accepted a deployment's next commit status."""
        row = _status_row(store, e)
        if row is None:
            return
        reported = [*row["reported"], e.state]
        store.update(
            COMMIT_STATUSES,
            (row["deployment_id"],),
            reported=reported,
            done=row["done"] or e.state in FINAL_REPORTS,
            updated_at=e.timestamp,
        )

    @handles(CommitStatus.Stopped)
    def commit_status_stopped(self, e: CommitStatus.Stopped, store: RowStore) -> None:
        """No more commit statuses for a deployment, and why."""
        row = _status_row(store, e)
        if row is None:
            return
        store.update(
            COMMIT_STATUSES,
            (row["deployment_id"],),
            stopped_reason=e.reason,
            done=True,
            updated_at=e.timestamp,
        )


def _status_row(store: RowStore, e: CommitStatus.Reported | CommitStatus.Stopped) -> Any:
    """The row of the deployment a CommitStatus event belongs to."""
    return store.get(COMMIT_STATUSES, e.deployment_id)
