# ruff: noqa: F811 - the tests' parameters name the fixtures imported from test_deployer_fakes
"""Volumes through the deployer and the reconciler, step by step against the in-memory fakes
(the rig of test_deployer_fakes.py): releases hand a volume over, deletion keeps or drops it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application import commands as c
from application.authz import Principal
from application.errors import DomainError
from application.processes.support import volume_name
from domain.deployment import DeploymentState
from domain.service_spec import VolumeMount
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema
from tests.integration.test_deployer_fakes import Rig, bare_rig, rig  # noqa: F401

S = DeploymentState
ORPHANS = """query($project: ID!) { project(id: $project) {
  orphanedVolumes { serviceName name mountPath orphaned } } }"""


def graphql(rig: Rig, query: str, **variables: str) -> object:
    """The query's data, asked by the organisation's owner through the read gate."""
    context = GqlContext(rig.world.app, Principal(user_id=rig.world.owner), "test")
    result = build_schema().execute_sync(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


@pytest.fixture
def volume_rig(rig: Rig) -> Rig:
    rig.run(c.UpdateService(service_id=rig.service, volumes=[VolumeMount("data", "/data")]))
    return rig


def the_volume(rig: Rig) -> str:
    instance = rig.deployer.config.instance
    return volume_name(instance, rig.world.production, rig.service, "data", None)


def redeploy(rig: Rig) -> uuid.UUID:
    rig.clock.advance(timedelta(seconds=1))
    return rig.run(
        c.RedeployService(service_id=rig.service, environment_id=rig.world.production)
    ).id("deployment_id")


def test_a_release_stops_the_live_replicas_before_mounting_their_volume(volume_rig: Rig) -> None:
    rig = volume_rig
    old = rig.deploy()
    volume = the_volume(rig)
    assert rig.runtime.volumes_by_name[volume].labels["containr.volume"] == "data"
    rig.runtime.write_file(volume, "rows.txt", b"kept")
    new_id = redeploy(rig)
    assert rig.drive(new_id).state is S.HEALTHY
    old_name = f"containr-web-{str(old.id)[:8]}-0"
    new_name = f"containr-web-{str(new_id)[:8]}-0"
    calls = rig.runtime.calls
    assert calls.index(("stop", old_name)) < calls.index(("create", new_name))
    [container] = rig.containers(new_id)
    assert rig.runtime.specs[container.id].volumes == {volume: "/data"}
    assert rig.runtime.volume_files[volume] == {"rows.txt": b"kept"}
    assert rig.containers(old.id) == []


def test_the_reconciler_leaves_the_stopped_live_replica_alone_during_the_hand_over(
    volume_rig: Rig,
) -> None:
    rig = volume_rig
    old = rig.deploy()
    seen: list[list[str]] = []

    def reconcile_while_probing(_url: str) -> None:
        rig.sync()
        rig.reconciler.tick()
        seen.append([info.state for info in rig.containers(old.id)])

    rig.prober.on_probe = reconcile_while_probing
    assert rig.drive(redeploy(rig)).state is S.HEALTHY
    assert seen and all(states == ["exited"] for states in seen)
    assert rig.events("Deployment.ReplicaLost") == []


def test_a_deleted_service_loses_its_volumes_unless_it_keeps_them(volume_rig: Rig) -> None:
    rig = volume_rig
    rig.deploy()
    volume = the_volume(rig)
    rig.run(c.DeleteService(service_id=rig.service, keep_volumes=False))
    rig.clock.advance(timedelta(minutes=5))  # past the retire grace of the release's replicas
    rig.reconciler.tick()  # its containers go
    rig.reconciler.tick()  # then, unused, its volume
    assert volume not in rig.runtime.volumes_by_name
    assert ("remove_volume", volume) in rig.runtime.calls
    assert rig.world.app.dashboard.service_volumes(rig.service) == []


def test_a_kept_volume_stays_until_it_is_removed_explicitly(volume_rig: Rig) -> None:
    rig = volume_rig
    rig.deploy()
    volume = the_volume(rig)
    with pytest.raises(DomainError, match="still runs"):
        rig.run(c.RemoveVolume(service_id=rig.service, volume="data"))
    dashboard = rig.world.app.dashboard
    [row] = dashboard.service_volumes(rig.service)
    assert [(v["environment_id"], v["name"], v["mount_path"]) for v in row.volumes] == [
        (str(rig.world.production), "data", "/data")
    ]
    assert not row.orphaned and dashboard.orphaned_volumes(rig.world.project) == []
    rig.run(c.DeleteService(service_id=rig.service, keep_volumes=True))
    rig.clock.advance(timedelta(minutes=5))
    rig.reconciler.tick()
    rig.reconciler.tick()
    assert volume in rig.runtime.volumes_by_name
    [orphan] = dashboard.orphaned_volumes(rig.world.project)
    assert orphan.service_id == rig.service and orphan.service_name == "web"
    assert graphql(rig, ORPHANS, project=str(rig.world.project)) == {
        "project": {
            "orphanedVolumes": [
                {"serviceName": "web", "name": "data", "mountPath": "/data", "orphaned": True}
            ]
        }
    }
    with pytest.raises(DomainError, match="no volume 'logs'"):
        rig.run(c.RemoveVolume(service_id=rig.service, volume="logs"))
    rig.run(c.RemoveVolume(service_id=rig.service, volume="data"))
    rig.reconciler.tick()
    assert volume not in rig.runtime.volumes_by_name
    assert dashboard.orphaned_volumes(rig.world.project) == []
