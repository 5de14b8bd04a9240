"""Alerting's vocabulary and its pure policies (issue 17): what a rule watches, how a
condition compares, and the Prometheus-style lifecycle of an incident (pending while the
condition holds for less than the rule's ``for``, firing after, resolved when it stops)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from uuid import UUID

from domain.errors import InvalidValueError

MAX_FOR = timedelta(hours=24)
"""The longest ``for`` a metric rule may wait (longer is a report, not an alert)."""
MIN_RESOLVE_AFTER = timedelta(minutes=1)
MAX_RESOLVE_AFTER = timedelta(days=7)
DEFAULT_RESOLVE_AFTER = timedelta(hours=24)
"""An event incident whose subject never recovers resolves by itself after this long."""
MAX_CRASH_COUNT = 1000
MAX_CRASH_WINDOW = timedelta(hours=24)
_CUSTOM_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$")


class Severity(Enum):
    """How urgent an alert is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Comparator(Enum):
    """How a measured value is compared with a rule's threshold."""

    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="

    def holds(self, value: float, threshold: float) -> bool:
        """Whether ``value <comparator> threshold``."""
        if self is Comparator.GT:
            return value > threshold
        if self is Comparator.GE:
            return value >= threshold
        if self is Comparator.LT:
            return value < threshold
        return value <= threshold


class AlertMetric(Enum):
    """A measurement a metric rule can watch (read from the time-series store)."""

    CPU_PERCENT_OF_REQUEST = "cpu_percent_of_request"
    MEMORY_PERCENT_OF_REQUEST = "memory_percent_of_request"
    MEMORY_PERCENT_OF_LIMIT = "memory_percent_of_limit"
    REQUESTS_PER_SECOND = "requests_per_second"
    ERROR_PERCENT = "error_percent"
    """Responses with a 5xx status, in % of all responses of the route."""
    LATENCY_P95 = "latency_p95_seconds"
    NODE_CPU_PERCENT = "node_cpu_percent"
    NODE_MEMORY_PERCENT = "node_memory_percent"
    CUSTOM = "custom"
    """An application's own metric, by its name."""

    @property
    def of_nodes(self) -> bool:
        """Whether the metric measures nodes (not services)."""
        return self in (AlertMetric.NODE_CPU_PERCENT, AlertMetric.NODE_MEMORY_PERCENT)

    @property
    def percent(self) -> bool:
        """Whether the metric is a percentage (its threshold is 0-100 or a bit above)."""
        return self.value.endswith("percent") or "_percent_" in self.value

    @property
    def label(self) -> str:
        """The metric in words, for titles."""
        return _METRIC_WORDS[self]


_METRIC_WORDS = {
    AlertMetric.CPU_PERCENT_OF_REQUEST: "CPU (% of request)",
    AlertMetric.MEMORY_PERCENT_OF_REQUEST: "memory (% of request)",
    AlertMetric.MEMORY_PERCENT_OF_LIMIT: "memory (% of limit)",
    AlertMetric.REQUESTS_PER_SECOND: "requests per second",
    AlertMetric.ERROR_PERCENT: "5xx responses (%)",
    AlertMetric.LATENCY_P95: "latency p95 (s)",
    AlertMetric.NODE_CPU_PERCENT: "node CPU (%)",
    AlertMetric.NODE_MEMORY_PERCENT: "node memory (%)",
    AlertMetric.CUSTOM: "custom metric",
}


class AlertEvent(Enum):
    """Something that happened to a subject that an event rule watches."""

    DEPLOYMENT_FAILED = "deployment_failed"
    """A service's latest release in an environment failed (resolved by a healthy one)."""
    REPLICA_CRASH_LOOPING = "replica_crash_looping"
    """A replica of a live release was lost ``count`` times within ``window``, or the
    reconciler found it crash looping (its restarts backing off)."""
    REPLICA_UNHEALTHY = "replica_unhealthy"
    """A replica of a live release fails its readiness or liveness check, is lost or crash
    loops (the continuous health checks), for ``for_seconds``; resolved when all pass."""
    NODE_UNREACHABLE = "node_unreachable"
    BACKUP_FAILED = "backup_failed"
    """A database's latest backup failed or could not be verified (resolved by a verified one)."""
    BUDGET_WARNING = "budget_warning"
    """The autoscaler's replicas cost 80 % of the service's hourly budget or more."""

    @property
    def of_nodes(self) -> bool:
        """Whether the event is about nodes (not services)."""
        return self is AlertEvent.NODE_UNREACHABLE


