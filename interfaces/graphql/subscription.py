"""GraphQL subscriptions: live updates from change notices, resumable after a position."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread
import strawberry
from strawberry.types import Info

from application.authz import Permission
from application.changes import ChangeBatch, ChangeFeed
from application.errors import NotFoundError
from application.logs import LogQuery
from interfaces.graphql.context import GqlContext
from interfaces.graphql.query import uuid_of
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


class NoticeHub:
    """Fans this process's change notices out to the subscriptions waiting for them."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._watchers: dict[Key, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]]] = (
            defaultdict(set)
        )
        self._lock = threading.Lock()
        self._reads: dict[tuple[Key, int], asyncio.Future[Any]] = {}
        self.open = 0
        self._stop = feed.listen(self._heard)

    def _heard(self, batch: ChangeBatch) -> None:
        with self._lock:
            targets = [
                (watcher, change.position)
                for change in batch.changes
                for watcher in self._watchers.get((batch.model, change.kind, change.id), ())
            ]
        for (loop, queue), position in targets:
            loop.call_soon_threadsafe(queue.put_nowait, position)

    @asynccontextmanager
    async def watch(self, *keys: Key) -> AsyncIterator[asyncio.Queue[int]]:
        """A queue of the positions of changes to ``keys``, while the block runs."""
        watcher = (asyncio.get_running_loop(), asyncio.Queue[int]())
        with self._lock:
            for key in keys:
                self._watchers[key].add(watcher)
            self.open += 1
        try:
            yield watcher[1]
        finally:
            with self._lock:
                for key in keys:
                    self._watchers[key].discard(watcher)
                    if not self._watchers[key]:
                        del self._watchers[key]
                self.open -= 1

    async def read(self, key: Key, position: int, load: Callable[[], T]) -> T:
        """The result of ``load`` after the change at ``position`` to ``key``, read once and
        shared by every subscription that watches ``key`` (one query, not one per watcher)."""
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


async def _signed_in(info: Info[GqlContext, None]) -> GqlContext:
    context = ctx(info)
    context.require()
    return context


def _hub(info: Info[GqlContext, None]) -> NoticeHub:
    hub: NoticeHub = ctx(info).hub
    return hub


async def _next_change(queue: asyncio.Queue[int], last: int) -> int:
    """Wait for a change after ``last`` (coalescing a burst of notices into one)."""
    while True:
        position = await queue.get()
        while not queue.empty():
            position = max(position, queue.get_nowait())
        if position > last:
            return position


