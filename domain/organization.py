"""Organisations: who owns projects, nodes and data keys, and their members' roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.autoscaling import Prices
from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor, OrganizationId, UserId
from domain.image_registry import ImageRegistry
from domain.values import Role, SealedValue, validate_name, validate_slug

INVITATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Invitation:
    """A pending invitation to join an organisation."""

    id: UUID
    email: str
    role: Role
    token_hash: str
    expires_at: datetime


class LastOwnerError(RuleViolatedError):
    """Raised when the last owner of an organisation would leave or lose ownership."""


class Organization(ContainrAggregate):
    """A tenant of Containr: a name, a unique slug and members with roles."""

    class Created(ContainrAggregate.Created):
        name: str
        slug: str
        owner_id: UUID

    class Renamed(ContainrAggregate.Event):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name

    class MemberAdded(ContainrAggregate.Event):
        user_id: UUID
        role: Role

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.user_id] = self.role

    class MemberRoleChanged(ContainrAggregate.Event):
        user_id: UUID
        role: Role

        def apply(self, aggregate: Any) -> None:
            aggregate.members[self.user_id] = self.role

    class MemberRemoved(ContainrAggregate.Event):
        user_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate.members[self.user_id]

    class Invited(ContainrAggregate.Event):
        invitation_id: UUID
        email: str
        role: Role
        token_hash: str
        expires_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.invitations[self.invitation_id] = Invitation(
                self.invitation_id, self.email, self.role, self.token_hash, self.expires_at
            )

    class InvitationAccepted(ContainrAggregate.Event):
        invitation_id: UUID
        user_id: UUID
        role: Role

        def apply(self, aggregate: Any) -> None:
            aggregate.invitations.pop(self.invitation_id)
            aggregate.members[self.user_id] = self.role

    class InvitationRevoked(ContainrAggregate.Event):
        invitation_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.invitations.pop(self.invitation_id, None)

    class ForkSecretsPolicyChanged(ContainrAggregate.Event):
        """Whether releases built from pull requests of forks get the variables."""

        expose: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.expose_secrets_to_forks = self.expose

    class PricesSet(ContainrAggregate.Event):
        """What a vCPU-hour and a GB-hour cost, for replica costs and budgets (issue 16)."""

        prices: Prices

        def apply(self, aggregate: Any) -> None:
            aggregate.prices = self.prices

    class RegistrySet(ContainrAggregate.Event):
        """Built images go to this registry, for every node to pull (issue 18); address
        None: the installation's registry. The password is sealed."""

        address: str | None
        username: str | None
        password: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.registry = ImageRegistry(
                self.address,
                self.username,
                SealedValue(self.password) if self.password is not None else None,
            )

    class RegistryCleared(ContainrAggregate.Event):
        """Built images stay on the node they were built on again."""

        def apply(self, aggregate: Any) -> None:
            aggregate.registry = None

    class ProviderSignInRequirementChanged(ContainrAggregate.Event):
        required: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.requires_provider_sign_in = self.required

    def __init__(self, name: str, slug: str, owner_id: UUID) -> None:
        self.requires_provider_sign_in = False
        self.name = name
        self.slug = slug
        self.expose_secrets_to_forks = False
        """Releases of code from forks get the variables (as GitHub Actions' setting)."""
        self.members: dict[UUID, Role] = {owner_id: Role.OWNER}
        self.invitations: dict[UUID, Invitation] = {}
        self.prices = Prices()
        self.registry: ImageRegistry | None = None

    @classmethod
    def create(
        cls,
        org_id: OrganizationId,
        name: str,
        slug: str,
        owner_id: UserId,
        *,
        actor: Actor,
        now: datetime,
    ) -> Organization:
        """Found an organisation whose first member is its owner."""
        return cls._create(
            cls.Created,
            id=org_id,
            name=validate_name("name", name),
            slug=validate_slug("slug", slug),
            owner_id=owner_id,
            actor=actor,
            timestamp=now,
        )

    def require_provider_sign_in(self, required: bool, *, actor: Actor, now: datetime) -> None:
        """Whether members must have signed in through GitHub or GitLab to reach its data."""
        if required != self.requires_provider_sign_in:
            self.trigger_event(
                self.ProviderSignInRequirementChanged,
                required=required,
                actor=actor,
                timestamp=now,
            )

    def role_of(self, user_id: UUID) -> Role | None:
        """The member's role, or None when the user is not a member."""
        return self.members.get(user_id)

    def rename(self, name: str, *, actor: Actor, now: datetime) -> None:
        """Give the organisation a new display name (the slug stays)."""
        name = validate_name("name", name)
        if name != self.name:
            self.trigger_event(self.Renamed, name=name, actor=actor, timestamp=now)

    def set_fork_secrets_policy(self, expose: bool, *, actor: Actor, now: datetime) -> None:
        """Let releases built from forks' pull requests have the variables, or not."""
        if expose != self.expose_secrets_to_forks:
            self.trigger_event(
                self.ForkSecretsPolicyChanged, expose=expose, actor=actor, timestamp=now
            )

    def set_prices(self, prices: Prices, *, actor: Actor, now: datetime) -> bool:
        """Price a vCPU-hour and a GB-hour; False when they were so already."""
        prices.check()
        if prices == self.prices:
            return False
        self.trigger_event(self.PricesSet, prices=prices, actor=actor, timestamp=now)
        return True

    def set_registry(self, registry: ImageRegistry, *, actor: Actor, now: datetime) -> None:
        """Push built images to ``registry`` (checked by the caller) from now on."""
        self.trigger_event(
            self.RegistrySet,
            address=registry.address,
            username=registry.username,
            password=registry.password,
            actor=actor,
            timestamp=now,
        )

    def clear_registry(self, *, actor: Actor, now: datetime) -> bool:
        """Use no registry any more; False when there was none."""
        if self.registry is None:
            return False
        self.trigger_event(self.RegistryCleared, actor=actor, timestamp=now)
        return True

    def add_member(self, user_id: UserId, role: Role, *, actor: Actor, now: datetime) -> None:
        """Make a user a member with a role."""
        if user_id in self.members:
            raise RuleViolatedError(
                f"user {user_id} is already a member; change their role instead"
            )
        self.trigger_event(self.MemberAdded, user_id=user_id, role=role, actor=actor, timestamp=now)

    def change_role(self, user_id: UserId, role: Role, *, actor: Actor, now: datetime) -> None:
        """Give a member another role; the last owner keeps theirs."""
        current = self._require_member(user_id)
        if current == role:
            return
        if current is Role.OWNER and self._owner_count() == 1:
            raise LastOwnerError(
                "the last owner cannot be demoted; make another member owner first"
            )
        self.trigger_event(
            self.MemberRoleChanged, user_id=user_id, role=role, actor=actor, timestamp=now
        )

    def remove_member(self, user_id: UserId, *, actor: Actor, now: datetime) -> None:
        """Remove a member (or let them leave); the last owner cannot go."""
        current = self._require_member(user_id)
        if current is Role.OWNER and self._owner_count() == 1:
            raise LastOwnerError("the last owner cannot leave; make another member owner first")
        self.trigger_event(self.MemberRemoved, user_id=user_id, actor=actor, timestamp=now)

    def invite(
        self,
        invitation_id: UUID,
        email: str,
        role: Role,
        token_hash: str,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Invite someone by email; the invitation holds only the hash of its token."""
        if any(i.email == email and i.expires_at > now for i in self.invitations.values()):
            raise RuleViolatedError(
                f"{email} already has a pending invitation; revoke it to invite them again"
            )
        self.trigger_event(
            self.Invited,
            invitation_id=invitation_id,
            email=email,
            role=role,
            token_hash=token_hash,
            expires_at=now + INVITATION_LIFETIME,
            actor=actor,
            timestamp=now,
        )

    def accept_invitation(
        self, invitation_id: UUID, user_id: UserId, *, actor: Actor, now: datetime
    ) -> None:
        """The invited person joins with the invited role."""
        invitation = self.invitations.get(invitation_id)
        if invitation is None:
            raise RuleViolatedError(
                "this invitation was already used or revoked; ask for a new one"
            )
        if invitation.expires_at <= now:
            raise RuleViolatedError("this invitation has expired; ask for a new one")
        if user_id in self.members:
            raise RuleViolatedError("you are already a member of this organisation")
        self.trigger_event(
            self.InvitationAccepted,
            invitation_id=invitation_id,
            user_id=user_id,
            role=invitation.role,
            actor=actor,
            timestamp=now,
        )

    def revoke_invitation(self, invitation_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Withdraw a pending invitation."""
        if invitation_id not in self.invitations:
            raise InvalidValueError(
                "invitation_id",
                f"{invitation_id} is not a pending invitation of this organisation; list the "
                "invitations to find it",
            )
        self.trigger_event(
            self.InvitationRevoked, invitation_id=invitation_id, actor=actor, timestamp=now
        )

    def _require_member(self, user_id: UUID) -> Role:
        role = self.members.get(user_id)
        if role is None:
            raise InvalidValueError(
                "user_id",
                f"user {user_id} is not a member of this organisation; "
                "list the members to find them",
            )
        return role

    def _owner_count(self) -> int:
        return sum(1 for role in self.members.values() if role is Role.OWNER)
