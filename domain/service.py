"""Services: something a project runs, defined by its spec and deployed into environments."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import RuleViolatedError
from domain.ids import Actor, DeploymentId, OrganizationId, ProjectId, ServiceId
from domain.service_spec import ServiceSpec
from domain.triggers import PushTrigger, check_triggers
from domain.values import SealedValue, validate_slug


class ServiceDeletedError(RuleViolatedError):
    """Raised when a deleted service is asked to change or deploy."""


class Service(ContainrAggregate):
    """A service of a project: a name unique in the project and a spec."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        name: str
        spec: ServiceSpec
        repository_token: str | None

    class Reconfigured(ContainrAggregate.Event):
        spec: ServiceSpec
        changed: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.spec = self.spec

    class Scaled(ContainrAggregate.Event):
        replicas: int
        previous: int

        def apply(self, aggregate: Any) -> None:
            aggregate.spec = replace(aggregate.spec, replicas=self.replicas)

    class RepositoryTokenChanged(ContainrAggregate.Event):
        repository_token: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.repository_token = self.repository_token

    class ReleasePromoted(ContainrAggregate.Event):
        environment_id: UUID
        deployment_id: UUID
        previous_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            aggregate.live_releases[self.environment_id] = self.deployment_id

    class Deleted(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True

    class TriggersSet(ContainrAggregate.Event):
        connection_id: UUID | None
        triggers: tuple[PushTrigger, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.git_connection_id = self.connection_id
            aggregate.triggers = self.triggers

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        name: str,
        spec: ServiceSpec,
        repository_token: str | None,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.name = name
        self.spec = spec
        self.repository_token: SealedValue | None = (
            SealedValue(repository_token) if repository_token else None
        )
        self.live_releases: dict[UUID, UUID] = {}
        self.deleted = False
        self.git_connection_id: UUID | None = None
        self.triggers: tuple[PushTrigger, ...] = ()

    @classmethod
    def create(
        cls,
        service_id: ServiceId,
        organization_id: OrganizationId,
        project_id: ProjectId,
        name: str,
        spec: ServiceSpec,
        *,
        repository_token: SealedValue | None = None,
        actor: Actor,
        now: datetime,
    ) -> Service:
        """Define a new service (its name is reserved in the project by the caller)."""
        return cls._create(
            cls.Created,
            id=service_id,
            organization_id=organization_id,
            project_id=project_id,
            name=validate_slug("name", name),
            spec=spec.check(),
            repository_token=repository_token,
            actor=actor,
            timestamp=now,
        )

    def reconfigure(self, spec: ServiceSpec, *, actor: Actor, now: datetime) -> tuple[str, ...]:
        """Replace the spec; returns the names of the fields that changed."""
        self._require_live()
        spec = spec.check()
        if spec.kind is not self.spec.kind:
            raise RuleViolatedError(
                f"a service's kind cannot change ({self.spec.kind.value} -> {spec.kind.value}); "
                "create another service"
            )
        changed = tuple(
            f.name for f in fields(spec) if getattr(spec, f.name) != getattr(self.spec, f.name)
        )
        if changed == ("replicas",):
            self.scale(spec.replicas, actor=actor, now=now)
        elif changed:
            self.trigger_event(
                self.Reconfigured, spec=spec, changed=changed, actor=actor, timestamp=now
            )
        return changed

    def scale(self, replicas: int, *, actor: Actor, now: datetime) -> None:
        """Run another number of replicas."""
        self._require_live()
        replace(self.spec, replicas=replicas).check()
        if replicas != self.spec.replicas:
            self.trigger_event(
                self.Scaled,
                replicas=replicas,
                previous=self.spec.replicas,
                actor=actor,
                timestamp=now,
            )

    def change_repository_token(
        self, token: SealedValue | None, *, actor: Actor, now: datetime
    ) -> None:
        """Store a new (sealed) token for a private repository, or forget it."""
        self._require_live()
        if token != self.repository_token:
            self.trigger_event(
                self.RepositoryTokenChanged, repository_token=token, actor=actor, timestamp=now
            )

    def set_triggers(
        self,
        connection_id: UUID | None,
        triggers: tuple[PushTrigger, ...],
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Deploy on pushes the connection's webhook reports (none: no push deploys)."""
        self._require_live()
        if triggers and connection_id is None:
            raise RuleViolatedError("push triggers need a git connection to hear pushes from")
        if triggers and self.spec.git is None:
            raise RuleViolatedError(
                f"service {self.name!r} is not built from git, so no push can deploy it; "
                "give it a git source first"
            )
        triggers = check_triggers(triggers)
        if (connection_id, triggers) != (self.git_connection_id, self.triggers):
            self.trigger_event(
                self.TriggersSet,
                connection_id=connection_id,
                triggers=triggers,
                actor=actor,
                timestamp=now,
            )

    def token_context(self) -> str:
        """What the sealed repository token is bound to."""
        return f"repository-token:{self.id}"

    def live_release(self, environment_id: UUID) -> UUID | None:
        """The deployment that serves the service in an environment now, if any."""
        return self.live_releases.get(environment_id)

    def promote(
        self, environment_id: UUID, deployment_id: DeploymentId, *, actor: Actor, now: datetime
    ) -> None:
        """Make a healthy release the one that serves the service in an environment."""
        previous = self.live_releases.get(environment_id)
        if previous != deployment_id:
            self.trigger_event(
                self.ReleasePromoted,
                environment_id=environment_id,
                deployment_id=deployment_id,
                previous_id=previous,
                actor=actor,
                timestamp=now,
            )

    def delete(self, *, actor: Actor, now: datetime) -> None:
        """Delete the service."""
        self._require_live()
        self.trigger_event(self.Deleted, actor=actor, timestamp=now)

    def _require_live(self) -> None:
        if self.deleted:
            raise ServiceDeletedError(
                f"service {self.name!r} is deleted; create a new service to run it again"
            )
