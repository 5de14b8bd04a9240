"""Cron schedules: validating an expression, the times it fires, and the missed-run rule.

The missed-run rule is Kubernetes' ``startingDeadlineSeconds``: when Containr was down over
one or more scheduled times, only the latest of them may still run, and only if it is no more
than the service's starting deadline late; every other missed time is recorded as skipped
("missed"). At most ``MAX_MISSED_RECORDED`` missed times are recorded one by one after a long
downtime (the newest ones); the older ones are counted in the first record's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

from application.errors import InvalidValueError

CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
MAX_MISSED_RECORDED = 10
_LOOK_AHEAD_LIMIT = 1000
"""How many fire times one look at a schedule considers at most (a schedule of every minute
over a downtime of days would otherwise make thousands)."""


def check_cron(expression: str | None) -> str | None:
    """A five-field cron expression or @macro that fires at some time, or InvalidValueError."""
    if expression is None:
        return None
    expression = " ".join(expression.split())
    if expression not in CRON_MACROS and (
        len(expression.split(" ")) != 5 or not croniter.is_valid(expression)
    ):
        raise InvalidValueError(
            "cron_schedule",
            f"{expression!r} is not a valid cron schedule (five fields, e.g. '*/15 * * * *')",
        )
    try:
        croniter(expression, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        raise InvalidValueError(
            "cron_schedule",
            f"{expression!r} never fires (no date matches it, like 31 February); "
            "check the day of month and month fields",
        ) from None
    return expression


def check_timezone(name: str | None) -> str | None:
    """An IANA time zone name (``Europe/Paris``), or InvalidValueError; None stays UTC."""
    if name is None or name == "":
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(
            "cron_timezone", f"{name!r} is not a known time zone; use a name like Europe/Paris"
        ) from None
    return name


def fire_times(
    expression: str, timezone: str | None, after: datetime, until: datetime
) -> list[datetime]:
    """The times (UTC) the schedule fires after ``after`` and at or before ``until``, the
    newest ``_LOOK_AHEAD_LIMIT`` of them at most, oldest first."""
    zone = ZoneInfo(timezone) if timezone else UTC
    if until - after > timedelta(days=366):
        after = until - timedelta(days=366)  # no run is that late: look back a year at most
    times: list[datetime] = []
    iterator = croniter(expression, after.astimezone(zone))
    while True:
        fire = iterator.get_next(datetime).astimezone(UTC)
        if fire > until:
            return times
        times.append(fire)
        if len(times) > _LOOK_AHEAD_LIMIT:
            times.pop(0)


def next_fire(expression: str, timezone: str | None, after: datetime) -> datetime:
    """The first time (UTC) the schedule fires after ``after``."""
    zone = ZoneInfo(timezone) if timezone else UTC
    return croniter(expression, after.astimezone(zone)).get_next(datetime).astimezone(UTC)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Due:
    """What a look at a schedule finds: the time to run now, if any, and the missed times."""

    run: datetime | None
    missed: tuple[datetime, ...]
    earlier_missed: int = 0
    """Missed times older than those recorded one by one."""


def due(times: list[datetime], now: datetime, starting_deadline_seconds: int) -> Due:
    """Apply the missed-run rule to the fire times not yet handled (oldest first)."""
    if not times:
        return Due(None, ())
    *older, latest = times
    late = (now - latest).total_seconds() > starting_deadline_seconds
    missed = [*older, latest] if late else older
    recorded = missed[-MAX_MISSED_RECORDED:]
    return Due(
        None if late else latest,
        tuple(recorded),
        earlier_missed=len(missed) - len(recorded),
    )
