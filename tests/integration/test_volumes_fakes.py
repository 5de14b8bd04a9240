# ruff: noqa: F811 - the tests' parameters name the fixtures imported from test_deployer_fakes
"""Volumes through the deployer and the reconciler, step by step against the in-memory fakes
(the rig of test_deployer_fakes.py): releases hand a volume over, deletion keeps or drops it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from application import commands as c
from application.authz import Principal
from application.errors import DomainError
from application.processes.snapshots import SnapshotConfig, SnapshotProcess
from application.processes.support import volume_name
from application.runtime_ports import ContainerDeath
from domain.deployment import DeploymentState
from domain.service_spec import VolumeMount
from domain.volume_snapshot import SnapshotState
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema
from tests.integration.test_deployer_fakes import (  # noqa: F401
    BASE_IMAGE,
    CrashingBus,
    OneEngine,
    Rig,
    bare_rig,
    rig,
)

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


def test_a_reconciler_whose_read_model_lags_the_hand_over_leaves_the_stopped_replica_alone(
    volume_rig: Rig,
) -> None:
    """CI saw a MariaDB redeploy fail: the reconciler learnt of the stopped live replica
    before its read model showed the taking release starting, and started it again on the
    volume the new replica was opening (two servers on one data directory)."""
    rig = volume_rig
    old = rig.deploy()
    [stopped] = rig.containers(old.id)
    new_id = redeploy(rig)
    rig.reconciler.tick()  # its last view: the new release queued, the live one running
    endpoint = rig.deployer.config.local_endpoint
    seen: list[list[str]] = []

    def report_the_death_at_once(_url: str) -> None:
        rig.reconciler._on_deaths(
            rig.runtime, endpoint, [ContainerDeath(id=stopped.id, labels=stopped.labels)]
        )  # the engine's report
        seen.append([info.state for info in rig.containers(old.id)])
        rig.reconciler.tick()  # and the tick after it, which does see the release start
        seen.append([info.state for info in rig.containers(old.id)])

    rig.prober.on_probe = report_the_death_at_once
    assert rig.drive(new_id).state is S.HEALTHY
    assert seen and all(states == ["exited"] for states in seen)
    assert rig.events("Deployment.ReplicaLost") == []
    assert rig.deployer.handing_over == set()


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


# Snapshots


def snapshots(rig: Rig, tmp: Path, bus: object = None) -> SnapshotProcess:
    app = rig.world.app
    return SnapshotProcess(
        bus=bus or app.commands,  # type: ignore[arg-type]
        queries=app.queries,
        dashboard=app.dashboard,
        runtimes=OneEngine(rig.runtime),
        clock=app.clock,
        config=SnapshotConfig(
            directory=tmp / "snapshots",
            instance=rig.deployer.config.instance,
            local_endpoint=rig.deployer.config.local_endpoint,
            helper_image=BASE_IMAGE,
        ),
    )


def snapshot_of(rig: Rig) -> uuid.UUID:
    return rig.run(
        c.SnapshotVolume(service_id=rig.service, environment_id=rig.world.production, volume="data")
    ).id("snapshot_id")


def test_a_snapshot_quiesces_archives_restarts_and_restores_into_a_new_volume(
    volume_rig: Rig, tmp_path: Path
) -> None:
    rig = volume_rig
    live = rig.deploy()
    rig.runtime.write_file(the_volume(rig), "rows.txt", b"1 2 3")
    process = snapshots(rig, tmp_path)
    snapshot_id = snapshot_of(rig)
    process.advance(snapshot_id)
    rig.sync()
    snapshot = rig.world.app.queries.snapshot(snapshot_id)
    assert snapshot.state is SnapshotState.COMPLETED
    archive = Path(snapshot.file or "")
    assert archive.parent == tmp_path / "snapshots"
    assert archive.stat().st_mode & 0o777 == 0o600
    assert snapshot.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    [container] = rig.containers(live.id)
    assert container.state == "running"
    names = [call for call in rig.runtime.calls if call[0] in ("stop", "start")]
    assert names[-2:] == [("stop", container.name), ("start", container.name)]
    steps = [e.type.rsplit(".", 1)[-1] for e in rig.events("") if "VolumeSnapshot" in e.type]
    assert steps == ["Requested", "ReplicasStopped", "Archived", "ReplicasStarted"]

    rig.run(c.RestoreSnapshot(service_id=rig.service, snapshot_id=snapshot_id, name="copy"))
    process.advance(snapshot_id)
    rig.sync()
    copy = volume_name(
        rig.deployer.config.instance, rig.world.production, rig.service, "copy", None
    )
    assert rig.runtime.volume_files[copy] == {"rows.txt": b"1 2 3"}
    [row] = rig.world.app.dashboard.snapshots(rig.service)
    assert row.state == "completed" and not row.busy
    assert row.restores == [{"name": "copy", "state": "restored", "reason": ""}]
    with pytest.raises(DomainError, match="new volume only"):
        rig.run(c.RestoreSnapshot(service_id=rig.service, snapshot_id=snapshot_id, name="copy"))
    with pytest.raises(DomainError, match="has a volume 'data'"):
        rig.run(c.RestoreSnapshot(service_id=rig.service, snapshot_id=snapshot_id, name="data"))


def test_a_crash_between_steps_resumes_at_the_step_recorded_last(
    volume_rig: Rig, tmp_path: Path
) -> None:
    rig = volume_rig
    live = rig.deploy()
    crashing = CrashingBus(rig.world.app.commands)
    process = snapshots(rig, tmp_path, crashing)
    snapshot_id = snapshot_of(rig)
    crashing.crash_before.add(c.ReportSnapshotStep)  # stopped, then died before reporting
    with pytest.raises(RuntimeError, match="crash before"):
        process.advance(snapshot_id)
    rig.sync()
    assert rig.world.app.queries.snapshot(snapshot_id).state is SnapshotState.REQUESTED
    [row] = rig.world.app.dashboard.snapshots(rig.service)
    assert row.state == "requested" and row.busy  # visible as unfinished
    rig.reconciler.tick()  # the stopped replica is the snapshot's, not lost
    assert rig.events("Deployment.ReplicaLost") == []
    process.advance(snapshot_id)
    rig.sync()
    snapshot = rig.world.app.queries.snapshot(snapshot_id)
    assert snapshot.state is SnapshotState.COMPLETED
    assert [c.state for c in rig.containers(live.id)] == ["running"]


def test_a_snapshot_past_its_deadline_fails_and_starts_the_replicas_again(
    volume_rig: Rig, tmp_path: Path
) -> None:
    rig = volume_rig
    live = rig.deploy()
    crashing = CrashingBus(rig.world.app.commands)
    process = snapshots(rig, tmp_path, crashing)
    snapshot_id = snapshot_of(rig)
    crashing.crash_after.add(c.ReportSnapshotStep)  # quiesced and recorded, then died
    with pytest.raises(RuntimeError, match="crash after"):
        process.advance(snapshot_id)
    assert [c.state for c in rig.containers(live.id)] == ["exited"]
    rig.clock.advance(timedelta(hours=1))
    process.advance(snapshot_id)
    rig.sync()
    snapshot = rig.world.app.queries.snapshot(snapshot_id)
    assert snapshot.state is SnapshotState.FAILED and "deadline" in snapshot.reason
    assert [c.state for c in rig.containers(live.id)] == ["running"]
    with pytest.raises(DomainError, match="only a completed snapshot restores"):
        rig.run(c.RestoreSnapshot(service_id=rig.service, snapshot_id=snapshot_id, name="copy"))


def test_a_corrupt_archive_is_not_restored(volume_rig: Rig, tmp_path: Path) -> None:
    rig = volume_rig
    rig.deploy()
    rig.runtime.write_file(the_volume(rig), "rows.txt", b"1 2 3")
    process = snapshots(rig, tmp_path)
    snapshot_id = snapshot_of(rig)
    process.advance(snapshot_id)
    archive = Path(rig.world.app.queries.snapshot(snapshot_id).file or "")
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF
    archive.write_bytes(bytes(data))
    rig.run(c.RestoreSnapshot(service_id=rig.service, snapshot_id=snapshot_id, name="copy"))
    process.advance(snapshot_id)
    rig.sync()
    [row] = rig.world.app.dashboard.snapshots(rig.service)
    [restore] = row.restores
    assert restore["state"] == "failed" and "sha256" in restore["reason"]
    copy = volume_name(
        rig.deployer.config.instance, rig.world.production, rig.service, "copy", None
    )
    assert copy not in rig.runtime.volumes_by_name
