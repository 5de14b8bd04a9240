"""Preview environments: one per pull request, made from a base environment (issue 14).

The policy (per project) says whether pull requests get previews, from which environment,
which services, with which variable overrides, and the guards no peer has: a time to live,
a per-project limit and a disk guard. The pure functions below decide with it; the
``Preview`` aggregate records one pull request's preview from opening to removal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor, derived_id
from domain.triggers import path_watched

MAX_TTL_DAYS = 365
MAX_LIMIT = 100
MAX_OVERRIDES = 100
_ENVIRONMENT_NAME = re.compile(r"^pr-(?P<number>[0-9]{1,9})$")


class PreviewServices(Enum):
    """Which services a preview deploys."""

    TOUCHED = "touched"
    """The services whose files the pull request changed (all of them when that is unknown)."""
    ALL = "all"


class WhenFull(Enum):
    """What happens when a new preview would pass the project's limit."""

    REMOVE_OLDEST = "remove_oldest"
    REFUSE_NEW = "refuse_new"


class PreviewState(Enum):
    """Where a preview is in its life."""

    ACTIVE = "active"
    REFUSED = "refused"
    REMOVING = "removing"
    REMOVED = "removed"


@dataclass(frozen=True)
class PreviewPolicy:
    """A project's preview settings; values of the overrides are sealed, never in clear."""

    enabled: bool = False
    base_environment_id: UUID | None = None
    """Variables are copied from here (None: the production environment)."""
    services: PreviewServices = PreviewServices.TOUCHED
    overrides: tuple[tuple[str, str], ...] = ()
    """(name, sealed value): set in every preview over the base environment's variables."""
    ttl_days: int = 7
    """A preview without a push for this many days is removed."""
    limit: int = 5
    when_full: WhenFull = WhenFull.REMOVE_OLDEST
    min_free_disk_gb: float | None = None
    min_free_disk_percent: float | None = None

    def check(self) -> PreviewPolicy:
        """Raise InvalidValueError unless every value is within its bounds."""
        if not 1 <= self.ttl_days <= MAX_TTL_DAYS:
            raise InvalidValueError("ttl_days", f"must be 1 to {MAX_TTL_DAYS} days")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidValueError("limit", f"must be 1 to {MAX_LIMIT} previews")
        if len(self.overrides) > MAX_OVERRIDES:
            raise InvalidValueError("overrides", f"at most {MAX_OVERRIDES} overrides")
        gb, percent = self.min_free_disk_gb, self.min_free_disk_percent
        if gb is not None and not 0 <= gb <= 1_000_000:
            raise InvalidValueError("min_free_disk_gb", "must be 0 to 1000000 GB")
        if percent is not None and not 0 <= percent <= 100:
            raise InvalidValueError("min_free_disk_percent", "must be 0 to 100 percent")
        return self


@dataclass(frozen=True)
class ServiceSource:
    """What decides whether a pull request touches a service: its root and watch paths."""

    service_id: UUID
    root_directory: str = ""
    watch_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiskSpace:
    """Free and total bytes of a node's Docker data root."""

    free_bytes: int
    total_bytes: int


def touched_services(
    services: list[ServiceSource], paths: tuple[str, ...] | None
) -> list[ServiceSource]:
    """The services a pull request's changed ``paths`` touch, as Railway decides: a file
    under the service's watch paths (when it has any), else under its root directory.
    ``paths`` None (not known): every service is touched."""
    if paths is None:
        return list(services)
    touched = []
    for service in services:
        if service.watch_paths:
            hit = any(path_watched(w, p) for w in service.watch_paths for p in paths)
        else:
            root = service.root_directory.strip("/").removeprefix("./")
            hit = bool(paths) and (not root or any(path_watched(root, p) for p in paths))
        if hit:
            touched.append(service)
    return touched


def evictions(
    active: list[tuple[UUID, datetime]], limit: int, when_full: WhenFull
) -> list[UUID] | None:
    """Which active previews (id, opened at) to remove so one more fits under ``limit``:
    the oldest first; None when the policy refuses the new one instead."""
    excess = len(active) + 1 - limit
    if excess <= 0:
        return []
    if when_full is WhenFull.REFUSE_NEW:
        return None
    return [ident for ident, _ in sorted(active, key=lambda a: (a[1], str(a[0])))[:excess]]


def disk_too_low(policy: PreviewPolicy, disk: DiskSpace | None) -> str | None:
    """Why the node's free disk is under the policy's threshold (None: enough, or no
    threshold). Unknown free disk with a threshold set refuses: the guard must not pass blind."""
    if policy.min_free_disk_gb is None and policy.min_free_disk_percent is None:
        return None
    if disk is None:
        return "the node's free disk could not be measured; the disk guard refuses blind"
    free_gb = disk.free_bytes / 1024**3
    if policy.min_free_disk_gb is not None and free_gb < policy.min_free_disk_gb:
        return f"the node has {free_gb:.1f} GB free, under the {policy.min_free_disk_gb:g} GB guard"
    if policy.min_free_disk_percent is not None and disk.total_bytes > 0:
        percent = 100 * disk.free_bytes / disk.total_bytes
        if percent < policy.min_free_disk_percent:
            return (
                f"the node has {percent:.1f}% disk free, under the "
                f"{policy.min_free_disk_percent:g}% guard"
            )
    return None


