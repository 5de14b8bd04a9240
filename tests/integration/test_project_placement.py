"""A project's placement preference (issue 16): pack its replicas onto the fullest nodes that
fit (the scheduler's best fit) or spread them onto the least loaded (the default)."""
# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name

from __future__ import annotations

from datetime import timedelta

import pytest

from application import commands as c
from application.errors import InvalidValueError
from domain.project import PlacementPreference
from domain.service_spec import Resources
from tests.integration.test_deployer_fakes import Rig, bare_rig, rig  # noqa: F401 - fixtures


def small_node(rig: Rig) -> object:
    """A node smaller than the local engine (4 vCPU, 8 GB): the fuller once a replica fits."""
    return rig.run(
        c.RegisterNode(
            organization_id=rig.world.org,
            name="small",
            endpoint="unix:///var/run/docker.sock",
            cpu_millis=1000,
            memory_mb=1024,
        )
    ).id("node_id")


def placed_on(rig: Rig) -> set[object]:
    rig.run(
        c.UpdateService(
            service_id=rig.service,
            resources=Resources(cpu_request_millis=100, memory_request_mb=64),
        )
    )
    return set(rig.deploy().placements.values())


def test_a_project_that_spreads_places_on_the_least_loaded_node(rig: Rig) -> None:
    small = small_node(rig)
    assert rig.world.app.dashboard.project(rig.world.project).placement == "spread"
    assert small not in placed_on(rig)


def test_a_project_that_packs_places_on_the_fullest_node_that_fits(rig: Rig) -> None:
    small = small_node(rig)
    rig.run(c.SetProjectPlacement(project_id=rig.world.project, placement=PlacementPreference.PACK))
    assert rig.world.app.dashboard.project(rig.world.project).placement == "pack"
    assert placed_on(rig) == {small}


def test_an_unknown_placement_is_refused(rig: Rig) -> None:
    with pytest.raises(InvalidValueError):
        c.build_command(
            c.SetProjectPlacement, {"project_id": str(rig.world.project), "placement": "heap"}
        )


def test_the_month_cost_counts_what_ran_from_the_first_healthy_release(rig: Rig) -> None:
    """Replica-hours at each replica's cost as scaled, plus the current rate to the month end
    (a replica: 0.1 vCPU x 0.04 + 1/16 GB x 0.016 = 0.005 per hour)."""
    from application.cost import month_cost  # noqa: PLC0415 - only this test needs it
    from domain.cost import month_bounds  # noqa: PLC0415

    app = rig.world.app
    rig.run(c.SetPrices(organization_id=rig.world.org, vcpu_hour=0.04, gb_hour=0.016))
    rig.run(
        c.UpdateService(
            service_id=rig.service,
            resources=Resources(cpu_request_millis=100, memory_request_mb=64),
        )
    )
    row = app.dashboard.service(rig.service)
    assert month_cost(app.queries, app.dashboard, [row], rig.clock.now()).total == 0  # not run
    rig.clock.advance(timedelta(hours=5))  # defined, not yet running: costs nothing
    rig.deploy()
    rig.clock.advance(timedelta(hours=2))
    rig.run(c.ScaleService(service_id=rig.service, replicas=3))
    rig.clock.advance(timedelta(hours=1))
    now = rig.clock.now()
    cost = month_cost(app.queries, app.dashboard, [row], now)
    assert cost.so_far == pytest.approx((2 * 1 + 1 * 3) * 0.005, rel=1e-3)
    assert cost.hourly_rate == pytest.approx(3 * 0.005)
    left = (month_bounds(now)[1] - now) / timedelta(hours=1)
    assert cost.total == pytest.approx(cost.so_far + left * 3 * 0.005)


def test_a_nodes_own_prices_make_its_replicas_cost(rig: Rig) -> None:
    """The month's rate and the autoscaler's replica cost follow the node a replica runs on."""
    from application.cost import month_cost, replica_cost  # noqa: PLC0415

    app = rig.world.app
    rig.run(c.SetPrices(organization_id=rig.world.org, vcpu_hour=0.04, gb_hour=0.016))
    (node,) = placed_on(rig)  # one replica on the local engine: 0.005 per hour
    service = app.queries.service(rig.service)
    prices = app.queries.organization(rig.world.org).prices
    assert replica_cost(app.queries, service, prices) == pytest.approx(0.005)
    rig.run(c.SetNodePrices(node_id=node, vcpu_hour=0.4, gb_hour=0.16))  # ten times dearer
    assert replica_cost(app.queries, service, prices) == pytest.approx(0.05)
    row = app.dashboard.service(rig.service)
    assert month_cost(app.queries, app.dashboard, [row], rig.clock.now()).hourly_rate == (
        pytest.approx(0.05)
    )
    rig.run(c.SetNodePrices(node_id=node))  # the organisation's again
    assert replica_cost(app.queries, service, prices) == pytest.approx(0.005)
