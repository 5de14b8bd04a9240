"""Health, readiness and Prometheus metrics of this process."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from litestar import Request, Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from application.errors import UnavailableError
from application.services import Services
from interfaces.graphql.subscription import NoticeHub
from interfaces.http.graphql_http import error_response
from interfaces.http.workload_metrics import WorkloadCollector

log = logging.getLogger("containr.http")
READY_DEADLINE = 0.8
"""Seconds /readyz waits for its checks: it answers within a second, whatever is down."""


class Readiness:
    """/readyz: every check runs in a thread of its own and the answer comes by a deadline.

    A check that does not answer in time counts as down. A check still running from an
    earlier call is waited on again rather than started twice, so a dependency that hangs
    never piles up threads.
    """

    def __init__(self, services: Services, *, deadline: float = READY_DEADLINE) -> None:
        self._checks: dict[str, Callable[[], object]] = {
            **services.dependencies,
            "event_store": lambda: {"head": services.events.head()},
            "read_models": services.read_store.positions,
        }
        self._deadline = deadline
        self._running: dict[str, Future[object]] = {}
        self._lock = threading.Lock()
        self._was_ready = True

    async def report(self) -> tuple[bool, dict[str, object]]:
        """Whether this process is ready, and what each check said."""
        runs = {name: self._start(name, check) for name, check in self._checks.items()}
        await asyncio.wait([asyncio.wrap_future(f) for f in runs.values()], timeout=self._deadline)
        answers = {name: run.result() if run.done() else "no answer" for name, run in runs.items()}
        # A check answers True, or what it found (a dict); anything else means not ready.
        ready = all(a is True or isinstance(a, dict) for a in answers.values())
        report = {n: "ok" if a is True else "down" if a is False else a for n, a in answers.items()}
        if ready != self._was_ready:
            self._was_ready = ready
            log.warning("%s: %s", "ready again" if ready else "not ready", report)
        return ready, {"status": "ready" if ready else "not ready", **report}

    def _start(self, name: str, check: Callable[[], object]) -> Future[object]:
        with self._lock:
            run = self._running.get(name)
            if run is None or run.done():
                run = Future()
                self._running[name] = run
                threading.Thread(
                    target=_answer, args=(check, run), name=f"containr-ready-{name}", daemon=True
                ).start()
            return run


def _answer(check: Callable[[], object], run: Future[object]) -> None:
    try:
        run.set_result(check())
    except Exception as e:  # any failure means "down"; say which kind, never its text
        run.set_result("down" if isinstance(e, UnavailableError) else f"down ({type(e).__name__})")


def unavailable_response(_: Request[Any, Any, Any], error: UnavailableError) -> Response[bytes]:
    """A dependency did not answer outside GraphQL execution (signing the caller in, the
    metrics): a GraphQL-shaped UNAVAILABLE error with HTTP 503, never a bare 500."""
    response = error_response(str(error), "UNAVAILABLE", HTTP_503_SERVICE_UNAVAILABLE)
    response.headers["Retry-After"] = "1"
    return response


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
        if services.timeseries is not None:
            self.registry.register(WorkloadCollector(services.timeseries, services.dashboard))

    def render(self) -> bytes:
        """The text exposition, with gauges refreshed."""
        head = self._services.events.head()
        for model, position in self._services.read_store.positions().items():
            self.lag.labels(model).set(max(head - position, 0))
        self.subscriptions.set(self._hub.open)
        return generate_latest(self.registry)
