"""Health, readiness and Prometheus metrics of this process."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from litestar import Request, Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from application.errors import UnavailableError
from application.services import Services
from interfaces.graphql.subscription import NoticeHub
from interfaces.http.graphql_http import error_response
from interfaces.http.workload_metrics import WorkloadCollector

log = logging.getLogger("containr.http")
SHARED_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's variable: the directory where the API processes of one server keep
their metrics, each in files of its own (``containr serve --processes`` sets it)."""
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
    """Prometheus metrics of this process, or of every API process of this server when they
    share a metrics directory (``PROMETHEUS_MULTIPROC_DIR``): then each process writes its
    counts to files of its own there, and whichever process is asked renders their sum."""

    def __init__(self, services: Services, hub: NoticeHub) -> None:
        shared = os.environ.get(SHARED_METRICS_ENV)
        if shared and values.ValueClass is values.MutexValue:
            # prometheus_client chose in-process values when it was imported, before the
            # directory was set: no metric exists yet, so switch before making ours.
            values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
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
            multiprocess_mode="mostrecent",  # set by whichever process rendered last
        )
        self.subscriptions = Gauge(
            "containr_subscriptions_open",
            "open subscriptions",
            registry=self.registry,
            multiprocess_mode="livesum",  # each live process's own, added up
        )
        hub.counted = self.subscriptions.set  # kept current: other processes render it too
        self._services = services
        self._hub = hub
        self._rendered = self.registry
        """What a scrape shows: this process's registry, or every process's files."""
        if shared:
            self._rendered = CollectorRegistry()
            multiprocess.MultiProcessCollector(self._rendered, path=shared)  # type: ignore[no-untyped-call]
        if services.timeseries is not None:
            self._rendered.register(WorkloadCollector(services.timeseries, services.dashboard))

    def render(self) -> bytes:
        """The text exposition, with gauges refreshed."""
        head = self._services.events.head()
        for model, position in self._services.read_store.positions().items():
            self.lag.labels(model).set(max(head - position, 0))
        self.subscriptions.set(self._hub.open)
        return generate_latest(self._rendered)
