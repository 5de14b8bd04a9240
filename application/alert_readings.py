"""What the alert process observes (issue 17): per rule, each subject in its scope and
whether the rule's condition holds for it now, read from the time-series store (metric
rules) and the read models (event rules).

A subject in scope that could not be judged (no sample in the window, a deployment still in
progress) holds ``None``: its incident neither opens, fires nor resolves this round. A
subject no longer in scope (a deleted service, a removed node) is simply absent. The store
being down raises ``MetricsUnavailableError``: no evaluation of that rule this round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.eventlog import EventLog
from application.metrics_ports import (
    CPU_CORES,
    CUSTOM_PREFIX,
    ERRORS,
    LATENCY_P95,
    MEMORY_BYTES,
    MEMORY_LIMIT_BYTES,
    NODE_CPU_CORES,
    NODE_CPUS,
    NODE_MEMORY_BYTES,
    NODE_MEMORY_TOTAL_BYTES,
    REQUESTS,
    Aggregation,
    MetricReader,
)
from application.readmodels import (
    AlertRuleRow,
    DashboardQueries,
    NodeRow,
    ServiceRow,
    ServiceStateRow,
)
from domain.alerting import AlertEvent, AlertMetric, Comparator

WINDOW = timedelta(seconds=60)
"""The value of a metric now: the mean of the last minute (collectors sample every 10 s)."""
MIB = 1024 * 1024
_IN_PROGRESS = frozenset({"queued", "building", "built", "starting"})
_BACKUP_BAD = frozenset({"failed", "verification_failed"})


@dataclass(frozen=True, kw_only=True)
class Observation:
    """One subject of a rule as found now."""

    subject: str
    holds: bool | None
    value: float | None = None
    trigger: str = ""
    """What made it hold (an event incident's cause); the subject itself for metrics."""
    title: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    project_id: UUID | None = None
    environment_id: UUID | None = None
    service_id: UUID | None = None
    node_id: UUID | None = None


class AlertReadings:
    """Observes rules' subjects from the time-series store and the read models."""

    def __init__(
        self,
        dashboard: DashboardQueries,
        metrics: MetricReader,
        events: EventLog | None = None,
        *,
        window: timedelta = WINDOW,
    ) -> None:
        self._dashboard = dashboard
        self._metrics = metrics
        self._events = events
        self._window = window

    def observe(self, rule: AlertRuleRow, now: datetime) -> list[Observation]:
        """Every subject in the rule's scope and whether its condition holds now."""
        if rule.kind == "metric":
            metric = AlertMetric(rule.metric)
            if metric.of_nodes:
                return [self._node_metric(rule, metric, n, now) for n in self._nodes(rule)]
            return [self._service_metric(rule, metric, s, now) for s in self._services(rule)]
        event = AlertEvent(rule.event)
        if event is AlertEvent.NODE_UNREACHABLE:
            return [_node_unreachable(rule, n) for n in self._nodes(rule)]
        if event is AlertEvent.BUDGET_WARNING:
            return [o for s in self._services(rule) if (o := self._budget(rule, s)) is not None]
        return self._per_environment(rule, event, now)

    # Subjects in scope

    def _nodes(self, rule: AlertRuleRow) -> list[NodeRow]:
        return self._dashboard.nodes(rule.organization_id)

    def _services(self, rule: AlertRuleRow) -> list[ServiceRow]:
        if rule.project_id is not None:
            projects = [rule.project_id]
        else:
            projects = [p.id for p in self._dashboard.projects(rule.organization_id, limit=1000)]
        if not projects:
            return []
        services = self._dashboard.services_of(projects)
        if rule.service_id is not None:
            services = [s for s in services if s.id == rule.service_id]
        if rule.environment_id is not None:
            present = {
                s.service_id
                for s in self._dashboard.service_states_of(projects)
                if s.environment_id == rule.environment_id
            }
            services = [s for s in services if s.id in present]
        return services

    # Metrics

    def _service_metric(
        self, rule: AlertRuleRow, metric: AlertMetric, service: ServiceRow, now: datetime
    ) -> Observation:
        value = self._service_value(metric, rule.custom_metric, service, now)
        return Observation(
            subject=f"service:{service.id}",
            holds=_holds(rule, value),
            value=value,
            trigger=f"service:{service.id}",
            title=f"{rule.description} on {service.name}",
            labels={"service": service.name},
            project_id=service.project_id,
            service_id=service.id,
        )

    def _service_value(
        self, metric: AlertMetric, custom: str | None, service: ServiceRow, now: datetime
    ) -> float | None:
        resources = service.spec.get("resources") or {}
        if metric is AlertMetric.CPU_PERCENT_OF_REQUEST:
            request = float(resources.get("cpu_request_millis") or 0) / 1000
            return _percent(self._replicas_mean(service.id, CPU_CORES, now), request)
        if metric is AlertMetric.MEMORY_PERCENT_OF_REQUEST:
            request = float(resources.get("memory_request_mb") or 0) * MIB
            return _percent(self._replicas_mean(service.id, MEMORY_BYTES, now), request)
        if metric is AlertMetric.MEMORY_PERCENT_OF_LIMIT:
            limit = self._replicas_mean(service.id, MEMORY_LIMIT_BYTES, now)
            return _percent(self._replicas_mean(service.id, MEMORY_BYTES, now), limit or 0.0)
        return self._route_value(metric, custom, service.id, now)

    def _route_value(
        self, metric: AlertMetric, custom: str | None, service_id: UUID, now: datetime
    ) -> float | None:
        """Requests, errors and latency of the service's route; its custom metric."""
        if metric is AlertMetric.REQUESTS_PER_SECOND:
            return self._service_point(service_id, REQUESTS, now, "avg")
        if metric is AlertMetric.LATENCY_P95:
            return self._service_point(service_id, LATENCY_P95, now, "max")
        if metric is AlertMetric.CUSTOM:
            return self._replicas_mean(service_id, f"{CUSTOM_PREFIX}{custom}", now)
        requests = self._service_point(service_id, REQUESTS, now, "avg")
        if requests is None:
            return None
        errors = self._service_point(service_id, ERRORS, now, "avg") or 0.0
        return errors / requests * 100 if requests > 0 else 0.0

    def _replicas_mean(self, service_id: UUID, metric: str, now: datetime) -> float | None:
        """The mean over the service's replicas of their newest value within the window."""
        latest = self._metrics.latest_per_replica(service_id, metric, self._window, now=now)
        values = [v for v in latest.values() if v is not None]
        return sum(values) / len(values) if values else None

    def _service_point(
        self, service_id: UUID, metric: str, now: datetime, aggregation: Aggregation
    ) -> float | None:
        until = now + timedelta(seconds=1)
        points = self._metrics.series(
            service_id, metric, now - self._window, until, self._window, aggregation
        )
        return points[-1][1] if points else None

    def _node_metric(
        self, rule: AlertRuleRow, metric: AlertMetric, node: NodeRow, now: datetime
    ) -> Observation:
        used, total = (
            (NODE_CPU_CORES, NODE_CPUS)
            if metric is AlertMetric.NODE_CPU_PERCENT
            else (NODE_MEMORY_BYTES, NODE_MEMORY_TOTAL_BYTES)
        )
        value = _percent(self._node_point(node, used, now), self._node_point(node, total, now) or 0)
        return Observation(
            subject=f"node:{node.id}",
            holds=_holds(rule, value),
            value=value,
            trigger=f"node:{node.id}",
            title=f"{rule.description} on node {node.name}",
            labels={"node": node.name},
            node_id=node.id,
        )

    def _node_point(self, node: NodeRow, metric: str, now: datetime) -> float | None:
        points = self._metrics.node_series(
            str(node.id),
            metric,
            now - self._window,
            now + timedelta(seconds=1),
            self._window,
            "avg",
        )
        return points[-1][1] if points else None

    # Events

    def _budget(self, rule: AlertRuleRow, service: ServiceRow) -> Observation | None:
        row = self._dashboard.autoscaling(service.id)
        if row is None:
            return None
        return Observation(
            subject=f"service:{service.id}",
            holds=row.enabled and row.budget_warning,
            value=row.last_hourly_cost,
            trigger=f"budget:{row.last_decision_at}",
            title=f"{service.name} costs 80 % of its hourly budget or more",
            labels={"service": service.name},
            project_id=service.project_id,
            service_id=service.id,
        )

    def _per_environment(
        self, rule: AlertRuleRow, event: AlertEvent, now: datetime
    ) -> list[Observation]:
        services = {s.id: s for s in self._services(rule)}
        if not services:
            return []
        projects = sorted({s.project_id for s in services.values()})
        environments = {e.id: e.name for e in self._dashboard.environments_of(projects)}
        found = []
        for state in self._dashboard.service_states_of(projects):
            service = services.get(state.service_id)
            if service is None:
                continue
            if rule.environment_id is not None and state.environment_id != rule.environment_id:
                continue
            where = environments.get(state.environment_id, "?")
            labels = {"service": service.name, "environment": where}
            holds, trigger, title = self._event_holds(event, rule, service, state, now)
            if holds is None and not trigger:
                continue  # nothing to judge here (not a database, never deployed...)
            found.append(
                Observation(
                    subject=f"service:{service.id}:{state.environment_id}",
                    holds=holds,
                    trigger=trigger,
                    title=f"{title} ({service.name} in {where})",
                    labels=labels,
                    project_id=service.project_id,
                    environment_id=state.environment_id,
                    service_id=service.id,
                )
            )
        return found

    def _event_holds(
        self,
        event: AlertEvent,
        rule: AlertRuleRow,
        service: ServiceRow,
        state: ServiceStateRow,
        now: datetime,
    ) -> tuple[bool | None, str, str]:
        """Whether the event holds for the service in the state's environment, its trigger
        and what to call it (no trigger: nothing to judge)."""
        if event is AlertEvent.DEPLOYMENT_FAILED:
            return _deployment_failed(state)
        if event is AlertEvent.BACKUP_FAILED:
            return self._backup_failed(service, state)
        if event is AlertEvent.REPLICA_UNHEALTHY:
            return self._unhealthy(state)
        return self._crash_looping(rule, state, now)

    def _replica_health(self, state: ServiceStateRow) -> dict[str, Any] | None:
        """The live release's replicas as the health checks and the reconciler left them."""
        live = state.live_deployment_id
        if live is None:
            return None
        return self._dashboard.deployment(live).replica_health or {}

    def _unhealthy(self, state: ServiceStateRow) -> tuple[bool | None, str, str]:
        """A replica of the live release is not ready, lost, crash looping, or fails its
        liveness check (False: every replica passes)."""
        health = self._replica_health(state)
        if health is None:
            return None, "", ""
        bad = any(
            not replica.get("ready", True)
            or replica.get("lost")
            or replica.get("crash_looping")
            or (replica.get("probes") or {}).get("liveness", {}).get("passing") is False
            for replica in health.values()
        )
        return bad, f"deployment:{state.live_deployment_id}", "Replica unhealthy"

    def _backup_failed(
        self, service: ServiceRow, state: ServiceStateRow
    ) -> tuple[bool | None, str, str]:
        """The latest finished backup failed or was not verified (False: it was verified)."""
        if service.kind != "database":
            return None, "", ""
        backups = self._dashboard.backups(service.id, state.environment_id, limit=10)
        done = [b for b in backups if not b.busy]
        if not done:
            return None, "", ""
        latest = done[0]
        unverified = latest.state == "verification_failed"
        what = "Backup could not be verified" if unverified else "Backup failed"
        return latest.state in _BACKUP_BAD, f"backup:{latest.id}", what

    def _crash_looping(
        self, rule: AlertRuleRow, state: ServiceStateRow, now: datetime
    ) -> tuple[bool | None, str, str]:
        """A replica of the live release was lost ``count`` times within the window."""
        live = state.live_deployment_id
        if live is None or self._events is None or rule.count is None:
            return None, "", ""
        window = timedelta(seconds=rule.window_seconds or 0)
        losses: dict[int, int] = {}
        for logged in self._events.of_aggregate(live):
            if logged.type.endswith("ReplicaLost") and now - logged.timestamp <= window:
                replica = int(logged.fields.get("replica", 0))
                losses[replica] = losses.get(replica, 0) + 1
        worst = max(losses.values(), default=0)
        # A loss is recorded once per loop (the reconciler backs its restarts off and marks
        # the replica crash looping): the marked state counts as a loop too.
        looping = any(r.get("crash_looping") for r in (self._replica_health(state) or {}).values())
        return worst >= rule.count or looping, f"deployment:{live}", "Replica crash looping"


def _deployment_failed(state: ServiceStateRow) -> tuple[bool | None, str, str]:
    """The latest release failed (False: it is healthy; None: still in progress)."""
    latest = state.latest_deployment_id
    if latest is None:
        return None, "", ""
    holds = {"failed": True, "healthy": False}.get(state.latest_state or "")
    return holds, f"deployment:{latest}", "Deployment failed"


def _node_unreachable(rule: AlertRuleRow, node: NodeRow) -> Observation:
    return Observation(
        subject=f"node:{node.id}",
        holds=node.state == "unreachable",
        trigger=f"node:{node.id}:{node.updated_at.isoformat()}",
        title=f"Node {node.name} is unreachable",
        labels={"node": node.name},
        node_id=node.id,
    )


def _holds(rule: AlertRuleRow, value: float | None) -> bool | None:
    if value is None or rule.comparator is None or rule.threshold is None:
        return None
    return Comparator(rule.comparator).holds(value, rule.threshold)


def _percent(value: float | None, whole: float) -> float | None:
    if value is None or whole <= 0:
        return None
    return value / whole * 100


__all__: Sequence[str] = ("AlertReadings", "Observation")
