"""Users: people who sign in, and the personal API tokens they create."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor, UserId
from domain.values import SealedValue, validate_name

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
TOKEN_SCOPES = ("read", "deploy", "write", "admin")
MAX_TOKENS = 50
SIGN_IN_PROVIDERS = ("github", "gitlab")


def normalise_email(value: str) -> str:
    """An email address, trimmed and lowercased, or InvalidValueError."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValueError("email", "is not a valid email address, like ada@example.com")
    return email


@dataclass(frozen=True)
class ApiToken:
    """A personal API token: only its hash is kept; the token is shown once."""

    id: UUID
    name: str
    scopes: tuple[str, ...]
    token_hash: str
    expires_at: datetime | None
    revoked: bool = False


@dataclass(frozen=True)
class LinkedProvider:
    """A provider account (GitHub, GitLab) the user may sign in with: its stable id and login."""

    provider: str
    subject: str
    login: str


class User(ContainrAggregate):
    """A person with an email, a name, a (sealed) password hash, API tokens and the provider
    accounts linked for signing in."""

    class Registered(ContainrAggregate.Created):
        email: str
        name: str
        password_hash: str

    class PasswordChanged(ContainrAggregate.Event):
        password_hash: str

        def apply(self, aggregate: Any) -> None:
            aggregate.password_hash = SealedValue(self.password_hash)

    class Renamed(ContainrAggregate.Event):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name

    class ApiTokenCreated(ContainrAggregate.Event):
        token_id: UUID
        name: str
        scopes: tuple[str, ...]
        token_hash: str
        expires_at: datetime | None

        def apply(self, aggregate: Any) -> None:
            aggregate.tokens[self.token_id] = ApiToken(
                self.token_id, self.name, tuple(self.scopes), self.token_hash, self.expires_at
            )

    class ApiTokenRevoked(ContainrAggregate.Event):
        token_id: UUID

        def apply(self, aggregate: Any) -> None:
            token = aggregate.tokens[self.token_id]
            aggregate.tokens[self.token_id] = ApiToken(
                token.id, token.name, token.scopes, token.token_hash, token.expires_at, True
            )

    class ProviderLinked(ContainrAggregate.Event):
        provider: str
        subject: str
        login: str

        def apply(self, aggregate: Any) -> None:
            aggregate.providers[self.provider] = LinkedProvider(
                self.provider, self.subject, self.login
            )

    class ProviderUnlinked(ContainrAggregate.Event):
        provider: str
        subject: str

        def apply(self, aggregate: Any) -> None:
            aggregate.providers.pop(self.provider, None)

    def __init__(self, email: str, name: str, password_hash: str) -> None:
        self.email = email
        self.name = name
        self.password_hash = SealedValue(password_hash)
        self.tokens: dict[UUID, ApiToken] = {}
        self.providers: dict[str, LinkedProvider] = {}

    @property
    def has_password(self) -> bool:
        """Whether the user can sign in with a password (every account made by sign-up can)."""
        return bool(self.password_hash)

    @classmethod
    def register(
        cls,
        user_id: UserId,
        email: str,
        name: str,
        password_hash: SealedValue,
        *,
        actor: Actor,
        now: datetime,
    ) -> User:
        """A new user (the caller reserves the email and seals the password hash)."""
        return cls._create(
            cls.Registered,
            id=user_id,
            email=normalise_email(email),
            name=validate_name("name", name),
            password_hash=password_hash,
            actor=actor,
            timestamp=now,
        )

    def change_password(self, password_hash: SealedValue, *, actor: Actor, now: datetime) -> None:
        """A new (sealed) password hash."""
        self.trigger_event(
            self.PasswordChanged, password_hash=password_hash, actor=actor, timestamp=now
        )

    def rename(self, name: str, *, actor: Actor, now: datetime) -> None:
        """A new display name."""
        name = validate_name("name", name)
        if name != self.name:
            self.trigger_event(self.Renamed, name=name, actor=actor, timestamp=now)

    def create_token(
        self,
        token_id: UUID,
        name: str,
        scopes: tuple[str, ...],
        token_hash: str,
        expires_at: datetime | None,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Record a new API token (its hash only)."""
        name = validate_name("name", name)
        unknown = sorted(set(scopes) - set(TOKEN_SCOPES))
        if not scopes or unknown:
            raise InvalidValueError(
                "scopes",
                f"give one or more of {', '.join(TOKEN_SCOPES)}"
                + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            )
        if expires_at is not None and expires_at <= now:
            raise InvalidValueError("expires_at", "must be in the future")
        if sum(1 for t in self.tokens.values() if not t.revoked) >= MAX_TOKENS:
            raise RuleViolatedError(f"at most {MAX_TOKENS} active tokens; revoke one first")
        self.trigger_event(
            self.ApiTokenCreated,
            token_id=token_id,
            name=name,
            scopes=tuple(sorted(set(scopes), key=TOKEN_SCOPES.index)),
            token_hash=token_hash,
            expires_at=expires_at,
            actor=actor,
            timestamp=now,
        )

    def revoke_token(self, token_id: UUID, *, actor: Actor, now: datetime) -> None:
        """Make a token unusable."""
        token = self.tokens.get(token_id)
        if token is None:
            raise InvalidValueError(
                "token_id", f"you have no token {token_id}; list your tokens to find it"
            )
        if not token.revoked:
            self.trigger_event(self.ApiTokenRevoked, token_id=token_id, actor=actor, timestamp=now)

    def link_provider(
        self, provider: str, subject: str, login: str, *, actor: Actor, now: datetime
    ) -> None:
        """Let the user sign in with a provider account (one account per provider)."""
        if provider not in SIGN_IN_PROVIDERS:
            raise InvalidValueError("provider", f"must be one of {', '.join(SIGN_IN_PROVIDERS)}")
        if not subject:
            raise InvalidValueError("subject", "the provider gave no account id")
        linked = self.providers.get(provider)
        if linked is not None:
            if linked.subject == subject:
                return
            raise RuleViolatedError(
                f"another {provider} account ({linked.login}) is linked already; unlink it first"
            )
        self.trigger_event(
            self.ProviderLinked,
            provider=provider,
            subject=subject,
            login=login[:100],
            actor=actor,
            timestamp=now,
        )

    def unlink_provider(self, provider: str, *, actor: Actor, now: datetime) -> str:
        """Stop signing in with a provider account; the last way to sign in stays.
        Returns the unlinked account's id."""
        linked = self.providers.get(provider)
        if linked is None:
            raise InvalidValueError("provider", f"no {provider} account is linked to you")
        if not self.has_password and len(self.providers) == 1:
            raise RuleViolatedError(
                f"{provider} is your only way to sign in; set a password or link another "
                "provider first"
            )
        self.trigger_event(
            self.ProviderUnlinked,
            provider=provider,
            subject=linked.subject,
            actor=actor,
            timestamp=now,
        )
        return linked.subject