class ConditionKind(Enum):
    """Whether a rule watches a measurement or an event."""

    METRIC = "metric"
    EVENT = "event"


@dataclass(frozen=True, kw_only=True)
class AlertCondition:
    """What makes a rule's incident: a metric crossing a threshold for a while, or an event."""

    kind: ConditionKind
    metric: AlertMetric | None = None
    custom_metric: str | None = None
    comparator: Comparator | None = None
    threshold: float | None = None
    for_seconds: int = 0
    event: AlertEvent | None = None
    count: int | None = None
    """Crash looping: how many losses of one replica make a loop."""
    window_seconds: int | None = None
    """Crash looping: within how long."""
    resolve_after_seconds: int | None = None
    """Events: when an incident whose subject does not recover resolves by itself."""

    def checked(self) -> AlertCondition:
        """The condition with its values checked; InvalidValueError naming the bad field."""
        if self.kind is ConditionKind.METRIC:
            return self._checked_metric()
        return self._checked_event()

    @property
    def of_nodes(self) -> bool:
        """Whether the rule's subjects are nodes."""
        if self.metric is not None:
            return self.metric.of_nodes
        return self.event is not None and self.event.of_nodes

    @property
    def for_(self) -> timedelta:
        """How long the condition must hold before an incident fires."""
        return timedelta(seconds=self.for_seconds)

    def describe(self) -> str:
        """The condition in words, e.g. ``CPU (% of request) > 90 for 300 s``."""
        if self.kind is ConditionKind.EVENT:
            assert self.event is not None
            if self.event is AlertEvent.REPLICA_CRASH_LOOPING:
                return f"replica lost {self.count} times within {self.window_seconds} s"
            text = str(self.event.value).replace("_", " ")
            return f"{text} for {self.for_seconds} s" if self.for_seconds else text
        assert self.metric is not None
        assert self.comparator is not None
        what = self.custom_metric if self.metric is AlertMetric.CUSTOM else self.metric.label
        text = f"{what} {self.comparator.value} {self.threshold:g}"
        return f"{text} for {self.for_seconds} s" if self.for_seconds else text

    def _checked_metric(self) -> AlertCondition:
        if self.metric is None:
            raise InvalidValueError("metric", "a metric rule names the metric it watches")
        if self.event is not None or self.count is not None or self.window_seconds is not None:
            raise InvalidValueError("event", "a metric rule takes no event settings")
        custom = None
        if self.metric is AlertMetric.CUSTOM:
            custom = (self.custom_metric or "").strip()
            if not _CUSTOM_NAME.match(custom):
                raise InvalidValueError(
                    "custom_metric",
                    "must be the metric's name as the app exposes it (letters, digits, _ and :)",
                )
        elif self.custom_metric is not None:
            raise InvalidValueError("custom_metric", "only a custom metric rule names one")
        if self.comparator is None:
            raise InvalidValueError("comparator", "must be one of > >= < <=")
        threshold = check_threshold(self.metric, self.threshold)
        if not 0 <= self.for_seconds <= MAX_FOR.total_seconds():
            raise InvalidValueError(
                "for_seconds", f"must be 0 to {int(MAX_FOR.total_seconds())} seconds"
            )
        return AlertCondition(
            kind=self.kind,
            metric=self.metric,
            custom_metric=custom,
            comparator=self.comparator,
            threshold=threshold,
            for_seconds=self.for_seconds,
            resolve_after_seconds=None,
        )

    def _checked_event(self) -> AlertCondition:
        if self.event is None:
            raise InvalidValueError("event", "an event rule names the event it watches")
        if self.metric is not None or self.comparator is not None or self.threshold is not None:
            raise InvalidValueError("metric", "an event rule takes no metric or threshold")
        for_seconds = 0
        if self.event is AlertEvent.REPLICA_UNHEALTHY:
            for_seconds = self.for_seconds
            if not 0 <= for_seconds <= MAX_FOR.total_seconds():
                raise InvalidValueError(
                    "for_seconds", f"must be 0 to {int(MAX_FOR.total_seconds())} seconds"
                )
        elif self.for_seconds:
            raise InvalidValueError(
                "for_seconds", "this event rule fires at once (only replica_unhealthy takes a for)"
            )
        count, window = None, None
        if self.event is AlertEvent.REPLICA_CRASH_LOOPING:
            count = self.count if self.count is not None else 3
            window = self.window_seconds if self.window_seconds is not None else 600
            if not 2 <= count <= MAX_CRASH_COUNT:
                raise InvalidValueError("count", f"must be 2 to {MAX_CRASH_COUNT} losses")
            if not 10 <= window <= MAX_CRASH_WINDOW.total_seconds():
                raise InvalidValueError(
                    "window_seconds",
                    f"must be 10 to {int(MAX_CRASH_WINDOW.total_seconds())} seconds",
                )
        elif self.count is not None or self.window_seconds is not None:
            raise InvalidValueError("count", "only a crash-looping rule counts losses")
        resolve = self.resolve_after_seconds
        if resolve is None:
            resolve = int(DEFAULT_RESOLVE_AFTER.total_seconds())
        low, high = (int(d.total_seconds()) for d in (MIN_RESOLVE_AFTER, MAX_RESOLVE_AFTER))
        if not low <= resolve <= high:
            raise InvalidValueError("resolve_after_seconds", f"must be {low} to {high} seconds")
        return AlertCondition(
            kind=self.kind,
            event=self.event,
            count=count,
            window_seconds=window,
            for_seconds=for_seconds,
            resolve_after_seconds=resolve,
        )


