"""Who may open an environment's web services: anyone, or the organisation's members and
holders of an expiring share link (issue 14: previews visible to members or shared)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError
from domain.ids import Actor, derived_id

MAX_SHARE_HOURS = 24 * 30
"""The longest a share link may last: a month."""
MAX_LIVE_LINKS = 50


class AccessMode(Enum):
    """Who may open the environment's web services."""

    PUBLIC = "public"
    MEMBERS = "members"
    """The organisation's members (signed in), and holders of an unexpired share link."""


@dataclass(frozen=True)
class ShareLink:
    """A link that opens a members-only environment until it expires or is revoked; only
    the hash of its token is kept."""

    id: UUID
    token_hash: str
    expires_at: datetime
    revoked: bool = False

    def admits(self, now: datetime) -> bool:
        """Whether the link still opens the environment at ``now``."""
        return not self.revoked and now < self.expires_at


class EnvironmentAccess(ContainrAggregate):
    """The access setting of one environment and its share links."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        environment_id: UUID

    class ModeChanged(ContainrAggregate.Event):
        mode: AccessMode

        def apply(self, aggregate: Any) -> None:
            aggregate.mode = self.mode

    class ShareLinkCreated(ContainrAggregate.Event):
        link_id: UUID
        token_hash: str
        expires_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.links[self.link_id] = ShareLink(
                self.link_id, self.token_hash, self.expires_at
            )

    class ShareLinkRevoked(ContainrAggregate.Event):
        link_id: UUID

        def apply(self, aggregate: Any) -> None:
            link = aggregate.links[self.link_id]
            aggregate.links[self.link_id] = ShareLink(
                link.id, link.token_hash, link.expires_at, revoked=True
            )

    def __init__(self, organization_id: UUID, project_id: UUID, environment_id: UUID) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.environment_id = environment_id
        self.mode = AccessMode.PUBLIC
        self.links: dict[UUID, ShareLink] = {}

    @staticmethod
    def id_for(environment_id: UUID) -> UUID:
        """The id of an environment's access setting."""
        return derived_id("environment-access", environment_id)

    @classmethod
    def open(
        cls,
        organization_id: UUID,
        project_id: UUID,
        environment_id: UUID,
        *,
        actor: Actor,
        now: datetime,
    ) -> EnvironmentAccess:
        """Start an environment's access setting (public until changed)."""
        return cls._create(
            cls.Created,
            id=cls.id_for(environment_id),
            organization_id=organization_id,
            project_id=project_id,
            environment_id=environment_id,
            actor=actor,
            timestamp=now,
        )

    def change_mode(self, mode: AccessMode, *, actor: Actor, now: datetime) -> None:
        """Open the environment to anyone, or to members and share links only."""
        if mode is not self.mode:
            self.trigger_event(self.ModeChanged, mode=mode, actor=actor, timestamp=now)

    def create_share_link(
        self,
        link_id: UUID,
        token_hash: str,
        hours: int,
        *,
        actor: Actor,
        now: datetime,
    ) -> ShareLink:
        """A link that opens the environment for ``hours``; only its token's hash is kept."""
        if not 1 <= hours <= MAX_SHARE_HOURS:
            raise InvalidValueError(
                "expires_in_hours",
                f"must be between 1 and {MAX_SHARE_HOURS} hours (30 days); got {hours}",
            )
        if link_id in self.links:
            raise InvalidValueError("link_id", f"{link_id} is already a share link here")
        if sum(1 for link in self.links.values() if link.admits(now)) >= MAX_LIVE_LINKS:
            raise InvalidValueError(
                "environment_id",
                f"the environment has {MAX_LIVE_LINKS} live share links; revoke some first",
            )
        self.trigger_event(
            self.ShareLinkCreated,
            link_id=link_id,
            token_hash=token_hash,
            expires_at=now + timedelta(hours=hours),
            actor=actor,
            timestamp=now,
        )
        return self.links[link_id]

    def revoke_share_link(self, link_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Stop a share link from opening the environment (revoking twice changes nothing)."""
        link = self.links.get(link_id)
        if link is None:
            raise InvalidValueError("link_id", f"{link_id} is not a share link of this environment")
        if not link.revoked:
            self.trigger_event(self.ShareLinkRevoked, link_id=link_id, actor=actor, timestamp=now)

    def link_for(self, token_hash: str, now: datetime) -> ShareLink | None:
        """The share link whose token hashes to ``token_hash``, if it opens the environment
        at ``now``."""
        for link in self.links.values():
            if hmac.compare_digest(link.token_hash, token_hash) and link.admits(now):
                return link
        return None
