"""Metric ingestion: samples per second into the time-series store beside raw COPY.

Run as `python -m bench.metrics`. Each tick is what the collectors hand the store every 10 s
for 1,000 replicas x 10 metrics (10,000 samples, one ``record`` call); the baseline COPYs the
same rows, already as tuples, into the same table on a plain psycopg connection. Both runs
write the same number of ticks, alternating, into the same (indexed) table.

Headline: ``BENCH metric_ingest <samples/s> samples/s ratio=<ours/raw> baseline=raw COPY``
(target: ratio >= 0.5).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg

from adapters.eventstore import pg_pool
from adapters.timeseries import PostgresTimeSeries
from application.metrics_ports import BLOCK_READ, CPU_CORES, MEMORY_BYTES, Sample
from bench.common import bench_line, scratch_postgres

REPLICAS = int(os.environ.get("BENCH_REPLICAS", "1000"))
METRICS = 10
TICKS = int(os.environ.get("BENCH_TICKS", "12"))
NAMES = [CPU_CORES, MEMORY_BYTES, BLOCK_READ, *(f"custom:m{i}" for i in range(METRICS - 3))]


def tick(at: datetime, services: list[Any]) -> list[Sample]:
    """One collection round: every replica's every metric."""
    return [
        Sample(
            metric=name,
            at=at,
            value=float(r * m) / 7.0,
            service_id=services[r % len(services)],
            replica=f"{services[r % len(services)]}:{r}",
            node="bench-node",
        )
        for r in range(REPLICAS)
        for m, name in enumerate(NAMES)
    ]


def main() -> None:
    """Run both loads and print the headline."""
    services = [uuid4() for _ in range(REPLICAS // 4)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with scratch_postgres() as settings:
        assert settings.database_url is not None
        pool = pg_pool(settings, name="bench-metrics")
        store = PostgresTimeSeries(pool)
        raw = psycopg.connect(settings.database_url, autocommit=True)
        raw.execute(f'SET search_path TO "{settings.database_schema}"')
        ours = base = 0.0
        try:
            for i in range(TICKS):
                at = start + timedelta(seconds=10 * i)
                samples = tick(at, services)
                began = time.perf_counter()
                store.record(samples)
                ours += time.perf_counter() - began
                rows = [
                    (at + timedelta(seconds=5), s.metric, s.service_id, s.replica, s.node, s.value)
                    for s in samples
                ]
                began = time.perf_counter()
                with (
                    raw.cursor() as cursor,
                    cursor.copy(
                        "COPY containr_metric_raw (at, metric, service_id, replica, node, value) "
                        "FROM STDIN"
                    ) as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
                base += time.perf_counter() - began
        finally:
            raw.close()
            pool.close()
    total = TICKS * REPLICAS * METRICS
    print(f"ticks={TICKS} samples/tick={REPLICAS * METRICS}")
    print(f"store: {total / ours:.0f} samples/s   raw COPY: {total / base:.0f} samples/s")
    print(bench_line("metric_ingest", total / ours, "samples/s", total / base, "raw COPY"))


if __name__ == "__main__":
    main()
