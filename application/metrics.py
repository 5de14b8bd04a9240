"""How samples become series: buckets, partial aggregates, rollups and resolutions.

Pure functions shared by both time-series stores. A *partial* is what one series (a replica,
a whole service or a node) contributed to one bucket: count, total, minimum, maximum and 95th
percentile. Raw samples are partials of one; rollups are partials of a minute or an hour.
A step of a query folds the partials that fall into it:

- ``avg``: the mean of every sample (total over count);
- ``max`` / ``min``: the extremes;
- ``sum``: each series' mean over the step, summed across series (replicas' request
  rates add up to the service's);
- ``p95``: the 95th percentile of the samples (of the buckets' 95th percentiles when the
  step reads rollups, an approximation).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec

from application.metrics_ports import (
    HOUR_RETENTION,
    MINUTE_RETENTION,
    RAW_RETENTION,
    Aggregation,
)

Resolution = Literal["raw", "minute", "hour"]
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_STEP = timedelta(seconds=10)
MAX_POINTS = 11_000
"""A query asks for at most this many steps (a week at one minute is 10,080)."""


class Partial(msgspec.Struct, frozen=True, array_like=True):
    """One series' contribution to one bucket."""

    series: str
    at: datetime
    count: int
    total: float
    minimum: float
    maximum: float
    p95: float


class SeriesQueryError(ValueError):
    """Raised when a series is asked for with a step or a range it cannot have."""


def floor_to(at: datetime, step: timedelta) -> datetime:
    """The start of the bucket of width ``step`` (counted from the epoch) holding ``at``."""
    seconds = step.total_seconds()
    offset = (at - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=math.floor(offset / seconds) * seconds)


def percentile(values: Sequence[float], q: float = 0.95) -> float:
    """The ``q`` quantile with linear interpolation (PostgreSQL's ``percentile_cont``)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def partial_of(series: str, at: datetime, values: Sequence[float]) -> Partial:
    """The partial of some samples of one series in one bucket."""
    return Partial(
        series=series,
        at=at,
        count=len(values),
        total=math.fsum(values),
        minimum=min(values),
        maximum=max(values),
        p95=percentile(values),
    )


def roll_up(samples: Iterable[tuple[str, datetime, float]], width: timedelta) -> list[Partial]:
    """Raw samples (series, at, value) folded into one partial per series and bucket."""
    groups: dict[tuple[str, datetime], list[float]] = defaultdict(list)
    for series, at, value in samples:
        groups[(series, floor_to(at, width))].append(value)
    return [partial_of(s, at, values) for (s, at), values in sorted(groups.items())]


def merge(partials: Sequence[Partial], series: str, at: datetime) -> Partial:
    """Partials of one series folded into a coarser bucket (minutes into an hour)."""
    return Partial(
        series=series,
        at=at,
        count=sum(p.count for p in partials),
        total=math.fsum(p.total for p in partials),
        minimum=min(p.minimum for p in partials),
        maximum=max(p.maximum for p in partials),
        p95=percentile([p.p95 for p in partials]),
    )


def roll_up_partials(partials: Iterable[Partial], width: timedelta) -> list[Partial]:
    """Finer partials folded into one partial per series and coarser bucket."""
    groups: dict[tuple[str, datetime], list[Partial]] = defaultdict(list)
    for p in partials:
        groups[(p.series, floor_to(p.at, width))].append(p)
    return [merge(ps, s, at) for (s, at), ps in sorted(groups.items())]


def aggregate(
    partials: Iterable[Partial], step: timedelta, aggregation: Aggregation
) -> list[tuple[datetime, float]]:
    """One point per step that has partials, oldest first."""
    steps: dict[datetime, list[Partial]] = defaultdict(list)
    for p in partials:
        steps[floor_to(p.at, step)].append(p)
    return [(at, _fold(steps[at], aggregation)) for at in sorted(steps)]


def _fold(partials: list[Partial], aggregation: Aggregation) -> float:
    if aggregation == "avg":
        return math.fsum(p.total for p in partials) / sum(p.count for p in partials)
    if aggregation == "max":
        return max(p.maximum for p in partials)
    if aggregation == "min":
        return min(p.minimum for p in partials)
    if aggregation == "p95":
        if all(p.count == 1 for p in partials):
            return percentile([p.total for p in partials])
        return percentile([p.p95 for p in partials])
    by_series: dict[str, list[Partial]] = defaultdict(list)
    for p in partials:
        by_series[p.series].append(p)
    return math.fsum(
        math.fsum(p.total for p in ps) / sum(p.count for p in ps) for ps in by_series.values()
    )


def resolution_for(since: datetime, step: timedelta, now: datetime) -> Resolution:
    """The coarsest table not coarser than the step, or a coarser one when the finer has
    already dropped ``since`` (the store then reads finer tables for what is not rolled up)."""
    if step < MINUTE and since >= now - RAW_RETENTION:
        return "raw"
    if step < HOUR and since >= now - MINUTE_RETENTION:
        return "minute"
    return "hour"


def check_query(since: datetime, until: datetime, step: timedelta) -> None:
    """Refuse a step below the raw resolution, an empty range or one with too many steps."""
    if since.tzinfo is None or until.tzinfo is None:
        raise SeriesQueryError("since and until must carry a time zone")
    if step < MIN_STEP:
        raise SeriesQueryError(f"the step must be at least {int(MIN_STEP.total_seconds())} s")
    if until <= since:
        raise SeriesQueryError("until must be after since")
    if (until - since) / step > MAX_POINTS:
        raise SeriesQueryError(f"at most {MAX_POINTS} steps per query: use a larger step")
    if since < until - HOUR_RETENTION - timedelta(days=1):
        raise SeriesQueryError("metrics are kept for 90 days")


def minute_edge(now: datetime) -> datetime:
    """Minutes before this are complete: a sample may arrive up to a minute late."""
    return floor_to(now, MINUTE) - MINUTE


def hour_edge(now: datetime) -> datetime:
    """Hours before this are complete (their minutes are rolled up)."""
    return floor_to(minute_edge(now), HOUR)
