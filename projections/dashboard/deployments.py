"""The dashboard's deployments, and which release is live and latest in each environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.deployment import FINAL_STATES, Deployment, DeploymentState
from domain.service import Service
from projections.base import handles
from projections.dashboard.services import SERVICE_STATES, SERVICES, service_state
from projections.dashboard.volumes import volumes_went_live
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class DeploymentRow:
    """A release and its state history."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    service_id: UUID
    environment_id: UUID
    trigger: str
    state: str
    reason: str
    commit: str | None
    commit_message: str | None
    commit_author: str | None
    image: str | None
    rollback_of: UUID | None
    variables_version: list[int]
    requested_by: str
    requested_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    deadline: datetime | None
    history: list[dict[str, Any]]
    replicas: int = 1
    placements: dict[str, str] | None = None
    placement_explanation: str | None = None
    """Replica number -> node id, once the scheduler placed them."""
    source_archive: str | None = None
    """The sha256 of the uploaded archive the release builds (``containr deploy``), if any."""
    source_archive_size: int | None = None
    """That archive's size in bytes."""
    replica_health: dict[str, Any] | None = None
    """Per replica number (issue 17): whether it takes traffic (``ready``), is lost or
    crash looping (its deaths, last exit code and log lines), and each probe's latest
    verdict (``probes``: startup, readiness, liveness -> passing, detail, since)."""
    position: int = 0


DEPLOYMENTS = Table(
    "deployments",
    DeploymentRow,
    ("id",),
    notices=(("deployment", "id"), ("service", "service_id")),
    indexes=(("service_id", "requested_at"), ("project_id",)),
)


_FINISHING = frozenset({*(s.value for s in FINAL_STATES), DeploymentState.HEALTHY.value})
"""States that end a release's rollout: it finished, for better or worse."""


