"""Health, readiness and Prometheus metrics of this process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from application.services import Services
from interfaces.graphql.subscription import NoticeHub


class Metrics:
    """Prometheus metrics of this process."""

    def __init__(self, services: Services, hub: NoticeHub) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "containr_http_requests", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "containr_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
        )
        self.lag = Gauge(
            "containr_projection_lag_events",
            "events not yet applied",
            ["model"],
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "containr_subscriptions_open", "open subscriptions", registry=self.registry
        )
        self._services = services
        self._hub = hub

    def render(self) -> bytes:
        """The text exposition, with gauges refreshed."""
        head = self._services.events.head()
        for model, position in self._services.read_store.positions().items():
            self.lag.labels(model).set(max(head - position, 0))
        self.subscriptions.set(self._hub.open)
        return generate_latest(self.registry)
