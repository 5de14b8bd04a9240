"""Commit statuses: how far a pushed commit's deployment was reported back to the git
provider (issue 14).

A deployment caused by a push is reported on its commit under the context
``containr/<service>/<environment>``: pending when requested, running while it builds and
starts, success once healthy, failure when it failed, canceled when it was superseded or
cancelled. The policy here turns a deployment's state history into the reports it calls
for, in order; the aggregate records which of them reached the provider, one event per
report, so a restart neither loses nor records one twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from domain.base import ContainrAggregate
from domain.ids import Actor, derived_id

ReportState = Literal["pending", "running", "success", "failure", "canceled"]

_REPORTED: dict[str, ReportState] = {
    "queued": "pending",
    "building": "running",
    "built": "running",
    "starting": "running",
    "healthy": "success",
    "failed": "failure",
    "cancelled": "canceled",
    "superseded": "canceled",
}
"""A deployment state and the commit state it is reported as. A release rolled back after
it went live stays a success for its commit: it is not in the table."""
FINAL_REPORTS: frozenset[ReportState] = frozenset({"success", "failure", "canceled"})
MAX_DESCRIPTION = 140
"""GitHub refuses longer status descriptions; the others take at least this much."""


def reports_for(states: Iterable[str]) -> list[ReportState]:
    """The reports a deployment's state history calls for, in order: one per change of the
    reported state, none after a final one."""
    reports: list[ReportState] = []
    for state in states:
        report = _REPORTED.get(state)
        if report is None or (reports and reports[-1] == report):
            continue
        if reports and reports[-1] in FINAL_REPORTS:
            break
        reports.append(report)
    return reports


def describe(report: ReportState, reason: str) -> str:
    """The one-line description shown beside the status at the provider."""
    text = {
        "pending": "Deployment queued",
        "running": "Building and starting",
        "success": "Deployed: live and healthy",
        "failure": f"Deployment failed: {reason}",
        "canceled": f"Deployment stopped: {reason}",
    }[report]
    text = " ".join(text.split())
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def status_context(service: str, environment: str) -> str:
    """The context a service's deployments to an environment report under."""
    return f"containr/{service}/{environment}"


class CommitStatus(ContainrAggregate):
    """The commit statuses one deployment reported to its git provider, in order."""

    class Followed(ContainrAggregate.Created):
        """A pushed commit's deployment is reported to the provider from now on."""

        organization_id: UUID
        deployment_id: UUID
        connection_id: UUID
        repository: str
        commit: str
        context: str

    class Reported(ContainrAggregate.Event):
        """The provider accepted the ``number``-th report (1 the first) of the deployment."""

        deployment_id: UUID
        number: int
        state: str
        description: str

        def apply(self, aggregate: Any) -> None:
            aggregate.reported.append(self.state)

    class Stopped(ContainrAggregate.Event):
        """No more reports are made: the provider refused them, or could not be reached for
        too long (``reason`` as the provider or the process gave it)."""

        deployment_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stopped = self.reason

    def __init__(
        self,
        organization_id: UUID,
        deployment_id: UUID,
        connection_id: UUID,
        repository: str,
        commit: str,
        context: str,
    ) -> None:
        self.organization_id = organization_id
        self.deployment_id = deployment_id
        self.connection_id = connection_id
        self.repository = repository
        self.commit = commit
        self.context = context
        self.reported: list[str] = []
        self.stopped: str | None = None

    @staticmethod
    def id_for(deployment_id: UUID) -> UUID:
        """One record of reports per deployment."""
        return derived_id("commit-status", deployment_id)

    @classmethod
    def follow(
        cls,
        *,
        organization_id: UUID,
        deployment_id: UUID,
        connection_id: UUID,
        repository: str,
        commit: str,
        context: str,
        actor: Actor,
        now: datetime,
    ) -> CommitStatus:
        """Start the record of a deployment's reports (with its first report or refusal)."""
        return cls._create(
            cls.Followed,
            id=cls.id_for(deployment_id),
            organization_id=organization_id,
            deployment_id=deployment_id,
            connection_id=connection_id,
            repository=repository,
            commit=commit,
            context=context,
            actor=actor,
            timestamp=now,
        )

    def report(
        self, number: int, state: ReportState, description: str, *, actor: Actor, now: datetime
    ) -> bool:
        """Record the ``number``-th report; False (nothing recorded) when it was recorded
        already, is not the next one, or reports were stopped."""
        if number != len(self.reported) + 1 or self.stopped is not None:
            return False
        self.trigger_event(
            self.Reported,
            deployment_id=self.deployment_id,
            number=number,
            state=state,
            description=description,
            actor=actor,
            timestamp=now,
        )
        return True

    def stop(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Make no more reports, with the reason; False when stopped already."""
        if self.stopped is not None:
            return False
        self.trigger_event(
            self.Stopped,
            deployment_id=self.deployment_id,
            reason=reason,
            actor=actor,
            timestamp=now,
        )
        return True
