"""GraphQL subscriptions: live updates from change notices, resumable after a position, read
through the caller's read gate and re-authorised while they run.

A subscription ends with a coded error as soon as its caller may no longer read what it
follows: within a notice's delivery of a membership or role change, a logout, a revoked
token, and at the moment the caller's token expires.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread
import strawberry
from msgspec.structs import replace
from strawberry.types import Info

from application.auth import UnauthenticatedError
from application.authz import Permission
from application.changes import ChangeBatch, ChangeFeed
from application.errors import InvalidValueError
from application.logs import LogQuery
from application.metrics_ports import METRICS_NOTICES, SERVICE_METRICS_CHANGED
from interfaces.graphql import previews
from interfaces.graphql.alerts import Incident
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, uuid_of
from interfaces.graphql.git import WebhookDelivery
from interfaces.graphql.metrics import DEFAULT_WINDOW, MetricPoint, MetricSeriesUpdate
from interfaces.graphql.types import (
    AuditEntry,
    Cluster,
    Deployment,
    Guest,
    LogLine,
    Node,
    Service,
    ctx,
)

T = TypeVar("T")
Key = tuple[str, str, str]  # (read model, entity kind, entity id)
READ_SHARING_SECONDS = 2.0
PAGE = 200
"""Rows read at once when a subscription replays what changed after its position."""
SESSION_NOTICES = "auth"
"""The change-feed "model" of session notices (a logout ends a session's subscriptions)."""


class NoticeHub:
    """Fans this process's change notices out to the subscriptions waiting for them."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._watchers: dict[
            Key, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[tuple[Key, int]]]]
        ] = defaultdict(set)
        self._lock = threading.Lock()
        self._reads: dict[tuple[Key, int], asyncio.Future[Any]] = {}
        self.open = 0
        self.counted: Callable[[int], object] = lambda _open: None
        """Told the number of open subscriptions each time it changes (the metrics)."""
        self._stop = feed.listen(self._heard)

    def _heard(self, batch: ChangeBatch) -> None:
        with self._lock:
            targets = [
                (watcher, key, change.position)
                for change in batch.changes
                for key in [(batch.model, change.kind, change.id)]
                for watcher in self._watchers.get(key, ())
            ]
        for (loop, queue), key, position in targets:
            loop.call_soon_threadsafe(queue.put_nowait, (key, position))

    @asynccontextmanager
    async def watch(self, *keys: Key) -> AsyncIterator[asyncio.Queue[tuple[Key, int]]]:
        """A queue of (key, position) for changes to ``keys``, while the block runs."""
        watcher = (asyncio.get_running_loop(), asyncio.Queue[tuple[Key, int]]())
        with self._lock:
            for key in keys:
                self._watchers[key].add(watcher)
            self.open += 1
            self.counted(self.open)
        try:
            yield watcher[1]
        finally:
            with self._lock:
                for key in keys:
                    self._watchers[key].discard(watcher)
                    if not self._watchers[key]:
                        del self._watchers[key]
                self.open -= 1
                self.counted(self.open)

    async def read(self, key: Key, position: int, load: Callable[[], T]) -> T:
        """The result of ``load`` after the change at ``position`` to ``key``, read once and
        shared by every subscription that watches ``key`` (one query, not one per watcher).

        A subscriber may get a row another subscriber's gate read: each admits it by its own
        memberships (see ``_follow``)."""
        shared = (key, position)
        task = self._reads.get(shared)
        if task is None:
            task = asyncio.ensure_future(call(load))
            self._reads[shared] = task
            loop = asyncio.get_running_loop()
            task.add_done_callback(
                lambda _: loop.call_later(READ_SHARING_SECONDS, self._reads.pop, shared, None)
            )
        result: T = await asyncio.shield(task)
        return result

    def close(self) -> None:
        """Stop listening."""
        self._stop()


async def call(function: Callable[..., T], *args: Any) -> T:
    """Run blocking application code in a worker thread."""
    return await anyio.to_thread.run_sync(function, *args)


async def next_notice(
    queue: asyncio.Queue[tuple[Key, int]], seconds: float | None
) -> tuple[Key, int] | None:
    """The next notice in ``queue``, or None once ``seconds`` have passed (never, for None).

    A cancellation always goes through, even when a notice arrives at the same moment.
    (``asyncio.wait_for`` in Python 3.11 then answers the notice and drops the cancellation:
    a subscription whose client went away kept waiting for ever, and held up the server's
    shutdown.)"""
    try:
        async with asyncio.timeout(seconds):
            return await queue.get()
    except TimeoutError:
        return None


class Live:
    """A subscription's caller, re-authorised whenever their account, memberships or session
    change, and until their token expires."""

    def __init__(self, info: Info[GqlContext, None]) -> None:
        self.context = ctx(info)
        self.principal = self.context.require()
        self.hub: NoticeHub = self.context.hub
        self.organization: UUID | None = None
        self.what = "this"

    def keys(self) -> list[Key]:
        """Notices after which the caller's authorisation is checked again."""
        keys: list[Key] = [("dashboard", "user", str(self.principal.user_id))]
        if self.principal.session_id is not None:
            keys.append((SESSION_NOTICES, "session", str(self.principal.session_id)))
        return keys

    def policy_keys(self) -> list[Key]:
        """Notices after which a caller who did not sign in at a provider is checked again:
        the followed organisation may have come to require it."""
        if self.organization is None or self.principal.through_provider:
            return []
        return [("dashboard", "organization", str(self.organization))]

    async def follows(self, kind: str, ident: object, argument: str) -> Any:
        """Read the entity the subscription follows (through the gate); its organisation is
        what the caller must keep reading."""
        row = await call(entity, self.context.reads, kind, ident, argument)
        self.organization = row.id if kind == "organization" else row.organization_id
        self.what = kind
        return row

    def check(self) -> None:
        """UNAUTHENTICATED unless the credential still works; FORBIDDEN unless the caller may
        still read the organisation (read anew)."""
        bearer = self.context.bearer
        if bearer is not None:
            self.context.auth.authenticate(bearer, fresh=True)
        self.context.reads.gate.forget()
        self.context.reads.gate.require(self.organization, Permission.READ, self.what)

    def admit(self) -> None:
        """FORBIDDEN unless the caller may read the followed organisation (memberships as last
        read: ``check`` reads them anew when they change)."""
        self.context.reads.gate.require(self.organization, Permission.READ, self.what)

    def _seconds_left(self) -> float | None:
        expires = self.principal.expires_at
        if expires is None:
            return None
        return (expires - datetime.now(UTC)).total_seconds()

    async def next_change(self, queue: asyncio.Queue[tuple[Key, int]], last: int) -> int:
        """Wait for a change after ``last`` (coalescing a burst of notices into one); check
        the caller again when their own notices arrive; end the subscription at expiry."""
        own = set(self.keys())
        recheck = own | set(self.policy_keys())
        while True:
            left = self._seconds_left()
            if left is not None and left <= 0:
                raise UnauthenticatedError("the token expired; sign in again to follow this")
            item = await next_notice(queue, left)
            if item is None:
                continue
            items = [item]
            while not queue.empty():
                items.append(queue.get_nowait())
            if any(key in recheck for key, _ in items):
                await call(self.check)
            position = max((p for key, p in items if key not in own), default=0)
            if position > last:
                return position

    @asynccontextmanager
    async def watch(self, *keys: Key) -> AsyncIterator[asyncio.Queue[tuple[Key, int]]]:
        """The notices of ``keys`` and of the caller's own account."""
        extra = [key for key in self.policy_keys() if key not in keys]
        async with self.hub.watch(*keys, *self.keys(), *extra) as queue:
            yield queue


@strawberry.type
class Subscription:
    """Live updates; each takes `after` (a position) to resume without missing anything."""

    @strawberry.subscription(description="A deployment's state as it changes.")
    async def deployment_updated(
        self, info: Info[GqlContext, None], deployment_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Deployment, None]:
        live = Live(info)
        row = await live.follows("deployment", deployment_id, "deploymentId")
        dashboard = live.context.reads.dashboard
        async for found in _follow(
            live,
            ("dashboard", "deployment", str(row.id)),
            functools.partial(dashboard.deployment, row.id),
            lambda r: r.position,
            after,
        ):
            yield found

    @strawberry.subscription(description="A pull request's preview environment as it changes.")
    async def preview_updated(
        self, info: Info[GqlContext, None], preview_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[previews.Preview, None]:
        live = Live(info)
        row = await live.follows("preview", preview_id, "previewId")
        dashboard = live.context.reads.dashboard
        async for found in _follow(
            live,
            ("dashboard", "preview", str(row.id)),
            functools.partial(dashboard.preview, row.id),
            lambda r: r.position,
            after,
        ):
            yield found

    @strawberry.subscription(description="A service (settings, states, deployments) as it changes.")
    async def service_updated(
        self, info: Info[GqlContext, None], service_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Service, None]:
        live = Live(info)
        row = await live.follows("service", service_id, "serviceId")
        dashboard = live.context.reads.dashboard
        async for found in _follow(
            live,
            ("dashboard", "service", str(row.id)),
            functools.partial(_service_and_version, dashboard, row.id),
            lambda pair: pair[1],
            after,
        ):
            yield found[0]

    @strawberry.subscription(
        description="A service's deployments (every environment), each as it changes: those "
        "changed after `after` (a position) in the order they changed, then live."
    )
    async def service_deployments(
        self, info: Info[GqlContext, None], service_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Deployment, None]:
        live = Live(info)
        service = await live.follows("service", service_id, "serviceId")
        dashboard = live.context.reads.dashboard
        # Every change to a deployment row also announces its service.
        async with live.watch(("dashboard", "service", str(service.id))) as queue:
            last = after
            while True:
                while True:
                    rows = await call(
                        functools.partial(
                            dashboard.deployments_changed, service.id, after=last, limit=PAGE
                        )
                    )
                    for row in rows:
                        last = row.position
                        yield row
                    if len(rows) < PAGE:
                        break
                await live.next_change(queue, last)

    @strawberry.subscription(
        description="A project's audit entries, replayed after `after`, then live."
    )
    async def project_activity(
        self, info: Info[GqlContext, None], project_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[AuditEntry, None]:
        live = Live(info)
        project = await live.follows("project", project_id, "projectId")
        history = live.context.reads.history
        async with live.watch(("history", "activity", str(project.id))) as queue:
            last = after
            while True:
                for row in await call(_entries_after, history, project.id, last):
                    last = row.position
                    yield row
                await live.next_change(queue, last)

    @strawberry.subscription(description="A deployment's build log: what exists, then live.")
    async def build_logs(
        self, info: Info[GqlContext, None], deployment_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[LogLine, None]:
        async for line in _log_stream(info, deployment_id, after, ("build",)):
            yield line

    @strawberry.subscription(description="A deployment's runtime and system log, then live.")
    async def deployment_logs(
        self, info: Info[GqlContext, None], deployment_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[LogLine, None]:
        async for line in _log_stream(info, deployment_id, after, ("runtime", "system")):
            yield line

    @strawberry.subscription(
        description="A service's log lines, of every deployment (or one), filtered by stream "
        "and text: those after the cursor `after` (a line id), then live."
    )
    async def service_logs(
        self,
        info: Info[GqlContext, None],
        service_id: strawberry.ID,
        deployment_id: strawberry.ID | None = None,
        stream: str | None = None,
        text: str | None = None,
        after: int = 0,
    ) -> AsyncGenerator[LogLine, None]:
        if stream is not None and stream not in ("build", "runtime", "system"):
            raise InvalidValueError("stream", "must be build, runtime or system")
        live = Live(info)
        row = await live.follows("service", service_id, "serviceId")
        query = LogQuery(
            service_id=row.id,
            deployment_id=uuid_of(deployment_id, "deploymentId") if deployment_id else None,
            stream=stream,  # type: ignore[arg-type]  # checked above
            text=text,
            limit=500,
        )
        reads = live.context.reads
        async with live.watch(("logs", "service_logs", str(row.id))) as queue:
            cursor = after
            while True:
                while True:
                    entries = await call(reads.logs, replace(query, after_id=cursor))
                    for line in entries:
                        cursor = line.id
                        yield line
                    if len(entries) < query.limit:
                        break
                await live.next_change(queue, cursor)

    @strawberry.subscription(
        description="A service's measurement (as serviceMetrics) from `since`, then the "
        "newest steps again after each collection round (every 10 s)."
    )
    async def service_metrics_updated(
        self,
        info: Info[GqlContext, None],
        service_id: strawberry.ID,
        metric: str,
        since: datetime | None = None,
        step_seconds: int = 60,
        aggregation: str = "avg",
    ) -> AsyncGenerator[MetricSeriesUpdate, None]:
        live = Live(info)
        row = await live.follows("service", service_id, "serviceId")
        reads = live.context.reads
        clock = live.context.clock
        step = timedelta(seconds=step_seconds)
        start = since or clock.now() - DEFAULT_WINDOW
        async with live.watch((METRICS_NOTICES, SERVICE_METRICS_CHANGED, str(row.id))) as queue:
            last = 0
            while True:
                until = clock.now() + step  # the current step, still filling, included
                points = await call(
                    reads.service_series, row.id, metric, (start, until), step, aggregation
                )
                yield MetricSeriesUpdate(points=[MetricPoint(at=a, value=v) for a, v in points])
                if points:
                    start = points[-1][0]
                last = await live.next_change(queue, last)

    @strawberry.subscription(description="Nodes of an organisation as they change.")
    async def node_updated(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Node, None]:
        live = Live(info)
        org = await live.follows("organization", organization_id, "organizationId")
        fetch = functools.partial(live.context.reads.dashboard.nodes, org.id, include_removed=True)
        async for row in _rows_as_they_change(
            live, ("dashboard", "organization_nodes", str(org.id)), fetch, after
        ):
            yield row

    @strawberry.subscription(
        description="An organisation's incidents as they open, fire, resolve and are "
        "acknowledged, and as notifications are handed over (issue 17)."
    )
    async def incident_updated(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Incident, None]:
        live = Live(info)
        org = await live.follows("organization", organization_id, "organizationId")
        fetch = functools.partial(live.context.reads.dashboard.incidents, org.id)
        async for row in _rows_as_they_change(
            live, ("dashboard", "organization_alerts", str(org.id)), fetch, after
        ):
            yield row

    @strawberry.subscription(description="An organisation's clusters as they change.")
    async def cluster_updated(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Cluster, None]:
        live = Live(info)
        org = await live.follows("organization", organization_id, "organizationId")
        fetch = functools.partial(live.context.reads.dashboard.clusters, org.id)
        async for row in _rows_as_they_change(
            live, ("dashboard", "organization_clusters", str(org.id)), fetch, after
        ):
            yield row

    @strawberry.subscription(description="A cluster's guests as they change.")
    async def guest_updated(
        self, info: Info[GqlContext, None], cluster_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Guest, None]:
        live = Live(info)
        cluster = await live.follows("cluster", cluster_id, "clusterId")
        fetch = functools.partial(live.context.reads.dashboard.guests, cluster.id)
        async for row in _rows_as_they_change(
            live, ("dashboard", "cluster", str(cluster.id)), fetch, after
        ):
            yield row

    @strawberry.subscription(
        description="A git connection's webhook deliveries, each as it is received and again "
        "once handled (with what it caused): those changed after `after` (a position) in the "
        "order they changed, then live."
    )
    async def webhook_deliveries(
        self, info: Info[GqlContext, None], connection_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[WebhookDelivery, None]:
        live = Live(info)
        connection = await live.follows("git_connection", connection_id, "connectionId")
        dashboard = live.context.reads.dashboard
        # Every change to a delivery row also announces its connection.
        async with live.watch(("dashboard", "git_connection", str(connection.id))) as queue:
            last = after
            while True:
                while True:
                    rows = await call(
                        functools.partial(
                            dashboard.webhook_deliveries_changed,
                            connection.id,
                            after=last,
                            limit=PAGE,
                        )
                    )
                    for row in rows:
                        last = row.position
                        yield row
                    if len(rows) < PAGE:
                        break
                await live.next_change(queue, last)


async def _follow(
    live: Live,
    key: Key,
    load: Callable[[], T],
    version: Callable[[T], int],
    after: int,
) -> AsyncGenerator[T, None]:
    """One entity as it changes: read again after each notice about it (each read through
    the caller's gate), passed on when its version is newer than the last one sent."""
    async with live.watch(key) as queue:
        last, seen = after, 0
        while True:
            found = await live.hub.read(key, seen, load)
            live.admit()  # the read may have been another subscriber's: check it is ours too
            if version(found) > last:
                last = version(found)
                yield found
            seen = await live.next_change(queue, last)


async def _rows_as_they_change(
    live: Live, notice: Key, fetch: Callable[[], Sequence[Any]], after: int
) -> AsyncGenerator[Any, None]:
    """Rows of a read-model list newer than ``after`` (by position), then each newer one as
    the ``notice`` (model, kind, id) says something changed."""
    async with live.watch(notice) as queue:
        last = after
        while True:
            rows = await call(fetch)
            changed = sorted((r for r in rows if r.position > last), key=lambda r: r.position)
            for row in changed:
                yield row
            if changed:
                last = changed[-1].position
            await live.next_change(queue, last)


async def _log_stream(
    info: Info[GqlContext, None], deployment_id: str, after: int, streams: tuple[str, ...]
) -> AsyncGenerator[LogLine, None]:
    """Existing lines first, then new ones as they are stored."""
    live = Live(info)
    row = await live.follows("deployment", deployment_id, "deploymentId")
    reads = live.context.reads
    async with live.watch(("logs", "deployment_logs", str(row.id))) as queue:
        last = after
        while True:
            while True:
                entries = await call(
                    reads.logs, LogQuery(deployment_id=row.id, after_id=last, limit=500)
                )
                for line in entries:
                    last = line.id
                    if line.stream in streams:
                        yield line
                if len(entries) < 500:
                    break
            await live.next_change(queue, last)


def _service_and_version(dashboard: Any, service_id: UUID) -> tuple[Any, int]:
    """A service row and the newest position of it or its states."""
    row = dashboard.service(service_id)
    states = dashboard.service_states(service_id=service_id)
    return row, max([row.position, *(s.position for s in states)])


def _entries_after(history: Any, project_id: UUID, after: int) -> list[Any]:
    """Audit entries of a project after a position, oldest first (all of them, in pages)."""
    entries: list[Any] = []
    before: int | None = None
    while True:
        page = history.timeline(project_id=project_id, before=before, limit=200)
        fresh = [row for row in page if row.position > after]
        entries.extend(fresh)
        if len(fresh) < len(page) or len(page) < 200:
            break
        before = page[-1].position
    return sorted(entries, key=lambda row: row.position)


__all__ = ["NoticeHub", "Subscription"]
