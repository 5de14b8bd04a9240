"""The autoscaler process on a real event store, with a fake metrics reader and a controlled
clock: scaling up and down by the HPA rules, never down on missing data, the budget cap and
its 80 % mark, repeats and crashes, and a count changed by hand meanwhile."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from contextlib import closing
from datetime import datetime, timedelta
from typing import cast

import pytest

from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.errors import InvalidValueError, RuleViolatedError
from application.processes.autoscaler import Autoscaler, NoMetrics
from application.services import ALL_MODELS
from domain.autoscaling import MetricKind, MetricTarget, Reading
from domain.service_autoscaling import ServiceAutoscaling
from domain.service_spec import Resources, ServiceKind
from tests.integration.conftest import World
from tests.integration.test_deployer_fakes import CrashingBus

STEP = timedelta(seconds=15)


class FakeMetrics:
    """Readings the test sets: the same CPU % for every running replica, or none at all."""

    def __init__(self) -> None:
        self.cpu: float | None = None
        self.replicas = 1
        self.fail = False

    def readings(
        self, service_id: uuid.UUID, metrics: Sequence[MetricTarget], now: datetime
    ) -> Mapping[str, Sequence[Reading]]:
        if self.fail:
            raise TimeoutError("the metrics store did not answer within 5 s")
        if self.cpu is None:
            return {}
        return {"cpu": [Reading(True, self.cpu)] * self.replicas}


class Scaling:
    """A web service under an autoscaling policy, and the autoscaler."""

    def __init__(self, world: World, clock: FakeClock) -> None:
        self.world, self.clock = world, clock
        self.metrics = FakeMetrics()
        self.bus = CrashingBus(world.app.commands)
        self.autoscaler = self.restart()

    def restart(self) -> Autoscaler:
        """A fresh process (its in-memory stabilisation history starts afresh)."""
        app = self.world.app
        self.autoscaler = Autoscaler(
            bus=self.bus,  # type: ignore[arg-type]
            queries=app.queries,
            dashboard=app.dashboard,
            metrics=self.metrics,
            clock=self.clock,
        )
        return self.autoscaler

    def sync(self) -> None:
        host = cast(ReadModelHost, self.world.app.projections)
        for model in ALL_MODELS:
            with closing(host.db.connect("test")) as conn:
                host.runner(model).catch_up(conn)

    def run(self, command: c.Command) -> None:
        self.world.run(command)
        self.sync()

    def tick(self, cpu: float | None = None) -> int:
        """Move 15 s on, evaluate; the replicas the service runs after."""
        self.clock.advance(STEP)
        if cpu is not None:
            self.metrics.cpu = cpu
        self.metrics.replicas = self.replicas()
        self.autoscaler.tick()
        self.sync()
        return self.replicas()

    def replicas(self) -> int:
        return self.world.app.queries.service(self.world.service).spec.replicas

    def events(self) -> list[str]:
        recorder = self.world.app.store.recorder
        stored = recorder.select_events(ServiceAutoscaling.id_for(self.world.service))
        return [e.topic.rsplit(".", 1)[-1] for e in stored]


@pytest.fixture
def scaling(world: World, clock: FakeClock) -> Scaling:
    s = Scaling(world, clock)
    s.run(
        c.UpdateService(
            service_id=world.service,
            resources=Resources(cpu_request_millis=500, memory_request_mb=512),
        )
    )
    s.run(c.SetPrices(organization_id=world.org, vcpu_hour=0.04, gb_hour=0.01))
    s.run(
        c.SetAutoscaling(
            service_id=world.service,
            min_replicas=1,
            max_replicas=10,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
        )
    )
    return s


def test_high_cpu_scales_up_at_the_next_evaluation_and_the_decision_is_explained(
    scaling: Scaling,
) -> None:
    assert scaling.tick(cpu=150) == 3  # ceil(1 x 150/60)
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.enabled
    assert (row.last_previous, row.last_replicas) == (1, 3)
    assert row.last_explanation.startswith("cpu 150 % of request vs target 60 % → 3 replicas")
    assert scaling.events()[-1] == "Scaled"
    autoscaling = scaling.world.app.queries.service_autoscaling(scaling.world.service)
    assert autoscaling is not None and autoscaling.last_decision is not None
    assert autoscaling.last_decision.explanation == row.last_explanation


def test_evaluations_come_every_15_seconds_not_every_tick(scaling: Scaling) -> None:
    assert scaling.tick(cpu=150) == 3
    scaling.metrics.cpu, scaling.metrics.replicas = 150, 3
    scaling.clock.advance(timedelta(seconds=5))
    scaling.autoscaler.tick()  # 5 s after the last: not yet
    scaling.sync()
    assert scaling.replicas() == 3
    assert scaling.tick() == 7  # 20 s after: ceil(3 x 2.5) = 8, policies allow 3 + 4


def test_the_loop_waits_until_the_next_evaluation_is_due(scaling: Scaling) -> None:
    waits: list[float] = []
    stop = threading.Event()

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:  # 14.7 s of the period pass: the next wait ends when it is due
            scaling.clock.advance(timedelta(seconds=14.7))
        else:
            stop.set()

    scaling.metrics.replicas = scaling.replicas()
    scaling.autoscaler.run(stop, wait)
    assert waits[0] == 1.0  # just evaluated: at most a second, for new policies
    assert waits[1] == pytest.approx(0.3)  # not a whole second past the period's end


def test_scale_down_waits_for_the_stabilisation_window(scaling: Scaling) -> None:
    assert scaling.tick(cpu=150) == 3
    started = scaling.clock.now()
    while scaling.clock.now() - started < timedelta(seconds=285):
        assert scaling.tick(cpu=20) == 3  # the 300 s window holds the recommendation of 3
    assert scaling.tick(cpu=20) == 1
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.last_replicas == 1


def test_missing_metrics_never_scale_down_and_are_recorded_once(scaling: Scaling) -> None:
    assert scaling.tick(cpu=150) == 3
    scaling.metrics.cpu = None
    for _ in range(30):  # well past the stabilisation window
        assert scaling.tick() == 3
    assert scaling.events().count("MetricsUnavailable") == 1
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.unavailable_metrics == ["cpu"]
    assert scaling.tick(cpu=60) == 3
    assert scaling.events().count("MetricsUnavailable") == 2  # available again
    scaling.metrics.fail = True  # a reader that fails: unavailable too
    assert scaling.tick() == 3
    assert scaling.events().count("MetricsUnavailable") == 3


def test_the_budget_caps_the_count_and_warns_at_80_percent(scaling: Scaling) -> None:
    # a replica: 0.5 vCPU x 0.04 + 0.5 GB x 0.01 = 0.025 per hour; 0.1 pays for 4
    scaling.run(
        c.SetAutoscaling(
            service_id=scaling.world.service,
            max_replicas=10,
            metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
            hourly_budget=0.1,
        )
    )
    assert scaling.tick(cpu=300) == 4  # ceil(1 x 5) = 5, capped at 4
    assert scaling.events()[-3:] == ["CappedByBudget", "BudgetWarningReached", "Scaled"]
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.capped_by_budget and row.budget_warning
    assert "capped by budget at 4" in row.last_explanation
    assert scaling.tick(cpu=300) == 4  # still capped: nothing more recorded
    assert scaling.events().count("CappedByBudget") == 1


def test_a_repeated_decision_changes_nothing(scaling: Scaling) -> None:
    sent: list[c.Command] = []
    scaling.bus.before_send = sent.append
    assert scaling.tick(cpu=150) == 3
    (decision,) = sent
    before = scaling.events()
    scaling.world.run(decision)  # delivered again: the service runs 3, not the 1 evaluated
    scaling.sync()
    assert scaling.events() == before and scaling.replicas() == 3


def test_a_crash_after_the_decision_leaves_no_duplicate_after_a_restart(scaling: Scaling) -> None:
    scaling.bus.crash_after.add(c.RecordAutoscalingDecision)
    with pytest.raises(RuntimeError):
        scaling.tick(cpu=150)
    scaling.sync()
    assert scaling.replicas() == 3  # the decision and the scale were one transaction
    scaling.restart()
    scaling.metrics.replicas = 3
    assert scaling.tick(cpu=60) == 3
    assert scaling.events().count("Scaled") == 1


def test_a_crash_before_the_decision_is_decided_again(scaling: Scaling) -> None:
    scaling.bus.crash_before.add(c.RecordAutoscalingDecision)
    with pytest.raises(RuntimeError):
        scaling.tick(cpu=150)
    assert scaling.replicas() == 1 and "Scaled" not in scaling.events()
    scaling.restart()
    assert scaling.tick(cpu=150) == 3


def test_a_count_changed_by_hand_meanwhile_wins(scaling: Scaling) -> None:
    def scale_by_hand(command: c.Command) -> None:
        if isinstance(command, c.RecordAutoscalingDecision):
            scaling.bus.before_send = None
            scaling.world.run(c.ScaleService(service_id=scaling.world.service, replicas=2))

    scaling.bus.before_send = scale_by_hand
    scaling.tick(cpu=150)  # refused: logged, nothing recorded
    assert scaling.replicas() == 2 and "Scaled" not in scaling.events()
    with pytest.raises(RuleViolatedError):
        scaling.world.run(
            c.RecordAutoscalingDecision(
                service_id=scaling.world.service,
                evaluated_at=scaling.clock.now(),
                evaluation=scaling.autoscaler.evaluations[scaling.world.service],
            )
        )


def test_a_removed_policy_stops_the_autoscaler(scaling: Scaling) -> None:
    scaling.run(c.RemoveAutoscaling(service_id=scaling.world.service))
    assert scaling.tick(cpu=300) == 1
    assert scaling.world.app.dashboard.autoscaled_services() == []


def test_without_a_metrics_reader_nothing_scales(scaling: Scaling) -> None:
    scaling.autoscaler.metrics = NoMetrics()
    assert scaling.tick() == 1
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.unavailable_metrics == ["cpu"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_replicas": 5, "max_replicas": 3}, "min_replicas"),
        ({"metrics": [c.MetricTargetInput(metric=MetricKind.CPU, target=0)]}, "metrics.target"),
        ({"metrics": [c.MetricTargetInput(metric=MetricKind.MEMORY, target=-5)]}, "metrics.target"),
        ({"hourly_budget": 0.01, "min_replicas": 2}, "hourly_budget"),
    ],
)
def test_bad_policies_are_refused_and_change_nothing(
    scaling: Scaling, changes: dict[str, object], field: str
) -> None:
    before = scaling.events()
    command = {
        "service_id": scaling.world.service,
        "max_replicas": 10,
        "metrics": [c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
        **changes,
    }
    with pytest.raises(InvalidValueError) as e:
        scaling.world.run(c.SetAutoscaling(**command))  # type: ignore[arg-type]
    assert e.value.field == field
    assert scaling.events() == before


def test_a_cpu_target_needs_a_cpu_request(scaling: Scaling) -> None:
    scaling.run(c.UpdateService(service_id=scaling.world.service, resources=Resources()))
    with pytest.raises(InvalidValueError, match="requests none"):
        scaling.world.run(
            c.SetAutoscaling(
                service_id=scaling.world.service,
                max_replicas=4,
                metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
            )
        )


def test_a_requests_target_on_a_worker_is_refused(scaling: Scaling) -> None:
    worker = scaling.world.run(
        c.CreateService(
            project_id=scaling.world.project,
            name="jobs",
            kind=ServiceKind.WORKER,
            image="busybox:1.36",
        )
    ).id("service_id")
    with pytest.raises(InvalidValueError, match="no requests_per_second") as e:
        scaling.world.run(
            c.SetAutoscaling(
                service_id=worker,
                max_replicas=4,
                metrics=[c.MetricTargetInput(metric=MetricKind.REQUESTS, target=20)],
            )
        )
    assert e.value.field == "metrics.metric"


def test_cpu_readings_take_no_action_once_the_cpu_request_is_gone(scaling: Scaling) -> None:
    scaling.run(
        c.UpdateService(
            service_id=scaling.world.service, resources=Resources(memory_request_mb=512)
        )
    )
    assert scaling.tick(cpu=300) == 1
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.unavailable_metrics == ["cpu"]


def test_a_deleted_service_loses_its_policy(scaling: Scaling) -> None:
    scaling.run(c.DeleteService(service_id=scaling.world.service))
    scaling.tick(cpu=300)
    assert scaling.world.app.dashboard.autoscaled_services() == []
    assert scaling.events()[-1] == "PolicyRemoved"


def test_a_decision_under_a_policy_changed_since_is_refused(scaling: Scaling) -> None:
    def change_policy(command: c.Command) -> None:
        if isinstance(command, c.RecordAutoscalingDecision):
            scaling.bus.before_send = None
            scaling.world.run(
                c.SetAutoscaling(
                    service_id=scaling.world.service,
                    max_replicas=2,
                    metrics=[c.MetricTargetInput(metric=MetricKind.CPU, target=60)],
                )
            )

    scaling.bus.before_send = change_policy
    assert scaling.tick(cpu=150) == 1  # refused: the maximum is 2 now
    assert "Scaled" not in scaling.events()
    assert scaling.tick(cpu=150) == 2