class DeploymentHandlers:
    """Releases and their state history; the live and latest release of each service state."""

    @handles(Deployment.Requested)
    def deployment_requested(self, e: Deployment.Requested, store: RowStore) -> None:
        """A queued release."""
        if e.rollback_of:
            reason = f"rollback to {e.rollback_of}"
        elif e.promoted_from:
            reason = f"promotion from {e.promoted_from}"
        else:
            reason = f"{e.trigger.value} deployment"
        uploaded = e.source_archive
        if uploaded is not None and e.rollback_of is None and e.promoted_from is None:
            reason += f" of uploaded archive {uploaded.short}"
        store.put(
            DEPLOYMENTS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "service_id": e.service_id,
                "environment_id": e.environment_id,
                "trigger": e.trigger.value,
                "state": "queued",
                "reason": reason,
                "commit": e.commit,
                "commit_message": None,
                "commit_author": None,
                "image": e.image,
                "rollback_of": e.rollback_of,
                "variables_version": list(e.variables_version),
                "requested_by": e.actor,
                "requested_at": e.timestamp,
                "updated_at": e.timestamp,
                "finished_at": None,
                "deadline": e.deadline,
                "history": [{"state": "queued", "at": e.timestamp.isoformat(), "reason": reason}],
                "replicas": e.spec.replicas,
                "placements": None,
                "placement_explanation": None,
                "source_archive": uploaded.digest if uploaded else None,
                "source_archive_size": uploaded.size if uploaded else None,
                "replica_health": None,
            },
        )
        state = service_state(store, e.service_id, e.environment_id, e.timestamp)
        state.update(
            project_id=e.project_id,
            organization_id=e.organization_id,
            latest_deployment_id=e.originator_id,
            latest_state="queued",
            updated_at=e.timestamp,
        )
        store.put(SERVICE_STATES, state)

    @handles(Deployment.Transitioned)
    def deployment_transitioned(self, e: Deployment.Transitioned, store: RowStore) -> None:
        """A release moved to another state."""
        row = store.get(DEPLOYMENTS, e.originator_id)
        if row is None:
            return
        # ``_value_`` is what ``.value`` returns, without the enum's descriptor per event.
        value = e.state._value_
        at = e.timestamp
        changes: dict[str, Any] = {
            "state": value,
            "reason": e.reason,
            "deadline": e.deadline,
            "updated_at": at,
            "history": [
                *row["history"],
                {"state": value, "at": at.isoformat(), "reason": e.reason},
            ],
        }
        if value in _FINISHING:
            changes["finished_at"] = row["finished_at"] or at
        if isinstance(e, Deployment.ReplicasStarting):
            changes["placements"] = {str(k): str(v) for k, v in e.placements.items()}
            changes["placement_explanation"] = e.explanation or None
        if isinstance(e, Deployment.Built):
            changes.update(
                image=e.image,
                commit=e.commit or row["commit"],
                commit_message=e.commit_message,
                commit_author=e.commit_author,
            )
        store.update(DEPLOYMENTS, (e.originator_id,), **changes)
        state = store.get(SERVICE_STATES, row["service_id"], row["environment_id"])
        if state is not None and state["latest_deployment_id"] == e.originator_id:
            store.update(
                SERVICE_STATES,
                (row["service_id"], row["environment_id"]),
                latest_state=value,
                updated_at=at,
            )

    # Replica health (issue 17): recorded on transitions only, so one row update each.

    @handles(
        Deployment.ReplicaLost,
        Deployment.ReplicaReplaced,
        Deployment.ReplicaCrashLooping,
        Deployment.ReplicaHealthChanged,
    )
    def replica_health_changed(self, e: Any, store: RowStore) -> None:
        """A replica of a live release died, runs again, crash loops, or a probe turned."""
        row = store.get(DEPLOYMENTS, e.originator_id)
        if row is None:
            return
        health = {k: dict(v) for k, v in (row["replica_health"] or {}).items()}
        replica = health.setdefault(
            str(e.replica), {"ready": True, "lost": False, "crash_looping": None, "probes": {}}
        )
        at = e.timestamp.isoformat()
        if isinstance(e, Deployment.ReplicaLost):
            replica.update(lost=True, lost_at=at, reason=e.reason, exit_code=e.exit_code)
        elif isinstance(e, Deployment.ReplicaReplaced):
            replica.update(lost=False, crash_looping=None, container=e.container)
        elif isinstance(e, Deployment.ReplicaCrashLooping):
            replica.update(
                lost=True,
                exit_code=e.exit_code,
                crash_looping={
                    "deaths": e.deaths,
                    "exit_code": e.exit_code,
                    "last_lines": list(e.last_lines),
                    "since": at,
                },
            )
        else:
            probes = dict(replica["probes"])
            probes[e.probe] = {"passing": e.passing, "detail": e.detail, "since": at}
            replica["probes"] = probes
            if e.probe == "readiness":
                replica["ready"] = e.passing
        store.update(DEPLOYMENTS, (e.originator_id,), replica_health=health, updated_at=e.timestamp)

    # A service's event, handled beside the deployments because it reads the one it promotes.

    @handles(Service.ReleasePromoted)
    def release_promoted(self, e: Service.ReleasePromoted, store: RowStore) -> None:
        """A release went live in an environment."""
        deployment = store.get(DEPLOYMENTS, e.deployment_id)
        state = service_state(store, e.originator_id, e.environment_id, e.timestamp)
        state.update(
            live_deployment_id=e.deployment_id,
            live_image=deployment["image"] if deployment else None,
            live_commit=deployment["commit"] if deployment else None,
            updated_at=e.timestamp,
        )
        since = state.get("needs_redeploy_since")
        if since is not None and deployment is not None and deployment["requested_at"] >= since:
            state.update(needs_redeploy=None, needs_redeploy_since=None)
        store.put(SERVICE_STATES, state)
        volumes_went_live(store, e, store.get(SERVICES, e.originator_id))
