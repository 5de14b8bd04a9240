"""The autoscaler's decision, rule by rule, with the numbers of PEERS.md §3 (Kubernetes HPA)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.autoscaling import (
    AutoscalingPolicy,
    Inputs,
    MetricKind,
    MetricTarget,
    PolicyKind,
    Prices,
    Reading,
    Recommendation,
    ScaleEvent,
    ScalePolicy,
    ScalingRules,
    SelectPolicy,
    default_scale_down,
    default_scale_up,
    evaluate,
    metric_replicas,
    start_history,
)
from domain.errors import InvalidValueError
from domain.service_autoscaling import Decision
from projections.history import summarize

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CPU60 = MetricTarget(MetricKind.CPU, 60)


def ready(*values: float | None) -> tuple[Reading, ...]:
    return tuple(Reading(True, v) for v in values)


def policy(**kw: object) -> AutoscalingPolicy:
    base: dict[str, object] = {"min_replicas": 1, "max_replicas": 20, "metrics": (CPU60,)}
    return AutoscalingPolicy(**{**base, **kw})  # type: ignore[arg-type]


def at(seconds_ago: int) -> datetime:
    return NOW - timedelta(seconds=seconds_ago)


# The formula and the tolerance


def test_desired_is_ceil_of_current_times_metric_over_target() -> None:
    # PEERS §3: desiredReplicas = ceil(currentReplicas x currentMetricValue / desiredMetricValue)
    assert metric_replicas(1, ready(200), 100, cpu=False)[0] == 2  # 200m vs 100m: double
    assert metric_replicas(4, ready(50, 50, 50, 50), 100, cpu=False)[0] == 2  # halve
    assert metric_replicas(3, ready(83, 83, 83), 60, cpu=True)[0] == 5  # ceil(3 x 1.383)


def test_no_change_within_the_tolerance_of_0_1() -> None:
    assert metric_replicas(5, ready(*[110] * 5), 100, cpu=False)[0] == 5  # ratio 1.1
    assert metric_replicas(5, ready(*[90] * 5), 100, cpu=False)[0] == 5  # ratio 0.9
    assert metric_replicas(5, ready(*[111] * 5), 100, cpu=False)[0] == 6  # ratio 1.11


# Replicas without readings, and not ready


def test_missing_readings_count_at_the_target_on_a_scale_down() -> None:
    # 2 of 4 replicas at 20 % of a 60 % target; 2 without readings count at 60 %:
    # (20 + 20 + 60 + 60) / 4 / 60 = 0.667 → ceil(0.667 x 4) = 3, not ceil(0.333 x 2) = 1
    readings = ready(20, 20, None, None)
    assert metric_replicas(4, readings, 60, cpu=True)[0] == 3


def test_missing_readings_count_at_zero_on_a_scale_up() -> None:
    # (120 + 120 + 0 + 0) / 4 / 60 = 1.0: within the tolerance, so nothing changes
    assert metric_replicas(4, ready(120, 120, None, None), 60, cpu=True)[0] == 4
    # (180 + 180 + 0 + 0) / 4 / 60 = 1.5 → 6
    assert metric_replicas(4, ready(180, 180, None, None), 60, cpu=True)[0] == 6


def test_a_recomputed_ratio_that_flips_direction_changes_nothing() -> None:
    # raw: 30/60 = 0.5 (down); with 3 missing at 60 %: (30 + 180) / 4 / 60 = 0.875 (still
    # down, outside the tolerance) → ceil(0.875 x 4) = 4 = current
    assert metric_replicas(4, ready(30, None, None, None), 60, cpu=True)[0] == 4
    # raw 66/60 = 1.1 within tolerance on the fast path only without missing readings;
    # 1 missing, ratio > 1 → counted 0: (66) / 2 / 60 = 0.55 flips to down → no change
    assert metric_replicas(2, ready(66, None), 60, cpu=True)[0] == 2


def test_cpu_of_replicas_not_ready_counts_at_zero_on_a_scale_up() -> None:
    readings = (Reading(True, 180), Reading(True, 180), Reading(False, 500), Reading(False, 500))
    # ready average 180/60 = 3 (up); not-ready counted at 0: 360 / 4 / 60 = 1.5 → 6
    assert metric_replicas(4, readings, 60, cpu=True)[0] == 6
    # for other metrics readiness does not set a replica aside
    assert metric_replicas(4, readings, 60, cpu=False)[0] == 23


def test_no_readings_at_all_makes_the_metric_unavailable() -> None:
    assert metric_replicas(3, ready(None, None, None), 60, cpu=True)[0] is None
    assert metric_replicas(3, (), 60, cpu=True)[0] is None


# Many metrics


def test_the_maximum_over_metrics_wins() -> None:
    p = policy(metrics=(CPU60, MetricTarget(MetricKind.REQUESTS, 10)))
    e = evaluate(p, Inputs(NOW, 2, {"cpu": ready(30, 30), "requests_per_second": ready(40, 40)}))
    assert [m.replicas for m in e.metrics] == [1, 8]
    assert e.recommendation == 8


def test_an_unavailable_metric_blocks_a_scale_down_but_not_a_scale_up() -> None:
    p = policy(metrics=(CPU60, MetricTarget(MetricKind.CUSTOM, 5, "queue_depth")))
    down = evaluate(p, Inputs(NOW, 4, {"cpu": ready(10, 10, 10, 10)}))
    assert down.recommendation == 4 and down.desired == 4
    assert down.unavailable == ("custom:queue_depth",)
    up = evaluate(p, Inputs(NOW, 4, {"cpu": ready(120, 120, 120, 120)}))
    assert up.desired == 8


# Stabilisation


def test_a_scale_down_takes_the_highest_recommendation_of_the_300_s_window() -> None:
    p = policy()
    history = (Recommendation(at(200), 5), Recommendation(at(100), 3))
    e = evaluate(p, Inputs(NOW, 6, {"cpu": ready(*[25] * 6)}, history=history))
    assert e.recommendation == 3
    assert e.desired == 5
    assert "within the 300 s stabilisation window the highest recommendation is 5" in (
        e.explanation
    )


def test_a_recommendation_older_than_the_window_no_longer_holds() -> None:
    e = evaluate(policy(), Inputs(NOW, 6, {"cpu": ready(*[25] * 6)}, history=(
        Recommendation(at(300), 6),
    )))  # fmt: skip
    assert e.desired == 3


def test_the_explanation_reads_as_the_issue_shows() -> None:
    e = evaluate(policy(), Inputs(NOW, 3, {"cpu": ready(83, 83, 83)}))
    assert e.explanation.startswith("cpu 83 % of request vs target 60 % → 5 replicas")
    assert e.explanation.endswith("3 → 5 replicas")


def test_a_fresh_history_holds_the_current_count_for_the_window() -> None:
    history = start_history(policy(), 6, at(10))
    e = evaluate(policy(), Inputs(NOW, 6, {"cpu": ready(*[10] * 6)}, history=history))
    assert e.desired == 6
    assert (
        start_history(policy(scale_down=ScalingRules(0, default_scale_down().policies)), 6, NOW)
        == ()
    )


def test_scale_up_window_takes_the_lowest_recommendation() -> None:
    p = policy(scale_up=ScalingRules(60, default_scale_up().policies))
    history = (Recommendation(at(30), 4),)
    e = evaluate(p, Inputs(NOW, 3, {"cpu": ready(120, 120, 120)}, history=history))
    assert e.recommendation == 6 and e.desired == 4


# Policies


def test_default_scale_up_allows_double_or_4_more_per_15_s() -> None:
    p = policy(max_replicas=100)
    e = evaluate(p, Inputs(NOW, 2, {"cpu": ready(600, 600)}))  # ratio 10 → 20
    assert e.desired == 6  # max(ceil(2 x 2) = 4, 2 + 4 = 6)
    e = evaluate(p, Inputs(NOW, 10, {"cpu": ready(*[600] * 10)}))  # → 100
    assert e.desired == 20  # max(20, 14)


def test_changes_already_made_in_the_period_count_against_the_policy() -> None:
    p = policy(
        max_replicas=100,
        scale_up=ScalingRules(0, (ScalePolicy(PolicyKind.PODS, 4, 60),), SelectPolicy.MAX),
    )
    events = (ScaleEvent(at(30), 2, 5),)  # 3 added within the 60 s period: starts at 2
    e = evaluate(p, Inputs(NOW, 5, {"cpu": ready(*[600] * 5)}, events=events))
    assert e.desired == 6


def test_select_min_takes_the_policy_allowing_the_least_change() -> None:
    rules = ScalingRules(0, default_scale_up().policies, SelectPolicy.MIN)
    e = evaluate(
        policy(max_replicas=100, scale_up=rules), Inputs(NOW, 10, {"cpu": ready(*[600] * 10)})
    )
    assert e.desired == 14


def test_select_disabled_never_scales_that_way() -> None:
    rules = ScalingRules(0, (), SelectPolicy.DISABLED)
    e = evaluate(policy(scale_down=rules), Inputs(NOW, 6, {"cpu": ready(*[6] * 6)}))
    assert e.desired == 6


def test_scale_down_percent_rounds_down_per_period() -> None:
    rules = ScalingRules(0, (ScalePolicy(PolicyKind.PERCENT, 50, 60),))
    e = evaluate(policy(scale_down=rules), Inputs(NOW, 5, {"cpu": ready(*[6] * 5)}))
    assert e.desired == 2  # int(5 x 0.5)


# Bounds


def test_bounds_hold_the_count_between_min_and_max() -> None:
    p = policy(
        min_replicas=2, max_replicas=4, scale_down=ScalingRules(0, default_scale_down().policies)
    )
    assert evaluate(p, Inputs(NOW, 3, {"cpu": ready(600, 600, 600)})).desired == 4
    assert evaluate(p, Inputs(NOW, 3, {"cpu": ready(1, 1, 1)})).desired == 2
    assert evaluate(p, Inputs(NOW, 7, {"cpu": ready(*[60] * 7)})).desired == 4
    assert evaluate(p, Inputs(NOW, 1, {"cpu": ready(60)})).desired == 2


def test_at_zero_replicas_nothing_scales() -> None:
    assert evaluate(policy(min_replicas=0), Inputs(NOW, 0, {})).desired == 0
    assert evaluate(policy(min_replicas=2), Inputs(NOW, 0, {})).desired == 0


# Budget


def test_the_budget_caps_the_count_and_says_so() -> None:
    p = policy(max_replicas=50, hourly_budget=1.0)
    cost = Prices(vcpu_hour=0.04, gb_hour=0.01).replica_cost(2000, 2048)  # 0.1 per hour
    e = evaluate(p, Inputs(NOW, 8, {"cpu": ready(*[120] * 8)}, replica_cost=cost))
    assert e.uncapped == 16 and e.desired == 10 and e.capped_by_budget
    assert "capped by budget at 10" in e.explanation
    assert e.budget_warning


def test_the_budget_warning_starts_at_80_percent() -> None:
    p = policy(max_replicas=50, hourly_budget=1.0)
    below = evaluate(p, Inputs(NOW, 7, {"cpu": ready(*[60] * 7)}, replica_cost=0.1))
    at80 = evaluate(p, Inputs(NOW, 8, {"cpu": ready(*[60] * 8)}, replica_cost=0.1))
    assert not below.budget_warning and at80.budget_warning and not at80.capped_by_budget


# Validation


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_replicas": 5, "max_replicas": 3}, "min_replicas"),
        ({"min_replicas": -1}, "min_replicas"),
        ({"max_replicas": 0}, "max_replicas"),
        ({"metrics": ()}, "metrics"),
        ({"metrics": (MetricTarget(MetricKind.CPU, 0),)}, "metrics.target"),
        ({"metrics": (MetricTarget(MetricKind.REQUESTS, -3),)}, "metrics.target"),
        ({"metrics": (MetricTarget(MetricKind.CUSTOM, 3),)}, "metrics.name"),
        ({"metrics": (CPU60, CPU60)}, "metrics"),
        (
            {"scale_up": ScalingRules(0, (ScalePolicy(PolicyKind.PODS, 1, 3600),))},
            "scale_up.policies.period_seconds",
        ),
        ({"hourly_budget": 0.05, "min_replicas": 1}, "hourly_budget"),
        ({"hourly_budget": -1.0}, "hourly_budget"),
    ],
)
def test_bad_policies_are_refused_with_the_field_at_fault(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValueError) as e:
        policy(**changes).check(
            cpu_request_millis=1000, memory_request_mb=1024, prices=Prices(0.1, 0.0)
        )
    assert e.value.field == field


def test_cpu_targets_need_a_cpu_request() -> None:
    with pytest.raises(InvalidValueError, match="requests none"):
        policy().check(cpu_request_millis=0, memory_request_mb=512, prices=Prices())
    p = policy(metrics=(MetricTarget(MetricKind.REQUESTS, 50),))
    assert p.check(cpu_request_millis=0, memory_request_mb=0, prices=Prices()) is p


def test_a_failed_evaluation_remembers_no_recommendation() -> None:
    p = policy(metrics=(CPU60, MetricTarget(MetricKind.CUSTOM, 5, "queue_depth")))
    history = (Recommendation(at(100), 4),)
    e = evaluate(p, Inputs(NOW, 4, {"cpu": ready(10, 10, 10, 10)}, history=history))
    assert e.desired == 4 and e.history == history
    assert "a metric is unavailable and the rest would scale down" in e.explanation


def test_the_audit_timeline_says_why_the_autoscaler_scaled() -> None:
    decision = Decision(NOW, 3, 5, 5, "cpu 83 % of request vs target 60 % → 5 replicas", False, 0)
    assert summarize("ServiceAutoscaling", "Scaled", {"decision": decision}) == (
        "autoscaler scaled: cpu 83 % of request vs target 60 % → 5 replicas"
    )


def test_garbage_readings_count_as_missing() -> None:
    nan, inf = float("nan"), float("inf")
    assert metric_replicas(3, ready(nan, inf, -5), 60, cpu=False)[0] is None
    # 2 garbage of 4 at 20 % of 60 %: counted at the target on a scale down, as missing ones
    assert metric_replicas(4, ready(20, 20, nan, -1), 60, cpu=True)[0] == 3
