"""Scale to zero on a real event store with a controlled clock (issue 16): the autoscaler puts
an idle web service to sleep with the reason recorded, a wake runs one replica however many
requests ask, no sleep comes within the grace after a wake, and a service scaled to 0 by hand
is not woken by requests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from adapters.fakes import FakeClock
from application import commands as c
from application.errors import RuleViolatedError
from domain.autoscaling import MetricKind
from tests.integration.conftest import World
from tests.integration.test_autoscaler_fakes import Scaling


class FakeActivity:
    """The route's request rate the test sets, measured every 10 s over any window."""

    def __init__(self) -> None:
        self.rate: float | None = 0.0

    def requests(
        self, service_id: uuid.UUID, since: datetime, now: datetime
    ) -> list[tuple[datetime, float]]:
        if self.rate is None:
            return []
        steps = int((now - since).total_seconds() // 10)
        return [(since + timedelta(seconds=10 * i), self.rate) for i in range(steps + 1)]


@pytest.fixture
def sleepy(world: World, clock: FakeClock) -> tuple[Scaling, FakeActivity]:
    s = Scaling(world, clock)
    activity = FakeActivity()
    s.autoscaler.activity = activity
    s.autoscaler.wake_grace = timedelta(seconds=120)
    s.run(
        c.SetAutoscaling(
            service_id=world.service,
            min_replicas=0,
            max_replicas=4,
            metrics=[c.MetricTargetInput(metric=MetricKind.REQUESTS, target=10)],
            idle_timeout_seconds=60,
        )
    )
    return s, activity


def test_an_idle_service_sleeps_with_its_reason_and_a_wake_runs_one_replica_once(
    sleepy: tuple[Scaling, FakeActivity], world: World
) -> None:
    scaling, activity = sleepy
    activity.rate = 0.5
    assert scaling.tick() == 1  # requests: awake
    activity.rate = None
    assert scaling.tick() == 1  # unmeasured is not idle
    activity.rate = 0.0
    assert scaling.tick() == 0
    assert scaling.events()[-1] == "Slept"
    row = world.app.dashboard.autoscaling(world.service)
    assert row is not None and row.asleep and row.idle_timeout_seconds == 60
    assert row.last_explanation.startswith("no requests for 60 s (the idle timeout)")
    assert scaling.tick() == 0  # asleep: the autoscaler leaves it be

    for _ in range(3):  # many held requests: one wake
        scaling.run(c.WakeService(service_id=world.service))
    assert scaling.replicas() == 1
    assert scaling.events().count("Woken") == 1
    row = world.app.dashboard.autoscaling(world.service)
    assert row is not None and not row.asleep

    for _ in range(7):  # up to 105 s idle, within the 120 s grace after the wake
        assert scaling.tick() == 1
    assert scaling.tick() == 0  # the grace is over: asleep again
    assert scaling.events().count("Slept") == 2


def test_a_sleep_decided_on_a_stale_count_is_refused(
    sleepy: tuple[Scaling, FakeActivity], world: World, clock: FakeClock
) -> None:
    scaling, _activity = sleepy
    with pytest.raises(RuleViolatedError, match="not the 3 evaluated"):
        world.run(
            c.SleepService(
                service_id=world.service, evaluated_at=clock.now(), previous=3, reason="idle"
            )
        )
    assert scaling.replicas() == 1


def test_a_service_scaled_to_0_by_hand_is_not_woken_by_requests(
    sleepy: tuple[Scaling, FakeActivity], world: World
) -> None:
    scaling, _activity = sleepy
    scaling.run(c.ScaleService(service_id=world.service, replicas=0))
    with pytest.raises(RuleViolatedError, match="scaled to 0 by hand"):
        world.run(c.WakeService(service_id=world.service))
    assert scaling.replicas() == 0
