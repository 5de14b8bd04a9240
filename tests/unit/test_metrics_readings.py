"""The autoscaler's readings from the time-series store, against a fake reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from application.metrics_ports import (
    CPU_CORES,
    ERRORS,
    MEMORY_BYTES,
    REQUESTS,
    Aggregation,
    LiveUsage,
)
from application.metrics_readings import StoreReplicaMetrics
from domain.autoscaling import EVALUATION_PERIOD, MetricKind, MetricTarget, Reading

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SERVICE = uuid4()


@dataclass
class FakeReader:
    """Per metric: each replica's newest value, and the service's rates."""

    replicas: dict[str, dict[str, float | None]] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)

    def latest_per_replica(
        self, service_id: UUID, metric: str, window: timedelta, *, now: datetime | None = None
    ) -> dict[str, float | None]:
        return dict(self.replicas.get(metric, {}))

    def series(
        self,
        service_id: UUID,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        return [(since, self.rates[metric])] if metric in self.rates else []

    def node_series(self, *args: Any) -> list[tuple[datetime, float]]:
        return []


@dataclass
class FakeDashboard:
    resources: dict[str, int]

    def service(self, service_id: UUID) -> Any:
        return type("Row", (), {"spec": {"resources": self.resources}})()


def reader_for(reader: FakeReader, cpu: int = 500, memory: int = 256) -> StoreReplicaMetrics:
    dashboard = FakeDashboard({"cpu_request_millis": cpu, "memory_request_mb": memory})
    return StoreReplicaMetrics(reader, dashboard)  # type: ignore[arg-type]  # a fake


def test_cpu_and_memory_are_percentages_of_the_request() -> None:
    reader = FakeReader(
        replicas={
            CPU_CORES: {"d:0": 0.25, "d:1": 0.5},
            MEMORY_BYTES: {"d:0": 128 * 1024 * 1024, "d:1": None},
        }
    )
    got = reader_for(reader).readings(
        SERVICE,
        [MetricTarget(MetricKind.CPU, 60), MetricTarget(MetricKind.MEMORY, 80)],
        NOW,
    )
    assert got["cpu"] == [Reading(True, 50.0), Reading(True, 100.0)]
    assert got["memory"] == [Reading(True, 50.0), Reading(True, None)]  # missing, not zero


def test_requests_are_shared_among_the_replicas_and_errors_are_a_share_of_them() -> None:
    reader = FakeReader(
        replicas={CPU_CORES: {"d:0": 0.1, "d:1": 0.1}}, rates={REQUESTS: 30.0, ERRORS: 3.0}
    )
    got = reader_for(reader).readings(
        SERVICE,
        [MetricTarget(MetricKind.REQUESTS, 10), MetricTarget(MetricKind.ERROR_RATE, 5)],
        NOW,
    )
    assert got["requests_per_second"] == [Reading(True, 15.0)] * 2
    assert got["error_rate"] == [Reading(True, 10.0)] * 2


def test_what_nothing_measured_is_unavailable() -> None:
    reader = FakeReader(replicas={CPU_CORES: {"d:0": 0.1}})
    got = reader_for(reader, cpu=0).readings(
        SERVICE,
        [
            MetricTarget(MetricKind.CPU, 60),
            MetricTarget(MetricKind.REQUESTS, 10),
            MetricTarget(MetricKind.CUSTOM, 5, "queue_depth"),
        ],
        NOW,
    )
    assert got == {}
    assert reader_for(FakeReader()).readings(SERVICE, [MetricTarget(MetricKind.CPU, 60)], NOW) == {}


def test_custom_metrics_are_read_per_replica() -> None:
    reader = FakeReader(
        replicas={CPU_CORES: {"d:0": 0.1, "d:1": 0.1}, "custom:queue_depth": {"d:0": 7.0}}
    )
    got = reader_for(reader).readings(
        SERVICE, [MetricTarget(MetricKind.CUSTOM, 5, "queue_depth")], NOW
    )
    assert got["custom:queue_depth"] == [Reading(True, 7.0), Reading(True, None)]


@dataclass
class FakeLive:
    """What the collectors' streams show now, per service."""

    usage: dict[UUID, dict[str, LiveUsage]] = field(default_factory=dict)
    windows: list[timedelta] = field(default_factory=list)

    def live_usage(self, service_id: UUID, window: timedelta) -> dict[str, LiveUsage]:
        self.windows.append(window)
        return dict(self.usage.get(service_id, {}))


def test_the_live_streams_come_first_for_cpu_and_memory() -> None:
    stored = FakeReader(
        replicas={CPU_CORES: {"d:0": 0.05}, MEMORY_BYTES: {"d:0": 64 * 1024 * 1024}},
        rates={REQUESTS: 30.0},
    )
    live = FakeLive({SERVICE: {"d:0": LiveUsage(1.0, None), "d:1": LiveUsage(None, 256 * 2**20)}})
    targets = [
        MetricTarget(MetricKind.CPU, 60),
        MetricTarget(MetricKind.MEMORY, 80),
        MetricTarget(MetricKind.REQUESTS, 10),
    ]
    got = reader_for(stored).with_live(live).readings(SERVICE, targets, NOW)
    # The streams' replicas and values, not the store's older sample; requests from the store.
    assert got["cpu"] == [Reading(True, 200.0), Reading(True, None)]
    assert got["memory"] == [Reading(True, None), Reading(True, 100.0)]
    assert got["requests_per_second"] == [Reading(True, 15.0)] * 2
    assert live.windows == [EVALUATION_PERIOD]  # CPU averaged over HPA's metrics window
    # A service no stream in this process sees is read from the store as before.
    other = reader_for(stored).with_live(FakeLive()).readings(SERVICE, targets[:1], NOW)
    assert other["cpu"] == [Reading(True, 10.0)]
