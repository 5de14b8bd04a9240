"""The dashboard's organisations, their members and invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.organization import Organization
from projections.base import handles
from projections.schema import Owner, Table
from projections.store import RowStore


@dataclass(frozen=True)
class OrganizationRow:
    """An organisation."""

    id: UUID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    expose_secrets_to_forks: bool = False
    """Releases built from forks' pull requests get the variables (issue 14)."""
    requires_provider_sign_in: bool = False
    vcpu_hour_price: float = 0.0
    """What a vCPU-hour costs (issue 16: replica costs and autoscaling budgets)."""
    gb_hour_price: float = 0.0
    """What a GB-hour of memory costs."""
    registry_kind: str | None = None
    """Where built images are pushed for every node (issue 18): ``own`` (the organisation's
    registry), ``installation`` (the one Containr runs), or None (they stay on the build node)."""
    registry_url: str | None = None
    """The own registry's address (host[:port][/path]); its password is never shown."""
    registry_username: str | None = None
    position: int = 0


@dataclass(frozen=True)
class MemberRow:
    """A member of an organisation and their role."""

    organization_id: UUID
    user_id: UUID
    role: str
    since: datetime
    position: int = 0


@dataclass(frozen=True)
class InvitationRow:
    """An invitation to an organisation: pending, accepted or revoked."""

    id: UUID
    organization_id: UUID
    email: str
    role: str
    state: str
    invited_by: str
    invited_at: datetime
    expires_at: datetime
    position: int = 0


ORGANIZATIONS = Table(
    "organizations",
    OrganizationRow,
    ("id",),
    notices=(("organization", "id"),),
    owner=Owner("organization", "id"),
)
MEMBERS = Table(
    "members",
    MemberRow,
    ("organization_id", "user_id"),
    notices=(("organization", "organization_id"), ("user", "user_id")),
    indexes=(("user_id",),),
)
INVITATIONS = Table(
    "invitations",
    InvitationRow,
    ("id",),
    notices=(("organization", "organization_id"),),
    indexes=(("organization_id",),),
    owner=Owner(permission="manage"),
)


class OrganizationHandlers:
    """Organisations, their members and invitations."""

    @handles(Organization.Created)
    def organization_created(self, e: Organization.Created, store: RowStore) -> None:
        """An organisation and its owner."""
        store.put(
            ORGANIZATIONS,
            {
                "id": e.originator_id,
                "name": e.name,
                "slug": e.slug,
                "expose_secrets_to_forks": False,
                "created_at": e.timestamp,
                "updated_at": e.timestamp,
                "requires_provider_sign_in": False,
                "vcpu_hour_price": 0.0,
                "gb_hour_price": 0.0,
                "registry_kind": None,
                "registry_url": None,
                "registry_username": None,
            },
        )
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.owner_id,
                "role": "owner",
                "since": e.timestamp,
            },
        )

    @handles(Organization.Renamed)
    def organization_renamed(self, e: Organization.Renamed, store: RowStore) -> None:
        """New display name."""
        store.update(ORGANIZATIONS, (e.originator_id,), name=e.name, updated_at=e.timestamp)

    @handles(Organization.ForkSecretsPolicyChanged)
    def fork_secrets_policy_changed(
        self, e: Organization.ForkSecretsPolicyChanged, store: RowStore
    ) -> None:
        """Whether forks' releases get the variables."""
        store.update(
            ORGANIZATIONS,
            (e.originator_id,),
            expose_secrets_to_forks=e.expose,
            updated_at=e.timestamp,
        )

    @handles(Organization.PricesSet)
    def prices_set(self, e: Organization.PricesSet, store: RowStore) -> None:
        """New prices per vCPU-hour and GB-hour."""
        store.update(
            ORGANIZATIONS,
            (e.originator_id,),
            vcpu_hour_price=e.prices.vcpu_hour,
            gb_hour_price=e.prices.gb_hour,
            updated_at=e.timestamp,
        )

    @handles(Organization.RegistrySet)
    def registry_set(self, e: Organization.RegistrySet, store: RowStore) -> None:
        """Built images go to a registry (never its password)."""
        store.update(
            ORGANIZATIONS,
            (e.originator_id,),
            registry_kind="installation" if e.address is None else "own",
            registry_url=e.address,
            registry_username=e.username,
            updated_at=e.timestamp,
        )

    @handles(Organization.RegistryCleared)
    def registry_cleared(self, e: Organization.RegistryCleared, store: RowStore) -> None:
        """Built images stay on their build node again."""
        store.update(
            ORGANIZATIONS,
            (e.originator_id,),
            registry_kind=None,
            registry_url=None,
            registry_username=None,
            updated_at=e.timestamp,
        )

    @handles(Organization.ProviderSignInRequirementChanged)
    def provider_sign_in_required(
        self, e: Organization.ProviderSignInRequirementChanged, store: RowStore
    ) -> None:
        """Members must (or need no longer) sign in through a provider."""
        store.update(
            ORGANIZATIONS,
            (e.originator_id,),
            requires_provider_sign_in=e.required,
            updated_at=e.timestamp,
        )

    @handles(Organization.MemberAdded, Organization.MemberRoleChanged)
    def member_changed(self, e: Any, store: RowStore) -> None:
        """A member joined or got another role."""
        existing = store.get(MEMBERS, e.originator_id, e.user_id)
        since = existing["since"] if existing else e.timestamp
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.user_id,
                "role": e.role.value,
                "since": since,
            },
        )

    @handles(Organization.Invited)
    def invited(self, e: Organization.Invited, store: RowStore) -> None:
        """A pending invitation."""
        store.put(
            INVITATIONS,
            {
                "id": e.invitation_id,
                "organization_id": e.originator_id,
                "email": e.email,
                "role": e.role.value,
                "state": "pending",
                "invited_by": e.actor,
                "invited_at": e.timestamp,
                "expires_at": e.expires_at,
            },
        )

    @handles(Organization.InvitationAccepted)
    def invitation_accepted(self, e: Organization.InvitationAccepted, store: RowStore) -> None:
        """The invited person joined."""
        store.update(INVITATIONS, (e.invitation_id,), state="accepted")
        store.put(
            MEMBERS,
            {
                "organization_id": e.originator_id,
                "user_id": e.user_id,
                "role": e.role.value,
                "since": e.timestamp,
            },
        )

    @handles(Organization.InvitationRevoked)
    def invitation_revoked(self, e: Organization.InvitationRevoked, store: RowStore) -> None:
        """The invitation was withdrawn."""
        store.update(INVITATIONS, (e.invitation_id,), state="revoked")

    @handles(Organization.MemberRemoved)
    def member_removed(self, e: Organization.MemberRemoved, store: RowStore) -> None:
        """A member left."""
        store.delete(MEMBERS, e.originator_id, e.user_id)
