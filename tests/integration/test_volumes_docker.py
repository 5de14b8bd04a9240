# ruff: noqa: F811 - the tests' parameters name the fixtures imported from test_deploy_docker
"""Service volumes on the real Docker engine: data outlives releases, deletion keeps or drops it.

The platform runs in this process as in test_deploy_docker.py (whose fixtures these tests
share); the service runs the local busybox image, so nothing is built or pulled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors

from application import commands as c
from application.processes.support import volume_name
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind, VolumeMount
from domain.volume_snapshot import SnapshotState
from tests.contract.docker_images import BASE_IMAGE
from tests.integration.deploy_support import Platform, containers_of, until
from tests.integration.test_deploy_docker import (  # noqa: F401 - the shared fixtures
    caddy,
    engine,
    ingress_listen,
    platform,
    platform_for,
)


def volume_service(platform: Platform, name: str = "files") -> uuid.UUID:
    assert platform.project is not None
    return platform.run(
        c.CreateService(
            project_id=platform.project,
            name=name,
            kind=ServiceKind.WORKER,
            image=BASE_IMAGE,
            start_command="exec sleep 3600",
            volumes=[VolumeMount("data", "/data")],
        )
    ).id("service_id")


def deploy_healthy(platform: Platform, service: uuid.UUID) -> uuid.UUID:
    deployment = platform.deploy(service)
    assert platform.wait_for(deployment).state is DeploymentState.HEALTHY
    return deployment


def exec_in(engine: docker.APIClient, container: str, script: str) -> int:
    run = engine.exec_create(container, ["sh", "-c", script])
    engine.exec_start(run["Id"])
    code: int = engine.exec_inspect(run["Id"])["ExitCode"]
    return code


def the_container(engine: docker.APIClient, deployment: uuid.UUID) -> str:
    [container] = containers_of(engine, deployment)
    return str(container["Id"])


def engine_volume(platform: Platform, service: uuid.UUID) -> str:
    assert platform.production is not None
    return volume_name(platform.settings.instance, platform.production, service, "data", None)


def volume_exists(engine: docker.APIClient, name: str) -> bool:
    try:
        engine.inspect_volume(name)
    except docker.errors.NotFound:
        return False
    return True


def test_a_file_written_to_a_volume_is_there_after_a_redeploy(
    platform: Platform, engine: docker.APIClient
) -> None:
    service = volume_service(platform)
    first = deploy_healthy(platform, service)
    assert exec_in(engine, the_container(engine, first), "echo kept > /data/file") == 0
    volume = engine.inspect_volume(engine_volume(platform, service))
    assert volume["Labels"]["containr.instance"] == platform.settings.instance
    assert volume["Labels"]["containr.service"] == str(service)
    assert volume["Labels"]["containr.volume"] == "data"

    second = deploy_healthy(platform, service)
    container = the_container(engine, second)
    assert exec_in(engine, container, 'test "$(cat /data/file)" = kept') == 0
    until(lambda: not containers_of(engine, first), what="the first release's container to go")


def read_from_volume(engine: docker.APIClient, volume: str, path: str) -> str:
    """What a file of a volume holds, read by a short-lived container of this test."""
    container = engine.create_container(
        BASE_IMAGE,
        ["cat", f"/v/{path}"],
        labels={"containr.test": "volumes"},
        host_config=engine.create_host_config(binds={volume: {"bind": "/v", "mode": "ro"}}),
    )
    try:
        engine.start(container["Id"])
        assert engine.wait(container["Id"], timeout=60)["StatusCode"] == 0
        return bytes(engine.logs(container["Id"])).decode()
    finally:
        engine.remove_container(container["Id"], force=True)


def test_a_snapshot_restores_into_a_new_volume_holding_the_file(
    platform_for: Callable[..., Platform], engine: docker.APIClient
) -> None:
    platform = platform_for(snapshot_helper_image=BASE_IMAGE)
    platform.start_processes()
    service = volume_service(platform)
    release = deploy_healthy(platform, service)
    assert exec_in(engine, the_container(engine, release), "echo kept > /data/file") == 0
    assert platform.production is not None
    snapshot = platform.run(
        c.SnapshotVolume(service_id=service, environment_id=platform.production, volume="data")
    ).id("snapshot_id")
    queries = platform.services.queries
    until(
        lambda: queries.snapshot(snapshot).state is SnapshotState.COMPLETED,
        timeout=90,
        what="the snapshot to complete",
    )
    taken = queries.snapshot(snapshot)
    assert Path(taken.file or "").parent == platform.settings.data_path / "snapshots"
    assert [x["State"] for x in containers_of(engine, release)] == ["running"]

    platform.run(c.RestoreSnapshot(service_id=service, snapshot_id=snapshot, name="copy"))
    until(
        lambda: queries.snapshot(snapshot).restores.get("copy") is not None,
        timeout=90,
        what="the restore to end",
    )
    assert queries.snapshot(snapshot).restores["copy"] == "restored"
    copy = volume_name(platform.settings.instance, platform.production, service, "copy", None)
    assert read_from_volume(engine, copy, "file") == "kept\n"


def test_deleting_a_service_removes_its_volume_unless_it_is_kept(
    platform: Platform, engine: docker.APIClient
) -> None:
    dropped, kept = volume_service(platform, "dropped"), volume_service(platform, "kept")
    dropped_release, kept_release = (
        deploy_healthy(platform, dropped),
        deploy_healthy(platform, kept),
    )
    dropped_volume, kept_volume = engine_volume(platform, dropped), engine_volume(platform, kept)
    assert volume_exists(engine, dropped_volume) and volume_exists(engine, kept_volume)

    platform.run(c.DeleteService(service_id=dropped, keep_volumes=False))
    platform.run(c.DeleteService(service_id=kept, keep_volumes=True))
    until(
        lambda: not volume_exists(engine, dropped_volume),
        timeout=60,
        what="the volume not kept to be removed",
    )
    until(
        lambda: (
            not containers_of(engine, kept_release) and not containers_of(engine, dropped_release)
        ),
        timeout=60,
        what="the deleted services' containers to go",
    )
    assert volume_exists(engine, kept_volume)

    platform.run(c.RemoveVolume(service_id=kept, volume="data"))
    until(
        lambda: not volume_exists(engine, kept_volume),
        timeout=60,
        what="the released volume to be removed",
    )
