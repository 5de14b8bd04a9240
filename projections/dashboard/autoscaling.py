"""The dashboard's autoscaling policies, with each service's last decision and its reasons
(issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.autoscaling import ScalingRules
from domain.service_autoscaling import ServiceAutoscaling
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class AutoscalingRow:
    """A service's autoscaling policy and how it last stood."""

    id: UUID
    """The autoscaling record's id (derived from the service's)."""
    service_id: UUID
    organization_id: UUID
    project_id: UUID
    enabled: bool
    min_replicas: int
    max_replicas: int
    metrics: list[dict[str, Any]]
    """Per metric: ``metric`` (cpu, memory, requests_per_second, error_rate, custom),
    ``target`` and the custom metric's ``name``."""
    scale_up: dict[str, Any]
    scale_down: dict[str, Any]
    hourly_budget: float | None
    capped_by_budget: bool
    budget_warning: bool
    """The replicas decided last cost 80 % of the budget or more."""
    unavailable_metrics: list[str]
    last_decision_at: datetime | None
    last_previous: int | None
    last_replicas: int | None
    last_explanation: str
    last_hourly_cost: float | None
    updated_at: datetime
    idle_timeout_seconds: int | None = None
    """Idle this long, the service sleeps at 0 replicas (None: never)."""
    asleep: bool = False
    """At 0 replicas for being idle: its route points at the wake handler."""
    position: int = 0


AUTOSCALING = Table(
    "autoscaling",
    AutoscalingRow,
    ("id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("service_id",), ("enabled",)),
)


def _rules(rules: ScalingRules) -> dict[str, Any]:
    return {
        "stabilization_seconds": rules.stabilization_seconds,
        "select": rules.select.value,
        "policies": [
            {"kind": p.kind.value, "value": p.value, "period_seconds": p.period_seconds}
            for p in rules.policies
        ],
    }


class AutoscalingHandlers:
    """Autoscaling policies and decisions."""

    @handles(ServiceAutoscaling.Created)
    def autoscaling_created(self, e: ServiceAutoscaling.Created, store: RowStore) -> None:
        """A service got an autoscaling record (its policy follows)."""
        store.put(
            AUTOSCALING,
            {
                "id": e.originator_id,
                "service_id": e.service_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "enabled": False,
                "min_replicas": 1,
                "max_replicas": 1,
                "metrics": [],
                "scale_up": {},
                "scale_down": {},
                "hourly_budget": None,
                "capped_by_budget": False,
                "budget_warning": False,
                "unavailable_metrics": [],
                "last_decision_at": None,
                "last_previous": None,
                "last_replicas": None,
                "last_explanation": "",
                "last_hourly_cost": None,
                "updated_at": e.timestamp,
                "idle_timeout_seconds": None,
                "asleep": False,
            },
        )

    def _update(self, store: RowStore, e: Any, **values: Any) -> None:
        store.update(AUTOSCALING, (e.originator_id,), updated_at=e.timestamp, **values)

    @handles(ServiceAutoscaling.PolicySet)
    def autoscaling_policy_set(self, e: ServiceAutoscaling.PolicySet, store: RowStore) -> None:
        """The service scales under a (new) policy."""
        p = e.policy
        self._update(
            store,
            e,
            enabled=True,
            min_replicas=p.min_replicas,
            max_replicas=p.max_replicas,
            metrics=[
                {"metric": m.kind.value, "target": m.target, "name": m.name} for m in p.metrics
            ],
            scale_up=_rules(p.scale_up),
            scale_down=_rules(p.scale_down),
            hourly_budget=p.hourly_budget,
            idle_timeout_seconds=p.idle_timeout_seconds,
        )

    @handles(ServiceAutoscaling.PolicyRemoved)
    def autoscaling_removed(self, e: ServiceAutoscaling.PolicyRemoved, store: RowStore) -> None:
        """The service scales by hand only."""
        self._update(
            store, e, enabled=False, capped_by_budget=False, budget_warning=False,
            unavailable_metrics=[], asleep=False,
        )  # fmt: skip

    @handles(ServiceAutoscaling.Scaled)
    def autoscaling_scaled(self, e: ServiceAutoscaling.Scaled, store: RowStore) -> None:
        """The autoscaler changed the replica count."""
        d = e.decision
        self._update(
            store,
            e,
            last_decision_at=d.evaluated_at,
            last_previous=d.previous,
            last_replicas=d.replicas,
            last_explanation=d.explanation,
            last_hourly_cost=d.hourly_cost,
        )

    @handles(ServiceAutoscaling.CappedByBudget)
    def autoscaling_capped(self, e: ServiceAutoscaling.CappedByBudget, store: RowStore) -> None:
        """The budget holds the service below what its metrics ask."""
        self._update(store, e, capped_by_budget=True, last_explanation=e.explanation)

    @handles(ServiceAutoscaling.BudgetCapLifted)
    def autoscaling_cap_lifted(
        self, e: ServiceAutoscaling.BudgetCapLifted, store: RowStore
    ) -> None:
        """The budget no longer holds the service back."""
        self._update(store, e, capped_by_budget=False)

    @handles(ServiceAutoscaling.BudgetWarningReached)
    def autoscaling_budget_warning(
        self, e: ServiceAutoscaling.BudgetWarningReached, store: RowStore
    ) -> None:
        """The replicas cost 80 % of the budget or more."""
        self._update(store, e, budget_warning=True, last_hourly_cost=e.hourly_cost)

    @handles(ServiceAutoscaling.BudgetWarningCleared)
    def autoscaling_budget_cleared(
        self, e: ServiceAutoscaling.BudgetWarningCleared, store: RowStore
    ) -> None:
        """The replicas cost less than 80 % of the budget again."""
        self._update(store, e, budget_warning=False, last_hourly_cost=e.hourly_cost)

    @handles(ServiceAutoscaling.MetricsUnavailable)
    def autoscaling_unavailable(
        self, e: ServiceAutoscaling.MetricsUnavailable, store: RowStore
    ) -> None:
        """Metrics without readings (or none any more)."""
        self._update(store, e, unavailable_metrics=list(e.metrics))

    @handles(ServiceAutoscaling.Slept)
    def autoscaling_slept(self, e: ServiceAutoscaling.Slept, store: RowStore) -> None:
        """Idle: the service went to 0 replicas."""
        self._update(
            store, e, asleep=True, last_decision_at=e.evaluated_at, last_previous=e.previous,
            last_replicas=0, last_explanation=e.reason,
        )  # fmt: skip

    @handles(ServiceAutoscaling.Woken)
    def autoscaling_woken(self, e: ServiceAutoscaling.Woken, store: RowStore) -> None:
        """A request woke the service: one replica."""
        self._update(
            store, e, asleep=False, last_decision_at=e.woken_at, last_previous=0,
            last_replicas=1, last_explanation=e.reason,
        )  # fmt: skip