def check_threshold(metric: AlertMetric, threshold: float | None) -> float:
    """A finite threshold; not negative where the metric never is (all but custom ones)."""
    if threshold is None or not isinstance(threshold, int | float) or isinstance(threshold, bool):
        raise InvalidValueError("threshold", "must be a number")
    if not math.isfinite(threshold):
        raise InvalidValueError("threshold", "must be a finite number")
    if metric is not AlertMetric.CUSTOM and threshold < 0:
        raise InvalidValueError("threshold", f"{metric.label} is never negative")
    if metric.percent and threshold > 1000:
        raise InvalidValueError("threshold", "a percentage threshold is at most 1000")
    return float(threshold)


@dataclass(frozen=True, kw_only=True)
class RuleScope:
    """What a rule watches within its organisation (nothing set: all of it)."""

    project_id: UUID | None = None
    environment_id: UUID | None = None
    service_id: UUID | None = None


class Step(Enum):
    """What an evaluation does to the (rule, subject)'s incident."""

    NOTHING = "nothing"
    OPEN_PENDING = "open_pending"
    OPEN_FIRING = "open_firing"
    FIRE = "fire"
    DROP = "drop"
    """A pending incident whose condition stopped before ``for`` elapsed (never fired)."""
    RESOLVE = "resolve"


def next_step(
    status: str | None,
    holds: bool | None,
    *,
    started_at: datetime | None,
    for_: timedelta,
    now: datetime,
) -> Step:
    """Prometheus' alert lifecycle: the open incident's ``status`` (None: none open, else
    ``pending`` or ``firing``) and whether the condition ``holds`` now (None: unknown, e.g.
    no data this round: nothing changes) give the step to record."""
    if holds is None:
        return Step.NOTHING
    if status is None:
        if not holds:
            return Step.NOTHING
        return Step.OPEN_FIRING if for_ <= timedelta(0) else Step.OPEN_PENDING
    if not holds:
        return Step.DROP if status == "pending" else Step.RESOLVE
    if status == "pending" and started_at is not None and now - started_at >= for_:
        return Step.FIRE
    return Step.NOTHING
