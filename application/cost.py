"""The month's estimated cost of services and projects (issue 16), from what actually ran:
each service's replica count and requests as its events recorded them (by hand or by the
autoscaler), from its first healthy release on, at the organisation's current prices; plus
the current rate projected to the month's end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.errors import NotFoundError
from application.queries import Queries
from application.readmodels import DashboardQueries
from domain.autoscaling import Prices
from domain.cost import MonthEstimate, RateChange, combine, estimate_month
from domain.service import Service
from projections.dashboard import ServiceRow

PAGE = 100


@dataclass(frozen=True)
class MonthCost:
    """The month's estimated cost (in the organisation's price unit)."""

    month_start: datetime
    month_end: datetime
    so_far: float
    """What the replicas that ran since the month started cost."""
    replica_hours: float
    hourly_rate: float
    """What the replicas running now cost per hour."""
    rest: float
    """The current rate until the month ends."""
    total: float
    """The month's estimate: so far plus the rest."""

    @staticmethod
    def of(estimate: MonthEstimate) -> MonthCost:
        """The estimate as the API shows it."""
        return MonthCost(
            month_start=estimate.month_start,
            month_end=estimate.month_end,
            so_far=estimate.so_far,
            replica_hours=estimate.replica_hours,
            hourly_rate=estimate.hourly_rate,
            rest=estimate.rest,
            total=estimate.total,
        )


def replica_cost(queries: Queries, service: Service, prices: Prices) -> float:
    """What one replica of the service costs per hour: the mean over its placed replicas (of
    its live releases) of their node's prices, or the organisation's ``prices`` for a node
    with none of its own, or for a service with no replica placed."""
    cpu, memory = (
        service.spec.resources.cpu_request_millis,
        service.spec.resources.memory_request_mb,
    )
    costs: list[float] = []
    for deployment_id in service.live_releases.values():
        for node_id in queries.deployment(deployment_id).placements.values():
            try:
                own = queries.node(node_id).prices
            except NotFoundError:  # a node removed since: the organisation's prices
                own = None
            costs.append((own or prices).replica_cost(cpu, memory))
    return sum(costs) / len(costs) if costs else prices.replica_cost(cpu, memory)


def first_healthy(dashboard: DashboardQueries, service_id: UUID) -> datetime | None:
    """When a release of the service first became healthy (None: nothing ever ran)."""
    earliest: datetime | None = None
    before: tuple[datetime, UUID] | None = None
    while True:
        rows = dashboard.deployments(service_id, before=before, limit=PAGE)
        for row in rows:
            for step in row.history:
                if step.get("state") == "healthy":
                    at = datetime.fromisoformat(step["at"])
                    earliest = at if earliest is None or at < earliest else earliest
        if len(rows) < PAGE:
            return earliest
        before = (rows[-1].requested_at, rows[-1].id)


def service_estimate(
    queries: Queries, dashboard: DashboardQueries, service: ServiceRow, now: datetime
) -> MonthEstimate:
    """One service's month, from its first healthy release on."""
    since = first_healthy(dashboard, service.id)
    if since is None:
        return estimate_month((), now)
    prices = queries.organization(service.organization_id).prices
    # a replica's cost now, by where its replicas run (their nodes' own prices), scaled for
    # each past change of requests by what those requests cost at the organisation's prices
    aggregate = queries.service(service.id)
    now_cost = replica_cost(queries, aggregate, prices)
    base = aggregate.spec.resources
    base_cost = prices.replica_cost(base.cpu_request_millis, base.memory_request_mb)
    factor = now_cost / base_cost if base_cost > 0 else 1.0
    changes = [
        RateChange(
            max(at, since),
            replicas,
            factor * prices.replica_cost(resources.cpu_request_millis, resources.memory_request_mb),
        )
        for at, replicas, resources in queries.replica_history(service.id)
    ]
    return estimate_month(changes, now)


def month_cost(
    queries: Queries, dashboard: DashboardQueries, services: Sequence[ServiceRow], now: datetime
) -> MonthCost:
    """The month's estimated cost of these services together."""
    return MonthCost.of(
        combine([service_estimate(queries, dashboard, s, now) for s in services], now)
    )
