"""The autoscaler's readings from the time-series store: per replica, in the units of its
targets (CPU and memory in % of the replica's request, requests per second per replica,
5xx errors in % of requests, custom metrics as the application gives them).

The replicas are those whose CPU was measured within the window (a stopped one drops out
once its samples age past it). Requests and errors are measured per route, so each replica
is given the service's rate divided by the replicas measured. A metric that nothing measured
within the window is left out (unavailable); a replica whose newest sample says unavailable
reads None (missing): the autoscaler never scales down on missing data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.metrics_ports import (
    CPU_CORES,
    ERRORS,
    MEMORY_BYTES,
    REQUESTS,
    LiveReadings,
    MetricReader,
)
from application.readmodels import DashboardQueries
from domain.autoscaling import EVALUATION_PERIOD, MetricKind, MetricTarget, Reading

WINDOW = timedelta(seconds=30)
"""How far back the newest sample of a replica may be (collectors sample every 10 s)."""
MIB = 1024 * 1024


class StoreReplicaMetrics:
    """Reads the autoscaler's metrics from the time-series store, CPU and memory first from
    the collectors' live stats streams when this process runs them (``live``): a step of
    load is then seen within seconds, not after the next 10 s collection round."""

    def __init__(
        self,
        reader: MetricReader,
        dashboard: DashboardQueries,
        *,
        window: timedelta = WINDOW,
        live: LiveReadings | None = None,
        live_window: timedelta = EVALUATION_PERIOD,
    ) -> None:
        self._reader = reader
        self._dashboard = dashboard
        self._window = window
        self._live = live
        self._live_window = live_window
        """CPU is averaged over this much of each stream (HPA's metrics window)."""

    def with_live(self, live: LiveReadings) -> StoreReplicaMetrics:
        """The same reader, reading CPU and memory from ``live`` first."""
        return StoreReplicaMetrics(
            self._reader,
            self._dashboard,
            window=self._window,
            live=live,
            live_window=self._live_window,
        )

    def readings(
        self, service_id: UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        """Per metric key, one reading per replica measured within the window (the replicas
        streamed now, when any are)."""
        live = {} if self._live is None else self._live.live_usage(service_id, self._live_window)
        memory: Mapping[str, float | None] | None = None
        if live:
            cores: Mapping[str, float | None] = {r: u.cpu_cores for r, u in live.items()}
            memory = {r: u.memory_bytes for r, u in live.items()}
        else:
            cores = self._reader.latest_per_replica(service_id, CPU_CORES, self._window, now=now)
        replicas = sorted(cores)
        if not replicas:
            return {}
        resources: dict[str, Any] = self._dashboard.service(service_id).spec.get("resources") or {}
        found: dict[str, Sequence[Reading]] = {}
        for target in metrics:
            values = self._values(service_id, target, replicas, cores, memory, resources, now)
            if values is not None:
                found[target.key] = [Reading(True, values.get(r)) for r in replicas]
        return found

    def _values(
        self,
        service_id: UUID,
        target: MetricTarget,
        replicas: list[str],
        cores: Mapping[str, float | None],
        memory: Mapping[str, float | None] | None,
        resources: Mapping[str, Any],
        now: datetime,
    ) -> Mapping[str, float | None] | None:
        if target.kind is MetricKind.CPU:
            return _percent_of(cores, float(resources.get("cpu_request_millis") or 0) / 1000)
        if target.kind is MetricKind.MEMORY:
            if memory is None:
                memory = self._latest(service_id, MEMORY_BYTES, now)
            return _percent_of(memory, float(resources.get("memory_request_mb") or 0) * MIB)
        if target.kind is MetricKind.CUSTOM:
            return self._latest(service_id, target.key, now) or None
        requests = self._service_rate(service_id, REQUESTS, now)
        if requests is None:
            return None
        if target.kind is MetricKind.REQUESTS:
            return dict.fromkeys(replicas, requests / len(replicas))
        errors = self._service_rate(service_id, ERRORS, now) or 0.0
        rate = errors / requests * 100 if requests > 0 else 0.0
        return dict.fromkeys(replicas, rate)

    def _latest(self, service_id: UUID, metric: str, now: datetime) -> dict[str, float | None]:
        return dict(self._reader.latest_per_replica(service_id, metric, self._window, now=now))

    def _service_rate(self, service_id: UUID, metric: str, now: datetime) -> float | None:
        """The service's newest rate (the mean over the window), or None when unmeasured."""
        points = self._reader.series(
            service_id, metric, now - self._window, now + timedelta(seconds=1), self._window, "avg"
        )
        return points[-1][1] if points else None


IDLE_STEP = timedelta(seconds=10)


class StoreRouteActivity:
    """Reads a service's route request rates from the time-series store (for idleness)."""

    def __init__(self, reader: MetricReader, *, step: timedelta = IDLE_STEP) -> None:
        self._reader = reader
        self._step = step

    def requests(
        self, service_id: UUID, since: datetime, now: datetime
    ) -> list[tuple[datetime, float]]:
        """The route's highest request rate per step from ``since``, oldest first (no
        point: nothing measured in that step)."""
        return self._reader.series(
            service_id, REQUESTS, since, now + timedelta(seconds=1), self._step, "max"
        )


def _percent_of(
    values: Mapping[str, float | None], request: float
) -> dict[str, float | None] | None:
    """In % of the request; None (unavailable) when the service requests none."""
    if request <= 0:
        return None
    return {r: None if v is None else v / request * 100 for r, v in values.items()}