def environment_name(number: int) -> str:
    """The environment a pull request's preview lives in: ``pr-<number>``."""
    return f"pr-{number}"


def number_of(environment: str) -> int | None:
    """The pull request number of a preview environment's name (None: not one)."""
    match = _ENVIRONMENT_NAME.match(environment)
    return int(match["number"]) if match else None


@dataclass(frozen=True)
class PullRequestInfo:
    """What a preview records of its pull request."""

    repository: str
    number: int
    title: str
    head_branch: str
    base_branch: str
    head_commit: str
    from_fork: bool = False
    url: str = ""


@dataclass(frozen=True)
class Comment:
    """A comment the pull request is to be told (posted once per operation id)."""

    operation_id: str
    body: str


class Preview(ContainrAggregate):
    """One pull request's preview environment in one project."""

    class Opened(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        connection_id: UUID
        pull_request: PullRequestInfo
        environment_id: UUID | None
        state: PreviewState
        reason: str
        service_ids: tuple[UUID, ...]
        deployment_ids: tuple[UUID, ...]
        urls: tuple[str, ...]

    class Reopened(ContainrAggregate.Event):
        pull_request: PullRequestInfo
        environment_id: UUID | None
        state: PreviewState
        reason: str
        service_ids: tuple[UUID, ...]
        deployment_ids: tuple[UUID, ...]
        urls: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate._open(self)

    class Updated(ContainrAggregate.Event):
        pull_request: PullRequestInfo
        service_ids: tuple[UUID, ...]
        deployment_ids: tuple[UUID, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.pull_request = self.pull_request
            aggregate.service_ids = self.service_ids
            aggregate._active_at = self.timestamp
            aggregate.deployment_ids += self.deployment_ids

    class RemovalStarted(ContainrAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.state = PreviewState.REMOVING
            aggregate.reason = self.reason

    class Removed(ContainrAggregate.Event):
        environment_id: UUID
        service_ids: tuple[UUID, ...]
        """Every service of the project: the rows of each in the environment go."""
        variables: tuple[tuple[UUID, tuple[str, ...]], ...]
        """(variable set id, names) of the environment: their rows go."""
        deployment_ids: tuple[UUID, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.state = PreviewState.REMOVED

    class CommentRequested(ContainrAggregate.Event):
        comment: Comment

        def apply(self, aggregate: Any) -> None:
            aggregate.comments[self.comment.operation_id] = self.comment

    class CommentRecorded(ContainrAggregate.Event):
        operation_id: str
        posted: bool
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.comments.pop(self.operation_id, None)

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        connection_id: UUID,
        pull_request: PullRequestInfo,
        environment_id: UUID | None,
        state: PreviewState,
        reason: str,
        service_ids: tuple[UUID, ...],
        deployment_ids: tuple[UUID, ...],
        urls: tuple[str, ...],
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.connection_id = connection_id
        self.comments: dict[str, Comment] = {}
        self.generation = 0
        self._reopened_at: datetime | None = None
        self._active_at: datetime | None = None
        self._assign(pull_request, environment_id, state, reason, service_ids, deployment_ids, urls)

    def _assign(
        self,
        pull_request: PullRequestInfo,
        environment_id: UUID | None,
        state: PreviewState,
        reason: str,
        service_ids: tuple[UUID, ...],
        deployment_ids: tuple[UUID, ...],
        urls: tuple[str, ...],
    ) -> None:
        self.pull_request = pull_request
        self.environment_id = environment_id
        self.state = state
        self.reason = reason
        self.service_ids = service_ids
        self.deployment_ids = deployment_ids
        self.urls = urls
        self.generation += 1

    def _open(self, e: Preview.Reopened) -> None:
        self._assign(
            e.pull_request,
            e.environment_id,
            e.state,
            e.reason,
            e.service_ids,
            e.deployment_ids,
            e.urls,
        )
        self._reopened_at = e.timestamp
        self._active_at = None

    @property
    def opened_at(self) -> datetime:
        """When the preview was (last) opened."""
        return self._reopened_at or self.created_on

    @property
    def last_activity(self) -> datetime:
        """When it was opened or last pushed to (what its time to live counts from)."""
        return self._active_at or self.opened_at

    @staticmethod
    def id_for(project_id: UUID, number: int) -> UUID:
        """A project's preview of pull request ``number`` (the environment is ``pr-<n>``)."""
        return derived_id("preview", project_id, number)

    @staticmethod
    def environment_id_for(preview_id: UUID, generation: int) -> UUID:
        """The environment of a preview's ``generation``-th opening (a reopened pull request
        gets a fresh one: the old one's leftovers can never be mistaken for it)."""
        return derived_id("preview-environment", preview_id, generation)

    @staticmethod
    def deployment_id_for(preview_id: UUID, service_id: UUID, commit: str, generation: int) -> UUID:
        """The release of a service at a commit in a preview (requested once)."""
        return derived_id("preview-deployment", preview_id, generation, service_id, commit)

    @classmethod
    def open(
        cls,
        *,
        organization_id: UUID,
        project_id: UUID,
        connection_id: UUID,
        pull_request: PullRequestInfo,
        environment_id: UUID | None,
        reason: str,
        service_ids: tuple[UUID, ...] = (),
        deployment_ids: tuple[UUID, ...] = (),
        urls: tuple[str, ...] = (),
        actor: Actor,
        now: datetime,
    ) -> Preview:
        """Record a pull request's preview, made (``environment_id`` given) or refused."""
        return cls._create(
            cls.Opened,
            id=cls.id_for(project_id, pull_request.number),
            organization_id=organization_id,
            project_id=project_id,
            connection_id=connection_id,
            pull_request=pull_request,
            environment_id=environment_id,
            state=PreviewState.ACTIVE if environment_id else PreviewState.REFUSED,
            reason=reason,
            service_ids=service_ids,
            deployment_ids=deployment_ids,
            urls=urls,
            actor=actor,
            timestamp=now,
        )

    @property
    def is_active(self) -> bool:
        """Whether the preview is running (or being made)."""
        return self.state is PreviewState.ACTIVE

    def reopen(
        self,
        pull_request: PullRequestInfo,
        environment_id: UUID | None,
        reason: str,
        service_ids: tuple[UUID, ...],
        deployment_ids: tuple[UUID, ...],
        urls: tuple[str, ...],
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Open the preview again (after it was removed or refused)."""
        if self.state in (PreviewState.ACTIVE, PreviewState.REMOVING):
            raise RuleViolatedError(f"the preview of #{self.pull_request.number} is not closed")
        self.trigger_event(
            self.Reopened,
            pull_request=pull_request,
            environment_id=environment_id,
            state=PreviewState.ACTIVE if environment_id else PreviewState.REFUSED,
            reason=reason,
            service_ids=service_ids,
            deployment_ids=deployment_ids,
            urls=urls,
            actor=actor,
            timestamp=now,
        )

    def update(
        self,
        pull_request: PullRequestInfo,
        service_ids: tuple[UUID, ...],
        deployment_ids: tuple[UUID, ...],
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """A push to the pull request: its new head, redeployed."""
        if not self.is_active:
            raise RuleViolatedError(f"the preview of #{self.pull_request.number} is not active")
        self.trigger_event(
            self.Updated,
            pull_request=pull_request,
            service_ids=service_ids,
            deployment_ids=deployment_ids,
            actor=actor,
            timestamp=now,
        )

    def start_removal(self, reason: str, *, actor: Actor, now: datetime) -> bool:
        """Begin removing everything the preview made; False if it is not active."""
        if not self.is_active:
            return False
        self.trigger_event(self.RemovalStarted, reason=reason, actor=actor, timestamp=now)
        return True

    def record_removed(
        self,
        service_ids: tuple[UUID, ...],
        variables: tuple[tuple[UUID, tuple[str, ...]], ...],
        *,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Everything is gone: containers, networks, routes, images; once."""
        if self.state is not PreviewState.REMOVING or self.environment_id is None:
            return False
        self.trigger_event(
            self.Removed,
            environment_id=self.environment_id,
            service_ids=service_ids,
            variables=variables,
            deployment_ids=self.deployment_ids,
            actor=actor,
            timestamp=now,
        )
        return True

    def tell(self, operation_id: str, body: str, *, actor: Actor, now: datetime) -> None:
        """Ask for a comment on the pull request (once per operation id)."""
        if operation_id in self.comments:
            return
        self.trigger_event(
            self.CommentRequested,
            comment=Comment(operation_id, body),
            actor=actor,
            timestamp=now,
        )

    def record_comment(
        self, operation_id: str, posted: bool, reason: str, *, actor: Actor, now: datetime
    ) -> bool:
        """The outcome of posting a comment; repeats are ignored."""
        if operation_id not in self.comments:
            return False
        self.trigger_event(
            self.CommentRecorded,
            operation_id=operation_id,
            posted=posted,
            reason=reason,
            actor=actor,
            timestamp=now,
        )
        return True

    def expires_at(self, ttl_days: int) -> datetime:
        """When the preview is removed for want of pushes."""
        return self.last_activity + timedelta(days=ttl_days)
