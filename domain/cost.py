"""What services cost over a month (issue 16): from what actually ran (replica-hours at each
replica's hourly cost, changing as replicas and requests changed) and, for the rest of the
month, the current rate projected to its end. Pure: the changes and the time are given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class RateChange:
    """From ``at``, the service runs ``replicas`` replicas at ``replica_cost`` each per hour."""

    at: datetime
    replicas: int
    replica_cost: float


@dataclass(frozen=True)
class MonthEstimate:
    """A month's cost: what ran so far, and the current rate until the month ends."""

    month_start: datetime
    month_end: datetime
    so_far: float
    replica_hours: float
    """Replica-hours run since the month started."""
    hourly_rate: float
    """What the replicas running now cost per hour."""
    rest: float
    """The current rate projected to the month's end."""

    @property
    def total(self) -> float:
        """The month's estimated cost."""
        return self.so_far + self.rest


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) ``now`` falls in: its first instant and the next month's."""
    now = now.astimezone(UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def estimate_month(changes: Sequence[RateChange], now: datetime) -> MonthEstimate:
    """The month's cost from the rate changes (any order; before the month too: the last one
    before it sets the rate it starts with), up to ``now``, plus the rate at ``now`` to the
    month's end. Changes after ``now`` are ignored."""
    start, end = month_bounds(now)
    ordered = sorted((c for c in changes if c.at <= now), key=lambda c: c.at)
    so_far = replica_hours = 0.0
    replicas, cost, since = 0, 0.0, start
    for change in ordered:
        if change.at > start:
            hours = (change.at - since) / HOUR
            so_far += replicas * cost * hours
            replica_hours += replicas * hours
            since = change.at
        replicas, cost = max(change.replicas, 0), change.replica_cost
    hours = (now - since) / HOUR
    so_far += replicas * cost * hours
    replica_hours += replicas * hours
    rate = replicas * cost
    return MonthEstimate(
        month_start=start,
        month_end=end,
        so_far=so_far,
        replica_hours=replica_hours,
        hourly_rate=rate,
        rest=rate * ((end - now) / HOUR),
    )


def combine(estimates: Sequence[MonthEstimate], now: datetime) -> MonthEstimate:
    """Several services' estimates of the same month as one (a project's)."""
    start, end = month_bounds(now)
    return MonthEstimate(
        month_start=start,
        month_end=end,
        so_far=sum(e.so_far for e in estimates),
        replica_hours=sum(e.replica_hours for e in estimates),
        hourly_rate=sum(e.hourly_rate for e in estimates),
        rest=sum(e.rest for e in estimates),
    )
