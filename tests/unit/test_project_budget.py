"""A project's hourly budget, shared by its services (issue 16): the cap, the 80 % mark and
the check against the services' minimum replicas."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.autoscaling import (
    AutoscalingPolicy,
    Inputs,
    MetricKind,
    MetricTarget,
    Reading,
    check_project_budget,
    evaluate,
)
from domain.errors import InvalidValueError
from domain.ids import Actor, EnvironmentId, OrganizationId, ProjectId
from domain.project import PlacementPreference, Project

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ALICE = Actor("user:alice")


def policy(**kw: object) -> AutoscalingPolicy:
    base: dict[str, object] = {
        "min_replicas": 1,
        "max_replicas": 50,
        "metrics": (MetricTarget(MetricKind.CPU, 60),),
    }
    return AutoscalingPolicy(**{**base, **kw})  # type: ignore[arg-type]


def cpu(replicas: int, value: float) -> dict[str, tuple[Reading, ...]]:
    return {"cpu": tuple(Reading(True, value) for _ in range(replicas))}


def test_the_project_budget_caps_the_count_beside_the_other_services_and_names_itself() -> None:
    # 1.0 per hour for the project; the other services take 0.6; a replica costs 0.1
    inputs = Inputs(NOW, 2, cpu(2, 300), replica_cost=0.1, project_budget=1.0, project_cost=0.6)
    e = evaluate(policy(), inputs)
    assert e.uncapped == 6 and e.desired == 4 and e.capped_by_budget
    assert e.budget_scope == "project" and e.capping_budget == 1.0
    assert "capped by the project budget at 4" in e.explanation
    assert "the project budget is 1" in e.explanation
    assert e.project_hourly_cost == pytest.approx(1.0) and e.project_budget_warning


def test_the_tighter_of_the_service_and_project_budgets_caps() -> None:
    inputs = Inputs(NOW, 2, cpu(2, 300), replica_cost=0.1, project_budget=5.0, project_cost=0.0)
    e = evaluate(policy(hourly_budget=0.3), inputs)
    assert e.desired == 3 and e.budget_scope == "service"
    assert "capped by budget at 3" in e.explanation
    assert not e.project_budget_warning  # 0.3 of 5.0


def test_the_project_budget_never_scales_down_nor_below_the_minimum() -> None:
    # the other services alone spend the whole budget: the service keeps what it runs
    inputs = Inputs(NOW, 3, cpu(3, 300), replica_cost=0.1, project_budget=1.0, project_cost=1.2)
    e = evaluate(policy(min_replicas=2), inputs)
    assert e.desired == 3 and e.capped_by_budget
    inputs = Inputs(NOW, 1, cpu(1, 300), replica_cost=0.1, project_budget=1.0, project_cost=1.2)
    assert evaluate(policy(min_replicas=2), inputs).desired == 2


def test_no_project_budget_no_cap_and_no_warning() -> None:
    e = evaluate(policy(), Inputs(NOW, 2, cpu(2, 300), replica_cost=0.1, project_cost=9.0))
    assert e.desired == 6 and not e.capped_by_budget and not e.project_budget_warning


def test_a_project_budget_below_its_services_minimum_replicas_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        check_project_budget(0.5, {"web": 0.4, "worker": 0.2, "idle": 0.0})
    assert raised.value.field == "hourly_budget"
    assert "below the cost of the project's services' minimum replicas (0.6 per hour" in str(
        raised.value
    )
    assert "web 0.4" in str(raised.value) and "idle" not in str(raised.value)
    assert check_project_budget(0.6, {"web": 0.4, "worker": 0.2}) == 0.6
    assert check_project_budget(None, {"web": 9.0}) is None
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(InvalidValueError):
            check_project_budget(bad, {})


def project() -> Project:
    return Project.create(
        ProjectId(uuid4()), OrganizationId(uuid4()), "Shop", "shop", EnvironmentId(uuid4()),
        actor=ALICE, now=NOW,
    )  # fmt: skip


def names(p: Project) -> list[str]:
    return [type(e).__name__ for e in p.collect_events()]


def test_the_80_percent_mark_of_a_project_budget_is_recorded_once_each_way() -> None:
    p = project()
    names(p)
    assert not p.note_cost(5.0, actor=ALICE, now=NOW)  # no budget: nothing to warn of
    assert p.set_budget(1.0, actor=ALICE, now=NOW)
    assert not p.note_cost(0.79, actor=ALICE, now=NOW)
    assert p.note_cost(0.8, actor=ALICE, now=NOW)
    assert not p.note_cost(0.95, actor=ALICE, now=NOW)
    assert p.note_cost(0.5, actor=ALICE, now=NOW)
    assert names(p) == ["BudgetSet", "BudgetWarningReached", "BudgetWarningCleared"]
    assert not p.set_budget(1.0, actor=ALICE, now=NOW)


def test_a_project_packs_or_spreads_its_replicas() -> None:
    p = project()
    assert p.placement is PlacementPreference.SPREAD
    assert p.set_placement(PlacementPreference.PACK, actor=ALICE, now=NOW)
    assert not p.set_placement(PlacementPreference.PACK, actor=ALICE, now=NOW)
    assert p.placement is PlacementPreference.PACK


def test_a_cap_recorded_before_project_budgets_reads_as_the_service_budget() -> None:
    from domain.service_autoscaling import ServiceAutoscaling  # noqa: PLC0415

    state: dict[str, object] = {"budget": 1.0}
    ServiceAutoscaling.CappedByBudget.upcast_v1_v2(state)
    assert state == {"budget": 1.0, "scope": "service"}


def test_a_node_prices_its_own_hours_or_takes_the_organisations() -> None:
    from domain.autoscaling import Prices  # noqa: PLC0415
    from domain.ids import NodeId  # noqa: PLC0415
    from domain.node import Capacity, Node, NodeKind  # noqa: PLC0415

    node = Node.register(
        NodeId(uuid4()), OrganizationId(uuid4()), "big", NodeKind.DOCKER, "tcp://10.1.1.1:2376",
        Capacity(4000, 8192), {}, actor=ALICE, now=NOW,
    )  # fmt: skip
    assert node.prices is None
    assert node.set_prices(Prices(0.08, 0.02), actor=ALICE, now=NOW)
    assert not node.set_prices(Prices(0.08, 0.02), actor=ALICE, now=NOW)
    with pytest.raises(InvalidValueError):
        node.set_prices(Prices(-1, 0.02), actor=ALICE, now=NOW)
    assert node.set_prices(None, actor=ALICE, now=NOW) and node.prices is None
