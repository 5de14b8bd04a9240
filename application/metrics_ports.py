"""Measurements of replicas, services and nodes over time: what the collectors write and the
autoscaler, the API and ``/metrics`` read.

Metrics are measurements, not events: they go to a time-series store (raw samples every
10 s kept a day, 1-minute rollups a week, 1-hour rollups 90 days), never to the event log.
What a measurement *changes* (a threshold crossed, an autoscaler decision) is an event,
recorded by whoever reads these ports.

A replica is named by ``"<deployment id>:<replica number>"`` (its container's labels), so
a new release's replicas are new replicas. A sample whose value is None records that the
metric was unavailable at that moment (a scrape that failed, or answered garbage): readers
see it as a missing metric, never as zero.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal, Protocol
from uuid import UUID

import msgspec

Aggregation = Literal["avg", "max", "min", "sum", "p95"]
"""How the samples that fall into one step (across replicas and time) become one point."""

AGGREGATIONS: Final[tuple[Aggregation, ...]] = ("avg", "max", "min", "sum", "p95")

ReplicaId = str
"""``"<deployment id>:<replica number>"``; empty for a measurement of the whole service."""

# Per replica, from the container engine's stats stream.
CPU_CORES: Final = "cpu_cores"
"""CPU used, in cores (1.0 is one core fully busy)."""
MEMORY_BYTES: Final = "memory_bytes"
"""Memory in use (the engine's usage less the page cache)."""
MEMORY_LIMIT_BYTES: Final = "memory_limit_bytes"
"""The container's memory limit as the engine enforces it."""
NETWORK_RX: Final = "network_rx_bytes_per_second"
NETWORK_TX: Final = "network_tx_bytes_per_second"
BLOCK_READ: Final = "block_read_bytes_per_second"
BLOCK_WRITE: Final = "block_write_bytes_per_second"

# Per service (its route), from the ingress.
REQUESTS: Final = "requests_per_second"
ERRORS: Final = "errors_per_second"
"""Responses with a 5xx status, per second."""
LATENCY_P50: Final = "latency_p50_seconds"
LATENCY_P95: Final = "latency_p95_seconds"
LATENCY_P99: Final = "latency_p99_seconds"

# Per node.
NODE_CPU_CORES: Final = "node_cpu_cores"
"""CPU used by all our containers on the node, in cores."""
NODE_CPUS: Final = "node_cpus"
NODE_MEMORY_BYTES: Final = "node_memory_bytes"
NODE_MEMORY_TOTAL_BYTES: Final = "node_memory_total_bytes"
NODE_DISK_USED_BYTES: Final = "node_disk_used_bytes"
NODE_DISK_TOTAL_BYTES: Final = "node_disk_total_bytes"

CUSTOM_PREFIX: Final = "custom:"
"""Application metrics a service exposes itself are stored as ``custom:<name>``."""

REPLICA_METRICS: Final = (
    CPU_CORES,
    MEMORY_BYTES,
    MEMORY_LIMIT_BYTES,
    NETWORK_RX,
    NETWORK_TX,
    BLOCK_READ,
    BLOCK_WRITE,
)
SERVICE_METRICS: Final = (REQUESTS, ERRORS, LATENCY_P50, LATENCY_P95, LATENCY_P99)
NODE_METRICS: Final = (
    NODE_CPU_CORES,
    NODE_CPUS,
    NODE_MEMORY_BYTES,
    NODE_MEMORY_TOTAL_BYTES,
    NODE_DISK_USED_BYTES,
    NODE_DISK_TOTAL_BYTES,
)


def is_known_metric(metric: str) -> bool:
    """Whether a name is one Containr measures (or an application's own ``custom:`` metric)."""
    if metric.startswith(CUSTOM_PREFIX):
        return len(metric) > len(CUSTOM_PREFIX)
    return metric in REPLICA_METRICS or metric in SERVICE_METRICS or metric in NODE_METRICS


class MetricsUnavailableError(Exception):
    """Raised when the time-series store cannot be read or written in time."""


class Sample(msgspec.Struct, frozen=True, kw_only=True):
    """One measurement: of a replica (service and replica set), of a whole service (service
    set, replica empty) or of a node (no service, node set)."""

    metric: str
    at: datetime
    value: float | None
    """None: the metric was unavailable at ``at``."""
    service_id: UUID | None = None
    replica: ReplicaId = ""
    node: str = ""


class Point(msgspec.Struct, frozen=True, array_like=True):
    """One step of a series: its start and the aggregated value."""

    at: datetime
    value: float


class LatestSample(msgspec.Struct, frozen=True, kw_only=True):
    """The newest measurement of one series, for the Prometheus export."""

    metric: str
    service_id: UUID | None
    replica: ReplicaId
    node: str
    at: datetime
    value: float | None


class MetricReader(Protocol):
    """Reads measurements back (the autoscaler, the API and the charts)."""

    def series(
        self,
        service_id: UUID,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        """A service's metric from ``since`` to ``until``, one point per ``step`` that has
        samples (aggregated over its replicas and the step), oldest first. Reads raw
        samples, 1-minute or 1-hour rollups, whichever still covers ``since`` at the step.
        Unavailable samples are left out; a step with none has no point."""
        ...

    def node_series(
        self,
        node: str,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        """A node's metric, as ``series`` for a service."""
        ...

    def latest_per_replica(
        self, service_id: UUID, metric: str, window: timedelta, *, now: datetime | None = None
    ) -> dict[ReplicaId, float | None]:
        """Each replica's newest value of ``metric`` within ``window`` before ``now`` (the
        store's clock when None); None for a replica whose newest sample says the metric was
        unavailable. A replica with no sample in the window is absent (HPA: missing)."""
        ...


class LiveUsage(msgspec.Struct, frozen=True):
    """One replica's usage as its collector sees it now (not yet, or never, stored)."""

    cpu_cores: float | None
    """CPU over the asked window (fewer seconds when the replica's stream is younger)."""
    memory_bytes: float | None
    """The newest memory level."""


class LiveReadings(Protocol):
    """The collectors' newest readings, straight from the engines' stats streams: what the
    autoscaler reads first, so a step of load is seen within seconds, not at the next
    10 s collection round (the store still holds every sample)."""

    def live_usage(self, service_id: UUID, window: timedelta) -> dict[ReplicaId, LiveUsage]:
        """Per replica of the service that this process streams now (empty: none)."""
        ...


class MetricWriter(Protocol):
    """Writes measurements and keeps the store's size bounded."""

    def record(self, samples: list[Sample]) -> None:
        """Store samples (in one batch)."""
        ...

    def latest(self, window: timedelta, *, now: datetime | None = None) -> list[LatestSample]:
        """The newest sample of every series measured within ``window`` (for export)."""
        ...

    def maintain(self, now: datetime) -> MaintenanceReport:
        """Roll raw samples up into minutes and minutes into hours for every period that
        ended before ``now``, and drop what is past its retention. Idempotent and resumable:
        a rollup is rewritten whole for its period, and a crash between steps is repaired by
        the next run."""
        ...


class MaintenanceReport(msgspec.Struct, frozen=True, kw_only=True):
    """What a maintenance run did."""

    minutes_rolled: int
    hours_rolled: int
    raw_dropped: int
    minutes_dropped: int
    hours_dropped: int


class TimeSeriesStore(MetricReader, MetricWriter, Protocol):
    """The time-series store (PostgreSQL in the server setup, SQLite when embedded)."""


METRICS_NOTICES: Final = "metrics"
"""The change-notice model a collection round announces on, with one
``SERVICE_METRICS_CHANGED`` change per service it measured (live subscriptions listen for it)."""
SERVICE_METRICS_CHANGED: Final = "service_metrics"

RAW_RETENTION: Final = timedelta(hours=24)
MINUTE_RETENTION: Final = timedelta(days=7)
HOUR_RETENTION: Final = timedelta(days=90)
SAMPLE_INTERVAL: Final = timedelta(seconds=10)
"""How often collectors sample (the raw resolution)."""
