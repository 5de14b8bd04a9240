"""The git connections process (issue 14): registers and removes the webhooks of services'
connected repositories, and checks every connection's token now and then.

Registering is crash-safe without recording an intent first: before registering, the
repository's webhooks are looked up by this connection's delivery URL, so a worker that died
after the provider made a hook and before ``ReportWebhookRegistered`` was recorded adopts
that hook instead of making a second. Services connected to the same repository through the
same connection share one hook (its URL is the connection's); it is removed when the last of
them disconnects. An unavailable provider records nothing and is tried again with backoff
(kept in memory: a restart tries again at once, which is harmless); a refusal is recorded.
After the connection's webhook secret is rotated, registered webhooks are registered again
with the new secret (the providers' hooks keep the secret they were made with).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import NotFoundError
from application.git_providers import (
    GitProviderApi,
    ProviderAccessError,
    ProviderUnavailableError,
)
from application.git_sources import ConnectionHealth, ProviderConnections, webhook_url
from application.ports import Clock
from application.processes.support import report
from application.queries import Queries
from application.readmodels import DashboardQueries, ServiceSourceRow, WebhookRemovalRow
from domain.ids import Actor
from domain.service_source import WebhookMode, WebhookState, webhook_key

log = logging.getLogger(__name__)
ACTOR = Actor("system:git-connections")


class GitConnectionsProcess:
    """Carries services' webhooks to and from the providers; watches connections' tokens."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        queries: Queries,
        dashboard: DashboardQueries,
        connections: ProviderConnections,
        health: ConnectionHealth,
        clock: Clock,
        public_url: str | None,
        check_seconds: float = 300.0,
        check_budget_seconds: float = 60.0,
        backoff_seconds: float = 5.0,
        max_backoff_seconds: float = 600.0,
    ) -> None:
        self.bus = bus
        self.queries = queries
        self.dashboard = dashboard
        self.connections = connections
        self.health = health
        self.clock = clock
        self.public_url = public_url
        self.check_seconds = check_seconds
        self.check_budget_seconds = check_budget_seconds
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._ctx = Context(actor=ACTOR)
        self._last_check: datetime | None = None
        self._failures: dict[str, tuple[int, datetime]] = {}
        """Per webhook key: failed attempts in a row, and when to try again."""

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the git connections process's tick failed")
            wait(1.0)

    def tick(self) -> None:
        """Remove, then register, the webhooks waiting; check the tokens when due."""
        for removal in self.dashboard.webhook_removals():
            key = webhook_key(removal.connection_id, removal.repository)
            self._step(f"remove:{key}", functools.partial(self.remove, removal))
        for source in self.dashboard.webhooks_registering():
            key = webhook_key(source.connection_id, source.repository)
            self._step(f"register:{key}", functools.partial(self.register, source))
        for source in self._signed_with_old_secrets():
            key = webhook_key(source.connection_id, source.repository)
            self._step(f"renew:{key}", functools.partial(self.renew, source))
        now = self.clock.now()
        if self._last_check is None or now - self._last_check >= timedelta(
            seconds=self.check_seconds
        ):
            self._last_check = now
            self.check_connections()

    def _step(self, key: str, step: Callable[[], None]) -> None:
        """Run one provider step unless it is backing off; an outage backs it off more."""
        failed = self._failures.get(key)
        if failed is not None and self.clock.now() < failed[1]:
            return
        try:
            step()
        except (ProviderUnavailableError, ProviderAccessError) as e:
            count = failed[0] + 1 if failed else 1
            delay = min(self.backoff_seconds * 2 ** (count - 1), self.max_backoff_seconds)
            self._failures[key] = (count, self.clock.now() + timedelta(seconds=delay))
            log.warning("%s: %s; trying again in %.0fs", key, e, delay)
            return
        except Exception:
            log.exception("%s failed", key)
            return
        self._failures.pop(key, None)

    def retry_at(self, connection_id: UUID, repository: str, action: str) -> datetime | None:
        """When a step backing off is tried again (None: it is not backing off)."""
        found = self._failures.get(f"{action}:{webhook_key(connection_id, repository)}")
        return found[1] if found else None

    # Webhooks

    def register(self, row: ServiceSourceRow) -> None:
        """Register (or adopt) the webhook of a service's connected repository."""
        service = self.queries.service(row.service_id)
        source = service.source
        if (
            source is None
            or source.webhook_state is not WebhookState.REGISTERING
            or source.key != webhook_key(row.connection_id, row.repository)
        ):
            return  # changed since the read model showed it
        try:
            connection = self.connections.connection(source.connection_id)
        except NotFoundError:
            self._refused(row, "the git connection was removed")
            return
        if not self.public_url:
            self._refused(row, "this server's public address (CONTAINR_PUBLIC_URL) is not set")
            return
        url = webhook_url(self.public_url, connection.id)
        try:
            api = self.connections.api(connection)
            hook = self._find(api, source.repository, url)
            if hook is None:
                secret = self.connections.webhook_secret(connection)
                hook = api.register_webhook(source.repository, url, secret).hook_id
        except ProviderAccessError as e:
            self._refused(row, e.reason)
            return
        self._send(
            c.ReportWebhookRegistered(
                service_id=row.service_id,
                connection_id=source.connection_id,
                repository=source.repository,
                hook_id=hook,
                secret_generation=connection.secret_generation,
            )
        )

    def _signed_with_old_secrets(self) -> list[ServiceSourceRow]:
        """Registered webhooks whose connection's secret was rotated since."""
        stale = []
        for connection in self.dashboard.all_git_connections():
            if connection.secret_generation == 0:
                continue
            stale += [
                s
                for s in self.dashboard.connection_sources(connection.id)
                if s.webhook_state == WebhookState.REGISTERED.value
                and s.secret_generation < connection.secret_generation
            ]
        return stale

    def renew(self, row: ServiceSourceRow) -> None:
        """Register a webhook again with the connection's new secret (the provider's hook
        keeps the secret it was made with; the previous one is accepted meanwhile). The old
        hook goes first, then the URL is looked up: a crash half-way adopts what it made."""
        service = self.queries.service(row.service_id)
        source = service.source
        try:
            connection = self.connections.connection(row.connection_id)
        except NotFoundError:
            return
        if (
            source is None
            or source.webhook_state is not WebhookState.REGISTERED
            or source.key != webhook_key(row.connection_id, row.repository)
            or source.secret_generation >= connection.secret_generation
            or not self.public_url
        ):
            return
        url = webhook_url(self.public_url, connection.id)
        try:
            api = self.connections.api(connection)
            if source.hook_id is not None:
                api.remove_webhook(source.repository, source.hook_id)
            hook = self._find(api, source.repository, url)
            if hook is None:
                secret = self.connections.webhook_secret(connection)
                hook = api.register_webhook(source.repository, url, secret).hook_id
        except ProviderAccessError as e:
            log.warning("webhook on %s: not registered again (%s)", source.repository, e.reason)
            raise  # backed off like an outage: tried again later, not every tick
        self._send(
            c.ReportWebhookRegistered(
                service_id=row.service_id,
                connection_id=source.connection_id,
                repository=source.repository,
                hook_id=hook,
                secret_generation=connection.secret_generation,
            )
        )

    def remove(self, row: WebhookRemovalRow) -> None:
        """Take a disconnected repository's webhook off the provider, unless another service
        still hears the repository through it."""
        service = self.queries.service(row.service_id)
        removal = service.webhook_removals.get(webhook_key(row.connection_id, row.repository))
        if removal is None:
            return
        shared = [
            s
            for s in self.dashboard.repository_users(row.connection_id, row.repository)
            if s.service_id != row.service_id and s.webhook_mode == WebhookMode.AUTOMATIC.value
        ]
        if not shared:
            self._remove_at_provider(row.connection_id, row.repository, removal.hook_id)
        self._send(
            c.ReportWebhookRemoved(
                service_id=row.service_id,
                connection_id=row.connection_id,
                repository=row.repository,
            )
        )

    def _remove_at_provider(self, connection_id: UUID, repository: str, hook: str | None) -> None:
        try:
            connection = self.connections.connection(connection_id)
        except NotFoundError:
            log.warning("webhook on %s: its connection is removed; remove it by hand", repository)
            return
        try:
            api = self.connections.api(connection)
            if self.public_url:
                # Its registration may not have been recorded (a crash): found by URL.
                url = webhook_url(self.public_url, connection_id)
                hook = hook or self._find(api, repository, url)
            if hook is not None:
                api.remove_webhook(repository, hook)
        except ProviderAccessError as e:
            log.warning(
                "the provider refuses to remove the webhook on %s (%s); remove it by hand",
                repository,
                e.reason,
            )

    @staticmethod
    def _find(api: GitProviderApi, repository: str, url: str) -> str | None:
        for hook in api.webhooks(repository):
            if hook.url == url:
                return hook.hook_id
        return None

    def _refused(self, row: ServiceSourceRow, reason: str) -> None:
        self._send(
            c.ReportWebhookRefused(
                service_id=row.service_id,
                connection_id=row.connection_id,
                repository=row.repository,
                reason=reason,
            )
        )

    # Connections

    def check_connections(self) -> None:
        """Check every live connection's token, within a time budget (the rest next time)."""
        budget = time.monotonic() + self.check_budget_seconds
        for org_connection in self.dashboard.all_git_connections():
            if not org_connection.has_access_token:
                continue  # manual webhooks only: nothing to check
            if time.monotonic() > budget:
                log.warning("checking git connections ran out of time; the rest next round")
                return
            try:
                self.health.check(org_connection.id)
            except Exception:
                log.exception("git connection %s: check failed", org_connection.id)

    def _send(self, command: c.Command) -> None:
        report(self.bus, self._ctx, command, log)
