"""Services: something a project runs, defined by its spec and deployed into environments."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.failover import FailoverPolicy
from domain.ids import Actor, DeploymentId, OrganizationId, ProjectId, ServiceId
from domain.service_source import (
    RepositorySource,
    WebhookMode,
    WebhookRemoval,
    WebhookState,
    check_full_name,
    webhook_key,
)
from domain.service_spec import GitSource, ServiceSpec
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
            aggregate.spec = aggregate.spec.with_replicas(self.replicas)

    class FailoverPolicySet(ContainrAggregate.Event):
        """How the service survives a dead node (None: the defaults; issue 17)."""

        policy: FailoverPolicy | None

        def apply(self, aggregate: Any) -> None:
            aggregate.failover = self.policy

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
        keep_volumes: bool
        """The service's volumes stay (orphaned, until removed) rather than going with it."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Services deleted before volumes existed had none to remove."""
            state["keep_volumes"] = True

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted = True
            aggregate.volumes_kept = self.keep_volumes

    class VolumeReleased(ContainrAggregate.Event):
        """A volume the deleted service kept is to be removed, data and all."""

        volume: str

        def apply(self, aggregate: Any) -> None:
            aggregate.released_volumes = aggregate.released_volumes | {self.volume}

    class TriggersSet(ContainrAggregate.Event):
        connection_id: UUID | None
        triggers: tuple[PushTrigger, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.git_connection_id = self.connection_id
            aggregate.triggers = self.triggers

    class RepositoryConnected(ContainrAggregate.Event):
        """The service builds from a repository heard through a git connection."""

        connection_id: UUID
        repository: str
        branch: str
        webhook_mode: WebhookMode

        def apply(self, aggregate: Any) -> None:
            automatic = self.webhook_mode is WebhookMode.AUTOMATIC
            aggregate.source = RepositorySource(
                connection_id=self.connection_id,
                repository=self.repository,
                branch=self.branch,
                webhook_mode=self.webhook_mode,
                webhook_state=WebhookState.REGISTERING if automatic else WebhookState.MANUAL,
            )
            aggregate.git_connection_id = self.connection_id
            aggregate.webhook_removals.pop(aggregate.source.key, None)

    class WebhookRegistered(ContainrAggregate.Event):
        """The provider has the webhook, signed with the connection's ``secret_generation``
        (registered again after a rotation)."""

        connection_id: UUID
        repository: str
        hook_id: str
        secret_generation: int

        def apply(self, aggregate: Any) -> None:
            aggregate.source = replace(
                aggregate.source,
                webhook_state=WebhookState.REGISTERED,
                hook_id=self.hook_id,
                failure=None,
                secret_generation=self.secret_generation,
            )

    class WebhookRegistrationFailed(ContainrAggregate.Event):
        connection_id: UUID
        repository: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.source = replace(
                aggregate.source, webhook_state=WebhookState.FAILED, failure=self.reason
            )

    class RepositoryDisconnected(ContainrAggregate.Event):
        """The repository is no longer the service's; an automatic webhook is to be removed
        (``remove_webhook``), by its id when its registration was recorded."""

        connection_id: UUID
        repository: str
        hook_id: str | None
        remove_webhook: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.source = None
            aggregate.git_connection_id = None
            if self.remove_webhook:
                key = webhook_key(self.connection_id, self.repository)
                aggregate.webhook_removals[key] = WebhookRemoval(
                    self.connection_id, self.repository, self.hook_id
                )

    class WebhookRemoved(ContainrAggregate.Event):
        connection_id: UUID
        repository: str

        def apply(self, aggregate: Any) -> None:
            aggregate.webhook_removals.pop(webhook_key(self.connection_id, self.repository), None)

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
        self.volumes_kept = True
        self.released_volumes: frozenset[str] = frozenset()
        self.git_connection_id: UUID | None = None
        self.triggers: tuple[PushTrigger, ...] = ()
        self.source: RepositorySource | None = None
        self.webhook_removals: dict[str, WebhookRemoval] = {}
        self.failover: FailoverPolicy | None = None
        """Its failover policy (None: every replica on a dead node is placed again)."""

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
        self.spec.check_replicas(replicas)
        if replicas != self.spec.replicas:
            self.trigger_event(
                self.Scaled,
                replicas=replicas,
                previous=self.spec.replicas,
                actor=actor,
                timestamp=now,
            )

    def set_failover(self, policy: FailoverPolicy | None, *, actor: Actor, now: datetime) -> bool:
        """Set how the service survives a dead node (None: the defaults); False when it was
        so already."""
        self._require_live()
        if policy is not None:
            policy.check(self.spec.replicas)
        if policy == self.failover:
            return False
        self.trigger_event(self.FailoverPolicySet, policy=policy, actor=actor, timestamp=now)
        return True

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
        if self.source is not None:
            if connection_id is None:
                connection_id = self.source.connection_id
            elif connection_id != self.source.connection_id:
                raise RuleViolatedError(
                    f"service {self.name!r} hears its repository through git connection "
                    f"{self.source.connection_id}; its triggers use that connection"
                )
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

    def connect_repository(
        self,
        connection_id: UUID,
        repository: str,
        branch: str,
        webhook_mode: WebhookMode,
        *,
        clone_url: str,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Build from ``repository``'s ``branch`` at a git connection's provider; the git
        source follows (``clone_url``). False when it was connected so already."""
        self._require_live()
        repository = check_full_name(repository)
        if self.spec.image is not None:
            raise RuleViolatedError(
                f"service {self.name!r} runs the image {self.spec.image}; a repository cannot "
                "feed it: create a service built from git"
            )
        root = self.spec.git.root_directory if self.spec.git is not None else ""
        git = GitSource(repository_url=clone_url, branch=branch, root_directory=root)
        git.check()
        same = self.source is not None and (
            self.source.connection_id,
            self.source.repository,
            self.source.branch,
            self.source.webhook_mode,
        ) == (connection_id, repository, branch, webhook_mode)
        if same and self.spec.git == git:
            return False
        self.disconnect_repository(actor=actor, now=now)
        self.reconfigure(replace(self.spec, git=git), actor=actor, now=now)
        self.trigger_event(
            self.RepositoryConnected,
            connection_id=connection_id,
            repository=repository,
            branch=branch,
            webhook_mode=webhook_mode,
            actor=actor,
            timestamp=now,
        )
        return True

    def disconnect_repository(self, *, actor: Actor, now: datetime) -> bool:
        """No longer hear the repository (the git source stays); an automatic webhook is
        removed from the provider afterwards. False when none was connected."""
        source = self.source
        if source is None:
            return False
        self.trigger_event(
            self.RepositoryDisconnected,
            connection_id=source.connection_id,
            repository=source.repository,
            hook_id=source.hook_id,
            remove_webhook=source.webhook_mode is WebhookMode.AUTOMATIC,
            actor=actor,
            timestamp=now,
        )
        return True

    def webhook_registered(
        self,
        connection_id: UUID,
        repository: str,
        hook_id: str,
        secret_generation: int = 0,
        *,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Report: the provider has the webhook. Recorded once, and only while the same
        repository is still connected and waits for it, or was registered with an older
        secret (a late or repeated report changes nothing)."""
        waiting = self._registering(connection_id, repository, WebhookState.REGISTERING)
        renewed = (
            self._registering(connection_id, repository, WebhookState.REGISTERED)
            and self.source is not None
            and secret_generation > self.source.secret_generation
        )
        if not (waiting or renewed):
            return False
        self.trigger_event(
            self.WebhookRegistered,
            connection_id=connection_id,
            repository=repository,
            hook_id=hook_id,
            secret_generation=secret_generation,
            actor=actor,
            timestamp=now,
        )
        return True

    def webhook_refused(
        self, connection_id: UUID, repository: str, reason: str, *, actor: Actor, now: datetime
    ) -> bool:
        """Report: the provider refused the webhook (no admin rights on the repository...)."""
        if not self._registering(connection_id, repository, WebhookState.REGISTERING):
            return False
        self.trigger_event(
            self.WebhookRegistrationFailed,
            connection_id=connection_id,
            repository=repository,
            reason=" ".join(reason.split())[:500],
            actor=actor,
            timestamp=now,
        )
        return True

    def webhook_removed(
        self, connection_id: UUID, repository: str, *, actor: Actor, now: datetime
    ) -> bool:
        """Report: the disconnected repository's webhook is off the provider (once)."""
        if webhook_key(connection_id, repository) not in self.webhook_removals:
            return False
        self.trigger_event(
            self.WebhookRemoved,
            connection_id=connection_id,
            repository=repository,
            actor=actor,
            timestamp=now,
        )
        return True

    def _registering(self, connection_id: UUID, repository: str, state: WebhookState) -> bool:
        source = self.source
        return (
            source is not None
            and source.key == webhook_key(connection_id, repository)
            and source.webhook_state is state
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

    def delete(self, *, keep_volumes: bool = True, actor: Actor, now: datetime) -> None:
        """Delete the service (its repository's automatic webhook is removed after); its
        volumes go with its containers unless ``keep_volumes``."""
        self._require_live()
        self.disconnect_repository(actor=actor, now=now)
        self.trigger_event(self.Deleted, keep_volumes=keep_volumes, actor=actor, timestamp=now)

    def release_volume(self, volume: str, *, actor: Actor, now: datetime) -> bool:
        """Remove a volume the deleted service kept (in every environment); False when it
        is being removed already."""
        if not self.deleted or not self.volumes_kept:
            raise RuleViolatedError(
                f"only the kept volumes of a deleted service can be removed; service "
                f"{self.name!r} " + ("still runs" if not self.deleted else "kept none")
            )
        if volume not in {v.name for v in self.spec.volumes}:
            raise InvalidValueError("volume", f"service {self.name!r} had no volume {volume!r}")
        if volume in self.released_volumes:
            return False
        self.trigger_event(self.VolumeReleased, volume=volume, actor=actor, timestamp=now)
        return True

    def volume_doomed(self, volume: str) -> bool:
        """Whether the engine should remove this volume of the service (once unused)."""
        return self.deleted and (not self.volumes_kept or volume in self.released_volumes)

    def _require_live(self) -> None:
        if self.deleted:
            raise ServiceDeletedError(
                f"service {self.name!r} is deleted; create a new service to run it again"
            )
