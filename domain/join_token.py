"""Join tokens: one-time, expiring, organisation-scoped invitations for a node agent (issue 18).

Only the token's hash is ever recorded; the aggregate's id is derived from that hash, so the
token a joining agent presents finds its record without any index, and a forged one finds none.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor, OrganizationId

MIN_TTL = timedelta(minutes=1)
MAX_TTL = timedelta(days=7)
_NAMESPACE = uuid5(NAMESPACE_URL, "containr:join-token")


class JoinTokenRefusedError(RuleViolatedError):
    """Raised when a join token is expired or already used."""

    code = "UNAUTHENTICATED"


def join_token_id(token_hash: str) -> UUID:
    """The id of the join token whose hash is ``token_hash``."""
    return uuid5(_NAMESPACE, token_hash)


class JoinToken(ContainrAggregate):
    """A token an organisation admin hands to one host so its agent can join once."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        token_hash: str
        expires_at: datetime

    class Redeemed(ContainrAggregate.Event):
        """An agent joined with the token: it made the node ``node_id`` and cannot be reused."""

        node_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.node_id = self.node_id

    def __init__(self, organization_id: UUID, token_hash: str, expires_at: datetime) -> None:
        self.organization_id = organization_id
        self.token_hash = token_hash
        self.expires_at = expires_at
        self.node_id: UUID | None = None

    @classmethod
    def create(
        cls,
        organization_id: OrganizationId,
        token_hash: str,
        ttl: timedelta,
        *,
        actor: Actor,
        now: datetime,
    ) -> JoinToken:
        """A new token valid for ``ttl`` (between a minute and a week)."""
        if not MIN_TTL <= ttl <= MAX_TTL:
            raise InvalidValueError(
                "expires_in_minutes", "must be between 1 minute and 7 days (10080 minutes)"
            )
        if len(token_hash) != 64:
            raise InvalidValueError("token_hash", "must be a SHA-256 hex digest")
        return cls._create(
            cls.Created,
            id=join_token_id(token_hash),
            organization_id=organization_id,
            token_hash=token_hash,
            expires_at=now + ttl,
            actor=actor,
            timestamp=now,
        )

    @property
    def used(self) -> bool:
        """Whether an agent has joined with the token already."""
        return self.node_id is not None

    def redeem(self, node_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Spend the token on the node ``node_id``; an expired or used token is refused."""
        if self.used:
            raise JoinTokenRefusedError("this join token was used already; create a new one")
        if now >= self.expires_at:
            raise JoinTokenRefusedError("this join token has expired; create a new one")
        self.trigger_event(self.Redeemed, node_id=node_id, actor=actor, timestamp=now)
