"""Proxmox clusters and guests: registration, node states, guest operations and deadlines."""

from __future__ import annotations

import uuid

import pytest

from domain.cluster import Cluster, ClusterRemovedError
from domain.errors import InvalidTransitionError, InvalidValueError
from domain.guest import (
    Guest,
    GuestAction,
    GuestDeletedError,
    GuestKind,
    GuestSettings,
    GuestState,
    operation_tag,
)
from domain.values import SealedValue
from tests.unit.given import ACTOR, at, given, replayed, then, types

LXC = GuestSettings(
    kind=GuestKind.LXC,
    node="pve1",
    name="builder",
    os_template="local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
)


def cluster(**changes: object) -> Cluster:
    fields: dict[str, object] = {
        "organization_id": uuid.uuid4(),
        "name": "homelab",
        "url": "https://pve1.example.com:8006",
        "token_id": "root@pam!containr",
        "token_secret": SealedValue("sealed:abc"),
        "verify_tls": True,
        "ca_bundle": None,
        **changes,
    }
    return Cluster.register(uuid.uuid4(), actor=ACTOR, now=at(), **fields)  # type: ignore[arg-type]


def guest(settings: GuestSettings = LXC) -> Guest:
    return Guest.request(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        cluster_id=uuid.uuid4(),
        settings=settings,
        start=True,
        actor=ACTOR,
        now=at(),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "http://pve1:8006"}, "url"),
        ({"url": "https://root:pw@pve1:8006"}, "url"),
        ({"url": "https://pve1:8006/api2/json"}, "url"),
        ({"token_id": "root!containr"}, "token_id"),
        ({"token_id": "root@pam"}, "token_id"),
        ({"ca_bundle": "not a certificate"}, "ca_bundle"),
        ({"name": "Home Lab!"}, "name"),
    ],
)
def test_a_cluster_with_bad_settings_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        cluster(**changes)
    assert refused.value.field == field


def test_observations_record_only_what_changed() -> None:
    c = given(cluster())
    c.observe({"pve1": True, "pve2": True}, "8.2.4", actor=ACTOR, now=at(1))
    assert [type(e).__name__ for e in then(c)] == ["Recovered", "NodeCameOnline", "NodeCameOnline"]
    c.observe({"pve1": True, "pve2": True}, "8.2.4", actor=ACTOR, now=at(2))
    assert then(c) == []
    c.observe({"pve1": True, "pve2": False}, "8.2.4", actor=ACTOR, now=at(3))
    (offline,) = then(c)
    assert type(offline).__name__ == "NodeWentOffline" and offline.node == "pve2"
    c.observe({"pve1": True}, "8.2.4", actor=ACTOR, now=at(4))
    assert [type(e).__name__ for e in then(c)] == ["NodeDisappeared"]
    assert c.nodes == {"pve1": True}


def test_losing_contact_is_recorded_once_per_reason_and_recovery_after() -> None:
    c = given(cluster())
    c.lose_contact("connection refused", actor=ACTOR, now=at(1))
    c.lose_contact("connection refused", actor=ACTOR, now=at(2))
    assert [type(e).__name__ for e in then(c)] == ["BecameUnreachable"]
    assert c.reachable is False
    c.observe({}, "8.2.4", actor=ACTOR, now=at(3))
    assert [type(e).__name__ for e in then(c)] == ["Recovered"]
    assert c.reachable is True and c.pve_version == "8.2.4"


def test_a_removed_cluster_refuses_changes() -> None:
    c = given(cluster())
    c.remove(actor=ACTOR, now=at(1))
    with pytest.raises(ClusterRemovedError):
        c.observe({}, "8", actor=ACTOR, now=at(2))


