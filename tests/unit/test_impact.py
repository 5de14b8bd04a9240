"""Impact estimation (issue 16): a policy replayed over recorded metrics with the autoscaler's
own rules, beside the replicas that ran; a fake metrics reader and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.errors import InvalidValueError
from application.impact import Replay, replay, replicas_at, step_for
from application.metrics_ports import Aggregation
from domain.autoscaling import AutoscalingPolicy, MetricKind, MetricTarget
from domain.service_spec import Resources

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SERVICE = uuid4()


class FakeReader:
    """A service's CPU in cores per replica, one value per minute of the day: ``busy`` for the
    ``busy_minutes`` up to ``busy_until``, idle otherwise; nothing in the ``gap``."""

    def __init__(
        self,
        busy: float,
        idle: float,
        busy_until: datetime,
        busy_minutes: int,
        gap: tuple[datetime, datetime] | None = None,
    ) -> None:
        self.busy, self.idle, self.busy_until = busy, idle, busy_until
        self.busy_minutes, self.gap = busy_minutes, gap
        self.asked: list[tuple[str, timedelta]] = []

    def series(
        self,
        service_id: UUID,
        metric: str,
        since: datetime,
        until: datetime,
        step: timedelta,
        aggregation: Aggregation,
    ) -> list[tuple[datetime, float]]:
        assert service_id == SERVICE
        self.asked.append((metric, step))
        points, at = [], since
        busy_from = self.busy_until - timedelta(minutes=self.busy_minutes)
        while at <= until:
            if not (self.gap and self.gap[0] <= at < self.gap[1]):
                points.append((at, self.busy if busy_from <= at < self.busy_until else self.idle))
            at += step
        return points


def run(reader: FakeReader, policy: AutoscalingPolicy, days: int = 1, actual: int = 2):  # type: ignore[no-untyped-def]
    return replay(
        reader,
        Replay(
            service_id=SERVICE,
            policy=policy,
            resources=Resources(cpu_request_millis=500, memory_request_mb=512),
            replica_cost=0.1,
            actual=[(NOW - timedelta(days=30), actual)],
        ),
        NOW,
        days,
    )


def cpu_policy(**kw: object) -> AutoscalingPolicy:
    base: dict[str, object] = {
        "min_replicas": 1,
        "max_replicas": 10,
        "metrics": (MetricTarget(MetricKind.CPU, 60),),
    }
    return AutoscalingPolicy(**{**base, **kw})  # type: ignore[arg-type]


def test_a_busy_hour_scales_up_then_down_after_the_window_and_the_cost_is_beside_what_ran() -> None:
    # 2 replicas ran all day at 0.15 cores (30 % of 0.5) and at 0.6 cores (120 %) for an hour
    reader = FakeReader(0.6, 0.15, NOW - timedelta(hours=6), 60)
    impact = run(reader, cpu_policy())
    assert impact.step_seconds == 15 and reader.asked == [("cpu_cores", timedelta(seconds=15))]
    assert len(impact.points) == 24 * 60 * 4 + 1
    assert {p.actual for p in impact.points} == {2}
    peak = max(p.estimated for p in impact.points)
    assert peak == 4  # the load of 2 x 120 % on 60 % targets
    # it starts from what ran, then idle (2 x 30 % of load is 1 replica at 60 %) goes to the
    # minimum once the 300 s window has passed
    assert impact.points[0].estimated == 2 and impact.points[21].estimated == 1
    assert impact.points[-1].estimated == 1
    after = [p for p in impact.points if p.at >= NOW - timedelta(hours=6)]
    # the 300 s scale-down window holds the peak past the busy hour
    assert after[0].estimated == 4 and after[4 * 5 + 1].estimated == 1
    assert impact.actual_replica_hours == pytest.approx(2 * (24 + 1 / 240))
    assert impact.actual_cost == pytest.approx(impact.actual_replica_hours * 0.1)
    assert impact.estimated_cost < impact.actual_cost
    assert impact.scale_changes >= 2


def test_the_budget_caps_the_replay() -> None:
    reader = FakeReader(1.5, 0.15, NOW - timedelta(hours=6), 60)  # 2 x 300 %: 10 replicas
    impact = run(reader, cpu_policy(hourly_budget=0.3))
    assert max(p.estimated for p in impact.points) == 3 and impact.capped_evaluations > 0


def test_a_gap_in_the_metrics_never_scales_down() -> None:
    gap = (NOW - timedelta(hours=6, minutes=10), NOW - timedelta(hours=3))  # from the busy hour
    reader = FakeReader(0.6, 0.15, NOW - timedelta(hours=6), 60, gap=gap)
    impact = run(reader, cpu_policy())
    during = [p.estimated for p in impact.points if gap[0] <= p.at < gap[1]]
    assert set(during) == {4}  # held at the peak while nothing was measured


def test_beyond_a_day_the_replay_steps_by_the_minute_rollups_and_days_are_bounded() -> None:
    reader = FakeReader(0.6, 0.15, NOW - timedelta(hours=6), 60)
    impact = run(reader, cpu_policy(), days=3)
    assert step_for(3) == timedelta(minutes=1) and impact.step_seconds == 60
    assert len(impact.points) == 3 * 24 * 60 + 1
    for days in (0, 8, -1):
        with pytest.raises(InvalidValueError) as raised:
            run(reader, cpu_policy(), days=days)
        assert raised.value.field == "days"


def test_what_ran_is_read_from_the_changes() -> None:
    changes = [(NOW - timedelta(hours=2), 3), (NOW - timedelta(hours=1), 5)]
    assert replicas_at(changes, NOW - timedelta(hours=3)) == 0
    assert replicas_at(changes, NOW - timedelta(minutes=90)) == 3
    assert replicas_at(changes, NOW) == 5
