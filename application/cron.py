"""Cron schedules: validating an expression, the times it fires, and the missed-run rule.

The missed-run rule is Kubernetes' ``startingDeadlineSeconds``: when Containr was down over
one or more scheduled times, only the latest of them may still run, and only if it is no more
than the service's starting deadline late; every other missed time is recorded as skipped
("missed"). At most ``MAX_MISSED_RECORDED`` missed times are recorded one by one after a long
downtime (the newest ones); the older ones are counted in the first record's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, CroniterError, croniter

from application.errors import InvalidValueError

CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
MAX_MISSED_RECORDED = 10
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,30}(?:/[A-Za-z0-9_+-]{1,30}){0,2}")


def check_cron(expression: str | None) -> str | None:
    """A five-field cron expression or @macro that fires at some time, or InvalidValueError."""
    if expression is None:
        return None
    expression = " ".join(expression.split())
    invalid = InvalidValueError(
        "cron_schedule",
        f"{expression!r} is not a valid cron schedule (five fields, e.g. '*/15 * * * *')",
    )
    if expression not in CRON_MACROS and len(expression.split(" ")) != 5:
        raise invalid
    try:
        if not croniter.is_valid(expression):
            raise invalid
        croniter(expression, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        raise InvalidValueError(
            "cron_schedule",
            f"{expression!r} never fires (no date matches it, like 31 February); "
            "check the day of month and month fields",
        ) from None
    except (CroniterError, ValueError, OverflowError):  # croniter refuses some odd fields late
        raise invalid from None
    return expression


def check_timezone(name: str | None) -> str | None:
    """An IANA time zone name (``Europe/Paris``), or InvalidValueError; None stays UTC."""
    if name is None or name == "":
        return None
    try:
        if not _ZONE_NAME.fullmatch(name):
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory ("Europe")
        raise InvalidValueError(
            "cron_timezone", f"{name!r} is not a known time zone; use a name like Europe/Paris"
        ) from None
    return name


def fire_times(
    expression: str, timezone: str | None, after: datetime, until: datetime, *, newest: int
) -> tuple[list[datetime], bool]:
    """The newest ``newest`` times (UTC, oldest first) the schedule fires after ``after`` and
    at or before ``until``, and whether it fired earlier in that span too.

    It walks back from ``until``, so a schedule of every minute over a downtime of weeks
    costs ``newest`` steps, not one per minute missed."""
    zone = ZoneInfo(timezone) if timezone else UTC
    iterator = croniter(expression, (until + timedelta(seconds=1)).astimezone(zone))
    times: list[datetime] = []
    while True:
        fire = iterator.get_prev(datetime).astimezone(UTC)
        if fire <= after:
            return times[::-1], False
        if fire <= until:
            if len(times) == newest:
                return times[::-1], True
            times.append(fire)


def next_fire(expression: str, timezone: str | None, after: datetime) -> datetime:
    """The first time (UTC) the schedule fires after ``after``."""
    zone = ZoneInfo(timezone) if timezone else UTC
    return croniter(expression, after.astimezone(zone)).get_next(datetime).astimezone(UTC)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Due:
    """What a look at a schedule finds: the time to run now, if any, and the missed times."""

    run: datetime | None
    missed: tuple[datetime, ...]
    earlier_missed: bool = False
    """More times were missed before those recorded one by one."""


def due(
    times: list[datetime], now: datetime, starting_deadline_seconds: int, *, more: bool = False
) -> Due:
    """Apply the missed-run rule to the fire times not yet handled (oldest first; ``more``:
    the schedule fired before them too)."""
    if not times:
        return Due(None, ())
    *older, latest = times
    late = (now - latest).total_seconds() > starting_deadline_seconds
    missed = [*older, latest] if late else older
    recorded = missed[-MAX_MISSED_RECORDED:]
    return Due(
        None if late else latest,
        tuple(recorded),
        earlier_missed=more or len(recorded) < len(missed),
    )
