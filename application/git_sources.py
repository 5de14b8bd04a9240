"""What Containr asks of a git connection's provider on a person's behalf (issue 14):
whether its token works, its repositories and branches, and whether a repository a command
connects exists. Every call goes through the GitProviderApi port, whose adapters hold the
deadlines; the token is opened only to hand it to the adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import InvalidValueError, NotFoundError
from application.git_providers import (
    Branch,
    GitProviderApi,
    GitProviderApis,
    Page,
    ProviderAccessError,
    ProviderUnavailableError,
)
from application.ports import Clock, SecretBox
from application.queries import Queries
from domain.git_connection import GitConnection
from domain.ids import Actor
from domain.service_source import WebhookMode, check_full_name

ACTOR = Actor("system:git-connections")
MAX_PER_PAGE = 100
MAX_BRANCH_PAGES = 20
"""How many pages of branches the repository check reads looking for the branch given."""


def webhook_url(public_url: str, connection_id: UUID) -> str:
    """Where a connection's deliveries go: this server's public address + /webhooks/<id>."""
    return f"{public_url.rstrip('/')}/webhooks/{connection_id}"


class ProviderConnections:
    """Opens a git connection's provider API with its token."""

    def __init__(self, apis: GitProviderApis, queries: Queries, secrets: SecretBox) -> None:
        self._apis = apis
        self._queries = queries
        self._secrets = secrets

    def connection(self, connection_id: UUID) -> GitConnection:
        """A live connection (NotFoundError when it is removed)."""
        connection = self._queries.git_connection(connection_id)
        if connection.removed:
            raise NotFoundError("git connection", connection_id)
        return connection

    def api(self, connection: GitConnection) -> GitProviderApi:
        """The provider's API as the connection's token sees it."""
        token = None
        if connection.access_token is not None:
            token = self._secrets.open(
                connection.organization_id,
                GitConnection.token_context(connection.id),
                connection.access_token,
            ).reveal()
        return self._apis.open(connection.provider.value, connection.api_url, token)

    def webhook_secret(self, connection: GitConnection) -> str:
        """The connection's current webhook secret, opened (to register a webhook with it)."""
        return self._queries.webhook_secret(connection.id).reveal()

    def repositories(self, connection_id: UUID, page: int = 1, per_page: int = 50) -> Page:
        """One page of the repositories the connection's token can see."""
        page, per_page = _paging(page, per_page)
        return self.api(self.connection(connection_id)).repositories(page, per_page)

    def branches(
        self, connection_id: UUID, repository: str, page: int = 1, per_page: int = 100
    ) -> Page:
        """One page of a repository's branches."""
        page, per_page = _paging(page, per_page)
        name = check_full_name(repository)
        return self.api(self.connection(connection_id)).branches(name, page, per_page)


def _paging(page: int, per_page: int) -> tuple[int, int]:
    if not 1 <= page <= 10_000:
        raise InvalidValueError("page", "must be between 1 and 10000")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidValueError("perPage", f"must be between 1 and {MAX_PER_PAGE}")
    return page, per_page


@dataclass(frozen=True)
class AccessCheck:
    """What one check of a connection's token found (``unavailable``: nothing recorded)."""

    connection_id: UUID
    status: Literal["ok", "broken", "unavailable"]
    login: str | None
    reason: str | None
    checked_at: datetime
    position: int | None
    """The log position of what the check recorded (None: nothing changed)."""


class ConnectionHealth:
    """Checks a connection's token with the provider's cheapest call (``account``) and
    reports what it found; the connection records only changes (broken, working again)."""

    def __init__(self, bus: CommandBus, connections: ProviderConnections, clock: Clock) -> None:
        self._bus = bus
        self._connections = connections
        self._clock = clock
        self._ctx = Context(actor=ACTOR)

    def check(self, connection_id: UUID) -> AccessCheck:
        """Ask the provider whom the token acts as; a refusal marks the connection broken,
        an outage records nothing."""
        connection = self._connections.connection(connection_id)
        if connection.access_token is None:
            raise InvalidValueError(
                "id",
                f"git connection {connection.name!r} has no access token, so there is nothing "
                "to check; give it one to browse its repositories and register webhooks",
            )
        now = self._clock.now()
        try:
            account = self._connections.api(connection).account()
        except ProviderAccessError as e:
            report = c.ReportGitConnectionAccess(connection_id=connection.id, reason=e.reason)
            position = self._bus.execute(report, self._ctx).position
            return AccessCheck(connection.id, "broken", None, e.reason, now, position)
        except ProviderUnavailableError as e:
            return AccessCheck(connection.id, "unavailable", None, e.reason, now, None)
        report = c.ReportGitConnectionAccess(connection_id=connection.id, login=account.login)
        position = self._bus.execute(report, self._ctx).position
        return AccessCheck(connection.id, "ok", account.login, None, now, position)


class RepositoryConnectionCheck:
    """Refuses a ConnectServiceRepository whose repository or branch the provider does not
    show the connection (run on the way in, once the caller was found allowed)."""

    def __init__(self, connections: ProviderConnections, public_url: str | None) -> None:
        self._connections = connections
        self._public_url = public_url

    def applies(self, command: c.Command) -> bool:
        """Whether ``command`` connects a repository."""
        return isinstance(command, c.ConnectServiceRepository)

    def check(self, command: c.Command) -> None:
        """InvalidValueError naming ``repository``, ``branch`` or ``webhook_mode``; the
        provider's outage passes as UNAVAILABLE (try again)."""
        assert isinstance(command, c.ConnectServiceRepository)
        if command.webhook_mode is WebhookMode.AUTOMATIC and not self._public_url:
            raise InvalidValueError(
                "webhook_mode",
                "this server does not know its public address (CONTAINR_PUBLIC_URL), so the "
                "provider could not reach its webhook; set it, or choose MANUAL",
            )
        name = check_full_name(command.repository)
        api = self._connections.api(self._connections.connection(command.connection_id))
        try:
            api.repository(name)
        except ProviderAccessError as e:
            raise InvalidValueError(
                "repository",
                f"the provider does not show {name!r} to this connection ({e.reason}); choose "
                "one of the connection's repositories",
            ) from None
        for page in range(1, MAX_BRANCH_PAGES + 1):
            listed = api.branches(name, page, MAX_PER_PAGE)
            if any(isinstance(b, Branch) and b.name == command.branch for b in listed.items):
                return
            if listed.next_page is None:
                break
        raise InvalidValueError(
            "branch", f"{name} has no branch {command.branch[:200]!r}; choose one of its branches"
        )


@dataclass(frozen=True)
class GitSources:
    """The provider side of git connections, as the interfaces use it."""

    connections: ProviderConnections
    health: ConnectionHealth
    check: RepositoryConnectionCheck
    public_url: str | None

    def webhook_url(self, connection_id: UUID) -> str | None:
        """The full delivery URL, when this server knows its public address."""
        return webhook_url(self.public_url, connection_id) if self.public_url else None
