"""Metrics without I/O: buckets, percentiles, rollups, step aggregation, resolutions, the
stats-frame arithmetic and the exposition parser's handling of garbage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import msgspec
import pytest

from adapters.app_metrics import MAX_METRICS, ScrapeError, parse_exposition
from adapters.container_stats import Frame, _Stream, reading
from application.metrics import (
    Partial,
    SeriesQueryError,
    aggregate,
    check_query,
    floor_to,
    hour_edge,
    minute_edge,
    percentile,
    resolution_for,
    roll_up,
    roll_up_partials,
)
from application.metrics_ports import BLOCK_READ, NETWORK_RX, is_known_metric
from application.processes.support import DEPLOYMENT, REPLICA, SERVICE

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_buckets_start_on_whole_steps_from_the_epoch() -> None:
    assert floor_to(T0 + timedelta(seconds=59), MINUTE) == T0
    assert floor_to(T0 + timedelta(minutes=61), timedelta(hours=1)) == T0 + timedelta(hours=1)
    assert floor_to(T0 + timedelta(seconds=25), timedelta(seconds=10)) == T0 + timedelta(seconds=20)


def test_percentile_interpolates_like_postgresql() -> None:
    assert percentile([1.0]) == 1.0
    assert percentile([1.0, 2.0]) == pytest.approx(1.95)
    assert percentile(list(map(float, range(1, 101)))) == pytest.approx(95.05)
    with pytest.raises(ValueError, match="no values"):
        percentile([])


def test_roll_up_makes_one_partial_per_series_and_minute() -> None:
    samples = [("a", T0 + timedelta(seconds=10 * i), float(i)) for i in range(12)]
    samples.append(("b", T0, 7.0))
    rolled = roll_up(samples, MINUTE)
    assert [(p.series, p.at, p.count) for p in rolled] == [
        ("a", T0, 6),
        ("a", T0 + MINUTE, 6),
        ("b", T0, 1),
    ]
    first = rolled[0]
    assert (first.total, first.minimum, first.maximum) == (15.0, 0.0, 5.0)


def test_minutes_roll_up_into_hours_keeping_counts_and_extremes() -> None:
    minutes = roll_up(
        [("a", T0 + timedelta(seconds=10 * i), float(i % 7)) for i in range(360)], MINUTE
    )
    hours = roll_up_partials(minutes, timedelta(hours=1))
    assert len(hours) == 1
    hour = hours[0]
    assert hour.count == 360 and hour.minimum == 0.0 and hour.maximum == 6.0
    assert hour.total == sum(float(i % 7) for i in range(360))


def test_sum_adds_each_series_mean_and_avg_weighs_every_sample() -> None:
    partials = [
        Partial("a", T0, 6, 6.0, 1.0, 1.0, 1.0),
        Partial("b", T0, 2, 6.0, 3.0, 3.0, 3.0),
    ]
    assert aggregate(partials, MINUTE, "sum") == [(T0, 4.0)]
    assert aggregate(partials, MINUTE, "avg") == [(T0, 1.5)]
    assert aggregate(partials, MINUTE, "max") == [(T0, 3.0)]
    assert aggregate(partials, MINUTE, "min") == [(T0, 1.0)]
    assert aggregate(partials, MINUTE, "p95") == [(T0, pytest.approx(2.9))]


def test_steps_without_samples_have_no_point() -> None:
    partials = [Partial("a", T0, 1, 1.0, 1.0, 1.0, 1.0)]
    partials.append(Partial("a", T0 + 3 * MINUTE, 1, 2.0, 2.0, 2.0, 2.0))
    assert [at for at, _ in aggregate(partials, MINUTE, "avg")] == [T0, T0 + 3 * MINUTE]


def test_the_resolution_follows_the_step_and_what_is_still_kept() -> None:
    now = T0
    assert resolution_for(now - timedelta(hours=1), timedelta(seconds=10), now) == "raw"
    assert resolution_for(now - timedelta(days=2), timedelta(seconds=10), now) == "minute"
    assert resolution_for(now - timedelta(hours=1), MINUTE, now) == "minute"
    assert resolution_for(now - timedelta(days=8), MINUTE, now) == "hour"
    assert resolution_for(now - timedelta(hours=1), timedelta(hours=1), now) == "hour"


def test_rollups_wait_a_minute_for_late_samples() -> None:
    now = T0 + timedelta(minutes=5, seconds=30)
    assert minute_edge(now) == T0 + timedelta(minutes=4)
    assert hour_edge(T0 + timedelta(minutes=0, seconds=30)) == T0 - timedelta(hours=1)


@pytest.mark.parametrize(
    ("since", "until", "step", "why"),
    [
        (T0, T0 + MINUTE, timedelta(seconds=1), "step"),
        (T0, T0, MINUTE, "after"),
        (T0, T0 + timedelta(days=30), timedelta(seconds=10), "steps"),
        (T0.replace(tzinfo=None), T0 + MINUTE, MINUTE, "zone"),
        (T0 - timedelta(days=200), T0, timedelta(days=1), "90 days"),
    ],
)
def test_impossible_queries_are_refused(
    since: datetime, until: datetime, step: timedelta, why: str
) -> None:
    with pytest.raises(SeriesQueryError, match=why):
        check_query(since, until, step)


def test_known_metrics() -> None:
    assert is_known_metric("cpu_cores") and is_known_metric("custom:queue_depth")
    assert not is_known_metric("cpu") and not is_known_metric("custom:")


def frame(read: datetime, cpu: int, system: int, pre_cpu: int, pre_system: int, rx: int) -> Frame:
    return msgspec.convert(
        {
            "read": read.isoformat(),
            "cpu_stats": {
                "cpu_usage": {"total_usage": cpu},
                "system_cpu_usage": system,
                "online_cpus": 2,
            },
            "precpu_stats": {"cpu_usage": {"total_usage": pre_cpu}, "system_cpu_usage": pre_system},
            "memory_stats": {"usage": 5000, "limit": 10000, "stats": {"inactive_file": 1000}},
            "networks": {"eth0": {"rx_bytes": rx, "tx_bytes": 0}},
            "blkio_stats": {"io_service_bytes_recursive": [{"op": "read", "value": rx * 2}]},
        },
        Frame,
    )


def test_a_stats_frame_gives_cores_memory_and_rates() -> None:
    first = frame(T0, 100, 1000, 0, 0, 1000)
    second = frame(T0 + timedelta(seconds=2), 600, 3000, 100, 1000, 5000)
    got = reading(second, first)
    assert got.cpu_cores == pytest.approx(500 / 2000 * 2)
    assert got.memory_bytes == 4000.0 and got.memory_limit_bytes == 10000.0
    assert got.rates[NETWORK_RX] == 2000.0 and got.rates[BLOCK_READ] == 4000.0
    assert reading(first, None).rates[NETWORK_RX] is None  # no rate from one frame


def test_live_cpu_is_averaged_over_the_window_of_frames() -> None:
    labels = {SERVICE: str(uuid4()), DEPLOYMENT: "d", REPLICA: "0"}
    stream = _Stream("unix:///nowhere", "c0ffee", labels, "")
    assert stream.cpu_over(timedelta(seconds=15)) is None  # nothing streamed yet
    # Idle for 20 s (one frame a second), then one core of two busy for 5 s.
    previous = None
    for second in range(26):
        busy = max(second - 20, 0)
        current = frame(T0 + timedelta(seconds=second), busy * 1000, second * 2000, 0, 0, 0)
        stream.take(current, previous)
        previous = current
    assert stream.cpu_over(timedelta(seconds=15)) == pytest.approx(5000 / 30000 * 2)
    assert stream.cpu_over(timedelta(seconds=5)) == pytest.approx(1.0)
    # One frame in the window: the two newest frames' rate, as the stream read it.
    assert stream.cpu_over(timedelta(0)) == stream.latest.cpu_cores  # type: ignore[union-attr]


EXPOSITION = """\
# HELP jobs_total Jobs done.
# TYPE jobs_total counter
jobs_total{queue="a"} 3
jobs_total{queue="b"} 4
# TYPE queue_depth gauge
queue_depth 12.5
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="+Inf"} 2
latency_seconds_sum 0.3
latency_seconds_count 2
odd NaN
"""


def test_an_exposition_gives_each_name_summed_over_labels() -> None:
    assert parse_exposition(EXPOSITION) == {
        "jobs_total": 7.0,
        "queue_depth": 12.5,
        "latency_seconds_sum": 0.3,
        "latency_seconds_count": 2.0,
    }
    assert parse_exposition("") == {}


@pytest.mark.parametrize(
    "garbage",
    [
        "hello world",
        "<html><body>Not Found</body></html>",
        'metric{label="x"',
        "\x00\x01\x02",
        '# TYPE x counter\nx{a="1"} one\n',
    ],
)
def test_garbage_is_a_scrape_error_not_a_crash(garbage: str) -> None:
    with pytest.raises(ScrapeError, match="Prometheus text format"):
        parse_exposition(garbage)


def test_too_many_names_are_refused() -> None:
    text = "".join(f"m{i} 1\n" for i in range(MAX_METRICS + 1))
    with pytest.raises(ScrapeError, match="metric names"):
        parse_exposition(text)
