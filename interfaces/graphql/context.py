"""Per-request GraphQL context: who is calling, what they may read, and what they may send.

Resolvers read only through ``context.reads`` (the read gate: every row is checked against
the organisation it belongs to) and write only through ``context.execute`` (the write gate
in the command bus). The application's services stay private to this module.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.access import AccessGate
from application.agents import AgentGateway
from application.auth import AuthService, UnauthenticatedError
from application.authz import Permission, Principal
from application.backup_ports import BackupStores
from application.bus import CommandResult, Context
from application.commands import Command
from application.database_figures import DatabaseFigures
from application.errors import UnavailableError
from application.git_sources import GitSources
from application.node_containers import NodeContainers
from application.notifications import NotifierTests
from application.ports import Clock
from application.readgate import Row, Table
from application.reads import Reads
from application.runtime_ports import CertificateReader
from application.services import Services

MAX_PREFETCHED = 10_000
"""Values kept for fields at most (see ``GqlContext.prefetch``)."""


@dataclass
class GqlContext:
    """What every resolver gets: the caller, their reads and commands, the cache's notes."""

    _services: Services
    principal: Principal | None
    client: str
    auth_error: str | None = None
    bearer: str | None = None
    """The credential a WebSocket connection signed in with (checked again while it lasts)."""
    connection_params: dict[str, Any] | None = None
    _seen: set[tuple[str, str]] = field(default_factory=set)
    _seen_rows: list[tuple[tuple[tuple[str, str], ...], list[Row]]] = field(default_factory=list)
    _seen_pinned: list[tuple[str, Sequence[object]]] = field(default_factory=list)
    _seen_pending: int = 0
    cacheable: bool = True
    """False once a resolver reads something change notices do not cover."""
    hub: Any = None
    position: int = 0
    """The highest log position a mutation of this request reached."""
    _reads: Reads | None = None
    _prefetched: dict[tuple[int, str], tuple[object, Any]] = field(default_factory=dict)

    # Who

    def require(self) -> Principal:
        """The signed-in caller, or UNAUTHENTICATED."""
        if self.principal is None:
            raise UnauthenticatedError(self.auth_error or "sign in first (send a bearer token)")
        return self.principal

    @property
    def reads(self) -> Reads:
        """Everything the caller may read (made on first use, once per request)."""
        if self._reads is None:
            caller = self.require()
            # Whatever is read through the gate depends on the caller's memberships.
            self._seen.add(("user", str(caller.user_id)))
            # Weakly: the reads live as long as the context, and a cycle between them would
            # keep every row a request read alive until the collector finds it.
            self._reads = self._services.reads(caller, observe=_weakly(self._observed))
        return self._reads

    def roles(self) -> dict[UUID, str]:
        """The caller's role in each of their organisations."""
        self._seen.add(("user", str(self.require().user_id)))
        return {org: role.value for org, role in self.reads.gate.roles().items()}

    def can(self, organization_id: UUID, permission: Permission) -> bool:
        """Whether the caller may (for showing or hiding things)."""
        self.roles()
        return self.reads.gate.can(organization_id, permission)

    def memberships_changed(self) -> None:
        """The caller's own memberships changed in this request: read them again."""
        if self._reads is not None:
            self._reads.gate.forget()

    # What

    @property
    def auth(self) -> AuthService:
        """Accounts: sign-up, login, sessions, tokens and invitations."""
        return self._services.auth

    @property
    def backup_stores(self) -> BackupStores:
        """Opens the stores of the organisations' backup destinations."""
        if self._services.backup_stores is None:
            raise UnavailableError("this server has no backup stores configured")
        return self._services.backup_stores

    @property
    def agents(self) -> AgentGateway:
        """Node agents: join tokens, credentials and heartbeats (issue 18)."""
        if self._services.agents is None:
            raise UnavailableError("this server does not take node agents")
        return self._services.agents

    @property
    def notifier_tests(self) -> NotifierTests:
        """Sends test messages to the organisations' notifiers."""
        if self._services.notifier_tests is None:
            raise UnavailableError("this server has no notifier channels configured")
        return self._services.notifier_tests

    @property
    def access(self) -> AccessGate | None:
        """The gate of members-only environments and their share links."""
        return self._services.access

    @property
    def sign_in_providers(self) -> tuple[str, ...]:
        """The providers people may sign in with here (GitHub, GitLab)."""
        flow = self._services.sign_in
        return flow.names if flow is not None else ()

    @property
    def node_containers(self) -> NodeContainers:
        """The node page's containers, asked of the nodes' engines (issue 18)."""
        if self._services.node_containers is None:
            raise UnavailableError("this server reaches no node engines")
        return self._services.node_containers

    @property
    def certificates(self) -> CertificateReader | None:
        """Reads custom domains' certificates off the HTTPS listener (None: none here)."""
        return self._services.certificates

    @property
    def databases(self) -> DatabaseFigures | None:
        """Managed databases' figures, asked of their engines (None: no engine here)."""
        return self._services.databases

    @property
    def clock(self) -> Clock:
        """The installation's clock."""
        return self._services.clock

    @property
    def ingress(self) -> tuple[str, str]:
        """Where deployed web services answer: the ingress domain and its listen address."""
        settings = self._services.settings
        return settings.ingress_domain, settings.ingress_listen

    @property
    def git(self) -> GitSources:
        """Git providers' APIs through the connections (UNAVAILABLE when none is wired in)."""
        return self._services.git_sources()

    @property
    def public_url(self) -> str | None:
        """Where git providers reach this server (webhook URLs), when it is set."""
        return self._services.settings.public_url

    @property
    def is_production(self) -> bool:
        """Whether this installation runs in production mode."""
        return self._services.settings.is_production

    def execute(
        self, command: Command, client_mutation_id: str | None, wait: tuple[str, ...]
    ) -> CommandResult:
        """Send a command as the caller; with ``wait``, return once those read models show it."""
        result = self._services.execute(
            command, Context.of(self.require(), client_mutation_id or None), wait_for=wait
        )
        self.saw(result.position)
        return result

    def wait_for(self, position: int | None, models: tuple[str, ...] = ("dashboard",)) -> None:
        """Return once the read models show ``position`` (read-your-writes)."""
        if position is not None:
            self._services.wait_for(position, models)
            self.saw(position)

    def log_head(self) -> int:
        """The newest position of the event log."""
        return self._services.events.head()

    def saw(self, position: int | None) -> None:
        """A mutation of this request reached ``position``."""
        if position is not None and position > self.position:
            self.position = position

    # The response cache's notes

    @property
    def reads_seen(self) -> set[tuple[str, str]]:
        """The (kind, id) change notices the response depends on (for the response cache)."""
        for notices, rows in self._seen_rows:
            for kind, column in notices:
                self._seen.update([(kind, str(row[column])) for row in rows])
        self._seen_rows.clear()
        for kind, values in self._seen_pinned:
            self._seen.update([(kind, str(value)) for value in values])
        self._seen_pinned.clear()
        self._seen_pending = 0
        return self._seen

    def _observed(self, table: Table, where: dict[str, object], rows: list[Row]) -> None:
        """A read passed the gate: the response depends on the notices that would change it.
        (The notices of the rows and of the ids the filter pins are named when asked: a
        response the cache never keeps does not spend time on them.)"""
        pinned = False
        for kind, column in table.notices:
            if column in where:
                pinned = True
                value = where[column]
                values = tuple(value) if isinstance(value, list | tuple) else (value,)
                self._seen_pinned.append((kind, values))
                self._seen_pending += len(values)
        if table.notices and rows:
            self._seen_rows.append((table.notices, rows))
            self._seen_pending += len(rows)
        if self._seen_pending > MAX_PREFETCHED:  # a long-lived WebSocket context
            _ = self.reads_seen
        if not table.notices or not (pinned or set(where) <= set(table.key)):
            self.cacheable = False  # a change could add rows no notice of this read names

    def depends_on(self, kind: str, ident: object) -> None:
        """Record that the response depends on an entity (for the response cache)."""
        self._seen.add((kind, str(ident)))

    # Values a parent resolver loaded for its children (batched loading)

    def prefetch(self, root: object, name: str, value: Any) -> None:
        """Keep ``value`` as the result of field ``name`` of ``root`` for this request.

        A WebSocket connection keeps one context for all its subscriptions' messages: past
        ``MAX_PREFETCHED`` values it starts afresh (a field whose value is gone reads it)."""
        if len(self._prefetched) >= MAX_PREFETCHED:
            self._prefetched.clear()
        self._prefetched[(id(root), name)] = (root, value)

    def prefetched(self, root: object, name: str) -> Any:
        """A value ``prefetch`` kept for ``root``'s field ``name``, or None."""
        found = self._prefetched.get((id(root), name))
        return found[1] if found is not None else None

    def kept_values(self) -> dict[tuple[int, str], tuple[object, Any]]:
        """What ``prefetch`` keeps, by ``(id(root), name)``: ``(root, value)`` (for the row
        execution, which looks up hundreds of them per request)."""
        return self._prefetched


def _weakly(method: Callable[..., None]) -> Callable[..., None]:
    """``method`` called through a weak reference to its object (nothing once it is gone)."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> None:
        found = ref()
        if found is not None:
            found(*args)

    return call
