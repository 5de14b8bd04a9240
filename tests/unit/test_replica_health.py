"""Replica health (issue 17): probe thresholds, the restart backoff, and the events a live
release records for them (transitions only, repeats ignored)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.deployment import DeadlinePolicy, Deployment, DeploymentTrigger
from domain.errors import InvalidValueError
from domain.health import ProbeRole, ProbeTracker, RestartBackoff, backoff_delay, probes_of
from domain.ids import DeploymentId
from domain.service_spec import HealthCheck, HealthCheckKind, ServiceKind, ServiceSpec
from tests.unit.given import ACTOR, T0, replayed

POLICY = DeadlinePolicy()
HTTP = HealthCheck(
    HealthCheckKind.HTTP, path="/health", interval_seconds=5, retries=3, success_threshold=2
)
SPEC = ServiceSpec(kind=ServiceKind.WEB, image="nginx:1.27", port=80, health_check=HTTP)


def live(spec: ServiceSpec = SPEC) -> Deployment:
    d = Deployment.request(
        DeploymentId(uuid.uuid4()),
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        environment_id=uuid.uuid4(),
        trigger=DeploymentTrigger.MANUAL,
        spec=spec,
        image=spec.image,
        policy=POLICY,
        actor=ACTOR,
        now=T0,
    )
    d.record_built("nginx:1.27", policy=POLICY, operation_id="built", actor=ACTOR, now=at(1))
    d.start_replicas(policy=POLICY, operation_id="start", actor=ACTOR, now=at(1))
    d.record_healthy(policy=POLICY, operation_id="healthy", actor=ACTOR, now=at(2))
    return d


def at(seconds: float) -> datetime:
    """A moment ``seconds`` after the tests' epoch."""
    return T0 + timedelta(seconds=seconds)


def recorded(d: Deployment) -> list[str]:
    """The events recorded once the release was live (kept for replaying)."""
    return [type(e).__name__ for e in d.pending_events[4:]]


# Probes


def test_no_probe_runs_before_the_start_period_then_one_per_interval() -> None:
    tracker = ProbeTracker(replace(HTTP, grace_period_seconds=30), started_at=T0)
    assert not tracker.due(at(29))
    assert tracker.due(at(30))
    tracker.observe(True, "ok", at(30))
    assert not tracker.due(at(34))
    assert tracker.due(at(35))


def test_a_probe_fails_and_passes_after_its_thresholds_in_a_row() -> None:
    tracker = ProbeTracker(HTTP, started_at=T0)
    assert not tracker.observe(False, "503", at(1))
    assert not tracker.observe(False, "503", at(2))
    assert tracker.passing is None
    assert tracker.observe(False, "503", at(3))
    assert tracker.passing is False
    assert not tracker.observe(True, "200", at(4))
    assert not tracker.observe(False, "503", at(5))  # the successes in a row start again
    assert not tracker.observe(True, "200", at(6))
    assert tracker.observe(True, "200", at(7))
    assert tracker.passing is True
    assert tracker.detail == "200"


def test_the_health_check_is_readiness_beside_liveness_and_startup() -> None:
    tcp = HealthCheck(HealthCheckKind.TCP)
    spec = replace(SPEC, liveness_check=tcp, startup_check=tcp)
    assert probes_of(spec) == {
        ProbeRole.STARTUP: tcp,
        ProbeRole.READINESS: HTTP,
        ProbeRole.LIVENESS: tcp,
    }
    assert probes_of(replace(SPEC, health_check=None)) == {}


def test_bad_probe_settings_name_the_probe_they_belong_to() -> None:
    with pytest.raises(InvalidValueError) as e:
        replace(SPEC, liveness_check=HealthCheck(HealthCheckKind.COMMAND)).check()
    assert e.value.field == "liveness_check.command"
    with pytest.raises(InvalidValueError) as e:
        replace(SPEC, startup_check=replace(HTTP, success_threshold=0)).check()
    assert e.value.field == "startup_check.success_threshold"
    with pytest.raises(InvalidValueError) as e:
        replace(SPEC, health_check=HealthCheck(HealthCheckKind.TCP, expected_status=200)).check()
    assert e.value.field == "health_check.expected_status"


# Backoff


