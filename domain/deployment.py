"""Deployments: one release of a service into an environment, and its state machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError, InvalidValueError
from domain.ids import Actor, DeploymentId
from domain.service_spec import ServiceSpec


class DeploymentState(Enum):
    """Where a release is in its life."""

    QUEUED = "queued"
    BUILDING = "building"
    BUILT = "built"
    STARTING = "starting"
    HEALTHY = "healthy"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    ROLLED_BACK = "rolled_back"

    @property
    def is_active(self) -> bool:
        """Work is in progress and a deadline is running."""
        return self in ACTIVE_STATES

    @property
    def is_final(self) -> bool:
        """Nothing more will ever happen to the release."""
        return self in FINAL_STATES


ACTIVE_STATES = frozenset(
    {
        DeploymentState.QUEUED,
        DeploymentState.BUILDING,
        DeploymentState.BUILT,
        DeploymentState.STARTING,
    }
)
FINAL_STATES = frozenset(
    {
        DeploymentState.FAILED,
        DeploymentState.CANCELLED,
        DeploymentState.SUPERSEDED,
        DeploymentState.ROLLED_BACK,
    }
)


class DeploymentTrigger(Enum):
    """Why a release was requested."""

    MANUAL = "manual"
    GIT_PUSH = "git_push"
    REDEPLOY = "redeploy"
    ROLLBACK = "rollback"
    PROMOTION = "promotion"


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long each active state may last before the release fails."""

    queued: timedelta = timedelta(minutes=10)
    building: timedelta = timedelta(minutes=30)
    built: timedelta = timedelta(minutes=5)
    starting: timedelta = timedelta(minutes=5)
    """How long replicas may take to become healthy, after the health check's grace period
    (a probe that keeps failing its retries ends the release sooner)."""

    def for_state(self, state: DeploymentState, spec: ServiceSpec) -> timedelta | None:
        """The time allowed in ``state`` for a release of ``spec``; None for resting states."""
        if state is DeploymentState.QUEUED:
            return self.queued
        if state is DeploymentState.BUILDING:
            return self.building
        if state is DeploymentState.BUILT:
            return self.built
        if state is DeploymentState.STARTING:
            grace = spec.health_check.grace_period_seconds if spec.health_check else 0.0
            return self.starting + timedelta(seconds=grace)
        return None


@dataclass(frozen=True)
class UploadedSource:
    """Source uploaded as an archive (``containr deploy``): which archive, its sha256 and
    size. The content itself is never in an event."""

    archive_id: UUID
    digest: str
    size: int

    @property
    def short(self) -> str:
        """The digest as people read it: its first twelve hex digits."""
        return self.digest[:12]


PROBES = ("startup", "readiness", "liveness")
MAX_LOG_LINES = 20
"""The log lines a crash-looping replica's record keeps."""


@dataclass(frozen=True)
class CrashLoop:
    """A replica that keeps dying: how often, its last exit code and log lines, since when."""

    deaths: int
    exit_code: int | None
    last_lines: tuple[str, ...]
    since: datetime


@dataclass(frozen=True)
class ProbeStatus:
    """A probe's latest verdict on a replica, and since when."""

    passing: bool
    detail: str
    since: datetime


@dataclass(frozen=True)
class StateChange:
    """One step in a release's history."""

    state: DeploymentState
    at: datetime
    reason: str


# The transitions the state machine allows, besides failing or cancelling an active release.
_NEXT: dict[DeploymentState, frozenset[DeploymentState]] = {
    DeploymentState.QUEUED: frozenset(
        {DeploymentState.BUILDING, DeploymentState.BUILT, DeploymentState.SUPERSEDED}
    ),
    DeploymentState.BUILDING: frozenset({DeploymentState.BUILT}),
    DeploymentState.BUILT: frozenset({DeploymentState.STARTING}),
    DeploymentState.STARTING: frozenset({DeploymentState.HEALTHY}),
    DeploymentState.HEALTHY: frozenset({DeploymentState.SUPERSEDED, DeploymentState.ROLLED_BACK}),
}