def test_a_cluster_replays_to_the_same_state() -> None:
    c = cluster()
    c.observe({"pve1": True}, "8.2.4", actor=ACTOR, now=at(1))
    copy = replayed(c)
    assert copy.nodes == {"pve1": True} and copy.token_secret == c.token_secret


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (GuestSettings(kind=GuestKind.LXC, node="pve1", name="x"), "os_template"),
        (GuestSettings(kind=GuestKind.QEMU, node="pve 1", name="x"), "node"),
        (GuestSettings(kind=GuestKind.QEMU, node="pve1", name="x", cores=0), "cores"),
        (GuestSettings(kind=GuestKind.QEMU, node="pve1", name="x", memory_mb=8), "memory_mb"),
        (GuestSettings(kind=GuestKind.QEMU, node="pve1", name="x", clone_from=5), "clone_from"),
        (GuestSettings(kind=GuestKind.QEMU, node="pve1", name="x", storage="a b"), "storage"),
    ],
)
def test_a_guest_with_bad_settings_is_refused(settings: GuestSettings, field: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        guest(settings)
    assert refused.value.field == field


def test_a_guest_is_created_once_and_its_tag_names_the_operation() -> None:
    g = given(guest())
    assert g.state is GuestState.CREATING and g.pending is not None
    assert g.tag == operation_tag(f"{g.id}:create") and g.tag.startswith("containr-op-")
    g.record_created(f"{g.id}:create", 101, "pve1", True, actor=ACTOR, now=at(1))
    g.record_created(f"{g.id}:create", 101, "pve1", True, actor=ACTOR, now=at(2))
    assert [type(e).__name__ for e in then(g)] == ["Created"]
    assert g.state is GuestState.RUNNING and g.vmid == 101 and g.pending is None


def test_one_operation_at_a_time_and_repeats_are_ignored() -> None:
    g = given(guest())
    g.record_created(f"{g.id}:create", 101, "pve1", True, actor=ACTOR, now=at(1))
    g.request_action(GuestAction.SHUTDOWN, "op-1", actor=ACTOR, now=at(2))
    g.request_action(GuestAction.SHUTDOWN, "op-1", actor=ACTOR, now=at(2))
    with pytest.raises(InvalidTransitionError, match="busy"):
        g.request_action(GuestAction.REBOOT, "op-2", actor=ACTOR, now=at(3))
    g.record_succeeded("op-1", actor=ACTOR, now=at(4))
    g.record_succeeded("op-1", actor=ACTOR, now=at(4))
    assert g.state is GuestState.STOPPED
    with pytest.raises(InvalidTransitionError, match="only a running guest can reboot"):
        g.request_action(GuestAction.REBOOT, "op-3", actor=ACTOR, now=at(5))
    g.request_action(GuestAction.DELETE, "op-4", actor=ACTOR, now=at(6))
    g.record_succeeded("op-4", actor=ACTOR, now=at(7))
    assert g.state is GuestState.DELETED
    with pytest.raises(GuestDeletedError):
        g.request_action(GuestAction.START, "op-5", actor=ACTOR, now=at(8))


def test_a_failed_create_keeps_the_task_log_and_only_delete_is_allowed() -> None:
    g = given(guest())
    g.record_failed(
        f"{g.id}:create", "TASK ERROR: storage full", ["a", "b"], actor=ACTOR, now=at(1)
    )
    (failed,) = then(g)
    assert failed.task_log == ["a", "b"] and g.state is GuestState.FAILED
    assert g.failure == "TASK ERROR: storage full"
    with pytest.raises(InvalidTransitionError):
        g.request_action(GuestAction.START, "op-1", actor=ACTOR, now=at(2))
    g.request_action(GuestAction.DELETE, "op-2", actor=ACTOR, now=at(2))


def test_an_operation_past_its_deadline_fails_with_that_reason() -> None:
    g = guest()
    assert not g.expire(actor=ACTOR, now=at(14))
    assert g.expire(actor=ACTOR, now=at(15))
    assert g.state is GuestState.FAILED and g.failure is not None and "deadline" in g.failure
    copy = replayed(g)
    assert copy.state is GuestState.FAILED and copy.pending is None


def test_a_failed_creates_leftover_is_pending_once_until_cleaned_up() -> None:
    g = given(guest())
    with pytest.raises(InvalidTransitionError, match="failed or deleted"):
        g.record_cleanup_pending("vm 101 is left", actor=ACTOR, now=at(1))
    g.record_failed(f"{g.id}:create", "deadline exceeded", [], actor=ACTOR, now=at(15))
    g.record_cleanup_pending("lxc 101 is left on node pve1: No route", actor=ACTOR, now=at(15))
    g.record_cleanup_pending("lxc 101 is left on node pve1: again", actor=ACTOR, now=at(16))
    assert types(g) == ["OperationFailed", "CleanupPending"]  # told once, retried quietly
    assert g.cleanup is not None and g.cleanup.since == at(15)
    assert "No route" in g.cleanup.reason
    g.record_cleaned_up(actor=ACTOR, now=at(20))
    g.record_cleaned_up(actor=ACTOR, now=at(21))
    assert types(g) == ["CleanedUp"] and g.cleanup is None


def test_drift_is_recorded_on_transitions_and_stale_observations_are_ignored() -> None:
    g = given(guest())
    g.record_created(f"{g.id}:create", 101, "pve1", True, actor=ACTOR, now=at(1))
    g.collect_events()
    g.record_observed("running", "running", actor=ACTOR, now=at(2))
    g.record_observed("running", "stopped", actor=ACTOR, now=at(3))
    g.record_observed("running", "stopped", actor=ACTOR, now=at(4))
    g.record_observed("stopped", "running", actor=ACTOR, now=at(4))  # stale: it is running
    assert types(g) == ["DriftDetected"] and g.drift == "stopped"
    assert g.state is GuestState.RUNNING  # the record stays what Containr did; drift beside it
    g.record_observed("running", "missing", actor=ACTOR, now=at(5))
    g.record_observed("running", "running", actor=ACTOR, now=at(6))
    assert types(g) == ["DriftDetected", "DriftResolved"] and g.drift is None
    with pytest.raises(InvalidValueError):
        g.record_observed("running", "exploded", actor=ACTOR, now=at(7))


def test_an_operation_in_progress_ignores_observations_and_its_success_clears_drift() -> None:
    g = guest()
    g.record_created(f"{g.id}:create", 101, "pve1", True, actor=ACTOR, now=at(1))
    g.record_observed("running", "stopped", actor=ACTOR, now=at(2))
    g.request_action(GuestAction.START, "op-1", actor=ACTOR, now=at(3))
    g.record_observed("running", "running", actor=ACTOR, now=at(3))  # mid-operation: ignored
    g.record_succeeded("op-1", actor=ACTOR, now=at(4))
    copy = replayed(g)
    assert g.drift is None and copy.drift is None and copy.state is GuestState.RUNNING
    assert copy.version == 5  # requested, created, drift detected, start requested, started


def test_stray_guests_are_recorded_when_the_set_changes() -> None:
    k = given(cluster())
    k.observe_strays(["105 web on pve1", "107 db on pve2"], actor=ACTOR, now=at(1))
    k.observe_strays(["107 db on pve2", "105 web on pve1"], actor=ACTOR, now=at(2))
    assert types(k) == ["StrayGuestsChanged"]
    assert k.stray_guests == ["105 web on pve1", "107 db on pve2"]
    k.observe_strays([], actor=ACTOR, now=at(3))
    assert types(k) == ["StrayGuestsChanged"] and k.stray_guests == []
