"""Service volumes: spec validation, the one-replica rule, deletion keeping or dropping them."""

from __future__ import annotations

import uuid
from dataclasses import replace

import msgspec
import pytest

from application.eventstore import EventMapper
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import (
    MAX_VOLUMES,
    ServiceKind,
    ServiceSpec,
    SharedVolumeReplicasError,
    VolumeMount,
)
from domain.volume_snapshot import SnapshotState, VolumeSnapshot
from tests.unit.given import ACTOR, at, given, then

DB = ServiceSpec(
    kind=ServiceKind.DATABASE,
    image="postgres:16",
    volumes=(VolumeMount("data", "/var/lib/postgresql/data"),),
)


def service(spec: ServiceSpec = DB) -> Service:
    return Service.create(
        ServiceId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        ProjectId(uuid.uuid4()),
        "postgres",
        spec,
        actor=ACTOR,
        now=at(),
    )


def test_a_service_declares_named_volumes_at_absolute_paths() -> None:
    spec = replace(DB, volumes=(*DB.volumes, VolumeMount("logs", "/var/log/app"))).check()
    assert [v.name for v in spec.volumes] == ["data", "logs"]


BAD_VOLUMES = [
    ((VolumeMount("Data", "/data"),), "volumes.0.name", "not a valid slug"),
    ((VolumeMount("data", "data"),), "volumes.0.mount_path", "absolute path"),
    ((VolumeMount("data", "/"),), "volumes.0.mount_path", "absolute path"),
    ((VolumeMount("data", "/data/"),), "volumes.0.mount_path", "trailing"),
    ((VolumeMount("data", "/srv/../etc"),), "volumes.0.mount_path", "'..'"),
    ((VolumeMount("data", "/my data"),), "volumes.0.mount_path", "spaces"),
    (
        (VolumeMount("data", "/data"), VolumeMount("data", "/other")),
        "volumes.1.name",
        "already has a volume 'data'",
    ),
    (
        (VolumeMount("data", "/data"), VolumeMount("more", "/data")),
        "volumes.1.mount_path",
        "overlaps",
    ),
    (
        (VolumeMount("data", "/data"), VolumeMount("more", "/data/more")),
        "volumes.1.mount_path",
        "overlaps",
    ),
    (
        tuple(VolumeMount(f"v{i}", f"/v{i}") for i in range(MAX_VOLUMES + 1)),
        "volumes",
        f"at most {MAX_VOLUMES}",
    ),
]


@pytest.mark.parametrize(("volumes", "field", "message"), BAD_VOLUMES)
def test_bad_volumes_are_refused_naming_the_field(
    volumes: tuple[VolumeMount, ...], field: str, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message) as refused:
        replace(DB, volumes=volumes).check()
    assert refused.value.field == field


def test_a_service_sharing_its_volumes_runs_at_most_one_replica() -> None:
    with pytest.raises(SharedVolumeReplicasError, match="at most 1 replica") as refused:
        replace(DB, replicas=2).check()
    assert refused.value.field == "replicas"
    assert refused.value.code == "VALIDATION_FAILED"
    assert replace(DB, replicas=0).check().replicas == 0


def test_scaling_a_service_with_shared_volumes_beyond_one_is_refused_and_records_nothing() -> None:
    s = given(service())
    with pytest.raises(SharedVolumeReplicasError):
        s.scale(3, actor=ACTOR, now=at(1))
    assert then(s) == []
    assert s.spec.replicas == 1


def test_a_volume_per_replica_lets_the_service_scale() -> None:
    s = given(service(replace(DB, volume_per_replica=True)))
    s.scale(3, actor=ACTOR, now=at(1))
    assert s.spec.replicas == 3


def test_a_volume_per_replica_needs_volumes() -> None:
    with pytest.raises(InvalidValueError, match="only a service with volumes") as refused:
        replace(DB, volumes=(), volume_per_replica=True).check()
    assert refused.value.field == "volume_per_replica"


