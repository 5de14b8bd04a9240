"""A project's placement preference (issue 16): pack its replicas onto the fullest nodes that
fit (the scheduler's best fit) or spread them onto the least loaded (the default)."""

from __future__ import annotations

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
