"""The dashboard's environment access settings and their share links (issue 14): who may
open an environment's web services, and the links that open a members-only one. A share
link's token, and its hash, never reach the read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.environment_access import EnvironmentAccess
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class EnvironmentAccessRow:
    """Who may open an environment's web services (an environment without a row is public)."""

    id: UUID
    """The access setting's own id (derived from the environment's)."""
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    mode: str
    """``public`` or ``members``."""
    changed_at: datetime
    link_ids: list[str]
    """The environment's share links (so they go with it when it is removed)."""
    position: int = 0


@dataclass(frozen=True)
class ShareLinkRow:
    """A share link of a members-only environment (never its token nor the token's hash)."""

    id: UUID
    organization_id: UUID
    project_id: UUID
    environment_id: UUID
    created_at: datetime
    created_by: str
    """Who made it: ``user:<uuid>`` or ``token:<uuid>``."""
    expires_at: datetime
    revoked_at: datetime | None
    position: int = 0


ENVIRONMENT_ACCESS = Table(
    "environment_access",
    EnvironmentAccessRow,
    ("id",),
    notices=(("project", "project_id"),),
    indexes=(("environment_id",),),
)
SHARE_LINKS = Table(
    "share_links",
    ShareLinkRow,
    ("id",),
    notices=(("project", "project_id"),),
    indexes=(("environment_id", "created_at"),),
)


class AccessHandlers:
    """Environments' access settings and share links."""

    @handles(EnvironmentAccess.Created)
    def environment_access_created(self, e: EnvironmentAccess.Created, store: RowStore) -> None:
        """An environment's access setting began (public until changed)."""
        store.put(
            ENVIRONMENT_ACCESS,
            {
                "id": e.originator_id,
                "organization_id": e.organization_id,
                "project_id": e.project_id,
                "environment_id": e.environment_id,
                "mode": "public",
                "changed_at": e.timestamp,
                "link_ids": [],
            },
        )

    @handles(EnvironmentAccess.ModeChanged)
    def environment_access_changed(self, e: EnvironmentAccess.ModeChanged, store: RowStore) -> None:
        """The environment opened to anyone, or to members and share links only."""
        store.update(
            ENVIRONMENT_ACCESS, (e.originator_id,), mode=e.mode.value, changed_at=e.timestamp
        )

    @handles(EnvironmentAccess.ShareLinkCreated)
    def share_link_created(self, e: EnvironmentAccess.ShareLinkCreated, store: RowStore) -> None:
        """A share link was made (its token's hash stays in the event store)."""
        access = store.get(ENVIRONMENT_ACCESS, e.originator_id)
        if access is None:
            return
        store.put(
            SHARE_LINKS,
            {
                "id": e.link_id,
                "organization_id": access["organization_id"],
                "project_id": access["project_id"],
                "environment_id": access["environment_id"],
                "created_at": e.timestamp,
                "created_by": e.actor,
                "expires_at": e.expires_at,
                "revoked_at": None,
            },
        )
        store.update(
            ENVIRONMENT_ACCESS,
            (e.originator_id,),
            link_ids=[*access["link_ids"], str(e.link_id)],
        )

    @handles(EnvironmentAccess.ShareLinkRevoked)
    def share_link_revoked(self, e: EnvironmentAccess.ShareLinkRevoked, store: RowStore) -> None:
        """A share link stopped opening its environment."""
        store.update(SHARE_LINKS, (e.link_id,), revoked_at=e.timestamp)


def forget_environment(store: RowStore, environment_id: UUID) -> None:
    """A removed environment's access setting and share links leave the read model with it
    (the events stay in the log)."""
    key = EnvironmentAccess.id_for(environment_id)
    access = store.get(ENVIRONMENT_ACCESS, key)
    if access is None:
        return
    for link_id in access["link_ids"]:
        store.delete(SHARE_LINKS, UUID(link_id))
    store.delete(ENVIRONMENT_ACCESS, key)
