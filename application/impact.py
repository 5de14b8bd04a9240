"""Impact estimation (issue 16): before a policy is saved, replay it over the last days of a
service's recorded metrics with the autoscaler's own rules (domain.autoscaling.evaluate, HPA
semantics) and show the replica counts and cost it would have produced beside what ran.

The store keeps a service's measurements, not what they would have been at another replica
count, so the replay assumes the load is shared: CPU, memory, requests and custom metrics
measured per replica at the count that ran are spread over the count the policy would have
run (their total stays); the 5xx share does not depend on the count. A step with no
measurement is a missing reading (never a scale-down on missing data, as the autoscaler).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.commands import SetAutoscaling
from application.cost import first_healthy
from application.errors import InvalidValueError, NotFoundError
from application.handlers.autoscaling import check_scalable, policy_of
from application.metrics_ports import (
    CPU_CORES,
    ERRORS,
    MEMORY_BYTES,
    REQUESTS,
    Aggregation,
    MetricReader,
)
from application.queries import Queries
from application.readmodels import DashboardQueries
from domain.autoscaling import (
    EVALUATION_PERIOD,
    MAX_PERIOD_SECONDS,
    AutoscalingPolicy,
    Inputs,
    MetricKind,
    Reading,
    ScaleEvent,
    evaluate,
    start_history,
)
from domain.service_spec import Resources

MAX_DAYS = 7
"""How far back a replay may reach (the 1-minute rollups are kept 7 days)."""
MIB = 1024 * 1024
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ImpactPoint:
    """At one evaluation: the replicas the policy would have run and those that ran."""

    at: datetime
    estimated: int
    actual: int


@dataclass(frozen=True)
class Impact:
    """What a policy would have done over a past window, beside what ran."""

    since: datetime
    until: datetime
    step_seconds: int
    points: list[ImpactPoint]
    estimated_cost: float
    actual_cost: float
    estimated_replica_hours: float
    actual_replica_hours: float
    scale_changes: int
    """How many times the policy would have changed the count."""
    capped_evaluations: int
    """Evaluations the hourly budget capped."""


def step_for(days: int) -> timedelta:
    """The replay's step: the autoscaler's 15 s over a day (the raw samples are kept 24 h),
    the 1-minute rollups beyond."""
    return EVALUATION_PERIOD if days <= 1 else timedelta(minutes=1)


def check_days(days: int) -> int:
    """Raise InvalidValueError unless 1 ≤ days ≤ MAX_DAYS."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidValueError("days", f"replay from 1 to {MAX_DAYS} days of metrics")
    return days


def replicas_at(changes: Sequence[tuple[datetime, int]], at: datetime) -> int:
    """The replica count that ran at ``at``, from (when, count) changes oldest first."""
    count = 0
    for when, replicas in changes:
        if when > at:
            break
        count = replicas
    return count


@dataclass(frozen=True)
class Replay:
    """One replay's fixed inputs."""

    service_id: UUID
    policy: AutoscalingPolicy
    resources: Resources
    replica_cost: float
    actual: Sequence[tuple[datetime, int]]
    """What ran: (when, replica count) changes, oldest first."""


def replay(reader: MetricReader, r: Replay, now: datetime, days: int) -> Impact:
    """Replay ``r.policy`` over the last ``days`` of metrics, one evaluation per step."""
    step = step_for(check_days(days))
    since = now - timedelta(days=days)
    series = _series(reader, r, since, now, step)
    bounds = r.policy
    current = min(max(replicas_at(r.actual, since), bounds.min_replicas), bounds.max_replicas)
    history = start_history(r.policy, current, since)
    events: list[ScaleEvent] = []
    points: list[ImpactPoint] = []
    changes = capped = 0
    at = since
    while at <= now:
        actual = replicas_at(r.actual, at)
        readings = _readings(r.policy, series, at, actual, current)
        e = evaluate(
            r.policy,
            Inputs(at, current, readings, history, tuple(events), replica_cost=r.replica_cost),
        )
        history, capped = e.history, capped + e.capped_by_budget
        if e.desired != current:
            kept = timedelta(seconds=MAX_PERIOD_SECONDS)  # what the policies look back on
            events = [x for x in events if at - x.at <= kept]
            events.append(ScaleEvent(at, current, e.desired))
            changes += 1
        current = e.desired
        points.append(ImpactPoint(at, current, actual))
        at += step
    hours = step / HOUR
    estimated_hours = sum(p.estimated for p in points) * hours
    actual_hours = sum(p.actual for p in points) * hours
    return Impact(
        since=since,
        until=now,
        step_seconds=int(step.total_seconds()),
        points=points,
        estimated_cost=estimated_hours * r.replica_cost,
        actual_cost=actual_hours * r.replica_cost,
        estimated_replica_hours=estimated_hours,
        actual_replica_hours=actual_hours,
        scale_changes=changes,
        capped_evaluations=capped,
    )


