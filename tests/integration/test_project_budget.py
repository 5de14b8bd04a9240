"""A project's hourly budget on a real event store (issue 16): the autoscaler never scales the
project's services past it together, records the cap naming the project budget and the 80 %
mark on the project; a budget below the services' minimum replicas is refused."""

from __future__ import annotations

import pytest

from adapters.fakes import FakeClock
from application import commands as c
from application.errors import InvalidValueError
from domain.autoscaling import MetricKind
from domain.service_spec import Resources, ServiceKind
from tests.integration.conftest import World
from tests.integration.test_autoscaler_fakes import Scaling

CPU60 = [c.MetricTargetInput(metric=MetricKind.CPU, target=60)]


@pytest.fixture
def scaling(world: World, clock: FakeClock) -> Scaling:
    """The web service (a replica: 0.025 per hour) and a worker running 2 replicas at 0.025."""
    s = Scaling(world, clock)
    resources = Resources(cpu_request_millis=500, memory_request_mb=512)
    s.run(c.UpdateService(service_id=world.service, resources=resources))
    s.run(c.SetPrices(organization_id=world.org, vcpu_hour=0.04, gb_hour=0.01))
    worker = world.run(
        c.CreateService(
            project_id=world.project, name="worker", kind=ServiceKind.WORKER, image="busybox"
        )
    ).id("service_id")
    s.run(c.UpdateService(service_id=worker, resources=resources))
    s.run(c.ScaleService(service_id=worker, replicas=2))
    s.run(c.SetAutoscaling(service_id=world.service, max_replicas=10, metrics=CPU60))
    return s


def budget(world: World, amount: float | None) -> c.SetProjectBudget:
    ids = [s.id for s in world.app.dashboard.services_of([world.project])]
    return c.SetProjectBudget(project_id=world.project, hourly_budget=amount, service_ids=ids)


def project_events(scaling: Scaling) -> list[str]:
    stored = scaling.world.app.store.recorder.select_events(scaling.world.project)
    return [e.topic.rsplit(".", 1)[-1] for e in stored]


def test_the_project_budget_caps_the_services_together_and_warns_at_80_percent(
    scaling: Scaling,
) -> None:
    # 0.15 per hour: the worker's 2 replicas take 0.05, so the web service may run 4
    scaling.run(budget(scaling.world, 0.15))
    assert scaling.tick(cpu=300) == 4  # ceil(1 x 5) = 5, capped at 4
    assert scaling.events()[-2:] == ["CappedByBudget", "Scaled"]
    row = scaling.world.app.dashboard.autoscaling(scaling.world.service)
    assert row is not None and row.capped_by_budget
    assert "capped by the project budget at 4" in row.last_explanation
    autoscaling = scaling.world.app.queries.service_autoscaling(scaling.world.service)
    assert autoscaling is not None and autoscaling.capped
    assert project_events(scaling)[-1] == "BudgetWarningReached"  # 0.15 of 0.15
    project = scaling.world.app.dashboard.project(scaling.world.project)
    assert project.hourly_budget == 0.15 and project.budget_warning
    assert scaling.tick(cpu=300) == 4  # still capped: nothing more recorded
    assert project_events(scaling).count("BudgetWarningReached") == 1


def test_a_project_budget_below_its_services_minimum_replicas_is_refused(
    scaling: Scaling,
) -> None:
    # the worker's 2 replicas and the web service's minimum of 1: 0.075 per hour
    with pytest.raises(InvalidValueError) as raised:
        scaling.world.run(budget(scaling.world, 0.07))
    assert "below the cost of the project's services' minimum replicas (0.075" in str(raised.value)
    assert "BudgetSet" not in project_events(scaling)
    scaling.run(budget(scaling.world, 0.075))
    with pytest.raises(InvalidValueError) as raised:  # the service's own floor past it
        scaling.world.run(
            c.SetAutoscaling(
                service_id=scaling.world.service, min_replicas=4, max_replicas=10, metrics=CPU60
            )
        )
    assert raised.value.field == "min_replicas"
