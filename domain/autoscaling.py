"""The autoscaler's decision, with the Kubernetes HPA's semantics (issue 16; PEERS.md §3).

Pure: every input (the replicas' readings per metric, the history of recommendations and of
scale events, the time) is given, and every evaluation returns an explanation of itself.

- per metric: ``desired = ceil(current * value / target)``, no change within the tolerance;
  replicas without a reading are set aside, then counted at 100 % of the target on a scale
  down and 0 on a scale up; for CPU, replicas not ready are set aside and counted at 0 on a
  scale up; a recomputed ratio that flips direction or falls within the tolerance changes
  nothing (``replica_calculator.go``);
- the maximum over metrics; when a metric has no readings and the rest suggest scaling
  down, nothing changes (scaling up still may);
- the stabilisation windows over the recommendations, the scale policies over the scale
  events, then the bounds (``horizontal.go``: ``normalizeDesiredReplicasWithBehaviors``);
- then the hourly budget: never past the replicas it pays for.

The policy's value objects and the algorithm stay in one module (longer than most) so the
rules read top to bottom in the order PEERS.md §3 gives them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import InvalidValueError

TOLERANCE = 0.1
"""No action while |ratio - 1| ≤ this (``--horizontal-pod-autoscaler-tolerance``)."""
EVALUATION_PERIOD = timedelta(seconds=15)
"""How often each policy is evaluated (``--horizontal-pod-autoscaler-sync-period``)."""
MAX_PERIOD_SECONDS = 1800
MAX_WINDOW_SECONDS = 3600
BUDGET_WARNING = 0.8
"""The share of the hourly budget at which "budget 80 % reached" is recorded."""
MAX_REPLICAS = 100
MIN_IDLE_TIMEOUT = 10
"""Seconds: the shortest idle timeout (the ingress's figures come every 10 s)."""
MAX_IDLE_TIMEOUT = 7 * 24 * 3600
_CUSTOM_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:")


class MetricKind(Enum):
    """What a target measures, per replica."""

    CPU = "cpu"
    """CPU used, in % of the replica's CPU request."""
    MEMORY = "memory"
    """Memory used, in % of the replica's memory request."""
    REQUESTS = "requests_per_second"
    """Requests per second a replica serves."""
    ERROR_RATE = "error_rate"
    """The share of a replica's answers that are 5xx, in %."""
    CUSTOM = "custom"
    """A metric the service exposes itself (Prometheus), averaged per replica."""


class PolicyKind(Enum):
    """How a scale policy limits a change: by replicas or by percent of the replicas."""

    PODS = "pods"
    PERCENT = "percent"


class SelectPolicy(Enum):
    """Which policy wins: the one allowing the largest change, the smallest, or none."""

    MAX = "max"
    MIN = "min"
    DISABLED = "disabled"


@dataclass(frozen=True)
class MetricTarget:
    """A target for one metric: the average per replica the autoscaler steers towards."""

    kind: MetricKind
    target: float
    name: str = ""
    """The custom metric's name (only for ``custom``)."""

    @property
    def key(self) -> str:
        """How the metric is named in readings and explanations."""
        return f"custom:{self.name}" if self.kind is MetricKind.CUSTOM else self.kind.value

    def check(self) -> MetricTarget:
        """Raise InvalidValueError for a zero, negative or impossible target."""
        if not math.isfinite(self.target) or self.target <= 0:
            raise InvalidValueError(
                "metrics.target",
                f"the {self.key} target must be above 0 (got {self.target:g})",
            )
        if self.kind is MetricKind.ERROR_RATE and self.target > 100:
            raise InvalidValueError(
                "metrics.target",
                f"an error rate is a percentage: 0 < target ≤ 100 (got {self.target:g})",
            )
        if self.kind is MetricKind.CUSTOM:
            if not self.name or len(self.name) > 200 or set(self.name) - _CUSTOM_NAME_CHARS:
                raise InvalidValueError(
                    "metrics.name",
                    "a custom metric needs its Prometheus name (letters, digits, '_' and ':')",
                )
        elif self.name:
            raise InvalidValueError("metrics.name", f"only a custom metric has a name ({self.key})")
        return self


@dataclass(frozen=True)
class ScalePolicy:
    """At most ``value`` replicas (pods) or percent of them changed per ``period_seconds``."""

    kind: PolicyKind
    value: int
    period_seconds: int

    def check(self, direction: str) -> ScalePolicy:
        """Raise InvalidValueError for a value or period out of range."""
        if self.value <= 0:
            raise InvalidValueError(f"{direction}.policies.value", "must be above 0")
        if not 0 < self.period_seconds <= MAX_PERIOD_SECONDS:
            raise InvalidValueError(
                f"{direction}.policies.period_seconds",
                f"must be from 1 to {MAX_PERIOD_SECONDS} seconds",
            )
        return self


@dataclass(frozen=True)
class ScalingRules:
    """How one direction of change is smoothed: a stabilisation window and rate policies."""

    stabilization_seconds: int
    policies: tuple[ScalePolicy, ...]
    select: SelectPolicy = SelectPolicy.MAX

    def check(self, direction: str) -> ScalingRules:
        """Raise InvalidValueError for a window out of range or no policy to select."""
        if not 0 <= self.stabilization_seconds <= MAX_WINDOW_SECONDS:
            raise InvalidValueError(
                f"{direction}.stabilization_seconds",
                f"must be from 0 to {MAX_WINDOW_SECONDS} seconds",
            )
        if not self.policies and self.select is not SelectPolicy.DISABLED:
            raise InvalidValueError(
                f"{direction}.policies",
                "give at least one policy, or select 'disabled' to never scale this way",
            )
        for policy in self.policies:
            policy.check(direction)
        return self


def default_scale_up() -> ScalingRules:
    """HPA's default: no window; 100 % or 4 replicas per 15 s, whichever is more."""
    return ScalingRules(
        0,
        (ScalePolicy(PolicyKind.PERCENT, 100, 15), ScalePolicy(PolicyKind.PODS, 4, 15)),
        SelectPolicy.MAX,
    )


def default_scale_down() -> ScalingRules:
    """HPA's default: a 300 s window; 100 % per 15 s."""
    return ScalingRules(300, (ScalePolicy(PolicyKind.PERCENT, 100, 15),), SelectPolicy.MAX)


@dataclass(frozen=True)
class Prices:
    """What a vCPU and a GB of memory cost per hour (the organisation's setting)."""

    vcpu_hour: float = 0.0
    gb_hour: float = 0.0

    def check(self) -> Prices:
        """Raise InvalidValueError for a negative or non-finite price."""
        for name, value in (("vcpu_hour", self.vcpu_hour), ("gb_hour", self.gb_hour)):
            if not math.isfinite(value) or value < 0:
                raise InvalidValueError(name, f"a price must be 0 or more (got {value:g})")
        return self

    def replica_cost(self, cpu_request_millis: int, memory_request_mb: int) -> float:
        """What one replica costs per hour, from its CPU and memory requests."""
        return cpu_request_millis / 1000 * self.vcpu_hour + memory_request_mb / 1024 * self.gb_hour


@dataclass(frozen=True)
class AutoscalingPolicy:
    """A service's autoscaling: bounds, targets, behaviour and an hourly budget."""

    min_replicas: int
    max_replicas: int
    metrics: tuple[MetricTarget, ...]
    scale_up: ScalingRules = field(default_factory=default_scale_up)
    scale_down: ScalingRules = field(default_factory=default_scale_down)
    hourly_budget: float | None = None
    idle_timeout_seconds: int | None = None
    """A web service that gets no request for this long scales to 0 (asleep); its next
    request wakes it (None: it never sleeps)."""

    def check(
        self,
        *,
        cpu_request_millis: int,
        memory_request_mb: int,
        prices: Prices,
    ) -> AutoscalingPolicy:
        """Raise InvalidValueError unless the policy can work for a service with these
        requests at these prices."""
        if self.min_replicas < 0:
            raise InvalidValueError("min_replicas", "must be 0 or more")
        if not 1 <= self.max_replicas <= MAX_REPLICAS:
            raise InvalidValueError("max_replicas", f"must be from 1 to {MAX_REPLICAS}")
        if self.min_replicas > self.max_replicas:
            raise InvalidValueError(
                "min_replicas",
                f"the minimum ({self.min_replicas}) is above the maximum ({self.max_replicas})",
            )
        self._check_idle()
        self._check_metrics(cpu_request_millis, memory_request_mb)
        self.scale_up.check("scale_up")
        self.scale_down.check("scale_down")
        self._check_budget(prices.replica_cost(cpu_request_millis, memory_request_mb))
        return self

    def _check_idle(self) -> None:
        idle = self.idle_timeout_seconds
        if idle is None:
            if self.min_replicas == 0:
                raise InvalidValueError(
                    "min_replicas",
                    "0 replicas means asleep: set an idle timeout too (the service sleeps after "
                    "that long without a request, and its next request wakes it)",
                )
            return
        if not MIN_IDLE_TIMEOUT <= idle <= MAX_IDLE_TIMEOUT:
            raise InvalidValueError(
                "idle_timeout_seconds",
                f"must be from {MIN_IDLE_TIMEOUT} to {MAX_IDLE_TIMEOUT} seconds",
            )
        if self.min_replicas != 0:
            raise InvalidValueError(
                "idle_timeout_seconds",
                f"an idle service scales to 0, below the minimum of {self.min_replicas}: set "
                "min_replicas to 0 with an idle timeout",
            )

    def _check_metrics(self, cpu_request_millis: int, memory_request_mb: int) -> None:
        if not self.metrics:
            raise InvalidValueError("metrics", "give at least one metric to scale on")
        keys = [m.check().key for m in self.metrics]
        if len(set(keys)) != len(keys):
            raise InvalidValueError("metrics", "each metric may have one target only")
        requests = {MetricKind.CPU: cpu_request_millis, MetricKind.MEMORY: memory_request_mb}
        for metric in self.metrics:
            if requests.get(metric.kind, 1) <= 0:
                raise InvalidValueError(
                    "metrics",
                    f"a {metric.kind.value} target is a percentage of the replica's "
                    f"{metric.kind.value} request, and the service requests none; set "
                    f"resources.{metric.kind.value}_request first",
                )

    def _check_budget(self, replica_cost: float) -> None:
        budget = self.hourly_budget
        if budget is None:
            return
        if not math.isfinite(budget) or budget <= 0:
            raise InvalidValueError("hourly_budget", "must be above 0 (leave it out for none)")
        if replica_cost <= 0:
            raise InvalidValueError(
                "hourly_budget",
                "a budget needs a replica cost: set prices per vCPU-hour and GB-hour for the "
                "organisation and CPU or memory requests for the service",
            )
        floor = replica_cost * self.min_replicas
        if budget < floor - 1e-9:
            raise InvalidValueError(
                "hourly_budget",
                f"{budget:g} per hour is below the cost of the minimum {self.min_replicas} "
                f"replicas ({floor:.4g} per hour at {replica_cost:.4g} each)",
            )

    def target(self, key: str) -> MetricTarget | None:
        """The target for a metric key, if the policy has one."""
        return next((m for m in self.metrics if m.key == key), None)


def check_project_budget(budget: float | None, floors: Mapping[str, float]) -> float | None:
    """Raise InvalidValueError unless a project's hourly budget is above 0 and pays for its
    services' minimum replicas; ``floors``: per service name, what its minimum costs per hour
    (an autoscaled service's minimum replicas, another's replicas)."""
    if budget is None:
        return None
    if not math.isfinite(budget) or budget <= 0:
        raise InvalidValueError("hourly_budget", "must be above 0 (leave it out for none)")
    floor = sum(floors.values())
    if budget < floor - 1e-9:
        named = ", ".join(f"{name} {cost:.4g}" for name, cost in sorted(floors.items()) if cost)
        raise InvalidValueError(
            "hourly_budget",
            f"{budget:g} per hour is below the cost of the project's services' minimum "
            f"replicas ({floor:.4g} per hour: {named})",
        )
    return budget


@dataclass(frozen=True)
class Reading:
    """One replica's value of one metric: whether it is ready, and the value or None
    when missing."""

    ready: bool
    value: float | None


@dataclass(frozen=True)
class Recommendation:
    """A replica count the metrics recommended at a time (the stabilisation history)."""

    at: datetime
    replicas: int


@dataclass(frozen=True)
class ScaleEvent:
    """A change the autoscaler made: ``previous`` → ``replicas`` at a time."""

    at: datetime
    previous: int
    replicas: int


@dataclass(frozen=True)
class MetricOutcome:
    """What one metric proposed, and why."""

    key: str
    target: float
    average: float | None
    """The raw average of the readings there were (what status reports)."""
    replicas: int | None
    """The proposal; None when the metric had no readings (unavailable)."""
    note: str = ""


@dataclass(frozen=True)
class Evaluation:
    """One evaluation: the inputs' outcomes, each step's result and the decision."""

    current: int
    metrics: tuple[MetricOutcome, ...]
    recommendation: int
    """The maximum over metrics (what is stored in the stabilisation history)."""
    stabilized: int
    desired: int
    """The replica count decided after stabilisation, policies, bounds and budget."""
    uncapped: int
    """The count before the budget cap."""
    capped_by_budget: bool
    hourly_cost: float
    """What ``desired`` replicas cost per hour."""
    budget: float | None
    explanation: str
    history: tuple[Recommendation, ...] = ()
    """The stabilisation history to keep for the next evaluation."""
    budget_scope: str = "service"
    """Which budget capped the count: ``service`` or ``project``."""
    project_budget: float | None = None
    project_cost: float = 0.0
    """What the project's other services cost per hour (``desired`` not included)."""

    @property
    def capping_budget(self) -> float | None:
        """The budget that capped the count (or would, for the record)."""
        return self.project_budget if self.budget_scope == "project" else self.budget

    @property
    def project_hourly_cost(self) -> float:
        """What the whole project costs per hour with ``desired`` replicas of this service."""
        return self.project_cost + self.hourly_cost

    @property
    def project_budget_warning(self) -> bool:
        """Whether the project costs at least 80 % of its budget with ``desired``."""
        return (
            self.project_budget is not None
            and self.project_hourly_cost >= BUDGET_WARNING * self.project_budget - 1e-9
        )

    @property
    def unavailable(self) -> tuple[str, ...]:
        """The metrics that had no readings."""
        return tuple(m.key for m in self.metrics if m.replicas is None)

    @property
    def budget_warning(self) -> bool:
        """Whether ``desired`` costs at least 80 % of the budget."""
        return self.budget is not None and self.hourly_cost >= BUDGET_WARNING * self.budget - 1e-9


_EPSILON = 1e-9
"""Float slack, so a ratio of exactly 1.1 (110/100 is 1.1000000000000000888) counts as within
the 0.1 tolerance, as the rule says."""


def _ratio_within(ratio: float, tolerance: float) -> bool:
    return abs(1.0 - ratio) <= tolerance + _EPSILON


def _usable(value: float | None) -> bool:
    """A reading to count: a finite amount of 0 or more (garbage counts as missing)."""
    return value is not None and math.isfinite(value) and value >= 0


def metric_replicas(
    current: int,
    readings: Sequence[Reading],
    target: float,
    *,
    cpu: bool,
    tolerance: float = TOLERANCE,
) -> tuple[int | None, float | None, str]:
    """One metric's proposal, HPA's ``calcPlainMetricReplicas``: (replicas or None when
    no replica had a reading, the raw average, a note on what was set aside)."""
    readings = [r if _usable(r.value) else Reading(r.ready, None) for r in readings]
    values = [r.value for r in readings if r.value is not None and (r.ready or not cpu)]
    unready = sum(1 for r in readings if cpu and not r.ready and r.value is not None)
    missing = sum(1 for r in readings if r.value is None)
    if not values:
        return None, None, "no readings"
    average = sum(values) / len(values)
    ratio = average / target
    scale_up_with_unready = unready > 0 and ratio > 1.0
    if not scale_up_with_unready and missing == 0:
        if _ratio_within(ratio, tolerance):
            return current, average, ""
        return math.ceil(ratio * len(values)), average, ""
    filled = list(values)
    notes = []
    if missing:
        if ratio < 1.0:
            filled += [target] * missing
            notes.append(f"{missing} without readings counted at the target")
        elif ratio > 1.0:
            filled += [0.0] * missing
            notes.append(f"{missing} without readings counted at 0")
    if scale_up_with_unready:
        filled += [0.0] * unready
        notes.append(f"{unready} not ready counted at 0")
    new_ratio = sum(filled) / len(filled) / target
    note = ", ".join(notes)
    flipped = (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio)
    if _ratio_within(new_ratio, tolerance) or flipped:
        return current, average, note
    proposal = math.ceil(new_ratio * len(filled))
    if (new_ratio < 1.0 and proposal > current) or (new_ratio > 1.0 and proposal < current):
        return current, average, note
    return proposal, average, note


def _change_in_period(events: Sequence[ScaleEvent], now: datetime, period: int, up: bool) -> int:
    cutoff = now - timedelta(seconds=period)
    return sum(
        abs(e.replicas - e.previous)
        for e in events
        if e.at > cutoff and (e.replicas > e.previous) == up and e.replicas != e.previous
    )


def _period_start(current: int, events: Sequence[ScaleEvent], now: datetime, period: int) -> int:
    added = _change_in_period(events, now, period, up=True)
    deleted = _change_in_period(events, now, period, up=False)
    return current - added + deleted


def scale_up_limit(
    current: int, events: Sequence[ScaleEvent], rules: ScalingRules, now: datetime
) -> int:
    """The most replicas the scale-up policies allow now
    (``calculateScaleUpLimitWithScalingRules``)."""
    if rules.select is SelectPolicy.DISABLED:
        return current
    proposals = []
    for policy in rules.policies:
        start = _period_start(current, events, now, policy.period_seconds)
        if policy.kind is PolicyKind.PODS:
            proposals.append(start + policy.value)
        else:
            proposals.append(math.ceil(start * (1 + policy.value / 100)))
    return max(proposals) if rules.select is SelectPolicy.MAX else min(proposals)


def scale_down_limit(
    current: int, events: Sequence[ScaleEvent], rules: ScalingRules, now: datetime
) -> int:
    """The fewest replicas the scale-down policies allow now
    (``calculateScaleDownLimitWithBehaviors``)."""
    if rules.select is SelectPolicy.DISABLED:
        return current
    proposals = []
    for policy in rules.policies:
        start = _period_start(current, events, now, policy.period_seconds)
        if policy.kind is PolicyKind.PODS:
            proposals.append(start - policy.value)
        else:
            proposals.append(int(start * (1 - policy.value / 100)))
    # Max selects the policy allowing the largest change: the lowest limit.
    return min(proposals) if rules.select is SelectPolicy.MAX else max(proposals)


def stabilize(
    current: int,
    recommendation: int,
    history: Sequence[Recommendation],
    policy: AutoscalingPolicy,
    now: datetime,
) -> tuple[int, int, int]:
    """(stabilised count, lowest recommendation in the up window, highest in the down
    window), HPA's ``stabilizeRecommendationWithBehaviors``."""
    up_cutoff = now - timedelta(seconds=policy.scale_up.stabilization_seconds)
    down_cutoff = now - timedelta(seconds=policy.scale_down.stabilization_seconds)
    up, down = recommendation, recommendation
    for past in history:
        if past.at > up_cutoff:
            up = min(up, past.replicas)
        if past.at > down_cutoff:
            down = max(down, past.replicas)
    stabilized = max(current, up)
    return min(stabilized, down), up, down


def start_history(
    policy: AutoscalingPolicy, current: int, now: datetime
) -> tuple[Recommendation, ...]:
    """The history a service's evaluations start from: the current count now when there is
    a scale-down window (``maybeInitScaleDownStabilizationWindow``), so a restart never
    scales down before a full window has passed."""
    if policy.scale_down.stabilization_seconds > 0:
        return (Recommendation(now, current),)
    return ()


@dataclass(frozen=True)
class Inputs:
    """Everything an evaluation reads."""

    now: datetime
    current: int
    readings: Mapping[str, Sequence[Reading]]
    """Per metric key, one reading per replica (a metric absent: no readings)."""
    history: Sequence[Recommendation] = ()
    events: Sequence[ScaleEvent] = ()
    replica_cost: float = 0.0
    """What one replica costs per hour (0: no budget can apply)."""
    project_budget: float | None = None
    """The project's hourly budget, shared by all its services (None: none)."""
    project_cost: float = 0.0
    """What the project's other services' replicas cost per hour now."""


def evaluate(policy: AutoscalingPolicy, inputs: Inputs) -> Evaluation:
    """Decide how many replicas the service should run now, and say why."""
    current = inputs.current
    words: list[str] = []
    outcomes = _outcomes(policy, inputs)
    words += [_say_metric(policy, o) for o in outcomes]
    history = tuple(inputs.history)
    if current > policy.max_replicas:
        recommendation = stabilized = uncapped = policy.max_replicas
        words.append(f"above the maximum: {policy.max_replicas}")
    elif current < policy.min_replicas and current > 0:
        recommendation = stabilized = uncapped = policy.min_replicas
        words.append(f"below the minimum: {policy.min_replicas}")
    elif current == 0:
        recommendation = stabilized = uncapped = 0
        words.append(
            "the service runs 0 replicas: scaling is off until something starts one "
            "(no replica, no readings)"
        )
    else:
        found, reason = _max_over_metrics(current, outcomes)
        if found is None:  # HPA: the evaluation fails; no recommendation is remembered
            recommendation = stabilized = uncapped = current
            words.append(reason)
        else:
            recommendation = found
            stabilized, uncapped, history = _normalize(policy, inputs, found, words)
    return _decided(policy, inputs, outcomes, words, history, recommendation, stabilized, uncapped)


def _normalize(
    policy: AutoscalingPolicy, inputs: Inputs, recommendation: int, words: list[str]
) -> tuple[int, int, tuple[Recommendation, ...]]:
    """HPA's ``normalizeDesiredReplicasWithBehaviors``: (stabilised, limited by policies and
    bounds, the history with this recommendation)."""
    current, now = inputs.current, inputs.now
    stabilized, up, down = stabilize(current, recommendation, inputs.history, policy, now)
    history = _remember(inputs.history, Recommendation(now, recommendation), policy, now)
    if stabilized != recommendation:
        words.append(_say_window(policy, recommendation, stabilized, up, down))
    limited = _limit(policy, current, stabilized, inputs.events, now, words)
    return stabilized, limited, history


def _decided(
    policy: AutoscalingPolicy,
    inputs: Inputs,
    outcomes: tuple[MetricOutcome, ...],
    words: list[str],
    history: tuple[Recommendation, ...],
    recommendation: int,
    stabilized: int,
    uncapped: int,
) -> Evaluation:
    """The evaluation, once the budget had its say."""
    current = inputs.current
    desired, capped = uncapped, False
    budget = policy.hourly_budget
    affordable, scope = affordable_replicas(policy, inputs)
    if affordable is not None and uncapped > affordable and uncapped > current:
        desired, capped = max(affordable, min(current, uncapped)), True
        if scope == "service":
            words.append(
                f"capped by budget at {desired} (an hour of {uncapped} would cost "
                f"{uncapped * inputs.replica_cost:.4g}, the budget is {budget:g})"
            )
        else:
            words.append(
                f"capped by the project budget at {desired} (an hour of {uncapped} would cost "
                f"{uncapped * inputs.replica_cost:.4g} beside the project's other services' "
                f"{inputs.project_cost:.4g}, the project budget is {inputs.project_budget:g})"
            )
    return Evaluation(
        current=current,
        metrics=outcomes,
        recommendation=recommendation,
        stabilized=stabilized,
        desired=desired,
        uncapped=uncapped,
        capped_by_budget=capped,
        hourly_cost=desired * inputs.replica_cost,
        budget=budget,
        explanation=_sentence(words, current, desired),
        history=history,
        budget_scope=scope,
        project_budget=inputs.project_budget,
        project_cost=inputs.project_cost,
    )


def affordable_replicas(policy: AutoscalingPolicy, inputs: Inputs) -> tuple[int | None, str]:
    """The most replicas the service's and the project's hourly budgets pay for (never below
    the minimum), and which budget is the tighter; None when no budget applies."""
    cost = inputs.replica_cost
    if cost <= 0:
        return None, "service"
    found: list[tuple[int, str]] = []
    if policy.hourly_budget is not None:
        found.append((math.floor(policy.hourly_budget / cost + 1e-9), "service"))
    if inputs.project_budget is not None:
        left = max(0.0, inputs.project_budget - inputs.project_cost)
        found.append((math.floor(left / cost + 1e-9), "project"))
    if not found:
        return None, "service"
    count, scope = min(found)
    return max(policy.min_replicas, count), scope


def _outcomes(policy: AutoscalingPolicy, inputs: Inputs) -> tuple[MetricOutcome, ...]:
    outcomes = []
    for metric in policy.metrics:
        replicas, average, note = metric_replicas(
            inputs.current,
            inputs.readings.get(metric.key, ()),
            metric.target,
            cpu=metric.kind is MetricKind.CPU,
        )
        outcomes.append(MetricOutcome(metric.key, metric.target, average, replicas, note))
    return tuple(outcomes)


def _max_over_metrics(current: int, outcomes: Sequence[MetricOutcome]) -> tuple[int | None, str]:
    """The highest proposal; None when every metric failed, or when one failed and the rest
    would scale down (HPA: never scale down on missing data)."""
    proposals = [o.replicas for o in outcomes if o.replicas is not None]
    if not proposals:
        return None, "no metric is available: nothing changes"
    highest = max(proposals)
    if len(proposals) < len(outcomes) and highest < current:
        return None, "a metric is unavailable and the rest would scale down: nothing changes"
    return highest, ""


def _remember(
    history: Sequence[Recommendation],
    new: Recommendation,
    policy: AutoscalingPolicy,
    now: datetime,
) -> tuple[Recommendation, ...]:
    """The history with ``new``, without what no window reaches any more."""
    longest = max(policy.scale_up.stabilization_seconds, policy.scale_down.stabilization_seconds)
    cutoff = now - timedelta(seconds=longest)
    return (*(r for r in history if r.at > cutoff), new)


def _limit(
    policy: AutoscalingPolicy,
    current: int,
    desired: int,
    events: Sequence[ScaleEvent],
    now: datetime,
    words: list[str],
) -> int:
    """HPA's ``convertDesiredReplicasWithBehaviorRate``: the policies' rate, then the bounds."""
    if desired > current:
        limit = max(scale_up_limit(current, events, policy.scale_up, now), current)
        if policy.max_replicas > limit and desired > limit:
            words.append(f"the scale-up policies allow {limit} now")
            return limit
        if desired > policy.max_replicas:
            words.append(f"held at the maximum of {policy.max_replicas}")
            return policy.max_replicas
    elif desired < current:
        limit = min(scale_down_limit(current, events, policy.scale_down, now), current)
        floor = max(policy.min_replicas, 1)  # only idleness puts a service to sleep
        if floor < limit and desired < limit:
            words.append(f"the scale-down policies allow {limit} now")
            return limit
        if desired < floor:
            words.append(f"held at the minimum of {floor}")
            return floor
    return desired


_UNITS = {
    "cpu": ("cpu", " % of request", " %"),
    "memory": ("memory", " % of request", " %"),
    "requests_per_second": ("requests", " req/s per replica", " req/s"),
    "error_rate": ("errors", " %", " %"),
}


def _say_metric(policy: AutoscalingPolicy, outcome: MetricOutcome) -> str:
    name = outcome.key.removeprefix("custom:")
    label, unit, target_unit = _UNITS.get(outcome.key, (name, " per replica", ""))
    if outcome.replicas is None or outcome.average is None:
        return f"{label}: metric unavailable"
    said = (
        f"{label} {outcome.average:.3g}{unit} vs target {outcome.target:g}{target_unit} "
        f"→ {outcome.replicas} replicas"
    )
    return f"{said} ({outcome.note})" if outcome.note else said


def _say_window(
    policy: AutoscalingPolicy, recommendation: int, stabilized: int, up: int, down: int
) -> str:
    if stabilized == down and recommendation < down:
        window = policy.scale_down.stabilization_seconds
        return f"within the {window} s stabilisation window the highest recommendation is {down}"
    window = policy.scale_up.stabilization_seconds
    return f"within the {window} s scale-up window the lowest recommendation is {up}"


def _sentence(words: Sequence[str], current: int, desired: int) -> str:
    verdict = f"{current} → {desired} replicas" if desired != current else f"stays at {current}"
    return "; ".join([*words, verdict])


WAKE_GRACE = timedelta(seconds=300)
"""After a wake, how long a service stays up whatever its requests (at least the time a
held request may wait: the start timeout)."""


def idle_reason(
    policy: AutoscalingPolicy,
    *,
    current: int,
    requests: Sequence[tuple[datetime, float]],
    now: datetime,
    awake_since: datetime | None,
    grace: timedelta = WAKE_GRACE,
) -> str | None:
    """Why the service should go to sleep now (scale to 0), or None when it should not.

    ``requests`` are its route's request rates (one point per step, oldest first) since
    ``now`` minus the idle timeout. It sleeps only when they cover the whole timeout and are
    all zero, and not within ``grace`` of the last time it woke or was scaled up from 0
    (``awake_since``): never while requests are held for it."""
    idle = policy.idle_timeout_seconds
    if idle is None or current <= 0 or policy.min_replicas > 0:
        return None
    if awake_since is not None and now - awake_since < max(grace, timedelta(seconds=idle)):
        return None
    if not requests:
        return None  # unmeasured is not idle: never sleep on missing data
    since = now - timedelta(seconds=idle)
    if requests[0][0] - since > timedelta(seconds=max(idle / 2, 10)):
        return None  # measured for part of the timeout only
    if any(value > 0 for _, value in requests):
        return None
    return f"no requests for {idle} s (the idle timeout): asleep at 0 replicas until a request"
