"""Measurements of services and Docker nodes over time, for charts and for the autoscaler's
explanations: one point per step, aggregated over replicas and the step."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry
from strawberry.types import Info

from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import uuid_of
from interfaces.graphql.types import ctx

DEFAULT_WINDOW = timedelta(hours=1)


@strawberry.type(description="One step of a measurement: when it starts and its value.")
class MetricPoint:
    at: datetime
    value: float


@strawberry.type(
    description="New measurements of a service: the points from the last step sent before "
    "(its value may have changed) onwards; replace points with the same `at`."
)
class MetricSeriesUpdate:
    points: list[MetricPoint]


def _window(
    info: Info[GqlContext, None], since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    end = until or ctx(info).clock.now()
    return (since or end - DEFAULT_WINDOW, end)


def _points(points: list[tuple[datetime, float]]) -> list[MetricPoint]:
    return [MetricPoint(at=at, value=value) for at, value in points]


def service_metrics(
    info: Info[GqlContext, None],
    service_id: strawberry.ID,
    metric: str,
    since: datetime | None = None,
    until: datetime | None = None,
    step_seconds: int = 60,
    aggregation: str = "avg",
) -> list[MetricPoint]:
    context = ctx(info)
    context.cacheable = False  # measurements, not events
    return _points(
        context.reads.service_series(
            uuid_of(service_id, "serviceId"),
            metric,
            _window(info, since, until),
            timedelta(seconds=step_seconds),
            aggregation,
        )
    )


def docker_node_metrics(
    info: Info[GqlContext, None],
    node_id: strawberry.ID,
    metric: str,
    since: datetime | None = None,
    until: datetime | None = None,
    step_seconds: int = 60,
    aggregation: str = "avg",
) -> list[MetricPoint]:
    context = ctx(info)
    context.cacheable = False
    return _points(
        context.reads.node_series(
            uuid_of(node_id, "nodeId"),
            metric,
            _window(info, since, until),
            timedelta(seconds=step_seconds),
            aggregation,
        )
    )


SERVICE_METRICS_DOC = (
    "A service's measurement over time (default: the last hour), one point per step of "
    "`stepSeconds` (at least 10) that has samples: `metric` is cpu_cores, memory_bytes, "
    "network_rx_bytes_per_second, network_tx_bytes_per_second, block_read_bytes_per_second, "
    "block_write_bytes_per_second, requests_per_second, errors_per_second, "
    "latency_p50_seconds, latency_p95_seconds, latency_p99_seconds or custom:<name>; "
    "`aggregation` is avg, max, min, sum (of the replicas' means) or p95."
)
NODE_METRICS_DOC = (
    "A Docker node's measurement over time, as serviceMetrics: node_cpu_cores, node_cpus, "
    "node_memory_bytes or node_memory_total_bytes."
)
