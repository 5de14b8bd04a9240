"""The month's estimated cost (issue 16): replica-hours x each replica's hourly cost from what
ran, plus the current rate projected to the month's end; with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.cost import RateChange, combine, estimate_month, month_bounds

NOW = datetime(2026, 12, 11, 0, 0, tzinfo=UTC)  # 10 days (240 h) into December


def test_the_month_is_the_calendar_month_in_utc() -> None:
    assert month_bounds(NOW) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert month_bounds(datetime(2027, 2, 28, 23, tzinfo=UTC))[1] == datetime(
        2027, 3, 1, tzinfo=UTC
    )


def test_replica_hours_times_cost_so_far_and_the_current_rate_to_the_month_end() -> None:
    changes = [
        RateChange(datetime(2026, 11, 20, tzinfo=UTC), 2, 0.1),  # running before the month
        RateChange(datetime(2026, 12, 6, tzinfo=UTC), 4, 0.1),  # scaled up after 120 h
        RateChange(datetime(2026, 12, 9, tzinfo=UTC), 1, 0.5),  # bigger requests after 72 h
    ]
    e = estimate_month(changes, NOW)
    # 120 h x 2 x 0.1 + 72 h x 4 x 0.1 + 48 h x 1 x 0.5
    assert e.so_far == pytest.approx(24 + 28.8 + 24)
    assert e.replica_hours == pytest.approx(240 + 288 + 48)
    assert e.hourly_rate == pytest.approx(0.5)
    assert e.rest == pytest.approx(0.5 * 21 * 24)  # 21 days left in December
    assert e.total == pytest.approx(e.so_far + e.rest)


def test_a_service_that_started_this_month_costs_from_then_and_changes_ahead_are_ignored() -> None:
    changes = [
        RateChange(NOW - timedelta(hours=10), 3, 0.2),
        RateChange(NOW + timedelta(hours=1), 9, 0.2),
    ]
    e = estimate_month(changes, NOW)
    assert e.so_far == pytest.approx(10 * 3 * 0.2) and e.hourly_rate == pytest.approx(0.6)


def test_nothing_ran_nothing_costs_and_a_stopped_service_projects_nothing() -> None:
    assert estimate_month([], NOW).total == 0
    stopped = estimate_month(
        [
            RateChange(NOW - timedelta(hours=5), 2, 1.0),
            RateChange(NOW - timedelta(hours=1), 0, 1.0),
        ],
        NOW,
    )
    assert stopped.so_far == pytest.approx(8) and stopped.rest == 0


def test_a_project_sums_its_services() -> None:
    a = estimate_month([RateChange(NOW - timedelta(hours=1), 1, 1.0)], NOW)
    b = estimate_month([RateChange(NOW - timedelta(hours=2), 1, 2.0)], NOW)
    both = combine([a, b], NOW)
    assert both.so_far == pytest.approx(5) and both.hourly_rate == pytest.approx(3)
    assert both.total == pytest.approx(a.total + b.total)
