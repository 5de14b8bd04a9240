"""The time-series store's contract, on PostgreSQL (a schema of its own) and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.eventstore import pg_pool
from adapters.timeseries import PostgresTimeSeries, SqliteTimeSeries
from application.metrics_ports import (
    CPU_CORES,
    NODE_CPU_CORES,
    REQUESTS,
    Sample,
    TimeSeriesStore,
)
from application.settings import Settings

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SERVICE = uuid4()
OTHER = uuid4()


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.at = START

    def now(self) -> datetime:
        return self.at


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_and_clock(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[TimeSeriesStore, Clock]]:
    clock = Clock()
    if request.param == "sqlite":
        settings: Settings = request.getfixturevalue("sqlite_settings")
        yield SqliteTimeSeries(settings.sqlite_path, clock), clock
        return
    settings = request.getfixturevalue("pg_settings")
    pool = pg_pool(settings, name="timeseries-test")
    try:
        yield PostgresTimeSeries(pool, clock), clock
    finally:
        pool.close()


def cpu(at: datetime, value: float | None, replica: str = "d:0", service=SERVICE) -> Sample:  # type: ignore[no-untyped-def]
    return Sample(metric=CPU_CORES, at=at, value=value, service_id=service, replica=replica)


def every_10s(minutes: int) -> list[datetime]:
    return [START + timedelta(seconds=10 * i) for i in range(minutes * 6)]


def test_series_averages_replicas_per_step(store_and_clock: tuple[TimeSeriesStore, Clock]) -> None:
    store, clock = store_and_clock
    clock.at = START + timedelta(minutes=5)
    samples = [cpu(at, 0.2, "d:0") for at in every_10s(2)]
    samples += [cpu(at, 0.4, "d:1") for at in every_10s(2)]
    samples.append(cpu(START, 9.0, "d:0", service=OTHER))
    store.record(samples)
    points = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(minutes=2), timedelta(minutes=1), "avg"
    )
    assert [at for at, _ in points] == [START, START + timedelta(minutes=1)]
    assert [round(v, 6) for _, v in points] == [0.3, 0.3]
    summed = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(minutes=2), timedelta(minutes=1), "sum"
    )
    assert [round(v, 6) for _, v in summed] == [0.6, 0.6]
    highest = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(minutes=2), timedelta(seconds=10), "max"
    )
    assert len(highest) == 12 and all(round(v, 6) == 0.4 for _, v in highest)


def test_unavailable_samples_are_missing_not_zero(
    store_and_clock: tuple[TimeSeriesStore, Clock],
) -> None:
    store, clock = store_and_clock
    clock.at = START + timedelta(seconds=30)
    store.record(
        [
            cpu(START, 0.5, "d:0"),
            cpu(START + timedelta(seconds=10), None, "d:0"),
            cpu(START + timedelta(seconds=10), 0.7, "d:1"),
            cpu(START - timedelta(minutes=5), 0.9, "d:2"),
        ]
    )
    latest = store.latest_per_replica(SERVICE, CPU_CORES, timedelta(minutes=1))
    assert latest == {"d:0": None, "d:1": 0.7}
    points = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(seconds=20), timedelta(seconds=10), "min"
    )
    assert points == [(START, 0.5), (START + timedelta(seconds=10), 0.7)]


def test_rollups_keep_the_series_once_raw_samples_are_dropped(
    store_and_clock: tuple[TimeSeriesStore, Clock],
) -> None:
    store, clock = store_and_clock
    store.record([cpu(at, float(i % 6), "d:0") for i, at in enumerate(every_10s(3))])
    store.record([Sample(metric=NODE_CPU_CORES, at=START, value=1.5, node="n1")])
    clock.at = START + timedelta(hours=2)
    first = store.maintain(clock.at)
    assert first.minutes_rolled == 4  # three minutes of the replica, one of the node
    assert first.hours_rolled == 2
    again = store.maintain(clock.at)
    assert again.minutes_rolled == 0 and again.raw_dropped == 0
    # Past the raw retention: the raw samples go, the minutes answer.
    clock.at = START + timedelta(hours=26)
    report = store.maintain(clock.at)
    assert report.raw_dropped == 19
    points = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(minutes=3), timedelta(minutes=1), "avg"
    )
    assert [round(v, 6) for _, v in points] == [2.5, 2.5, 2.5]
    peaks = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(minutes=3), timedelta(minutes=1), "max"
    )
    assert [v for _, v in peaks] == [5.0, 5.0, 5.0]
    node = store.node_series(
        "n1", NODE_CPU_CORES, START, START + timedelta(hours=1), timedelta(hours=1), "avg"
    )
    assert node == [(START, 1.5)]
    # Past the minutes' retention: the hour answers.
    clock.at = START + timedelta(days=8)
    assert store.maintain(clock.at).minutes_dropped == 4
    hourly = store.series(
        SERVICE, CPU_CORES, START, START + timedelta(hours=1), timedelta(hours=1), "avg"
    )
    assert [(at, round(v, 6)) for at, v in hourly] == [(START, 2.5)]
    clock.at = START + timedelta(days=91)
    assert store.maintain(clock.at).hours_dropped == 2


def test_series_reads_rollups_and_then_raw_samples_not_yet_rolled_up(
    store_and_clock: tuple[TimeSeriesStore, Clock],
) -> None:
    store, clock = store_and_clock
    old = START - timedelta(days=2)
    store.record([cpu(old, 1.0)])
    clock.at = old + timedelta(hours=2)
    store.maintain(clock.at)
    store.record([cpu(START, 3.0)])
    clock.at = START + timedelta(minutes=1)
    points = store.series(SERVICE, CPU_CORES, old, clock.at, timedelta(hours=1), "max")
    assert points == [(old, 1.0), (START, 3.0)]


def test_latest_gives_each_series_newest_sample(
    store_and_clock: tuple[TimeSeriesStore, Clock],
) -> None:
    store, clock = store_and_clock
    clock.at = START + timedelta(seconds=20)
    store.record(
        [
            cpu(START, 0.1),
            cpu(START + timedelta(seconds=10), 0.2),
            Sample(metric=REQUESTS, at=START, value=4.0, service_id=SERVICE),
            Sample(metric=NODE_CPU_CORES, at=START, value=1.0, node="n1"),
        ]
    )
    latest = {(s.metric, s.replica, s.node): s.value for s in store.latest(timedelta(minutes=1))}
    assert latest == {
        (CPU_CORES, "d:0", ""): 0.2,
        (REQUESTS, "", ""): 4.0,
        (NODE_CPU_CORES, "", "n1"): 1.0,
    }
    service_of = {s.metric: s.service_id for s in store.latest(timedelta(minutes=1))}
    assert service_of[CPU_CORES] == SERVICE and service_of[NODE_CPU_CORES] is None


def test_bad_queries_are_refused(store_and_clock: tuple[TimeSeriesStore, Clock]) -> None:
    store, _ = store_and_clock
    with pytest.raises(ValueError, match="step"):
        store.series(
            SERVICE, CPU_CORES, START, START + timedelta(hours=1), timedelta(seconds=1), "avg"
        )
    with pytest.raises(ValueError, match="after"):
        store.series(SERVICE, CPU_CORES, START, START, timedelta(minutes=1), "avg")
    with pytest.raises(ValueError, match="steps"):
        store.series(
            SERVICE, CPU_CORES, START, START + timedelta(days=30), timedelta(seconds=10), "avg"
        )
