"""Every service's, replica's and node's newest measurement on ``/metrics``.

Read from the time-series store at scrape time (the samples of the last minute), labelled
with the organisation, project, environment and service (ids, and the service's name) and
the replica, in the Prometheus text format beside Containr's own process metrics.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from application.errors import UnavailableError
from application.metrics_ports import (
    CUSTOM_PREFIX,
    LatestSample,
    MetricsUnavailableError,
    TimeSeriesStore,
)
from application.readmodels import DashboardQueries

log = logging.getLogger("containr.http")
WINDOW = timedelta(minutes=1)
"""Series not measured within this window are not exported (they went away)."""
_LABELS = ("organization", "project", "environment", "service", "service_name", "replica", "node")
_NODE_LABELS = ("node",)


def exported_name(sample: LatestSample) -> str:
    """The Prometheus name of a sample's metric."""
    if sample.metric.startswith(CUSTOM_PREFIX):
        name = re.sub(r"[^a-zA-Z0-9_]", "_", sample.metric[len(CUSTOM_PREFIX) :])
        return f"containr_app_{name}"
    if sample.service_id is None:
        return f"containr_{sample.metric}"  # node_* already
    scope = "replica" if sample.replica else "service"
    return f"containr_{scope}_{sample.metric}"


class WorkloadCollector(Collector):
    """A prometheus_client collector over the time-series store."""

    def __init__(self, store: TimeSeriesStore, dashboard: DashboardQueries) -> None:
        self._store = store
        self._dashboard = dashboard

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing up front: the names depend on what is measured."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge family per exported name; none while the store does not answer
        (``containr_metrics_store_up`` says so), never a failed scrape."""
        up = GaugeMetricFamily(
            "containr_metrics_store_up", "whether the measurements could be read"
        )
        try:
            families = self._families()
        except (MetricsUnavailableError, UnavailableError):
            log.warning("the metrics store did not answer a /metrics scrape")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> list[GaugeMetricFamily]:
        latest = [s for s in self._store.latest(WINDOW) if s.value is not None]
        services = {
            row.id: row
            for row in self._dashboard.services_by_id(
                sorted({s.service_id for s in latest if s.service_id is not None})
            )
        }
        deployments = {
            row.id: row.environment_id
            for row in self._dashboard.deployments_by_id(
                sorted(_deployments(latest)), columns=("environment_id",)
            )
        }
        families: dict[str, GaugeMetricFamily] = {}
        for sample in latest:
            name = exported_name(sample)
            if sample.service_id is None:
                labels = [sample.node]
                family = families.get(name) or GaugeMetricFamily(
                    name, f"Containr measurement {sample.metric}", labels=_NODE_LABELS
                )
            else:
                service = services.get(sample.service_id)
                if service is None:
                    continue  # a service this installation no longer knows
                deployment = _deployment_of(sample.replica)
                environment = deployments.get(deployment) if deployment else None
                labels = [
                    str(service.organization_id),
                    str(service.project_id),
                    str(environment or ""),
                    str(service.id),
                    service.name,
                    sample.replica,
                    sample.node,
                ]
                family = families.get(name) or GaugeMetricFamily(
                    name, f"Containr measurement {sample.metric}", labels=_LABELS
                )
            families[name] = family
            assert sample.value is not None
            family.add_metric(labels, sample.value)
        return list(families.values())


def _deployment_of(replica: str) -> UUID | None:
    head, _, _ = replica.partition(":")
    try:
        return UUID(head)
    except ValueError:
        return None


def _deployments(latest: list[LatestSample]) -> set[UUID]:
    return {d for s in latest if (d := _deployment_of(s.replica)) is not None}
