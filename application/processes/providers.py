"""What the git-provider process managers share: opening a connection's provider API, and
backing off from a provider that does not answer (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from application.git_providers import GitProviderApi, GitProviderApis, ProviderAccessError
from application.queries import Queries
from domain.git_connection import GitConnection


def open_provider(
    queries: Queries, providers: GitProviderApis, connection_id: UUID
) -> GitProviderApi:
    """The provider API of a git connection, its token opened (ProviderAccessError when the
    connection is removed or has no token to act with)."""
    connection = queries.git_connection(connection_id)
    if connection.removed:
        raise ProviderAccessError("the git connection was removed")
    if connection.access_token is None:
        raise ProviderAccessError(
            "the git connection has no access token to call the provider with"
        )
    token = queries.open_sealed(
        connection.organization_id,
        GitConnection.token_context(connection.id),
        connection.access_token,
    )
    return providers.open(connection.provider.value, connection.api_url, token.reveal())


@dataclass
class Backoff:
    """When each key (a deployment, a waiting commit) may be tried again: ``first`` after a
    failure, doubling up to ``cap``. Kept in memory: a restarted process tries everything
    once at once, which is what a restart is for."""

    first: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=5)
    _next: dict[UUID, tuple[datetime, timedelta]] = field(default_factory=dict)

    def due(self, key: UUID, now: datetime) -> bool:
        """Whether ``key`` may be tried at ``now``."""
        entry = self._next.get(key)
        return entry is None or now >= entry[0]

    def failed(self, key: UUID, now: datetime) -> timedelta:
        """``key`` failed at ``now``: how long until it is tried again."""
        entry = self._next.get(key)
        delay = self.first if entry is None else min(entry[1] * 2, self.cap)
        self._next[key] = (now + delay, delay)
        return delay

    def failing(self, key: UUID) -> bool:
        """Whether ``key``'s last try failed."""
        return key in self._next

    def clear(self, key: UUID) -> None:
        """``key`` succeeded (or needs no more tries)."""
        self._next.pop(key, None)
