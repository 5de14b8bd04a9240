"""Requests, 5xx errors and latency per service, from Caddy's JSON access log.

Caddy 2.6's Prometheus metrics are labelled by server and handler only (per-host labels came
with 2.8), so they cannot tell routes apart; its access log can. Our server logs every request
to ``ACCESS_LOGGER``, written as JSON lines to a file Containr reads (``access_log_config``);
each round reads what was appended since the last one (following Caddy's rolling of the file),
maps each request's host to the route that has it and so to the service, and turns the counts
and durations into rates and percentiles over the time since the last round.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Final
from uuid import UUID

import msgspec

from application.metrics import percentile
from application.metrics_ports import (
    ERRORS,
    LATENCY_P50,
    LATENCY_P95,
    LATENCY_P99,
    REQUESTS,
    Sample,
)
from application.runtime_ports import Route

_log = logging.getLogger(__name__)
ACCESS_LOGGER: Final = "containr_access"
READ_LIMIT: Final = 32 * 1024 * 1024
"""Bytes read per round at most (the rest waits for the next round)."""
MAX_DURATIONS: Final = 20_000
"""Durations kept per service and round for the percentiles (a uniform cut beyond)."""


def access_log_config(path: str) -> dict[str, object]:
    """Caddy's ``logging.logs`` entry writing our server's access log to ``path``."""
    return {
        "writer": {"output": "file", "filename": path, "roll_size_mb": 100, "roll_keep": 1},
        "encoder": {"format": "json"},
        "include": [f"http.log.access.{ACCESS_LOGGER}"],
    }


class _Request(msgspec.Struct, frozen=True):
    host: str = ""


class _Entry(msgspec.Struct, frozen=True):
    request: _Request = _Request()
    status: int = 0
    duration: float = 0.0


_decode = msgspec.json.Decoder(_Entry)


class AccessLogTail:
    """The lines appended to a file since the last read; starts at the file's end, and
    starts over when the file was rolled (another inode, or shorter than what was read)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset: int | None = None
        self._inode: int | None = None
        self._partial = b""

    def read(self) -> list[bytes]:
        """Complete lines appended since the last read."""
        try:
            with self._path.open("rb") as file:
                stat = os.fstat(file.fileno())
                if self._offset is None:
                    self._offset, self._inode = stat.st_size, stat.st_ino
                    return []
                if stat.st_ino != self._inode or stat.st_size < self._offset:
                    self._offset, self._inode, self._partial = 0, stat.st_ino, b""
                file.seek(self._offset)
                data = file.read(READ_LIMIT)
        except FileNotFoundError:
            # Caddy has not written a request yet: read the file from its start once it has.
            self._offset, self._inode = 0, None
            return []
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        return [line for line in lines if line]


def service_of(route_id: str, instance: str) -> UUID | None:
    """The service of one of our routes (``containr-<instance>-<service>-<environment>``)."""
    prefix = f"containr-{instance}-"
    if not route_id.startswith(prefix):
        return None
    try:
        return UUID(route_id[len(prefix) : len(prefix) + 36])
    except ValueError:
        return None


class RouteMetricsSource:
    """Every round: each routed service's request and error rates and latency percentiles."""

    def __init__(
        self, tail: AccessLogTail, routes: Callable[[], list[Route]], *, instance: str
    ) -> None:
        self._tail = tail
        self._routes = routes
        self._instance = instance
        self._last: datetime | None = None

    def __call__(self, now: datetime) -> list[Sample]:
        """The samples of the time since the previous round (none on the first)."""
        lines = self._tail.read()
        since, self._last = self._last, now
        if since is None or now <= since:
            return []
        seconds = (now - since).total_seconds()
        by_host: dict[str, UUID] = {}
        for route in self._routes():
            service = service_of(route.id, self._instance)
            if service is not None:
                by_host.update(dict.fromkeys((h.lower() for h in route.hosts), service))
        counts: dict[UUID, int] = dict.fromkeys(by_host.values(), 0)
        errors: dict[UUID, int] = dict.fromkeys(by_host.values(), 0)
        durations: dict[UUID, list[float]] = defaultdict(list)
        for line in lines:
            try:
                entry = _decode.decode(line)
            except msgspec.DecodeError:
                continue  # not an access entry (or cut short): skip it
            service = by_host.get(entry.request.host.rsplit(":", 1)[0].lower())
            if service is None:
                continue
            counts[service] += 1
            errors[service] += entry.status >= 500
            if len(durations[service]) < MAX_DURATIONS:
                durations[service].append(entry.duration)
        return [
            sample
            for service, count in counts.items()
            for sample in self._samples(
                service, count, errors[service], durations[service], now, seconds
            )
        ]

    @staticmethod
    def _samples(
        service: UUID,
        count: int,
        errors: int,
        durations: list[float],
        now: datetime,
        seconds: float,
    ) -> list[Sample]:
        values: dict[str, float] = {REQUESTS: count / seconds, ERRORS: errors / seconds}
        if durations:
            values |= {
                LATENCY_P50: percentile(durations, 0.5),
                LATENCY_P95: percentile(durations, 0.95),
                LATENCY_P99: percentile(durations, 0.99),
            }
        return [
            Sample(metric=metric, at=now, value=value, service_id=service)
            for metric, value in values.items()
        ]