def test_the_first_restart_is_at_once_then_10_s_doubling_to_5_minutes() -> None:
    delays = [backoff_delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [0, 10, 20, 40, 80, 160, 300, 300, 300]


def test_a_dead_container_counts_once_however_often_it_is_seen() -> None:
    backoff = RestartBackoff()
    assert backoff.died("a", at(0))
    backoff.restarted(at(0))
    assert backoff.died("b", at(1))
    assert not backoff.died("b", at(2))
    assert backoff.deaths == 2
    assert not backoff.may_restart(at(10))
    assert backoff.may_restart(at(11))
    assert not backoff.crash_looping
    backoff.restarted(at(11))
    backoff.died("c", at(12))
    assert backoff.crash_looping


def test_ten_minutes_running_forget_the_backoff() -> None:
    backoff = RestartBackoff()
    for n, name in enumerate("abc"):
        backoff.died(name, at(n))
        backoff.restarted(at(n))
    assert backoff.crash_looping
    assert backoff.running(at(2 + 599)) == timedelta(seconds=599)
    assert backoff.crash_looping
    backoff.running(at(2 + 600))
    backoff.died("d", at(2 + 601))
    assert backoff.deaths == 1
    assert backoff.may_restart(at(2 + 601))


# The live release's records


def test_a_loss_is_recorded_once_until_the_replica_runs_again() -> None:
    d = live()
    assert d.lose_replica(0, "exited 1", operation_id="lost:a", exit_code=1, actor=ACTOR, now=at(3))
    assert not d.lose_replica(0, "exited 1", operation_id="lost:b", actor=ACTOR, now=at(4))
    assert not d.lose_replica(0, "exited 1", operation_id="lost:a", actor=ACTOR, now=at(4))
    assert d.replace_replica(0, "web-0", operation_id="replaced:c", actor=ACTOR, now=at(5))
    assert not d.replace_replica(0, "web-0", operation_id="replaced:c", actor=ACTOR, now=at(5))
    assert d.lose_replica(0, "exited 1", operation_id="lost:c", actor=ACTOR, now=at(6))
    assert recorded(d) == ["ReplicaLost", "ReplicaReplaced", "ReplicaLost"]


def test_a_crash_loop_is_recorded_once_with_its_exit_code_and_last_lines() -> None:
    d = live()
    lines = tuple(f"line {n}" for n in range(30))
    assert d.record_crash_loop(
        0, deaths=3, exit_code=2, last_lines=lines, operation_id="loop:a", actor=ACTOR, now=at(3)
    )
    assert not d.record_crash_loop(
        0, deaths=4, exit_code=2, last_lines=lines, operation_id="loop:b", actor=ACTOR, now=at(4)
    )
    assert not d.lose_replica(0, "exited 2", operation_id="lost:x", actor=ACTOR, now=at(5))
    loop = d.crash_looping[0]
    assert (loop.deaths, loop.exit_code, loop.last_lines[-1], len(loop.last_lines)) == (
        3,
        2,
        "line 29",
        20,
    )
    d.replace_replica(0, "web-0", operation_id="replaced:y", actor=ACTOR, now=at(70))
    assert d.crash_looping == {}
    assert replayed(d).crash_looping == {}


def test_a_lost_replica_is_out_of_the_route_until_its_readiness_passes() -> None:
    d = live()
    d.lose_replica(0, "killed", operation_id="lost:a", actor=ACTOR, now=at(3))
    d.replace_replica(0, "web-0", operation_id="replaced:b", actor=ACTOR, now=at(3))
    assert d.unready == {0}
    assert d.record_replica_health(0, "readiness", True, "200", actor=ACTOR, now=at(4))
    assert d.unready == set()
    assert replayed(d).unready == set()


def test_only_transitions_of_a_probe_are_recorded() -> None:
    d = live()
    assert not d.record_replica_health(1, "readiness", True, "200", actor=ACTOR, now=at(3))
    assert d.record_replica_health(1, "readiness", False, "503", actor=ACTOR, now=at(4))
    assert not d.record_replica_health(1, "readiness", False, "503", actor=ACTOR, now=at(5))
    assert d.unready == {1}
    assert d.record_replica_health(1, "liveness", False, "timeout", actor=ACTOR, now=at(6))
    assert d.record_replica_health(1, "liveness", True, "ok", actor=ACTOR, now=at(7))
    assert recorded(d) == ["ReplicaHealthChanged"] * 3
    status = replayed(d).health[1]["readiness"]
    assert (status.passing, status.detail, status.since) == (False, "503", at(4))
    with pytest.raises(InvalidValueError):
        d.record_replica_health(1, "sideways", False, "?", actor=ACTOR, now=at(8))


def test_retiring_the_previous_releases_is_pending_once_live_until_recorded() -> None:
    d = live()
    assert d.retire_pending
    assert d.record_retired("retire", actor=ACTOR, now=at(3))
    assert not d.record_retired("retire", actor=ACTOR, now=at(4))
    assert not replayed(d).retire_pending
