"""Application metrics: each replica's own Prometheus endpoint (the service's metrics_endpoint
setting), scraped with prometheus-client's text parser.

A scrape has a deadline for the whole answer (a trickling endpoint is cut off too) and a
size limit. An endpoint that does not answer in time, answers an error or answers garbage
is recorded as "metric unavailable": ``custom:up`` and every metric it gave last time are
stored as None for that replica, which readers (the autoscaler) treat as missing, never
as zero. Nothing a replica answers can crash the collection.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from uuid import UUID

import httpx
import msgspec
from prometheus_client.parser import text_string_to_metric_families

from application.metrics_ports import CUSTOM_PREFIX, ReplicaId, Sample

_log = logging.getLogger(__name__)
SCRAPE_DEADLINE = 3.0
"""Seconds one scrape may take, from connecting to the last byte."""
MAX_BYTES = 1_000_000
MAX_METRICS = 200
"""A replica exposing more metric names than this is refused (unbounded cardinality)."""
UP = f"{CUSTOM_PREFIX}up"


class ScrapeError(Exception):
    """Raised when a metrics endpoint does not answer in time, answers an error, or answers
    something that is not the Prometheus text format; the message says which."""


class ScrapeTarget(msgspec.Struct, frozen=True, kw_only=True):
    """A running replica and the address its container answers on."""

    service_id: UUID
    replica: ReplicaId
    node: str
    address: str


def parse_exposition(text: str) -> dict[str, float]:
    """Each sample's value by name (summed over label sets); histogram buckets and
    non-finite values are left out."""
    values: dict[str, float] = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name.endswith("_bucket") or not math.isfinite(sample.value):
                    continue
                values[sample.name] = values.get(sample.name, 0.0) + float(sample.value)
                if len(values) > MAX_METRICS:
                    raise ScrapeError(f"more than {MAX_METRICS} metric names")
    except ScrapeError:
        raise
    except Exception as e:  # the parser raises ValueError, IndexError, TypeError... on garbage
        raise ScrapeError(f"not the Prometheus text format ({type(e).__name__})") from None
    return values


def scrape(
    client: httpx.Client, url: str, *, deadline: float = SCRAPE_DEADLINE
) -> dict[str, float]:
    """Fetch and parse one endpoint within ``deadline`` seconds."""
    ends = time.monotonic() + deadline
    body = bytearray()
    try:
        with client.stream("GET", url, timeout=deadline) as answer:
            if answer.status_code != 200:
                raise ScrapeError(f"answered {answer.status_code}")
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ScrapeError(f"answered more than {MAX_BYTES} bytes")
                if time.monotonic() > ends:
                    raise ScrapeError(f"did not finish answering within {deadline:g} s")
    except httpx.HTTPError as e:
        raise ScrapeError(f"did not answer within {deadline:g} s ({type(e).__name__})") from None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ScrapeError("answered bytes that are not UTF-8 text") from None
    return parse_exposition(text)


class AppMetricsSource:
    """Scrapes every running replica of the services that name a metrics endpoint."""

    def __init__(
        self,
        targets: Callable[[], list[ScrapeTarget]],
        endpoints: Callable[[list[UUID]], dict[UUID, tuple[str, int]]],
        *,
        workers: int = 8,
    ) -> None:
        self._targets = targets
        self._endpoints = endpoints
        self._workers = workers
        self._known: dict[ReplicaId, set[str]] = {}
        self._client = httpx.Client(follow_redirects=False, trust_env=False)

    def __call__(self, now: datetime) -> list[Sample]:
        """One round of scrapes: the samples of every replica that has an endpoint."""
        targets = self._targets()
        endpoints = self._endpoints(sorted({t.service_id for t in targets}))
        wanted = [(t, endpoints[t.service_id]) for t in targets if t.service_id in endpoints]
        if not wanted:
            return []
        with ThreadPoolExecutor(self._workers, thread_name_prefix="scrape") as pool:
            results = list(pool.map(lambda pair: self._scrape(*pair), wanted))
        samples: list[Sample] = []
        for (target, _), values in zip(wanted, results, strict=True):
            samples += self._samples(target, values, now)
        return samples

    def _scrape(self, target: ScrapeTarget, endpoint: tuple[str, int]) -> dict[str, float] | None:
        path, port = endpoint
        try:
            return scrape(self._client, f"http://{target.address}:{port}{path}")
        except ScrapeError as e:
            _log.info("metrics of replica %s unavailable: %s", target.replica, e)
            return None

    def _samples(
        self, target: ScrapeTarget, values: dict[str, float] | None, now: datetime
    ) -> list[Sample]:
        def sample(metric: str, value: float | None) -> Sample:
            return Sample(
                metric=metric,
                at=now,
                value=value,
                service_id=target.service_id,
                replica=target.replica,
                node=target.node,
            )

        if values is None:
            missing = self._known.get(target.replica, set())
            return [sample(UP, None), *(sample(m, None) for m in sorted(missing))]
        named = {f"{CUSTOM_PREFIX}{name}": value for name, value in values.items()}
        self._known[target.replica] = set(named)
        return [sample(UP, 1.0), *(sample(m, v) for m, v in named.items())]

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
