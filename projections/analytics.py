"""The analytics read model: deployment frequency, lead time, failures and time to restore."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.deployment import Deployment, DeploymentState
from projections.base import Projection, handles
from projections.dashboard import PROJECTS
from projections.schema import Owner, Table
from projections.store import RowStore


@dataclass(frozen=True)
class DailyRow:
    """Deployment outcomes of one project on one day (UTC)."""

    project_id: UUID
    day: str
    started: int
    succeeded: int
    failed: int
    rolled_back: int
    cancelled: int
    position: int = 0


@dataclass(frozen=True)
class DeploymentFactRow:
    """One release's timings, for lead-time percentiles."""

    deployment_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    requested_at: datetime
    healthy_at: datetime | None
    healthy_day: str | None
    lead_seconds: float | None
    outcome: str
    position: int = 0


@dataclass(frozen=True)
class ServiceHealthRow:
    """Whether a service in an environment is in a failed state, and since when."""

    service_id: UUID
    environment_id: UUID
    project_id: UUID
    failing_since: datetime | None
    position: int = 0


@dataclass(frozen=True)
class RestoreRow:
    """A recovery: from a failed or rolled-back release to the next healthy one."""

    deployment_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    failed_at: datetime
    restored_at: datetime
    day: str
    seconds: float
    position: int = 0


# Analytics rows name their project; the read gate finds the organisation through it.
BY_PROJECT = Owner("via", "project_id", parent=PROJECTS)
DAILY = Table(
    "daily",
    DailyRow,
    ("project_id", "day"),
    notices=(("analytics", "project_id"),),
    owner=BY_PROJECT,
)
FACTS = Table(
    "deployment_facts",
    DeploymentFactRow,
    ("deployment_id",),
    notices=(("analytics", "project_id"),),
    indexes=(("project_id", "healthy_day"),),
    owner=BY_PROJECT,
)
HEALTH = Table(
    "service_health", ServiceHealthRow, ("service_id", "environment_id"), owner=BY_PROJECT
)
RESTORES = Table(
    "restores",
    RestoreRow,
    ("deployment_id",),
    notices=(("analytics", "project_id"),),
    indexes=(("project_id", "day"),),
    owner=BY_PROJECT,
)
_COUNTERS = ("started", "succeeded", "failed", "rolled_back", "cancelled")


def day_of(moment: datetime) -> str:
    """The UTC calendar day of a moment, as YYYY-MM-DD."""
    return moment.date().isoformat()


class AnalyticsProjection(Projection):
    """Per project and day: deployments started/succeeded/failed/rolled back, and timings."""

    name = "analytics"
    tables = (DAILY, FACTS, HEALTH, RESTORES)

    @handles(Deployment.Requested)
    def requested(self, e: Deployment.Requested, store: RowStore) -> None:
        """Count a started deployment and note when it was asked for."""
        _count(store, e.project_id, e.timestamp, "started")
        store.put(
            FACTS,
            {
                "deployment_id": e.originator_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "requested_at": e.timestamp,
                "healthy_at": None,
                "healthy_day": None,
                "lead_seconds": None,
                "outcome": "in_progress",
            },
        )

    @handles(Deployment.BecameHealthy)
    def healthy(self, e: Deployment.BecameHealthy, store: RowStore) -> None:
        """Lead time is requested -> healthy; a healthy release ends a failure streak."""
        fact = store.get(FACTS, e.originator_id)
        if fact is None:
            return
        lead = (e.timestamp - fact["requested_at"]).total_seconds()
        store.update(
            FACTS,
            (e.originator_id,),
            healthy_at=e.timestamp,
            healthy_day=day_of(e.timestamp),
            lead_seconds=lead,
            outcome="healthy",
        )
        _count(store, fact["project_id"], e.timestamp, "succeeded")
        key = (fact["service_id"], fact["environment_id"])
        health = store.get(HEALTH, *key)
        if health is not None and health["failing_since"] is not None:
            _restored(store, e.originator_id, fact, health["failing_since"], e.timestamp)
            store.update(HEALTH, key, failing_since=None)

    @handles(Deployment.Failed)
    def failed(self, e: Deployment.Failed, store: RowStore) -> None:
        """A failed release starts (or continues) a failure streak."""
        fact = store.get(FACTS, e.originator_id)
        if fact is None:
            return
        store.update(FACTS, (e.originator_id,), outcome="failed")
        _count(store, fact["project_id"], e.timestamp, "failed")
        _start_failing(store, fact, e.timestamp)

    @handles(Deployment.RolledBack)
    def rolled_back(self, e: Deployment.RolledBack, store: RowStore) -> None:
        """A live release was rolled back: it failed in production until the rollback."""
        fact = store.get(FACTS, e.originator_id)
        if fact is None:
            return
        store.update(FACTS, (e.originator_id,), outcome="rolled_back")
        _count(store, fact["project_id"], e.timestamp, "rolled_back")
        # The rollback release became healthy in the same moment: restored now, and the
        # time to restore runs from when the bad release went live.
        bad_since = fact["healthy_at"] or e.timestamp
        _restored(store, e.by, fact, bad_since, e.timestamp)
        store.update(HEALTH, (fact["service_id"], fact["environment_id"]), failing_since=None)

    @handles(Deployment.Cancelled)
    def cancelled(self, e: Deployment.Cancelled, store: RowStore) -> None:
        """Count a cancelled deployment."""
        fact = store.get(FACTS, e.originator_id)
        if fact is not None:
            store.update(FACTS, (e.originator_id,), outcome="cancelled")
            _count(store, fact["project_id"], e.timestamp, "cancelled")

    @handles(Deployment.Superseded)
    def superseded(self, e: Deployment.Superseded, store: RowStore) -> None:
        """A release that was replaced keeps its outcome; queued ones never ran."""
        fact = store.get(FACTS, e.originator_id)
        if fact is not None and fact["outcome"] == "in_progress":
            store.update(FACTS, (e.originator_id,), outcome=DeploymentState.SUPERSEDED.value)


def _count(store: RowStore, project_id: UUID, at: datetime, counter: str) -> None:
    day = day_of(at)
    row = store.get(DAILY, project_id, day)
    if row is None:
        row = {"project_id": project_id, "day": day, **dict.fromkeys(_COUNTERS, 0)}
    store.put(DAILY, {**row, counter: row[counter] + 1})


def _start_failing(store: RowStore, fact: dict[str, Any], at: datetime) -> None:
    key = (fact["service_id"], fact["environment_id"])
    health = store.get(HEALTH, *key)
    if health is None:
        store.put(
            HEALTH,
            {
                "service_id": key[0],
                "environment_id": key[1],
                "project_id": fact["project_id"],
                "failing_since": at,
            },
        )
    elif health["failing_since"] is None:
        store.update(HEALTH, key, failing_since=at)


def _restored(
    store: RowStore, by: UUID, fact: dict[str, Any], failed_at: datetime, restored_at: datetime
) -> None:
    store.put(
        RESTORES,
        {
            "deployment_id": by,
            "project_id": fact["project_id"],
            "service_id": fact["service_id"],
            "environment_id": fact["environment_id"],
            "failed_at": failed_at,
            "restored_at": restored_at,
            "day": day_of(restored_at),
            "seconds": (restored_at - failed_at).total_seconds(),
        },
    )
