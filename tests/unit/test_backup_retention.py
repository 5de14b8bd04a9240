"""The retention policy keeps the newest backup per day, ISO week and month, and no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.backup_retention import RetentionPolicy
from domain.errors import InvalidValueError


def daily_backups(days: int, *, end: datetime) -> list[tuple[str, datetime]]:
    """One backup at 03:00 each day, for ``days`` days up to ``end``, keyed by date."""
    return [
        ((end - timedelta(days=n)).date().isoformat(), end - timedelta(days=n)) for n in range(days)
    ]


END = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # a Sunday


def test_daily_keeps_the_last_n_days() -> None:
    backups = daily_backups(10, end=END)
    policy = RetentionPolicy(daily=3, weekly=0, monthly=0)
    assert policy.kept(backups) == {"2026-12-06", "2026-12-05", "2026-12-04"}
    assert policy.expired(backups)[0] == "2026-11-27"  # oldest first
    assert len(policy.expired(backups)) == 7


def test_weekly_and_monthly_keep_the_newest_of_each_period() -> None:
    backups = daily_backups(70, end=END)
    policy = RetentionPolicy(daily=0, weekly=2, monthly=3)
    # ISO weeks: Sun 6 Dec ends week 49; Sun 29 Nov ends week 48. Months: Dec, Nov, Oct.
    assert policy.kept(backups) == {"2026-12-06", "2026-11-29", "2026-11-30", "2026-10-31"}


def test_several_backups_a_day_keep_only_the_newest() -> None:
    backups = [("early", END - timedelta(hours=2)), ("late", END), ("noon", END.replace(hour=1))]
    assert RetentionPolicy(daily=1, weekly=0, monthly=0).expired(backups) == ["early", "noon"]


def test_fewer_backups_than_slots_are_all_kept() -> None:
    backups = daily_backups(2, end=END)
    assert RetentionPolicy().expired(backups) == []


@pytest.mark.parametrize(
    "policy", [RetentionPolicy(daily=-1), RetentionPolicy(0, 0, 0), RetentionPolicy(monthly=1001)]
)
def test_a_bad_policy_is_refused(policy: RetentionPolicy) -> None:
    with pytest.raises(InvalidValueError):
        policy.check()