def test_dropping_volume_per_replica_while_scaled_out_is_refused() -> None:
    s = given(service(replace(DB, volume_per_replica=True, replicas=2)))
    with pytest.raises(SharedVolumeReplicasError):
        s.reconfigure(replace(s.spec, volume_per_replica=False), actor=ACTOR, now=at(1))


def test_deleting_records_whether_the_volumes_are_kept() -> None:
    kept, dropped = service(), service()
    kept.delete(keep_volumes=True, actor=ACTOR, now=at(1))
    dropped.delete(keep_volumes=False, actor=ACTOR, now=at(1))
    assert then(kept)[-1].keep_volumes is True and kept.volumes_kept
    assert then(dropped)[-1].keep_volumes is False and not dropped.volumes_kept


def test_volumes_survive_the_event_store_and_old_deletions_kept_their_volumes() -> None:
    s = service()
    s.delete(keep_volumes=False, actor=ACTOR, now=at(1))
    created, deleted = then(s)
    mapper = EventMapper()
    assert mapper.to_domain_event(mapper.to_stored_event(created)).spec == DB
    stored = mapper.to_stored_event(deleted)
    assert mapper.to_domain_event(stored).keep_volumes is False
    state = msgspec.json.decode(stored.state)
    del state["keep_volumes"]
    state.pop("class_version", None)
    old = mapper.decode(stored.topic, msgspec.json.encode(state), s.id, deleted.originator_version)
    assert old.keep_volumes is True  # type: ignore[attr-defined]


# Snapshots


def snapshot() -> VolumeSnapshot:
    return VolumeSnapshot.request(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        environment_id=uuid.uuid4(),
        volume="data",
        deadline=at(15),
        actor=ACTOR,
        now=at(),
    )


def test_a_snapshot_records_each_step_once_in_order() -> None:
    s = given(snapshot())
    assert s.archived("f", "0" * 64, 10, actor=ACTOR, now=at(1)) is False  # not quiesced yet
    assert s.replicas_stopped(("c1",), actor=ACTOR, now=at(1)) is True
    assert s.replicas_stopped(("c1",), actor=ACTOR, now=at(1)) is False
    assert s.archived("f", "0" * 64, 10, actor=ACTOR, now=at(2)) is True
    assert s.replicas_started(actor=ACTOR, now=at(3)) is True
    assert s.fail("late", actor=ACTOR, now=at(4)) is False
    assert [type(e).__name__ for e in then(s)] == ["ReplicasStopped", "Archived", "ReplicasStarted"]
    assert s.state is SnapshotState.COMPLETED and s.stopped == ("c1",)


def test_a_failed_snapshot_names_its_step_and_restores_nothing() -> None:
    s = given(snapshot())
    s.replicas_stopped(("c1",), actor=ACTOR, now=at(1))
    s.fail("the engine refused", actor=ACTOR, now=at(2))
    assert then(s)[-1].step == "quiesced"
    with pytest.raises(RuleViolatedError, match="only a completed snapshot restores"):
        s.request_restore("copy", actor=ACTOR, now=at(3))


def test_a_snapshot_restores_into_new_volumes_only_each_reported_once() -> None:
    s = snapshot()
    s.replicas_stopped((), actor=ACTOR, now=at(1))
    s.archived("f", "0" * 64, 10, actor=ACTOR, now=at(2))
    s.replicas_started(actor=ACTOR, now=at(3))
    given(s)
    s.request_restore("copy", actor=ACTOR, now=at(4))
    for taken in ("copy", "data"):
        with pytest.raises(InvalidValueError, match="new volume only"):
            s.request_restore(taken, actor=ACTOR, now=at(5))
    with pytest.raises(InvalidValueError, match="not a valid slug"):
        s.request_restore("Copy!", actor=ACTOR, now=at(5))
    assert s.pending_restores() == ["copy"]
    assert s.restore_ended("copy", None, actor=ACTOR, now=at(6)) is True
    assert s.restore_ended("copy", "late", actor=ACTOR, now=at(7)) is False
    assert s.pending_restores() == [] and s.restores == {"copy": "restored"}
