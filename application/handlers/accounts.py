"""Handlers for accounts: sign-up, passwords, API tokens and invitations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, TypeVar
from uuid import UUID, uuid4

from application.commands import (
    AcceptInvitation,
    ChangePassword,
    CreateApiToken,
    InviteMember,
    LinkProvider,
    RequireProviderSignIn,
    RevokeApiToken,
    RevokeInvitation,
    SignUp,
    UnlinkProvider,
)
from application.errors import ForbiddenError, InvalidValueError
from application.handlers.common import organization_scope, release, reserve
from application.unit_of_work import UnitOfWork
from domain.base import ContainrAggregate
from domain.errors import NameTakenError, RuleViolatedError
from domain.ids import OrganizationId, UserId
from domain.organization import Invitation, Organization
from domain.reservation import Reservation
from domain.user import User, normalise_email
from domain.values import slugify

EMAILS = "emails"
API_TOKENS = "api-tokens"
PROVIDER_ACCOUNTS = "provider-accounts"
INVITATIONS = "invitations"
FIRST_USER = ("installation", "first-user")
MAX_TOKEN_DAYS = 366
INVITATION_ONLY = "sign-up is by invitation: ask an organisation admin for one"
SIGNUP_REFUSED = (
    "cannot sign up with these details: if you already have an account, sign in instead"
)
A = TypeVar("A", bound=ContainrAggregate)


def password_context(user_id: UUID) -> str:
    """What a user's sealed password hash is bound to."""
    return f"password:{user_id}"


def _me(uow: UnitOfWork) -> User:
    if uow.user_id is None:
        raise ForbiddenError("sign in first")
    return uow.get(User, uow.user_id, "user")


def sign_up(cmd: SignUp, uow: UnitOfWork) -> dict[str, UUID]:
    """Register a user: the very first one founds an organisation and owns it; one with an
    invitation joins the invitation's organisation with its role."""
    email = normalise_email(cmd.email)
    first = uow.find(Reservation, Reservation.id_for(*FIRST_USER)) is None
    if cmd.invitation_required and not first and cmd.invitation_token_hash is None:
        raise ForbiddenError(INVITATION_ONLY)
    user_id = UserId(uuid4())
    sealed = uow.secrets.seal(user_id, password_context(user_id), cmd.password_hash)
    user = uow.add(User.register(user_id, email, cmd.name, sealed, actor=uow.actor, now=uow.now))
    try:
        reserve(uow, EMAILS, email, user_id, field="email", taken=SIGNUP_REFUSED)
    except NameTakenError:
        # The same answer as every other refusal: it must not single out a taken email.
        raise ForbiddenError(SIGNUP_REFUSED) from None
    ids: dict[str, UUID] = {"user_id": user_id}
    if first:
        uow.add(Reservation.claim(*FIRST_USER, user_id, actor=uow.actor, now=uow.now))
        org_id = OrganizationId(uuid4())
        slug = slugify(user.name) or "my-organisation"
        uow.add(
            Organization.create(
                org_id, f"{user.name}'s organisation", slug, user_id, actor=uow.actor, now=uow.now
            )
        )
        reserve(
            uow,
            organization_scope(),
            slug,
            org_id,
            field="name",
            taken=f"an organisation {slug!r} already exists; choose another name",
        )
        ids["organization_id"] = org_id
    elif cmd.invitation_token_hash is not None:
        found = pending_invitation(uow.find, cmd.invitation_token_hash, email, uow.now)
        if found is None:
            raise ForbiddenError(INVITATION_ONLY if cmd.invitation_required else SIGNUP_REFUSED)
        org, invitation = found
        org.accept_invitation(invitation.id, user_id, actor=uow.actor, now=uow.now)
        ids["organization_id"] = org.id
    return ids