@strawberry.type
class Subscription:
    """Live updates; each takes `after` (a position) to resume without missing anything."""

    @strawberry.subscription(description="A deployment's state as it changes.")
    async def deployment_updated(
        self, info: Info[GqlContext, None], deployment_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Deployment, None]:
        context = await _signed_in(info)
        ident = uuid_of(deployment_id, "deploymentId")
        row = await call(context.services.dashboard.deployment, ident)
        await call(context.check, row.organization_id, Permission.READ, "deployment")
        key = ("dashboard", "deployment", str(ident))
        hub = _hub(info)
        async with hub.watch(key) as queue:
            last, seen = after, row.position
            while True:
                row = await hub.read(
                    key, seen, functools.partial(context.services.dashboard.deployment, ident)
                )
                if row.position > last:
                    last = row.position
                    yield Deployment.from_row(row)
                seen = await _next_change(queue, last)

    @strawberry.subscription(description="A service (settings, states, deployments) as it changes.")
    async def service_updated(
        self, info: Info[GqlContext, None], service_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Service, None]:
        context = await _signed_in(info)
        ident = uuid_of(service_id, "serviceId")
        row = await call(context.services.dashboard.service, ident)
        await call(context.check, row.organization_id, Permission.READ, "service")
        key = ("dashboard", "service", str(ident))
        hub = _hub(info)
        async with hub.watch(key) as queue:
            last, seen = after, row.position
            while True:
                row, latest = await hub.read(
                    key,
                    seen,
                    functools.partial(_service_and_version, context.services.dashboard, ident),
                )
                if latest > last:
                    last = latest
                    yield Service.from_row(row)
                seen = await _next_change(queue, last)

    @strawberry.subscription(
        description="A project's audit entries, replayed after `after`, then live."
    )
    async def project_activity(
        self, info: Info[GqlContext, None], project_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[AuditEntry, None]:
        context = await _signed_in(info)
        ident = uuid_of(project_id, "projectId")
        project = await call(context.services.dashboard.project, ident)
        await call(context.check, project.organization_id, Permission.READ, "project")
        history = context.services.history
        async with _hub(info).watch(("history", "activity", str(ident))) as queue:
            last = after
            while True:
                rows = await call(_entries_after, history, ident, last)
                for row in rows:
                    last = row.position
                    yield AuditEntry.from_row(row)
                await _next_change(queue, last)

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

    @strawberry.subscription(description="Nodes of an organisation as they change.")
    async def node_updated(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Node, None]:
        context = await _signed_in(info)
        ident = uuid_of(organization_id, "organizationId")
        await call(context.check, ident, Permission.READ, "organisation")
        fetch = functools.partial(context.services.dashboard.nodes, ident, include_removed=True)
        async for row in _rows_as_they_change(
            info, ("dashboard", "organization_nodes", str(ident)), fetch, after
        ):
            yield Node.from_row(row)

    @strawberry.subscription(description="An organisation's clusters as they change.")
    async def cluster_updated(
        self, info: Info[GqlContext, None], organization_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Cluster, None]:
        context = await _signed_in(info)
        ident = uuid_of(organization_id, "organizationId")
        await call(context.check, ident, Permission.READ, "organisation")
        fetch = functools.partial(context.services.dashboard.clusters, ident)
        async for row in _rows_as_they_change(
            info, ("dashboard", "organization_clusters", str(ident)), fetch, after
        ):
            yield Cluster.from_row(row)

    @strawberry.subscription(description="A cluster's guests as they change.")
    async def guest_updated(
        self, info: Info[GqlContext, None], cluster_id: strawberry.ID, after: int = 0
    ) -> AsyncGenerator[Guest, None]:
        context = await _signed_in(info)
        ident = uuid_of(cluster_id, "clusterId")
        row = await call(context.services.dashboard.cluster, ident)
        await call(context.check, row.organization_id, Permission.READ, "cluster")
        fetch = functools.partial(context.services.dashboard.guests, ident)
        async for guest in _rows_as_they_change(
            info, ("dashboard", "cluster", str(ident)), fetch, after
        ):
            yield Guest.from_row(guest)


async def _rows_as_they_change(
    info: Info[GqlContext, None],
    notice: tuple[str, str, str],
    fetch: Callable[[], Sequence[Any]],
    after: int,
) -> AsyncGenerator[Any, None]:
    """Rows of a read-model list newer than ``after`` (by position), then each newer one as
    the ``notice`` (model, kind, id) says something changed."""
    async with _hub(info).watch(notice) as queue:
        last = after
        while True:
            rows = await call(fetch)
            changed = sorted((r for r in rows if r.position > last), key=lambda r: r.position)
            for row in changed:
                yield row
            if changed:
                last = changed[-1].position
            await _next_change(queue, last)


async def _log_stream(
    info: Info[GqlContext, None], deployment_id: str, after: int, streams: tuple[str, ...]
) -> AsyncGenerator[LogLine, None]:
    """Existing lines first, then new ones as they are stored."""
    context = await _signed_in(info)
    ident = uuid_of(deployment_id, "deploymentId")
    row = await call(context.services.dashboard.deployment, ident)
    await call(context.check, row.organization_id, Permission.READ, "deployment's logs")
    async with _hub(info).watch(("logs", "deployment_logs", str(ident))) as queue:
        last = after
        while True:
            while True:
                entries = await call(
                    context.services.logs.read,
                    LogQuery(deployment_id=ident, after_id=last, limit=500),
                )
                for entry in entries:
                    last = entry.id
                    if entry.stream in streams:
                        yield LogLine.from_entry(entry)
                if len(entries) < 500:
                    break
            await _next_change(queue, last)


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


__all__ = ["NotFoundError", "NoticeHub", "Subscription"]
