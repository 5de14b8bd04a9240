"""The autoscaler process (issue 16): every 15 s, for each service with an autoscaling policy,
read its replicas' metrics, evaluate the policy (domain.autoscaling, HPA semantics) and record
what the evaluation changed, scaling the service by the same path as scaling by hand.

Crash-safe and idempotent: the decision and the new replica count are recorded in one
transaction (``RecordAutoscalingDecision``), refused when the service's count is no longer
the one evaluated, and a repeat of an evaluation changes nothing. The stabilisation history
lives in memory, as in Kubernetes' controller; after a restart it starts with the current
count, so no scale-down comes before a full window has passed. Metrics that cannot be read
are unavailable: the autoscaler never scales down on missing data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.cost import replica_cost
from application.errors import ApplicationError, DomainError
from application.ports import Clock
from application.queries import Queries
from application.readmodels import DashboardQueries
from domain.autoscaling import (
    EVALUATION_PERIOD,
    WAKE_GRACE,
    Evaluation,
    Inputs,
    MetricTarget,
    Prices,
    Reading,
    Recommendation,
    evaluate,
    idle_reason,
    start_history,
)
from domain.ids import Actor
from domain.service_autoscaling import MetricReadings, ServiceAutoscaling

log = logging.getLogger(__name__)
ACTOR = Actor("system:autoscaler")


class ReplicaMetrics(Protocol):
    """Where the autoscaler reads a service's metrics: per replica, whether it is ready and
    its value (None: missing)."""

    def readings(
        self, service_id: UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        """Per metric key (``MetricTarget.key``), one reading per running replica of the
        service, averaged over the last evaluation period. A metric left out is unavailable
        (nothing measures it); a replica's ``None`` value is a missing reading."""
        ...


class RouteActivity(Protocol):
    """Where the autoscaler reads whether a web service got requests (its idle timeout)."""

    def requests(
        self, service_id: UUID, since: datetime, now: datetime
    ) -> Sequence[tuple[datetime, float]]:
        """The route's request rate per step from ``since`` to ``now``, oldest first (a step
        nothing measured has no point)."""
        ...


