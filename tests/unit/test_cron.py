"""Cron schedules (validation, next runs, the missed-run rule) and the CronRun aggregate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from application.cron import (
    MAX_MISSED_RECORDED,
    check_cron,
    check_timezone,
    due,
    fire_times,
    next_fire,
)
from domain.cron_run import CronRun, CronRunState
from domain.errors import InvalidValueError
from domain.ids import Actor
from domain.service_spec import ServiceKind, ServiceSpec

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTOR = Actor("system:test")


@pytest.mark.parametrize("expression", ["*/15 * * * *", "0  3 * * 1-5", "@daily", "0 0 29 2 *"])
def test_valid_schedules_are_accepted_and_normalised(expression: str) -> None:
    assert check_cron(expression) == " ".join(expression.split())


@pytest.mark.parametrize(
    "expression", ["* * * *", "61 * * * *", "every day", "@sometimes", "* * * * 7#6", "a b c d e"]
)
def test_malformed_schedules_are_refused(expression: str) -> None:
    with pytest.raises(InvalidValueError, match="not a valid cron schedule"):
        check_cron(expression)


@pytest.mark.parametrize("expression", ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
def test_a_schedule_that_never_fires_is_refused(expression: str) -> None:
    with pytest.raises(InvalidValueError, match="never fires"):
        check_cron(expression)


def test_time_zones_are_checked_and_none_means_utc() -> None:
    assert check_timezone("Europe/Paris") == "Europe/Paris"
    assert check_timezone(None) is None and check_timezone("") is None
    for name in ("Mars/Olympus", "Europe", "../../etc/passwd", "x" * 5000, "a\x00b", "UTC "):
        with pytest.raises(InvalidValueError, match="not a known time zone"):
            check_timezone(name)
    assert check_timezone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"
    assert check_timezone("Etc/GMT+5") == "Etc/GMT+5"


def test_next_run_is_computed_in_the_schedules_time_zone() -> None:
    assert next_fire("0 9 * * *", None, NOW) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_fire("0 9 * * *", "Europe/Paris", NOW) == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    # Summer time in Paris: 09:00 there is 07:00 UTC.
    summer = datetime(2026, 7, 1, tzinfo=UTC)
    assert next_fire("0 9 * * *", "Europe/Paris", summer) == datetime(2026, 7, 1, 7, tzinfo=UTC)


def test_fire_times_are_after_the_start_and_up_to_the_end() -> None:
    times, more = fire_times("*/10 * * * *", None, NOW, NOW + timedelta(minutes=30), newest=5)
    assert [t.minute for t in times] == [10, 20, 30] and not more
    times, more = fire_times("*/10 * * * *", None, NOW, NOW + timedelta(minutes=35), newest=2)
    assert [t.minute for t in times] == [20, 30] and more


def test_a_downtime_of_a_year_on_a_minutely_schedule_looks_at_the_newest_times_only() -> None:
    times, more = fire_times("* * * * *", None, NOW - timedelta(days=365), NOW, newest=11)
    assert len(times) == 11 and times[-1] == NOW and more


def test_the_latest_time_runs_when_within_the_starting_deadline_and_older_ones_are_missed() -> None:
    times = [NOW - timedelta(minutes=m) for m in (15, 10, 5)]
    found = due(times, NOW, starting_deadline_seconds=300)
    assert found.run == NOW - timedelta(minutes=5)
    assert found.missed == (NOW - timedelta(minutes=15), NOW - timedelta(minutes=10))


def test_a_latest_time_beyond_the_starting_deadline_is_missed_too() -> None:
    times = [NOW - timedelta(minutes=10), NOW - timedelta(minutes=5)]
    found = due(times, NOW, starting_deadline_seconds=60)
    assert found.run is None and found.missed == tuple(times)


def test_a_long_downtime_records_the_newest_missed_times_and_counts_the_rest() -> None:
    times = [NOW - timedelta(minutes=m) for m in range(100, 0, -1)]
    found = due(times, NOW, starting_deadline_seconds=300)
    assert found.run == NOW - timedelta(minutes=1)
    assert len(found.missed) == MAX_MISSED_RECORDED
    assert found.earlier_missed
    assert not due(times[-3:], NOW, 300).earlier_missed
    assert due(times[-3:], NOW, 300, more=True).earlier_missed
    assert due([], NOW, 300).run is None


def spec(**settings: object) -> ServiceSpec:
    return ServiceSpec(kind=ServiceKind.CRON, cron_schedule="@hourly", **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"cron_overlap": "pile-up"}, "cron_overlap"),
        ({"cron_deadline_seconds": 0}, "cron_deadline_seconds"),
        ({"cron_starting_deadline_seconds": -1}, "cron_starting_deadline_seconds"),
    ],
)
def test_overlap_policy_and_deadlines_are_checked(settings: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        spec(**settings).check()
    assert caught.value.field == field


def test_only_cron_services_have_a_time_zone() -> None:
    with pytest.raises(InvalidValueError, match="only cron services have a time zone"):
        ServiceSpec(kind=ServiceKind.WORKER, cron_timezone="Europe/Paris").check()
    assert spec(cron_overlap="replace", cron_timezone="UTC").check().cron_overlap == "replace"


def new_run(deadline: int | None = 60) -> CronRun:
    service, environment = uuid.uuid4(), uuid.uuid4()
    return CronRun.schedule(
        run_id=CronRun.id_for(service, environment, NOW),
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=service,
        environment_id=environment,
        deployment_id=uuid.uuid4(),
        scheduled_at=NOW,
        manual=False,
        deadline_seconds=deadline,
        actor=ACTOR,
        now=NOW,
    )


def test_a_run_id_is_the_same_for_the_same_service_environment_and_time() -> None:
    service, environment = uuid.uuid4(), uuid.uuid4()
    assert CronRun.id_for(service, environment, NOW) == CronRun.id_for(service, environment, NOW)
    assert CronRun.id_for(service, environment, NOW) != CronRun.id_for(
        service, environment, NOW + timedelta(minutes=1)
    )


def test_a_run_is_started_once_and_finished_once() -> None:
    run = new_run()
    run.start("c1", actor=ACTOR, now=NOW)
    run.start("c2", actor=ACTOR, now=NOW)
    run.finish(0, "", actor=ACTOR, now=NOW + timedelta(seconds=5))
    run.finish(1, "", actor=ACTOR, now=NOW + timedelta(seconds=6))
    run.skip("overlap", "late", actor=ACTOR, now=NOW)
    assert (run.state, run.container, run.exit_code) == (CronRunState.SUCCEEDED, "c1", 0)
    assert [type(e).__name__ for e in run.collect_events()] == ["Scheduled", "Started", "Finished"]


def test_a_run_past_its_deadline_is_overdue_and_times_out() -> None:
    run = new_run(deadline=60)
    assert not run.is_overdue(NOW + timedelta(hours=1))  # not started
    run.start("c1", actor=ACTOR, now=NOW)
    assert not run.is_overdue(NOW + timedelta(seconds=60))
    assert run.is_overdue(NOW + timedelta(seconds=61))
    run.time_out(actor=ACTOR, now=NOW + timedelta(seconds=61))
    assert run.state is CronRunState.TIMED_OUT and not run.state.is_open
    assert not new_run(deadline=None).is_overdue(NOW + timedelta(days=9))


def test_a_started_run_cannot_be_skipped_but_can_be_replaced() -> None:
    run = new_run()
    run.start("c1", actor=ACTOR, now=NOW)
    run.skip("overlap", "x", actor=ACTOR, now=NOW)
    assert run.state is CronRunState.RUNNING
    other = uuid.uuid4()
    run.replace_by(other, actor=ACTOR, now=NOW)
    assert run.state is CronRunState.REPLACED and str(other) in run.detail
