"""Property tests: the autoscaler against the HPA rules of PEERS.md §3 on generated metric
histories (a run of evaluations 15 s apart, each fed the history the last one left)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.autoscaling import (
    AutoscalingPolicy,
    Evaluation,
    Inputs,
    MetricKind,
    MetricTarget,
    PolicyKind,
    Reading,
    Recommendation,
    ScaleEvent,
    ScalePolicy,
    ScalingRules,
    SelectPolicy,
    evaluate,
    metric_replicas,
    start_history,
)

START = datetime(2026, 12, 1, tzinfo=UTC)
STEP = timedelta(seconds=15)
CPU = MetricTarget(MetricKind.CPU, 60)
RPS = MetricTarget(MetricKind.REQUESTS, 20)

values = st.floats(min_value=0, max_value=400, allow_nan=False)
maybe = st.one_of(st.none(), values)


@st.composite
def policies(draw: st.DrawFn) -> AutoscalingPolicy:
    low = draw(st.integers(0, 5))
    high = draw(st.integers(low, 15))
    up = ScalingRules(
        draw(st.sampled_from([0, 30, 60])),
        (
            ScalePolicy(
                PolicyKind.PODS, draw(st.integers(1, 4)), draw(st.sampled_from([15, 45, 60]))
            ),
        ),
        SelectPolicy.MAX,
    )
    down = ScalingRules(
        draw(st.sampled_from([0, 60, 300])),
        (
            ScalePolicy(
                PolicyKind.PODS, draw(st.integers(1, 4)), draw(st.sampled_from([15, 45, 60]))
            ),
        ),
        SelectPolicy.MAX,
    )
    metrics = draw(st.sampled_from([(CPU,), (RPS,), (CPU, RPS)]))
    return AutoscalingPolicy(low, high, metrics, up, down)


@dataclass
class Step:
    now: datetime
    evaluation: Evaluation


def run(
    policy: AutoscalingPolicy, start: int, ticks: list[list[tuple[bool, float | None]]]
) -> list[Step]:
    """Evaluate a history: each tick gives (ready, value) per replica slot (the slots beyond
    the current count are not running)."""
    current, now = start, START
    history = start_history(policy, current, now)
    events: list[ScaleEvent] = []
    steps = []
    for tick in ticks:
        now += STEP
        readings = {m.key: tuple(Reading(r, v) for r, v in tick[:current]) for m in policy.metrics}
        e = evaluate(policy, Inputs(now, current, readings, history=history, events=tuple(events)))
        steps.append(Step(now, e))
        history = e.history
        if e.desired != current:
            events.append(ScaleEvent(now, current, e.desired))
            current = e.desired
    return steps


tick_lists = st.lists(
    st.lists(st.tuples(st.booleans(), maybe), min_size=15, max_size=15), min_size=1, max_size=40
)


@settings(max_examples=100, deadline=None)
@given(policies(), st.integers(1, 15), tick_lists)
def test_bounds_are_always_respected(policy: AutoscalingPolicy, start: int, ticks: list) -> None:  # type: ignore[type-arg]
    for step in run(policy, start, ticks):
        e = step.evaluation
        if policy.min_replicas <= e.current <= policy.max_replicas:
            assert policy.min_replicas <= e.desired <= policy.max_replicas
        else:  # out of bounds: straight back to the nearest bound
            assert e.desired == min(max(e.current, policy.min_replicas), policy.max_replicas)


@settings(max_examples=100, deadline=None)
@given(policies(), st.integers(1, 15), tick_lists)
def test_scale_down_never_goes_below_the_highest_recommendation_in_the_window(
    policy: AutoscalingPolicy,
    start: int,
    ticks: list,  # type: ignore[type-arg]
) -> None:
    window = timedelta(seconds=policy.scale_down.stabilization_seconds)
    seen: list[tuple[datetime, int]] = [(START, start)] if window else []
    for step in run(policy, start, ticks):
        e = step.evaluation
        if not policy.min_replicas <= e.current <= policy.max_replicas:
            continue
        if e.history and e.history[-1].at == step.now:  # remembered (not a failed evaluation)
            seen.append((step.now, e.recommendation))
        if e.desired < e.current:
            highest = max(r for t, r in seen if t > step.now - window or t == step.now)
            assert e.desired >= min(highest, e.current)
            assert e.desired >= policy.min_replicas


@settings(max_examples=100, deadline=None)
@given(policies(), st.integers(1, 15), tick_lists)
def test_policies_limit_the_net_change_per_period(
    policy: AutoscalingPolicy,
    start: int,
    ticks: list,  # type: ignore[type-arg]
) -> None:
    steps = run(policy, start, ticks)
    changes = [(s.now, s.evaluation.desired - s.evaluation.current) for s in steps]
    (up,) = policy.scale_up.policies
    (down,) = policy.scale_down.policies
    for step in steps:
        e, now = step.evaluation, step.now
        if not policy.min_replicas <= e.current <= policy.max_replicas:
            continue  # back into bounds at once, as HPA does

        def net(period: int, now: datetime = now) -> int:
            return sum(d for t, d in changes if now - timedelta(seconds=period) < t <= now)

        if e.desired > e.current:
            assert net(up.period_seconds) <= up.value
        if e.desired < e.current:
            assert -net(down.period_seconds) <= down.value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), maybe), min_size=1, max_size=20),
    st.floats(min_value=1, max_value=200),
    st.booleans(),
)
def test_missing_readings_never_scale_down_beyond_what_readings_at_target_would(
    slots: list[tuple[bool, float | None]], target: float, cpu: bool
) -> None:
    current = len(slots)  # one reading (or none) per running replica
    readings = [Reading(r, v) for r, v in slots]
    proposal, _, _ = metric_replicas(current, readings, target, cpu=cpu)
    if proposal is None:
        return
    at_target = [Reading(r, target if v is None else v) for r, v in slots]
    full, _, _ = metric_replicas(current, at_target, target, cpu=cpu)
    assert full is not None
    if proposal < current:
        assert proposal >= full
    present = [v for r, v in slots if v is not None and (r or not cpu)]
    if present and min(present) >= target:
        assert proposal >= current


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 20),
    st.floats(min_value=0.5, max_value=500),
    st.floats(min_value=1, max_value=100),
)
def test_within_the_tolerance_band_nothing_changes(
    current: int, target: float, spread: float
) -> None:
    ratio = 1 + (spread / 100 - 0.5) * 0.2  # 0.9 .. 1.1
    readings = [Reading(True, target * ratio)] * current
    assert metric_replicas(current, readings, target, cpu=True)[0] == current
    outside = 1.1 + spread / 100
    bigger, _, _ = metric_replicas(
        current, [Reading(True, target * outside)] * current, target, cpu=True
    )
    exact = current * outside  # ceil(current x value / target), give or take float noise
    assert bigger in (math.ceil(exact - 1e-9), math.ceil(exact + 1e-9))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 15),
    st.lists(values, min_size=15, max_size=15),
    st.lists(values, min_size=15, max_size=15),
)
def test_the_recommendation_is_the_maximum_over_metrics(
    current: int, cpu: list[float], rps: list[float]
) -> None:
    policy = AutoscalingPolicy(1, 100, (CPU, RPS))
    readings = {
        "cpu": tuple(Reading(True, v) for v in cpu[:current]),
        "requests_per_second": tuple(Reading(True, v) for v in rps[:current]),
    }
    e = evaluate(policy, Inputs(START, current, readings))
    each = [
        metric_replicas(current, readings[m.key], m.target, cpu=m.kind is MetricKind.CPU)[0]
        for m in policy.metrics
    ]
    assert e.recommendation == max(r for r in each if r is not None)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 15), st.lists(values, min_size=15, max_size=15))
def test_an_unavailable_metric_never_lets_the_others_scale_down(
    current: int, cpu: list[float]
) -> None:
    policy = AutoscalingPolicy(
        1, 100, (CPU, RPS), scale_down=ScalingRules(0, (ScalePolicy(PolicyKind.PERCENT, 100, 15),))
    )
    readings = {"cpu": tuple(Reading(True, v) for v in cpu[:current])}
    e = evaluate(
        policy, Inputs(START, current, readings, history=(Recommendation(START, current),))
    )
    assert e.desired >= current