class NoMetrics:
    """A reader with no metrics at all: every metric is unavailable, so nothing scales.
    (What the autoscaler reads until the metrics store's reader is wired in.)"""

    def readings(
        self, service_id: UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        """Nothing."""
        return {}


class Autoscaler:
    """Evaluates each autoscaled service every ``period`` and records what changed."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        metrics: ReplicaMetrics,
        clock: Clock,
        period: float = EVALUATION_PERIOD.total_seconds(),
        activity: RouteActivity | None = None,
        wake_grace: timedelta = WAKE_GRACE,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.metrics = metrics
        self.clock = clock
        self.period = period
        self.activity = activity
        """Route requests, for idle timeouts (None: no service ever sleeps)."""
        self.wake_grace = wake_grace
        """No sleep within this long after a wake (at least a held request's deadline)."""
        self._ctx = Context(actor=ACTOR)
        self._history: dict[UUID, tuple[Recommendation, ...]] = {}
        self._last: dict[UUID, datetime] = {}
        self.evaluations: dict[UUID, Evaluation] = {}
        """The last evaluation of each service (what it would explain now)."""

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set: when the next service's period comes round, and at
        least every second (a new policy is picked up within one)."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the autoscaler's tick failed")
            wait(self._until_next())

    def _until_next(self) -> float:
        """Seconds until the next evaluation is due (at most 1, at least 0.05)."""
        if not self._last:
            return 1.0
        now = self.clock.now()
        due = min(self._last.values()) + timedelta(seconds=self.period)
        return min(1.0, max(0.05, (due - now).total_seconds()))

    def tick(self) -> None:
        """Evaluate every autoscaled service whose period came round."""
        now = self.clock.now()
        rows = self.dashboard.autoscaled_services()
        live = {row.service_id for row in rows}
        for gone in set(self._history) - live:  # policy removed: start afresh if set again
            self._history.pop(gone, None)
            self._last.pop(gone, None)
            self.evaluations.pop(gone, None)
        for row in rows:
            last = self._last.get(row.service_id)
            if last is not None and (now - last).total_seconds() < self.period:
                continue
            self._last[row.service_id] = now
            try:
                self.evaluate(row.service_id, now)
            except (DomainError, ApplicationError) as e:
                log.warning("autoscaling of service %s: %s", row.service_id, e)

    def evaluate(self, service_id: UUID, now: datetime) -> Evaluation | None:
        """Evaluate one service's policy now and record what changed (None: no policy)."""
        service = self.queries.service(service_id)
        autoscaling = self.queries.service_autoscaling(service_id)
        if autoscaling is None or autoscaling.policy is None:
            return None
        if service.deleted:  # its policy goes with it
            self.bus.execute(c.RemoveAutoscaling(service_id=service_id), self._ctx)
            return None
        policy = autoscaling.policy
        current = service.spec.replicas
        if self._sleep_if_idle(service_id, autoscaling, current, now):
            self._history.pop(service_id, None)
            self.evaluations.pop(service_id, None)
            return None
        history = self._history.get(service_id)
        if history is None:
            history = start_history(policy, current, now)
        resources = service.spec.resources
        readings = _without_unrequested(
            self._read(service_id, policy.metrics, now),
            cpu=resources.cpu_request_millis,
            memory=resources.memory_request_mb,
        )
        prices = self.queries.organization(service.organization_id).prices
        cost = replica_cost(self.queries, service, prices)  # by its nodes' prices (issue 16)
        project = self.queries.project(service.project_id)
        others = (
            0.0
            if project.hourly_budget is None
            else self._others_cost(service.project_id, service_id, prices)
        )
        evaluation = evaluate(
            policy,
            Inputs(
                now=now,
                current=current,
                readings=readings,
                history=history,
                events=autoscaling.scale_events,
                replica_cost=cost,
                project_budget=project.hourly_budget,
                project_cost=others,
            ),
        )
        self._history[service_id] = evaluation.history
        self.evaluations[service_id] = evaluation
        project_warning = evaluation.project_budget_warning != project.budget_warned
        if _changes(autoscaling, evaluation) or project_warning:
            self.bus.execute(
                c.RecordAutoscalingDecision(
                    service_id=service_id,
                    evaluated_at=now,
                    evaluation=evaluation,
                    readings=tuple(
                        MetricReadings(key, tuple(values)) for key, values in readings.items()
                    ),
                    replica_cost=cost,
                    policy=policy,
                    project_cost=(
                        None if project.hourly_budget is None else evaluation.project_hourly_cost
                    ),
                ),
                self._ctx,
            )
        return evaluation

    def _sleep_if_idle(
        self, service_id: UUID, autoscaling: ServiceAutoscaling, current: int, now: datetime
    ) -> bool:
        """Scale the service to 0 when it got no request for its idle timeout (True)."""
        policy = autoscaling.policy
        if policy is None or policy.idle_timeout_seconds is None or self.activity is None:
            return False
        if current <= 0:
            return False
        since = now - timedelta(seconds=policy.idle_timeout_seconds)
        try:
            requests = self.activity.requests(service_id, since, now)
        except Exception as e:  # unmeasured is not idle
            log.warning("requests of service %s unavailable: %s", service_id, e)
            return False
        reason = idle_reason(
            policy,
            current=current,
            requests=requests,
            now=now,
            awake_since=autoscaling.woken_at,
            grace=self.wake_grace,
        )
        if reason is None:
            return False
        self.bus.execute(
            c.SleepService(
                service_id=service_id,
                evaluated_at=now,
                previous=current,
                reason=reason,
                policy=policy,
            ),
            self._ctx,
        )
        log.info("service %s: %s", service_id, reason)
        return True

    def _others_cost(self, project_id: UUID, service_id: UUID, prices: Prices) -> float:
        """What the project's other live services' replicas cost per hour now (for the
        project's budget, shared by them all)."""
        total = 0.0
        for row in self.dashboard.services_of([project_id], columns=("deleted",)):
            if row.id == service_id:
                continue
            other = self.queries.service(row.id)
            if other.deleted:
                continue
            total += other.spec.replicas * replica_cost(self.queries, other, prices)
        return total

    def _read(
        self, service_id: UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        """The readings, or none when the reader fails (every metric unavailable then)."""
        try:
            return self.metrics.readings(service_id, metrics, now)
        except Exception as e:  # a reader down must not stop the others' evaluations
            log.warning("metrics of service %s unavailable: %s", service_id, e)
            return {}


def _without_unrequested(
    readings: Mapping[str, Sequence[Reading]], *, cpu: int, memory: int
) -> Mapping[str, Sequence[Reading]]:
    """The readings without CPU or memory when the service requests none (its requests were
    removed after the policy was set): a percentage of nothing takes no action (HPA)."""
    dropped = {key for key, amount in (("cpu", cpu), ("memory", memory)) if amount <= 0}
    if not dropped & set(readings):
        return readings
    return {key: values for key, values in readings.items() if key not in dropped}


def _changes(autoscaling: ServiceAutoscaling, e: Evaluation) -> bool:
    """Whether the evaluation changes anything the autoscaling records."""
    return (
        e.desired != e.current
        or e.capped_by_budget != autoscaling.capped
        or e.budget_warning != autoscaling.budget_warned
        or e.unavailable != autoscaling.unavailable
    )
