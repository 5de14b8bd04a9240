"""A service's autoscaling (issue 16): its policy, and every decision the autoscaler made for
it, with the inputs and the explanation. One per service (its id derives from the service's).

The decisions are events; the evaluations that change nothing are not (one every 15 s per
service would swamp the log). What does change is recorded: a scaling, the budget cap
starting or ending, the 80 % budget mark reached or left, metrics becoming unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.autoscaling import (
    MAX_PERIOD_SECONDS,
    AutoscalingPolicy,
    Evaluation,
    MetricOutcome,
    Reading,
    ScaleEvent,
)
from domain.base import ContainrAggregate
from domain.errors import RuleViolatedError
from domain.ids import Actor, derived_id


@dataclass(frozen=True)
class MetricReadings:
    """The readings of one metric an evaluation read, one per replica."""

    key: str
    readings: tuple[Reading, ...]


@dataclass(frozen=True)
class Decision:
    """What the autoscaler decided at one evaluation, and why."""

    evaluated_at: datetime
    previous: int
    replicas: int
    recommendation: int
    explanation: str
    capped_by_budget: bool
    hourly_cost: float


class ServiceAutoscaling(ContainrAggregate):
    """The autoscaling of one service: its policy and the decisions made under it."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID

    class PolicySet(ContainrAggregate.Event):
        policy: AutoscalingPolicy

        def apply(self, aggregate: Any) -> None:
            aggregate.policy = self.policy

    class PolicyRemoved(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.policy = None
            aggregate.capped = aggregate.budget_warned = aggregate.asleep = False
            aggregate.unavailable = ()

    class Scaled(ContainrAggregate.Event):
        """The autoscaler changed the replica count; its inputs and explanation."""

        decision: Decision
        metrics: tuple[MetricOutcome, ...]
        readings: tuple[MetricReadings, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.last_decision = self.decision
            aggregate.evaluated_at = self.decision.evaluated_at
            d = self.decision
            cutoff = d.evaluated_at - timedelta(seconds=MAX_PERIOD_SECONDS)
            aggregate.scale_events = (
                *(e for e in aggregate.scale_events if e.at > cutoff),
                ScaleEvent(d.evaluated_at, d.previous, d.replicas),
            )

    class CappedByBudget(ContainrAggregate.Event):
        """The budget stops the service from scaling to what its metrics ask."""

        evaluated_at: datetime
        wanted: int
        capped_at: int
        replica_cost: float
        budget: float
        explanation: str
        scope: str
        """Which budget capped it: ``service`` or ``project`` (the project's, shared)."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before projects had budgets, only a service's own budget capped it."""
            state["scope"] = "service"

        def apply(self, aggregate: Any) -> None:
            aggregate.capped = True
            aggregate.evaluated_at = self.evaluated_at

    class BudgetCapLifted(ContainrAggregate.Event):
        evaluated_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.capped = False
            aggregate.evaluated_at = self.evaluated_at

    class BudgetWarningReached(ContainrAggregate.Event):
        """The replicas decided cost 80 % of the hourly budget or more."""

        evaluated_at: datetime
        hourly_cost: float
        budget: float

        def apply(self, aggregate: Any) -> None:
            aggregate.budget_warned = True
            aggregate.evaluated_at = self.evaluated_at

    class BudgetWarningCleared(ContainrAggregate.Event):
        evaluated_at: datetime
        hourly_cost: float

        def apply(self, aggregate: Any) -> None:
            aggregate.budget_warned = False
            aggregate.evaluated_at = self.evaluated_at

    class MetricsUnavailable(ContainrAggregate.Event):
        """These metrics had no readings (empty: all are available again); the autoscaler
        does not scale down on missing data."""

        evaluated_at: datetime
        metrics: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.unavailable = self.metrics
            aggregate.evaluated_at = self.evaluated_at

    class Slept(ContainrAggregate.Event):
        """The service got no request for its idle timeout: scaled to 0 (asleep); its route
        points at the wake handler until a request wakes it."""

        evaluated_at: datetime
        previous: int
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.asleep = True
            aggregate.evaluated_at = self.evaluated_at
            aggregate.scale_events = (
                *aggregate.scale_events,
                ScaleEvent(self.evaluated_at, self.previous, 0),
            )

    class Woken(ContainrAggregate.Event):
        """A request came for the sleeping service: one replica asked for (the request is
        held until it is healthy and in the route)."""

        woken_at: datetime
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.asleep = False
            aggregate.woken_at = self.woken_at

    def __init__(self, organization_id: UUID, project_id: UUID, service_id: UUID) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.policy: AutoscalingPolicy | None = None
        self.last_decision: Decision | None = None
        self.evaluated_at: datetime | None = None
        """When the last evaluation that recorded something ran (older ones are refused)."""
        self.scale_events: tuple[ScaleEvent, ...] = ()
        self.capped = False
        self.budget_warned = False
        self.unavailable: tuple[str, ...] = ()
        self.asleep = False
        """Scaled to 0 for being idle (a request wakes it)."""
        self.woken_at: datetime | None = None
        """When a request last woke it (no sleep within the grace after)."""

    @staticmethod
    def id_for(service_id: UUID) -> UUID:
        """The id of a service's autoscaling."""
        return derived_id("autoscaling", service_id)

    @classmethod
    def start(
        cls,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        actor: Actor,
        now: datetime,
    ) -> ServiceAutoscaling:
        """The autoscaling of a service that has had none."""
        return cls._create(
            cls.Created,
            id=cls.id_for(service_id),
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            actor=actor,
            timestamp=now,
        )

    def set_policy(self, policy: AutoscalingPolicy, *, actor: Actor, now: datetime) -> bool:
        """Scale the service by ``policy`` (checked by the caller against the service and
        prices); False when it was so already."""
        if policy == self.policy:
            return False
        self.trigger_event(self.PolicySet, policy=policy, actor=actor, timestamp=now)
        return True

    def remove_policy(self, *, actor: Actor, now: datetime) -> bool:
        """Scale the service by hand only again; False when it had no policy."""
        if self.policy is None:
            return False
        self.trigger_event(self.PolicyRemoved, actor=actor, timestamp=now)
        return True

    def recorded_since(self, evaluated_at: datetime) -> bool:
        """Whether an evaluation at or after ``evaluated_at`` was recorded already."""
        return self.evaluated_at is not None and evaluated_at <= self.evaluated_at

    def record(
        self,
        evaluation: Evaluation,
        readings: tuple[MetricReadings, ...],
        *,
        evaluated_at: datetime,
        replica_cost: float,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Record what an evaluation changed: a scaling, the cap, the 80 % mark, missing
        metrics. False when it changed nothing, or is not newer than the last recorded (a
        repeat)."""
        if self.policy is None:
            raise RuleViolatedError("the service has no autoscaling policy any more")
        if self.recorded_since(evaluated_at):
            return False
        e, at = evaluation, evaluated_at
        recorded = False
        if e.unavailable != self.unavailable:
            self._event(self.MetricsUnavailable, now, actor, evaluated_at=at, metrics=e.unavailable)
            recorded = True
        budget = e.capping_budget
        if e.capped_by_budget and not self.capped and budget is not None:
            self._event(
                self.CappedByBudget, now, actor, evaluated_at=at, wanted=e.uncapped,
                capped_at=e.desired, replica_cost=replica_cost, budget=budget,
                explanation=e.explanation, scope=e.budget_scope,
            )  # fmt: skip
            recorded = True
        elif not e.capped_by_budget and self.capped:
            self._event(self.BudgetCapLifted, now, actor, evaluated_at=at)
            recorded = True
        if e.budget_warning and not self.budget_warned and e.budget is not None:
            self._event(
                self.BudgetWarningReached, now, actor, evaluated_at=at,
                hourly_cost=e.hourly_cost, budget=e.budget,
            )  # fmt: skip
            recorded = True
        elif not e.budget_warning and self.budget_warned:
            self._event(
                self.BudgetWarningCleared, now, actor, evaluated_at=at, hourly_cost=e.hourly_cost
            )
            recorded = True
        if e.desired != e.current:
            decision = Decision(
                at, e.current, e.desired, e.recommendation, e.explanation,
                e.capped_by_budget, e.hourly_cost,
            )  # fmt: skip
            self._event(
                self.Scaled, now, actor, decision=decision, metrics=e.metrics, readings=readings
            )
            recorded = True
        return recorded

    def sleep(
        self, *, evaluated_at: datetime, previous: int, reason: str, actor: Actor, now: datetime
    ) -> bool:
        """Record that the idle service goes to 0 replicas (checked by the autoscaler);
        False for a repeat of an evaluation recorded already."""
        if self.policy is None or self.policy.idle_timeout_seconds is None:
            raise RuleViolatedError("the service has no idle timeout: it does not sleep")
        if self.recorded_since(evaluated_at):
            return False
        self._event(
            self.Slept, now, actor, evaluated_at=evaluated_at, previous=previous, reason=reason
        )
        return True

    def wake(self, *, reason: str, actor: Actor, now: datetime) -> None:
        """Record a wake (the caller scales the service to 1)."""
        self._event(self.Woken, now, actor, woken_at=now, reason=reason)

    def _event(
        self, kind: type[ContainrAggregate.Event], now: datetime, actor: Actor, **kw: Any
    ) -> None:
        self.trigger_event(kind, actor=actor, timestamp=now, **kw)