class Deployment(ContainrAggregate):
    """A release: what was deployed where, and every state it went through with reasons."""

    class Requested(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        service_id: UUID
        environment_id: UUID
        trigger: DeploymentTrigger
        spec: ServiceSpec
        commit: str | None
        image: str | None
        variables_version: tuple[int, int]
        rollback_of: UUID | None
        deadline: datetime
        source_archive: UploadedSource | None
        promoted_from: UUID | None
        """The release whose exact image this one runs in another environment (issue 14)."""
        untrusted_source: bool
        """Built from code nobody in the organisation vouched for (a pull request from a
        fork): it gets no variables unless the organisation exposes them to forks."""

        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Releases requested before uploads existed were built from git or an image."""
            state["source_archive"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Releases requested before promotion and forks were neither."""
            state["promoted_from"] = None
            state["untrusted_source"] = False

    class Transitioned(ContainrAggregate.Event):
        """The release moved to another state (the base of every transition event)."""

        state: DeploymentState
        reason: str
        deadline: datetime | None
        operation_id: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.state = self.state
            aggregate.deadline = self.deadline
            aggregate.history.append(StateChange(self.state, self.timestamp, self.reason))
            if self.operation_id is not None:
                aggregate.operations.add(self.operation_id)

    class BuildStarted(Transitioned):
        pass

    class Built(Transitioned):
        image: str
        commit: str | None
        commit_message: str | None
        commit_author: str | None

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.image = self.image
            aggregate.commit = self.commit or aggregate.commit
            aggregate.commit_message = self.commit_message
            aggregate.commit_author = self.commit_author

    class ReplicasStarting(Transitioned):
        placements: dict[int, UUID]
        """Replica number -> the node the scheduler chose for it."""
        explanation: str

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.placements = dict(self.placements)

    class ReplicaLost(ContainrAggregate.Event):
        """A replica of the live release stopped running (died, or was removed)."""

        replica: int
        reason: str
        operation_id: str | None
        exit_code: int | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Losses recorded before issue 17 had no operation id nor exit code."""
            state["operation_id"] = None
            state["exit_code"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.lost.add(self.replica)
            if self.operation_id is not None:
                aggregate.operations.add(self.operation_id)
            if aggregate.spec.health_check is not None:
                # Its replacement takes traffic once its readiness probe passes.
                aggregate.unready.add(self.replica)

    class ReplicaReplaced(ContainrAggregate.Event):
        """A lost replica runs again."""

        replica: int
        container: str
        operation_id: str | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Replacements recorded before issue 17 had no operation id."""
            state["operation_id"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.lost.discard(self.replica)
            aggregate.crash_looping.pop(self.replica, None)
            if self.operation_id is not None:
                aggregate.operations.add(self.operation_id)

    class ReplicaCrashLooping(ContainrAggregate.Event):
        """A replica keeps dying: it is restarted with a growing backoff (issue 17)."""

        replica: int
        deaths: int
        exit_code: int | None
        last_lines: tuple[str, ...]
        """Its last log lines (redacted) before the latest death."""
        operation_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.lost.add(self.replica)
            aggregate.crash_looping[self.replica] = CrashLoop(
                self.deaths, self.exit_code, tuple(self.last_lines), self.timestamp
            )
            aggregate.operations.add(self.operation_id)

    class ReplicaHealthChanged(ContainrAggregate.Event):
        """A probe of a replica turned passing or failing (never recorded per probe)."""

        replica: int
        probe: str
        """startup, readiness or liveness."""
        passing: bool
        detail: str

        def apply(self, aggregate: Any) -> None:
            aggregate.health.setdefault(self.replica, {})[self.probe] = ProbeStatus(
                self.passing, self.detail, self.timestamp
            )
            if self.probe == "readiness":
                if self.passing:
                    aggregate.unready.discard(self.replica)
                else:
                    aggregate.unready.add(self.replica)

    class PreviousRetired(ContainrAggregate.Event):
        """The replicas of the releases this one replaced are stopped and removed."""

        operation_id: str

        def apply(self, aggregate: Any) -> None:
            aggregate.retire_pending = False
            aggregate.operations.add(self.operation_id)

    class RestartRequested(ContainrAggregate.Event):
        """Someone asked for the live release's replicas to be restarted."""

        operation_id: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.pending_restart = self.operation_id

    class Restarted(ContainrAggregate.Event):
        """Every replica of the live release was restarted."""

        operation_id: str

        def apply(self, aggregate: Any) -> None:
            if aggregate.pending_restart == self.operation_id:
                aggregate.pending_restart = None

    class BecameHealthy(Transitioned):
        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.retire_pending = True  # a step of its own, resumed after a crash

    class Failed(Transitioned):
        failed_in: DeploymentState

    class Cancelled(Transitioned):
        pass

    class Superseded(Transitioned):
        by: UUID

    class RolledBack(Transitioned):
        by: UUID

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        trigger: DeploymentTrigger,
        spec: ServiceSpec,
        commit: str | None,
        image: str | None,
        variables_version: tuple[int, int],
        rollback_of: UUID | None,
        deadline: datetime,
        source_archive: UploadedSource | None = None,
        promoted_from: UUID | None = None,
        untrusted_source: bool = False,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.service_id = service_id
        self.environment_id = environment_id
        self.trigger = trigger
        self.spec = spec
        self.commit = commit
        self.commit_message: str | None = None
        self.commit_author: str | None = None
        self.image = image
        self.variables_version = tuple(variables_version)
        self.rollback_of = rollback_of
        self.source_archive = source_archive
        self.promoted_from = promoted_from
        self.untrusted_source = untrusted_source
        self.state = DeploymentState.QUEUED
        self.deadline: datetime | None = deadline
        if rollback_of:
            reason = f"rollback to {rollback_of}"
        elif promoted_from:
            reason = f"promotion from {promoted_from}"
        else:
            reason = f"{trigger.value} deployment"
        if source_archive is not None and rollback_of is None and promoted_from is None:
            reason += f" of uploaded archive {source_archive.short}"
        # created_on is set from the event's timestamp before __init__ runs.
        self.history = [StateChange(DeploymentState.QUEUED, self.created_on, reason)]
        self.operations: set[str] = set()
        self.placements: dict[int, UUID] = {}
        self.pending_restart: str | None = None
        self.lost: set[int] = set()
        """Replicas recorded lost and not yet running again."""
        self.unready: set[int] = set()
        """Replicas out of the route: their readiness probe fails (or has not passed yet)."""
        self.crash_looping: dict[int, CrashLoop] = {}
        self.health: dict[int, dict[str, ProbeStatus]] = {}
        """Per replica, each probe's latest verdict."""
        self.retire_pending = False
        """Live, and the replicas of the releases it replaced may still run."""

    @classmethod
    def request(
        cls,
        deployment_id: DeploymentId,
        *,
        organization_id: UUID,
        project_id: UUID,
        service_id: UUID,
        environment_id: UUID,
        trigger: DeploymentTrigger,
        spec: ServiceSpec,
        commit: str | None = None,
        image: str | None = None,
        variables_version: tuple[int, int] = (0, 0),
        rollback_of: UUID | None = None,
        source_archive: UploadedSource | None = None,
        promoted_from: UUID | None = None,
        untrusted_source: bool = False,
        policy: DeadlinePolicy,
        actor: Actor,
        now: datetime,
    ) -> Deployment:
        """Queue a release of ``spec`` (from ``source_archive`` when given: an uploaded
        directory instead of the git source; ``promoted_from``: another release's image,
        not built again); its queue deadline starts now."""
        if promoted_from is not None and image is None:
            raise InvalidValueError(
                "deployment_id", "a promoted release runs the image of the release it promotes"
            )
        return cls._create(
            cls.Requested,
            id=deployment_id,
            organization_id=organization_id,
            project_id=project_id,
            service_id=service_id,
            environment_id=environment_id,
            trigger=trigger,
            spec=spec,
            commit=commit,
            image=image,
            variables_version=variables_version,
            rollback_of=rollback_of,
            source_archive=source_archive,
            promoted_from=promoted_from,
            untrusted_source=untrusted_source,
            deadline=now + policy.queued,
            actor=actor,
            timestamp=now,
        )

    @property
    def is_rollback(self) -> bool:
        """Whether this release restores an earlier one."""
        return self.rollback_of is not None

    @property
    def is_promotion(self) -> bool:
        """Whether this release runs another environment's release's image, unbuilt."""
        return self.promoted_from is not None

    @property
    def reuses_image(self) -> bool:
        """Whether the release takes an existing image instead of building one."""
        builds = self.spec.git is not None or self.source_archive is not None
        return not builds or self.is_rollback or self.is_promotion

    def start_build(
        self, *, policy: DeadlinePolicy, operation_id: str | None, actor: Actor, now: datetime
    ) -> bool:
        """The build began. Returns False when the report was a repeat or came too late."""
        return self._move(
            self.BuildStarted,
            DeploymentState.BUILDING,
            "build started",
            policy,
            operation_id,
            actor,
            now,
        )

    def record_built(
        self,
        image: str,
        *,
        reused: bool = False,
        commit: str | None = None,
        commit_message: str | None = None,
        commit_author: str | None = None,
        policy: DeadlinePolicy,
        operation_id: str | None,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """The image exists: built, reused from the build cache, given, or restored."""
        if self.state is DeploymentState.QUEUED:
            if self.is_rollback:
                reason = f"image of release {self.rollback_of} restored"
            elif self.is_promotion:
                reason = f"image {image} of release {self.promoted_from} promoted (not rebuilt)"
            elif self.spec.image is not None:
                reason = "image given by the service"
            elif reused:
                reason = "image reused (same commit and build plan)"
            else:
                raise InvalidTransitionError(
                    "a queued deployment from git must start its build before it is built"
                )
        else:
            reason = "image reused (same commit and build plan)" if reused else "image built"
        return self._move(
            self.Built,
            DeploymentState.BUILT,
            reason,
            policy,
            operation_id,
            actor,
            now,
            image=image,
            commit=commit,
            commit_message=commit_message,
            commit_author=commit_author,
        )

    def start_replicas(
        self,
        *,
        policy: DeadlinePolicy,
        operation_id: str | None,
        actor: Actor,
        now: datetime,
        placements: dict[int, UUID] | None = None,
        explanation: str = "",
    ) -> bool:
        """Replicas are being started (on the nodes chosen for them) and health-checked."""
        return self._move(
            self.ReplicasStarting,
            DeploymentState.STARTING,
            "starting replicas",
            policy,
            operation_id,
            actor,
            now,
            placements=dict(placements or {}),
            explanation=explanation,
        )

    def lose_replica(
        self,
        replica: int,
        reason: str,
        *,
        actor: Actor,
        now: datetime,
        operation_id: str | None = None,
        exit_code: int | None = None,
    ) -> bool:
        """Record that a replica of this live release stopped running; a replica already
        recorded lost (or crash looping) and a repeated report are not recorded again."""
        self._require_live()
        if replica in self.lost or (operation_id is not None and operation_id in self.operations):
            return False
        self.trigger_event(
            self.ReplicaLost,
            replica=replica,
            reason=reason,
            operation_id=operation_id,
            exit_code=exit_code,
            actor=actor,
            timestamp=now,
        )
        return True

    def replace_replica(
        self,
        replica: int,
        container: str,
        *,
        actor: Actor,
        now: datetime,
        operation_id: str | None = None,
    ) -> bool:
        """Record that a lost replica runs again (a repeated report is ignored)."""
        self._require_live()
        if operation_id is not None and operation_id in self.operations:
            return False
        self.trigger_event(
            self.ReplicaReplaced,
            replica=replica,
            container=container,
            operation_id=operation_id,
            actor=actor,
            timestamp=now,
        )
        return True

    def record_crash_loop(
        self,
        replica: int,
        *,
        deaths: int,
        exit_code: int | None,
        last_lines: tuple[str, ...],
        operation_id: str,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Record that a replica keeps dying; once, until it runs again."""
        self._require_live()
        if replica in self.crash_looping or operation_id in self.operations:
            return False
        self.trigger_event(
            self.ReplicaCrashLooping,
            replica=replica,
            deaths=deaths,
            exit_code=exit_code,
            last_lines=tuple(last_lines[-MAX_LOG_LINES:]),
            operation_id=operation_id,
            actor=actor,
            timestamp=now,
        )
        return True

    def record_replica_health(
        self, replica: int, probe: str, passing: bool, detail: str, *, actor: Actor, now: datetime
    ) -> bool:
        """Record a probe's new verdict on a replica; the same verdict again is no change."""
        self._require_live()
        if probe not in PROBES:
            raise InvalidValueError("probe", f"must be one of {', '.join(PROBES)}")
        if passing == self.probe_passing(replica, probe):
            return False
        self.trigger_event(
            self.ReplicaHealthChanged,
            replica=replica,
            probe=probe,
            passing=passing,
            detail=detail[:500],
            actor=actor,
            timestamp=now,
        )
        return True

    def probe_passing(self, replica: int, probe: str) -> bool:
        """A probe's current verdict on a replica: passing until recorded failing; readiness
        also fails while the replica is out of the route (lost, its replacement unproven)."""
        if probe == "readiness":
            return replica not in self.unready
        current = self.health.get(replica, {}).get(probe)
        return current is None or current.passing

    def record_retired(self, operation_id: str, *, actor: Actor, now: datetime) -> bool:
        """The previous releases' replicas are gone (repeats are ignored)."""
        if not self.retire_pending or operation_id in self.operations:
            return False
        self.trigger_event(
            self.PreviousRetired, operation_id=operation_id, actor=actor, timestamp=now
        )
        return True

    def request_restart(
        self, operation_id: str, reason: str, *, actor: Actor, now: datetime
    ) -> None:
        """Ask for the live release's replicas to be restarted."""
        self._require_live()
        if self.pending_restart is None:
            self.trigger_event(
                self.RestartRequested,
                operation_id=operation_id,
                reason=reason or "restart requested",
                actor=actor,
                timestamp=now,
            )

    def record_restarted(self, operation_id: str, *, actor: Actor, now: datetime) -> None:
        """The requested restart happened (repeats are ignored)."""
        if self.pending_restart == operation_id:
            self.trigger_event(
                self.Restarted, operation_id=operation_id, actor=actor, timestamp=now
            )

    def _require_live(self) -> None:
        if self.state is not DeploymentState.HEALTHY:
            raise InvalidTransitionError(
                "only a healthy (live) release has running replicas; "
                f"this one is {self.state.value}"
            )

    def record_healthy(
        self, *, policy: DeadlinePolicy, operation_id: str | None, actor: Actor, now: datetime
    ) -> bool:
        """Every replica passed its health check: this is now the live release."""
        return self._move(
            self.BecameHealthy,
            DeploymentState.HEALTHY,
            "all replicas healthy",
            policy,
            operation_id,
            actor,
            now,
        )

    def fail(self, reason: str, *, operation_id: str | None, actor: Actor, now: datetime) -> bool:
        """Something went wrong; the release stops for good."""
        if operation_id is not None and operation_id in self.operations:
            return False
        self._require_active("fail")
        self._trigger_failed(reason, operation_id, actor, now)
        return True

    def cancel(self, reason: str, *, actor: Actor, now: datetime) -> None:
        """Stop a release that has not finished."""
        self._require_active("cancel")
        self.trigger_event(
            self.Cancelled,
            state=DeploymentState.CANCELLED,
            reason=reason or "cancelled",
            deadline=None,
            operation_id=None,
            actor=actor,
            timestamp=now,
        )

    def supersede(self, by: DeploymentId, *, actor: Actor, now: datetime) -> None:
        """A newer release took over (or replaced this one before it started)."""
        self._check_next(DeploymentState.SUPERSEDED)
        self.trigger_event(
            self.Superseded,
            state=DeploymentState.SUPERSEDED,
            reason=f"superseded by {by}",
            deadline=None,
            operation_id=None,
            by=by,
            actor=actor,
            timestamp=now,
        )

    def roll_back(self, by: DeploymentId, *, actor: Actor, now: datetime) -> None:
        """A rollback to an earlier release took over from this live release."""
        self._check_next(DeploymentState.ROLLED_BACK)
        self.trigger_event(
            self.RolledBack,
            state=DeploymentState.ROLLED_BACK,
            reason=f"rolled back by {by}",
            deadline=None,
            operation_id=None,
            by=by,
            actor=actor,
            timestamp=now,
        )

    @property
    def reason(self) -> str:
        """Why the release is in its current state (the last transition's reason)."""
        return self.history[-1].reason

    def is_overdue(self, now: datetime) -> bool:
        """Whether the release sits in an active state past its deadline."""
        return self.state.is_active and self.deadline is not None and now >= self.deadline

    def expire(self, *, actor: Actor, now: datetime) -> bool:
        """Fail the release if its deadline has passed; returns whether it did."""
        if not self.is_overdue(now):
            return False
        self._trigger_failed(self._deadline_reason(), None, actor, now)
        return True

    def _move(
        self,
        event_class: type[Deployment.Transitioned],
        state: DeploymentState,
        reason: str,
        policy: DeadlinePolicy,
        operation_id: str | None,
        actor: Actor,
        now: datetime,
        **fields: Any,
    ) -> bool:
        if operation_id is not None and operation_id in self.operations:
            return False  # a repeated report of an outcome already recorded
        if self.expire(actor=actor, now=now):
            return False
        self._check_next(state)
        allowed = policy.for_state(state, self.spec)
        self.trigger_event(
            event_class,
            state=state,
            reason=reason,
            deadline=now + allowed if allowed is not None else None,
            operation_id=operation_id,
            actor=actor,
            timestamp=now,
            **fields,
        )
        return True

    def _trigger_failed(
        self, reason: str, operation_id: str | None, actor: Actor, now: datetime
    ) -> None:
        self.trigger_event(
            self.Failed,
            state=DeploymentState.FAILED,
            reason=reason,
            deadline=None,
            operation_id=operation_id,
            failed_in=self.state,
            actor=actor,
            timestamp=now,
        )

    def _deadline_reason(self) -> str:
        started = self.history[-1].at if self.history else None
        if started is None or self.deadline is None:
            return "deadline exceeded"
        allowed = int((self.deadline - started).total_seconds())
        return f"deadline exceeded: {self.state.value} for more than {allowed}s"

    def _check_next(self, state: DeploymentState) -> None:
        if state not in _NEXT.get(self.state, frozenset()):
            allowed = sorted(s.value for s in _NEXT.get(self.state, frozenset()))
            raise InvalidTransitionError(
                f"a {self.state.value} deployment cannot become {state.value}"
                + (f" (it can become: {', '.join(allowed)})" if allowed else " (it has ended)")
            )

    def _require_active(self, verb: str) -> None:
        if not self.state.is_active:
            raise InvalidTransitionError(
                f"cannot {verb} a {self.state.value} deployment; only queued, building, built "
                "or starting deployments can"
            )
