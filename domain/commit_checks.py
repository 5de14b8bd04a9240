"""Wait for CI: a pushed commit that deploys only once its checks at the provider pass
(issue 14).

A push matching a trigger with ``wait_for_ci`` records the commit as waiting (``Waiting``,
with the reason) instead of requesting a deployment. It then ends exactly once: the checks
passed and the deployment was requested (its id derived from the delivery, as a direct
push's is), the checks failed, nobody could tell in time, or a newer push to the same
branch superseded it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from domain.base import ContainrAggregate
from domain.ids import Actor, derived_id

ChecksOutcome = Literal["passed", "failed", "gave_up", "superseded"]


class CommitChecks(ContainrAggregate):
    """A pushed commit waiting for its checks before it deploys a service to an environment."""

    class Waiting(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        connection_id: UUID
        delivery_id: UUID
        repository: str
        branch: str
        commit: str
        reason: str

    class Ended(ContainrAggregate.Event):
        """The wait is over: ``outcome`` says how, ``summary`` what the provider said."""

        outcome: str
        summary: str
        deployment_id: UUID | None
        """The deployment requested (``passed`` only)."""
        superseded_by: UUID | None

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome = self.outcome

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        connection_id: UUID,
        delivery_id: UUID,
        repository: str,
        branch: str,
        commit: str,
        reason: str,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.connection_id = connection_id
        self.delivery_id = delivery_id
        self.repository = repository
        self.branch = branch
        self.commit = commit
        self.outcome: str | None = None

    @staticmethod
    def id_for(delivery_id: UUID, service_id: UUID, environment_id: UUID) -> UUID:
        """The wait a delivery causes for a service in an environment (one at most)."""
        return derived_id("commit-checks", delivery_id, service_id, environment_id)

    @classmethod
    def wait(
        cls,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        connection_id: UUID,
        delivery_id: UUID,
        repository: str,
        branch: str,
        commit: str,
        reason: str,
        actor: Actor,
        now: datetime,
    ) -> CommitChecks:
        """Record a pushed commit as waiting for its checks."""
        return cls._create(
            cls.Waiting,
            id=cls.id_for(delivery_id, service_id, environment_id),
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            connection_id=connection_id,
            delivery_id=delivery_id,
            repository=repository,
            branch=branch,
            commit=commit,
            reason=reason,
            actor=actor,
            timestamp=now,
        )

    @property
    def waiting(self) -> bool:
        """The wait has not ended."""
        return self.outcome is None

    def end(
        self,
        outcome: ChecksOutcome,
        summary: str,
        *,
        deployment_id: UUID | None = None,
        superseded_by: UUID | None = None,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """End the wait, once; False (nothing recorded) when it had ended already."""
        if not self.waiting:
            return False
        self.trigger_event(
            self.Ended,
            outcome=outcome,
            summary=summary[:500],
            deployment_id=deployment_id,
            superseded_by=superseded_by,
            actor=actor,
            timestamp=now,
        )
        return True