Series = Mapping[str, Mapping[datetime, float]]
"""Per policy metric key: the measured value per step (in the target's unit, per replica at
the count that ran, or a share for the error rate)."""


def _series(
    reader: MetricReader, r: Replay, since: datetime, until: datetime, step: timedelta
) -> Series:
    found: dict[str, dict[datetime, float]] = {}
    for metric in r.policy.metrics:
        found[metric.key] = _metric(reader, r, metric.kind, metric.name, since, until, step)
    return found


def _metric(
    reader: MetricReader,
    r: Replay,
    kind: MetricKind,
    name: str,
    since: datetime,
    until: datetime,
    step: timedelta,
) -> dict[datetime, float]:
    def read(metric: str, aggregation: Aggregation = "avg") -> dict[datetime, float]:
        points = reader.series(r.service_id, metric, since, until, step, aggregation)
        return {_floor(at, since, step): value for at, value in points}

    if kind is MetricKind.CPU:
        request = r.resources.cpu_request_millis / 1000
        return {at: v / request * 100 for at, v in read(CPU_CORES).items()}
    if kind is MetricKind.MEMORY:
        request = r.resources.memory_request_mb * MIB
        return {at: v / request * 100 for at, v in read(MEMORY_BYTES).items()}
    if kind is MetricKind.REQUESTS:
        return read(REQUESTS)  # the route's rate: shared among the replicas when replayed
    if kind is MetricKind.ERROR_RATE:
        requests, errors = read(REQUESTS), read(ERRORS)
        return {at: errors.get(at, 0.0) / v * 100 for at, v in requests.items() if v > 0}
    return read(f"custom:{name}")


def _floor(at: datetime, since: datetime, step: timedelta) -> datetime:
    """The replay step a measurement falls in."""
    return since + (at - since) // step * step


def _readings(
    policy: AutoscalingPolicy, series: Series, at: datetime, actual: int, current: int
) -> dict[str, list[Reading]]:
    """One reading per simulated replica: the measured load, spread over ``current``."""
    readings: dict[str, list[Reading]] = {}
    if current <= 0:
        return readings
    for metric in policy.metrics:
        value = series.get(metric.key, {}).get(at)
        if value is None:
            continue
        if metric.kind is MetricKind.REQUESTS:
            value = value / current  # the route's total among the replicas
        elif metric.kind is not MetricKind.ERROR_RATE and actual > 0:
            value = value * actual / current  # the same total load on another count
        readings[metric.key] = [Reading(True, value)] * current
    return readings


def estimate(
    queries: Queries,
    dashboard: DashboardQueries,
    reader: MetricReader,
    cmd: SetAutoscaling,
    days: int,
    now: datetime,
) -> Impact:
    """Replay the policy ``cmd`` describes over the service's last ``days`` of metrics, after
    the checks saving it would make (bad policies get the same errors, and nothing changes)."""
    check_days(days)
    row = dashboard.service(cmd.service_id)  # through the caller's read gate
    service = queries.service(row.id)
    if service.deleted:
        raise NotFoundError("service", row.id)
    check_scalable(service, cmd)
    prices = queries.organization(service.organization_id).prices
    resources = service.spec.resources
    policy = policy_of(cmd).check(
        cpu_request_millis=resources.cpu_request_millis,
        memory_request_mb=resources.memory_request_mb,
        prices=prices,
    )
    since = first_healthy(dashboard, row.id)
    actual = (
        []
        if since is None
        else [(max(at, since), count) for at, count, _ in queries.replica_history(row.id)]
    )
    cost = prices.replica_cost(resources.cpu_request_millis, resources.memory_request_mb)
    return replay(reader, Replay(row.id, policy, resources, cost, actual), now, days)
