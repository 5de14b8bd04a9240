"""The dashboard's users and their API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.user import User
from projections.base import handles
from projections.schema import Owner, Table
from projections.store import RowStore


@dataclass(frozen=True)
class UserRow:
    """A user (never their password)."""

    id: UUID
    email: str
    name: str
    registered_at: datetime
    position: int = 0


@dataclass(frozen=True)
class ApiTokenRow:
    """A personal API token's metadata (never the token or its hash)."""

    id: UUID
    user_id: UUID
    name: str
    scopes: list[str]
    expires_at: datetime | None
    revoked: bool
    created_at: datetime
    position: int = 0


@dataclass(frozen=True)
class SignInLinkRow:
    """A provider account a user may sign in with (never a provider token)."""

    user_id: UUID
    provider: str
    login: str
    linked_at: datetime
    position: int = 0


USERS = Table("users", UserRow, ("id",), notices=(("user", "id"),), owner=Owner("peer", "id"))
API_TOKENS = Table(
    "api_tokens",
    ApiTokenRow,
    ("id",),
    notices=(("user", "user_id"),),
    indexes=(("user_id",),),
    owner=Owner("user", "user_id"),
)

SIGN_IN_LINKS = Table(
    "sign_in_links",
    SignInLinkRow,
    ("user_id", "provider"),
    notices=(("user", "user_id"),),
    owner=Owner("user", "user_id"),
)


class AccountHandlers:
    """Users and their API tokens, as the dashboard shows them."""

    @handles(User.Registered)
    def user_registered(self, e: User.Registered, store: RowStore) -> None:
        """A new account."""
        store.put(
            USERS,
            {"id": e.originator_id, "email": e.email, "name": e.name, "registered_at": e.timestamp},
        )

    @handles(User.Renamed)
    def user_renamed(self, e: User.Renamed, store: RowStore) -> None:
        """A new display name."""
        store.update(USERS, (e.originator_id,), name=e.name)

    @handles(User.ApiTokenCreated)
    def token_created(self, e: User.ApiTokenCreated, store: RowStore) -> None:
        """A new API token (its metadata)."""
        store.put(
            API_TOKENS,
            {
                "id": e.token_id,
                "user_id": e.originator_id,
                "name": e.name,
                "scopes": list(e.scopes),
                "expires_at": e.expires_at,
                "revoked": False,
                "created_at": e.timestamp,
            },
        )

    @handles(User.ApiTokenRevoked)
    def token_revoked(self, e: User.ApiTokenRevoked, store: RowStore) -> None:
        """A token stopped working."""
        store.update(API_TOKENS, (e.token_id,), revoked=True)

    @handles(User.ProviderLinked)
    def provider_linked(self, e: User.ProviderLinked, store: RowStore) -> None:
        """The user may sign in with a provider account."""
        store.put(
            SIGN_IN_LINKS,
            {
                "user_id": e.originator_id,
                "provider": e.provider,
                "login": e.login,
                "linked_at": e.timestamp,
            },
        )

    @handles(User.ProviderUnlinked)
    def provider_unlinked(self, e: User.ProviderUnlinked, store: RowStore) -> None:
        """The provider account no longer signs the user in."""
        store.delete(SIGN_IN_LINKS, e.originator_id, e.provider)
