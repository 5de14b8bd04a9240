"""Projects: a group of services with their environments, owned by an organisation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.autoscaling import BUDGET_WARNING
from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, NameTakenError, RuleViolatedError
from domain.ids import Actor, EnvironmentId, OrganizationId, ProjectId
from domain.preview import PreviewPolicy
from domain.values import validate_name, validate_slug

RESTORE_WINDOW = timedelta(days=30)


class EnvironmentKind(Enum):
    """What an environment is for; a project has exactly one production environment."""

    PRODUCTION = "production"
    PREVIEW = "preview"
    DEVELOPMENT = "development"


@dataclass(frozen=True)
class Environment:
    """A named place a project's services are deployed into."""

    id: UUID
    name: str
    kind: EnvironmentKind


class PlacementPreference(Enum):
    """How a project's replicas go onto nodes: few nodes, well filled (cheaper), or spread out
    (each node lightly loaded)."""

    PACK = "pack"
    SPREAD = "spread"


class ProjectDeletedError(RuleViolatedError):
    """Raised when a deleted project is asked to change."""


class Project(ContainrAggregate):
    """A project: name, slug unique in its organisation, environments, soft deletion."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        name: str
        slug: str
        production_environment_id: UUID

    class Renamed(ContainrAggregate.Event):
        name: str
        slug: str

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.slug = self.slug

    class EnvironmentAdded(ContainrAggregate.Event):
        environment_id: UUID
        name: str
        kind: EnvironmentKind

        def apply(self, aggregate: Any) -> None:
            env = Environment(self.environment_id, self.name, self.kind)
            aggregate.environments[self.environment_id] = env

    class EnvironmentRemoved(ContainrAggregate.Event):
        environment_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate.environments[self.environment_id]

    class PreviewPolicySet(ContainrAggregate.Event):
        policy: PreviewPolicy
        """The policy without its overrides' values (what the audit timeline shows)."""
        overrides_secret: tuple[tuple[str, str], ...]
        """(name, sealed value) of each override: named as secret material, so the audit
        timeline records only that it was set."""

        def apply(self, aggregate: Any) -> None:
            aggregate.preview_policy = replace(self.policy, overrides=self.overrides_secret)

    class BudgetSet(ContainrAggregate.Event):
        """The project's hourly budget, shared by its services (None: no budget; issue 16)."""

        hourly_budget: float | None

        def apply(self, aggregate: Any) -> None:
            aggregate.hourly_budget = self.hourly_budget
            if self.hourly_budget is None:
                aggregate.budget_warned = False

    class BudgetWarningReached(ContainrAggregate.Event):
        """The project's services cost 80 % of its hourly budget or more."""

        hourly_cost: float
        budget: float

        def apply(self, aggregate: Any) -> None:
            aggregate.budget_warned = True

    class BudgetWarningCleared(ContainrAggregate.Event):
        hourly_cost: float

        def apply(self, aggregate: Any) -> None:
            aggregate.budget_warned = False

    class PlacementSet(ContainrAggregate.Event):
        """Whether the project's replicas are packed onto few nodes or spread out."""

        placement: PlacementPreference

        def apply(self, aggregate: Any) -> None:
            aggregate.placement = self.placement

    class Deleted(ContainrAggregate.Event):
        restorable_until: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.deleted_at = self.timestamp
            aggregate.restorable_until = self.restorable_until

    class Restored(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.deleted_at = None
            aggregate.restorable_until = None

    def __init__(
        self, organization_id: UUID, name: str, slug: str, production_environment_id: UUID
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.slug = slug
        self.environments: dict[UUID, Environment] = {
            production_environment_id: Environment(
                production_environment_id, "production", EnvironmentKind.PRODUCTION
            )
        }
        self.deleted_at: datetime | None = None
        self.restorable_until: datetime | None = None
        self.preview_policy = PreviewPolicy()
        self.hourly_budget: float | None = None
        self.budget_warned = False
        self.placement = PlacementPreference.SPREAD

    @classmethod
    def create(
        cls,
        project_id: ProjectId,
        organization_id: OrganizationId,
        name: str,
        slug: str,
        production_environment_id: EnvironmentId,
        *,
        actor: Actor,
        now: datetime,
    ) -> Project:
        """Start a project; its production environment exists from the first moment."""
        return cls._create(
            cls.Created,
            id=project_id,
            organization_id=organization_id,
            name=validate_name("name", name),
            slug=validate_slug("slug", slug),
            production_environment_id=production_environment_id,
            actor=actor,
            timestamp=now,
        )

    @property
    def is_deleted(self) -> bool:
        """Whether the project is in the bin (deleted, maybe still restorable)."""
        return self.deleted_at is not None

    def is_restorable(self, now: datetime) -> bool:
        """Whether a deleted project can still be brought back."""
        return self.restorable_until is not None and now < self.restorable_until

    def environment(self, environment_id: UUID) -> Environment:
        """One of the project's environments."""
        try:
            return self.environments[environment_id]
        except KeyError:
            raise InvalidValueError(
                "environment_id", f"environment {environment_id} is not in project {self.slug!r}"
            ) from None

    def rename(self, name: str, slug: str, *, actor: Actor, now: datetime) -> None:
        """Give the project a new name and slug (the caller reserves the new slug)."""
        self._require_live()
        name, slug = validate_name("name", name), validate_slug("slug", slug)
        if (name, slug) != (self.name, self.slug):
            self.trigger_event(self.Renamed, name=name, slug=slug, actor=actor, timestamp=now)

    def add_environment(
        self,
        environment_id: EnvironmentId,
        name: str,
        kind: EnvironmentKind,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Add a preview or development environment; names are unique in the project."""
        self._require_live()
        name = validate_slug("name", name)
        if kind is EnvironmentKind.PRODUCTION:
            raise InvalidValueError(
                "kind",
                "a project has exactly one production environment; add a preview or "
                "development environment",
            )
        if any(env.name == name for env in self.environments.values()):
            raise NameTakenError(
                "name",
                f"the project {self.name!r} already has an environment {name!r}; "
                "choose another name",
            )
        self.trigger_event(
            self.EnvironmentAdded,
            environment_id=environment_id,
            name=name,
            kind=kind,
            actor=actor,
            timestamp=now,
        )

    def remove_environment(
        self, environment_id: EnvironmentId, *, actor: Actor, now: datetime
    ) -> None:
        """Remove a preview or development environment."""
        self._require_live()
        if self.environment(environment_id).kind is EnvironmentKind.PRODUCTION:
            raise RuleViolatedError(
                "the production environment cannot be removed; delete the project instead"
            )
        self.trigger_event(
            self.EnvironmentRemoved, environment_id=environment_id, actor=actor, timestamp=now
        )

    def set_preview_policy(self, policy: PreviewPolicy, *, actor: Actor, now: datetime) -> None:
        """How pull requests get preview environments (issue 14); the base environment
        must be one of the project's, and not a preview."""
        self._require_live()
        policy.check()
        base = policy.base_environment_id
        if base is not None and self.environment(base).kind is EnvironmentKind.PREVIEW:
            raise InvalidValueError(
                "base_environment_id", "a preview cannot be the base of other previews"
            )
        if policy != self.preview_policy:
            self.trigger_event(
                self.PreviewPolicySet,
                policy=replace(policy, overrides=()),
                overrides_secret=policy.overrides,
                actor=actor,
                timestamp=now,
            )

    def set_budget(self, hourly_budget: float | None, *, actor: Actor, now: datetime) -> bool:
        """Cap what the project's services cost per hour (checked by the caller against their
        minimum replicas); False when it was so already."""
        self._require_live()
        if hourly_budget == self.hourly_budget:
            return False
        self.trigger_event(self.BudgetSet, hourly_budget=hourly_budget, actor=actor, timestamp=now)
        return True

    def note_cost(self, hourly_cost: float, *, actor: Actor, now: datetime) -> bool:
        """Record the 80 % mark of the budget reached or left at this hourly cost; False when
        that changed nothing."""
        budget = self.hourly_budget
        warn = budget is not None and hourly_cost >= BUDGET_WARNING * budget - 1e-9
        if warn == self.budget_warned or self.is_deleted:
            return False
        if warn and budget is not None:
            self.trigger_event(
                self.BudgetWarningReached,
                hourly_cost=hourly_cost,
                budget=budget,
                actor=actor,
                timestamp=now,
            )
        else:
            self.trigger_event(
                self.BudgetWarningCleared, hourly_cost=hourly_cost, actor=actor, timestamp=now
            )
        return True

    def set_placement(self, placement: PlacementPreference, *, actor: Actor, now: datetime) -> bool:
        """Pack the project's replicas onto few nodes or spread them; False when so already."""
        self._require_live()
        if placement is self.placement:
            return False
        self.trigger_event(self.PlacementSet, placement=placement, actor=actor, timestamp=now)
        return True

    @property
    def production_id(self) -> UUID:
        """The project's production environment."""
        return next(
            e.id for e in self.environments.values() if e.kind is EnvironmentKind.PRODUCTION
        )

    def delete(self, *, actor: Actor, now: datetime) -> None:
        """Move the project to the bin; it can be restored for 30 days."""
        self._require_live()
        self.trigger_event(
            self.Deleted, restorable_until=now + RESTORE_WINDOW, actor=actor, timestamp=now
        )

    def restore(self, *, actor: Actor, now: datetime) -> None:
        """Bring a deleted project back within its restore window."""
        if not self.is_deleted:
            raise RuleViolatedError(
                f"project {self.slug!r} is not deleted; there is nothing to restore"
            )
        if not self.is_restorable(now):
            raise RuleViolatedError(
                f"project {self.slug!r} was deleted more than {RESTORE_WINDOW.days} days ago "
                "and can no longer be restored"
            )
        self.trigger_event(self.Restored, actor=actor, timestamp=now)

    def _require_live(self) -> None:
        if self.is_deleted:
            raise ProjectDeletedError(f"project {self.slug!r} is deleted; restore it first")
