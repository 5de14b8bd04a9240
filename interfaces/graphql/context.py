"""Per-request GraphQL context: who is calling, and what they may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.auth import UnauthenticatedError
from application.authz import Permission, Principal, check_role, grants
from application.bus import Context
from application.services import Services


@dataclass
class GqlContext:
    """What every resolver gets: the services, the caller, and a per-request role cache."""

    services: Services
    principal: Principal | None
    client: str
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    reads: set[tuple[str, str]] = field(default_factory=set)
    cacheable: bool = True
    """False once a resolver reads something change notices do not cover."""
    hub: Any = None
    position: int = 0
    """The highest log position this request's mutations reached (read-your-writes)."""
    _roles: dict[UUID, str] | None = None

    def saw(self, position: int | None) -> None:
        """Note a log position a mutation of this request reached."""
        if position is not None and position > self.position:
            self.position = position

    def require(self) -> Principal:
        """The signed-in caller, or UNAUTHENTICATED."""
        if self.principal is None:
            raise UnauthenticatedError(self.auth_error or "sign in first (send a bearer token)")
        return self.principal

    def roles(self) -> dict[UUID, str]:
        """The caller's role in each of their organisations (read once per request)."""
        if self._roles is None:
            principal = self.require()
            self._roles = {
                m.organization_id: m.role
                for m in self.services.dashboard.memberships(principal.user_id)
            }
            self.reads.add(("user", str(principal.user_id)))
        return self._roles

    def check(self, organization_id: UUID, permission: Permission, what: str) -> None:
        """FORBIDDEN unless the caller's role in the organisation grants ``permission``."""
        check_role(self.require(), self.roles().get(organization_id), permission, what)

    def can(self, organization_id: UUID, permission: Permission) -> bool:
        """Whether the caller may (for showing or hiding things)."""
        return grants(self.require(), self.roles().get(organization_id), permission)

    def command_context(self, command_id: str | None = None) -> Context:
        """The context to send a command with."""
        return Context.of(self.require(), command_id)

    def depends_on(self, kind: str, ident: object) -> None:
        """Record that the response depends on an entity (for the response cache)."""
        self.reads.add((kind, str(ident)))
