"""Deployments: the release state machine, its deadlines, repeats and rollbacks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from domain.deployment import (
    DeadlinePolicy,
    Deployment,
    DeploymentState,
    DeploymentTrigger,
)
from domain.errors import InvalidTransitionError
from domain.ids import DeploymentId
from domain.service_spec import GitSource, HealthCheck, HealthCheckKind, ServiceKind, ServiceSpec
from tests.unit.given import ACTOR, T0, at, given, replayed, then, types

POLICY = DeadlinePolicy()
GIT = ServiceSpec(kind=ServiceKind.WEB, git=GitSource("https://git.example.com/a.git"), port=80)
IMAGE = replace(GIT, git=None, image="nginx:1.27")
OTHER = DeploymentId(uuid.uuid4())


def request(spec: ServiceSpec = GIT, now: datetime = T0, **kw: object) -> Deployment:
    return Deployment.request(
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
        now=now,
        **kw,  # type: ignore[arg-type]
    )


Step = Callable[[Deployment], object]
op = iter(range(10**6))


def start_build(d: Deployment) -> object:
    return d.start_build(policy=POLICY, operation_id=f"op{next(op)}", actor=ACTOR, now=at(1))


def built(d: Deployment) -> object:
    return d.record_built(
        "img:1", policy=POLICY, operation_id=f"op{next(op)}", actor=ACTOR, now=at(1)
    )


def start_replicas(d: Deployment) -> object:
    return d.start_replicas(policy=POLICY, operation_id=f"op{next(op)}", actor=ACTOR, now=at(1))


def healthy(d: Deployment) -> object:
    return d.record_healthy(policy=POLICY, operation_id=f"op{next(op)}", actor=ACTOR, now=at(1))


def fail(d: Deployment) -> object:
    return d.fail("boom", operation_id=f"op{next(op)}", actor=ACTOR, now=at(1))


def cancel(d: Deployment) -> object:
    d.cancel("stop", actor=ACTOR, now=at(1))
    return True


def supersede(d: Deployment) -> object:
    d.supersede(OTHER, actor=ACTOR, now=at(1))
    return True


def roll_back(d: Deployment) -> object:
    d.roll_back(OTHER, actor=ACTOR, now=at(1))
    return True


STEPS: dict[str, Step] = {
    "start_build": start_build,
    "built": built,
    "start_replicas": start_replicas,
    "healthy": healthy,
    "fail": fail,
    "cancel": cancel,
    "supersede": supersede,
    "roll_back": roll_back,
}
PATHS: dict[DeploymentState, list[Step]] = {
    DeploymentState.QUEUED: [],
    DeploymentState.BUILDING: [start_build],
    DeploymentState.BUILT: [start_build, built],
    DeploymentState.STARTING: [start_build, built, start_replicas],
    DeploymentState.HEALTHY: [start_build, built, start_replicas, healthy],
    DeploymentState.FAILED: [start_build, fail],
    DeploymentState.CANCELLED: [cancel],
    DeploymentState.SUPERSEDED: [start_build, built, start_replicas, healthy, supersede],
    DeploymentState.ROLLED_BACK: [start_build, built, start_replicas, healthy, roll_back],
}
ALLOWED: dict[DeploymentState, set[str]] = {
    DeploymentState.QUEUED: {"start_build", "fail", "cancel", "supersede"},
    DeploymentState.BUILDING: {"built", "fail", "cancel"},
    DeploymentState.BUILT: {"start_replicas", "fail", "cancel"},
    DeploymentState.STARTING: {"healthy", "fail", "cancel"},
    DeploymentState.HEALTHY: {"supersede", "roll_back"},
}


def in_state(state: DeploymentState) -> Deployment:
    d = request()
    for step in PATHS[state]:
        step(d)
    assert d.state is state
    return given(d)


INVALID = [
    (state, name)
    for state in DeploymentState
    for name in STEPS
    if name not in ALLOWED.get(state, set())
]
VALID = [(state, name) for state, names in ALLOWED.items() for name in sorted(names)]


@pytest.mark.parametrize(("state", "step"), INVALID, ids=[f"{s.value}-{n}" for s, n in INVALID])
def test_every_invalid_transition_is_refused_and_records_nothing(
    state: DeploymentState, step: str
) -> None:
    d = in_state(state)
    with pytest.raises(InvalidTransitionError):
        STEPS[step](d)
    assert then(d) == [] and d.state is state


@pytest.mark.parametrize(("state", "step"), VALID, ids=[f"{s.value}-{n}" for s, n in VALID])
def test_every_valid_transition_records_one_event_with_time_and_reason(
    state: DeploymentState, step: str
) -> None:
    d = in_state(state)
    STEPS[step](d)
    [event] = then(d)
    assert event.timestamp == at(1) and event.reason and event.state is d.state
    assert d.history[-1].state is d.state


def test_the_happy_path_records_each_state_with_a_deadline_for_active_ones() -> None:
    d = in_state(DeploymentState.QUEUED)
    for step in (start_build, built, start_replicas, healthy):
        step(d)
    events = then(d)
    assert types_of(events) == ["BuildStarted", "Built", "ReplicasStarting", "BecameHealthy"]
    assert [e.deadline is not None for e in events] == [True, True, True, False]
    assert [h.state.value for h in d.history] == [
        "queued",
        "building",
        "built",
        "starting",
        "healthy",
    ]


def types_of(events: list[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_a_git_release_must_build_before_it_is_built() -> None:
    d = given(request())
    with pytest.raises(InvalidTransitionError, match="must start its build"):
        built(d)


def test_an_image_release_skips_the_build() -> None:
    d = given(request(IMAGE))
    built(d)
    [event] = then(d)
    assert event.reason == "image given by the service" and d.state is DeploymentState.BUILT


def test_a_reused_image_skips_the_build() -> None:
    d = given(request())
    d.record_built(
        "img:cached", reused=True, policy=POLICY, operation_id="x", actor=ACTOR, now=at()
    )
    assert "reused" in then(d)[0].reason


def test_a_repeated_report_with_the_same_operation_id_is_ignored() -> None:
    d = given(request())
    assert d.start_build(policy=POLICY, operation_id="build-1", actor=ACTOR, now=at(1)) is True
    assert d.start_build(policy=POLICY, operation_id="build-1", actor=ACTOR, now=at(2)) is False
    assert types(d) == ["BuildStarted"]


def test_a_repeated_failure_report_is_ignored() -> None:
    d = in_state(DeploymentState.BUILDING)
    assert d.fail("oops", operation_id="f1", actor=ACTOR, now=at(2)) is True
    assert d.fail("oops", operation_id="f1", actor=ACTOR, now=at(3)) is False
    assert types(d) == ["Failed"]


def test_queued_deployment_fails_when_its_deadline_passes() -> None:
    with freeze_time("2026-01-05 09:00:00") as clock:
        d = given(request(now=datetime.now(UTC)))
        clock.tick(POLICY.queued - timedelta(seconds=1))
        assert d.expire(actor=ACTOR, now=datetime.now(UTC)) is False
        clock.tick(timedelta(seconds=1))
        assert d.expire(actor=ACTOR, now=datetime.now(UTC)) is True
    [failed] = then(d)
    assert failed.state is DeploymentState.FAILED and failed.failed_in is DeploymentState.QUEUED
    assert failed.reason == "deadline exceeded: queued for more than 600s"


@pytest.mark.parametrize(
    "state",
    sorted(
        {DeploymentState.BUILDING, DeploymentState.BUILT, DeploymentState.STARTING},
        key=lambda s: s.value,
    ),
)
def test_every_active_state_has_a_deadline_that_fails_the_release(state: DeploymentState) -> None:
    d = in_state(state)
    assert d.deadline is not None
    with freeze_time(d.deadline):
        assert d.expire(actor=ACTOR, now=datetime.now(UTC)) is True
    assert d.state is DeploymentState.FAILED
    assert d.history[-1].reason.startswith(f"deadline exceeded: {state.value}")


def test_the_starting_deadline_adds_the_health_checks_grace_period() -> None:
    probe = HealthCheck(
        HealthCheckKind.HTTP,
        path="/",
        interval_seconds=10,
        timeout_seconds=5,
        retries=6,
        grace_period_seconds=30,
    )
    allowed = POLICY.for_state(DeploymentState.STARTING, replace(GIT, health_check=probe))
    assert allowed == POLICY.starting + timedelta(seconds=30)


def test_a_report_after_the_deadline_fails_the_release_instead() -> None:
    d = in_state(DeploymentState.BUILDING)
    assert d.deadline is not None
    late = d.deadline + timedelta(seconds=1)
    assert d.record_built("img", policy=POLICY, operation_id="b", actor=ACTOR, now=late) is False
    assert types(d) == ["Failed"] and d.state is DeploymentState.FAILED


@pytest.mark.parametrize(
    "state", [DeploymentState.HEALTHY, DeploymentState.FAILED, DeploymentState.SUPERSEDED]
)
def test_resting_and_final_states_never_expire(state: DeploymentState) -> None:
    d = in_state(state)
    assert d.expire(actor=ACTOR, now=at(10**6)) is False
    assert then(d) == []


def test_a_rollback_records_the_release_it_restores_and_skips_the_build() -> None:
    target = DeploymentId(uuid.uuid4())
    d = request(GIT, rollback_of=target, commit="abc1234")
    assert d.is_rollback and d.rollback_of == target
    assert d.history[0].reason == f"rollback to {target}"
    given(d)
    built(d)
    assert then(d)[0].reason == f"image of release {target} restored"


def test_history_replays_to_the_same_state() -> None:
    d = request()
    for step in (start_build, built, start_replicas, healthy, supersede):
        step(d)
    copy = replayed(d)
    assert copy.state is DeploymentState.SUPERSEDED and copy.image == "img:1"
    assert [h.state for h in copy.history] == [h.state for h in d.history]
    assert copy.operations == d.operations
