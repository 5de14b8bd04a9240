"""Alerting's domain (issue 17): rules' checks, the Prometheus lifecycle and ``for``
semantics, one open incident per rule and subject, what an incident owes the notifiers,
acknowledgements and silences."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from domain.alert_rule import AlertRule, RuleSettings
from domain.alerting import (
    AlertCondition,
    AlertEvent,
    AlertMetric,
    Comparator,
    ConditionKind,
    RuleScope,
    Severity,
    Step,
    next_step,
)
from domain.errors import InvalidTransitionError, InvalidValueError, RuleViolatedError
from domain.incident import Incident
from domain.silence import Silence, matches
from tests.unit.given import ACTOR, at, given, replayed, then, types

CPU_90_FOR_5M = AlertCondition(
    kind=ConditionKind.METRIC,
    metric=AlertMetric.CPU_PERCENT_OF_REQUEST,
    comparator=Comparator.GT,
    threshold=90,
    for_seconds=300,
)


def settings(condition: AlertCondition = CPU_90_FOR_5M, **changes: object) -> RuleSettings:
    values: dict[str, object] = {
        "name": "CPU high",
        "severity": Severity.CRITICAL,
        "enabled": True,
        "notifier_ids": None,
        "scope": RuleScope(),
        "condition": condition,
    }
    values.update(changes)
    return RuleSettings(**values)  # type: ignore[arg-type]


def rule(condition: AlertCondition = CPU_90_FOR_5M) -> AlertRule:
    return AlertRule.create(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        settings=settings(condition),
        actor=ACTOR,
        now=at(),
    )


def incident(minutes: float = 0) -> Incident:
    return Incident._create(
        Incident.Opened,
        id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        rule_id=uuid.uuid4(),
        rule_name="CPU high",
        severity=Severity.CRITICAL,
        subject="service:x",
        trigger="service:x",
        title="CPU high on web",
        labels={"service": "web"},
        project_id=None,
        environment_id=None,
        service_id=None,
        node_id=None,
        value=95.0,
        threshold=90.0,
        for_seconds=300,
        actor=ACTOR,
        timestamp=at(minutes),
    )


# The lifecycle, as Prometheus defines it


def test_a_condition_true_opens_a_pending_incident_when_the_rule_has_a_for() -> None:
    assert next_step(None, True, started_at=None, for_=timedelta(minutes=5), now=at()) == (
        Step.OPEN_PENDING
    )


def test_a_rule_without_for_fires_at_once() -> None:
    assert next_step(None, True, started_at=None, for_=timedelta(0), now=at()) == Step.OPEN_FIRING


def test_pending_fires_once_the_condition_held_for_the_whole_for() -> None:
    five = timedelta(minutes=5)
    assert next_step("pending", True, started_at=at(0), for_=five, now=at(4.9)) == Step.NOTHING
    assert next_step("pending", True, started_at=at(0), for_=five, now=at(5)) == Step.FIRE


def test_pending_whose_condition_stops_is_dropped_and_firing_is_resolved() -> None:
    five = timedelta(minutes=5)
    assert next_step("pending", False, started_at=at(0), for_=five, now=at(1)) == Step.DROP
    assert next_step("firing", False, started_at=at(0), for_=five, now=at(9)) == Step.RESOLVE


@hypothesis_given(
    status=st.sampled_from([None, "pending", "firing"]),
    minutes=st.floats(min_value=0, max_value=600),
    for_minutes=st.floats(min_value=0, max_value=60),
)
def test_unknown_data_never_changes_an_incident(
    status: str | None, minutes: float, for_minutes: float
) -> None:
    step = next_step(
        status, None, started_at=at(0), for_=timedelta(minutes=for_minutes), now=at(minutes)
    )
    assert step is Step.NOTHING


@hypothesis_given(
    holds=st.lists(st.booleans(), min_size=1, max_size=60),
    for_steps=st.integers(min_value=0, max_value=10),
)
def test_an_incident_fires_exactly_when_the_condition_held_for_the_for_without_a_gap(
    holds: list[bool], for_steps: int
) -> None:
    """Evaluated every 15 s: firing at step i iff the condition held at every step of the
    last ``for`` (and at i), counted from the start of the current run of true steps."""
    step_length = timedelta(seconds=15)
    for_ = step_length * for_steps
    status: str | None = None
    started = None
    for i, value in enumerate(holds):
        now = at() + step_length * i
        step = next_step(status, value, started_at=started, for_=for_, now=now)
        if step in (Step.OPEN_PENDING, Step.OPEN_FIRING):
            started = now
            status = "pending" if step is Step.OPEN_PENDING else "firing"
        elif step is Step.FIRE:
            status = "firing"
        elif step in (Step.DROP, Step.RESOLVE):
            status, started = None, None
        run = 0
        for earlier in reversed(holds[: i + 1]):
            if not earlier:
                break
            run += 1
        assert (status == "firing") == (run > 0 and run - 1 >= for_steps)


# Rules


def test_a_rule_records_its_checked_settings() -> None:
    created = replayed(rule())
    assert created.condition == CPU_90_FOR_5M
    assert created.condition.describe() == "CPU (% of request) > 90 for 300 s"
    assert created.severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("condition", "field"),
    [
        (
            AlertCondition(kind=ConditionKind.METRIC, comparator=Comparator.GT, threshold=1),
            "metric",
        ),
        (
            AlertCondition(
                kind=ConditionKind.METRIC,
                metric=AlertMetric.CPU_PERCENT_OF_REQUEST,
                comparator=Comparator.GT,
                threshold=-5,
            ),
            "threshold",
        ),
        (
            AlertCondition(
                kind=ConditionKind.METRIC,
                metric=AlertMetric.LATENCY_P95,
                comparator=Comparator.GT,
                threshold=float("nan"),
            ),
            "threshold",
        ),
        (
            AlertCondition(
                kind=ConditionKind.METRIC,
                metric=AlertMetric.REQUESTS_PER_SECOND,
                comparator=Comparator.GT,
                threshold=5,
                for_seconds=90_000,
            ),
            "for_seconds",
        ),
        (
            AlertCondition(
                kind=ConditionKind.METRIC,
                metric=AlertMetric.CUSTOM,
                custom_metric="no spaces allowed",
                comparator=Comparator.GT,
                threshold=5,
            ),
            "custom_metric",
        ),
        (AlertCondition(kind=ConditionKind.EVENT), "event"),
        (
            AlertCondition(
                kind=ConditionKind.EVENT, event=AlertEvent.DEPLOYMENT_FAILED, for_seconds=60
            ),
            "for_seconds",
        ),
        (
            AlertCondition(
                kind=ConditionKind.EVENT, event=AlertEvent.REPLICA_CRASH_LOOPING, count=1
            ),
            "count",
        ),
        (
            AlertCondition(
                kind=ConditionKind.EVENT,
                event=AlertEvent.BACKUP_FAILED,
                resolve_after_seconds=5,
            ),
            "resolve_after_seconds",
        ),
    ],
)
def test_bad_conditions_are_refused_naming_the_field(condition: AlertCondition, field: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        rule(condition)
    assert refused.value.field == field


def test_a_custom_metric_may_have_a_negative_threshold() -> None:
    custom = AlertCondition(
        kind=ConditionKind.METRIC,
        metric=AlertMetric.CUSTOM,
        custom_metric="queue_delta",
        comparator=Comparator.LT,
        threshold=-10,
    )
    assert rule(custom).condition.threshold == -10.0


def test_a_node_rule_takes_no_project_scope() -> None:
    node_down = AlertCondition(kind=ConditionKind.EVENT, event=AlertEvent.NODE_UNREACHABLE)
    with pytest.raises(InvalidValueError) as refused:
        settings(node_down, scope=RuleScope(project_id=uuid.uuid4())).checked()
    assert refused.value.field == "project_id"


def test_changing_a_rule_records_the_new_settings_and_nothing_when_the_same() -> None:
    r = given(rule())
    assert not r.change(settings(), actor=ACTOR, now=at(1))
    assert then(r) == []
    assert r.change(settings(name="CPU very high"), actor=ACTOR, now=at(2))
    assert types(r) == ["Changed"]
    assert r.name == "CPU very high"


def test_a_rule_keeps_one_open_incident_per_subject() -> None:
    r = given(rule())
    first = uuid.uuid4()
    assert r.may_open("service:a", "service:a")
    r.incident_opened("service:a", first, "service:a", actor=ACTOR, now=at(1))
    assert not r.may_open("service:a", "service:a")
    assert r.may_open("service:b", "service:b")
    with pytest.raises(RuleViolatedError):
        r.incident_opened("service:a", uuid.uuid4(), "service:a", actor=ACTOR, now=at(2))
    r.incident_closed("service:a", first, "service:a", timed_out=False, actor=ACTOR, now=at(3))
    assert r.may_open("service:a", "service:a")


def test_an_incident_resolved_by_timeout_does_not_reopen_for_the_same_trigger() -> None:
    r = given(rule(AlertCondition(kind=ConditionKind.EVENT, event=AlertEvent.DEPLOYMENT_FAILED)))
    opened = uuid.uuid4()
    r.incident_opened("s", opened, "deployment:1", actor=ACTOR, now=at(1))
    r.incident_closed("s", opened, "deployment:1", timed_out=True, actor=ACTOR, now=at(2))
    assert not r.may_open("s", "deployment:1")
    assert r.may_open("s", "deployment:2")


def test_a_deleted_rule_opens_nothing_and_refuses_changes() -> None:
    r = given(rule())
    r.delete(actor=ACTOR, now=at(1))
    assert not r.may_open("s", "s")
    with pytest.raises(RuleViolatedError):
        r.change(settings(name="again"), actor=ACTOR, now=at(2))


# Incidents


def test_an_incident_goes_pending_firing_resolved_and_owes_both_notifications() -> None:
    i = given(incident())
    assert i.owed() == []
    assert i.fire(97.0, None, actor=ACTOR, now=at(5))
    assert not i.fire(97.0, None, actor=ACTOR, now=at(6))  # a repeat changes nothing
    assert i.owed() == [f"{i.id}:firing"]
    i.notified_of(f"{i.id}:firing", actor=ACTOR, now=at(5))
    assert i.end(50.0, "the condition no longer holds", actor=ACTOR, now=at(9))
    assert not i.end(50.0, "again", actor=ACTOR, now=at(10))
    assert i.owed() == [f"{i.id}:resolved"]
    assert types(i) == ["Fired", "Notified", "Resolved"]


def test_a_pending_incident_that_stops_is_dropped_and_owes_nothing() -> None:
    i = given(incident())
    assert i.end(10.0, "the condition no longer holds", actor=ACTOR, now=at(2))
    assert types(i) == ["Dropped"]
    assert i.owed() == []
    with pytest.raises(InvalidTransitionError):
        i.fire(99.0, None, actor=ACTOR, now=at(3))


def test_a_silenced_incident_is_recorded_but_owes_no_notification() -> None:
    i = given(incident())
    i.fire(97.0, uuid.uuid4(), actor=ACTOR, now=at(5))
    i.end(10.0, "the condition no longer holds", actor=ACTOR, now=at(6))
    assert i.owed() == []
    with pytest.raises(InvalidTransitionError):
        i.notified_of(f"{i.id}:firing", actor=ACTOR, now=at(7))


def test_acknowledging_records_who_once() -> None:
    i = given(incident())
    i.fire(97.0, None, actor=ACTOR, now=at(5))
    assert i.acknowledge(actor=ACTOR, now=at(6))
    assert not i.acknowledge(actor=ACTOR, now=at(7))
    events = then(i)
    assert [type(e).__name__ for e in events] == ["Fired", "Acknowledged"]
    assert i.acknowledged_by == ACTOR


# Silences


def test_a_silence_needs_a_matcher_and_a_future_end() -> None:
    org = uuid.uuid4()
    with pytest.raises(InvalidValueError) as no_matcher:
        Silence.create(
            uuid.uuid4(), organization_id=org, rule_id=None, project_id=None, service_id=None,
            ends_at=at(60), comment="", actor=ACTOR, now=at(),
        )  # fmt: skip
    assert no_matcher.value.field == "rule_id"
    with pytest.raises(InvalidValueError) as past:
        Silence.create(
            uuid.uuid4(), organization_id=org, rule_id=uuid.uuid4(), project_id=None,
            service_id=None, ends_at=at(-1), comment="", actor=ACTOR, now=at(),
        )  # fmt: skip
    assert past.value.field == "ends_at"


def test_a_silence_matches_every_given_matcher_until_it_ends() -> None:
    rule_id, project, service = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def silences(*, rule: uuid.UUID | None, svc: uuid.UUID | None, minutes: float) -> bool:
        return matches(
            rule_id=rule, project_id=None, service_id=svc, ends_at=at(60),
            incident_rule=rule_id, incident_project=project, incident_service=service,
            now=at(minutes),
        )  # fmt: skip

    assert silences(rule=rule_id, svc=None, minutes=1)
    assert silences(rule=rule_id, svc=service, minutes=1)
    assert not silences(rule=rule_id, svc=uuid.uuid4(), minutes=1)
    assert not silences(rule=uuid.uuid4(), svc=None, minutes=1)
    assert not silences(rule=rule_id, svc=None, minutes=60)


def test_expiring_a_silence_ends_it_now_and_only_once() -> None:
    s = given(
        Silence.create(
            uuid.uuid4(),
            organization_id=uuid.uuid4(),
            rule_id=uuid.uuid4(),
            project_id=None,
            service_id=None,
            ends_at=at(60),
            comment="deploy window",
            actor=ACTOR,
            now=at(),
        )
    )
    s.expire(actor=ACTOR, now=at(10))
    assert s.ends_at == at(10)
    with pytest.raises(RuleViolatedError):
        s.expire(actor=ACTOR, now=at(11))