class Finder(Protocol):
    """Looks an aggregate up by id: None when there is none of that type."""

    def __call__(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate, or None."""
        ...


def pending_invitation(
    find: Finder, token_hash: str, email: str, now: datetime
) -> tuple[Organization, Invitation] | None:
    """The unexpired invitation with this token for this (normalised) email, and its
    organisation; None when the token is unknown, used, revoked, expired or for another email."""
    index = find(Reservation, Reservation.id_for(INVITATIONS, token_hash))
    org = find(Organization, index.holder_id) if index and index.holder_id else None
    if org is None:
        return None
    for invitation in org.invitations.values():
        if invitation.token_hash == token_hash:
            if invitation.email == email and invitation.expires_at > now:
                return org, invitation
            return None
    return None


def change_password(cmd: ChangePassword, uow: UnitOfWork) -> dict[str, UUID]:
    """Replace the caller's password hash (sealed with their own key)."""
    user = _me(uow)
    sealed = uow.secrets.seal(user.id, password_context(user.id), cmd.password_hash)
    user.change_password(sealed, actor=uow.actor, now=uow.now)
    return {"user_id": user.id}


def create_api_token(cmd: CreateApiToken, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a token's hash, indexed so a request can find its owner."""
    user = _me(uow)
    days = cmd.expires_in_days
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidValueError(
            "expires_in_days",
            f"must be 1 to {MAX_TOKEN_DAYS}, or left out for a token that never expires",
        )
    token_id = uuid4()
    user.create_token(
        token_id,
        cmd.name,
        tuple(cmd.scopes),
        cmd.token_hash,
        uow.now + timedelta(days=days) if days is not None else None,
        actor=uow.actor,
        now=uow.now,
    )
    reserve(
        uow,
        API_TOKENS,
        cmd.token_hash,
        user.id,
        field="token",
        taken="this token already exists; create another one",
    )
    return {"user_id": user.id, "token_id": token_id}


def revoke_api_token(cmd: RevokeApiToken, uow: UnitOfWork) -> dict[str, UUID]:
    """Revoke one of the caller's tokens."""
    user = _me(uow)
    user.revoke_token(cmd.token_id, actor=uow.actor, now=uow.now)
    return {"user_id": user.id, "token_id": cmd.token_id}


def invite_member(cmd: InviteMember, uow: UnitOfWork) -> dict[str, UUID]:
    """Invite someone to an organisation; the token's hash finds the invitation later."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    invitation_id = uuid4()
    org.invite(
        invitation_id,
        normalise_email(cmd.email),
        cmd.role,
        cmd.token_hash,
        actor=uow.actor,
        now=uow.now,
    )
    reserve(
        uow,
        INVITATIONS,
        cmd.token_hash,
        org.id,
        field="token",
        taken="this invitation token already exists; invite again",
    )
    return {"organization_id": org.id, "invitation_id": invitation_id}


def accept_invitation(cmd: AcceptInvitation, uow: UnitOfWork) -> dict[str, UUID]:
    """The caller joins the organisation the token invites them to."""
    user = _me(uow)
    index = uow.find(Reservation, Reservation.id_for(INVITATIONS, cmd.token_hash))
    org = uow.find(Organization, index.holder_id) if index and index.holder_id else None
    invitation = (
        next((i for i in org.invitations.values() if i.token_hash == cmd.token_hash), None)
        if org
        else None
    )
    if org is None or invitation is None:
        raise RuleViolatedError(
            "this invitation is not valid (used, revoked or mistyped); ask for a new one"
        )
    org.accept_invitation(invitation.id, UserId(user.id), actor=uow.actor, now=uow.now)
    return {"organization_id": org.id, "user_id": user.id}


def revoke_invitation(cmd: RevokeInvitation, uow: UnitOfWork) -> dict[str, UUID]:
    """Withdraw a pending invitation."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.revoke_invitation(cmd.invitation_id, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id, "invitation_id": cmd.invitation_id}


def provider_key(provider: str, subject: str) -> str:
    """How the index of provider accounts names one (the provider's stable user id)."""
    return f"{provider}:{subject}"


def link_provider(cmd: LinkProvider, uow: UnitOfWork) -> dict[str, UUID]:
    """Link a provider account to the caller; one Containr account per provider account."""
    user = _me(uow)
    already = cmd.provider in user.providers
    user.link_provider(cmd.provider, cmd.subject, cmd.login, actor=uow.actor, now=uow.now)
    if not already:
        reserve(
            uow,
            PROVIDER_ACCOUNTS,
            provider_key(cmd.provider, cmd.subject),
            user.id,
            field="provider",
            taken=f"this {cmd.provider} account is linked to another Containr account",
        )
    return {"user_id": user.id}


def unlink_provider(cmd: UnlinkProvider, uow: UnitOfWork) -> dict[str, UUID]:
    """Unlink one of the caller's provider accounts (never their last way to sign in)."""
    user = _me(uow)
    subject = user.unlink_provider(cmd.provider, actor=uow.actor, now=uow.now)
    release(uow, PROVIDER_ACCOUNTS, provider_key(cmd.provider, subject), user.id)
    return {"user_id": user.id}


def require_provider_sign_in(cmd: RequireProviderSignIn, uow: UnitOfWork) -> dict[str, UUID]:
    """Turn an organisation's provider sign-in requirement on or off."""
    org = uow.get(Organization, cmd.organization_id, "organization")
    org.require_provider_sign_in(cmd.required, actor=uow.actor, now=uow.now)
    return {"organization_id": org.id}
